// SPDX-License-Identifier: MIT
// The GUI's asynchronous face of the core: a worker thread over a real SQLite database and real
// local sandboxes; every result arrives on the test's (GUI) thread.
#include "fakee2b.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "store/database.h"

#include <QDir>
#include <QSet>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::waitFor;

// Gone, or a zombie that nobody is left to reap.
static bool processGone(const QString &pid)
{
    QFile stat(u"/proc/"_s + pid + u"/stat"_s);
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    return stat.readAll().contains(") Z ");
}

class tst_ConsoleBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void opensAndLoadsEmpty();
    void createArrivesOnTheCallersThread();
    void reloadOnlyWhenChanged();
    void firstPageThenEverything();
    void rowsLeaveMetadataToTheFullRecord();
    void terminateAndAudit();
    void runStreamsAndCancels();
    void failedOpenExplainsEveryLaterCall();
    void destroyingWithARunningCommandEndsIt();
    void latestMetricsInBatchesOfAHundred();

private:
    std::unique_ptr<ConsoleBackend> openBackend();
    SandboxRecord createOne(ConsoleBackend &backend);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ConsoleBackend::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ConsoleBackend::cleanup()
{
    m_dir.reset();
}

std::unique_ptr<ConsoleBackend> tst_ConsoleBackend::openBackend()
{
    auto backend = std::make_unique<ConsoleBackend>(
        squad::test::scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
    auto opened = backend->open();
    if (!waitFor(opened) || !opened.result())
        return nullptr;
    return backend;
}

SandboxRecord tst_ConsoleBackend::createOne(ConsoleBackend &backend)
{
    auto created = backend.create({});
    if (!waitFor(created) || !created.result())
        return {};
    return *created.result();
}

void tst_ConsoleBackend::opensAndLoadsEmpty()
{
    auto backend = openBackend();
    QVERIFY(backend);
    QCOMPARE(backend->databaseName(), m_dir->filePath(u"squad.db"_s));
    auto loaded = backend->loadSandboxes();
    QVERIFY(waitFor(loaded));
    QVERIFY_RESULT(loaded.result());
    QVERIFY(loaded.result()->has_value());
    QVERIFY((*loaded.result())->records.isEmpty());
    QVERIFY((*loaded.result())->complete);
}

void tst_ConsoleBackend::createArrivesOnTheCallersThread()
{
    auto backend = openBackend();
    QVERIFY(backend);
    QThread *callerThread = QThread::currentThread();
    QThread *changedOn = nullptr;
    QList<SandboxStatus> statuses;
    connect(backend.get(), &ConsoleBackend::sandboxChanged, this,
            [&](const SandboxRecord &record) {
                changedOn = QThread::currentThread();
                statuses << record.status;
            });
    QThread *resultOn = nullptr;
    auto created = backend->create({u"base"_s, {}, {}, {}, {}, {}})
                       .then(this, [&](const Result<SandboxRecord> &r) {
                           resultOn = QThread::currentThread();
                           return r;
                       });
    QVERIFY(waitFor(created));
    QVERIFY_RESULT(created.result());
    QCOMPARE(created.result()->status, SandboxStatus::Running);
    QCOMPARE(resultOn, callerThread);
    QTRY_COMPARE(statuses, (QList<SandboxStatus>{SandboxStatus::Created, SandboxStatus::Running}));
    QCOMPARE(changedOn, callerThread);
}

void tst_ConsoleBackend::reloadOnlyWhenChanged()
{
    auto backend = openBackend();
    QVERIFY(backend);
    QVERIFY(!createOne(*backend).id.isEmpty());
    auto first = backend->loadSandboxes(0, true);
    QVERIFY(waitFor(first));
    QVERIFY_RESULT(first.result());
    QVERIFY(first.result()->has_value());
    QCOMPARE((*first.result())->records.size(), 1);

    auto unchanged = backend->loadSandboxes(0, true);
    QVERIFY(waitFor(unchanged));
    QVERIFY_RESULT(unchanged.result());
    QVERIFY(!unchanged.result()->has_value());

    // A change made by another process (here: another backend on the same file) is seen.
    {
        auto other = std::make_unique<ConsoleBackend>(
            squad::test::scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
        auto opened = other->open();
        QVERIFY(waitFor(opened));
        QVERIFY(!createOne(*other).id.isEmpty());
    }
    auto changed = backend->loadSandboxes(0, true);
    QVERIFY(waitFor(changed));
    QVERIFY_RESULT(changed.result());
    QVERIFY(changed.result()->has_value());
    QCOMPARE((*changed.result())->records.size(), 2);
    QCOMPARE((*changed.result())->counts.value(SandboxStatus::Running), 2);
}

void tst_ConsoleBackend::firstPageThenEverything()
{
    auto backend = openBackend();
    QVERIFY(backend);
    for (int i = 0; i < 3; ++i)
        QVERIFY(!createOne(*backend).id.isEmpty());
    auto page = backend->loadSandboxes(2);
    QVERIFY(waitFor(page));
    QVERIFY_RESULT(page.result());
    const SandboxSnapshot snapshot = **page.result();
    QCOMPARE(snapshot.records.size(), 2);
    QVERIFY(!snapshot.complete);
    QVERIFY(snapshot.counts.isEmpty());  // counts come with the complete load
    QVERIFY(snapshot.records.at(0).createdAt >= snapshot.records.at(1).createdAt);
    auto all = backend->loadSandboxes();
    QVERIFY(waitFor(all));
    QVERIFY_RESULT(all.result());
    QCOMPARE((*all.result())->records.size(), 3);
    QCOMPARE((*all.result())->counts.value(SandboxStatus::Running), 3);
    QCOMPARE((*all.result())->counts.value(SandboxStatus::Error), 0);
}

void tst_ConsoleBackend::rowsLeaveMetadataToTheFullRecord()
{
    auto backend = openBackend();
    QVERIFY(backend);
    QList<SandboxRecord> changed;
    connect(backend.get(), &ConsoleBackend::sandboxChanged, this,
            [&](const SandboxRecord &record) { changed << record; });
    const SandboxRecord created = createOne(*backend);
    QVERIFY(!created.id.isEmpty());
    const QString metadata = u"{\"team\":\"ops\",\"ticket\":\"OPS-42\"}"_s;
    {
        DatabaseLocation location;
        location.sqlitePath = m_dir->filePath(u"squad.db"_s);
        auto other = Database::open(location);
        QVERIFY_RESULT(other);
        QVERIFY_RESULT((*other)->exec(u"UPDATE sandboxes SET metadata = ? WHERE id = ?"_s,
                                      {metadata, created.id}));
    }

    auto loaded = backend->loadSandboxes();
    QVERIFY(waitFor(loaded));
    QVERIFY_RESULT(loaded.result());
    QCOMPARE((*loaded.result())->records.size(), 1);
    QVERIFY((*loaded.result())->records.first().metadata.isEmpty());
    QTRY_VERIFY(!changed.isEmpty());
    for (const SandboxRecord &record : std::as_const(changed))
        QVERIFY(record.metadata.isEmpty());

    auto full = backend->sandbox(created.id);
    QVERIFY(waitFor(full));
    QVERIFY_RESULT(full.result());
    QCOMPARE(full.result()->metadata, metadata);
    auto missing = backend->sandbox(u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s);
    QVERIFY(waitFor(missing));
    QVERIFY_ERROR(missing.result(), ErrorCode::NotFound);
}

void tst_ConsoleBackend::terminateAndAudit()
{
    auto backend = openBackend();
    QVERIFY(backend);
    const SandboxRecord record = createOne(*backend);
    QVERIFY(!record.id.isEmpty());
    auto ended = backend->terminate(record.id);
    QVERIFY(waitFor(ended));
    QVERIFY_RESULT(ended.result());
    QCOMPARE(ended.result()->kind, TerminateOutcome::Kind::Terminated);
    auto again = backend->terminate(record.id);
    QVERIFY(waitFor(again));
    QCOMPARE(again.result()->kind, TerminateOutcome::Kind::AlreadyTerminated);

    auto audit = backend->auditOf(record.id);
    QVERIFY(waitFor(audit));
    QVERIFY_RESULT(audit.result());
    QCOMPARE(audit.result()->size(), 4);  // create started/ok, terminate ok, terminate noop
    QCOMPARE(audit.result()->first().outcome, u"noop"_s);
}

void tst_ConsoleBackend::runStreamsAndCancels()
{
    auto backend = openBackend();
    QVERIFY(backend);
    const SandboxRecord record = createOne(*backend);
    QVERIFY(!record.id.isEmpty());

    QObject owner;
    CommandRun *run = backend->run(record.id, {{u"sh"_s, u"-c"_s, u"echo hello; echo oops >&2"_s},
                                               {}, {}, 0},
                                   &owner);
    QCOMPARE(run->thread(), QThread::currentThread());
    QByteArray out, err;
    connect(run, &CommandRun::output, this, [&](CommandRun::Channel channel, const QByteArray &d) {
        (channel == CommandRun::Channel::Stdout ? out : err) += d;
    });
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(run->result()->exitCode, 0);
    QCOMPARE(out, QByteArray("hello\n"));
    QCOMPARE(err, QByteArray("oops\n"));

    CommandRun *slow = backend->run(record.id, {{u"sh"_s, u"-c"_s, u"echo started; sleep 30"_s},
                                                {}, {}, 0},
                                    &owner);
    QSignalSpy started(slow, &CommandRun::output);
    QSignalSpy slowFinished(slow, &CommandRun::finished);
    QVERIFY(started.wait(10000));
    slow->cancel();
    QVERIFY(slowFinished.wait(10000));
    QVERIFY_ERROR(slow->result(), ErrorCode::Cancelled);

    CommandRun *unknown = backend->run(u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s,
                                       {{u"true"_s}, {}, {}, 0}, &owner);
    QSignalSpy unknownFinished(unknown, &CommandRun::finished);
    QVERIFY(unknownFinished.wait(10000));
    QVERIFY_ERROR(unknown->result(), ErrorCode::NotFound);
}

void tst_ConsoleBackend::failedOpenExplainsEveryLaterCall()
{
    const QString file = m_dir->filePath(u"not-a-folder"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    ConsoleBackend backend(squad::test::scratchOptions({}, file + u"/data"_s));
    auto opened = backend.open();
    QVERIFY(waitFor(opened));
    QVERIFY(!opened.result());
    QVERIFY(opened.result().error().message().contains(file));
    QVERIFY(backend.databaseName().isEmpty());
    auto loaded = backend.loadSandboxes();
    QVERIFY(waitFor(loaded));
    QVERIFY_ERROR(loaded.result(), ErrorCode::Unavailable);
    auto created = backend.create({});
    QVERIFY(waitFor(created));
    QVERIFY_ERROR(created.result(), ErrorCode::Unavailable);
}

void tst_ConsoleBackend::destroyingWithARunningCommandEndsIt()
{
    auto backend = openBackend();
    QVERIFY(backend);
    const SandboxRecord record = createOne(*backend);
    QVERIFY(!record.id.isEmpty());
    const QString pidFile = m_dir->filePath(u"pid"_s);
    QObject owner;
    CommandRun *run = backend->run(
        record.id, {{u"sh"_s, u"-c"_s, u"echo $$ > '%1'; echo go; exec sleep 60"_s.arg(pidFile)},
                    {}, {}, 0},
        &owner);
    QSignalSpy started(run, &CommandRun::output);
    QVERIFY(started.wait(10000));
    QFile f(pidFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString pid = QString::fromUtf8(f.readAll()).trimmed();
    QVERIFY(!pid.isEmpty());
    backend.reset();  // joins the worker; the command's process group is killed
    QTRY_VERIFY(processGone(pid));
}

// More live E2B sandboxes than one call may name: asked 100 at a time, every id once; a call
// that fails loses its own ids only, and says why.
void tst_ConsoleBackend::latestMetricsInBatchesOfAHundred()
{
    auto backend = openBackend();
    QVERIFY(backend);
    using squad::test::await;
    const QString apiKey = u"e2b_0123456789abcdef0123456789abcdef"_s;
    // Not set up yet: a clear refusal, no request.
    const auto refused = await(backend->latestMetrics({u"sbx-1"_s}));
    QVERIFY(!refused);
    QCOMPARE(refused.error().code(), ErrorCode::InvalidArgument);

    squad::test::LoopbackHttpServer server;
    QVERIFY(server.isListening());
    squad::test::FakeE2b e2b(server, apiKey);
    const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-5);
    QStringList ids;
    for (int i = 0; i < 250; ++i) {
        const QString id = u"sbx-%1"_s.arg(i, 3, 10, QChar(u'0'));
        e2b.add(id).metrics.append(squad::test::sandboxMetric(at, 2, i % 100, qint64(i) << 20,
                                                              qint64(2048) << 20, 0, 0));
        ids << id;
    }
    e2b.add(u"sbx-quiet"_s);  // live, but no sample yet
    ids << u"sbx-quiet"_s << u"sbx-007"_s;  // and one named twice
    const QString url = server.url().toString();
    QVERIFY_RESULT(await(backend->enableE2b({{}, url, url}, apiKey)));

    auto latest = await(backend->latestMetrics(ids));
    QVERIFY_RESULT(latest);
    QVERIFY(latest->errors.isEmpty());
    QCOMPARE(latest->calls, 3);  // 251 distinct ids
    QCOMPARE(e2b.metricsCalls.size(), 3);
    QSet<QString> asked;
    for (const QStringList &call : std::as_const(e2b.metricsCalls)) {
        QVERIFY(call.size() <= 100);
        for (const QString &id : call) {
            QVERIFY2(!asked.contains(id), qPrintable(id));
            asked.insert(id);
        }
    }
    QCOMPARE(asked.size(), 251);
    QCOMPARE(latest->samples.size(), 250);
    QVERIFY(!latest->samples.contains(u"sbx-quiet"_s));
    QCOMPARE(latest->samples.value(u"sbx-137"_s).cpuUsedPercent, 37.0);
    QCOMPARE(latest->samples.value(u"sbx-137"_s).memoryUsedBytes, qint64(137) << 20);
    QCOMPARE(latest->samples.value(u"sbx-249"_s).memoryTotalBytes, qint64(2048) << 20);

    // The second call fails (E2B answers 500 however often it is retried): its hundred are
    // missing, the other two calls' samples are all there, and the error says what failed.
    e2b.metricsCalls.clear();
    e2b.metricsFailFor.insert(u"sbx-150"_s);
    latest = await(backend->latestMetrics(ids));
    QVERIFY_RESULT(latest);
    QCOMPARE(latest->calls, 3);
    QCOMPARE(latest->errors.size(), 1);
    QVERIFY2(latest->errors.first().toString().contains(u"metrics"_s, Qt::CaseInsensitive),
             qPrintable(latest->errors.first().toString()));
    QCOMPARE(latest->samples.size(), 150);
    QVERIFY(latest->samples.contains(u"sbx-099"_s));
    QVERIFY(!latest->samples.contains(u"sbx-150"_s));
    QVERIFY(latest->samples.contains(u"sbx-200"_s));
    for (const QStringList &call : std::as_const(e2b.metricsCalls))
        QVERIFY(call.size() <= 100);

    // Nothing to ask: no request at all.
    e2b.metricsCalls.clear();
    latest = await(backend->latestMetrics({}));
    QVERIFY_RESULT(latest);
    QCOMPARE(latest->calls, 0);
    QVERIFY(e2b.metricsCalls.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ConsoleBackend)
#include "tst_consolebackend.moc"
