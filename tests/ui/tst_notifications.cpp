// SPDX-License-Identifier: MIT
// Notifications and time-outs in the main window, on a real ConsoleBackend (scratch SQLite):
// the time-out bar against the loopback E2B (the local provider has no time-outs) — shown when
// a sandbox's end comes within the window, Extend by 1 Hour through the backend, re-armed by a
// new deadline, dismissed, turned off by the Preferences; the tray's tooltip (running count and
// burn rate) and menu; one notification each for a workflow run that succeeds or fails (local
// sandboxes, a local bare repository, FakeGitHub) and for a cleanup. Notifications are observed
// through Notifier::notified, so none of this needs a system tray (offscreen has none).
#include "e2bwindowharness.h"
#include "fakee2b.h"
#include "fakegithub.h"
#include "testsupport.h"

#include "accounts/profilestore.h"
#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "console/consolesettings.h"
#include "core/futures.h"
#include "mainwindow.h"
#include "notificationsettings.h"
#include "notifier.h"
#include "ops/cost.h"
#include "sandboxtablemodel.h"
#include "secrets/secretvault.h"
#include "settingsdialog.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "store/sandboxstore.h"
#include "timeoutwarner.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeE2b;
using squad::test::FakeGitHub;
using squad::test::LoopbackHttpServer;

namespace {

const QString Token = u"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"_s;
const QString Repo = u"octo/app"_s;
constexpr int StepMs = 30000;


struct Seen
{
    QString title;
    QString body;
    Notifier::Kind kind;
};

QList<Seen> seen(const QSignalSpy &spy)
{
    QList<Seen> all;
    for (const QList<QVariant> &args : spy)
        all << Seen{args.at(0).toString(), args.at(1).toString(),
                    args.at(2).value<Notifier::Kind>()};
    return all;
}

int countOf(const QSignalSpy &spy, Notifier::Kind kind)
{
    int n = 0;
    for (const Seen &s : seen(spy))
        n += s.kind == kind ? 1 : 0;
    return n;
}

} // namespace

class tst_Notifications : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void warningText_data();
    void warningText();
    void settingsRoundTrip();

    void timeoutBarExtendsByAnHour();
    void timeoutWarningOffInPreferences();
    void trayTooltipAndMenu();
    void workflowRunsNotifyOnceEach();
    void cleanupNotifiesOnce();

private:
    QString bareRepo() const { return m_h.dir->filePath(u"remote/app.git"_s); }

    QTemporaryDir m_settingsDir;
    // The window over the loopback E2B; the notifier and the warner are made after the first
    // paint, not before.
    void openWindow();

    test::E2bWindowHarness m_h;
};

void tst_Notifications::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    setApplicationIdentity();
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    for (const char *name : {"E2B_API_KEY", "E2B_DOMAIN", "E2B_API_URL", "E2B_SANDBOX_URL",
                             "E2B_DEBUG", "SANDBOX_CLEANUP_AGE_HOURS"})
        qunsetenv(name);
    qRegisterMetaType<Notifier::Kind>();
}

void tst_Notifications::init()
{
    ConsoleSettings().clear();
    m_h.setUp();
}

void tst_Notifications::cleanup()
{
    m_h.tearDown();
}





void tst_Notifications::openWindow()
{
    m_h.openWindow(test::E2bWindowHarness::ApiKey,
                   [](MainWindow &window) { QVERIFY(!window.notifier()); });
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_h.window->notifier());
    QVERIFY(m_h.window->timeoutWarner());
}

// --- pure pieces -------------------------------------------------------------------------------

void tst_Notifications::warningText_data()
{
    QTest::addColumn<QList<qint64>>("secondsLeft");
    QTest::addColumn<QString>("text");
    QTest::newRow("one, 4 min") << QList<qint64>{4 * 60} << u"Sandbox s0 ends in 4 min"_s;
    QTest::newRow("one, 3 min 10 s") << QList<qint64>{190} << u"Sandbox s0 ends in 4 min"_s;
    QTest::newRow("one, 40 s") << QList<qint64>{40} << u"Sandbox s0 ends in less than a minute"_s;
    QTest::newRow("three") << QList<qint64>{60, 200, 290} << u"3 sandboxes end within 5 minutes"_s;
    QTest::newRow("two, soon") << QList<qint64>{10, 50} << u"2 sandboxes end within a minute"_s;
}

