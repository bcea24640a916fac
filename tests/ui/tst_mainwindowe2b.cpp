// SPDX-License-Identifier: MIT
// The main window over E2B: a real ConsoleBackend on a scratch SQLite database, set up from a
// profile's key through the vault, against a loopback E2B control plane written from the spec.
#include "e2bwindowharness.h"
#include "fakee2b.h"
#include "testsupport.h"

#include "accounts/profilestore.h"
#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "console/consolesettings.h"
#include "core/futures.h"
#include "latestmetricsfeed.h"
#include "mainwindow.h"
#include "sandboxfiltermodel.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"
#include "secrets/secretvault.h"
#include "terminatebatch.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::FakeE2b;
using squad::test::LoopbackHttpServer;

namespace {



template<class T>
T *findTopLevel(const QString &name)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->objectName() == name && widget->isVisible()) {
            if (auto *typed = qobject_cast<T *>(widget))
                return typed;
        }
    }
    return nullptr;
}

} // namespace

class tst_MainWindowE2b : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void showsStateTimeLeftAndResources();
    void extendPauseResumeTheSelection();
    void orphansAreShownAdoptedAndTerminated();
    void reconcileClosesRowsGoneAtE2b();
    void refusedKeyShowsInTheStatusBar();
    void latestSamplesFillTheUsageColumns();

private:
    void select(const QString &id);

    QTemporaryDir m_settingsDir;
    test::E2bWindowHarness m_h;
};

void tst_MainWindowE2b::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    setApplicationIdentity();
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    for (const char *name : {"E2B_API_KEY", "E2B_DOMAIN", "E2B_API_URL", "E2B_SANDBOX_URL", "E2B_DEBUG"})
        qunsetenv(name);
    qRegisterMetaType<TerminateReportDialog *>();
}

void tst_MainWindowE2b::init()
{
    ConsoleSettings().clear();
    m_h.setUp();
}

void tst_MainWindowE2b::cleanup()
{
    m_h.tearDown();
}




void tst_MainWindowE2b::select(const QString &id)
{
    QVERIFY(m_h.window->selectSandbox(id));
}


void tst_MainWindowE2b::showsStateTimeLeftAndResources()
{
    m_h.openWindow();
    if (QTest::currentTestFailed())
        return;
    const SandboxRecord created = m_h.createSandbox();
    QCOMPARE(created.provider, u"e2b"_s);
    QTRY_VERIFY(m_h.row(created.id) && m_h.row(created.id)->status == SandboxStatus::Running);
    m_h.e2b->sandboxes[created.providerId].cpuCount = 4;
    m_h.e2b->sandboxes[created.providerId].memoryMb = 2048;
    m_h.e2b->sandboxes[created.providerId].endAt = QDateTime::currentDateTimeUtc().addSecs(2 * 3600 + 90);
    m_h.refreshAndWait();

    SandboxTableModel *model = m_h.window->sandboxModel();
    const int at = model->rowOf(created.id);
    const auto text = [model, at](int column) { return model->index(at, column).data().toString(); };
    QTRY_COMPARE(text(SandboxTableModel::CpuColumn), u"4"_s);
    QCOMPARE(text(SandboxTableModel::MemoryColumn), u"2 GiB"_s);
    QVERIFY2(text(SandboxTableModel::TimeLeftColumn).startsWith(u"2h 0"_s),
             qPrintable(text(SandboxTableModel::TimeLeftColumn)));
    QCOMPARE(text(SandboxTableModel::StatusColumn), u"Running"_s);
    QVERIFY(m_h.window->e2bIndicator()->isVisible());
    QVERIFY2(m_h.window->e2bIndicator()->text().contains(u"1 live"_s),
             qPrintable(m_h.window->e2bIndicator()->text()));
    // The key never shows.
    QVERIFY(!m_h.window->e2bIndicator()->toolTip().contains(test::E2bWindowHarness::ApiKey));

    // Paused elsewhere (the E2B dashboard hides paused sandboxes): shown as paused here.
    m_h.e2b->sandboxes[created.providerId].state = u"paused"_s;
    m_h.refreshAndWait();
    QTRY_COMPARE(text(SandboxTableModel::StatusColumn), u"Paused"_s);
    QCOMPARE(text(SandboxTableModel::TimeLeftColumn), u"paused"_s);
}

