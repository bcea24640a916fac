// SPDX-License-Identifier: MIT
#pragma once

#include "ops/cost.h"
#include "sandbox/sandboxprovider.h"
#include "sandbox/sandboxrecord.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QStringDecoder>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QShortcut;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QTreeWidget;

namespace squad {

class ConsoleBackend;

// The right-hand pane: every field of the selected sandbox (the provider's facts — state, time
// left, resources, start and end — only where the provider reported them), its audit history
// (newest first), its provider's log and resource charts (E2B sandboxes) and a "Run command"
// box whose output streams in as it arrives (stderr in red; Esc cancels).
// With several sandboxes selected it shows a summary instead; with none, a hint.
class SandboxDetailsPane : public QWidget
{
    Q_OBJECT
public:
    explicit SandboxDetailsPane(ConsoleBackend *backend, QWidget *parent = nullptr);
    ~SandboxDetailsPane() override;

    enum class Page { Nothing, Sandbox, Selection };
    Page page() const;

    void showNothing();
    // Shows `record`; the same sandbox again only refreshes what changed (and its history when
    // the row changed).
    void showRecord(const SandboxRecord &record);
    // Several rows selected: `counts` per status.
    void showSelection(int count, const QMap<SandboxStatus, int> &counts);

    QString currentId() const { return m_record ? m_record->id : QString(); }
    // Re-reads the audit history of the shown sandbox.
    void refreshAudit();
    // The rates the cost estimate uses (the active profile's).
    void setCostRates(const CostRates &rates);
    // Re-reads the provider's log of the shown sandbox (nothing for local sandboxes and
    // orphans, which have none to read).
    void refreshLogs();
    // The Changes tab: the live diff of the shown sandbox's repository.
    class DiffPane *changesPane() const { return m_changes; }
    QString changesStatusText() const;
    void showChangesTab();
    // The Metrics tab: CPU, memory and disk charts of the shown E2B sandbox, read when the tab
    // comes into sight and again every refresh interval (10 s) while it stays there.
    class MetricsCharts *metricsCharts() const;
    void showMetricsTab();
    void setMetricsRefreshInterval(int ms);
    // Relative times ("3m ago") and the time left are recomputed.
    void refreshAges();
    // Brings the Run command box forward and focuses it (or the pane when it cannot run).
    void focusCommand();

    // Runs `line` through `sh -c` in the shown sandbox.
    void runCommand(const QString &line);
    void cancelCommand();
    bool isCommandRunning() const { return !m_run.isNull(); }

    // Read-only access for tests.
    QString fieldText(const QString &key) const;
    // Whether the field's row is in the form (provider facts are left out when unknown).
    bool isFieldShown(const QString &key) const;
    QString summaryText() const;
    QTreeWidget *auditView() const;
    QLineEdit *commandField() const;
    QPushButton *runButton() const;
    QPlainTextEdit *outputView() const;
    QString commandStatusText() const;
    QPlainTextEdit *logsView() const;
    QPushButton *logsRefreshButton() const;
    QString logsStatusText() const;
    QTabWidget *tabs() const;
    // The split between fields and history/run, as the window saves and restores it.
    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

Q_SIGNALS:
    void auditLoaded();
    // A log read finished and its answer (entries or error) is shown.
    void logsLoaded();
    // A diff of the shown sandbox's changes (or why there is none) is shown.
    void changesLoaded();
    // A metrics read finished and its answer (samples or error) is shown.
    void metricsLoaded();
    void commandFinished();
    // The sandbox and selection pages exist now (they are built on first use).
    void pagesBuilt();

private:
    void ensurePages();
    void showMetadata(const QString &json);
    QWidget *buildSandboxPage();
    QWidget *buildSelectionPage();
    QLabel *addField(QFormLayout *form, const QString &key, const QString &label);
    void setField(const QString &key, const QString &text, const QString &toolTip = {});
    void setTimeField(const QString &key, const QDateTime &utc);
    void setRowShown(const QString &key, bool shown);
    void showProviderFacts(const SandboxRecord &record);
    void updateTimeLeft();
    void updateCost();
    QWidget *buildLogsPage(QWidget *parent);
    QWidget *buildChangesPage(QWidget *parent);
    // Watches and diffs the shown sandbox while the Changes tab is in sight; stops otherwise.
    void updateChangesWatch();
    void loadChanges();
    QWidget *buildMetricsPage(QWidget *parent);
    // Reads the shown sandbox's metrics while the Metrics tab is in sight; stops otherwise.
    void updateMetricsWatch();
    void loadMetrics();
    void resetLogs();
    void showLogs(const QList<ProviderLogEntry> &entries);
    void showLogsError(const Error &error);
    // Why `record` cannot run a command now; empty when it can.
    QString cannotRunReason(const SandboxRecord &record) const;
    void updateRunControls();
    void appendOutput(CommandRun::Channel channel, const QByteArray &data);
    void appendText(const QString &text, const QColor &colour, bool bold = false);
    void onCommandFinished();

    ConsoleBackend *m_backend = nullptr;
    std::optional<SandboxRecord> m_record;
    CostRates m_costRates;
    QStackedWidget *m_stack = nullptr;
    QByteArray m_pendingSplitterState;
    int m_metadataSerial = 0;
    class StatusBadge *m_badge = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QFormLayout *m_form = nullptr;
    QHash<QString, QLabel *> m_values;
    QSet<QString> m_hiddenFields;   // rows left out of the form (unknown provider facts)
    QHash<QString, QDateTime> m_times;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTreeWidget *m_audit = nullptr;
    QLabel *m_selectionTitle = nullptr;
    QLabel *m_selectionBody = nullptr;
    QLineEdit *m_command = nullptr;
    QPushButton *m_runButton = nullptr;
    QPlainTextEdit *m_output = nullptr;
    QLabel *m_commandStatus = nullptr;
    QString m_commandHint;   // the "why it cannot run" line last put into m_commandStatus
    QPlainTextEdit *m_logs = nullptr;
    QLabel *m_logsStatus = nullptr;
    QPushButton *m_logsRefresh = nullptr;
    int m_logsSerial = 0;
    class DiffPane *m_changes = nullptr;
    QLabel *m_changesStatus = nullptr;
    QString m_watchedId;        // the sandbox whose changes are watched, empty for none
    QString m_changesShownFor;  // the sandbox whose diff the Changes tab holds
    int m_changesSerial = 0;
    bool m_changesLoading = false;
    bool m_changesPending = false;  // files changed while a diff was being computed
    class MetricsCharts *m_metrics = nullptr;
    QTimer *m_metricsTimer = nullptr;
    QString m_metricsId;        // the sandbox whose metrics are read, empty for none
    QString m_metricsShownFor;  // the sandbox whose charts the Metrics tab holds
    int m_metricsSerial = 0;
    bool m_metricsLoading = false;
    QShortcut *m_escape = nullptr;
    QPointer<CommandRun> m_run;
    QString m_runSandboxId;
    QElapsedTimer m_runClock;
    QStringDecoder m_stdoutDecoder;
    QStringDecoder m_stderrDecoder;
    int m_auditSerial = 0;
};

} // namespace squad
