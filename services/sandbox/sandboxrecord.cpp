// SPDX-License-Identifier: MIT
#include "sandboxrecord.h"

using namespace Qt::StringLiterals;

namespace squad {

QString sandboxStatusName(SandboxStatus status)
{
    switch (status) {
    case SandboxStatus::Created: return u"CREATED"_s;
    case SandboxStatus::Running: return u"RUNNING"_s;
    case SandboxStatus::Terminated: return u"TERMINATED"_s;
    case SandboxStatus::Error: return u"ERROR"_s;
    }
    return u"ERROR"_s;
}

std::optional<SandboxStatus> sandboxStatusFromName(QStringView name)
{
    for (SandboxStatus status : AllSandboxStatuses) {
        if (name.compare(sandboxStatusName(status), Qt::CaseInsensitive) == 0)
            return status;
    }
    return std::nullopt;
}

QString providerStateName(ProviderState state)
{
    switch (state) {
    case ProviderState::Running: return u"running"_s;
    case ProviderState::Paused: return u"paused"_s;
    case ProviderState::Unknown: break;
    }
    return {};
}

ProviderState providerStateFromName(QStringView name)
{
    if (name == u"running")
        return ProviderState::Running;
    if (name == u"paused")
        return ProviderState::Paused;
    return ProviderState::Unknown;
}

} // namespace squad
