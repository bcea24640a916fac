// SPDX-License-Identifier: MIT
#include "githuberrors.h"

#include "core/redaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QJsonObject errorObject(QByteArrayView body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray());
    return document.isObject() ? document.object() : QJsonObject();
}

QString sentence(const QString &text)
{
    return text.endsWith(u'.') ? text : text + u'.';
}

// What the refusal says is missing: the fine-grained permissions or the classic scopes the
// endpoint accepts, as GitHub named them.
QString missingRights(const GitHubRefusal &refusal)
{
    if (!refusal.acceptedPermissions.isEmpty()) {
        QString alternatives = QString::fromLatin1(refusal.acceptedPermissions);
        alternatives.replace(u';', u" or "_s).replace(u',', u", "_s);
        return u"it needs the permission %1"_s.arg(alternatives.simplified());
    }
    if (!refusal.acceptedScopes.isEmpty()) {
        const QString granted = refusal.hasGrantedScopes
            ? (refusal.grantedScopes.trimmed().isEmpty() ? u"none"_s
                                                         : QString::fromLatin1(refusal.grantedScopes))
            : QString();
        return granted.isEmpty()
            ? u"it needs the scope %1"_s.arg(QString::fromLatin1(refusal.acceptedScopes))
            : u"it needs the scope %1 (it has: %2)"_s.arg(
                  QString::fromLatin1(refusal.acceptedScopes), granted);
    }
    return {};
}

QString credentialHint(const GitHubRefusal &refusal)
{
    return refusal.appInstallation
        ? u"Check the GitHub App's permissions and the repositories its installation may use."_s
        : u"Give the token access in GitHub's settings, or set another one in Settings → "
          "Accounts, with `squadctl auth set github`, or in GITHUB_TOKEN."_s;
}

} // namespace

QString gitHubErrorMessage(QByteArrayView body)
{
    return redactSecrets(errorObject(body).value("message"_L1).toString().trimmed());
}

QStringList gitHubErrorItems(QByteArrayView body)
{
    QStringList items;
    for (const QJsonValue &value : errorObject(body).value("errors"_L1).toArray()) {
        if (value.isString()) {
            items << redactSecrets(value.toString());
            continue;
        }
        const QJsonObject item = value.toObject();
        const QString message = item.value("message"_L1).toString();
        if (!message.isEmpty()) {
            items << redactSecrets(message);
            continue;
        }
        const QString field = item.value("field"_L1).toString();
        const QString code = item.value("code"_L1).toString();
        items << redactSecrets(field.isEmpty() ? code : field + u": "_s + code);
    }
    return items;
}

Error gitHubApiError(const GitHubRefusal &refusal, const QString &what)
{
    const QString said = gitHubErrorMessage(refusal.body);
    const QStringList items = gitHubErrorItems(refusal.body);
    QString detail = u"HTTP %1"_s.arg(refusal.status);
    if (!said.isEmpty())
        detail += u": "_s + said;
    if (!items.isEmpty())
        detail += u" ("_s + items.join(u"; "_s) + u')';
    const QString saidPart = said.isEmpty() ? QString() : u" (%1)"_s.arg(said);
    const QString rights = missingRights(refusal);

    switch (refusal.status) {
    case 400:
        return {ErrorCode::InvalidArgument, sentence(u"%1 was refused by GitHub%2"_s.arg(what, saidPart)),
                detail};
    case 401:
        if (refusal.appInstallation) {
            return {ErrorCode::Unauthenticated,
                    u"%1 failed: GitHub rejected the GitHub App's credentials (401%2). Check the "
                    "app's client ID, installation ID and private key in Settings → Accounts."_s
                        .arg(what, said.isEmpty() ? QString() : u": "_s + said),
                    detail};
        }
        return {ErrorCode::Unauthenticated,
                u"%1 failed: GitHub rejected the token (401%2): it is wrong, expired or revoked. "
                "Set a valid token in Settings → Accounts, with `squadctl auth set github`, or in "
                "GITHUB_TOKEN."_s.arg(what, said.isEmpty() ? QString() : u": "_s + said),
                detail};
    case 403:
        return {ErrorCode::PermissionDenied,
                u"%1 was refused (403%2): the %3 may not do this%4. %5"_s.arg(
                    what, said.isEmpty() ? QString() : u": "_s + said,
                    refusal.appInstallation ? u"GitHub App"_s : u"token"_s,
                    rights.isEmpty() ? QString() : u" — "_s + rights, credentialHint(refusal)),
                detail};
    case 404:
        return {ErrorCode::NotFound,
                u"%1 failed: GitHub has no such repository or pull request, or the %2 cannot see "
                "it (GitHub answers 404 for private repositories a token may not read)%3. %4"_s.arg(
                    what, refusal.appInstallation ? u"GitHub App"_s : u"token"_s,
                    rights.isEmpty() ? QString() : u" — "_s + rights, credentialHint(refusal)),
                detail};
    case 409:
        return {ErrorCode::Conflict, sentence(u"%1 failed: GitHub reports a conflict%2"_s.arg(what, saidPart)),
                detail};
    case 410:
        return {ErrorCode::Provider,
                sentence(u"%1 failed: GitHub no longer serves this API (410 Gone%2); update Squad "
                         "Console"_s.arg(what, said.isEmpty() ? QString() : u": "_s + said)),
                detail};
    case 422: {
        const QString reasons = items.isEmpty() ? said : items.join(u"; "_s);
        return {ErrorCode::InvalidArgument,
                sentence(u"%1 was refused by GitHub: %2"_s.arg(what, reasons.isEmpty() ? u"validation failed"_s
                                                                                         : reasons)),
                detail};
    }
    case 429:
        return {ErrorCode::RateLimited,
                u"%1 failed: GitHub's rate limit was hit (429%2); try again later."_s.arg(
                    what, said.isEmpty() ? QString() : u": "_s + said),
                detail};
    default:
        break;
    }
    if (refusal.status >= 500) {
        return {ErrorCode::Unavailable,
                u"%1 failed: GitHub had a server error (%2); try again in a moment."_s.arg(
                    what, QString::number(refusal.status)),
                detail};
    }
    return {ErrorCode::Provider,
            sentence(u"%1 failed: GitHub answered %2%3"_s.arg(what, QString::number(refusal.status),
                                                               saidPart)),
            detail};
}

} // namespace squad
