// SPDX-License-Identifier: MIT
#include "githubtypes.h"

using namespace Qt::StringLiterals;

namespace squad {

QString pullRequestStateName(PullRequestStatus::State state)
{
    switch (state) {
    case PullRequestStatus::State::Open: return u"open"_s;
    case PullRequestStatus::State::Draft: return u"draft"_s;
    case PullRequestStatus::State::Merged: return u"merged"_s;
    case PullRequestStatus::State::Closed: return u"closed"_s;
    }
    return {};
}

QString reviewDecisionName(PullRequestStatus::ReviewDecision decision)
{
    switch (decision) {
    case PullRequestStatus::ReviewDecision::None: return u"none"_s;
    case PullRequestStatus::ReviewDecision::ReviewRequired: return u"review_required"_s;
    case PullRequestStatus::ReviewDecision::Approved: return u"approved"_s;
    case PullRequestStatus::ReviewDecision::ChangesRequested: return u"changes_requested"_s;
    }
    return {};
}

QString checksStateName(PullRequestChecks::State state)
{
    switch (state) {
    case PullRequestChecks::State::None: return u"none"_s;
    case PullRequestChecks::State::Pending: return u"pending"_s;
    case PullRequestChecks::State::Success: return u"success"_s;
    case PullRequestChecks::State::Failure: return u"failure"_s;
    }
    return {};
}

} // namespace squad
