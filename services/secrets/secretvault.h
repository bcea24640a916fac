// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

#include <QMap>
#include <QObject>

#include <functional>

namespace squad {

enum class SecretSource { None, Environment, Keychain, Memory };
// "none", "environment", "keychain", "memory (this run only)".
QString secretSourceName(SecretSource source);

struct ResolvedSecret
{
    QString value;
    SecretSource source = SecretSource::None;
};

// Where each secret comes from, in order: the environment (E2B_API_KEY, GITHUB_TOKEN,
// GITHUB_APP_PRIVATE_KEY — for scripts and CI), this run's memory (only when the keychain could
// not be reached), then the keychain. Saving goes to the keychain; when there is none, the
// secret is kept in memory for this run only and keychainUnavailable() says why. Nothing is
// ever written anywhere else. Use from one thread.
class SecretVault : public QObject
{
    Q_OBJECT
public:
    using Environment = std::function<QString(const char *name)>;

    // `keychain` is not owned and must outlive the vault.
    explicit SecretVault(SecretStore *keychain, QObject *parent = nullptr);

    // Replaces the process environment (tests).
    void setEnvironment(Environment environment) { m_environment = std::move(environment); }
    static const char *environmentVariable(SecretKind kind);

    // The secret and its source; source None (empty value) when there is none anywhere.
    QFuture<Result<ResolvedSecret>> resolve(const SecretRef &ref);
    // Where each of the profile's secrets comes from, never their values.
    QFuture<Result<QMap<SecretKind, SecretSource>>> status(const QString &profile);
    // Keychain, or memory when there is no keychain (the result says which).
    QFuture<Result<SecretSource>> save(const SecretRef &ref, const QString &value);
    // From the keychain and from memory. The environment is the caller's to change.
    QFuture<Result<void>> clear(const SecretRef &ref);
    // Every secret of a profile (when it is removed).
    QFuture<Result<void>> clearProfile(const QString &profile);

    // Why the keychain could not be used, once it failed; empty while it works.
    QString keychainProblem() const { return m_keychainProblem; }

Q_SIGNALS:
    void keychainUnavailable(const QString &message);

private:
    void noteKeychainProblem(const Error &error);

    SecretStore *m_keychain;
    MemorySecretStore m_memory;
    Environment m_environment;
    QString m_keychainProblem;
};

} // namespace squad
