// SPDX-License-Identifier: MIT
// Every case of the sandbox lifecycle, over a fake provider, on SQLite and on PostgreSQL.
#include "testsupport.h"

#include "core/futures.h"
#include "core/ids.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/sandboxstore.h"
#include "ops/cost.h"
#include "store/taskstore.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::ScratchDatabase;
using squad::test::waitFor;

namespace {

class FakeRun final : public CommandRun
{
public:
    FakeRun(int exitCode, QObject *parent)
        : CommandRun(parent)
    {
        QTimer::singleShot(0, this, [this, exitCode] {
            Q_EMIT output(Channel::Stdout, "hello\n");
            finish(CommandOutcome{exitCode, false});
        });
    }
    void cancel() override { finish(fail(ErrorCode::Cancelled, u"cancelled"_s)); }
};

ProviderSandbox providerSandbox(const QString &id, int cpus, int memoryMb, bool running = true)
{
    ProviderSandbox sandbox;
    sandbox.providerId = id;
    sandbox.templateId = u"base"_s;
    sandbox.cpuCount = cpus;
    sandbox.memoryMb = memoryMb;
    sandbox.running = running;
    return sandbox;
}

// A provider whose answers the test sets, and which records what it was asked.
class FakeProvider final : public SandboxProvider
{
public:
    QString name() const override { return u"fake"_s; }

    QFuture<Result<ProviderSandbox>> create(const SandboxSpec &spec) override
    {
        createdSpecs << spec;
        if (createError)
            return readyFuture<Result<ProviderSandbox>>(fail(*createError));
        ProviderSandbox made = providerSandbox(u"fake-"_s + spec.id.left(8), 2, 1024);
        made.templateId = spec.templateId;
        made.endsAt = QDateTime::currentDateTimeUtc().addSecs(300);
        return readyFuture<Result<ProviderSandbox>>(made);
    }
    QFuture<Result<ProviderSandbox>> get(const QString &providerId) override
    {
        for (const ProviderSandbox &sandbox : std::as_const(live)) {
            if (sandbox.providerId == providerId)
                return readyFuture<Result<ProviderSandbox>>(sandbox);
        }
        return readyFuture<Result<ProviderSandbox>>(fail(ErrorCode::NotFound, u"no"_s));
    }
    QFuture<Result<ProviderSandbox>> setTimeout(const QString &providerId, int seconds) override
    {
        controls << u"timeout %1 %2"_s.arg(providerId).arg(seconds);
        if (controlError)
            return readyFuture<Result<ProviderSandbox>>(fail(*controlError));
        ProviderSandbox sandbox = providerSandbox(providerId, 2, 1024);
        sandbox.endsAt = QDateTime::currentDateTimeUtc().addSecs(seconds);
        return readyFuture<Result<ProviderSandbox>>(sandbox);
    }
    QFuture<Result<void>> pause(const QString &providerId) override
    {
        controls << u"pause "_s + providerId;
        if (controlError)
            return readyFuture<Result<void>>(fail(*controlError));
        return readyFuture<Result<void>>({});
    }
    QFuture<Result<ProviderSandbox>> resume(const QString &providerId, int timeoutSeconds) override
    {
        controls << u"resume %1 %2"_s.arg(providerId).arg(timeoutSeconds);
        if (controlError)
            return readyFuture<Result<ProviderSandbox>>(fail(*controlError));
        return readyFuture<Result<ProviderSandbox>>(providerSandbox(providerId, 2, 1024));
    }
    QFuture<Result<QList<ProviderSandbox>>> list() override
    {
        if (listError)
            return readyFuture<Result<QList<ProviderSandbox>>>(fail(*listError));
        return readyFuture<Result<QList<ProviderSandbox>>>(live);
    }
    QFuture<Result<void>> terminate(const QString &providerId) override
    {
        terminated << providerId;
        if (terminateError)
            return readyFuture<Result<void>>(fail(*terminateError));
        return readyFuture<Result<void>>({});
    }
    CommandRun *run(const QString &providerId, const CommandSpec &spec, QObject *parent) override
    {
        ran << providerId;
        ranSpecs << spec;
        return new FakeRun(runExitCode, parent);
    }
    QFuture<Result<QByteArray>> readFile(const QString &, const QString &) override
    {
        return readyFuture<Result<QByteArray>>(QByteArray());
    }
    QFuture<Result<void>> writeFile(const QString &, const QString &, const QByteArray &) override
    {
        return readyFuture<Result<void>>({});
    }

