// SPDX-License-Identifier: MIT
#include "workflowrunpresentation.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("WorkflowRunPresentation", text);
}

// The sandbox badges' colours, so a colour means one thing across the console.
const QColor Blue(0x1f, 0x6f, 0xeb);
const QColor Green(0x1a, 0x7f, 0x37);
const QColor Amber(0x9a, 0x67, 0x00);
const QColor Red(0xcf, 0x22, 0x2e);
const QColor Grey(0x6e, 0x77, 0x81);

} // namespace

StatusPresentation presentationOf(WorkflowRunState state)
{
    switch (state) {
    case WorkflowRunState::Pending: return {tr("Pending"), u"○"_s, Grey};
    case WorkflowRunState::Running: return {tr("Running"), u"●"_s, Blue};
    case WorkflowRunState::Waiting: return {tr("Waiting"), u"‖"_s, Amber};
    case WorkflowRunState::Failed: return {tr("Failed"), u"▲"_s, Red};
    case WorkflowRunState::Succeeded: return {tr("Succeeded"), u"✓"_s, Green};
    case WorkflowRunState::Aborted: return {tr("Aborted"), u"■"_s, Grey};
    }
    return {tr("Unknown"), u"?"_s, Grey};
}

StatusPresentation presentationOf(WorkflowStepState state)
{
    switch (state) {
    case WorkflowStepState::Pending: return {tr("Pending"), u"○"_s, Grey};
    case WorkflowStepState::Running: return {tr("Running"), u"●"_s, Blue};
    case WorkflowStepState::Succeeded: return {tr("Done"), u"✓"_s, Green};
    case WorkflowStepState::Failed: return {tr("Failed"), u"▲"_s, Red};
    case WorkflowStepState::Skipped: return {tr("Skipped"), u"↷"_s, Grey};
    }
    return {tr("Unknown"), u"?"_s, Grey};
}

int workflowRunStepNumber(const WorkflowRun &run)
{
    const auto next = run.nextStep();
    return next ? int(*next) + 1 : WorkflowStepCount + 1;
}

QString workflowRunStepText(const WorkflowRun &run)
{
    const auto next = run.nextStep();
    if (!next)
        return u"%1/%1 "_s.arg(WorkflowStepCount) + tr("Done");
    return u"%1/%2 %3"_s.arg(int(*next) + 1).arg(WorkflowStepCount).arg(workflowStepTitle(*next));
}

QString workflowStepDescription(WorkflowStepKind kind, const WorkflowInputs &in)
{
    switch (kind) {
    case WorkflowStepKind::CreateSandbox:
        return tr("A sandbox is created for this run%1%2. If an earlier attempt made one that "
                  "still runs, it is used instead.")
            .arg(in.provider.isEmpty() ? QString() : tr(" at %1").arg(in.provider),
                 in.templateId.isEmpty() ? QString() : tr(" from the template %1").arg(in.templateId));
    case WorkflowStepKind::Clone:
        return tr("%1 is cloned into the sandbox. A clone left by an earlier attempt is fetched "
                  "and brought up to date instead.")
            .arg(in.repoUrl);
    case WorkflowStepKind::Branch:
        return tr("The branch %1 is created from %2 and checked out; an existing one is checked "
                  "out as it is.")
            .arg(in.branch, in.baseBranch.isEmpty() ? tr("the default branch") : in.baseBranch);
    case WorkflowStepKind::WaitForAgent:
        switch (in.agentWait) {
        case AgentWait::Command:
            return tr("The agent command runs in the sandbox's repository; the step succeeds when "
                      "it exits with 0.");
        case AgentWait::NoWait:
            return tr("The changes are taken as they are.");
        case AgentWait::Operator:
            break;
        }
        return tr("The agent works in the sandbox's repository. Its changes show below as they "
                  "are made; run commands in the sandbox here, and confirm when the changes are "
                  "ready to commit.");
    case WorkflowStepKind::Commit:
        return tr("Every change is staged and committed as “%1”. A commit made by an earlier "
                  "attempt is not made twice.")
            .arg(in.commitMessage.section(u'\n', 0, 0));
    case WorkflowStepKind::Push:
        return tr("The branch %1 is pushed to origin, with the profile's GitHub credentials when "
                  "it needs them.")
            .arg(in.branch);
    case WorkflowStepKind::OpenPullRequest:
        return tr("A %1pull request “%2” is opened from %3%4. An open one for the branch is used "
                  "instead of a second.")
            .arg(in.draft ? tr("draft ") : QString(), in.prTitle, in.branch,
                 in.baseBranch.isEmpty() ? QString() : tr(" into %1").arg(in.baseBranch));
    case WorkflowStepKind::TerminateSandbox:
        return tr("The sandbox has done its work and is terminated.");
    }
    return {};
}

QString workflowStepOutcome(const WorkflowStep &step)
{
    const QJsonObject &out = step.output;
    if (step.state == WorkflowStepState::Skipped)
        return tr("Skipped");
    if (step.state != WorkflowStepState::Succeeded)
        return {};
    switch (step.kind) {
    case WorkflowStepKind::CreateSandbox:
        return tr("Sandbox %1 (%2)")
            .arg(out.value("sandbox_id"_L1).toString().left(8), out.value("provider"_L1).toString());
    case WorkflowStepKind::Clone:
        return tr("%1 at %2")
            .arg(out.value("folder"_L1).toString(), out.value("sha"_L1).toString().left(7));
    case WorkflowStepKind::Branch:
        return out.value("created"_L1).toBool()
                   ? tr("Created %1").arg(out.value("branch"_L1).toString())
                   : tr("Checked out %1").arg(out.value("branch"_L1).toString());
    case WorkflowStepKind::WaitForAgent:
        if (out.contains("confirmed_by"_L1))
            return tr("Confirmed by %1").arg(out.value("confirmed_by"_L1).toString());
        if (out.contains("exit_code"_L1))
            return tr("The agent command exited with 0");
        return tr("Not waited for");
    case WorkflowStepKind::Commit:
        return out.value("committed"_L1).toBool(true)
                   ? tr("Commit %1").arg(out.value("sha"_L1).toString().left(7))
                   : tr("Nothing new to commit (at %1)").arg(out.value("sha"_L1).toString().left(7));
    case WorkflowStepKind::Push:
        return out.value("up_to_date"_L1).toBool()
                   ? tr("%1 was up to date").arg(out.value("upstream"_L1).toString())
                   : tr("Pushed to %1").arg(out.value("upstream"_L1).toString());
    case WorkflowStepKind::OpenPullRequest:
        return (out.value("existed"_L1).toBool() ? tr("Pull request #%1 (already open)")
                                                 : tr("Pull request #%1"))
            .arg(out.value("number"_L1).toInt());
    case WorkflowStepKind::TerminateSandbox:
        return tr("Terminated");
    }
    return {};
}

int workflowRunPullRequestNumber(const WorkflowRun &run)
{
    return run.step(WorkflowStepKind::OpenPullRequest).output.value("number"_L1).toInt();
}

QString workflowRunPullRequestText(const WorkflowRun &run)
{
    const int number = workflowRunPullRequestNumber(run);
    return number > 0 ? u"#%1"_s.arg(number) : QString();
}

} // namespace squad
