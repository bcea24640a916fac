// SPDX-License-Identifier: MIT
#include "workflowstore.h"

#include "core/redaction.h"
#include "database.h"
#include "sqlvalues.h"

#include <QHash>
#include <QJsonDocument>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

const QString RunColumns = u"id, state, inputs, error, runner_pid, runner_host, created_at, updated_at"_s;
const QString StepColumns
    = u"run_id, step, state, attempts, started_at, finished_at, output, error"_s;

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

WorkflowRun runFromQuery(const QSqlQuery &q)
{
    WorkflowRun run;
    run.id = sql::idText(q.value(0));
    run.state = workflowRunStateFromName(q.value(1).toString()).value_or(WorkflowRunState::Failed);
    run.inputs = WorkflowInputs::fromJson(jsonObject(q.value(2)));
    run.error = q.value(3).toString();
    run.runnerPid = q.value(4).toLongLong();
    run.runnerHost = q.value(5).toString();
    run.createdAt = sql::timestampFrom(q.value(6));
    run.updatedAt = sql::timestampFrom(q.value(7));
    for (int i = 0; i < WorkflowStepCount; ++i)
        run.steps[size_t(i)].kind = WorkflowStepKind(i);
    return run;
}

void readStep(const QSqlQuery &q, WorkflowRun &run)
{
    const int index = q.value(1).toInt();
    if (index < 0 || index >= WorkflowStepCount)
        return;
    WorkflowStep &step = run.steps[size_t(index)];
    step.kind = WorkflowStepKind(index);
    step.state = workflowStepStateFromName(q.value(2).toString()).value_or(WorkflowStepState::Failed);
    step.attempts = q.value(3).toInt();
    step.startedAt = sql::timestampFrom(q.value(4));
    step.finishedAt = sql::timestampFrom(q.value(5));
    step.output = jsonObject(q.value(6));
    step.error = q.value(7).toString();
}

} // namespace

Result<void> WorkflowStore::insert(const WorkflowRun &run) const
{
    return m_db.transaction([&]() -> Result<void> {
        auto inserted = m_db.exec(
            u"INSERT INTO workflow_runs (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(RunColumns),
            {run.id, workflowRunStateName(run.state), jsonText(run.inputs.toJson()),
             sql::nullable(redactSecrets(run.error)),
             run.runnerPid ? QVariant(run.runnerPid) : QVariant(QMetaType::fromType<qlonglong>()),
             sql::nullable(run.runnerHost), sql::timestampValue(run.createdAt),
             sql::timestampValue(run.updatedAt)});
        if (!inserted)
            return fail(inserted.error());
        for (const WorkflowStep &step : run.steps) {
            auto added = m_db.exec(
                u"INSERT INTO workflow_steps (run_id, step, name, state, attempts, started_at, "
                "finished_at, output, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                {run.id, int(step.kind), workflowStepName(step.kind),
                 workflowStepStateName(step.state), step.attempts,
                 sql::timestampValue(step.startedAt), sql::timestampValue(step.finishedAt),
                 jsonText(step.output), sql::nullable(redactSecrets(step.error))});
            if (!added)
                return fail(added.error());
        }
        return {};
    });
}

Result<void> WorkflowStore::updateRun(const WorkflowRun &run) const
{
    auto query = m_db.exec(
        u"UPDATE workflow_runs SET state = ?, error = ?, runner_pid = ?, runner_host = ?, "
        "updated_at = ? WHERE id = ?"_s,
        {workflowRunStateName(run.state), sql::nullable(redactSecrets(run.error)),
         run.runnerPid ? QVariant(run.runnerPid) : QVariant(QMetaType::fromType<qlonglong>()),
         sql::nullable(run.runnerHost), sql::timestampValue(run.updatedAt), run.id});
    if (!query)
        return fail(query.error());
    if (query->numRowsAffected() == 0)
        return fail(ErrorCode::NotFound, u"There is no workflow run %1"_s.arg(run.id));
    return {};
}

Result<void> WorkflowStore::updateStep(const QString &runId, const WorkflowStep &step) const
{
    return m_db
        .exec(u"UPDATE workflow_steps SET state = ?, attempts = ?, started_at = ?, "
               "finished_at = ?, output = ?, error = ? WHERE run_id = ? AND step = ?"_s,
              {workflowStepStateName(step.state), step.attempts,
               sql::timestampValue(step.startedAt), sql::timestampValue(step.finishedAt),
               jsonText(step.output), sql::nullable(redactSecrets(step.error)), runId,
               int(step.kind)})
        .transform([](const QSqlQuery &) {});
}

Result<void> WorkflowStore::save(const WorkflowRun &run, WorkflowStepKind step) const
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto saved = updateRun(run); !saved)
            return saved;
        return updateStep(run.id, run.step(step));
    });
}

Result<void> WorkflowStore::saveAll(const WorkflowRun &run) const
{
    return m_db.transaction([&]() -> Result<void> {
        if (auto saved = updateRun(run); !saved)
            return saved;
        for (const WorkflowStep &step : run.steps) {
            if (auto saved = updateStep(run.id, step); !saved)
                return saved;
        }
        return {};
    });
}

Result<void> WorkflowStore::saveRun(const WorkflowRun &run) const
{
    return updateRun(run);
}

Result<WorkflowRun> WorkflowStore::get(const QString &id) const
{
    auto query = m_db.exec(u"SELECT %1 FROM workflow_runs WHERE id = ?"_s.arg(RunColumns), {id});
    if (!query)
        return fail(query.error());
    if (!query->next())
        return fail(ErrorCode::NotFound, u"There is no workflow run %1"_s.arg(id));
    WorkflowRun run = runFromQuery(*query);
    auto steps = m_db.exec(u"SELECT %1 FROM workflow_steps WHERE run_id = ?"_s.arg(StepColumns), {id});
    if (!steps)
        return fail(steps.error());
    while (steps->next())
        readStep(*steps, run);
    return run;
}

Result<QList<WorkflowRun>> WorkflowStore::list(int limit) const
{
    QString sql = u"SELECT %1 FROM workflow_runs ORDER BY created_at DESC, id"_s.arg(RunColumns);
    if (limit > 0)
        sql += u" LIMIT %1"_s.arg(limit);
    auto query = m_db.exec(sql);
    if (!query)
        return fail(query.error());
    QList<WorkflowRun> runs;
    QHash<QString, qsizetype> index;
    while (query->next()) {
        index.insert(sql::idText(query->value(0)), runs.size());
        runs << runFromQuery(*query);
    }
    if (runs.isEmpty())
        return runs;
    // One query for every step, rather than one per run.
    auto steps = m_db.exec(u"SELECT %1 FROM workflow_steps"_s.arg(StepColumns)
                           + (limit > 0 ? u" WHERE run_id IN (SELECT id FROM workflow_runs ORDER BY "
                                          "created_at DESC, id LIMIT %1)"_s.arg(limit)
                                        : QString()));
    if (!steps)
        return fail(steps.error());
    while (steps->next()) {
        const auto at = index.constFind(sql::idText(steps->value(0)));
        if (at != index.cend())
            readStep(*steps, runs[*at]);
    }
    return runs;
}

} // namespace squad
