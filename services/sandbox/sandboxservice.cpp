// SPDX-License-Identifier: MIT
#include "sandboxservice.h"

#include "core/futures.h"
#include "core/ids.h"
#include "core/platform.h"
#include "core/redaction.h"
#include "core/timestamp.h"
#include "core/validation.h"
#include "ops/cost.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/taskstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSandbox, "squad.sandbox")

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QString metadataJson(const QMap<QString, QString> &metadata)
{
    QJsonObject object;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// What the provider reports about a live sandbox, written onto its row. Facts it leaves out
// (a zero, a null time, no metadata) keep what the row had.
void applyProviderFacts(SandboxRecord &record, const ProviderSandbox &there)
{
    if (there.cpuCount > 0)
        record.cpuCount = std::min(there.cpuCount, 0x7fff); // all SandboxRecord holds
    if (there.memoryMb > 0)
        record.memoryMb = there.memoryMb;
    if (there.diskMb > 0)
        record.diskMb = there.diskMb;
    if (there.startedAt.isValid())
        record.startedAt = there.startedAt;
    if (there.endsAt.isValid())
        record.endsAt = there.endsAt;
    // Merged, not replaced: keys written here after creation (squad.run on a sandbox taken from
    // a warm pool) are not at the provider, which keeps what the sandbox was created with.
    if (!there.metadata.isEmpty()) {
        QMap<QString, QString> merged;
        const QJsonObject ours = QJsonDocument::fromJson(record.metadata.toUtf8()).object();
        for (auto it = ours.begin(); it != ours.end(); ++it)
            merged.insert(it.key(), it.value().toString());
        merged.insert(there.metadata);
        record.metadata = metadataJson(merged);
    }
    notePauseChange(record, there.state(), nowUtc());
    record.providerState = there.state();
}

} // namespace

