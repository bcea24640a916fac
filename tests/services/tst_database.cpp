// SPDX-License-Identifier: MIT
// The store's schema and migrations, run once on SQLite and once on a real PostgreSQL server.
#include "testsupport.h"

#include "core/ids.h"
#include "core/timestamp.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sandboxstore.h"
#include "store/taskstore.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;

class tst_Database : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void freshDatabaseIsMigratedAndRecorded();
    void reopeningRunsNothingTwice();
    void schemaHasEveryColumnAndIndex();
    void deletingTaskOrAgentNullsTheSandboxReference();
    void statusIsConstrained();
    void newerSchemaIsRefusedUntouched();
    void failedMigrationLeavesNothingBehind();
    void sandboxRowRoundTrips();
    void vcpuCountsBeyondTheRecordReadAsItsLargest();
    void upgradingFromVersionOneKeepsRows();
    void upgradingFromVersionThreeAddsPausedTime();
    void auditLogAppendsAndRedacts();

private:
    Result<std::unique_ptr<Database>> openScratch();
    QStringList columnsOf(Database &db, const QString &table);
    QStringList indexesOf(Database &db, const QString &table);

    std::unique_ptr<ScratchDatabase> m_scratch;
};

void tst_Database::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
}

void tst_Database::cleanup()
{
    m_scratch.reset();
}

// A plain Qt connection that bypasses Database (which would migrate on open).
static QSqlDatabase rawConnection(const DatabaseLocation &location, const QString &name)
{
    const bool postgres = location.kind == DatabaseLocation::Kind::Postgres;
    QSqlDatabase raw = QSqlDatabase::addDatabase(postgres ? u"QPSQL"_s : u"QSQLITE"_s, name);
    if (postgres) {
        raw.setHostName(location.host);
        raw.setPort(location.port);
        raw.setUserName(location.user);
        raw.setDatabaseName(location.databaseName);
    } else {
        raw.setDatabaseName(location.sqlitePath);
    }
    return raw;
}

Result<std::unique_ptr<Database>> tst_Database::openScratch()
{
    return DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
        .and_then([](const DatabaseLocation &location) { return Database::open(location); });
}

QStringList tst_Database::columnsOf(Database &db, const QString &table)
{
    QStringList names;
    const QSqlRecord record = db.connection().record(table);
    for (int i = 0; i < record.count(); ++i)
        names << record.fieldName(i);
    return names;
}

QStringList tst_Database::indexesOf(Database &db, const QString &table)
{
    const QString sql = db.isPostgres()
        ? u"SELECT indexname FROM pg_indexes WHERE tablename = ?"_s
        : u"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"_s;
    QStringList names;
    auto query = db.exec(sql, {table});
    if (query) {
        while (query->next())
            names << query->value(0).toString();
    }
    return names;
}

void tst_Database::freshDatabaseIsMigratedAndRecorded()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    auto version = (*db)->schemaVersion();
    QVERIFY_RESULT(version);
    QCOMPARE(*version, Database::latestSchemaVersion());

    auto rows = (*db)->exec(u"SELECT version, name, applied_at FROM schema_migrations ORDER BY version"_s);
    QVERIFY_RESULT(rows);
    int count = 0;
    while (rows->next()) {
        ++count;
        QCOMPARE(rows->value(0).toInt(), count);
        QVERIFY(!rows->value(1).toString().isEmpty());
        QVERIFY(parseTimestamp(rows->value(2).toString()).isValid());
    }
    QCOMPARE(count, Database::latestSchemaVersion());

    if (!(*db)->isPostgres()) {
        auto mode = (*db)->exec(u"PRAGMA journal_mode"_s);
        QVERIFY_RESULT(mode);
        QVERIFY(mode->next());
        QCOMPARE(mode->value(0).toString(), u"wal"_s);
        auto keys = (*db)->exec(u"PRAGMA foreign_keys"_s);
        QVERIFY_RESULT(keys);
        QVERIFY(keys->next());
        QCOMPARE(keys->value(0).toInt(), 1);
    }
}

