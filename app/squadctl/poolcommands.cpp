// SPDX-License-Identifier: MIT
// squadctl pool status|fill|drain [--template T] [--size N] [--json]: the warm pool (see
// services/ops/warmpool.h), for scripts and cron. Sizes: --size, else the console's settings
// (pool/size, pool/otherSizes), SANDBOX_POOL_SIZE overriding the default template's. The pool
// lives at the default provider: E2B when the profile has a key, else local.
#include "cli.h"

#include "console/consolesettings.h"
#include "ops/warmpool.h"
#include "output.h"
#include "sandbox/sandboxservice.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

const QCommandLineOption PoolTemplateOption(u"template"_s,
                                            u"Only this template's pool (fill: the default one "
                                            "when --size is given)."_s,
                                            u"T"_s);
const QCommandLineOption PoolSizeOption(u"size"_s,
                                        u"fill: make the pool this size instead of the configured one."_s,
                                        u"N"_s);
const QCommandLineOption PoolJsonOption(u"json"_s, u"Print JSON."_s);

int printReport(const WarmPoolReport &report, bool json)
{
    if (json) {
        const QJsonObject document{{u"created"_s, QJsonArray::fromStringList(report.created)},
                                   {u"ended"_s, QJsonArray::fromStringList(report.ended)},
                                   {u"errors"_s, QJsonArray::fromStringList(report.errors)},
                                   {u"summary"_s, report.summary()}};
        writeOut(QJsonDocument(document).toJson(QJsonDocument::Indented));
    } else {
        for (const QString &id : report.created)
            writeOut(u"ready    %1\n"_s.arg(id));
        for (const QString &id : report.ended)
            writeOut(u"ended    %1\n"_s.arg(id));
        for (const QString &error : report.errors)
            writeErr(u"squadctl: "_s + error);
        writeErr(report.summary());
    }
    return report.succeeded() ? int(Success) : int(Failure);
}

} // namespace

void Cli::addPoolOptions(const QString &verb, QCommandLineParser &parser)
{
    parser.addOption(PoolJsonOption);
    if (verb != u"status")
        parser.addOption(PoolTemplateOption);
    if (verb == u"fill")
        parser.addOption(PoolSizeOption);
}

QFuture<int> Cli::poolCommand(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    int size = -1;
    if (parser.isSet(PoolSizeOption)) {
        bool ok = false;
        size = parser.value(PoolSizeOption).toInt(&ok);
        if (!ok || size < 0 || size > WarmPoolConfig::MaxSize) {
            return usageError(u"--size must be a whole number from 0 to %1"_s.arg(
                WarmPoolConfig::MaxSize));
        }
    }
    if (auto code = openCore())
        return done(*code);
    const QString defaultTemplate = m_core->sandboxes().defaultTemplate();
    m_pool = std::make_unique<WarmPool>(m_core->database(), m_core->sandboxes());
    m_pool->setConfig(WarmPoolConfig::fromSettings(ConsoleSettings(), defaultTemplate));
    const bool json = parser.isSet(PoolJsonOption);
    QString templateId = parser.isSet(PoolTemplateOption) ? parser.value(PoolTemplateOption) : QString();

    if (m_verb == u"status") {
        auto entries = m_pool->status();
        if (!entries)
            return done(reported(entries.error()));
        if (json) {
            QJsonArray array;
            for (const WarmPoolEntry &entry : std::as_const(*entries)) {
                array.append(QJsonObject{{u"template"_s, entry.templateId},
                                         {u"provider"_s, entry.provider},
                                         {u"size"_s, entry.size},
                                         {u"ready"_s, entry.ready},
                                         {u"starting"_s, entry.starting},
                                         {u"ids"_s, QJsonArray::fromStringList(entry.ids)}});
            }
            writeOut(QJsonDocument(QJsonObject{{u"keep_on_exit"_s, m_pool->config().keepOnExit},
                                               {u"pools"_s, array}})
                         .toJson(QJsonDocument::Indented));
        } else if (entries->isEmpty()) {
            writeErr(u"No warm pool: set a size in Preferences, SANDBOX_POOL_SIZE, or `squadctl "
                     "pool fill --size N`"_s);
        } else {
            writeOut(u"%1 %2 %3 %4 %5\n"_s.arg(u"TEMPLATE"_s, -20).arg(u"PROVIDER"_s, -9)
                         .arg(u"SIZE"_s, 5).arg(u"READY"_s, 6).arg(u"STARTING"_s, 9));
            for (const WarmPoolEntry &entry : std::as_const(*entries)) {
                writeOut(u"%1 %2 %3 %4 %5\n"_s.arg(entry.templateId, -20).arg(entry.provider, -9)
                             .arg(entry.size, 5).arg(entry.ready, 6).arg(entry.starting, 9));
            }
        }
        return done(Success);
    }

    QFuture<Result<WarmPoolReport>> work;
    if (m_verb == u"fill") {
        if (templateId.isEmpty() && size >= 0)
            templateId = defaultTemplate;
        work = m_pool->refill(templateId, size);
    } else {
        work = m_pool->drain(templateId);
    }
    return work.then(this, [json](const Result<WarmPoolReport> &report) {
        if (!report)
            return reported(report.error());
        return printReport(*report, json);
    });
}

} // namespace squad::cli
