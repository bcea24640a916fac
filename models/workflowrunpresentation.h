// SPDX-License-Identifier: MIT
#pragma once

#include "sandboxstatuspresentation.h"
#include "workflow/workflowrun.h"

#include <QString>

namespace squad {

// A run's state as a badge, in the console's colours: "Pending", "Running", "Waiting",
// "Failed", "Succeeded", "Aborted", each with a symbol that reads without colour.
StatusPresentation presentationOf(WorkflowRunState state);
// A step's state, for the wizard's list of steps: "Pending" ○, "Running" ●, "Done" ✓,
// "Failed" ▲, "Skipped" ↷.
StatusPresentation presentationOf(WorkflowStepState state);

// Where a run stands, as "4/8 Wait for the agent's changes" (its first unfinished step,
// numbered from 1); "8/8 Done" once every step succeeded or was skipped.
QString workflowRunStepText(const WorkflowRun &run);
// The first unfinished step's number from 1, or WorkflowStepCount + 1 when none is left.
int workflowRunStepNumber(const WorkflowRun &run);
// What a step is about to do, for the wizard page that runs it.
QString workflowStepDescription(WorkflowStepKind kind, const WorkflowInputs &inputs);
// A step's outcome in one line from its output ("Sandbox 1f2e… (local)", "Commit 3fa2c1d"),
// empty when it has none to tell.
QString workflowStepOutcome(const WorkflowStep &step);
// The pull request the run opened, "#12", or empty.
QString workflowRunPullRequestText(const WorkflowRun &run);
int workflowRunPullRequestNumber(const WorkflowRun &run);

} // namespace squad
