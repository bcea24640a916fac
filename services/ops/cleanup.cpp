// SPDX-License-Identifier: MIT
#include "cleanup.h"

#include "core/futures.h"
#include "core/platform.h"
#include "core/timestamp.h"
#include "store/auditlog.h"
#include "store/workflowstore.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPromise>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace squad {

Q_LOGGING_CATEGORY(lcCleanup, "ops.cleanup")

namespace {

// "31 h", "45 min", "20 s": how long a sandbox has run, rounded down.
QString ageText(qint64 seconds)
{
    if (seconds >= 3600)
        return u"%1 h"_s.arg(seconds / 3600);
    if (seconds >= 60)
        return u"%1 min"_s.arg(seconds / 60);
    return u"%1 s"_s.arg(qMax<qint64>(seconds, 0));
}

QString sandboxesText(int count)
{
    return count == 1 ? u"1 sandbox"_s : u"%1 sandboxes"_s.arg(count);
}

// Why a sandbox of `run` is not protected, for its reason; empty when the run is unknown.
QString deadRunText(const WorkflowRun &run, const QDateTime &now)
{
    if (workflowRunFinished(run.state))
        return u"sandbox of %1 workflow run %2"_s.arg(workflowRunStateName(run.state), run.id);
    return u"sandbox of abandoned workflow run %1 (%2, no live runner, untouched for %3)"_s.arg(
        run.id, workflowRunStateName(run.state), ageText(run.updatedAt.secsTo(now)));
}

QString protectedRunText(const WorkflowRun &run, bool runnerAlive, const QDateTime &now)
{
    if (runnerAlive) {
        return u"its workflow run %1 is in progress (%2, its runner is alive)"_s.arg(
            run.id, workflowRunStateName(run.state));
    }
    return u"its workflow run %1 is in progress (%2, updated %3 ago)"_s.arg(
        run.id, workflowRunStateName(run.state), ageText(run.updatedAt.secsTo(now)));
}

} // namespace

// --- policy -----------------------------------------------------------------------------------

std::optional<int> CleanupPolicy::environmentAgeHours()
{
    const QByteArray value = qgetenv(AgeEnvironmentVariable.data()).trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const int hours = value.toInt(&ok);
    if (!ok || hours <= 0) {
        qCWarning(lcCleanup) << AgeEnvironmentVariable.data() << "is not a whole number of hours"
                             << "above 0; it is ignored";
        return std::nullopt;
    }
    return hours;
}

CleanupPolicy CleanupPolicy::fromSetting(int settingAgeHours)
{
    CleanupPolicy policy;
    int hours = settingAgeHours > 0 ? settingAgeHours : DefaultAgeHours;
    if (auto fromEnvironment = environmentAgeHours())
        hours = *fromEnvironment;
    policy.maxAgeSeconds = qint64(hours) * 3600;
    return policy;
}

Result<qint64> parseCleanupDuration(const QString &text)
{
    static const QRegularExpression pattern(u"^\\s*(\\d{1,9})\\s*([smhd]?)\\s*$"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text);
    const qint64 amount = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    if (amount <= 0) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a duration: give a number above 0 with s, m, h or d "
                    "(24h, 90m, 2d)"_s.arg(text));
    }
    const QString unit = match.captured(2).toLower();
    const qint64 factor = unit == u"s" ? 1 : unit == u"m" ? 60 : unit == u"d" ? 86400 : 3600;
    return amount * factor;
}

QString cleanupDurationText(qint64 seconds)
{
    if (seconds > 0 && seconds % 86400 == 0 && seconds >= 2 * 86400)
        return u"%1 d"_s.arg(seconds / 86400);
    if (seconds > 0 && seconds % 3600 == 0)
        return u"%1 h"_s.arg(seconds / 3600);
    if (seconds > 0 && seconds % 60 == 0)
        return u"%1 min"_s.arg(seconds / 60);
    return u"%1 s"_s.arg(seconds);
}

// --- runs -------------------------------------------------------------------------------------

