// SPDX-License-Identifier: MIT
#include "e2bapi.h"

#include "core/futures.h"
#include "core/redaction.h"
#include "core/timestamp.h"
#include "e2b/e2berrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QTimer>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

using namespace Qt::StringLiterals;
using namespace std::string_view_literals;

namespace squad {

namespace {

qint64 daysFromCivil(int year, int month, int day)
{
    // Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian
    // calendar, with no table and no branches on the month.
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const int yearOfEra = year - era * 400;
    const int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return qint64(era) * 146097 + dayOfEra - 719468;
}

int daysInMonth(int year, int month)
{
    static constexpr int Days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : Days[month - 1];
}

// RFC 3339 as E2B writes it ("2026-11-27T06:00:00Z", "...:00.123456789Z", "...+02:00"),
// read by hand: QDateTime::fromString was a third of a 10,000-sandbox listing. Only the
// strict grammar is read here (years 0001-9999, seconds 00-59, offsets Z or ±hh:mm); for
// anything else the caller asks Qt, so such text reads as it always did. A fraction of any
// length is rounded to the nearest millisecond, halves up, as Qt rounds.
std::optional<qint64> rfc3339Msecs(QByteArrayView text)
{
    const qsizetype size = text.size();
    const auto number = [&](qsizetype at, int count, int &value) {
        value = 0;
        for (qsizetype i = at; i < at + count; ++i) {
            if (i >= size || text[i] < '0' || text[i] > '9')
                return false;
            value = value * 10 + (text[i] - '0');
        }
        return true;
    };
    int year, month, day, hour, minute, second;
    if (!number(0, 4, year) || size < 20 || text[4] != '-' || !number(5, 2, month) || text[7] != '-'
        || !number(8, 2, day) || (text[10] != 'T' && text[10] != 't') || !number(11, 2, hour)
        || text[13] != ':' || !number(14, 2, minute) || text[16] != ':' || !number(17, 2, second)) {
        return std::nullopt;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
        || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    qsizetype at = 19;
    int msecs = 0;
    if (text[at] == '.') {
        // The first four digits say the rounded milliseconds; the rest cannot change them.
        int digits = 0;
        int tenthsOfMs = 0;
        for (++at; at < size && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
            if (digits < 4)
                tenthsOfMs = tenthsOfMs * 10 + (text[at] - '0');
        }
        if (digits == 0)
            return std::nullopt;
        for (int i = digits; i < 4; ++i)
            tenthsOfMs *= 10;
        msecs = (tenthsOfMs + 5) / 10;  // 1000 carries into the next second, as in Qt
    }
    int offsetMinutes = 0;
    if (at + 1 == size && (text[at] == 'Z' || text[at] == 'z')) {
        // UTC
    } else if (at + 6 == size && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
        int offsetHours, offsetMins;
        if (!number(at + 1, 2, offsetHours) || !number(at + 4, 2, offsetMins) || offsetHours > 23
            || offsetMins > 59) {
            return std::nullopt;
        }
        offsetMinutes = (offsetHours * 60 + offsetMins) * (text[at] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    const qint64 minutes = (daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes;
    return minutes * 60'000 + second * 1000 + msecs;
}

QDateTime dateFrom(QByteArrayView text)
{
    if (const auto msecs = rfc3339Msecs(text))
        return QDateTime::fromMSecsSinceEpoch(*msecs, Qt::UTC);
    // Other shapes, and nothing at all, as the store reads them.
    return parseTimestamp(QString::fromUtf8(text)).toUTC();
}

QDateTime dateFrom(const QJsonValue &value)
{
    const QString text = value.toString();
    std::array<char, 40> ascii;
    if (text.size() > qsizetype(ascii.size()))
        return parseTimestamp(text).toUTC();
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].unicode() >= 0x80)
            return parseTimestamp(text).toUTC();
        ascii[i] = char(text[i].unicode());
    }
    return dateFrom(QByteArrayView(ascii.data(), text.size()));
}

E2bSandbox sandboxFrom(const QJsonObject &json)
{
    E2bSandbox sandbox;
    sandbox.sandboxId = json.value("sandboxID"_L1).toString();
    sandbox.templateId = json.value("templateID"_L1).toString();
    sandbox.alias = json.value("alias"_L1).toString();
    sandbox.state = json.value("state"_L1).toString();
    sandbox.startedAt = dateFrom(json.value("startedAt"_L1));
    sandbox.endAt = dateFrom(json.value("endAt"_L1));
    sandbox.cpuCount = json.value("cpuCount"_L1).toInt();
    sandbox.memoryMb = json.value("memoryMB"_L1).toInt();
    sandbox.diskSizeMb = json.value("diskSizeMB"_L1).toInt();
    sandbox.envdVersion = json.value("envdVersion"_L1).toString();
    sandbox.domain = json.value("domain"_L1).toString();
    sandbox.envdAccessToken = json.value("envdAccessToken"_L1).toString();
    const QJsonObject metadata = json.value("metadata"_L1).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        sandbox.metadata.insert(it.key(), it.value().toString());
    return sandbox;
}

// E2B's sandbox list (a JSON array of ListedSandbox objects) read straight into E2bSandbox
// values. QJsonDocument::fromJson plus a QJsonObject lookup and a QString per field was two
// thirds of `squadctl sandboxes list --remote` for 10,000 sandboxes. The reader is as strict
// as RFC 8259 (and Qt's parser): any syntax error, invalid UTF-8, a lone surrogate escape, or
// a shape it does not expect (an element that is not an object, a key with escapes, deep
// nesting) makes it give up, and the caller parses the page with QJsonDocument as before,
// so odd answers read exactly as they always did. Fields are converted as QJsonValue's
// toString()/toInt() would: a value of another type reads as empty or 0.
class SandboxListReader
{
public:
    explicit SandboxListReader(QByteArrayView json)
        : m_at(json.data())
        , m_end(json.data() + json.size())
    {}

    // The page's sandboxes, or nullopt when the general parser must decide.
    std::optional<QList<E2bSandbox>> read()
    {
        QList<E2bSandbox> sandboxes;
        skipSpace();
        if (!take('['))
            return std::nullopt;
        skipSpace();
        if (!take(']')) {
            sandboxes.reserve((m_end - m_at) / 256 + 1);
            do {
                skipSpace();
                E2bSandbox &sandbox = sandboxes.emplace_back();
                if (!readSandbox(sandbox))
                    return std::nullopt;
                skipSpace();
            } while (take(','));
            if (!take(']'))
                return std::nullopt;
        }
        skipSpace();
        if (m_at != m_end)
            return std::nullopt;
        return sandboxes;
    }

private:
    enum class Kind { Ascii, Utf8, Escaped };
    struct Text
    {
        QByteArrayView raw;  // between the quotes, as sent
        Kind kind = Kind::Ascii;
        QString decoded;     // Escaped only
    };
    // The last value a field had: E2B repeats templates, aliases, states and metadata keys
    // across sandboxes, and an equal value shares the QString instead of allocating one.
    struct Interned
    {
        QByteArrayView raw;
        QString text;
    };
    static constexpr int MaxDepth = 64;

    bool take(char c)
    {
        if (m_at == m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }

    void skipSpace()
    {
        while (m_at != m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
            ++m_at;
    }

    static QString toString(const Text &text)
    {
        switch (text.kind) {
        case Kind::Ascii:
            return QString::fromLatin1(text.raw);
        case Kind::Utf8:
            return QString::fromUtf8(text.raw);
        case Kind::Escaped:
            return text.decoded;
        }
        return {};
    }

    static QString interned(Interned &slot, const Text &text)
    {
        if (text.kind == Kind::Escaped)
            return text.decoded;
        if (slot.raw != text.raw) {
            slot.raw = text.raw;
            slot.text = toString(text);
        }
        return slot.text;
    }

    // The length of the well-formed UTF-8 sequence at `at` (not ASCII), or 0: no overlong
    // forms, no surrogates, nothing past U+10FFFF (what Qt's parser refuses too).
    qsizetype utf8Length(const char *at) const
    {
        const auto byte = [&](qsizetype i) { return at + i < m_end ? quint8(at[i]) : 0u; };
        const auto continuation = [&](qsizetype i) { return (byte(i) & 0xc0) == 0x80; };
        const quint8 lead = byte(0);
        if (lead >= 0xc2 && lead <= 0xdf)
            return continuation(1) ? 2 : 0;
        if (lead >= 0xe0 && lead <= 0xef) {
            const quint8 second = byte(1);
            if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second > 0x9f))
                return 0;
            return continuation(1) && continuation(2) ? 3 : 0;
        }
        if (lead >= 0xf0 && lead <= 0xf4) {
            const quint8 second = byte(1);
            if ((lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second > 0x8f))
                return 0;
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0;
        }
        return 0;
    }

    bool readHex4(char32_t &value)
    {
        if (m_end - m_at < 4)
            return false;
        value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_at++;
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0)
                return false;
            value = value << 4 | char32_t(digit);
        }
        return true;
    }