SandboxService::SandboxService(const Database &db, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_store(db)
{}

SandboxService::~SandboxService() = default;

void SandboxService::addProvider(SandboxProvider *provider)
{
    m_providers.insert(provider->name(), provider);
    if (m_defaultProvider.isEmpty())
        m_defaultProvider = provider->name();
}

SandboxProvider *SandboxService::providerFor(const QString &name) const
{
    return m_providers.value(name, nullptr);
}

Result<void> SandboxService::audit(const QString &action, const QString &target,
                                   const QString &outcome, const QString &detail) const
{
    return AuditLog(m_db).append({0, {}, osUserName(), action, target, outcome, detail});
}

Error SandboxService::failAudited(const QString &action, const QString &target, const Error &error) const
{
    if (auto audited = audit(action, target, u"failed"_s, error.toString()); !audited)
        return audited.error();
    return error;
}

Result<void> SandboxService::save(const SandboxRecord &record, bool insert, const QString &action,
                                  const QString &outcome, const QString &detail) const
{
    return m_db.transaction([&]() -> Result<void> {
        auto written = insert ? m_store.insert(record) : m_store.update(record);
        if (!written)
            return written;
        return audit(action, record.id, outcome, detail);
    });
}

QFuture<Result<SandboxRecord>> SandboxService::create(const CreateSandboxRequest &request)
{
    using Ready = Result<SandboxRecord>;
    const QString providerName = request.provider.isEmpty() ? m_defaultProvider : request.provider;
    SandboxProvider *provider = providerFor(providerName);
    if (!provider) {
        return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                       u"Unknown sandbox provider \"%1\"; available: %2"_s.arg(
                                           providerName, m_providers.keys().join(u", "_s))));
    }
    auto templateId = validateTemplateId(request.templateId.isEmpty() ? m_defaultTemplate
                                                                       : request.templateId);
    if (!templateId)
        return readyFuture<Ready>(fail(templateId.error()));

    SandboxRecord record;
    record.id = newId();
    record.provider = providerName;
    record.templateId = *templateId;
    record.status = SandboxStatus::Created;
    record.metadata = u"{}"_s;
    if (!request.metadata.isEmpty()) {
        QJsonObject metadata;
        for (auto it = request.metadata.cbegin(); it != request.metadata.cend(); ++it) {
            if (!it.key().startsWith(u"squad."_s) || it.key().size() > 64 || it.value().size() > 256) {
                return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                               u"Sandbox metadata \"%1\" is not allowed: keys start "
                                               "with \"squad.\""_s.arg(it.key().left(64))));
            }
            metadata.insert(it.key(), it.value());
        }
        record.metadata = QString::fromUtf8(QJsonDocument(metadata).toJson(QJsonDocument::Compact));
    }

    const TaskStore tasks(m_db);
    if (!request.taskId.isEmpty()) {
        auto id = tasks.requireTask(request.taskId);
        if (!id)
            return readyFuture<Ready>(fail(id.error()));
        record.taskId = *id;
    }
    if (!request.agentId.isEmpty()) {
        auto id = tasks.requireAgent(request.agentId);
        if (!id)
            return readyFuture<Ready>(fail(id.error()));
        record.agentId = *id;
    }
    if (!request.repoUrl.trimmed().isEmpty()) {
        auto url = validateRepoUrl(request.repoUrl);
        if (!url)
            return readyFuture<Ready>(fail(url.error()));
        record.repoUrl = *url;
    }

    record.createdAt = record.updatedAt = nowUtc();
    if (auto saved = save(record, true, u"sandbox.create"_s, u"started"_s,
                          u"template %1 on %2"_s.arg(record.templateId, providerName));
        !saved) {
        return readyFuture<Ready>(fail(saved.error()));
    }
    Q_EMIT sandboxChanged(record);

    SandboxSpec spec;
    spec.id = record.id;
    spec.templateId = record.templateId;
    spec.repoUrl = record.repoUrl;
    spec.timeoutSeconds = qMax(0, request.timeoutSeconds);
    if (!record.taskId.isEmpty())
        spec.metadata.insert(u"squad.task_id"_s, record.taskId);
    if (!record.agentId.isEmpty())
        spec.metadata.insert(u"squad.agent_id"_s, record.agentId);
    for (auto it = request.metadata.cbegin(); it != request.metadata.cend(); ++it)
        spec.metadata.insert(it.key(), it.value());
    spec.metadata.insert(u"squad.sandbox_id"_s, record.id);

    return provider->create(spec).then(this, [this, record](Result<ProviderSandbox> created) mutable
                                                 -> Result<SandboxRecord> {
        record.updatedAt = nowUtc();
        if (!created) {
            record.status = SandboxStatus::Error;
            record.statusDetail = redactSecrets(created.error().toString());
            if (auto saved = save(record, false, u"sandbox.create"_s, u"failed"_s,
                                  record.statusDetail);
                !saved) {
                return fail(saved.error());
            }
            Q_EMIT sandboxChanged(record);
            return fail(created.error().code(),
                        u"Creating the sandbox failed: %1"_s.arg(created.error().message()),
                        created.error().detail());
        }
        record.providerId = created->providerId;
        applyProviderFacts(record, *created);
        record.status = SandboxStatus::Running;
        record.lastUsedAt = record.updatedAt;
        if (auto saved = save(record, false, u"sandbox.create"_s, u"ok"_s,
                              u"running as %1"_s.arg(record.providerId));
            !saved) {
            return fail(saved.error());
        }
        Q_EMIT sandboxChanged(record);
        return record;
    });
}

Result<bool> SandboxService::relabel(const SandboxRecord &updated, const QString &expectedMetadata,
                                     const QString &action, const QString &detail)
{
    bool changed = false;
    auto written = m_db.transaction([&]() -> Result<void> {
        auto updatedRow = m_store.updateIfMetadata(updated, expectedMetadata);
        if (!updatedRow)
            return fail(updatedRow.error());
        changed = *updatedRow;
        if (!changed)
            return {};
        return audit(action, updated.id, u"ok"_s, detail);
    });
    if (!written)
        return fail(written.error());
    if (changed)
        Q_EMIT sandboxChanged(updated);
    return changed;
}