    std::optional<Error> createError;
    std::optional<Error> terminateError;
    std::optional<Error> listError;
    std::optional<Error> controlError;
    QList<ProviderSandbox> live;  // what list() and get() report
    QStringList controls;         // timeout, pause and resume calls, in order
    int runExitCode = 0;
    QList<SandboxSpec> createdSpecs;
    QStringList terminated;
    QStringList ran;
    QList<CommandSpec> ranSpecs;
};

} // namespace

class tst_SandboxService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createRunsAndRecords();
    void createWithTaskAndAgent();
    void createFailureKeepsTheReason();
    void metadataFindsTheSandboxAgain();
    void badInputChangesNothing_data();
    void badInputChangesNothing();
    void getFindsAndRefuses();
    void runningSandboxOfTask();
    void terminateEndsIt();
    void terminateAlreadyTerminatedIsANoOp();
    void terminateUnknownIsNotFound();
    void terminateGoneAtProviderMarksTerminated();
    void terminateProviderFailureKeepsStatus();
    void terminateErrorSandboxWithoutProviderId();
    void runStampsLastUsedAndAudits();
    void runRefusesStoppedSandbox();
    void inspectNeitherStampsNorAudits();
    void reconcileClosesGoneRowsAndFindsOrphans();
    void reconcileWithAFailingListChangesNothing();
    void reconcileRecoversARowLeftCreated();
    void timeoutPauseAndResumeUpdateTheRow();
    void pausedTimeIsKeptAndNotBilled();
    void controlsRefuseWhatTheyCannotDo();
    void adoptGivesAnOrphanARow();
    void terminateOrphanEndsItAtTheProvider();

private:
    Result<SandboxRecord> createOne(const CreateSandboxRequest &request = {});
    int countRows(const QString &table);
    QList<AuditEntry> auditOf(const QString &id);

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<FakeProvider> m_provider;
    std::unique_ptr<SandboxService> m_service;
};

void tst_SandboxService::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    auto db = DatabaseLocation::parse(m_scratch->text(), m_scratch->folder())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    m_db = std::move(*db);
    m_provider = std::make_unique<FakeProvider>();
    m_service = std::make_unique<SandboxService>(*m_db);
    m_service->addProvider(m_provider.get());
}

void tst_SandboxService::cleanup()
{
    m_service.reset();
    m_provider.reset();
    m_db.reset();
    m_scratch.reset();
}

Result<SandboxRecord> tst_SandboxService::createOne(const CreateSandboxRequest &request)
{
    auto future = m_service->create(request);
    if (!waitFor(future))
        return fail(ErrorCode::Timeout, u"create did not finish"_s);
    return future.result();
}

int tst_SandboxService::countRows(const QString &table)
{
    auto query = m_db->exec(u"SELECT COUNT(*) FROM %1"_s.arg(table));
    return query && query->next() ? query->value(0).toInt() : -1;
}

QList<AuditEntry> tst_SandboxService::auditOf(const QString &id)
{
    auto entries = AuditLog(*m_db).list({id, 0});
    return entries ? *entries : QList<AuditEntry>();
}

void tst_SandboxService::createRunsAndRecords()
{
    QSignalSpy changed(m_service.get(), &SandboxService::sandboxChanged);
    auto created = createOne({u"python-3.12"_s, {}, {}, u"https://github.com/acme/widgets"_s, {}, {}});
    QVERIFY_RESULT(created);
    QCOMPARE(created->status, SandboxStatus::Running);
    QCOMPARE(created->provider, u"fake"_s);
    QCOMPARE(created->templateId, u"python-3.12"_s);
    QCOMPARE(created->providerId, u"fake-"_s + created->id.left(8));
    QCOMPARE(created->cpuCount, 2);
    QCOMPARE(created->memoryMb, 1024);
    QVERIFY(created->createdAt.isValid());
    QVERIFY(created->updatedAt >= created->createdAt);
    QVERIFY(created->lastUsedAt.isValid());
    QCOMPARE(m_provider->createdSpecs.size(), 1);
    QCOMPARE(m_provider->createdSpecs.first().repoUrl, u"https://github.com/acme/widgets"_s);

    auto stored = m_service->get(created->id);
    QVERIFY_RESULT(stored);
    QCOMPARE(*stored, *created);

    // CREATED first, then RUNNING: both seen by listeners, both audited.
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(0).at(0).value<SandboxRecord>().status, SandboxStatus::Created);
    QCOMPARE(changed.at(1).at(0).value<SandboxRecord>().status, SandboxStatus::Running);
    const auto audit = auditOf(created->id);
    QCOMPARE(audit.size(), 2);
    QCOMPARE(audit.at(0).outcome, u"ok"_s);
    QCOMPARE(audit.at(1).outcome, u"started"_s);
    QCOMPARE(audit.at(0).action, u"sandbox.create"_s);
    QVERIFY(!audit.at(0).actor.isEmpty());
}

