// SPDX-License-Identifier: MIT
// The workflow wizard walked page by page against the real engine on a real ConsoleBackend:
// local sandboxes, a local bare repository as origin and FakeGitHub for the pull request
// (named by the inputs' pull request repository, a local path not being on GitHub). Also the
// commit message checked as typed, Back for reading, a failed step retried, Cancel's question
// (don't cancel, resume later, terminate — also while a step runs), the Runs window resuming
// a waiting run, and the main window's offer to resume at start.
#include "fakegithub.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "diffpane.h"
#include "fieldhint.h"
#include "github/githubapi.h"
#include "mainwindow.h"
#include "pullrequestcard.h"
#include "runswindow.h"
#include "statusbadgedelegate.h"
#include "workflowrunmodel.h"
#include "workflowwizard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeGitHub;
using squad::test::LoopbackHttpServer;
using squad::test::scratchOptions;

namespace {

const QString Token = u"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"_s;
const QString Repo = u"octo/app"_s;
const QString Branch = u"agent/hello"_s;
const QString Message = u"feat(greeting): say hello"_s;
// Steps run locally in well under this; the pull request waits out GitHub's write spacing.
constexpr int StepMs = 30000;

} // namespace

class tst_WorkflowWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void commitMessageIsCheckedAsTyped();
    void walksEveryStepToThePullRequest();
    void failedStepIsRetried();
    void cancelAsksThenTerminatesTheSandbox();
    void cancelWhileAStepRunsAbortsWhenItEnds();
    void quittingMidStepLeavesTheRunResumable();
    void runsWindowResumesAWaitingRun();
    void mainWindowOffersToResume();

private:
    // A wizard on the heap (it deletes itself when closed), shown, on a new run.
    WorkflowWizard *newWizard();
    void fillInputs(WorkflowWizard *wizard, const QString &branch = Branch);
    // Next from the inputs page to the first step page.
    bool startRun(WorkflowWizard *wizard);
    // Next on each page until the one of `step`, waiting on each for its step to succeed.
    bool walkTo(WorkflowWizard *wizard, WorkflowStepKind step);
    // The first run, to step 4, waiting there; its id.
    QString waitingRun();
    static QAbstractButton *button(QWizard *wizard, QWizard::WizardButton which)
    {
        return wizard->button(which);
    }
    template<class T>
    static T *child(QWidget *parent, const QString &name)
    {
        T *found = parent->findChild<T *>(name);
        if (!found)
            qWarning() << "no" << name << "in" << parent->objectName();
        return found;
    }
    QString bareRepo() const { return m_dir->filePath(u"remote/app.git"_s); }
    SandboxRecord sandbox(const QString &id);
    WorkflowRun storedRun(const QString &id);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<QObject> m_owner;
    GitHubApi *m_api = nullptr;
};

void tst_WorkflowWizard::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    setApplicationIdentity();
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    qRegisterMetaType<WorkflowWizard *>();
    qRegisterMetaType<QWidget *>();
}

void tst_WorkflowWizard::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(QDir(m_dir->path()).mkpath(u"remote"_s));
    QVERIFY(QDir(m_dir->path()).mkpath(u"testhome"_s));
    QVERIFY(squad::test::makeBareRepository(bareRepo(), m_dir->filePath(u"testhome"_s)));

    m_server = std::make_unique<LoopbackHttpServer>();
    m_github = std::make_unique<FakeGitHub>(*m_server);
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    m_github->addRepo(u"octo"_s, u"app"_s, u"main"_s);
    // FakeGitHub does not see git's pushes: the branch is there for it as after the push.
    m_github->addBranch(Repo, Branch, 1);

    m_backend = std::make_unique<ConsoleBackend>(
        scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
    QVERIFY_RESULT(await(m_backend->open()));
    m_backend->setWorkflowAccess(WorkflowAccess{m_github->apiUrl(), GitHubAuth{Token, std::nullopt},
                                                GitIdentity{u"Ada Lovelace"_s, u"ada@example.com"_s}});
    QVERIFY(m_backend->hasWorkflowAccess());

    // The GUI's own client, for following the pull request.
    m_owner = std::make_unique<QObject>();
    m_api = new GitHubApi(m_github->apiUrl(), GitHubAuth{Token, std::nullopt}, m_owner.get());
    GitHubApi::Options options;
    options.writeSpacingMs = 0;
    m_api->setOptions(options);
}