    // A string at m_at (its opening quote).
    bool readString(Text &text)
    {
        if (!take('"'))
            return false;
        const char *start = m_at;
        text.kind = Kind::Ascii;
        // Runs of plain characters (printable ASCII but the quote and the backslash) take
        // one table lookup each; the rest is looked at one by one.
        static constexpr auto Plain = [] {
            std::array<bool, 256> plain{};
            for (int c = 0x20; c < 0x80; ++c)
                plain[c] = c != '"' && c != '\\';
            return plain;
        }();
        while (true) {
            while (m_at != m_end && Plain[quint8(*m_at)])
                ++m_at;
            if (m_at == m_end)
                return false;
            const auto c = quint8(*m_at);
            if (c == '"')
                break;
            if (c == '\\')
                return readEscapedString(start, text);
            if (c < 0x20)
                return false;
            if (c < 0x80) {
                ++m_at;
                continue;
            }
            const qsizetype length = utf8Length(m_at);
            if (length == 0)
                return false;
            m_at += length;
            text.kind = Kind::Utf8;
        }
        text.raw = QByteArrayView(start, m_at - start);
        ++m_at;
        return true;
    }

    // The rest of a string with escapes, from its start: decoded into text.decoded.
    bool readEscapedString(const char *start, Text &text)
    {
        QByteArray utf8(start, m_at - start);  // validated above
        while (true) {
            if (m_at == m_end)
                return false;
            const auto c = quint8(*m_at);
            if (c == '"')
                break;
            if (c < 0x20)
                return false;
            if (c >= 0x80) {
                const qsizetype length = utf8Length(m_at);
                if (length == 0)
                    return false;
                utf8.append(m_at, length);
                m_at += length;
                continue;
            }
            ++m_at;
            if (c != '\\') {
                utf8.append(char(c));
                continue;
            }
            if (m_at == m_end)
                return false;
            switch (*m_at++) {
            case '"': utf8.append('"'); break;
            case '\\': utf8.append('\\'); break;
            case '/': utf8.append('/'); break;
            case 'b': utf8.append('\b'); break;
            case 'f': utf8.append('\f'); break;
            case 'n': utf8.append('\n'); break;
            case 'r': utf8.append('\r'); break;
            case 't': utf8.append('\t'); break;
            case 'u': {
                char32_t unit;
                if (!readHex4(unit))
                    return false;
                if (unit >= 0xdc00 && unit <= 0xdfff)
                    return false;  // a lone low surrogate: Qt's parser decides
                if (unit >= 0xd800 && unit <= 0xdbff) {
                    char32_t low;
                    if (!take('\\') || !take('u') || !readHex4(low) || low < 0xdc00 || low > 0xdfff)
                        return false;
                    unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                }
                utf8.append(QString::fromUcs4(&unit, 1).toUtf8());
                break;
            }
            default:
                return false;
            }
        }
        ++m_at;
        text.kind = Kind::Escaped;
        text.raw = {};
        text.decoded = QString::fromUtf8(utf8);
        return true;
    }