bool cleanupRunnerAlive(const WorkflowRun &run)
{
    if (run.runnerPid == 0)
        return false;
    // A runner on another machine cannot be checked from here: its claim stands. So does this
    // process's own (the console may be running the run right now).
    if (run.runnerHost != hostName() || run.runnerPid == QCoreApplication::applicationPid())
        return true;
    return processAlive(run.runnerPid);
}

bool cleanupProtectsRun(const WorkflowRun &run, bool runnerAlive, const CleanupPolicy &policy,
                        const QDateTime &now)
{
    if (workflowRunFinished(run.state))
        return false;
    if (runnerAlive)
        return true;
    // Unfinished with no live runner: still the operator's to resume or retry while recent.
    // No time at all is treated as recent: nothing says it was abandoned.
    return !run.updatedAt.isValid() || run.updatedAt.secsTo(now) <= policy.maxAgeSeconds;
}

QString cleanupRunOf(const QString &metadataJson)
{
    // Cheap test first: most sandboxes belong to no run.
    if (!metadataJson.contains(u"squad.run"_s))
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(metadataJson.toUtf8());
    return document.object().value(u"squad.run"_s).toString();
}

// --- the planner ------------------------------------------------------------------------------

CleanupPlan planCleanup(const CleanupPolicy &policy, const QList<SandboxRecord> &rows,
                        const QList<CleanupOrphan> &orphans, const QList<WorkflowRun> &runs,
                        const QDateTime &now, const QSet<QString> &runsWithLiveRunner)
{
    CleanupPlan plan;
    plan.policy = policy;
    plan.now = now;
    QHash<QString, const WorkflowRun *> runById;
    for (const WorkflowRun &run : runs)
        runById.insert(run.id, &run);
    const QString limit = cleanupDurationText(policy.maxAgeSeconds);

    // The run `runId` names: kept (with why) when it protects the sandbox, else a note for the
    // candidate's reason (empty when it belongs to no run).
    struct RunVerdict
    {
        bool protects = false;
        QString text;
    };
    const auto judgeRun = [&](const QString &runId) -> RunVerdict {
        if (runId.isEmpty())
            return {};
        const WorkflowRun *run = runById.value(runId);
        if (!run)
            return {false, u"its workflow run %1 is no longer stored"_s.arg(runId)};
        const bool alive = runsWithLiveRunner.contains(runId);
        if (cleanupProtectsRun(*run, alive, policy, now))
            return {true, protectedRunText(*run, alive, now)};
        return {false, deadRunText(*run, now)};
    };

    for (const SandboxRecord &row : rows) {
        if (row.orphan || !policy.covers(row.status))
            continue;
        const QString status = sandboxStatusName(row.status);
        const QDateTime since = row.startedAt.isValid() ? row.startedAt : row.createdAt;
        if (!since.isValid()) {
            plan.kept.append({false, row.id, row.provider,
                              u"%1 since an unknown time: its age cannot be told"_s.arg(status)});
            continue;
        }
        const qint64 age = since.secsTo(now);
        if (age <= policy.maxAgeSeconds) {
            plan.kept.append({false, row.id, row.provider,
                              u"%1 for %2 (not older than %3)"_s.arg(status, ageText(age), limit)});
            continue;
        }
        const QString runId = cleanupRunOf(row.metadata);
        const RunVerdict verdict = judgeRun(runId);
        if (verdict.protects) {
            plan.kept.append({false, row.id, row.provider, verdict.text});
            continue;
        }
        QString reason = u"%1 for %2 (older than %3)"_s.arg(status, ageText(age), limit);
        if (!verdict.text.isEmpty())
            reason += u"; "_s + verdict.text;
        plan.candidates.append({false, row.id, row.provider, row.providerId, row.status, since,
                                age, runId, reason});
    }

    for (const CleanupOrphan &orphan : orphans) {
        const QString id = orphan.sandbox.providerId;
        const QString where = u"orphan at %1"_s.arg(orphan.provider);
        if (!policy.includeOrphans) {
            plan.kept.append({true, id, orphan.provider, where + u": orphans are not included"_s});
            continue;
        }
        const QDateTime since = orphan.sandbox.startedAt;
        if (!since.isValid()) {
            plan.kept.append({true, id, orphan.provider,
                              where + u" with no start time: its age cannot be told"_s});
            continue;
        }
        const qint64 age = since.secsTo(now);
        if (age <= policy.maxAgeSeconds) {
            plan.kept.append({true, id, orphan.provider,
                              u"%1, started %2 ago (not older than %3)"_s.arg(where, ageText(age), limit)});
            continue;
        }
        const QString runId = orphan.sandbox.metadata.value(u"squad.run"_s);
        const RunVerdict verdict = judgeRun(runId);
        if (verdict.protects) {
            plan.kept.append({true, id, orphan.provider, where + u": "_s + verdict.text});
            continue;
        }
        QString reason = u"%1, started %2 ago (older than %3)"_s.arg(where, ageText(age), limit);
        if (!verdict.text.isEmpty())
            reason += u"; "_s + verdict.text;
        plan.candidates.append({true, id, orphan.provider, id, std::nullopt, since, age, runId,
                                reason});
    }
    return plan;
}

