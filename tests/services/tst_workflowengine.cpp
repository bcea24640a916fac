// SPDX-License-Identifier: MIT
// WorkflowEngine over a scripted WorkflowActions, on SQLite and on PostgreSQL: what is stored
// before, during and after each step; retries, failures, retry/skip/abort; and resuming a run
// after its engine went away, including the claim of the process running it.
#include "testsupport.h"

#include "core/futures.h"
#include "core/platform.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/workflowstore.h"
#include "workflow/workflowactions.h"
#include "workflow/workflowengine.h"

#include <QCoreApplication>
#include <QHash>
#include <QProcess>
#include <QPromise>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;
using squad::test::waitFor;

namespace {

using Kind = WorkflowStepKind;

QString stepName(Kind kind)
{
    return workflowStepName(kind);
}

// What the engine had stored when it called perform(): read from the store, not from memory.
struct Call
{
    Kind step = Kind::CreateSandbox;
    WorkflowRun given;                 // the run as perform() received it
    std::optional<WorkflowRun> stored; // the run as the store held it at that moment
};

// A WorkflowActions whose answers the test scripts per step: succeed with an output, fail a
// number of times with an error (transient or not), or stay pending until the test answers.
// It records every call with what the store held at the time.
class ScriptedActions final : public WorkflowActions
{
public:
    explicit ScriptedActions(const Database &db)
        : m_db(db)
    {}

    // The next `times` calls of `step` fail with `error`, then it succeeds again.
    void failTimes(Kind step, int times, const Error &error) { m_failures[step] = {times, error}; }
    // The next call of `step` stays pending until answer() is called.
    void hold(Kind step) { m_hold.insert(step); }
    bool holding() const { return m_held != nullptr; }
    Kind heldStep() const { return m_heldStep; }
    // Finishes the held call with the step's usual output.
    void answer()
    {
        QVERIFY(m_held);
        auto held = std::move(m_held);
        held->addResult(outputFor(m_heldStep, m_heldRun));
        held->finish();
    }

    QList<Kind> steps() const
    {
        QList<Kind> kinds;
        for (const Call &call : calls)
            kinds << call.step;
        return kinds;
    }

    QFuture<Result<QJsonObject>> perform(Kind step, const WorkflowRun &run, const Log &log) override
    {
        auto stored = WorkflowStore(m_db).get(run.id);
        calls << Call{step, run, stored ? std::optional<WorkflowRun>(*stored) : std::nullopt};
        log(u"fake "_s + stepName(step));
        if (auto failure = m_failures.find(step);
            failure != m_failures.end() && failure->first > 0) {
            --failure->first;
            return readyFuture<Result<QJsonObject>>(fail(failure->second));
        }
        if (m_hold.remove(step)) {
            m_held = std::make_unique<QPromise<Result<QJsonObject>>>();
            m_held->start();
            m_heldStep = step;
            m_heldRun = run;
            return m_held->future();
        }
        return readyFuture<Result<QJsonObject>>(outputFor(step, run));
    }

    bool sandboxLive(const WorkflowRun &run) override { return live.contains(run.sandboxId()); }

    QFuture<Result<void>> discardSandbox(const WorkflowRun &run) override
    {
        discarded << run.sandboxId();
        live.remove(run.sandboxId());
        return readyFuture<Result<void>>({});
    }

    QList<Call> calls;
    QStringList discarded;
    QSet<QString> live; // sandboxes that still run
    int sandboxesMade = 0;

private:
    QJsonObject outputFor(Kind step, const WorkflowRun &run)
    {
        switch (step) {
        case Kind::CreateSandbox: {
            const QString id = u"sbx-%1"_s.arg(++sandboxesMade);
            live.insert(id);
            return {{u"sandbox_id"_s, id}};
        }
        case Kind::Clone:
            return {{u"folder"_s, u"repos/widgets"_s}};
        case Kind::Branch:
            return {{u"branch"_s, run.inputs.branch}};
        case Kind::WaitForAgent:
            return {{u"exit_code"_s, 0}};
        case Kind::Commit:
            return {{u"sha"_s, u"0123456789abcdef0123456789abcdef01234567"_s}};
        case Kind::Push:
            return {{u"remote_branch"_s, run.inputs.branch}};
        case Kind::OpenPullRequest:
            return {{u"url"_s, u"https://github.com/acme/widgets/pull/7"_s}};
        case Kind::TerminateSandbox:
            live.remove(run.sandboxId());
            return {{u"terminated"_s, run.sandboxId()}};
        }
        return {};
    }

    const Database &m_db;
    QHash<Kind, std::pair<int, Error>> m_failures;
    QSet<Kind> m_hold;
    std::unique_ptr<QPromise<Result<QJsonObject>>> m_held;
    Kind m_heldStep = Kind::CreateSandbox;
    WorkflowRun m_heldRun;
};

// clang-format off
const QList<Kind> AllSteps = {Kind::CreateSandbox, Kind::Clone, Kind::Branch, Kind::WaitForAgent,
                              Kind::Commit, Kind::Push, Kind::OpenPullRequest,
                              Kind::TerminateSandbox};
// clang-format on

WorkflowInputs goodInputs(AgentWait wait = AgentWait::Command)
{
    WorkflowInputs in;
    in.profile = u"default"_s;
    in.repoUrl = u"https://github.com/acme/widgets.git"_s;
    in.baseBranch = u"main"_s;
    in.branch = u"feat/widget"_s;
    in.commitMessage = u"feat(widget): add the widget"_s;
    in.prTitle = u"Add the widget"_s;
    in.agentWait = wait;
    if (wait == AgentWait::Command)
        in.agentCommand = u"./agent.sh"_s;
    return in;
}

WorkflowEngine::Options fastOptions()
{
    WorkflowEngine::Options options;
    options.maxAttempts = 3;
    options.backoffMs = 1;
    options.backoffCapMs = 4;
    return options;
}

} // namespace

