// SPDX-License-Identifier: MIT
#include "auditlog.h"

#include "core/redaction.h"
#include "core/timestamp.h"
#include "database.h"

using namespace Qt::StringLiterals;

namespace squad {

Result<void> AuditLog::append(AuditEntry entry) const
{
    if (!entry.at.isValid())
        entry.at = nowUtc();
    return m_db
        .exec(u"INSERT INTO audit_log (at, actor, action, target, outcome, detail) "
               "VALUES (?, ?, ?, ?, ?, ?)"_s,
              {formatTimestamp(entry.at), entry.actor, entry.action, entry.target, entry.outcome,
               redactSecrets(entry.detail)})
        .transform([](const QSqlQuery &) {});
}

Result<QList<AuditEntry>> AuditLog::list(const AuditFilter &filter) const
{
    QString sql = u"SELECT id, at, actor, action, target, outcome, detail FROM audit_log"_s;
    QVariantList bindings;
    if (!filter.target.isEmpty()) {
        sql += u" WHERE target = ?"_s;
        bindings << filter.target;
    }
    sql += u" ORDER BY id DESC"_s;
    if (filter.limit > 0)
        sql += u" LIMIT %1"_s.arg(filter.limit);
    auto query = m_db.exec(sql, bindings);
    if (!query)
        return fail(query.error());
    QList<AuditEntry> entries;
    while (query->next()) {
        AuditEntry e;
        e.id = query->value(0).toLongLong();
        const QVariant at = query->value(1);
        e.at = at.metaType() == QMetaType::fromType<QDateTime>() ? at.toDateTime().toUTC()
                                                                 : parseTimestamp(at.toString());
        e.actor = query->value(2).toString();
        e.action = query->value(3).toString();
        e.target = query->value(4).toString();
        e.outcome = query->value(5).toString();
        e.detail = query->value(6).toString();
        entries.append(e);
    }
    return entries;
}

} // namespace squad
