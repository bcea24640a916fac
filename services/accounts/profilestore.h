// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "ops/cost.h"

#include <QList>
#include <QString>

class QSettings;

namespace squad {

// A named set of accounts: which E2B and which GitHub to talk to. Secrets are not here: they
// live in the keychain under the profile's name (services/secrets).
struct Profile
{
    QString name;
    QString e2bDomain = QStringLiteral("e2b.app");
    QString e2bApiUrl;  // explicit API URL; empty = https://api.<e2bDomain>
    QString defaultTemplate = QStringLiteral("base");
    QString githubApiUrl = QStringLiteral("https://api.github.com");
    // Who commits in this profile's sandboxes (GIT_AUTHOR_* and GIT_COMMITTER_*); both empty =
    // whatever the sandbox's git config says.
    QString gitAuthorName;
    QString gitAuthorEmail;
    // A GitHub App to act as instead of a token: its client ID (or numeric app ID) and the
    // installation to act for. Its private key is a secret (SecretKind::GitHubAppKey).
    QString githubAppClientId;
    QString githubAppInstallationId;
    // What a sandbox's compute costs, for the estimates (E2B's published rates by default).
    CostRates costRates;

    bool usesGitHubApp() const { return !githubAppClientId.isEmpty() && !githubAppInstallationId.isEmpty(); }

    // The control plane's base URL: e2bApiUrl, or https://api.<e2bDomain>.
    QString effectiveE2bApiUrl() const;
    friend bool operator==(const Profile &, const Profile &) = default;
};

// Profiles and the active one, in QSettings (group "profiles"). A "default" profile always
// exists. Synchronous and cheap; call from one thread.
class ProfileStore
{
public:
    static constexpr const char *DefaultProfile = "default";

    explicit ProfileStore(QSettings &settings) : m_settings(settings) {}

    QList<Profile> list() const;
    [[nodiscard]] Result<Profile> get(const QString &name) const;
    // Adds a new profile; Conflict when the name is taken. Fields are validated.
    [[nodiscard]] Result<void> add(const Profile &profile);
    // Changes an existing profile's fields (not its name).
    [[nodiscard]] Result<void> update(const Profile &profile);
    [[nodiscard]] Result<void> rename(const QString &from, const QString &to);
    // The default profile cannot be removed. The caller removes the profile's secrets.
    [[nodiscard]] Result<void> remove(const QString &name);

    QString activeName() const;
    [[nodiscard]] Result<void> setActive(const QString &name);
    Profile active() const;

    // Names: letters, digits, '.', '_', '-'; 1–64 characters.
    [[nodiscard]] static Result<QString> validateName(const QString &name);
    [[nodiscard]] static Result<Profile> validate(Profile profile);

private:
    void write(const Profile &profile);
    bool exists(const QString &name) const;

    QSettings &m_settings;
};

} // namespace squad
