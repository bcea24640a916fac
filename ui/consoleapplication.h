// SPDX-License-Identifier: MIT
#pragma once

namespace squad {

// What the desktop console sets up on its QApplication before any window: its identity
// (settings, data folder), display name, window icon and style. The style is the platform's
// own, with the standard icons the menu and tool bars ask for at construction drawn from the
// console's PNGs: Qt looks those up through every image plug-in, a visible part of start-up.
// Call once, after the QApplication exists and before any widget.
void setUpConsoleApplication();

} // namespace squad