void tst_Database::reopeningRunsNothingTwice()
{
    {
        auto first = openScratch();
        QVERIFY_RESULT(first);
    }
    auto second = openScratch();
    QVERIFY_RESULT(second);
    auto rows = (*second)->exec(u"SELECT COUNT(*) FROM schema_migrations"_s);
    QVERIFY_RESULT(rows);
    QVERIFY(rows->next());
    QCOMPARE(rows->value(0).toInt(), Database::latestSchemaVersion());
}

void tst_Database::schemaHasEveryColumnAndIndex()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    const QStringList sandboxColumns = columnsOf(**db, u"sandboxes"_s);
    for (const QString &column :
         {u"id"_s, u"e2b_id"_s, u"agent_id"_s, u"task_id"_s, u"repo_url"_s, u"status"_s,
          u"last_used_at"_s, u"created_at"_s, u"updated_at"_s, u"provider"_s, u"template_id"_s,
          u"cpu_count"_s, u"memory_mb"_s, u"metadata"_s, u"ended_at"_s, u"status_detail"_s,
          u"provider_state"_s, u"disk_mb"_s, u"started_at"_s, u"ends_at"_s,
          u"paused_seconds"_s, u"paused_at"_s}) {
        QVERIFY2(sandboxColumns.contains(column), qPrintable(column));
    }
    const QStringList auditColumns = columnsOf(**db, u"audit_log"_s);
    for (const QString &column :
         {u"at"_s, u"actor"_s, u"action"_s, u"target"_s, u"outcome"_s, u"detail"_s}) {
        QVERIFY2(auditColumns.contains(column), qPrintable(column));
    }
    QVERIFY(columnsOf(**db, u"agents"_s).contains(u"name"_s));
    QVERIFY(columnsOf(**db, u"tasks"_s).contains(u"title"_s));

    const QStringList indexes = indexesOf(**db, u"sandboxes"_s);
    for (const QString &index : {u"ix_sandboxes_e2b_id"_s, u"ix_sandboxes_task_id"_s,
                                 u"ix_sandboxes_status"_s}) {
        QVERIFY2(indexes.contains(index), qPrintable(indexes.join(u", "_s)));
    }
}

void tst_Database::deletingTaskOrAgentNullsTheSandboxReference()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    const TaskStore tasks(**db);
    auto agent = tasks.createAgent(u"claude"_s);
    QVERIFY_RESULT(agent);
    auto task = tasks.createTask(u"fix the flaky test"_s, agent->id);
    QVERIFY_RESULT(task);

    SandboxRecord record;
    record.id = newId();
    record.provider = u"local"_s;
    record.templateId = u"base"_s;
    record.taskId = task->id;
    record.agentId = agent->id;
    record.createdAt = record.updatedAt = nowUtc();
    const SandboxStore store(**db);
    QVERIFY_RESULT(store.insert(record));

    QVERIFY_RESULT(tasks.deleteTask(task->id));
    auto afterTask = store.get(record.id);
    QVERIFY_RESULT(afterTask);
    QVERIFY(afterTask->taskId.isEmpty());
    QCOMPARE(afterTask->agentId, agent->id);

    QVERIFY_RESULT(tasks.deleteAgent(agent->id));
    auto afterAgent = store.get(record.id);
    QVERIFY_RESULT(afterAgent);
    QVERIFY(afterAgent->agentId.isEmpty());

    // A reference to a task that does not exist is refused by the foreign key.
    record.id = newId();
    record.taskId = newId();
    QVERIFY(!store.insert(record));
}

void tst_Database::statusIsConstrained()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    auto bad = (*db)->exec(u"INSERT INTO sandboxes (id, provider, template_id, status, created_at, "
                            "updated_at) VALUES (?, 'local', 'base', 'PAUSED', ?, ?)"_s,
                           {newId(), formatTimestamp(nowUtc()), formatTimestamp(nowUtc())});
    QVERIFY(!bad);
    auto count = SandboxStore(**db).count();
    QVERIFY_RESULT(count);
    QCOMPARE(*count, 0);
}