class tst_WorkflowEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void retryLimitsComeFromTheSettings();

    void badInputStoresNothing_data();
    void badInputStoresNothing();
    void createStoresAPendingRun();
    void fullRunStoresEachStepBeforeAndAfter();
    void operatorWaitStopsUntilConfirmed();
    void noWaitPassesStepFour();
    void transientFailureIsRetried_data();
    void transientFailureIsRetried();
    void transientFailuresRunOut();
    void hardFailureStopsTheRun_data();
    void hardFailureStopsTheRun();
    void retryRunsTheFailedStepAgain();
    void skipOnlyWhereSafe_data();
    void skipOnlyWhereSafe();
    void abortEndsTheRun_data();
    void abortEndsTheRun();
    void abortRefusedWhileAStepRuns();
    void resumesAfterTheEngineWentAway();
    void liveRunnerElsewhereIsAConflict();
    void deadRunnerIsTakenOver();
    void goneSandboxRedoesTheSandboxSteps();
    void resumableListsUnfinishedUnclaimedRuns();

private:
    Result<WorkflowRun> createRun(const WorkflowInputs &inputs = goodInputs());
    Result<WorkflowRun> stored(const QString &id) const;
    int countRows(const QString &table) const;
    QStringList auditActions(const QString &runId) const; // oldest first
    QList<AuditEntry> audit(const QString &runId) const;  // newest first
    bool setRunner(const QString &runId, qint64 pid, const QString &host);

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ScriptedActions> m_actions;
    std::unique_ptr<WorkflowEngine> m_engine;
};

void tst_WorkflowEngine::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    auto db = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    m_db = std::move(*db);
    m_actions = std::make_unique<ScriptedActions>(*m_db);
    m_engine = std::make_unique<WorkflowEngine>(*m_db, *m_actions);
    m_engine->setOptions(fastOptions());
}

void tst_WorkflowEngine::cleanup()
{
    // The engine first: the actions must outlive it.
    m_engine.reset();
    m_actions.reset();
    m_db.reset();
    m_scratch.reset();
}

Result<WorkflowRun> tst_WorkflowEngine::createRun(const WorkflowInputs &inputs)
{
    return m_engine->createRun(inputs);
}

Result<WorkflowRun> tst_WorkflowEngine::stored(const QString &id) const
{
    return WorkflowStore(*m_db).get(id);
}

int tst_WorkflowEngine::countRows(const QString &table) const
{
    auto query = m_db->exec(u"SELECT COUNT(*) FROM %1"_s.arg(table));
    return query && query->next() ? query->value(0).toInt() : -1;
}

QList<AuditEntry> tst_WorkflowEngine::audit(const QString &runId) const
{
    auto entries = AuditLog(*m_db).list({runId, 0});
    return entries ? *entries : QList<AuditEntry>();
}

QStringList tst_WorkflowEngine::auditActions(const QString &runId) const
{
    QStringList actions;
    for (const AuditEntry &entry : audit(runId))
        actions.prepend(entry.action);
    return actions;
}

bool tst_WorkflowEngine::setRunner(const QString &runId, qint64 pid, const QString &host)
{
    auto updated
        = m_db->exec(u"UPDATE workflow_runs SET state = 'running', runner_pid = ?, runner_host = ? "
                     "WHERE id = ?"_s,
                     {QVariant(qlonglong(pid)), host, runId});
    return updated && updated->numRowsAffected() == 1;
}

// ---------------------------------------------------------------------------------------------

void tst_WorkflowEngine::badInputStoresNothing_data()
{
    QTest::addColumn<WorkflowInputs>("inputs");
    QTest::addColumn<QString>("says");

    auto row = [](const char *name, const QString &says, auto change) {
        WorkflowInputs in = goodInputs();
        change(in);
        QTest::newRow(name) << in << says;
    };
    row("bad commit message", u"commit"_s,
        [](WorkflowInputs &in) { in.commitMessage = u"added the widget"_s; });
    row("empty commit message", u"commit"_s, [](WorkflowInputs &in) { in.commitMessage.clear(); });
    row("empty title", u"title"_s, [](WorkflowInputs &in) { in.prTitle = u"   "_s; });
    row("bad branch", u"branch"_s, [](WorkflowInputs &in) { in.branch = u"feat..widget"_s; });
    row("branch with a space", u"branch"_s, [](WorkflowInputs &in) { in.branch = u"my widget"_s; });
    row("no branch", u"branch"_s, [](WorkflowInputs &in) { in.branch.clear(); });
    row("bad base branch", u"base branch"_s,
        [](WorkflowInputs &in) { in.baseBranch = u"main~1"_s; });
    row("base is the branch", u"base"_s, [](WorkflowInputs &in) { in.baseBranch = in.branch; });
    row("no repository", u"repository"_s, [](WorkflowInputs &in) { in.repoUrl.clear(); });
    row("repository with credentials", u"credential"_s, [](WorkflowInputs &in) {
        in.repoUrl = u"https://user:ghp_secret@github.com/acme/widgets.git"_s;
    });
    row("repository not on GitHub", u"--pr-repo"_s,
        [](WorkflowInputs &in) { in.repoUrl = u"/srv/git/widgets.git"_s; });
    row("bad pr repository", u"not a repository"_s,
        [](WorkflowInputs &in) { in.prRepo = u"not a slug"_s; });
    row("bad reviewer", u"reviewer"_s, [](WorkflowInputs &in) {
        in.reviewers = {u"octocat"_s, u"bad reviewer!"_s};
    });
    row("empty agent command", u"agent command"_s, [](WorkflowInputs &in) {
        in.agentWait = AgentWait::Command;
        in.agentCommand = u"  "_s;
    });
}