void tst_SandboxService::createWithTaskAndAgent()
{
    const TaskStore tasks(*m_db);
    auto agent = tasks.createAgent(u"claude"_s);
    QVERIFY_RESULT(agent);
    auto task = tasks.createTask(u"upgrade deps"_s, agent->id);
    QVERIFY_RESULT(task);
    auto created = createOne({{}, task->id.toUpper(), agent->id, {}, {}, {}});
    QVERIFY_RESULT(created);
    QCOMPARE(created->taskId, task->id);
    QCOMPARE(created->agentId, agent->id);
    QCOMPARE(created->templateId, u"base"_s);
    QCOMPARE(m_provider->createdSpecs.first().metadata.value(u"squad.task_id"_s), task->id);
}

void tst_SandboxService::metadataFindsTheSandboxAgain()
{
    CreateSandboxRequest request;
    request.metadata.insert(u"squad.run"_s, u"run_1%"_s);
    auto created = createOne(request);
    QVERIFY_RESULT(created);
    QCOMPARE(m_provider->createdSpecs.first().metadata.value(u"squad.run"_s), u"run_1%"_s);
    QVERIFY_RESULT(createOne());  // another sandbox, without it

    auto found = m_service->findByMetadata(u"squad.run"_s, u"run_1%"_s);
    QVERIFY_RESULT(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->id, created->id);
    // LIKE's wildcards in the value are literal: "run_1%" does not match "runX1...".
    auto other = m_service->findByMetadata(u"squad.run"_s, u"run%"_s);
    QVERIFY_RESULT(other);
    QVERIFY(!other->has_value());

    CreateSandboxRequest foreign;
    foreign.metadata.insert(u"owner"_s, u"me"_s);
    const auto refused = createOne(foreign);
    QVERIFY_ERROR(refused, ErrorCode::InvalidArgument);
    QCOMPARE(m_provider->createdSpecs.size(), 2);  // nothing reached the provider
}

void tst_SandboxService::createFailureKeepsTheReason()
{
    m_provider->createError = Error(ErrorCode::Provider, u"template not found"_s,
                                    u"Authorization: Bearer leaked-token-123"_s);
    QSignalSpy changed(m_service.get(), &SandboxService::sandboxChanged);
    auto created = createOne();
    QVERIFY(!created);
    QVERIFY(created.error().message().contains(u"template not found"_s));
    QCOMPARE(changed.size(), 2);
    const SandboxRecord last = changed.last().at(0).value<SandboxRecord>();
    auto stored = m_service->get(last.id);
    QVERIFY_RESULT(stored);
    QCOMPARE(stored->status, SandboxStatus::Error);
    QVERIFY(stored->statusDetail.contains(u"template not found"_s));
    QVERIFY2(!stored->statusDetail.contains(u"leaked-token"_s), qPrintable(stored->statusDetail));
    const auto audit = auditOf(last.id);
    QCOMPARE(audit.first().outcome, u"failed"_s);
    QVERIFY(!audit.first().detail.contains(u"leaked-token"_s));
}

void tst_SandboxService::badInputChangesNothing_data()
{
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<QString>("taskId");
    QTest::addColumn<QString>("agentId");
    QTest::addColumn<QString>("repoUrl");
    QTest::addColumn<QString>("provider");
    QTest::addColumn<ErrorCode>("code");
    const QString unknown = u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s;
    QTest::newRow("bad template") << u"no spaces allowed"_s << QString() << QString() << QString()
                                  << QString() << ErrorCode::InvalidArgument;
    QTest::newRow("malformed task") << QString() << u"task-7"_s << QString() << QString()
                                    << QString() << ErrorCode::InvalidArgument;
    QTest::newRow("unknown task") << QString() << unknown << QString() << QString() << QString()
                                  << ErrorCode::NotFound;
    QTest::newRow("malformed agent") << QString() << QString() << u"42"_s << QString()
                                     << QString() << ErrorCode::InvalidArgument;
    QTest::newRow("unknown agent") << QString() << QString() << unknown << QString() << QString()
                                   << ErrorCode::NotFound;
    QTest::newRow("repo with token")
        << QString() << QString() << QString()
        << u"https://user:ghp_abcdefghijklmnopqrstuvwxyz@github.com/a/b"_s << QString()
        << ErrorCode::InvalidArgument;
    QTest::newRow("not a repo") << QString() << QString() << QString() << u"ftp://x/y"_s
                                << QString() << ErrorCode::InvalidArgument;
    QTest::newRow("unknown provider") << QString() << QString() << QString() << QString()
                                      << u"azure"_s << ErrorCode::InvalidArgument;
}

