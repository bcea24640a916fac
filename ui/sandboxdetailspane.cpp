// SPDX-License-Identifier: MIT
#include "sandboxdetailspane.h"

#include "console/consolebackend.h"
#include "diffpane.h"
#include "metricscharts.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"
#include "statusbadgedelegate.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTextBlock>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QTime>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// Field keys, in the order the form shows them.
const QString StatusKey = u"status"_s;
const QString StateKey = u"state"_s;
const QString TimeLeftKey = u"timeLeft"_s;
const QString DetailKey = u"detail"_s;
const QString IdKey = u"id"_s;
const QString ProviderKey = u"provider"_s;
const QString ProviderIdKey = u"providerId"_s;
const QString TemplateKey = u"template"_s;
const QString TaskKey = u"task"_s;
const QString AgentKey = u"agent"_s;
const QString RepoKey = u"repo"_s;
const QString ResourcesKey = u"resources"_s;
const QString CostKey = u"cost"_s;
const QString CreatedKey = u"created"_s;
const QString StartedKey = u"started"_s;
const QString UpdatedKey = u"updated"_s;
const QString LastUsedKey = u"lastUsed"_s;
const QString EndsAtKey = u"endsAt"_s;
const QString EndedKey = u"ended"_s;
const QString MetadataKey = u"metadata"_s;

// Under this much time left the time reads amber: the provider is about to end the sandbox.
constexpr qint64 TimeLeftWarningSeconds = 5 * 60;
// The newest entries of a provider log that the Logs tab reads (E2B answers 1,000 at most).
constexpr int LogLimit = 500;
// The Metrics tab reads the last hour (E2B samples every 5 s at that span) every 10 s.
constexpr int MetricsWindowSeconds = 3600;
constexpr int MetricsRefreshMs = 10'000;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor stderrColour(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x7b, 0x72) : QColor(0xcf, 0x22, 0x2e);
}

QColor warningColour(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00);
}

QColor outcomeColour(const QString &outcome, const QPalette &palette)
{
    if (outcome == u"ok")
        return presentationOf(SandboxStatus::Running).colour;
    if (outcome == u"failed")
        return stderrColour(palette);
    if (outcome == u"started")
        return presentationOf(SandboxStatus::Created).colour;
    return palette.color(QPalette::PlaceholderText);
}

QString localTime(const QDateTime &utc)
{
    return utc.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

// "E2B" for the provider named "e2b"; other names as they are.
QString providerTitle(const QString &provider)
{
    return provider == u"e2b" ? u"E2B"_s : provider;
}

bool isLocal(const SandboxRecord &record)
{
    return record.provider == u"local";
}

// Only a provider sandbox with a row has a log to read: a local one has none, and an orphan's
// id is not one the service can look up.
bool hasProviderLog(const SandboxRecord &record)
{
    return !record.orphan && !isLocal(record);
}

// Providers spell levels their own way ("warning", "ERR"); the log shows one word per level.
QString levelWord(const QString &level)
{
    const QString lower = level.trimmed().toLower();
    if (lower.startsWith(u"err") || lower == u"fatal" || lower == u"panic")
        return u"ERROR"_s;
    if (lower.startsWith(u"warn"))
        return u"WARN"_s;
    if (lower == u"debug" || lower == u"trace")
        return u"DEBUG"_s;
    return lower.isEmpty() ? u"INFO"_s : lower.toUpper();
}

} // namespace

SandboxDetailsPane::SandboxDetailsPane(ConsoleBackend *backend, QWidget *parent)
    : QWidget(parent)
    , m_backend(backend)
    , m_stdoutDecoder(QStringDecoder::Utf8)
    , m_stderrDecoder(QStringDecoder::Utf8)
{
    setObjectName(u"detailsPane"_s);
    m_stack = new QStackedWidget(this);

    auto *nothing = new QLabel(tr("Select a sandbox to see its details and history, and to run "
                                  "commands in it.\n\nSelect several to terminate them together."),
                               this);
    nothing->setObjectName(u"detailsPlaceholder"_s);
    nothing->setAlignment(Qt::AlignCenter);
    nothing->setWordWrap(true);
    nothing->setMargin(fontMetrics().averageCharWidth() * 3);
    QPalette dim = nothing->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    nothing->setPalette(dim);

    // The sandbox and selection pages are built on first use: nothing is selected at start-up,
    // and their widgets (a monospaced editor among them) would delay the window's first paint.
    m_stack->addWidget(nothing);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);

    // Esc cancels the running command wherever the focus is inside the pane.
    m_escape = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    m_escape->setContext(Qt::WidgetWithChildrenShortcut);
    m_escape->setEnabled(false);
    connect(m_escape, &QShortcut::activated, this, &SandboxDetailsPane::cancelCommand);

    setMinimumWidth(fontMetrics().averageCharWidth() * 40);
    showNothing();
}

void SandboxDetailsPane::ensurePages()
{
    if (m_stack->count() > 1)
        return;
    m_stack->addWidget(buildSandboxPage());
    m_stack->addWidget(buildSelectionPage());
    if (!m_pendingSplitterState.isEmpty())
        m_splitter->restoreState(m_pendingSplitterState);
    updateRunControls();
    Q_EMIT pagesBuilt();
}

QByteArray SandboxDetailsPane::saveLayout() const
{
    return m_splitter ? m_splitter->saveState() : m_pendingSplitterState;
}

void SandboxDetailsPane::restoreLayout(const QByteArray &state)
{
    if (m_splitter)
        m_splitter->restoreState(state);
    else
        m_pendingSplitterState = state;
}

// The accessors below build the pages when asked: tests and the window reach into them.
QTreeWidget *SandboxDetailsPane::auditView() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_audit;
}

QLineEdit *SandboxDetailsPane::commandField() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_command;
}

