// SPDX-License-Identifier: MIT
// The details pane over a real ConsoleBackend whose E2B is a loopback server playing E2B's
// control plane: the provider's facts among the fields, the Logs tab (entries, an error, a
// slow answer for a sandbox no longer shown), and what a local sandbox and an orphan show.
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "diffpane.h"
#include "git/diff.h"
#include "sandboxdetailspane.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;
using squad::test::scratchOptions;

namespace {

const QString ApiKey = u"e2b_00112233445566778899aabbccddeeff00112233"_s;

QString iso(const QDateTime &utc)
{
    return utc.toUTC().toString(Qt::ISODate);
}

// One sandbox of GET /v2/sandboxes (ListedSandbox).
QJsonObject listed(const QString &id, const QString &state, const QDateTime &startedAt,
                   const QDateTime &endAt, const QJsonObject &metadata = {})
{
    return {{u"sandboxID"_s, id},
            {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s},
            {u"alias"_s, u"base"_s},
            {u"clientID"_s, u"x"_s},
            {u"startedAt"_s, iso(startedAt)},
            {u"endAt"_s, iso(endAt)},
            {u"cpuCount"_s, 2},
            {u"memoryMB"_s, 1024},
            {u"diskSizeMB"_s, 2048},
            {u"state"_s, state},
            {u"envdVersion"_s, u"0.2.0"_s},
            {u"metadata"_s, metadata}};
}

QJsonObject logEntry(const QDateTime &at, const QString &level, const QString &message)
{
    return {{u"timestamp"_s, iso(at)},
            {u"level"_s, level},
            {u"message"_s, message},
            {u"fields"_s, QJsonObject()}};
}

HttpResponse logsAnswer(const QJsonArray &entries)
{
    return HttpResponse::json(200, QJsonObject{{u"logs"_s, entries}});
}

// The colour the log view gives `word` on the line that contains `marker`.
QColor colourOf(const QPlainTextEdit *view, const QString &marker, const QString &word)
{
    for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next()) {
        if (!block.text().contains(marker))
            continue;
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            if (it.fragment().text().contains(word))
                return it.fragment().charFormat().foreground().color();
        }
    }
    return {};
}

} // namespace

class tst_DetailsPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsE2bFactsAndLogs();
    void timeLeftFollowsTheClock();
    void pausedSandboxHasNoTimeLeft();
    void logsFailureShowsTheError();
    void slowLogsOfAnEarlierSandboxStayOut();
    void localSandboxShowsNoProviderFacts();
    void orphanShowsWhatItsRecordHas();
    void changesTabFollowsTheRepository();

private:
    // Creates a sandbox at the loopback E2B, lists it there with its facts, reconciles and
    // returns its row as the window would get it (from a snapshot).
    SandboxRecord createE2bSandbox(const QString &state = u"running"_s);
    SandboxRecord snapshotRecord(const QString &id);
    int logRequestsFor(const QString &providerId) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<ConsoleBackend> m_backend;
    QJsonArray m_listed;                 // what GET /v2/sandboxes answers
    QHash<QString, HttpResponse> m_logs; // GET /v2/sandboxes/{id}/logs, by provider id
    QSet<QString> m_holdLogs;            // provider ids whose log request waits in m_held
    QHash<QString, HttpResponder> m_held;
    int m_created = 0;
    QDateTime m_startedAt;
    QDateTime m_endAt;
};

void tst_DetailsPane::initTestCase()
{
    setApplicationIdentity();
}

