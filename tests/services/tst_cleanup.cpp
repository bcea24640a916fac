// SPDX-License-Identifier: MIT
// The cleanup: the planner's rules case by case, a property test over random populations, and
// the executor over a fake provider on SQLite and on PostgreSQL.
#include "testsupport.h"

#include "core/futures.h"
#include "core/ids.h"
#include "core/platform.h"
#include "ops/cleanup.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/sandboxstore.h"
#include "store/workflowstore.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;
using squad::test::waitFor;

namespace {

const QDateTime Now = QDateTime(QDate(2025, 3, 1), QTime(12, 0), Qt::UTC);

// A provider whose live list the test sets, and which records what it was asked to end.
class FakeProvider final : public SandboxProvider
{
public:
    QString name() const override { return u"fake"_s; }

    QFuture<Result<ProviderSandbox>> create(const SandboxSpec &spec) override
    {
        ProviderSandbox made;
        made.providerId = u"fake-"_s + spec.id;
        made.templateId = spec.templateId;
        made.metadata = spec.metadata;
        live.append(made);
        return readyFuture<Result<ProviderSandbox>>(made);
    }
    QFuture<Result<ProviderSandbox>> get(const QString &providerId) override
    {
        for (const ProviderSandbox &sandbox : std::as_const(live)) {
            if (sandbox.providerId == providerId)
                return readyFuture<Result<ProviderSandbox>>(sandbox);
        }
        return readyFuture<Result<ProviderSandbox>>(fail(ErrorCode::NotFound, u"no"_s));
    }
    QFuture<Result<QList<ProviderSandbox>>> list() override
    {
        return readyFuture<Result<QList<ProviderSandbox>>>(live);
    }
    QFuture<Result<void>> terminate(const QString &providerId) override
    {
        terminated << providerId;
        if (failFor.contains(providerId))
            return readyFuture<Result<void>>(fail(ErrorCode::Provider, u"the provider refused"_s));
        live.removeIf([&](const ProviderSandbox &s) { return s.providerId == providerId; });
        return readyFuture<Result<void>>({});
    }
    CommandRun *run(const QString &, const CommandSpec &, QObject *parent) override
    {
        return CommandRun::failed(Error(ErrorCode::InvalidArgument, u"no"_s), parent);
    }
    QFuture<Result<QByteArray>> readFile(const QString &, const QString &) override
    {
        return readyFuture<Result<QByteArray>>(QByteArray());
    }
    QFuture<Result<void>> writeFile(const QString &, const QString &, const QByteArray &) override
    {
        return readyFuture<Result<void>>({});
    }

    QList<ProviderSandbox> live;
    QStringList terminated;
    QSet<QString> failFor;  // provider ids whose termination fails
};

WorkflowRun makeRun(const QString &id, WorkflowRunState state, const QDateTime &updatedAt)
{
    WorkflowRun run;
    run.id = id;
    run.state = state;
    run.createdAt = updatedAt.isValid() ? updatedAt.addSecs(-60) : Now.addDays(-10);
    run.updatedAt = updatedAt;
    for (int i = 0; i < WorkflowStepCount; ++i)
        run.steps[size_t(i)].kind = WorkflowStepKind(i);
    return run;
}

SandboxRecord makeRow(const QString &id, SandboxStatus status, const QDateTime &createdAt,
                      const QString &runId = {})
{
    SandboxRecord row;
    row.id = id;
    row.provider = u"e2b"_s;
    row.providerId = u"p-"_s + id;
    row.status = status;
    row.createdAt = row.updatedAt = createdAt;
    row.metadata = runId.isEmpty() ? u"{}"_s : u"{\"squad.run\":\"%1\"}"_s.arg(runId);
    return row;
}

bool hasCandidate(const CleanupPlan &plan, const QString &id)
{
    return std::any_of(plan.candidates.cbegin(), plan.candidates.cend(),
                       [&](const CleanupCandidate &c) { return c.id == id; });
}

QString keptReason(const CleanupPlan &plan, const QString &id)
{
    for (const CleanupKept &kept : plan.kept) {
        if (kept.id == id)
            return kept.reason;
    }
    return {};
}

} // namespace

