// SPDX-License-Identifier: MIT
#include "workflowengine.h"

#include "core/futures.h"
#include "core/ids.h"
#include "core/platform.h"
#include "core/redaction.h"
#include "core/timestamp.h"
#include "git/gitinput.h"
#include "github/githubremote.h"
#include "store/auditlog.h"
#include "store/workflowstore.h"
#include "workflow/workflowactions.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPromise>
#include <QSettings>
#include <QTimer>

#include <csignal>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcWorkflow, "squad.workflow")

namespace squad {

WorkflowActions::~WorkflowActions() = default;

// One run being driven by this engine: the run as last stored and the promise of start().
struct WorkflowEngine::Active
{
    WorkflowRun run;
    QPromise<Result<WorkflowRun>> promise;
};

namespace {

bool transient(const Error &error)
{
    return error.code() == ErrorCode::Unavailable || error.code() == ErrorCode::Timeout
        || error.code() == ErrorCode::RateLimited;
}

} // namespace

WorkflowEngine::WorkflowEngine(const Database &db, WorkflowActions &actions, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_actions(actions)
    , m_killAt(qEnvironmentVariable("SQUAD_TEST_KILL_AT"))
{
}

WorkflowEngine::~WorkflowEngine()
{
    // Runs still going stay "running" in the store with this process as runner: the next
    // start() sees the process gone and takes them over.
    for (const auto &active : std::as_const(m_active)) {
        active->promise.addResult(fail(ErrorCode::Cancelled, u"The workflow engine was shut down."_s));
        active->promise.finish();
    }
}

WorkflowEngine::Options WorkflowEngine::optionsFrom(const QSettings &settings)
{
    Options options;
    const auto read = [&settings](const QString &key, int fallback, int low, int high) {
        bool ok = false;
        const int value = settings.value(key).toInt(&ok);
        return ok ? std::clamp(value, low, high) : fallback;
    };
    options.maxAttempts = read(u"workflow/maxAttempts"_s, options.maxAttempts, 1, 20);
    options.backoffMs = read(u"workflow/retryBackoffMs"_s, options.backoffMs, 0, 600'000);
    options.backoffCapMs = read(u"workflow/retryBackoffCapMs"_s, options.backoffCapMs,
                                options.backoffMs, 3'600'000);
    options.backoffCapMs = std::max(options.backoffCapMs, options.backoffMs);
    return options;
}

Result<WorkflowInputs> WorkflowEngine::validate(WorkflowInputs in)
{
    const auto invalid = [](const QString &message) {
        return fail(ErrorCode::InvalidArgument, message);
    };
    in.repoUrl = in.repoUrl.trimmed();
    if (in.repoUrl.isEmpty())
        return invalid(u"A workflow run needs the repository to clone (--repo URL)."_s);
    if (auto url = validateGitRemote(in.repoUrl, true); !url)
        return fail(url.error());
    in.branch = in.branch.trimmed();
    if (in.branch.isEmpty())
        return invalid(u"A workflow run needs the branch the changes go to (--branch NAME)."_s);
    if (auto branch = validateBranchName(in.branch); !branch)
        return fail(branch.error());
    in.baseBranch = in.baseBranch.trimmed();
    if (!in.baseBranch.isEmpty()) {
        if (auto base = validateBranchName(in.baseBranch, u"base branch"_s); !base)
            return fail(base.error());
        if (in.baseBranch == in.branch)
            return invalid(u"The branch and its base are both \"%1\": name a new branch for the changes."_s
                               .arg(in.branch));
    }
    // Checked before anything runs: a message that cannot be committed never makes a sandbox.
    if (auto commit = parseConventionalCommit(in.commitMessage); !commit)
        return fail(commit.error());
    in.prTitle = in.prTitle.trimmed();
    if (in.prTitle.isEmpty())
        return invalid(u"A workflow run needs the pull request's title (--title)."_s);
    in.prRepo = in.prRepo.trimmed();
    if (!in.prRepo.isEmpty()) {
        if (auto repo = gitHubRepoFromSlug(in.prRepo, u"github.com"_s); !repo)
            return fail(repo.error());
    } else if (!gitHubRepoFromRemote(in.repoUrl)) {
        return invalid(u"\"%1\" is not on GitHub: give the pull request's repository as OWNER/REPO "
                       "(--pr-repo)."_s.arg(in.repoUrl));
    }
    for (const QString &reviewer : std::as_const(in.reviewers)) {
        for (const QString &part : reviewer.split(u'/')) {
            if (auto name = validateGitHubName(part, u"reviewer"_s); !name)
                return fail(name.error());
        }
    }
    if (in.agentWait == AgentWait::Command && in.agentCommand.trimmed().isEmpty())
        return invalid(u"The agent command is empty."_s);
    return in;
}

Result<WorkflowRun> WorkflowEngine::createRun(const WorkflowInputs &inputs)
{
    auto valid = validate(inputs);
    if (!valid)
        return fail(valid.error());
    WorkflowRun run;
    run.id = newId();
    run.inputs = *valid;
    run.createdAt = run.updatedAt = nowUtc();
    for (int i = 0; i < WorkflowStepCount; ++i)
        run.steps[size_t(i)].kind = WorkflowStepKind(i);
    if (auto stored = WorkflowStore(m_db).insert(run); !stored)
        return fail(stored.error());
    audit(run, u"workflow.create"_s, u"ok"_s,
          u"%1 → %2 (%3)"_s.arg(run.inputs.repoUrl, run.inputs.branch, run.inputs.prTitle));
    Q_EMIT runChanged(run);
    return run;
}

Result<WorkflowRun> WorkflowEngine::get(const QString &runId) const
{
    if (const auto active = m_active.constFind(runId); active != m_active.cend())
        return (*active)->run;
    return WorkflowStore(m_db).get(runId);
}

Result<QList<WorkflowRun>> WorkflowEngine::list(int limit) const
{
    return WorkflowStore(m_db).list(limit);
}

Result<QList<WorkflowRun>> WorkflowEngine::resumable() const
{
    auto runs = list();
    if (!runs)
        return runs;
    QList<WorkflowRun> open;
    for (const WorkflowRun &run : std::as_const(*runs)) {
        if (!workflowRunFinished(run.state) && !m_active.contains(run.id)
            && !runByAnotherLiveProcess(run)) {
            open << run;
        }
    }
    return open;
}

bool WorkflowEngine::runByAnotherLiveProcess(const WorkflowRun &run) const
{
    if (run.runnerPid == 0 || run.runnerPid == QCoreApplication::applicationPid())
        return false;
    // A runner on another machine cannot be checked from here: its claim stands.
    if (run.runnerHost != hostName())
        return true;
    return processAlive(run.runnerPid);
}

Result<void> WorkflowEngine::claim(WorkflowRun &run) const
{
    if (runByAnotherLiveProcess(run)) {
        return fail(ErrorCode::Conflict,
                    u"Workflow run %1 is being run by process %2 on %3: wait for it, or stop that "
                    "process first."_s.arg(run.id).arg(run.runnerPid).arg(run.runnerHost));
    }
    run.runnerPid = QCoreApplication::applicationPid();
    run.runnerHost = hostName();
    return {};
}

Result<void> WorkflowEngine::persist(WorkflowRun &run, std::optional<WorkflowStepKind> step)
{
    run.updatedAt = nowUtc();
    const WorkflowStore store(m_db);
    auto saved = step ? store.save(run, *step) : store.saveRun(run);
    if (saved)
        Q_EMIT runChanged(run);
    return saved;
}

void WorkflowEngine::audit(const WorkflowRun &run, const QString &action, const QString &outcome,
                           const QString &detail) const
{
    auto appended = AuditLog(m_db).append({0, {}, osUserName(), action, run.id, outcome, detail});
    if (!appended)
        qCWarning(lcWorkflow) << "audit of" << action << "failed:" << appended.error().toString();
}

void WorkflowEngine::killPoint(WorkflowStepKind step, const char *when) const
{
#ifdef Q_OS_UNIX
    // Crash tests: the process dies here, as a power cut or `kill -9` would take it.
    if (!m_killAt.isEmpty() && m_killAt == workflowStepName(step) + u':' + QLatin1String(when))
        std::raise(SIGKILL);
#else
    Q_UNUSED(step);
    Q_UNUSED(when);
#endif
}

QFuture<Result<WorkflowRun>> WorkflowEngine::start(const QString &runId)
{
    auto run = WorkflowStore(m_db).get(runId);
    if (!run)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(run.error()));
    return drive(*run, {});
}

QFuture<Result<WorkflowRun>> WorkflowEngine::confirmAgentDone(const QString &runId)
{
    auto run = WorkflowStore(m_db).get(runId);
    if (!run)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(run.error()));
    if (run->state != WorkflowRunState::Waiting) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict,
            u"Workflow run %1 is not waiting for the agent (it is %2)."_s.arg(
                runId, workflowRunStateName(run->state))));
    }
    audit(*run, u"workflow.confirm_agent"_s, u"ok"_s, {});
    return drive(*run, [](WorkflowRun &r) {
        WorkflowStep &wait = r.step(WorkflowStepKind::WaitForAgent);
        wait.state = WorkflowStepState::Succeeded;
        wait.finishedAt = nowUtc();
        wait.output = QJsonObject{{u"confirmed_by"_s, osUserName()}};
        wait.error.clear();
    });
}

