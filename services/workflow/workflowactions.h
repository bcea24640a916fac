// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "workflow/workflowrun.h"

#include <QFuture>
#include <QJsonObject>

#include <functional>

namespace squad {

// What each step of a run does, behind one seam: the engine decides when and how often, this
// decides what. Every step must be safe to repeat after an interruption (the engine persists
// before and after, so a step cut off mid-way runs again): a second call finds what the first
// made — the run's sandbox, its clone and branch, its commit, its pull request — instead of
// making another.
class WorkflowActions
{
public:
    using Log = std::function<void(const QString &line)>;

    virtual ~WorkflowActions();

    // Does `step` of `run` (inputs and what earlier steps produced) and returns its output.
    virtual QFuture<Result<QJsonObject>> perform(WorkflowStepKind step, const WorkflowRun &run,
                                                 const Log &log) = 0;
    // Whether the run's sandbox still runs: steps done in a sandbox that is gone are redone.
    virtual bool sandboxLive(const WorkflowRun &run) = 0;
    // Ends the run's sandbox, if it has one (after an abort or a failure). Gone counts as ended.
    virtual QFuture<Result<void>> discardSandbox(const WorkflowRun &run) = 0;
};

} // namespace squad