void tst_WorkflowEngine::badInputStoresNothing()
{
    QFETCH(WorkflowInputs, inputs);
    QFETCH(QString, says);
    QSignalSpy changed(m_engine.get(), &WorkflowEngine::runChanged);
    const int auditRows = countRows(u"audit_log"_s);

    auto created = createRun(inputs);
    QVERIFY_ERROR(created, ErrorCode::InvalidArgument);
    QVERIFY2(created.error().toString().contains(says, Qt::CaseInsensitive),
             qPrintable(created.error().toString()));
    QVERIFY_ERROR(WorkflowEngine::validate(inputs), ErrorCode::InvalidArgument);
    QCOMPARE(countRows(u"workflow_runs"_s), 0);
    QCOMPARE(countRows(u"workflow_steps"_s), 0);
    QCOMPARE(countRows(u"audit_log"_s), auditRows);
    QCOMPARE(changed.size(), 0);
    QVERIFY(m_actions->calls.isEmpty());
}

void tst_WorkflowEngine::createStoresAPendingRun()
{
    // The control for the table above: a repository off GitHub is fine with its PR repository
    // named, and values are trimmed before they are stored.
    WorkflowInputs in = goodInputs();
    in.repoUrl = u"/srv/git/widgets.git"_s;
    in.prRepo = u" acme/widgets "_s;
    in.branch = u" feat/widget "_s;
    in.reviewers = {u"octocat"_s, u"acme/reviewers"_s};
    QSignalSpy changed(m_engine.get(), &WorkflowEngine::runChanged);

    auto created = createRun(in);
    QVERIFY_RESULT(created);
    QCOMPARE(created->state, WorkflowRunState::Pending);
    QCOMPARE(created->inputs.branch, u"feat/widget"_s);
    QCOMPARE(created->inputs.prRepo, u"acme/widgets"_s);
    QCOMPARE(countRows(u"workflow_runs"_s), 1);
    QCOMPARE(countRows(u"workflow_steps"_s), WorkflowStepCount);
    QCOMPARE(changed.size(), 1);

    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Pending);
    QCOMPARE(run->inputs, created->inputs);
    QCOMPARE(run->runnerPid, qint64(0));
    for (const WorkflowStep &step : run->steps) {
        QCOMPARE(step.state, WorkflowStepState::Pending);
        QCOMPARE(step.attempts, 0);
        QVERIFY(!step.startedAt.isValid());
    }
    QCOMPARE(auditActions(created->id), QStringList{u"workflow.create"_s});
    QVERIFY(m_actions->calls.isEmpty());
}

void tst_WorkflowEngine::fullRunStoresEachStepBeforeAndAfter()
{
    auto created = createRun();
    QVERIFY_RESULT(created);
    QSignalSpy changed(m_engine.get(), &WorkflowEngine::runChanged);
    QSignalSpy logged(m_engine.get(), &WorkflowEngine::stepLog);

    auto finished = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(finished);
    QCOMPARE(finished->state, WorkflowRunState::Succeeded);
    QCOMPARE(finished->runnerPid, qint64(0));
    QVERIFY(!m_engine->isRunning(created->id));

    // Each step was stored "running", by this process, before perform() was called for it,
    // and perform() was given what the earlier steps produced.
    QCOMPARE(m_actions->steps(), AllSteps);
    for (const Call &call : std::as_const(m_actions->calls)) {
        const QByteArray name = stepName(call.step).toUtf8();
        QVERIFY2(call.stored, name.constData());
        QCOMPARE(call.stored->state, WorkflowRunState::Running);
        QCOMPARE(call.stored->runnerPid, QCoreApplication::applicationPid());
        QCOMPARE(call.stored->runnerHost, hostName());
        const WorkflowStep &step = call.stored->step(call.step);
        QVERIFY2(step.state == WorkflowStepState::Running, name.constData());
        QCOMPARE(step.attempts, 1);
        QVERIFY(step.startedAt.isValid());
        QVERIFY(!step.finishedAt.isValid());
        for (Kind earlier : AllSteps) {
            if (earlier >= call.step)
                break;
            QCOMPARE(call.stored->step(earlier).state, WorkflowStepState::Succeeded);
            QCOMPARE(call.given.step(earlier).state, WorkflowStepState::Succeeded);
        }
        if (call.step > Kind::CreateSandbox)
            QCOMPARE(call.given.sandboxId(), u"sbx-1"_s);
    }

    // After: every step succeeded once, with its times and output, as stored.
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Succeeded);
    QCOMPARE(run->runnerPid, qint64(0));
    QVERIFY(run->runnerHost.isEmpty());
    QVERIFY(run->error.isEmpty());
    QVERIFY(run->updatedAt >= run->createdAt);
    QDateTime previousEnd = run->createdAt;
    for (const WorkflowStep &step : run->steps) {
        QCOMPARE(step.state, WorkflowStepState::Succeeded);
        QCOMPARE(step.attempts, 1);
        QVERIFY(step.startedAt.isValid());
        QVERIFY(step.finishedAt >= step.startedAt);
        QVERIFY(step.startedAt >= previousEnd);
        previousEnd = step.finishedAt;
        QVERIFY(step.error.isEmpty());
        QVERIFY2(!step.output.isEmpty(), qPrintable(stepName(step.kind)));
        QCOMPARE(step.output, finished->step(step.kind).output);
    }
    QCOMPARE(run->sandboxId(), u"sbx-1"_s);
    QCOMPARE(run->pullRequestUrl(), u"https://github.com/acme/widgets/pull/7"_s);
    QCOMPARE(run->step(Kind::Commit).output.value("sha"_L1).toString().size(), 40);

    // runChanged told every write: the run started, then each step running, then succeeded.
    QVERIFY(changed.size() >= 2);
    QStringList transitions;
    WorkflowRun previous = changed.first().first().value<WorkflowRun>();
    QCOMPARE(previous.state, WorkflowRunState::Running);
    for (qsizetype i = 1; i < changed.size(); ++i) {
        const WorkflowRun now = changed.at(i).first().value<WorkflowRun>();
        for (Kind kind : AllSteps) {
            if (now.step(kind).state != previous.step(kind).state) {
                transitions << stepName(kind) + u':' + workflowStepStateName(now.step(kind).state);
            }
        }
        if (now.state != previous.state)
            transitions << u"run:"_s + workflowRunStateName(now.state);
        previous = now;
    }
    QStringList expected;
    for (Kind kind : AllSteps)
        expected << stepName(kind) + u":running"_s << stepName(kind) + u":succeeded"_s;
    expected << u"run:succeeded"_s;
    QCOMPARE(transitions, expected);
    QCOMPARE(changed.last().first().value<WorkflowRun>().state, WorkflowRunState::Succeeded);

    // One audit row for the creation, one per step done, one for the run.
    QStringList actions{u"workflow.create"_s};
    for (Kind kind : AllSteps)
        actions << u"workflow."_s + stepName(kind);
    actions << u"workflow.run"_s;
    QCOMPARE(auditActions(created->id), actions);
    const auto rows = audit(created->id);
    for (const AuditEntry &entry : rows) {
        QCOMPARE(entry.outcome, u"ok"_s);
        QCOMPARE(entry.actor, osUserName());
    }
    QCOMPARE(rows.first().detail, u"https://github.com/acme/widgets/pull/7"_s);

    // The step logs name the step they came from, the fake's line included.
    bool sawPushLine = false;
    for (const auto &line : std::as_const(logged)) {
        QCOMPARE(line.at(0).toString(), created->id);
        if (line.at(1).value<Kind>() == Kind::Push && line.at(2).toString() == u"fake push")
            sawPushLine = true;
    }
    QVERIFY(sawPushLine);

    // Finished is finished.
    QVERIFY_ERROR(squad::test::await(m_engine->start(created->id)), ErrorCode::AlreadyDone);
    QCOMPARE(m_actions->calls.size(), WorkflowStepCount);
}