QFuture<Result<WorkflowRun>> WorkflowEngine::retry(const QString &runId)
{
    auto run = WorkflowStore(m_db).get(runId);
    if (!run)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(run.error()));
    if (run->state != WorkflowRunState::Failed) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict, u"Only a failed run can be retried; %1 is %2."_s.arg(
                                     runId, workflowRunStateName(run->state))));
    }
    audit(*run, u"workflow.retry"_s, u"ok"_s,
          run->nextStep() ? workflowStepName(*run->nextStep()) : QString());
    return drive(*run, [](WorkflowRun &r) {
        if (const auto step = r.nextStep())
            r.step(*step).state = WorkflowStepState::Pending;
    });
}

QFuture<Result<WorkflowRun>> WorkflowEngine::skip(const QString &runId)
{
    auto run = WorkflowStore(m_db).get(runId);
    if (!run)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(run.error()));
    const auto step = run->nextStep();
    if (run->state != WorkflowRunState::Failed || !step) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict, u"Only a failed step can be skipped; run %1 is %2."_s.arg(
                                     runId, workflowRunStateName(run->state))));
    }
    if (!workflowStepSkippable(*step)) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict,
            u"\"%1\" cannot be skipped: a later step needs what it makes. Retry it or abort the run."_s
                .arg(workflowStepTitle(*step))));
    }
    audit(*run, u"workflow.skip"_s, u"ok"_s, workflowStepName(*step));
    return drive(*run, [step](WorkflowRun &r) {
        WorkflowStep &skipped = r.step(*step);
        skipped.state = WorkflowStepState::Skipped;
        skipped.finishedAt = nowUtc();
    });
}

