// SPDX-License-Identifier: MIT
#pragma once

#include "sandboxprovider.h"
#include "sandboxrecord.h"
#include "store/sandboxstore.h"

#include <QFuture>
#include <QHash>
#include <QObject>

#include <functional>
#include <optional>

namespace squad {

class AuditLog;
class Database;

struct CreateSandboxRequest
{
    QString templateId;  // empty = the service's default template
    QString taskId;      // optional, must name an existing task
    QString agentId;     // optional, must name an existing agent
    QString repoUrl;     // optional, without credentials
    QString provider;    // empty = the service's default provider
    // Kept on the row and given to the provider (E2B keeps it with the sandbox), for finding
    // the sandbox again: squad.run = the workflow run it belongs to. Keys start with "squad.".
    QMap<QString, QString> metadata;
    int timeoutSeconds = 0;  // when the provider ends it by itself; 0 = the provider's default
};

struct TerminateOutcome
{
    enum class Kind {
        Terminated,          // the provider ended it now
        AlreadyTerminated,   // it was TERMINATED before: nothing was done
        GoneAtProvider,      // the provider no longer knew it; the row was closed
    };
    SandboxRecord record;
    Kind kind = Kind::Terminated;
    QString message;  // one sentence for the operator
};

// What one reconciliation of the store with a provider's live list found and did.
struct ReconcileReport
{
    QString provider;
    QList<SandboxRecord> closed;        // RUNNING or CREATED here, absent there: now TERMINATED
    QList<SandboxRecord> recovered;     // CREATED here without the provider's id, found there
                                        // by our id in its metadata: now RUNNING
    QList<ProviderSandbox> orphans;     // live there, with no row here
    QStringList paused;                 // our ids the provider reports as paused
    int live = 0;                       // sandboxes the provider listed
};

// The sandbox lifecycle: the rules of the original system, over the SandboxProvider seam.
// Status moves CREATED → RUNNING → TERMINATED, or → ERROR with the reason kept; every change
// writes the row and its audit entry in one transaction.
// Lives on the thread that owns the Database; futures finish on that thread's event loop.
class SandboxService : public QObject
{
    Q_OBJECT
public:
    SandboxService(const Database &db, QObject *parent = nullptr);
    ~SandboxService() override;

    // Providers are owned by the caller and must outlive the service.
    void addProvider(SandboxProvider *provider);
    void setDefaultProvider(const QString &name) { m_defaultProvider = name; }
    QString defaultProvider() const { return m_defaultProvider; }
    bool hasProvider(const QString &name) const { return m_providers.contains(name); }
    void setDefaultTemplate(const QString &templateId) { m_defaultTemplate = templateId; }
    QString defaultTemplate() const { return m_defaultTemplate; }

    // Validates everything before writing: bad input changes nothing. The row is written as
    // CREATED first, so a crash mid-way leaves a visible trace rather than an orphan.
    QFuture<Result<SandboxRecord>> create(const CreateSandboxRequest &request);

    [[nodiscard]] Result<SandboxRecord> get(const QString &id) const;
    [[nodiscard]] Result<SandboxRecords> list(const SandboxFilter &filter = {}) const;
    // Streams the rows of list() one at a time, without holding them all.
    [[nodiscard]] Result<void> forEach(const SandboxFilter &filter,
                                       const std::function<void(const SandboxRecord &)> &visit) const;
    [[nodiscard]] Result<std::optional<SandboxRecord>> runningForTask(const QString &taskId) const;
    // The newest sandbox created with metadata `key` = `value`, if any.
    [[nodiscard]] Result<std::optional<SandboxRecord>> findByMetadata(const QString &key,
                                                                      const QString &value) const;

    // Writes `updated` (audited `action`) only while the row's metadata is still
    // `expectedMetadata` and it is RUNNING, in one statement: false when another writer got
    // there first. How a sandbox is taken from a warm pool by exactly one taker.
    [[nodiscard]] Result<bool> relabel(const SandboxRecord &updated, const QString &expectedMetadata,
                                       const QString &action, const QString &detail);
    // Asks the provider about a RUNNING sandbox: the row takes its facts, or is closed as
    // TERMINATED when the provider no longer knows it. Other rows come back as they are.
    QFuture<Result<SandboxRecord>> refresh(const QString &id);