QFuture<Result<SandboxRecord>> SandboxService::refresh(const QString &id)
{
    using Ready = Result<SandboxRecord>;
    auto found = get(id);
    if (!found)
        return readyFuture<Ready>(fail(found.error()));
    if (found->status != SandboxStatus::Running || found->providerId.isEmpty())
        return readyFuture<Ready>(*found);
    SandboxProvider *provider = providerFor(found->provider);
    if (!provider) {
        return readyFuture<Ready>(fail(ErrorCode::Unavailable,
                                       u"Sandbox %1 lives at provider \"%2\", which is not "
                                       "configured here"_s.arg(found->id, found->provider)));
    }
    return provider->get(found->providerId)
        .then(this, [this, id](const Result<ProviderSandbox> &there) -> Ready {
            // Read again: the row may have moved while the provider answered.
            auto now = get(id);
            if (!now)
                return now;
            SandboxRecord record = *now;
            if (record.status != SandboxStatus::Running)
                return record;
            if (!there) {
                if (there.error().code() != ErrorCode::NotFound)
                    return fail(there.error());
                record.status = SandboxStatus::Terminated;
                record.updatedAt = record.endedAt = nowUtc();
                record.statusDetail = u"gone at the provider"_s;
                if (auto saved = save(record, false, u"sandbox.reconcile"_s, u"ok"_s,
                                      u"closed: %1 no longer runs it"_s.arg(record.provider));
                    !saved) {
                    return fail(saved.error());
                }
                Q_EMIT sandboxChanged(record);
                return record;
            }
            applyProviderFacts(record, *there);
            record.updatedAt = nowUtc();
            if (auto saved = m_store.update(record); !saved)
                return fail(saved.error());
            Q_EMIT sandboxChanged(record);
            return record;
        });
}

Result<SandboxRecord> SandboxService::get(const QString &id) const
{
    auto parsed = parseId(id, u"sandbox id"_s);
    if (!parsed)
        return fail(parsed.error());
    return m_store.get(*parsed);
}

Result<SandboxRecords> SandboxService::list(const SandboxFilter &filter) const
{
    return m_store.list(filter);
}

Result<void> SandboxService::forEach(const SandboxFilter &filter,
                                     const std::function<void(const SandboxRecord &)> &visit) const
{
    return m_store.forEach(filter, visit);
}

Result<std::optional<SandboxRecord>> SandboxService::findByMetadata(const QString &key,
                                                                    const QString &value) const
{
    return m_store.findByMetadata(key, value);
}

Result<std::optional<SandboxRecord>> SandboxService::runningForTask(const QString &taskId) const
{
    auto parsed = parseId(taskId, u"task id"_s);
    if (!parsed)
        return fail(parsed.error());
    return m_store.runningForTask(*parsed);
}

