// SPDX-License-Identifier: MIT
#pragma once

namespace squad {

class Database;

// Fills `db` with `rows` realistic sandboxes in every status (one transaction), newest last.
bool populateSandboxes(const Database &db, int rows);

} // namespace squad
