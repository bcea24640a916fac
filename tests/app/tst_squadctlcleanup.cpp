// SPDX-License-Identifier: MIT
// squadctl cleanup as cron runs it: a real process over local sandboxes whose age the test
// sets in the store, its output, its exit codes, and what is left running afterwards.
#include "testsupport.h"

#include "core/ids.h"
#include "core/platform.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "store/sandboxstore.h"
#include "store/workflowstore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;

using Outcome = squad::test::ProcessOutcome;

class tst_SquadctlCleanup : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void badDurationIsAUsageError_data();
    void badDurationIsAUsageError();
    void dryRunListsAndEndsNothing();
    void cleanupEndsOldSandboxesOnly();
    void olderThanAndTheEnvironmentSetTheAge();
    void sandboxesOfARunInProgressSurvive();
    void aFailedTerminationExitsOne();

private:
    Outcome squadctl(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {});
    // A local sandbox made by squadctl, then aged to `ageHours` in the store.
    QString createAged(double ageHours, const QString &runId = {});
    void age(const QString &id, double ageHours, SandboxStatus status = SandboxStatus::Running);
    QString statusOf(const QString &id);

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<Database> m_db;
};

void tst_SquadctlCleanup::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    auto db = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    m_db = std::move(*db);
}

void tst_SquadctlCleanup::cleanup()
{
    m_db.reset();
    m_dataDir.reset();
    m_scratch.reset();
}

Outcome tst_SquadctlCleanup::squadctl(const QStringList &arguments,
                                      const QMap<QString, QString> &extraEnv)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_dataDir->path());
    // The console's settings (cleanup/ageHours) from an empty folder: the defaults.
    env.insert(u"XDG_CONFIG_HOME"_s, m_dataDir->filePath(u"config"_s));
    env.remove(u"SQUAD_DB"_s);
    env.remove(u"E2B_API_KEY"_s);
    env.remove(u"SANDBOX_CLEANUP_AGE_HOURS"_s);
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH),
                                   QStringList{u"--db"_s, m_scratch->text()} + arguments, env);
}

void tst_SquadctlCleanup::age(const QString &id, double ageHours, SandboxStatus status)
{
    const SandboxStore store(*m_db);
    auto row = store.get(id);
    QVERIFY_RESULT(row);
    const QDateTime then = QDateTime::currentDateTimeUtc().addSecs(qint64(-ageHours * 3600));
    row->createdAt = then;
    if (row->startedAt.isValid())
        row->startedAt = then;
    row->status = status;
    QVERIFY_RESULT(store.update(*row));
}

QString tst_SquadctlCleanup::createAged(double ageHours, const QString &runId)
{
    QStringList args{u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s, u"--json"_s};
    const Outcome created = squadctl(args);
    if (created.exitCode != 0) {
        qWarning() << "create failed:" << created.err;
        return {};
    }
    const QString id = created.json().object().value(u"id"_s).toString();
    if (!runId.isEmpty()) {
        // The workflow's own sandboxes carry their run in their metadata.
        auto row = SandboxStore(*m_db).get(id);
        if (!row)
            return {};
        row->metadata = u"{\"squad.run\":\"%1\"}"_s.arg(runId);
        if (!SandboxStore(*m_db).update(*row))
            return {};
    }
    age(id, ageHours);
    return id;
}

QString tst_SquadctlCleanup::statusOf(const QString &id)
{
    auto row = SandboxStore(*m_db).get(id);
    return row ? sandboxStatusName(row->status) : row.error().message();
}

void tst_SquadctlCleanup::badDurationIsAUsageError_data()
{
    QTest::addColumn<QString>("duration");
    QTest::newRow("unit") << u"3w"_s;
    QTest::newRow("zero") << u"0h"_s;
    QTest::newRow("words") << u"yesterday"_s;
}

void tst_SquadctlCleanup::badDurationIsAUsageError()
{
    QFETCH(QString, duration);
    const Outcome outcome = squadctl({u"cleanup"_s, u"--older-than"_s, duration});
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains("is not a duration"), outcome.err.constData());
    const Outcome extra = squadctl({u"cleanup"_s, u"everything"_s});
    QCOMPARE(extra.exitCode, 2);
}

