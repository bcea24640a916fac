// SPDX-License-Identifier: MIT
// The main window driven as an operator would, over a real ConsoleBackend on a scratch SQLite
// database with real local sandboxes (folders and processes).
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "console/consolesettings.h"
#include "createsandboxdialog.h"
#include "errorbanner.h"
#include "mainwindow.h"
#include "sandboxdetailspane.h"
#include "sandboxfiltermodel.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "store/sandboxstore.h"
#include "accounts/profilestore.h"
#include "core/futures.h"
#include "secrets/secretvault.h"
#include "settingsdialog.h"
#include "terminatebatch.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::scratchOptions;

namespace {

// The visible top-level widget of type T named `name`, if any.
template<class T>
T *findTopLevel(const QString &name)
{
    const QWidgetList widgets = QApplication::topLevelWidgets();
    for (QWidget *widget : widgets) {
        if (widget->objectName() == name && widget->isVisible()) {
            if (auto *typed = qobject_cast<T *>(widget))
                return typed;
        }
    }
    return nullptr;
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void startsWithDatabaseAndEmptyState();
    void accountsProfileAndPreferences();
    void aboutShowsProjectVersion();
    void openErrorShowsInWindow();
    void createsThroughDialog();
    void searchFiltersAsTyped();
    void statusFilterWithCounts();
    void burnRateOfWhatRunsInTheStatusBar();
    void actionsFollowSelectedStates_data();
    void actionsFollowSelectedStates();
    void multiSelectWithKeyboardAndModifiers();
    void copyIdPutsIdsOnClipboard();
    void terminatesSeveralWithOneReport();
    void stoppingTerminateSkipsTheRest();
    void refreshKeepsSelectionAndScroll();
    void autoRefreshShowsExternalChanges();
    void detailsShowFieldsAndHistory();
    void runCommandStreamsOutput();
    void escapeCancelsCommand();
    void keyboardNavigation();
    void remembersLayoutAndInterval();
    void cleanupConfirmsThenEndsOnlyOldSandboxes();
    void warmPoolFillsShowsPooledAndEmpties();
    void warmPoolEmptiedOnExitUnlessKept_data();
    void warmPoolEmptiedOnExitUnlessKept();

private:
    void openWindow(int refreshMs = 0);
    void closeWindow();
    // Creates `count` sandboxes through the test's own backend and waits for them.
    void createSandboxes(int count, SandboxRecords *out, const CreateSandboxRequest &request = {});
    void terminateDirectly(ConsoleBackend &backend, const QString &id);
    void selectIds(const QStringList &ids);
    QModelIndex proxyIndexOf(const QString &id) const;

    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    StartupOptions m_options;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_modelTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
    std::unique_ptr<QAbstractItemModelTester> m_auditTester;
};

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    setApplicationIdentity();
    // Settings of this run only, wherever else the suite runs at the same time.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    qRegisterMetaType<TerminateReportDialog *>();
}

void tst_MainWindow::init()
{
    ConsoleSettings().clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_options = scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s));
    m_backend = std::make_unique<ConsoleBackend>(m_options);
    auto opened = m_backend->open();
    QTRY_VERIFY(opened.isFinished());
    QVERIFY_RESULT(opened.result());
}

void tst_MainWindow::cleanup()
{
    ConsoleSettings().remove(u"pool"_s);
    // The window goes before the backend, as in main().
    closeWindow();
    m_backend.reset();
    m_dir.reset();
}

namespace {
// A keychain that cannot be reached, as on a machine without a Secret Service.
class UnreachableKeychain final : public SecretStore
{
public:
    QFuture<Result<std::optional<QString>>> read(const SecretRef &) override
    {
        return readyFuture<Result<std::optional<QString>>>(fail(problem()));
    }
    QFuture<Result<void>> write(const SecretRef &, const QString &) override
    {
        return readyFuture<Result<void>>(fail(problem()));
    }
    QFuture<Result<void>> remove(const SecretRef &) override
    {
        return readyFuture<Result<void>>(fail(problem()));
    }

private:
    static Error problem()
    {
        return Error(ErrorCode::Unavailable, u"No keychain is available"_s);
    }
};
} // namespace

void tst_MainWindow::accountsProfileAndPreferences()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"accounts.ini"_s), QSettings::IniFormat);
    Profile staging;
    staging.name = u"staging"_s;
    QVERIFY_RESULT(ProfileStore(settings).add(staging));
    UnreachableKeychain keychain;
    SecretVault vault(&keychain);
    vault.setEnvironment([](const char *) { return QString(); });

    QVERIFY(!m_window->preferencesAction()->isEnabled());
    m_window->setAccounts(&vault, &settings, u"staging"_s);
    QCOMPARE(m_window->profile(), u"staging"_s);  // --profile wins for this run...
    QCOMPARE(ProfileStore(settings).activeName(), u"default"_s);  // ...without being remembered
    auto *switcher = m_window->findChild<QToolButton *>(u"profileSwitcher"_s);
    QVERIFY(switcher);
    QVERIFY(switcher->text().contains(u"staging"_s));
    QVERIFY(switcher->isVisible());

    // Switching from the status bar's menu remembers the choice.
    QAction *defaultAction = nullptr;
    for (QAction *action : switcher->menu()->actions()) {
        if (action->text() == u"default"_s)
            defaultAction = action;
    }
    QVERIFY(defaultAction);
    defaultAction->trigger();
    QCOMPARE(m_window->profile(), u"default"_s);
    QCOMPARE(ProfileStore(settings).activeName(), u"default"_s);

    // No keychain: the status bar says so once something needed it — here at once, since
    // the window looks up the profile's E2B key as it starts.
    QTRY_VERIFY(m_window->keychainIndicator()->isVisible());
    auto saved = vault.save({u"default"_s, SecretKind::GitHubToken}, u"ghp_test"_s);
    QTRY_VERIFY(saved.isFinished());
    QCOMPARE(*saved.result(), SecretSource::Memory);
    QTRY_VERIFY(m_window->keychainIndicator()->isVisible());
    QVERIFY(m_window->keychainIndicator()->toolTip().contains(u"this run only"_s));
    QVERIFY(!m_window->keychainIndicator()->toolTip().contains(u"ghp_test"_s));

    // Ctrl+, opens the preferences; a second time brings the same dialog forward.
    QVERIFY(m_window->preferencesAction()->isEnabled());
    QVERIFY(m_window->preferencesAction()->shortcuts().contains(QKeySequence::Preferences)
            || m_window->preferencesAction()->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_window->preferencesAction()->trigger();
    auto *dialog = m_window->findChild<QDialog *>(u"settingsDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(static_cast<QDialog *>(m_window->openPreferences()), dialog);
    dialog->close();
}

void tst_MainWindow::aboutShowsProjectVersion()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    auto *about = m_window->findChild<QAction *>(u"aboutAction"_s);
    QVERIFY(about);
    about->trigger();
    auto *box = m_window->findChild<QMessageBox *>();
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    // project(VERSION) in CMakeLists.txt, the one version of programs and packages.
    QVERIFY2(box->text().contains(u"Squad Console " SQUAD_VERSION ""_s), qPrintable(box->text()));
    box->close();
}