QFuture<Result<TerminateOutcome>> SandboxService::terminate(const QString &id)
{
    using Ready = Result<TerminateOutcome>;
    auto found = get(id);
    if (!found)
        return readyFuture<Ready>(fail(found.error()));
    SandboxRecord record = *found;

    if (record.status == SandboxStatus::Terminated) {
        const QString message = u"Sandbox %1 was already terminated; nothing to do"_s.arg(record.id);
        if (auto audited = audit(u"sandbox.terminate"_s, record.id, u"noop"_s, message); !audited)
            return readyFuture<Ready>(fail(audited.error()));
        return readyFuture<Ready>(
            TerminateOutcome{record, TerminateOutcome::Kind::AlreadyTerminated, message});
    }

    // A sandbox whose creation never reached the provider has nothing to end there.
    if (record.providerId.isEmpty()) {
        record.status = SandboxStatus::Terminated;
        record.updatedAt = record.endedAt = nowUtc();
        record.statusDetail = u"terminated before its provider created it"_s;
        const QString message = u"Sandbox %1 was never created at its provider; marked "
                                 "terminated"_s.arg(record.id);
        if (auto saved = save(record, false, u"sandbox.terminate"_s, u"ok"_s, message); !saved)
            return readyFuture<Ready>(fail(saved.error()));
        Q_EMIT sandboxChanged(record);
        return readyFuture<Ready>(
            TerminateOutcome{record, TerminateOutcome::Kind::GoneAtProvider, message});
    }

    SandboxProvider *provider = providerFor(record.provider);
    if (!provider) {
        return readyFuture<Ready>(fail(ErrorCode::Unavailable,
                                       u"Sandbox %1 lives at provider \"%2\", which is not "
                                       "configured here"_s.arg(record.id, record.provider)));
    }

    return provider->terminate(record.providerId)
        .then(this, [this, record](Result<void> ended) mutable -> Ready {
            TerminateOutcome outcome;
            const QDateTime now = nowUtc();
            if (!ended && ended.error().code() != ErrorCode::NotFound) {
                const QString message = u"Terminating sandbox %1 failed: %2"_s.arg(
                    record.id, ended.error().message());
                if (auto audited = audit(u"sandbox.terminate"_s, record.id, u"failed"_s,
                                         ended.error().toString());
                    !audited) {
                    return fail(audited.error());
                }
                return fail(ended.error().code(), message, ended.error().detail());
            }
            record.status = SandboxStatus::Terminated;
            record.updatedAt = record.endedAt = now;
            if (ended) {
                outcome.kind = TerminateOutcome::Kind::Terminated;
                outcome.message = u"Sandbox %1 terminated"_s.arg(record.id);
                record.statusDetail = u"terminated by %1"_s.arg(osUserName());
            } else {
                outcome.kind = TerminateOutcome::Kind::GoneAtProvider;
                outcome.message = u"Sandbox %1 was already gone at %2; marked terminated"_s.arg(
                    record.id, record.provider);
                record.statusDetail = u"gone at the provider"_s;
            }
            if (auto saved = save(record, false, u"sandbox.terminate"_s, u"ok"_s, outcome.message);
                !saved) {
                return fail(saved.error());
            }
            outcome.record = record;
            Q_EMIT sandboxChanged(record);
            return outcome;
        });
}

CommandRun *SandboxService::run(const QString &id, const CommandSpec &spec, QObject *parent)
{
    return start(id, spec, parent, true);
}

CommandRun *SandboxService::inspect(const QString &id, const CommandSpec &spec, QObject *parent)
{
    return start(id, spec, parent, false);
}

CommandRun *SandboxService::start(const QString &id, const CommandSpec &spec, QObject *parent,
                                  bool asUse)
{
    auto found = get(id);
    if (!found)
        return CommandRun::failed(found.error(), parent);
    SandboxRecord record = *found;
    if (record.status != SandboxStatus::Running) {
        return CommandRun::failed(
            Error(ErrorCode::Conflict,
                  u"Sandbox %1 is %2, not running: commands run only in running sandboxes"_s.arg(
                      record.id, sandboxStatusName(record.status))),
            parent);
    }
    if (spec.argv.isEmpty() || spec.argv.constFirst().isEmpty())
        return CommandRun::failed(Error(ErrorCode::InvalidArgument, u"No command to run"_s), parent);
    SandboxProvider *provider = providerFor(record.provider);
    if (!provider) {
        return CommandRun::failed(Error(ErrorCode::Unavailable,
                                        u"Sandbox %1 lives at provider \"%2\", which is not "
                                        "configured here"_s.arg(record.id, record.provider)),
                                  parent);
    }

    if (!asUse)
        return provider->run(record.providerId, spec, parent);

    record.lastUsedAt = record.updatedAt = nowUtc();
    if (auto saved = m_store.update(record); !saved)
        return CommandRun::failed(saved.error(), parent);
    Q_EMIT sandboxChanged(record);

    CommandRun *run = provider->run(record.providerId, spec, parent);
    const QString commandLine = redactSecrets(spec.argv.join(u' ')).left(500);
    connect(run, &CommandRun::finished, this, [this, run, id = record.id, commandLine] {
        const Result<CommandOutcome> &result = run->result();
        QString outcome = u"ok"_s;
        QString detail;
        if (!result) {
            outcome = u"failed"_s;
            detail = u"%1: %2"_s.arg(commandLine, result.error().toString());
        } else {
            outcome = result->exitCode == 0 ? u"ok"_s : u"failed"_s;
            detail = u"%1: exit %2%3"_s.arg(commandLine).arg(result->exitCode).arg(
                result->timedOut ? u" (timed out)"_s : QString());
        }
        // An audit failure must not hide the command's own result; it goes to the log.
        if (auto audited = audit(u"sandbox.exec"_s, id, outcome, detail); !audited)
            qCWarning(lcSandbox) << "audit of exec failed:" << audited.error().toString();
    });
    return run;
}

