// SPDX-License-Identifier: MIT
// squadctl pr create|status and auth test github: GitHub's pull requests through GitHubApi.
#include "cli.h"

#include "accounts/githubaccess.h"
#include "console/consolesettings.h"
#include "core/ids.h"
#include "git/gitinput.h"
#include "git/gitops.h"
#include "github/githubapi.h"
#include "github/githuberrors.h"
#include "github/githubremote.h"
#include "output.h"
#include "secrets/secretvault.h"
#include "store/auditlog.h"
#include "core/platform.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

const QCommandLineOption PrJsonOption(u"json"_s, u"Print JSON."_s);

void printJson(const QJsonObject &object)
{
    writeOut(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

QJsonObject pullRequestJson(const PullRequest &pr)
{
    return {{u"number"_s, pr.number},      {u"url"_s, pr.url},
            {u"repository"_s, pr.repo.slug()}, {u"title"_s, pr.title},
            {u"head"_s, pr.head},          {u"base"_s, pr.base},
            {u"head_sha"_s, pr.headSha},   {u"state"_s, pr.state},
            {u"draft"_s, pr.draft},        {u"merged"_s, pr.merged}};
}

QString checksText(const PullRequestChecks &checks)
{
    if (checks.total == 0)
        return u"no checks"_s;
    QStringList parts{u"%1/%2 passed"_s.arg(checks.passed).arg(checks.total)};
    if (checks.failed > 0)
        parts << u"%1 failed"_s.arg(checks.failed);
    if (checks.pending > 0)
        parts << u"%1 pending"_s.arg(checks.pending);
    return parts.join(u", "_s);
}

// The body of a pull request: --body, or --body-file ("-" = standard input); not both.
Result<QString> pullRequestBody(const QCommandLineParser &parser)
{
    if (parser.isSet(u"body"_s) && parser.isSet(u"body-file"_s)) {
        return fail(ErrorCode::InvalidArgument,
                    u"'pr create' takes the body with --body or --body-file, not both"_s);
    }
    if (!parser.isSet(u"body-file"_s))
        return parser.value(u"body"_s);
    const QString path = parser.value(u"body-file"_s);
    QFile file;
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly)
                                     : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        return fail(ErrorCode::NotFound, u"Cannot read the body file %1"_s.arg(path),
                    file.errorString());
    }
    return QString::fromUtf8(file.readAll());
}

// A repository on a host the API does not serve would send the request (and the token) to
// the wrong GitHub: say which API URL the profile needs instead.
Result<void> checkSameHost(const GitHubRepo &repo, const GitHubApi &api)
{
    if (repo.host.compare(api.webHost(), Qt::CaseInsensitive) == 0)
        return {};
    return fail(ErrorCode::InvalidArgument,
                u"The repository %1 is on %2, but the profile's GitHub API is %3 (%4). Set the "
                "profile's GitHub API URL to %5, or GITHUB_API_URL."_s.arg(
                    repo.slug(), repo.host, api.apiUrl(), api.webHost(),
                    gitHubApiUrlForHost(repo.host)));
}

} // namespace

void Cli::addPrOptions(const QString &verb, QCommandLineParser &parser)
{
    parser.addOption(PrJsonOption);
    parser.addOption({u"repo"_s, u"OWNER/REPO (or a repository URL)."_s, u"REPO"_s});
    if (verb == u"create") {
        parser.addOption({u"head"_s, u"Branch with the changes (default: the sandbox repository's)."_s,
                          u"BRANCH"_s});
        parser.addOption({u"base"_s, u"Branch to merge into (default: the repository's default)."_s,
                          u"BRANCH"_s});
        parser.addOption({{u"t"_s, u"title"_s}, u"Title."_s, u"TITLE"_s});
        parser.addOption({{u"b"_s, u"body"_s}, u"Body (Markdown)."_s, u"BODY"_s});
        parser.addOption({u"body-file"_s, u"Body from a file; - = stdin."_s, u"FILE"_s});
        parser.addOption({{u"d"_s, u"draft"_s}, u"Open it as a draft."_s});
        parser.addOption({u"no-maintainer-edit"_s, u"Do not let maintainers push to the head branch."_s});
        parser.addOption({{u"r"_s, u"reviewer"_s}, u"Request a review (user, or ORG/TEAM)."_s, u"WHO"_s});
        parser.addOption({{u"l"_s, u"label"_s}, u"Add a label."_s, u"LABEL"_s});
    }
}