class tst_Cleanup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void durations_data();
    void durations();
    void environmentOverridesTheSetting();
    void rowRules_data();
    void rowRules();
    void startTimeWinsOverCreation();
    void orphanRules_data();
    void orphanRules();
    void summaries();
    void propertyNothingOutsideTheCriteria();

    void init();
    void cleanup();
    void executorEndsOnlyCandidates();
    void executorReportsFailuresAndGoesOn();
    void executorEndsOnlyWhatWasConfirmed();

private:
    // A sandbox made through the service, then aged to `ageHours` in the store.
    SandboxRecord createAged(double ageHours, const QString &runId = {});
    void setStatus(const QString &id, SandboxStatus status);
    QList<AuditEntry> cleanupAudits();

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<SandboxService> m_service;
};

// --- policy and durations ---------------------------------------------------------------------

void tst_Cleanup::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds");  // -1: refused
    QTest::addColumn<QString>("shown");
    QTest::newRow("hours") << u"24h"_s << qint64(86400) << u"24 h"_s;
    QTest::newRow("minutes") << u"90m"_s << qint64(5400) << u"90 min"_s;
    QTest::newRow("days") << u"2d"_s << qint64(172800) << u"2 d"_s;
    QTest::newRow("seconds") << u"45s"_s << qint64(45) << u"45 s"_s;
    QTest::newRow("bare number is hours") << u"6"_s << qint64(21600) << u"6 h"_s;
    QTest::newRow("upper case") << u"3H"_s << qint64(10800) << u"3 h"_s;
    QTest::newRow("zero") << u"0h"_s << qint64(-1) << QString();
    QTest::newRow("negative") << u"-5h"_s << qint64(-1) << QString();
    QTest::newRow("unknown unit") << u"5w"_s << qint64(-1) << QString();
    QTest::newRow("empty") << QString() << qint64(-1) << QString();
    QTest::newRow("words") << u"a day"_s << qint64(-1) << QString();
}

void tst_Cleanup::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    QFETCH(QString, shown);
    const Result<qint64> parsed = parseCleanupDuration(text);
    if (seconds < 0) {
        QVERIFY_ERROR(parsed, ErrorCode::InvalidArgument);
        return;
    }
    QVERIFY_RESULT(parsed);
    QCOMPARE(*parsed, seconds);
    QCOMPARE(cleanupDurationText(*parsed), shown);
}

void tst_Cleanup::environmentOverridesTheSetting()
{
    qunsetenv("SANDBOX_CLEANUP_AGE_HOURS");
    QCOMPARE(CleanupPolicy::fromSetting(48).maxAgeSeconds, 48 * 3600);
    QCOMPARE(CleanupPolicy::fromSetting(0).maxAgeSeconds, 24 * 3600);
    qputenv("SANDBOX_CLEANUP_AGE_HOURS", "12");
    QCOMPARE(CleanupPolicy::fromSetting(48).maxAgeSeconds, 12 * 3600);
    // Malformed: the setting stands.
    qputenv("SANDBOX_CLEANUP_AGE_HOURS", "soon");
    QCOMPARE(CleanupPolicy::fromSetting(48).maxAgeSeconds, 48 * 3600);
    qputenv("SANDBOX_CLEANUP_AGE_HOURS", "0");
    QCOMPARE(CleanupPolicy::fromSetting(48).maxAgeSeconds, 48 * 3600);
    qunsetenv("SANDBOX_CLEANUP_AGE_HOURS");
    const CleanupPolicy policy;
    QVERIFY(policy.covers(SandboxStatus::Running));
    QVERIFY(policy.covers(SandboxStatus::Error));
    QVERIFY(!policy.covers(SandboxStatus::Created));
    QVERIFY(!policy.covers(SandboxStatus::Terminated));
}

// --- the planner, rule by rule -----------------------------------------------------------------

