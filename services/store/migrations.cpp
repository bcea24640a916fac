// SPDX-License-Identifier: MIT
#include "migrations.h"

using namespace Qt::StringLiterals;

namespace squad {

// Column types that differ between the two databases. Timestamps are fixed-width UTC text in
// SQLite (see core/timestamp.h) and timestamptz in PostgreSQL; ids are UUIDs in both.
struct Types
{
    QString id;
    QString timestamp;
    QString json;
};

static Types typesFor(SqlDialect dialect)
{
    if (dialect == SqlDialect::Postgres)
        return {u"UUID"_s, u"TIMESTAMPTZ"_s, u"TEXT"_s};
    return {u"TEXT"_s, u"TEXT"_s, u"TEXT"_s};
}

static Migration initialSchema(SqlDialect dialect)
{
    const Types t = typesFor(dialect);
    const QString autoId = dialect == SqlDialect::Postgres ? u"BIGSERIAL PRIMARY KEY"_s
                                                           : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s;
    return {1, u"agents, tasks, sandboxes, audit_log"_s, {
        u"CREATE TABLE agents ("
         "id %1 PRIMARY KEY, "
         "name TEXT NOT NULL, "
         "created_at %2 NOT NULL)"_s.arg(t.id, t.timestamp),
        u"CREATE TABLE tasks ("
         "id %1 PRIMARY KEY, "
         "title TEXT NOT NULL, "
         "agent_id %1 REFERENCES agents(id) ON DELETE SET NULL, "
         "created_at %2 NOT NULL)"_s.arg(t.id, t.timestamp),
        u"CREATE TABLE sandboxes ("
         "id %1 PRIMARY KEY, "
         "e2b_id TEXT, "
         "provider TEXT NOT NULL, "
         "template_id TEXT NOT NULL, "
         "agent_id %1 REFERENCES agents(id) ON DELETE SET NULL, "
         "task_id %1 REFERENCES tasks(id) ON DELETE SET NULL, "
         "repo_url TEXT, "
         "status TEXT NOT NULL CHECK (status IN ('CREATED', 'RUNNING', 'TERMINATED', 'ERROR')), "
         "status_detail TEXT, "
         "cpu_count INTEGER, "
         "memory_mb INTEGER, "
         "metadata %3 NOT NULL DEFAULT '{}', "
         "last_used_at %2, "
         "created_at %2 NOT NULL, "
         "updated_at %2 NOT NULL, "
         "ended_at %2)"_s.arg(t.id, t.timestamp, t.json),
        u"CREATE INDEX ix_sandboxes_e2b_id ON sandboxes (e2b_id)"_s,
        u"CREATE INDEX ix_sandboxes_task_id ON sandboxes (task_id)"_s,
        u"CREATE INDEX ix_sandboxes_status ON sandboxes (status)"_s,
        u"CREATE INDEX ix_sandboxes_agent_id ON sandboxes (agent_id)"_s,
        u"CREATE INDEX ix_sandboxes_created_at ON sandboxes (created_at)"_s,
        u"CREATE TABLE audit_log ("
         "id %1, "
         "at %2 NOT NULL, "
         "actor TEXT NOT NULL, "
         "action TEXT NOT NULL, "
         "target TEXT, "
         "outcome TEXT NOT NULL, "
         "detail TEXT)"_s.arg(autoId, t.timestamp),
        u"CREATE INDEX ix_audit_log_at ON audit_log (at)"_s,
        u"CREATE INDEX ix_audit_log_target ON audit_log (target)"_s,
    }};
}

// What a provider reports about a live sandbox (E2B: paused or running, its disk, when it
// started and when its timeout ends it). Columns added with defaults, so old rows stay valid.
static Migration providerFields(SqlDialect dialect)
{
    const Types t = typesFor(dialect);
    return {2, u"sandboxes: provider state, disk, started and end times"_s, {
        u"ALTER TABLE sandboxes ADD COLUMN provider_state TEXT "
         "CHECK (provider_state IN ('running', 'paused'))"_s,
        u"ALTER TABLE sandboxes ADD COLUMN disk_mb INTEGER"_s,
        u"ALTER TABLE sandboxes ADD COLUMN started_at %1"_s.arg(t.timestamp),
        u"ALTER TABLE sandboxes ADD COLUMN ends_at %1"_s.arg(t.timestamp),
    }};
}

// Guided workflow runs and their eight steps, each written before and after it runs, so a run
// interrupted anywhere resumes where it stopped.
static Migration workflowRuns(SqlDialect dialect)
{
    const Types t = typesFor(dialect);
    return {3, u"workflow runs and steps"_s, {
        u"CREATE TABLE workflow_runs ("
         "id %1 PRIMARY KEY, "
         "state TEXT NOT NULL CHECK (state IN "
         "('pending', 'running', 'waiting', 'failed', 'succeeded', 'aborted')), "
         "inputs %3 NOT NULL, "
         "error TEXT, "
         "runner_pid BIGINT, "
         "runner_host TEXT, "
         "created_at %2 NOT NULL, "
         "updated_at %2 NOT NULL)"_s.arg(t.id, t.timestamp, t.json),
        u"CREATE INDEX ix_workflow_runs_created_at ON workflow_runs (created_at)"_s,
        u"CREATE TABLE workflow_steps ("
         "run_id %1 NOT NULL REFERENCES workflow_runs(id) ON DELETE CASCADE, "
         "step INTEGER NOT NULL CHECK (step BETWEEN 0 AND 7), "
         "name TEXT NOT NULL, "
         "state TEXT NOT NULL CHECK (state IN "
         "('pending', 'running', 'succeeded', 'failed', 'skipped')), "
         "attempts INTEGER NOT NULL DEFAULT 0, "
         "started_at %2, "
         "finished_at %2, "
         "output %3 NOT NULL DEFAULT '{}', "
         "error TEXT, "
         "PRIMARY KEY (run_id, step))"_s.arg(t.id, t.timestamp, t.json),
    }};
}

// Cost: paused time is not billed, so a sandbox keeps the paused seconds already over and when
// its current pause began.
static Migration pausedTime(SqlDialect dialect)
{
    const Types t = typesFor(dialect);
    return {4, u"sandboxes: paused time"_s, {
        u"ALTER TABLE sandboxes ADD COLUMN paused_seconds INTEGER NOT NULL DEFAULT 0"_s,
        u"ALTER TABLE sandboxes ADD COLUMN paused_at %1"_s.arg(t.timestamp),
    }};
}

QList<Migration> migrations(SqlDialect dialect)
{
    return {initialSchema(dialect), providerFields(dialect), workflowRuns(dialect),
            pausedTime(dialect)};
}

} // namespace squad
