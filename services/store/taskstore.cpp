// SPDX-License-Identifier: MIT
#include "taskstore.h"

#include "core/ids.h"
#include "core/timestamp.h"
#include "database.h"

using namespace Qt::StringLiterals;

namespace squad {

Result<AgentRecord> TaskStore::createAgent(const QString &name) const
{
    if (name.trimmed().isEmpty())
        return fail(ErrorCode::InvalidArgument, u"An agent needs a name"_s);
    AgentRecord agent{newId(), name.trimmed(), nowUtc()};
    auto inserted = m_db.exec(u"INSERT INTO agents (id, name, created_at) VALUES (?, ?, ?)"_s,
                              {agent.id, agent.name, formatTimestamp(agent.createdAt)});
    if (!inserted)
        return fail(inserted.error());
    return agent;
}

Result<TaskRecord> TaskStore::createTask(const QString &title, const QString &agentId) const
{
    if (title.trimmed().isEmpty())
        return fail(ErrorCode::InvalidArgument, u"A task needs a title"_s);
    TaskRecord task{newId(), title.trimmed(), agentId, nowUtc()};
    auto inserted = m_db.exec(
        u"INSERT INTO tasks (id, title, agent_id, created_at) VALUES (?, ?, ?, ?)"_s,
        {task.id, task.title,
         agentId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(agentId),
         formatTimestamp(task.createdAt)});
    if (!inserted)
        return fail(inserted.error());
    return task;
}

Result<bool> TaskStore::exists(const QString &table, const QString &id) const
{
    auto query = m_db.exec(u"SELECT 1 FROM %1 WHERE id = ?"_s.arg(table), {id});
    if (!query)
        return fail(query.error());
    return query->next();
}

Result<bool> TaskStore::agentExists(const QString &id) const
{
    return exists(u"agents"_s, id);
}

Result<bool> TaskStore::taskExists(const QString &id) const
{
    return exists(u"tasks"_s, id);
}

Result<void> TaskStore::deleteAgent(const QString &id) const
{
    return m_db.exec(u"DELETE FROM agents WHERE id = ?"_s, {id}).transform([](const QSqlQuery &) {});
}

Result<void> TaskStore::deleteTask(const QString &id) const
{
    return m_db.exec(u"DELETE FROM tasks WHERE id = ?"_s, {id}).transform([](const QSqlQuery &) {});
}

} // namespace squad
