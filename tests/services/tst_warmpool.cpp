// SPDX-License-Identifier: MIT
// The warm pool over real providers: local sandboxes (folders, processes) and E2B's control
// plane on loopback; on SQLite and on PostgreSQL. Fill, concurrent refills, two takers, a dead
// pooled sandbox, drain, a workflow run taking from it, and the configuration.
#include "testsupport.h"

#include "core/futures.h"
#include "e2b/e2bapi.h"
#include "e2b/e2bendpoint.h"
#include "e2b/e2bprovider.h"
#include "fakee2b.h"
#include "local/localprovider.h"
#include "loopbackhttpserver.h"
#include "ops/cleanup.h"
#include "ops/poolmarker.h"
#include "ops/warmpool.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "workflow/workflowservices.h"

#include <QProcessEnvironment>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeE2b;
using squad::test::LoopbackHttpServer;
using squad::test::ScratchDatabase;

namespace {

const QString E2bKey = u"e2b_pool_test_key"_s;

} // namespace

class tst_WarmPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void fillsToItsSize_data();
    void fillsToItsSize();
    void concurrentRefillsNeverExceedTheSize_data();
    void concurrentRefillsNeverExceedTheSize();
    void twoTakersGetDifferentSandboxes_data();
    void twoTakersGetDifferentSandboxes();
    void staleClaimLoses();
    void takeRefills();
    void emptyPoolGivesNone();
    void deadPooledSandboxIsSkipped();
    void reconcileKeepsTheRunOfATakenSandbox();
    void drainEndsOnlyPooledUnclaimed_data();
    void drainEndsOnlyPooledUnclaimed();
    void workflowRunTakesFromThePool_data();
    void workflowRunTakesFromThePool();
    void badRequestTakesNothing();
    void failedFillIsReportedAndRetried();
    void listWithoutMetadataKeepsThePoolMark();
    void configurationFromSettings();
    void cleanupTreatsPooledByAge();

private:
    // Sets up `provider` ("local" or "e2b") as the service's default; E2B with `key`.
    void useProvider(const QString &provider, const QString &key = E2bKey);
    int pooledCount() const;
    QList<AuditEntry> auditOf(const QString &target) const;

    QTemporaryDir m_home;
    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<FakeE2b> m_e2b;
    std::unique_ptr<LocalProvider> m_local;
    std::unique_ptr<E2bProvider> m_e2bProvider;
    std::unique_ptr<SandboxService> m_service;
    std::unique_ptr<WarmPool> m_pool;
};

void tst_WarmPool::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    auto db = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    m_db = std::move(*db);
    m_service = std::make_unique<SandboxService>(*m_db);
    m_pool = std::make_unique<WarmPool>(*m_db, *m_service);
}

void tst_WarmPool::cleanup()
{
    m_pool.reset();
    m_service.reset();
    m_e2bProvider.reset();
    m_local.reset();
    m_e2b.reset();
    m_server.reset();
    m_db.reset();
    m_scratch.reset();
}

void tst_WarmPool::useProvider(const QString &provider, const QString &key)
{
    if (provider == u"local") {
        m_local = std::make_unique<LocalProvider>(m_scratch->folder() + u"/sandboxes"_s);
        m_service->addProvider(m_local.get());
        m_service->setDefaultProvider(m_local->name());
        return;
    }
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    m_e2b = std::make_unique<FakeE2b>(*m_server, E2bKey);
    const QString url = m_server->url().toString();
    auto endpoint = E2bEndpoint::resolve({{}, url, url}, QProcessEnvironment());
    QVERIFY_RESULT(endpoint);
    m_e2bProvider = std::make_unique<E2bProvider>(*endpoint, key);
    E2bApi::Options options;
    options.backoffMs = 10;
    options.requestTimeoutMs = 2000;
    m_e2bProvider->api().setOptions(options);
    m_service->addProvider(m_e2bProvider.get());
    m_service->setDefaultProvider(m_e2bProvider->name());
}

