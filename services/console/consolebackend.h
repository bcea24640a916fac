// SPDX-License-Identifier: MIT
#pragma once

#include "console/consolecore.h"
#include "e2b/e2bendpoint.h"
#include "sandbox/sandboxprovider.h"
#include "e2b/e2bapi.h"
#include "git/diff.h"
#include "git/gitops.h"
#include "github/githubapi.h"
#include "ops/cleanup.h"
#include "ops/warmpool.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"
#include "workflow/workflowrun.h"

#include <QFuture>
#include <QMap>
#include <QObject>
#include <QHash>
#include <QThread>

#include <memory>
#include <optional>

namespace squad {

// All sandboxes at one moment, as the GUI shows them.
struct SandboxSnapshot
{
    SandboxRecords records;            // newest first, without metadata (see sandbox())
    QMap<SandboxStatus, int> counts;   // of all rows; empty for a first page
    bool complete = true;              // false for a first page (see loadSandboxes)
};

// What the guided workflow needs from the GUI thread's accounts: resolved there (the keychain
// answers there, see resolveGitHubAccess), handed over as plain values.
struct WorkflowAccess
{
    QString apiUrl;        // GitHub's REST API; empty: no pull request can be opened
    GitHubAuth auth;       // a secret: only ever given to the worker's GitHubApi
    GitIdentity identity;  // who commits (the profile's author); empty = the sandbox's git config
};

// The GUI's asynchronous face of the core. The core (database, providers, lifecycle service)
// lives on a worker thread that this object owns; every call returns at once and its future
// finishes on the caller's event loop (continue with QFuture::then(context, ...)). The UI
// thread never waits on the database, a process or the network.
// Create, use and destroy on the GUI thread; destruction cancels and joins the worker.
class ConsoleBackend : public QObject
{
    Q_OBJECT
public:
    explicit ConsoleBackend(const StartupOptions &options, QObject *parent = nullptr);
    ~ConsoleBackend() override;

    // Opens the core on the worker. Its error names what failed (data folder, database).
    // Other calls made before it finishes run after it, in order. Calling it again returns the
    // first call's future: a program can start opening before its window exists.
    QFuture<Result<void>> open();
    // The database in use (password masked); empty until open() succeeded.
    QString databaseName() const { return m_databaseName; }

    // Reads the sandboxes. `firstPage` > 0 reads only the newest rows (complete = false), so a
    // window can paint before a large table is read. With `onlyIfChanged`, std::nullopt comes
    // back when nothing changed since the last load (checked with one cheap query).
    QFuture<Result<std::optional<SandboxSnapshot>>> loadSandboxes(int firstPage = 0,
                                                                  bool onlyIfChanged = false);

    // The newest `rows` sandboxes, read once: the first call starts the read, later calls get
    // the same future. A program asks for it right after open(), before building its window,
    // so the window has rows to paint as soon as it shows.
    QFuture<Result<std::optional<SandboxSnapshot>>> firstPage(int rows);

    // One sandbox with every field, metadata included.
    QFuture<Result<SandboxRecord>> sandbox(const QString &id);

    QFuture<Result<SandboxRecord>> create(const CreateSandboxRequest &request);
    QFuture<Result<TerminateOutcome>> terminate(const QString &id);
    QFuture<Result<QList<AuditEntry>>> auditOf(const QString &sandboxId, int limit = 200);

    // Runs a command in a sandbox; the returned run lives on the caller's thread (owned by
    // `parent`) and forwards output, finish and cancel across to the worker.
    CommandRun *run(const QString &id, const CommandSpec &spec, QObject *parent);

    // The default template for new sandboxes.
    QString defaultTemplate() const;

    // E2B cloud sandboxes, with the profile's location and key: they become the default for new
    // sandboxes, their rows are reconciled on every refresh, and their orphans appear in
    // snapshots. Called again (the key or location changed), it switches to the new ones.
    QFuture<Result<void>> enableE2b(const E2bLocation &location, const QString &apiKey);
    bool hasE2b() const { return m_e2bEnabled; }
    // Compares the rows with E2B's live list (see SandboxService::reconcile); the orphans it
    // finds are part of every later snapshot until they are adopted, ended or gone.
    // InvalidArgument when E2B is not enabled.
    QFuture<Result<ReconcileReport>> reconcile();

    // The cleanup (see Cleanup): reconciles E2B when it is enabled (its orphans are part of
    // later snapshots, less those ended), plans by `policy`, and unless `dryRun` terminates
    // the candidates — with `onlyIds`, only those of them (what the operator confirmed).
    QFuture<Result<CleanupReport>> cleanup(const CleanupPolicy &policy, bool dryRun,
                                           const std::optional<QSet<QString>> &onlyIds = {});

    // The warm pool (see WarmPool), with the settings' sizes (pool/..., SANDBOX_POOL_SIZE) read
    // again on each call. fillPool() fills it and keeps refilling it in the background (and
    // after every workflow run takes one); drainPool() stops that and ends every pooled
    // sandbox no run has taken. poolRefilled() reports each background refill.
    QFuture<Result<WarmPoolReport>> fillPool();
    QFuture<Result<WarmPoolReport>> drainPool();
    QFuture<Result<QList<WarmPoolEntry>>> poolStatus();

    // Lifecycle controls (see SandboxService); an orphan's id works for terminate() and adopt().
    QFuture<Result<SandboxRecord>> setTimeout(const QString &id, int seconds);
    QFuture<Result<SandboxRecord>> pause(const QString &id);
    QFuture<Result<SandboxRecord>> resume(const QString &id);
    QFuture<Result<QList<ProviderLogEntry>>> logs(const QString &id, int limit = 200);
    QFuture<Result<SandboxRecord>> adopt(const QString &orphanId);
    // The templates new E2B sandboxes can start from; InvalidArgument when E2B is not enabled.
    QFuture<Result<QList<E2bTemplate>>> templates();