void tst_MainWindowE2b::extendPauseResumeTheSelection()
{
    m_h.openWindow();
    if (QTest::currentTestFailed())
        return;
    const SandboxRecord first = m_h.createSandbox();
    const SandboxRecord second = m_h.createSandbox();
    QVERIFY(!first.providerId.isEmpty() && !second.providerId.isEmpty());
    // The future finishes on the worker; the row's own change reaches the window just after.
    QTRY_VERIFY(m_h.row(first.id) && m_h.row(first.id)->status == SandboxStatus::Running);
    QTRY_VERIFY(m_h.row(second.id) && m_h.row(second.id)->status == SandboxStatus::Running);

    // Nothing selected: nothing to do.
    m_h.window->tableView()->clearSelection();
    QTRY_VERIFY(!m_h.window->extendTimeoutAction()->isEnabled());
    m_h.window->tableView()->selectAll();
    QTRY_VERIFY(m_h.window->extendTimeoutAction()->isEnabled());
    QVERIFY(m_h.window->pauseAction()->isEnabled());
    QVERIFY(!m_h.window->resumeAction()->isEnabled());
    QVERIFY(!m_h.window->adoptAction()->isEnabled());

    QSignalSpy finished(m_h.window.get(), &MainWindow::selectionActionFinished);
    m_h.window->extendSelected(3600);
    QVERIFY(finished.wait(10000));
    for (const SandboxRecord &record : {first, second}) {
        const qint64 left = QDateTime::currentDateTimeUtc().secsTo(m_h.e2b->sandboxes[record.providerId].endAt);
        QVERIFY2(left > 3500 && left <= 3600, qPrintable(QString::number(left)));
        QCOMPARE(m_h.row(record.id)->endsAt.toSecsSinceEpoch(),
                 m_h.e2b->sandboxes[record.providerId].endAt.toSecsSinceEpoch());
    }

    // Only the first is paused; the second stays running.
    select(first.id);
    QTRY_VERIFY(m_h.window->pauseAction()->isEnabled());
    m_h.window->pauseSelected();
    QVERIFY(finished.wait(10000));
    QCOMPARE(m_h.e2b->sandboxes[first.providerId].state, u"paused"_s);
    QCOMPARE(m_h.e2b->sandboxes[second.providerId].state, u"running"_s);
    QCOMPARE(badgeOf(*m_h.row(first.id)), SandboxBadge::Paused);
    QTRY_VERIFY(m_h.window->resumeAction()->isEnabled());
    QVERIFY(!m_h.window->pauseAction()->isEnabled());
    QVERIFY(!m_h.window->runCommandAction()->isEnabled());

    m_h.window->resumeSelected();
    QVERIFY(finished.wait(10000));
    QCOMPARE(m_h.e2b->sandboxes[first.providerId].state, u"running"_s);
    QCOMPARE(badgeOf(*m_h.row(first.id)), SandboxBadge::Running);
    QTRY_VERIFY(m_h.window->pauseAction()->isEnabled());

    // A failure at E2B is reported, and the row keeps what it had.
    m_h.e2b->sandboxes.remove(second.providerId);
    select(second.id);
    QTRY_VERIFY(m_h.window->pauseAction()->isEnabled());
    m_h.window->pauseSelected();
    QVERIFY(finished.wait(10000));
    QTRY_VERIFY(m_h.window->statusBar()->currentMessage().contains(u"Pausing failed"_s));
    QCOMPARE(badgeOf(*m_h.row(second.id)), SandboxBadge::Running);
}