void tst_Database::newerSchemaIsRefusedUntouched()
{
    {
        auto db = openScratch();
        QVERIFY_RESULT(db);
        QVERIFY_RESULT((*db)->exec(u"INSERT INTO schema_migrations (version, name, applied_at) "
                                    "VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')"_s));
    }
    auto reopened = openScratch();
    QVERIFY_ERROR(reopened, ErrorCode::SchemaTooNew);
    const QString message = reopened.error().message();
    QVERIFY2(message.contains(u"newer"_s), qPrintable(message));
    QVERIFY2(message.contains(u"999"_s), qPrintable(message));
    // The message names the database, without any password.
    auto location = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder());
    QVERIFY_RESULT(location);
    QVERIFY2(message.contains(location->displayName()), qPrintable(message));
}

void tst_Database::failedMigrationLeavesNothingBehind()
{
    // Somebody else's table where migration 1 wants to create one: the migration fails part-way
    // and must roll back everything it did before that point.
    auto location = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder());
    QVERIFY_RESULT(location);
    {
        const QString name = u"raw-"_s + newId();
        {
            QSqlDatabase raw = rawConnection(*location, name);
            QVERIFY(raw.open());
            QSqlQuery query(raw);
            QVERIFY(query.exec(u"CREATE TABLE audit_log (something_else TEXT)"_s));
            raw.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
    auto db = Database::open(*location);
    QVERIFY(!db);
    QVERIFY2(db.error().message().contains(u"nothing was changed"_s),
             qPrintable(db.error().toString()));

    // Check with a plain connection that none of the migration's tables survived.
    const QString name = u"check-"_s + newId();
    {
        QSqlDatabase raw = rawConnection(*location, name);
        QVERIFY(raw.open());
        const QStringList tables = raw.tables();
        QVERIFY2(!tables.contains(u"agents"_s), qPrintable(tables.join(u", "_s)));
        QVERIFY2(!tables.contains(u"sandboxes"_s), qPrintable(tables.join(u", "_s)));
        QVERIFY2(!tables.contains(u"schema_migrations"_s), qPrintable(tables.join(u", "_s)));
        QVERIFY(tables.contains(u"audit_log"_s));
        raw.close();
    }
    QSqlDatabase::removeDatabase(name);
}

// SandboxRecord keeps vCPUs in 15 bits (its memory budget): the largest round-trips, and a
// larger count written by another client reads as that largest, not as its low bits.
void tst_Database::vcpuCountsBeyondTheRecordReadAsItsLargest()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    const SandboxStore store(**db);
    SandboxRecord record;
    record.id = newId();
    record.provider = u"local"_s;
    record.templateId = u"base"_s;
    record.cpuCount = 32767;
    record.memoryMb = 2048;
    record.createdAt = QDateTime::fromMSecsSinceEpoch(1795000000123, QTimeZone::utc());
    record.updatedAt = record.createdAt;
    QVERIFY_RESULT(store.insert(record));
    QCOMPARE(store.get(record.id)->cpuCount, 32767);
    QCOMPARE(store.get(record.id)->memoryMb, 2048);

    QVERIFY_RESULT((*db)->exec(u"UPDATE sandboxes SET cpu_count = 40000 WHERE id = ?"_s, {record.id}));
    auto loaded = store.get(record.id);
    QVERIFY_RESULT(loaded);
    QCOMPARE(int(loaded->cpuCount), 32767);
    QCOMPARE(loaded->memoryMb, 2048);
    QCOMPARE(loaded->status, SandboxStatus::Created);
}

