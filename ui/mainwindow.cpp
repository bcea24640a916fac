// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "accounts/e2baccess.h"
#include "accounts/githubaccess.h"
#include "accounts/profilestore.h"
#include "console/consolebackend.h"
#include "console/consolesettings.h"
#include "columnsmenu.h"
#include "createsandboxdialog.h"
#include "errorbanner.h"
#include "icons.h"
#include "latestmetricsfeed.h"
#include "notifier.h"
#include "profileswitcher.h"
#include "runswindow.h"
#include "sandboxdetailspane.h"
#include "sandboxfiltermodel.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"
#include "secrets/secretvault.h"
#include "settingsdialog.h"
#include "statusbadgedelegate.h"
#include "statuscounts.h"
#include "terminatebatch.h"
#include "warmpoolcontrol.h"
#include "textcelldelegate.h"
#include "timeoutwarner.h"
#include "workflowwizard.h"

#include <QAbstractButton>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// The confirmation lists this many sandboxes; the rest go to its details.
constexpr int ConfirmListed = 12;
constexpr int AgeRepaintMs = 60 * 1000;
// The time-left column counts down in seconds.
constexpr int CountdownRepaintMs = 1000;
// What "Extend Timeout" offers first, in minutes.
constexpr int DefaultExtendMinutes = 30;

bool isE2bLive(const SandboxRecord &record)
{
    return record.provider == u"e2b" && record.status == SandboxStatus::Running && !record.orphan;
}
constexpr int RefreshIntervals[] = {0, 2000, 5000, 10000, 30000, 60000};

const QString SettingsGroup = u"mainWindow"_s;

QString intervalText(int ms)
{
    return ms == 0 ? MainWindow::tr("Off") : MainWindow::tr("%1 s").arg(ms / 1000);
}

} // namespace

MainWindow::MainWindow(ConsoleBackend *backend, QWidget *parent)
    : QMainWindow(parent)
    , m_backend(backend)
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Squad Console"));

    m_model = new SandboxTableModel(this);
    m_proxy = new SandboxFilterModel(this);
    m_proxy->setSandboxModel(m_model);

    buildActions();
    buildCentral();
    buildMenus();
    buildToolBar();
    buildStatusBar();

    m_refreshTimer = new QTimer(this);
    connect(m_refreshTimer, &QTimer::timeout, this, &MainWindow::onAutoRefresh);
    m_cleanupTimer = new QTimer(this);
    m_cleanupTimer->setSingleShot(true);
    connect(m_cleanupTimer, &QTimer::timeout, this, &MainWindow::runScheduledCleanup);
    // Ages are computed when a cell paints: repainting is all a minute needs.
    m_ageTimer = new QTimer(this);
    m_ageTimer->setInterval(AgeRepaintMs);
    connect(m_ageTimer, &QTimer::timeout, this, [this] {
        m_table->viewport()->update();
        m_details->refreshAges();
        updateRefreshLabel();
    });
    m_ageTimer->start();
    m_countdownTimer = new QTimer(this);
    m_countdownTimer->setInterval(CountdownRepaintMs);
    connect(m_countdownTimer, &QTimer::timeout, this, [this] {
        const int column = SandboxTableModel::TimeLeftColumn;
        if (!m_table->isColumnHidden(column)) {
            const int x = m_table->columnViewportPosition(column);
            m_table->viewport()->update(QRect(x, 0, m_table->columnWidth(column),
                                              m_table->viewport()->height()));
        }
        m_details->refreshAges();
    });
    m_countdownTimer->start();
    // Selection and row changes arrive in bursts; the actions and the pane follow once.
    m_selectionTimer = new QTimer(this);
    m_selectionTimer->setSingleShot(true);
    m_selectionTimer->setInterval(0);
    connect(m_selectionTimer, &QTimer::timeout, this, &MainWindow::updateSelectionState);
    // A background refresh or the first page shows its indicator only when it is slow.
    m_busyDelay = new QTimer(this);
    m_busyDelay->setSingleShot(true);
    m_busyDelay->setInterval(500);
    connect(m_busyDelay, &QTimer::timeout, this, [this] {
        if (m_loading)
            setBusy(m_loadedAll ? tr("Refreshing…") : tr("Loading sandboxes…"));
    });

    if (m_backend) {
        connect(m_backend, &ConsoleBackend::sandboxChanged, this, &MainWindow::onSandboxChanged);
    }
    connect(m_model, &SandboxTableModel::statusCountsChanged, this, &MainWindow::updateCounts);
    // Any row change may start, pause or end billing: recounted once per event loop turn.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::scheduleBurnRateUpdate);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_model, signal, this, &MainWindow::scheduleBurnRateUpdate);
    }
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::scheduleBurnRateUpdate);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MainWindow::scheduleSelectionUpdate);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::scheduleSelectionUpdate);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_proxy, signal, this, &MainWindow::updateEmptyState);
    }
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateEmptyState);
    // The operator's own selection is answered at once; model bursts are coalesced.
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateSelectionState);

    // Nothing can be created before the database is open.
    m_createAction->setEnabled(false);
    restoreSettings();
    updateCounts();
    updateEmptyState();
    updateSelectionState();
}

MainWindow::~MainWindow() = default;

// --- construction ------------------------------------------------------------------------------

