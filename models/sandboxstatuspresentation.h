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

// What a sandbox's status reads as: its lifecycle status, refined by what the provider
// reports (a running E2B sandbox may be paused), by whether it has a row here at all, and by
// whether it waits in the warm pool (services/ops/poolmarker.h).
enum class SandboxBadge : quint8 { Created, Running, Paused, Orphan, Terminated, Error, Pooled };
inline constexpr int SandboxBadgeCount = 7;

SandboxBadge badgeOf(SandboxStatus status);
SandboxBadge badgeOf(const SandboxRecord &record);
StatusPresentation presentationOf(SandboxBadge badge);
inline StatusPresentation presentationOf(SandboxStatus status)
{
    return presentationOf(badgeOf(status));
}

} // namespace squad
