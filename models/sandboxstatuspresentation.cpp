// SPDX-License-Identifier: MIT
#include "sandboxstatuspresentation.h"

using namespace Qt::StringLiterals;

namespace squad {

StatusPresentation presentationOf(SandboxStatus status)
{
    switch (status) {
    case SandboxStatus::Created: return {u"Created"_s, u"○"_s, QColor(0x1f, 0x6f, 0xeb)};
    case SandboxStatus::Running: return {u"Running"_s, u"●"_s, QColor(0x1a, 0x7f, 0x37)};
    case SandboxStatus::Terminated: return {u"Terminated"_s, u"■"_s, QColor(0x6e, 0x77, 0x81)};
    case SandboxStatus::Error: return {u"Error"_s, u"▲"_s, QColor(0xcf, 0x22, 0x2e)};
    }
    return {u"Unknown"_s, u"?"_s, QColor(Qt::gray)};
}

} // namespace squad