void tst_Notifications::warningText()
{
    QFETCH(QList<qint64>, secondsLeft);
    QFETCH(QString, text);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<TimeoutWarning> warnings;
    for (const qint64 left : secondsLeft)
        warnings << TimeoutWarning{u"s%1"_s.arg(warnings.size()), now.addSecs(left)};
    QCOMPARE(TimeoutWarner::warningText(warnings, now), text);
}

void tst_Notifications::settingsRoundTrip()
{
    // Defaults: warn 5 minutes before, a tray icon, every notification.
    const NotificationSettings defaults = NotificationSettings::read(*m_h.accounts);
    QCOMPARE(defaults, NotificationSettings());
    QCOMPARE(defaults.timeoutWarningMinutes, 5);
    QVERIFY(defaults.showTrayIcon && defaults.notifyRuns && defaults.notifyCleanup
            && defaults.notifyTimeouts);

    NotificationSettingsBox box;
    box.load(*m_h.accounts);
    QVERIFY(!box.isDirty());
    QCOMPARE(box.findChild<QSpinBox *>(u"timeoutWarningSpin"_s)->value(), 5);
    QSignalSpy edited(&box, &NotificationSettingsBox::edited);
    box.findChild<QSpinBox *>(u"timeoutWarningSpin"_s)->setValue(10);
    box.findChild<QCheckBox *>(u"notifyCleanupCheck"_s)->setChecked(false);
    QCOMPARE(edited.size(), 2);
    QVERIFY(box.isDirty());
    QVERIFY(box.save(*m_h.accounts));
    QVERIFY(!box.isDirty());
    QVERIFY(!box.save(*m_h.accounts)); // nothing new
    QCOMPARE(m_h.accounts->value(u"notifications/timeoutWarningMinutes"_s).toInt(), 10);
    QCOMPARE(m_h.accounts->value(u"notifications/cleanup"_s).toBool(), false);
    const NotificationSettings read = NotificationSettings::read(*m_h.accounts);
    QCOMPARE(read.timeoutWarningMinutes, 10);
    QVERIFY(!read.notifyCleanup);
    QVERIFY(read.notifyRuns);

    // A value out of range, set by hand in the file, is clamped; one below 0 is off.
    m_h.accounts->setValue(u"notifications/timeoutWarningMinutes"_s, -3);
    QCOMPARE(NotificationSettings::read(*m_h.accounts).timeoutWarningMinutes, 0);
    m_h.accounts->setValue(u"notifications/timeoutWarningMinutes"_s, 100000);
    QCOMPARE(NotificationSettings::read(*m_h.accounts).timeoutWarningMinutes,
             NotificationSettings::MaxTimeoutWarningMinutes);
}

// --- time-outs ---------------------------------------------------------------------------------