// --- the report -------------------------------------------------------------------------------

int CleanupReport::terminatedCount() const
{
    return int(std::count_if(outcomes.cbegin(), outcomes.cend(),
                             [](const CleanupItemOutcome &o) { return o.ok; }));
}

int CleanupReport::failedCount() const
{
    return int(outcomes.size()) - terminatedCount();
}

QString CleanupReport::summary() const
{
    const QString limit = cleanupDurationText(plan.policy.maxAgeSeconds);
    QString text;
    if (plan.candidates.isEmpty()) {
        text = u"Cleanup found no sandbox older than %1 to end"_s.arg(limit);
    } else if (dryRun) {
        text = u"Cleanup would end %1 older than %2"_s.arg(sandboxesText(int(plan.candidates.size())),
                                                           limit);
    } else {
        text = u"Cleanup ended %1 older than %2"_s.arg(sandboxesText(terminatedCount()), limit);
        if (const int failed = failedCount())
            text += u"; %1 could not be ended"_s.arg(failed);
    }
    if (!warnings.isEmpty())
        text += u" (%1)"_s.arg(warnings.join(u"; "_s));
    return text;
}

// --- the executor -----------------------------------------------------------------------------

struct Cleanup::Job
{
    CleanupPolicy policy;
    Options options;
    QPromise<Result<CleanupReport>> promise;
    CleanupReport report;
    QList<CleanupOrphan> orphans;
    qsizetype nextProvider = 0;
    qsizetype next = 0;
};

