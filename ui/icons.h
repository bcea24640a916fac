// SPDX-License-Identifier: MIT
#pragma once

#include <QIcon>

namespace squad {

// The console's own icons by name ("new", "terminate", "squad-console", …), from the PNG sizes
// rendered into the resources. Empty for an unknown name.
QIcon consoleIcon(const QString &name);

} // namespace squad