void tst_SandboxService::badInputChangesNothing()
{
    QFETCH(QString, templateId);
    QFETCH(QString, taskId);
    QFETCH(QString, agentId);
    QFETCH(QString, repoUrl);
    QFETCH(QString, provider);
    QFETCH(ErrorCode, code);
    QSignalSpy changed(m_service.get(), &SandboxService::sandboxChanged);
    auto created = createOne({templateId, taskId, agentId, repoUrl, provider, {}});
    QVERIFY(!created);
    QCOMPARE(created.error().code(), code);
    QVERIFY(!created.error().message().contains(u"ghp_"_s));
    QCOMPARE(countRows(u"sandboxes"_s), 0);
    QCOMPARE(countRows(u"audit_log"_s), 0);
    QCOMPARE(changed.size(), 0);
    QVERIFY(m_provider->createdSpecs.isEmpty());
}

void tst_SandboxService::getFindsAndRefuses()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    QVERIFY_RESULT(m_service->get(created->id));
    QVERIFY_ERROR(m_service->get(newId()), ErrorCode::NotFound);
    QVERIFY_ERROR(m_service->get(u"not-an-id"_s), ErrorCode::InvalidArgument);
}

void tst_SandboxService::runningSandboxOfTask()
{
    auto task = TaskStore(*m_db).createTask(u"t"_s);
    QVERIFY_RESULT(task);
    auto none = m_service->runningForTask(task->id);
    QVERIFY_RESULT(none);
    QVERIFY(!none->has_value());

    auto first = createOne({{}, task->id, {}, {}, {}, {}});
    QVERIFY_RESULT(first);
    auto found = m_service->runningForTask(task->id);
    QVERIFY_RESULT(found);
    QVERIFY(found->has_value());
    QCOMPARE((*found)->id, first->id);

    auto terminated = m_service->terminate(first->id);
    QVERIFY(waitFor(terminated));
    QVERIFY_RESULT(terminated.result());
    auto afterwards = m_service->runningForTask(task->id);
    QVERIFY_RESULT(afterwards);
    QVERIFY(!afterwards->has_value());
    QVERIFY_ERROR(m_service->runningForTask(u"nope"_s), ErrorCode::InvalidArgument);
}

void tst_SandboxService::terminateEndsIt()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    auto future = m_service->terminate(created->id);
    QVERIFY(waitFor(future));
    const auto outcome = future.result();
    QVERIFY_RESULT(outcome);
    QCOMPARE(outcome->kind, TerminateOutcome::Kind::Terminated);
    QCOMPARE(m_provider->terminated, QStringList{created->providerId});
    auto stored = m_service->get(created->id);
    QVERIFY_RESULT(stored);
    QCOMPARE(stored->status, SandboxStatus::Terminated);
    QVERIFY(stored->endedAt.isValid());
    QVERIFY(stored->updatedAt >= created->updatedAt);
    const auto audit = auditOf(created->id);
    QCOMPARE(audit.first().action, u"sandbox.terminate"_s);
    QCOMPARE(audit.first().outcome, u"ok"_s);
}

void tst_SandboxService::terminateAlreadyTerminatedIsANoOp()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    auto first = m_service->terminate(created->id);
    QVERIFY(waitFor(first));
    QVERIFY_RESULT(first.result());
    const auto before = m_service->get(created->id);

    auto second = m_service->terminate(created->id);
    QVERIFY(waitFor(second));
    const auto outcome = second.result();
    QVERIFY_RESULT(outcome);
    QCOMPARE(outcome->kind, TerminateOutcome::Kind::AlreadyTerminated);
    QVERIFY(outcome->message.contains(u"already terminated"_s));
    QCOMPARE(m_provider->terminated.size(), 1);  // the provider was not asked again
    QCOMPARE(*m_service->get(created->id), *before);
    QCOMPARE(auditOf(created->id).first().outcome, u"noop"_s);
}

void tst_SandboxService::terminateUnknownIsNotFound()
{
    auto future = m_service->terminate(newId());
    QVERIFY(waitFor(future));
    QVERIFY_ERROR(future.result(), ErrorCode::NotFound);
    auto malformed = m_service->terminate(u"x"_s);
    QVERIFY(waitFor(malformed));
    QVERIFY_ERROR(malformed.result(), ErrorCode::InvalidArgument);
    QCOMPARE(countRows(u"audit_log"_s), 0);
    QVERIFY(m_provider->terminated.isEmpty());
}