void tst_WorkflowEngine::operatorWaitStopsUntilConfirmed()
{
    auto created = createRun(goodInputs(AgentWait::Operator));
    QVERIFY_RESULT(created);
    QVERIFY_ERROR(squad::test::await(m_engine->confirmAgentDone(created->id)), ErrorCode::Conflict);
    QSignalSpy logged(m_engine.get(), &WorkflowEngine::stepLog);

    auto waiting = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(waiting);
    QCOMPARE(waiting->state, WorkflowRunState::Waiting);
    QCOMPARE(m_actions->steps(), (QList<Kind>{Kind::CreateSandbox, Kind::Clone, Kind::Branch}));
    QVERIFY(!m_engine->isRunning(created->id));

    // Waiting is stored: nobody holds the run, step 4 is running since it began to wait.
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Waiting);
    QCOMPARE(run->runnerPid, qint64(0));
    QCOMPARE(run->step(Kind::WaitForAgent).state, WorkflowStepState::Running);
    QVERIFY(run->step(Kind::WaitForAgent).startedAt.isValid());
    QCOMPARE(run->step(Kind::Commit).state, WorkflowStepState::Pending);
    bool askedToConfirm = false;
    for (const auto &line : std::as_const(logged))
        askedToConfirm |= line.at(1).value<Kind>() == Kind::WaitForAgent
                          && line.at(2).toString().contains(u"confirm"_s);
    QVERIFY(askedToConfirm);

    // Starting it again (an app restart) waits again without doing anything.
    auto again = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(again);
    QCOMPARE(again->state, WorkflowRunState::Waiting);
    QCOMPARE(m_actions->calls.size(), 3);
    QVERIFY_ERROR(squad::test::await(m_engine->retry(created->id)), ErrorCode::Conflict);

    auto done = squad::test::await(m_engine->confirmAgentDone(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps(),
             (QList<Kind>{Kind::CreateSandbox, Kind::Clone, Kind::Branch, Kind::Commit, Kind::Push,
                          Kind::OpenPullRequest, Kind::TerminateSandbox}));
    run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Succeeded);
    const WorkflowStep &wait = run->step(Kind::WaitForAgent);
    QCOMPARE(wait.state, WorkflowStepState::Succeeded);
    QCOMPARE(wait.output.value("confirmed_by"_L1).toString(), osUserName());
    QVERIFY(wait.finishedAt >= wait.startedAt);
    QVERIFY_ERROR(squad::test::await(m_engine->confirmAgentDone(created->id)), ErrorCode::Conflict);
}

void tst_WorkflowEngine::noWaitPassesStepFour()
{
    auto created = createRun(goodInputs(AgentWait::NoWait));
    QVERIFY_RESULT(created);
    auto done = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QVERIFY(!m_actions->steps().contains(Kind::WaitForAgent));
    QCOMPARE(m_actions->calls.size(), WorkflowStepCount - 1);
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    const WorkflowStep &wait = run->step(Kind::WaitForAgent);
    QCOMPARE(wait.state, WorkflowStepState::Succeeded);
    QCOMPARE(wait.output.value("waited"_L1), QJsonValue(false));
    QVERIFY(wait.startedAt.isValid());
}

void tst_WorkflowEngine::transientFailureIsRetried_data()
{
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("unavailable") << ErrorCode::Unavailable;
    QTest::newRow("timeout") << ErrorCode::Timeout;
    QTest::newRow("rate limited") << ErrorCode::RateLimited;
}

void tst_WorkflowEngine::transientFailureIsRetried()
{
    QFETCH(ErrorCode, code);
    m_actions->failTimes(Kind::Push, 1, Error(code, u"github.com could not be reached"_s));
    auto created = createRun();
    QVERIFY_RESULT(created);
    QSignalSpy logged(m_engine.get(), &WorkflowEngine::stepLog);

    auto done = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps().count(Kind::Push), 2);
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->step(Kind::Push).attempts, 2);
    QCOMPARE(run->step(Kind::Push).state, WorkflowStepState::Succeeded);
    QVERIFY(run->step(Kind::Push).error.isEmpty());
    QCOMPARE(run->step(Kind::Commit).attempts, 1);

    // Between the attempts the step stayed "running", its error and second attempt stored.
    const Call &second = m_actions->calls.at(m_actions->steps().lastIndexOf(Kind::Push));
    QVERIFY(second.stored);
    QCOMPARE(second.stored->step(Kind::Push).state, WorkflowStepState::Running);
    QCOMPARE(second.stored->step(Kind::Push).attempts, 2);
    QCOMPARE(second.stored->state, WorkflowRunState::Running);
    bool saidRetrying = false;
    for (const auto &line : std::as_const(logged))
        saidRetrying |= line.at(2).toString().contains(u"trying again"_s);
    QVERIFY(saidRetrying);
    QCOMPARE(audit(created->id).first().action, u"workflow.run"_s);
}