int tst_WarmPool::pooledCount() const
{
    auto entries = m_pool->status();
    if (!entries)
        return -1;
    int count = 0;
    for (const WarmPoolEntry &entry : std::as_const(*entries))
        count += int(entry.ids.size());
    return count;
}

QList<AuditEntry> tst_WarmPool::auditOf(const QString &target) const
{
    return AuditLog(*m_db).list({target, 0}).value_or(QList<AuditEntry>());
}

static void providers()
{
    QTest::addColumn<QString>("provider");
    QTest::newRow("local") << u"local"_s;
    QTest::newRow("e2b") << u"e2b"_s;
}

void tst_WarmPool::fillsToItsSize_data() { providers(); }

void tst_WarmPool::fillsToItsSize()
{
    QFETCH(QString, provider);
    useProvider(provider);
    WarmPoolConfig config;
    config.defaultSize = 2;
    config.otherSizes = {{u"python"_s, 1}};
    m_pool->setConfig(config);

    auto filled = await(m_pool->refill());
    QVERIFY_RESULT(filled);
    QCOMPARE(filled->created.size(), 3);
    QVERIFY(filled->succeeded());
    auto entries = m_pool->status();
    QVERIFY_RESULT(entries);
    QCOMPARE(entries->size(), 2);
    QCOMPARE(entries->at(0).templateId, u"base"_s);  // the default template first
    QCOMPARE(entries->at(0).ready, 2);
    QCOMPARE(entries->at(0).provider, provider);
    QCOMPARE(entries->at(1).templateId, u"python"_s);
    QCOMPARE(entries->at(1).ready, 1);
    for (const QString &id : filled->created) {
        auto row = m_service->get(id);
        QVERIFY_RESULT(row);
        QCOMPARE(row->status, SandboxStatus::Running);
        QVERIFY(isPooledSandbox(*row));
    }
    if (m_e2b) {
        QCOMPARE(m_e2b->sandboxes.size(), 3);
        for (const auto &sandbox : std::as_const(m_e2b->sandboxes))
            QCOMPARE(sandbox.metadata.value(u"squad.pool"_s).toString(), sandbox.templateId);
    }
    // Full: a second fill makes nothing; the fill is audited.
    auto again = await(m_pool->refill());
    QVERIFY_RESULT(again);
    QVERIFY(again->created.isEmpty());
    QCOMPARE(pooledCount(), 3);
    const auto audited = auditOf(u"base, python"_s);
    QCOMPARE(audited.size(), 1);
    QCOMPARE(audited.first().action, u"pool.fill"_s);
    QCOMPARE(audited.first().outcome, u"ok"_s);
}

void tst_WarmPool::concurrentRefillsNeverExceedTheSize_data() { providers(); }

void tst_WarmPool::concurrentRefillsNeverExceedTheSize()
{
    QFETCH(QString, provider);
    useProvider(provider);
    WarmPoolConfig config;
    config.defaultSize = 3;
    m_pool->setConfig(config);
    // All started before any finishes.
    QList<QFuture<Result<WarmPoolReport>>> fills;
    for (int i = 0; i < 4; ++i)
        fills << m_pool->refill();
    qsizetype created = 0;
    for (const auto &fill : std::as_const(fills)) {
        auto report = await(fill);
        QVERIFY_RESULT(report);
        created += report->created.size();
    }
    QCOMPARE(created, 3);
    QCOMPARE(pooledCount(), 3);
    if (m_e2b)
        QCOMPARE(m_e2b->sandboxes.size(), 3);
    // An explicit size for one template is its own pool.
    auto bigger = await(m_pool->refill(u"base"_s, 4));
    QVERIFY_RESULT(bigger);
    QCOMPARE(bigger->created.size(), 1);
    QCOMPARE(pooledCount(), 4);
}

void tst_WarmPool::twoTakersGetDifferentSandboxes_data() { providers(); }

