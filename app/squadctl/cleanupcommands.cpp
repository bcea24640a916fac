// SPDX-License-Identifier: MIT
// squadctl cleanup [--dry-run] [--older-than DURATION] [--json]: the GUI's scheduled cleanup,
// for cron. The age: --older-than, else SANDBOX_CLEANUP_AGE_HOURS, else the console's setting
// (cleanup/ageHours), else 24 hours. E2B is listed for orphans when the profile has a key.
#include "cli.h"

#include "console/consolesettings.h"
#include "core/timestamp.h"
#include "e2b/e2bprovider.h"
#include "ops/cleanup.h"
#include "output.h"
#include "sandbox/sandboxservice.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

const QCommandLineOption DryRunOption(u"dry-run"_s,
                                      u"List what would be terminated and why; end nothing."_s);
const QCommandLineOption OlderThanOption(
    u"older-than"_s, u"Age past which sandboxes are ended: 24h, 90m, 2d (default: "
                     "SANDBOX_CLEANUP_AGE_HOURS, else the console's setting, else 24h)."_s,
    u"DURATION"_s);
const QCommandLineOption CleanupJsonOption(u"json"_s, u"Print JSON."_s);

QJsonObject candidateJson(const CleanupCandidate &candidate)
{
    QJsonObject object{{u"id"_s, candidate.id},
                       {u"orphan"_s, candidate.orphan},
                       {u"provider"_s, candidate.provider},
                       {u"provider_id"_s, candidate.providerId},
                       {u"since"_s, formatTimestamp(candidate.since)},
                       {u"age_seconds"_s, candidate.ageSeconds},
                       {u"reason"_s, candidate.reason}};
    if (candidate.status)
        object.insert(u"status"_s, sandboxStatusName(*candidate.status));
    if (!candidate.runId.isEmpty())
        object.insert(u"run"_s, candidate.runId);
    return object;
}

void printReport(const CleanupReport &report, bool json)
{
    if (json) {
        QJsonArray candidates;
        for (const CleanupCandidate &candidate : report.plan.candidates) {
            QJsonObject object = candidateJson(candidate);
            object.insert(u"result"_s, report.dryRun ? u"planned"_s : u"skipped"_s);
            for (const CleanupItemOutcome &outcome : report.outcomes) {
                if (outcome.candidate.id == candidate.id) {
                    object.insert(u"result"_s, outcome.ok ? u"ended"_s : u"failed"_s);
                    object.insert(u"message"_s, outcome.message);
                }
            }
            candidates.append(object);
        }
        QJsonArray kept;
        for (const CleanupKept &k : report.plan.kept) {
            kept.append(QJsonObject{{u"id"_s, k.id}, {u"orphan"_s, k.orphan},
                                    {u"provider"_s, k.provider}, {u"reason"_s, k.reason}});
        }
        const QJsonObject document{
            {u"dry_run"_s, report.dryRun},
            {u"max_age_seconds"_s, report.plan.policy.maxAgeSeconds},
            {u"candidates"_s, candidates},
            {u"kept"_s, kept},
            {u"ended"_s, report.terminatedCount()},
            {u"failed"_s, report.failedCount()},
            {u"warnings"_s, QJsonArray::fromStringList(report.warnings)},
            {u"summary"_s, report.summary()}};
        writeOut(QJsonDocument(document).toJson(QJsonDocument::Indented));
        return;
    }
    // What is to go and why first, then what became of each.
    const QString verb = report.dryRun ? u"would end"_s : u"candidate"_s;
    for (const CleanupCandidate &candidate : report.plan.candidates)
        writeOut(u"%1  %2  %3  %4\n"_s.arg(verb, candidate.id, candidate.provider, candidate.reason));
    for (const CleanupItemOutcome &outcome : report.outcomes) {
        writeOut(u"%1  %2  %3\n"_s.arg(outcome.ok ? u"ended    "_s : u"FAILED   "_s,
                                       outcome.candidate.id, outcome.message));
    }
    for (const QString &warning : report.warnings)
        writeErr(u"squadctl: warning: "_s + warning);
    writeErr(report.summary());
}

} // namespace

void Cli::addCleanupOptions(QCommandLineParser &parser)
{
    parser.addOption(DryRunOption);
    parser.addOption(OlderThanOption);
    parser.addOption(CleanupJsonOption);
}

QFuture<int> Cli::cleanup(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    const ConsoleSettings settings;
    CleanupPolicy policy = CleanupPolicy::fromSetting(
        settings.value(u"cleanup/ageHours"_s, CleanupPolicy::DefaultAgeHours).toInt());
    if (parser.isSet(OlderThanOption)) {
        auto age = parseCleanupDuration(parser.value(OlderThanOption));
        if (!age)
            return usageError(age.error().message());
        policy.maxAgeSeconds = *age;
    }
    if (auto code = openCore())
        return done(*code);

    Cleanup::Options options;
    options.dryRun = parser.isSet(DryRunOption);
    if (m_core->e2b())
        options.reconcileProviders << m_core->e2b()->name();
    else
        writeErr(u"squadctl: no E2B key for this profile: E2B is not listed for orphans"_s);
    m_cleanup = std::make_unique<Cleanup>(m_core->database(), m_core->sandboxes());
    const bool json = parser.isSet(CleanupJsonOption);
    return m_cleanup->run(policy, options).then(this, [json](const Result<CleanupReport> &report) {
        if (!report)
            return reported(report.error());
        printReport(*report, json);
        return report->succeeded() ? int(Success) : int(Failure);
    });
}

} // namespace squad::cli