void tst_SandboxService::terminateGoneAtProviderMarksTerminated()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    m_provider->terminateError = Error(ErrorCode::NotFound, u"sandbox not found"_s);
    auto future = m_service->terminate(created->id);
    QVERIFY(waitFor(future));
    const auto outcome = future.result();
    QVERIFY_RESULT(outcome);
    QCOMPARE(outcome->kind, TerminateOutcome::Kind::GoneAtProvider);
    QCOMPARE(m_service->get(created->id)->status, SandboxStatus::Terminated);
}

void tst_SandboxService::terminateProviderFailureKeepsStatus()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    m_provider->terminateError = Error(ErrorCode::Unavailable, u"E2B is down (503)"_s);
    auto future = m_service->terminate(created->id);
    QVERIFY(waitFor(future));
    const auto outcome = future.result();
    QVERIFY_ERROR(outcome, ErrorCode::Unavailable);
    QVERIFY(outcome.error().message().contains(u"503"_s));
    QCOMPARE(m_service->get(created->id)->status, SandboxStatus::Running);
    QCOMPARE(auditOf(created->id).first().outcome, u"failed"_s);
}

void tst_SandboxService::terminateErrorSandboxWithoutProviderId()
{
    m_provider->createError = Error(ErrorCode::Provider, u"quota exceeded"_s);
    QSignalSpy changed(m_service.get(), &SandboxService::sandboxChanged);
    QVERIFY(!createOne());
    const QString id = changed.last().at(0).value<SandboxRecord>().id;
    QCOMPARE(m_service->get(id)->status, SandboxStatus::Error);

    auto future = m_service->terminate(id);
    QVERIFY(waitFor(future));
    QVERIFY_RESULT(future.result());
    QCOMPARE(m_service->get(id)->status, SandboxStatus::Terminated);
    QVERIFY(m_provider->terminated.isEmpty());
}

void tst_SandboxService::runStampsLastUsedAndAudits()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    m_provider->runExitCode = 3;
    CommandSpec spec;
    spec.argv = {u"git"_s, u"status"_s, u"--token=ghp_abcdefghijklmnopqrstuvwxyz"_s};
    QObject owner;
    CommandRun *run = m_service->run(created->id, spec, &owner);
    QSignalSpy output(run, &CommandRun::output);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait());
    QVERIFY_RESULT(run->result());
    QCOMPARE(run->result()->exitCode, 3);
    QCOMPARE(output.size(), 1);
    QCOMPARE(m_provider->ran, QStringList{created->providerId});

    auto stored = m_service->get(created->id);
    QVERIFY_RESULT(stored);
    QVERIFY(stored->lastUsedAt >= created->lastUsedAt);
    QVERIFY(stored->updatedAt >= created->updatedAt);
    const auto audit = auditOf(created->id);
    QCOMPARE(audit.first().action, u"sandbox.exec"_s);
    QCOMPARE(audit.first().outcome, u"failed"_s);
    QVERIFY(audit.first().detail.contains(u"exit 3"_s));
    QVERIFY2(!audit.first().detail.contains(u"ghp_"_s), qPrintable(audit.first().detail));
}

void tst_SandboxService::inspectNeitherStampsNorAudits()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    const SandboxRecord before = *m_service->get(created->id);
    const int auditRows = int(auditOf(created->id).size());
    QObject owner;
    CommandRun *run = m_service->inspect(created->id, {{u"git"_s, u"diff"_s}, {}, {}, 0}, &owner);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait());
    QVERIFY_RESULT(run->result());
    QCOMPARE(m_provider->ran, QStringList{created->providerId});
    QCOMPARE(*m_service->get(created->id), before);
    QCOMPARE(int(auditOf(created->id).size()), auditRows);

    // Its refusals are run()'s.
    auto terminated = m_service->terminate(created->id);
    QVERIFY(waitFor(terminated));
    CommandRun *stopped = m_service->inspect(created->id, {{u"git"_s, u"diff"_s}, {}, {}, 0}, &owner);
    QSignalSpy stoppedFinished(stopped, &CommandRun::finished);
    QVERIFY(stoppedFinished.wait());
    QVERIFY_ERROR(stopped->result(), ErrorCode::Conflict);
}

void tst_SandboxService::runRefusesStoppedSandbox()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    auto terminated = m_service->terminate(created->id);
    QVERIFY(waitFor(terminated));
    QObject owner;
    CommandRun *run = m_service->run(created->id, {{u"true"_s}, {}, {}, 0}, &owner);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait());
    QVERIFY_ERROR(run->result(), ErrorCode::Conflict);
    QVERIFY(m_provider->ran.isEmpty());

    CommandRun *unknown = m_service->run(newId(), {{u"true"_s}, {}, {}, 0}, &owner);
    QSignalSpy unknownFinished(unknown, &CommandRun::finished);
    QVERIFY(unknownFinished.wait());
    QVERIFY_ERROR(unknown->result(), ErrorCode::NotFound);
}