Cleanup::Cleanup(const Database &db, SandboxService &sandboxes, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_sandboxes(sandboxes)
{}

Cleanup::~Cleanup() = default;

QFuture<Result<CleanupReport>> Cleanup::run(const CleanupPolicy &policy, const Options &options)
{
    auto job = std::make_shared<Job>();
    job->policy = policy;
    job->options = options;
    job->report.dryRun = options.dryRun;
    job->promise.start();
    QFuture<Result<CleanupReport>> future = job->promise.future();
    reconcileNext(job);
    return future;
}

void Cleanup::reconcileNext(const std::shared_ptr<Job> &job)
{
    if (job->nextProvider == job->options.reconcileProviders.size()) {
        plan(job);
        return;
    }
    const QString provider = job->options.reconcileProviders.at(job->nextProvider++);
    m_sandboxes.reconcile(provider).then(this, [this, job, provider](const Result<ReconcileReport> &report) {
        if (report) {
            for (const ProviderSandbox &sandbox : report->orphans)
                job->orphans.append({provider, sandbox});
            job->report.reconciled.append(*report);
        } else {
            // Its rows are still planned (their termination reports its own failure); only its
            // orphans stay unknown this time.
            job->report.warnings.append(u"%1 could not be listed for orphans: %2"_s.arg(
                provider, report.error().message()));
        }
        reconcileNext(job);
    });
}

void Cleanup::plan(const std::shared_ptr<Job> &job)
{
    QList<SandboxRecord> rows;
    for (const SandboxStatus status : AllSandboxStatuses) {
        if (!job->policy.covers(status))
            continue;
        SandboxFilter filter;
        filter.status = status;
        auto listed = m_sandboxes.forEach(filter, [&rows](const SandboxRecord &row) { rows.append(row); });
        if (!listed) {
            job->promise.addResult(fail(listed.error()));
            job->promise.finish();
            return;
        }
    }
    auto runs = WorkflowStore(m_db).list();
    if (!runs) {
        job->promise.addResult(fail(runs.error()));
        job->promise.finish();
        return;
    }
    QSet<QString> live;
    for (const WorkflowRun &run : std::as_const(*runs)) {
        if (!workflowRunFinished(run.state) && cleanupRunnerAlive(run))
            live.insert(run.id);
    }
    CleanupPlan plan = planCleanup(job->policy, rows, job->orphans, *runs, nowUtc(), live);
    if (job->options.onlyIds) {
        QList<CleanupCandidate> confirmed;
        for (const CleanupCandidate &candidate : std::as_const(plan.candidates)) {
            if (job->options.onlyIds->contains(candidate.id)) {
                confirmed.append(candidate);
            } else {
                plan.kept.append({candidate.orphan, candidate.id, candidate.provider,
                                  u"not among the sandboxes confirmed"_s});
            }
        }
        plan.candidates = confirmed;
    }
    job->report.plan = plan;
    if (job->options.dryRun) {
        // Nothing is ended, so nothing is audited: a dry run only reads.
        job->promise.addResult(job->report);
        job->promise.finish();
        return;
    }
    terminateNext(job);
}

void Cleanup::terminateNext(const std::shared_ptr<Job> &job)
{
    const QList<CleanupCandidate> &candidates = job->report.plan.candidates;
    if (job->next == candidates.size()) {
        finish(job);
        return;
    }
    // One at a time: a hundred sandboxes must not become a hundred calls at once at E2B.
    const CleanupCandidate candidate = candidates.at(job->next++);
    if (candidate.orphan) {
        m_sandboxes.terminateOrphan(candidate.provider, candidate.providerId)
            .then(this, [this, job, candidate](const Result<void> &ended) {
                job->report.outcomes.append(
                    {candidate, bool(ended),
                     ended ? u"orphan %1 ended at %2"_s.arg(candidate.id, candidate.provider)
                           : ended.error().message()});
                terminateNext(job);
            });
        return;
    }
    m_sandboxes.terminate(candidate.id)
        .then(this, [this, job, candidate](const Result<TerminateOutcome> &ended) {
            job->report.outcomes.append(
                {candidate, bool(ended), ended ? ended->message : ended.error().message()});
            terminateNext(job);
        });
}

void Cleanup::finish(const std::shared_ptr<Job> &job)
{
    const CleanupReport &report = job->report;
    QStringList lines{report.summary()};
    for (const CleanupItemOutcome &outcome : report.outcomes) {
        lines << u"%1 %2: %3 — %4"_s.arg(outcome.ok ? u"ended"_s : u"FAILED"_s, outcome.candidate.id,
                                         outcome.candidate.reason, outcome.message);
    }
    const QString outcome = report.outcomes.isEmpty() ? u"noop"_s
                            : report.succeeded()      ? u"ok"_s
                                                      : u"failed"_s;
    auto appended = AuditLog(m_db).append(
        {0, {}, osUserName(), u"cleanup"_s, u"cleanup"_s, outcome, lines.join(u'\n')});
    if (!appended) {
        job->promise.addResult(fail(appended.error()));
    } else {
        job->promise.addResult(job->report);
    }
    job->promise.finish();
}

} // namespace squad