void tst_MainWindow::openWindow(int refreshMs)
{
    m_window = std::make_unique<MainWindow>(m_backend.get());
    m_modelTester = std::make_unique<QAbstractItemModelTester>(
        m_window->sandboxModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_proxyTester = std::make_unique<QAbstractItemModelTester>(
        m_window->filterModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_auditTester = std::make_unique<QAbstractItemModelTester>(
        m_window->detailsPane()->auditView()->model(),
        QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->setRefreshInterval(refreshMs);
    m_window->resize(1200, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->start();
    QTRY_VERIFY(m_window->hasLoadedAll());
}

void tst_MainWindow::closeWindow()
{
    m_auditTester.reset();
    m_proxyTester.reset();
    m_modelTester.reset();
    m_window.reset();
}

void tst_MainWindow::createSandboxes(int count, SandboxRecords *out,
                                     const CreateSandboxRequest &request)
{
    QList<QFuture<Result<SandboxRecord>>> futures;
    for (int i = 0; i < count; ++i)
        futures << m_backend->create(request);
    for (auto &future : futures) {
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 20000);
        const Result<SandboxRecord> created = future.result();
        QVERIFY_RESULT(created);
        if (out)
            out->append(*created);
    }
}

void tst_MainWindow::terminateDirectly(ConsoleBackend &backend, const QString &id)
{
    auto future = backend.terminate(id);
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 20000);
    QVERIFY_RESULT(future.result());
}

QModelIndex tst_MainWindow::proxyIndexOf(const QString &id) const
{
    SandboxTableModel *model = m_window->sandboxModel();
    return m_window->filterModel()->mapFromSource(model->index(model->rowOf(id), 0));
}

void tst_MainWindow::selectIds(const QStringList &ids)
{
    QItemSelectionModel *selection = m_window->tableView()->selectionModel();
    selection->clearSelection();
    for (const QString &id : ids) {
        const QModelIndex index = proxyIndexOf(id);
        QVERIFY2(index.isValid(), qPrintable(id));
        // What a Ctrl+click does.
        selection->setCurrentIndex(index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }
}

// --- tests -------------------------------------------------------------------------------------

void tst_MainWindow::startsWithDatabaseAndEmptyState()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    auto *database = m_window->findChild<QLabel *>(u"databaseLabel"_s);
    QVERIFY(database);
    QVERIFY2(database->text().contains(u"squad.db"_s), qPrintable(database->text()));
    QVERIFY(m_window->windowTitle().contains(u"squad.db"_s));
    auto *empty = m_window->findChild<QLabel *>(u"emptyState"_s);
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(u"No sandboxes yet"_s), qPrintable(empty->text()));
    QVERIFY(!m_window->errorBanner() || !m_window->errorBanner()->isVisible());
    QCOMPARE(m_window->countsText(), u"0 running · 0 created · 0 error · 0 terminated"_s);
    // Every menu of the issue is there.
    QStringList menus;
    for (QAction *action : m_window->menuBar()->actions())
        menus << action->text().remove(u'&');
    QCOMPARE(menus, (QStringList{u"File"_s, u"View"_s, u"Sandbox"_s, u"Workflow"_s, u"Help"_s}));
}

void tst_MainWindow::openErrorShowsInWindow()
{
    // A data folder that is a file cannot be used: the window says so instead of crashing.
    const QString blocker = m_dir->filePath(u"not-a-folder"_s);
    QFile file(blocker);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    m_backend = std::make_unique<ConsoleBackend>(
        scratchOptions(m_dir->filePath(u"other.db"_s), blocker + u"/data"_s));
    m_window = std::make_unique<MainWindow>(m_backend.get());
    QAbstractItemModelTester modelTester(m_window->sandboxModel(),
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy failed(m_window.get(), &MainWindow::loadFailed);
    m_window->show();
    m_window->start();
    // Continuations may run at once when the worker was quicker: count, don't wait for more.
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    QVERIFY(m_window->errorBanner()->isVisible());
    QVERIFY2(m_window->errorBanner()->message().contains(u"open"_s),
             qPrintable(m_window->errorBanner()->message()));
    QVERIFY(m_window->statusBar()->currentMessage().contains(u"Could not open"_s));
    auto *empty = m_window->findChild<QLabel *>(u"emptyState"_s);
    QVERIFY(empty->text().contains(u"could not be opened"_s));
    QVERIFY(!m_window->terminateAction()->isEnabled());
}

void tst_MainWindow::createsThroughDialog()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTest::keyClick(m_window->tableView(), Qt::Key_N, Qt::ControlModifier);
    QPointer<CreateSandboxDialog> dialog;
    QTRY_VERIFY((dialog = findTopLevel<CreateSandboxDialog>(u"createSandboxDialog"_s)));
    QCOMPARE(dialog->templateField()->currentText(), m_backend->defaultTemplate());

    // Validated as typed: a bad template and a bad URL disable Create and say why.
    dialog->templateField()->lineEdit()->clear();
    QTest::keyClicks(dialog->templateField()->lineEdit(), u"python 3"_s);
    QVERIFY(!dialog->createButton()->isEnabled());
    QVERIFY(dialog->hintText(dialog->templateField()).contains(u"not a valid template id"_s));
    dialog->templateField()->lineEdit()->clear();
    QTest::keyClicks(dialog->templateField()->lineEdit(), u"python-3.12"_s);
    QVERIFY(dialog->createButton()->isEnabled());
    QTest::keyClicks(dialog->repoField(), u"https://tok:en@github.com/acme/widgets.git"_s);
    QVERIFY(!dialog->createButton()->isEnabled());
    QVERIFY(dialog->hintText(dialog->repoField()).contains(u"credentials"_s));
    dialog->repoField()->clear();
    QTest::keyClicks(dialog->repoField(), u"https://github.com/acme/widgets.git"_s);
    QVERIFY(dialog->createButton()->isEnabled());

    QTest::mouseClick(dialog->createButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.isNull() || !dialog->isVisible(), 20000);

    QTRY_COMPARE(m_window->sandboxModel()->rowCount(), 1);
    const SandboxRecord &record = m_window->sandboxModel()->record(0);
    QCOMPARE(record.templateId, u"python-3.12"_s);
    QCOMPARE(record.repoUrl, u"https://github.com/acme/widgets.git"_s);
    QCOMPARE(record.status, SandboxStatus::Running);
    // The new sandbox is selected and shown.
    QCOMPARE(m_window->selectedIds(), QStringList{record.id});
    QTRY_COMPARE(m_window->detailsPane()->fieldText(u"template"_s), u"python-3.12"_s);
}

void tst_MainWindow::searchFiltersAsTyped()
{
    SandboxRecords records;
    createSandboxes(2, &records, {u"base"_s, {}, {}, u"https://github.com/acme/widgets.git"_s, {}, {}});
    createSandboxes(3, &records, {u"node-20"_s, {}, {}, u"git@github.com:acme/gadgets.git"_s, {}, {}});
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    SandboxFilterModel *proxy = m_window->filterModel();
    QCOMPARE(proxy->rowCount(), 5);
    QTest::keyClick(m_window->tableView(), Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), m_window->searchField());
    QTest::keyClicks(m_window->searchField(), u"widg"_s);
    QCOMPARE(proxy->rowCount(), 2);
    QTest::keyClicks(m_window->searchField(), u"ets"_s);
    QCOMPARE(proxy->rowCount(), 2);
    m_window->searchField()->clear();
    QTest::keyClicks(m_window->searchField(), u"NODE-20"_s);
    QCOMPARE(proxy->rowCount(), 3);
    // A unique id prefix finds one sandbox.
    m_window->searchField()->clear();
    QTest::keyClicks(m_window->searchField(), records.at(0).id.left(13));
    QCOMPARE(proxy->rowCount(), 1);
    // Nothing matching says so; Esc clears the search.
    m_window->searchField()->clear();
    QTest::keyClicks(m_window->searchField(), u"no-such-thing"_s);
    QCOMPARE(proxy->rowCount(), 0);
    auto *empty = m_window->findChild<QLabel *>(u"emptyState"_s);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(u"No sandboxes match"_s));
    QTest::keyClick(m_window->searchField(), Qt::Key_Escape);
    QCOMPARE(m_window->searchField()->text(), QString());
    QCOMPARE(proxy->rowCount(), 5);
    QVERIFY(!empty->isVisible());
}

