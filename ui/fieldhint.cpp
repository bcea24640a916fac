// SPDX-License-Identifier: MIT
#include "fieldhint.h"

#include <QLabel>
#include <QPalette>

namespace squad {

QColor errorColour(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128 ? QColor(0xff, 0x7b, 0x72)
                                                             : QColor(0xcf, 0x22, 0x2e);
}

bool showFieldHint(QLabel *hint, QWidget *editor, const QString &help, const QString &error)
{
    const bool valid = error.isEmpty();
    hint->setText(valid ? help : error);
    QPalette pal = hint->palette();
    pal.setColor(QPalette::WindowText,
                 valid ? pal.color(QPalette::PlaceholderText) : errorColour(pal));
    hint->setPalette(pal);
    editor->setAccessibleDescription(hint->text());
    return valid;
}

} // namespace squad