void tst_WorkflowEngine::transientFailuresRunOut()
{
    m_actions->failTimes(Kind::OpenPullRequest, 5, Error(ErrorCode::Unavailable, u"down"_s));
    auto created = createRun();
    QVERIFY_RESULT(created);
    auto failed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QCOMPARE(m_actions->steps().count(Kind::OpenPullRequest), fastOptions().maxAttempts);
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->step(Kind::OpenPullRequest).attempts, fastOptions().maxAttempts);
    QCOMPARE(run->step(Kind::OpenPullRequest).state, WorkflowStepState::Failed);
    QVERIFY(!m_actions->steps().contains(Kind::TerminateSandbox));
}

void tst_WorkflowEngine::hardFailureStopsTheRun_data()
{
    QTest::addColumn<bool>("discardOnFailure");
    QTest::addColumn<bool>("keepSandbox");
    QTest::addColumn<bool>("discarded");
    QTest::newRow("wizard: left for the operator") << false << false << false;
    QTest::newRow("wizard, run keeps its sandbox") << false << true << false;
    QTest::newRow("headless: sandbox ended") << true << false << true;
    QTest::newRow("headless, run keeps its sandbox") << true << true << false;
}

void tst_WorkflowEngine::hardFailureStopsTheRun()
{
    QFETCH(bool, discardOnFailure);
    QFETCH(bool, keepSandbox);
    QFETCH(bool, discarded);
    WorkflowEngine::Options options = fastOptions();
    options.discardSandboxOnFailure = discardOnFailure;
    m_engine->setOptions(options);
    WorkflowInputs in = goodInputs();
    in.keepSandboxOnFailure = keepSandbox;
    m_actions->failTimes(Kind::Commit, 1,
                         Error(ErrorCode::Provider, u"git commit exited with 128"_s,
                               u"Authorization: Bearer leaked-token-123"_s));
    auto created = createRun(in);
    QVERIFY_RESULT(created);

    auto failed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QCOMPARE(m_actions->steps(), (QList<Kind>{Kind::CreateSandbox, Kind::Clone, Kind::Branch,
                                              Kind::WaitForAgent, Kind::Commit}));
    // What the caller is shown is redacted as well as what is stored.
    QVERIFY(failed->step(Kind::Commit).error.contains(u"exited with 128"_s));
    QVERIFY2(!failed->step(Kind::Commit).error.contains(u"leaked-token"_s),
             qPrintable(failed->step(Kind::Commit).error));

    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Failed);
    QCOMPARE(run->runnerPid, qint64(0));
    QVERIFY2(run->error.contains(workflowStepTitle(Kind::Commit)), qPrintable(run->error));
    QVERIFY2(run->error.contains(u"exited with 128"_s), qPrintable(run->error));
    const WorkflowStep &commit = run->step(Kind::Commit);
    QCOMPARE(commit.state, WorkflowStepState::Failed);
    QCOMPARE(commit.attempts, 1);
    QVERIFY(commit.finishedAt >= commit.startedAt);
    QVERIFY(commit.error.contains(u"exited with 128"_s));
    QVERIFY2(!commit.error.contains(u"leaked-token"_s), qPrintable(commit.error));
    for (Kind later : {Kind::Push, Kind::OpenPullRequest, Kind::TerminateSandbox}) {
        QCOMPARE(run->step(later).state, WorkflowStepState::Pending);
        QCOMPARE(run->step(later).attempts, 0);
    }
    QCOMPARE(run->step(Kind::Branch).state, WorkflowStepState::Succeeded);

    QCOMPARE(m_actions->discarded, discarded ? QStringList{u"sbx-1"_s} : QStringList());
    const auto rows = audit(created->id);
    QStringList expectedTail{u"workflow.commit"_s};
    if (discarded)
        expectedTail << u"workflow.discard_sandbox"_s;
    QCOMPARE(auditActions(created->id).mid(5), expectedTail);
    const AuditEntry &commitRow = rows.at(discarded ? 1 : 0);
    QCOMPARE(commitRow.outcome, u"failed"_s);
    QVERIFY(!commitRow.detail.contains(u"leaked-token"_s));
}

void tst_WorkflowEngine::retryRunsTheFailedStepAgain()
{
    m_actions->failTimes(Kind::Push, 1, Error(ErrorCode::PermissionDenied, u"push rejected"_s));
    auto created = createRun();
    QVERIFY_RESULT(created);
    auto failed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QCOMPARE(m_actions->steps().count(Kind::Push), 1);
    QVERIFY_ERROR(squad::test::await(m_engine->confirmAgentDone(created->id)), ErrorCode::Conflict);

    m_actions->calls.clear();
    auto done = squad::test::await(m_engine->retry(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps(),
             (QList<Kind>{Kind::Push, Kind::OpenPullRequest, Kind::TerminateSandbox}));
    QCOMPARE(m_actions->calls.first().stored->step(Kind::Push).state, WorkflowStepState::Running);
    QVERIFY(m_actions->calls.first().stored->error.isEmpty());

    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Succeeded);
    QVERIFY(run->error.isEmpty());
    QCOMPARE(run->step(Kind::Push).state, WorkflowStepState::Succeeded);
    QCOMPARE(run->step(Kind::Push).attempts, 2);
    QVERIFY(run->step(Kind::Push).error.isEmpty());
    QCOMPARE(run->step(Kind::Commit).attempts, 1);
    QVERIFY(m_actions->discarded.isEmpty());
    QVERIFY_ERROR(squad::test::await(m_engine->retry(created->id)), ErrorCode::Conflict);
}