QFuture<Result<ReconcileReport>> SandboxService::reconcile(const QString &providerName)
{
    using Ready = Result<ReconcileReport>;
    SandboxProvider *provider = providerFor(providerName);
    if (!provider) {
        return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                       u"Provider \"%1\" is not configured here"_s.arg(providerName)));
    }
    return provider->list().then(this, [this, providerName](const Result<QList<ProviderSandbox>> &listed) -> Ready {
        if (!listed)
            return fail(listed.error());
        ReconcileReport report;
        report.provider = providerName;
        report.live = int(listed->size());
        QHash<QString, const ProviderSandbox *> live;
        // A sandbox carries our row's id in its metadata: a row left CREATED by a crash between
        // the provider's answer and our write finds its sandbox by it.
        QHash<QString, const ProviderSandbox *> liveByRow;
        for (const ProviderSandbox &sandbox : *listed) {
            live.insert(sandbox.providerId, &sandbox);
            if (const QString row = sandbox.metadata.value(u"squad.sandbox_id"_s); !row.isEmpty())
                liveByRow.insert(row, &sandbox);
        }

        QList<SandboxRecord> stale;
        QList<SandboxRecord> refreshed;
        QList<SandboxRecord> recovered;
        QSet<QString> known;
        auto visited = m_store.forEach({}, [&](const SandboxRecord &record) {
            if (record.provider != providerName)
                return;
            known.insert(record.providerId);
            const bool open = record.status == SandboxStatus::Running || record.status == SandboxStatus::Created;
            if (open && record.providerId.isEmpty()) {
                if (const ProviderSandbox *there = liveByRow.value(record.id)) {
                    SandboxRecord found = record;
                    found.providerId = there->providerId;
                    found.status = SandboxStatus::Running;
                    found.statusDetail = u"found at %1 by reconciling"_s.arg(providerName);
                    applyProviderFacts(found, *there);
                    recovered << found;
                    known.insert(found.providerId);
                }
                return;
            }
            if (!open)
                return;
            if (const ProviderSandbox *there = live.value(record.providerId)) {
                if (!there->running)
                    report.paused << record.id;
                SandboxRecord updated = record;
                applyProviderFacts(updated, *there);
                if (updated != record)
                    refreshed << updated;
            } else {
                stale << record;
            }
        });
        if (!visited)
            return fail(visited.error());

        const QDateTime now = nowUtc();
        for (SandboxRecord record : std::as_const(recovered)) {
            record.updatedAt = now;
            const QString message = u"Sandbox %1 was created at %2 as %3; its row now says so"_s.arg(
                record.id, providerName, record.providerId);
            if (auto saved = save(record, false, u"sandbox.reconcile"_s, u"recovered"_s, message); !saved)
                return fail(saved.error());
            Q_EMIT sandboxChanged(record);
            report.recovered << record;
        }
        for (SandboxRecord record : std::as_const(refreshed)) {
            record.updatedAt = now;
            if (auto saved = m_store.update(record); !saved)
                return fail(saved.error());
            Q_EMIT sandboxChanged(record);
        }
        for (SandboxRecord record : std::as_const(stale)) {
            record.status = SandboxStatus::Terminated;
            record.updatedAt = record.endedAt = now;
            record.statusDetail = u"gone at %1 (found by reconciling)"_s.arg(providerName);
            const QString message = u"Sandbox %1 no longer exists at %2; marked terminated"_s.arg(
                record.id, providerName);
            if (auto saved = save(record, false, u"sandbox.reconcile"_s, u"terminated"_s, message); !saved)
                return fail(saved.error());
            Q_EMIT sandboxChanged(record);
            report.closed << record;
        }
        for (const ProviderSandbox &sandbox : *listed) {
            if (!known.contains(sandbox.providerId))
                report.orphans << sandbox;
        }
        return report;
    });
}

