// SPDX-License-Identifier: MIT
#include "timestamp.h"

namespace squad {

static constexpr qint64 MsPerDay = 86'400'000;

// Howard Hinnant's civil-calendar algorithms (days since 1970-01-01 <-> y/m/d).
static void civilFromDays(qint64 z, int &y, int &m, int &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

static qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

template<class Char>
static void putDigits(Char *&out, int value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = Char(u'0' + value % 10);
        value /= 10;
    }
    out += width;
}

// Writes "yyyy-MM-ddTHH:mm:ss.zzzZ" (24 characters) for years 0000–9999.
template<class Char>
static bool writeTimestamp(qint64 ms, Char *out)
{
    qint64 days = ms / MsPerDay;
    qint64 rest = ms % MsPerDay;
    if (rest < 0) {
        rest += MsPerDay;
        --days;
    }
    int y = 0, mo = 0, d = 0;
    civilFromDays(days, y, mo, d);
    if (y < 0 || y > 9999)
        return false;
    putDigits(out, y, 4);
    *out++ = Char(u'-');
    putDigits(out, mo, 2);
    *out++ = Char(u'-');
    putDigits(out, d, 2);
    *out++ = Char(u'T');
    putDigits(out, int(rest / 3'600'000), 2);
    *out++ = Char(u':');
    putDigits(out, int(rest / 60'000 % 60), 2);
    *out++ = Char(u':');
    putDigits(out, int(rest / 1000 % 60), 2);
    *out++ = Char(u'.');
    putDigits(out, int(rest % 1000), 3);
    *out++ = Char(u'Z');
    return true;
}

QString formatTimestamp(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    QString text(24, Qt::Uninitialized);
    if (!writeTimestamp(utc.toMSecsSinceEpoch(), text.data()))
        return utc.toUTC().toString(Qt::ISODateWithMs);
    return text;
}

bool formatTimestampAscii(qint64 msecsSinceEpoch, char *out)
{
    return writeTimestamp(msecsSinceEpoch, out);
}

static bool readDigits(QStringView text, qsizetype pos, int width, int &value)
{
    value = 0;
    for (qsizetype i = pos; i < pos + width; ++i) {
        const char16_t c = text[i].unicode();
        if (c < u'0' || c > u'9')
            return false;
        value = value * 10 + (c - u'0');
    }
    return true;
}

QDateTime parseTimestamp(QStringView text)
{
    if (text.isEmpty())
        return {};
    // Fast path: exactly "yyyy-MM-ddTHH:mm:ss.zzzZ".
    if (text.size() == 24 && text[4] == u'-' && text[7] == u'-' && text[10] == u'T'
        && text[13] == u':' && text[16] == u':' && text[19] == u'.' && text[23] == u'Z') {
        int y, mo, d, h, mi, s, ms;
        if (readDigits(text, 0, 4, y) && readDigits(text, 5, 2, mo) && readDigits(text, 8, 2, d)
            && readDigits(text, 11, 2, h) && readDigits(text, 14, 2, mi)
            && readDigits(text, 17, 2, s) && readDigits(text, 20, 3, ms) && mo >= 1 && mo <= 12
            && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 60) {
            const qint64 epochMs = daysFromCivil(y, mo, d) * MsPerDay
                                   + ((h * 60 + mi) * 60 + s) * qint64(1000) + ms;
            return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC);
        }
    }
    QString normalised = text.toString();
    // PostgreSQL's text form uses a space separator and a "+00" offset.
    if (normalised.size() > 10 && normalised[10] == u' ')
        normalised[10] = u'T';
    if (normalised.endsWith(QLatin1String("+00")))
        normalised.append(QLatin1String(":00"));
    QDateTime parsed = QDateTime::fromString(normalised, Qt::ISODateWithMs);
    return parsed.isValid() ? parsed.toUTC() : QDateTime();
}

QDateTime nowUtc()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace squad
