// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace squad {

enum class SandboxStatus : quint8 { Created, Running, Terminated, Error };

// "CREATED", "RUNNING", "TERMINATED", "ERROR": the values stored in the database.
QString sandboxStatusName(SandboxStatus status);
std::optional<SandboxStatus> sandboxStatusFromName(QStringView name);
inline constexpr SandboxStatus AllSandboxStatuses[] = {
    SandboxStatus::Created, SandboxStatus::Running, SandboxStatus::Terminated, SandboxStatus::Error};

// What the provider last reported about a live sandbox. E2B can pause a RUNNING sandbox (it
// then costs nothing until resumed); the lifecycle status stays RUNNING meanwhile.
enum class ProviderState : quint8 { Unknown, Running, Paused };

// "running", "paused"; empty for Unknown (stored as NULL).
QString providerStateName(ProviderState state);
ProviderState providerStateFromName(QStringView name);

// One row of the `sandboxes` table, as a value. Timestamps are UTC; a null QDateTime is NULL.
struct SandboxRecord
{
    QString id;             // our UUID
    QString providerId;     // the provider's own id (column e2b_id; a folder name for local)
    QString provider;       // "local", "e2b", ...
    QString templateId;
    QString statusDetail;   // why it is in ERROR, or how it ended
    QString taskId;         // empty = NULL
    QString agentId;        // empty = NULL
    QString repoUrl;
    // The numbers and flags fill exactly 16 bytes between the strings and the timestamps: the
    // window holds 100,000 records, and issue 3 allows it 60 MB over a bare table; a byte more
    // here costs 8 per record in padding (the static_assert below keeps the budget).
    int memoryMb = 0;       // 0 = unknown
    int diskMb = 0;         // 0 = unknown
    int pausedSeconds = 0;  // paused time already over (not billed); see services/ops/cost.h
    quint16 cpuCount : 15 = 0;  // vCPUs, 0 = unknown; up to 32,767
    // Not a row: a sandbox the provider runs that has no row here (found by reconciling); its
    // id is then the provider's id. Shown for the operator to adopt or terminate.
    bool orphan : 1 = false;
    SandboxStatus status = SandboxStatus::Created;
    ProviderState providerState = ProviderState::Unknown;
    QString metadata;       // JSON object text
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastUsedAt;
    QDateTime endedAt;
    QDateTime startedAt;    // when the provider started it; null = unknown
    QDateTime endsAt;       // when the provider will end it by itself (E2B's timeout); null = never
    QDateTime pausedAt;     // when the current pause began; null = not paused (or unknown)

    bool isPaused() const { return providerState == ProviderState::Paused; }

    bool isLive() const
    {
        return status == SandboxStatus::Created || status == SandboxStatus::Running;
    }
    friend bool operator==(const SandboxRecord &, const SandboxRecord &) = default;
};

// 9 strings, 7 timestamps and the 16 bytes above (on 64-bit platforms; MSVC does not share a
// bit-field unit between bool and quint16, so there the record is 8 bytes longer).
#ifndef _MSC_VER
static_assert(sizeof(void *) != 8 || sizeof(SandboxRecord) == 9 * sizeof(QString) + 7 * sizeof(QDateTime) + 16);
#endif

using SandboxRecords = QList<SandboxRecord>;

} // namespace squad

Q_DECLARE_METATYPE(squad::SandboxRecord)
