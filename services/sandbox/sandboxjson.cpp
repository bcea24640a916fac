// SPDX-License-Identifier: MIT
#include "sandboxjson.h"

#include "core/timestamp.h"
#include "store/auditlog.h"


#include <cstring>

using namespace Qt::StringLiterals;

namespace squad {

// Appends raw bytes. QByteArray::append() goes through the general insert() path; growing
// with resize() and copying is several times cheaper for the many short pieces written here.
static inline void raw(QByteArray &out, const char *data, qsizetype size)
{
    const qsizetype at = out.size();
    out.resize(at + size);
    std::memcpy(out.data() + at, data, size_t(size));
}

template<qsizetype N>
static inline void literal(QByteArray &out, const char (&text)[N])
{
    raw(out, text, N - 1);
}

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    // Worst case: every UTF-16 unit becomes a 6-byte \u escape; shrink to what was written.
    const qsizetype start = out.size();
    out.resize(start + 2 + 6 * text.size());
    char *p = out.data() + start;
    *p++ = '"';
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x20 && c < 0x80) {
            if (c == u'"' || c == u'\\')
                *p++ = '\\';
            *p++ = char(c);
        } else if (c < 0x20) {
            *p++ = '\\';
            switch (c) {
            case u'\n': *p++ = 'n'; break;
            case u'\r': *p++ = 'r'; break;
            case u'\t': *p++ = 't'; break;
            default:
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = Hex[(c >> 4) & 0xf];
                *p++ = Hex[c & 0xf];
            }
        } else {
            // Non-ASCII: hand the run to Qt's UTF-8 encoder (it handles surrogate pairs).
            qsizetype end = i + 1;
            while (end < text.size() && text[end].unicode() >= 0x80)
                ++end;
            const QByteArray utf8 = text.mid(i, end - i).toUtf8();
            std::memcpy(p, utf8.constData(), size_t(utf8.size()));
            p += utf8.size();
            i = end - 1;
        }
    }
    *p++ = '"';
    out.resize(p - out.constData());
}

static void appendNullableString(QByteArray &out, const QString &text)
{
    if (text.isEmpty())
        literal(out, "null");
    else
        appendJsonString(out, text);
}

static void appendTimestamp(QByteArray &out, const QDateTime &at)
{
    if (!at.isValid()) {
        literal(out, "null");
        return;
    }
    char text[26];
    text[0] = '"';
    if (formatTimestampAscii(at.toMSecsSinceEpoch(), text + 1)) {
        text[25] = '"';
        raw(out, text, 26);
    } else {
        appendJsonString(out, formatTimestamp(at));
    }
}

static void appendNullableInt(QByteArray &out, int value)
{
    if (value == 0)
        literal(out, "null");
    else
        out.append(QByteArray::number(value));
}

// A small RFC 8259 syntax checker: metadata is copied through as written (keeping its key
// order and spelling) once it is known to be a JSON object; parsing it into a QJsonDocument
// and printing it again cost more than reading the row from SQLite.
namespace {
class JsonChecker
{
public:
    explicit JsonChecker(QStringView text) : m_text(text) {}