Result<std::pair<SandboxRecord, SandboxProvider *>> SandboxService::liveSandbox(
    const QString &id, const QString &what) const
{
    auto found = get(id);
    if (!found)
        return fail(found.error());
    if (found->status != SandboxStatus::Running || found->providerId.isEmpty()) {
        return fail(ErrorCode::Conflict, u"%1 needs a running sandbox; %2 is %3"_s.arg(
                                             what, found->id, sandboxStatusName(found->status).toLower()));
    }
    SandboxProvider *provider = providerFor(found->provider);
    if (!provider) {
        return fail(ErrorCode::Unavailable, u"Sandbox %1 lives at provider \"%2\", which is not "
                                             "configured here"_s.arg(found->id, found->provider));
    }
    return std::pair{*found, provider};
}

QFuture<Result<SandboxRecord>> SandboxService::setTimeout(const QString &id, int seconds)
{
    using Ready = Result<SandboxRecord>;
    if (seconds <= 0) {
        return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                       u"A timeout is a positive number of seconds"_s));
    }
    auto live = liveSandbox(id, u"Setting a timeout"_s);
    if (!live)
        return readyFuture<Ready>(fail(live.error()));
    auto [record, provider] = *live;
    return provider->setTimeout(record.providerId, seconds)
        .then(this, [this, record, seconds](const Result<ProviderSandbox> &changed) mutable -> Ready {
            if (!changed)
                return fail(failAudited(u"sandbox.timeout"_s, record.id, changed.error()));
            applyProviderFacts(record, *changed);
            record.updatedAt = nowUtc();
            const QString detail = u"ends in %1 s (at %2)"_s.arg(seconds).arg(
                formatTimestamp(record.endsAt));
            if (auto saved = save(record, false, u"sandbox.timeout"_s, u"ok"_s, detail); !saved)
                return fail(saved.error());
            Q_EMIT sandboxChanged(record);
            return record;
        });
}

QFuture<Result<SandboxRecord>> SandboxService::pause(const QString &id)
{
    using Ready = Result<SandboxRecord>;
    auto live = liveSandbox(id, u"Pausing"_s);
    if (!live)
        return readyFuture<Ready>(fail(live.error()));
    auto [record, provider] = *live;
    if (record.isPaused())
        return readyFuture<Ready>(fail(ErrorCode::AlreadyDone, u"Sandbox %1 is already paused"_s.arg(record.id)));
    return provider->pause(record.providerId)
        .then(this, [this, record](const Result<void> &paused) mutable -> Ready {
            if (!paused)
                return fail(failAudited(u"sandbox.pause"_s, record.id, paused.error()));
            notePauseChange(record, ProviderState::Paused, nowUtc());
            record.providerState = ProviderState::Paused;
            record.updatedAt = nowUtc();
            if (auto saved = save(record, false, u"sandbox.pause"_s, u"ok"_s,
                                  u"paused at %1"_s.arg(record.provider));
                !saved) {
                return fail(saved.error());
            }
            Q_EMIT sandboxChanged(record);
            return record;
        });
}

QFuture<Result<SandboxRecord>> SandboxService::resume(const QString &id, int timeoutSeconds)
{
    using Ready = Result<SandboxRecord>;
    auto live = liveSandbox(id, u"Resuming"_s);
    if (!live)
        return readyFuture<Ready>(fail(live.error()));
    auto [record, provider] = *live;
    return provider->resume(record.providerId, timeoutSeconds)
        .then(this, [this, record](const Result<ProviderSandbox> &resumed) mutable -> Ready {
            if (!resumed)
                return fail(failAudited(u"sandbox.resume"_s, record.id, resumed.error()));
            applyProviderFacts(record, *resumed);
            notePauseChange(record, ProviderState::Running, nowUtc());
            record.providerState = ProviderState::Running;
            record.updatedAt = record.lastUsedAt = nowUtc();
            if (auto saved = save(record, false, u"sandbox.resume"_s, u"ok"_s,
                                  u"running at %1"_s.arg(record.provider));
                !saved) {
                return fail(saved.error());
            }
            Q_EMIT sandboxChanged(record);
            return record;
        });
}