QPushButton *SandboxDetailsPane::runButton() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_runButton;
}

QPlainTextEdit *SandboxDetailsPane::outputView() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_output;
}

QPlainTextEdit *SandboxDetailsPane::logsView() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_logs;
}

QPushButton *SandboxDetailsPane::logsRefreshButton() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_logsRefresh;
}

MetricsCharts *SandboxDetailsPane::metricsCharts() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_metrics;
}

QTabWidget *SandboxDetailsPane::tabs() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_tabs;
}

SandboxDetailsPane::~SandboxDetailsPane()
{
    if (m_run)
        m_run->cancel();
}

QWidget *SandboxDetailsPane::buildSandboxPage()
{
    auto *page = new QWidget(this);
    const int unit = fontMetrics().averageCharWidth();

    // Header: the status badge and the id, always visible.
    m_badge = new StatusBadge(page);
    m_badge->setObjectName(u"detailsBadge"_s);
    m_title = new QLabel(page);
    m_title->setObjectName(u"detailsTitle"_s);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(page);
    m_subtitle->setObjectName(u"detailsSubtitle"_s);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette dim = m_subtitle->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    m_subtitle->setPalette(dim);
    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(unit);
    titleRow->addWidget(m_badge);
    titleRow->addWidget(m_title, 1);
    auto *header = new QVBoxLayout;
    header->setContentsMargins(unit, unit, unit, unit / 2);
    header->setSpacing(2);
    header->addLayout(titleRow);
    header->addWidget(m_subtitle);

    // Fields.
    auto *fields = new QWidget(page);
    auto *form = new QFormLayout(fields);
    m_form = form;
    form->setContentsMargins(unit, unit / 2, unit, unit);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    addField(form, StatusKey, tr("Status:"));
    addField(form, StateKey, tr("State:"));
    addField(form, TimeLeftKey, tr("Time left:"));
    addField(form, DetailKey, tr("Detail:"));
    addField(form, IdKey, tr("Id:"));
    addField(form, ProviderKey, tr("Provider:"));
    addField(form, ProviderIdKey, tr("Provider id:"));
    addField(form, TemplateKey, tr("Template:"));
    addField(form, TaskKey, tr("Task:"));
    addField(form, AgentKey, tr("Agent:"));
    addField(form, RepoKey, tr("Repository:"));
    addField(form, ResourcesKey, tr("Resources:"));
    addField(form, CostKey, tr("Cost:"));
    addField(form, CreatedKey, tr("Created:"));
    addField(form, StartedKey, tr("Started:"));
    addField(form, UpdatedKey, tr("Updated:"));
    addField(form, LastUsedKey, tr("Last used:"));
    addField(form, EndsAtKey, tr("Ends at:"));
    addField(form, EndedKey, tr("Ended:"));
    addField(form, MetadataKey, tr("Metadata:"));
    auto *scroll = new QScrollArea(page);
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFocusPolicy(Qt::NoFocus);

    // History.
    m_audit = new QTreeWidget(page);
    m_audit->setObjectName(u"auditView"_s);
    m_audit->setHeaderLabels({tr("When"), tr("Action"), tr("Outcome"), tr("By"), tr("Detail")});
    m_audit->setRootIsDecorated(false);
    m_audit->setUniformRowHeights(true);
    m_audit->setAlternatingRowColors(true);
    m_audit->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_audit->setTextElideMode(Qt::ElideRight);
    const QFontMetrics fm = m_audit->fontMetrics();
    m_audit->header()->resizeSection(0, fm.horizontalAdvance(u"0000-00-00 00:00:00"_s) + unit * 2);
    m_audit->header()->resizeSection(1, fm.horizontalAdvance(u"sandbox.terminate"_s) + unit * 2);
    m_audit->header()->resizeSection(2, fm.horizontalAdvance(u"started"_s) + unit * 3);
    m_audit->header()->resizeSection(3, fm.horizontalAdvance(u"operator"_s) + unit * 2);

    // Run command.
    auto *runPage = new QWidget(page);
    m_command = new QLineEdit(runPage);
    m_command->setObjectName(u"commandField"_s);
    m_command->setPlaceholderText(tr("Command, run with sh -c (e.g. git status)"));
    m_command->setClearButtonEnabled(true);
    m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_runButton = new QPushButton(tr("&Run"), runPage);
    m_runButton->setObjectName(u"runButton"_s);
    m_output = new QPlainTextEdit(runPage);
    m_output->setObjectName(u"commandOutput"_s);
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setMaximumBlockCount(20000);
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setPlaceholderText(tr("The command's output appears here as it runs. Esc cancels."));
    m_output->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_commandStatus = new QLabel(runPage);
    m_commandStatus->setObjectName(u"commandStatus"_s);
    m_commandStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *commandRow = new QHBoxLayout;
    commandRow->addWidget(m_command, 1);
    commandRow->addWidget(m_runButton);
    auto *runLayout = new QVBoxLayout(runPage);
    runLayout->setContentsMargins(unit / 2, unit / 2, unit / 2, unit / 2);
    runLayout->addLayout(commandRow);
    runLayout->addWidget(m_output, 1);
    runLayout->addWidget(m_commandStatus);

    connect(m_command, &QLineEdit::returnPressed, this, [this] {
        if (!isCommandRunning())
            runCommand(m_command->text());
    });
    connect(m_command, &QLineEdit::textChanged, this, &SandboxDetailsPane::updateRunControls);
    connect(m_runButton, &QPushButton::clicked, this, [this] {
        if (isCommandRunning())
            cancelCommand();
        else
            runCommand(m_command->text());
    });

    m_tabs = new QTabWidget(page);
    m_tabs->setObjectName(u"detailsTabs"_s);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_audit, tr("&History"));
    m_tabs->addTab(runPage, tr("Run co&mmand"));
    m_tabs->addTab(buildLogsPage(page), tr("&Logs"));
    m_tabs->addTab(buildChangesPage(page), tr("C&hanges"));
    m_tabs->addTab(buildMetricsPage(page), tr("Metr&ics"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &SandboxDetailsPane::updateChangesWatch);
    connect(m_tabs, &QTabWidget::currentChanged, this, &SandboxDetailsPane::updateMetricsWatch);

    m_splitter = new QSplitter(Qt::Vertical, page);
    m_splitter->setObjectName(u"detailsSplitter"_s);
    m_splitter->addWidget(scroll);
    m_splitter->addWidget(m_tabs);
    m_splitter->setChildrenCollapsible(false);
    // The fields take what they need; history and output get the rest.
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_splitter, 1);

    setFocusProxy(m_command);
    return page;
}