void tst_SquadctlCleanup::dryRunListsAndEndsNothing()
{
    const QString old = createAged(30);
    const QString young = createAged(2);
    const QString broken = createAged(40);
    QVERIFY(!old.isEmpty() && !young.isEmpty() && !broken.isEmpty());
    age(broken, 40, SandboxStatus::Error);

    const Outcome dry = squadctl({u"cleanup"_s, u"--dry-run"_s});
    QCOMPARE(dry.exitCode, 0);
    const QString out = QString::fromUtf8(dry.out);
    QVERIFY2(out.contains(u"would end  %1  local  RUNNING for 30 h (older than 24 h)"_s.arg(old)),
             dry.out.constData());
    QVERIFY2(out.contains(u"would end  %1  local  ERROR for 40 h (older than 24 h)"_s.arg(broken)),
             dry.out.constData());
    QVERIFY(!out.contains(young));
    QVERIFY(!out.contains(u"ended"_s));
    QVERIFY(dry.err.contains("Cleanup would end 2 sandboxes older than 24 h"));
    QCOMPARE(statusOf(old), u"RUNNING"_s);
    QCOMPARE(statusOf(broken), u"ERROR"_s);

    // The same as JSON, with the young one kept and why.
    const Outcome json = squadctl({u"cleanup"_s, u"--dry-run"_s, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject report = json.json().object();
    QCOMPARE(report.value(u"dry_run"_s).toBool(), true);
    QCOMPARE(report.value(u"max_age_seconds"_s).toInteger(), 24 * 3600);
    QStringList planned;
    for (const QJsonValue &candidate : report.value(u"candidates"_s).toArray()) {
        planned << candidate[u"id"_s].toString();
        QCOMPARE(candidate[u"result"_s].toString(), u"planned"_s);
    }
    planned.sort();
    QStringList expected{old, broken};
    expected.sort();
    QCOMPARE(planned, expected);
    const QJsonArray kept = report.value(u"kept"_s).toArray();
    QVERIFY(std::any_of(kept.begin(), kept.end(), [&](const QJsonValue &k) {
        return k[u"id"_s].toString() == young
               && k[u"reason"_s].toString().contains(u"not older than 24 h"_s);
    }));
    QCOMPARE(statusOf(old), u"RUNNING"_s);
}

void tst_SquadctlCleanup::cleanupEndsOldSandboxesOnly()
{
    const QString old = createAged(30);
    const QString young = createAged(2);
    const QString broken = createAged(40);
    QVERIFY(!old.isEmpty() && !young.isEmpty() && !broken.isEmpty());
    age(broken, 40, SandboxStatus::Error);

    const Outcome done = squadctl({u"cleanup"_s});
    QCOMPARE(done.exitCode, 0);
    const QString out = QString::fromUtf8(done.out);
    QVERIFY2(out.contains(u"candidate  %1  local  RUNNING for 30 h"_s.arg(old)), done.out.constData());
    QVERIFY2(out.contains(u"ended      %1"_s.arg(old)), done.out.constData());
    QVERIFY2(out.contains(u"ended      %1"_s.arg(broken)), done.out.constData());
    QVERIFY(!out.contains(young));
    QVERIFY(done.err.contains("Cleanup ended 2 sandboxes older than 24 h"));
    QCOMPARE(statusOf(old), u"TERMINATED"_s);
    QCOMPARE(statusOf(broken), u"TERMINATED"_s);
    QCOMPARE(statusOf(young), u"RUNNING"_s);

    // One "cleanup" audit row, and each termination audited as such.
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--target"_s, u"cleanup"_s});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY2(audit.out.contains("Cleanup ended 2 sandboxes"), audit.out.constData());
    const Outcome oldAudit = squadctl({u"audit"_s, u"list"_s, u"--target"_s, old});
    QVERIFY(oldAudit.out.contains("sandbox.terminate"));

    // Again: nothing left; the young one still runs.
    const Outcome again = squadctl({u"cleanup"_s});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.isEmpty());
    QVERIFY(again.err.contains("Cleanup found no sandbox older than 24 h to end"));
    QCOMPARE(statusOf(young), u"RUNNING"_s);
}

void tst_SquadctlCleanup::olderThanAndTheEnvironmentSetTheAge()
{
    const QString twoHours = createAged(2);
    const QString thirtyHours = createAged(30);
    QVERIFY(!twoHours.isEmpty() && !thirtyHours.isEmpty());

    // SANDBOX_CLEANUP_AGE_HOURS=48: neither is old enough.
    const Outcome env = squadctl({u"cleanup"_s, u"--dry-run"_s, u"--json"_s},
                                 {{u"SANDBOX_CLEANUP_AGE_HOURS"_s, u"48"_s}});
    QCOMPARE(env.exitCode, 0);
    QCOMPARE(env.json().object().value(u"max_age_seconds"_s).toInteger(), 48 * 3600);
    QVERIFY(env.json().object().value(u"candidates"_s).toArray().isEmpty());

    // --older-than wins over the environment: 90 minutes takes both.
    const Outcome shorter = squadctl({u"cleanup"_s, u"--older-than"_s, u"90m"_s, u"--json"_s},
                                     {{u"SANDBOX_CLEANUP_AGE_HOURS"_s, u"48"_s}});
    QCOMPARE(shorter.exitCode, 0);
    const QJsonObject report = shorter.json().object();
    QCOMPARE(report.value(u"max_age_seconds"_s).toInteger(), 90 * 60);
    QCOMPARE(report.value(u"ended"_s).toInt(), 2);
    for (const QJsonValue &candidate : report.value(u"candidates"_s).toArray()) {
        QCOMPARE(candidate[u"result"_s].toString(), u"ended"_s);
        QVERIFY(candidate[u"reason"_s].toString().contains(u"(older than 90 min)"_s));
    }
    QCOMPARE(statusOf(twoHours), u"TERMINATED"_s);
    QCOMPARE(statusOf(thirtyHours), u"TERMINATED"_s);
}

void tst_SquadctlCleanup::sandboxesOfARunInProgressSurvive()
{
    const WorkflowStore runs(*m_db);
    const QDateTime longAgo = QDateTime::currentDateTimeUtc().addDays(-3);
    const auto makeRun = [&](WorkflowRunState state) {
        WorkflowRun run;
        run.id = newId();
        run.state = state;
        run.createdAt = run.updatedAt = longAgo;
        for (int i = 0; i < WorkflowStepCount; ++i)
            run.steps[size_t(i)].kind = WorkflowStepKind(i);
        return run;
    };
    // Run by this test process, alive on this machine; untouched for three days even so.
    WorkflowRun live = makeRun(WorkflowRunState::Waiting);
    live.runnerPid = QCoreApplication::applicationPid();
    live.runnerHost = hostName();
    const WorkflowRun aborted = makeRun(WorkflowRunState::Aborted);
    QVERIFY_RESULT(runs.insert(live));
    QVERIFY_RESULT(runs.insert(aborted));
    const QString ofLive = createAged(60, live.id);
    const QString ofAborted = createAged(60, aborted.id);
    QVERIFY(!ofLive.isEmpty() && !ofAborted.isEmpty());

    const Outcome done = squadctl({u"cleanup"_s});
    QCOMPARE(done.exitCode, 0);
    QVERIFY2(done.out.contains(
                 u"sandbox of aborted workflow run %1"_s.arg(aborted.id).toUtf8()),
             done.out.constData());
    QVERIFY(!done.out.contains(ofLive.toUtf8()));
    QCOMPARE(statusOf(ofAborted), u"TERMINATED"_s);
    QCOMPARE(statusOf(ofLive), u"RUNNING"_s);
}

void tst_SquadctlCleanup::aFailedTerminationExitsOne()
{
    const QString old = createAged(30);
    QVERIFY(!old.isEmpty());
    // An E2B row with no E2B key here: it cannot be ended, the local one still is.
    SandboxRecord e2bRow;
    e2bRow.id = newId();
    e2bRow.provider = u"e2b"_s;
    e2bRow.providerId = u"ie2bsandbox01"_s;
    e2bRow.templateId = u"base"_s;
    e2bRow.status = SandboxStatus::Running;
    e2bRow.metadata = u"{}"_s;
    e2bRow.createdAt = e2bRow.updatedAt = QDateTime::currentDateTimeUtc().addSecs(-50 * 3600);
    QVERIFY_RESULT(SandboxStore(*m_db).insert(e2bRow));

    const Outcome done = squadctl({u"cleanup"_s});
    QCOMPARE(done.exitCode, 1);
    QVERIFY2(done.out.contains(u"FAILED     %1"_s.arg(e2bRow.id).toUtf8()), done.out.constData());
    QVERIFY(done.err.contains("Cleanup ended 1 sandbox older than 24 h; 1 could not be ended"));
    QCOMPARE(statusOf(old), u"TERMINATED"_s);
    QCOMPARE(statusOf(e2bRow.id), u"RUNNING"_s);
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--target"_s, u"cleanup"_s, u"--json"_s});
    QCOMPARE(audit.json().array().first()[u"outcome"_s].toString(), u"failed"_s);
}

QTEST_GUILESS_MAIN(tst_SquadctlCleanup)
#include "tst_squadctlcleanup.moc"