    // A number's text, checked against the JSON grammar; `integral` when it has neither a
    // fraction nor an exponent (Qt's parser keeps those as integers). False for malformed
    // numbers and for those left to Qt.
    bool readNumber(QByteArrayView &text, bool &integral)
    {
        const char *start = m_at;
        const auto digits = [this] {
            const char *from = m_at;
            while (m_at != m_end && *m_at >= '0' && *m_at <= '9')
                ++m_at;
            return m_at != from;
        };
        take('-');
        if (!take('0') && !digits())
            return false;
        integral = true;
        if (take('.')) {
            integral = false;
            if (!digits())
                return false;
        }
        const bool exponent = take('e') || take('E');
        if (exponent) {
            integral = false;
            if (!take('+'))
                take('-');
            if (!digits())
                return false;
        }
        text = QByteArrayView(start, m_at - start);
        // Qt refuses numbers that overflow or underflow a double; rather than tell those
        // apart here, any exponent or very long number goes to Qt (E2B sends neither).
        return !exponent && text.size() <= 40;
    }

    // Any value, checked and passed over.
    bool skipValue(int depth = 0)
    {
        if (m_at == m_end || depth > MaxDepth)
            return false;
        const char c = *m_at;
        if (c == '"') {
            Text text;
            return readString(text);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++m_at;
            skipSpace();
            if (take(close))
                return true;
            do {
                skipSpace();
                if (c == '{') {
                    Text key;
                    if (!readString(key))
                        return false;
                    skipSpace();
                    if (!take(':'))
                        return false;
                    skipSpace();
                }
                if (!skipValue(depth + 1))
                    return false;
                skipSpace();
            } while (take(','));
            return take(close);
        }
        for (const std::string_view literal : {"true"sv, "false"sv, "null"sv}) {
            if (m_end - m_at >= qsizetype(literal.size())
                && std::memcmp(m_at, literal.data(), literal.size()) == 0) {
                m_at += literal.size();
                return true;
            }
        }
        QByteArrayView number;
        bool integral;
        return readNumber(number, integral);
    }

    // A string field: its text, or empty for a value of another type.
    bool readText(QString &into, Interned *slot = nullptr)
    {
        if (m_at == m_end || *m_at != '"') {
            into.clear();
            return skipValue();
        }
        Text text;
        if (!readString(text))
            return false;
        into = slot ? interned(*slot, text) : toString(text);
        return true;
    }

    // An int field, as QJsonValue::toInt() reads one: 0 unless it is an integral number
    // within int's range.
    bool readInt(int &into)
    {
        into = 0;
        if (m_at == m_end || (*m_at != '-' && (*m_at < '0' || *m_at > '9')))
            return skipValue();
        QByteArrayView text;
        bool integral;
        if (!readNumber(text, integral))
            return false;
        if (integral) {
            qint64 value;
            const auto [end, error] = std::from_chars(text.begin(), text.end(), value);
            if (error == std::errc() && end == text.end()) {
                if (value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max())
                    into = int(value);
                return true;
            }
            // Too long for 64 bits: a double to Qt, and never an int.
            return true;
        }
        double value;
        const auto [end, error] = std::from_chars(text.begin(), text.end(), value);
        if (error == std::errc() && end == text.end() && value >= std::numeric_limits<int>::min()
            && value <= std::numeric_limits<int>::max() && value == std::trunc(value)) {
            into = int(value);
        }
        return true;
    }