QWidget *SandboxDetailsPane::buildLogsPage(QWidget *parent)
{
    auto *logsPage = new QWidget(parent);
    const int unit = fontMetrics().averageCharWidth();
    m_logs = new QPlainTextEdit(logsPage);
    m_logs->setObjectName(u"logsView"_s);
    m_logs->setReadOnly(true);
    m_logs->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_logs->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logs->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_logsStatus = new QLabel(logsPage);
    m_logsStatus->setObjectName(u"logsStatus"_s);
    m_logsStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Alt+R is Run's too, but the two never show at once.
    m_logsRefresh = new QPushButton(tr("&Reload"), logsPage);
    m_logsRefresh->setObjectName(u"logsRefreshButton"_s);
    m_logsRefresh->setToolTip(tr("Read the sandbox's log again"));
    connect(m_logsRefresh, &QPushButton::clicked, this, &SandboxDetailsPane::refreshLogs);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_logsStatus, 1);
    statusRow->addWidget(m_logsRefresh);
    auto *layout = new QVBoxLayout(logsPage);
    layout->setContentsMargins(unit / 2, unit / 2, unit / 2, unit / 2);
    layout->addWidget(m_logs, 1);
    layout->addLayout(statusRow);
    resetLogs();
    return logsPage;
}

QWidget *SandboxDetailsPane::buildChangesPage(QWidget *parent)
{
    auto *changesPage = new QWidget(parent);
    m_changes = new DiffPane(changesPage);
    // The pane is narrow: the file list goes above the diff.
    m_changes->setOrientation(Qt::Vertical);
    m_changesStatus = new QLabel(changesPage);
    m_changesStatus->setObjectName(u"changesStatus"_s);
    m_changesStatus->setWordWrap(true);
    m_changesStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(changesPage);
    const int unit = fontMetrics().averageCharWidth();
    layout->setContentsMargins(unit / 2, unit / 2, unit / 2, unit / 2);
    layout->addWidget(m_changes, 1);
    layout->addWidget(m_changesStatus);
    if (m_backend) {
        connect(m_backend, &ConsoleBackend::filesChanged, this, [this](const QString &id) {
            if (id == m_watchedId && !id.isEmpty())
                loadChanges();
        });
    }
    return changesPage;
}

QString SandboxDetailsPane::changesStatusText() const
{
    return m_changesStatus ? m_changesStatus->text() : QString();
}

void SandboxDetailsPane::showChangesTab()
{
    ensurePages();
    m_tabs->setCurrentWidget(m_changes->parentWidget());
}

void SandboxDetailsPane::updateChangesWatch()
{
    const bool inSight = m_tabs && m_changes && m_tabs->currentWidget() == m_changes->parentWidget()
                         && m_stack->currentIndex() == int(Page::Sandbox);
    const bool diffable = m_record && m_record->status == SandboxStatus::Running && !m_record->orphan
                          && !m_record->isPaused();
    const QString id = inSight && diffable ? m_record->id : QString();
    if (id == m_watchedId)
        return;
    m_watchedId = id;
    ++m_changesSerial;
    m_changesLoading = m_changesPending = false;
    if (m_backend)
        m_backend->watchChanges(id);
    if (id.isEmpty()) {
        if (m_record && !diffable) {
            m_changes->setDiff({});
            m_changesStatus->setText(
                m_record->orphan ? tr("Adopt this sandbox to see its changes.")
                : m_record->isPaused() ? tr("Resume this sandbox to see its changes.")
                                       : tr("Changes are shown for running sandboxes."));
        }
        return;
    }
    // Another sandbox: what the pane shows belongs to the one before.
    if (m_changesShownFor != id) {
        m_changes->setDiff({});
        m_changesShownFor = id;
    }
    loadChanges();
}

void SandboxDetailsPane::loadChanges()
{
    if (!m_backend || m_watchedId.isEmpty())
        return;
    if (m_changesLoading) {
        // One more diff once this one is in: a change made during it may be missing from it.
        m_changesPending = true;
        return;
    }
    m_changesLoading = true;
    if (m_changes->diff().files.isEmpty())
        m_changesStatus->setText(tr("Reading the sandbox's changes…"));
    const int serial = m_changesSerial;
    const QString id = m_watchedId;
    m_backend->diff(id).then(this, [this, serial](const Result<git::Diff> &diff) {
        if (serial != m_changesSerial)
            return;  // another sandbox, or the tab closed meanwhile
        m_changesLoading = false;
        if (diff) {
            m_changes->setDiff(*diff);
            const QLocale locale;
            m_changesStatus->setText(
                diff->files.isEmpty()
                    ? tr("No changes against HEAD. Updated %1; watching for changes.")
                          .arg(QTime::currentTime().toString(u"HH:mm:ss"_s))
                    : tr("%1 · updated %2; watching for changes.")
                          .arg(diff->files.size() == 1 ? tr("1 file changed")
                                                       : tr("%1 files changed").arg(locale.toString(diff->files.size())),
                               QTime::currentTime().toString(u"HH:mm:ss"_s)));
        } else {
            m_changesStatus->setText(diff.error().message());
        }
        Q_EMIT changesLoaded();
        if (m_changesPending) {
            m_changesPending = false;
            loadChanges();
        }
    });
}