    // Unknown id → NotFound. Already terminated → success of kind AlreadyTerminated.
    // The provider reporting NotFound → the row is marked TERMINATED (GoneAtProvider).
    QFuture<Result<TerminateOutcome>> terminate(const QString &id);

    // Runs a command in a RUNNING sandbox and stamps last_used_at. The run is owned by `parent`;
    // an audit row is written when it finishes.
    CommandRun *run(const QString &id, const CommandSpec &spec, QObject *parent);
    // The same for a read-only look the console takes by itself (a live diff every few
    // seconds): neither a use of the sandbox nor an audited command.
    CommandRun *inspect(const QString &id, const CommandSpec &spec, QObject *parent);

    // Compares the rows of `provider` with what it lists as live: a row RUNNING or CREATED
    // here but absent there is closed as TERMINATED (audited "sandbox.reconcile"); a live
    // row takes the provider's facts (paused or running, resources, end time); a live
    // sandbox with no row here is an orphan, reported for the operator to adopt or end. The
    // provider's listing failing changes nothing.
    QFuture<Result<ReconcileReport>> reconcile(const QString &provider);

    // Lifecycle controls of providers that have them (E2B): on a RUNNING sandbox; the row
    // takes the provider's answer and the change is audited. Unknown id → NotFound; a
    // provider without the control → InvalidArgument, nothing done.
    // The sandbox ends `seconds` from now (E2B: at most 24 hours on Pro, 1 hour on Hobby).
    QFuture<Result<SandboxRecord>> setTimeout(const QString &id, int seconds);
    QFuture<Result<SandboxRecord>> pause(const QString &id);
    // From paused to running, with at least `timeoutSeconds` left (0 = the provider's default).
    QFuture<Result<SandboxRecord>> resume(const QString &id, int timeoutSeconds = 0);
    // The sandbox's own log at its provider, newest `limit` entries, oldest first.
    QFuture<Result<QList<ProviderLogEntry>>> logs(const QString &id, int limit = 200);

    // Orphans: sandboxes the provider runs without a row here.
    // The row an orphan is shown as until adopted (orphan = true; its id is the provider's).
    static SandboxRecord orphanRecord(const QString &provider, const ProviderSandbox &sandbox);
    // Gives a live orphan a row (RUNNING, audited "sandbox.adopt"); Conflict when it has one.
    QFuture<Result<SandboxRecord>> adopt(const QString &provider, const QString &providerId);
    // Ends an orphan at its provider (audited "sandbox.orphan.terminate"); a sandbox with a row
    // is ended through terminate() instead (Conflict here). Already gone counts as ended.
    QFuture<Result<void>> terminateOrphan(const QString &provider, const QString &providerId);

Q_SIGNALS:
    // A row changed (created, status moved, used); the GUI's models listen to it.
    void sandboxChanged(const squad::SandboxRecord &record);

private:
    SandboxProvider *providerFor(const QString &name) const;
    CommandRun *start(const QString &id, const CommandSpec &spec, QObject *parent, bool asUse);
    // The RUNNING row `id` and its provider, for a control named `what`.
    [[nodiscard]] Result<std::pair<SandboxRecord, SandboxProvider *>> liveSandbox(
        const QString &id, const QString &what) const;
    // The provider of an orphan, or Conflict (`hasRowMessage` with the provider's id and our
    // row's id) when the sandbox has a row here after all.
    [[nodiscard]] Result<SandboxProvider *> orphanProvider(const QString &provider,
                                                           const QString &providerId,
                                                           const QString &hasRowMessage) const;
    [[nodiscard]] Result<void> save(const SandboxRecord &record, bool insert, const QString &action,
                                    const QString &outcome, const QString &detail) const;
    // `error`, after auditing `action` on `target` as failed (or the audit's own error).
    [[nodiscard]] Error failAudited(const QString &action, const QString &target, const Error &error) const;
    [[nodiscard]] Result<void> audit(const QString &action, const QString &target,
                                     const QString &outcome, const QString &detail) const;

    const Database &m_db;
    SandboxStore m_store;
    QHash<QString, SandboxProvider *> m_providers;
    QString m_defaultProvider;
    QString m_defaultTemplate = QStringLiteral("base");
};

} // namespace squad