void tst_DetailsPane::init()
{
    m_listed = {};
    m_logs.clear();
    m_holdLogs.clear();
    m_held.clear();
    m_created = 0;
    // Whole seconds: E2B's timestamps carry none below.
    const QDateTime now
        = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
    m_startedAt = now.addSecs(-5 * 60);
    m_endAt = now.addSecs(10 * 60);

    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    m_server->route("POST", u"/v2/sandboxes"_s, [this](const HttpRequest &) {
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, u"sbx-%1"_s.arg(++m_created)},
                                                   {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s},
                                                   {u"alias"_s, u"base"_s},
                                                   {u"clientID"_s, u"x"_s},
                                                   {u"envdVersion"_s, u"0.2.0"_s},
                                                   {u"envdAccessToken"_s, u"t"_s}});
    });
    m_server->route("GET", u"/v2/sandboxes"_s,
                    [this](const HttpRequest &) { return HttpResponse::json(200, m_listed); });
    m_server->route("GET", u"/v2/sandboxes/{id}/logs"_s,
                    [this](const HttpRequest &request, HttpResponder responder) {
                        const QString id = request.param(u"id"_s);
                        if (m_holdLogs.contains(id)) {
                            m_held.insert(id, responder);
                            return;
                        }
                        responder.send(m_logs.value(id, logsAnswer({})));
                    });

    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_backend = std::make_unique<ConsoleBackend>(
        scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
    QVERIFY_RESULT(await(m_backend->open()));
    const QString url = m_server->url().toString();
    QVERIFY_RESULT(await(m_backend->enableE2b({{}, url, url}, ApiKey)));
    QVERIFY(m_backend->hasE2b());
}

void tst_DetailsPane::cleanup()
{
    m_backend.reset();
    m_server.reset();
    m_dir.reset();
}

SandboxRecord tst_DetailsPane::createE2bSandbox(const QString &state)
{
    CreateSandboxRequest request;
    request.provider = u"e2b"_s;
    const auto created = await(m_backend->create(request));
    if (!created) {
        QTest::qFail(qPrintable(created.error().toString()), __FILE__, __LINE__);
        return {};
    }
    m_listed.append(listed(created->providerId, state, m_startedAt, m_endAt));
    const auto reconciled = await(m_backend->reconcile());
    if (!reconciled) {
        QTest::qFail(qPrintable(reconciled.error().toString()), __FILE__, __LINE__);
        return {};
    }
    return snapshotRecord(created->id);
}

SandboxRecord tst_DetailsPane::snapshotRecord(const QString &id)
{
    const auto snapshot = await(m_backend->loadSandboxes());
    if (!snapshot || !*snapshot) {
        QTest::qFail("no snapshot", __FILE__, __LINE__);
        return {};
    }
    for (const SandboxRecord &record : (*snapshot)->records) {
        if (record.id == id)
            return record;
    }
    QTest::qFail(qPrintable(u"%1 is not in the snapshot"_s.arg(id)), __FILE__, __LINE__);
    return {};
}

int tst_DetailsPane::logRequestsFor(const QString &providerId) const
{
    int count = 0;
    for (const HttpRequest &request : m_server->requests()) {
        if (request.path.endsWith("/logs") && request.path.contains(providerId.toUtf8()))
            ++count;
    }
    return count;
}

