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
    QString agent;
    if (!agentId.isEmpty()) {
        auto required = requireAgent(agentId);
        if (!required)
            return fail(required.error());
        agent = *required;
    }
    TaskRecord task{newId(), title.trimmed(), agent, nowUtc()};
    auto inserted = m_db.exec(
        u"INSERT INTO tasks (id, title, agent_id, created_at) VALUES (?, ?, ?, ?)"_s,
        {task.id, task.title,
         agent.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(agent),
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

Result<QString> TaskStore::require(const QString &table, const QString &what,
                                   const QString &text) const
{
    auto id = parseId(text, what + u" id"_s);
    if (!id)
        return id;
    auto found = exists(table, *id);
    if (!found)
        return fail(found.error());
    if (!*found)
        return fail(ErrorCode::NotFound, u"No %1 with id %2"_s.arg(what, *id));
    return id;
}

Result<QString> TaskStore::requireAgent(const QString &text) const
{
    return require(u"agents"_s, u"agent"_s, text);
}

Result<QString> TaskStore::requireTask(const QString &text) const
{
    return require(u"tasks"_s, u"task"_s, text);
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