void tst_MainWindow::statusFilterWithCounts()
{
    SandboxRecords records;
    createSandboxes(4, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    // Terminated through the window's backend: the row changes at once, without a refresh.
    terminateDirectly(*m_backend, records.at(0).id);
    QTRY_COMPARE(m_window->sandboxModel()->statusCounts().value(SandboxStatus::Terminated), 1);

    QComboBox *filter = m_window->statusFilter();
    const auto select = [filter](SandboxStatus status) {
        filter->setCurrentIndex(filter->findData(int(status)));
    };
    QTRY_VERIFY2(filter->itemText(0).contains(u"(4)"_s), qPrintable(filter->itemText(0)));
    QVERIFY2(filter->itemText(filter->findData(int(SandboxStatus::Running))).contains(u"(3)"_s),
             qPrintable(filter->itemText(1)));
    QVERIFY(filter->itemText(filter->findData(int(SandboxStatus::Terminated))).contains(u"(1)"_s));
    QVERIFY(filter->itemText(filter->findData(int(SandboxStatus::Error))).contains(u"(0)"_s));

    select(SandboxStatus::Terminated);
    QCOMPARE(m_window->filterModel()->rowCount(), 1);
    QCOMPARE(m_window->filterModel()->index(0, 0).data(SandboxTableModel::IdRole).toString(),
             records.at(0).id);
    select(SandboxStatus::Running);
    QCOMPARE(m_window->filterModel()->rowCount(), 3);
    select(SandboxStatus::Error);
    QCOMPARE(m_window->filterModel()->rowCount(), 0);
    filter->setCurrentIndex(0);
    QCOMPARE(m_window->filterModel()->rowCount(), 4);
    // Search and status combine.
    select(SandboxStatus::Running);
    QTest::keyClicks(m_window->searchField(), records.at(0).id);
    QCOMPARE(m_window->filterModel()->rowCount(), 0);
    // The status bar counts every status.
    QCOMPARE(m_window->countsText(), u"3 running · 0 created · 0 error · 1 terminated"_s);
}

void tst_MainWindow::burnRateOfWhatRunsInTheStatusBar()
{
    SandboxRecords records;
    createSandboxes(3, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    auto *label = m_window->findChild<QLabel *>(u"burnRateLabel"_s);
    QVERIFY(label);
    QVERIFY(label->isVisible());
    // Local sandboxes run on this machine: nothing is billed.
    QTRY_COMPARE(label->text(), u"$0.0000/h"_s);
    QVERIFY2(label->toolTip().contains(u"3 running"_s), qPrintable(label->toolTip()));
    QVERIFY(!label->toolTip().contains(u"unknown"_s));

    // As E2B reports them: 2 vCPU and 1 GiB running ($0.117/h at E2B's rates), the same
    // paused (not billed), and one whose memory is unknown.
    SandboxTableModel *model = m_window->sandboxModel();
    const auto reported = [model](const QString &id, int cpus, int memoryMb, bool paused) {
        SandboxRecord r = model->record(model->rowOf(id));
        r.provider = u"e2b"_s;
        r.cpuCount = cpus;
        r.memoryMb = memoryMb;
        r.providerState = paused ? ProviderState::Paused : ProviderState::Running;
        model->updateSandbox(r);
    };
    reported(records.at(0).id, 2, 1024, false);
    reported(records.at(1).id, 2, 1024, true);
    reported(records.at(2).id, 4, 0, false);
    QTRY_COMPARE(label->text(), u"$0.1170/h"_s);
    QVERIFY2(label->toolTip().contains(u"1 of them with unknown resources"_s),
             qPrintable(label->toolTip()));
    QVERIFY(model->index(model->rowOf(records.at(0).id), SandboxTableModel::CostColumn)
                .data().toString().startsWith(u'$'));
    QCOMPARE(model->index(model->rowOf(records.at(2).id), SandboxTableModel::CostColumn)
                 .data().toString(),
             u"—"_s);

    reported(records.at(1).id, 2, 1024, false);  // resumed
    QTRY_COMPARE(label->text(), u"$0.2340/h"_s);
    terminateDirectly(*m_backend, records.at(0).id);  // ended: no longer burning
    QTRY_COMPARE(label->text(), u"$0.1170/h"_s);

    // A profile's own rates: 0.0001 $/vCPU/s, memory free → 2 × 0.36 = $0.72/h.
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"accounts.ini"_s), QSettings::IniFormat);
    Profile priced;
    priced.name = u"priced"_s;
    priced.costRates = {0.0001, 0.0};
    QVERIFY_RESULT(ProfileStore(settings).add(priced));
    UnreachableKeychain keychain;
    SecretVault vault(&keychain);
    vault.setEnvironment([](const char *) { return QString(); });
    m_window->setAccounts(&vault, &settings, u"priced"_s);
    QTRY_COMPARE(label->text(), u"$0.7200/h"_s);
    QCOMPARE(model->costRates(), priced.costRates);

    // Rates changed in Preferences → Profiles: the column and the burn rate follow on Apply.
    auto *dialog = qobject_cast<SettingsDialog *>(m_window->openPreferences());
    QVERIFY(dialog);
    dialog->selectProfile(u"priced"_s);
    auto *vcpuRate = dialog->findChild<QLineEdit *>(u"costVcpuField"_s);
    QVERIFY(vcpuRate);
    QCOMPARE(vcpuRate->text(), u"0.0001"_s);
    vcpuRate->setText(u"0.0002"_s);
    dialog->apply();
    QTRY_COMPARE(label->text(), u"$1.44/h"_s);
    QCOMPARE(model->costRates().vcpuPerSecond, 0.0002);
    dialog->close();
    closeWindow();  // before the vault and settings go
}

