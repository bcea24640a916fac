// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace squad {

// Per-second compute prices. The defaults are E2B's published rates; a profile may set its own.
struct CostRates
{
    double vcpuPerSecond = 0.000014;  // USD per vCPU per second
    double gibPerSecond = 0.0000045;  // USD per GiB of memory per second
    friend bool operator==(const CostRates &, const CostRates &) = default;
};

// Seconds the sandbox has been billed for by `now`: from startedAt (else createdAt) to endedAt
// (else now), less the paused time (pausedSeconds plus the current pause since pausedAt).
// Never negative; 0 without a start.
qint64 billedSeconds(const SandboxRecord &record, const QDateTime &now);

// seconds running × (vCPU × rate + memory GiB × rate). nullopt when the resources are unknown
// (cpuCount or memoryMb is 0): unknown is shown as "—", never as $0. A local sandbox (provider
// "local", on this machine) costs nothing.
std::optional<double> estimateCostUsd(const SandboxRecord &record, const CostRates &rates,
                                      const QDateTime &now);

// What the sandbox costs per hour while it runs (nullopt when its resources are unknown; 0 for
// a local one).
std::optional<double> hourlyRateUsd(const SandboxRecord &record, const CostRates &rates);

// Whether the sandbox is billed right now: live, and not paused.
bool isBilledNow(const SandboxRecord &record);

// The burn rate of everything billed now, in USD per hour (unknown resources count as 0).
double burnRateUsdPerHour(const SandboxRecords &records, const CostRates &rates);

// "$0.0123", "$1.23", "$1,234.56"-style text ("—" for nullopt): small sums keep 4 decimals.
QString formatUsd(std::optional<double> usd);

// Keeps the paused-time accounting when the provider's state changes to `state` at `now`:
// a pause begins (pausedAt = now), or one ends (its length added to pausedSeconds). Call it
// before setting record.providerState; also when the sandbox ends (with ProviderState::Unknown).
void notePauseChange(SandboxRecord &record, ProviderState state, const QDateTime &now);

} // namespace squad
