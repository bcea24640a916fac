// SPDX-License-Identifier: MIT
// squadctl as scripts use it: a real process, its exit codes, its stdout and stderr.
#include "testsupport.h"

#include "core/ids.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "store/sandboxstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;

using Outcome = squad::test::ProcessOutcome;

class tst_Squadctl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void versionAndHelp();
    void usageErrors_data();
    void usageErrors();
    void createListGetRoundTrip();
    void createWithTaskAndAgent();
    void listShowsTheCostEstimate();
    void badCreateInputWritesNothing_data();
    void badCreateInputWritesNothing();
    void execStreamsAndReturnsExitCode();
    void execTimeoutAndMissingCommand();
    void terminateCases();
    void terminateBatchWithUnknownIdChangesNothing();
    void auditListShowsEveryChange();
    void malformedDbUrlIsAUsageError();
    void unwritableDataFolderFails();

private:
    Outcome squadctl(const QStringList &arguments, bool withDb = true);
    int sandboxCount();
    QString createSandbox();

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<QTemporaryDir> m_dataDir;
};

void tst_Squadctl::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
}

void tst_Squadctl::cleanup()
{
    m_dataDir.reset();
    m_scratch.reset();
}

Outcome tst_Squadctl::squadctl(const QStringList &arguments, bool withDb)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_dataDir->path());
    env.remove(u"SQUAD_DB"_s);
    // Local sandboxes only: an E2B key in the environment or in the session's keychain (other
    // tests store one) would make E2B the default provider.
    env.remove(u"E2B_API_KEY"_s);
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    // Global options go first: everything after "--" in exec belongs to the command.
    QStringList args = arguments;
    if (withDb)
        args = QStringList{u"--db"_s, m_scratch->text()} + args;
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH), args, env);
}

int tst_Squadctl::sandboxCount()
{
    const Outcome listed = squadctl({u"sandboxes"_s, u"list"_s, u"--json"_s});
    return listed.exitCode == 0 ? int(listed.json().array().size()) : -1;
}

QString tst_Squadctl::createSandbox()
{
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--json"_s});
    if (created.exitCode != 0)
        return {};
    return created.json().object().value(u"id"_s).toString();
}

void tst_Squadctl::versionAndHelp()
{
    const Outcome version = squadctl({u"--version"_s}, false);
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("squadctl " SQUAD_VERSION));

    const Outcome help = squadctl({u"--help"_s}, false);
    QCOMPARE(help.exitCode, 0);
    for (const char *word : {"sandboxes list", "sandboxes create", "sandboxes exec",
                             "sandboxes terminate", "audit list", "--db"})
        QVERIFY2(help.out.contains(word), word);

    const Outcome verbHelp = squadctl({u"sandboxes"_s, u"exec"_s, u"--help"_s}, false);
    QCOMPARE(verbHelp.exitCode, 0);
    QVERIFY(verbHelp.out.contains("--timeout"));
}

void tst_Squadctl::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("nothing") << QStringList() << QByteArray("Usage");
    QTest::newRow("unknown command") << QStringList{u"boxes"_s, u"list"_s}
                                     << QByteArray("unknown command");
    QTest::newRow("missing verb") << QStringList{u"sandboxes"_s} << QByteArray("subcommand");
    QTest::newRow("unknown flag") << QStringList{u"sandboxes"_s, u"list"_s, u"--colour"_s}
                                  << QByteArray("colour");
    QTest::newRow("bad status") << QStringList{u"sandboxes"_s, u"list"_s, u"--status"_s,
                                               u"sleeping"_s}
                                << QByteArray("unknown status");
    QTest::newRow("get without id") << QStringList{u"sandboxes"_s, u"get"_s}
                                    << QByteArray("needs a sandbox id");
    QTest::newRow("get malformed id") << QStringList{u"sandboxes"_s, u"get"_s, u"12"_s}
                                      << QByteArray("not a valid sandbox id");
    QTest::newRow("terminate malformed") << QStringList{u"sandboxes"_s, u"terminate"_s, u"zz"_s}
                                         << QByteArray("not a valid sandbox id");
    QTest::newRow("exec without command")
        << QStringList{u"sandboxes"_s, u"exec"_s, u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s}
        << QByteArray("needs a command");
    QTest::newRow("exec bad timeout")
        << QStringList{u"sandboxes"_s, u"exec"_s, u"--timeout"_s, u"soon"_s,
                       u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s, u"--"_s, u"true"_s}
        << QByteArray("--timeout");
    QTest::newRow("audit bad limit") << QStringList{u"audit"_s, u"list"_s, u"--limit"_s, u"-1"_s}
                                     << QByteArray("--limit");
    QTest::newRow("extra word") << QStringList{u"sandboxes"_s, u"list"_s, u"everything"_s}
                                << QByteArray("unexpected argument");
}