void tst_WorkflowEngine::skipOnlyWhereSafe_data()
{
    QTest::addColumn<Kind>("step");
    QTest::addColumn<bool>("skippable");
    for (Kind kind : AllSteps) {
        QTest::newRow(qPrintable(stepName(kind)))
            << kind << (kind == Kind::WaitForAgent || kind == Kind::TerminateSandbox);
    }
}

void tst_WorkflowEngine::skipOnlyWhereSafe()
{
    QFETCH(Kind, step);
    QFETCH(bool, skippable);
    m_actions->failTimes(step, 1, Error(ErrorCode::Provider, u"it broke"_s));
    auto created = createRun();
    QVERIFY_RESULT(created);
    QVERIFY_ERROR(squad::test::await(m_engine->skip(created->id)), ErrorCode::Conflict); // pending
    auto failed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    const qsizetype callsBefore = m_actions->calls.size();

    auto skipped = squad::test::await(m_engine->skip(created->id));
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    if (!skippable) {
        QVERIFY_ERROR(skipped, ErrorCode::Conflict);
        QVERIFY(skipped.error().message().contains(workflowStepTitle(step)));
        QCOMPARE(run->state, WorkflowRunState::Failed);
        QCOMPARE(run->step(step).state, WorkflowStepState::Failed);
        QCOMPARE(m_actions->calls.size(), callsBefore);
        return;
    }
    QVERIFY_RESULT(skipped);
    QCOMPARE(skipped->state, WorkflowRunState::Succeeded);
    QCOMPARE(run->state, WorkflowRunState::Succeeded);
    QCOMPARE(run->step(step).state, WorkflowStepState::Skipped);
    QCOMPARE(run->step(step).attempts, 1);
    QVERIFY(run->step(step).finishedAt.isValid());
    // Only what came after the skipped step ran, once.
    QList<Kind> after;
    for (Kind kind : AllSteps) {
        if (kind > step)
            after << kind;
    }
    QCOMPARE(m_actions->steps().mid(callsBefore), after);
}

void tst_WorkflowEngine::abortEndsTheRun_data()
{
    QTest::addColumn<bool>("keep");
    QTest::newRow("sandbox terminated") << false;
    QTest::newRow("sandbox kept") << true;
}

void tst_WorkflowEngine::abortEndsTheRun()
{
    QFETCH(bool, keep);
    auto created = createRun(goodInputs(AgentWait::Operator));
    QVERIFY_RESULT(created);
    auto waiting = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(waiting);
    QCOMPARE(waiting->state, WorkflowRunState::Waiting);
    const qsizetype callsBefore = m_actions->calls.size();

    auto aborted = squad::test::await(m_engine->abort(created->id, keep));
    QVERIFY_RESULT(aborted);
    QCOMPARE(aborted->state, WorkflowRunState::Aborted);
    QCOMPARE(m_actions->discarded, keep ? QStringList() : QStringList{u"sbx-1"_s});
    QCOMPARE(m_actions->live.contains(u"sbx-1"_s), keep);
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Aborted);
    QCOMPARE(run->runnerPid, qint64(0));
    QVERIFY(run->error.contains(osUserName()));
    const AuditEntry last = audit(created->id).first();
    QCOMPARE(last.action, u"workflow.abort"_s);
    QVERIFY2(last.detail.contains(keep ? u"kept"_s : u"terminated"_s), qPrintable(last.detail));

    // Aborted is final: nothing starts, continues or aborts it again.
    QVERIFY_ERROR(squad::test::await(m_engine->start(created->id)), ErrorCode::AlreadyDone);
    QVERIFY_ERROR(squad::test::await(m_engine->confirmAgentDone(created->id)), ErrorCode::Conflict);
    QVERIFY_ERROR(squad::test::await(m_engine->retry(created->id)), ErrorCode::Conflict);
    QVERIFY_ERROR(squad::test::await(m_engine->abort(created->id, keep)), ErrorCode::AlreadyDone);
    QCOMPARE(m_actions->calls.size(), callsBefore);
    run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->state, WorkflowRunState::Aborted);

    // A run aborted before it made a sandbox has nothing to end.
    auto pending = createRun();
    QVERIFY_RESULT(pending);
    QVERIFY_RESULT(squad::test::await(m_engine->abort(pending->id, false)));
    QCOMPARE(m_actions->discarded.size(), keep ? 0 : 1);
}

void tst_WorkflowEngine::abortRefusedWhileAStepRuns()
{
    m_actions->hold(Kind::Clone);
    auto created = createRun();
    QVERIFY_RESULT(created);
    auto running = m_engine->start(created->id);
    QTRY_VERIFY(m_actions->holding());
    QVERIFY_ERROR(squad::test::await(m_engine->abort(created->id, false)), ErrorCode::Conflict);
    QVERIFY_ERROR(squad::test::await(m_engine->start(created->id)), ErrorCode::Conflict);
    QVERIFY(m_actions->discarded.isEmpty());
    QVERIFY(!running.isFinished());
    m_actions->answer();
    QVERIFY(waitFor(running));
    QVERIFY_RESULT(running.result());
    QCOMPARE(running.result()->state, WorkflowRunState::Succeeded);
}