void tst_WorkflowWizard::cleanup()
{
    // Windows go before the backend, as in main().
    // (A window may own another: each is deleted only while it still exists.)
    QList<QPointer<QWidget>> windows;
    for (QWidget *window : QApplication::topLevelWidgets())
        windows << window;
    for (const QPointer<QWidget> &window : std::as_const(windows))
        delete window.data();
    m_owner.reset();
    m_backend.reset();
    m_github.reset();
    m_server.reset();
    m_dir.reset();
}

WorkflowWizard *tst_WorkflowWizard::newWizard()
{
    auto *wizard = new WorkflowWizard(m_backend.get(), m_api);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    wizard->show();
    return wizard;
}

void tst_WorkflowWizard::fillInputs(WorkflowWizard *wizard, const QString &branch)
{
    child<QLineEdit>(wizard, u"repoUrlField"_s)->setText(bareRepo());
    child<QLineEdit>(wizard, u"branchField"_s)->setText(branch);
    child<QPlainTextEdit>(wizard, u"commitMessageField"_s)->setPlainText(Message);
    child<QLineEdit>(wizard, u"prRepoField"_s)->setText(Repo);
    child<QLineEdit>(wizard, u"reviewersField"_s)->setText(QString());
}

bool tst_WorkflowWizard::startRun(WorkflowWizard *wizard)
{
    if (!button(wizard, QWizard::NextButton)->isEnabled())
        return false;
    button(wizard, QWizard::NextButton)->click();
    return QTest::qWaitFor([&] {
        return wizard->currentId() == WorkflowWizard::pageIdOf(WorkflowStepKind::CreateSandbox);
    }, StepMs);
}

bool tst_WorkflowWizard::walkTo(WorkflowWizard *wizard, WorkflowStepKind step)
{
    const int target = step == WorkflowStepKind(WorkflowStepCount)
                           ? int(WorkflowWizard::SummaryPageId)
                           : WorkflowWizard::pageIdOf(step);
    while (wizard->currentId() < target) {
        QAbstractButton *next = button(wizard, QWizard::NextButton);
        if (!QTest::qWaitFor([&] { return next->isEnabled(); }, StepMs)) {
            qWarning() << "Next stayed disabled on page" << wizard->currentId() << ":"
                       << (wizard->run() ? wizard->run()->error : QString());
            return false;
        }
        const int before = wizard->currentId();
        next->click();
        if (wizard->currentId() == before)
            return false;
    }
    return wizard->currentId() == target;
}

SandboxRecord tst_WorkflowWizard::sandbox(const QString &id)
{
    const auto found = await(m_backend->sandbox(id));
    return found ? *found : SandboxRecord{};
}

WorkflowRun tst_WorkflowWizard::storedRun(const QString &id)
{
    const auto found = await(m_backend->workflowRun(id));
    return found ? *found : WorkflowRun{};
}

QString tst_WorkflowWizard::waitingRun()
{
    WorkflowWizard *wizard = newWizard();
    fillInputs(wizard);
    if (!startRun(wizard))
        return {};
    if (!QTest::qWaitFor([&] { return wizard->run() && wizard->run()->state == WorkflowRunState::Waiting; },
                         StepMs)) {
        return {};
    }
    const QString id = wizard->runId();
    // Closed with "Resume Later": the run stays waiting.
    wizard->reject();
    QMessageBox *question = wizard->cancelQuestion();
    if (!question)
        return {};
    child<QPushButton>(question, u"resumeLaterButton"_s)->click();
    return id;
}

