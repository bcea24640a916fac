// SPDX-License-Identifier: MIT
#pragma once

#include "messagebar.h"
#include "workflow/workflowrun.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace squad {

class ConsoleBackend;
class GitHubApi;
class PullRequestCard;
class PullRequestWatch;
class WorkflowRunModel;
class WorkflowWizard;

// Every workflow run, newest first and sortable: its state, when it was made, what it is for,
// where it stands and its pull request's live state. Open shows a run in the wizard; Resume
// goes on with a run left pending, running (by no live process) or waiting; Retry runs a
// failed step again; Abort stops a run for good, asking what becomes of its sandbox. The
// selected run's facts and its pull request card are under the table.
//
// Object names: runsWindow, runsTable, openRunButton, resumeRunButton, retryRunButton,
// abortRunButton, refreshRunsButton, runsStatus, runDetails, pullRequestCard; the abort question
// is abortQuestion with terminateSandboxButton, keepSandboxButton, abortRunButton and
// dontAbortButton.
class RunsWindow : public QWidget
{
    Q_OBJECT
public:
    // `github` (not owned, may be null) follows the runs' pull requests.
    RunsWindow(ConsoleBackend *backend, GitHubApi *github, QWidget *parent = nullptr);
    ~RunsWindow() override;

    // How many of the newest runs' pull requests are followed while the window shows.
    static constexpr int WatchedPullRequests = 20;

    // Reads every run again.
    void reload();
    // A new GitHub client (the profile changed): the pull requests are followed with it.
    void setGitHub(GitHubApi *github);
    // How the details find a sandbox's estimated cost in USD (a run costs what its sandbox
    // does); nullopt = unknown.
    using CostLookup = std::function<std::optional<double>(const QString &sandboxId)>;
    void setCostLookup(CostLookup lookup);

    // Shows `runId` in the wizard (raising the one already open) and returns it; with `resume`
    // the run goes on (see WorkflowWizard::openRun).
    WorkflowWizard *openRun(const QString &runId, bool resume);
    // The buttons' actions on the selected run.
    void openSelected();
    void resumeSelected();
    void retrySelected();
    void abortSelected();

    QString selectedRunId() const;
    bool selectRun(const QString &runId);

    WorkflowRunModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString statusText() const;

Q_SIGNALS:
    // The runs were read (reload()).
    void loaded();
    // A wizard was opened on a run.
    void wizardOpened(squad::WorkflowWizard *wizard);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    CostLookup m_costLookup;
    void updateButtons();
    void updateDetails();
    void updateWatches();
    void setStatus(const QString &text, bool error = false);
    void onRunChanged(const WorkflowRun &run);

    ConsoleBackend *m_backend;
    QPointer<GitHubApi> m_github;
    WorkflowRunModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_refresh = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_detailsTitle = nullptr;
    QLabel *m_details = nullptr;
    PullRequestCard *m_card = nullptr;
    QLabel *m_cardNote = nullptr;
    // The pull requests followed, by run.
    QHash<QString, PullRequestWatch *> m_watches;
    int m_loadSerial = 0;
    bool m_loading = false;
};

// The strip the main window shows when it starts with unfinished runs: "2 workflow runs did
// not finish…", Resume (the newest) and Show Runs, and a dismiss button. Never modal.
// Object names: resumeRunsBar, resumeRunsText, resumeRunButton, showRunsButton.
class ResumeRunsBar : public MessageBar
{
    Q_OBJECT
public:
    explicit ResumeRunsBar(QWidget *parent = nullptr);

    // The runs to offer, newest first; empty hides the bar.
    void setRuns(const QList<WorkflowRun> &runs);

Q_SIGNALS:
    void resumeRequested(const QString &runId);
    void showRunsRequested();

private:
    QString m_runId;
};

} // namespace squad
