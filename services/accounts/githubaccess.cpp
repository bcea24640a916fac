// SPDX-License-Identifier: MIT
#include "githubaccess.h"

#include "accounts/profilestore.h"
#include "secrets/secretvault.h"

#include <QPromise>

using namespace Qt::StringLiterals;

namespace squad {

QString GitHubAccess::describe() const
{
    if (auth.app) {
        return u"GitHub App %1, installation %2 (key from %3)"_s.arg(
            auth.app->clientId, auth.app->installationId, source);
    }
    return auth.token.isEmpty() ? u"no credentials"_s : u"token from %1"_s.arg(source);
}

QFuture<Result<GitHubAccess>> resolveGitHubAccess(SecretVault &vault, QSettings &settings,
                                                  const QString &profileName)
{
    const Profile profile = ProfileStore(settings).get(profileName).value_or(Profile{});
    GitHubAccess access;
    access.apiUrl = qEnvironmentVariable("GITHUB_API_URL", profile.githubApiUrl).trimmed();
    if (access.apiUrl.isEmpty())
        access.apiUrl = Profile{}.githubApiUrl;

    auto promise = std::make_shared<QPromise<Result<GitHubAccess>>>();
    promise->start();
    const auto settle = [promise](Result<GitHubAccess> result) {
        promise->addResult(std::move(result));
        promise->finish();
    };
    vault.resolve({profileName, SecretKind::GitHubToken})
        .then(&vault, [&vault, profile, profileName, access, settle](Result<ResolvedSecret> token) mutable {
            const bool fromEnvironment = token && token->source == SecretSource::Environment;
            if (fromEnvironment || !profile.usesGitHubApp()) {
                if (token && !token->value.isEmpty()) {
                    access.auth.token = token->value;
                    access.source = fromEnvironment ? u"GITHUB_TOKEN"_s
                                                    : secretSourceName(token->source);
                }
                return settle(access);
            }
            vault.resolve({profileName, SecretKind::GitHubAppKey})
                .then(&vault, [profile, access, settle](Result<ResolvedSecret> key) mutable {
                    if (!key)
                        return settle(tl::unexpected(key.error()));
                    if (key->value.isEmpty()) {
                        return settle(fail(
                            ErrorCode::Unauthenticated,
                            u"The profile \"%1\" acts as the GitHub App %2, but the app's private key "
                            "is not set: import it in Settings → Accounts, with `squadctl auth set "
                            "github-app-key < key.pem`, or in GITHUB_APP_PRIVATE_KEY."_s.arg(
                                profile.name, profile.githubAppClientId)));
                    }
                    access.auth.app = GitHubAppCredentials{profile.githubAppClientId,
                                                           profile.githubAppInstallationId,
                                                           key->value.toUtf8()};
                    access.source = key->source == SecretSource::Environment
                        ? u"GITHUB_APP_PRIVATE_KEY"_s
                        : secretSourceName(key->source);
                    settle(access);
                });
        });
    return promise->future();
}

} // namespace squad
