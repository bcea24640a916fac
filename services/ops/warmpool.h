// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "sandbox/sandboxrecord.h"
#include "sandbox/sandboxservice.h"

#include <QFuture>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <optional>

class QSettings;
class QTimer;

namespace squad {

class Database;

// How many ready sandboxes the warm pool keeps, per template, and what happens on exit.
// Settings keys (group pool/ of the shared settings file): pool/size (the default template's),
// pool/otherSizes ("python=2, node=1"), pool/keepOnExit, pool/timeoutMinutes.
struct WarmPoolConfig
{
    // The original system's variable: the pool size of the default template; it overrides
    // pool/size when set to a whole number >= 0.
    static constexpr QLatin1StringView SizeEnvironmentVariable{"SANDBOX_POOL_SIZE"};
    static constexpr int MaxSize = 50;
    static constexpr int DefaultTimeoutMinutes = 60;

    QString defaultTemplate = QStringLiteral("base");
    int defaultSize = 0;                // 0 = no pool
    QMap<QString, int> otherSizes;      // templates other than the default one
    bool keepOnExit = false;            // false: the GUI empties the pool when it quits
    int timeoutMinutes = DefaultTimeoutMinutes;  // a pooled sandbox's lifetime at its provider

    // Every template with a size > 0, the default one first.
    QMap<QString, int> sizes() const;
    int sizeOf(const QString &templateId) const;
    bool enabled() const { return !sizes().isEmpty(); }

    // From the settings, with SANDBOX_POOL_SIZE applied; `defaultTemplate` is the profile's.
    static WarmPoolConfig fromSettings(const QSettings &settings, const QString &defaultTemplate);
    // Writes the keys (not the environment's override).
    void save(QSettings &settings) const;
    // The size SANDBOX_POOL_SIZE sets, if set and valid.
    static std::optional<int> environmentSize();
    // "python=2, node=1" ↔ map; InvalidArgument naming the bad part (nothing else parsed).
    [[nodiscard]] static Result<QMap<QString, int>> parseSizes(const QString &text);
    static QString sizesText(const QMap<QString, int> &sizes);
};

// One template's pool, as status() finds it.
struct WarmPoolEntry
{
    QString templateId;
    QString provider;
    int size = 0;       // what it is configured to keep
    int ready = 0;      // RUNNING, unclaimed, with time left
    int starting = 0;   // CREATED: being made
    QStringList ids;    // the pooled sandboxes (ready and starting)
};

// What one fill or drain did.
struct WarmPoolReport
{
    QStringList created;   // ids made ready
    QStringList ended;     // ids terminated
    QStringList errors;    // one sentence each

    bool succeeded() const { return errors.isEmpty(); }
    QString summary() const;
};

// An optional pool of ready sandboxes per template (the original's SANDBOX_POOL_SIZE) that
// workflow runs take from. A pooled sandbox is an ordinary row whose metadata has squad.pool =
// its template (services/ops/poolmarker.h); it lives at the service's default provider.
// Taking one adds the run's metadata in one conditional write (see SandboxService::relabel),
// so two takers never get the same sandbox. Refilling counts the pooled rows, CREATED ones
// included (create() writes its row before it returns), so concurrent refills on this thread
// never make more than the size. Everything is audited (pool.take, pool.fill, pool.drain,
// besides each sandbox's own create and terminate rows).
// Lives on the thread that owns the Database and the service; futures finish there.
class WarmPool : public QObject
{
    Q_OBJECT
public:
    // Neither is owned; both must outlive the pool.
    WarmPool(const Database &db, SandboxService &sandboxes, QObject *parent = nullptr);
    ~WarmPool() override;

    void setConfig(const WarmPoolConfig &config) { m_config = config; }
    const WarmPoolConfig &config() const { return m_config; }

    // Pooled sandboxes with less time left than this are not handed out (nor counted ready):
    // a run should have at least what a new sandbox gets.
    static constexpr int MinSecondsLeft = 300;

    // Every template that has a size or pooled sandboxes.
    [[nodiscard]] Result<QList<WarmPoolEntry>> status() const;

    // Claims one ready pooled sandbox of the request's template at its provider (empty: the
    // service's defaults), relabelled with the request's metadata, task, agent and repository,
    // after checking with the provider that it still runs (a dead one is closed and the next
    // tried). None when the pool has none; then refills in the background.
    QFuture<Result<std::optional<SandboxRecord>>> take(const CreateSandboxRequest &request);

    // Creates what is missing up to each template's size (or only `templateId`'s, with
    // `sizeOverride` >= 0 instead of the configured one); waits for the creations.
    QFuture<Result<WarmPoolReport>> refill(const QString &templateId = {}, int sizeOverride = -1);
    // Terminates every pooled, unclaimed sandbox (of `templateId` only, when given).
    QFuture<Result<WarmPoolReport>> drain(const QString &templateId = {});

    // Refills every `intervalMs` from now on; after a failed refill, waits 2, 4, 8... times
    // that (at most 32) before the next. Stops with 0.
    void setBackgroundInterval(int intervalMs);

Q_SIGNALS:
    // A background refill (the timer's, or the one after a take) ended.
    void refilled(const squad::WarmPoolReport &report);

private:
    QFuture<Result<std::optional<SandboxRecord>>> claimNext(const CreateSandboxRequest &request,
                                                            const QString &provider,
                                                            QList<SandboxRecord> candidates);
    void refillInBackground();
    void tick();
    // The pooled, unclaimed live rows.
    [[nodiscard]] Result<SandboxRecords> pooled() const;
    bool ready(const SandboxRecord &record) const;
    [[nodiscard]] Result<void> audit(const QString &action, const QString &target,
                                     const QString &outcome, const QString &detail) const;

    const Database &m_db;
    SandboxService &m_sandboxes;
    WarmPoolConfig m_config;
    QTimer *m_timer = nullptr;
    int m_failures = 0;     // background refills failed in a row
    int m_skipTicks = 0;    // ticks still to wait before the next background refill
    bool m_refilling = false;
};

} // namespace squad

Q_DECLARE_METATYPE(squad::WarmPoolReport)