void tst_SandboxService::reconcileClosesGoneRowsAndFindsOrphans()
{
    auto alive = createOne();
    auto paused = createOne();
    auto gone = createOne();
    auto ended = createOne();
    QVERIFY_RESULT(alive);
    QVERIFY_RESULT(paused);
    QVERIFY_RESULT(gone);
    QVERIFY_RESULT(ended);
    auto terminated = m_service->terminate(ended->id);
    QVERIFY(waitFor(terminated));
    QVERIFY_RESULT(terminated.result());

    m_provider->live = {providerSandbox(alive->providerId, 2, 1024),
                        providerSandbox(paused->providerId, 2, 1024, false),
                        providerSandbox(u"made-elsewhere"_s, 1, 512)};
    m_provider->live[0].endsAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    QSignalSpy changed(m_service.get(), &SandboxService::sandboxChanged);
    auto reconciling = m_service->reconcile(u"fake"_s);
    QVERIFY(waitFor(reconciling));
    const Result<ReconcileReport> report = reconciling.result();
    QVERIFY_RESULT(report);
    QCOMPARE(report->live, 3);
    QCOMPARE(report->closed.size(), 1);
    QCOMPARE(report->closed.first().id, gone->id);
    QCOMPARE(report->orphans.size(), 1);
    QCOMPARE(report->orphans.first().providerId, u"made-elsewhere"_s);
    QCOMPARE(report->paused, QStringList{paused->id});
    // The gone row closed; the paused one and the one with a new end time took the facts.
    QCOMPARE(changed.size(), 3);
    QCOMPARE(m_service->get(paused->id)->providerState, ProviderState::Paused);
    QCOMPARE(m_service->get(alive->id)->endsAt.toSecsSinceEpoch(),
             m_provider->live[0].endsAt.toSecsSinceEpoch());

    auto closed = m_service->get(gone->id);
    QVERIFY_RESULT(closed);
    QCOMPARE(closed->status, SandboxStatus::Terminated);
    QVERIFY(closed->endedAt.isValid());
    QVERIFY(closed->statusDetail.contains(u"reconciling"_s));
    QCOMPARE(m_service->get(alive->id)->status, SandboxStatus::Running);
    QCOMPARE(m_service->get(paused->id)->status, SandboxStatus::Running);
    const QList<AuditEntry> audit = auditOf(gone->id);
    QVERIFY(std::any_of(audit.begin(), audit.end(), [](const AuditEntry &entry) {
        return entry.action == u"sandbox.reconcile"_s && entry.outcome == u"terminated"_s;
    }));

    // Again: nothing left to close.
    auto again = m_service->reconcile(u"fake"_s);
    QVERIFY(waitFor(again));
    QVERIFY_RESULT(again.result());
    QVERIFY(again.result()->closed.isEmpty());
    QCOMPARE(changed.size(), 3);
}

void tst_SandboxService::reconcileWithAFailingListChangesNothing()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    m_provider->listError = Error(ErrorCode::Unavailable, u"E2B could not be reached"_s);
    auto reconciling = m_service->reconcile(u"fake"_s);
    QVERIFY(waitFor(reconciling));
    QVERIFY_ERROR(reconciling.result(), ErrorCode::Unavailable);
    QCOMPARE(m_service->get(created->id)->status, SandboxStatus::Running);
    auto unknown = m_service->reconcile(u"nowhere"_s);
    QVERIFY(waitFor(unknown));
    QVERIFY_ERROR(unknown.result(), ErrorCode::InvalidArgument);
}

void tst_SandboxService::reconcileRecoversARowLeftCreated()
{
    // A crash after the provider made the sandbox but before the row said so.
    SandboxRecord interrupted;
    interrupted.id = newId();
    interrupted.provider = u"fake"_s;
    interrupted.templateId = u"base"_s;
    interrupted.status = SandboxStatus::Created;
    interrupted.metadata = u"{}"_s;
    interrupted.createdAt = interrupted.updatedAt = QDateTime::currentDateTimeUtc();
    QVERIFY_RESULT(SandboxStore(*m_db).insert(interrupted));
    ProviderSandbox made = providerSandbox(u"made-for-it"_s, 2, 1024);
    made.metadata.insert(u"squad.sandbox_id"_s, interrupted.id);
    m_provider->live = {made};

    auto reconciling = m_service->reconcile(u"fake"_s);
    QVERIFY(waitFor(reconciling));
    QVERIFY_RESULT(reconciling.result());
    QVERIFY(reconciling.result()->orphans.isEmpty());
    QCOMPARE(reconciling.result()->recovered.size(), 1);
    const SandboxRecord row = *m_service->get(interrupted.id);
    QCOMPARE(row.status, SandboxStatus::Running);
    QCOMPARE(row.providerId, u"made-for-it"_s);
    QCOMPARE(auditOf(interrupted.id).first().outcome, u"recovered"_s);
}

