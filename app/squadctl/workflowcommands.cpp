// SPDX-License-Identifier: MIT
// squadctl workflow run|list|show|resume|abort: the guided workflow (sandbox → clone → branch →
// agent → commit → push → pull request → terminate) run headless through WorkflowEngine, with
// its progress on stderr and the pull request's URL (or the run as JSON) on stdout.
#include "cli.h"

#include "accounts/profilestore.h"
#include "console/consolesettings.h"
#include "core/ids.h"
#include "core/timestamp.h"
#include "github/githubapi.h"
#include "output.h"
#include "sandbox/sandboxservice.h"
#include "store/workflowstore.h"
#include "workflow/workflowengine.h"
#include "ops/warmpool.h"
#include "workflow/workflowservices.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <array>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

const QCommandLineOption WorkflowJsonOption(u"json"_s, u"Print JSON."_s);

QString stepPrefix(WorkflowStepKind kind)
{
    return u"[%1/%2] "_s.arg(int(kind) + 1).arg(WorkflowStepCount);
}

QString timestampOrEmpty(const QDateTime &at)
{
    return at.isValid() ? formatTimestamp(at) : QString();
}

QJsonObject runJson(const WorkflowRun &run)
{
    QJsonArray steps;
    for (const WorkflowStep &step : run.steps) {
        steps.append(QJsonObject{{u"name"_s, workflowStepName(step.kind)},
                                 {u"title"_s, workflowStepTitle(step.kind)},
                                 {u"state"_s, workflowStepStateName(step.state)},
                                 {u"attempts"_s, step.attempts},
                                 {u"started_at"_s, timestampOrEmpty(step.startedAt)},
                                 {u"finished_at"_s, timestampOrEmpty(step.finishedAt)},
                                 {u"output"_s, step.output},
                                 {u"error"_s, step.error}});
    }
    return {{u"id"_s, run.id},
            {u"state"_s, workflowRunStateName(run.state)},
            {u"error"_s, run.error},
            {u"created_at"_s, timestampOrEmpty(run.createdAt)},
            {u"updated_at"_s, timestampOrEmpty(run.updatedAt)},
            {u"inputs"_s, run.inputs.toJson()},
            {u"steps"_s, steps},
            {u"sandbox_id"_s, run.sandboxId()},
            {u"pull_request_url"_s, run.pullRequestUrl()}};
}

void printJson(const QJsonValue &value)
{
    const QJsonDocument document
        = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    writeOut(document.toJson(QJsonDocument::Compact) + '\n');
}

bool stdinIsTerminal()
{
#ifdef Q_OS_UNIX
    return ::isatty(STDIN_FILENO);
#else
    return false;
#endif
}

// The engine's progress as lines on stderr: "[3/8] Create the branch…" when a step starts,
// what it logs indented under it, "[3/8] Create the branch… ok" when it ends. Only changes are
// printed, so a resumed run does not repeat the steps done before. git's transcript (every
// command the clone, branch, commit and push steps run) is shown when such a step fails or is
// retried, or as it comes with --verbose; the agent's output and the other steps' few lines
// always come as they are logged.
class ProgressPrinter
{
public:
    ProgressPrinter(const WorkflowRun &run, bool verbose)
        : m_verbose(verbose)
    {
        remember(run);
    }

    void changed(const WorkflowRun &run)
    {
        for (const WorkflowStep &step : run.steps) {
            const Seen &before = m_seen[size_t(step.kind)];
            if (step.state == before.state && step.attempts == before.attempts)
                continue;
            QStringList &held = m_held[size_t(step.kind)];
            const QString head = stepPrefix(step.kind) + workflowStepTitle(step.kind);
            switch (step.state) {
            case WorkflowStepState::Running:
                flush(held); // an attempt that failed: what it did, and the retry's notice
                if (step.kind == WorkflowStepKind::WaitForAgent
                    && run.state == WorkflowRunState::Waiting) {
                    writeErr(head + u"… waiting"_s);
                } else {
                    writeErr(
                        head
                        + (step.attempts > 1 ? u" (attempt %1)…"_s.arg(step.attempts) : u"…"_s));
                }
                break;
            case WorkflowStepState::Succeeded:
                held.clear();
                writeErr(head + u"… ok"_s + durationText(step));
                break;
            case WorkflowStepState::Failed:
                flush(held);
                writeErr(head + u"… failed"_s + durationText(step));
                // What failed in full (git's command and its last words, GitHub's answer):
                // the run's error at the end says it in one sentence.
                if (!run.error.endsWith(step.error)) {
                    for (const QString &line : step.error.split(u'\n', Qt::SkipEmptyParts))
                        writeErr(u"        "_s + line);
                }
                break;
            case WorkflowStepState::Skipped:
                held.clear();
                writeErr(head + u"… skipped"_s);
                break;
            case WorkflowStepState::Pending:
                held.clear();
                break; // made pending again (its sandbox is gone): said when it starts
            }
        }
        remember(run);
    }

