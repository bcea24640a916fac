// SPDX-License-Identifier: MIT
#include "validation.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace squad {

Result<QString> validateTemplateId(const QString &text)
{
    static const QRegularExpression allowed(uR"(^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$)"_s);
    const QString id = text.trimmed();
    if (!allowed.match(id).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid template id: use letters, digits, '-', '_', '.', ':' "
                    "or '/' (at most 128 characters)"_s.arg(id.left(64)));
    }
    return id;
}

Result<QString> validateRepoUrl(const QString &text)
{
    const QString url = text.trimmed();
    static const QRegularExpression scpLike(uR"(^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$)"_s);
    if (scpLike.match(url).hasMatch())
        return url;

    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    const bool knownScheme = scheme == u"https" || scheme == u"http" || scheme == u"ssh"
                             || scheme == u"git";
    if (url.isEmpty() || !parsed.isValid() || !knownScheme || parsed.host().isEmpty()
        || parsed.path().size() < 2 || url.contains(QRegularExpression(u"\\s"_s))) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a repository URL: expected https://host/owner/repo(.git), "
                    "ssh://git@host/owner/repo or git@host:owner/repo"_s.arg(url.left(200)));
    }
    if (!parsed.password().isEmpty() || (scheme.startsWith(u"http") && !parsed.userName().isEmpty())) {
        return fail(ErrorCode::InvalidArgument,
                    u"The repository URL must not contain credentials: remove the user name "
                    "and token from it and add the token in Settings → Accounts"_s);
    }
    return url;
}

} // namespace squad