QFuture<Result<GitHubApi *>> Cli::openGitHub(const QString &needsCredentialsFor)
{
    auto profile = resolveProfile();
    if (!profile)
        return QtFuture::makeReadyFuture<Result<GitHubApi *>>(tl::unexpected(profile.error()));
    ConsoleSettings settings;
    return resolveGitHubAccess(vault(), settings, *profile)
        .then(this, [this, needsCredentialsFor](const Result<GitHubAccess> &access) -> Result<GitHubApi *> {
            if (!access)
                return tl::unexpected(access.error());
            if (!needsCredentialsFor.isEmpty() && access->auth.isEmpty()) {
                return fail(ErrorCode::Unauthenticated,
                            u"%1 needs GitHub credentials: set a token with `squadctl auth set "
                            "github` or in GITHUB_TOKEN, or a GitHub App for the profile."_s.arg(
                                needsCredentialsFor));
            }
            // Parented to the Cli: it outlives the command.
            return new GitHubApi(access->apiUrl, access->auth, this);
        });
}

QFuture<int> Cli::prCommand(const QCommandLineParser &parser)
{
    return m_verb == u"create" ? prCreate(parser) : prStatus(parser);
}

QFuture<int> Cli::prCreate(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 0 && words.size() != 2) {
        return usageError(u"usage: squadctl pr create [ID DIR] [--repo OWNER/REPO] [--head B] "
                          "--title T ..."_s);
    }
    // Everything that can be checked is checked before anything is asked of GitHub.
    PullRequestDraft draft;
    draft.title = parser.value(u"title"_s).trimmed();
    if (draft.title.isEmpty())
        return usageError(u"'pr create' needs --title"_s);
    auto body = pullRequestBody(parser);
    if (!body)
        return failure(body.error());
    draft.body = *body;
    draft.head = parser.value(u"head"_s);
    draft.base = parser.value(u"base"_s);
    draft.draft = parser.isSet(u"draft"_s);
    draft.maintainerCanModify = !parser.isSet(u"no-maintainer-edit"_s);
    for (const QString &who : parser.values(u"reviewer"_s)) {
        for (const QString &one : who.split(u',', Qt::SkipEmptyParts))
            (one.contains(u'/') ? draft.teamReviewers : draft.reviewers) << one.trimmed();
    }
    for (const QString &label : parser.values(u"label"_s))
        draft.labels << label.split(u',', Qt::SkipEmptyParts);
    for (const QString &name : {draft.head, draft.base}) {
        if (!name.isEmpty()) {
            if (auto valid = validateBranchName(name.section(u':', -1)); !valid)
                return failure(valid.error());
        }
    }
    const QString sandbox = words.value(0);
    if (sandbox.isEmpty() && (!parser.isSet(u"repo"_s) || draft.head.isEmpty())) {
        return usageError(u"'pr create' needs a sandbox and its repository folder (they give the "
                          "repository and branch), or --repo OWNER/REPO and --head BRANCH"_s);
    }
    QString folder;
    if (!sandbox.isEmpty()) {
        auto id = parseId(sandbox, u"sandbox id"_s);
        if (!id)
            return failure(id.error());
        auto checked = validateRepoFolder(words.at(1));
        if (!checked)
            return failure(checked.error());
        folder = *checked;
    }
    const QString repoText = parser.value(u"repo"_s);
    const bool json = parser.isSet(PrJsonOption);

    auto [exitCode, finish] = pendingExit();
    openGitHub().then(this, [=, this](const Result<GitHubApi *> &opened) mutable {
        if (!opened)
            return finish(reported(opened.error()));
        GitHubApi *api = *opened;
        // Opening a pull request changes something: it goes in the audit log like the rest.
        if (auto code = openCore())
            return finish(*code);
        const auto audit = [this, sandbox](const QString &target, const QString &outcome,
                                           const QString &detail) {
            auto appended = AuditLog(m_core->database())
                                .append({0, {}, osUserName(), u"github.pr.create"_s,
                                         sandbox.isEmpty() ? target : sandbox, outcome, detail});
            if (!appended)
                writeErr(u"squadctl: warning: the audit log was not written: "_s + appended.error().message());
        };
        // The repository: --repo, else the sandbox repository's origin.
        const auto create = [=, this](PullRequestDraft draft, const QString &remoteUrl) {
            Result<GitHubRepo> repo = !repoText.isEmpty()
                ? (repoText.contains(u"://"_s) || repoText.contains(u'@')
                       ? gitHubRepoFromRemote(repoText)
                       : gitHubRepoFromSlug(repoText, api->webHost()))
                : gitHubRepoFromRemote(remoteUrl);
            if (!repo)
                return finish(reported(repo.error()));
            if (auto same = checkSameHost(*repo, *api); !same)
                return finish(reported(same.error()));
            draft.repo = *repo;
            writeErr(u"Creating a pull request in %1 from %2…"_s.arg(draft.repo.slug(), draft.head));
            const QString target = draft.repo.slug();
            api->createPullRequest(draft).then(this, [json, finish, audit, target](
                                                          const Result<PullRequestCreated> &made) {
                if (!made)
                    audit(target, u"failed"_s, made.error().toString());
                else
                    audit(target, made->existed ? u"noop"_s : u"ok"_s,
                          (QStringList{made->pullRequest.url} + made->problems).join(u"; "_s));
                if (!made) {
                    if (made.error().detail() == DraftUnsupportedDetail)
                        writeErr(u"hint: run it again without --draft for a normal pull request"_s);
                    return finish(reported(made.error()));
                }
                const PullRequest &pr = made->pullRequest;
                if (json) {
                    QJsonObject object = pullRequestJson(pr);
                    object.insert(u"existed"_s, made->existed);
                    object.insert(u"problems"_s, QJsonArray::fromStringList(made->problems));
                    printJson(object);
                } else {
                    writeOut(pr.url + u'\n');
                    writeErr(made->existed
                                 ? u"Pull request #%1 from %2 into %3 already existed: using it"_s.arg(
                                       QString::number(pr.number), pr.head, pr.base)
                                 : u"Created pull request #%1 from %2 into %3%4"_s.arg(
                                       QString::number(pr.number), pr.head, pr.base,
                                       pr.draft ? u" (draft)"_s : QString()));
                }
                // As gh does: the pull request stands; what could not be added is an error.
                for (const QString &problem : made->problems)
                    writeErr(u"squadctl: pull request update failed: "_s + problem);
                finish(made->problems.isEmpty() ? int(Success) : int(Failure));
            });
        };
        if (sandbox.isEmpty())
            return create(draft, {});
        auto *ops = new GitOps(m_core->database(), m_core->sandboxes(), this);
        ops->describe(sandbox, folder)
            .then(this, [=](const Result<RepoFacts> &facts) mutable {
                if (!facts)
                    return finish(reported(facts.error()));
                if (draft.head.isEmpty()) {
                    if (facts->branch.isEmpty()) {
                        return finish(reported(Error(
                            ErrorCode::Conflict,
                            u"The repository %1 in the sandbox has no branch checked out (HEAD is "
                            "detached): give --head."_s.arg(facts->folder))));
                    }
                    draft.head = facts->branch;
                }
                if (facts->remoteUrl.isEmpty() && repoText.isEmpty()) {
                    return finish(reported(Error(
                        ErrorCode::Conflict,
                        u"The repository %1 in the sandbox has no origin: give --repo OWNER/REPO."_s
                            .arg(facts->folder))));
                }
                create(draft, facts->remoteUrl);
            });
    });
    return exitCode;
}