void tst_WarmPool::twoTakersGetDifferentSandboxes()
{
    QFETCH(QString, provider);
    useProvider(provider);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 2)));
    const auto before = m_pool->status();
    QVERIFY_RESULT(before);
    const QStringList pooledIds = before->first().ids;
    QCOMPARE(pooledIds.size(), 2);

    CreateSandboxRequest first;
    first.metadata.insert(u"squad.run"_s, u"run-one"_s);
    CreateSandboxRequest second;
    second.metadata.insert(u"squad.run"_s, u"run-two"_s);
    auto a = m_pool->take(first);
    auto b = m_pool->take(second);
    auto third = m_pool->take(second);  // nothing left for it
    auto takenA = await(a);
    auto takenB = await(b);
    auto takenC = await(third);
    QVERIFY_RESULT(takenA);
    QVERIFY_RESULT(takenB);
    QVERIFY_RESULT(takenC);
    QVERIFY(takenA->has_value());
    QVERIFY(takenB->has_value());
    QVERIFY(!takenC->has_value());
    QVERIFY((*takenA)->id != (*takenB)->id);
    QVERIFY(pooledIds.contains((*takenA)->id));
    QVERIFY(pooledIds.contains((*takenB)->id));
    // Each is labelled for its run (what a resumed run looks for) and no longer pooled.
    auto runOne = m_service->findByMetadata(u"squad.run"_s, u"run-one"_s);
    QVERIFY_RESULT(runOne);
    QCOMPARE((*runOne)->id, (*takenA)->id);
    auto runTwo = m_service->findByMetadata(u"squad.run"_s, u"run-two"_s);
    QVERIFY_RESULT(runTwo);
    QCOMPARE((*runTwo)->id, (*takenB)->id);
    QVERIFY(!isPooledSandbox(**runOne));
    QCOMPARE((*runOne)->status, SandboxStatus::Running);
    QCOMPARE(pooledCount(), 0);
    const auto audited = auditOf((*takenA)->id);
    QVERIFY(std::any_of(audited.cbegin(), audited.cend(),
                        [](const AuditEntry &e) { return e.action == u"pool.take"_s; }));
}

void tst_WarmPool::staleClaimLoses()
{
    // Two takers that read the same pooled row: the conditional write lets one through.
    useProvider(u"local"_s);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 1)));
    auto row = m_service->get(m_pool->status()->first().ids.first());
    QVERIFY_RESULT(row);
    SandboxRecord first = *row;
    first.metadata = u"{\"squad.pool\":\"base\",\"squad.run\":\"a\"}"_s;
    SandboxRecord second = *row;
    second.metadata = u"{\"squad.pool\":\"base\",\"squad.run\":\"b\"}"_s;
    auto won = m_service->relabel(first, row->metadata, u"pool.take"_s, u"a"_s);
    QVERIFY_RESULT(won);
    QVERIFY(*won);
    auto lost = m_service->relabel(second, row->metadata, u"pool.take"_s, u"b"_s);
    QVERIFY_RESULT(lost);
    QVERIFY(!*lost);
    QCOMPARE(m_service->get(row->id)->metadata, first.metadata);
}

void tst_WarmPool::takeRefills()
{
    useProvider(u"local"_s);
    WarmPoolConfig config;
    config.defaultSize = 2;
    m_pool->setConfig(config);
    QVERIFY_RESULT(await(m_pool->refill()));
    QSignalSpy refilled(m_pool.get(), &WarmPool::refilled);
    CreateSandboxRequest request;
    request.metadata.insert(u"squad.run"_s, u"run-x"_s);
    auto taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(taken->has_value());
    QTRY_COMPARE(refilled.size(), 1);
    const auto report = refilled.first().first().value<WarmPoolReport>();
    QCOMPARE(report.created.size(), 1);
    auto entries = m_pool->status();
    QVERIFY_RESULT(entries);
    QCOMPARE(entries->first().ready, 2);
    QVERIFY(!entries->first().ids.contains((*taken)->id));
}

void tst_WarmPool::emptyPoolGivesNone()
{
    useProvider(u"local"_s);
    auto taken = await(m_pool->take({}));
    QVERIFY_RESULT(taken);
    QVERIFY(!taken->has_value());
    // A pool of another template, or at another provider, is not this request's.
    QVERIFY_RESULT(await(m_pool->refill(u"python"_s, 1)));
    CreateSandboxRequest request;
    request.templateId = u"base"_s;
    taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(!taken->has_value());
    request.templateId = u"python"_s;
    request.provider = u"e2b"_s;
    taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(!taken->has_value());
    QCOMPARE(pooledCount(), 1);
}