void tst_Squadctl::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Outcome outcome = squadctl(arguments);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains(message), outcome.err.constData());
    QVERIFY(outcome.out.isEmpty());
    // A usage error does not even create the database file.
    if (!ScratchDatabase::backendIsPostgres())
        QVERIFY(!QFile::exists(m_scratch->text()));
}

void tst_Squadctl::createListGetRoundTrip()
{
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s,
                                      u"--repo"_s, u"https://github.com/acme/widgets.git"_s,
                                      u"--json"_s});
    QCOMPARE(created.exitCode, 0);
    const QJsonObject sandbox = created.json().object();
    QCOMPARE(sandbox.value(u"status"_s).toString(), u"RUNNING"_s);
    QCOMPARE(sandbox.value(u"provider"_s).toString(), u"local"_s);
    QCOMPARE(sandbox.value(u"repo_url"_s).toString(), u"https://github.com/acme/widgets.git"_s);
    const QString id = sandbox.value(u"id"_s).toString();
    QVERIFY(QDir(m_dataDir->filePath(u"sandboxes/"_s + id)).exists());

    const Outcome listed = squadctl({u"sandboxes"_s, u"list"_s, u"--json"_s});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY(listed.json().isArray());
    QCOMPARE(listed.json().array().size(), 1);
    QJsonObject listedSandbox = listed.json().array().first().toObject();
    // The list adds the cost estimate: a local sandbox costs nothing.
    QVERIFY(listedSandbox.value(u"cost_usd"_s).isDouble());
    QCOMPARE(listedSandbox.value(u"cost_usd"_s).toDouble(), 0.0);
    listedSandbox.remove(u"cost_usd"_s);
    QCOMPARE(listedSandbox, sandbox);

    const Outcome running = squadctl({u"sandboxes"_s, u"list"_s, u"--status"_s, u"running"_s,
                                      u"--json"_s});
    QCOMPARE(running.json().array().size(), 1);
    const Outcome errored = squadctl({u"sandboxes"_s, u"list"_s, u"--status"_s, u"ERROR"_s,
                                      u"--json"_s});
    QCOMPARE(errored.exitCode, 0);
    QCOMPARE(errored.json().array().size(), 0);
    QCOMPARE(errored.out.trimmed(), QByteArray("[]"));

    const Outcome table = squadctl({u"sandboxes"_s, u"list"_s});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.contains(id.toUtf8()));
    QVERIFY(table.out.contains("RUNNING"));

    const Outcome got = squadctl({u"sandboxes"_s, u"get"_s, id.toUpper(), u"--json"_s});
    QCOMPARE(got.exitCode, 0);
    QCOMPARE(got.json().object().value(u"id"_s).toString(), id);
    const Outcome text = squadctl({u"sandboxes"_s, u"get"_s, id});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("status:"));

    const Outcome missing = squadctl({u"sandboxes"_s, u"get"_s,
                                      u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("No sandbox with id"));
    QVERIFY(missing.out.isEmpty());
}

void tst_Squadctl::listShowsTheCostEstimate()
{
    // Rows as a provider left them: ended, so their cost no longer moves.
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(1795000000000, QTimeZone::utc());
    SandboxRecord known;
    known.id = squad::newId();
    known.providerId = u"sbx-known"_s;
    known.provider = u"e2b"_s;
    known.templateId = u"base"_s;
    known.status = SandboxStatus::Terminated;
    known.cpuCount = 2;
    known.memoryMb = 1024;
    known.createdAt = known.updatedAt = known.startedAt = start;
    known.endedAt = start.addSecs(3600);
    known.pausedSeconds = 600;  // not billed
    SandboxRecord unknown = known;
    unknown.id = squad::newId();
    unknown.providerId = u"sbx-unknown"_s;
    unknown.memoryMb = 0;
    {
        auto location = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder());
        QVERIFY_RESULT(location);
        auto db = Database::open(*location);
        QVERIFY_RESULT(db);
        const SandboxStore store(**db);
        QVERIFY_RESULT(store.insert(known));
        QVERIFY_RESULT(store.insert(unknown));
    }

    const Outcome listed = squadctl({u"sandboxes"_s, u"list"_s, u"--json"_s});
    QCOMPARE(listed.exitCode, 0);
    QHash<QString, QJsonValue> costs;
    for (const QJsonValue &row : listed.json().array())
        costs.insert(row[u"id"_s].toString(), row[u"cost_usd"_s]);
    QCOMPARE(costs.size(), 2);
    // 3000 billed seconds × (2 × $0.000014 + 1 GiB × $0.0000045) = $0.0975.
    QVERIFY2(qAbs(costs.value(known.id).toDouble() - 0.0975) < 1e-6,
             qPrintable(QString::number(costs.value(known.id).toDouble())));
    QVERIFY(costs.value(unknown.id).isNull());

    const Outcome table = squadctl({u"sandboxes"_s, u"list"_s});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.contains("COST"));
    QVERIFY2(table.out.contains("$0.0975"), table.out.constData());
    QVERIFY(table.out.contains("—"));
}

