// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "workflow/workflowrun.h"

#include <QFuture>
#include <QHash>
#include <QObject>

class QSettings;

#include <functional>
#include <memory>

namespace squad {

class Database;
class WorkflowActions;

// Runs the guided workflow durably: each step's state, attempts, times, output and error are
// written to the store before and after it runs, so a run interrupted anywhere — the app
// quits or crashes, the machine restarts — resumes at its first unfinished step with what
// the finished ones produced. Transient failures (unreachable, timed out, rate limited) are
// retried with capped backoff; any other failure stops the run with a clear error, for the
// operator to retry, skip (where safe) or abort. One process runs a run at a time.
//
// Lives on the thread that owns the Database; futures finish on it.
class WorkflowEngine : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int maxAttempts = 3;        // per step, transient failures only
        int backoffMs = 2'000;      // the first retry's wait; doubles per attempt
        int backoffCapMs = 30'000;
        // Headless runs end the sandbox when a step fails (unless the run keeps it); the
        // wizard leaves it for the operator to retry, skip or abort.
        bool discardSandboxOnFailure = false;
    };

    // `actions` is not owned and must outlive the engine.
    WorkflowEngine(const Database &db, WorkflowActions &actions, QObject *parent = nullptr);
    ~WorkflowEngine() override;

    void setOptions(const Options &options) { m_options = options; }
    // The retry limits the operator set (workflow/maxAttempts, workflow/retryBackoffMs,
    // workflow/retryBackoffCapMs), each kept within sane bounds; the defaults otherwise.
    static Options optionsFrom(const QSettings &settings);

    // Checks every input (the commit message as a conventional commit, the repository URL,
    // branch names, the title) and stores a pending run; bad input stores nothing.
    [[nodiscard]] Result<WorkflowRun> createRun(const WorkflowInputs &inputs);
    [[nodiscard]] static Result<WorkflowInputs> validate(WorkflowInputs inputs);

    // Runs the run from its first unfinished step until it succeeds, waits for the operator
    // (step 4), or a step fails; the answer is the run as stored then. A run another live
    // process is running is a Conflict; a run whose process died is taken over.
    QFuture<Result<WorkflowRun>> start(const QString &runId);
    // The operator says the agent's changes are ready: step 4 succeeds and the run goes on.
    QFuture<Result<WorkflowRun>> confirmAgentDone(const QString &runId);
    // A failed run: its failed step runs again (retry) or is passed over (skip, only where
    // safe), and the run goes on.
    QFuture<Result<WorkflowRun>> retry(const QString &runId);
    QFuture<Result<WorkflowRun>> skip(const QString &runId);
    // Stops a run for good; its sandbox is ended unless `keepSandbox`.
    QFuture<Result<WorkflowRun>> abort(const QString &runId, bool keepSandbox);
    // True while this engine is running `runId`.
    bool isRunning(const QString &runId) const { return m_active.contains(runId); }

    [[nodiscard]] Result<WorkflowRun> get(const QString &runId) const;
    [[nodiscard]] Result<QList<WorkflowRun>> list(int limit = 0) const;
    // Runs left unfinished (pending, running, waiting or failed) that no live process runs:
    // what the app offers to resume when it starts.
    [[nodiscard]] Result<QList<WorkflowRun>> resumable() const;

Q_SIGNALS:
    // After every write of the run (each step's start and end, state changes).
    void runChanged(const squad::WorkflowRun &run);
    // A line of a step's log (git's output, the agent command's, retries).
    void stepLog(const QString &runId, squad::WorkflowStepKind step, const QString &line);

private:
    struct Active;

    QFuture<Result<WorkflowRun>> drive(WorkflowRun run, std::function<void(WorkflowRun &)> prepare);
    void next(const std::shared_ptr<Active> &active);
    void attempt(const std::shared_ptr<Active> &active, WorkflowStepKind step);
    void stepFailed(const std::shared_ptr<Active> &active, WorkflowStepKind step, const Error &error);
    void settle(const std::shared_ptr<Active> &active, Result<WorkflowRun> result);
    [[nodiscard]] Result<void> persist(WorkflowRun &run, std::optional<WorkflowStepKind> step);
    void audit(const WorkflowRun &run, const QString &action, const QString &outcome,
               const QString &detail) const;
    [[nodiscard]] Result<void> claim(WorkflowRun &run) const;
    bool runByAnotherLiveProcess(const WorkflowRun &run) const;
    void killPoint(WorkflowStepKind step, const char *when) const;

    const Database &m_db;
    WorkflowActions &m_actions;
    Options m_options;
    QHash<QString, std::shared_ptr<Active>> m_active;
    QString m_killAt;  // SQUAD_TEST_KILL_AT: "step:started" or "step:done" (crash tests)
};

} // namespace squad
