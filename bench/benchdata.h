// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace squad {

class Database;

// Fills `db` with `rows` realistic sandboxes in every status (one transaction), newest last.
bool populateSandboxes(const Database &db, int rows);

// Creates the SQLite file `path` with `rows` sandboxes; says on stderr when it cannot.
bool createBenchmarkDatabase(const QString &path, int rows);

} // namespace squad
