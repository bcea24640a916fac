// SPDX-License-Identifier: MIT
#pragma once

#include "databaselocation.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <functional>
#include <memory>

namespace squad {

// One open connection to the store, migrated to the current schema. A QSqlDatabase belongs to
// the thread that opened it: open, use and destroy a Database on one thread (the store worker
// in the GUI, the main thread in squadctl).
class Database
{
public:
    struct Options
    {
        // How long a write waits for another writer before failing with a "locked" error.
        int busyTimeoutMs = 3000;
    };

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Connects, checks the schema version and runs pending migrations in one transaction.
    // Errors name the database; nothing is written when opening fails.
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DatabaseLocation &location);
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DatabaseLocation &location,
                                                                const Options &options);

    const DatabaseLocation &location() const { return m_location; }
    bool isPostgres() const { return m_location.kind == DatabaseLocation::Kind::Postgres; }
    QSqlDatabase connection() const { return QSqlDatabase::database(m_connectionName, false); }

    // Highest migration applied, and the highest this build knows.
    [[nodiscard]] Result<int> schemaVersion() const;
    static int latestSchemaVersion();

    // Prepares and runs `sql` with positional `?` bindings.
    [[nodiscard]] Result<QSqlQuery> exec(const QString &sql,
                                         const QVariantList &bindings = {}) const;

    // Runs `work` in a transaction: committed when it succeeds, rolled back when it fails.
    [[nodiscard]] Result<void> transaction(const std::function<Result<void>()> &work) const;

    // Turns a failed query into an Error that names the database and says what to do.
    Error storageError(const QString &what, const QSqlError &error) const;

private:
    Database(DatabaseLocation location, QString connectionName);
    [[nodiscard]] Result<void> configure(const Options &options);
    [[nodiscard]] Result<void> migrate();

    DatabaseLocation m_location;
    QString m_connectionName;
};

} // namespace squad
