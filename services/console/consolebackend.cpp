// SPDX-License-Identifier: MIT
#include "consolebackend.h"

#include "store/database.h"
#include "store/sandboxstore.h"

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

    QString m_lastChangeToken;

private:
    StartupOptions m_options;
    std::unique_ptr<ConsoleCore> m_core;
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

ConsoleBackend::ConsoleBackend(const StartupOptions &options, QObject *parent)
    : QObject(parent)
    , m_worker(new Worker(options))
{
    m_thread.setObjectName(u"squad-core"_s);
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
        auto token = store.changeToken();
        if (!token)
            return fail(token.error());
        if (onlyIfChanged && *token == worker.m_lastChangeToken)
            return std::optional<SandboxSnapshot>();
        SandboxFilter everything;
        everything.withMetadata = false;
        auto records = store.list(everything);
        if (!records)
            return fail(records.error());
        snapshot.records = std::move(*records);
        for (SandboxStatus status : AllSandboxStatuses)
            snapshot.counts.insert(status, 0);
        for (const SandboxRecord &record : std::as_const(snapshot.records))
            ++snapshot.counts[record.status];
        worker.m_lastChangeToken = *token;
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
    using Created = Result<SandboxRecord>;
    return onWorker<Created>([request](Worker &worker) -> QFuture<Created> {
        auto core = worker.core();
        if (!core) {
            QPromise<Created> failed;
            failed.start();
            failed.addResult(fail(core.error()));
            failed.finish();
            return failed.future();
        }
        return (*core)->sandboxes().create(request);
    });
}

QFuture<Result<TerminateOutcome>> ConsoleBackend::terminate(const QString &id)
{
    using Outcome = Result<TerminateOutcome>;
    return onWorker<Outcome>([id](Worker &worker) -> QFuture<Outcome> {
        auto core = worker.core();
        if (!core) {
            QPromise<Outcome> failed;
            failed.start();
            failed.addResult(fail(core.error()));
            failed.finish();
            return failed.future();
        }
        return (*core)->sandboxes().terminate(id);
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

QString ConsoleBackend::defaultTemplate() const
{
    return u"base"_s;
}

} // namespace squad

#include "consolebackend.moc"