void tst_WorkflowWizard::commitMessageIsCheckedAsTyped()
{
    WorkflowWizard *wizard = newWizard();
    fillInputs(wizard);
    auto *commit = child<QPlainTextEdit>(wizard, u"commitMessageField"_s);
    auto *hint = child<QLabel>(wizard, u"commitMessageHint"_s);
    auto *title = child<QLineEdit>(wizard, u"prTitleField"_s);
    QAbstractButton *next = button(wizard, QWizard::NextButton);
    QVERIFY(next->isEnabled());
    // The title follows the commit's first line until the operator writes one.
    QCOMPARE(title->text(), Message);

    commit->clear();
    QTest::keyClicks(commit, u"say hello"_s);
    QVERIFY(!next->isEnabled());
    QVERIFY2(hint->text().contains(u"conventional"_s, Qt::CaseInsensitive), qPrintable(hint->text()));
    QCOMPARE(hint->palette().color(QPalette::WindowText), errorColour(hint->palette()));

    commit->clear();
    QTest::keyClicks(commit, u"fix: say hello"_s);
    QVERIFY(next->isEnabled());
    QVERIFY(!hint->text().contains(u"not a conventional"_s, Qt::CaseInsensitive));
    QCOMPARE(title->text(), u"fix: say hello"_s);

    // A title of the operator's own stays.
    title->clear();
    QTest::keyClicks(title, u"Say hello"_s);
    QTest::keyClicks(commit, u"!"_s);
    QCOMPARE(title->text(), u"Say hello"_s);

    // A repository that is not on GitHub needs the pull request's repository.
    child<QLineEdit>(wizard, u"prRepoField"_s)->clear();
    QVERIFY(!next->isEnabled());
    QVERIFY(!child<QLabel>(wizard, u"prRepoHint"_s)->text().isEmpty());
    QVERIFY(!child<QLabel>(wizard, u"inputsError"_s)->text().isEmpty());
    child<QLineEdit>(wizard, u"prRepoField"_s)->setText(Repo);
    QVERIFY(next->isEnabled());
    // Nothing was stored: Next was never pressed.
    QVERIFY(!wizard->run());
    const auto runs = await(m_backend->runs());
    QVERIFY_RESULT(runs);
    QVERIFY(runs->isEmpty());
}