void tst_MainWindowE2b::orphansAreShownAdoptedAndTerminated()
{
    m_h.openWindow();
    if (QTest::currentTestFailed())
        return;
    m_h.e2b->add(u"stray-one"_s).metadata = QJsonObject{{u"owner"_s, u"ci"_s}};
    m_h.e2b->add(u"stray-two"_s).cpuCount = 8;
    m_h.refreshAndWait();

    QTRY_VERIFY(m_h.row(u"stray-one"_s) && m_h.row(u"stray-two"_s));
    QVERIFY(m_h.row(u"stray-one"_s)->orphan);
    QCOMPARE(badgeOf(*m_h.row(u"stray-two"_s)), SandboxBadge::Orphan);
    QCOMPARE(m_h.row(u"stray-two"_s)->cpuCount, 8);
    QVERIFY2(m_h.window->e2bIndicator()->text().contains(u"2 orphan"_s),
             qPrintable(m_h.window->e2bIndicator()->text()));
    // Searching for "orphan" finds them.
    m_h.window->filterModel()->setSearchText(u"orphan"_s);
    QTRY_COMPARE(m_h.window->filterModel()->rowCount(), 2);
    m_h.window->filterModel()->setSearchText(QString());

    // An orphan's log is read straight from E2B.
    m_h.e2b->sandboxes[u"stray-one"_s].logs = QJsonArray{QJsonObject{
        {u"timestamp"_s, u"2026-11-27T08:00:00Z"_s}, {u"level"_s, u"info"_s},
        {u"message"_s, u"started by ci"_s}, {u"fields"_s, QJsonObject()}}};
    auto logs = m_h.backend->logs(u"stray-one"_s);
    QTRY_VERIFY(logs.isFinished());
    QVERIFY_RESULT(logs.result());
    QCOMPARE(logs.result()->size(), 1);
    QCOMPARE(logs.result()->first().message, u"started by ci"_s);

    select(u"stray-one"_s);
    QTRY_VERIFY(m_h.window->adoptAction()->isEnabled());
    QVERIFY(!m_h.window->extendTimeoutAction()->isEnabled());
    QVERIFY(!m_h.window->runCommandAction()->isEnabled());
    QSignalSpy finished(m_h.window.get(), &MainWindow::selectionActionFinished);
    m_h.window->adoptSelected();
    QVERIFY(finished.wait(10000));
    // The orphan row gives way to a real row for the same E2B sandbox.
    QTRY_VERIFY(!m_h.row(u"stray-one"_s));
    const SandboxRecords records = m_h.window->sandboxModel()->records();
    const auto adopted = std::find_if(records.begin(), records.end(), [](const SandboxRecord &r) {
        return r.providerId == u"stray-one"_s;
    });
    QVERIFY(adopted != records.end());
    QVERIFY(!adopted->orphan);
    QCOMPARE(adopted->status, SandboxStatus::Running);
    QVERIFY(m_h.e2b->sandboxes.contains(u"stray-one"_s));  // adopting changes nothing at E2B

    // Terminating an orphan ends it at E2B.
    select(u"stray-two"_s);
    QTRY_VERIFY(m_h.window->terminateAction()->isEnabled());
    QSignalSpy reported(m_h.window.get(), &MainWindow::terminateReported);
    m_h.window->terminateAction()->trigger();
    QPointer<QMessageBox> confirmation;
    QTRY_VERIFY((confirmation = findTopLevel<QMessageBox>(u"terminateConfirmation"_s)));
    confirmation->button(QMessageBox::Yes)->click();
    QTRY_VERIFY_WITH_TIMEOUT(reported.size() == 1, 10000);
    QVERIFY(!m_h.e2b->sandboxes.contains(u"stray-two"_s));
    reported.first().first().value<TerminateReportDialog *>()->close();
    m_h.refreshAndWait();
    QTRY_VERIFY(!m_h.row(u"stray-two"_s));
    QVERIFY2(!m_h.window->e2bIndicator()->text().contains(u"orphan"_s),
             qPrintable(m_h.window->e2bIndicator()->text()));
}

void tst_MainWindowE2b::reconcileClosesRowsGoneAtE2b()
{
    m_h.openWindow();
    if (QTest::currentTestFailed())
        return;
    const SandboxRecord created = m_h.createSandbox();
    QTRY_VERIFY(m_h.row(created.id) && m_h.row(created.id)->status == SandboxStatus::Running);
    m_h.e2b->sandboxes.remove(created.providerId);  // its timeout ran out at E2B
    m_h.refreshAndWait();
    QTRY_COMPARE(m_h.row(created.id)->status, SandboxStatus::Terminated);
    QVERIFY(m_h.row(created.id)->statusDetail.contains(u"reconciling"_s));
}

