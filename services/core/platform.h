// SPDX-License-Identifier: MIT
#pragma once

#include "result.h"

#include <QString>

namespace squad {

// The operator's OS account name, recorded as the actor of audit rows.
QString osUserName();

// The folder Squad Console keeps its data in (database, local sandboxes): SQUAD_DATA_DIR when
// set, else the platform's app-data folder. Created when missing; an error names the folder
// when it cannot be created or written.
[[nodiscard]] Result<QString> ensureDataDir(const QString &overridePath = {});

// Creates `path` (and parents) and proves it writable by creating and removing a probe file.
[[nodiscard]] Result<QString> ensureWritableDir(const QString &path, const QString &what);

// This machine's name, as recorded with work a process has claimed.
QString hostName();
// Whether a process with this id runs on this machine.
bool processAlive(qint64 pid);

} // namespace squad