void tst_DetailsPane::showsE2bFactsAndLogs()
{
    const SandboxRecord record = createE2bSandbox();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(record.cpuCount, 2); // the reconcile carried E2B's facts onto the row
    const QDateTime at = m_startedAt.addSecs(1);
    m_logs.insert(record.providerId,
                  logsAnswer({logEntry(at.addSecs(2), u"error"_s, u"process exited with 137"_s),
                              logEntry(at.addSecs(1), u"warn"_s, u"disk 91% full"_s),
                              logEntry(at, u"info"_s, u"envd started"_s)}));

    SandboxDetailsPane pane(m_backend.get());
    pane.resize(520, 720);
    pane.show();
    QSignalSpy logsLoaded(&pane, &SandboxDetailsPane::logsLoaded);
    pane.showRecord(record);

    QVERIFY(pane.isFieldShown(u"state"_s));
    QCOMPARE(pane.fieldText(u"state"_s), u"Running at E2B"_s);
    QCOMPARE(pane.fieldText(u"resources"_s), u"2 vCPU · 1 GiB memory · 2 GiB disk"_s);
    // The estimate so far and, while it runs, per hour: 2 × $0.0504 + 1 × $0.0162 = $0.1170/h.
    QVERIFY2(pane.fieldText(u"cost"_s).contains(u" so far · $0.1170/h while running"_s),
             qPrintable(pane.fieldText(u"cost"_s)));
    QVERIFY(pane.isFieldShown(u"timeLeft"_s));
    QVERIFY2(QRegularExpression(u"^(9m \\d\\ds|10m 00s)$"_s)
                 .match(pane.fieldText(u"timeLeft"_s))
                 .hasMatch(),
             qPrintable(pane.fieldText(u"timeLeft"_s)));
    QVERIFY(pane.isFieldShown(u"started"_s));
    QVERIFY2(pane.fieldText(u"started"_s).contains(u"(5m ago)"_s),
             qPrintable(pane.fieldText(u"started"_s)));
    QVERIFY(pane.isFieldShown(u"endsAt"_s));
    QCOMPARE(pane.fieldText(u"endsAt"_s), m_endAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s));
    QCOMPARE(pane.fieldText(u"provider"_s), u"e2b"_s);
    QCOMPARE(pane.fieldText(u"providerId"_s), record.providerId);

    QVERIFY(logsLoaded.wait());
    QCOMPARE(logsLoaded.size(), 1);
    const QStringList lines = pane.logsView()->toPlainText().split(u'\n');
    // A day heading, then the entries oldest first, each as time, level and message.
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[0].contains(at.toLocalTime().date().toString(Qt::ISODate)),
             qPrintable(lines[0]));
    QCOMPARE(lines[1], at.toLocalTime().toString(u"HH:mm:ss.zzz"_s) + u"  INFO   envd started"_s);
    QVERIFY2(lines[2].endsWith(u"WARN   disk 91% full"_s), qPrintable(lines[2]));
    QVERIFY2(lines[3].endsWith(u"ERROR  process exited with 137"_s), qPrintable(lines[3]));
    const QColor error = colourOf(pane.logsView(), u"exited"_s, u"ERROR"_s);
    const QColor warning = colourOf(pane.logsView(), u"disk"_s, u"WARN"_s);
    const QColor info = colourOf(pane.logsView(), u"envd"_s, u"INFO"_s);
    QVERIFY2(error.red() > 2 * error.green() && error.red() > 2 * error.blue(),
             qPrintable(error.name()));
    QVERIFY2(warning.red() > warning.blue() && warning.green() > warning.blue()
                 && warning.red() > warning.green(),
             qPrintable(warning.name()));
    QCOMPARE(info, pane.palette().color(QPalette::Text));
    QVERIFY(pane.logsView()->isReadOnly());
    QVERIFY2(pane.logsStatusText().contains(u"3 entries"_s), qPrintable(pane.logsStatusText()));
    QCOMPARE(pane.tabs()->tabText(2), u"&Logs (3)"_s);
    QCOMPARE(logRequestsFor(record.providerId), 1);
    QCOMPARE(m_server->lastRequest().query.queryItemValue(u"limit"_s), u"500"_s);

    // The same row again (a refresh of the table) reads nothing; Reload reads again.
    pane.showRecord(record);
    QCOMPARE(logRequestsFor(record.providerId), 1);
    m_logs.insert(record.providerId,
                  logsAnswer({logEntry(at, u"info"_s, u"envd started"_s),
                              logEntry(at.addSecs(5), u"info"_s, u"command finished"_s)}));
    QVERIFY(pane.logsRefreshButton()->isEnabled());
    QTest::mouseClick(pane.logsRefreshButton(), Qt::LeftButton);
    QVERIFY(logsLoaded.wait());
    QVERIFY(pane.logsView()->toPlainText().contains(u"command finished"_s));
    QVERIFY(!pane.logsView()->toPlainText().contains(u"exited"_s));
    QCOMPARE(logRequestsFor(record.providerId), 2);
}

void tst_DetailsPane::timeLeftFollowsTheClock()
{
    SandboxRecord record = createE2bSandbox();
    if (QTest::currentTestFailed())
        return;
    record.endsAt = QDateTime::currentDateTimeUtc().addSecs(2);
    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    pane.showRecord(record);
    QVERIFY2(QRegularExpression(u"^[12]s$"_s).match(pane.fieldText(u"timeLeft"_s)).hasMatch(),
             qPrintable(pane.fieldText(u"timeLeft"_s)));
    // Minutes from the end it reads amber, apart from the other values.
    auto *label = pane.findChild<QLabel *>(u"timeLeftValue"_s);
    QVERIFY(label);
    QVERIFY(label->palette().color(QPalette::WindowText)
            != pane.palette().color(QPalette::WindowText));
    // The window's age timer calls refreshAges(): the time left counts down with it.
    QTRY_COMPARE_WITH_TIMEOUT((pane.refreshAges(), pane.fieldText(u"timeLeft"_s)), u"0s"_s, 5000);
}

