// SPDX-License-Identifier: MIT
#include "cost.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace squad {

qint64 billedSeconds(const SandboxRecord &record, const QDateTime &now)
{
    const QDateTime &start = record.startedAt.isValid() ? record.startedAt : record.createdAt;
    if (!start.isValid())
        return 0;
    const QDateTime &end = record.endedAt.isValid() ? record.endedAt : now;
    qint64 seconds = start.secsTo(end) - record.pausedSeconds;
    if (record.pausedAt.isValid() && record.pausedAt < end)
        seconds -= std::max(record.pausedAt, start).secsTo(end);
    return std::max<qint64>(seconds, 0);
}

std::optional<double> hourlyRateUsd(const SandboxRecord &record, const CostRates &rates)
{
    // A local sandbox runs on this machine: nothing is billed for it.
    if (record.provider == u"local")
        return 0.0;
    if (record.cpuCount <= 0 || record.memoryMb <= 0)
        return std::nullopt;
    const double perSecond =
        record.cpuCount * rates.vcpuPerSecond + (record.memoryMb / 1024.0) * rates.gibPerSecond;
    return perSecond * 3600.0;
}

std::optional<double> estimateCostUsd(const SandboxRecord &record, const CostRates &rates,
                                      const QDateTime &now)
{
    const auto hourly = hourlyRateUsd(record, rates);
    if (!hourly)
        return std::nullopt;
    return *hourly / 3600.0 * double(billedSeconds(record, now));
}

bool isBilledNow(const SandboxRecord &record)
{
    return record.status == SandboxStatus::Running && !record.isPaused();
}

double burnRateUsdPerHour(const SandboxRecords &records, const CostRates &rates)
{
    double total = 0;
    for (const SandboxRecord &record : records) {
        if (isBilledNow(record))
            total += hourlyRateUsd(record, rates).value_or(0.0);
    }
    return total;
}

QString formatUsd(std::optional<double> usd)
{
    if (!usd || !std::isfinite(*usd))
        return u"—"_s;
    const double value = std::max(*usd, 0.0);
    return u"$"_s + QString::number(value, 'f', value < 1.0 ? 4 : 2);
}

void notePauseChange(SandboxRecord &record, ProviderState state, const QDateTime &now)
{
    const bool pausing = state == ProviderState::Paused;
    if (pausing && !record.pausedAt.isValid()) {
        record.pausedAt = now;
    } else if (!pausing && record.pausedAt.isValid()) {
        record.pausedSeconds += int(std::max<qint64>(record.pausedAt.secsTo(now), 0));
        record.pausedAt = QDateTime();
    }
}

} // namespace squad
