// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"

#include <QString>

namespace squad {

// Ids are lowercase RFC 4122 UUID text without braces, the same in SQLite and PostgreSQL.
QString newId();

// Accepts any case, with or without braces; returns the canonical form.
[[nodiscard]] Result<QString> parseId(const QString &text, const QString &what = QStringLiteral("id"));

} // namespace squad
