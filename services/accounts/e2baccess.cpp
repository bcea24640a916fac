// SPDX-License-Identifier: MIT
#include "e2baccess.h"

#include "accounts/profilestore.h"
#include "secrets/secretvault.h"

namespace squad {

QFuture<std::optional<E2bAccess>> resolveE2bAccess(SecretVault &vault, QSettings &settings,
                                                   const QString &profile)
{
    E2bLocation location;
    if (const auto stored = ProfileStore(settings).get(profile)) {
        location.domain = stored->e2bDomain;
        location.apiUrl = stored->e2bApiUrl;
    }
    return vault.resolve({profile, SecretKind::E2bApiKey})
        .then(&vault, [location](const Result<ResolvedSecret> &key) -> std::optional<E2bAccess> {
            if (!key || key->value.isEmpty())
                return std::nullopt;
            return E2bAccess{location, key->value};
        });
}

} // namespace squad
