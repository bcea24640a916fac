// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "workflow/workflowrun.h"

#include <QList>

namespace squad {

class Database;

// The `workflow_runs` and `workflow_steps` tables. Call on the thread that owns the Database.
class WorkflowStore
{
public:
    explicit WorkflowStore(const Database &db) : m_db(db) {}

    // The run and its eight steps, in one transaction.
    [[nodiscard]] Result<void> insert(const WorkflowRun &run) const;
    // The run's own fields and one step's, in one transaction: what the engine writes before
    // and after each step.
    [[nodiscard]] Result<void> save(const WorkflowRun &run, WorkflowStepKind step) const;
    // The run's own fields and all its steps, in one transaction.
    [[nodiscard]] Result<void> saveAll(const WorkflowRun &run) const;
    // The run's own fields only.
    [[nodiscard]] Result<void> saveRun(const WorkflowRun &run) const;
    [[nodiscard]] Result<WorkflowRun> get(const QString &id) const;
    // Newest first; 0 = all.
    [[nodiscard]] Result<QList<WorkflowRun>> list(int limit = 0) const;

private:
    [[nodiscard]] Result<void> updateRun(const WorkflowRun &run) const;
    [[nodiscard]] Result<void> updateStep(const QString &runId, const WorkflowStep &step) const;

    const Database &m_db;
};

} // namespace squad
