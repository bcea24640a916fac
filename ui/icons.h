// SPDX-License-Identifier: MIT
#pragma once

#include <QIcon>

namespace squad {

// The console's own icons by name ("new", "terminate", "squad-console", …), from the PNG sizes
// rendered into the resources. Empty for an unknown name.
QIcon consoleIcon(const QString &name);

// The application's icon for window decorations and task bars: the 32 and 64 pixel renderings
// only. The platform sends every size an icon has to the window manager when a window is first
// shown; the larger ones are for docks and menus, which take them from the installed theme.
QIcon consoleWindowIcon();

} // namespace squad