void tst_DetailsPane::pausedSandboxHasNoTimeLeft()
{
    const SandboxRecord record = createE2bSandbox(u"paused"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(record.isPaused());
    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    pane.showRecord(record);
    QCOMPARE(pane.fieldText(u"state"_s), u"Paused at E2B"_s);
    QVERIFY2(pane.fieldText(u"cost"_s).endsWith(u"nothing while paused"_s),
             qPrintable(pane.fieldText(u"cost"_s)));
    QVERIFY2(pane.fieldText(u"timeLeft"_s).contains(u"paused"_s),
             qPrintable(pane.fieldText(u"timeLeft"_s)));
    QVERIFY(!pane.isFieldShown(u"endsAt"_s));
    QVERIFY(!pane.commandField()->isEnabled());
    QVERIFY2(pane.commandStatusText().contains(u"Resume"_s), qPrintable(pane.commandStatusText()));
}

void tst_DetailsPane::logsFailureShowsTheError()
{
    const SandboxRecord record = createE2bSandbox();
    if (QTest::currentTestFailed())
        return;
    m_logs.insert(record.providerId,
                  HttpResponse::json(
                      404, QJsonObject{{u"code"_s, 404},
                                       {u"message"_s,
                                        u"sandbox \"%1\" not found"_s.arg(record.providerId)}}));
    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    QSignalSpy logsLoaded(&pane, &SandboxDetailsPane::logsLoaded);
    pane.showRecord(record);
    QVERIFY(logsLoaded.wait());
    const QString text = pane.logsView()->toPlainText();
    QVERIFY2(text.contains(u"Reading the logs of sandbox %1 failed"_s.arg(record.providerId)),
             qPrintable(text));
    QVERIFY2(text.contains(u"not found"_s), qPrintable(text));
    const QColor colour = colourOf(pane.logsView(), u"not found"_s, u"not found"_s);
    QVERIFY2(colour.red() > 2 * colour.green(), qPrintable(colour.name()));
    QVERIFY2(pane.logsStatusText().contains(u"failed"_s), qPrintable(pane.logsStatusText()));
    QVERIFY(pane.logsRefreshButton()->isEnabled());

    // Reload after E2B recovers replaces the error with the entries.
    m_logs.insert(record.providerId,
                  logsAnswer({logEntry(m_startedAt, u"info"_s, u"envd started"_s)}));
    QTest::mouseClick(pane.logsRefreshButton(), Qt::LeftButton);
    QVERIFY(logsLoaded.wait());
    QVERIFY(pane.logsView()->toPlainText().contains(u"envd started"_s));
    QVERIFY(!pane.logsView()->toPlainText().contains(u"failed"_s));
    QVERIFY2(pane.logsStatusText().contains(u"1 entry"_s), qPrintable(pane.logsStatusText()));
}

void tst_DetailsPane::slowLogsOfAnEarlierSandboxStayOut()
{
    const SandboxRecord first = createE2bSandbox();
    const SandboxRecord second = createE2bSandbox();
    if (QTest::currentTestFailed())
        return;
    const QJsonArray firstLogs{logEntry(m_startedAt, u"info"_s, u"log of the first"_s)};
    m_logs.insert(second.providerId,
                  logsAnswer({logEntry(m_startedAt, u"info"_s, u"log of the second"_s)}));
    m_holdLogs.insert(first.providerId);

    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    QSignalSpy logsLoaded(&pane, &SandboxDetailsPane::logsLoaded);
    pane.showRecord(first);
    QTRY_VERIFY(m_held.contains(first.providerId)); // E2B has the first request, and sits on it
    pane.showRecord(second);
    QVERIFY(logsLoaded.wait());
    QVERIFY(pane.logsView()->toPlainText().contains(u"log of the second"_s));

    // Now the first answer arrives. A call of the test's own, made after it, comes back
    // after it: by then the pane has had the first answer too.
    m_holdLogs.clear();
    m_logs.insert(first.providerId, logsAnswer(firstLogs));
    m_held.find(first.providerId)->send(logsAnswer(firstLogs));
    const auto again = await(m_backend->logs(first.id));
    QVERIFY_RESULT(again);
    QCOMPARE(again->size(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(logsLoaded.size(), 1);
    QCOMPARE(pane.currentId(), second.id);
    QVERIFY2(!pane.logsView()->toPlainText().contains(u"first"_s),
             qPrintable(pane.logsView()->toPlainText()));
    QVERIFY(pane.logsView()->toPlainText().contains(u"log of the second"_s));
}

void tst_DetailsPane::localSandboxShowsNoProviderFacts()
{
    CreateSandboxRequest request;
    request.provider = u"local"_s;
    const auto created = await(m_backend->create(request));
    QVERIFY_RESULT(created);
    const SandboxRecord record = snapshotRecord(created->id);
    if (QTest::currentTestFailed())
        return;
    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    QSignalSpy auditLoaded(&pane, &SandboxDetailsPane::auditLoaded);
    pane.showRecord(record);
    for (const QString &key : {u"state"_s, u"timeLeft"_s, u"endsAt"_s, u"started"_s})
        QVERIFY2(!pane.isFieldShown(key), qPrintable(key));
    // The fields every sandbox has keep their dash while empty.
    QVERIFY(pane.isFieldShown(u"ended"_s));
    QCOMPARE(pane.fieldText(u"ended"_s), u"—"_s);
    QCOMPARE(pane.fieldText(u"provider"_s), u"local"_s);
    QCOMPARE(pane.fieldText(u"cost"_s), u"None: it runs on this machine"_s);
    QVERIFY(pane.logsView()->toPlainText().isEmpty());
    QVERIFY2(pane.logsView()->placeholderText().contains(u"E2B sandboxes"_s),
             qPrintable(pane.logsView()->placeholderText()));
    QVERIFY(!pane.logsRefreshButton()->isEnabled());
    QVERIFY(pane.commandField()->isEnabled());
    // The history comes from the database worker, which may answer before anyone waits.
    QTRY_VERIFY(auditLoaded.size() > 0);
    QCOMPARE(logRequestsFor(record.providerId), 0);
    for (const HttpRequest &seen : m_server->requests())
        QVERIFY2(!seen.path.endsWith("/logs"), seen.target.constData());
}

void tst_DetailsPane::orphanShowsWhatItsRecordHas()
{
    m_listed.append(
        listed(u"sbx-stray"_s, u"running"_s, m_startedAt, m_endAt, {{u"team"_s, u"payments"_s}}));
    QVERIFY_RESULT(await(m_backend->reconcile()));
    const SandboxRecord orphan = snapshotRecord(u"sbx-stray"_s);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(orphan.orphan);

    SandboxDetailsPane pane(m_backend.get());
    pane.show();
    QSignalSpy auditLoaded(&pane, &SandboxDetailsPane::auditLoaded);
    pane.showRecord(orphan);
    QCOMPARE(pane.fieldText(u"state"_s), u"Orphan: running at E2B with no row here"_s);
    QVERIFY(pane.isFieldShown(u"timeLeft"_s));
    QCOMPARE(pane.fieldText(u"resources"_s), u"2 vCPU · 1 GiB memory · 2 GiB disk"_s);
    QCOMPARE(auditLoaded.size(), 1);
    QCOMPARE(pane.auditView()->topLevelItemCount(), 1);
    QVERIFY2(pane.auditView()->topLevelItem(0)->text(0).contains(u"no row here"_s),
             qPrintable(pane.auditView()->topLevelItem(0)->text(0)));
    QVERIFY2(pane.logsView()->placeholderText().contains(u"adopt"_s),
             qPrintable(pane.logsView()->placeholderText()));
    QVERIFY(!pane.commandField()->isEnabled());
    QVERIFY2(pane.commandStatusText().contains(u"Adopt"_s), qPrintable(pane.commandStatusText()));

    // Calls run on the backend's worker in order: once this one is back, anything the pane had
    // asked for (a row lookup, its history) would have come back too.
    QVERIFY_RESULT(await(m_backend->auditOf(orphan.id)));
    QCoreApplication::processEvents();
    QVERIFY2(pane.fieldText(u"metadata"_s).contains(u"payments"_s),
             qPrintable(pane.fieldText(u"metadata"_s)));
    QCOMPARE(auditLoaded.size(), 1);
    QVERIFY(!pane.auditView()->topLevelItem(0)->text(0).contains(u"Could not"_s));
    QVERIFY(pane.logsView()->toPlainText().isEmpty());
    QCOMPARE(logRequestsFor(u"sbx-stray"_s), 0);
}

// Runs git in `folder` with a fixed identity and no user or system config.
static bool gitIn(const QString &folder, const QStringList &arguments)
{
    QProcess git;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"HOME"_s, folder);
    git.setProcessEnvironment(env);
    git.setWorkingDirectory(folder);
    git.start(u"git"_s, QStringList{u"-c"_s, u"user.name=Test"_s, u"-c"_s, u"user.email=test@example.com"_s,
                                    u"-c"_s, u"init.defaultBranch=main"_s} + arguments);
    return git.waitForFinished(30000) && git.exitStatus() == QProcess::NormalExit && git.exitCode() == 0;
}

static bool writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

void tst_DetailsPane::changesTabFollowsTheRepository()
{
    CreateSandboxRequest request;
    request.provider = u"local"_s;
    request.repoUrl = u"https://github.com/acme/widgets.git"_s;
    const auto created = await(m_backend->create(request));
    QVERIFY_RESULT(created);
    // The clone the agent works in, as `git clone` would have named it.
    const QString repo = m_dir->filePath(u"data/sandboxes/%1/home/widgets"_s.arg(created->providerId));
    QVERIFY(QDir().mkpath(repo));
    QVERIFY(writeText(repo + u"/README.md"_s, "# widgets\n"));
    QVERIFY(gitIn(repo, {u"init"_s, u"-q"_s}));
    QVERIFY(gitIn(repo, {u"add"_s, u"-A"_s}));
    QVERIFY(gitIn(repo, {u"commit"_s, u"-q"_s, u"-m"_s, u"first"_s}));
    const SandboxRecord record = snapshotRecord(created->id);
    if (QTest::currentTestFailed())
        return;

    SandboxDetailsPane pane(m_backend.get());
    pane.resize(600, 800);
    pane.show();
    QSignalSpy loaded(&pane, &SandboxDetailsPane::changesLoaded);
    pane.showRecord(record);
    QCOMPARE(loaded.size(), 0);  // nothing is diffed while the tab is out of sight
    pane.showChangesTab();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() > 0, 20000);
    QVERIFY2(pane.changesStatusText().startsWith(u"No changes"_s), qPrintable(pane.changesStatusText()));
    QVERIFY(pane.changesPane()->diff().files.isEmpty());

    // The agent edits a file and adds one: the tab follows by itself.
    QVERIFY(writeText(repo + u"/README.md"_s, "# widgets\n\nNow with docs.\n"));
    QVERIFY(QDir(repo).mkpath(u"src"_s));
    QVERIFY(writeText(repo + u"/src/widget.cpp"_s, "int widget() { return 42; }\n"));
    QTRY_COMPARE_WITH_TIMEOUT(pane.changesPane()->diff().files.size(), 2, 20000);
    const git::DiffFile &readme = pane.changesPane()->diff().files.at(0);
    QCOMPARE(readme.path(), u"README.md"_s);
    QCOMPARE(readme.additions, 2);
    QCOMPARE(pane.changesPane()->diff().files.at(1).status, git::FileStatus::Added);

    // The operator's place survives the next change.
    pane.changesPane()->setCurrentPath(u"src/widget.cpp"_s);
    QVERIFY(writeText(repo + u"/src/widget.cpp"_s, "int widget() { return 43; }\n"));
    QTRY_COMPARE_WITH_TIMEOUT(pane.changesPane()->diff().files.at(1).lines.size(), size_t(1), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromUtf8(pane.changesPane()->diff().files.at(1).text(
                                  pane.changesPane()->diff().files.at(1).lines.at(0))),
                              u"int widget() { return 43; }"_s, 20000);
    QCOMPARE(pane.changesPane()->currentPath(), u"src/widget.cpp"_s);
}

QTEST_MAIN(tst_DetailsPane)
#include "tst_detailspane.moc"