void tst_Cleanup::rowRules_data()
{
    QTest::addColumn<SandboxStatus>("status");
    QTest::addColumn<int>("ageMinutes");        // -1: no time known at all
    QTest::addColumn<int>("runState");          // -1: no run; -2: a run not stored
    QTest::addColumn<bool>("runnerAlive");
    QTest::addColumn<int>("runUpdatedHoursAgo");
    QTest::addColumn<bool>("candidate");
    QTest::addColumn<QString>("reason");        // in the candidate's or the kept row's reason

    const auto R = SandboxStatus::Running;
    const auto E = SandboxStatus::Error;
    const int none = -1;
    QTest::newRow("running 31 h") << R << 31 * 60 << none << false << 0 << true
                                  << u"RUNNING for 31 h (older than 24 h)"_s;
    QTest::newRow("error 30 h") << E << 30 * 60 << none << false << 0 << true
                                << u"ERROR for 30 h (older than 24 h)"_s;
    QTest::newRow("running 23 h") << R << 23 * 60 << none << false << 0 << false
                                  << u"RUNNING for 23 h (not older than 24 h)"_s;
    QTest::newRow("exactly the age is not older") << R << 24 * 60 << none << false << 0 << false
                                                  << u"not older than 24 h"_s;
    QTest::newRow("a minute past the age") << R << 24 * 60 + 1 << none << false << 0 << true
                                           << u"RUNNING for 24 h (older than 24 h)"_s;
    QTest::newRow("created is never ended") << SandboxStatus::Created << 50 * 60 << none << false
                                            << 0 << false << QString();
    QTest::newRow("terminated is never ended") << SandboxStatus::Terminated << 90 * 60 << none
                                               << false << 0 << false << QString();
    QTest::newRow("age unknown") << R << -1 << none << false << 0 << false
                                 << u"its age cannot be told"_s;
    QTest::newRow("aborted run") << R << 31 * 60 << int(WorkflowRunState::Aborted) << false << 30
                                 << true << u"sandbox of aborted workflow run run-1"_s;
    QTest::newRow("succeeded run, runner alive") << E << 31 * 60 << int(WorkflowRunState::Succeeded)
                                                 << true << 1 << true
                                                 << u"sandbox of succeeded workflow run run-1"_s;
    QTest::newRow("running run, runner alive") << R << 31 * 60 << int(WorkflowRunState::Running)
                                               << true << 30 << false
                                               << u"in progress (running, its runner is alive)"_s;
    QTest::newRow("waiting run, recent") << R << 31 * 60 << int(WorkflowRunState::Waiting) << false
                                         << 2 << false << u"in progress (waiting, updated 2 h ago)"_s;
    QTest::newRow("pending run, alive") << R << 40 * 60 << int(WorkflowRunState::Pending) << true
                                        << 40 << false << u"in progress (pending"_s;
    QTest::newRow("failed run, recent") << E << 31 * 60 << int(WorkflowRunState::Failed) << false
                                        << 5 << false << u"in progress (failed, updated 5 h ago)"_s;
    QTest::newRow("failed run, abandoned") << E << 31 * 60 << int(WorkflowRunState::Failed) << false
                                           << 30 << true
                                           << u"abandoned workflow run run-1 (failed, no live "
                                              "runner, untouched for 30 h)"_s;
    QTest::newRow("waiting run, abandoned") << R << 50 * 60 << int(WorkflowRunState::Waiting)
                                            << false << 48 << true << u"abandoned workflow run"_s;
    QTest::newRow("run no longer stored") << R << 31 * 60 << -2 << false << 0 << true
                                          << u"run-1 is no longer stored"_s;
    QTest::newRow("young sandbox of a dead run") << R << 3 * 60 << int(WorkflowRunState::Aborted)
                                                 << false << 30 << false << u"not older than"_s;
}

void tst_Cleanup::rowRules()
{
    QFETCH(SandboxStatus, status);
    QFETCH(int, ageMinutes);
    QFETCH(int, runState);
    QFETCH(bool, runnerAlive);
    QFETCH(int, runUpdatedHoursAgo);
    QFETCH(bool, candidate);
    QFETCH(QString, reason);

    const QString runId = runState == -1 ? QString() : u"run-1"_s;
    SandboxRecord row = makeRow(u"sb-1"_s, status,
                                ageMinutes < 0 ? QDateTime() : Now.addSecs(-60 * ageMinutes), runId);
    QList<WorkflowRun> runs;
    if (runState >= 0)
        runs << makeRun(runId, WorkflowRunState(runState), Now.addSecs(-3600 * runUpdatedHoursAgo));
    QSet<QString> alive;
    if (runnerAlive)
        alive << runId;
    // Bystanders: a young row and a terminated one, never candidates.
    const QList<SandboxRecord> rows{row, makeRow(u"young"_s, SandboxStatus::Running, Now.addSecs(-60)),
                                    makeRow(u"done"_s, SandboxStatus::Terminated, Now.addDays(-9))};

    const CleanupPlan plan = planCleanup(CleanupPolicy(), rows, {}, runs, Now, alive);
    QCOMPARE(hasCandidate(plan, u"sb-1"_s), candidate);
    QVERIFY(!hasCandidate(plan, u"young"_s));
    QVERIFY(!hasCandidate(plan, u"done"_s));
    QCOMPARE(plan.candidates.size(), candidate ? 1 : 0);
    if (candidate) {
        const CleanupCandidate &c = plan.candidates.first();
        QVERIFY2(c.reason.contains(reason), qPrintable(c.reason));
        QCOMPARE(c.runId, runId);
        QCOMPARE(c.providerId, row.providerId);
        QCOMPARE(c.status, std::optional<SandboxStatus>(status));
    } else if (reason.isEmpty()) {
        QCOMPARE(keptReason(plan, u"sb-1"_s), QString());  // not even considered
    } else {
        QVERIFY2(keptReason(plan, u"sb-1"_s).contains(reason), qPrintable(keptReason(plan, u"sb-1"_s)));
    }
}