void MainWindow::buildActions()
{
    const auto make = [this](const QString &text, const QString &name, const QString &icon = {}) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        if (!icon.isEmpty())
            action->setIcon(consoleIcon(icon));
        return action;
    };

    m_quitAction = make(tr("&Quit"), u"quitAction"_s);
    m_quitAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Q)});
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_refreshAction = make(tr("&Refresh"), u"refreshAction"_s, u"refresh"_s);
    m_refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_refreshAction->setToolTip(tr("Read every sandbox again now (F5)"));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refresh);

    m_searchAction = make(tr("&Search…"), u"searchAction"_s, u"search"_s);
    m_searchAction->setShortcut(QKeySequence::Find);
    connect(m_searchAction, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });

    m_detailsAction = make(tr("Show &Details Pane"), u"detailsAction"_s);
    m_detailsAction->setCheckable(true);
    m_detailsAction->setChecked(true);
    m_detailsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));

    m_intervalGroup = new QActionGroup(this);
    m_intervalGroup->setExclusive(true);
    for (const int ms : RefreshIntervals) {
        QAction *action = m_intervalGroup->addAction(intervalText(ms));
        action->setCheckable(true);
        action->setData(ms);
        action->setObjectName(u"refreshInterval%1Action"_s.arg(ms));
    }
    connect(m_intervalGroup, &QActionGroup::triggered, this,
            [this](QAction *action) { setRefreshInterval(action->data().toInt()); });

    m_createAction = make(tr("&New Sandbox…"), u"createAction"_s, u"new"_s);
    m_createAction->setIconText(tr("New"));
    m_createAction->setShortcut(QKeySequence::New);
    m_createAction->setToolTip(tr("Create a sandbox from a template (Ctrl+N)"));
    connect(m_createAction, &QAction::triggered, this, [this] { openCreateDialog(); });

    m_terminateAction
        = make(tr("&Terminate…"), u"terminateAction"_s, u"terminate"_s);
    m_terminateAction->setIconText(tr("Terminate"));
    m_terminateAction->setShortcut(QKeySequence::Delete);
    m_terminateAction->setToolTip(tr("Terminate the selected sandboxes (Del)"));
    connect(m_terminateAction, &QAction::triggered, this, &MainWindow::terminateSelected);

    m_copyAction = make(tr("&Copy Id"), u"copyIdAction"_s, u"copy"_s);
    m_copyAction->setIconText(tr("Copy Id"));
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setToolTip(tr("Copy the selected sandboxes' ids (Ctrl+C)"));
    connect(m_copyAction, &QAction::triggered, this, &MainWindow::copySelectedIds);

    m_runAction = make(tr("&Run Command…"), u"runCommandAction"_s, u"run"_s);
    m_runAction->setIconText(tr("Run"));
    m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_runAction->setToolTip(tr("Run a command in the selected running sandbox (Ctrl+R)"));
    connect(m_runAction, &QAction::triggered, this, [this] {
        if (!m_detailsAction->isChecked())
            m_detailsAction->setChecked(true);
        m_details->focusCommand();
    });

    m_extendAction = make(tr("&Extend Timeout…"), u"extendTimeoutAction"_s);
    m_extendAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_extendAction->setToolTip(tr("Keep the selected E2B sandboxes running longer (Ctrl+T)"));
    connect(m_extendAction, &QAction::triggered, this, qOverload<>(&MainWindow::extendSelected));

    m_pauseAction = make(tr("&Pause"), u"pauseAction"_s);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAction->setToolTip(
        tr("Pause the selected E2B sandboxes: they keep their state and cost nothing until "
           "resumed (Ctrl+Shift+P)"));
    connect(m_pauseAction, &QAction::triggered, this, &MainWindow::pauseSelected);

    m_resumeAction = make(tr("Res&ume"), u"resumeAction"_s);
    m_resumeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_resumeAction->setToolTip(tr("Resume the selected paused sandboxes (Ctrl+Shift+U)"));
    connect(m_resumeAction, &QAction::triggered, this, &MainWindow::resumeSelected);

    m_adoptAction = make(tr("&Adopt"), u"adoptAction"_s);
    m_adoptAction->setToolTip(
        tr("Give the selected orphans (running at E2B with no row here) a row in this console"));
    connect(m_adoptAction, &QAction::triggered, this, &MainWindow::adoptSelected);

    m_cleanupAction = make(tr("Clean &Up Now…"), u"cleanupAction"_s);
    m_cleanupAction->setToolTip(tr("End sandboxes running or in error for longer than the cleanup "
                                   "age (Preferences → General), after showing which and why"));
    m_cleanupAction->setEnabled(false);
    connect(m_cleanupAction, &QAction::triggered, this, &MainWindow::cleanUpNow);

    m_selectAllAction = make(tr("Select &All"), u"selectAllAction"_s);
    m_selectAllAction->setShortcut(QKeySequence::SelectAll);

    m_preferencesAction = make(tr("&Preferences…"), u"preferencesAction"_s);
    m_preferencesAction->setShortcuts(QKeySequence::Preferences);
    if (m_preferencesAction->shortcuts().isEmpty())
        m_preferencesAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_preferencesAction->setMenuRole(QAction::PreferencesRole);
    m_preferencesAction->setEnabled(false);  // until setAccounts()
    connect(m_preferencesAction, &QAction::triggered, this, [this] { openPreferences(); });
    m_newRunAction = make(tr("&New Run…"), u"newRunAction"_s);
    m_newRunAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    m_newRunAction->setToolTip(
        tr("Walk a change from a sandbox to a GitHub pull request, step by step (Ctrl+Shift+N)"));
    m_newRunAction->setEnabled(false);  // until the database is open
    connect(m_newRunAction, &QAction::triggered, this, [this] { openNewRun(); });
    m_runsAction = make(tr("&Runs…"), u"runsAction"_s);
    m_runsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_runsAction->setToolTip(tr("Every workflow run: open, resume, retry or abort (Ctrl+Shift+R)"));
    m_runsAction->setEnabled(false);
    connect(m_runsAction, &QAction::triggered, this, [this] { openRuns(); });

    m_aboutAction = make(tr("&About Squad Console"), u"aboutAction"_s);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        auto *box = new QMessageBox(this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowTitle(tr("About Squad Console"));
        box->setIconPixmap(QApplication::windowIcon().pixmap(64, 64));
        box->setTextFormat(Qt::RichText);
        box->setText(tr("<h3>Squad Console %1</h3>"
                        "<p>An operations console for the code sandboxes AI coding agents work "
                        "in: watch, create and terminate them, one or a hundred at once.</p>")
                         .arg(QApplication::applicationVersion().toHtmlEscaped()));
        box->setInformativeText(
            tr("Built with Qt %1, running on Qt %2.<br>Database: %3")
                .arg(QString::fromLatin1(QT_VERSION_STR), QString::fromLatin1(qVersion()),
                     m_backend ? m_backend->databaseName().toHtmlEscaped() : QString()));
        box->open();
    });
    m_aboutQtAction = make(tr("About &Qt"), u"aboutQtAction"_s);
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    m_fileMenu->addAction(m_preferencesAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_searchAction);
    view->addAction(m_refreshAction);
    m_intervalMenu = view->addMenu(tr("&Auto-Refresh"));
    m_intervalMenu->setObjectName(u"refreshIntervalMenu"_s);
    m_intervalMenu->addActions(m_intervalGroup->actions());
    view->addSeparator();
    view->addAction(m_detailsAction);

    m_sandboxMenu = menuBar()->addMenu(tr("&Sandbox"));
    m_sandboxMenu->setObjectName(u"sandboxMenu"_s);
    m_sandboxMenu->addAction(m_createAction);
    m_sandboxMenu->addAction(m_terminateAction);
    m_sandboxMenu->addAction(m_cleanupAction);
    m_warmPool = new WarmPoolControl(m_backend, this);
    connect(m_warmPool, &WarmPoolControl::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 15000); });
    m_sandboxMenu->addAction(m_warmPool->emptyAction());
    m_sandboxMenu->addSeparator();
    m_sandboxMenu->addAction(m_extendAction);
    m_sandboxMenu->addAction(m_pauseAction);
    m_sandboxMenu->addAction(m_resumeAction);
    m_sandboxMenu->addAction(m_adoptAction);
    m_sandboxMenu->addSeparator();
    m_sandboxMenu->addAction(m_runAction);
    m_sandboxMenu->addAction(m_copyAction);
    m_sandboxMenu->addSeparator();
    m_sandboxMenu->addAction(m_selectAllAction);

    m_workflowMenu = menuBar()->addMenu(tr("&Workflow"));
    m_workflowMenu->setObjectName(u"workflowMenu"_s);
    m_workflowMenu->addAction(m_newRunAction);
    m_workflowMenu->addAction(m_runsAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
    help->addAction(m_aboutQtAction);
}

void MainWindow::setAccounts(SecretVault *vault, QSettings *settings, const QString &profile)
{
    m_vault = vault;
    m_accountSettings = settings;
    m_warmPool->setSettings(settings);
    m_profileSwitcher = new ProfileSwitcher(settings, profile, this);
    m_statusFacts->addWidget(m_profileSwitcher);
    m_profileSwitcher->show();  // a widget added to a shown window stays hidden until told
    connect(m_profileSwitcher, &ProfileSwitcher::preferencesRequested, this,
            [this] { openPreferences(); });

    // Without a keychain, secrets live for this run only: say so where it stays visible.
    m_keychainLabel = new QLabel(this);
    m_keychainLabel->setObjectName(u"keychainIndicator"_s);
    m_keychainLabel->setText(u"⚠ "_s + tr("No keychain"));
    m_keychainLabel->hide();
    m_statusFacts->addWidget(m_keychainLabel);
    const auto showProblem = [this](const QString &message) {
        m_keychainLabel->setToolTip(
            tr("%1\nSecrets saved now are kept in memory for this run only.").arg(message));
        m_keychainLabel->show();
    };
    connect(vault, &SecretVault::keychainUnavailable, this, showProblem);
    if (!vault->keychainProblem().isEmpty())
        showProblem(vault->keychainProblem());
    m_preferencesAction->setEnabled(true);

    connect(m_profileSwitcher, &ProfileSwitcher::profileChanged, this, &MainWindow::connectE2b);
    connect(m_profileSwitcher, &ProfileSwitcher::profileChanged, this, &MainWindow::applyCostRates);
    applyCostRates();
    // Another profile, another GitHub and author: read again when the workflow next needs them.
    connect(m_profileSwitcher, &ProfileSwitcher::profileChanged, this,
            [this] { m_workflowProfile.clear(); });
    // Reading the key wakes the keychain (a D-Bus round trip or more): not before the table
    // has painted and read its rows.
    if (m_loadedAll)
        connectE2b();
    else
        m_connectE2bAfterLoad = true;
}

void MainWindow::connectE2b()
{
    if (!m_vault || !m_accountSettings || !m_backend)
        return;
    const QString profileName = profile();
    resolveE2bAccess(*m_vault, *m_accountSettings, profileName)
        .then(this, [this, profileName](const std::optional<E2bAccess> &access) {
            if (profileName != profile())
                return;  // the operator switched again meanwhile
            if (!access) {
                m_e2bLabel->setVisible(m_backend->hasE2b());
                if (m_backend->hasE2b()) {
                    m_e2bLabel->setText(u"⚠ "_s + tr("E2B: no key"));
                    m_e2bLabel->setToolTip(tr("Profile \"%1\" has no E2B API key: set one in "
                                              "Preferences → Accounts.").arg(profileName));
                }
                Q_EMIT e2bConnected(false);
                return;
            }
            m_backend->enableE2b(access->location, access->apiKey)
                .then(this, [this](const Result<void> &enabled) {
                    m_e2bLabel->show();
                    if (!enabled) {
                        m_e2bLabel->setText(u"⚠ "_s + tr("E2B: not set up"));
                        m_e2bLabel->setToolTip(enabled.error().toString());
                        Q_EMIT e2bConnected(false);
                        return;
                    }
                    m_e2bLabel->setText(tr("E2B: connecting…"));
                    m_e2bLabel->setToolTip({});
                    Q_EMIT e2bConnected(true);
                    reconcileE2b();
                });
        });
}

