// SPDX-License-Identifier: MIT
#include "warmpool.h"

#include "core/futures.h"
#include "core/platform.h"
#include "core/timestamp.h"
#include "core/validation.h"
#include "ops/poolmarker.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/sandboxstore.h"
#include "store/taskstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPromise>
#include <QRegularExpression>
#include <QSettings>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

Q_LOGGING_CATEGORY(lcWarmPool, "ops.warmpool")

namespace {

QString sandboxesText(qsizetype count)
{
    return count == 1 ? u"1 sandbox"_s : u"%1 sandboxes"_s.arg(count);
}

QString withKey(const QString &metadata, const QMap<QString, QString> &added)
{
    QJsonObject object = QJsonDocument::fromJson(metadata.toUtf8()).object();
    for (auto it = added.cbegin(); it != added.cend(); ++it)
        object.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString poolOf(const SandboxRecord &record)
{
    return QJsonDocument::fromJson(record.metadata.toUtf8()).object().value(PoolMetadataKey).toString();
}

// Waits for every future of `futures`, each continued on `context`; then `done` runs there.
template<class T, class Each, class Done>
void whenEach(QObject *context, const QList<QFuture<T>> &futures, Each each, Done done)
{
    auto left = std::make_shared<qsizetype>(futures.size());
    if (*left == 0) {
        done();
        return;
    }
    for (QFuture<T> future : futures) {
        future.then(context, [left, each, done](const T &value) {
            each(value);
            if (--*left == 0)
                done();
        });
    }
}

} // namespace

// --- configuration ------------------------------------------------------------------------

QMap<QString, int> WarmPoolConfig::sizes() const
{
    QMap<QString, int> result;
    for (auto it = otherSizes.cbegin(); it != otherSizes.cend(); ++it) {
        if (it.value() > 0 && it.key() != defaultTemplate)
            result.insert(it.key(), it.value());
    }
    if (defaultSize > 0)
        result.insert(defaultTemplate, defaultSize);
    return result;
}

int WarmPoolConfig::sizeOf(const QString &templateId) const
{
    return sizes().value(templateId, 0);
}

std::optional<int> WarmPoolConfig::environmentSize()
{
    const QByteArray value = qgetenv(SizeEnvironmentVariable.data()).trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const int size = value.toInt(&ok);
    if (!ok || size < 0 || size > MaxSize) {
        qCWarning(lcWarmPool) << SizeEnvironmentVariable.data() << "is not a whole number from 0 to"
                              << MaxSize << "; it is ignored";
        return std::nullopt;
    }
    return size;
}

WarmPoolConfig WarmPoolConfig::fromSettings(const QSettings &settings, const QString &defaultTemplate)
{
    WarmPoolConfig config;
    if (!defaultTemplate.isEmpty())
        config.defaultTemplate = defaultTemplate;
    config.defaultSize = std::clamp(settings.value(u"pool/size"_s, 0).toInt(), 0, MaxSize);
    if (auto sizes = parseSizes(settings.value(u"pool/otherSizes"_s).toString()))
        config.otherSizes = *sizes;
    else
        qCWarning(lcWarmPool) << "pool/otherSizes is ignored:" << sizes.error().message();
    config.keepOnExit = settings.value(u"pool/keepOnExit"_s, false).toBool();
    config.timeoutMinutes = std::clamp(
        settings.value(u"pool/timeoutMinutes"_s, DefaultTimeoutMinutes).toInt(), 5, 24 * 60);
    if (auto fromEnvironment = environmentSize())
        config.defaultSize = *fromEnvironment;
    return config;
}

void WarmPoolConfig::save(QSettings &settings) const
{
    settings.setValue(u"pool/size"_s, defaultSize);
    settings.setValue(u"pool/otherSizes"_s, sizesText(otherSizes));
    settings.setValue(u"pool/keepOnExit"_s, keepOnExit);
    settings.setValue(u"pool/timeoutMinutes"_s, timeoutMinutes);
}

Result<QMap<QString, int>> WarmPoolConfig::parseSizes(const QString &text)
{
    QMap<QString, int> sizes;
    static const QRegularExpression separator(u"[,;\\s]+"_s);
    for (const QString &part : text.split(separator, Qt::SkipEmptyParts)) {
        const qsizetype equals = part.indexOf(u'=');
        bool ok = false;
        const int size = equals > 0 ? part.mid(equals + 1).toInt(&ok) : 0;
        if (!ok || size < 0 || size > MaxSize) {
            return fail(ErrorCode::InvalidArgument,
                        u"\"%1\" is not template=size with a size from 0 to %2"_s.arg(part.left(80))
                            .arg(MaxSize));
        }
        auto templateId = validateTemplateId(part.left(equals));
        if (!templateId)
            return fail(templateId.error());
        sizes.insert(*templateId, size);
    }
    return sizes;
}

QString WarmPoolConfig::sizesText(const QMap<QString, int> &sizes)
{
    QStringList parts;
    for (auto it = sizes.cbegin(); it != sizes.cend(); ++it)
        parts << u"%1=%2"_s.arg(it.key()).arg(it.value());
    return parts.join(u", "_s);
}

QString WarmPoolReport::summary() const
{
    QStringList parts;
    if (!created.isEmpty())
        parts << u"made %1 ready"_s.arg(sandboxesText(created.size()));
    if (!ended.isEmpty())
        parts << u"ended %1"_s.arg(sandboxesText(ended.size()));
    if (!errors.isEmpty())
        parts << u"%1 failed: %2"_s.arg(errors.size()).arg(errors.constFirst());
    if (parts.isEmpty())
        return u"Warm pool: nothing to do"_s;
    return u"Warm pool: "_s + parts.join(u"; "_s);
}

// --- the pool -----------------------------------------------------------------------------

WarmPool::WarmPool(const Database &db, SandboxService &sandboxes, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_sandboxes(sandboxes)
{}

WarmPool::~WarmPool() = default;

Result<void> WarmPool::audit(const QString &action, const QString &target, const QString &outcome,
                             const QString &detail) const
{
    return AuditLog(m_db).append({0, {}, osUserName(), action, target, outcome, detail});
}

bool WarmPool::ready(const SandboxRecord &record) const
{
    return record.status == SandboxStatus::Running && !record.isPaused()
           && (!record.endsAt.isValid() || nowUtc().secsTo(record.endsAt) >= MinSecondsLeft);
}

Result<SandboxRecords> WarmPool::pooled() const
{
    auto rows = SandboxStore(m_db).liveWithMetadataKey(PoolMetadataKey);
    if (!rows)
        return rows;
    SandboxRecords result;
    for (const SandboxRecord &record : std::as_const(*rows)) {
        if (isPooledSandbox(record))
            result << record;
    }
    return result;
}

Result<QList<WarmPoolEntry>> WarmPool::status() const
{
    auto rows = pooled();
    if (!rows)
        return fail(rows.error());
    QMap<QString, WarmPoolEntry> entries;
    const QMap<QString, int> sizes = m_config.sizes();
    for (auto it = sizes.cbegin(); it != sizes.cend(); ++it)
        entries[it.key()] = {it.key(), m_sandboxes.defaultProvider(), it.value(), 0, 0, {}};
    for (const SandboxRecord &record : std::as_const(*rows)) {
        WarmPoolEntry &entry = entries[record.templateId];
        entry.templateId = record.templateId;
        if (entry.provider.isEmpty())
            entry.provider = record.provider;
        entry.ids << record.id;
        if (record.status == SandboxStatus::Created)
            ++entry.starting;
        else if (ready(record))
            ++entry.ready;
    }
    QList<WarmPoolEntry> result;
    // The default template first, as the settings show it.
    if (entries.contains(m_config.defaultTemplate))
        result << entries.take(m_config.defaultTemplate);
    result << entries.values();
    return result;
}

QFuture<Result<std::optional<SandboxRecord>>> WarmPool::take(const CreateSandboxRequest &request)
{
    using Ready = Result<std::optional<SandboxRecord>>;
    const QString provider = request.provider.isEmpty() ? m_sandboxes.defaultProvider()
                                                        : request.provider;
    auto templateId = validateTemplateId(request.templateId.isEmpty() ? m_sandboxes.defaultTemplate()
                                                                      : request.templateId);
    if (!templateId)
        return readyFuture<Ready>(fail(templateId.error()));
    // What create() would check: a bad request changes nothing here either.
    CreateSandboxRequest labels = request;
    labels.templateId = *templateId;
    for (auto it = request.metadata.cbegin(); it != request.metadata.cend(); ++it) {
        if (!it.key().startsWith(u"squad."_s) || it.key() == PoolMetadataKey || it.key().size() > 64
            || it.value().size() > 256) {
            return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                           u"Sandbox metadata \"%1\" is not allowed here"_s.arg(
                                               it.key().left(64))));
        }
    }
    const TaskStore tasks(m_db);
    if (!request.taskId.isEmpty()) {
        auto id = tasks.requireTask(request.taskId);
        if (!id)
            return readyFuture<Ready>(fail(id.error()));
        labels.taskId = *id;
    }
    if (!request.agentId.isEmpty()) {
        auto id = tasks.requireAgent(request.agentId);
        if (!id)
            return readyFuture<Ready>(fail(id.error()));
        labels.agentId = *id;
    }
    if (!request.repoUrl.trimmed().isEmpty()) {
        auto url = validateRepoUrl(request.repoUrl);
        if (!url)
            return readyFuture<Ready>(fail(url.error()));
        labels.repoUrl = *url;
    }

