// SPDX-License-Identifier: MIT
#include "consolebackend.h"

#include "console/consolesettings.h"

#include "core/futures.h"
#include "e2b/e2bprovider.h"
#include "git/gitinput.h"
#include "git/sandboxchanges.h"
#include "local/localprovider.h"
#include "ops/poolmarker.h"
#include "store/database.h"
#include "store/sandboxstore.h"
#include "workflow/workflowengine.h"
#include "workflow/workflowservices.h"

#include <QFileInfo>
#include <QPointer>
#include <QPromise>

#include <type_traits>

using namespace Qt::StringLiterals;

namespace squad {

// Lives on the backend's thread and owns everything that touches a disk, a database or a
// process. Only ever called through ConsoleBackend::onWorker (queued onto its thread).
class ConsoleBackend::Worker : public QObject
{
public:
    explicit Worker(StartupOptions options) : m_options(std::move(options)) {}

    Result<QString> open()
    {
        auto core = ConsoleCore::open(m_options);
        if (!core)
            return fail(core.error());
        m_core = std::move(*core);
        return m_core->database().location().displayName();
    }

    // The core, or the reason there is none (open() failed or was never called).
    Result<ConsoleCore *> core() const
    {
        if (!m_core) {
            return fail(ErrorCode::Unavailable,
                        u"The database is not open: fix the error shown at start-up and restart "
                        "Squad Console"_s);
        }
        return m_core.get();
    }

    // The change token of a snapshot: the table's, and the orphans shown with it.
    QString changeToken(const QString &tableToken) const
    {
        QString token = tableToken;
        for (const SandboxRecord &orphan : m_orphans)
            token += u'|' + orphan.id + providerStateName(orphan.providerState);
        return token;
    }

    ~Worker() override
    {
        // The engine first (it ends its runs' promises as cancelled; their rows say "running"
        // with this process as runner, so the next start takes them over), then what it uses,
        // then the core they all use.
        m_engine.reset();
        m_workflowServices.reset();
        m_github.reset();
        for (Watcher *watcher : std::as_const(m_watchers)) {
            delete watcher->watch;
            delete watcher;
        }
        m_watchers.clear();
        m_cleanup.reset();
        m_pool.reset();
        m_core.reset();
    }

    QString m_lastChangeToken;
    // Sandboxes E2B runs with no row here, from the last reconcile, by provider id.
    QMap<QString, SandboxRecord> m_orphans;
    // The cleanup, made on first use (it uses the core).
    std::unique_ptr<Cleanup> m_cleanup;
    // The warm pool, made on first use (it uses the core; the workflow takes from it).
    std::unique_ptr<WarmPool> m_pool;
    ConsoleBackend *m_backend = nullptr;

    // The pool, with the settings as they are now.
    WarmPool &pool(ConsoleCore &core)
    {
        if (!m_pool) {
            m_pool = std::make_unique<WarmPool>(core.database(), core.sandboxes());
            if (m_backend)
                connect(m_pool.get(), &WarmPool::refilled, m_backend, &ConsoleBackend::poolRefilled);
        }
        m_pool->setConfig(WarmPoolConfig::fromSettings(ConsoleSettings(), core.sandboxes().defaultTemplate()));
        return *m_pool;
    }

    // The orphans `report` found at `provider` become the ones shown.
    void takeOrphans(const QString &provider, const ReconcileReport &report)
    {
        m_orphans.clear();
        for (const ProviderSandbox &sandbox : report.orphans) {
            SandboxRecord orphan = SandboxService::orphanRecord(provider, sandbox);
            m_orphans.insert(orphan.id, orphan);
        }
    }

    // Who follows which sandbox's files (watchChanges), by watcher ("" = the details pane).
    struct Watcher
    {
        QString id;
        git::ChangeWatch *watch = nullptr;
    };
    QHash<QString, Watcher *> m_watchers;