void MainWindow::reconcileE2b()
{
    if (!m_backend || !m_backend->hasE2b() || m_reconciling)
        return;
    m_reconciling = true;
    m_backend->reconcile().then(this, [this](const Result<ReconcileReport> &report) {
        m_reconciling = false;
        m_e2bLabel->show();
        if (!report) {
            m_e2bLabel->setText(u"⚠ "_s + tr("E2B: unreachable"));
            if (report.error().code() == ErrorCode::Unauthenticated)
                m_e2bLabel->setText(u"⚠ "_s + tr("E2B: key refused"));
            m_e2bLabel->setToolTip(report.error().toString());
            Q_EMIT reconciled();
            return;
        }
        const int orphans = int(report->orphans.size());
        QString text = tr("E2B: %1 live").arg(report->live);
        if (orphans > 0)
            text += u" · "_s + (orphans == 1 ? tr("1 orphan") : tr("%1 orphans").arg(orphans));
        m_e2bLabel->setText(text);
        QStringList facts;
        facts << (report->live == 1 ? tr("1 sandbox running or paused at E2B")
                                    : tr("%1 sandboxes running or paused at E2B").arg(report->live));
        if (!report->paused.isEmpty())
            facts << tr("Of ours, paused: %1").arg(report->paused.size());
        if (!report->closed.isEmpty())
            facts << tr("Rows closed, gone at E2B: %1").arg(report->closed.size());
        if (!report->recovered.isEmpty())
            facts << tr("Rows recovered, found at E2B: %1").arg(report->recovered.size());
        if (orphans > 0)
            facts << tr("Orphans (running at E2B with no row here; select them to adopt or "
                        "terminate): %1").arg(orphans);
        m_e2bLabel->setToolTip(facts.join(u'\n'));
        // Orphans come with the next snapshot; closed and refreshed rows arrived as changes.
        load(LoadKind::IfChanged);
        Q_EMIT reconciled();
    });
}

QString MainWindow::profile() const
{
    return m_profileSwitcher ? m_profileSwitcher->profile() : QString();
}

SettingsDialog *MainWindow::openPreferences()
{
    if (!m_vault || !m_accountSettings)
        return nullptr;
    if (m_settingsDialog) {
        m_settingsDialog->raise();
        m_settingsDialog->activateWindow();
        return m_settingsDialog;
    }
    m_settingsDialog = new SettingsDialog(m_vault, m_accountSettings, this);
    m_settingsDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_settingsDialog, &SettingsDialog::refreshIntervalChanged, this,
            &MainWindow::setRefreshInterval);
    connect(m_settingsDialog, &SettingsDialog::cleanupSettingsChanged, this,
            &MainWindow::applyCleanupSettings);
    connect(m_settingsDialog, &SettingsDialog::notificationSettingsChanged, this,
            &MainWindow::applyNotificationSettings);
    connect(m_settingsDialog, &SettingsDialog::profilesChanged, m_profileSwitcher,
            &ProfileSwitcher::reload);
    connect(m_settingsDialog, &SettingsDialog::profilesChanged, this, &MainWindow::applyCostRates);
    connect(m_settingsDialog, &SettingsDialog::profileUpdated, this, &MainWindow::applyCostRates);
    connect(m_settingsDialog, &SettingsDialog::activeProfileChanged, m_profileSwitcher,
            &ProfileSwitcher::reload);
    m_settingsDialog->open();
    return m_settingsDialog;
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_createAction);
    bar->addAction(m_terminateAction);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_copyAction);
    bar->addSeparator();
    bar->addAction(m_refreshAction);
    m_intervalButton = new QToolButton(bar);
    m_intervalButton->setObjectName(u"refreshIntervalButton"_s);
    m_intervalButton->setMenu(m_intervalMenu);
    m_intervalButton->setPopupMode(QToolButton::InstantPopup);
    m_intervalButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_intervalButton->setToolTip(tr("How often the table reads the database"));
    bar->addWidget(m_intervalButton);
}

void MainWindow::buildCentral()
{
    const QFontMetrics fm = fontMetrics();
    const int unit = fm.averageCharWidth();


    m_search = new QLineEdit(this);
    m_search->setObjectName(u"searchField"_s);
    m_search->setPlaceholderText(tr("Search all columns… (Ctrl+F)"));
    m_search->addAction(consoleIcon(u"search"_s), QLineEdit::LeadingPosition);
    m_search->setAccessibleName(tr("Search"));
    m_search->installEventFilter(this);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        // The clear button shows only with text; its icon is looked up in the desktop theme,
        // which costs more at start-up than the rest of the search row.
        if (!text.isEmpty() && !m_search->isClearButtonEnabled())
            m_search->setClearButtonEnabled(true);
        m_proxy->setSearchText(text);
        updateEmptyState();
        scheduleSelectionUpdate();
    });

    m_statusFilter = new QComboBox(this);
    m_statusFilter->setObjectName(u"statusFilter"_s);
    m_statusFilter->setAccessibleName(tr("Status filter"));
    m_statusFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_statusFilter->addItem(tr("All (%1)").arg(0), -1);
    for (const SandboxStatus status : {SandboxStatus::Running, SandboxStatus::Created,
                                       SandboxStatus::Error, SandboxStatus::Terminated}) {
        const StatusPresentation p = presentationOf(status);
        m_statusFilter->addItem(u"%1 %2 (0)"_s.arg(p.symbol, p.label), int(status));
    }
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        const int value = m_statusFilter->itemData(index).toInt();
        m_proxy->setStatusFilter(value < 0 ? std::nullopt
                                           : std::optional(static_cast<SandboxStatus>(value)));
        updateEmptyState();
        scheduleSelectionUpdate();
    });
    auto *statusLabel = new QLabel(tr("S&tatus:"), this);
    statusLabel->setBuddy(m_statusFilter);

    auto *filterRow = new QHBoxLayout;
    filterRow->setSpacing(unit);
    filterRow->addWidget(m_search, 1);
    filterRow->addSpacing(unit);
    filterRow->addWidget(statusLabel);
    filterRow->addWidget(m_statusFilter);

    m_table = new QTableView(this);
    m_table->setObjectName(u"sandboxTable"_s);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setItemDelegateForColumn(SandboxTableModel::StatusColumn,
                                      new StatusBadgeDelegate(m_table));
    m_table->setItemDelegate(new TextCellDelegate(Qt::ElideRight, m_table));
    m_table->setItemDelegateForColumn(SandboxTableModel::RepoColumn,
                                      new TextCellDelegate(Qt::ElideLeft, m_table));
    m_table->setAccessibleName(tr("Sandboxes"));
    // Fixed row heights keep 100,000 rows cheap: the view never measures a row.
    QHeaderView *rows = m_table->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fm.height() + std::max(6, fm.height() / 2));
    QHeaderView *columns = m_table->horizontalHeader();
    columns->setSectionsMovable(true);
    columns->setHighlightSections(false);
    columns->setStretchLastSection(true);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setMinimumSectionSize(unit * 4);
    // Widths that fit typical values; the model's column order is the scanning order, and an
    // operator's own layout is remembered.
    const auto width = [&](const QString &sample) {
        return fm.horizontalAdvance(sample) + unit * 3;
    };
    columns->resizeSection(SandboxTableModel::StatusColumn, width(u"■ Terminated"_s) + unit * 3);
    columns->resizeSection(SandboxTableModel::IdColumn, width(u"0b0e5d1c-3f0a"_s));
    columns->resizeSection(SandboxTableModel::TemplateColumn, width(u"python-3.12"_s));
    columns->resizeSection(SandboxTableModel::RepoColumn, width(u"…acme/pipeline.git"_s));
    columns->resizeSection(SandboxTableModel::AgeColumn, width(u"Age 99d"_s));
    columns->resizeSection(SandboxTableModel::LastUsedColumn, width(u"Last used"_s));
    columns->resizeSection(SandboxTableModel::TimeLeftColumn, width(u"Time left"_s) + unit);
    columns->resizeSection(SandboxTableModel::CpuColumn, width(u"vCPU"_s));
    columns->resizeSection(SandboxTableModel::MemoryColumn, width(u"512 MiB"_s) + unit);
    columns->resizeSection(SandboxTableModel::CpuUsedColumn, width(u"CPU %"_s) + unit);
    columns->resizeSection(SandboxTableModel::MemoryUsedColumn, width(u"Mem used"_s));
    columns->resizeSection(SandboxTableModel::CostColumn, width(u"$0.0000"_s) + unit);
    columns->resizeSection(SandboxTableModel::TaskColumn, width(u"0b0e5d1c-3"_s));
    columns->resizeSection(SandboxTableModel::AgentColumn, width(u"0b0e5d1c-3"_s));
    columns->resizeSection(SandboxTableModel::ProviderColumn, width(u"Provider"_s));
    // The columns up to Cost fit beside the details pane in a 1440 px window; the less used
    // ones start hidden (the header's context menu shows them; the choice is remembered).
    for (const int hidden : {SandboxTableModel::LastUsedColumn, SandboxTableModel::TaskColumn,
                             SandboxTableModel::AgentColumn})
        columns->hideSection(hidden);
    addColumnsMenu(columns);
    m_table->setSortingEnabled(true);
    // Newest first: the age column sorts by creation time.
    m_table->sortByColumn(SandboxTableModel::AgeColumn, Qt::DescendingOrder);
    m_table->installEventFilter(this);
    m_table->viewport()->installEventFilter(this);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        m_sandboxMenu->popup(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_selectAllAction, &QAction::triggered, m_table, &QTableView::selectAll);

    // What the table says when it has no rows to show.
    m_emptyState = new QLabel(m_table->viewport());
    m_emptyState->setObjectName(u"emptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setTextFormat(Qt::RichText);
    QPalette dim = m_emptyState->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    m_emptyState->setPalette(dim);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(unit, unit / 2, 0, 0);
    leftLayout->setSpacing(unit / 2 + 2);
    m_leftLayout = leftLayout;  // the error banner goes on top when there is one
    leftLayout->addLayout(filterRow);
    leftLayout->addWidget(m_table, 1);

    m_details = new SandboxDetailsPane(m_backend, this);
    connect(m_detailsAction, &QAction::toggled, m_details, &QWidget::setVisible);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(u"mainSplitter"_s);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({unit * 150, unit * 75});
    setCentralWidget(m_splitter);

    setTabOrder(m_search, m_statusFilter);
    setTabOrder(m_statusFilter, m_table);
    connect(m_details, &SandboxDetailsPane::pagesBuilt, this, [this] {
        setTabOrder(m_table, m_details->commandField());
        setTabOrder(m_details->commandField(), m_details->runButton());
    });
}

