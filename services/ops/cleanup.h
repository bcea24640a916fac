// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "sandbox/sandboxprovider.h"
#include "sandbox/sandboxrecord.h"
#include "sandbox/sandboxservice.h"
#include "workflow/workflowrun.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>

namespace squad {

class Database;

// What the cleanup ends: sandboxes in one of `statuses` (RUNNING and ERROR) whose age is over
// `maxAgeSeconds`, and, with `includeOrphans`, sandboxes a provider runs without a row here
// that are as old. Age runs from the provider's start time when known, else the row's creation.
// A warm pool's idle sandbox is a RUNNING row like any other: past the age it is ended (the
// pool makes a fresh one), which also retires sandboxes a pool kept too long.
struct CleanupPolicy
{
    static constexpr int DefaultAgeHours = 24;
    static constexpr int DefaultIntervalHours = 6;
    // Overrides the operator's setting (hours, a whole number > 0), as in the original system.
    static constexpr QLatin1StringView AgeEnvironmentVariable{"SANDBOX_CLEANUP_AGE_HOURS"};

    qint64 maxAgeSeconds = qint64(DefaultAgeHours) * 3600;
    // The statuses that can be ended, as statusBit()s.
    unsigned statuses = statusBit(SandboxStatus::Running) | statusBit(SandboxStatus::Error);
    bool includeOrphans = true;

    static constexpr unsigned statusBit(SandboxStatus status) { return 1u << unsigned(status); }
    bool covers(SandboxStatus status) const { return (statuses & statusBit(status)) != 0; }

    // The policy with the age of SANDBOX_CLEANUP_AGE_HOURS when it is set and valid, else
    // `settingAgeHours` (the GUI's cleanup/ageHours), else the default.
    static CleanupPolicy fromSetting(int settingAgeHours);
    // The age SANDBOX_CLEANUP_AGE_HOURS sets, if it is set and valid.
    static std::optional<int> environmentAgeHours();
};

// "24h", "90m", "2d", "3600s"; a bare number is hours (like SANDBOX_CLEANUP_AGE_HOURS).
// InvalidArgument for anything else, zero or negative.
[[nodiscard]] Result<qint64> parseCleanupDuration(const QString &text);
// "24 h", "90 min", "2 d", "45 s": the largest unit that divides it, for reasons and summaries.
QString cleanupDurationText(qint64 seconds);

// A sandbox a provider runs with no row here, as reconciling found it.
struct CleanupOrphan
{
    QString provider;
    ProviderSandbox sandbox;
};

// One sandbox the cleanup ends (or, in a dry run, would end), and why.
struct CleanupCandidate
{
    bool orphan = false;
    QString id;          // the row's id; an orphan's provider id
    QString provider;
    QString providerId;
    std::optional<SandboxStatus> status;  // the row's; none for an orphan
    QDateTime since;     // what the age is measured from
    qint64 ageSeconds = 0;
    QString runId;       // the workflow run it belongs to (metadata squad.run), if any
    QString reason;      // "RUNNING for 31 h (older than 24 h)"
};

// A sandbox in a cleanup status (or an orphan) that the cleanup leaves, and why.
struct CleanupKept
{
    bool orphan = false;
    QString id;
    QString provider;
    QString reason;
};

struct CleanupPlan
{
    CleanupPolicy policy;
    QDateTime now;
    QList<CleanupCandidate> candidates;
    QList<CleanupKept> kept;
};

// A workflow run whose sandboxes the cleanup never ends: one not finished (pending, running,
// waiting, or failed and so still retryable) whose runner is alive (`runnerAlive`) or that was
// written within the policy's age. Finished runs (succeeded, aborted) and unfinished ones
// abandoned that long with no live runner are dead: their sandboxes go by the age rule.
bool cleanupProtectsRun(const WorkflowRun &run, bool runnerAlive, const CleanupPolicy &policy,
                        const QDateTime &now);
// Whether the process that last ran `run` may still run it: this process, a live process on
// this machine, or any process on another machine (which cannot be checked from here).
bool cleanupRunnerAlive(const WorkflowRun &run);
// The workflow run a sandbox's metadata (JSON object text) names with squad.run; empty if none.
QString cleanupRunOf(const QString &metadataJson);

// Decides, without any I/O, what the cleanup ends. `rows` may hold rows of every status (only
// those of the policy's statuses can be candidates); `runsWithLiveRunner` names the runs whose
// runner is alive (see cleanupRunnerAlive). A sandbox whose age is unknown is kept.
CleanupPlan planCleanup(const CleanupPolicy &policy, const QList<SandboxRecord> &rows,
                        const QList<CleanupOrphan> &orphans, const QList<WorkflowRun> &runs,
                        const QDateTime &now, const QSet<QString> &runsWithLiveRunner = {});

struct CleanupItemOutcome
{
    CleanupCandidate candidate;
    bool ok = false;
    QString message;  // what the termination did, or why it failed
};

// One cleanup: what was planned and, unless a dry run, what each termination did.
struct CleanupReport
{
    CleanupPlan plan;
    bool dryRun = false;
    QList<CleanupItemOutcome> outcomes;  // one per candidate terminated (none in a dry run)
    QList<ReconcileReport> reconciled;   // the providers listed for orphans
    QStringList warnings;                // a provider that could not be listed, ...

    int terminatedCount() const;
    int failedCount() const;
    bool succeeded() const { return failedCount() == 0; }
    // One line for the status bar and the audit log: "Cleanup ended 3 sandboxes older than 24 h".
    QString summary() const;
};

// Runs the cleanup: reconciles the providers that can list their sandboxes (finding orphans and
// closing rows gone there, as every refresh does, so a dry run plans what a real run would),
// plans, and unless a dry run terminates each candidate one after the other — rows through
// SandboxService::terminate, orphans through terminateOrphan, each audited there — and writes
// one "cleanup" audit row with the summary. A failed termination does not stop the others.
// Lives on the thread that owns the Database and the service; futures finish there.
class Cleanup : public QObject
{
    Q_OBJECT
public:
    // Neither is owned; both must outlive the cleanup.
    Cleanup(const Database &db, SandboxService &sandboxes, QObject *parent = nullptr);
    ~Cleanup() override;

    struct Options
    {
        bool dryRun = false;
        QStringList reconcileProviders;  // providers to list for orphans ("e2b")
        // When set, only candidates with these ids are ended: what the operator confirmed
        // after a dry run (a sandbox no longer meeting the criteria is left even so).
        std::optional<QSet<QString>> onlyIds;
    };

    // An error only when the store cannot be read (or the summary audited); each
    // termination's failure is in the report.
    QFuture<Result<CleanupReport>> run(const CleanupPolicy &policy, const Options &options);

private:
    struct Job;
    void reconcileNext(const std::shared_ptr<Job> &job);
    void plan(const std::shared_ptr<Job> &job);
    void terminateNext(const std::shared_ptr<Job> &job);
    void finish(const std::shared_ptr<Job> &job);

    const Database &m_db;
    SandboxService &m_sandboxes;
};

} // namespace squad

Q_DECLARE_METATYPE(squad::CleanupReport)
