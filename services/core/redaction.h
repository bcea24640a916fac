// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace squad {

// Masks secrets in free text before it is shown, logged or stored: credentials in URLs,
// Authorization / X-API-Key / X-Access-Token header values, and well-known token shapes
// (GitHub, E2B). The mask keeps enough context to tell what was there.
QString redactSecrets(const QString &text);

// postgresql://user:secret@host/db -> postgresql://user:***@host/db; other text unchanged.
QString redactUrl(const QString &url);

} // namespace squad