QFuture<Result<WorkflowRun>> WorkflowEngine::abort(const QString &runId, bool keepSandbox)
{
    if (m_active.contains(runId)) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict, u"Workflow run %1 has a step running; wait for it to end."_s.arg(runId)));
    }
    auto run = WorkflowStore(m_db).get(runId);
    if (!run)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(run.error()));
    if (workflowRunFinished(run->state)) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::AlreadyDone,
            u"Workflow run %1 has already %2."_s.arg(runId, workflowRunStateName(run->state))));
    }
    if (auto claimed = claim(*run); !claimed)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(claimed.error()));
    const auto finishAbort = [this](WorkflowRun r, const QString &sandboxNote) -> Result<WorkflowRun> {
        r.state = WorkflowRunState::Aborted;
        r.runnerPid = 0;
        r.runnerHost.clear();
        if (r.error.isEmpty())
            r.error = u"Aborted by %1."_s.arg(osUserName());
        if (auto saved = persist(r, std::nullopt); !saved)
            return tl::unexpected(saved.error());
        audit(r, u"workflow.abort"_s, u"ok"_s, sandboxNote);
        return r;
    };
    const QString sandbox = run->sandboxId();
    const bool sandboxEnded = run->step(WorkflowStepKind::TerminateSandbox).state
        == WorkflowStepState::Succeeded;
    if (keepSandbox || sandbox.isEmpty() || sandboxEnded) {
        return readyFuture<Result<WorkflowRun>>(finishAbort(
            *run, keepSandbox && !sandbox.isEmpty() ? u"sandbox %1 kept"_s.arg(sandbox) : QString()));
    }
    return m_actions.discardSandbox(*run).then(this, [run = *run, finishAbort, sandbox](Result<void> ended) {
        return finishAbort(run, ended ? u"sandbox %1 terminated"_s.arg(sandbox)
                                      : u"sandbox %1 could not be terminated: %2"_s.arg(
                                            sandbox, ended.error().message()));
    });
}

