// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace squad {

class Database;

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString actor;    // the OS user who acted
    QString action;   // "sandbox.create", "sandbox.terminate", ...
    QString target;   // usually a sandbox id
    QString outcome;  // "ok", "failed", "noop"
    QString detail;   // redacted before it is stored
};

struct AuditFilter
{
    QString target;
    int limit = 0;  // 0 = all
};

// The `audit_log` table: append-only. Call on the thread that owns the Database.
class AuditLog
{
public:
    explicit AuditLog(const Database &db) : m_db(db) {}

    // Stamps `at` (when null) and redacts the detail.
    [[nodiscard]] Result<void> append(AuditEntry entry) const;
    // Newest first.
    [[nodiscard]] Result<QList<AuditEntry>> list(const AuditFilter &filter = {}) const;

private:
    const Database &m_db;
};

} // namespace squad