void tst_WarmPool::deadPooledSandboxIsSkipped()
{
    useProvider(u"e2b"_s);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 2)));
    auto entries = m_pool->status();
    QVERIFY_RESULT(entries);
    // The oldest is taken first: it dies at E2B behind our back.
    const QString oldest = entries->first().ids.last();
    auto dead = m_service->get(oldest);
    QVERIFY_RESULT(dead);
    QVERIFY(m_e2b->sandboxes.remove(dead->providerId) == 1);
    CreateSandboxRequest request;
    request.metadata.insert(u"squad.run"_s, u"run-d"_s);
    auto taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(taken->has_value());
    QVERIFY((*taken)->id != oldest);
    QCOMPARE((*taken)->status, SandboxStatus::Running);
    auto closed = m_service->get(oldest);
    QVERIFY_RESULT(closed);
    QCOMPARE(closed->status, SandboxStatus::Terminated);
}

void tst_WarmPool::reconcileKeepsTheRunOfATakenSandbox()
{
    useProvider(u"e2b"_s);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 1)));
    CreateSandboxRequest request;
    request.metadata.insert(u"squad.run"_s, u"run-r"_s);
    auto taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(taken->has_value());
    // E2B keeps the metadata the sandbox was made with (squad.pool, no squad.run).
    QVERIFY_RESULT(await(m_service->reconcile(u"e2b"_s)));
    auto found = m_service->findByMetadata(u"squad.run"_s, u"run-r"_s);
    QVERIFY_RESULT(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->id, (*taken)->id);
    QVERIFY(!isPooledSandbox(**found));
    QCOMPARE(pooledCount(), 0);
}

void tst_WarmPool::drainEndsOnlyPooledUnclaimed_data() { providers(); }

void tst_WarmPool::drainEndsOnlyPooledUnclaimed()
{
    QFETCH(QString, provider);
    useProvider(provider);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 3)));
    CreateSandboxRequest request;
    request.metadata.insert(u"squad.run"_s, u"run-k"_s);
    auto taken = await(m_pool->take(request));
    QVERIFY_RESULT(taken);
    QVERIFY(taken->has_value());
    auto ordinary = await(m_service->create({}));
    QVERIFY_RESULT(ordinary);

    auto drained = await(m_pool->drain());
    QVERIFY_RESULT(drained);
    QVERIFY(drained->succeeded());
    QCOMPARE(drained->ended.size(), 2);
    QVERIFY(!drained->ended.contains((*taken)->id));
    QVERIFY(!drained->ended.contains(ordinary->id));
    for (const QString &id : drained->ended)
        QCOMPARE(m_service->get(id)->status, SandboxStatus::Terminated);
    QCOMPARE(m_service->get((*taken)->id)->status, SandboxStatus::Running);
    QCOMPARE(m_service->get(ordinary->id)->status, SandboxStatus::Running);
    QCOMPARE(pooledCount(), 0);
    if (m_e2b)
        QCOMPARE(m_e2b->sandboxes.size(), 2);
    const auto audited = auditOf(u"all"_s);
    QCOMPARE(audited.size(), 1);
    QCOMPARE(audited.first().action, u"pool.drain"_s);
    // Nothing left: a second drain does nothing.
    auto again = await(m_pool->drain());
    QVERIFY_RESULT(again);
    QVERIFY(again->ended.isEmpty());
}

void tst_WarmPool::workflowRunTakesFromThePool_data() { providers(); }

