// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QColor>
#include <QString>

namespace squad {

// How a status is shown everywhere (table badge, status bar, details): a word that reads
// without colour, a colour that reads without the word, and a one-glyph symbol.
struct StatusPresentation
{
    QString label;    // "Running"
    QString symbol;   // "●", "○", "■", "▲"
    QColor colour;
};

StatusPresentation presentationOf(SandboxStatus status);

} // namespace squad
