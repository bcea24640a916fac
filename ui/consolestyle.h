// SPDX-License-Identifier: MIT
#pragma once

namespace squad {

// Makes the console's style the application's: the platform's own style, with the standard
// icons the menu bar and tool bar ask for at construction drawn from the console's PNGs. (Qt
// looks those up through every image plug-in, a visible part of the window's start-up.)
// Call once, after the QApplication exists and before any widget.
void installConsoleStyle();

} // namespace squad