    bool readDate(QDateTime &into)
    {
        if (m_at == m_end || *m_at != '"') {
            into = QDateTime();
            return skipValue();
        }
        Text text;
        if (!readString(text))
            return false;
        into = text.kind == Kind::Ascii ? dateFrom(text.raw) : parseTimestamp(toString(text)).toUTC();
        return true;
    }

    bool readMetadata(QMap<QString, QString> &into)
    {
        into.clear();
        if (!take('{'))
            return skipValue();  // null or another type: no metadata
        skipSpace();
        if (take('}'))
            return true;
        int index = 0;
        do {
            skipSpace();
            Text key;
            if (!readString(key))
                return false;
            skipSpace();
            if (!take(':'))
                return false;
            skipSpace();
            QString value;
            if (!readText(value))
                return false;
            // Keys come in the same order sandbox after sandbox: slot by position.
            Interned &slot = m_metadataKeys[std::min<int>(index++, MetadataSlots - 1)];
            into.insert(interned(slot, key), value);
            skipSpace();
        } while (take(','));
        return take('}');
    }

    bool readSandbox(E2bSandbox &sandbox)
    {
        if (!take('{'))
            return false;  // not an object: the general path decides what it means
        skipSpace();
        if (take('}'))
            return true;
        do {
            skipSpace();
            Text key;
            if (!readString(key) || key.kind != Kind::Ascii)
                return false;
            skipSpace();
            if (!take(':'))
                return false;
            skipSpace();
            // Sizes first: the literals' lengths are known at compile time.
            const auto is = [name = key.raw](std::string_view field) {
                return name.size() == qsizetype(field.size())
                       && std::memcmp(name.data(), field.data(), field.size()) == 0;
            };
            bool ok;
            if (is("sandboxID"))
                ok = readText(sandbox.sandboxId);
            else if (is("templateID"))
                ok = readText(sandbox.templateId, &m_templateId);
            else if (is("alias"))
                ok = readText(sandbox.alias, &m_alias);
            else if (is("state"))
                ok = readText(sandbox.state, &m_state);
            else if (is("startedAt"))
                ok = readDate(sandbox.startedAt);
            else if (is("endAt"))
                ok = readDate(sandbox.endAt);
            else if (is("cpuCount"))
                ok = readInt(sandbox.cpuCount);
            else if (is("memoryMB"))
                ok = readInt(sandbox.memoryMb);
            else if (is("diskSizeMB"))
                ok = readInt(sandbox.diskSizeMb);
            else if (is("envdVersion"))
                ok = readText(sandbox.envdVersion, &m_envdVersion);
            else if (is("domain"))
                ok = readText(sandbox.domain, &m_domain);
            else if (is("envdAccessToken"))
                ok = readText(sandbox.envdAccessToken);
            else if (is("metadata"))
                ok = readMetadata(sandbox.metadata);
            else
                ok = skipValue();
            if (!ok)
                return false;
            skipSpace();
        } while (take(','));
        return take('}');
    }

    static constexpr int MetadataSlots = 8;

    const char *m_at;
    const char *m_end;
    Interned m_templateId, m_alias, m_state, m_envdVersion, m_domain;
    std::array<Interned, MetadataSlots> m_metadataKeys;
};

// A transport failure (no HTTP status) as an Error.
Error transportError(QNetworkReply::NetworkError code, const QString &what, const QString &text)
{
    if (code == QNetworkReply::OperationCanceledError || code == QNetworkReply::TimeoutError)
        return {ErrorCode::Timeout, u"%1 timed out: E2B did not answer in time."_s.arg(what), text};
    return {ErrorCode::Unavailable,
            u"%1 failed: E2B could not be reached; check the network and the API URL."_s.arg(what),
            text};
}

QString encodedId(const QString &sandboxId)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(sandboxId));
}

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool retryableStatus(int status)
{
    return status >= 500;
}

// A 404 or 405 from a newer route, which older deployments lack. (e2bApiError's detail starts
// with the status.)
bool isMissingRoute(const Error &error)
{
    return error.detail().startsWith(u"HTTP 404"_s) || error.detail().startsWith(u"HTTP 405"_s);
}

} // namespace