    auto rows = pooled();
    if (!rows)
        return readyFuture<Ready>(fail(rows.error()));
    QList<SandboxRecord> candidates;
    for (const SandboxRecord &record : std::as_const(*rows)) {
        if (record.templateId == *templateId && record.provider == provider && ready(record))
            candidates.prepend(record);  // oldest first: the pool stays fresh
    }
    const bool sized = m_config.sizeOf(*templateId) > 0 && provider == m_sandboxes.defaultProvider();
    return claimNext(labels, provider, candidates).then(this, [this, sized](const Ready &taken) {
        // Whatever the answer, the pool makes up for what it gave (or lacked).
        if (sized)
            refillInBackground();
        return taken;
    });
}

QFuture<Result<std::optional<SandboxRecord>>> WarmPool::claimNext(const CreateSandboxRequest &request,
                                                                  const QString &provider,
                                                                  QList<SandboxRecord> candidates)
{
    using Ready = Result<std::optional<SandboxRecord>>;
    while (!candidates.isEmpty()) {
        const SandboxRecord candidate = candidates.takeFirst();
        SandboxRecord claimed = candidate;
        claimed.metadata = withKey(candidate.metadata, request.metadata);
        claimed.taskId = request.taskId;
        claimed.agentId = request.agentId;
        claimed.repoUrl = request.repoUrl;
        claimed.lastUsedAt = claimed.updatedAt = nowUtc();
        QStringList labels;
        for (auto it = request.metadata.cbegin(); it != request.metadata.cend(); ++it)
            labels << it.key() + u'=' + it.value();
        auto won = m_sandboxes.relabel(claimed, candidate.metadata, u"pool.take"_s,
                                       u"taken from the %1 pool for %2"_s.arg(
                                           candidate.templateId, labels.join(u", "_s)));
        if (!won)
            return readyFuture<Ready>(fail(won.error()));
        if (!*won)
            continue;  // another taker was first
        return m_sandboxes.refresh(claimed.id)
            .then(this, [this, request, provider, candidates, claimed](const Result<SandboxRecord> &now)
                            -> QFuture<Ready> {
                // Not checked (the provider did not answer): it was running by our records, and
                // a run's next step says so if it is not.
                if (!now)
                    return readyFuture<Ready>(std::optional<SandboxRecord>(claimed));
                if (now->status == SandboxStatus::Running)
                    return readyFuture<Ready>(std::optional<SandboxRecord>(*now));
                return claimNext(request, provider, candidates);
            })
            .unwrap();
    }
    return readyFuture<Ready>(std::optional<SandboxRecord>());
}