QWidget *SandboxDetailsPane::buildMetricsPage(QWidget *parent)
{
    auto *metricsPage = new QWidget(parent);
    m_metrics = new MetricsCharts(metricsPage);
    auto *layout = new QVBoxLayout(metricsPage);
    const int unit = fontMetrics().averageCharWidth();
    layout->setContentsMargins(unit, unit, unit, unit / 2);
    layout->addWidget(m_metrics);
    m_metricsTimer = new QTimer(this);
    m_metricsTimer->setObjectName(u"metricsTimer"_s);
    m_metricsTimer->setInterval(MetricsRefreshMs);
    connect(m_metricsTimer, &QTimer::timeout, this, &SandboxDetailsPane::loadMetrics);
    return metricsPage;
}

void SandboxDetailsPane::showMetricsTab()
{
    ensurePages();
    m_tabs->setCurrentWidget(m_metrics->parentWidget());
}

void SandboxDetailsPane::setMetricsRefreshInterval(int ms)
{
    ensurePages();
    m_metricsTimer->setInterval(ms);
}

void SandboxDetailsPane::updateMetricsWatch()
{
    if (!m_metrics)
        return;
    const bool inSight = m_tabs->currentWidget() == m_metrics->parentWidget()
                         && m_stack->currentIndex() == int(Page::Sandbox);
    // E2B keeps samples of the sandboxes it runs (an orphan's too); an ended one has none left.
    const bool readable = m_record && !isLocal(*m_record) && m_record->isLive();
    const QString id = inSight && readable && m_backend ? m_record->id : QString();
    // Paused sandboxes have their samples read once: no new ones come until resumed.
    const bool live = !id.isEmpty() && !m_record->isPaused();
    if (live != m_metricsTimer->isActive()) {
        if (live)
            m_metricsTimer->start();
        else
            m_metricsTimer->stop();
    }
    if (m_record && !readable) {
        m_metricsShownFor.clear();
        m_metrics->showMessage(
            isLocal(*m_record) ? tr("Metrics come from E2B: it samples the CPU, memory and disk of the "
                                    "sandboxes it runs. A local sandbox has none to show.")
                               : tr("This sandbox has ended: E2B samples only the sandboxes it runs."));
    }
    if (id == m_metricsId)
        return;
    m_metricsId = id;
    ++m_metricsSerial;
    m_metricsLoading = false;
    if (id.isEmpty())
        return;
    // Another sandbox: the charts shown belong to the one before.
    if (m_metricsShownFor != id) {
        m_metrics->showLoading();
        m_metricsShownFor = id;
    }
    loadMetrics();
}

void SandboxDetailsPane::loadMetrics()
{
    if (!m_backend || m_metricsId.isEmpty() || m_metricsLoading)
        return;  // a read under way: its answer is as fresh as a second one would be
    m_metricsLoading = true;
    const int serial = m_metricsSerial;
    const QString id = m_metricsId;
    const QDateTime end = QDateTime::currentDateTimeUtc();
    m_backend->metrics(id, end.addSecs(-MetricsWindowSeconds), end)
        .then(this, [this, serial, id](const Result<QList<E2bMetric>> &metrics) {
            // The operator may have moved to another sandbox or tab meanwhile: only a read of
            // the sandbox whose charts are shown paints.
            if (serial != m_metricsSerial || !m_record || m_record->id != id)
                return;
            m_metricsLoading = false;
            if (metrics)
                m_metrics->setSamples(metricSamples(*metrics));
            else
                m_metrics->setError(metrics.error().toString());
            Q_EMIT metricsLoaded();
        });
}

QWidget *SandboxDetailsPane::buildSelectionPage()
{
    auto *page = new QWidget(this);
    const int unit = fontMetrics().averageCharWidth();
    m_selectionTitle = new QLabel(page);
    m_selectionTitle->setObjectName(u"selectionTitle"_s);
    QFont titleFont = m_selectionTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_selectionTitle->setFont(titleFont);
    m_selectionBody = new QLabel(page);
    m_selectionBody->setObjectName(u"selectionBody"_s);
    m_selectionBody->setTextFormat(Qt::RichText);
    m_selectionBody->setWordWrap(true);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(unit * 2, unit * 2, unit * 2, unit * 2);
    layout->addWidget(m_selectionTitle);
    layout->addWidget(m_selectionBody);
    layout->addStretch();
    return page;
}

QLabel *SandboxDetailsPane::addField(QFormLayout *form, const QString &key, const QString &label)
{
    auto *value = new QLabel(form->parentWidget());
    value->setObjectName(key + u"Value"_s);
    // Mouse-selectable only: keyboard selection would put fifteen labels in the Tab chain.
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    value->setTextFormat(Qt::PlainText);
    value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    value->setMinimumWidth(fontMetrics().averageCharWidth() * 10);
    form->addRow(label, value);
    m_values.insert(key, value);
    return value;
}

SandboxDetailsPane::Page SandboxDetailsPane::page() const
{
    return static_cast<Page>(m_stack->currentIndex());
}

void SandboxDetailsPane::showNothing()
{
    m_record.reset();
    ++m_auditSerial;
    ++m_metadataSerial;
    ++m_logsSerial;
    m_stack->setCurrentIndex(int(Page::Nothing));
    updateRunControls();
    updateChangesWatch();
    updateMetricsWatch();
}

