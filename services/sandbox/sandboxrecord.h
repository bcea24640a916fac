// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace squad {

enum class SandboxStatus { Created, Running, Terminated, Error };

// "CREATED", "RUNNING", "TERMINATED", "ERROR": the values stored in the database.
QString sandboxStatusName(SandboxStatus status);
std::optional<SandboxStatus> sandboxStatusFromName(QStringView name);
inline constexpr SandboxStatus AllSandboxStatuses[] = {
    SandboxStatus::Created, SandboxStatus::Running, SandboxStatus::Terminated, SandboxStatus::Error};

// One row of the `sandboxes` table, as a value. Timestamps are UTC; a null QDateTime is NULL.
struct SandboxRecord
{
    QString id;             // our UUID
    QString providerId;     // the provider's own id (column e2b_id; a folder name for local)
    QString provider;       // "local", "e2b", ...
    QString templateId;
    SandboxStatus status = SandboxStatus::Created;
    QString statusDetail;   // why it is in ERROR, or how it ended
    QString taskId;         // empty = NULL
    QString agentId;        // empty = NULL
    QString repoUrl;
    int cpuCount = 0;       // 0 = unknown
    int memoryMb = 0;       // 0 = unknown
    QString metadata;       // JSON object text
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime lastUsedAt;
    QDateTime endedAt;

    bool isLive() const
    {
        return status == SandboxStatus::Created || status == SandboxStatus::Running;
    }
    friend bool operator==(const SandboxRecord &, const SandboxRecord &) = default;
};

using SandboxRecords = QList<SandboxRecord>;

} // namespace squad

Q_DECLARE_METATYPE(squad::SandboxRecord)
