// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QString>

class QLabel;
class QPalette;
class QWidget;

namespace squad {

// The red that reads on the palette's background, light or dark.
QColor errorColour(const QPalette &palette);

// The line under a form field: `error` in the error colour when there is one, else `help`
// dimmed; mirrored into the editor's accessible description. Returns whether it is valid.
bool showFieldHint(QLabel *hint, QWidget *editor, const QString &help, const QString &error);

} // namespace squad