void SandboxDetailsPane::showSelection(int count, const QMap<SandboxStatus, int> &counts)
{
    ensurePages();
    m_record.reset();
    ++m_auditSerial;
    ++m_metadataSerial;
    ++m_logsSerial;
    m_selectionTitle->setText(count == 1 ? tr("1 sandbox selected")
                                         : tr("%1 sandboxes selected").arg(count));
    QString body = u"<p>"_s;
    int live = 0;
    for (const SandboxStatus status : AllSandboxStatuses) {
        const int n = counts.value(status);
        if (n == 0)
            continue;
        const StatusPresentation p = presentationOf(status);
        body += u"<span style=\"color:%1\">%2</span> %3 %4<br>"_s.arg(
            p.colour.name(), p.symbol, QString::number(n), p.label.toLower().toHtmlEscaped());
        if (status != SandboxStatus::Terminated)
            live += n;
    }
    body += u"</p><p>"_s;
    if (live > 0) {
        body += live == 1
                    ? tr("<b>Del</b> terminates the one that is not terminated yet.")
                    : tr("<b>Del</b> terminates the %1 that are not terminated yet.").arg(live);
        body += u"<br>"_s;
    }
    body += tr("<b>Ctrl+C</b> copies their ids.") + u"</p>"_s;
    m_selectionBody->setText(body);
    m_stack->setCurrentIndex(int(Page::Selection));
    updateRunControls();
    updateChangesWatch();
    updateMetricsWatch();
}

void SandboxDetailsPane::showRecord(const SandboxRecord &record)
{
    ensurePages();
    const bool sameSandbox = m_record && m_record->id == record.id;
    const bool changed = !sameSandbox || !(*m_record == record);
    m_record = record;
    m_stack->setCurrentIndex(int(Page::Sandbox));
    if (!changed) {
        updateRunControls();
        return;
    }

    const StatusPresentation p = presentationOf(record.status);
    m_badge->setBadge(badgeOf(record));
    m_title->setText(record.id);
    QStringList subtitle{record.templateId, record.provider};
    if (!record.repoUrl.isEmpty())
        subtitle << record.repoUrl;
    subtitle.removeAll(QString());
    m_subtitle->setText(subtitle.join(u" · "_s));

    setField(StatusKey, p.symbol + u' ' + p.label);
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, p.colour);
    m_values.value(StatusKey)->setPalette(pal);
    setField(DetailKey, record.statusDetail);
    setField(IdKey, record.id);
    setField(ProviderKey, record.provider);
    setField(ProviderIdKey, record.providerId);
    setField(TemplateKey, record.templateId);
    setField(TaskKey, record.taskId);
    setField(AgentKey, record.agentId);
    setField(RepoKey, record.repoUrl);
    setTimeField(CreatedKey, record.createdAt);
    setTimeField(UpdatedKey, record.updatedAt);
    setTimeField(LastUsedKey, record.lastUsedAt);
    setTimeField(EndedKey, record.endedAt);
    showProviderFacts(record);
    // Whatever an earlier read would paint belongs to what was shown before.
    const int serial = ++m_metadataSerial;
    if (!record.metadata.isEmpty() || record.orphan) {
        // An orphan has no row to read more from: what the provider listed is all there is.
        showMetadata(record.metadata);
    } else if (m_backend) {
        // The table's rows carry no metadata; the shown one reads its own.
        setField(MetadataKey, tr("Loading…"));
        m_backend->sandbox(record.id).then(this, [this, serial](const Result<SandboxRecord> &full) {
            if (serial != m_metadataSerial)
                return;  // another sandbox is shown by now
            if (full)
                showMetadata(full->metadata);
            else
                setField(MetadataKey, full.error().message());
        });
    }
    updateRunControls();
    refreshAudit();
    // The log is read once per sandbox shown (and on Reload), not on every refresh of its row.
    if (!sameSandbox)
        refreshLogs();
    updateChangesWatch();
    updateMetricsWatch();
}

void SandboxDetailsPane::showProviderFacts(const SandboxRecord &record)
{
    const QString where = providerTitle(record.provider);
    // Local sandboxes always "run" where they are: a state row would only repeat the status.
    const bool stateKnown = record.providerState != ProviderState::Unknown && !isLocal(record);
    setRowShown(StateKey, record.isLive() && (record.orphan || stateKnown));
    if (record.orphan)
        setField(StateKey, tr("Orphan: running at %1 with no row here").arg(where));
    else if (record.isPaused())
        setField(StateKey, tr("Paused at %1").arg(where));
    else
        setField(StateKey, tr("Running at %1").arg(where));

    QStringList resources;
    if (record.cpuCount > 0)
        resources << tr("%1 vCPU").arg(record.cpuCount);
    if (record.memoryMb > 0)
        resources << tr("%1 memory").arg(SandboxTableModel::memoryText(record.memoryMb));
    if (record.diskMb > 0)
        resources << tr("%1 disk").arg(SandboxTableModel::memoryText(record.diskMb));
    setField(ResourcesKey, resources.join(u" · "_s));
    setRowShown(ResourcesKey, !resources.isEmpty());

    setTimeField(StartedKey, record.startedAt);
    setRowShown(StartedKey, record.startedAt.isValid());
    // Once it ended (or while paused) the provider's planned end says nothing.
    const bool counting = record.isLive() && !record.isPaused() && record.endsAt.isValid();
    if (counting)
        setField(EndsAtKey, localTime(record.endsAt),
                 tr("%1 ends it then unless the timeout is extended").arg(where));
    setRowShown(EndsAtKey, counting);
    setRowShown(TimeLeftKey, counting || (record.isLive() && record.isPaused()));
    updateTimeLeft();
    updateCost();
}

void SandboxDetailsPane::setCostRates(const CostRates &rates)
{
    m_costRates = rates;
    updateCost();
}