void MainWindow::buildStatusBar()
{
    const QFontMetrics fm = fontMetrics();
    m_busyBar = new QProgressBar(this);
    m_busyBar->setObjectName(u"busyIndicator"_s);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setMaximumWidth(fm.averageCharWidth() * 10);
    m_busyBar->setMaximumHeight(fm.height() * 2 / 3);
    m_busyLabel = new QLabel(this);
    m_busyLabel->setObjectName(u"busyLabel"_s);
    m_countsLabel = new StatusCounts(this);
    m_countsLabel->setObjectName(u"countsLabel"_s);
    m_refreshedLabel = new QLabel(this);
    m_refreshedLabel->setObjectName(u"refreshedLabel"_s);
    m_burnLabel = new QLabel(this);
    m_burnLabel->setObjectName(u"burnRateLabel"_s);
    updateBurnRate();
    m_databaseLabel = new QLabel(tr("Database: opening…"), this);
    m_databaseLabel->setObjectName(u"databaseLabel"_s);
    // Copied from its context menu: a selectable label costs a text document at start-up.
    m_databaseLabel->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copyLocation = new QAction(tr("Copy Database Location"), m_databaseLabel);
    connect(copyLocation, &QAction::triggered, this, [this] {
        QGuiApplication::clipboard()->setText(m_databaseLabel->toolTip());
    });
    m_databaseLabel->addAction(copyLocation);

    m_busyBar->hide();
    m_busyLabel->hide();
    // One widget a side: the status bar lays itself out again for every widget it is given.
    const auto row = [&](QWidget *parent) {
        auto *layout = new QHBoxLayout(parent);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(fm.averageCharWidth() * 2);
        return layout;
    };
    auto *busy = new QWidget(this);
    QHBoxLayout *busyRow = row(busy);
    busyRow->addWidget(m_busyBar);
    busyRow->addWidget(m_busyLabel);
    auto *facts = new QWidget(this);
    m_statusFacts = row(facts);
    m_statusFacts->addWidget(m_countsLabel);
    m_statusFacts->addWidget(m_burnLabel);
    m_statusFacts->addWidget(m_refreshedLabel);
    m_e2bLabel = new QLabel(this);
    m_e2bLabel->setObjectName(u"e2bIndicator"_s);
    m_e2bLabel->hide();  // until E2B is set up for the profile
    m_statusFacts->addWidget(m_e2bLabel);
    m_statusFacts->addWidget(m_databaseLabel);
    statusBar()->addWidget(busy);
    statusBar()->addPermanentWidget(facts);
}

// --- settings ----------------------------------------------------------------------------------

void MainWindow::restoreSettings()
{
    ConsoleSettings settings;
    settings.beginGroup(SettingsGroup);
    if (!restoreGeometry(settings.value(u"geometry"_s).toByteArray())) {
        // First run: roomy, but never larger than the screen.
        const int unit = fontMetrics().averageCharWidth();
        QSize size(unit * 230, fontMetrics().height() * 52);
        if (const QScreen *screen = this->screen())
            size = size.boundedTo(screen->availableSize() * 0.9);
        resize(size);
    }
    restoreState(settings.value(u"state"_s).toByteArray());
    m_splitter->restoreState(settings.value(u"splitter"_s).toByteArray());
    m_details->restoreLayout(settings.value(u"detailsSplitter"_s).toByteArray());
    // A layout saved with other columns would put sections in the wrong place.
    if (settings.value(u"columns"_s).toInt() == SandboxTableModel::ColumnCount) {
        QHeaderView *header = m_table->horizontalHeader();
        if (header->restoreState(settings.value(u"header"_s).toByteArray()))
            m_table->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
    }
    m_detailsAction->setChecked(settings.value(u"detailsVisible"_s, true).toBool());
    setRefreshInterval(settings.value(u"refreshIntervalMs"_s, 5000).toInt());
}

void MainWindow::saveSettings() const
{
    ConsoleSettings settings;
    settings.beginGroup(SettingsGroup);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"state"_s, saveState());
    settings.setValue(u"splitter"_s, m_splitter->saveState());
    settings.setValue(u"detailsSplitter"_s, m_details->saveLayout());
    settings.setValue(u"header"_s, m_table->horizontalHeader()->saveState());
    settings.setValue(u"columns"_s, int(SandboxTableModel::ColumnCount));
    settings.setValue(u"detailsVisible"_s, m_detailsAction->isChecked());
    settings.setValue(u"refreshIntervalMs"_s, m_refreshInterval);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // The warm pool is emptied first (unless kept); the window closes when that is done.
    if (!m_warmPool->readyToClose()) {
        event->ignore();
        return;
    }
    saveSettings();
    QMainWindow::closeEvent(event);
}

// --- loading -----------------------------------------------------------------------------------

void MainWindow::start()
{
    if (m_opened) {
        refresh();
        return;
    }
    if (!m_backend)
        return;
    // A backend opened by the caller (a test, a tool embedding the window) is used as it is.
    if (!m_backend->databaseName().isEmpty()) {
        onOpened();
        return;
    }
    m_openFailed = false;
    hideBanner();
    setBusy(tr("Opening the database…"));
    updateEmptyState();
    m_backend->open().then(this, [this](const Result<void> &opened) {
        setBusy({});
        if (!opened) {
            m_openFailed = true;
            m_databaseLabel->setText(tr("Database: not open"));
            const QString message
                = tr("Could not open the database: %1").arg(opened.error().toString());
            showError(message);
            updateEmptyState();
            Q_EMIT loadFailed(message);
            return;
        }
        onOpened();
    });
}

void MainWindow::onOpened()
{
    m_opened = true;
    m_openFailed = false;
    m_createAction->setEnabled(true);
    m_newRunAction->setEnabled(true);
    m_runsAction->setEnabled(true);
    m_cleanupAction->setEnabled(!m_cleaningUp);
    scheduleCleanup();
    hideBanner();
    const QString name = m_backend->databaseName();
    m_databaseLabel->setText(tr("Database: %1").arg(name));
    m_databaseLabel->setToolTip(name);
    setWindowTitle(tr("Squad Console — %1").arg(name));
    load(LoadKind::FirstPage);
    if (m_refreshInterval > 0)
        m_refreshTimer->start(m_refreshInterval);
    // After the first paint: nothing of the pool's is made before the window shows.
    QTimer::singleShot(0, m_warmPool, &WarmPoolControl::start);
}

void MainWindow::refresh()
{
    if (!m_opened) {
        start();
        return;
    }
    load(LoadKind::Full);
    reconcileE2b();
}

void MainWindow::setRefreshInterval(int ms)
{
    ms = std::max(0, ms);
    if (ms > 0 && ms < 1000)
        ms = 1000;
    m_refreshInterval = ms;
    for (QAction *action : m_intervalGroup->actions()) {
        if (action->data().toInt() == ms)
            action->setChecked(true);
    }
    m_intervalButton->setText(tr("Auto-refresh: %1").arg(intervalText(ms)));
    if (ms == 0)
        m_refreshTimer->stop();
    else if (m_opened)
        m_refreshTimer->start(ms);
}

void MainWindow::onAutoRefresh()
{
    if (!m_opened || m_loading || m_terminateBatch)
        return;
    // Until a complete snapshot arrived (say the first full read failed), read everything.
    load(m_loadedAll ? LoadKind::IfChanged : LoadKind::Full);
    reconcileE2b();
}

