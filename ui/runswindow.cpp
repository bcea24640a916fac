// SPDX-License-Identifier: MIT
#include "runswindow.h"

#include "abortchoices.h"

#include "console/consolebackend.h"
#include "github/githubapi.h"
#include "github/githubremote.h"
#include "github/pullrequestwatch.h"
#include "ops/cost.h"
#include "pullrequestcard.h"
#include "statusbadgedelegate.h"
#include "textcelldelegate.h"
#include "workflowrunmodel.h"
#include "workflowrunpresentation.h"
#include "workflowwizard.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QScreen>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// The run's state as the sandbox table draws its statuses: a pill in the state's colour.
class RunStateDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : nullptr;
        if (style)
            style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const auto state = WorkflowRunState(index.data(WorkflowRunModel::StateRole).toInt());
        const int margin = option.fontMetrics.averageCharWidth();
        const QColor base = option.palette.color(QPalette::Base);
        paintStatusBadge(painter, option.rect.adjusted(margin, 0, -margin, 0), presentationOf(state),
                         option.font, base);
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const auto state = WorkflowRunState(index.data(WorkflowRunModel::StateRole).toInt());
        QSize size = statusBadgeSize(presentationOf(state), option.font);
        size.rwidth() += option.fontMetrics.averageCharWidth() * 2;
        return size.expandedTo(QStyledItemDelegate::sizeHint(option, index));
    }
};

bool resumable(const WorkflowRun &run, bool activeHere)
{
    if (activeHere)
        return false;
    return run.state == WorkflowRunState::Pending || run.state == WorkflowRunState::Running
           || run.state == WorkflowRunState::Waiting;
}

} // namespace