void SandboxDetailsPane::updateCost()
{
    if (!m_record || !m_values.contains(CostKey))
        return;
    const SandboxRecord &r = *m_record;
    if (isLocal(r)) {
        setField(CostKey, tr("None: it runs on this machine"));
        return;
    }
    const std::optional<double> cost = estimateCostUsd(r, m_costRates, QDateTime::currentDateTimeUtc());
    const std::optional<double> hourly = hourlyRateUsd(r, m_costRates);
    if (!cost) {
        setField(CostKey, tr("— (the vCPUs or memory are unknown)"));
        return;
    }
    QString text = tr("%1 so far").arg(formatUsd(cost));
    if (isBilledNow(r))
        text += tr(" · %1/h while running").arg(formatUsd(hourly));
    else if (r.isLive() && r.isPaused())
        text += tr(" · nothing while paused");
    setField(CostKey, text,
             tr("Estimated: seconds running × (%1 vCPU × $%2/s + %3 GiB × $%4/s); paused time is "
                "not billed")
                 .arg(r.cpuCount)
                 .arg(m_costRates.vcpuPerSecond)
                 .arg(r.memoryMb / 1024.0)
                 .arg(m_costRates.gibPerSecond));
}

void SandboxDetailsPane::updateTimeLeft()
{
    QLabel *label = m_values.value(TimeLeftKey);
    if (!label || !m_record)
        return;
    if (m_record->isLive() && m_record->isPaused()) {
        setField(TimeLeftKey, tr("None while paused: %1 keeps it until it is resumed")
                                  .arg(providerTitle(m_record->provider)));
        return;
    }
    if (!m_record->isLive() || !m_record->endsAt.isValid()) {
        setField(TimeLeftKey, {});
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    setField(TimeLeftKey, SandboxTableModel::timeLeftText(m_record->endsAt, now),
             tr("Until %1").arg(localTime(m_record->endsAt)));
    if (now.secsTo(m_record->endsAt) < TimeLeftWarningSeconds) {
        QPalette pal = palette();
        pal.setColor(QPalette::WindowText, warningColour(pal));
        label->setPalette(pal);
    }
}

void SandboxDetailsPane::setRowShown(const QString &key, bool shown)
{
    QLabel *label = m_values.value(key);
    if (!label)
        return;
    m_form->setRowVisible(label, shown);
    if (shown)
        m_hiddenFields.remove(key);
    else
        m_hiddenFields.insert(key);
}

bool SandboxDetailsPane::isFieldShown(const QString &key) const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_values.contains(key) && !m_hiddenFields.contains(key);
}

void SandboxDetailsPane::showMetadata(const QString &json)
{
    const QJsonDocument metadata = QJsonDocument::fromJson(json.toUtf8());
    const QString text
        = metadata.isObject() && metadata.object().isEmpty()
              ? QString()
              : (metadata.isNull() ? json
                                   : QString::fromUtf8(metadata.toJson(QJsonDocument::Indented))
                                         .trimmed());
    setField(MetadataKey, text);
}

void SandboxDetailsPane::setField(const QString &key, const QString &text, const QString &toolTip)
{
    QLabel *label = m_values.value(key);
    if (!label)
        return;
    if (text.isEmpty()) {
        label->setText(u"—"_s);
        QPalette pal = palette();
        pal.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
        label->setPalette(pal);
    } else {
        label->setText(text);
        if (key != StatusKey)
            label->setPalette(palette());
    }
    label->setToolTip(toolTip);
}

void SandboxDetailsPane::setTimeField(const QString &key, const QDateTime &utc)
{
    m_times.insert(key, utc);
    if (!utc.isValid()) {
        setField(key, {});
        return;
    }
    const QString age = SandboxTableModel::ageText(utc, QDateTime::currentDateTimeUtc());
    setField(key, tr("%1 (%2 ago)").arg(localTime(utc), age), utc.toString(Qt::ISODateWithMs));
}

void SandboxDetailsPane::refreshAges()
{
    if (page() != Page::Sandbox)
        return;
    for (auto it = m_times.cbegin(); it != m_times.cend(); ++it)
        setTimeField(it.key(), it.value());
    updateTimeLeft();
    updateCost();
}

void SandboxDetailsPane::refreshAudit()
{
    if (!m_record || !m_backend)
        return;
    const int serial = ++m_auditSerial;
    if (m_record->orphan) {
        // Audit rows hang off our ids; an orphan never had one.
        m_audit->clear();
        auto *item = new QTreeWidgetItem(m_audit);
        item->setText(0, tr("No history: this sandbox has no row here."));
        item->setForeground(0, palette().color(QPalette::PlaceholderText));
        item->setFirstColumnSpanned(true);
        m_tabs->setTabText(0, tr("&History"));
        Q_EMIT auditLoaded();
        return;
    }
    m_backend->auditOf(m_record->id)
        .then(this, [this, serial](const Result<QList<AuditEntry>> &entries) {
            if (serial != m_auditSerial)
                return; // another sandbox is shown by now
            m_audit->clear();
            if (!entries) {
                auto *item = new QTreeWidgetItem(m_audit);
                item->setText(0,
                              tr("Could not read the history: %1").arg(entries.error().toString()));
                item->setForeground(0, stderrColour(palette()));
                item->setFirstColumnSpanned(true);
                Q_EMIT auditLoaded();
                return;
            }
            QList<QTreeWidgetItem *> items;
            items.reserve(entries->size());
            for (const AuditEntry &entry : *entries) {
                auto *item = new QTreeWidgetItem;
                item->setText(0, localTime(entry.at));
                item->setToolTip(0, entry.at.toString(Qt::ISODateWithMs));
                item->setText(1, entry.action);
                item->setText(2, entry.outcome);
                item->setForeground(2, outcomeColour(entry.outcome, palette()));
                item->setText(3, entry.actor);
                item->setText(4, entry.detail);
                item->setToolTip(4, entry.detail);
                items << item;
            }
            m_audit->addTopLevelItems(items);
            m_tabs->setTabText(0, tr("&History (%1)").arg(entries->size()));
            Q_EMIT auditLoaded();
        });
}