void MainWindow::load(LoadKind kind)
{
    if (!m_backend)
        return;
    if (m_loading) {
        // One forced reload follows the one under way; background refreshes just skip.
        if (kind != LoadKind::IfChanged)
            m_forcePending = true;
        return;
    }
    m_loading = true;
    // The first page is usually waiting already, and a background refresh is usually quick.
    if (kind == LoadKind::IfChanged || kind == LoadKind::FirstPage)
        m_busyDelay->start();
    else
        setBusy(m_loadedAll ? tr("Refreshing…") : tr("Loading sandboxes…"));

    auto loading = kind == LoadKind::FirstPage
                       ? m_backend->firstPage(FirstPageRows)
                       : m_backend->loadSandboxes(0, kind == LoadKind::IfChanged);
    loading.then(this, [this, kind](const Result<std::optional<SandboxSnapshot>> &result) {
            m_loading = false;
            m_busyDelay->stop();
            setBusy({});
            if (!result) {
                const QString message
                    = tr("Could not read the sandboxes: %1").arg(result.error().toString());
                showError(message);
                m_bannerFromLoad = true;
                updateEmptyState();
                Q_EMIT loadFailed(message);
            } else {
                if (m_bannerFromLoad) {
                    hideBanner();
                    m_bannerFromLoad = false;
                }
                if (result->has_value()) {
                    const SandboxSnapshot &snapshot = **result;
                    m_model->applySnapshot(snapshot.records, snapshot.complete);
                    m_totalCounts = snapshot.counts;
                    if (snapshot.complete) {
                        m_loadedAll = true;
                        offerResume();
                        startNotifications();
                    }
                    if (m_loadedAll && m_connectE2bAfterLoad) {
                        m_connectE2bAfterLoad = false;
                        connectE2b();
                    }
                }
                // After the rows are read, and never for the first page (before the first paint).
                if (kind != LoadKind::FirstPage)
                    refreshLatestMetrics();
                m_lastRefresh = QDateTime::currentDateTime();
                updateRefreshLabel();
                updateCounts();
                updateEmptyState();
                Q_EMIT loaded();
            }
            if (kind == LoadKind::FirstPage && result) {
                // The rest is read once the first rows are on screen: on a two-core machine the
                // read would otherwise compete with the first paint. A window that is not
                // painted (hidden, minimised) gets it a moment later all the same.
                m_fullLoadAfterPaint = true;
                QTimer::singleShot(FullLoadFallbackMs, this, [this] { startDeferredFullLoad(); });
            } else if (m_forcePending) {
                m_forcePending = false;
                load(LoadKind::Full);
            }
        });
}

void MainWindow::onSandboxChanged(const SandboxRecord &record)
{
    m_model->updateSandbox(record);
}

void MainWindow::showError(const QString &message, bool retryable)
{
    if (!m_banner) {
        // Made when first needed: most sessions never show it.
        m_banner = new ErrorBanner(this);
        connect(m_banner, &ErrorBanner::retryRequested, this, [this] {
            if (m_opened)
                refresh();
            else
                start();
        });
        m_leftLayout->insertWidget(0, m_banner);
    }
    m_banner->showMessage(message, retryable);
    statusBar()->showMessage(message);
}

void MainWindow::setBusy(const QString &message)
{
    m_busyBar->setVisible(!message.isEmpty());
    m_busyLabel->setVisible(!message.isEmpty());
    m_busyLabel->setText(message);
}

// --- state shown -------------------------------------------------------------------------------

QString MainWindow::countsText() const
{
    const QMap<SandboxStatus, int> counts = m_loadedAll ? m_model->statusCounts() : m_totalCounts;
    QStringList parts;
    for (const SandboxStatus status : {SandboxStatus::Running, SandboxStatus::Created,
                                       SandboxStatus::Error, SandboxStatus::Terminated}) {
        parts << u"%1 %2"_s.arg(counts.value(status)).arg(presentationOf(status).label.toLower());
    }
    return parts.join(u" · "_s);
}

void MainWindow::updateCounts()
{
    const QMap<SandboxStatus, int> counts = m_loadedAll ? m_model->statusCounts() : m_totalCounts;
    int total = 0;
    const QLocale locale;
    for (const SandboxStatus status : {SandboxStatus::Running, SandboxStatus::Created,
                                       SandboxStatus::Error, SandboxStatus::Terminated}) {
        const StatusPresentation p = presentationOf(status);
        const int n = counts.value(status);
        total += n;
        setFilterText(m_statusFilter->findData(int(status)),
                      u"%1 %2 (%3)"_s.arg(p.symbol, p.label, locale.toString(n)));
    }
    setFilterText(0, tr("All (%1)").arg(locale.toString(total)));
    m_countsLabel->setCounts(counts);
}

void MainWindow::scheduleBurnRateUpdate()
{
    if (m_burnUpdatePending)
        return;
    m_burnUpdatePending = true;
    QTimer::singleShot(0, this, &MainWindow::updateBurnRate);
}

void MainWindow::updateBurnRate()
{
    m_burnUpdatePending = false;
    const SandboxRecords &records = m_model->records();
    const CostRates &rates = m_model->costRates();
    const double rate = burnRateUsdPerHour(records, rates);
    int billed = 0;
    int unknown = 0;
    for (const SandboxRecord &record : records) {
        if (isBilledNow(record)) {
            ++billed;
            if (!hourlyRateUsd(record, rates))
                ++unknown;
        }
    }
    const QString text = tr("%1/h").arg(formatUsd(rate));
    if (m_burnLabel->text() != text)
        m_burnLabel->setText(text);
    QString tip = tr("Burn rate: what the %n running (not paused) sandbox(es) cost an hour, "
                     "estimated at the profile's rates", nullptr, billed);
    if (unknown > 0)
        tip += u"\n"_s + tr("%n of them with unknown resources, not counted", nullptr, unknown);
    m_burnLabel->setToolTip(tip);
    if (m_notifier)
        m_notifier->setRunningStatus(billed, rate);
}

void MainWindow::applyCostRates()
{
    CostRates rates;
    if (m_accountSettings) {
        if (const auto found = ProfileStore(*m_accountSettings).get(profile()))
            rates = found->costRates;
    }
    m_model->setCostRates(rates);
    m_details->setCostRates(rates);
    updateBurnRate();
}

void MainWindow::refreshLatestMetrics()
{
    if (!m_metricsFeed) {
        m_metricsFeed = new LatestMetricsFeed(m_backend, m_model, this);
        m_metricsFeed->setObjectName(u"latestMetricsFeed"_s);
        // Another profile or key: the samples shown and any answer under way are stale.
        connect(this, &MainWindow::e2bConnected, m_metricsFeed, &LatestMetricsFeed::reset);
        connect(m_metricsFeed, &LatestMetricsFeed::errorChanged, this, [this](const QString &message) {
            if (!message.isEmpty())
                statusBar()->showMessage(message, 15000);
        });
    }
    m_metricsFeed->refresh();
}

void MainWindow::setFilterText(int index, const QString &text)
{
    // Each new text resizes the combo box and lays out the search row again.
    if (m_statusFilter->itemText(index) != text)
        m_statusFilter->setItemText(index, text);
}

void MainWindow::updateRefreshLabel()
{
    if (!m_lastRefresh.isValid()) {
        m_refreshedLabel->clear();
        return;
    }
    m_refreshedLabel->setText(tr("Updated %1").arg(m_lastRefresh.toString(u"HH:mm:ss"_s)));
}

void MainWindow::updateEmptyState()
{
    QString text;
    if (m_proxy->rowCount() == 0) {
        if (m_openFailed)
            text = tr("The database could not be opened.<br>See the message above.");
        else if (!m_opened || (m_loading && m_model->rowCount() == 0))
            text = tr("Loading sandboxes…");
        else if (m_model->rowCount() == 0)
            text = tr("<b>No sandboxes yet.</b><br>Press <b>Ctrl+N</b> to create one, or use "
                      "<code>squadctl sandboxes create</code>.");
        else
            text = tr("<b>No sandboxes match.</b><br>Clear the search or choose another status.");
    }
    m_emptyState->setText(text);
    m_emptyState->setVisible(!text.isEmpty());
    if (!text.isEmpty())
        m_emptyState->setGeometry(m_table->viewport()->rect());
}

int MainWindow::sourceRow(int proxyRow) const
{
    return m_proxy->mapToSource(m_proxy->index(proxyRow, 0)).row();
}

namespace {

// The proxy rows of the selection, ascending, each once (ranges may overlap).
QList<int> selectedRows(const QItemSelectionModel *selection, int rowCount)
{
    std::vector<bool> marked(size_t(std::max(0, rowCount)), false);
    int count = 0;
    const QItemSelection ranges = selection->selection();
    for (const QItemSelectionRange &range : ranges) {
        for (int row = range.top(); row <= range.bottom() && row < rowCount; ++row) {
            if (!marked[size_t(row)]) {
                marked[size_t(row)] = true;
                ++count;
            }
        }
    }
    QList<int> rows;
    rows.reserve(count);
    for (int row = 0; row < rowCount; ++row) {
        if (marked[size_t(row)])
            rows.append(row);
    }
    return rows;
}

} // namespace

