// SPDX-License-Identifier: MIT
#include "databaselocation.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace squad {

QString DatabaseLocation::displayName() const
{
    if (kind == Kind::Sqlite)
        return sqlitePath;
    return u"postgresql://%1%2@%3:%4/%5"_s.arg(user, password.isEmpty() ? QString() : u":***"_s,
                                              host, QString::number(port), databaseName);
}

static tl::unexpected<Error> malformedUrl(const QString &why)
{
    return fail(ErrorCode::InvalidArgument,
                u"Malformed database URL: %1. Expected "
                "postgresql://user[:password]@host:port/dbname or a SQLite file path"_s.arg(why));
}

Result<DatabaseLocation> DatabaseLocation::parse(const QString &text, const QString &dataDir)
{
    DatabaseLocation location;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        location.sqlitePath = QDir(dataDir).filePath(u"squad.db"_s);
        return location;
    }

    static const QRegularExpression schemePrefix(u"^([A-Za-z][A-Za-z0-9+.-]*)://"_s);
    const QRegularExpressionMatch scheme = schemePrefix.match(trimmed);
    if (!scheme.hasMatch()) {
        if (trimmed.startsWith(u"sqlite:"_s))
            location.sqlitePath = QFileInfo(trimmed.mid(7)).absoluteFilePath();
        else
            location.sqlitePath = QFileInfo(trimmed).absoluteFilePath();
        return location;
    }

    const QString schemeName = scheme.captured(1).toLower();
    if (schemeName != u"postgresql" && schemeName != u"postgres")
        return malformedUrl(u"unsupported scheme \"%1\""_s.arg(schemeName));

    const QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid())
        return malformedUrl(u"it is not a valid URL"_s);
    location.kind = Kind::Postgres;
    location.host = url.host();
    location.user = url.userName();
    location.password = url.password();
    location.databaseName = url.path().mid(1);
    if (location.host.isEmpty())
        return malformedUrl(u"no host"_s);
    if (location.user.isEmpty())
        return malformedUrl(u"no user name"_s);
    if (location.databaseName.isEmpty() || location.databaseName.contains(u'/'))
        return malformedUrl(u"no database name after the host"_s);
    if (url.hasQuery() || url.hasFragment())
        return malformedUrl(u"query parameters are not supported"_s);
    // QUrl reports -1 for a missing port and also for a non-numeric one, which it rejects as
    // invalid in strict mode; check the text so "host:" with nothing after it is refused too.
    if (url.port() == -1 && url.authority().endsWith(u':'))
        return malformedUrl(u"empty port"_s);
    if (url.port() == 0)
        return malformedUrl(u"port 0"_s);
    location.port = url.port(5432);
    return location;
}

} // namespace squad