void tst_Database::sandboxRowRoundTrips()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    const SandboxStore store(**db);
    SandboxRecord record;
    record.id = newId();
    record.providerId = u"i7zq0u3v8y1o2p"_s;
    record.provider = u"e2b"_s;
    record.templateId = u"python-3.12"_s;
    record.status = SandboxStatus::Running;
    record.statusDetail = u"détail ✓"_s;
    record.repoUrl = u"https://github.com/acme/widgets.git"_s;
    record.cpuCount = 2;
    record.memoryMb = 512;
    record.metadata = u"{\"team\":\"ops\"}"_s;
    record.createdAt = QDateTime::fromMSecsSinceEpoch(1795000000123, QTimeZone::utc());
    record.updatedAt = record.createdAt.addSecs(5);
    record.lastUsedAt = record.createdAt.addSecs(7);
    record.providerState = ProviderState::Paused;
    record.diskMb = 10240;
    record.startedAt = record.createdAt.addSecs(1);
    record.endsAt = record.createdAt.addSecs(301);
    record.pausedSeconds = 42;
    record.pausedAt = record.createdAt.addSecs(50);
    QVERIFY_RESULT(store.insert(record));

    auto loaded = store.get(record.id);
    QVERIFY_RESULT(loaded);
    QCOMPARE(*loaded, record);

    record.status = SandboxStatus::Terminated;
    record.endedAt = record.createdAt.addSecs(60);
    QVERIFY_RESULT(store.update(record));
    QCOMPARE(*store.get(record.id), record);

    auto running = store.list({SandboxStatus::Running, {}});
    QVERIFY_RESULT(running);
    QVERIFY(running->isEmpty());
    auto counts = store.countByStatus();
    QVERIFY_RESULT(counts);
    QCOMPARE(counts->value(SandboxStatus::Terminated), 1);

    QVERIFY_ERROR(store.get(newId()), ErrorCode::NotFound);
    SandboxRecord ghost = record;
    ghost.id = newId();
    QVERIFY_ERROR(store.update(ghost), ErrorCode::NotFound);
}

void tst_Database::upgradingFromVersionOneKeepsRows()
{
    // A database as version 1 left it: migration 2's columns and migration 3's tables gone, and
    // their records with them.
    auto location = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder());
    QVERIFY_RESULT(location);
    const QString id = newId();
    {
        auto db = Database::open(*location);
        QVERIFY_RESULT(db);
        for (const QString &column : {u"provider_state"_s, u"disk_mb"_s, u"started_at"_s,
                                      u"ends_at"_s, u"paused_seconds"_s, u"paused_at"_s})
            QVERIFY_RESULT((*db)->exec(u"ALTER TABLE sandboxes DROP COLUMN %1"_s.arg(column)));
        QVERIFY_RESULT((*db)->exec(u"DROP TABLE workflow_steps"_s));
        QVERIFY_RESULT((*db)->exec(u"DROP TABLE workflow_runs"_s));
        QVERIFY_RESULT((*db)->exec(u"DELETE FROM schema_migrations WHERE version >= 2"_s));
        QVERIFY_RESULT((*db)->exec(
            u"INSERT INTO sandboxes (id, e2b_id, provider, template_id, status, metadata, created_at, "
            "updated_at) VALUES (?, 'sbx1', 'e2b', 'base', 'RUNNING', '{}', ?, ?)"_s,
            {id, formatTimestamp(nowUtc()), formatTimestamp(nowUtc())}));
        QCOMPARE(*(*db)->schemaVersion(), 1);
    }
    auto db = Database::open(*location);
    QVERIFY_RESULT(db);
    QCOMPARE(*(*db)->schemaVersion(), Database::latestSchemaVersion());
    QVERIFY_RESULT((*db)->exec(u"SELECT COUNT(*) FROM workflow_runs"_s));  // migration 3 ran too
    auto kept = SandboxStore(**db).get(id);
    QVERIFY_RESULT(kept);
    QCOMPARE(kept->providerId, u"sbx1"_s);
    QCOMPARE(kept->status, SandboxStatus::Running);
    QCOMPARE(kept->providerState, ProviderState::Unknown);
    QCOMPARE(kept->diskMb, 0);
    QVERIFY(kept->endsAt.isNull());
    QCOMPARE(kept->pausedSeconds, 0);  // migration 4: nothing paused yet
    QVERIFY(kept->pausedAt.isNull());

    // The new state column takes only what providers report.
    QVERIFY(!(*db)->exec(u"UPDATE sandboxes SET provider_state = 'sleeping' WHERE id = ?"_s, {id}));
}