void tst_Squadctl::createWithTaskAndAgent()
{
    const Outcome agent = squadctl({u"agents"_s, u"create"_s, u"--name"_s, u"claude"_s,
                                    u"--json"_s});
    QCOMPARE(agent.exitCode, 0);
    const QString agentId = agent.json().object().value(u"id"_s).toString();
    const Outcome task = squadctl({u"tasks"_s, u"create"_s, u"--title"_s, u"fix CI"_s,
                                   u"--agent"_s, agentId, u"--json"_s});
    QCOMPARE(task.exitCode, 0);
    const QString taskId = task.json().object().value(u"id"_s).toString();
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--task"_s, taskId,
                                      u"--agent"_s, agentId, u"--json"_s});
    QCOMPARE(created.exitCode, 0);
    QCOMPARE(created.json().object().value(u"task_id"_s).toString(), taskId);
    QCOMPARE(created.json().object().value(u"agent_id"_s).toString(), agentId);

    const Outcome ofTask = squadctl({u"sandboxes"_s, u"list"_s, u"--task"_s, taskId, u"--json"_s});
    QCOMPARE(ofTask.json().array().size(), 1);
}

void tst_Squadctl::badCreateInputWritesNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("malformed task") << QStringList{u"--task"_s, u"7"_s} << 2
                                    << QByteArray("not a valid task id");
    QTest::newRow("unknown task") << QStringList{u"--task"_s,
                                                 u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s}
                                  << 1 << QByteArray("No task with id");
    QTest::newRow("credentials in repo")
        << QStringList{u"--repo"_s, u"https://me:hunter2@github.com/a/b"_s} << 2
        << QByteArray("must not contain credentials");
    QTest::newRow("bad template") << QStringList{u"--template"_s, u"a b"_s} << 2
                                  << QByteArray("not a valid template id");
    QTest::newRow("unknown provider") << QStringList{u"--provider"_s, u"moon"_s} << 2
                                      << QByteArray("Unknown sandbox provider");
}

void tst_Squadctl::badCreateInputWritesNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const Outcome outcome = squadctl(QStringList{u"sandboxes"_s, u"create"_s} + arguments);
    QCOMPARE(outcome.exitCode, exitCode);
    QVERIFY2(outcome.err.contains(message), outcome.err.constData());
    QVERIFY(!outcome.err.contains("hunter2"));
    QCOMPARE(sandboxCount(), 0);
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--json"_s});
    QCOMPARE(audit.json().array().size(), 0);
}

void tst_Squadctl::execStreamsAndReturnsExitCode()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    const Outcome ran = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"sh"_s, u"-c"_s,
                                  u"echo out; echo err >&2; pwd; exit 7"_s});
    QCOMPARE(ran.exitCode, 7);
    QVERIFY(ran.out.startsWith("out\n"));
    QVERIFY(ran.out.contains(QByteArray(id.toUtf8() + "/home")));
    QCOMPARE(ran.err, QByteArray("err\n"));

    const Outcome shell = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--shell"_s, u"--env"_s,
                                    u"GREETING=hi"_s, u"--"_s, u"echo $GREETING | tr a-z A-Z"_s});
    QCOMPARE(shell.exitCode, 0);
    QCOMPARE(shell.out, QByteArray("HI\n"));

    const Outcome escape = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s, u"../.."_s,
                                     u"--"_s, u"pwd"_s});
    QCOMPARE(escape.exitCode, 1);
    QVERIFY(escape.out.isEmpty());
    QVERIFY(!escape.err.isEmpty());
}

void tst_Squadctl::execTimeoutAndMissingCommand()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    const Outcome slow = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--timeout"_s, u"0.3"_s,
                                   u"--"_s, u"sleep"_s, u"30"_s});
    QCOMPARE(slow.exitCode, 124);
    QVERIFY(slow.err.contains("timed out"));

    const Outcome missing = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--"_s,
                                      u"no-such-program-xyz"_s});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("no-such-program-xyz"), missing.err.constData());
}