RunsWindow::RunsWindow(ConsoleBackend *backend, GitHubApi *github, QWidget *parent)
    : QWidget(parent, Qt::Window)
    , m_backend(backend)
    , m_github(github)
{
    Q_ASSERT(backend);
    setObjectName(u"runsWindow"_s);
    setWindowTitle(tr("Workflow Runs"));
    const QFontMetrics fm = fontMetrics();
    const int unit = fm.averageCharWidth();

    m_model = new WorkflowRunModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(WorkflowRunModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view = new QTableView(this);
    m_view->setObjectName(u"runsTable"_s);
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setSortingEnabled(true);
    m_view->setItemDelegate(new TextCellDelegate(Qt::ElideRight, m_view));
    m_view->setItemDelegateForColumn(WorkflowRunModel::StateColumn, new RunStateDelegate(m_view));
    m_view->setItemDelegateForColumn(WorkflowRunModel::RepositoryColumn,
                                     new TextCellDelegate(Qt::ElideLeft, m_view));
    m_view->setAccessibleName(tr("Workflow runs"));
    QHeaderView *rows = m_view->verticalHeader();
    rows->hide();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(fm.height() + std::max(6, fm.height() / 2));
    QHeaderView *columns = m_view->horizontalHeader();
    columns->setHighlightSections(false);
    columns->setStretchLastSection(true);
    columns->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    const auto width = [&](const QString &sample) { return fm.horizontalAdvance(sample) + unit * 3; };
    columns->resizeSection(WorkflowRunModel::StateColumn, width(u"✓ Succeeded"_s) + unit * 3);
    columns->resizeSection(WorkflowRunModel::CreatedColumn,
                           width(QLocale().toString(QDateTime(QDate(2026, 12, 28), QTime(23, 59)),
                                                    QLocale::ShortFormat)));
    columns->resizeSection(WorkflowRunModel::TitleColumn, width(u"feat(login): add the login page"_s));
    columns->resizeSection(WorkflowRunModel::RepositoryColumn, width(u"…acme/data-pipeline.git"_s));
    columns->resizeSection(WorkflowRunModel::BranchColumn, width(u"agent/login-page"_s));
    columns->resizeSection(WorkflowRunModel::StepColumn, width(u"4/8 Wait for the agent's changes"_s));
    m_view->sortByColumn(WorkflowRunModel::CreatedColumn, Qt::DescendingOrder);

    m_view->viewport()->installEventFilter(this);
    m_empty = new QLabel(m_view->viewport());
    m_empty->setObjectName(u"runsEmptyState"_s);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::RichText);
    QPalette dim = m_empty->palette();
    dim.setColor(QPalette::WindowText, dim.color(QPalette::PlaceholderText));
    m_empty->setPalette(dim);

    const auto button = [this](const QString &text, const QString &name, const QString &tip) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setToolTip(tip);
        b->setAutoDefault(false);
        return b;
    };
    m_open = button(tr("&Open"), u"openRunButton"_s, tr("Show the run in the wizard (Enter)"));
    m_resume = button(tr("&Resume"), u"resumeRunButton"_s,
                      tr("Go on with a run that stopped or waits for the agent's changes"));
    m_retry = button(tr("Re&try"), u"retryRunButton"_s, tr("Run the failed step again"));
    m_abort = button(tr("&Abort…"), u"abortRunButton"_s, tr("Stop the run for good"));
    m_refresh = button(tr("Re&load"), u"refreshRunsButton"_s, tr("Read every run again (F5)"));
    m_status = new QLabel(this);
    m_status->setObjectName(u"runsStatus"_s);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(unit);
    buttons->addWidget(m_open);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_abort);
    buttons->addSpacing(unit * 2);
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_refresh);

    // The selected run: its facts on the left, its pull request on the right.
    auto *details = new QWidget(this);
    details->setObjectName(u"runDetailsPane"_s);
    m_detailsTitle = new QLabel(details);
    m_detailsTitle->setWordWrap(true);
    m_detailsTitle->setTextFormat(Qt::PlainText);
    QFont bold = m_detailsTitle->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.1);
    m_detailsTitle->setFont(bold);
    m_details = new QLabel(details);
    m_details->setObjectName(u"runDetails"_s);
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_card = new PullRequestCard(details);
    m_cardNote = new QLabel(details);
    m_cardNote->setObjectName(u"runPullRequestNote"_s);
    m_cardNote->setWordWrap(true);
    m_cardNote->setTextFormat(Qt::RichText);
    m_cardNote->setOpenExternalLinks(true);
    m_cardNote->setPalette(dim);
    auto *factsColumn = new QVBoxLayout;
    factsColumn->addWidget(m_detailsTitle);
    factsColumn->addWidget(m_details, 1);
    auto *cardColumn = new QVBoxLayout;
    cardColumn->addWidget(m_card);
    cardColumn->addWidget(m_cardNote);
    cardColumn->addStretch();
    auto *detailsLayout = new QHBoxLayout(details);
    detailsLayout->setContentsMargins(0, unit / 2, 0, 0);
    detailsLayout->setSpacing(unit * 3);
    detailsLayout->addLayout(factsColumn, 3);
    detailsLayout->addLayout(cardColumn, 2);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(u"runsSplitter"_s);
    splitter->addWidget(m_view);
    splitter->addWidget(details);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(unit * 2, unit * 2, unit * 2, unit * 2);
    layout->setSpacing(unit);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    connect(m_open, &QPushButton::clicked, this, &RunsWindow::openSelected);
    connect(m_resume, &QPushButton::clicked, this, &RunsWindow::resumeSelected);
    connect(m_retry, &QPushButton::clicked, this, &RunsWindow::retrySelected);
    connect(m_abort, &QPushButton::clicked, this, &RunsWindow::abortSelected);
    connect(m_refresh, &QPushButton::clicked, this, &RunsWindow::reload);
    auto *f5 = new QShortcut(QKeySequence(Qt::Key_F5), this);
    connect(f5, &QShortcut::activated, this, &RunsWindow::reload);
    connect(m_view, &QAbstractItemView::activated, this, [this] { openSelected(); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateButtons();
        updateDetails();
    });
    connect(m_model, &WorkflowRunModel::runUpdated, this, [this](const WorkflowRun &run) {
        if (run.id == selectedRunId())
            updateDetails();
        updateButtons();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateButtons();
        updateDetails();
    });
    connect(m_backend, &ConsoleBackend::runChanged, this, &RunsWindow::onRunChanged);

    resize(QSize(unit * 170, fm.height() * 34).boundedTo(screen() ? screen()->availableSize() * 0.9
                                                                  : QSize(1600, 1000)));
    updateButtons();
    updateDetails();
}

RunsWindow::~RunsWindow() = default;