    void logged(WorkflowStepKind kind, const QString &line)
    {
        // The engine announces each attempt in the log too; the state change said it already,
        // and the run's error is said once, at the end.
        const QString title = workflowStepTitle(kind);
        if (line == title + u"…"_s
            || (line.startsWith(title + u" (attempt "_s) && line.endsWith(u"…"_s))
            || line == m_error) {
            return;
        }
        const QString text = u"        "_s + line;
        const bool gitStep = kind == WorkflowStepKind::Clone || kind == WorkflowStepKind::Branch
                             || kind == WorkflowStepKind::Commit || kind == WorkflowStepKind::Push;
        if (gitStep && !m_verbose && m_seen[size_t(kind)].state == WorkflowStepState::Running)
            m_held[size_t(kind)] << text;
        else
            writeErr(text);
    }

private:
    struct Seen
    {
        WorkflowStepState state = WorkflowStepState::Pending;
        int attempts = 0;
    };

    static void flush(QStringList &held)
    {
        for (const QString &line : std::as_const(held))
            writeErr(line);
        held.clear();
    }

    static QString durationText(const WorkflowStep &step)
    {
        if (!step.startedAt.isValid() || !step.finishedAt.isValid())
            return {};
        const qint64 ms = step.startedAt.msecsTo(step.finishedAt);
        return ms < 100 ? QString() : u" (%1 s)"_s.arg(double(ms) / 1000.0, 0, 'f', 1);
    }

    void remember(const WorkflowRun &run)
    {
        for (const WorkflowStep &step : run.steps)
            m_seen[size_t(step.kind)] = {step.state, step.attempts};
        m_error = run.error;
    }

    bool m_verbose = false;
    std::array<Seen, WorkflowStepCount> m_seen{};
    std::array<QStringList, WorkflowStepCount> m_held;
    QString m_error;
};

} // namespace

void Cli::addWorkflowOptions(const QString &verb, QCommandLineParser &parser)
{
    parser.addOption(WorkflowJsonOption);
    if (verb == u"run" || verb == u"resume") {
        parser.addOption({{u"v"_s, u"verbose"_s},
                          u"Show every git command the steps run, as they run (otherwise only "
                          "for a step that fails)."_s});
    }
    if (verb == u"run") {
        parser.addOption({u"repo"_s,
                          u"Repository to clone (URL, or a local path for local sandboxes)."_s,
                          u"URL"_s});
        parser.addOption({u"branch"_s, u"Branch the changes go to."_s, u"B"_s});
        parser.addOption(
            {{u"m"_s, u"message"_s}, u"Commit message (a conventional commit)."_s, u"MSG"_s});
        parser.addOption({{u"t"_s, u"title"_s}, u"Pull request title."_s, u"T"_s});
        parser.addOption({{u"b"_s, u"body"_s}, u"Pull request body (Markdown)."_s, u"BODY"_s});
        parser.addOption(
            {u"base"_s,
             u"Branch to start from and merge into (default: the repository's default)."_s,
             u"B"_s});
        parser.addOption({u"pr-repo"_s, u"Repository of the pull request (default: from --repo)."_s,
                          u"OWNER/REPO"_s});
        parser.addOption({{u"d"_s, u"draft"_s}, u"Open the pull request as a draft."_s});
        parser.addOption(
            {{u"r"_s, u"reviewer"_s}, u"Request a review (user, or ORG/TEAM)."_s, u"WHO"_s});
        parser.addOption({{u"l"_s, u"label"_s}, u"Add a label."_s, u"LABEL"_s});
        parser.addOption(
            {u"agent-command"_s,
             u"Run CMD (sh -c) in the clone as the agent; exit 0 = its changes are ready."_s,
             u"CMD"_s});
        parser.addOption({u"no-wait"_s, u"Do not wait for an agent: commit what is there."_s});
        parser.addOption({u"keep-sandbox"_s, u"Keep the sandbox running when a step fails."_s});
        parser.addOption({u"provider"_s,
                          u"local or e2b (default: e2b when the profile has an E2B key)."_s,
                          u"P"_s});
        parser.addOption({u"template"_s, u"Sandbox template."_s, u"T"_s});
        parser.addOption({u"task"_s, u"Task id the sandbox belongs to."_s, u"ID"_s});
        parser.addOption({u"agent"_s, u"Agent id the sandbox belongs to."_s, u"ID"_s});
    } else if (verb == u"list") {
        parser.addOption({u"limit"_s, u"At most N runs."_s, u"N"_s});
    } else if (verb == u"abort") {
        parser.addOption({u"keep-sandbox"_s, u"Leave the run's sandbox running."_s});
    }
}