void tst_Cleanup::startTimeWinsOverCreation()
{
    // Made 40 h ago, but the provider started it 10 h ago (resumed, recreated): 10 h old.
    SandboxRecord row = makeRow(u"sb"_s, SandboxStatus::Running, Now.addSecs(-40 * 3600));
    row.startedAt = Now.addSecs(-10 * 3600);
    CleanupPlan plan = planCleanup(CleanupPolicy(), {row}, {}, {}, Now);
    QVERIFY(plan.candidates.isEmpty());
    QVERIFY(keptReason(plan, u"sb"_s).contains(u"RUNNING for 10 h"_s));

    row.startedAt = Now.addSecs(-30 * 3600);
    row.createdAt = Now.addSecs(-1 * 3600);
    plan = planCleanup(CleanupPolicy(), {row}, {}, {}, Now);
    QCOMPARE(plan.candidates.size(), 1);
    QCOMPARE(plan.candidates.first().since, row.startedAt);
    QCOMPARE(plan.candidates.first().ageSeconds, 30 * 3600);

    // A shorter policy (90 minutes) reads as such.
    CleanupPolicy policy;
    policy.maxAgeSeconds = 90 * 60;
    row.startedAt = Now.addSecs(-2 * 3600);
    plan = planCleanup(policy, {row}, {}, {}, Now);
    QCOMPARE(plan.candidates.size(), 1);
    QCOMPARE(plan.candidates.first().reason, u"RUNNING for 2 h (older than 90 min)"_s);
}

void tst_Cleanup::orphanRules_data()
{
    QTest::addColumn<int>("startedHoursAgo");  // -1: unknown
    QTest::addColumn<bool>("includeOrphans");
    QTest::addColumn<int>("runState");         // -1: none
    QTest::addColumn<bool>("runnerAlive");
    QTest::addColumn<bool>("candidate");
    QTest::addColumn<QString>("reason");

    QTest::newRow("old orphan") << 26 << true << -1 << false << true
                                << u"orphan at e2b, started 26 h ago (older than 24 h)"_s;
    QTest::newRow("young orphan") << 2 << true << -1 << false << false
                                  << u"orphan at e2b, started 2 h ago (not older than 24 h)"_s;
    QTest::newRow("no start time") << -1 << true << -1 << false << false
                                   << u"with no start time"_s;
    QTest::newRow("orphans excluded") << 50 << false << -1 << false << false
                                      << u"orphans are not included"_s;
    QTest::newRow("orphan of a live run") << 50 << true << int(WorkflowRunState::Running) << true
                                          << false << u"is in progress"_s;
    QTest::newRow("orphan of an aborted run") << 50 << true << int(WorkflowRunState::Aborted)
                                              << false << true
                                              << u"sandbox of aborted workflow run run-9"_s;
}

