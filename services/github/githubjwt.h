// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace squad {

// The JSON Web Token a GitHub App authenticates as itself with, signed RS256 by libjwt:
// iss = the app's client ID, iat 60 s before `nowSecs` (GitHub allows for clock drift that
// way), exp 9 minutes after it (GitHub refuses more than 10). `privateKeyPem` is the key
// GitHub issued ("-----BEGIN RSA PRIVATE KEY-----", PKCS#1, or PKCS#8). The token is a
// secret for its lifetime.
[[nodiscard]] Result<QByteArray> gitHubAppJwt(const QString &clientId,
                                              const QByteArray &privateKeyPem, qint64 nowSecs);

// A PEM private key, checked before it is stored: InvalidArgument saying what is wrong.
[[nodiscard]] Result<void> validateGitHubAppKey(const QByteArray &privateKeyPem);

} // namespace squad