QFuture<int> Cli::workflowCommand(const QCommandLineParser &parser)
{
    if (m_verb == u"run")
        return workflowRun(parser);
    if (m_verb == u"list")
        return workflowList(parser);
    if (m_verb == u"show")
        return workflowShow(parser);
    if (m_verb == u"resume")
        return workflowResume(parser);
    return workflowAbort(parser);
}

std::optional<int> Cli::openWorkflow(GitHubApi *github, const GitIdentity &identity)
{
    if (auto code = openCore())
        return code;
    m_workflowActions = std::make_unique<WorkflowServices>(m_core->database(), m_core->sandboxes(),
                                                           github, identity);
    // Runs take a ready sandbox from the warm pool when it has one. No refill from here: this
    // process ends with its run (`squadctl pool fill` and the console refill it).
    m_pool = std::make_unique<WarmPool>(m_core->database(), m_core->sandboxes());
    m_workflowActions->setWarmPool(m_pool.get());
    m_workflow = std::make_unique<WorkflowEngine>(m_core->database(), *m_workflowActions);
    WorkflowEngine::Options options = WorkflowEngine::optionsFrom(ConsoleSettings());
    // No one is at a wizard to retry or abort: a failed run ends its sandbox (unless the run
    // keeps it), and `workflow resume` makes a new one.
    options.discardSandboxOnFailure = true;
    m_workflow->setOptions(options);
    return std::nullopt;
}