void tst_WorkflowWizard::walksEveryStepToThePullRequest()
{
    WorkflowWizard *wizard = newWizard();
    fillInputs(wizard);
    QVERIFY(startRun(wizard));
    QVERIFY(wizard->run().has_value());
    const QString runId = wizard->runId();
    // The inputs are what the run was made with: read-only now.
    QVERIFY(child<QLineEdit>(wizard, u"branchField"_s)->isReadOnly());

    // Pages 1 to 3: each enables Next once its step succeeded; the log shows what ran.
    QVERIFY(walkTo(wizard, WorkflowStepKind::WaitForAgent));
    auto *clonePage = wizard->stepPage(WorkflowStepKind::Clone);
    QVERIFY(clonePage->isComplete());
    QVERIFY(child<QLabel>(clonePage, u"stepState"_s)->text().contains(u"Done"_s));
    QVERIFY(!child<QPlainTextEdit>(wizard->stepPage(WorkflowStepKind::CreateSandbox), u"stepLog"_s)
                 ->toPlainText()
                 .isEmpty());

    // Step 4: the run waits for the operator; the diff follows the sandbox's repository.
    QWizardPage *agentPage = wizard->currentPage();
    QCOMPARE(agentPage, wizard->stepPage(WorkflowStepKind::WaitForAgent));
    auto *confirm = child<QPushButton>(agentPage, u"confirmButton"_s);
    QTRY_VERIFY_WITH_TIMEOUT(confirm->isEnabled(), StepMs);
    QCOMPARE(wizard->run()->state, WorkflowRunState::Waiting);
    QVERIFY(!button(wizard, QWizard::NextButton)->isEnabled());
    auto *diff = child<DiffPane>(agentPage, u"diffPane"_s);
    QTRY_VERIFY_WITH_TIMEOUT(child<QLabel>(agentPage, u"changesStatus"_s)->text().contains(u"No changes"_s),
                             StepMs);

    auto *command = child<QLineEdit>(agentPage, u"commandField"_s);
    auto *run = child<QPushButton>(agentPage, u"runButton"_s);
    QVERIFY(command->isEnabled());
    command->setText(u"echo hi > hi.txt && echo written"_s);
    QVERIFY(run->isEnabled());
    run->click();
    auto *log = child<QPlainTextEdit>(agentPage, u"stepLog"_s);
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(u"Exit code 0"_s), StepMs);
    QVERIFY(log->toPlainText().contains(u"$ echo hi > hi.txt"_s));
    QVERIFY(log->toPlainText().contains(u"written"_s));
    QTRY_VERIFY_WITH_TIMEOUT(diff->diff().files.size() == 1, StepMs);
    QCOMPARE(diff->diff().files.first().path(), u"hi.txt"_s);
    QVERIFY(child<QLabel>(agentPage, u"changesStatus"_s)->text().contains(u"1 file changed"_s));

    confirm->click();
    QTRY_VERIFY_WITH_TIMEOUT(button(wizard, QWizard::NextButton)->isEnabled(), StepMs);
    QVERIFY(!confirm->isEnabled());

    // Commit: then Back to read it, and Next again: nothing is done twice.
    QVERIFY(walkTo(wizard, WorkflowStepKind::Push));
    button(wizard, QWizard::BackButton)->click();
    QCOMPARE(wizard->currentId(), WorkflowWizard::pageIdOf(WorkflowStepKind::Commit));
    QVERIFY(button(wizard, QWizard::NextButton)->isEnabled());
    QVERIFY(child<QLabel>(wizard->currentPage(), u"stepState"_s)->text().contains(u"Commit "_s));

    // On to the summary: the pull request, followed live.
    QVERIFY(walkTo(wizard, WorkflowStepKind(WorkflowStepCount)));
    QCOMPARE(wizard->run()->state, WorkflowRunState::Succeeded);
    QCOMPARE(wizard->run()->step(WorkflowStepKind::Commit).attempts, 1);
    auto *card = child<PullRequestCard>(wizard->currentPage(), u"pullRequestCard"_s);
    QVERIFY(card->isVisible());
    auto *badge = child<StatusBadge>(card, u"stateBadge"_s);
    QTRY_COMPARE_WITH_TIMEOUT(badge->presentation().label, u"Open"_s, StepMs);
    QVERIFY(child<QLabel>(wizard->currentPage(), u"summaryHeadline"_s)->text().contains(u"#1"_s));
    QVERIFY(button(wizard, QWizard::FinishButton)->isVisible());

    // What GitHub got, and what became of the sandbox.
    const auto *pull = m_github->pull(Repo, 1);
    QVERIFY(pull);
    QCOMPARE(pull->title, Message);
    QCOMPARE(pull->headRef, Branch);
    const WorkflowRun stored = storedRun(runId);
    QCOMPARE(stored.state, WorkflowRunState::Succeeded);
    QCOMPARE(sandbox(stored.sandboxId()).status, SandboxStatus::Terminated);
    // The commit is on the branch at the remote, with the file the command wrote.
    const QString files = squad::test::runGit(bareRepo(), {u"ls-tree"_s, u"--name-only"_s, Branch},
                                              m_dir->filePath(u"testhome"_s));
    QVERIFY2(files.split(u'\n').contains(u"hi.txt"_s), qPrintable(files));

    button(wizard, QWizard::FinishButton)->click();
    QTRY_VERIFY(!wizard->isVisible() || !QApplication::topLevelWidgets().contains(wizard));
}

