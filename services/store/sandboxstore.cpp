// SPDX-License-Identifier: MIT
#include "sandboxstore.h"

#include "core/timestamp.h"
#include "database.h"
#include "sqlvalues.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSet>
#include <QSqlRecord>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace squad {

// Column order shared by every SELECT and by recordFromQuery().
static const QString SelectColumns =
    u"id, e2b_id, provider, template_id, status, status_detail, task_id, agent_id, repo_url, "
    "cpu_count, memory_mb, metadata, created_at, updated_at, last_used_at, ended_at, "
    "provider_state, disk_mb, started_at, ends_at, paused_seconds, paused_at"_s;

using sql::idText;
using sql::nullable;
using sql::nullableInt;
using sql::timestampFrom;
using sql::timestampValue;

static SandboxRecord recordFromQuery(const QSqlQuery &q)
{
    SandboxRecord r;
    r.id = idText(q.value(0));
    r.providerId = q.value(1).toString();
    r.provider = q.value(2).toString();
    r.templateId = q.value(3).toString();
    r.status = sandboxStatusFromName(q.value(4).toString()).value_or(SandboxStatus::Error);
    r.statusDetail = q.value(5).toString();
    r.taskId = idText(q.value(6));
    r.agentId = idText(q.value(7));
    r.repoUrl = q.value(8).toString();
    // cpuCount holds up to 32,767: more is kept as that, not as its low bits.
    r.cpuCount = std::clamp(q.value(9).toInt(), 0, 0x7fff);
    r.memoryMb = q.value(10).toInt();
    r.metadata = q.value(11).toString();
    r.createdAt = timestampFrom(q.value(12));
    r.updatedAt = timestampFrom(q.value(13));
    r.lastUsedAt = timestampFrom(q.value(14));
    r.endedAt = timestampFrom(q.value(15));
    r.providerState = providerStateFromName(q.value(16).toString());
    r.diskMb = q.value(17).toInt();
    r.startedAt = timestampFrom(q.value(18));
    r.endsAt = timestampFrom(q.value(19));
    r.pausedSeconds = q.value(20).toInt();
    r.pausedAt = timestampFrom(q.value(21));
    return r;
}

static QVariantList valuesOf(const SandboxRecord &r)
{
    return {r.providerId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : r.providerId,
            r.provider,
            r.templateId,
            sandboxStatusName(r.status),
            nullable(r.statusDetail),
            nullable(r.taskId),
            nullable(r.agentId),
            nullable(r.repoUrl),
            nullableInt(r.cpuCount),
            nullableInt(r.memoryMb),
            r.metadata.isEmpty() ? u"{}"_s : r.metadata,
            timestampValue(r.createdAt),
            timestampValue(r.updatedAt),
            timestampValue(r.lastUsedAt),
            timestampValue(r.endedAt),
            nullable(providerStateName(r.providerState)),
            nullableInt(r.diskMb),
            timestampValue(r.startedAt),
            timestampValue(r.endsAt),
            r.pausedSeconds,
            timestampValue(r.pausedAt)};
}

Result<void> SandboxStore::insert(const SandboxRecord &record) const
{
    QVariantList values = valuesOf(record);
    values.prepend(record.id);
    return m_db
        .exec(u"INSERT INTO sandboxes (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s
                  .arg(SelectColumns),
              values)
        .transform([](const QSqlQuery &) {});
}

Result<void> SandboxStore::update(const SandboxRecord &record) const
{
    QVariantList values = valuesOf(record);
    values.append(record.id);
    auto query = m_db.exec(
        u"UPDATE sandboxes SET e2b_id = ?, provider = ?, template_id = ?, status = ?, "
        "status_detail = ?, task_id = ?, agent_id = ?, repo_url = ?, cpu_count = ?, "
        "memory_mb = ?, metadata = ?, created_at = ?, updated_at = ?, last_used_at = ?, "
        "ended_at = ?, provider_state = ?, disk_mb = ?, started_at = ?, ends_at = ?, "
        "paused_seconds = ?, paused_at = ? WHERE id = ?"_s,
        values);
    if (!query)
        return fail(query.error());
    if (query->numRowsAffected() == 0)
        return fail(ErrorCode::NotFound, u"No sandbox with id %1"_s.arg(record.id));
    return {};
}

