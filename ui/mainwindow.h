// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "ops/cleanup.h"
#include "sandbox/sandboxrecord.h"

#include <QDateTime>
#include <QFuture>
#include <QMainWindow>
#include <QMap>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QActionGroup;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QMessageBox;
class QProgressBar;
class QSettings;
class QSplitter;
class QTableView;
class QTimer;
class QVBoxLayout;
class QToolButton;

namespace squad {

class ConsoleBackend;
class ProfileSwitcher;
class SecretVault;
class SettingsDialog;
class StatusCounts;
class CreateSandboxDialog;
class ErrorBanner;
class GitHubApi;
class LatestMetricsFeed;
class Notifier;
class ResumeRunsBar;
class RunsWindow;
class WorkflowWizard;
class SandboxDetailsPane;
class SandboxFilterModel;
class SandboxTableModel;
class TerminateBatch;
class WarmPoolControl;
class TerminateReportDialog;
class TimeoutWarner;

// The console's home: every sandbox in a sortable, filterable table that refreshes itself row
// by row, a details pane, and the actions an operator takes on one or many sandboxes (create,
// terminate, copy ids, run a command). All data comes from ConsoleBackend asynchronously; the
// window never waits on it. Window layout, column layout, sort order and the refresh interval
// are kept in QSettings.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ConsoleBackend *backend, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The rows read before the rest, so the window paints at once over a large table.
    static constexpr int FirstPageRows = 200;
    // How long the complete read waits for the first paint before it starts anyway.
    static constexpr int FullLoadFallbackMs = 250;

    // Opens the backend, then reads a first page (so the window fills at once over a large
    // table) and then every row. Errors show in the banner and the status bar.
    void start();
    // Reads every row again now (F5), whether or not the database reports a change.
    void refresh();
    // Auto-refresh period in ms; 0 turns it off.
    void setRefreshInterval(int ms);

    // Accounts: the profile switcher and keychain state in the status bar, and Preferences
    // (Ctrl+,). `profile` non-empty is this run's profile (--profile). Both outlive the window.
    void setAccounts(SecretVault *vault, QSettings *settings, const QString &profile);
    QString profile() const;
    // Opens the Preferences dialog (window-modal, not blocking) and returns it.
    SettingsDialog *openPreferences();
    QAction *preferencesAction() const { return m_preferencesAction; }
    QLabel *keychainIndicator() const { return m_keychainLabel; }
    int refreshInterval() const { return m_refreshInterval; }

    // The ids of the selected rows, in the table's order.
    QStringList selectedIds() const;
    // Selects the sandbox `id` (clearing filters that hide it) and makes it current.
    bool selectSandbox(const QString &id);

    // Starts the New Sandbox dialog (window-modal, not blocking) and returns it.
    CreateSandboxDialog *openCreateDialog();
    // The guided workflow (Workflow menu). Each first makes sure the backend runs it with the
    // profile's GitHub access (read from the keychain once per profile, asynchronously), then
    // opens: the wizard on a new run (Ctrl+Shift+N), the Runs window (Ctrl+Shift+R), or the
    // wizard on a stored run. They return the window when it could open at once, else nullptr
    // and workflowWindowOpened() follows.
    WorkflowWizard *openNewRun();
    RunsWindow *openRuns();
    WorkflowWizard *openRun(const QString &runId, bool resume);
    QAction *newRunAction() const { return m_newRunAction; }
    QAction *runsAction() const { return m_runsAction; }
    // The offer to resume runs left unfinished, shown once after the first complete load.
    ResumeRunsBar *resumeBar() const { return m_resumeBar; }
    // The tray icon and notifications, and the time-out warning with its bar: made once every
    // row is read (after the first paint), with the Preferences' notifications/ settings.
    // Null before.
    Notifier *notifier() const { return m_notifier; }
    TimeoutWarner *timeoutWarner() const { return m_timeoutWarner; }
    RunsWindow *runsWindow() const;

    // Asks to terminate the selected sandboxes that are not terminated yet.
    void terminateSelected();
    // E2B controls on the selection, each on the selected sandboxes it applies to.
    // Asks for how long, then gives each selected running E2B sandbox that long from now.
    void extendSelected();
    void extendSelected(int seconds);
    void pauseSelected();
    void resumeSelected();
    void adoptSelected();
    // Compares the rows with E2B's live list now (also part of every refresh).
    void reconcileE2b();
    // The cleanup (Sandbox → Clean Up Now…): a dry run first, its list in a confirmation, then
    // only the confirmed sandboxes ended. The scheduled one (every cleanup/intervalHours,
    // default 6) ends what it finds without asking. Both report in the status bar, failures
    // in the banner, and emit cleanupFinished().
    void cleanUpNow();
    void runScheduledCleanup();
    // The age and interval the Preferences set (SANDBOX_CLEANUP_AGE_HOURS overrides the age):
    // the next scheduled run moves to the last run + the interval.
    void applyCleanupSettings(int ageHours, int intervalHours);
    CleanupPolicy cleanupPolicy() const;
    QAction *cleanupAction() const { return m_cleanupAction; }
    QTimer *cleanupTimer() const { return m_cleanupTimer; }
    bool isCleaningUp() const { return m_cleaningUp; }
    void copySelectedIds();