void tst_MainWindow::actionsFollowSelectedStates_data()
{
    QTest::addColumn<QList<int>>("selected"); // indexes into: running, running, terminated
    QTest::addColumn<bool>("terminate");
    QTest::addColumn<bool>("run");
    QTest::addColumn<bool>("copy");

    QTest::newRow("nothing") << QList<int>{} << false << false << false;
    QTest::newRow("one running") << QList<int>{0} << true << true << true;
    QTest::newRow("one terminated") << QList<int>{2} << false << false << true;
    QTest::newRow("two running") << QList<int>{0, 1} << true << false << true;
    QTest::newRow("running and terminated") << QList<int>{1, 2} << true << false << true;
}

void tst_MainWindow::actionsFollowSelectedStates()
{
    QFETCH(QList<int>, selected);
    QFETCH(bool, terminate);
    QFETCH(bool, run);
    QFETCH(bool, copy);

    SandboxRecords records;
    createSandboxes(3, &records);
    if (QTest::currentTestFailed())
        return;
    terminateDirectly(*m_backend, records.at(2).id);
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QStringList ids;
    for (const int i : selected)
        ids << records.at(i).id;
    selectIds(ids);
    QTRY_COMPARE(m_window->terminateAction()->isEnabled(), terminate);
    QCOMPARE(m_window->runCommandAction()->isEnabled(), run);
    QCOMPARE(m_window->copyIdAction()->isEnabled(), copy);

    // A state change of a selected row (here: terminated elsewhere) updates them too.
    if (selected == QList<int>{0}) {
        terminateDirectly(*m_backend, records.at(0).id);
        QTRY_VERIFY(!m_window->terminateAction()->isEnabled());
        QVERIFY(!m_window->runCommandAction()->isEnabled());
        QVERIFY(m_window->copyIdAction()->isEnabled());
    }
}

void tst_MainWindow::multiSelectWithKeyboardAndModifiers()
{
    SandboxRecords records;
    createSandboxes(6, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTableView *table = m_window->tableView();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_A, Qt::ControlModifier);
    QCOMPARE(m_window->selectedIds().size(), 6);
    QTRY_COMPARE(m_window->detailsPane()->page(), SandboxDetailsPane::Page::Selection);
    QVERIFY2(m_window->detailsPane()->summaryText().contains(u"6 sandboxes selected"_s),
             qPrintable(m_window->detailsPane()->summaryText()));

    // Click row 1, Shift+click row 3 (a range), Ctrl+click row 5 (added).
    QAbstractItemModel *proxy = m_window->filterModel();
    const auto rowCentre = [&](int row) {
        return table->visualRect(proxy->index(row, SandboxTableModel::IdColumn)).center();
    };
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, rowCentre(1));
    QCOMPARE(m_window->selectedIds().size(), 1);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ShiftModifier, rowCentre(3));
    QCOMPARE(m_window->selectedIds().size(), 3);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCentre(5));
    const QStringList ids = m_window->selectedIds();
    QCOMPARE(ids.size(), 4);
    QStringList expected;
    for (const int row : {1, 2, 3, 5})
        expected << proxy->index(row, 0).data(SandboxTableModel::IdRole).toString();
    QCOMPARE(ids, expected);
    // Ctrl+click again removes a row; Shift+Down extends from the current one.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::ControlModifier, rowCentre(2));
    QCOMPARE(m_window->selectedIds().size(), 3);
    QTRY_VERIFY(m_window->detailsPane()->summaryText().contains(u"3 sandboxes selected"_s));
}