QFuture<int> Cli::workflowRun(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    WorkflowInputs inputs;
    inputs.repoUrl = parser.value(u"repo"_s);
    inputs.branch = parser.value(u"branch"_s);
    inputs.commitMessage = parser.value(u"message"_s);
    inputs.prTitle = parser.value(u"title"_s);
    inputs.prBody = parser.value(u"body"_s);
    inputs.baseBranch = parser.value(u"base"_s);
    inputs.prRepo = parser.value(u"pr-repo"_s);
    inputs.draft = parser.isSet(u"draft"_s);
    for (const QString &who : parser.values(u"reviewer"_s)) {
        for (const QString &one : who.split(u',', Qt::SkipEmptyParts))
            inputs.reviewers << one.trimmed();
    }
    for (const QString &label : parser.values(u"label"_s))
        inputs.labels << label.split(u',', Qt::SkipEmptyParts);
    inputs.keepSandboxOnFailure = parser.isSet(u"keep-sandbox"_s);
    inputs.provider = parser.value(u"provider"_s);
    inputs.templateId = parser.value(u"template"_s);
    for (const auto &[option, what] :
         {std::pair{u"task"_s, u"task id"_s}, std::pair{u"agent"_s, u"agent id"_s}}) {
        if (!parser.isSet(option))
            continue;
        auto id = parseId(parser.value(option), what);
        if (!id)
            return failure(id.error());
        (option == u"task"_s ? inputs.taskId : inputs.agentId) = *id;
    }
    if (parser.isSet(u"agent-command"_s) && parser.isSet(u"no-wait"_s))
        return usageError(u"'workflow run' takes --agent-command CMD or --no-wait, not both"_s);
    if (parser.isSet(u"agent-command"_s)) {
        inputs.agentWait = AgentWait::Command;
        inputs.agentCommand = parser.value(u"agent-command"_s);
    } else if (parser.isSet(u"no-wait"_s)) {
        inputs.agentWait = AgentWait::NoWait;
    } else if (stdinIsTerminal()) {
        inputs.agentWait = AgentWait::Operator; // asked on the terminal when step 4 comes
    } else {
        return usageError(u"'workflow run' needs to know when the agent's changes are ready: "
                          "--agent-command CMD (run in the clone; exit 0 = ready) or --no-wait "
                          "(commit what is there). Without either it asks on the terminal, and "
                          "standard input is not one."_s);
    }
    // Everything the engine would refuse is refused before any account or sandbox is touched.
    auto valid = WorkflowEngine::validate(inputs);
    if (!valid) {
        writeErr(u"squadctl: %1"_s.arg(valid.error().toString()));
        return done(Usage);
    }

    auto profileName = resolveProfile();
    if (!profileName)
        return failure(profileName.error());
    ConsoleSettings settings;
    auto profile = ProfileStore(settings).get(*profileName);
    if (!profile)
        return failure(profile.error());
    inputs.profile = *profileName;
    const GitIdentity identity{profile->gitAuthorName, profile->gitAuthorEmail};
    const FollowOptions options{parser.isSet(WorkflowJsonOption), parser.isSet(u"verbose"_s)};

    auto [exitCode, finish] = pendingExit();
    // The pull request is the point of the run: without GitHub credentials nothing starts.
    openGitHub(u"A workflow run (it opens a pull request)"_s)
        .then(this, [=, this](const Result<GitHubApi *> &github) {
            if (!github)
                return finish(reported(github.error()));
            if (auto code = openWorkflow(*github, identity))
                return finish(*code);
            auto run = m_workflow->createRun(inputs);
            if (!run)
                return finish(reported(run.error()));
            writeErr(u"Run %1"_s.arg(run->id));
            follow(
                *run, [this, id = run->id] { return m_workflow->start(id); }, options, finish);
        });
    return exitCode;
}

QFuture<int> Cli::workflowResume(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"usage: squadctl workflow resume ID [-v] [--json]"_s);
    auto id = parseId(words.first(), u"run id"_s);
    if (!id)
        return failure(id.error());
    const bool json = parser.isSet(WorkflowJsonOption);
    if (auto code = openCore())
        return done(*code);
    auto stored = WorkflowStore(m_core->database()).get(*id);
    if (!stored)
        return failure(stored.error());
    if (stored->state == WorkflowRunState::Succeeded) {
        writeErr(u"Run %1 has already succeeded."_s.arg(stored->id));
        json ? printJson(runJson(*stored)) : writeOut(stored->pullRequestUrl() + u'\n');
        return done(Success);
    }
    if (stored->state == WorkflowRunState::Aborted) {
        return failure(
            Error(ErrorCode::AlreadyDone,
                  u"Run %1 was aborted: start a new one with `squadctl workflow run`."_s.arg(
                      stored->id)));
    }
    // The run's own profile says who commits and which GitHub opens the pull request.
    ConsoleSettings settings;
    ProfileStore profiles(settings);
    if (m_options.profile.isEmpty() && !stored->inputs.profile.isEmpty()
        && profiles.get(stored->inputs.profile)) {
        m_options.profile = stored->inputs.profile;
    }
    auto profileName = resolveProfile();
    if (!profileName)
        return failure(profileName.error());
    auto profile = profiles.get(*profileName);
    if (!profile)
        return failure(profile.error());
    const GitIdentity identity{profile->gitAuthorName, profile->gitAuthorEmail};
    const FollowOptions options{json, parser.isSet(u"verbose"_s)};
    const bool needsGitHub
        = stored->step(WorkflowStepKind::OpenPullRequest).state != WorkflowStepState::Succeeded;
    const WorkflowRun before = *stored;

    auto [exitCode, finish] = pendingExit();
    openGitHub(needsGitHub ? u"Opening the pull request"_s : QString())
        .then(this, [=, this](const Result<GitHubApi *> &github) {
            if (!github && needsGitHub)
                return finish(reported(github.error()));
            if (auto code = openWorkflow(github ? *github : nullptr, identity))
                return finish(*code);
            // Its sandbox at E2B cannot be reached without the key: say so now rather than
            // after the retries of an unreachable provider.
            if (const auto record = m_core->sandboxes().get(before.sandboxId());
                record && record->provider == u"e2b" && record->status == SandboxStatus::Running
                && !m_core->e2b()) {
                return finish(reported(
                    Error(ErrorCode::Unauthenticated,
                          u"Run %1 works in E2B sandbox %2, and this profile has no E2B API key: "
                          "store one with `squadctl auth set e2b` or set E2B_API_KEY."_s.arg(
                              before.id, record->id))));
            }
            writeErr(u"Run %1 (%2)"_s.arg(before.id, workflowRunStateName(before.state)));
            follow(
                before,
                [this, before] {
                    switch (before.state) {
                    case WorkflowRunState::Failed:
                        return m_workflow->retry(before.id); // its failed step again
                    case WorkflowRunState::Waiting:
                        return m_workflow->confirmAgentDone(before.id);
                    default:
                        return m_workflow->start(before.id); // taken over from a process that died
                    }
                },
                options, finish);
        });
    return exitCode;
}

