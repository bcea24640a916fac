// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"
#include "core/result.h"

#include <QMap>

#include <functional>
#include <optional>

namespace squad {

class Database;

struct SandboxFilter
{
    std::optional<SandboxStatus> status;
    QString taskId;
    int limit = 0;  // 0 = every row; else the newest `limit`
    // Metadata is free-form JSON of any size: a view of 100,000 rows leaves it out (the record's
    // metadata is then empty) and reads it for the one row it shows in full. The few live rows
    // waiting in a warm pool keep theirs: it is what marks them (services/ops/poolmarker.h).
    bool withMetadata = true;
};

// The `sandboxes` table. Synchronous: call it on the thread that owns the Database.
class SandboxStore
{
public:
    explicit SandboxStore(const Database &db) : m_db(db) {}

    [[nodiscard]] Result<void> insert(const SandboxRecord &record) const;
    // Writes every column of the row with record.id; NotFound when there is none.
    [[nodiscard]] Result<void> update(const SandboxRecord &record) const;
    // The same in one statement, only while the row's metadata is still `expectedMetadata` and
    // it is RUNNING: false (nothing written) when another writer changed it first. What makes
    // taking a sandbox from a warm pool safe against two takers, in one process or two.
    [[nodiscard]] Result<bool> updateIfMetadata(const SandboxRecord &record,
                                                const QString &expectedMetadata) const;
    // The CREATED and RUNNING rows whose metadata has `key` (any value), newest first.
    [[nodiscard]] Result<SandboxRecords> liveWithMetadataKey(const QString &key) const;
    // NotFound when there is no such sandbox.
    [[nodiscard]] Result<SandboxRecord> get(const QString &id) const;
    // Newest first.
    [[nodiscard]] Result<SandboxRecords> list(const SandboxFilter &filter = {}) const;
    // The same rows, handed to `visit` one at a time as they are read: for exports that need
    // not hold 100,000 records at once.
    [[nodiscard]] Result<void> forEach(const SandboxFilter &filter,
                                       const std::function<void(const SandboxRecord &)> &visit) const;
    // The row of the sandbox `providerId` at `provider`, if any (the newest, should there be
    // several).
    // The newest row whose metadata has `key` = `value` (metadata as the service writes it:
    // compact JSON of string values).
    [[nodiscard]] Result<std::optional<SandboxRecord>> findByMetadata(const QString &key,
                                                                      const QString &value) const;
    [[nodiscard]] Result<std::optional<SandboxRecord>> findByProviderId(const QString &provider,
                                                                        const QString &providerId) const;
    // The newest RUNNING sandbox of the task, if any.
    [[nodiscard]] Result<std::optional<SandboxRecord>> runningForTask(const QString &taskId) const;
    [[nodiscard]] Result<QMap<SandboxStatus, int>> countByStatus() const;
    [[nodiscard]] Result<int> count() const;
    // Changes whenever a row is added, removed or updated (row count + newest updated_at):
    // one cheap query that lets a refresh skip reading a table that did not change.
    [[nodiscard]] Result<QString> changeToken() const;

private:
    const Database &m_db;
};

} // namespace squad