E2bApi::E2bApi(E2bEndpoint endpoint, QString apiKey, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_apiKey(std::move(apiKey))
    , m_network(new QNetworkAccessManager(this))
{
}

E2bApi::~E2bApi() = default;

QByteArray E2bApi::metadataQuery(const QMap<QString, QString> &metadata)
{
    QByteArrayList pairs;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        pairs << QUrl::toPercentEncoding(it.key()) + '=' + QUrl::toPercentEncoding(it.value());
    return QUrl::toPercentEncoding(QString::fromLatin1(pairs.join('&')));
}

int E2bApi::backoffFor(int attempt) const
{
    const qint64 wait = qint64(m_options.backoffMs) << std::min(attempt - 1, 20);
    return int(std::min<qint64>(wait, m_options.backoffCapMs));
}

void E2bApi::send(const Call &call, Done done, int attempt)
{
    if (m_apiKey.isEmpty()) {
        done(fail(ErrorCode::Unauthenticated,
                  u"%1 needs an E2B API key: set one in Settings → Accounts, with `squadctl auth "
                  "set e2b`, or in E2B_API_KEY."_s.arg(call.what)));
        return;
    }
    QUrl url = m_endpoint.apiUrl();
    // call.path is already percent-encoded (encodedId): kept as it is, not encoded again,
    // so an id's "%2F" stays one path segment instead of becoming "%252F".
    url.setPath(url.path(QUrl::FullyEncoded) + call.path, QUrl::TolerantMode);
    if (!call.query.isEmpty()) {
        QByteArrayList items;
        for (const auto &[name, value] : call.query)
            items << name + '=' + value;
        url.setQuery(QString::fromLatin1(items.join('&')), QUrl::StrictMode);
    }
    QNetworkRequest request(url);
    request.setRawHeader("X-API-Key", m_apiKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, u"squad-console"_s);
    request.setTransferTimeout(m_options.requestTimeoutMs);
    if (!call.body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method, call.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, call, done, attempt] {
        reply->deleteLater();
        onReply(reply, call, done, attempt);
    });
}

void E2bApi::onReply(QNetworkReply *reply, const Call &call, const Done &done, int attempt)
{
    const QVariant statusValue = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const bool retriesLeft = attempt < m_options.maxAttempts;
    const auto retryAfter = [&](int waitMs) {
        QTimer::singleShot(waitMs, this, [this, call, done, attempt] { send(call, done, attempt + 1); });
    };

    if (!statusValue.isValid()) {
        // No answer at all: whether the server acted is unknown, so only a repeatable call
        // may go again.
        if (call.idempotent && retriesLeft) {
            retryAfter(backoffFor(attempt));
            return;
        }
        done(tl::unexpected(transportError(reply->error(), call.what, reply->errorString())));
        return;
    }

    Response response;
    response.status = statusValue.toInt();
    response.body = reply->readAll();
    response.nextToken = reply->rawHeader("X-Next-Token");
    if (response.status >= 200 && response.status < 300) {
        done(std::move(response));
        return;
    }
    if (response.status == 429) {
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
        const int waitMs = ok && seconds >= 0 ? seconds * 1000 : backoffFor(attempt);
        if (retriesLeft && waitMs <= m_options.backoffCapMs) {
            retryAfter(waitMs);
            return;
        }
        done(tl::unexpected(e2bApiError(429, response.body, call.what,
                                        ok ? std::optional(seconds) : std::nullopt)));
        return;
    }
    if (retryableStatus(response.status) && call.idempotent && retriesLeft) {
        retryAfter(backoffFor(attempt));
        return;
    }
    done(tl::unexpected(e2bApiError(response.status, response.body, call.what)));
}

QFuture<Result<QList<E2bSandbox>>> E2bApi::listSandboxes(const E2bListFilter &filter)
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bSandbox>>>>();
    promise->start();
    startListing(filter, [promise](Result<QList<E2bSandbox>> result) {
        promise->addResult(std::move(result));
        promise->finish();
    });
    return promise->future();
}

void E2bApi::startListing(const E2bListFilter &filter,
                          std::function<void(Result<QList<E2bSandbox>>)> done)
{
    auto listing = std::make_shared<Listing>();
    listing->filter = filter;
    listing->done = std::move(done);
    listPage(listing, {});
}

void E2bApi::listPage(const std::shared_ptr<Listing> &listing, const QByteArray &token)
{
    const E2bListFilter &filter = listing->filter;
    Call call{"GET", u"/v2/sandboxes"_s, {}, {}, u"Listing the E2B sandboxes"_s, true};
    call.query.append({"limit", QByteArray::number(std::clamp(filter.pageSize, 1, 100))});
    if (!filter.states.isEmpty())
        call.query.append({"state", QUrl::toPercentEncoding(filter.states.join(u','), ",")});
    if (!filter.metadata.isEmpty())
        call.query.append({"metadata", metadataQuery(filter.metadata)});
    if (!token.isEmpty())
        call.query.append({"nextToken", QUrl::toPercentEncoding(QString::fromLatin1(token))});

    send(call, [this, listing](Result<Response> response) {
        if (listing->settled)
            return;  // an earlier page failed while this one was on its way
        const auto settle = [&listing](Result<QList<E2bSandbox>> result) {
            listing->settled = true;
            listing->done(std::move(result));
        };
        if (!response) {
            settle(tl::unexpected(response.error()));
            return;
        }
        // The next page is asked for before this one is read: reading it then overlaps the
        // next round trip instead of adding to it. Pages still land in order, as the next
        // answer is handled only after this handler returns.
        const bool last = response->nextToken.isEmpty();
        if (!last)
            listPage(listing, response->nextToken);
        if (auto sandboxes = SandboxListReader(response->body).read()) {
            listing->found.append(std::move(*sandboxes));
        } else {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            if (!document.isArray()) {
                settle(fail(ErrorCode::Provider,
                            u"Listing the E2B sandboxes failed: E2B's answer was not a list."_s));
                return;
            }
            for (const QJsonValue &value : document.array())
                listing->found.append(sandboxFrom(value.toObject()));
        }
        if (last)
            settle(std::move(listing->found));
    });
}

