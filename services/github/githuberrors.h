// SPDX-License-Identifier: MIT
#pragma once

#include "core/error.h"

#include <QByteArrayView>
#include <QString>

namespace squad {

// What GitHub sent with a refusal, besides the status.
struct GitHubRefusal
{
    int status = 0;
    QByteArray body;                 // GitHub's {message, errors?, documentation_url}
    QByteArray acceptedPermissions;  // X-Accepted-GitHub-Permissions ("pull_requests=write")
    QByteArray acceptedScopes;       // X-Accepted-OAuth-Scopes ("repo")
    QByteArray grantedScopes;        // X-OAuth-Scopes; absent for fine-grained and app tokens
    bool hasGrantedScopes = false;
    bool appInstallation = false;    // the call was made as a GitHub App installation
};

// GitHub's top-level `message` and each item of `errors` ("head: invalid", or the item's own
// message), redacted; empty when the body is not GitHub's error JSON.
QString gitHubErrorMessage(QByteArrayView body);
QStringList gitHubErrorItems(QByteArrayView body);

// A refusal as an Error that says what is wrong and what to do. `what` names the operation
// ("Creating the pull request in octo/app").
[[nodiscard]] Error gitHubApiError(const GitHubRefusal &refusal, const QString &what);

// The words an Error's detail carries when a repository's plan has no draft pull requests,
// so the caller can offer a normal one.
inline constexpr QLatin1StringView DraftUnsupportedDetail{"draft_not_supported"};

} // namespace squad