QFuture<Result<QList<ProviderLogEntry>>> SandboxService::logs(const QString &id, int limit)
{
    using Ready = Result<QList<ProviderLogEntry>>;
    auto found = get(id);
    if (!found)
        return readyFuture<Ready>(fail(found.error()));
    SandboxProvider *provider = providerFor(found->provider);
    if (!provider || found->providerId.isEmpty())
        return readyFuture<Ready>(Ready(QList<ProviderLogEntry>()));
    return provider->logs(found->providerId, limit);
}

SandboxRecord SandboxService::orphanRecord(const QString &provider, const ProviderSandbox &sandbox)
{
    SandboxRecord record;
    record.id = sandbox.providerId;
    record.providerId = sandbox.providerId;
    record.provider = provider;
    record.templateId = sandbox.templateId;
    record.status = SandboxStatus::Running;
    record.orphan = true;
    record.repoUrl = sandbox.metadata.value(u"squad.repo"_s);
    record.statusDetail = u"running at %1 with no row here"_s.arg(provider);
    record.createdAt = record.updatedAt = sandbox.startedAt;
    applyProviderFacts(record, sandbox);
    return record;
}

Result<SandboxProvider *> SandboxService::orphanProvider(const QString &providerName,
                                                       const QString &providerId,
                                                       const QString &hasRowMessage) const
{
    SandboxProvider *provider = providerFor(providerName);
    if (!provider)
        return fail(ErrorCode::InvalidArgument, u"Provider \"%1\" is not configured here"_s.arg(providerName));
    auto existing = m_store.findByProviderId(providerName, providerId);
    if (!existing)
        return fail(existing.error());
    if (*existing)
        return fail(ErrorCode::Conflict, hasRowMessage.arg(providerId, (*existing)->id));
    return provider;
}

QFuture<Result<SandboxRecord>> SandboxService::adopt(const QString &providerName, const QString &providerId)
{
    using Ready = Result<SandboxRecord>;
    const QString hasRow = u"Sandbox %1 already has a row here (%2)"_s;
    auto provider = orphanProvider(providerName, providerId, hasRow);
    if (!provider)
        return readyFuture<Ready>(fail(provider.error()));
    return (*provider)->get(providerId).then(this, [this, providerName, hasRow](const Result<ProviderSandbox> &there) -> Ready {
        if (!there)
            return fail(there.error());
        // Another adopt may have finished while this one waited for the provider.
        if (auto still = orphanProvider(providerName, there->providerId, hasRow); !still)
            return fail(still.error());
        SandboxRecord record = orphanRecord(providerName, *there);
        record.orphan = false;
        record.id = newId();
        record.statusDetail = u"adopted from %1"_s.arg(providerName);
        record.createdAt = record.updatedAt = nowUtc();
        if (auto saved = save(record, true, u"sandbox.adopt"_s, u"ok"_s,
                              u"adopted %1 from %2"_s.arg(record.providerId, providerName));
            !saved) {
            return fail(saved.error());
        }
        Q_EMIT sandboxChanged(record);
        return record;
    });
}

QFuture<Result<void>> SandboxService::terminateOrphan(const QString &providerName, const QString &providerId)
{
    using Ready = Result<void>;
    auto provider = orphanProvider(providerName, providerId,
                                   u"Sandbox %1 has a row here (%2): terminate it by that id"_s);
    if (!provider)
        return readyFuture<Ready>(fail(provider.error()));
    return (*provider)->terminate(providerId).then(this, [this, providerId](const Result<void> &ended) -> Ready {
        const bool gone = !ended && ended.error().code() == ErrorCode::NotFound;
        const QString outcome = ended || gone ? u"ok"_s : u"failed"_s;
        const QString detail = ended ? u"terminated orphan %1"_s.arg(providerId)
                                     : gone ? u"orphan %1 was already gone"_s.arg(providerId)
                                            : ended.error().toString();
        if (auto audited = audit(u"sandbox.orphan.terminate"_s, providerId, outcome, detail); !audited)
            return fail(audited.error());
        if (!ended && !gone)
            return fail(ended.error());
        return {};
    });
}

} // namespace squad
