// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"

#include <QString>

namespace squad {

// Template ids as E2B and the local provider accept them: letters, digits, '-', '_', '.', ':'
// and '/', 1–128 characters. Returns the trimmed id.
[[nodiscard]] Result<QString> validateTemplateId(const QString &text);

// A repository URL to clone from: https://, http://, ssh://, git:// or scp-like git@host:path.
// URLs carrying credentials are refused: tokens are kept in the keychain, never in a URL that
// could reach the database or a git config. Returns the trimmed URL.
[[nodiscard]] Result<QString> validateRepoUrl(const QString &text);

} // namespace squad
