// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QMap>
#include <QString>
#include <QStringList>

namespace squad {

// A repository on one GitHub: github.com or an Enterprise Server host.
struct GitHubRepo
{
    QString host;   // the web host: "github.com", "github.example.com" (lower case)
    QString owner;
    QString name;

    bool isValid() const { return !owner.isEmpty() && !name.isEmpty(); }
    QString slug() const { return owner + u'/' + name; }  // "owner/name"
    friend bool operator==(const GitHubRepo &, const GitHubRepo &) = default;
};

// GitHub's primary rate limit as the last response reported it (x-ratelimit-*).
struct GitHubRateLimit
{
    int limit = -1;       // -1: not reported (Enterprise Server with limits off)
    int remaining = -1;
    QDateTime resetsAt;   // when `remaining` is back to `limit`
    QString resource;     // "core", "search", ...
};

// What a token or an app installation may do, as GitHub tells it.
struct GitHubIdentity
{
    enum class Kind { ClassicToken, FineGrainedToken, AppInstallation };
    Kind kind = Kind::ClassicToken;
    QString login;                      // the user; for an app, the installation's account
    QStringList scopes;                 // a classic token's OAuth scopes (X-OAuth-Scopes)
    QMap<QString, QString> permissions; // an app installation's: "pull_requests" → "write"
    QDateTime expiresAt;                // when the token expires; invalid = it does not
    GitHubRateLimit rateLimit;
};

struct GitHubRepoInfo
{
    GitHubRepo repo;
    QString defaultBranch;
    bool isPrivate = false;
    bool canPush = false;  // permissions.push, when GitHub reports permissions
};

// What the operator asks for. Owner and repository come from `repo`.
struct PullRequestDraft
{
    GitHubRepo repo;
    QString title;
    QString body;
    QString head;   // branch with the changes, or "user:branch" for a fork in the network
    QString base;   // empty = the repository's default branch
    bool draft = false;
    bool maintainerCanModify = true;
    QStringList reviewers;      // user logins
    QStringList teamReviewers;  // team slugs ("org/team" is accepted and trimmed to "team")
    QStringList labels;
};

struct PullRequest
{
    GitHubRepo repo;
    int number = 0;
    QString url;       // html_url, for people
    QString title;
    QString head;      // head.ref
    QString headOwner; // head.repo.owner.login (empty when the fork is gone)
    QString headSha;
    QString base;      // base.ref
    QString state;     // "open" or "closed", as GitHub has it
    bool draft = false;
    bool merged = false;
    QDateTime createdAt;
};

// The answer to a create: the pull request, whether it already existed (GitHub's 422
// "A pull request already exists" found it), and what the follow-up calls could not do —
// reviewers and labels are separate calls, and when one fails the pull request stays.
struct PullRequestCreated
{
    PullRequest pullRequest;
    bool existed = false;
    QStringList problems;
};

// The checks on a commit: combined commit statuses and check runs, together.
struct PullRequestChecks
{
    enum class State { None, Pending, Success, Failure };
    State state = State::None;
    int total = 0;
    int passed = 0;
    int failed = 0;
    int pending = 0;
};

// Where a pull request stands, for following it without webhooks.
struct PullRequestStatus
{
    enum class State { Open, Draft, Merged, Closed };
    enum class ReviewDecision { None, ReviewRequired, Approved, ChangesRequested };
    PullRequest pullRequest;
    State state = State::Open;
    ReviewDecision reviewDecision = ReviewDecision::None;
    PullRequestChecks checks;
    int pendingReviewers = 0;

    friend bool operator==(const PullRequestStatus &a, const PullRequestStatus &b)
    {
        return a.state == b.state && a.reviewDecision == b.reviewDecision
            && a.checks.state == b.checks.state && a.checks.total == b.checks.total
            && a.checks.passed == b.checks.passed && a.checks.failed == b.checks.failed
            && a.checks.pending == b.checks.pending && a.pendingReviewers == b.pendingReviewers
            && a.pullRequest.headSha == b.pullRequest.headSha
            && a.pullRequest.title == b.pullRequest.title;
    }
};

// "open", "draft", "merged", "closed" (--json and stored forms).
QString pullRequestStateName(PullRequestStatus::State state);
// "none", "review_required", "approved", "changes_requested".
QString reviewDecisionName(PullRequestStatus::ReviewDecision decision);
// "none", "pending", "success", "failure".
QString checksStateName(PullRequestChecks::State state);

} // namespace squad

Q_DECLARE_METATYPE(squad::PullRequestStatus)
