// SPDX-License-Identifier: MIT
#pragma once

#include "e2b/e2bendpoint.h"

#include <QFuture>
#include <QString>

#include <optional>

class QSettings;

namespace squad {

class SecretVault;

// What it takes to reach E2B for one profile.
struct E2bAccess
{
    E2bLocation location;
    QString apiKey;  // a secret: never logged or shown
};

// The profile's E2B location (its domain or API URL) and key — E2B_API_KEY first, then the
// keychain, as the vault resolves secrets. Nothing when the profile has no key. Both faces
// use it, so the console and squadctl reach the same place for a profile.
QFuture<std::optional<E2bAccess>> resolveE2bAccess(SecretVault &vault, QSettings &settings,
                                                   const QString &profile);

} // namespace squad
