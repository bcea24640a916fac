// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace squad {

enum class SqlDialect { Sqlite, Postgres };

// One numbered step of the schema. Statements are generated per dialect from one description,
// so SQLite and PostgreSQL share the same tables, columns, keys and indexes.
struct Migration
{
    int version;
    QString name;
    QStringList statements;
};

QList<Migration> migrations(SqlDialect dialect);

} // namespace squad