void tst_WorkflowEngine::resumesAfterTheEngineWentAway()
{
    m_actions->hold(Kind::Branch);
    auto created = createRun(goodInputs(AgentWait::NoWait));
    QVERIFY_RESULT(created);
    auto first = m_engine->start(created->id);
    QTRY_VERIFY(m_actions->holding());
    QCOMPARE(m_actions->heldStep(), Kind::Branch);

    // Mid-step, the store says what a crash would leave behind.
    auto midway = stored(created->id);
    QVERIFY_RESULT(midway);
    QCOMPARE(midway->state, WorkflowRunState::Running);
    QCOMPARE(midway->runnerPid, QCoreApplication::applicationPid());
    QCOMPARE(midway->runnerHost, hostName());
    QCOMPARE(midway->step(Kind::Clone).state, WorkflowStepState::Succeeded);
    QCOMPARE(midway->step(Kind::Branch).state, WorkflowStepState::Running);
    QCOMPARE(midway->step(Kind::Branch).attempts, 1);
    QVERIFY(m_engine->isRunning(created->id));
    auto open = m_engine->resumable();
    QVERIFY_RESULT(open);
    QVERIFY(open->isEmpty()); // this engine runs it

    // The engine goes (the app quits) with the step still out: the caller hears so, and the run
    // stays "running" by this process.
    m_engine.reset();
    QVERIFY(first.isFinished());
    QVERIFY_ERROR(first.result(), ErrorCode::Cancelled);
    // The step's late answer finds no engine: nothing is written.
    m_actions->answer();
    QCoreApplication::processEvents();
    auto left = stored(created->id);
    QVERIFY_RESULT(left);
    QCOMPARE(left->state, WorkflowRunState::Running);
    QCOMPARE(left->runnerPid, QCoreApplication::applicationPid());
    QCOMPARE(left->step(Kind::Branch).state, WorkflowStepState::Running);
    QCOMPARE(left->step(Kind::Branch).attempts, 1);

    // A new engine in this process takes it up again at the unfinished step.
    m_actions->calls.clear();
    m_engine = std::make_unique<WorkflowEngine>(*m_db, *m_actions);
    m_engine->setOptions(fastOptions());
    open = m_engine->resumable();
    QVERIFY_RESULT(open);
    QCOMPARE(open->size(), 1);
    QCOMPARE(open->first().id, created->id);
    auto resumed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(resumed);
    QCOMPARE(resumed->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps(), (QList<Kind>{Kind::Branch, Kind::Commit, Kind::Push,
                                              Kind::OpenPullRequest, Kind::TerminateSandbox}));
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->step(Kind::CreateSandbox).attempts, 1);
    QCOMPARE(run->step(Kind::Branch).attempts, 2);
    QCOMPARE(run->sandboxId(), u"sbx-1"_s);
    QCOMPARE(m_actions->sandboxesMade, 1);
    QCOMPARE(m_actions->calls.first().given.sandboxId(), u"sbx-1"_s);
}

void tst_WorkflowEngine::liveRunnerElsewhereIsAConflict()
{
    const QString sleep = QStandardPaths::findExecutable(u"sleep"_s);
    QVERIFY2(!sleep.isEmpty(), "sleep(1) is needed as another live process");
    auto created = createRun();
    QVERIFY_RESULT(created);
    auto elsewhere = createRun();
    QVERIFY_RESULT(elsewhere);

    // Another live process on this machine runs the first; some process on another machine
    // the second, which cannot be checked from here, so its claim stands.
    QProcess other;
    other.start(sleep, {u"30"_s});
    QVERIFY(other.waitForStarted());
    const qint64 pid = other.processId();
    QVERIFY(pid > 0 && pid != QCoreApplication::applicationPid());
    QVERIFY(setRunner(created->id, pid, hostName()));
    QVERIFY(setRunner(elsewhere->id, 4242, hostName() + u".elsewhere.example"_s));

    auto refused = squad::test::await(m_engine->start(created->id));
    QVERIFY_ERROR(refused, ErrorCode::Conflict);
    QVERIFY2(refused.error().message().contains(QString::number(pid)),
             qPrintable(refused.error().message()));
    QVERIFY_ERROR(squad::test::await(m_engine->start(elsewhere->id)), ErrorCode::Conflict);
    QVERIFY_ERROR(squad::test::await(m_engine->abort(created->id, false)), ErrorCode::Conflict);
    QVERIFY(m_actions->calls.isEmpty());
    QVERIFY(m_actions->discarded.isEmpty());
    auto open = m_engine->resumable();
    QVERIFY_RESULT(open);
    QVERIFY(open->isEmpty());
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->runnerPid, pid); // the claim was left alone

    // Once that process is gone the run is free again.
    other.kill();
    QVERIFY(other.waitForFinished());
    auto taken = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(taken);
    QCOMPARE(taken->state, WorkflowRunState::Succeeded);
}

void tst_WorkflowEngine::deadRunnerIsTakenOver()
{
    const QString trueProgram = QStandardPaths::findExecutable(u"true"_s);
    QVERIFY2(!trueProgram.isEmpty(), "true(1) is needed as a process that has ended");
    QProcess ended;
    ended.start(trueProgram, {});
    QVERIFY(ended.waitForStarted());
    const qint64 pid = ended.processId();
    QVERIFY(ended.waitForFinished());
    QVERIFY2(!processAlive(pid), "the finished process's id was reused already");

    auto created = createRun(goodInputs(AgentWait::NoWait));
    QVERIFY_RESULT(created);
    QVERIFY(setRunner(created->id, pid, hostName()));
    auto open = m_engine->resumable();
    QVERIFY_RESULT(open);
    QCOMPARE(open->size(), 1);
    QCOMPARE(open->first().runnerPid, pid);

    auto done = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QVERIFY(!m_actions->calls.isEmpty());
    for (const Call &call : std::as_const(m_actions->calls))
        QCOMPARE(call.stored->runnerPid, QCoreApplication::applicationPid());
}

