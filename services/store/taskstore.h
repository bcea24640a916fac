// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace squad {

class Database;

struct AgentRecord
{
    QString id;
    QString name;
    QDateTime createdAt;
};

struct TaskRecord
{
    QString id;
    QString title;
    QString agentId;
    QDateTime createdAt;
};

// The `agents` and `tasks` tables that sandboxes refer to. Call on the Database's thread.
class TaskStore
{
public:
    explicit TaskStore(const Database &db) : m_db(db) {}

    [[nodiscard]] Result<AgentRecord> createAgent(const QString &name) const;
    // The agent, when given, must exist.
    [[nodiscard]] Result<TaskRecord> createTask(const QString &title,
                                                const QString &agentId = {}) const;
    [[nodiscard]] Result<bool> agentExists(const QString &id) const;
    [[nodiscard]] Result<bool> taskExists(const QString &id) const;
    // Parses `text` as an id and checks that the agent / task exists: the canonical id, or
    // InvalidArgument for a malformed one, NotFound for an unknown one.
    [[nodiscard]] Result<QString> requireAgent(const QString &text) const;
    [[nodiscard]] Result<QString> requireTask(const QString &text) const;
    [[nodiscard]] Result<void> deleteAgent(const QString &id) const;
    [[nodiscard]] Result<void> deleteTask(const QString &id) const;

private:
    [[nodiscard]] Result<bool> exists(const QString &table, const QString &id) const;
    [[nodiscard]] Result<QString> require(const QString &table, const QString &what,
                                          const QString &text) const;
    const Database &m_db;
};

} // namespace squad