void tst_WarmPool::workflowRunTakesFromThePool()
{
    QFETCH(QString, provider);
    useProvider(provider);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 1)));
    const QString pooledId = m_pool->status()->first().ids.first();
    WorkflowServices services(*m_db, *m_service, nullptr, {});
    services.setWarmPool(m_pool.get());

    WorkflowRun run;
    run.id = u"0b6c3f1e-6a7e-4c55-9d2c-2f3c1a9e8b11"_s;
    run.inputs.templateId = u"base"_s;
    QStringList log;
    const auto logged = [&log](const QString &line) { log << line; };
    auto made = await(services.perform(WorkflowStepKind::CreateSandbox, run, logged));
    QVERIFY_RESULT(made);
    QCOMPARE(made->value(u"sandbox_id"_s).toString(), pooledId);
    QVERIFY(made->value(u"pooled"_s).toBool());
    QVERIFY(log.join(u'\n').contains(u"warm pool"_s));
    // Resumed (the step again, as after a crash): the same sandbox, found by the run's id.
    auto again = await(services.perform(WorkflowStepKind::CreateSandbox, run, logged));
    QVERIFY_RESULT(again);
    QCOMPARE(again->value(u"sandbox_id"_s).toString(), pooledId);
    QVERIFY(again->value(u"reused"_s).toBool());
    // The pool is empty now: the next run creates its own.
    WorkflowRun next = run;
    next.id = u"5d1b2c3a-0f4e-4b6a-8c7d-9e0f1a2b3c4d"_s;
    auto fresh = await(services.perform(WorkflowStepKind::CreateSandbox, next, logged));
    QVERIFY_RESULT(fresh);
    QVERIFY(fresh->value(u"sandbox_id"_s).toString() != pooledId);
    QVERIFY(!fresh->value(u"pooled"_s).toBool());
}

void tst_WarmPool::badRequestTakesNothing()
{
    useProvider(u"local"_s);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 1)));
    CreateSandboxRequest request;
    request.metadata.insert(u"not-squad"_s, u"x"_s);
    auto taken = await(m_pool->take(request));
    QVERIFY(!taken);
    QCOMPARE(taken.error().code(), ErrorCode::InvalidArgument);
    request.metadata.clear();
    request.taskId = u"11111111-2222-3333-4444-555555555555"_s;  // no such task
    taken = await(m_pool->take(request));
    QVERIFY(!taken);
    request.taskId.clear();
    request.templateId = u"bad template!"_s;
    taken = await(m_pool->take(request));
    QVERIFY(!taken);
    QCOMPARE(taken.error().code(), ErrorCode::InvalidArgument);
    QCOMPARE(pooledCount(), 1);
    QCOMPARE(m_pool->status()->first().ready, 1);
    // Bad sizes change nothing either.
    QVERIFY(!await(m_pool->refill(u"base"_s, WarmPoolConfig::MaxSize + 1)));
    QCOMPARE(pooledCount(), 1);
}

void tst_WarmPool::failedFillIsReportedAndRetried()
{
    // E2B refuses the key: nothing is made, the fill says why and is audited as failed, and
    // the next fill tries again (a sandbox in ERROR is no part of the pool).
    useProvider(u"e2b"_s, u"wrong_key"_s);
    WarmPoolConfig config;
    config.defaultSize = 1;
    m_pool->setConfig(config);
    auto first = await(m_pool->refill());
    QVERIFY_RESULT(first);
    QVERIFY(!first->succeeded());
    QVERIFY(first->created.isEmpty());
    QCOMPARE(first->errors.size(), 1);
    QVERIFY2(first->summary().contains(u"failed"_s), qPrintable(first->summary()));
    QCOMPARE(auditOf(u"base"_s).first().outcome, u"failed"_s);
    QCOMPARE(pooledCount(), 0);
    // Taking from the empty pool refills in the background, and reports the failure again.
    QSignalSpy refilled(m_pool.get(), &WarmPool::refilled);
    auto taken = await(m_pool->take({}));
    QVERIFY_RESULT(taken);
    QVERIFY(!taken->has_value());
    QTRY_COMPARE(refilled.size(), 1);
    QCOMPARE(refilled.first().first().value<WarmPoolReport>().errors.size(), 1);
    QVERIFY(m_e2b->sandboxes.isEmpty());
}