void tst_Notifications::timeoutBarExtendsByAnHour()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QSignalSpy notified(m_h.window->notifier(), &Notifier::notified);
    TimeoutWarner *warner = m_h.window->timeoutWarner();
    TimeoutBar *bar = warner->bar();
    QVERIFY(!bar->isVisible());

    // E2B's default time-out is 5 minutes: a new sandbox is due at once.
    const SandboxRecord created = m_h.createSandbox();
    QCOMPARE(created.provider, u"e2b"_s);
    QTRY_VERIFY(m_h.row(created.id) && m_h.row(created.id)->status == SandboxStatus::Running);
    QTRY_VERIFY(bar->isVisible());
    QVERIFY2(bar->text().startsWith(u"Sandbox %1 ends in "_s.arg(created.id)),
             qPrintable(bar->text()));
    QTRY_COMPARE(countOf(notified, Notifier::Kind::Timeout), 1);
    QVERIFY(seen(notified).first().body.startsWith(u"Sandbox %1 ends in "_s.arg(created.id)));

    // Told again of a deadline it knows: nothing new. Then 4 minutes left, as E2B says: a new
    // deadline, warned of again.
    m_h.refreshAndWait();
    QCOMPARE(countOf(notified, Notifier::Kind::Timeout), 1);
    m_h.e2b->sandboxes[created.providerId].endAt
        = QDateTime::currentDateTimeUtc().addSecs(4 * 60 - 5);
    m_h.refreshAndWait();
    QTRY_COMPARE(countOf(notified, Notifier::Kind::Timeout), 2);
    QTRY_COMPARE(bar->text(), u"Sandbox %1 ends in 4 min"_s.arg(created.id));
    QCOMPARE(warner->shown().size(), 1);

    // One click: an hour more than it had, at E2B, and the warning goes.
    QSignalSpy extended(warner, &TimeoutWarner::extendFinished);
    QVERIFY(bar->extendButton()->isVisible());
    QTest::mouseClick(bar->extendButton(), Qt::LeftButton);
    QVERIFY(extended.wait(10000));
    QCOMPARE(extended.first().first().toBool(), true);
    const qint64 left
        = QDateTime::currentDateTimeUtc().secsTo(m_h.e2b->sandboxes[created.providerId].endAt);
    QVERIFY2(left > 3600 + 3 * 60 && left <= 3600 + 4 * 60, qPrintable(QString::number(left)));
    QTRY_COMPARE(m_h.row(created.id)->endsAt.toSecsSinceEpoch(),
                 m_h.e2b->sandboxes[created.providerId].endAt.toSecsSinceEpoch());
    QTRY_VERIFY(!bar->isVisible());
    QVERIFY(warner->shown().isEmpty());
    QCOMPARE(countOf(notified, Notifier::Kind::Timeout), 2);

    // Near again (someone shortened it), then dismissed: gone, and not back for that deadline.
    m_h.e2b->sandboxes[created.providerId].endAt = QDateTime::currentDateTimeUtc().addSecs(120);
    m_h.refreshAndWait();
    QTRY_VERIFY(bar->isVisible());
    QCOMPARE(countOf(notified, Notifier::Kind::Timeout), 3);
    QTest::mouseClick(bar->dismissButton(), Qt::LeftButton);
    QVERIFY(!bar->isVisible());
    m_h.refreshAndWait();
    warner->check();
    QVERIFY(!bar->isVisible());
    QCOMPARE(countOf(notified, Notifier::Kind::Timeout), 3);

    // Paused: no warning, even for a new deadline.
    m_h.e2b->sandboxes[created.providerId].state = u"paused"_s;
    m_h.e2b->sandboxes[created.providerId].endAt = QDateTime::currentDateTimeUtc().addSecs(60);
    m_h.refreshAndWait();
    QTRY_VERIFY(m_h.row(created.id)->isPaused());
    warner->check();
    QVERIFY(!bar->isVisible());
    QCOMPARE(countOf(notified, Notifier::Kind::Timeout), 3);

    // Resumed with that new deadline: warned of. A failure at E2B is said in the bar, which
    // stays.
    m_h.e2b->sandboxes[created.providerId].state = u"running"_s;
    m_h.refreshAndWait();
    QTRY_VERIFY(bar->isVisible());
    m_h.e2b->sandboxes.remove(created.providerId);
    QTest::mouseClick(bar->extendButton(), Qt::LeftButton);
    QVERIFY(extended.wait(10000));
    QCOMPARE(extended.last().first().toBool(), false);
    QVERIFY2(bar->text().contains(u"Could not extend %1"_s.arg(created.id)),
             qPrintable(bar->text()));
    QVERIFY(bar->isVisible());
}