QFuture<int> Cli::prStatus(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"usage: squadctl pr status URL|NUMBER [--repo OWNER/REPO] [--json]"_s);
    bool numeric = false;
    const int number = words.first().toInt(&numeric);
    std::optional<PullRequestRef> ref;
    if (!numeric) {
        auto parsed = pullRequestFromUrl(words.first());
        if (!parsed)
            return failure(parsed.error());
        ref = *parsed;
    } else if (number <= 0) {
        return failure(Error(ErrorCode::InvalidArgument,
                             u"%1 is not a pull request number"_s.arg(words.first())));
    } else if (!parser.isSet(u"repo"_s)) {
        return usageError(u"'pr status NUMBER' needs --repo OWNER/REPO (or give the pull request's URL)"_s);
    }
    const QString repoText = parser.value(u"repo"_s);
    const bool json = parser.isSet(PrJsonOption);

    auto [exitCode, finish] = pendingExit();
    openGitHub().then(this, [=, this](const Result<GitHubApi *> &opened) mutable {
        if (!opened)
            return finish(reported(opened.error()));
        GitHubApi *api = *opened;
        if (!ref) {
            auto repo = gitHubRepoFromSlug(repoText, api->webHost());
            if (!repo)
                return finish(reported(repo.error()));
            ref = PullRequestRef{*repo, number};
        }
        if (auto same = checkSameHost(ref->repo, *api); !same)
            return finish(reported(same.error()));
        api->pullRequestStatus(ref->repo, ref->number)
            .then(this, [json, finish](const Result<PullRequestStatus> &status) {
                if (!status)
                    return finish(reported(status.error()));
                const PullRequest &pr = status->pullRequest;
                if (json) {
                    QJsonObject object = pullRequestJson(pr);
                    object.insert(u"state"_s, pullRequestStateName(status->state));
                    object.insert(u"review_decision"_s, reviewDecisionName(status->reviewDecision));
                    object.insert(u"pending_reviewers"_s, status->pendingReviewers);
                    object.insert(u"checks"_s,
                                  QJsonObject{{u"state"_s, checksStateName(status->checks.state)},
                                              {u"total"_s, status->checks.total},
                                              {u"passed"_s, status->checks.passed},
                                              {u"failed"_s, status->checks.failed},
                                              {u"pending"_s, status->checks.pending}});
                    printJson(object);
                } else {
                    writeOut(u"#%1 %2\n%3 · review: %4 · checks: %5\n%6 → %7\n%8\n"_s.arg(
                        QString::number(pr.number), pr.title, pullRequestStateName(status->state),
                        reviewDecisionName(status->reviewDecision).replace(u'_', u' '),
                        checksText(status->checks), pr.head, pr.base, pr.url));
                }
                finish(Success);
            });
    });
    return exitCode;
}