QFuture<Result<WarmPoolReport>> WarmPool::refill(const QString &templateId, int sizeOverride)
{
    using Ready = Result<WarmPoolReport>;
    QMap<QString, int> sizes = m_config.sizes();
    if (!templateId.isEmpty()) {
        auto checked = validateTemplateId(templateId);
        if (!checked)
            return readyFuture<Ready>(fail(checked.error()));
        if (sizeOverride > WarmPoolConfig::MaxSize) {
            return readyFuture<Ready>(fail(ErrorCode::InvalidArgument,
                                           u"A pool holds at most %1 sandboxes"_s.arg(
                                               WarmPoolConfig::MaxSize)));
        }
        sizes = {{*checked, sizeOverride >= 0 ? sizeOverride : m_config.sizeOf(*checked)}};
    }
    const QString provider = m_sandboxes.defaultProvider();
    if (!m_sandboxes.hasProvider(provider))
        return readyFuture<Ready>(fail(ErrorCode::Unavailable, u"No sandbox provider is set up"_s));
    auto rows = pooled();
    if (!rows)
        return readyFuture<Ready>(fail(rows.error()));
    QMap<QString, int> have;
    for (const SandboxRecord &record : std::as_const(*rows)) {
        if (record.provider == provider
            && (record.status == SandboxStatus::Created || ready(record)))
            ++have[record.templateId];
    }

    // Every creation is started before this returns: its CREATED row counts for the next
    // caller, which therefore never makes more than the size.
    QList<QFuture<Result<SandboxRecord>>> creations;
    for (auto it = sizes.cbegin(); it != sizes.cend(); ++it) {
        for (int missing = it.value() - have.value(it.key()); missing > 0; --missing) {
            CreateSandboxRequest request;
            request.templateId = it.key();
            request.provider = provider;
            request.metadata.insert(QString(PoolMetadataKey), it.key());
            request.timeoutSeconds = m_config.timeoutMinutes * 60;
            creations << m_sandboxes.create(request);
        }
    }
    if (creations.isEmpty())
        return readyFuture<Ready>(WarmPoolReport{});

    auto report = std::make_shared<WarmPoolReport>();
    auto promise = std::make_shared<QPromise<Ready>>();
    promise->start();
    const QStringList templates = sizes.keys();
    whenEach(
        this, creations,
        [report](const Result<SandboxRecord> &made) {
            if (made)
                report->created << made->id;
            else
                report->errors << made.error().message();
        },
        [this, report, promise, templates] {
            if (auto audited = audit(u"pool.fill"_s, templates.join(u", "_s),
                                     report->succeeded() ? u"ok"_s : u"failed"_s, report->summary());
                !audited) {
                promise->addResult(fail(audited.error()));
            } else {
                promise->addResult(*report);
            }
            promise->finish();
        });
    return promise->future();
}