QStringList MainWindow::selectedIds() const
{
    QStringList ids;
    const QList<int> rows = selectedRows(m_table->selectionModel(), m_proxy->rowCount());
    ids.reserve(rows.size());
    for (const int row : rows)
        ids << m_model->record(sourceRow(row)).id;
    return ids;
}

void MainWindow::scheduleSelectionUpdate()
{
    if (!m_selectionTimer->isActive())
        m_selectionTimer->start();
}

void MainWindow::updateSelectionState()
{
    const QList<int> rows = selectedRows(m_table->selectionModel(), m_proxy->rowCount());
    QMap<SandboxStatus, int> counts;
    int running = 0, paused = 0, orphans = 0;
    for (const int row : rows) {
        const SandboxRecord &record = m_model->record(sourceRow(row));
        ++counts[record.status];
        if (record.orphan && record.isLive())
            ++orphans;
        else if (isE2bLive(record))
            ++(record.isPaused() ? paused : running);
    }
    const int selected = int(rows.size());
    const int notTerminated = selected - counts.value(SandboxStatus::Terminated);
    const bool idle = m_actionsRunning == 0;

    m_terminateAction->setEnabled(notTerminated > 0 && !m_terminateBatch);
    m_copyAction->setEnabled(selected > 0);
    m_runAction->setEnabled(selected == 1 && counts.value(SandboxStatus::Running) == 1 && orphans == 0
                            && paused == 0);
    m_extendAction->setEnabled(running > 0 && idle);
    m_pauseAction->setEnabled(running > 0 && idle);
    m_resumeAction->setEnabled(paused > 0 && idle);
    m_adoptAction->setEnabled(orphans > 0 && idle);

    if (selected == 0)
        m_details->showNothing();
    else if (selected == 1)
        m_details->showRecord(m_model->record(sourceRow(rows.first())));
    else
        m_details->showSelection(selected, counts);
}

// --- actions -----------------------------------------------------------------------------------

bool MainWindow::selectSandbox(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return false;
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) {
        // Filtered out: show everything rather than select something invisible.
        m_search->clear();
        m_statusFilter->setCurrentIndex(0);
        index = m_proxy->mapFromSource(m_model->index(row, 0));
        if (!index.isValid())
            return false;
    }
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect
                                                          | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    updateSelectionState();
    return true;
}

QStringList MainWindow::knownTemplates() const
{
    const QString fallback = m_backend ? m_backend->defaultTemplate() : u"base"_s;
    QHash<QString, int> uses;
    for (const SandboxRecord &record : m_model->records())
        ++uses[record.templateId];
    QStringList templates = uses.keys();
    templates.removeAll(fallback);
    templates.removeAll(QString());
    std::sort(templates.begin(), templates.end(), [&uses](const QString &a, const QString &b) {
        return uses.value(a) != uses.value(b) ? uses.value(a) > uses.value(b) : a < b;
    });
    templates = templates.mid(0, 15);
    templates.prepend(fallback);
    return templates;
}

CreateSandboxDialog *MainWindow::openCreateDialog()
{
    if (m_createDialog) {
        m_createDialog->raise();
        m_createDialog->activateWindow();
        return m_createDialog;
    }
    auto *dialog = new CreateSandboxDialog(m_backend, knownTemplates(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &CreateSandboxDialog::created, this, [this](const SandboxRecord &record) {
        m_model->updateSandbox(record);
        selectSandbox(record.id);
        statusBar()->showMessage(tr("Created sandbox %1 (%2)").arg(record.id, record.templateId),
                                 10000);
        m_table->setFocus();
    });
    m_createDialog = dialog;
    dialog->open();
    return dialog;
}

void MainWindow::applyToSelection(
    const std::function<bool(const SandboxRecord &)> &accepts,
    const std::function<QFuture<Result<SandboxRecord>>(const QString &)> &call,
    const QString &doneVerb, const QString &failedMessage)
{
    if (!m_backend || m_actionsRunning > 0)
        return;
    QStringList ids;
    for (const int row : selectedRows(m_table->selectionModel(), m_proxy->rowCount())) {
        const SandboxRecord &record = m_model->record(sourceRow(row));
        if (accepts(record))
            ids << record.id;
    }
    if (ids.isEmpty())
        return;
    m_actionsRunning = int(ids.size());
    updateSelectionState();
    setBusy(ids.size() == 1 ? tr("Working on 1 sandbox…")
                            : tr("Working on %1 sandboxes…").arg(ids.size()));
    auto failures = std::make_shared<QStringList>();
    auto done = std::make_shared<int>(0);
    for (const QString &id : std::as_const(ids)) {
        call(id).then(this, [this, id, failures, done, total = int(ids.size()), doneVerb,
                             failedMessage](const Result<SandboxRecord> &result) {
            if (result)
                m_model->updateSandbox(*result);
            else
                *failures << u"%1: %2"_s.arg(id, result.error().message());
            if (++*done < total)
                return;
            m_actionsRunning = 0;
            setBusy({});
            const int succeeded = total - int(failures->size());
            if (failures->isEmpty()) {
                statusBar()->showMessage(succeeded == 1 ? tr("%1 1 sandbox").arg(doneVerb)
                                                        : tr("%1 %2 sandboxes").arg(doneVerb).arg(succeeded),
                                         10000);
            } else {
                showError(failedMessage.arg(failures->size()).arg(total) + u' '
                              + failures->mid(0, 3).join(u"; "_s),
                          false);
            }
            updateSelectionState();
            Q_EMIT selectionActionFinished();
        });
    }
}

void MainWindow::extendSelected()
{
    if (!m_extendAction->isEnabled())
        return;
    auto *dialog = new QDialog(this);
    dialog->setObjectName(u"extendTimeoutDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setWindowTitle(tr("Extend Timeout"));
    auto *minutes = new QSpinBox(dialog);
    minutes->setObjectName(u"extendMinutes"_s);
    // E2B keeps a sandbox at most 24 hours (1 hour on the Hobby tier).
    minutes->setRange(1, 24 * 60);
    minutes->setValue(DefaultExtendMinutes);
    minutes->setSuffix(tr(" min"));
    minutes->setAccelerated(true);
    auto *layout = new QFormLayout(dialog);
    auto *intro = new QLabel(
        tr("E2B ends a sandbox when its timeout runs out. Keep the selected running sandboxes "
           "for this long from now:"), dialog);
    intro->setWordWrap(true);
    layout->addRow(intro);
    layout->addRow(tr("&Time from now:"), minutes);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Extend"));
    layout->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, minutes] { extendSelected(minutes->value() * 60); });
    dialog->open();
    minutes->selectAll();
}

void MainWindow::extendSelected(int seconds)
{
    applyToSelection([](const SandboxRecord &r) { return isE2bLive(r) && !r.isPaused(); },
                     [this, seconds](const QString &id) { return m_backend->setTimeout(id, seconds); },
                     tr("Extended the timeout of"),
                     tr("Extending failed for %1 of %2 sandboxes:"));
}

void MainWindow::pauseSelected()
{
    applyToSelection([](const SandboxRecord &r) { return isE2bLive(r) && !r.isPaused(); },
                     [this](const QString &id) { return m_backend->pause(id); },
                     tr("Paused"), tr("Pausing failed for %1 of %2 sandboxes:"));
}

void MainWindow::resumeSelected()
{
    applyToSelection([](const SandboxRecord &r) { return isE2bLive(r) && r.isPaused(); },
                     [this](const QString &id) { return m_backend->resume(id); },
                     tr("Resumed"), tr("Resuming failed for %1 of %2 sandboxes:"));
}

void MainWindow::adoptSelected()
{
    applyToSelection([](const SandboxRecord &r) { return r.orphan && r.isLive(); },
                     [this](const QString &id) {
                         return m_backend->adopt(id).then(this, [this, id](const Result<SandboxRecord> &adopted) {
                             // The orphan's row gives way to the adopted sandbox's own row.
                             if (adopted)
                                 load(LoadKind::IfChanged);
                             return adopted;
                         });
                     },
                     tr("Adopted"), tr("Adopting failed for %1 of %2 sandboxes:"));
}

void MainWindow::copySelectedIds()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(ids.join(u'\n'));
    statusBar()->showMessage(
        ids.size() == 1 ? tr("Copied 1 id") : tr("Copied %1 ids").arg(ids.size()), 5000);
}