void tst_Cleanup::orphanRules()
{
    QFETCH(int, startedHoursAgo);
    QFETCH(bool, includeOrphans);
    QFETCH(int, runState);
    QFETCH(bool, runnerAlive);
    QFETCH(bool, candidate);
    QFETCH(QString, reason);

    CleanupOrphan orphan{u"e2b"_s, {}};
    orphan.sandbox.providerId = u"iorphan1"_s;
    if (startedHoursAgo >= 0)
        orphan.sandbox.startedAt = Now.addSecs(-3600 * startedHoursAgo);
    QList<WorkflowRun> runs;
    QSet<QString> alive;
    if (runState >= 0) {
        orphan.sandbox.metadata.insert(u"squad.run"_s, u"run-9"_s);
        runs << makeRun(u"run-9"_s, WorkflowRunState(runState), Now.addDays(-3));
        if (runnerAlive)
            alive << u"run-9"_s;
    }
    CleanupPolicy policy;
    policy.includeOrphans = includeOrphans;
    const CleanupPlan plan = planCleanup(policy, {}, {orphan}, runs, Now, alive);
    QCOMPARE(hasCandidate(plan, u"iorphan1"_s), candidate);
    if (candidate) {
        QVERIFY(plan.candidates.first().orphan);
        QCOMPARE(plan.candidates.first().provider, u"e2b"_s);
        QVERIFY2(plan.candidates.first().reason.contains(reason),
                 qPrintable(plan.candidates.first().reason));
    } else {
        QVERIFY2(keptReason(plan, u"iorphan1"_s).contains(reason),
                 qPrintable(keptReason(plan, u"iorphan1"_s)));
    }
}

void tst_Cleanup::summaries()
{
    CleanupReport report;
    QCOMPARE(report.summary(), u"Cleanup found no sandbox older than 24 h to end"_s);
    CleanupCandidate a;
    a.id = u"a"_s;
    CleanupCandidate b;
    b.id = u"b"_s;
    report.plan.candidates = {a, b};
    report.dryRun = true;
    QCOMPARE(report.summary(), u"Cleanup would end 2 sandboxes older than 24 h"_s);
    report.dryRun = false;
    report.outcomes = {{a, true, {}}, {b, false, u"refused"_s}};
    QCOMPARE(report.summary(), u"Cleanup ended 1 sandbox older than 24 h; 1 could not be ended"_s);
    QVERIFY(!report.succeeded());
    report.outcomes[1].ok = true;
    QCOMPARE(report.summary(), u"Cleanup ended 2 sandboxes older than 24 h"_s);
}

// --- the property: random populations --------------------------------------------------------