QFuture<Result<WarmPoolReport>> WarmPool::drain(const QString &templateId)
{
    using Ready = Result<WarmPoolReport>;
    if (!templateId.isEmpty()) {
        if (auto checked = validateTemplateId(templateId); !checked)
            return readyFuture<Ready>(fail(checked.error()));
    }
    auto rows = pooled();
    if (!rows)
        return readyFuture<Ready>(fail(rows.error()));
    auto report = std::make_shared<WarmPoolReport>();
    QList<QFuture<Result<TerminateOutcome>>> endings;
    for (const SandboxRecord &record : std::as_const(*rows)) {
        if (!templateId.isEmpty() && record.templateId != templateId)
            continue;
        // Marked first, in one conditional write: a taker that claimed it meanwhile keeps it.
        SandboxRecord marked = record;
        marked.metadata = withKey(record.metadata, {{QString(DrainMetadataKey), formatTimestamp(nowUtc())}});
        marked.updatedAt = nowUtc();
        auto won = record.status == SandboxStatus::Running
                       ? m_sandboxes.relabel(marked, record.metadata, u"pool.drain"_s,
                                             u"leaving the %1 pool"_s.arg(poolOf(record)))
                       : Result<bool>(true);  // still being made: nobody can take it yet
        if (!won) {
            report->errors << won.error().message();
            continue;
        }
        if (*won)
            endings << m_sandboxes.terminate(record.id);
    }
    if (endings.isEmpty() && report->errors.isEmpty())
        return readyFuture<Ready>(*report);
    auto promise = std::make_shared<QPromise<Ready>>();
    promise->start();
    whenEach(
        this, endings,
        [report](const Result<TerminateOutcome> &ended) {
            if (ended)
                report->ended << ended->record.id;
            else
                report->errors << ended.error().message();
        },
        [this, report, promise, templateId] {
            if (auto audited = audit(u"pool.drain"_s, templateId.isEmpty() ? u"all"_s : templateId,
                                     report->succeeded() ? u"ok"_s : u"failed"_s, report->summary());
                !audited) {
                promise->addResult(fail(audited.error()));
            } else {
                promise->addResult(*report);
            }
            promise->finish();
        });
    return promise->future();
}

void WarmPool::refillInBackground()
{
    if (m_refilling || !m_config.enabled())
        return;
    m_refilling = true;
    refill().then(this, [this](const Result<WarmPoolReport> &done) {
        m_refilling = false;
        WarmPoolReport report = done ? *done : WarmPoolReport{};
        if (!done)
            report.errors << done.error().message();
        if (report.succeeded()) {
            m_failures = 0;
        } else {
            ++m_failures;
            m_skipTicks = (1 << std::min(m_failures, 5)) - 1;
            qCWarning(lcWarmPool).noquote() << report.summary();
        }
        Q_EMIT refilled(report);
    });
}

void WarmPool::tick()
{
    if (m_skipTicks > 0) {
        --m_skipTicks;
        return;
    }
    refillInBackground();
}

void WarmPool::setBackgroundInterval(int intervalMs)
{
    if (intervalMs <= 0) {
        delete m_timer;
        m_timer = nullptr;
        return;
    }
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &WarmPool::tick);
    }
    m_timer->start(intervalMs);
}

} // namespace squad
