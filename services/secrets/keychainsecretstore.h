// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

#include <QObject>

namespace squad {

// The operating system's keychain through QtKeychain: Secret Service (gnome-keyring, KWallet)
// on Linux, Keychain on macOS, Credential Manager on Windows. Only QtKeychain's asynchronous
// jobs are used, never a nested event loop; its plain-text "insecure fallback" is never turned
// on. When no keychain can be reached, calls fail with ErrorCode::Unavailable and a message
// saying what to install or unlock.
class KeychainSecretStore final : public QObject, public SecretStore
{
    Q_OBJECT
public:
    // `service` names the keychain entries' owner; tests use their own to stay apart.
    explicit KeychainSecretStore(const QString &service = QStringLiteral("squad-console"),
                                 QObject *parent = nullptr);

    QFuture<Result<std::optional<QString>>> read(const SecretRef &ref) override;
    QFuture<Result<void>> write(const SecretRef &ref, const QString &value) override;
    QFuture<Result<void>> remove(const SecretRef &ref) override;

private:
    QString m_service;
};

} // namespace squad