void tst_WorkflowWizard::failedStepIsRetried()
{
    WorkflowWizard *wizard = newWizard();
    // A branch GitHub does not know: opening the pull request fails (its head is invalid).
    fillInputs(wizard, u"agent/unknown"_s);
    QVERIFY(startRun(wizard));
    QVERIFY(walkTo(wizard, WorkflowStepKind::WaitForAgent));
    auto *confirm = child<QPushButton>(wizard->currentPage(), u"confirmButton"_s);
    QTRY_VERIFY_WITH_TIMEOUT(confirm->isEnabled(), StepMs);
    auto *command = child<QLineEdit>(wizard->currentPage(), u"commandField"_s);
    command->setText(u"echo hi > hi.txt"_s);
    child<QPushButton>(wizard->currentPage(), u"runButton"_s)->click();
    QTRY_VERIFY_WITH_TIMEOUT(child<QPlainTextEdit>(wizard->currentPage(), u"stepLog"_s)
                                 ->toPlainText()
                                 .contains(u"Exit code 0"_s),
                             StepMs);
    confirm->click();
    QVERIFY(walkTo(wizard, WorkflowStepKind::OpenPullRequest));

    QWizardPage *page = wizard->currentPage();
    QTRY_VERIFY_WITH_TIMEOUT(wizard->run()->state == WorkflowRunState::Failed, StepMs);
    auto *actions = child<QWidget>(page, u"stepActions"_s);
    QTRY_VERIFY(actions->isVisible());
    QVERIFY(!child<QLabel>(page, u"stepError"_s)->text().isEmpty());
    QVERIFY(child<QPushButton>(page, u"retryButton"_s)->isVisible());
    QVERIFY(child<QPushButton>(page, u"abortButton"_s)->isVisible());
    // A later step needs the pull request: it cannot be skipped.
    QVERIFY(!child<QPushButton>(page, u"skipButton"_s)->isVisible());
    QVERIFY(!button(wizard, QWizard::NextButton)->isEnabled());
    QVERIFY(child<QLabel>(page, u"stepState"_s)->text().contains(u"Failed"_s));

    // GitHub learns of the branch; Retry opens the pull request and the run goes on.
    m_github->addBranch(Repo, u"agent/unknown"_s, 1);
    child<QPushButton>(page, u"retryButton"_s)->click();
    QTRY_VERIFY_WITH_TIMEOUT(button(wizard, QWizard::NextButton)->isEnabled(), StepMs);
    QVERIFY(!actions->isVisible());
    QCOMPARE(wizard->run()->step(WorkflowStepKind::OpenPullRequest).attempts, 2);
    QVERIFY(walkTo(wizard, WorkflowStepKind(WorkflowStepCount)));
    QCOMPARE(wizard->run()->state, WorkflowRunState::Succeeded);
}

void tst_WorkflowWizard::cancelAsksThenTerminatesTheSandbox()
{
    WorkflowWizard *wizard = newWizard();
    QPointer<WorkflowWizard> alive(wizard);
    fillInputs(wizard);
    QVERIFY(startRun(wizard));
    QTRY_VERIFY_WITH_TIMEOUT(wizard->run()->state == WorkflowRunState::Waiting, StepMs);
    QVERIFY(walkTo(wizard, WorkflowStepKind::Branch));
    const QString runId = wizard->runId();
    const QString sandboxId = wizard->run()->sandboxId();
    QCOMPARE(sandbox(sandboxId).status, SandboxStatus::Running);

    // Cancel asks; "Don't Cancel" leaves everything as it was.
    button(wizard, QWizard::CancelButton)->click();
    QPointer<QMessageBox> question = wizard->cancelQuestion();
    QVERIFY(question);
    QVERIFY(question->isVisible());
    QVERIFY(child<QPushButton>(question, u"terminateSandboxButton"_s));
    QVERIFY(child<QPushButton>(question, u"keepSandboxButton"_s));
    QVERIFY(child<QPushButton>(question, u"resumeLaterButton"_s));
    child<QPushButton>(question, u"dontCancelButton"_s)->click();
    QTRY_VERIFY(!question);
    QVERIFY(wizard->isVisible());
    QCOMPARE(storedRun(runId).state, WorkflowRunState::Waiting);

    // Cancel again, and terminate: the run is aborted, the sandbox ended, the wizard closed.
    button(wizard, QWizard::CancelButton)->click();
    question = wizard->cancelQuestion();
    QVERIFY(question);
    child<QPushButton>(question, u"terminateSandboxButton"_s)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!alive || !alive->isVisible(), StepMs);
    QCOMPARE(storedRun(runId).state, WorkflowRunState::Aborted);
    QCOMPARE(sandbox(sandboxId).status, SandboxStatus::Terminated);
    // An aborted run is not offered to resume.
    const auto open = await(m_backend->resumableRuns());
    QVERIFY_RESULT(open);
    QVERIFY(open->isEmpty());
}