void tst_Cleanup::propertyNothingOutsideTheCriteria()
{
    const QByteArray fromEnvironment = qgetenv("SQUAD_TEST_SEED");
    const quint32 seed = fromEnvironment.isEmpty() ? QRandomGenerator::global()->generate()
                                                   : fromEnvironment.toUInt();
    qInfo("cleanup property test seed: %u (SQUAD_TEST_SEED=%u repeats it)", seed, seed);
    QRandomGenerator random(seed);

    static constexpr WorkflowRunState States[] = {
        WorkflowRunState::Pending, WorkflowRunState::Running, WorkflowRunState::Waiting,
        WorkflowRunState::Failed, WorkflowRunState::Succeeded, WorkflowRunState::Aborted};
    int candidatesSeen = 0;
    int protectedSeen = 0;

    for (int population = 0; population < 400; ++population) {
        const auto where = [&](const QString &what) {
            return qPrintable(u"seed %1, population %2: %3"_s.arg(seed).arg(population).arg(what));
        };
        CleanupPolicy policy;
        policy.maxAgeSeconds = qint64(random.bounded(1, 73)) * 3600;
        policy.includeOrphans = random.bounded(4) != 0;
        if (random.bounded(5) == 0) {
            policy.statuses = 0;
            for (SandboxStatus status : AllSandboxStatuses) {
                if (random.bounded(2))
                    policy.statuses |= CleanupPolicy::statusBit(status);
            }
        }
        // A time around the policy's age, often right at its edge.
        const auto randomTime = [&]() -> QDateTime {
            switch (random.bounded(8)) {
            case 0: return {};
            case 1: return Now.addSecs(-policy.maxAgeSeconds);
            case 2: return Now.addSecs(-policy.maxAgeSeconds - 1);
            case 3: return Now.addSecs(-policy.maxAgeSeconds + 1);
            default: return Now.addSecs(-qint64(random.bounded(0, 100 * 3600)));
            }
        };

        QList<WorkflowRun> runs;
        QSet<QString> alive;
        const int runCount = random.bounded(0, 8);
        for (int i = 0; i < runCount; ++i) {
            WorkflowRun run = makeRun(u"run-%1"_s.arg(i), States[random.bounded(6)], randomTime());
            if (random.bounded(3) == 0)
                alive << run.id;
            runs << run;
        }
        // Runs named by sandboxes: stored ones, and one that is not.
        const auto randomRun = [&]() -> QString {
            const int pick = random.bounded(-2, runCount + 1);
            return pick < 0 ? QString() : pick == runCount ? u"run-gone"_s : u"run-%1"_s.arg(pick);
        };

        QList<SandboxRecord> rows;
        const int rowCount = random.bounded(0, 40);
        for (int i = 0; i < rowCount; ++i) {
            SandboxRecord row = makeRow(u"row-%1"_s.arg(i), AllSandboxStatuses[random.bounded(4)],
                                        randomTime(), randomRun());
            row.provider = random.bounded(2) ? u"e2b"_s : u"local"_s;
            if (random.bounded(3) == 0)
                row.startedAt = randomTime();
            if (random.bounded(6) == 0)
                row.metadata = u"{\"squad.task_id\":\"t\",\"squad.other\":1}"_s;
            rows << row;
        }
        QList<CleanupOrphan> orphans;
        const int orphanCount = random.bounded(0, 8);
        for (int i = 0; i < orphanCount; ++i) {
            CleanupOrphan orphan{u"e2b"_s, {}};
            orphan.sandbox.providerId = u"orphan-%1"_s.arg(i);
            orphan.sandbox.startedAt = randomTime();
            orphan.sandbox.running = random.bounded(2);
            if (const QString run = randomRun(); !run.isEmpty())
                orphan.sandbox.metadata.insert(u"squad.run"_s, run);
            orphans << orphan;
        }

        const CleanupPlan plan = planCleanup(policy, rows, orphans, runs, Now, alive);

        // The criteria, as the issue states them, written out apart from the planner.
        const auto runInProgress = [&](const QString &runId) {
            for (const WorkflowRun &run : std::as_const(runs)) {
                if (run.id != runId)
                    continue;
                const bool unfinished = run.state != WorkflowRunState::Succeeded
                                        && run.state != WorkflowRunState::Aborted;
                const bool recent = !run.updatedAt.isValid()
                                    || run.updatedAt >= Now.addSecs(-policy.maxAgeSeconds);
                return unfinished && (alive.contains(run.id) || recent);
            }
            return false;
        };
        const auto oldEnough = [&](const QDateTime &since) {
            return since.isValid() && since < Now.addSecs(-policy.maxAgeSeconds);
        };
        QSet<QString> expected;
        QSet<QString> ofLiveRuns;
        for (const SandboxRecord &row : std::as_const(rows)) {
            const QString runId = cleanupRunOf(row.metadata);
            if (runInProgress(runId))
                ofLiveRuns << row.id;
            const QDateTime since = row.startedAt.isValid() ? row.startedAt : row.createdAt;
            if (policy.covers(row.status) && oldEnough(since) && !runInProgress(runId))
                expected << row.id;
        }
        for (const CleanupOrphan &orphan : std::as_const(orphans)) {
            const QString runId = orphan.sandbox.metadata.value(u"squad.run"_s);
            if (runInProgress(runId))
                ofLiveRuns << orphan.sandbox.providerId;
            if (policy.includeOrphans && oldEnough(orphan.sandbox.startedAt) && !runInProgress(runId))
                expected << orphan.sandbox.providerId;
        }

        QSet<QString> planned;
        for (const CleanupCandidate &candidate : plan.candidates) {
            QVERIFY2(!planned.contains(candidate.id), where(u"%1 planned twice"_s.arg(candidate.id)));
            planned << candidate.id;
            QVERIFY2(expected.contains(candidate.id),
                     where(u"%1 is outside the criteria: %2"_s.arg(candidate.id, candidate.reason)));
            QVERIFY2(!ofLiveRuns.contains(candidate.id),
                     where(u"%1 belongs to a run in progress"_s.arg(candidate.id)));
            QVERIFY2(candidate.ageSeconds > policy.maxAgeSeconds,
                     where(u"%1 is only %2 s old"_s.arg(candidate.id).arg(candidate.ageSeconds)));
            QVERIFY2(!candidate.reason.isEmpty(), where(u"%1 has no reason"_s.arg(candidate.id)));
        }
        for (const QString &id : std::as_const(expected))
            QVERIFY2(planned.contains(id), where(u"%1 meets the criteria but is not planned"_s.arg(id)));
        candidatesSeen += int(planned.size());
        protectedSeen += int(ofLiveRuns.size());
    }
    // The populations did exercise both sides.
    QVERIFY(candidatesSeen > 100);
    QVERIFY(protectedSeen > 50);
}

// --- the executor, over the store and a fake provider -----------------------------------------