QFuture<int> Cli::authTestGitHub(const QCommandLineParser &parser)
{
    const QString repoText = parser.value(u"repo"_s);
    const bool json = parser.isSet(PrJsonOption);
    auto [exitCode, finish] = pendingExit();
    openGitHub().then(this, [=, this](const Result<GitHubApi *> &opened) {
        if (!opened)
            return finish(reported(opened.error()));
        GitHubApi *api = *opened;
        api->identity().then(this, [=, this](const Result<GitHubIdentity> &identity) {
            if (!identity)
                return finish(reported(identity.error()));
            const auto report = [=](const std::optional<GitHubRepoInfo> &repo) {
                static const QStringList kinds{u"classic token"_s, u"fine-grained token"_s,
                                               u"GitHub App installation"_s};
                const QString kind = kinds.at(int(identity->kind));
                const GitHubRateLimit &limit = api->rateLimit();
                if (json) {
                    QJsonObject permissions;
                    for (auto it = identity->permissions.cbegin(); it != identity->permissions.cend(); ++it)
                        permissions.insert(it.key(), it.value());
                    QJsonObject object{{u"api_url"_s, api->apiUrl()},
                                       {u"kind"_s, kind},
                                       {u"login"_s, identity->login},
                                       {u"scopes"_s, QJsonArray::fromStringList(identity->scopes)},
                                       {u"permissions"_s, permissions},
                                       {u"expires_at"_s, identity->expiresAt.isValid()
                                            ? identity->expiresAt.toUTC().toString(Qt::ISODate)
                                            : QString()},
                                       {u"rate_limit"_s, QJsonObject{{u"limit"_s, limit.limit},
                                                                     {u"remaining"_s, limit.remaining}}}};
                    if (repo) {
                        object.insert(u"repository"_s,
                                      QJsonObject{{u"name"_s, repo->repo.slug()},
                                                  {u"default_branch"_s, repo->defaultBranch},
                                                  {u"can_push"_s, repo->canPush}});
                    }
                    printJson(object);
                    return finish(Success);
                }
                QString text = u"GitHub (%1) accepted the %2"_s.arg(api->apiUrl(), kind);
                if (!identity->login.isEmpty())
                    text += u" of %1"_s.arg(identity->login);
                if (identity->kind == GitHubIdentity::Kind::ClassicToken)
                    text += u"; scopes: %1"_s.arg(identity->scopes.isEmpty() ? u"none"_s
                                                                            : identity->scopes.join(u", "_s));
                if (identity->kind == GitHubIdentity::Kind::FineGrainedToken)
                    text += u"; its permissions are set per repository (try --repo)"_s;
                if (!identity->permissions.isEmpty()) {
                    QStringList pairs;
                    for (auto it = identity->permissions.cbegin(); it != identity->permissions.cend(); ++it)
                        pairs << it.key() + u'=' + it.value();
                    text += u"; permissions: %1"_s.arg(pairs.join(u", "_s));
                }
                if (identity->expiresAt.isValid())
                    text += u"; expires %1"_s.arg(identity->expiresAt.toLocalTime().toString(Qt::ISODate));
                if (limit.limit >= 0)
                    text += u". Rate limit: %1 of %2 left"_s.arg(limit.remaining).arg(limit.limit);
                writeErr(text + u'.');
                if (repo) {
                    writeErr(u"%1: default branch %2; %3"_s.arg(
                        repo->repo.slug(), repo->defaultBranch,
                        repo->canPush ? u"these credentials can push"_s
                                      : u"these credentials cannot push to it"_s));
                }
                finish(Success);
            };
            if (repoText.isEmpty())
                return report(std::nullopt);
            auto repo = gitHubRepoFromSlug(repoText, api->webHost());
            if (!repo)
                return finish(reported(repo.error()));
            api->repository(*repo).then(this, [=](const Result<GitHubRepoInfo> &info) {
                if (!info)
                    return finish(reported(info.error()));
                report(*info);
            });
        });
    });
    return exitCode;
}

} // namespace squad::cli
