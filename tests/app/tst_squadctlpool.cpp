// SPDX-License-Identifier: MIT
// squadctl pool as scripts run it: a real process over local sandboxes: fill, status, drain,
// SANDBOX_POOL_SIZE, the exit codes, and what is left running afterwards.
#include "testsupport.h"

#include "ops/poolmarker.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "store/sandboxstore.h"

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

class tst_SquadctlPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void badInputIsAUsageError_data();
    void badInputIsAUsageError();
    void fillStatusDrain();
    void environmentSizesTheDefaultPool();

private:
    Outcome squadctl(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {});
    int liveCount();

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<Database> m_db;
};

void tst_SquadctlPool::init()
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

void tst_SquadctlPool::cleanup()
{
    m_db.reset();
    m_dataDir.reset();
    m_scratch.reset();
}

Outcome tst_SquadctlPool::squadctl(const QStringList &arguments, const QMap<QString, QString> &extraEnv)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_dataDir->path());
    // The console's settings (pool/size) from an empty folder: no pool configured.
    env.insert(u"XDG_CONFIG_HOME"_s, m_dataDir->filePath(u"config"_s));
    env.remove(u"SQUAD_DB"_s);
    env.remove(u"E2B_API_KEY"_s);
    env.remove(u"SANDBOX_POOL_SIZE"_s);
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH),
                                   QStringList{u"--db"_s, m_scratch->text()} + arguments, env);
}

int tst_SquadctlPool::liveCount()
{
    auto rows = SandboxStore(*m_db).list({SandboxStatus::Running, {}, 0, true});
    return rows ? int(rows->size()) : -1;
}

void tst_SquadctlPool::badInputIsAUsageError_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("size not a number") << QStringList{u"pool"_s, u"fill"_s, u"--size"_s, u"many"_s};
    QTest::newRow("size too big") << QStringList{u"pool"_s, u"fill"_s, u"--size"_s, u"1000"_s};
    QTest::newRow("bad template") << QStringList{u"pool"_s, u"fill"_s, u"--template"_s, u"no good!"_s,
                                                 u"--size"_s, u"1"_s};
    QTest::newRow("unknown verb") << QStringList{u"pool"_s, u"flush"_s};
    QTest::newRow("extra argument") << QStringList{u"pool"_s, u"drain"_s, u"now"_s};
}

void tst_SquadctlPool::badInputIsAUsageError()
{
    QFETCH(QStringList, arguments);
    const Outcome ran = squadctl(arguments);
    QCOMPARE(ran.exitCode, 2);
    QVERIFY(!ran.err.isEmpty());
    QCOMPARE(liveCount(), 0);
}

void tst_SquadctlPool::fillStatusDrain()
{
    const Outcome empty = squadctl({u"pool"_s, u"status"_s, u"--json"_s});
    QCOMPARE(empty.exitCode, 0);
    QVERIFY(empty.json().object().value(u"pools"_s).toArray().isEmpty());

    const Outcome filled = squadctl({u"pool"_s, u"fill"_s, u"--size"_s, u"2"_s, u"--json"_s});
    QVERIFY2(filled.exitCode == 0, filled.err.constData());
    const QJsonArray created = filled.json().object().value(u"created"_s).toArray();
    QCOMPARE(created.size(), 2);
    QCOMPARE(liveCount(), 2);
    for (const QJsonValue &id : created) {
        auto row = SandboxStore(*m_db).get(id.toString());
        QVERIFY_RESULT(row);
        QVERIFY(isPooledSandbox(*row));
        QCOMPARE(row->provider, u"local"_s);
    }

    const Outcome status = squadctl({u"pool"_s, u"status"_s, u"--json"_s});
    QCOMPARE(status.exitCode, 0);
    const QJsonArray pools = status.json().object().value(u"pools"_s).toArray();
    QCOMPARE(pools.size(), 1);
    QCOMPARE(pools.first()[u"template"_s].toString(), u"base"_s);
    QCOMPARE(pools.first()[u"ready"_s].toInt(), 2);
    const Outcome text = squadctl({u"pool"_s, u"status"_s});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("TEMPLATE"));
    QVERIFY(text.out.contains("base"));

    // An ordinary sandbox is no part of the pool: a drain leaves it.
    const Outcome ordinary = squadctl({u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s,
                                       u"--json"_s});
    QCOMPARE(ordinary.exitCode, 0);
    const QString ordinaryId = ordinary.json().object().value(u"id"_s).toString();

    const Outcome drained = squadctl({u"pool"_s, u"drain"_s, u"--json"_s});
    QVERIFY2(drained.exitCode == 0, drained.err.constData());
    QCOMPARE(drained.json().object().value(u"ended"_s).toArray().size(), 2);
    QCOMPARE(liveCount(), 1);
    QCOMPARE(SandboxStore(*m_db).get(ordinaryId)->status, SandboxStatus::Running);
    const Outcome after = squadctl({u"pool"_s, u"drain"_s});
    QCOMPARE(after.exitCode, 0);
    QVERIFY(after.err.contains("nothing to do"));
}

void tst_SquadctlPool::environmentSizesTheDefaultPool()
{
    const Outcome filled = squadctl({u"pool"_s, u"fill"_s}, {{u"SANDBOX_POOL_SIZE"_s, u"1"_s}});
    QVERIFY2(filled.exitCode == 0, filled.err.constData());
    QCOMPARE(liveCount(), 1);
    // Without it (and no setting) there is no pool to fill.
    const Outcome none = squadctl({u"pool"_s, u"fill"_s});
    QCOMPARE(none.exitCode, 0);
    QCOMPARE(liveCount(), 1);
    const Outcome drained = squadctl({u"pool"_s, u"drain"_s, u"--template"_s, u"base"_s});
    QCOMPARE(drained.exitCode, 0);
    QCOMPARE(liveCount(), 0);
}

QTEST_GUILESS_MAIN(tst_SquadctlPool)
#include "tst_squadctlpool.moc"
