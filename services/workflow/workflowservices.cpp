// SPDX-License-Identifier: MIT
#include "workflowservices.h"

#include "core/futures.h"
#include "git/gitinput.h"
#include "github/githubapi.h"
#include "github/githubremote.h"
#include "ops/warmpool.h"
#include "sandbox/sandboxservice.h"

#include <QPromise>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

template<class T>
QFuture<Result<QJsonObject>> failed(const Error &error)
{
    return readyFuture<Result<QJsonObject>>(tl::unexpected(error));
}

// A git outcome's log, line by line, into the step's log.
void relay(const QString &text, const WorkflowActions::Log &log)
{
    for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts))
        log(line);
}

} // namespace

WorkflowServices::WorkflowServices(const Database &db, SandboxService &sandboxes, GitHubApi *github,
                                   GitIdentity identity, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_sandboxes(sandboxes)
    , m_github(github)
    , m_git(new GitOps(db, sandboxes, this))
{
    m_git->setIdentity(identity);
}

WorkflowServices::~WorkflowServices() = default;

QString WorkflowServices::repoFolder(const WorkflowInputs &inputs)
{
    return defaultRepoFolder(inputs.repoUrl);
}

bool WorkflowServices::sandboxLive(const WorkflowRun &run)
{
    const auto record = m_sandboxes.get(run.sandboxId());
    return record && record->status == SandboxStatus::Running;
}

QFuture<Result<void>> WorkflowServices::discardSandbox(const WorkflowRun &run)
{
    const QString id = run.sandboxId();
    if (id.isEmpty())
        return readyFuture<Result<void>>({});
    return m_sandboxes.terminate(id).then(this, [](const Result<TerminateOutcome> &ended) -> Result<void> {
        if (!ended && ended.error().code() != ErrorCode::NotFound)
            return tl::unexpected(ended.error());
        return {};
    });
}

QFuture<Result<GitOps *>> WorkflowServices::gitWithCredential()
{
    if (!m_github)
        return readyFuture<Result<GitOps *>>(m_git);
    return m_github->gitCredential().then(this, [this](const Result<GitCredential> &credential)
                                                      -> Result<GitOps *> {
        // No credentials is not an error here: a public repository clones without them, and a
        // push that needs them says so in git's words.
        if (credential)
            m_git->setCredential(*credential);
        return m_git;
    });
}

QFuture<Result<QJsonObject>> WorkflowServices::perform(WorkflowStepKind step, const WorkflowRun &run,
                                                       const Log &log)
{
    const WorkflowInputs &in = run.inputs;
    const QString sandbox = run.sandboxId();
    const QString folder = repoFolder(in);
    switch (step) {
    case WorkflowStepKind::CreateSandbox:
        return createSandbox(run, log);
    case WorkflowStepKind::Clone:
        return clearInterruptedClone(run, log)
            .then(this, [this](Result<void> cleared) {
                if (!cleared)
                    return readyFuture<Result<GitOps *>>(tl::unexpected(cleared.error()));
                return gitWithCredential();
            })
            .unwrap()
            .then(this, [sandbox, in, folder](Result<GitOps *> git) {
                if (!git)
                    return readyFuture<Result<CloneOutcome>>(tl::unexpected(git.error()));
                return (*git)->clone(sandbox, in.repoUrl, folder);
            })
            .unwrap()
            .then(this, [log](const Result<CloneOutcome> &cloned) -> Result<QJsonObject> {
                if (!cloned)
                    return tl::unexpected(cloned.error());
                relay(cloned->log, log);
                return QJsonObject{{u"folder"_s, cloned->folder}, {u"sha"_s, cloned->sha},
                                   {u"branch"_s, cloned->branch}, {u"updated"_s, cloned->updated}};
            });
    case WorkflowStepKind::Branch:
        return m_git->branch(sandbox, folder, in.branch,
                             in.baseBranch.isEmpty() ? QString() : u"origin/"_s + in.baseBranch)
            .then(this, [log](const Result<BranchOutcome> &made) -> Result<QJsonObject> {
                if (!made)
                    return tl::unexpected(made.error());
                relay(made->log, log);
                return QJsonObject{{u"branch"_s, made->branch}, {u"sha"_s, made->sha},
                                   {u"created"_s, made->created}};
            });
    case WorkflowStepKind::WaitForAgent:
        return runAgent(run, log);
    case WorkflowStepKind::Commit:
        // A commit made before an interruption leaves nothing to commit: never a second one.
        return m_git->commit(sandbox, folder, in.commitMessage)
            .then(this, [log](const Result<CommitOutcome> &made) -> Result<QJsonObject> {
                if (!made)
                    return tl::unexpected(made.error());
                relay(made->log, log);
                return QJsonObject{{u"sha"_s, made->sha}, {u"committed"_s, made->committed}};
            });
    case WorkflowStepKind::Push:
        return gitWithCredential()
            .then(this, [sandbox, folder, in](Result<GitOps *> git) {
                return (*git)->push(sandbox, folder, in.branch);
            })
            .unwrap()
            .then(this, [log](const Result<PushOutcome> &pushed) -> Result<QJsonObject> {
                if (!pushed)
                    return tl::unexpected(pushed.error());
                relay(pushed->log, log);
                return QJsonObject{{u"upstream"_s, pushed->upstream}, {u"sha"_s, pushed->sha},
                                   {u"up_to_date"_s, pushed->upToDate}};
            });
    case WorkflowStepKind::OpenPullRequest:
        return openPullRequest(run, log);
    case WorkflowStepKind::TerminateSandbox:
        return m_sandboxes.terminate(sandbox).then(
            this, [log](const Result<TerminateOutcome> &ended) -> Result<QJsonObject> {
                if (!ended && ended.error().code() != ErrorCode::NotFound)
                    return tl::unexpected(ended.error());
                if (ended)
                    log(ended->message);
                return QJsonObject{{u"terminated"_s, true}};
            });
    }
    return failed<QJsonObject>(Error(ErrorCode::Internal, u"Unknown workflow step."_s));
}

QFuture<Result<void>> WorkflowServices::clearInterruptedClone(const WorkflowRun &run, const Log &log)
{
    // The clone is the first thing done in the run's own sandbox, so when it runs again (it
    // was cut off, or its end was not recorded) the folder holds nothing but a clone that
    // may be partial: it is removed and cloned afresh.
    if (run.step(WorkflowStepKind::Clone).attempts <= 1)
        return readyFuture<Result<void>>(Result<void>());
    const QString folder = repoFolder(run.inputs);
    log(u"Removing %1 left by the interrupted clone."_s.arg(folder));
    CommandSpec spec;
    spec.argv = {u"rm"_s, u"-rf"_s, u"--"_s, folder};
    return runCommand(run.sandboxId(), spec, {}).then(this, [folder](const Result<CommandOutcome> &ran)
                                                                -> Result<void> {
        if (!ran)
            return tl::unexpected(ran.error());
        if (ran->exitCode != 0) {
            return fail(ErrorCode::Provider,
                        u"Could not remove %1 before cloning again (rm exited with %2)."_s.arg(folder).arg(
                            ran->exitCode));
        }
        return {};
    });
}

QFuture<Result<CommandOutcome>> WorkflowServices::runCommand(const QString &sandbox,
                                                             const CommandSpec &spec, const Log &log)
{
    CommandRun *command = m_sandboxes.run(sandbox, spec, this);
    auto promise = std::make_shared<QPromise<Result<CommandOutcome>>>();
    promise->start();
    auto pending = std::make_shared<QByteArray>();
    if (log) {
        connect(command, &CommandRun::output, this, [log, pending](CommandRun::Channel, const QByteArray &data) {
            pending->append(data);
            const qsizetype end = pending->lastIndexOf('\n');
            if (end < 0)
                return;
            relay(QString::fromUtf8(pending->left(end)), log);
            pending->remove(0, end + 1);
        });
    }
    const auto finish = [command, promise, pending, log] {
        if (log && !pending->isEmpty())
            relay(QString::fromUtf8(*pending), log);
        command->deleteLater();
        promise->addResult(command->result());
        promise->finish();
    };
    if (command->isFinished())
        finish();
    else
        connect(command, &CommandRun::finished, this, finish);
    return promise->future();
}

QFuture<Result<QJsonObject>> WorkflowServices::createSandbox(const WorkflowRun &run, const Log &log)
{
    const auto made = [](const SandboxRecord &record, bool reused) {
        return QJsonObject{{u"sandbox_id"_s, record.id},
                           {u"provider"_s, record.provider},
                           {u"reused"_s, reused}};
    };
    // The run's sandbox, if an earlier attempt made one: never a second.
    auto existing = m_sandboxes.findByMetadata(RunKey, run.id);
    if (!existing)
        return failed<QJsonObject>(existing.error());
    if (*existing && (*existing)->status == SandboxStatus::Running) {
        log(u"Using sandbox %1, made for this run before."_s.arg((*existing)->id));
        return readyFuture<Result<QJsonObject>>(made(**existing, true));
    }
    const auto create = [this, run, made, log]() {
        CreateSandboxRequest request;
        request.templateId = run.inputs.templateId;
        request.taskId = run.inputs.taskId;
        request.agentId = run.inputs.agentId;
        request.provider = run.inputs.provider;
        request.repoUrl = run.inputs.repoUrl.contains(u"://"_s) ? run.inputs.repoUrl : QString();
        request.metadata.insert(QString(RunKey), run.id);
        const auto fresh = [this, request, made, log] {
            return m_sandboxes.create(request).then(this, [made, log](const Result<SandboxRecord> &record)
                                                              -> Result<QJsonObject> {
                if (!record)
                    return tl::unexpected(record.error());
                log(u"Sandbox %1 is running (%2)."_s.arg(record->id, record->provider));
                return made(*record, false);
            });
        };
        if (!m_pool)
            return fresh();
        // The take writes the run's id onto the sandbox in the same statement that claims it,
        // so a resumed run finds it by its metadata like one it created.
        return m_pool->take(request)
            .then(this, [made, log, fresh](const Result<std::optional<SandboxRecord>> &taken)
                            -> QFuture<Result<QJsonObject>> {
                if (!taken)
                    return failed<QJsonObject>(taken.error());
                if (!*taken)
                    return fresh();
                log(u"Took sandbox %1 from the warm pool (%2)."_s.arg((*taken)->id, (*taken)->provider));
                QJsonObject result = made(**taken, false);
                result.insert(u"pooled"_s, true);
                return readyFuture<Result<QJsonObject>>(result);
            })
            .unwrap();
    };
    if (!*existing || (*existing)->status != SandboxStatus::Created)
        return create();
    // Cut off while the provider was making it: ask the provider whether it exists after all.
    const SandboxRecord pending = **existing;
    log(u"Sandbox %1 was being created when the run stopped: asking %2 about it."_s.arg(
        pending.id, pending.provider));
    return m_sandboxes.reconcile(pending.provider)
        .then(this, [this, pending, made, create](const Result<ReconcileReport> &) {
            const auto now = m_sandboxes.get(pending.id);
            if (now && now->status == SandboxStatus::Running)
                return readyFuture<Result<QJsonObject>>(made(*now, true));
            return create();
        })
        .unwrap();
}

QFuture<Result<QJsonObject>> WorkflowServices::runAgent(const WorkflowRun &run, const Log &log)
{
    CommandSpec spec;
    spec.argv = {u"sh"_s, u"-c"_s, run.inputs.agentCommand};
    spec.workingDirectory = repoFolder(run.inputs);
    return runCommand(run.sandboxId(), spec, log).then(this, [](const Result<CommandOutcome> &ran)
                                                                 -> Result<QJsonObject> {
        if (!ran)
            return tl::unexpected(ran.error());
        if (ran->exitCode != 0) {
            return fail(ErrorCode::Provider, u"The agent command exited with %1%2."_s.arg(ran->exitCode).arg(
                                                 ran->timedOut ? u" (timed out)"_s : QString()));
        }
        return QJsonObject{{u"exit_code"_s, 0}};
    });
}

QFuture<Result<QJsonObject>> WorkflowServices::openPullRequest(const WorkflowRun &run, const Log &log)
{
    if (!m_github) {
        return failed<QJsonObject>(Error(ErrorCode::Unauthenticated,
                                         u"Opening the pull request needs GitHub: set a token or a "
                                         "GitHub App for the profile."_s));
    }
    const WorkflowInputs &in = run.inputs;
    const auto repo = in.prRepo.isEmpty() ? gitHubRepoFromRemote(in.repoUrl)
                                          : gitHubRepoFromSlug(in.prRepo, m_github->webHost());
    if (!repo)
        return failed<QJsonObject>(repo.error());
    PullRequestDraft draft;
    draft.repo = *repo;
    draft.title = in.prTitle;
    draft.body = in.prBody;
    draft.head = in.branch;
    draft.base = in.baseBranch;
    draft.draft = in.draft;
    for (const QString &reviewer : in.reviewers)
        (reviewer.contains(u'/') ? draft.teamReviewers : draft.reviewers) << reviewer;
    draft.labels = in.labels;
    return m_github->createPullRequest(draft).then(
        this, [log](const Result<PullRequestCreated> &made) -> Result<QJsonObject> {
            if (!made)
                return tl::unexpected(made.error());
            const PullRequest &pr = made->pullRequest;
            log(made->existed ? u"Pull request #%1 was already open: %2"_s.arg(pr.number).arg(pr.url)
                              : u"Opened pull request #%1: %2"_s.arg(pr.number).arg(pr.url));
            for (const QString &problem : made->problems)
                log(u"Could not finish the pull request: "_s + problem);
            return QJsonObject{{u"url"_s, pr.url},
                               {u"number"_s, pr.number},
                               {u"repository"_s, pr.repo.slug()},
                               {u"head"_s, pr.head},
                               {u"base"_s, pr.base},
                               {u"existed"_s, made->existed},
                               {u"problems"_s, QJsonArray::fromStringList(made->problems)}};
        });
}

} // namespace squad