void tst_MainWindow::copyIdPutsIdsOnClipboard()
{
    SandboxRecords records;
    createSandboxes(3, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    selectIds({records.at(0).id, records.at(2).id});
    m_window->tableView()->setFocus();
    QTRY_VERIFY(m_window->copyIdAction()->isEnabled());
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(m_window->tableView(), Qt::Key_C, Qt::ControlModifier);
    // In the table's order, one per line.
    const QStringList expected = m_window->selectedIds();
    QCOMPARE(expected.size(), 2);
    QCOMPARE(QGuiApplication::clipboard()->text(), expected.join(u'\n'));
    QVERIFY(expected.contains(records.at(0).id) && expected.contains(records.at(2).id));
}

void tst_MainWindow::terminatesSeveralWithOneReport()
{
    SandboxRecords records;
    createSandboxes(5, &records);
    if (QTest::currentTestFailed())
        return;
    // One row is TERMINATED already and stays out of the batch.
    terminateDirectly(*m_backend, records.at(4).id);
    openWindow();
    if (QTest::currentTestFailed())
        return;
    // Behind the window's back: one ended by another console, one's folder removed by hand.
    {
        ConsoleBackend other(m_options);
        auto opened = other.open();
        QTRY_VERIFY(opened.isFinished());
        QVERIFY_RESULT(opened.result());
        terminateDirectly(other, records.at(2).id);
    }
    QVERIFY(
        QDir(m_options.dataDir + u"/sandboxes/"_s + records.at(3).providerId).removeRecursively());

    QTableView *table = m_window->tableView();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_A, Qt::ControlModifier);
    QTRY_VERIFY(m_window->terminateAction()->isEnabled());
    QTest::keyClick(table, Qt::Key_Delete);

    QPointer<QMessageBox> confirmation;
    QTRY_VERIFY((confirmation = findTopLevel<QMessageBox>(u"terminateConfirmation"_s)));
    // It lists what will be terminated: the four rows the window still believes live.
    const QString listed = confirmation->text() + confirmation->informativeText();
    QVERIFY2(listed.contains(u"4 sandboxes"_s), qPrintable(listed));
    for (int i = 0; i < 4; ++i)
        QVERIFY2(listed.contains(records.at(i).id), qPrintable(listed));
    QVERIFY(!listed.contains(records.at(4).id));
    QVERIFY2(listed.contains(u"1 selected sandbox is already terminated"_s), qPrintable(listed));
    QSignalSpy reported(m_window.get(), &MainWindow::terminateReported);
    confirmation->button(QMessageBox::Yes)->click();

    QPointer<TerminateReportDialog> report;
    QTRY_VERIFY_WITH_TIMEOUT((report = findTopLevel<TerminateReportDialog>(u"terminateReport"_s)),
                             20000);
    QCOMPARE(reported.size(), 1);
    QCOMPARE(report->count(TerminateResult::Kind::Terminated), 2);
    QCOMPARE(report->count(TerminateResult::Kind::AlreadyGone), 2);
    QCOMPARE(report->count(TerminateResult::Kind::Failed), 0);
    QCOMPARE(report->count(TerminateResult::Kind::Skipped), 0);
    const auto sorted = [](QStringList ids) {
        ids.sort();
        return ids;
    };
    QCOMPARE(sorted(report->ids(TerminateResult::Kind::Terminated)),
             sorted({records.at(0).id, records.at(1).id}));
    QCOMPARE(sorted(report->ids(TerminateResult::Kind::AlreadyGone)),
             sorted({records.at(2).id, records.at(3).id}));
    QCOMPARE(report->summary(), u"2 terminated · 2 already gone"_s);
    // Grouped: one section per outcome, each with its sandboxes.
    auto *tree = report->findChild<QTreeWidget *>(u"terminateReportTree"_s);
    QVERIFY(tree);
    QCOMPARE(tree->topLevelItemCount(), 2);
    QVERIFY(tree->topLevelItem(0)->text(0).contains(u"Terminated (2)"_s));
    QVERIFY(tree->topLevelItem(1)->text(0).contains(u"Already gone (2)"_s));
    QCOMPARE(tree->topLevelItem(1)->childCount(), 2);
    QVERIFY(report->reportText().contains(records.at(3).id));
    // Only one dialog: no per-row message boxes.
    QVERIFY(!findTopLevel<QMessageBox>(u"terminateConfirmation"_s));

    QTRY_COMPARE(m_window->sandboxModel()->statusCounts().value(SandboxStatus::Terminated), 5);
    QVERIFY(!m_window->terminateAction()->isEnabled());
    report->close();
}

void tst_MainWindow::stoppingTerminateSkipsTheRest()
{
    const int count = TerminateBatch::Concurrency + 3;
    SandboxRecords records;
    createSandboxes(count, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    m_window->tableView()->selectAll();
    QTRY_VERIFY(m_window->terminateAction()->isEnabled());
    m_window->terminateAction()->trigger();
    QPointer<QMessageBox> confirmation;
    QTRY_VERIFY((confirmation = findTopLevel<QMessageBox>(u"terminateConfirmation"_s)));
    // Beyond the listed ones, the rest are in the details.
    QVERIFY(confirmation->informativeText().contains(u"more"_s)
            || confirmation->informativeText().count(u'•') == count);
    confirmation->button(QMessageBox::Yes)->click();
    // The first few are under way at once; Stop skips those not started.
    auto *progress = m_window->findChild<QProgressDialog *>(u"terminateProgress"_s);
    QVERIFY(progress);
    auto *stop = progress->findChild<QPushButton *>();
    QVERIFY(stop);
    QCOMPARE(stop->text(), u"&Stop"_s);
    stop->click();

    QPointer<TerminateReportDialog> report;
    QTRY_VERIFY_WITH_TIMEOUT((report = findTopLevel<TerminateReportDialog>(u"terminateReport"_s)),
                             20000);
    QCOMPARE(report->count(TerminateResult::Kind::Terminated), TerminateBatch::Concurrency);
    QCOMPARE(report->count(TerminateResult::Kind::Skipped), count - TerminateBatch::Concurrency);
    QVERIFY(report->summary().contains(u"3 skipped"_s));
    QTRY_COMPARE(m_window->sandboxModel()->statusCounts().value(SandboxStatus::Running), 3);
}

void tst_MainWindow::refreshKeepsSelectionAndScroll()
{
    SandboxRecords records;
    createSandboxes(60, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTableView *table = m_window->tableView();
    QCOMPARE(m_window->filterModel()->rowCount(), 60);
    QScrollBar *bar = table->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 10); // the view lays rows out after an event-loop turn
    bar->setValue(bar->maximum() / 2);
    const int scrolled = bar->value();
    const int middleRow = table->rowAt(table->viewport()->height() / 2);
    QVERIFY(middleRow > 0);
    const QModelIndex middle = m_window->filterModel()->index(middleRow, 0);
    const QString selectedId = middle.data(SandboxTableModel::IdRole).toString();
    table->selectionModel()->setCurrentIndex(middle, QItemSelectionModel::ClearAndSelect
                                                         | QItemSelectionModel::Rows);
    // Another row, below the selected one, is terminated by another console.
    const QString changedId = m_window->filterModel()
                                  ->index(middleRow + 2, 0)
                                  .data(SandboxTableModel::IdRole)
                                  .toString();
    {
        ConsoleBackend other(m_options);
        auto opened = other.open();
        QTRY_VERIFY(opened.isFinished());
        QVERIFY_RESULT(opened.result());
        terminateDirectly(other, changedId);
    }
    QCOMPARE(m_window->sandboxModel()->record(m_window->sandboxModel()->rowOf(changedId)).status,
             SandboxStatus::Running);

    QSignalSpy loaded(m_window.get(), &MainWindow::loaded);
    QTest::keyClick(table, Qt::Key_F5);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() >= 1, 10000);
    SandboxTableModel *model = m_window->sandboxModel();
    QCOMPARE(model->record(model->rowOf(changedId)).status, SandboxStatus::Terminated);
    QCOMPARE(m_window->selectedIds(), QStringList{selectedId});
    QCOMPARE(table->currentIndex().data(SandboxTableModel::IdRole).toString(), selectedId);
    QCOMPARE(bar->value(), scrolled);
    QCOMPARE(m_window->filterModel()->rowCount(), 60);
}