    bool isObject()
    {
        skipSpace();
        if (!object())
            return false;
        skipSpace();
        return m_pos == m_text.size();
    }

private:
    char16_t peek() const { return m_pos < m_text.size() ? m_text[m_pos].unicode() : u'\0'; }
    bool eat(char16_t c)
    {
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    void skipSpace()
    {
        while (peek() == u' ' || peek() == u'\t' || peek() == u'\n' || peek() == u'\r')
            ++m_pos;
    }
    bool word(QStringView w)
    {
        if (m_text.mid(m_pos, w.size()) != w)
            return false;
        m_pos += w.size();
        return true;
    }
    bool string()
    {
        if (!eat(u'"'))
            return false;
        while (m_pos < m_text.size()) {
            const char16_t c = m_text[m_pos++].unicode();
            if (c == u'"')
                return true;
            if (c < 0x20)
                return false;
            if (c == u'\\') {
                const char16_t e = peek();
                ++m_pos;
                if (e == u'u') {
                    for (int i = 0; i < 4; ++i, ++m_pos) {
                        const char16_t h = peek();
                        if (!((h >= u'0' && h <= u'9') || (h >= u'a' && h <= u'f')
                              || (h >= u'A' && h <= u'F')))
                            return false;
                    }
                } else if (!QStringView(u"\"\\/bfnrt").contains(QChar(e))) {
                    return false;
                }
            }
        }
        return false;
    }
    bool digits()
    {
        const qsizetype start = m_pos;
        while (peek() >= u'0' && peek() <= u'9')
            ++m_pos;
        return m_pos > start;
    }
    bool number()
    {
        eat(u'-');
        if (!eat(u'0') && !digits())
            return false;
        if (eat(u'.') && !digits())
            return false;
        if (eat(u'e') || eat(u'E')) {
            if (!eat(u'+'))
                eat(u'-');
            if (!digits())
                return false;
        }
        return true;
    }
    bool value()
    {
        if (++m_depth > 64)
            return false;
        skipSpace();
        bool ok = false;
        switch (peek()) {
        case u'{': ok = object(); break;
        case u'[': ok = array(); break;
        case u'"': ok = string(); break;
        case u't': ok = word(u"true"); break;
        case u'f': ok = word(u"false"); break;
        case u'n': ok = word(u"null"); break;
        default: ok = number();
        }
        skipSpace();
        --m_depth;
        return ok;
    }
    bool object()
    {
        if (!eat(u'{'))
            return false;
        skipSpace();
        if (eat(u'}'))
            return true;
        do {
            skipSpace();
            if (!string())
                return false;
            skipSpace();
            if (!eat(u':') || !value())
                return false;
        } while (eat(u','));
        return eat(u'}');
    }
    bool array()
    {
        if (!eat(u'['))
            return false;
        skipSpace();
        if (eat(u']'))
            return true;
        do {
            if (!value())
                return false;
        } while (eat(u','));
        return eat(u']');
    }

    QStringView m_text;
    qsizetype m_pos = 0;
    int m_depth = 0;
};
} // namespace

// Metadata is stored as JSON object text; anything else (a row edited by hand) is written as
// an empty object so the output stays valid JSON.
static void appendMetadata(QByteArray &out, const QString &metadata)
{
    if (metadata.isEmpty() || !JsonChecker(metadata).isObject()) {
        literal(out, "{}");
        return;
    }
    const QByteArray utf8 = metadata.toUtf8();
    raw(out, utf8.constData(), utf8.size());
}

void appendSandboxJson(QByteArray &out, const SandboxRecord &r)
{
    literal(out, "{\"id\":");
    appendJsonString(out, r.id);
    literal(out, ",\"e2b_id\":");
    appendNullableString(out, r.providerId);
    literal(out, ",\"provider\":");
    appendJsonString(out, r.provider);
    literal(out, ",\"template_id\":");
    appendJsonString(out, r.templateId);
    literal(out, ",\"status\":\"");
    const QByteArray status = sandboxStatusName(r.status).toLatin1();
    raw(out, status.constData(), status.size());
    literal(out, "\",\"status_detail\":");
    appendNullableString(out, r.statusDetail);
    literal(out, ",\"task_id\":");
    appendNullableString(out, r.taskId);
    literal(out, ",\"agent_id\":");
    appendNullableString(out, r.agentId);
    literal(out, ",\"repo_url\":");
    appendNullableString(out, r.repoUrl);
    literal(out, ",\"cpu_count\":");
    appendNullableInt(out, r.cpuCount);
    literal(out, ",\"memory_mb\":");
    appendNullableInt(out, r.memoryMb);
    literal(out, ",\"disk_mb\":");
    appendNullableInt(out, r.diskMb);
    literal(out, ",\"provider_state\":");
    appendNullableString(out, providerStateName(r.providerState));
    literal(out, ",\"metadata\":");
    appendMetadata(out, r.metadata);
    literal(out, ",\"created_at\":");
    appendTimestamp(out, r.createdAt);
    literal(out, ",\"updated_at\":");
    appendTimestamp(out, r.updatedAt);
    literal(out, ",\"last_used_at\":");
    appendTimestamp(out, r.lastUsedAt);
    literal(out, ",\"ended_at\":");
    appendTimestamp(out, r.endedAt);
    literal(out, ",\"started_at\":");
    appendTimestamp(out, r.startedAt);
    literal(out, ",\"ends_at\":");
    appendTimestamp(out, r.endsAt);
    out.append('}');
}

void appendAuditJson(QByteArray &out, const AuditEntry &e)
{
    literal(out, "{\"id\":");
    out.append(QByteArray::number(e.id));
    literal(out, ",\"at\":");
    appendTimestamp(out, e.at);
    literal(out, ",\"actor\":");
    appendJsonString(out, e.actor);
    literal(out, ",\"action\":");
    appendJsonString(out, e.action);
    literal(out, ",\"target\":");
    appendNullableString(out, e.target);
    literal(out, ",\"outcome\":");
    appendJsonString(out, e.outcome);
    literal(out, ",\"detail\":");
    appendNullableString(out, e.detail);
    out.append('}');
}

} // namespace squad