    // The workflow engine, made on first use with the access given last.
    WorkflowEngine &engine(ConsoleCore &core, ConsoleBackend *backend)
    {
        if (!m_engine) {
            if (!m_access.apiUrl.isEmpty())
                m_github = std::make_unique<GitHubApi>(m_access.apiUrl, m_access.auth);
            m_workflowServices = std::make_unique<WorkflowServices>(
                core.database(), core.sandboxes(), m_github.get(), m_access.identity);
            m_workflowServices->setWarmPool(&pool(core));
            m_engine = std::make_unique<WorkflowEngine>(core.database(), *m_workflowServices);
            WorkflowEngine::Options options = WorkflowEngine::optionsFrom(ConsoleSettings());
            // The operator decides what happens to the sandbox of a failed step.
            options.discardSandboxOnFailure = false;
            m_engine->setOptions(options);
            // Queued to the backend: re-emitted on the GUI thread.
            connect(m_engine.get(), &WorkflowEngine::runChanged, backend,
                    &ConsoleBackend::runChanged);
            connect(m_engine.get(), &WorkflowEngine::stepLog, backend, &ConsoleBackend::stepLog);
            m_accessChanged = false;
        }
        return *m_engine;
    }

    void setAccess(const WorkflowAccess &access)
    {
        m_access = access;
        m_accessChanged = true;
        dropEngineIfIdle();
    }

    // Counts a call that drives steps: the engine is not replaced while one is under way.
    QFuture<Result<WorkflowRun>> driving(QFuture<Result<WorkflowRun>> future)
    {
        ++m_driving;
        return future.then(this, [this](Result<WorkflowRun> run) {
            if (--m_driving == 0 && m_accessChanged) {
                // Not from inside the engine's own call chain.
                QMetaObject::invokeMethod(this, [this] { dropEngineIfIdle(); }, Qt::QueuedConnection);
            }
            return run;
        });
    }

private:
    void dropEngineIfIdle()
    {
        if (m_driving > 0 || !m_accessChanged || !m_engine)
            return;
        m_engine.reset();
        m_workflowServices.reset();
        m_github.reset();
    }

    StartupOptions m_options;
    std::unique_ptr<ConsoleCore> m_core;
    WorkflowAccess m_access;
    bool m_accessChanged = false;
    int m_driving = 0;
    std::unique_ptr<GitHubApi> m_github;
    std::unique_ptr<WorkflowServices> m_workflowServices;
    std::unique_ptr<WorkflowEngine> m_engine;
};

// Forwards one command's output and end from the worker thread to a RemoteCommandRun. It is
// created on the GUI thread, connected there, then moved to the worker, so no connection is
// ever made to an object that may be going away on another thread.
class RunRelay : public QObject
{
    Q_OBJECT
public:
    void start(SandboxService &service, const QString &id, const CommandSpec &spec,
               QObject *owner)
    {
        setParent(owner);  // the worker: its destruction ends the command too
        m_run = service.run(id, spec, this);
        connect(m_run, &CommandRun::output, this, &RunRelay::output);
        connect(m_run, &CommandRun::finished, this, [this] {
            Q_EMIT finished(m_run->result());
            deleteLater();
        });
    }
    void cancel()
    {
        if (m_run)
            m_run->cancel();
    }

Q_SIGNALS:
    void output(squad::CommandRun::Channel channel, const QByteArray &data);
    void finished(const squad::Result<squad::CommandOutcome> &result);

private:
    QPointer<CommandRun> m_run;
};

// The GUI thread's handle on a command running on the worker.
class RemoteCommandRun final : public CommandRun
{
public:
    RemoteCommandRun(RunRelay *relay, QObject *worker, QObject *parent)
        : CommandRun(parent)
        , m_relay(relay)
        , m_worker(worker)
    {
        connect(relay, &RunRelay::output, this, &CommandRun::output);
        connect(relay, &RunRelay::finished, this,
                [this](const Result<CommandOutcome> &result) { finish(result); });
    }
    ~RemoteCommandRun() override
    {
        if (!isFinished())
            cancel();
    }
    void cancel() override
    {
        // The relay is only dereferenced on its own thread.
        if (m_worker)
            QMetaObject::invokeMethod(m_worker, [relay = m_relay] {
                if (relay)
                    relay->cancel();
            });
    }

private:
    QPointer<RunRelay> m_relay;
    QPointer<QObject> m_worker;
};

template<class T, class Work>
QFuture<T> ConsoleBackend::onWorker(Work work)
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    QFuture<T> future = promise->future();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, promise, work]() mutable {
        using Returned = std::invoke_result_t<Work &, Worker &>;
        if constexpr (std::is_same_v<Returned, QFuture<T>>) {
            work(*worker).then(worker, [promise](T value) {
                promise->addResult(std::move(value));
                promise->finish();
            });
        } else {
            promise->addResult(work(*worker));
            promise->finish();
        }
    });
    return future;
}