void RunsWindow::reload()
{
    const int serial = ++m_loadSerial;
    m_loading = true;
    if (m_model->rowCount() == 0)
        m_empty->setText(tr("Reading the runs…"));
    setStatus(tr("Reading the runs…"));
    m_backend->runs().then(this, [this, serial](const Result<QList<WorkflowRun>> &runs) {
        if (serial != m_loadSerial)
            return;  // a newer reload is on its way
        m_loading = false;
        if (!runs) {
            setStatus(tr("Could not read the runs: %1").arg(runs.error().message()), true);
            m_empty->setText(tr("The runs could not be read.<br>%1").arg(runs.error().message().toHtmlEscaped()));
            Q_EMIT loaded();
            return;
        }
        const QString selected = selectedRunId();
        m_model->setRuns(*runs);
        if (!selected.isEmpty())
            selectRun(selected);
        else if (m_proxy->rowCount() > 0)
            m_view->selectRow(0);
        setStatus(runs->size() == 1 ? tr("1 run") : tr("%1 runs").arg(runs->size()));
        updateWatches();
        updateButtons();
        Q_EMIT loaded();
    });
}

void RunsWindow::onRunChanged(const WorkflowRun &run)
{
    const bool isNew = m_model->rowOf(run.id) < 0;
    m_model->updateRun(run);
    if (isNew)
        setStatus(m_model->rowCount() == 1 ? tr("1 run") : tr("%1 runs").arg(m_model->rowCount()));
    if (!run.pullRequestUrl().isEmpty() && !m_watches.contains(run.id))
        updateWatches();
}

void RunsWindow::setCostLookup(CostLookup lookup)
{
    m_costLookup = std::move(lookup);
    updateDetails();
}

void RunsWindow::setGitHub(GitHubApi *github)
{
    if (github == m_github)
        return;
    m_github = github;
    m_card->setWatch(nullptr);
    qDeleteAll(m_watches);
    m_watches.clear();
    updateWatches();
    updateDetails();
}

void RunsWindow::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateWatches();
}

void RunsWindow::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    // Nobody looks: the pull requests are not polled.
    for (PullRequestWatch *watch : std::as_const(m_watches))
        watch->stop();
}

void RunsWindow::updateWatches()
{
    if (!m_github || !isVisible())
        return;
    // The newest runs' pull requests, by creation.
    QList<const WorkflowRun *> withPullRequests;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const WorkflowRun &run = m_model->run(row);
        if (workflowRunPullRequestNumber(run) > 0)
            withPullRequests << &run;
    }
    std::sort(withPullRequests.begin(), withPullRequests.end(),
              [](const WorkflowRun *a, const WorkflowRun *b) { return a->createdAt > b->createdAt; });
    withPullRequests = withPullRequests.mid(0, WatchedPullRequests);
    for (const WorkflowRun *run : std::as_const(withPullRequests)) {
        PullRequestWatch *watch = m_watches.value(run->id);
        if (!watch) {
            const QString slug = run->step(WorkflowStepKind::OpenPullRequest)
                                     .output.value("repository"_L1)
                                     .toString();
            const auto repo = gitHubRepoFromSlug(slug, m_github->webHost());
            if (!repo)
                continue;
            watch = new PullRequestWatch(m_github, *repo, workflowRunPullRequestNumber(*run), this);
            const QString runId = run->id;
            connect(watch, &PullRequestWatch::statusChanged, this,
                    [this, runId](const PullRequestStatus &status) {
                        m_model->setPullRequestStatus(runId, status);
                    });
            m_watches.insert(runId, watch);
            if (runId == selectedRunId())
                m_card->setWatch(watch);
        }
        if (!watch->isActive())
            watch->start();
    }
}

QString RunsWindow::selectedRunId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(WorkflowRunModel::RunIdRole).toString();
}

bool RunsWindow::selectRun(const QString &runId)
{
    const int row = m_model->rowOf(runId);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_view->selectRow(index.row());
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

QString RunsWindow::statusText() const
{
    return m_status->text();
}

void RunsWindow::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, error ? QColor(0xcf, 0x22, 0x2e)
                                             : palette().color(QPalette::PlaceholderText));
    m_status->setPalette(pal);
}

void RunsWindow::updateButtons()
{
    const int row = m_model->rowOf(selectedRunId());
    const bool selected = row >= 0;
    const WorkflowRun *run = selected ? &m_model->run(row) : nullptr;
    const bool active = run && m_backend->isRunActive(run->id);
    m_open->setEnabled(selected);
    m_resume->setEnabled(run && resumable(*run, active));
    m_retry->setEnabled(run && !active && run->state == WorkflowRunState::Failed);
    m_abort->setEnabled(run && !active && !workflowRunFinished(run->state));

    const bool empty = m_proxy->rowCount() == 0;
    if (empty && !m_loading) {
        m_empty->setText(tr("<b>No workflow runs yet.</b><br>Workflow → New Run… (Ctrl+Shift+N) "
                            "walks a change from a sandbox to a pull request."));
    }
    m_empty->setVisible(empty);
    if (empty)
        m_empty->setGeometry(m_view->viewport()->rect());
}

