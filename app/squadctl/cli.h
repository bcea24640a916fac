// SPDX-License-Identifier: MIT
#pragma once

#include "console/consolecore.h"
#include "accounts/e2baccess.h"
#include "ops/cost.h"

#include <QFuture>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QCommandLineParser;

namespace squad {
class Cleanup;
class WarmPool;
class CommandRun;
class GitHubApi;
class WorkflowEngine;
class WorkflowServices;
struct GitIdentity;
struct WorkflowRun;
class KeychainSecretStore;
class SecretVault;
}

namespace squad::cli {

// One squadctl invocation: parses the arguments, opens the core, runs the command.
// Lives on the main thread; the future finishes with the process's exit code.
class Cli : public QObject
{
    Q_OBJECT
public:
    explicit Cli(QObject *parent = nullptr);
    ~Cli() override;

    QFuture<int> run(const QStringList &arguments);

    // Ctrl+C: cancels a running `exec`; otherwise ends at once.
    void interrupt();

private:
    struct Invocation;

    QFuture<int> dispatch(Invocation &invocation);
    // Opens the store and providers; on failure prints the error and returns its exit code.
    std::optional<int> openCore();

    QFuture<int> sandboxesList(const QCommandLineParser &parser);
    QFuture<int> sandboxesCreate(const QCommandLineParser &parser);
    QFuture<int> sandboxesGet(const QCommandLineParser &parser);
    QFuture<int> sandboxesTerminate(const QCommandLineParser &parser);
    QFuture<int> sandboxesExec(const QCommandLineParser &parser);
    QFuture<int> auditList(const QCommandLineParser &parser);
    QFuture<int> tasksCreate(const QCommandLineParser &parser);
    QFuture<int> agentsCreate(const QCommandLineParser &parser);
    QFuture<int> templatesList(const QCommandLineParser &parser);
    QFuture<int> sandboxesReconcile(const QCommandLineParser &parser);
    QFuture<int> remoteList(bool json);
    // timeout, pause, resume: E2B's own lifecycle calls on one of our E2B rows.
    QFuture<int> sandboxesE2bAction(const QCommandLineParser &parser);
    QFuture<int> authTest(const QCommandLineParser &parser);
    // diffcommand.cpp: squadctl diff SANDBOX|PATH.
    QFuture<int> diff(const QCommandLineParser &parser);
    static void addDiffOptions(QCommandLineParser &parser);
    // cleanupcommands.cpp: squadctl cleanup, the scheduled cleanup for cron.
    QFuture<int> cleanup(const QCommandLineParser &parser);
    static void addCleanupOptions(QCommandLineParser &parser);
    // poolcommands.cpp: squadctl pool status|fill|drain, the warm pool.
    QFuture<int> poolCommand(const QCommandLineParser &parser);
    static void addPoolOptions(const QString &verb, QCommandLineParser &parser);

    // Reads the profile's E2B location and key (environment first, then the keychain); when
    // there is a key, openCore() adds the E2B provider and makes it the default.
    QFuture<void> loadE2bAccess();
    // openCore(), and an error when the profile has no E2B key.
    std::optional<int> openE2b();

    // authcommands.cpp: secrets and profiles.
    QFuture<int> authSet(const QCommandLineParser &parser);
    QFuture<int> authStatus(const QCommandLineParser &parser);
    QFuture<int> authClear(const QCommandLineParser &parser);
    QFuture<int> profilesList(const QCommandLineParser &parser);
    QFuture<int> profilesAdd(const QCommandLineParser &parser);
    QFuture<int> profilesRemove(const QCommandLineParser &parser);
    QFuture<int> profilesUse(const QCommandLineParser &parser);
    // The profile this invocation acts on: --profile, SQUAD_PROFILE, or the active one;
    // an error when it does not exist.
    [[nodiscard]] Result<QString> resolveProfile() const;
    // The cost rates of the profile in use (E2B's when it has none or does not exist).
    CostRates costRates() const;
    SecretVault &vault();
    // gitcommands.cpp: git clone|branch|commit|push in a sandbox.
    QFuture<int> gitCommand(const QCommandLineParser &parser);
    static void addGitOptions(const QString &verb, QCommandLineParser &parser);

    // githubcommands.cpp: pull requests and the GitHub credentials check.
    // With `needsCredentialsFor` ("Opening the pull request"), no credentials at all is an
    // error rather than a GitHubApi that refuses every call.
    QFuture<Result<GitHubApi *>> openGitHub(const QString &needsCredentialsFor = {});
    QFuture<int> prCommand(const QCommandLineParser &parser);
    QFuture<int> prCreate(const QCommandLineParser &parser);
    QFuture<int> prStatus(const QCommandLineParser &parser);
    QFuture<int> authTestGitHub(const QCommandLineParser &parser);
    static void addPrOptions(const QString &verb, QCommandLineParser &parser);

    // workflowcommands.cpp: the guided workflow, headless.
    QFuture<int> workflowCommand(const QCommandLineParser &parser);
    static void addWorkflowOptions(const QString &verb, QCommandLineParser &parser);
    QFuture<int> workflowRun(const QCommandLineParser &parser);
    QFuture<int> workflowList(const QCommandLineParser &parser);
    QFuture<int> workflowShow(const QCommandLineParser &parser);
    QFuture<int> workflowResume(const QCommandLineParser &parser);
    QFuture<int> workflowAbort(const QCommandLineParser &parser);
    // openCore(), then the engine over the real steps; `github` may be null (no pull request).
    std::optional<int> openWorkflow(GitHubApi *github, const GitIdentity &identity);
    struct FollowOptions
    {
        bool json = false;     // the run as JSON on stdout at the end
        bool verbose = false;  // every git command as it runs
    };
    // Runs `drive` (the engine going on with a run that was `before`), prints its progress and
    // settles `finish` with the exit code once the run ends (or, at a terminal, asks for the
    // agent and goes on).
    void follow(const WorkflowRun &before,
                const std::function<QFuture<Result<WorkflowRun>>()> &drive,
                const FollowOptions &options, std::function<void(int)> finish);
    // The run's end on stdout/stderr; its exit code.
    int reportRun(const WorkflowRun &run, bool json);

    StartupOptions m_options;
    std::unique_ptr<KeychainSecretStore> m_keychain;
    std::unique_ptr<SecretVault> m_vault;
    std::unique_ptr<ConsoleCore> m_core;
    std::unique_ptr<Cleanup> m_cleanup;  // after m_core: it goes first
    std::unique_ptr<WarmPool> m_pool;    // after m_core, before the workflow's: in between
    CommandRun *m_activeRun = nullptr;
    std::shared_ptr<std::atomic<bool>> m_diffCancel;  // set while a local diff runs
    std::optional<E2bAccess> m_e2b;
    QString m_verb;  // the command's verb, for handlers that serve several
    // After m_core: they go first, and use it until then.
    std::unique_ptr<WorkflowServices> m_workflowActions;
    std::unique_ptr<WorkflowEngine> m_workflow;
    QString m_workflowRunId;  // the run this invocation drives, for Ctrl+C's message
    bool m_closing = false;   // in the destructor: continuations report nothing
};

} // namespace squad::cli
