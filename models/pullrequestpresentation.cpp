// SPDX-License-Identifier: MIT
#include "pullrequestpresentation.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace squad {

StatusPresentation presentationOf(PullRequestStatus::State state)
{
    // The colours are the sandbox badges' (which are GitHub's own for these states), taken
    // from them so that a change of palette there reaches the pull requests too.
    using State = PullRequestStatus::State;
    switch (state) {
    case State::Open:
        return {u"Open"_s, u"●"_s, presentationOf(SandboxBadge::Running).colour};
    case State::Draft:
        return {u"Draft"_s, u"○"_s, presentationOf(SandboxBadge::Terminated).colour};
    case State::Merged:
        return {u"Merged"_s, u"✓"_s, presentationOf(SandboxBadge::Orphan).colour};
    case State::Closed:
        return {u"Closed"_s, u"✕"_s, presentationOf(SandboxBadge::Error).colour};
    }
    return {u"Unknown"_s, u"?"_s, QColor(Qt::gray)};
}

PullRequestLine reviewLine(const PullRequestStatus &status)
{
    using Decision = PullRequestStatus::ReviewDecision;
    switch (status.reviewDecision) {
    case Decision::Approved:
        return {u"Approved"_s, PullRequestTone::Success};
    case Decision::ChangesRequested:
        return {u"Changes requested"_s, PullRequestTone::Failure};
    case Decision::ReviewRequired:
        return {status.pendingReviewers > 0
                    ? u"Review required (%1 pending)"_s.arg(status.pendingReviewers)
                    : u"Review required"_s,
                PullRequestTone::Pending};
    case Decision::None:
        break;
    }
    return {u"No reviews"_s, PullRequestTone::None};
}

PullRequestLine checksLine(const PullRequestChecks &checks)
{
    if (checks.total <= 0)
        return {u"No checks"_s, PullRequestTone::None};
    const QString failing = checks.failed > 0 ? u", %1 failing"_s.arg(checks.failed) : QString();
    const PullRequestTone failedOr
        = checks.failed > 0 ? PullRequestTone::Failure : PullRequestTone::Pending;
    if (checks.pending > 0) {
        return {
            u"Checks running: %1 of %2 done"_s.arg(checks.total - checks.pending).arg(checks.total)
                + failing,
            failedOr};
    }
    const QString passed = checks.total == 1 ? u"%1/%2 check passed"_s : u"%1/%2 checks passed"_s;
    return {passed.arg(checks.passed).arg(checks.total) + failing,
            checks.failed > 0 ? PullRequestTone::Failure : PullRequestTone::Success};
}

QString pullRequestSummary(const PullRequestStatus &status)
{
    QStringList parts;
    if (status.pullRequest.number > 0)
        parts << u'#' + QString::number(status.pullRequest.number);
    parts << presentationOf(status.state).label << reviewLine(status).text
          << checksLine(status.checks).text;
    return parts.join(u" · "_s);
}

QString pullRequestBranches(const PullRequest &pullRequest)
{
    // A head in the repository itself is named by its branch alone; a fork's head needs its
    // owner to be told apart from a branch of the same name here.
    const bool fork
        = !pullRequest.headOwner.isEmpty()
          && pullRequest.headOwner.compare(pullRequest.repo.owner, Qt::CaseInsensitive) != 0;
    const QString head = fork ? pullRequest.headOwner + u':' + pullRequest.head : pullRequest.head;
    return head + u" → "_s + pullRequest.base;
}

QColor toneColour(PullRequestTone tone)
{
    switch (tone) {
    case PullRequestTone::Success:
        return presentationOf(SandboxBadge::Running).colour;
    case PullRequestTone::Pending:
        return presentationOf(SandboxBadge::Paused).colour;
    case PullRequestTone::Failure:
        return presentationOf(SandboxBadge::Error).colour;
    case PullRequestTone::None:
        break;
    }
    return presentationOf(SandboxBadge::Terminated).colour;
}

} // namespace squad