void SandboxDetailsPane::resetLogs()
{
    m_logs->clear();
    // Only an error message wraps: log lines keep their columns.
    m_logs->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logsStatus->clear();
    m_logsStatus->setPalette(palette());
    m_tabs->setTabText(2, tr("&Logs"));
    m_logsRefresh->setEnabled(m_record && hasProviderLog(*m_record) && m_backend);
    if (!m_record)
        m_logs->setPlaceholderText({});
    else if (m_record->orphan)
        m_logs->setPlaceholderText(
            tr("Logs are read for sandboxes with a row here: adopt this one to read its log."));
    else if (isLocal(*m_record))
        m_logs->setPlaceholderText(tr("Logs are available for E2B sandboxes. A local sandbox "
                                      "keeps no log of its own: its commands' output is in "
                                      "Run command and History."));
    else
        m_logs->setPlaceholderText({});
}

void SandboxDetailsPane::refreshLogs()
{
    ensurePages();
    // Any answer still on its way is for what was shown before.
    const int serial = ++m_logsSerial;
    resetLogs();
    if (!m_record || !m_backend || !hasProviderLog(*m_record))
        return;
    const QString id = m_record->id;
    m_logs->setPlaceholderText(tr("Reading the log…"));
    m_logsStatus->setText(tr("Reading the log of %1…").arg(id.left(8)));
    m_logsRefresh->setEnabled(false);
    m_backend->logs(id, LogLimit)
        .then(this, [this, serial, id](const Result<QList<ProviderLogEntry>> &entries) {
            // The operator may have moved to another sandbox, or asked again, meanwhile: only
            // the newest read of the sandbox shown now paints.
            if (serial != m_logsSerial || !m_record || m_record->id != id)
                return;
            m_logsRefresh->setEnabled(true);
            if (entries)
                showLogs(*entries);
            else
                showLogsError(entries.error());
            Q_EMIT logsLoaded();
        });
}

void SandboxDetailsPane::showLogs(const QList<ProviderLogEntry> &entries)
{
    m_logs->clear();
    m_logs->setPlaceholderText(tr("No log entries yet."));
    const QColor dim = palette().color(QPalette::PlaceholderText);
    const QColor text = palette().color(QPalette::Text);
    QTextCharFormat timeFormat;
    timeFormat.setForeground(dim);
    QTextCharFormat messageFormat;
    messageFormat.setForeground(text);
    QTextCursor cursor(m_logs->document());
    cursor.beginEditBlock();
    QDate day;
    bool first = true;
    const auto newLine = [&] {
        if (!first)
            cursor.insertBlock();
        first = false;
    };
    for (const ProviderLogEntry &entry : entries) {
        const QDateTime local = entry.timestamp.toLocalTime();
        // The day once, as a heading, whenever it changes: lines then need only the time.
        if (local.isValid() && local.date() != day) {
            day = local.date();
            newLine();
            cursor.insertText(u"── "_s + day.toString(Qt::ISODate) + u" ──"_s, timeFormat);
        }
        newLine();
        cursor.insertText(local.isValid() ? local.toString(u"HH:mm:ss.zzz"_s)
                                          : u"??:??:??.???"_s,
                          timeFormat);
        const QString level = levelWord(entry.level);
        QTextCharFormat levelFormat;
        levelFormat.setForeground(level == u"ERROR"  ? stderrColour(palette())
                                  : level == u"WARN" ? warningColour(palette())
                                  : level == u"INFO" ? text
                                                     : dim);
        cursor.insertText(u"  "_s + level.leftJustified(5), levelFormat);
        // Multi-line messages keep their lines under the message column.
        QString message = entry.message;
        while (message.endsWith(u'\n') || message.endsWith(u'\r'))
            message.chop(1);
        message.replace(u'\n', u'\n' + QString(12 + 2 + 5 + 2, u' '));
        cursor.insertText(u"  "_s + message, messageFormat);
    }
    cursor.endEditBlock();
    m_logs->verticalScrollBar()->setValue(m_logs->verticalScrollBar()->maximum());
    m_logs->horizontalScrollBar()->setValue(0);

    const QString read = QTime::currentTime().toString(u"HH:mm:ss"_s);
    m_logsStatus->setPalette(palette());
    m_logsStatus->setText(entries.size() >= LogLimit
                              ? tr("The newest %1 entries, oldest first · read at %2")
                                    .arg(entries.size())
                                    .arg(read)
                          : entries.size() == 1 ? tr("1 entry · read at %1").arg(read)
                                                : tr("%1 entries · read at %2")
                                                      .arg(entries.size())
                                                      .arg(read));
    m_tabs->setTabText(2, tr("&Logs (%1)").arg(entries.size()));
}

void SandboxDetailsPane::showLogsError(const Error &error)
{
    m_logs->clear();
    m_logs->setPlaceholderText({});
    QTextCharFormat format;
    format.setForeground(stderrColour(palette()));
    QTextCursor cursor(m_logs->document());
    // The message already says what failed ("Reading the logs of sandbox … failed: …").
    cursor.insertText(error.toString(), format);
    m_logs->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, stderrColour(pal));
    m_logsStatus->setPalette(pal);
    m_logsStatus->setText(tr("Reading the log failed · Reload tries again"));
}