void MainWindow::terminateSelected()
{
    if (m_terminateBatch)
        return;
    const QList<int> rows = selectedRows(m_table->selectionModel(), m_proxy->rowCount());
    QStringList ids;
    QStringList lines;
    int alreadyTerminated = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const int row : rows) {
        const SandboxRecord &record = m_model->record(sourceRow(row));
        if (record.status == SandboxStatus::Terminated) {
            ++alreadyTerminated;
            continue;
        }
        ids << record.id;
        if (lines.size() < ConfirmListed) {
            lines << u"• %1   %2 · %3 · %4"_s.arg(
                record.id, record.templateId, presentationOf(record.status).label.toLower(),
                SandboxTableModel::ageText(record.createdAt, now));
        }
    }
    if (ids.isEmpty())
        return;

    auto *box = new QMessageBox(QMessageBox::Warning, tr("Terminate Sandboxes"), {},
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"terminateConfirmation"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->setText(ids.size() == 1 ? tr("Terminate sandbox %1?").arg(ids.first())
                                 : tr("Terminate these %1 sandboxes?").arg(ids.size()));
    QString informative = lines.join(u'\n');
    if (ids.size() > ConfirmListed) {
        informative
            += u'\n'
               + tr("…and %1 more (Show Details… lists them all).").arg(ids.size() - ConfirmListed);
        box->setDetailedText(ids.join(u'\n'));
    }
    informative += u"\n\n"_s
                   + tr("Their processes are ended and their files removed; this cannot be "
                        "undone.");
    if (alreadyTerminated > 0) {
        informative += u' '
                       + (alreadyTerminated == 1
                              ? tr("1 selected sandbox is already terminated and is left as it "
                                   "is.")
                              : tr("%1 selected sandboxes are already terminated and are left "
                                   "as they are.")
                                    .arg(alreadyTerminated));
    }
    box->setInformativeText(informative);
    box->button(QMessageBox::Yes)
        ->setText(ids.size() == 1 ? tr("&Terminate") : tr("&Terminate %1").arg(ids.size()));
    box->button(QMessageBox::Yes)->setIcon(consoleIcon(u"terminate"_s));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, ids](QAbstractButton *button) {
        if (button == box->button(QMessageBox::Yes))
            startTerminate(ids);
    });
    box->open();
}

void MainWindow::startTerminate(const QStringList &ids)
{
    if (m_terminateBatch || !m_backend)
        return;
    m_terminateBatch = new TerminateBatch(m_backend, ids, this, this);
    m_terminateAction->setEnabled(false);
    setBusy(ids.size() == 1 ? tr("Terminating 1 sandbox…")
                            : tr("Terminating %1 sandboxes…").arg(ids.size()));
    connect(m_terminateBatch, &TerminateBatch::finished, this, &MainWindow::finishTerminate);
    m_terminateBatch->start();
}

void MainWindow::finishTerminate()
{
    TerminateBatch *batch = m_terminateBatch.data();
    if (!batch)
        return;
    const QList<TerminateResult> results = batch->results();
    m_terminateBatch = nullptr;
    batch->deleteLater();
    setBusy({});

    auto *report = new TerminateReportDialog(results, this);
    report->setAttribute(Qt::WA_DeleteOnClose);
    report->setWindowModality(Qt::WindowModal);
    statusBar()->showMessage(tr("Terminate: %1").arg(report->summary()), 15000);
    report->open();
    m_details->refreshAudit();
    scheduleSelectionUpdate();
    load(LoadKind::IfChanged);
    Q_EMIT terminateReported(report);
}

// --- keyboard ----------------------------------------------------------------------------------

void MainWindow::hideBanner()
{
    if (m_banner)
        m_banner->hide();
}

void MainWindow::startDeferredFullLoad()
{
    if (!m_fullLoadAfterPaint)
        return;
    m_fullLoadAfterPaint = false;
    load(LoadKind::Full);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && key->modifiers() == Qt::NoModifier) {
            if (!m_detailsAction->isChecked())
                m_detailsAction->setChecked(true);
            m_details->focusCommand();
            return true;
        }
    } else if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Escape) {
            if (m_search->text().isEmpty())
                m_table->setFocus(Qt::ShortcutFocusReason);
            else
                m_search->clear();
            return true;
        }
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Return
            || key->key() == Qt::Key_Enter) {
            m_table->setFocus(Qt::ShortcutFocusReason);
            if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0) {
                const QModelIndex current = m_table->currentIndex();
                m_table->selectionModel()->setCurrentIndex(
                    current.isValid() ? current : m_proxy->index(0, 0),
                    QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            }
            return true;
        }
    } else if (watched == m_table->viewport() && event->type() == QEvent::Resize) {
        m_emptyState->setGeometry(m_table->viewport()->rect());
    } else if (watched == m_table->viewport() && event->type() == QEvent::Paint
               && m_fullLoadAfterPaint) {
        // Queued: this paint (and the rest of the frame) finishes first.
        QTimer::singleShot(0, this, [this] { startDeferredFullLoad(); });
    }
    return QMainWindow::eventFilter(watched, event);
}

// --- the guided workflow -----------------------------------------------------------------------

QWidget *MainWindow::withWorkflowAccess(const std::function<QWidget *()> &open)
{
    // Without accounts (a test, an embedding tool) the backend keeps what it was given.
    if (!m_vault || !m_accountSettings || !m_backend || m_workflowProfile == profile())
        return open();
    m_afterWorkflowAccess << open;
    if (m_workflowAccessPending)
        return nullptr;
    m_workflowAccessPending = true;
    setBusy(tr("Reading the GitHub access…"));
    const QString profileName = profile();
    resolveGitHubAccess(*m_vault, *m_accountSettings, profileName)
        .then(this, [this, profileName](const Result<GitHubAccess> &access) {
            m_workflowAccessPending = false;
            setBusy({});
            WorkflowAccess workflow;
            if (access) {
                workflow.apiUrl = access->apiUrl;
                workflow.auth = access->auth;
            } else {
                // The run can still be made; the steps that need GitHub say what is missing.
                statusBar()->showMessage(tr("GitHub is not set up for profile “%1”: %2")
                                             .arg(profileName, access.error().message()));
                workflow.apiUrl = Profile().githubApiUrl;
            }
            if (const auto found = ProfileStore(*m_accountSettings).get(profileName))
                workflow.identity = {found->gitAuthorName, found->gitAuthorEmail};
            m_backend->setWorkflowAccess(workflow);
            // Following pull requests happens here, with a client of the GUI thread's own.
            auto *github = new GitHubApi(workflow.apiUrl, workflow.auth, this);
            if (m_github)
                m_github->deleteLater();
            m_github = github;
            if (m_runsWindow)
                m_runsWindow->setGitHub(github);
            m_workflowProfile = profileName;
            const auto waiting = std::exchange(m_afterWorkflowAccess, {});
            for (const auto &open : waiting)
                open();
        });
    return nullptr;
}

WorkflowWizard *MainWindow::openNewRun()
{
    if (!m_backend)
        return nullptr;
    return qobject_cast<WorkflowWizard *>(withWorkflowAccess([this]() -> QWidget * {
        auto *wizard = new WorkflowWizard(m_backend, m_github, this);
        wizard->setAttribute(Qt::WA_DeleteOnClose);
        WorkflowInputs defaults;
        defaults.profile = profile();
        wizard->setDefaults(defaults);
        wizard->show();
        Q_EMIT workflowWindowOpened(wizard);
        return wizard;
    }));
}

RunsWindow *MainWindow::runsWindow() const
{
    return m_runsWindow;
}

RunsWindow *MainWindow::ensureRunsWindow()
{
    if (!m_runsWindow) {
        m_runsWindow = new RunsWindow(m_backend, m_github, this);
        // A run costs what its sandbox does, as the table estimates it.
        m_runsWindow->setCostLookup([model = QPointer(m_model)](const QString &id) {
            const int row = model ? model->rowOf(id) : -1;
            if (row < 0)
                return std::optional<double>();
            return estimateCostUsd(model->record(row), model->costRates(),
                                   QDateTime::currentDateTimeUtc());
        });
        connect(m_runsWindow, &RunsWindow::wizardOpened, this,
                [this](WorkflowWizard *wizard) { Q_EMIT workflowWindowOpened(wizard); });
    }
    return m_runsWindow;
}

RunsWindow *MainWindow::openRuns()
{
    if (!m_backend)
        return nullptr;
    return qobject_cast<RunsWindow *>(withWorkflowAccess([this]() -> QWidget * {
        RunsWindow *runs = ensureRunsWindow();
        runs->reload();
        runs->show();
        runs->raise();
        runs->activateWindow();
        Q_EMIT workflowWindowOpened(runs);
        return runs;
    }));
}

WorkflowWizard *MainWindow::openRun(const QString &runId, bool resume)
{
    if (!m_backend)
        return nullptr;
    // The Runs window keeps one wizard per run; it need not show for that.
    return qobject_cast<WorkflowWizard *>(withWorkflowAccess([this, runId, resume]() -> QWidget * {
        return ensureRunsWindow()->openRun(runId, resume);
    }));
}