void tst_Notifications::timeoutWarningOffInPreferences()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QSignalSpy notified(m_h.window->notifier(), &Notifier::notified);
    TimeoutWarner *warner = m_h.window->timeoutWarner();
    QCOMPARE(warner->warningMinutes(), 5);

    // Preferences → General → Notifications: "Off" (0).
    SettingsDialog *dialog = m_h.window->openPreferences();
    QVERIFY(dialog);
    dialog->showGeneralPage();
    auto *minutes = dialog->findChild<QSpinBox *>(u"timeoutWarningSpin"_s);
    QVERIFY(minutes);
    QCOMPARE(minutes->value(), 5);
    QCOMPARE(minutes->text(), u"5 min"_s);
    minutes->setValue(0);
    QCOMPARE(minutes->text(), u"Off"_s);
    dialog->apply();
    QCOMPARE(m_h.accounts->value(NotificationSettings::TimeoutWarningMinutesKey).toInt(), 0);
    QCOMPARE(warner->warningMinutes(), 0);
    dialog->close();

    // A sandbox with 5 minutes left: no bar, no notification.
    const SandboxRecord created = m_h.createSandbox();
    QTRY_VERIFY(m_h.row(created.id) && m_h.row(created.id)->status == SandboxStatus::Running);
    warner->check();
    m_h.refreshAndWait();
    QVERIFY(!warner->bar()->isVisible());
    QCOMPARE(notified.size(), 0);

    // On again at 10 minutes: warned of at once.
    m_h.accounts->setValue(NotificationSettings::TimeoutWarningMinutesKey, 10);
    dialog = m_h.window->openPreferences();
    QCOMPARE(dialog->findChild<QSpinBox *>(u"timeoutWarningSpin"_s)->value(), 10);
    dialog->findChild<QCheckBox *>(u"notifyTimeoutsCheck"_s)->setChecked(false);
    dialog->apply();
    dialog->close();
    QCOMPARE(warner->warningMinutes(), 10);
    QTRY_VERIFY(warner->bar()->isVisible());
    // The notification of it was turned off: the bar only.
    QCOMPARE(notified.size(), 0);
}

// --- the tray ----------------------------------------------------------------------------------

void tst_Notifications::trayTooltipAndMenu()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    Notifier *notifier = m_h.window->notifier();
    QCOMPARE(notifier->toolTip(), Notifier::toolTipText(0, 0.0));
    QVERIFY2(notifier->toolTip().contains(u"0 running · $0.0000/h"_s),
             qPrintable(notifier->toolTip()));
    // A tray icon where the desktop has one (offscreen has none).
    QCOMPARE(notifier->trayIcon() != nullptr, QSystemTrayIcon::isSystemTrayAvailable());

    // 2 vCPU and 1 GiB at E2B's rates: (2 × 0.000014 + 0.0000045) × 3600 = $0.1170 an hour.
    const SandboxRecord created = m_h.createSandbox();
    m_h.e2b->sandboxes[created.providerId].cpuCount = 2;
    m_h.e2b->sandboxes[created.providerId].memoryMb = 1024;
    m_h.refreshAndWait();
    QTRY_VERIFY(m_h.row(created.id) && m_h.row(created.id)->cpuCount == 2);
    const double rate = burnRateUsdPerHour(m_h.window->sandboxModel()->records(),
                                           m_h.window->sandboxModel()->costRates());
    QCOMPARE(formatUsd(rate), u"$0.1170"_s);
    QTRY_COMPARE(notifier->toolTip(), Notifier::toolTipText(1, rate));
    QVERIFY2(notifier->toolTip().contains(u"1 running · $0.1170/h"_s),
             qPrintable(notifier->toolTip()));
    // The same figure as the status bar's.
    auto *burn = m_h.window->findChild<QLabel *>(u"burnRateLabel"_s);
    QVERIFY(burn);
    QCOMPARE(burn->text(), u"$0.1170/h"_s);
    if (notifier->trayIcon())
        QCOMPARE(notifier->trayIcon()->toolTip(), notifier->toolTip());

    // Paused: not billed, not counted.
    m_h.e2b->sandboxes[created.providerId].state = u"paused"_s;
    m_h.refreshAndWait();
    QTRY_COMPARE(notifier->toolTip(), Notifier::toolTipText(0, 0.0));

    // The menu: Show/Hide Window, New Run…, Quit.
    QMenu *menu = notifier->trayMenu();
    QVERIFY(menu);
    QStringList names;
    for (QAction *action : menu->actions()) {
        if (!action->isSeparator())
            names << action->objectName();
    }
    QCOMPARE(names, (QStringList{u"trayShowAction"_s, u"trayNewRunAction"_s, u"trayQuitAction"_s}));
    auto *show = menu->findChild<QAction *>(u"trayShowAction"_s);
    Q_EMIT menu->aboutToShow();
    QCOMPARE(show->text(), u"Hide Window"_s);
    QVERIFY(menu->findChild<QAction *>(u"trayNewRunAction"_s)->isEnabled());
    show->trigger();
    QVERIFY(!m_h.window->isVisible());
    Q_EMIT menu->aboutToShow();
    QCOMPARE(show->text(), u"Show Window"_s);
    show->trigger();
    QVERIFY(m_h.window->isVisible());

    // Turned off in the Preferences: no icon (where there was one).
    m_h.accounts->setValue(NotificationSettings::ShowTrayIconKey, false);
    SettingsDialog *dialog = m_h.window->openPreferences();
    QVERIFY(!dialog->findChild<QCheckBox *>(u"showTrayIconCheck"_s)->isChecked());
    dialog->findChild<QCheckBox *>(u"notifyRunsCheck"_s)->setChecked(false);
    dialog->apply();
    dialog->close();
    QVERIFY(!notifier->settings().showTrayIcon);
    QVERIFY(!notifier->settings().notifyRuns);
    QVERIFY(!notifier->trayIcon() || !notifier->trayIcon()->isVisible());
}