    // Access for tests and the benchmark.
    QTableView *tableView() const { return m_table; }
    SandboxTableModel *sandboxModel() const { return m_model; }
    SandboxFilterModel *filterModel() const { return m_proxy; }
    QLineEdit *searchField() const { return m_search; }
    QComboBox *statusFilter() const { return m_statusFilter; }
    SandboxDetailsPane *detailsPane() const { return m_details; }
    ErrorBanner *errorBanner() const { return m_banner; }
    QAction *createAction() const { return m_createAction; }
    QAction *terminateAction() const { return m_terminateAction; }
    QAction *copyIdAction() const { return m_copyAction; }
    QAction *runCommandAction() const { return m_runAction; }
    QAction *extendTimeoutAction() const { return m_extendAction; }
    QAction *pauseAction() const { return m_pauseAction; }
    QAction *resumeAction() const { return m_resumeAction; }
    QAction *adoptAction() const { return m_adoptAction; }
    QLabel *e2bIndicator() const { return m_e2bLabel; }
    QAction *refreshAction() const { return m_refreshAction; }
    QAction *selectAllAction() const { return m_selectAllAction; }
    QAction *detailsAction() const { return m_detailsAction; }
    bool isLoading() const { return m_loading; }
    // True once a complete snapshot has been applied.
    bool hasLoadedAll() const { return m_loadedAll; }
    QString countsText() const;

Q_SIGNALS:
    // A snapshot was applied to the table (or the database reported no change).
    void loaded();
    void loadFailed(const QString &message);
    // The grouped report of a terminate is showing.
    void terminateReported(squad::TerminateReportDialog *report);
    // E2B was set up (or not) for the current profile.
    void e2bConnected(bool enabled);
    // A reconcile with E2B ended (its outcome is in the E2B indicator).
    void reconciled();
    // An extend, pause, resume or adopt on the selection finished for every sandbox.
    void selectionActionFinished();
    // A workflow wizard or the Runs window opened (after the GitHub access was read).
    void workflowWindowOpened(QWidget *window);
    // The unfinished runs were looked up after the first load (the bar shows when there are).
    void resumeOffered(int runs);
    // A cleanup ended (scheduled or confirmed): its one-line summary, and whether every
    // termination succeeded. For the notifications.
    void cleanupFinished(const QString &summary, bool succeeded);
    // Clean Up Now's confirmation is showing (the dry run's list) or, with nothing to end, its
    // "nothing to clean up" note.
    void cleanupConfirmationShown(QMessageBox *box);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class LoadKind { FirstPage, Full, IfChanged };

    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildCentral();
    void buildStatusBar();
    void restoreSettings();
    void saveSettings() const;

    void onOpened();
    void load(LoadKind kind);
    void showError(const QString &message, bool retryable = true);
    void setBusy(const QString &message);
    void onAutoRefresh();
    void onSandboxChanged(const squad::SandboxRecord &record);
    void scheduleSelectionUpdate();
    void updateSelectionState();
    void updateCounts();
    // The status bar's burn rate: what every running, non-paused sandbox costs an hour.
    void scheduleBurnRateUpdate();
    void updateBurnRate();
    // The active profile's cost rates, for the cost column, the details and the burn rate.
    void applyCostRates();
    void refreshLatestMetrics();
    void setFilterText(int index, const QString &text);
    void updateEmptyState();
    void updateRefreshLabel();
    void startDeferredFullLoad();
    void hideBanner();
    void startTerminate(const QStringList &ids);
    // Runs the cleanup on the backend and reports it; `confirmed` = the ids the operator saw.
    void startCleanup(bool scheduled, const std::optional<QSet<QString>> &confirmed);
    void scheduleCleanup();
    QSettings *cleanupSettings() const;
    // Reads the profile's E2B key and location and sets E2B up on the backend.
    void connectE2b();
    // The selected records `accepts` takes, and the call made for each; reports when all ended
    // ("<doneVerb> 3 sandboxes", or `failedMessage` with the failed and total counts).
    void applyToSelection(const std::function<bool(const SandboxRecord &)> &accepts,
                          const std::function<QFuture<Result<SandboxRecord>>(const QString &)> &call,
                          const QString &doneVerb, const QString &failedMessage);
    void finishTerminate();
    // Calls `open` once the backend has the current profile's workflow access: at once (its
    // window is returned) when it has, or when there are no accounts to read it from; else
    // later (nullptr is returned).
    QWidget *withWorkflowAccess(const std::function<QWidget *()> &open);
    RunsWindow *ensureRunsWindow();
    void offerResume();
    void startNotifications();
    void applyNotificationSettings();
    QStringList knownTemplates() const;
    int sourceRow(int proxyRow) const;