bool RunsWindow::eventFilter(QObject *watched, QEvent *event)
{
    // The empty table's message stays centred in it.
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        m_empty->setGeometry(m_view->viewport()->rect());
    return QWidget::eventFilter(watched, event);
}

void RunsWindow::updateDetails()
{
    const int row = m_model->rowOf(selectedRunId());
    if (row < 0) {
        m_detailsTitle->setText(tr("No run selected"));
        m_details->clear();
        m_card->setWatch(nullptr);
        m_card->hide();
        m_cardNote->clear();
        return;
    }
    const WorkflowRun &run = m_model->run(row);
    m_detailsTitle->setText(run.inputs.prTitle);
    const StatusPresentation state = presentationOf(run.state);
    QStringList facts;
    const QString dimName = palette().color(QPalette::PlaceholderText).name();
    const auto fact = [&facts, &dimName](const QString &name, const QString &value) {
        facts << u"<tr><td style=\"padding-right:12px; color:%1\">%2</td><td>%3</td></tr>"_s
                     .arg(dimName, name.toHtmlEscaped(), value);
    };
    fact(tr("State"), u"<span style=\"color:%1\">%2</span> %3"_s.arg(state.colour.name(), state.symbol,
                                                                  state.label.toHtmlEscaped()));
    fact(tr("Step"), workflowRunStepText(run).toHtmlEscaped());
    fact(tr("Repository"), run.inputs.repoUrl.toHtmlEscaped());
    fact(tr("Branch"), (run.inputs.baseBranch.isEmpty()
                            ? run.inputs.branch
                            : tr("%1 from %2").arg(run.inputs.branch, run.inputs.baseBranch))
                           .toHtmlEscaped());
    if (!run.sandboxId().isEmpty()) {
        fact(tr("Sandbox"), run.sandboxId().toHtmlEscaped());
        if (m_costLookup)
            fact(tr("Cost"), formatUsd(m_costLookup(run.sandboxId())).toHtmlEscaped());
    }
    if (!run.error.isEmpty()) {
        fact(tr("Error"), u"<span style=\"color:#cf222e\">%1</span>"_s.arg(run.error.toHtmlEscaped()));
    }
    m_details->setText(u"<table cellspacing=\"2\">"_s + facts.join(QString()) + u"</table>"_s);

    const QString url = run.pullRequestUrl();
    if (url.isEmpty()) {
        m_card->setWatch(nullptr);
        m_card->hide();
        m_cardNote->setText(tr("No pull request yet."));
        return;
    }
    m_card->show();
    if (PullRequestWatch *watch = m_watches.value(run.id)) {
        if (m_card->watch() != watch)
            m_card->setWatch(watch);
        m_cardNote->clear();
    } else {
        m_card->setWatch(nullptr);
        m_card->hide();
        m_cardNote->setText(
            m_github ? tr("<a href=\"%1\">%1</a>").arg(url.toHtmlEscaped())
                     : tr("<a href=\"%1\">%1</a><br>Set a GitHub token or app for the profile in "
                          "Preferences to follow its state here.")
                           .arg(url.toHtmlEscaped()));
    }
}

WorkflowWizard *RunsWindow::openRun(const QString &runId, bool resume)
{
    if (WorkflowWizard *open = WorkflowWizard::find(runId)) {
        open->show();
        open->raise();
        open->activateWindow();
        if (resume && open->run()) {
            const WorkflowRun &run = *open->run();
            if (run.state == WorkflowRunState::Pending
                || (run.state == WorkflowRunState::Running && !m_backend->isRunActive(run.id)))
                open->startRun();
        }
        return open;
    }
    // Parented to the main window when there is one: the wizard outlives this window's hiding.
    QWidget *owner = parentWidget() ? parentWidget() : this;
    auto *wizard = new WorkflowWizard(m_backend, m_github, owner);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->openRun(runId, resume);
    wizard->show();
    Q_EMIT wizardOpened(wizard);
    return wizard;
}

void RunsWindow::openSelected()
{
    const QString id = selectedRunId();
    if (!id.isEmpty())
        openRun(id, false);
}

void RunsWindow::resumeSelected()
{
    const QString id = selectedRunId();
    if (!id.isEmpty())
        openRun(id, true);
}

