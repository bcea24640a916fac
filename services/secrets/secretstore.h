// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QFuture>
#include <QHash>
#include <QString>

#include <optional>

namespace squad {

enum class SecretKind { E2bApiKey, GitHubToken, GitHubAppKey };
inline constexpr SecretKind AllSecretKinds[] = {SecretKind::E2bApiKey, SecretKind::GitHubToken,
                                                SecretKind::GitHubAppKey};

// "e2b", "github", "github-app-key": the names squadctl and the keychain entries use.
QString secretKindName(SecretKind kind);
std::optional<SecretKind> secretKindFromName(QStringView name);
// "E2B API key", "GitHub token", "GitHub App private key".
QString secretKindLabel(SecretKind kind);

// One secret of one profile.
struct SecretRef
{
    QString profile;
    SecretKind kind = SecretKind::E2bApiKey;

    // The keychain entry's key: "<profile>/<kind name>".
    QString key() const { return profile + u'/' + secretKindName(kind); }
};

// Where secrets are kept. Asynchronous: results arrive on the caller's event loop later (the OS
// keychain answers over D-Bus or a system service). Use from one thread.
class SecretStore
{
public:
    virtual ~SecretStore();

    // A value, or std::nullopt when there is none.
    virtual QFuture<Result<std::optional<QString>>> read(const SecretRef &ref) = 0;
    virtual QFuture<Result<void>> write(const SecretRef &ref, const QString &value) = 0;
    // Removing what is not there succeeds.
    virtual QFuture<Result<void>> remove(const SecretRef &ref) = 0;
};

// Secrets held in this process's memory only: for tests, and for a session without a keychain.
class MemorySecretStore final : public SecretStore
{
public:
    QFuture<Result<std::optional<QString>>> read(const SecretRef &ref) override;
    QFuture<Result<void>> write(const SecretRef &ref, const QString &value) override;
    QFuture<Result<void>> remove(const SecretRef &ref) override;

    bool contains(const SecretRef &ref) const { return m_values.contains(ref.key()); }

private:
    QHash<QString, QString> m_values;
};

} // namespace squad
