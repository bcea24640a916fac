// SPDX-License-Identifier: MIT
#include "database.h"

#include "core/redaction.h"
#include "core/timestamp.h"
#include "migrations.h"

#include <QAtomicInteger>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSql, "squad.sql")

namespace squad {

static QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return u"squad-store-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

static bool isSqliteBusy(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    return code == u"5" || code == u"6" || error.databaseText().contains(u"locked"_s);
}

static bool isSqliteNotADatabase(const QSqlError &error)
{
    return error.nativeErrorCode() == u"26" || error.databaseText().contains(u"not a database"_s);
}

Database::Database(DatabaseLocation location, QString connectionName)
    : m_location(std::move(location))
    , m_connectionName(std::move(connectionName))
{}

Database::~Database()
{
    {
        QSqlDatabase db = connection();
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

int Database::latestSchemaVersion()
{
    return migrations(SqlDialect::Sqlite).constLast().version;
}

Error Database::storageError(const QString &what, const QSqlError &error) const
{
    const QString name = m_location.displayName();
    const QString detail = redactSecrets(error.text());
    if (!isPostgres() && isSqliteBusy(error)) {
        return Error(ErrorCode::Unavailable,
                     u"The database %1 is locked by another writer: close the other program "
                     "using it, or wait for it to finish, and try again"_s.arg(name),
                     detail);
    }
    if (!isPostgres() && isSqliteNotADatabase(error)) {
        return Error(ErrorCode::Storage,
                     u"%1 is not a Squad Console database (it is not a SQLite file): choose "
                     "another file with --db"_s.arg(name),
                     detail);
    }
    return Error(ErrorCode::Storage, u"Database %1: %2 failed"_s.arg(name, what), detail);
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseLocation &location)
{
    return open(location, Options{});
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseLocation &location,
                                                 const Options &options)
{
    std::unique_ptr<Database> db(new Database(location, nextConnectionName()));
    if (auto configured = db->configure(options); !configured)
        return fail(configured.error());
    if (auto migrated = db->migrate(); !migrated)
        return fail(migrated.error());
    return db;
}

Result<void> Database::configure(const Options &options)
{
    const QString name = m_location.displayName();
    if (m_location.kind == DatabaseLocation::Kind::Sqlite) {
        const QFileInfo file(m_location.sqlitePath);
        if (file.exists() && !file.isFile()) {
            return fail(ErrorCode::InvalidArgument,
                        u"%1 is a folder, not a database file: choose a file with --db"_s.arg(name));
        }
        if (!QFileInfo(file.absolutePath()).isDir()) {
            return fail(ErrorCode::NotFound,
                        u"Cannot open the database %1: the folder %2 does not exist"_s.arg(
                            name, file.absolutePath()));
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(m_location.sqlitePath);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(options.busyTimeoutMs));
        if (!db.open())
            return fail(storageError(u"opening"_s, db.lastError()));
        // The first statement reads the file header: this is where "not a database" shows up.
        // cache_size: the console reads the whole table on every refresh, and no page cache of a
        // sensible size holds a large one, so SQLite's default 2 MiB only kept the last scan's
        // tail in memory. 512 KiB still holds the interior pages of the tables and indexes that
        // every lookup walks.
        for (const QString &pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA foreign_keys=ON"_s,
                                      u"PRAGMA synchronous=NORMAL"_s,
                                      u"PRAGMA cache_size=-512"_s}) {
            if (auto done = exec(pragma); !done)
                return fail(done.error());
        }
        return {};
    }

    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        return fail(ErrorCode::Unavailable,
                    u"PostgreSQL support is not installed: install Qt's PostgreSQL driver "
                    "(Debian/Ubuntu: libqt6sql6-psql)"_s);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
    db.setHostName(m_location.host);
    db.setPort(m_location.port);
    db.setUserName(m_location.user);
    if (!m_location.password.isEmpty())
        db.setPassword(m_location.password);
    db.setDatabaseName(m_location.databaseName);
    db.setConnectOptions(u"connect_timeout=5;application_name=squad-console"_s);
    if (!db.open()) {
        return fail(ErrorCode::Unavailable,
                    u"Cannot connect to the PostgreSQL database %1: check that the server is "
                    "running and the user, password and database name are right"_s.arg(name),
                    redactSecrets(db.lastError().text()));
    }
    // Keep timestamps in UTC on the wire whatever the server's default zone is.
    if (auto done = exec(u"SET TIME ZONE 'UTC'"_s); !done)
        return fail(done.error());
    // Postgres reports notices about implicit indexes; keep them out of the operator's way.
    if (auto done = exec(u"SET client_min_messages TO WARNING"_s); !done)
        return fail(done.error());
    return {};
}

Result<QSqlQuery> Database::exec(const QString &sql, const QVariantList &bindings) const
{
    QSqlQuery query(connection());
    query.setForwardOnly(true);
    // PostgreSQL cannot PREPARE utility statements (SET, BEGIN, CREATE ...): statements
    // without bindings run directly.
    if (bindings.isEmpty()) {
        if (!query.exec(sql)) {
            qCDebug(lcSql) << "failed:" << sql << query.lastError().text();
            return fail(storageError(u"running a query"_s, query.lastError()));
        }
        return query;
    }
    if (!query.prepare(sql))
        return fail(storageError(u"preparing a query"_s, query.lastError()));
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec()) {
        qCDebug(lcSql) << "failed:" << sql << query.lastError().text();
        return fail(storageError(u"running a query"_s, query.lastError()));
    }
    return query;
}

Result<void> Database::transaction(const std::function<Result<void>()> &work) const
{
    QSqlDatabase db = connection();
    // SQLite: take the write lock up front so a busy database fails here, before any work,
    // instead of half-way through; QSqlDatabase::transaction() would issue a deferred BEGIN.
    if (isPostgres()) {
        if (!db.transaction())
            return fail(storageError(u"starting a transaction"_s, db.lastError()));
    } else if (auto begun = exec(u"BEGIN IMMEDIATE"_s); !begun) {
        return fail(begun.error());
    }
    Result<void> outcome = work();
    if (!outcome) {
        if (isPostgres())
            db.rollback();
        else
            (void)exec(u"ROLLBACK"_s);
        return outcome;
    }
    if (isPostgres() ? !db.commit() : !exec(u"COMMIT"_s)) {
        const QSqlError error = db.lastError();
        if (isPostgres())
            db.rollback();
        else
            (void)exec(u"ROLLBACK"_s);
        return fail(storageError(u"committing"_s, error));
    }
    return {};
}

Result<int> Database::schemaVersion() const
{
    auto query = exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s);
    if (!query)
        return fail(query.error());
    return query->next() ? query->value(0).toInt() : 0;
}

