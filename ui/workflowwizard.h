// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "github/githubapi.h"
#include "workflow/workflowrun.h"

#include <QFuture>
#include <QMessageBox>
#include <QPointer>
#include <QWizard>

#include <array>
#include <optional>

namespace squad {

class ConsoleBackend;
class WorkflowInputsPage;
class WorkflowStepList;
class WorkflowStepPage;
class WorkflowSummaryPage;

// The guided workflow, a page per step: the inputs, then create the sandbox, clone, branch,
// wait for the agent's changes (the live diff of the sandbox's repository, a command box, and
// "The Changes Are Ready"), commit, push, open the pull request, terminate the sandbox, and a
// summary with the pull request's live state. The steps run in the background through
// ConsoleBackend (the engine goes on by itself from step to step; each page shows its own
// step's progress and log, and Next is enabled once that step succeeded). A failed step offers
// Retry, Skip where the engine allows it, and Abort. Back goes to earlier pages for reading;
// nothing done is done again. Cancel asks what becomes of the run and its sandbox.
//
// Non-modal; one wizard per run (find()). Object names: workflowWizard, and on the pages
// repoUrlField, baseBranchField, branchField, commitMessageField, commitMessageHint,
// prTitleField, prBodyField, prRepoField, prRepoHint, reviewersField, labelsField, draftField,
// providerField, templateField, keepSandboxField, inputsError; stepState, stepProgress,
// stepLog, stepActions, stepError, retryButton, skipButton, abortButton, resumeButton;
// on step 4 diffPane, changesStatus, commandField, runButton, confirmButton; on the summary
// summaryHeadline, summarySteps, pullRequestCard. The cancel question is cancelQuestion with
// terminateSandboxButton, keepSandboxButton, abortRunButton, resumeLaterButton and
// dontCancelButton.
class WorkflowWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId {
        InputsPageId = 0,
        FirstStepPageId = 1,  // + int(WorkflowStepKind)
        SummaryPageId = FirstStepPageId + WorkflowStepCount,
    };

    // `github` (not owned, may be null) follows the pull request on the summary page; it lives
    // on the GUI thread, as the backend's own GitHub client cannot.
    WorkflowWizard(ConsoleBackend *backend, GitHubApi *github, QWidget *parent = nullptr);
    ~WorkflowWizard() override;

    static int pageIdOf(WorkflowStepKind kind) { return FirstStepPageId + int(kind); }

    // The inputs page's starting values (profile, provider, template...), for a new run.
    void setDefaults(const WorkflowInputs &inputs);
    // The inputs as typed (lists split, text trimmed).
    WorkflowInputs inputs() const;

    // Shows the stored run `runId` at its first unfinished step (the pages before it can be
    // read with Back). With `resume`, a run left pending or running with no process behind it
    // goes on from there; a waiting run waits for "The Changes Are Ready", a failed one for
    // Retry, Skip or Abort. Errors show on the inputs page.
    void openRun(const QString &runId, bool resume);

    // The run shown, or being read by openRun().
    QString runId() const { return m_run ? m_run->id : m_opening; }
    const std::optional<WorkflowRun> &run() const { return m_run; }
    // True while a call that runs steps (start, confirm, retry, skip, abort) is under way here.
    bool isDriving() const { return m_driving > 0 || m_aborting; }
    // The open wizard of run `runId`, if there is one.
    static WorkflowWizard *find(const QString &runId);

    QWizardPage *stepPage(WorkflowStepKind kind) const;
    // The question Cancel (or Abort) is asking now, if any.
    QMessageBox *cancelQuestion() const { return m_question; }

    // Cancel: a run not finished asks what becomes of it (see askAbort()).
    void reject() override;

    // For the pages.
    ConsoleBackend *backend() const { return m_backend; }
    GitHubApi *github() const { return m_github; }
    // The last error of a call made here (start, retry, ...), shown on the current step's page.
    const std::optional<Error> &lastError() const { return m_lastError; }
    bool abortPending() const { return m_pendingAbort.has_value(); }
    void startRun();
    void confirmAgentDone();
    void retryStep();
    void skipStep();
    // Asks whether to abort the run and what becomes of its sandbox; with `closing` (Cancel),
    // "Resume Later" closes the window and leaves the run as it is.
    void askAbort(bool closing);
    // Aborts now, or once the step running ends; with `closeAfter` the wizard closes then.
    void abortRun(bool keepSandbox, bool closeAfter);
    // Creates the run from the inputs, starts it and goes to its first step.
    void createRun();

Q_SIGNALS:
    // The run as the wizard knows it changed (a step started or ended, an answer came).
    void runUpdated(const squad::WorkflowRun &run);
    // A call made here failed; its error is on the current page.
    void failed(const squad::Error &error);
    // The run's abort finished (or failed: see failed()).
    void aborted();

private:
    void setRun(const WorkflowRun &run);
    void onRunChanged(const WorkflowRun &run);
    void onStepLog(const QString &runId, WorkflowStepKind step, const QString &line);
    void drive(QFuture<Result<WorkflowRun>> call);
    void maybeAbortPending();
    void refreshPages();
    void goToRunPage();

    ConsoleBackend *m_backend;
    QPointer<GitHubApi> m_github;
    std::optional<WorkflowRun> m_run;
    QString m_opening;  // openRun()'s run until it is read
    std::optional<Error> m_lastError;
    int m_driving = 0;
    bool m_aborting = false;
    bool m_resumeWhenOpened = false;
    struct PendingAbort
    {
        bool keepSandbox = false;
        bool closeAfter = false;
    };
    std::optional<PendingAbort> m_pendingAbort;
    QPointer<QMessageBox> m_question;

    WorkflowInputsPage *m_inputsPage = nullptr;
    std::array<WorkflowStepPage *, WorkflowStepCount> m_stepPages{};
    WorkflowSummaryPage *m_summaryPage = nullptr;
    WorkflowStepList *m_stepList = nullptr;
};

} // namespace squad