QFuture<Result<WorkflowRun>> WorkflowEngine::drive(WorkflowRun run,
                                                   std::function<void(WorkflowRun &)> prepare)
{
    if (m_active.contains(run.id)) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::Conflict, u"Workflow run %1 is already running here."_s.arg(run.id)));
    }
    if (workflowRunFinished(run.state)) {
        return readyFuture<Result<WorkflowRun>>(fail(
            ErrorCode::AlreadyDone,
            u"Workflow run %1 has already %2."_s.arg(run.id, workflowRunStateName(run.state))));
    }
    if (auto claimed = claim(run); !claimed)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(claimed.error()));
    if (prepare)
        prepare(run);
    // Work done in a sandbox that is gone (its timeout, a cleanup, a terminated failure) is
    // done again in a new one: the steps from the sandbox's creation on run again.
    const auto upcoming = run.nextStep();
    if (upcoming && workflowStepUsesSandbox(*upcoming) && !run.sandboxId().isEmpty()
        && !m_actions.sandboxLive(run)) {
        for (WorkflowStep &step : run.steps) {
            if (workflowStepUsesSandbox(step.kind) && step.state == WorkflowStepState::Succeeded) {
                step.state = WorkflowStepState::Pending;
                step.output = {};
            }
        }
    }
    run.state = WorkflowRunState::Running;
    run.error.clear();
    run.updatedAt = nowUtc();
    // Every step is written here, in one transaction, so what prepare() changed is stored
    // before anything runs.
    if (auto saved = WorkflowStore(m_db).saveAll(run); !saved)
        return readyFuture<Result<WorkflowRun>>(tl::unexpected(saved.error()));
    Q_EMIT runChanged(run);

    auto active = std::make_shared<Active>();
    active->run = std::move(run);
    active->promise.start();
    m_active.insert(active->run.id, active);
    QFuture<Result<WorkflowRun>> future = active->promise.future();
    next(active);
    return future;
}

void WorkflowEngine::next(const std::shared_ptr<Active> &active)
{
    WorkflowRun &run = active->run;
    const auto step = run.nextStep();
    if (!step) {
        run.state = WorkflowRunState::Succeeded;
        run.runnerPid = 0;
        run.runnerHost.clear();
        if (auto saved = persist(run, std::nullopt); !saved)
            return settle(active, tl::unexpected(saved.error()));
        audit(run, u"workflow.run"_s, u"ok"_s, run.pullRequestUrl());
        return settle(active, run);
    }
    if (*step == WorkflowStepKind::WaitForAgent && run.inputs.agentWait != AgentWait::Command) {
        WorkflowStep &wait = run.step(*step);
        if (run.inputs.agentWait == AgentWait::NoWait) {
            wait.state = WorkflowStepState::Succeeded;
            wait.startedAt = wait.finishedAt = nowUtc();
            wait.output = QJsonObject{{u"waited"_s, false}};
            if (auto saved = persist(run, *step); !saved)
                return settle(active, tl::unexpected(saved.error()));
            return next(active);
        }
        // The operator says when: the run waits, stored, and this call ends here.
        wait.state = WorkflowStepState::Running;
        if (!wait.startedAt.isValid())
            wait.startedAt = nowUtc();
        run.state = WorkflowRunState::Waiting;
        run.runnerPid = 0;
        run.runnerHost.clear();
        if (auto saved = persist(run, *step); !saved)
            return settle(active, tl::unexpected(saved.error()));
        Q_EMIT stepLog(run.id, *step, u"Waiting for the agent's changes: confirm when they are ready."_s);
        return settle(active, run);
    }
    attempt(active, *step);
}

