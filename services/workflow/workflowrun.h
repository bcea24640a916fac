// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace squad {

// The eight steps of the guided workflow, in order.
enum class WorkflowStepKind : quint8 {
    CreateSandbox,
    Clone,
    Branch,
    WaitForAgent,
    Commit,
    Push,
    OpenPullRequest,
    TerminateSandbox,
};
inline constexpr int WorkflowStepCount = 8;

// "create_sandbox", "clone", ... (stored and --json forms).
QString workflowStepName(WorkflowStepKind kind);
// "Create the sandbox", "Clone the repository", ... (for people).
QString workflowStepTitle(WorkflowStepKind kind);
// Steps that may be skipped after they failed without leaving the run unsound.
bool workflowStepSkippable(WorkflowStepKind kind);
// Steps whose work lives in the sandbox: redone when the sandbox is gone.
bool workflowStepUsesSandbox(WorkflowStepKind kind);

enum class WorkflowStepState : quint8 { Pending, Running, Succeeded, Failed, Skipped };
QString workflowStepStateName(WorkflowStepState state);
std::optional<WorkflowStepState> workflowStepStateFromName(QStringView name);

// A run as a whole: pending (made, not started), running, waiting (for the operator to say the
// agent's changes are ready), failed (a step failed: retry, skip or abort), succeeded, aborted.
enum class WorkflowRunState : quint8 { Pending, Running, Waiting, Failed, Succeeded, Aborted };
QString workflowRunStateName(WorkflowRunState state);
std::optional<WorkflowRunState> workflowRunStateFromName(QStringView name);
inline bool workflowRunFinished(WorkflowRunState state)
{
    return state == WorkflowRunState::Succeeded || state == WorkflowRunState::Aborted;
}

// How step 4 knows the agent is done.
enum class AgentWait : quint8 {
    Operator,  // the operator confirms (the wizard)
    Command,   // `agentCommand` runs in the sandbox's repository; exit 0 = done
    NoWait,    // at once (the changes are already there, or come later by other means)
};

// What a run is asked to do. No secret is ever in here: it is stored as it is.
struct WorkflowInputs
{
    QString profile;
    QString provider;       // empty = the console's default
    QString templateId;     // empty = the profile's default
    QString taskId;
    QString agentId;
    QString repoUrl;        // what the sandbox clones
    QString baseBranch;     // empty = the repository's default branch
    QString branch;         // the branch the changes go to
    QString commitMessage;  // a conventional commit
    QString prTitle;
    QString prBody;
    QString prRepo;         // OWNER/REPO; empty = from repoUrl
    bool draft = false;
    QStringList reviewers;  // users, or ORG/TEAM
    QStringList labels;
    bool keepSandboxOnFailure = false;
    AgentWait agentWait = AgentWait::Operator;
    QString agentCommand;   // AgentWait::Command

    QJsonObject toJson() const;
    static WorkflowInputs fromJson(const QJsonObject &object);
    friend bool operator==(const WorkflowInputs &, const WorkflowInputs &) = default;
};

struct WorkflowStep
{
    WorkflowStepKind kind = WorkflowStepKind::CreateSandbox;
    WorkflowStepState state = WorkflowStepState::Pending;
    int attempts = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
    QJsonObject output;  // sandbox_id, folder, sha, pr_url, ... as each step reports
    QString error;       // the last failure, redacted
};

struct WorkflowRun
{
    QString id;
    WorkflowRunState state = WorkflowRunState::Pending;
    WorkflowInputs inputs;
    std::array<WorkflowStep, WorkflowStepCount> steps;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString error;        // why it failed or was aborted
    qint64 runnerPid = 0; // the process running it now (0: none)
    QString runnerHost;

    const WorkflowStep &step(WorkflowStepKind kind) const { return steps[size_t(kind)]; }
    WorkflowStep &step(WorkflowStepKind kind) { return steps[size_t(kind)]; }
    // The first step neither succeeded nor skipped; nullopt when all are.
    std::optional<WorkflowStepKind> nextStep() const;
    // What the steps produced so far, by name.
    QString sandboxId() const;
    QString pullRequestUrl() const;
};

} // namespace squad

Q_DECLARE_METATYPE(squad::WorkflowRun)