void tst_MainWindow::autoRefreshShowsExternalChanges()
{
    SandboxRecords records;
    createSandboxes(2, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow(1000);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(m_window->refreshInterval(), 1000);
    selectIds({records.at(1).id});
    // squadctl or another console adds and ends sandboxes on the same database.
    ConsoleBackend other(m_options);
    auto opened = other.open();
    QTRY_VERIFY(opened.isFinished());
    QVERIFY_RESULT(opened.result());
    auto created = other.create({});
    QTRY_VERIFY_WITH_TIMEOUT(created.isFinished(), 20000);
    QVERIFY_RESULT(created.result());
    terminateDirectly(other, records.at(0).id);

    SandboxTableModel *model = m_window->sandboxModel();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(model->record(model->rowOf(records.at(0).id)).status,
                              SandboxStatus::Terminated, 5000);
    QCOMPARE(m_window->selectedIds(), QStringList{records.at(1).id});
    // Off stops it.
    m_window->setRefreshInterval(0);
    auto another = other.create({});
    QTRY_VERIFY_WITH_TIMEOUT(another.isFinished(), 20000);
    QSignalSpy loaded(m_window.get(), &MainWindow::loaded);
    QVERIFY(!loaded.wait(1500));
    QCOMPARE(model->rowCount(), 3);
}

void tst_MainWindow::detailsShowFieldsAndHistory()
{
    SandboxRecords records;
    createSandboxes(1, &records, {u"base"_s, {}, {}, u"https://github.com/acme/widgets.git"_s, {}, {}});
    if (QTest::currentTestFailed())
        return;
    // Metadata written by someone else: the table's rows leave it out, the pane reads it.
    {
        DatabaseLocation location;
        location.sqlitePath = m_dir->filePath(u"squad.db"_s);
        auto other = Database::open(location);
        QVERIFY_RESULT(other);
        QVERIFY_RESULT((*other)->exec(u"UPDATE sandboxes SET metadata = ?"_s,
                                      {u"{\"ticket\":\"OPS-42\"}"_s}));
    }
    openWindow();
    if (QTest::currentTestFailed())
        return;
    SandboxDetailsPane *details = m_window->detailsPane();
    QCOMPARE(details->page(), SandboxDetailsPane::Page::Nothing);
    const SandboxRecord &record = records.first();
    selectIds({record.id});
    QTRY_COMPARE(details->page(), SandboxDetailsPane::Page::Sandbox);
    QCOMPARE(details->fieldText(u"id"_s), record.id);
    QCOMPARE(details->fieldText(u"title"_s), record.id);
    QCOMPARE(details->fieldText(u"template"_s), u"base"_s);
    QCOMPARE(details->fieldText(u"provider"_s), u"local"_s);
    QCOMPARE(details->fieldText(u"providerId"_s), record.providerId);
    QCOMPARE(details->fieldText(u"repo"_s), u"https://github.com/acme/widgets.git"_s);
    QVERIFY(details->fieldText(u"status"_s).contains(u"Running"_s));
    QCOMPARE(details->fieldText(u"ended"_s), u"—"_s);
    QTRY_VERIFY2(details->fieldText(u"metadata"_s).contains(u"OPS-42"_s),
                 qPrintable(details->fieldText(u"metadata"_s)));
    // Local time with a relative age.
    const QString created = details->fieldText(u"created"_s);
    QVERIFY2(created.startsWith(record.createdAt.toLocalTime().toString(u"yyyy-MM-dd HH:mm"_s)),
             qPrintable(created));
    QVERIFY2(created.contains(u"ago"_s), qPrintable(created));

    QTreeWidget *audit = details->auditView();
    QTRY_VERIFY(audit->topLevelItemCount() >= 1);
    QStringList actions;
    for (int i = 0; i < audit->topLevelItemCount(); ++i)
        actions << audit->topLevelItem(i)->text(1);
    QVERIFY2(actions.contains(u"sandbox.create"_s), qPrintable(actions.join(u", "_s)));
    const int before = audit->topLevelItemCount();

    // After an action the fields and the history follow.
    terminateDirectly(*m_backend, record.id);
    QTRY_VERIFY(details->fieldText(u"status"_s).contains(u"Terminated"_s));
    QTRY_VERIFY(audit->topLevelItemCount() > before);
    QVERIFY(audit->topLevelItem(0)->text(1).contains(u"terminate"_s));
    QVERIFY(details->fieldText(u"ended"_s) != u"—"_s);
}

void tst_MainWindow::runCommandStreamsOutput()
{
    SandboxRecords records;
    createSandboxes(1, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    selectIds({records.first().id});
    QTRY_VERIFY(m_window->runCommandAction()->isEnabled());
    QTest::keyClick(m_window->tableView(), Qt::Key_R, Qt::ControlModifier);
    SandboxDetailsPane *details = m_window->detailsPane();
    QCOMPARE(QApplication::focusWidget(), details->commandField());
    QTest::keyClicks(details->commandField(), u"echo hello; echo oops >&2; exit 3"_s);
    QSignalSpy finished(details, &SandboxDetailsPane::commandFinished);
    QTest::keyClick(details->commandField(), Qt::Key_Return);
    QVERIFY(details->isCommandRunning() || finished.size() == 1);
    QVERIFY(finished.size() == 1 || finished.wait(20000));

    const QString output = details->outputView()->toPlainText();
    QVERIFY2(output.contains(u"hello"_s), qPrintable(output));
    QVERIFY2(output.contains(u"oops"_s), qPrintable(output));
    QVERIFY2(output.contains(u"Exit code 3"_s), qPrintable(output));
    QVERIFY(details->commandStatusText().contains(u"Exit code 3"_s));
    // stderr reads differently from stdout.
    QColor stdoutColour, stderrColour;
    for (QTextBlock block = details->outputView()->document()->begin(); block.isValid();
         block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (fragment.text().contains(u"hello"_s))
                stdoutColour = fragment.charFormat().foreground().color();
            if (fragment.text().contains(u"oops"_s))
                stderrColour = fragment.charFormat().foreground().color();
        }
    }
    QVERIFY(stdoutColour.isValid() && stderrColour.isValid());
    QVERIFY(stdoutColour != stderrColour);
    // The run is in the sandbox's history.
    QTRY_VERIFY(!details->auditView()->findItems(u"sandbox.exec"_s, Qt::MatchContains, 1).isEmpty()
                || details->auditView()->topLevelItemCount() >= 2);
}

void tst_MainWindow::escapeCancelsCommand()
{
    SandboxRecords records;
    createSandboxes(1, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    selectIds({records.first().id});
    QTRY_VERIFY(m_window->runCommandAction()->isEnabled());
    m_window->runCommandAction()->trigger();
    SandboxDetailsPane *details = m_window->detailsPane();
    QTest::keyClicks(details->commandField(), u"echo started; sleep 30"_s);
    QTest::keyClick(details->commandField(), Qt::Key_Return);
    QVERIFY(details->isCommandRunning());
    QTRY_VERIFY_WITH_TIMEOUT(details->outputView()->toPlainText().contains(u"started\n"_s), 10000);
    QCOMPARE(details->runButton()->text(), u"Cancel (Esc)"_s);
    QTest::keyClick(details->commandField(), Qt::Key_Escape);
    QTRY_VERIFY_WITH_TIMEOUT(!details->isCommandRunning(), 5000);
    QVERIFY2(details->commandStatusText().contains(u"Cancelled"_s),
             qPrintable(details->commandStatusText()));
    QCOMPARE(details->runButton()->text(), u"&Run"_s);
}

void tst_MainWindow::keyboardNavigation()
{
    SandboxRecords records;
    createSandboxes(2, &records);
    if (QTest::currentTestFailed())
        return;
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTableView *table = m_window->tableView();
    QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(QApplication::focusWidget(), m_window->searchField());
    QTest::keyClick(m_window->searchField(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), m_window->statusFilter());
    QTest::keyClick(m_window->statusFilter(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), table);
    // Down from the search box lands on the first row.
    QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
    QTest::keyClick(m_window->searchField(), Qt::Key_Down);
    QCOMPARE(QApplication::focusWidget(), table);
    QTRY_COMPARE(m_window->selectedIds().size(), 1);
    QTest::keyClick(table, Qt::Key_Down);
    QCOMPARE(m_window->selectedIds().size(), 1);
    QTest::keyClick(table, Qt::Key_Up, Qt::ShiftModifier);
    QCOMPARE(m_window->selectedIds().size(), 2);
    QTest::keyClick(table, Qt::Key_Down);
    // Enter takes the operator to the command box of the selected sandbox.
    QTRY_VERIFY(m_window->runCommandAction()->isEnabled());
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(QApplication::focusWidget(), m_window->detailsPane()->commandField());
    QTest::keyClicks(m_window->detailsPane()->commandField(), u"true"_s);
    QTest::keyClick(m_window->detailsPane()->commandField(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), m_window->detailsPane()->runButton());
}

void tst_MainWindow::remembersLayoutAndInterval()
{
    openWindow();
    if (QTest::currentTestFailed())
        return;
    m_window->findChild<QAction *>(u"refreshInterval30000Action"_s)->trigger();
    QCOMPARE(m_window->refreshInterval(), 30000);
    QTableView *table = m_window->tableView();

    // The default layout: in a 1440 px window beside the details pane, Status to Cost are all
    // in sight; the less used columns start hidden.
    m_window->resize(1440, 820);
    QTRY_COMPARE(m_window->width(), 1440);
    QHeaderView *columns = table->horizontalHeader();
    QTRY_VERIFY(columns->sectionViewportPosition(SandboxTableModel::CostColumn)
                    + columns->sectionSize(SandboxTableModel::CostColumn)
                <= table->viewport()->width());
    QCOMPARE(columns->sectionViewportPosition(SandboxTableModel::StatusColumn), 0);
    for (const int column : {SandboxTableModel::LastUsedColumn, SandboxTableModel::TaskColumn,
                             SandboxTableModel::AgentColumn})
        QVERIFY(columns->isSectionHidden(column));
    for (const int column : {SandboxTableModel::CpuUsedColumn, SandboxTableModel::MemoryUsedColumn,
                             SandboxTableModel::CostColumn})
        QVERIFY(!columns->isSectionHidden(column));
    // The header's menu shows and hides columns; hidden ones are remembered with the layout.
    Q_EMIT columns->customContextMenuRequested(QPoint(5, 5));
    auto *menu = columns->findChild<QMenu *>(u"columnsMenu"_s);
    QVERIFY(menu);
    QAction *task = nullptr;
    QAction *cpuUsed = nullptr;
    for (QAction *action : menu->actions()) {
        if (action->text() == u"Task"_s)
            task = action;
        if (action->text() == u"CPU %"_s)
            cpuUsed = action;
    }
    QVERIFY(task && cpuUsed);
    QVERIFY(!task->isChecked());
    QVERIFY(cpuUsed->isChecked());
    task->trigger();
    cpuUsed->trigger();
    QVERIFY(!columns->isSectionHidden(SandboxTableModel::TaskColumn));
    QVERIFY(columns->isSectionHidden(SandboxTableModel::CpuUsedColumn));
    menu->close();
    table->sortByColumn(SandboxTableModel::TemplateColumn, Qt::DescendingOrder);
    table->horizontalHeader()->resizeSection(SandboxTableModel::RepoColumn, 333);
    QHeaderView *header = table->horizontalHeader();
    header->moveSection(header->visualIndex(SandboxTableModel::ProviderColumn), 0);
    m_window->resize(1000, 640);
    m_window->detailsAction()->setChecked(false);
    m_window->close();
    closeWindow();

    openWindow();
    if (QTest::currentTestFailed())
        return;
    // openWindow() sets the interval for the test; the remembered one is in the settings.
    QCOMPARE(ConsoleSettings().value(u"mainWindow/refreshIntervalMs"_s).toInt(), 30000);
    table = m_window->tableView();
    QCOMPARE(table->horizontalHeader()->sortIndicatorSection(),
             int(SandboxTableModel::TemplateColumn));
    QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(table->horizontalHeader()->sectionSize(SandboxTableModel::RepoColumn), 333);
    QCOMPARE(table->horizontalHeader()->visualIndex(SandboxTableModel::ProviderColumn), 0);
    QVERIFY(!table->horizontalHeader()->isSectionHidden(SandboxTableModel::TaskColumn));
    QVERIFY(table->horizontalHeader()->isSectionHidden(SandboxTableModel::CpuUsedColumn));
    QVERIFY(!m_window->detailsPane()->isVisibleTo(m_window.get()));
    QVERIFY(QFile::exists(m_settingsDir.filePath(u"squad-console/squad-console.conf"_s)));
    QCOMPARE(m_window->filterModel()->sortColumn(), int(SandboxTableModel::TemplateColumn));
    // And a fresh window with no override picks the interval up.
    closeWindow();
    MainWindow window(m_backend.get());
    QCOMPARE(window.refreshInterval(), 30000);
}

void tst_MainWindow::cleanupConfirmsThenEndsOnlyOldSandboxes()
{
    SandboxRecords records;
    createSandboxes(2, &records);
    if (QTest::currentTestFailed())
        return;
    const QString old = records.at(0).id;
    const QString young = records.at(1).id;
    // The test's own connection to the same file ages a sandbox, as 30 hours of running would.
    auto db = DatabaseLocation::parse(m_options.database, m_dir->path())
                  .and_then([](const DatabaseLocation &l) { return Database::open(l); });
    QVERIFY_RESULT(db);
    const auto age = [&](const QString &id) {
        const SandboxStore store(**db);
        auto row = store.get(id);
        QVERIFY_RESULT(row);
        row->createdAt = QDateTime::currentDateTimeUtc().addSecs(-30 * 3600);
        if (row->startedAt.isValid())
            row->startedAt = row->createdAt;
        QVERIFY_RESULT(store.update(*row));
    };
    age(old);
    openWindow();
    if (QTest::currentTestFailed())
        return;
    // Scheduled every 6 hours from the start.
    QVERIFY(m_window->cleanupTimer()->isActive());
    QVERIFY(m_window->cleanupTimer()->remainingTime() > 5 * 3600 * 1000);
    QCOMPARE(m_window->cleanupTimer()->interval(), 6 * 3600 * 1000);
    QVERIFY(m_window->cleanupAction()->isEnabled());

    // Clean Up Now: the dry run's list first, nothing ended yet.
    qRegisterMetaType<QMessageBox *>();
    QSignalSpy shown(m_window.get(), &MainWindow::cleanupConfirmationShown);
    QSignalSpy finished(m_window.get(), &MainWindow::cleanupFinished);
    m_window->cleanupAction()->trigger();
    QTRY_COMPARE(shown.size(), 1);
    QPointer<QMessageBox> box = shown.first().first().value<QMessageBox *>();
    QVERIFY(box);
    QCOMPARE(box->objectName(), u"cleanupConfirmation"_s);
    QVERIFY2(box->informativeText().contains(old + u"   RUNNING for 30 h (older than 24 h)"_s),
             qPrintable(box->informativeText()));
    QVERIFY(!box->informativeText().contains(young));
    QCOMPARE(m_window->sandboxModel()->data(m_window->sandboxModel()->index(
                 m_window->sandboxModel()->rowOf(old), 0), SandboxTableModel::RecordRole)
                 .value<SandboxRecord>().status,
             SandboxStatus::Running);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
    QCOMPARE(finished.first().at(0).toString(), u"Cleanup ended 1 sandbox older than 24 h"_s);
    QCOMPARE(finished.first().at(1).toBool(), true);
    QCOMPARE(m_window->statusBar()->currentMessage(), u"Cleanup ended 1 sandbox older than 24 h"_s);
    auto ended = m_backend->sandbox(old);
    QTRY_VERIFY(ended.isFinished());
    QCOMPARE(ended.result()->status, SandboxStatus::Terminated);
    auto kept = m_backend->sandbox(young);
    QTRY_VERIFY(kept.isFinished());
    QCOMPARE(kept.result()->status, SandboxStatus::Running);

    // The scheduled run asks nothing and ends what has aged since.
    age(young);
    m_window->runScheduledCleanup();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 20000);
    QCOMPARE(shown.size(), 1);
    QCOMPARE(finished.last().at(0).toString(), u"Cleanup ended 1 sandbox older than 24 h"_s);
    auto later = m_backend->sandbox(young);
    QTRY_VERIFY(later.isFinished());
    QCOMPARE(later.result()->status, SandboxStatus::Terminated);

    // A shorter interval in the Preferences moves the next run: an hour from the last one.
    ConsoleSettings().setValue(SettingsDialog::CleanupIntervalKey, 1);
    m_window->applyCleanupSettings(24, 1);
    QVERIFY(m_window->cleanupTimer()->isActive());
    QVERIFY(m_window->cleanupTimer()->interval() <= 3600 * 1000);
    QVERIFY(m_window->cleanupTimer()->interval() > 3500 * 1000);

    // Nothing left: Clean Up Now says so instead of asking.
    m_window->cleanupAction()->trigger();
    QTRY_COMPARE(shown.size(), 2);
    QPointer<QMessageBox> note = shown.last().first().value<QMessageBox *>();
    QVERIFY(note);
    QCOMPARE(note->objectName(), u"cleanupNothingToDo"_s);
    QVERIFY(note->text().startsWith(u"Cleanup found no sandbox older than 24 h"_s));
    note->close();
}

namespace {

int pooledRows(const SandboxTableModel *model)
{
    int count = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (SandboxBadge(model->index(row, SandboxTableModel::StatusColumn)
                             .data(SandboxTableModel::BadgeRole).toInt())
            == SandboxBadge::Pooled)
            ++count;
    }
    return count;
}

} // namespace