void tst_WorkflowWizard::cancelWhileAStepRunsAbortsWhenItEnds()
{
    WorkflowWizard *wizard = newWizard();
    QPointer<WorkflowWizard> alive(wizard);
    fillInputs(wizard);
    QVERIFY(startRun(wizard));
    // The first step is running (or the ones after it): the engine cannot abort mid-step.
    QVERIFY(wizard->isDriving());
    const QString runId = wizard->runId();
    button(wizard, QWizard::CancelButton)->click();
    QMessageBox *question = wizard->cancelQuestion();
    QVERIFY(question);
    QVERIFY(question->informativeText().contains(u"A step is running"_s));
    auto *keep = question->findChild<QPushButton *>(u"keepSandboxButton"_s);
    auto *abortOnly = question->findChild<QPushButton *>(u"abortRunButton"_s);
    // No sandbox yet (abort only) or one already (keep it): either way the run is aborted.
    QVERIFY(keep || abortOnly);
    (keep ? keep : abortOnly)->click();
    QVERIFY(wizard->abortPending() || !alive || !alive->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!alive || !alive->isVisible(), StepMs);
    const WorkflowRun stored = storedRun(runId);
    QCOMPARE(stored.state, WorkflowRunState::Aborted);
    // Kept when asked to; "Abort Run" (no sandbox yet when asked) ends one made meanwhile.
    QVERIFY(!stored.sandboxId().isEmpty());
    QCOMPARE(sandbox(stored.sandboxId()).status,
             keep ? SandboxStatus::Running : SandboxStatus::Terminated);
}

void tst_WorkflowWizard::quittingMidStepLeavesTheRunResumable()
{
    WorkflowWizard *wizard = newWizard();
    fillInputs(wizard);
    QVERIFY(startRun(wizard));
    const QString runId = wizard->runId();
    // The app quits while the steps run: the window goes, then the backend, whose worker ends
    // the engine's calls and its core before its thread is joined.
    delete wizard;
    m_backend.reset();

    m_backend = std::make_unique<ConsoleBackend>(
        scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
    QVERIFY_RESULT(await(m_backend->open()));
    m_backend->setWorkflowAccess(WorkflowAccess{m_github->apiUrl(), GitHubAuth{Token, std::nullopt},
                                                GitIdentity{u"Ada Lovelace"_s, u"ada@example.com"_s}});
    const auto open = await(m_backend->resumableRuns());
    QVERIFY_RESULT(open);
    QCOMPARE(open->size(), 1);
    QCOMPARE(open->first().id, runId);
    // Stopped where the quit found it: no step of it is left running, none is lost.
    const WorkflowRun stopped = open->first();
    QVERIFY(!workflowRunFinished(stopped.state));
    QVERIFY(!m_backend->isRunActive(runId));
    // (Whether resuming then succeeds depends on the interrupted step being repeatable; a
    // clone cut off half-way is not yet — see GitOps::clone.)
}

void tst_WorkflowWizard::runsWindowResumesAWaitingRun()
{
    const QString runId = waitingRun();
    QVERIFY(!runId.isEmpty());
    QCOMPARE(storedRun(runId).state, WorkflowRunState::Waiting);
    QTRY_VERIFY(!WorkflowWizard::find(runId));

    auto *runs = new RunsWindow(m_backend.get(), m_api);
    QSignalSpy loaded(runs, &RunsWindow::loaded);
    QSignalSpy opened(runs, &RunsWindow::wizardOpened);
    runs->show();
    runs->reload();
    // (The answer may be in before reload() returns: no spy.wait() here.)
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, StepMs);
    QCOMPARE(runs->model()->rowCount(), 1);
    QCOMPARE(runs->model()->index(0, WorkflowRunModel::StateColumn).data().toString(), u"Waiting"_s);
    QCOMPARE(runs->model()->index(0, WorkflowRunModel::StepColumn).data().toString(),
             u"4/8 Wait for the agent's changes"_s);
    QVERIFY(runs->selectRun(runId));
    QVERIFY(child<QPushButton>(runs, u"openRunButton"_s)->isEnabled());
    QVERIFY(child<QPushButton>(runs, u"resumeRunButton"_s)->isEnabled());
    QVERIFY(!child<QPushButton>(runs, u"retryRunButton"_s)->isEnabled());
    QVERIFY(child<QPushButton>(runs, u"abortRunButton"_s)->isEnabled());

    child<QPushButton>(runs, u"resumeRunButton"_s)->click();
    QCOMPARE(opened.size(), 1);
    auto *wizard = opened.at(0).at(0).value<WorkflowWizard *>();
    QVERIFY(wizard);
    QCOMPARE(WorkflowWizard::find(runId), wizard);
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), WorkflowWizard::pageIdOf(WorkflowStepKind::WaitForAgent),
                              StepMs);
    // The pages before it can be read.
    QVERIFY(button(wizard, QWizard::BackButton)->isEnabled());
    QWizardPage *page = wizard->currentPage();
    auto *confirm = child<QPushButton>(page, u"confirmButton"_s);
    QTRY_VERIFY(confirm->isEnabled());
    child<QLineEdit>(page, u"commandField"_s)->setText(u"echo again > again.txt"_s);
    child<QPushButton>(page, u"runButton"_s)->click();
    QTRY_VERIFY_WITH_TIMEOUT(child<DiffPane>(page, u"diffPane"_s)->diff().files.size() == 1, StepMs);
    confirm->click();

    // The list follows the run to its end, and its pull request's state.
    const int row = runs->model()->rowOf(runId);
    QTRY_COMPARE_WITH_TIMEOUT(runs->model()->index(row, WorkflowRunModel::StateColumn).data().toString(),
                              u"Succeeded"_s, StepMs);
    QTRY_VERIFY_WITH_TIMEOUT(runs->model()
                                 ->index(row, WorkflowRunModel::PullRequestColumn)
                                 .data()
                                 .toString()
                                 .contains(u"Open"_s),
                             StepMs);
    QVERIFY(!child<QPushButton>(runs, u"resumeRunButton"_s)->isEnabled());
    QVERIFY(!child<QPushButton>(runs, u"abortRunButton"_s)->isEnabled());
    auto *card = child<PullRequestCard>(runs, u"pullRequestCard"_s);
    QTRY_VERIFY(card->status().has_value());
}

