// SPDX-License-Identifier: MIT
#include "workflowrun.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace squad {

QString workflowStepName(WorkflowStepKind kind)
{
    switch (kind) {
    case WorkflowStepKind::CreateSandbox: return u"create_sandbox"_s;
    case WorkflowStepKind::Clone: return u"clone"_s;
    case WorkflowStepKind::Branch: return u"branch"_s;
    case WorkflowStepKind::WaitForAgent: return u"wait_for_agent"_s;
    case WorkflowStepKind::Commit: return u"commit"_s;
    case WorkflowStepKind::Push: return u"push"_s;
    case WorkflowStepKind::OpenPullRequest: return u"open_pull_request"_s;
    case WorkflowStepKind::TerminateSandbox: return u"terminate_sandbox"_s;
    }
    return {};
}

QString workflowStepTitle(WorkflowStepKind kind)
{
    switch (kind) {
    case WorkflowStepKind::CreateSandbox: return u"Create the sandbox"_s;
    case WorkflowStepKind::Clone: return u"Clone the repository"_s;
    case WorkflowStepKind::Branch: return u"Create the branch"_s;
    case WorkflowStepKind::WaitForAgent: return u"Wait for the agent's changes"_s;
    case WorkflowStepKind::Commit: return u"Commit"_s;
    case WorkflowStepKind::Push: return u"Push"_s;
    case WorkflowStepKind::OpenPullRequest: return u"Open the pull request"_s;
    case WorkflowStepKind::TerminateSandbox: return u"Terminate the sandbox"_s;
    }
    return {};
}

bool workflowStepSkippable(WorkflowStepKind kind)
{
    // Waiting can be skipped (the changes are there already); the sandbox can be left running.
    // Every other step produces what a later one needs.
    return kind == WorkflowStepKind::WaitForAgent || kind == WorkflowStepKind::TerminateSandbox;
}

bool workflowStepUsesSandbox(WorkflowStepKind kind)
{
    return kind <= WorkflowStepKind::Push;
}

QString workflowStepStateName(WorkflowStepState state)
{
    switch (state) {
    case WorkflowStepState::Pending: return u"pending"_s;
    case WorkflowStepState::Running: return u"running"_s;
    case WorkflowStepState::Succeeded: return u"succeeded"_s;
    case WorkflowStepState::Failed: return u"failed"_s;
    case WorkflowStepState::Skipped: return u"skipped"_s;
    }
    return {};
}

std::optional<WorkflowStepState> workflowStepStateFromName(QStringView name)
{
    for (auto state : {WorkflowStepState::Pending, WorkflowStepState::Running,
                       WorkflowStepState::Succeeded, WorkflowStepState::Failed,
                       WorkflowStepState::Skipped}) {
        if (workflowStepStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

QString workflowRunStateName(WorkflowRunState state)
{
    switch (state) {
    case WorkflowRunState::Pending: return u"pending"_s;
    case WorkflowRunState::Running: return u"running"_s;
    case WorkflowRunState::Waiting: return u"waiting"_s;
    case WorkflowRunState::Failed: return u"failed"_s;
    case WorkflowRunState::Succeeded: return u"succeeded"_s;
    case WorkflowRunState::Aborted: return u"aborted"_s;
    }
    return {};
}

std::optional<WorkflowRunState> workflowRunStateFromName(QStringView name)
{
    for (auto state : {WorkflowRunState::Pending, WorkflowRunState::Running,
                       WorkflowRunState::Waiting, WorkflowRunState::Failed,
                       WorkflowRunState::Succeeded, WorkflowRunState::Aborted}) {
        if (workflowRunStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

namespace {

QString agentWaitName(AgentWait wait)
{
    switch (wait) {
    case AgentWait::Operator: return u"operator"_s;
    case AgentWait::Command: return u"command"_s;
    case AgentWait::NoWait: return u"none"_s;
    }
    return {};
}

AgentWait agentWaitFromName(const QString &name)
{
    if (name == u"command")
        return AgentWait::Command;
    if (name == u"none")
        return AgentWait::NoWait;
    return AgentWait::Operator;
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list << item.toString();
    return list;
}

} // namespace

QJsonObject WorkflowInputs::toJson() const
{
    return {{u"profile"_s, profile},
            {u"provider"_s, provider},
            {u"template"_s, templateId},
            {u"task_id"_s, taskId},
            {u"agent_id"_s, agentId},
            {u"repo_url"_s, repoUrl},
            {u"base_branch"_s, baseBranch},
            {u"branch"_s, branch},
            {u"commit_message"_s, commitMessage},
            {u"pr_title"_s, prTitle},
            {u"pr_body"_s, prBody},
            {u"pr_repo"_s, prRepo},
            {u"draft"_s, draft},
            {u"reviewers"_s, QJsonArray::fromStringList(reviewers)},
            {u"labels"_s, QJsonArray::fromStringList(labels)},
            {u"keep_sandbox_on_failure"_s, keepSandboxOnFailure},
            {u"agent_wait"_s, agentWaitName(agentWait)},
            {u"agent_command"_s, agentCommand}};
}

WorkflowInputs WorkflowInputs::fromJson(const QJsonObject &o)
{
    WorkflowInputs in;
    in.profile = o.value("profile"_L1).toString();
    in.provider = o.value("provider"_L1).toString();
    in.templateId = o.value("template"_L1).toString();
    in.taskId = o.value("task_id"_L1).toString();
    in.agentId = o.value("agent_id"_L1).toString();
    in.repoUrl = o.value("repo_url"_L1).toString();
    in.baseBranch = o.value("base_branch"_L1).toString();
    in.branch = o.value("branch"_L1).toString();
    in.commitMessage = o.value("commit_message"_L1).toString();
    in.prTitle = o.value("pr_title"_L1).toString();
    in.prBody = o.value("pr_body"_L1).toString();
    in.prRepo = o.value("pr_repo"_L1).toString();
    in.draft = o.value("draft"_L1).toBool();
    in.reviewers = stringList(o.value("reviewers"_L1));
    in.labels = stringList(o.value("labels"_L1));
    in.keepSandboxOnFailure = o.value("keep_sandbox_on_failure"_L1).toBool();
    in.agentWait = agentWaitFromName(o.value("agent_wait"_L1).toString());
    in.agentCommand = o.value("agent_command"_L1).toString();
    return in;
}

std::optional<WorkflowStepKind> WorkflowRun::nextStep() const
{
    for (const WorkflowStep &s : steps) {
        if (s.state != WorkflowStepState::Succeeded && s.state != WorkflowStepState::Skipped)
            return s.kind;
    }
    return std::nullopt;
}

QString WorkflowRun::sandboxId() const
{
    return step(WorkflowStepKind::CreateSandbox).output.value("sandbox_id"_L1).toString();
}

QString WorkflowRun::pullRequestUrl() const
{
    return step(WorkflowStepKind::OpenPullRequest).output.value("url"_L1).toString();
}

} // namespace squad