void tst_Cleanup::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    auto db = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    m_db = std::move(*db);
    m_provider = std::make_unique<FakeProvider>();
    m_service = std::make_unique<SandboxService>(*m_db);
    m_service->addProvider(m_provider.get());
    m_service->setDefaultProvider(u"fake"_s);
}

void tst_Cleanup::cleanup()
{
    m_service.reset();
    m_provider.reset();
    m_db.reset();
    m_scratch.reset();
}

SandboxRecord tst_Cleanup::createAged(double ageHours, const QString &runId)
{
    CreateSandboxRequest request;
    if (!runId.isEmpty())
        request.metadata.insert(u"squad.run"_s, runId);
    auto created = test::await(m_service->create(request));
    if (!created) {
        qWarning() << "create failed:" << created.error().toString();
        return {};
    }
    SandboxRecord row = *created;
    row.createdAt = QDateTime::currentDateTimeUtc().addSecs(qint64(-ageHours * 3600));
    if (auto updated = SandboxStore(*m_db).update(row); !updated)
        qWarning() << "update failed:" << updated.error().toString();
    return row;
}

void tst_Cleanup::setStatus(const QString &id, SandboxStatus status)
{
    auto row = SandboxStore(*m_db).get(id);
    QVERIFY_RESULT(row);
    row->status = status;
    QVERIFY_RESULT(SandboxStore(*m_db).update(*row));
}

QList<AuditEntry> tst_Cleanup::cleanupAudits()
{
    auto entries = AuditLog(*m_db).list({u"cleanup"_s, 0});
    return entries ? *entries : QList<AuditEntry>();
}

void tst_Cleanup::executorEndsOnlyCandidates()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const WorkflowStore runs(*m_db);
    WorkflowRun live = makeRun(newId(), WorkflowRunState::Running, now.addDays(-3));
    live.runnerPid = QCoreApplication::applicationPid();
    live.runnerHost = hostName();
    const WorkflowRun aborted = makeRun(newId(), WorkflowRunState::Aborted, now.addDays(-3));
    QVERIFY_RESULT(runs.insert(live));
    QVERIFY_RESULT(runs.insert(aborted));

    const SandboxRecord old = createAged(31);
    const SandboxRecord young = createAged(2);
    const SandboxRecord oldError = createAged(40);
    const SandboxRecord ofLiveRun = createAged(50, live.id);
    const SandboxRecord ofAbortedRun = createAged(50, aborted.id);
    const SandboxRecord oldDone = createAged(60);
    for (const SandboxRecord *row : {&old, &young, &oldError, &ofLiveRun, &ofAbortedRun, &oldDone})
        QVERIFY(!row->id.isEmpty());
    setStatus(oldError.id, SandboxStatus::Error);
    QVERIFY_RESULT(test::await(m_service->terminate(oldDone.id)));
    ProviderSandbox oldOrphan;
    oldOrphan.providerId = u"orphan-old"_s;
    oldOrphan.startedAt = now.addSecs(-26 * 3600);
    ProviderSandbox youngOrphan;
    youngOrphan.providerId = u"orphan-young"_s;
    youngOrphan.startedAt = now.addSecs(-3600);
    m_provider->live << oldOrphan << youngOrphan;
    m_provider->terminated.clear();

    Cleanup cleanup(*m_db, *m_service);
    Cleanup::Options options;
    options.reconcileProviders = {u"fake"_s};
    const QSet<QString> expected{old.id, oldError.id, ofAbortedRun.id, u"orphan-old"_s};

    // A dry run: the same plan, nothing ended, nothing audited.
    options.dryRun = true;
    auto dry = test::await(cleanup.run(CleanupPolicy(), options));
    QVERIFY_RESULT(dry);
    QSet<QString> planned;
    for (const CleanupCandidate &candidate : dry->plan.candidates)
        planned << candidate.id;
    QCOMPARE(planned, expected);
    QVERIFY(dry->outcomes.isEmpty());
    QVERIFY(m_provider->terminated.isEmpty());
    QCOMPARE(m_service->get(old.id)->status, SandboxStatus::Running);
    QCOMPARE(m_service->get(oldError.id)->status, SandboxStatus::Error);
    QVERIFY(cleanupAudits().isEmpty());
    QCOMPARE(dry->summary(), u"Cleanup would end 4 sandboxes older than 24 h"_s);
    QVERIFY(keptReason(dry->plan, ofLiveRun.id).contains(u"in progress"_s));

    // The real run ends exactly those.
    options.dryRun = false;
    auto done = test::await(cleanup.run(CleanupPolicy(), options));
    QVERIFY_RESULT(done);
    QCOMPARE(done->outcomes.size(), 4);
    QVERIFY(done->succeeded());
    QCOMPARE(QSet<QString>(m_provider->terminated.cbegin(), m_provider->terminated.cend()),
             (QSet<QString>{old.providerId, oldError.providerId, ofAbortedRun.providerId,
                            u"orphan-old"_s}));
    for (const SandboxRecord *row : {&old, &oldError, &ofAbortedRun})
        QCOMPARE(m_service->get(row->id)->status, SandboxStatus::Terminated);
    for (const SandboxRecord *row : {&young, &ofLiveRun})
        QCOMPARE(m_service->get(row->id)->status, SandboxStatus::Running);
    QCOMPARE(m_provider->live.size(), 3);  // young, of the live run, the young orphan

    // One cleanup row with the summary; each row's termination audited by the service.
    const QList<AuditEntry> audits = cleanupAudits();
    QCOMPARE(audits.size(), 1);
    QCOMPARE(audits.first().action, u"cleanup"_s);
    QCOMPARE(audits.first().outcome, u"ok"_s);
    QVERIFY(audits.first().detail.startsWith(u"Cleanup ended 4 sandboxes older than 24 h"_s));
    QVERIFY(audits.first().detail.contains(old.id));
    auto oldAudit = AuditLog(*m_db).list({old.id, 0});
    QVERIFY_RESULT(oldAudit);
    QCOMPARE(oldAudit->first().action, u"sandbox.terminate"_s);

    // Again: nothing left to end.
    auto again = test::await(cleanup.run(CleanupPolicy(), options));
    QVERIFY_RESULT(again);
    QVERIFY(again->plan.candidates.isEmpty());
    QCOMPARE(cleanupAudits().first().outcome, u"noop"_s);
}