Result<bool> SandboxStore::updateIfMetadata(const SandboxRecord &record,
                                           const QString &expectedMetadata) const
{
    QVariantList values = valuesOf(record);
    values << record.id << expectedMetadata << sandboxStatusName(SandboxStatus::Running);
    auto query = m_db.exec(
        u"UPDATE sandboxes SET e2b_id = ?, provider = ?, template_id = ?, status = ?, "
        "status_detail = ?, task_id = ?, agent_id = ?, repo_url = ?, cpu_count = ?, "
        "memory_mb = ?, metadata = ?, created_at = ?, updated_at = ?, last_used_at = ?, "
        "ended_at = ?, provider_state = ?, disk_mb = ?, started_at = ?, ends_at = ?, "
        "paused_seconds = ?, paused_at = ? WHERE id = ? AND metadata = ? AND status = ?"_s,
        values);
    if (!query)
        return fail(query.error());
    return query->numRowsAffected() == 1;
}

Result<SandboxRecords> SandboxStore::liveWithMetadataKey(const QString &key) const
{
    QString pattern = QString::fromUtf8(QJsonDocument(QJsonObject{{key, QString()}}).toJson(QJsonDocument::Compact));
    pattern = pattern.mid(1, pattern.size() - 4);  // "key":
    pattern.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    auto query = m_db.exec(u"SELECT %1 FROM sandboxes WHERE status IN (?, ?) AND metadata LIKE ? "
                            "ESCAPE '\\' ORDER BY created_at DESC, id"_s.arg(SelectColumns),
                           {sandboxStatusName(SandboxStatus::Running),
                            sandboxStatusName(SandboxStatus::Created), QString(u"%"_s + pattern + u"%"_s)});
    if (!query)
        return fail(query.error());
    SandboxRecords records;
    while (query->next())
        records << recordFromQuery(*query);
    return records;
}

Result<SandboxRecord> SandboxStore::get(const QString &id) const
{
    auto query = m_db.exec(u"SELECT %1 FROM sandboxes WHERE id = ?"_s.arg(SelectColumns), {id});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(ErrorCode::NotFound, u"No sandbox with id %1"_s.arg(id));
    return recordFromQuery(*query);
}

Result<void> SandboxStore::forEach(const SandboxFilter &filter,
                                   const std::function<void(const SandboxRecord &)> &visit) const
{
    QStringList where;
    QVariantList bindings;
    if (filter.status) {
        where << u"status = ?"_s;
        bindings << sandboxStatusName(*filter.status);
    }
    if (!filter.taskId.isEmpty()) {
        where << u"task_id = ?"_s;
        bindings << filter.taskId;
    }
    QString columns = SelectColumns;
    if (!filter.withMetadata) {
        columns.replace(u"metadata"_s, u"CASE WHEN status IN ('RUNNING', 'CREATED') AND metadata "
                                        "LIKE '%\"squad.pool\":%' THEN metadata END"_s);
    }
    QString sql = u"SELECT %1 FROM sandboxes%2 ORDER BY created_at DESC, id"_s.arg(
        columns, where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s));
    if (filter.limit > 0)
        sql += u" LIMIT %1"_s.arg(filter.limit);
    auto query = m_db.exec(sql, bindings);
    if (!query)
        return fail(query.error());
    while (query->next())
        visit(recordFromQuery(*query));
    if (query->lastError().isValid())
        return fail(m_db.storageError(u"reading sandboxes"_s, query->lastError()));
    return {};
}

// Providers, templates, repositories, tasks and agents repeat from row to row: sharing one copy
// of each text keeps 100,000 rows held by the GUI tens of megabytes smaller.
class StringPool
{
public:
    void intern(QString &text)
    {
        if (text.isEmpty())
            return;
        const auto it = m_strings.constFind(text);
        if (it != m_strings.cend())
            text = *it;
        else
            m_strings.insert(text);
    }

private:
    QSet<QString> m_strings;
};