template<class T, class Work>
QFuture<T> ConsoleBackend::withCore(Work work)
{
    return onWorker<T>([work](Worker &worker) mutable -> QFuture<T> {
        auto core = worker.core();
        if (!core)
            return readyFuture<T>(tl::unexpected(core.error()));
        return work(worker, **core);
    });
}

ConsoleBackend::ConsoleBackend(const StartupOptions &options, QObject *parent)
    : QObject(parent)
    , m_worker(new Worker(options))
{
    m_thread.setObjectName(u"squad-core"_s);
    m_worker->m_backend = this;
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

ConsoleBackend::~ConsoleBackend()
{
    // The core (database connection, running commands) is destroyed on its own thread, then
    // the thread ends. Pending futures are cancelled with their promises.
    QMetaObject::invokeMethod(m_worker, [worker = m_worker] { delete worker; },
                              Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QFuture<Result<void>> ConsoleBackend::open()
{
    if (m_opening)
        return *m_opening;
    m_opening = onWorker<Result<QString>>([this](Worker &worker) {
               auto opened = worker.open();
               if (opened) {
                   // Queued to this object: the signal is re-emitted on the GUI thread.
                   connect(&worker.core().value()->sandboxes(), &SandboxService::sandboxChanged,
                           this, [this](SandboxRecord record) {
                               // Except a pooled sandbox's: it is what marks it.
                               if (!isPooledSandbox(record))
                                   record.metadata.clear();
                               Q_EMIT sandboxChanged(record);
                           });
               }
               return opened;
           })
        .then(this, [this](const Result<QString> &opened) -> Result<void> {
            if (!opened)
                return fail(opened.error());
            m_databaseName = *opened;
            return {};
        });
    return *m_opening;
}

QFuture<Result<std::optional<SandboxSnapshot>>> ConsoleBackend::loadSandboxes(int firstPage,
                                                                              bool onlyIfChanged)
{
    using Loaded = Result<std::optional<SandboxSnapshot>>;
    return onWorker<Loaded>([firstPage, onlyIfChanged](Worker &worker) -> Loaded {
        auto core = worker.core();
        if (!core)
            return fail(core.error());
        const SandboxStore store((*core)->database());
        SandboxSnapshot snapshot;
        // A first page is what paints the window: the newest rows by index, nothing else.
        if (firstPage > 0) {
            SandboxFilter filter;
            filter.limit = firstPage;
            filter.withMetadata = false;
            auto records = store.list(filter);
            if (!records)
                return fail(records.error());
            snapshot.records = std::move(*records);
            snapshot.complete = false;
            return std::optional<SandboxSnapshot>(std::move(snapshot));
        }
        auto tableToken = store.changeToken();
        if (!tableToken)
            return fail(tableToken.error());
        const QString token = worker.changeToken(*tableToken);
        if (onlyIfChanged && token == worker.m_lastChangeToken)
            return std::optional<SandboxSnapshot>();
        SandboxFilter everything;
        everything.withMetadata = false;
        auto records = store.list(everything);
        if (!records)
            return fail(records.error());
        snapshot.records = std::move(*records);
        // Orphans come last; their status counts as the live sandboxes they are.
        for (const SandboxRecord &orphan : std::as_const(worker.m_orphans))
            snapshot.records.append(orphan);
        for (SandboxStatus status : AllSandboxStatuses)
            snapshot.counts.insert(status, 0);
        for (const SandboxRecord &record : std::as_const(snapshot.records))
            ++snapshot.counts[record.status];
        worker.m_lastChangeToken = token;
        return std::optional<SandboxSnapshot>(std::move(snapshot));
    });
}

QFuture<Result<std::optional<SandboxSnapshot>>> ConsoleBackend::firstPage(int rows)
{
    if (!m_firstPage)
        m_firstPage = loadSandboxes(rows);
    return *m_firstPage;
}

QFuture<Result<SandboxRecord>> ConsoleBackend::sandbox(const QString &id)
{
    using Found = Result<SandboxRecord>;
    return onWorker<Found>([id](Worker &worker) -> Found {
        auto core = worker.core();
        if (!core)
            return fail(core.error());
        return (*core)->sandboxes().get(id);
    });
}

QFuture<Result<SandboxRecord>> ConsoleBackend::create(const CreateSandboxRequest &request)
{
    return withCore<Result<SandboxRecord>>([request](Worker &, ConsoleCore &core) {
        return core.sandboxes().create(request);
    });
}

QFuture<Result<TerminateOutcome>> ConsoleBackend::terminate(const QString &id)
{
    using Outcome = Result<TerminateOutcome>;
    return withCore<Outcome>([id](Worker &worker, ConsoleCore &core) -> QFuture<Outcome> {
        if (!worker.m_orphans.contains(id))
            return core.sandboxes().terminate(id);
        SandboxRecord orphan = worker.m_orphans.value(id);
        return core.sandboxes().terminateOrphan(orphan.provider, orphan.providerId)
            .then(&worker, [&worker, orphan](const Result<void> &ended) mutable -> Outcome {
                if (!ended)
                    return fail(ended.error());
                worker.m_orphans.remove(orphan.id);
                orphan.status = SandboxStatus::Terminated;
                orphan.updatedAt = orphan.endedAt = QDateTime::currentDateTimeUtc();
                return TerminateOutcome{orphan, TerminateOutcome::Kind::Terminated,
                                        u"Orphan %1 terminated at %2"_s.arg(orphan.id, orphan.provider)};
            });
    });
}

QFuture<Result<QList<AuditEntry>>> ConsoleBackend::auditOf(const QString &sandboxId, int limit)
{
    using Entries = Result<QList<AuditEntry>>;
    return onWorker<Entries>([sandboxId, limit](Worker &worker) -> Entries {
        auto core = worker.core();
        if (!core)
            return fail(core.error());
        return AuditLog((*core)->database()).list({sandboxId, limit});
    });
}

CommandRun *ConsoleBackend::run(const QString &id, const CommandSpec &spec, QObject *parent)
{
    auto *relay = new RunRelay;
    auto *remote = new RemoteCommandRun(relay, m_worker, parent);
    relay->moveToThread(&m_thread);
    QMetaObject::invokeMethod(relay, [relay, worker = m_worker, id, spec] {
        auto core = worker->core();
        if (!core) {
            Q_EMIT relay->finished(fail(core.error()));
            relay->deleteLater();
            return;
        }
        relay->start((*core)->sandboxes(), id, spec, worker);
    });
    return remote;
}

QFuture<Result<git::Diff>> ConsoleBackend::diff(const QString &id)
{
    return diff(id, QString());
}

QFuture<Result<git::Diff>> ConsoleBackend::diff(const QString &id, const QString &repoDir)
{
    using Diffed = Result<git::Diff>;
    return withCore<Diffed>([id, repoDir](Worker &worker, ConsoleCore &core) -> QFuture<Diffed> {
        auto record = core.sandboxes().get(id);
        if (!record)
            return readyFuture<Diffed>(fail(record.error()));
        git::SandboxDiffRequest request;
        request.repoUrl = record->repoUrl;
        request.repoDir = repoDir;
        return git::sandboxDiff(core.sandboxes(), id, request, &worker);
    });
}

void ConsoleBackend::watchChanges(const QString &id)
{
    watchChanges(QString(), id, QString());
}

void ConsoleBackend::watchChanges(const QString &watcher, const QString &id, const QString &repoDir)
{
    QMetaObject::invokeMethod(m_worker, [this, worker = m_worker, watcher, id, repoDir] {
        Worker::Watcher *follower = worker->m_watchers.value(watcher);
        if (!follower) {
            if (id.isEmpty())
                return;
            follower = new Worker::Watcher;
            follower->watch = new git::ChangeWatch(worker);
            worker->m_watchers.insert(watcher, follower);
            // Queued to this object: the signal is re-emitted on the GUI thread.
            connect(follower->watch, &git::ChangeWatch::changed, this,
                    [this, follower] { Q_EMIT filesChanged(follower->id); });
        }
        follower->watch->stop();
        follower->id = id;
        auto core = worker->core();
        if (id.isEmpty() || !core)
            return;
        auto record = (*core)->sandboxes().get(id);
        if (!record || !record->isLive() || record->providerId.isEmpty())
            return;
        if (record->provider == (*core)->local().name()) {
            // The clone's folder when there is one (where the sandbox diff looks first): a whole
            // home may hold far more than the system lets one process watch.
            const QString home = (*core)->local().homePath(record->providerId);
            QString folder = home;
            QStringList clones{repoDir};
            if (repoDir.isEmpty() && !record->repoUrl.isEmpty())
                clones = {defaultRepoFolder(record->repoUrl), git::cloneFolderName(record->repoUrl)};
            for (const QString &clone : std::as_const(clones)) {
                if (!clone.isEmpty() && QFileInfo::exists(home + u'/' + clone + u"/.git"_s)) {
                    folder = home + u'/' + clone;
                    break;
                }
            }
            follower->watch->watchFolder(folder);
        } else {
            follower->watch->poll();
        }
    });
}

QString ConsoleBackend::defaultTemplate() const
{
    return u"base"_s;
}

QFuture<Result<void>> ConsoleBackend::enableE2b(const E2bLocation &location, const QString &apiKey)
{
    return withCore<Result<void>>([location, apiKey](Worker &worker, ConsoleCore &core) {
               auto enabled = core.enableE2b(location, apiKey);
               // Orphans were found with the old key; the next reconcile finds them again.
               if (enabled)
                   worker.m_orphans.clear();
               return readyFuture<Result<void>>(enabled);
           })
        .then(this, [this](const Result<void> &enabled) {
            if (enabled)
                m_e2bEnabled = true;
            return enabled;
        });
}

QFuture<Result<ReconcileReport>> ConsoleBackend::reconcile()
{
    using Report = Result<ReconcileReport>;
    return withCore<Report>([](Worker &worker, ConsoleCore &core) -> QFuture<Report> {
        if (!core.e2b())
            return readyFuture<Report>(fail(ErrorCode::InvalidArgument, u"E2B is not set up: add an API key in Preferences"_s));
        const QString provider = core.e2b()->name();
        return core.sandboxes().reconcile(provider).then(&worker, [&worker, provider](const Report &report) {
            if (report)
                worker.takeOrphans(provider, *report);
            return report;
        });
    });
}

QFuture<Result<CleanupReport>> ConsoleBackend::cleanup(const CleanupPolicy &policy, bool dryRun,
                                                       const std::optional<QSet<QString>> &onlyIds)
{
    using Report = Result<CleanupReport>;
    return withCore<Report>([policy, dryRun, onlyIds](Worker &worker, ConsoleCore &core) {
        if (!worker.m_cleanup)
            worker.m_cleanup = std::make_unique<Cleanup>(core.database(), core.sandboxes());
        Cleanup::Options options;
        options.dryRun = dryRun;
        options.onlyIds = onlyIds;
        if (core.e2b())
            options.reconcileProviders << core.e2b()->name();
        return worker.m_cleanup->run(policy, options).then(&worker, [&worker](const Report &report) {
            if (!report)
                return report;
            for (const ReconcileReport &reconciled : report->reconciled)
                worker.takeOrphans(reconciled.provider, reconciled);
            for (const CleanupItemOutcome &outcome : report->outcomes) {
                if (outcome.ok && outcome.candidate.orphan)
                    worker.m_orphans.remove(outcome.candidate.id);
            }
            return report;
        });
    });
}

// Refills every five minutes: pooled E2B sandboxes end at their timeout and are replaced.
static constexpr int PoolRefillIntervalMs = 5 * 60 * 1000;

QFuture<Result<WarmPoolReport>> ConsoleBackend::fillPool()
{
    return withCore<Result<WarmPoolReport>>([](Worker &worker, ConsoleCore &core) {
        WarmPool &pool = worker.pool(core);
        pool.setBackgroundInterval(pool.config().enabled() ? PoolRefillIntervalMs : 0);
        return pool.refill();
    });
}

QFuture<Result<WarmPoolReport>> ConsoleBackend::drainPool()
{
    return withCore<Result<WarmPoolReport>>([](Worker &worker, ConsoleCore &core) {
        WarmPool &pool = worker.pool(core);
        pool.setBackgroundInterval(0);
        return pool.drain();
    });
}

QFuture<Result<QList<WarmPoolEntry>>> ConsoleBackend::poolStatus()
{
    using Entries = Result<QList<WarmPoolEntry>>;
    return withCore<Entries>([](Worker &worker, ConsoleCore &core) {
        return readyFuture<Entries>(worker.pool(core).status());
    });
}

QFuture<Result<SandboxRecord>> ConsoleBackend::setTimeout(const QString &id, int seconds)
{
    return withCore<Result<SandboxRecord>>([id, seconds](Worker &, ConsoleCore &core) {
        return core.sandboxes().setTimeout(id, seconds);
    });
}

QFuture<Result<SandboxRecord>> ConsoleBackend::pause(const QString &id)
{
    return withCore<Result<SandboxRecord>>([id](Worker &, ConsoleCore &core) {
        return core.sandboxes().pause(id);
    });
}

QFuture<Result<SandboxRecord>> ConsoleBackend::resume(const QString &id)
{
    return withCore<Result<SandboxRecord>>([id](Worker &, ConsoleCore &core) {
        return core.sandboxes().resume(id);
    });
}

QFuture<Result<QList<ProviderLogEntry>>> ConsoleBackend::logs(const QString &id, int limit)
{
    return withCore<Result<QList<ProviderLogEntry>>>([id, limit](Worker &worker, ConsoleCore &core) {
        // An orphan has no row to look up: it is read straight from E2B, where it runs.
        if (worker.m_orphans.contains(id) && core.e2b())
            return core.e2b()->logs(worker.m_orphans.value(id).providerId, limit);
        return core.sandboxes().logs(id, limit);
    });
}

QFuture<Result<SandboxRecord>> ConsoleBackend::adopt(const QString &orphanId)
{
    using Adopted = Result<SandboxRecord>;
    return withCore<Adopted>([orphanId](Worker &worker, ConsoleCore &core) -> QFuture<Adopted> {
        if (!worker.m_orphans.contains(orphanId)) {
            return readyFuture<Adopted>(fail(ErrorCode::NotFound,
                                             u"%1 is not an orphan: refresh and try again"_s.arg(orphanId)));
        }
        const SandboxRecord orphan = worker.m_orphans.value(orphanId);
        return core.sandboxes().adopt(orphan.provider, orphan.providerId)
            .then(&worker, [&worker, orphanId](const Adopted &adopted) {
                if (adopted)
                    worker.m_orphans.remove(orphanId);
                return adopted;
            });
    });
}

QFuture<Result<QList<E2bTemplate>>> ConsoleBackend::templates()
{
    using Templates = Result<QList<E2bTemplate>>;
    return withCore<Templates>([](Worker &, ConsoleCore &core) -> QFuture<Templates> {
        if (!core.e2b())
            return readyFuture<Templates>(fail(ErrorCode::InvalidArgument, u"E2B is not set up: add an API key in Preferences"_s));
        return core.e2b()->api().listTemplates();
    });
}


// --- the guided workflow -------------------------------------------------------------------

template<class T, class Work>
QFuture<T> ConsoleBackend::withEngine(Work work)
{
    return withCore<T>([this, work](Worker &worker, ConsoleCore &core) mutable -> QFuture<T> {
        return work(worker, worker.engine(core, this));
    });
}

ConsoleBackend::RunFuture ConsoleBackend::driving(const QString &runId, RunFuture future)
{
    ++m_activeRuns[runId];
    return future.then(this, [this, runId](Result<WorkflowRun> run) {
        if (--m_activeRuns[runId] <= 0)
            m_activeRuns.remove(runId);
        return run;
    });
}

void ConsoleBackend::setWorkflowAccess(const WorkflowAccess &access)
{
    m_hasWorkflowAccess = true;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, access] { worker->setAccess(access); });
}

QFuture<Result<WorkflowRun>> ConsoleBackend::createRun(const WorkflowInputs &inputs)
{
    return withEngine<Result<WorkflowRun>>([inputs](Worker &, WorkflowEngine &engine) {
        return readyFuture<Result<WorkflowRun>>(engine.createRun(inputs));
    });
}

QFuture<Result<WorkflowRun>> ConsoleBackend::startRun(const QString &runId)
{
    return driving(runId, withEngine<Result<WorkflowRun>>([runId](Worker &worker, WorkflowEngine &engine) {
        return worker.driving(engine.start(runId));
    }));
}

QFuture<Result<WorkflowRun>> ConsoleBackend::confirmAgentDone(const QString &runId)
{
    return driving(runId, withEngine<Result<WorkflowRun>>([runId](Worker &worker, WorkflowEngine &engine) {
        return worker.driving(engine.confirmAgentDone(runId));
    }));
}

QFuture<Result<WorkflowRun>> ConsoleBackend::retryRun(const QString &runId)
{
    return driving(runId, withEngine<Result<WorkflowRun>>([runId](Worker &worker, WorkflowEngine &engine) {
        return worker.driving(engine.retry(runId));
    }));
}

QFuture<Result<WorkflowRun>> ConsoleBackend::skipStep(const QString &runId)
{
    return driving(runId, withEngine<Result<WorkflowRun>>([runId](Worker &worker, WorkflowEngine &engine) {
        return worker.driving(engine.skip(runId));
    }));
}

QFuture<Result<WorkflowRun>> ConsoleBackend::abortRun(const QString &runId, bool keepSandbox)
{
    return withEngine<Result<WorkflowRun>>([runId, keepSandbox](Worker &worker, WorkflowEngine &engine) {
        // Terminating the sandbox takes a while: the engine stays while it does.
        return worker.driving(engine.abort(runId, keepSandbox));
    });
}

QFuture<Result<QList<WorkflowRun>>> ConsoleBackend::runs(int limit)
{
    using Runs = Result<QList<WorkflowRun>>;
    return withEngine<Runs>([limit](Worker &, WorkflowEngine &engine) {
        return readyFuture<Runs>(engine.list(limit));
    });
}

QFuture<Result<WorkflowRun>> ConsoleBackend::workflowRun(const QString &runId)
{
    return withEngine<Result<WorkflowRun>>([runId](Worker &, WorkflowEngine &engine) {
        return readyFuture<Result<WorkflowRun>>(engine.get(runId));
    });
}

QFuture<Result<QList<WorkflowRun>>> ConsoleBackend::resumableRuns()
{
    using Runs = Result<QList<WorkflowRun>>;
    return withEngine<Runs>([](Worker &, WorkflowEngine &engine) {
        return readyFuture<Runs>(engine.resumable());
    });
}

QFuture<Result<QList<E2bMetric>>> ConsoleBackend::metrics(const QString &id, const QDateTime &start,
                                                          const QDateTime &end)
{
    using Metrics = Result<QList<E2bMetric>>;
    return withCore<Metrics>([id, start, end](Worker &worker, ConsoleCore &core) -> QFuture<Metrics> {
        if (!core.e2b())
            return readyFuture<Metrics>(fail(ErrorCode::InvalidArgument, u"E2B is not set up: add an API key in Preferences"_s));
        // An orphan has no row to look up: it is read straight from E2B, where it runs.
        QString providerId = worker.m_orphans.value(id).providerId;
        if (providerId.isEmpty()) {
            const auto found = core.sandboxes().get(id);
            if (!found)
                return readyFuture<Metrics>(fail(found.error()));
            if (found->provider != core.e2b()->name())
                return readyFuture<Metrics>(fail(ErrorCode::InvalidArgument,
                                                 u"Metrics come from E2B: sandbox %1 is not an E2B one"_s.arg(id)));
            if (found->providerId.isEmpty())
                return readyFuture<Metrics>(Metrics(QList<E2bMetric>()));
            providerId = found->providerId;
        }
        return core.e2b()->api().sandboxMetrics(providerId, start, end);
    });
}

QFuture<Result<ConsoleBackend::LatestMetrics>> ConsoleBackend::latestMetrics(const QStringList &e2bIds)
{
    using Latest = Result<LatestMetrics>;
    return withCore<Latest>([e2bIds](Worker &worker, ConsoleCore &core) -> QFuture<Latest> {
        if (!core.e2b())
            return readyFuture<Latest>(fail(ErrorCode::InvalidArgument, u"E2B is not set up: add an API key in Preferences"_s));
        QStringList ids = e2bIds;
        ids.removeAll(QString());
        ids.removeDuplicates();  // E2B refuses a list with one twice (uniqueItems)
        if (ids.isEmpty())
            return readyFuture<Latest>(LatestMetrics());

        constexpr qsizetype MaxIdsPerCall = 100;
        struct Gathering
        {
            QPromise<Latest> promise;
            LatestMetrics found;
            int pending = 0;
        };
        auto gathering = std::make_shared<Gathering>();
        gathering->promise.start();
        gathering->pending = int((ids.size() + MaxIdsPerCall - 1) / MaxIdsPerCall);
        gathering->found.calls = gathering->pending;
        QFuture<Latest> all = gathering->promise.future();
        const auto settle = [gathering] {
            if (--gathering->pending == 0) {
                gathering->promise.addResult(Latest(std::move(gathering->found)));
                gathering->promise.finish();
            }
        };
        for (qsizetype at = 0; at < ids.size(); at += MaxIdsPerCall) {
            core.e2b()->api().latestMetrics(ids.mid(at, MaxIdsPerCall))
                .then(&worker, [gathering, settle](const Result<QMap<QString, E2bMetric>> &batch) {
                    if (batch)
                        gathering->found.samples.insert(*batch);
                    else
                        gathering->found.errors.append(batch.error());
                    settle();
                })
                .onCanceled(&worker, [gathering, settle] {
                    // The API went away (E2B switched off or to another key) mid-call.
                    gathering->found.errors.append(Error(ErrorCode::Cancelled, u"Reading the sandboxes' metrics was cancelled"_s));
                    settle();
                });
        }
        return all;
    });
}

} // namespace squad

#include "consolebackend.moc"