void tst_MainWindow::warmPoolFillsShowsPooledAndEmpties()
{
    ConsoleSettings().setValue(u"pool/size"_s, 2);
    openWindow();
    if (QTest::currentTestFailed())
        return;
    // Filled once the window is up: two rows read "Pooled", and the search finds them.
    QTRY_COMPARE_WITH_TIMEOUT(pooledRows(m_window->sandboxModel()), 2, 20000);
    QCOMPARE(m_window->sandboxModel()->index(0, SandboxTableModel::StatusColumn).data().toString(),
             u"Pooled"_s);
    m_window->filterModel()->setSearchText(u"pooled"_s);
    QCOMPARE(m_window->filterModel()->rowCount(), 2);
    m_window->filterModel()->setSearchText({});

    // Sandbox → Empty Warm Pool: a confirmation with the count, then both end.
    auto *action = m_window->findChild<QAction *>(u"emptyPoolAction"_s);
    QVERIFY(action);
    QVERIFY(m_window->findChild<QMenu *>(u"sandboxMenu"_s)->actions().contains(action));
    action->trigger();
    QPointer<QMessageBox> box;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(u"emptyPoolConfirmation"_s)) && box->isVisible());
    QVERIFY2(box->text().contains(u"2"_s), qPrintable(box->text()));
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE_WITH_TIMEOUT(pooledRows(m_window->sandboxModel()), 0, 20000);
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(u"ended 2 sandboxes"_s));
    QCOMPARE(m_window->sandboxModel()->statusCount(SandboxStatus::Terminated), 2);
}

void tst_MainWindow::warmPoolEmptiedOnExitUnlessKept_data()
{
    QTest::addColumn<bool>("keep");
    QTest::newRow("emptied") << false;
    QTest::newRow("kept") << true;
}

void tst_MainWindow::warmPoolEmptiedOnExitUnlessKept()
{
    QFETCH(bool, keep);
    ConsoleSettings().setValue(u"pool/size"_s, 1);
    ConsoleSettings().setValue(u"pool/keepOnExit"_s, keep);
    openWindow();
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(pooledRows(m_window->sandboxModel()), 1, 20000);
    const QString id = m_window->sandboxModel()->record(0).id;
    m_window->close();
    // Emptying first, then closed.
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 20000);
    auto after = m_backend->sandbox(id);
    QTRY_VERIFY(after.isFinished());
    QVERIFY_RESULT(after.result());
    QCOMPARE(after.result()->status, keep ? SandboxStatus::Running : SandboxStatus::Terminated);
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