Result<SandboxRecords> SandboxStore::list(const SandboxFilter &filter) const
{
    SandboxRecords records;
    // Sized once: growing a list of 100,000 records by doubling would briefly hold two arrays
    // and keep a third of the last one unused.
    if (filter.limit > 0)
        records.reserve(filter.limit);
    else if (auto rows = count(); rows && *rows > 0)
        records.reserve(*rows);
    StringPool pool;
    return forEach(filter,
                   [&](const SandboxRecord &read) {
                       SandboxRecord &record = records.emplace_back(read);
                       for (QString *text : {&record.provider, &record.templateId, &record.repoUrl,
                                             &record.statusDetail, &record.taskId,
                                             &record.agentId})
                           pool.intern(*text);
                   })
        .transform([&] { return std::move(records); });
}

Result<std::optional<SandboxRecord>> SandboxStore::findByMetadata(const QString &key,
                                                                  const QString &value) const
{
    // The pair as QJsonDocument writes it; LIKE's wildcards in it are escaped.
    QString pair = QString::fromUtf8(QJsonDocument(QJsonObject{{key, value}}).toJson(QJsonDocument::Compact));
    pair = pair.mid(1, pair.size() - 2);
    pair.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    auto query = m_db.exec(u"SELECT %1 FROM sandboxes WHERE metadata LIKE ? ESCAPE '\\' "
                            "ORDER BY created_at DESC LIMIT 1"_s.arg(SelectColumns),
                           {QString(u"%"_s + pair + u"%"_s)});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return std::optional<SandboxRecord>();
    return std::optional<SandboxRecord>(recordFromQuery(*query));
}

Result<std::optional<SandboxRecord>> SandboxStore::findByProviderId(const QString &provider,
                                                                    const QString &providerId) const
{
    auto query = m_db.exec(u"SELECT %1 FROM sandboxes WHERE e2b_id = ? AND provider = ? "
                            "ORDER BY created_at DESC LIMIT 1"_s.arg(SelectColumns),
                           {providerId, provider});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return std::optional<SandboxRecord>();
    return std::optional<SandboxRecord>(recordFromQuery(*query));
}

Result<std::optional<SandboxRecord>> SandboxStore::runningForTask(const QString &taskId) const
{
    auto query = m_db.exec(u"SELECT %1 FROM sandboxes WHERE task_id = ? AND status = ? "
                            "ORDER BY created_at DESC LIMIT 1"_s.arg(SelectColumns),
                           {taskId, sandboxStatusName(SandboxStatus::Running)});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return std::optional<SandboxRecord>();
    return std::optional<SandboxRecord>(recordFromQuery(*query));
}

Result<QMap<SandboxStatus, int>> SandboxStore::countByStatus() const
{
    auto query = m_db.exec(u"SELECT status, COUNT(*) FROM sandboxes GROUP BY status"_s);
    if (!query)
        return fail(query.error());
    QMap<SandboxStatus, int> counts;
    for (SandboxStatus status : AllSandboxStatuses)
        counts.insert(status, 0);
    while (query->next()) {
        if (auto status = sandboxStatusFromName(query->value(0).toString()))
            counts[*status] = query->value(1).toInt();
    }
    return counts;
}

Result<QString> SandboxStore::changeToken() const
{
    auto query = m_db.exec(u"SELECT COUNT(*), MAX(updated_at) FROM sandboxes"_s);
    if (!query)
        return fail(query.error());
    if (!query->next())
        return QString();
    return query->value(0).toString() + u'|' + formatTimestamp(timestampFrom(query->value(1)));
}

Result<int> SandboxStore::count() const
{
    auto query = m_db.exec(u"SELECT COUNT(*) FROM sandboxes"_s);
    if (!query)
        return fail(query.error());
    return query->next() ? query->value(0).toInt() : 0;
}

} // namespace squad
