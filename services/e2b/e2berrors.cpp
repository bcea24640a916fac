// SPDX-License-Identifier: MIT
#include "e2berrors.h"

#include "core/redaction.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad {

QString e2bErrorMessage(QByteArrayView body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray());
    if (!document.isObject())
        return {};
    return redactSecrets(document.object().value("message"_L1).toString().trimmed());
}

namespace {

// What E2B said, for the detail: "429: Rate limit exceeded".
QString saidDetail(int status, const QString &said)
{
    return said.isEmpty() ? u"HTTP %1"_s.arg(status) : u"HTTP %1: %2"_s.arg(status).arg(said);
}

QString sentence(const QString &text)
{
    return text.endsWith(u'.') ? text : text + u'.';
}

} // namespace

Error e2bApiError(int status, QByteArrayView body, const QString &what,
                  std::optional<int> retryAfterSeconds)
{
    const QString said = e2bErrorMessage(body);
    const QString detail = saidDetail(status, said);
    const QString reason = said.isEmpty() ? QString() : u" (%1)"_s.arg(said);
    switch (status) {
    case 400:
        return {ErrorCode::InvalidArgument, sentence(u"%1 was refused by E2B%2"_s.arg(what, reason)),
                detail};
    case 401:
        return {ErrorCode::Unauthenticated,
                u"%1 failed: E2B rejected the API key (401). Set a valid key in Settings → "
                "Accounts, with `squadctl auth set e2b`, or in E2B_API_KEY."_s.arg(what),
                detail};
    case 403:
        return {ErrorCode::PermissionDenied,
                sentence(u"%1 was refused: E2B does not allow it for this team%2"_s.arg(what, reason)),
                detail};
    case 404:
        return {ErrorCode::NotFound,
                sentence(u"%1 failed: E2B has no such sandbox or template%2"_s.arg(what, reason)),
                detail};
    case 409:
        return {ErrorCode::Conflict,
                u"%1 failed: the sandbox is busy changing state%2; try again in a moment."_s.arg(
                    what, reason),
                detail};
    case 429: {
        const QString wait = retryAfterSeconds
                                 ? u"; E2B asks to wait %1 s before trying again"_s.arg(*retryAfterSeconds)
                                 : u"; wait a little before trying again"_s;
        return {ErrorCode::RateLimited,
                u"%1 was turned away by E2B%2%3."_s.arg(what, reason, wait), detail};
    }
    default:
        break;
    }
    if (status >= 500) {
        return {ErrorCode::Unavailable,
                sentence(u"%1 failed: E2B had a server error (%2)%3"_s.arg(what).arg(status).arg(reason)),
                detail};
    }
    return {ErrorCode::Provider,
            sentence(u"%1 failed: E2B answered HTTP %2%3"_s.arg(what).arg(status).arg(reason)), detail};
}

Error envdHttpError(int status, QByteArrayView body, const QString &what)
{
    const QString said = e2bErrorMessage(body);
    const QString detail = saidDetail(status, said);
    if (status == 502) {
        // The proxy's two 502s: the sandbox is gone, or it runs but envd does not listen.
        if (said.contains(u"port is not open"_s, Qt::CaseInsensitive)) {
            return {ErrorCode::Unavailable,
                    u"%1 failed: the sandbox is running but its daemon (envd) does not answer."_s.arg(what),
                    detail};
        }
        return {ErrorCode::NotFound,
                u"%1 failed: the sandbox is not running (E2B's proxy could not find it)."_s.arg(what),
                detail};
    }
    if (status == 401) {
        return {ErrorCode::Unauthenticated,
                u"%1 failed: the sandbox refused its access token (401); reconnect to the "
                "sandbox to get a fresh one."_s.arg(what),
                detail};
    }
    if (status == 409) {
        return {ErrorCode::Conflict,
                u"%1 failed: the sandbox is still starting, pausing or resuming; try again in a "
                "moment."_s.arg(what),
                detail};
    }
    if (status == 404) {
        // From envd itself, not the control plane: the file or route is missing, and an envd
        // older than the call answers so too.
        return {ErrorCode::NotFound,
                u"%1 failed: the sandbox's daemon (envd) has no such file or call."_s.arg(what),
                detail};
    }
    return e2bApiError(status, body, what);
}

} // namespace squad