void Cli::follow(const WorkflowRun &before,
                 const std::function<QFuture<Result<WorkflowRun>>()> &drive,
                 const FollowOptions &options, std::function<void(int)> finish)
{
    m_workflowRunId = before.id;
    const bool json = options.json;
    auto progress = std::make_shared<ProgressPrinter>(before, options.verbose);
    const QString runId = before.id;
    auto changed = connect(m_workflow.get(), &WorkflowEngine::runChanged, this,
                           [progress, runId](const WorkflowRun &run) {
                               if (run.id == runId)
                                   progress->changed(run);
                           });
    auto logged
        = connect(m_workflow.get(), &WorkflowEngine::stepLog, this,
                  [progress, runId](const QString &id, WorkflowStepKind step, const QString &line) {
                      if (id == runId)
                          progress->logged(step, line);
                  });
    // Connected first: the engine reports the first step's start before start() returns.
    drive().then(this, [=, this](const Result<WorkflowRun> &result) {
        disconnect(changed);
        disconnect(logged);
        if (m_closing)
            return; // interrupted: the run stays as stored, to resume
        if (!result) {
            m_workflowRunId.clear();
            return finish(reported(result.error()));
        }
        const WorkflowRun &run = *result;
#ifdef Q_OS_UNIX
        if (run.state == WorkflowRunState::Waiting && stdinIsTerminal()) {
            // The operator is at the terminal: Enter says the agent's changes are ready.
            writeErr(
                u"The agent works in sandbox %1 (%2). Press Enter when its changes are "
                "ready; Ctrl+C stops here (`squadctl workflow resume %3` goes on later)."_s.arg(
                    run.sandboxId(), WorkflowServices::repoFolder(run.inputs), run.id));
            auto *enter = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
            connect(enter, &QSocketNotifier::activated, this, [=, this] {
                enter->setEnabled(false);
                enter->deleteLater();
                char buffer[256];
                [[maybe_unused]] const auto got = ::read(STDIN_FILENO, buffer, sizeof buffer);
                follow(
                    run, [this, id = run.id] { return m_workflow->confirmAgentDone(id); }, options,
                    finish);
            });
            return;
        }
#endif
        m_workflowRunId.clear();
        finish(reportRun(run, json));
    });
}

