// SPDX-License-Identifier: MIT
#include "sandboxjson.h"

#include "core/timestamp.h"
#include "store/auditlog.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad {

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    out.append('"');
    qsizetype plainStart = 0;
    auto flushPlain = [&](qsizetype end) {
        if (end > plainStart)
            out.append(text.mid(plainStart, end - plainStart).toUtf8());
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\')
            continue;
        flushPlain(i);
        plainStart = i + 1;
        switch (c) {
        case u'"': out.append("\\\""); break;
        case u'\\': out.append("\\\\"); break;
        case u'\n': out.append("\\n"); break;
        case u'\r': out.append("\\r"); break;
        case u'\t': out.append("\\t"); break;
        default:
            out.append("\\u00");
            out.append(Hex[(c >> 4) & 0xf]);
            out.append(Hex[c & 0xf]);
        }
    }
    flushPlain(text.size());
    out.append('"');
}

static void appendNullableString(QByteArray &out, const QString &text)
{
    if (text.isEmpty())
        out.append("null");
    else
        appendJsonString(out, text);
}

static void appendTimestamp(QByteArray &out, const QDateTime &at)
{
    if (at.isValid()) {
        out.append('"');
        out.append(formatTimestamp(at).toLatin1());
        out.append('"');
    } else {
        out.append("null");
    }
}

static void appendNullableInt(QByteArray &out, int value)
{
    if (value == 0)
        out.append("null");
    else
        out.append(QByteArray::number(value));
}

// Metadata is stored as JSON object text; anything else (a row edited by hand) is normalised
// so the output stays valid JSON.
static void appendMetadata(QByteArray &out, const QString &metadata)
{
    if (metadata.isEmpty() || metadata == u"{}") {
        out.append("{}");
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(metadata.toUtf8());
    if (doc.isObject())
        out.append(doc.toJson(QJsonDocument::Compact));
    else
        out.append("{}");
}

void appendSandboxJson(QByteArray &out, const SandboxRecord &r)
{
    out.append("{\"id\":");
    appendJsonString(out, r.id);
    out.append(",\"e2b_id\":");
    appendNullableString(out, r.providerId);
    out.append(",\"provider\":");
    appendJsonString(out, r.provider);
    out.append(",\"template_id\":");
    appendJsonString(out, r.templateId);
    out.append(",\"status\":\"");
    out.append(sandboxStatusName(r.status).toLatin1());
    out.append("\",\"status_detail\":");
    appendNullableString(out, r.statusDetail);
    out.append(",\"task_id\":");
    appendNullableString(out, r.taskId);
    out.append(",\"agent_id\":");
    appendNullableString(out, r.agentId);
    out.append(",\"repo_url\":");
    appendNullableString(out, r.repoUrl);
    out.append(",\"cpu_count\":");
    appendNullableInt(out, r.cpuCount);
    out.append(",\"memory_mb\":");
    appendNullableInt(out, r.memoryMb);
    out.append(",\"metadata\":");
    appendMetadata(out, r.metadata);
    out.append(",\"created_at\":");
    appendTimestamp(out, r.createdAt);
    out.append(",\"updated_at\":");
    appendTimestamp(out, r.updatedAt);
    out.append(",\"last_used_at\":");
    appendTimestamp(out, r.lastUsedAt);
    out.append(",\"ended_at\":");
    appendTimestamp(out, r.endedAt);
    out.append('}');
}

void appendAuditJson(QByteArray &out, const AuditEntry &e)
{
    out.append("{\"id\":");
    out.append(QByteArray::number(e.id));
    out.append(",\"at\":");
    appendTimestamp(out, e.at);
    out.append(",\"actor\":");
    appendJsonString(out, e.actor);
    out.append(",\"action\":");
    appendJsonString(out, e.action);
    out.append(",\"target\":");
    appendNullableString(out, e.target);
    out.append(",\"outcome\":");
    appendJsonString(out, e.outcome);
    out.append(",\"detail\":");
    appendNullableString(out, e.detail);
    out.append('}');
}

} // namespace squad