void tst_WorkflowEngine::goneSandboxRedoesTheSandboxSteps()
{
    // Headless: the failure ends the sandbox, so the retry needs a new one and redoes every
    // step that lived in the old one.
    WorkflowEngine::Options options = fastOptions();
    options.discardSandboxOnFailure = true;
    m_engine->setOptions(options);
    m_actions->failTimes(Kind::Push, 1, Error(ErrorCode::Provider, u"remote hung up"_s));
    auto created = createRun(goodInputs(AgentWait::NoWait));
    QVERIFY_RESULT(created);
    auto failed = squad::test::await(m_engine->start(created->id));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QCOMPARE(m_actions->discarded, QStringList{u"sbx-1"_s});

    m_actions->calls.clear();
    auto done = squad::test::await(m_engine->retry(created->id));
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps(),
             (QList<Kind>{Kind::CreateSandbox, Kind::Clone, Kind::Branch, Kind::Commit, Kind::Push,
                          Kind::OpenPullRequest, Kind::TerminateSandbox}));
    // The first redone step starts from a clean slate: no output of the gone sandbox's.
    QVERIFY(m_actions->calls.first().given.sandboxId().isEmpty());
    QCOMPARE(m_actions->calls.at(1).given.sandboxId(), u"sbx-2"_s);
    auto run = stored(created->id);
    QVERIFY_RESULT(run);
    QCOMPARE(run->sandboxId(), u"sbx-2"_s);
    QCOMPARE(run->step(Kind::CreateSandbox).attempts, 2);
    QCOMPARE(run->step(Kind::Push).attempts, 2);

    // Operator wait: the sandbox timed out while the agent was at work. Confirming finds it
    // gone, so a new sandbox is made and the run waits for the agent again.
    auto waitingRun = createRun(goodInputs(AgentWait::Operator));
    QVERIFY_RESULT(waitingRun);
    auto waiting = squad::test::await(m_engine->start(waitingRun->id));
    QVERIFY_RESULT(waiting);
    QCOMPARE(waiting->sandboxId(), u"sbx-3"_s);
    m_actions->live.remove(u"sbx-3"_s);
    m_actions->calls.clear();
    auto again = squad::test::await(m_engine->confirmAgentDone(waitingRun->id));
    QVERIFY_RESULT(again);
    QCOMPARE(again->state, WorkflowRunState::Waiting);
    QCOMPARE(again->sandboxId(), u"sbx-4"_s);
    QCOMPARE(m_actions->steps(), (QList<Kind>{Kind::CreateSandbox, Kind::Clone, Kind::Branch}));

    // A sandbox that still runs is kept: nothing is redone.
    m_actions->calls.clear();
    auto finished = squad::test::await(m_engine->confirmAgentDone(waitingRun->id));
    QVERIFY_RESULT(finished);
    QCOMPARE(finished->state, WorkflowRunState::Succeeded);
    QCOMPARE(m_actions->steps(), (QList<Kind>{Kind::Commit, Kind::Push, Kind::OpenPullRequest,
                                              Kind::TerminateSandbox}));
}

void tst_WorkflowEngine::resumableListsUnfinishedUnclaimedRuns()
{
    QProcess other;
    other.start(QStandardPaths::findExecutable(u"sleep"_s), {u"30"_s});
    QVERIFY(other.waitForStarted());

    QHash<QString, QString> ids;
    for (const char *name : {"pending", "waiting", "failed", "succeeded", "aborted", "live runner",
                             "this process", "active here"}) {
        auto created = createRun(goodInputs(AgentWait::Operator));
        QVERIFY_RESULT(created);
        ids.insert(QLatin1String(name), created->id);
    }
    auto waiting = squad::test::await(m_engine->start(ids[u"waiting"_s]));
    QVERIFY_RESULT(waiting);
    QCOMPARE(waiting->state, WorkflowRunState::Waiting);
    m_actions->failTimes(Kind::CreateSandbox, 1, Error(ErrorCode::Provider, u"no quota"_s));
    auto failed = squad::test::await(m_engine->start(ids[u"failed"_s]));
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QVERIFY_RESULT(squad::test::await(m_engine->start(ids[u"succeeded"_s])));
    QVERIFY_RESULT(squad::test::await(m_engine->confirmAgentDone(ids[u"succeeded"_s])));
    QVERIFY_RESULT(squad::test::await(m_engine->abort(ids[u"aborted"_s], false)));
    QVERIFY(setRunner(ids[u"live runner"_s], other.processId(), hostName()));
    QVERIFY(setRunner(ids[u"this process"_s], QCoreApplication::applicationPid(), hostName()));
    m_actions->hold(Kind::CreateSandbox);
    auto active = m_engine->start(ids[u"active here"_s]);
    QTRY_VERIFY(m_actions->holding());

    auto open = m_engine->resumable();
    QVERIFY_RESULT(open);
    QSet<QString> listed;
    for (const WorkflowRun &run : std::as_const(*open))
        listed.insert(run.id);
    const QSet<QString> expected{ids[u"pending"_s], ids[u"waiting"_s], ids[u"failed"_s],
                                 ids[u"this process"_s]};
    QCOMPARE(listed, expected);
    QCOMPARE(open->size(), expected.size());

    m_actions->answer();
    QVERIFY(waitFor(active));
    other.kill();
    QVERIFY(other.waitForFinished());
}

void tst_WorkflowEngine::retryLimitsComeFromTheSettings()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"squad.conf"_s), QSettings::IniFormat);
    const WorkflowEngine::Options defaults;
    auto options = WorkflowEngine::optionsFrom(settings);
    QCOMPARE(options.maxAttempts, defaults.maxAttempts);
    QCOMPARE(options.backoffMs, defaults.backoffMs);
    QCOMPARE(options.backoffCapMs, defaults.backoffCapMs);

    settings.setValue(u"workflow/maxAttempts"_s, 5);
    settings.setValue(u"workflow/retryBackoffMs"_s, 500);
    settings.setValue(u"workflow/retryBackoffCapMs"_s, 4000);
    options = WorkflowEngine::optionsFrom(settings);
    QCOMPARE(options.maxAttempts, 5);
    QCOMPARE(options.backoffMs, 500);
    QCOMPARE(options.backoffCapMs, 4000);

    // Out of bounds or not numbers: kept within bounds, or the default.
    settings.setValue(u"workflow/maxAttempts"_s, 0);
    settings.setValue(u"workflow/retryBackoffMs"_s, u"soon"_s);
    settings.setValue(u"workflow/retryBackoffCapMs"_s, 10);
    options = WorkflowEngine::optionsFrom(settings);
    QCOMPARE(options.maxAttempts, 1);
    QCOMPARE(options.backoffMs, defaults.backoffMs);
    QCOMPARE(options.backoffCapMs, defaults.backoffMs);  // never below the first wait
}

QTEST_GUILESS_MAIN(tst_WorkflowEngine)
#include "tst_workflowengine.moc"