Result<void> Database::migrate()
{
    const SqlDialect dialect = isPostgres() ? SqlDialect::Postgres : SqlDialect::Sqlite;
    const QString create = u"CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                            "applied_at TEXT NOT NULL)"_s;

    // Read first, lock only when there is work: a database that is up to date opens without a
    // write lock, so listing works while another process writes.
    int current = 0;
    if (connection().tables(QSql::Tables).contains(u"schema_migrations"_s)) {
        auto version = schemaVersion();
        if (!version)
            return fail(version.error());
        current = *version;
    }
    const QList<Migration> steps = migrations(dialect);
    const int latest = steps.constLast().version;
    if (current > latest) {
        return fail(ErrorCode::SchemaTooNew,
                    u"The database %1 was written by a newer Squad Console (schema version %2; "
                    "this build knows up to %3): update Squad Console, or use another database"_s
                        .arg(m_location.displayName())
                        .arg(current)
                        .arg(latest));
    }
    if (current == latest)
        return {};

    return transaction([&]() -> Result<void> {
        if (isPostgres()) {
            // Two consoles starting together on one server: the second waits, then finds the
            // migrations done.
            if (auto locked = exec(u"SELECT pg_advisory_xact_lock(7300417)"_s); !locked)
                return fail(locked.error());
        }
        if (auto created = exec(create); !created)
            return fail(created.error());
        auto version = schemaVersion();
        if (!version)
            return fail(version.error());
        for (const Migration &step : steps) {
            if (step.version <= *version)
                continue;
            for (const QString &statement : step.statements) {
                if (auto done = exec(statement); !done) {
                    return fail(ErrorCode::Storage,
                                u"Migrating the database %1 to schema version %2 failed; "
                                "nothing was changed"_s.arg(m_location.displayName())
                                    .arg(step.version),
                                done.error().detail());
                }
            }
            if (auto recorded = exec(u"INSERT INTO schema_migrations (version, name, applied_at) "
                                      "VALUES (?, ?, ?)"_s,
                                      {step.version, step.name, formatTimestamp(nowUtc())});
                !recorded) {
                return fail(recorded.error());
            }
        }
        return {};
    });
}

} // namespace squad