void tst_MainWindowE2b::refusedKeyShowsInTheStatusBar()
{
    m_h.openWindow(u"e2b_wrong"_s);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY(m_h.window->e2bIndicator()->text().contains(u"key refused"_s));
    QVERIFY(m_h.window->e2bIndicator()->toolTip().contains(u"API key"_s));
    QVERIFY(!m_h.window->e2bIndicator()->toolTip().contains(u"e2b_wrong"_s));
}

// Each table refresh reads the latest samples of the live E2B rows (none before the rows are
// read) into the CPU % and Mem used columns; no request while there is no live E2B row.
void tst_MainWindowE2b::latestSamplesFillTheUsageColumns()
{
    m_h.openWindow();
    if (QTest::currentTestFailed())
        return;
    const auto metricsCalls = [this] { return m_h.e2b->metricsCalls.size(); };
    // No live E2B row yet: nothing asked.
    m_h.refreshAndWait();
    QCOMPARE(metricsCalls(), 0);
    auto *feed = m_h.window->findChild<LatestMetricsFeed *>();
    QVERIFY(feed);

    // A read answers with what E2B had when it was asked, and a refresh during a read is
    // queued behind it: so before each change at E2B the feed is let finish, or the next
    // answer could be an older read's.
    const SandboxRecord created = m_h.createSandbox();
    QCOMPARE(created.provider, u"e2b"_s);
    QTRY_VERIFY(!feed->isReading());
    m_h.e2b->sandboxes[created.providerId].metrics.append(test::sandboxMetric(
        QDateTime::currentDateTimeUtc(), 2, 42.0, qint64(300) << 20, qint64(1024) << 20, 0, 0));
    QSignalSpy fed(feed, &LatestMetricsFeed::refreshed);
    m_h.refreshAndWait();
    QTRY_VERIFY(fed.size() >= 1);
    QVERIFY(metricsCalls() >= 1);
    QCOMPARE(m_h.e2b->metricsCalls.last(), QStringList{created.providerId});
    SandboxTableModel *model = m_h.window->sandboxModel();
    const auto text = [model, &created](int column) {
        return model->index(model->rowOf(created.id), column).data().toString();
    };
    QCOMPARE(text(SandboxTableModel::CpuUsedColumn), u"42 %"_s);
    QCOMPARE(text(SandboxTableModel::MemoryUsedColumn), u"300 MiB"_s);

    // Asked again (several times) while a read is under way: exactly one more read follows.
    QTRY_VERIFY(!feed->isReading());
    const qsizetype before = metricsCalls();
    fed.clear();
    feed->refresh();
    QVERIFY(feed->isReading());
    feed->refresh();
    feed->refresh();
    QTRY_COMPARE(fed.size(), 2);
    QTRY_VERIFY(!feed->isReading());
    QCOMPARE(metricsCalls(), before + 2);

    // A failing call: the status bar says so, and the sample it could not read is gone.
    QTRY_VERIFY(!feed->isReading());  // the reconcile's reload may have asked once more
    m_h.e2b->metricsFailFor.insert(created.providerId);
    fed.clear();
    m_h.refreshAndWait();
    QTRY_VERIFY(fed.size() >= 1);
    QCOMPARE(text(SandboxTableModel::CpuUsedColumn), u"—"_s);
    QVERIFY2(m_h.window->statusBar()->currentMessage().contains(u"CPU and memory"_s),
             qPrintable(m_h.window->statusBar()->currentMessage()));

    // Ended: no live E2B row, no more requests.
    QTRY_VERIFY(!feed->isReading());
    m_h.e2b->metricsFailFor.clear();
    m_h.e2b->sandboxes.remove(created.providerId);
    m_h.refreshAndWait();
    QTRY_VERIFY(m_h.row(created.id) && !m_h.row(created.id)->isLive());
    QTRY_VERIFY(!feed->isReading());
    const qsizetype asked = metricsCalls();
    m_h.refreshAndWait();
    QCOMPARE(metricsCalls(), asked);
}

QTEST_MAIN(tst_MainWindowE2b)
#include "tst_mainwindowe2b.moc"
