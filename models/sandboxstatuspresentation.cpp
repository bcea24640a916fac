// SPDX-License-Identifier: MIT
#include "sandboxstatuspresentation.h"

#include "ops/poolmarker.h"

using namespace Qt::StringLiterals;

namespace squad {

SandboxBadge badgeOf(SandboxStatus status)
{
    switch (status) {
    case SandboxStatus::Created: return SandboxBadge::Created;
    case SandboxStatus::Running: return SandboxBadge::Running;
    case SandboxStatus::Terminated: return SandboxBadge::Terminated;
    case SandboxStatus::Error: return SandboxBadge::Error;
    }
    return SandboxBadge::Error;
}

SandboxBadge badgeOf(const SandboxRecord &record)
{
    if (record.isLive()) {
        if (record.orphan)
            return SandboxBadge::Orphan;
        if (record.isPaused())
            return SandboxBadge::Paused;
        if (record.status == SandboxStatus::Running && isPooledSandbox(record))
            return SandboxBadge::Pooled;
    }
    return badgeOf(record.status);
}

StatusPresentation presentationOf(SandboxBadge badge)
{
    switch (badge) {
    case SandboxBadge::Created: return {u"Created"_s, u"○"_s, QColor(0x1f, 0x6f, 0xeb)};
    case SandboxBadge::Running: return {u"Running"_s, u"●"_s, QColor(0x1a, 0x7f, 0x37)};
    case SandboxBadge::Paused: return {u"Paused"_s, u"‖"_s, QColor(0x9a, 0x67, 0x00)};
    case SandboxBadge::Orphan: return {u"Orphan"_s, u"◆"_s, QColor(0x82, 0x50, 0xdf)};
    case SandboxBadge::Terminated: return {u"Terminated"_s, u"■"_s, QColor(0x6e, 0x77, 0x81)};
    case SandboxBadge::Error: return {u"Error"_s, u"▲"_s, QColor(0xcf, 0x22, 0x2e)};
    case SandboxBadge::Pooled: return {u"Pooled"_s, u"◌"_s, QColor(0x0a, 0x7e, 0x8c)};
    }
    return {u"Unknown"_s, u"?"_s, QColor(Qt::gray)};
}

} // namespace squad