void tst_SandboxService::timeoutPauseAndResumeUpdateTheRow()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    QCOMPARE(created->providerState, ProviderState::Running);
    QVERIFY(created->endsAt.isValid());

    auto extended = m_service->setTimeout(created->id, 3600);
    QVERIFY(waitFor(extended));
    QVERIFY_RESULT(extended.result());
    QVERIFY(extended.result()->endsAt > QDateTime::currentDateTimeUtc().addSecs(3500));
    QCOMPARE(m_service->get(created->id)->endsAt, extended.result()->endsAt);

    auto paused = m_service->pause(created->id);
    QVERIFY(waitFor(paused));
    QVERIFY_RESULT(paused.result());
    QCOMPARE(m_service->get(created->id)->providerState, ProviderState::Paused);
    QCOMPARE(m_service->get(created->id)->status, SandboxStatus::Running);
    auto again = m_service->pause(created->id);
    QVERIFY(waitFor(again));
    QVERIFY_ERROR(again.result(), ErrorCode::AlreadyDone);

    auto resumed = m_service->resume(created->id, 600);
    QVERIFY(waitFor(resumed));
    QVERIFY_RESULT(resumed.result());
    QCOMPARE(m_service->get(created->id)->providerState, ProviderState::Running);

    const QString pid = created->providerId;
    QCOMPARE(m_provider->controls, (QStringList{u"timeout %1 3600"_s.arg(pid), u"pause "_s + pid,
                                                u"resume %1 600"_s.arg(pid)}));
    QStringList actions;
    for (const AuditEntry &entry : auditOf(created->id))
        actions << entry.action + u' ' + entry.outcome;
    for (const QString &expected : {u"sandbox.timeout ok"_s, u"sandbox.pause ok"_s, u"sandbox.resume ok"_s})
        QVERIFY2(actions.contains(expected), qPrintable(actions.join(u", "_s)));
}

void tst_SandboxService::pausedTimeIsKeptAndNotBilled()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    QCOMPARE(created->pausedSeconds, 0);
    QVERIFY(created->pausedAt.isNull());

    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    auto paused = m_service->pause(created->id);
    QVERIFY(waitFor(paused));
    QVERIFY_RESULT(paused.result());
    SandboxRecord row = *m_service->get(created->id);
    QVERIFY(row.pausedAt.isValid());
    QVERIFY(row.pausedAt >= before);
    QCOMPARE(row.pausedSeconds, 0);
    QVERIFY(!isBilledNow(row));

    // The pause began two minutes ago (written as if it had): resuming adds its length.
    row.pausedAt = QDateTime::currentDateTimeUtc().addSecs(-120);
    QVERIFY_RESULT(SandboxStore(*m_db).update(row));
    auto resumed = m_service->resume(created->id, 600);
    QVERIFY(waitFor(resumed));
    QVERIFY_RESULT(resumed.result());
    row = *m_service->get(created->id);
    QVERIFY(row.pausedAt.isNull());
    QVERIFY2(row.pausedSeconds >= 120 && row.pausedSeconds < 180,
             qPrintable(QString::number(row.pausedSeconds)));
    QVERIFY(isBilledNow(row));

    // A second pause, found by reconciling (paused elsewhere), starts a new one and keeps the
    // seconds already over.
    m_provider->live = {providerSandbox(created->providerId, 2, 1024, false)};
    auto reconciling = m_service->reconcile(u"fake"_s);
    QVERIFY(waitFor(reconciling));
    QVERIFY_RESULT(reconciling.result());
    const SandboxRecord again = *m_service->get(created->id);
    QCOMPARE(again.providerState, ProviderState::Paused);
    QVERIFY(again.pausedAt.isValid());
    QCOMPARE(again.pausedSeconds, row.pausedSeconds);
}