int Cli::reportRun(const WorkflowRun &run, bool json)
{
    if (json)
        printJson(runJson(run));
    const QString prUrl = run.pullRequestUrl();
    switch (run.state) {
    case WorkflowRunState::Succeeded: {
        if (!json)
            writeOut(prUrl + u'\n');
        const QJsonArray problems
            = run.step(WorkflowStepKind::OpenPullRequest).output.value("problems"_L1).toArray();
        for (const QJsonValue &problem : problems)
            writeErr(u"squadctl: warning: pull request update failed: "_s + problem.toString());
        writeErr(u"Run %1 succeeded: %2"_s.arg(run.id, prUrl));
        // The pull request is what the run is for; a run that somehow ended without one failed.
        return prUrl.isEmpty() ? int(Failure) : int(Success);
    }
    case WorkflowRunState::Waiting:
        writeErr(u"Run %1 waits for the agent's changes in sandbox %2: when they are ready, "
                 "`squadctl workflow resume %1` goes on."_s.arg(run.id, run.sandboxId()));
        return Failure;
    case WorkflowRunState::Failed: {
        writeErr(u"squadctl: %1"_s.arg(run.error));
        const auto failed = run.nextStep();
        const QString sandbox = run.sandboxId();
        if (!sandbox.isEmpty()) {
            const auto record = m_core->sandboxes().get(sandbox);
            const bool running = record && record->status == SandboxStatus::Running;
            writeErr(
                running ? u"Sandbox %1 is still running%2."_s.arg(
                    sandbox, run.inputs.keepSandboxOnFailure ? u" (--keep-sandbox)"_s : QString())
                        : u"Sandbox %1 was terminated."_s.arg(sandbox));
        }
        if (!prUrl.isEmpty())
            writeErr(u"The pull request is open: %1"_s.arg(prUrl));
        writeErr(u"Run %1 failed at step %2/%3 (%4). Fix the cause, then `squadctl workflow resume "
                 "%1` tries it again, or `squadctl workflow abort %1` gives up."_s.arg(
                     run.id, QString::number(failed ? int(*failed) + 1 : WorkflowStepCount),
                     QString::number(WorkflowStepCount),
                     failed ? workflowStepTitle(*failed) : QString()));
        return Failure;
    }
    default:
        writeErr(u"squadctl: run %1 ended %2"_s.arg(run.id, workflowRunStateName(run.state)));
        return Failure;
    }
}

QFuture<int> Cli::workflowAbort(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"usage: squadctl workflow abort ID [--keep-sandbox] [--json]"_s);
    auto id = parseId(words.first(), u"run id"_s);
    if (!id)
        return failure(id.error());
    if (auto code = openWorkflow(nullptr, {}))
        return done(*code);
    const bool json = parser.isSet(WorkflowJsonOption);
    const bool keep = parser.isSet(u"keep-sandbox"_s);
    return m_workflow->abort(*id, keep).then(
        this, [this, json](const Result<WorkflowRun> &aborted) {
            if (!aborted)
                return reported(aborted.error());
            if (json)
                printJson(runJson(*aborted));
            const QString sandbox = aborted->sandboxId();
            QString note;
            if (!sandbox.isEmpty()) {
                const auto record = m_core->sandboxes().get(sandbox);
                note = record && record->status == SandboxStatus::Running
                           ? u"; sandbox %1 is still running"_s.arg(sandbox)
                           : u"; sandbox %1 is terminated"_s.arg(sandbox);
            }
            writeErr(u"Run %1 aborted%2."_s.arg(aborted->id, note));
            return int(Success);
        });
}

QFuture<int> Cli::workflowList(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    int limit = 0;
    if (parser.isSet(u"limit"_s)) {
        bool ok = false;
        limit = parser.value(u"limit"_s).toInt(&ok);
        if (!ok || limit <= 0)
            return usageError(
                u"--limit takes a positive number, got '%1'"_s.arg(parser.value(u"limit"_s)));
    }
    if (auto code = openCore())
        return done(*code);
    auto runs = WorkflowStore(m_core->database()).list(limit);
    if (!runs)
        return failure(runs.error());
    if (parser.isSet(WorkflowJsonOption)) {
        QJsonArray array;
        for (const WorkflowRun &run : std::as_const(*runs)) {
            array.append(QJsonObject{{u"id"_s, run.id},
                                     {u"state"_s, workflowRunStateName(run.state)},
                                     {u"created_at"_s, timestampOrEmpty(run.createdAt)},
                                     {u"repo_url"_s, run.inputs.repoUrl},
                                     {u"branch"_s, run.inputs.branch},
                                     {u"pull_request_url"_s, run.pullRequestUrl()},
                                     {u"error"_s, run.error}});
        }
        printJson(array);
        return done(Success);
    }
    QString text = u"%1  %2  %3  %4  %5  %6\n"_s.arg(u"ID"_s, -36)
                       .arg(u"STATE"_s, -9)
                       .arg(u"CREATED"_s, -24)
                       .arg(u"BRANCH"_s, -20)
                       .arg(u"REPO"_s)
                       .arg(u"PULL REQUEST"_s);
    for (const WorkflowRun &run : std::as_const(*runs)) {
        const QString pr = run.pullRequestUrl();
        text += u"%1  %2  %3  %4  %5  %6\n"_s.arg(run.id, -36)
                    .arg(workflowRunStateName(run.state), -9)
                    .arg(formatTimestamp(run.createdAt), -24)
                    .arg(run.inputs.branch, -20)
                    .arg(run.inputs.repoUrl)
                    .arg(pr.isEmpty() ? u"-"_s : pr);
    }
    writeOut(text);
    return done(Success);
}