void SandboxDetailsPane::focusCommand()
{
    ensurePages();
    if (page() != Page::Sandbox) {
        setFocus();
        return;
    }
    m_tabs->setCurrentIndex(1);
    if (m_command->isEnabled()) {
        m_command->setFocus();
        m_command->selectAll();
    } else {
        m_tabs->setFocus();
    }
}

QString SandboxDetailsPane::cannotRunReason(const SandboxRecord &record) const
{
    if (record.status != SandboxStatus::Running)
        return tr("Commands run in running sandboxes only.");
    // The service finds sandboxes by their row, and a paused one must be resumed first.
    if (record.orphan)
        return tr("Adopt this sandbox to run commands in it.");
    if (record.isPaused())
        return tr("Resume this sandbox to run commands in it.");
    return {};
}

void SandboxDetailsPane::updateRunControls()
{
    if (!m_command)
        return;
    const bool running = isCommandRunning();
    const QString hint = m_record ? cannotRunReason(*m_record) : QString();
    const bool canRun = m_record && hint.isEmpty();
    m_command->setEnabled(canRun || running);
    m_runButton->setText(running ? tr("Cancel (Esc)") : tr("&Run"));
    m_runButton->setEnabled(running || (canRun && !m_command->text().trimmed().isEmpty()));
    m_escape->setEnabled(running);
    if (!running) {
        // The last run's outcome stays until a reason not to run replaces it.
        const QString shown = m_commandStatus->text();
        if (!m_record) {
            m_commandStatus->clear();
        } else if (!hint.isEmpty() && (shown.isEmpty() || shown == m_commandHint)) {
            m_commandStatus->setText(hint);
        } else if (hint.isEmpty() && !shown.isEmpty() && shown == m_commandHint) {
            m_commandStatus->clear();
        }
        m_commandHint = hint;
    }
}

void SandboxDetailsPane::runCommand(const QString &line)
{
    ensurePages();
    if (isCommandRunning() || !m_record || !m_backend || line.trimmed().isEmpty())
        return;
    if (!cannotRunReason(*m_record).isEmpty())
        return;
    m_output->clear();
    m_stdoutDecoder.resetState();
    m_stderrDecoder.resetState();
    m_runSandboxId = m_record->id;
    appendText(u"$ "_s + line + u'\n', palette().color(QPalette::PlaceholderText), true);

    CommandSpec spec;
    spec.argv = {u"sh"_s, u"-c"_s, line};
    m_run = m_backend->run(m_record->id, spec, this);
    connect(m_run, &CommandRun::output, this, &SandboxDetailsPane::appendOutput);
    connect(m_run, &CommandRun::finished, this, &SandboxDetailsPane::onCommandFinished);
    m_runClock.start();
    m_commandStatus->setText(tr("Running in %1… Esc cancels.").arg(m_runSandboxId.left(8)));
    updateRunControls();
}

void SandboxDetailsPane::cancelCommand()
{
    if (!m_run)
        return;
    m_commandStatus->setText(tr("Cancelling…"));
    m_run->cancel();
}

void SandboxDetailsPane::appendOutput(CommandRun::Channel channel, const QByteArray &data)
{
    if (channel == CommandRun::Channel::Stderr)
        appendText(m_stderrDecoder.decode(data), stderrColour(palette()));
    else
        appendText(m_stdoutDecoder.decode(data), palette().color(QPalette::Text));
}

void SandboxDetailsPane::appendText(const QString &text, const QColor &colour, bool bold)
{
    if (text.isEmpty())
        return;
    QScrollBar *bar = m_output->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    QTextCharFormat format;
    format.setForeground(colour);
    if (bold)
        format.setFontWeight(QFont::Bold);
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text, format);
    if (atEnd)
        bar->setValue(bar->maximum());
}

void SandboxDetailsPane::onCommandFinished()
{
    CommandRun *run = m_run.data();
    if (!run)
        return;
    const qint64 ms = m_runClock.elapsed();
    const QString seconds = QString::number(double(ms) / 1000.0, 'f', 1);
    // Output that did not end its last line gets one, so the exit line starts on its own.
    if (!m_output->document()->isEmpty() && !m_output->document()->lastBlock().text().isEmpty())
        appendText(u"\n"_s, palette().color(QPalette::Text));
    const Result<CommandOutcome> &result = run->result();
    QString status;
    QColor colour = palette().color(QPalette::PlaceholderText);
    if (!result) {
        status = result.error().code() == ErrorCode::Cancelled
                     ? tr("Cancelled after %1 s").arg(seconds)
                     : tr("Failed: %1").arg(result.error().toString());
        colour = stderrColour(palette());
    } else if (result->timedOut) {
        status = tr("Timed out after %1 s (exit code %2)").arg(seconds).arg(result->exitCode);
        colour = stderrColour(palette());
    } else {
        status = tr("Exit code %1 · %2 s").arg(result->exitCode).arg(seconds);
        if (result->exitCode != 0)
            colour = stderrColour(palette());
    }
    appendText(u"— "_s + status + u'\n', colour, true);
    m_commandStatus->setText(status);
    m_run = nullptr;
    run->deleteLater();
    updateRunControls();
    if (m_record && m_record->id == m_runSandboxId)
        refreshAudit(); // the run wrote an audit row and stamped last_used_at
    Q_EMIT commandFinished();
}

QString SandboxDetailsPane::fieldText(const QString &key) const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    if (key == u"title")
        return m_title->text();
    const QLabel *label = m_values.value(key);
    return label ? label->text() : QString();
}

QString SandboxDetailsPane::summaryText() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_selectionTitle->text() + u'\n' + m_selectionBody->text();
}

QString SandboxDetailsPane::commandStatusText() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_commandStatus->text();
}

QString SandboxDetailsPane::logsStatusText() const
{
    const_cast<SandboxDetailsPane *>(this)->ensurePages();
    return m_logsStatus->text();
}

} // namespace squad