QFuture<Result<E2bSandbox>> E2bApi::getSandbox(const QString &sandboxId)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    const Call call{"GET", u"/sandboxes/"_s + encodedId(sandboxId),
                    {}, {}, u"Reading sandbox %1 from E2B"_s.arg(sandboxId), true};
    send(call, [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
        } else {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            if (document.isObject())
                promise->addResult(sandboxFrom(document.object()));
            else
                promise->addResult(fail(ErrorCode::Provider, u"E2B's answer about the sandbox was unreadable."_s));
        }
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<void>> E2bApi::killSandbox(const QString &sandboxId)
{
    return simple({"DELETE", u"/sandboxes/"_s + encodedId(sandboxId), {}, {},
                   u"Terminating sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<void>> E2bApi::setTimeout(const QString &sandboxId, int seconds)
{
    if (seconds <= 0) {
        return readyFuture<Result<void>>(
            fail(ErrorCode::InvalidArgument, u"A sandbox's timeout must be at least one second."_s));
    }
    // It sets an absolute deadline from now: repeating it is harmless.
    return simple({"POST", u"/sandboxes/%1/timeout"_s.arg(encodedId(sandboxId)), {},
                   jsonBody({{u"timeout"_s, seconds}}),
                   u"Setting the timeout of sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<E2bSandbox>> E2bApi::createSandbox(const E2bCreateRequest &request)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    if (request.templateId.trimmed().isEmpty() || request.timeoutSeconds <= 0 || request.requestId.isEmpty()) {
        promise->addResult(fail(ErrorCode::InvalidArgument,
                                u"A sandbox needs a template, a timeout of at least one second "
                                "and a request id."_s));
        promise->finish();
        return promise->future();
    }
    create(request, false, 1, [promise](Result<E2bSandbox> result) {
        promise->addResult(std::move(result));
        promise->finish();
    });
    return promise->future();
}

void E2bApi::create(const E2bCreateRequest &request, bool legacy, int attempt,
                    std::function<void(Result<E2bSandbox>)> done)
{
    QJsonObject metadata;
    for (auto it = request.metadata.begin(); it != request.metadata.end(); ++it)
        metadata.insert(it.key(), it.value());
    metadata.insert(RequestIdKey, request.requestId);
    QJsonObject body{{u"templateID"_s, request.templateId},
                     {u"timeout"_s, request.timeoutSeconds},
                     {u"metadata"_s, metadata}};
    if (!request.envVars.isEmpty()) {
        QJsonObject envVars;
        for (auto it = request.envVars.begin(); it != request.envVars.end(); ++it)
            envVars.insert(it.key(), it.value());
        body.insert(u"envVars"_s, envVars);
    }
    if (legacy)
        body.insert(u"secure"_s, true);  // the old endpoint's way to get an envd access token
    const Call call{"POST", legacy ? u"/sandboxes"_s : u"/v2/sandboxes"_s, {},
                    QJsonDocument(body).toJson(QJsonDocument::Compact),
                    u"Creating a sandbox from template %1"_s.arg(request.templateId), false};
    send(call, [this, request, legacy, attempt, done](Result<Response> response) {
        if (response) {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            if (!document.isObject()) {
                done(fail(ErrorCode::Provider, u"E2B's answer to the create was unreadable."_s));
                return;
            }
            done(sandboxFrom(document.object()));
            return;
        }
        const Error &error = response.error();
        // A deployment without /v2/sandboxes answers 404 or 405 there. A 404 can also be an
        // unknown template; the older endpoint then says the same, and that answer stands.
        if (!legacy && isMissingRoute(error)) {
            create(request, true, attempt, done);
            return;
        }
        const bool ambiguous = error.code() == ErrorCode::Timeout || error.code() == ErrorCode::Unavailable;
        if (!ambiguous) {
            done(tl::unexpected(error));
            return;
        }
        recoverCreate(request, legacy, attempt, error, done);
    });
}

void E2bApi::recoverCreate(const E2bCreateRequest &request, bool legacy, int attempt,
                           const Error &error, std::function<void(Result<E2bSandbox>)> done)
{
    E2bListFilter filter;
    filter.metadata = {{QString(RequestIdKey), request.requestId}};
    startListing(filter, [this, request, legacy, attempt, error, done](Result<QList<E2bSandbox>> found) {
        if (!found) {
            // Neither the create nor the check got an answer: saying so is all that
            // is safe; sending it again could make a second sandbox.
            done(tl::unexpected(Error(
                error.code(),
                u"%1 It is not known whether E2B made the sandbox; refresh the list "
                "before creating again."_s.arg(error.message()),
                error.detail())));
            return;
        }
        if (!found->isEmpty()) {
            // E2B made it: read it whole (its envd token comes only from get).
            const QString id = found->first().sandboxId;
            getSandbox(id).then(this, [done](const Result<E2bSandbox> &sandbox) {
                done(sandbox);
            });
            return;
        }
        if (attempt < m_options.maxAttempts) {
            QTimer::singleShot(backoffFor(attempt), this, [this, request, legacy, attempt, done] {
                create(request, legacy, attempt + 1, done);
            });
            return;
        }
        done(tl::unexpected(error));
    });
}

namespace {

E2bMetric metricFrom(const QJsonObject &json)
{
    E2bMetric metric;
    metric.timestamp = json.contains("timestampUnix"_L1)
                           ? QDateTime::fromSecsSinceEpoch(json.value("timestampUnix"_L1).toInteger(), Qt::UTC)
                           : dateFrom(json.value("timestamp"_L1));
    metric.cpuCount = json.value("cpuCount"_L1).toInt();
    metric.cpuUsedPercent = json.value("cpuUsedPct"_L1).toDouble();
    metric.memoryUsedBytes = json.value("memUsed"_L1).toInteger();
    metric.memoryTotalBytes = json.value("memTotal"_L1).toInteger();
    metric.diskUsedBytes = json.value("diskUsed"_L1).toInteger();
    metric.diskTotalBytes = json.value("diskTotal"_L1).toInteger();
    return metric;
}

} // namespace

QFuture<Result<void>> E2bApi::simple(const Call &call)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    send(call, [promise](Result<Response> response) {
        promise->addResult(response ? Result<void>() : Result<void>(tl::unexpected(response.error())));
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<void>> E2bApi::pauseSandbox(const QString &sandboxId)
{
    // Not repeated on an unclear failure: a second pause of a sandbox being paused is a 409.
    return simple({"POST", u"/sandboxes/%1/pause"_s.arg(encodedId(sandboxId)), {}, {},
                   u"Pausing sandbox %1"_s.arg(sandboxId), false});
}

QFuture<Result<void>> E2bApi::refreshSandbox(const QString &sandboxId, int seconds)
{
    return simple({"POST", u"/sandboxes/%1/refreshes"_s.arg(encodedId(sandboxId)), {},
                   jsonBody({{u"duration"_s, std::clamp(seconds, 0, 3600)}}),
                   u"Extending sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<void>> E2bApi::checkHealth()
{
    // /health answers without a key; listing one sandbox proves the key as well.
    return simple({"GET", u"/v2/sandboxes"_s, {{"limit", "1"}}, {},
                   u"Checking the connection to E2B"_s, true});
}

QFuture<Result<E2bSandbox>> E2bApi::connectSandbox(const QString &sandboxId, int timeoutSeconds)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    const QByteArray body = jsonBody({{u"timeout"_s, std::max(1, timeoutSeconds)}});
    const QString what = u"Resuming sandbox %1"_s.arg(sandboxId);
    // Connecting twice is harmless (it only extends the life), so it may be repeated.
    const Call current{"POST", u"/v2/sandboxes/%1/connect"_s.arg(encodedId(sandboxId)), {}, body, what, true};
    const Call older{"POST", u"/sandboxes/%1/connect"_s.arg(encodedId(sandboxId)), {}, body, what, true};
    auto finish = [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
        } else {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            E2bSandbox sandbox = sandboxFrom(document.object());
            sandbox.state = u"running"_s;
            promise->addResult(std::move(sandbox));
        }
        promise->finish();
    };
    send(current, [this, older, finish](Result<Response> response) {
        if (!response && isMissingRoute(response.error())) {
            send(older, finish);  // a deployment without the v2 route, or no such sandbox
            return;
        }
        finish(std::move(response));
    });
    return promise->future();
}

QFuture<Result<QList<E2bTemplate>>> E2bApi::listTemplates()
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bTemplate>>>>();
    promise->start();
    templatesPage({}, std::make_shared<QList<E2bTemplate>>(), [promise](Result<QList<E2bTemplate>> result) {
        promise->addResult(std::move(result));
        promise->finish();
    });
    return promise->future();
}

void E2bApi::templatesPage(const QByteArray &token, std::shared_ptr<QList<E2bTemplate>> found,
                           std::function<void(Result<QList<E2bTemplate>>)> done)
{
    Call call{"GET", u"/v2/templates"_s, {{"limit", "100"}}, {}, u"Listing the E2B templates"_s, true};
    if (!token.isEmpty())
        call.query.append({"nextToken", QUrl::toPercentEncoding(QString::fromLatin1(token))});
    send(call, [this, found, done](Result<Response> response) {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        for (const QJsonValue &value : QJsonDocument::fromJson(response->body).array()) {
            const QJsonObject json = value.toObject();
            E2bTemplate entry;
            entry.templateId = json.value("templateID"_L1).toString();
            entry.buildId = json.value("buildID"_L1).toString();
            for (const QJsonValue &alias : json.value("aliases"_L1).toArray())
                entry.aliases << alias.toString();
            entry.cpuCount = json.value("cpuCount"_L1).toInt();
            entry.memoryMb = json.value("memoryMB"_L1).toInt();
            entry.diskSizeMb = json.value("diskSizeMB"_L1).toInt();
            entry.isPublic = json.value("public"_L1).toBool();
            entry.createdAt = dateFrom(json.value("createdAt"_L1));
            found->append(entry);
        }
        if (response->nextToken.isEmpty())
            done(std::move(*found));
        else
            templatesPage(response->nextToken, found, done);
    });
}

QFuture<Result<QMap<QString, E2bMetric>>> E2bApi::latestMetrics(const QStringList &sandboxIds)
{
    auto promise = std::make_shared<QPromise<Result<QMap<QString, E2bMetric>>>>();
    promise->start();
    metricsBatch(sandboxIds, std::make_shared<QMap<QString, E2bMetric>>(),
                 [promise](Result<QMap<QString, E2bMetric>> result) {
                     promise->addResult(std::move(result));
                     promise->finish();
                 });
    return promise->future();
}

void E2bApi::metricsBatch(QStringList remaining, std::shared_ptr<QMap<QString, E2bMetric>> found,
                          std::function<void(Result<QMap<QString, E2bMetric>>)> done)
{
    if (remaining.isEmpty()) {
        done(std::move(*found));
        return;
    }
    constexpr int MaxIdsPerCall = 100;  // E2B refuses more
    const QStringList batch = remaining.mid(0, MaxIdsPerCall);
    remaining = remaining.mid(MaxIdsPerCall);
    const Call call{"GET", u"/sandboxes/metrics"_s,
                    {{"sandbox_ids", QUrl::toPercentEncoding(batch.join(u','), ",")}}, {},
                    u"Reading the sandboxes' metrics"_s, true};
    send(call, [this, remaining, found, done](Result<Response> response) {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        const QJsonObject sandboxes
            = QJsonDocument::fromJson(response->body).object().value("sandboxes"_L1).toObject();
        for (auto it = sandboxes.begin(); it != sandboxes.end(); ++it)
            found->insert(it.key(), metricFrom(it.value().toObject()));
        metricsBatch(remaining, found, done);
    });
}

QFuture<Result<QList<E2bMetric>>> E2bApi::sandboxMetrics(const QString &sandboxId,
                                                         const QDateTime &start,
                                                         const QDateTime &end)
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bMetric>>>>();
    promise->start();
    Call call{"GET", u"/sandboxes/%1/metrics"_s.arg(encodedId(sandboxId)), {}, {},
              u"Reading the metrics of sandbox %1"_s.arg(sandboxId), true};
    // Unix seconds, never below 0 (the spec's minimum): the start rounded down and the end
    // up, so no sample inside the asked interval is left out.
    if (start.isValid())
        call.query.append({"start", QByteArray::number(std::max<qint64>(0, start.toSecsSinceEpoch()))});
    if (end.isValid()) {
        const qint64 endMs = end.toMSecsSinceEpoch();
        call.query.append({"end", QByteArray::number(std::max<qint64>(0, endMs / 1000 + (endMs % 1000 > 0)))});
    }
    send(call, [promise, sandboxId](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
            promise->finish();
            return;
        }
        const QJsonDocument document = QJsonDocument::fromJson(response->body);
        if (!document.isArray()) {
            promise->addResult(fail(ErrorCode::Provider,
                                    u"E2B's answer about the metrics of sandbox %1 was unreadable."_s.arg(sandboxId)));
            promise->finish();
            return;
        }
        const QJsonArray samples = document.array();
        QList<E2bMetric> metrics;
        metrics.reserve(samples.size());
        for (const QJsonValue &value : samples)
            metrics.append(metricFrom(value.toObject()));
        // The spec does not promise an order; a chart needs one.
        std::stable_sort(metrics.begin(), metrics.end(),
                         [](const E2bMetric &a, const E2bMetric &b) { return a.timestamp < b.timestamp; });
        promise->addResult(std::move(metrics));
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<QList<E2bLogEntry>>> E2bApi::sandboxLogs(const QString &sandboxId, int limit)
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bLogEntry>>>>();
    promise->start();
    const Call call{"GET", u"/v2/sandboxes/%1/logs"_s.arg(encodedId(sandboxId)),
                    {{"limit", QByteArray::number(std::clamp(limit, 1, 1000))}, {"direction", "backward"}},
                    {}, u"Reading the logs of sandbox %1"_s.arg(sandboxId), true};
    send(call, [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
            promise->finish();
            return;
        }
        QList<E2bLogEntry> entries;
        for (const QJsonValue &value : QJsonDocument::fromJson(response->body).object().value("logs"_L1).toArray()) {
            const QJsonObject json = value.toObject();
            entries.append({dateFrom(json.value("timestamp"_L1)), json.value("level"_L1).toString(),
                            redactSecrets(json.value("message"_L1).toString())});
        }
        // Asked newest first, shown oldest first.
        std::stable_sort(entries.begin(), entries.end(),
                         [](const E2bLogEntry &a, const E2bLogEntry &b) { return a.timestamp < b.timestamp; });
        promise->addResult(std::move(entries));
        promise->finish();
    });
    return promise->future();
}

} // namespace squad