void tst_Cleanup::executorReportsFailuresAndGoesOn()
{
    const SandboxRecord first = createAged(30);
    const SandboxRecord second = createAged(30);
    QVERIFY(!first.id.isEmpty() && !second.id.isEmpty());
    m_provider->failFor << first.providerId;

    Cleanup cleanup(*m_db, *m_service);
    auto report = test::await(cleanup.run(CleanupPolicy(), {}));
    QVERIFY_RESULT(report);
    QCOMPARE(report->outcomes.size(), 2);
    QCOMPARE(report->failedCount(), 1);
    QCOMPARE(report->terminatedCount(), 1);
    QCOMPARE(m_service->get(first.id)->status, SandboxStatus::Running);
    QCOMPARE(m_service->get(second.id)->status, SandboxStatus::Terminated);
    const auto failed = std::find_if(report->outcomes.cbegin(), report->outcomes.cend(),
                                     [](const CleanupItemOutcome &o) { return !o.ok; });
    QCOMPARE(failed->candidate.id, first.id);
    QVERIFY(failed->message.contains(u"refused"_s));
    QCOMPARE(cleanupAudits().first().outcome, u"failed"_s);
    QVERIFY(cleanupAudits().first().detail.contains(u"FAILED "_s + first.id));
}

void tst_Cleanup::executorEndsOnlyWhatWasConfirmed()
{
    const SandboxRecord confirmed = createAged(30);
    const SandboxRecord notShown = createAged(30);
    QVERIFY(!confirmed.id.isEmpty() && !notShown.id.isEmpty());
    Cleanup cleanup(*m_db, *m_service);
    Cleanup::Options options;
    options.onlyIds = QSet<QString>{confirmed.id, u"no-longer-a-candidate"_s};
    auto report = test::await(cleanup.run(CleanupPolicy(), options));
    QVERIFY_RESULT(report);
    QCOMPARE(report->outcomes.size(), 1);
    QCOMPARE(report->outcomes.first().candidate.id, confirmed.id);
    QCOMPARE(m_service->get(confirmed.id)->status, SandboxStatus::Terminated);
    QCOMPARE(m_service->get(notShown.id)->status, SandboxStatus::Running);
    QVERIFY(keptReason(report->plan, notShown.id).contains(u"not among"_s));
}

QTEST_GUILESS_MAIN(tst_Cleanup)
#include "tst_cleanup.moc"