void tst_Squadctl::terminateCases()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    const Outcome ended = squadctl({u"sandboxes"_s, u"terminate"_s, id});
    QCOMPARE(ended.exitCode, 0);
    QVERIFY(ended.out.contains("terminated"));
    QVERIFY(!QDir(m_dataDir->filePath(u"sandboxes/"_s + id)).exists());
    const Outcome got = squadctl({u"sandboxes"_s, u"get"_s, id, u"--json"_s});
    QCOMPARE(got.json().object().value(u"status"_s).toString(), u"TERMINATED"_s);
    QVERIFY(!got.json().object().value(u"ended_at"_s).isNull());

    const Outcome again = squadctl({u"sandboxes"_s, u"terminate"_s, id, u"--json"_s});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json().array().first().toObject().value(u"result"_s).toString(),
             u"already_terminated"_s);

    const Outcome exec = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"true"_s});
    QCOMPARE(exec.exitCode, 1);
    QVERIFY(exec.err.contains("not running"));

    // Gone behind our back: the folder was removed, terminate still closes the row.
    const QString second = createSandbox();
    QVERIFY(QDir(m_dataDir->filePath(u"sandboxes/"_s + second)).removeRecursively());
    const Outcome gone = squadctl({u"sandboxes"_s, u"terminate"_s, second, u"--json"_s});
    QCOMPARE(gone.exitCode, 0);
    QCOMPARE(gone.json().array().first().toObject().value(u"result"_s).toString(),
             u"gone_at_provider"_s);
}

void tst_Squadctl::terminateBatchWithUnknownIdChangesNothing()
{
    const QString a = createSandbox();
    const QString b = createSandbox();
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    const Outcome refused = squadctl({u"sandboxes"_s, u"terminate"_s, a,
                                      u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s, b});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains("No sandbox with id"));
    const Outcome running = squadctl({u"sandboxes"_s, u"list"_s, u"--status"_s, u"running"_s,
                                      u"--json"_s});
    QCOMPARE(running.json().array().size(), 2);

    const Outcome both = squadctl({u"sandboxes"_s, u"terminate"_s, a, b, u"--json"_s});
    QCOMPARE(both.exitCode, 0);
    const QJsonArray results = both.json().array();
    QCOMPARE(results.size(), 2);
    QCOMPARE(results.at(0).toObject().value(u"id"_s).toString(), a);
    QCOMPARE(results.at(1).toObject().value(u"result"_s).toString(), u"terminated"_s);
}

void tst_Squadctl::auditListShowsEveryChange()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    QCOMPARE(squadctl({u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"true"_s}).exitCode, 0);
    QCOMPARE(squadctl({u"sandboxes"_s, u"terminate"_s, id}).exitCode, 0);
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--target"_s, id, u"--json"_s});
    QCOMPARE(audit.exitCode, 0);
    const QJsonArray entries = audit.json().array();
    QStringList actions;
    for (const QJsonValue &entry : entries) {
        const QJsonObject o = entry.toObject();
        actions << o.value(u"action"_s).toString() + u':' + o.value(u"outcome"_s).toString();
        QVERIFY(!o.value(u"actor"_s).toString().isEmpty());
        QVERIFY(!o.value(u"at"_s).toString().isEmpty());
    }
    QCOMPARE(actions, (QStringList{u"sandbox.terminate:ok"_s, u"sandbox.exec:ok"_s,
                                   u"sandbox.create:ok"_s, u"sandbox.create:started"_s}));
    const Outcome limited = squadctl({u"audit"_s, u"list"_s, u"--limit"_s, u"1"_s, u"--json"_s});
    QCOMPARE(limited.json().array().size(), 1);
}

void tst_Squadctl::malformedDbUrlIsAUsageError()
{
    const Outcome outcome = squadctl({u"sandboxes"_s, u"list"_s, u"--db"_s,
                                      u"postgresql://ops:pw-secret@db.example:notaport/x"_s},
                                     false);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains("Malformed database URL"), outcome.err.constData());
    QVERIFY(!outcome.err.contains("pw-secret"));
    const Outcome mysql = squadctl({u"--db"_s, u"mysql://u@h/db"_s, u"sandboxes"_s, u"list"_s},
                                   false);
    QCOMPARE(mysql.exitCode, 2);
    QVERIFY(mysql.err.contains("unsupported scheme"));
}

void tst_Squadctl::unwritableDataFolderFails()
{
    const QString file = m_dataDir->filePath(u"a-file"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    const Outcome outcome = squadctl({u"sandboxes"_s, u"create"_s, u"--data-dir"_s,
                                      file + u"/data"_s});
    QCOMPARE(outcome.exitCode, 1);
    QVERIFY2(outcome.err.contains("data folder"), outcome.err.constData());
    QVERIFY2(outcome.err.contains(file.toUtf8()), outcome.err.constData());
    QCOMPARE(sandboxCount(), 0);
}

QTEST_GUILESS_MAIN(tst_Squadctl)
#include "tst_squadctl.moc"
