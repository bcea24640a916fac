// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "github/githubapi.h"

#include <QFuture>
#include <QString>

class QSettings;

namespace squad {

class SecretVault;

// What it takes to reach GitHub for one profile.
struct GitHubAccess
{
    QString apiUrl;   // GITHUB_API_URL, else the profile's
    GitHubAuth auth;  // secrets: never logged or shown
    QString describe() const;  // "token from GITHUB_TOKEN", "GitHub App Iv1.x, installation 7"
    QString source;            // where the credential came from, for describe()
};

// The profile's GitHub: the API URL (GITHUB_API_URL overrides it, as in GitHub's own CI) and
// the credentials — GITHUB_TOKEN when set, else the profile's GitHub App (its key from
// GITHUB_APP_PRIVATE_KEY or the keychain), else the profile's token in the keychain. An app
// without its key is an error; no credentials at all is not (GitHubApi then refuses every call
// with what to set). Both faces use it.
QFuture<Result<GitHubAccess>> resolveGitHubAccess(SecretVault &vault, QSettings &settings,
                                                  const QString &profile);

} // namespace squad