    // The changes in the sandbox's repository against its HEAD, untracked files included
    // (git runs in the sandbox; its index is left alone).
    QFuture<Result<git::Diff>> diff(const QString &id);
    // filesChanged(id) from now on whenever the sandbox's files may have changed: a local
    // sandbox's repository is watched, an E2B one polled. One sandbox at a time; stop with an
    // empty id.
    void watchChanges(const QString &id);
    // The same for one more follower, named `watcher` (a wizard following its run's sandbox
    // while the details pane follows another): the repository at `repoDir` (relative to the
    // sandbox's home) is what is watched. One sandbox per watcher; stop with an empty id.
    void watchChanges(const QString &watcher, const QString &id, const QString &repoDir);
    // The changes of the repository at `repoDir` in the sandbox (see diff(id)).
    QFuture<Result<git::Diff>> diff(const QString &id, const QString &repoDir);

    // --- the guided workflow (WorkflowEngine on the worker, see workflowengine.h) ------------
    // Who runs the workflow's git and GitHub calls. The engine is made on first use with the
    // access given last (none: no pull request can be opened); a new access replaces it once
    // no step is running. Steps run by this backend never discard the sandbox on a failure:
    // the operator retries, skips or aborts.
    void setWorkflowAccess(const WorkflowAccess &access);
    bool hasWorkflowAccess() const { return m_hasWorkflowAccess; }
    // Checks the inputs and stores a pending run (nothing runs yet).
    QFuture<Result<WorkflowRun>> createRun(const WorkflowInputs &inputs);
    // Runs the run from its first unfinished step until it succeeds, waits for the operator
    // (step 4) or a step fails; the answer is the run then. runChanged() follows every step.
    QFuture<Result<WorkflowRun>> startRun(const QString &runId);
    QFuture<Result<WorkflowRun>> confirmAgentDone(const QString &runId);
    QFuture<Result<WorkflowRun>> retryRun(const QString &runId);
    QFuture<Result<WorkflowRun>> skipStep(const QString &runId);
    // Stops the run for good; its sandbox is terminated unless `keepSandbox`. A Conflict while
    // one of its steps is running.
    QFuture<Result<WorkflowRun>> abortRun(const QString &runId, bool keepSandbox);
    // Every run, newest first (`limit` > 0: that many).
    QFuture<Result<QList<WorkflowRun>>> runs(int limit = 0);
    QFuture<Result<WorkflowRun>> workflowRun(const QString &runId);
    // Unfinished runs no live process is running: what to offer to resume.
    QFuture<Result<QList<WorkflowRun>>> resumableRuns();
    // True from a start, confirm, retry or skip of `runId` through this backend until its
    // answer arrives: its steps are running here.
    bool isRunActive(const QString &runId) const { return m_activeRuns.value(runId) > 0; }

Q_SIGNALS:
    // A sandbox changed through this backend (created, moved status, used); like the rows of a
    // snapshot, without metadata.
    void sandboxChanged(const squad::SandboxRecord &record);
    // See watchChanges().
    void filesChanged(const QString &id);
    // A workflow run was written (created, each step's start and end, state changes).
    void runChanged(const squad::WorkflowRun &run);
    // A line of a run's step log (git's output, the agent command's, retries, errors).
    void stepLog(const QString &runId, squad::WorkflowStepKind step, const QString &line);
    // A background refill of the warm pool ended (see fillPool()).
    void poolRefilled(const squad::WarmPoolReport &report);

private:
    class Worker;

    template<class T, class Work>
    QFuture<T> onWorker(Work work);

    // `work` gets the worker's core, or the future fails with why there is none.
    template<class T, class Work>
    QFuture<T> withCore(Work work);

    // `work` gets the worker's workflow engine (made on first use).
    using RunFuture = QFuture<Result<WorkflowRun>>;
    template<class T, class Work>
    QFuture<T> withEngine(Work work);
    // A call that drives `runId`'s steps: marks it active until its answer is in.
    RunFuture driving(const QString &runId, RunFuture future);

    QThread m_thread;
    bool m_e2bEnabled = false;
    Worker *m_worker = nullptr;  // lives on m_thread; deleted there when it finishes
    QString m_databaseName;
    std::optional<QFuture<Result<void>>> m_opening;
    std::optional<QFuture<Result<std::optional<SandboxSnapshot>>>> m_firstPage;
    bool m_hasWorkflowAccess = false;
    QHash<QString, int> m_activeRuns;  // calls under way, by run

public:
    // An E2B sandbox's resource samples (see E2bApi::sandboxMetrics), oldest first; an orphan's
    // too. InvalidArgument when E2B is not enabled or the sandbox is not an E2B one.
    QFuture<Result<QList<E2bMetric>>> metrics(const QString &id, const QDateTime &start = {},
                                              const QDateTime &end = {});

    // What latestMetrics() found: the samples, and why some calls found none.
    struct LatestMetrics
    {
        QMap<QString, E2bMetric> samples;  // by E2B sandbox id; none for an id E2B has none of
        QList<Error> errors;               // one per failed call; its ids are just missing
        int calls = 0;                     // requests made (ids / 100, rounded up)
    };
    // The latest resource sample of each of `e2bIds` (E2B's ids of live sandboxes, orphans'
    // too; duplicates are asked once), 100 ids a call (E2B's limit), the calls side by side.
    // A failed call loses only its own ids. InvalidArgument when E2B is not enabled.
    QFuture<Result<LatestMetrics>> latestMetrics(const QStringList &e2bIds);
};

} // namespace squad