void tst_Database::upgradingFromVersionThreeAddsPausedTime()
{
    // A database as version 3 left it (no paused-time columns), with a running sandbox.
    auto location = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder());
    QVERIFY_RESULT(location);
    const QString id = newId();
    {
        auto db = Database::open(*location);
        QVERIFY_RESULT(db);
        for (const QString &column : {u"paused_seconds"_s, u"paused_at"_s})
            QVERIFY_RESULT((*db)->exec(u"ALTER TABLE sandboxes DROP COLUMN %1"_s.arg(column)));
        QVERIFY_RESULT((*db)->exec(u"DELETE FROM schema_migrations WHERE version >= 4"_s));
        QVERIFY_RESULT((*db)->exec(
            u"INSERT INTO sandboxes (id, e2b_id, provider, template_id, status, metadata, created_at, "
            "updated_at, cpu_count, memory_mb, provider_state) "
            "VALUES (?, 'sbx3', 'e2b', 'base', 'RUNNING', '{}', ?, ?, 2, 1024, 'paused')"_s,
            {id, formatTimestamp(nowUtc()), formatTimestamp(nowUtc())}));
        QCOMPARE(*(*db)->schemaVersion(), 3);
    }
    auto db = Database::open(*location);
    QVERIFY_RESULT(db);
    QCOMPARE(*(*db)->schemaVersion(), 4);
    QCOMPARE(Database::latestSchemaVersion(), 4);
    const SandboxStore store(**db);
    auto kept = store.get(id);
    QVERIFY_RESULT(kept);
    QCOMPARE(kept->providerId, u"sbx3"_s);
    QCOMPARE(kept->cpuCount, 2);
    QCOMPARE(kept->providerState, ProviderState::Paused);
    QCOMPARE(kept->pausedSeconds, 0);
    QVERIFY(kept->pausedAt.isNull());

    // The new columns keep what the service writes.
    SandboxRecord record = *kept;
    record.pausedSeconds = 90;
    record.pausedAt = QDateTime::fromMSecsSinceEpoch(1795000000000, QTimeZone::utc());
    QVERIFY_RESULT(store.update(record));
    QCOMPARE(*store.get(id), record);
    // paused_seconds is never NULL.
    QVERIFY(!(*db)->exec(u"UPDATE sandboxes SET paused_seconds = NULL WHERE id = ?"_s, {id}));
}

void tst_Database::auditLogAppendsAndRedacts()
{
    auto db = openScratch();
    QVERIFY_RESULT(db);
    const AuditLog log(**db);
    QVERIFY_RESULT(log.append({0, {}, u"alice"_s, u"sandbox.exec"_s, u"t1"_s, u"ok"_s,
                               u"curl -H 'Authorization: Bearer sekrit-token-value' x"_s}));
    QVERIFY_RESULT(log.append({0, {}, u"bob"_s, u"sandbox.terminate"_s, u"t2"_s, u"noop"_s, {}}));
    auto all = log.list();
    QVERIFY_RESULT(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).actor, u"bob"_s);  // newest first
    QVERIFY(!all->at(1).detail.contains(u"sekrit"_s));
    QVERIFY(all->at(1).at.isValid());
    auto filtered = log.list({u"t1"_s, 0});
    QVERIFY_RESULT(filtered);
    QCOMPARE(filtered->size(), 1);
}

QTEST_GUILESS_MAIN(tst_Database)
#include "tst_database.moc"