// --- workflow runs and cleanup -----------------------------------------------------------------

void tst_Notifications::workflowRunsNotifyOnceEach()
{
    QVERIFY(QDir(m_h.dir->path()).mkpath(u"remote"_s));
    QVERIFY(QDir(m_h.dir->path()).mkpath(u"testhome"_s));
    QVERIFY(squad::test::makeBareRepository(bareRepo(), m_h.dir->filePath(u"testhome"_s)));
    LoopbackHttpServer githubServer;
    FakeGitHub github(githubServer);
    github.addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    github.addRepo(u"octo"_s, u"app"_s, u"main"_s);
    github.addBranch(Repo, u"agent/hello"_s, 1);
    m_h.backend->setWorkflowAccess(
        WorkflowAccess{github.apiUrl(), GitHubAuth{Token, std::nullopt},
                       GitIdentity{u"Ada Lovelace"_s, u"ada@example.com"_s}});
    // Local sandboxes only, without accounts: the backend keeps the access it was given.
    m_h.window = std::make_unique<MainWindow>(m_h.backend.get());
    m_h.window->setRefreshInterval(0);
    m_h.window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_h.window.get()));
    m_h.window->start();
    QTRY_VERIFY(m_h.window->hasLoadedAll());
    QVERIFY(m_h.window->notifier());
    QSignalSpy notified(m_h.window->notifier(), &Notifier::notified);

    WorkflowInputs inputs;
    inputs.repoUrl = bareRepo();
    inputs.branch = u"agent/hello"_s;
    inputs.commitMessage = u"feat(greeting): say hello"_s;
    inputs.prTitle = u"Say hello"_s;
    inputs.prRepo = Repo;
    inputs.agentWait = AgentWait::Command;
    inputs.agentCommand = u"echo hi > hi.txt"_s;

    // A run to the end: one notification, with its pull request.
    auto made = await(m_h.backend->createRun(inputs));
    QVERIFY_RESULT(made);
    auto done = await(m_h.backend->startRun(made->id), StepMs * 2);
    QVERIFY_RESULT(done);
    QCOMPARE(done->state, WorkflowRunState::Succeeded);
    QTRY_COMPARE(countOf(notified, Notifier::Kind::RunSucceeded), 1);
    const Seen success = seen(notified).first();
    QCOMPARE(success.title, u"Workflow run succeeded"_s);
    QVERIFY2(success.body.contains(u"Say hello"_s) && success.body.contains(done->pullRequestUrl()),
             qPrintable(success.body));

    // A run whose repository is not there fails at the clone: one notification, saying where.
    inputs.repoUrl = m_h.dir->filePath(u"remote/missing.git"_s);
    inputs.prTitle = u"Never cloned"_s;
    made = await(m_h.backend->createRun(inputs));
    QVERIFY_RESULT(made);
    const auto failed = await(m_h.backend->startRun(made->id), StepMs * 2);
    QVERIFY_RESULT(failed);
    QCOMPARE(failed->state, WorkflowRunState::Failed);
    QTRY_COMPARE(countOf(notified, Notifier::Kind::RunFailed), 1);
    const Seen failure = seen(notified).last();
    QCOMPARE(failure.title, u"Workflow run failed"_s);
    QVERIFY2(failure.body.contains(u"“Never cloned” failed at “%1”"_s.arg(
                 workflowStepTitle(WorkflowStepKind::Clone))),
             qPrintable(failure.body));
    // Without a tray the window's status bar says it.
    if (!m_h.window->notifier()->trayIcon())
        QVERIFY(m_h.window->statusBar()->currentMessage().startsWith(u"Workflow run failed"_s));

    // A round trip through the backend's worker delivers, before its own answer, every run
    // change the worker queued earlier: still exactly one each, and nothing else.
    QVERIFY_RESULT(await(m_h.backend->runs(), StepMs));
    QCOMPARE(countOf(notified, Notifier::Kind::RunSucceeded), 1);
    QCOMPARE(countOf(notified, Notifier::Kind::RunFailed), 1);
    QCOMPARE(notified.size(), 2);

    // The same state told again is no news; a retry that fails again is.
    m_h.window->notifier()->runChanged(*done);
    m_h.window->notifier()->runChanged(*failed);
    QCOMPARE(notified.size(), 2);
    const auto again = await(m_h.backend->retryRun(made->id), StepMs * 2);
    QVERIFY_RESULT(again);
    QCOMPARE(again->state, WorkflowRunState::Failed);
    QTRY_COMPARE(countOf(notified, Notifier::Kind::RunFailed), 2);
    QCOMPARE(notified.size(), 3);
}