    ConsoleBackend *m_backend = nullptr;
    SandboxTableModel *m_model = nullptr;
    SandboxFilterModel *m_proxy = nullptr;
    LatestMetricsFeed *m_metricsFeed = nullptr;  // made with the first complete read

    QTableView *m_table = nullptr;
    QLabel *m_emptyState = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_statusFilter = nullptr;
    ErrorBanner *m_banner = nullptr;  // made on the first error
    QVBoxLayout *m_leftLayout = nullptr;
    SandboxDetailsPane *m_details = nullptr;
    QSplitter *m_splitter = nullptr;
    QToolButton *m_intervalButton = nullptr;

    StatusCounts *m_countsLabel = nullptr;
    QLabel *m_refreshedLabel = nullptr;
    QLabel *m_burnLabel = nullptr;
    bool m_burnUpdatePending = false;
    QLabel *m_busyLabel = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QLabel *m_databaseLabel = nullptr;
    QLabel *m_e2bLabel = nullptr;
    QHBoxLayout *m_statusFacts = nullptr;  // the status bar's permanent part

    QAction *m_quitAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_searchAction = nullptr;
    QAction *m_detailsAction = nullptr;
    QAction *m_createAction = nullptr;
    QAction *m_terminateAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_extendAction = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_resumeAction = nullptr;
    QAction *m_adoptAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_cleanupAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_preferencesAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QActionGroup *m_intervalGroup = nullptr;
    QMenu *m_intervalMenu = nullptr;
    QMenu *m_sandboxMenu = nullptr;

    QTimer *m_refreshTimer = nullptr;
    QTimer *m_ageTimer = nullptr;
    QTimer *m_countdownTimer = nullptr;
    QTimer *m_selectionTimer = nullptr;
    QTimer *m_busyDelay = nullptr;
    QTimer *m_cleanupTimer = nullptr;  // single shot: the next scheduled cleanup
    bool m_cleaningUp = false;
    mutable std::unique_ptr<QSettings> m_ownSettings;  // without setAccounts(): the console's own
    int m_refreshInterval = 5000;

    bool m_opened = false;
    bool m_openFailed = false;
    bool m_loading = false;
    bool m_loadedAll = false;
    bool m_forcePending = false;
    bool m_fullLoadAfterPaint = false;
    bool m_bannerFromLoad = false;
    bool m_reconciling = false;
    bool m_connectE2bAfterLoad = false;  // setAccounts() came before the rows were read
    int m_actionsRunning = 0;
    QMap<SandboxStatus, int> m_totalCounts; // from the last snapshot, until all rows are in
    QDateTime m_lastRefresh;

    QPointer<CreateSandboxDialog> m_createDialog;
    QPointer<SettingsDialog> m_settingsDialog;
    SecretVault *m_vault = nullptr;
    QSettings *m_accountSettings = nullptr;
    ProfileSwitcher *m_profileSwitcher = nullptr;
    WarmPoolControl *m_warmPool = nullptr;  // the warm pool's menu action, fill and exit
    QLabel *m_keychainLabel = nullptr;
    QMenu *m_fileMenu = nullptr;
    QPointer<TerminateBatch> m_terminateBatch;

    QAction *m_newRunAction = nullptr;
    QAction *m_runsAction = nullptr;
    QMenu *m_workflowMenu = nullptr;
    QPointer<RunsWindow> m_runsWindow;
    ResumeRunsBar *m_resumeBar = nullptr;
    // The GUI thread's GitHub client for following pull requests (the worker has its own).
    QPointer<GitHubApi> m_github;
    QString m_workflowProfile;  // whose access the backend has; null: none handed over yet
    bool m_workflowAccessPending = false;
    QList<std::function<QWidget *()>> m_afterWorkflowAccess;
    bool m_resumeOffered = false;
    Notifier *m_notifier = nullptr;
    TimeoutWarner *m_timeoutWarner = nullptr;
};

} // namespace squad