void RunsWindow::retrySelected()
{
    const QString id = selectedRunId();
    if (id.isEmpty())
        return;
    setStatus(tr("Retrying…"));
    m_backend->retryRun(id).then(this, [this](const Result<WorkflowRun> &run) {
        if (!run) {
            setStatus(tr("Could not retry: %1").arg(run.error().message()), true);
        } else {
            m_model->updateRun(*run);
            setStatus(run->state == WorkflowRunState::Failed
                          ? tr("The step failed again: %1").arg(run->error)
                          : tr("Retried: the run is %1.").arg(presentationOf(run->state).label.toLower()),
                      run->state == WorkflowRunState::Failed);
        }
        updateButtons();
    });
    updateButtons();
}

void RunsWindow::abortSelected()
{
    const int row = m_model->rowOf(selectedRunId());
    if (row < 0)
        return;
    const WorkflowRun run = m_model->run(row);
    const bool hasSandbox = !run.sandboxId().isEmpty()
                            && run.step(WorkflowStepKind::TerminateSandbox).state
                                   != WorkflowStepState::Succeeded;
    auto *box = new QMessageBox(this);
    box->setObjectName(u"abortQuestion"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(tr("Abort the Run"));
    box->setTextFormat(Qt::RichText);
    box->setText(tr("<b>Abort “%1”?</b>").arg(run.inputs.prTitle.toHtmlEscaped()));
    box->setInformativeText(hasSandbox ? tr("Aborting stops the run for good. Its sandbox can keep "
                                            "running with the changes made so far, or be terminated.")
                                       : tr("Aborting stops the run for good."));
    const AbortChoices choices = addAbortChoices(box, hasSandbox);
    QPushButton *dont = box->addButton(tr("&Don't Abort"), QMessageBox::RejectRole);
    dont->setObjectName(u"dontAbortButton"_s);
    box->setEscapeButton(dont);
    box->setDefaultButton(hasSandbox && run.inputs.keepSandboxOnFailure ? choices.keep : dont);
    const QString id = run.id;
    connect(box, &QMessageBox::buttonClicked, this,
            [this, id, choices](QAbstractButton *clicked) {
                if (!choices.aborts(clicked))
                    return;
                setStatus(tr("Aborting…"));
                m_backend->abortRun(id, choices.keepsSandbox(clicked)).then(this, [this](const Result<WorkflowRun> &run) {
                    if (!run) {
                        setStatus(tr("Could not abort: %1").arg(run.error().message()), true);
                    } else {
                        m_model->updateRun(*run);
                        setStatus(tr("The run is aborted."));
                    }
                    updateButtons();
                });
            });
    box->open();
}

// --- the offer to resume --------------------------------------------------------------------

ResumeRunsBar::ResumeRunsBar(QWidget *parent)
    : MessageBar(Kind::Information, parent)
{
    setObjectName(u"resumeRunsBar"_s);
    setAccessibleName(tr("Unfinished workflow runs"));
    textLabel()->setObjectName(u"resumeRunsText"_s);
    textLabel()->setTextFormat(Qt::RichText);
    QPushButton *resume = addButton(tr("&Resume"));
    resume->setObjectName(u"resumeRunButton"_s);
    QPushButton *show = addButton(tr("Show R&uns"));
    show->setObjectName(u"showRunsButton"_s);
    connect(resume, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT resumeRequested(m_runId);
    });
    connect(show, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT showRunsRequested();
    });
}

void ResumeRunsBar::setRuns(const QList<WorkflowRun> &runs)
{
    if (runs.isEmpty()) {
        m_runId.clear();
        hide();
        return;
    }
    const WorkflowRun &newest = *std::max_element(
        runs.cbegin(), runs.cend(),
        [](const WorkflowRun &a, const WorkflowRun &b) { return a.createdAt < b.createdAt; });
    m_runId = newest.id;
    const QString where = newest.state == WorkflowRunState::Waiting
                              ? tr("waits for the agent's changes")
                          : newest.state == WorkflowRunState::Failed
                              ? tr("failed at “%1”").arg(workflowRunStepText(newest).section(u' ', 1))
                              : tr("stopped at “%1”").arg(workflowRunStepText(newest).section(u' ', 1));
    const QString title = u"<b>%1</b>"_s.arg(newest.inputs.prTitle.toHtmlEscaped());
    reveal(runs.size() == 1
               ? tr("A workflow run did not finish: %1 %2.").arg(title, where.toHtmlEscaped())
               : tr("%1 workflow runs did not finish. The newest, %2, %3.")
                     .arg(runs.size())
                     .arg(title, where.toHtmlEscaped()));
}

} // namespace squad