void tst_SandboxService::controlsRefuseWhatTheyCannotDo()
{
    auto created = createOne();
    QVERIFY_RESULT(created);
    const SandboxRecord before = *m_service->get(created->id);

    auto zero = m_service->setTimeout(created->id, 0);
    QVERIFY(waitFor(zero));
    QVERIFY_ERROR(zero.result(), ErrorCode::InvalidArgument);

    m_provider->controlError = Error(ErrorCode::Conflict, u"the sandbox is busy"_s);
    auto busy = m_service->pause(created->id);
    QVERIFY(waitFor(busy));
    QVERIFY_ERROR(busy.result(), ErrorCode::Conflict);
    QCOMPARE(*m_service->get(created->id), before);
    m_provider->controlError.reset();

    auto unknown = m_service->setTimeout(newId(), 60);
    QVERIFY(waitFor(unknown));
    QVERIFY_ERROR(unknown.result(), ErrorCode::NotFound);

    auto terminated = m_service->terminate(created->id);
    QVERIFY(waitFor(terminated));
    auto ended = m_service->resume(created->id);
    QVERIFY(waitFor(ended));
    QVERIFY_ERROR(ended.result(), ErrorCode::Conflict);
    QCOMPARE(m_provider->controls, QStringList{u"pause "_s + created->providerId});
}

void tst_SandboxService::adoptGivesAnOrphanARow()
{
    ProviderSandbox orphan = providerSandbox(u"made-elsewhere"_s, 4, 2048);
    orphan.metadata.insert(u"owner"_s, u"ci"_s);
    orphan.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    m_provider->live = {orphan};
    const SandboxRecord shown = SandboxService::orphanRecord(u"fake"_s, orphan);
    QVERIFY(shown.orphan);
    QCOMPARE(shown.id, u"made-elsewhere"_s);
    QCOMPARE(shown.cpuCount, 4);

    const int rowsBefore = countRows(u"sandboxes"_s);
    auto adopted = m_service->adopt(u"fake"_s, u"made-elsewhere"_s);
    QVERIFY(waitFor(adopted));
    QVERIFY_RESULT(adopted.result());
    const SandboxRecord record = *adopted.result();
    QVERIFY(!record.orphan);
    QCOMPARE(record.providerId, u"made-elsewhere"_s);
    QCOMPARE(record.status, SandboxStatus::Running);
    QCOMPARE(record.memoryMb, 2048);
    QCOMPARE(record.metadata, u"{\"owner\":\"ci\"}"_s);
    QCOMPARE(countRows(u"sandboxes"_s), rowsBefore + 1);
    QCOMPARE(auditOf(record.id).first().action, u"sandbox.adopt"_s);

    // It has a row now: neither adopted twice nor ended as an orphan.
    auto twice = m_service->adopt(u"fake"_s, u"made-elsewhere"_s);
    QVERIFY(waitFor(twice));
    QVERIFY_ERROR(twice.result(), ErrorCode::Conflict);
    auto asOrphan = m_service->terminateOrphan(u"fake"_s, u"made-elsewhere"_s);
    QVERIFY(waitFor(asOrphan));
    QVERIFY_ERROR(asOrphan.result(), ErrorCode::Conflict);
    QVERIFY(m_provider->terminated.isEmpty());
    QCOMPARE(countRows(u"sandboxes"_s), rowsBefore + 1);

    auto missing = m_service->adopt(u"fake"_s, u"never-was"_s);
    QVERIFY(waitFor(missing));
    QVERIFY_ERROR(missing.result(), ErrorCode::NotFound);
    QCOMPARE(countRows(u"sandboxes"_s), rowsBefore + 1);
}

void tst_SandboxService::terminateOrphanEndsItAtTheProvider()
{
    const int rowsBefore = countRows(u"sandboxes"_s);
    auto ended = m_service->terminateOrphan(u"fake"_s, u"stray"_s);
    QVERIFY(waitFor(ended));
    QVERIFY_RESULT(ended.result());
    QCOMPARE(m_provider->terminated, QStringList{u"stray"_s});
    QCOMPARE(auditOf(u"stray"_s).first().action, u"sandbox.orphan.terminate"_s);
    QCOMPARE(countRows(u"sandboxes"_s), rowsBefore);

    m_provider->terminateError = Error(ErrorCode::NotFound, u"gone"_s);
    auto gone = m_service->terminateOrphan(u"fake"_s, u"stray"_s);
    QVERIFY(waitFor(gone));
    QVERIFY_RESULT(gone.result());

    m_provider->terminateError = Error(ErrorCode::Unavailable, u"E2B could not be reached"_s);
    auto failed = m_service->terminateOrphan(u"fake"_s, u"stray"_s);
    QVERIFY(waitFor(failed));
    QVERIFY_ERROR(failed.result(), ErrorCode::Unavailable);
    QCOMPARE(auditOf(u"stray"_s).first().outcome, u"failed"_s);
}

QTEST_GUILESS_MAIN(tst_SandboxService)
#include "tst_sandboxservice.moc"
