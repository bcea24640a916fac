// SPDX-License-Identifier: MIT
#pragma once

#include "sandboxrecord.h"

#include <QByteArray>

namespace squad {

struct AuditEntry;

// The stable --json shape of a sandbox: snake_case keys named after the table's columns
// (`e2b_id` is the provider's id), timestamps as UTC ISO 8601 text or null, `metadata` as an
// object. Written by hand rather than through QJsonDocument: listing 100,000 rows is a
// benchmarked path, and this writer streams straight into one UTF-8 buffer.
void appendSandboxJson(QByteArray &out, const SandboxRecord &record);
void appendAuditJson(QByteArray &out, const AuditEntry &entry);

// Appends `text` as a JSON string literal (quoted and escaped).
void appendJsonString(QByteArray &out, QStringView text);

} // namespace squad
