// SPDX-License-Identifier: MIT
#pragma once

#include "github/githubtypes.h"
#include "sandboxstatuspresentation.h"

#include <QColor>
#include <QString>

namespace squad {

// How a line about a pull request reads at a glance (its dot, its colour). The checks' four
// states are the vocabulary, so a review decision or a card's error line reads in the same
// tones as the checks beside it rather than in a scale of their own.
using PullRequestTone = PullRequestChecks::State;

// A line of text about a pull request, and its tone.
struct PullRequestLine
{
    QString text;
    PullRequestTone tone = PullRequestTone::None;

    friend bool operator==(const PullRequestLine &, const PullRequestLine &) = default;
};

// The state as a badge, drawn like the sandbox badges: "Open", "Draft", "Merged", "Closed",
// a symbol that reads without colour, and GitHub's colour for the state (the same green, grey,
// purple and red the sandbox badges use).
StatusPresentation presentationOf(PullRequestStatus::State state);

// "Approved", "Changes requested", "Review required (2 pending)", "No reviews".
PullRequestLine reviewLine(const PullRequestStatus &status);

// "3/3 checks passed", "3/4 checks passed, 1 failing", "Checks running: 2 of 5 done",
// "No checks". The tone follows the counts (a failure outweighs what is still running), so the
// text and its colour never disagree.
PullRequestLine checksLine(const PullRequestChecks &checks);

// "#12 · Open · Approved · 3/3 checks passed", for a table cell or a tooltip.
QString pullRequestSummary(const PullRequestStatus &status);

// "feature → main"; a head in another owner's fork reads "user:feature → main", as on GitHub.
QString pullRequestBranches(const PullRequest &pullRequest);

// A tone's colour: the sandbox badges' green (success), amber (pending), red (failure) and
// grey (none), so the console has one colour per meaning.
QColor toneColour(PullRequestTone tone);

} // namespace squad