void tst_WorkflowWizard::mainWindowOffersToResume()
{
    const QString runId = waitingRun();
    QVERIFY(!runId.isEmpty());
    QTRY_VERIFY(!WorkflowWizard::find(runId));

    auto *window = new MainWindow(m_backend.get());
    QSignalSpy offered(window, &MainWindow::resumeOffered);
    QSignalSpy opened(window, &MainWindow::workflowWindowOpened);
    window->show();
    window->start();
    QTRY_COMPARE_WITH_TIMEOUT(offered.size(), 1, StepMs);
    QCOMPARE(offered.at(0).at(0).toInt(), 1);
    ResumeRunsBar *bar = window->resumeBar();
    QVERIFY(bar);
    QVERIFY(bar->isVisible());
    QVERIFY2(bar->text().contains(u"waits for the agent"_s), qPrintable(bar->text()));
    QVERIFY(window->newRunAction()->isEnabled());
    QCOMPARE(window->runsAction()->shortcut(), QKeySequence(u"Ctrl+Shift+R"_s));
    QCOMPARE(window->newRunAction()->shortcut(), QKeySequence(u"Ctrl+Shift+N"_s));

    child<QPushButton>(bar, u"resumeRunButton"_s)->click();
    QVERIFY(!bar->isVisible());
    QTRY_VERIFY(WorkflowWizard::find(runId));
    WorkflowWizard *wizard = WorkflowWizard::find(runId);
    QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), WorkflowWizard::pageIdOf(WorkflowStepKind::WaitForAgent),
                              StepMs);
    QCOMPARE(opened.size(), 1);
}

QTEST_MAIN(tst_WorkflowWizard)
#include "tst_workflowwizard.moc"