void WorkflowEngine::attempt(const std::shared_ptr<Active> &active, WorkflowStepKind kind)
{
    WorkflowRun &run = active->run;
    WorkflowStep &step = run.step(kind);
    step.state = WorkflowStepState::Running;
    ++step.attempts;
    step.startedAt = nowUtc();
    step.finishedAt = {};
    step.error.clear();
    if (auto saved = persist(run, kind); !saved)
        return settle(active, tl::unexpected(saved.error()));
    killPoint(kind, "started");

    const QString runId = run.id;
    const auto log = [this, runId, kind](const QString &line) {
        Q_EMIT stepLog(runId, kind, redactSecrets(line));
    };
    log(step.attempts > 1 ? u"%1 (attempt %2)…"_s.arg(workflowStepTitle(kind)).arg(step.attempts)
                          : workflowStepTitle(kind) + u"…"_s);
    m_actions.perform(kind, run, log).then(this, [this, active, kind, log](Result<QJsonObject> output) {
        // The engine was shut down meanwhile, or the run was settled: nothing to record.
        if (!m_active.contains(active->run.id))
            return;
        if (!output)
            return stepFailed(active, kind, output.error());
        killPoint(kind, "done");
        WorkflowRun &run = active->run;
        WorkflowStep &step = run.step(kind);
        step.state = WorkflowStepState::Succeeded;
        step.finishedAt = nowUtc();
        step.output = *output;
        if (auto saved = persist(run, kind); !saved)
            return settle(active, tl::unexpected(saved.error()));
        audit(run, u"workflow."_s + workflowStepName(kind), u"ok"_s,
              QString::fromUtf8(QJsonDocument(*output).toJson(QJsonDocument::Compact)).left(500));
        next(active);
    });
}

void WorkflowEngine::stepFailed(const std::shared_ptr<Active> &active, WorkflowStepKind kind,
                                const Error &error)
{
    WorkflowRun &run = active->run;
    WorkflowStep &step = run.step(kind);
    step.error = redactSecrets(error.toString());
    if (transient(error) && step.attempts < m_options.maxAttempts) {
        const int waitMs = int(std::min<qint64>(qint64(m_options.backoffMs) << (step.attempts - 1),
                                                m_options.backoffCapMs));
        Q_EMIT stepLog(run.id, kind, u"%1 — trying again in %2 s."_s.arg(
                                         redactSecrets(error.message()), QString::number(waitMs / 1000.0)));
        if (auto saved = persist(run, kind); !saved)
            return settle(active, tl::unexpected(saved.error()));
        QTimer::singleShot(waitMs, this, [this, active, kind] {
            if (m_active.contains(active->run.id))
                attempt(active, kind);
        });
        return;
    }
    step.state = WorkflowStepState::Failed;
    step.finishedAt = nowUtc();
    run.state = WorkflowRunState::Failed;
    run.error = redactSecrets(u"%1 failed: %2"_s.arg(workflowStepTitle(kind), error.message()));
    run.runnerPid = 0;
    run.runnerHost.clear();
    if (auto saved = persist(run, kind); !saved)
        return settle(active, tl::unexpected(saved.error()));
    audit(run, u"workflow."_s + workflowStepName(kind), u"failed"_s, step.error);
    Q_EMIT stepLog(run.id, kind, run.error);

    const bool hasSandbox = !run.sandboxId().isEmpty()
        && run.step(WorkflowStepKind::TerminateSandbox).state != WorkflowStepState::Succeeded;
    if (!m_options.discardSandboxOnFailure || run.inputs.keepSandboxOnFailure || !hasSandbox)
        return settle(active, run);
    Q_EMIT stepLog(run.id, kind, u"Terminating sandbox %1."_s.arg(run.sandboxId()));
    m_actions.discardSandbox(run).then(this, [this, active, kind](Result<void> ended) {
        if (!ended)
            Q_EMIT stepLog(active->run.id, kind, ended.error().message());
        audit(active->run, u"workflow.discard_sandbox"_s, ended ? u"ok"_s : u"failed"_s,
              ended ? active->run.sandboxId() : ended.error().toString());
        settle(active, active->run);
    });
}

void WorkflowEngine::settle(const std::shared_ptr<Active> &active, Result<WorkflowRun> result)
{
    m_active.remove(active->run.id);
    active->promise.addResult(std::move(result));
    active->promise.finish();
}

} // namespace squad