void tst_Notifications::cleanupNotifiesOnce()
{
    // One sandbox aged past 24 hours through the test's own connection to the file.
    CreateSandboxRequest request;
    request.provider = u"local"_s;
    const auto created = await(m_h.backend->create(request));
    QVERIFY_RESULT(created);
    auto db = DatabaseLocation::parse(m_h.options.database, m_h.dir->path())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    {
        const SandboxStore store(**db);
        auto stored = store.get(created->id);
        QVERIFY_RESULT(stored);
        stored->createdAt = QDateTime::currentDateTimeUtc().addSecs(-30 * 3600);
        if (stored->startedAt.isValid())
            stored->startedAt = stored->createdAt;
        QVERIFY_RESULT(store.update(*stored));
    }
    m_h.window = std::make_unique<MainWindow>(m_h.backend.get());
    m_h.window->setRefreshInterval(0);
    m_h.window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_h.window.get()));
    m_h.window->start();
    QTRY_VERIFY(m_h.window->hasLoadedAll());
    QSignalSpy notified(m_h.window->notifier(), &Notifier::notified);
    QSignalSpy finished(m_h.window.get(), &MainWindow::cleanupFinished);

    m_h.window->runScheduledCleanup();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QTRY_COMPARE(notified.size(), 1);
    const Seen cleaned = seen(notified).first();
    QCOMPARE(cleaned.kind, Notifier::Kind::Cleanup);
    QCOMPARE(cleaned.title, u"Cleanup"_s);
    QCOMPARE(cleaned.body, u"Cleanup ended 1 sandbox older than 24 h"_s);

    // Turned off: the next cleanup is not told of.
    NotificationSettings settings = m_h.window->notifier()->settings();
    settings.notifyCleanup = false;
    m_h.window->notifier()->applySettings(settings);
    m_h.window->runScheduledCleanup();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    QCOMPARE(notified.size(), 1);
}

QTEST_MAIN(tst_Notifications)
#include "tst_notifications.moc"