void MainWindow::offerResume()
{
    if (m_resumeOffered || !m_backend)
        return;
    m_resumeOffered = true;
    m_backend->resumableRuns().then(this, [this](const Result<QList<WorkflowRun>> &runs) {
        if (!runs) {
            statusBar()->showMessage(
                tr("Could not look for unfinished workflow runs: %1").arg(runs.error().message()));
            Q_EMIT resumeOffered(0);
            return;
        }
        if (!runs->isEmpty()) {
            if (!m_resumeBar) {
                m_resumeBar = new ResumeRunsBar(this);
                connect(m_resumeBar, &ResumeRunsBar::resumeRequested, this,
                        [this](const QString &runId) { openRun(runId, true); });
                connect(m_resumeBar, &ResumeRunsBar::showRunsRequested, this,
                        [this] { openRuns(); });
                m_leftLayout->insertWidget(0, m_resumeBar);
            }
            m_resumeBar->setRuns(*runs);
        }
        Q_EMIT resumeOffered(int(runs->size()));
    });
}

// --- notifications ----------------------------------------------------------------------------

void MainWindow::startNotifications()
{
    // After the first paint and the complete read: a tray icon talks to the desktop's shell.
    if (m_notifier)
        return;
    m_notifier = new Notifier(this);
    m_notifier->setActions(m_newRunAction, m_quitAction);
    if (m_backend)
        connect(m_backend, &ConsoleBackend::runChanged, m_notifier, &Notifier::runChanged);
    connect(this, &MainWindow::cleanupFinished, m_notifier, &Notifier::cleanupFinished);
    m_timeoutWarner = new TimeoutWarner(m_backend, m_model, m_notifier, this);
    m_leftLayout->insertWidget(0, m_timeoutWarner->bar());
    applyNotificationSettings();
    updateBurnRate();
}

void MainWindow::applyNotificationSettings()
{
    if (!m_notifier)
        return;
    const NotificationSettings settings = NotificationSettings::read(*cleanupSettings());
    m_notifier->applySettings(settings);
    m_timeoutWarner->setWarningMinutes(settings.timeoutWarningMinutes);
}

// --- cleanup ----------------------------------------------------------------------------------

namespace {
constexpr QLatin1StringView CleanupLastRunKey{"cleanup/lastRunAt"};
constexpr qsizetype CleanupListed = 15;  // candidates named in the confirmation itself
constexpr qint64 OverdueCleanupDelayMs = 60'000;  // a missed run waits for the window to settle
} // namespace

QSettings *MainWindow::cleanupSettings() const
{
    if (m_accountSettings)
        return m_accountSettings;
    if (!m_ownSettings)
        m_ownSettings = std::make_unique<ConsoleSettings>();
    return m_ownSettings.get();
}

CleanupPolicy MainWindow::cleanupPolicy() const
{
    return CleanupPolicy::fromSetting(
        cleanupSettings()
            ->value(SettingsDialog::CleanupAgeKey, SettingsDialog::DefaultCleanupAgeHours)
            .toInt());
}

void MainWindow::applyCleanupSettings(int /*ageHours*/, int /*intervalHours*/)
{
    // The age is read when the cleanup runs; only the next run's time moves.
    if (m_opened)
        scheduleCleanup();
}

void MainWindow::scheduleCleanup()
{
    QSettings *settings = cleanupSettings();
    const int hours = std::clamp(settings->value(SettingsDialog::CleanupIntervalKey,
                                                 SettingsDialog::DefaultCleanupIntervalHours)
                                     .toInt(),
                                 1, 24 * 7);
    const qint64 intervalMs = qint64(hours) * 3600 * 1000;
    // From the last run (of this or an earlier session), so a console restarted every day
    // still cleans up every `hours`; a run missed while it was closed comes a minute after.
    qint64 dueMs = intervalMs;
    const QDateTime last = QDateTime::fromString(settings->value(CleanupLastRunKey).toString(),
                                                 Qt::ISODate);
    if (last.isValid())
        dueMs = std::clamp(intervalMs - last.msecsTo(QDateTime::currentDateTimeUtc()),
                           OverdueCleanupDelayMs, intervalMs);
    m_cleanupTimer->start(int(dueMs));
}

void MainWindow::runScheduledCleanup()
{
    if (!m_opened || m_cleaningUp || !m_backend) {
        scheduleCleanup();
        return;
    }
    startCleanup(true, std::nullopt);
}

void MainWindow::cleanUpNow()
{
    if (!m_opened || m_cleaningUp || !m_backend)
        return;
    m_cleaningUp = true;
    m_cleanupAction->setEnabled(false);
    setBusy(tr("Looking for sandboxes to clean up…"));
    m_backend->cleanup(cleanupPolicy(), true).then(this, [this](const Result<CleanupReport> &report) {
        m_cleaningUp = false;
        m_cleanupAction->setEnabled(m_opened);
        setBusy({});
        if (!report) {
            showError(tr("Cleanup failed: %1").arg(report.error().message()), false);
            return;
        }
        const QList<CleanupCandidate> &candidates = report->plan.candidates;
        if (candidates.isEmpty()) {
            auto *note = new QMessageBox(QMessageBox::Information, tr("Clean Up Sandboxes"),
                                         report->summary() + u'.', QMessageBox::Ok, this);
            note->setObjectName(u"cleanupNothingToDo"_s);
            note->setAttribute(Qt::WA_DeleteOnClose);
            note->setWindowModality(Qt::WindowModal);
            note->open();
            Q_EMIT cleanupConfirmationShown(note);
            return;
        }
        QSet<QString> ids;
        QStringList lines;
        QStringList all;
        for (const CleanupCandidate &candidate : candidates) {
            ids.insert(candidate.id);
            const QString line = u"• %1   %2"_s.arg(candidate.id, candidate.reason);
            all << line;
            if (lines.size() < CleanupListed)
                lines << line;
        }
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Clean Up Sandboxes"), {},
                                    QMessageBox::Yes | QMessageBox::Cancel, this);
        box->setObjectName(u"cleanupConfirmation"_s);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::WindowModal);
        box->setText(ids.size() == 1 ? tr("End sandbox %1?").arg(candidates.first().id)
                                     : tr("End these %1 sandboxes?").arg(ids.size()));
        QString informative = lines.join(u'\n');
        if (all.size() > CleanupListed) {
            informative += u'\n' + tr("…and %1 more (Show Details… lists them all).")
                                       .arg(all.size() - CleanupListed);
        }
        box->setDetailedText(all.join(u'\n'));
        informative += u"\n\n"_s
                       + tr("Their processes are ended and their files removed; this cannot be "
                            "undone. A sandbox that no longer meets the criteria is left.");
        box->setInformativeText(informative);
        box->button(QMessageBox::Yes)
            ->setText(ids.size() == 1 ? tr("&End") : tr("&End %1").arg(ids.size()));
        box->button(QMessageBox::Yes)->setIcon(consoleIcon(u"terminate"_s));
        box->setDefaultButton(QMessageBox::Cancel);
        box->setEscapeButton(QMessageBox::Cancel);
        connect(box, &QMessageBox::buttonClicked, this, [this, box, ids](QAbstractButton *button) {
            if (button == box->button(QMessageBox::Yes))
                startCleanup(false, ids);
        });
        box->open();
        Q_EMIT cleanupConfirmationShown(box);
    });
}

void MainWindow::startCleanup(bool scheduled, const std::optional<QSet<QString>> &confirmed)
{
    if (m_cleaningUp || !m_backend)
        return;
    m_cleaningUp = true;
    m_cleanupAction->setEnabled(false);
    // The scheduled run goes on quietly; the one asked for shows it is busy.
    if (!scheduled) {
        const qsizetype count = confirmed ? confirmed->size() : 0;
        setBusy(count == 1 ? tr("Cleaning up 1 sandbox…")
                           : tr("Cleaning up %1 sandboxes…").arg(count));
    }
    m_backend->cleanup(cleanupPolicy(), false, confirmed)
        .then(this, [this, scheduled](const Result<CleanupReport> &report) {
            m_cleaningUp = false;
            m_cleanupAction->setEnabled(m_opened);
            if (!scheduled)
                setBusy({});
            cleanupSettings()->setValue(CleanupLastRunKey,
                                        QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
            scheduleCleanup();
            if (!report) {
                const QString message = tr("Cleanup failed: %1").arg(report.error().message());
                showError(message, false);
                Q_EMIT cleanupFinished(message, false);
                return;
            }
            const QString summary = report->summary();
            if (report->succeeded()) {
                statusBar()->showMessage(summary, 30000);
            } else {
                const auto failed = std::find_if(report->outcomes.cbegin(), report->outcomes.cend(),
                                                 [](const CleanupItemOutcome &o) { return !o.ok; });
                showError(tr("%1: %2").arg(summary, failed->message), false);
            }
            if (!report->outcomes.isEmpty()) {
                m_details->refreshAudit();
                load(LoadKind::IfChanged);
            }
            Q_EMIT cleanupFinished(summary, report->succeeded());
        });
}

} // namespace squad