QFuture<int> Cli::workflowShow(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"usage: squadctl workflow show ID [--json]"_s);
    auto id = parseId(words.first(), u"run id"_s);
    if (!id)
        return failure(id.error());
    if (auto code = openCore())
        return done(*code);
    auto run = WorkflowStore(m_core->database()).get(*id);
    if (!run)
        return failure(run.error());
    // The run's cost is its sandbox's (null while it has none, or its resources are unknown).
    std::optional<double> cost;
    if (const QString sandboxId = run->sandboxId(); !sandboxId.isEmpty()) {
        if (auto sandbox = m_core->sandboxes().get(sandboxId))
            cost = estimateCostUsd(*sandbox, costRates(), nowUtc());
    }
    if (parser.isSet(WorkflowJsonOption)) {
        QJsonObject json = runJson(*run);
        json.insert(u"cost_usd"_s, cost ? QJsonValue(*cost) : QJsonValue(QJsonValue::Null));
        printJson(json);
        return done(Success);
    }
    const auto line = [](const QString &key, const QString &value) {
        return u"%1 %2\n"_s.arg(key + u':', -14).arg(value.isEmpty() ? u"-"_s : value);
    };
    const WorkflowInputs &in = run->inputs;
    QString text
        = line(u"id"_s, run->id) + line(u"state"_s, workflowRunStateName(run->state))
          + line(u"error"_s, run->error) + line(u"created"_s, formatTimestamp(run->createdAt))
          + line(u"updated"_s, formatTimestamp(run->updatedAt)) + line(u"repo"_s, in.repoUrl)
          + line(u"branch"_s, in.baseBranch.isEmpty()
                                  ? in.branch
                                  : in.branch + u" (from "_s + in.baseBranch + u')')
          + line(u"commit"_s, in.commitMessage.section(u'\n', 0, 0)) + line(u"title"_s, in.prTitle)
          + line(u"sandbox"_s, run->sandboxId()) + line(u"cost"_s, formatUsd(cost))
          + line(u"pull request"_s, run->pullRequestUrl())
          + u'\n';
    for (const WorkflowStep &step : run->steps) {
        text += u"%1%2 %3"_s.arg(stepPrefix(step.kind),
                                 workflowStepTitle(step.kind).leftJustified(30),
                                 workflowStepStateName(step.state).leftJustified(9));
        if (step.attempts > 0)
            text += u" %1 attempt%2"_s.arg(step.attempts)
                        .arg(step.attempts == 1 ? QString() : u"s"_s);
        if (step.startedAt.isValid())
            text += u"  %1 → %2"_s.arg(formatTimestamp(step.startedAt),
                                       step.finishedAt.isValid() ? formatTimestamp(step.finishedAt)
                                                                 : u"…"_s);
        text += u'\n';
        if (!step.output.isEmpty()) {
            text += u"        "_s
                    + QString::fromUtf8(QJsonDocument(step.output).toJson(QJsonDocument::Compact))
                    + u'\n';
        }
        if (!step.error.isEmpty())
            text += u"        error: "_s + step.error + u'\n';
    }
    writeOut(text);
    return done(Success);
}

} // namespace squad::cli
