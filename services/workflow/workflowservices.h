// SPDX-License-Identifier: MIT
#pragma once

#include "git/gitops.h"
#include "sandbox/sandboxprovider.h"
#include "workflow/workflowactions.h"

#include <QObject>
#include <QPointer>

namespace squad {

class Database;
class GitHubApi;
class SandboxService;
class WarmPool;

// The steps as the console does them: a sandbox through SandboxService (found again by the
// run's id in its metadata), git through GitOps (clone, branch, commit and push are each safe
// to repeat), the agent command through SandboxService::run, the pull request through
// GitHubApi (an open one for the branch is found rather than made twice).
class WorkflowServices : public QObject, public WorkflowActions
{
    Q_OBJECT
public:
    // `github` may be null (no pull request can then be opened); neither it nor `sandboxes` is
    // owned. `identity` is who commits.
    WorkflowServices(const Database &db, SandboxService &sandboxes, GitHubApi *github,
                     GitIdentity identity, QObject *parent = nullptr);
    ~WorkflowServices() override;

    static constexpr QLatin1StringView RunKey{"squad.run"};
    // Runs take their sandbox from `pool` when it has a ready one of their template and
    // provider (not owned, must outlive this; null = always create). The run's metadata is on it either way.
    void setWarmPool(WarmPool *pool) { m_pool = pool; }
    // Where the run's repository is cloned in its sandbox: repos/<name from the URL>.
    static QString repoFolder(const WorkflowInputs &inputs);

    QFuture<Result<QJsonObject>> perform(WorkflowStepKind step, const WorkflowRun &run,
                                         const Log &log) override;
    bool sandboxLive(const WorkflowRun &run) override;
    QFuture<Result<void>> discardSandbox(const WorkflowRun &run) override;

private:
    QFuture<Result<QJsonObject>> createSandbox(const WorkflowRun &run, const Log &log);
    QFuture<Result<void>> clearInterruptedClone(const WorkflowRun &run, const Log &log);
    // A command in the sandbox; its output goes to `log` line by line when there is one.
    QFuture<Result<CommandOutcome>> runCommand(const QString &sandbox, const CommandSpec &spec,
                                               const Log &log);
    QFuture<Result<QJsonObject>> runAgent(const WorkflowRun &run, const Log &log);
    QFuture<Result<QJsonObject>> openPullRequest(const WorkflowRun &run, const Log &log);
    // GitOps with the credential git should use for the GitHub it talks to.
    QFuture<Result<GitOps *>> gitWithCredential();

    const Database &m_db;
    SandboxService &m_sandboxes;
    QPointer<GitHubApi> m_github;
    WarmPool *m_pool = nullptr;
    GitOps *m_git;
};

} // namespace squad
