// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QString>

namespace squad {

// Where the store lives: a SQLite file (the embedded default) or a PostgreSQL database given as
// postgresql://user[:password]@host[:port]/dbname. The password, when given, is kept only in
// memory; libpq's PGPASSWORD and ~/.pgpass work too and keep it off command lines.
struct DatabaseLocation
{
    enum class Kind { Sqlite, Postgres };

    Kind kind = Kind::Sqlite;
    QString sqlitePath;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    // For messages and the status bar: the path, or the URL with the password masked.
    QString displayName() const;

    // `text` empty → <dataDir>/squad.db. Anything with "scheme://" must be a PostgreSQL URL.
    [[nodiscard]] static Result<DatabaseLocation> parse(const QString &text,
                                                        const QString &dataDir);
};

} // namespace squad