void tst_WarmPool::listWithoutMetadataKeepsThePoolMark()
{
    // The table reads 100,000 rows without their metadata, except a pooled one's: its mark.
    useProvider(u"local"_s);
    QVERIFY_RESULT(await(m_pool->refill(u"base"_s, 1)));
    CreateSandboxRequest labelled;
    labelled.metadata.insert(u"squad.run"_s, u"run-m"_s);
    auto ordinary = await(m_service->create(labelled));
    QVERIFY_RESULT(ordinary);
    SandboxFilter filter;
    filter.withMetadata = false;
    auto rows = m_service->list(filter);
    QVERIFY_RESULT(rows);
    QCOMPARE(rows->size(), 2);
    for (const SandboxRecord &row : std::as_const(*rows)) {
        if (row.id == ordinary->id)
            QVERIFY(row.metadata.isEmpty());
        else
            QVERIFY2(isPooledSandbox(row), qPrintable(row.metadata));
    }
}

void tst_WarmPool::configurationFromSettings()
{
    QSettings settings(m_home.filePath(u"pool.conf"_s), QSettings::IniFormat);
    WarmPoolConfig written;
    written.defaultTemplate = u"base"_s;
    written.defaultSize = 3;
    written.otherSizes = {{u"python"_s, 2}, {u"node"_s, 1}};
    written.keepOnExit = true;
    written.save(settings);
    qunsetenv(WarmPoolConfig::SizeEnvironmentVariable.data());
    WarmPoolConfig read = WarmPoolConfig::fromSettings(settings, u"base"_s);
    QCOMPARE(read.defaultSize, 3);
    QCOMPARE(read.otherSizes, written.otherSizes);
    QVERIFY(read.keepOnExit);
    QCOMPARE(read.sizeOf(u"python"_s), 2);
    QCOMPARE(read.sizes().size(), 3);
    // Off by default.
    QSettings empty(m_home.filePath(u"empty.conf"_s), QSettings::IniFormat);
    const WarmPoolConfig defaults = WarmPoolConfig::fromSettings(empty, u"base"_s);
    QVERIFY(!defaults.enabled());
    QVERIFY(!defaults.keepOnExit);
    // SANDBOX_POOL_SIZE, as the original system had it, sizes the default template's pool.
    qputenv(WarmPoolConfig::SizeEnvironmentVariable.data(), "5");
    QCOMPARE(WarmPoolConfig::fromSettings(empty, u"base"_s).sizeOf(u"base"_s), 5);
    qputenv(WarmPoolConfig::SizeEnvironmentVariable.data(), "lots");
    QCOMPARE(WarmPoolConfig::fromSettings(settings, u"base"_s).defaultSize, 3);
    qunsetenv(WarmPoolConfig::SizeEnvironmentVariable.data());
    // The text form of the other sizes.
    QCOMPARE(WarmPoolConfig::parseSizes(u"python=2, node=1"_s).value(), written.otherSizes);
    QVERIFY(!WarmPoolConfig::parseSizes(u"python"_s));
    QVERIFY(!WarmPoolConfig::parseSizes(u"python=-1"_s));
    QVERIFY(!WarmPoolConfig::parseSizes(u"bad template!=1"_s));
}

void tst_WarmPool::cleanupTreatsPooledByAge()
{
    // A pooled sandbox is an idle RUNNING sandbox: past the age the cleanup ends it (the pool
    // makes a new one), before it the cleanup leaves it.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    SandboxRecord old;
    old.id = u"old"_s;
    old.provider = u"e2b"_s;
    old.providerId = u"p-old"_s;
    old.status = SandboxStatus::Running;
    old.metadata = u"{\"squad.pool\":\"base\"}"_s;
    old.createdAt = old.updatedAt = now.addDays(-2);
    SandboxRecord young = old;
    young.id = u"young"_s;
    young.createdAt = young.updatedAt = now.addSecs(-600);
    const CleanupPlan plan = planCleanup(CleanupPolicy{}, {old, young}, {}, {}, now);
    QCOMPARE(plan.candidates.size(), 1);
    QCOMPARE(plan.candidates.first().id, u"old"_s);
}

QTEST_GUILESS_MAIN(tst_WarmPool)
#include "tst_warmpool.moc"
