// SPDX-License-Identifier: MIT
// GitHubApi against FakeGitHub, a loopback server that answers as GitHub's REST API documents:
// tokens and apps, pull requests and their three 422s, reviewers and labels, Link pagination,
// conditional polling, primary and secondary rate limits, and installation tokens renewed.
#include "fakegithub.h"
#include "git/gitops.h"
#include "github/githubapi.h"
#include "github/githuberrors.h"
#include "github/githubjwt.h"
#include "github/githubremote.h"
#include "github/pullrequestwatch.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>

#include <jwt.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeGitHub;
using squad::test::FakePull;
using squad::test::FakeRepo;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

namespace {

const QString Token = u"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"_s;
const QString Repo = u"octo/app"_s;
const QString AppClientId = u"Iv23liTestClient01"_s;

GitHubRepo octoApp()
{
    return GitHubRepo{u"127.0.0.1"_s, u"octo"_s, u"app"_s};
}

// Why a result failed, for QVERIFY2 (evaluated whether or not it failed).
template<class T>
QByteArray why(const Result<T> &result)
{
    return result ? QByteArray() : result.error().toString().toLocal8Bit();
}

PullRequestDraft draftFor(const QString &title, const QString &head, const QString &base = {},
                          const QString &body = {})
{
    PullRequestDraft draft;
    draft.repo = octoApp();
    draft.title = title;
    draft.head = head;
    draft.base = base;
    draft.body = body;
    return draft;
}

QList<FakeGitHub::Seen> writesOf(const QList<FakeGitHub::Seen> &seen)
{
    QList<FakeGitHub::Seen> writes;
    for (const auto &s : seen) {
        if (s.method != "GET")
            writes << s;
    }
    return writes;
}

} // namespace

class tst_GitHubApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void remoteUrls_data();
    void remoteUrls();
    void pullRequestUrls();
    void apiHosts();

    void noCredentialsNoRequest();
    void classicToken();
    void fineGrainedTokenAndExpiry();
    void badTokenSaysWhatToDo();
    void enterpriseServerPrefix();

    void createPullRequest();
    void alreadyExistsReturnsTheOpenOne();
    void noCommitsBetween();
    void draftNotSupported();
    void headEqualsBaseRefusedBeforeAnyRequest();
    void followUpFailureKeepsThePullRequest();
    void missingPermissionNamesIt();
    void privateRepositoryIsNotFound();

    void statusFollowsStateReviewsAndChecks();
    void statusPaginatesWithLinkHeaders();
    void pollingUnchangedCostsNoQuota();
    void watchSignalsChangesOnly();

    void secondaryLimitWaitsRetryAfter();
    void secondaryLimitTooLongIsReported();
    void secondaryLimitWithoutRetryAfterBacksOff();
    void primaryLimitWaitsForReset();
    void primaryLimitFarAwayIsReported();
    void lastRequestOfTheHourMakesTheNextWait();
    void serverErrorRetriesReadsOnly();

    void appJwtCheckedAgainstPublicKey();
    void appInstallationTokenCachedAndRenewed();
    void appTokenRenewedBeforeItsHourEnds();
    void appWrongKeyRejected();
    void appKeyValidation();

private:
    GitHubApi *tokenApi(const QString &token = Token);
    GitHubApi *appApi(const QByteArray &privatePem);

    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<QObject> m_owner;
};

void tst_GitHubApi::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    m_github = std::make_unique<FakeGitHub>(*m_server);
    m_owner = std::make_unique<QObject>();
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s, u"read:org"_s});
    FakeRepo &repo = m_github->addRepo(u"octo"_s, u"app"_s, u"main"_s);
    repo.collaborators = {u"hubot"_s, u"monalisa"_s};
    repo.teams = {u"core"_s};
    m_github->addBranch(Repo, u"feature"_s, 2);
}

void tst_GitHubApi::cleanup()
{
    m_owner.reset();
    m_github.reset();
    m_server.reset();
}

GitHubApi *tst_GitHubApi::tokenApi(const QString &token)
{
    auto *api = new GitHubApi(m_github->apiUrl(), GitHubAuth{token, std::nullopt}, m_owner.get());
    GitHubApi::Options options;
    options.backoffMs = 20;
    api->setOptions(options);
    return api;
}

GitHubApi *tst_GitHubApi::appApi(const QByteArray &privatePem)
{
    return new GitHubApi(m_github->apiUrl(),
                         GitHubAuth{{}, GitHubAppCredentials{AppClientId, u"42"_s, privatePem}},
                         m_owner.get());
}

// ---- remotes ------------------------------------------------------------------------------

void tst_GitHubApi::remoteUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("owner");
    QTest::addColumn<QString>("name");
    QTest::newRow("https") << u"https://github.com/octo/app"_s << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("https .git") << u"https://github.com/octo/app.git"_s << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("https trailing slash") << u"https://github.com/octo/app/"_s << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("credentials dropped") << u"https://x-access-token:ghs_secret@github.com/octo/app.git"_s
                                         << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("ssh") << u"ssh://git@github.com/octo/app.git"_s << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("ssh port") << u"ssh://git@ghe.example.com:2222/octo/app"_s << u"ghe.example.com"_s
                              << u"octo"_s << u"app"_s;
    QTest::newRow("scp-like") << u"git@github.com:octo/app.git"_s << u"github.com"_s << u"octo"_s << u"app"_s;
    QTest::newRow("scp-like no .git") << u"git@GHE.Example.com:team-x/svc.api"_s << u"ghe.example.com"_s
                                      << u"team-x"_s << u"svc.api"_s;
    QTest::newRow("enterprise https") << u"https://ghe.example.com/octo/app.git"_s << u"ghe.example.com"_s
                                      << u"octo"_s << u"app"_s;
    QTest::newRow("not a repo path") << u"https://github.com/octo"_s << QString() << QString() << QString();
    QTest::newRow("too deep") << u"https://github.com/octo/app/tree/main"_s << QString() << QString() << QString();
    QTest::newRow("file scheme") << u"file:///srv/git/app.git"_s << QString() << QString() << QString();
    QTest::newRow("local path") << u"/srv/git/app.git"_s << QString() << QString() << QString();
    QTest::newRow("bad owner") << u"https://github.com/oc to/app"_s << QString() << QString() << QString();
}

void tst_GitHubApi::remoteUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, host);
    QFETCH(QString, owner);
    QFETCH(QString, name);
    const auto repo = gitHubRepoFromRemote(url);
    if (host.isEmpty()) {
        QVERIFY(!repo);
        QCOMPARE(repo.error().code(), ErrorCode::InvalidArgument);
        QVERIFY2(!repo.error().message().contains(u"ghs_secret"_s), qPrintable(repo.error().message()));
        return;
    }
    QVERIFY2(repo, why(repo).constData());
    QCOMPARE(repo->host, host);
    QCOMPARE(repo->owner, owner);
    QCOMPARE(repo->name, name);
}

void tst_GitHubApi::pullRequestUrls()
{
    const auto ref = pullRequestFromUrl(u"https://ghe.example.com/octo/app/pull/17"_s);
    QVERIFY(ref);
    QCOMPARE(ref->repo.slug(), u"octo/app"_s);
    QCOMPARE(ref->repo.host, u"ghe.example.com"_s);
    QCOMPARE(ref->number, 17);
    QVERIFY(pullRequestFromUrl(u"https://github.com/octo/app/pull/17/files"_s));
    QVERIFY(!pullRequestFromUrl(u"https://github.com/octo/app/issues/17"_s));
    QVERIFY(!pullRequestFromUrl(u"https://github.com/octo/app/pull/x"_s));
    QVERIFY(!pullRequestFromUrl(u"17"_s));

    const auto slug = gitHubRepoFromSlug(u"octo/app"_s, u"github.com"_s);
    QVERIFY(slug);
    QCOMPARE(slug->host, u"github.com"_s);
    QVERIFY(!gitHubRepoFromSlug(u"octo"_s, u"github.com"_s));
}

void tst_GitHubApi::apiHosts()
{
    QCOMPARE(gitHubApiUrlForHost(u"github.com"_s), u"https://api.github.com"_s);
    QCOMPARE(gitHubApiUrlForHost(u"ghe.example.com"_s), u"https://ghe.example.com/api/v3"_s);
    QCOMPARE(gitHubWebHostOfApi(u"https://api.github.com"_s), u"github.com"_s);
    QCOMPARE(gitHubWebHostOfApi(u"https://ghe.example.com/api/v3"_s), u"ghe.example.com"_s);
    QCOMPARE(gitHubWebHostOfApi(u"https://api.octo.ghe.com"_s), u"octo.ghe.com"_s);
}

// ---- credentials --------------------------------------------------------------------------

void tst_GitHubApi::noCredentialsNoRequest()
{
    auto *api = new GitHubApi(m_github->apiUrl(), GitHubAuth{}, m_owner.get());
    const auto identity = await(api->identity());
    QVERIFY(!identity);
    QCOMPARE(identity.error().code(), ErrorCode::Unauthenticated);
    QVERIFY2(identity.error().message().contains(u"GITHUB_TOKEN"_s), qPrintable(identity.error().message()));
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s)));
    QCOMPARE(created.error().code(), ErrorCode::Unauthenticated);
    QCOMPARE(m_server->requestCount(), 0);
}

void tst_GitHubApi::classicToken()
{
    GitHubApi *api = tokenApi();
    const auto identity = await(api->identity());
    QVERIFY2(identity, why(identity).constData());
    QCOMPARE(identity->kind, GitHubIdentity::Kind::ClassicToken);
    QCOMPARE(identity->login, u"octocat"_s);
    QCOMPARE(identity->scopes, (QStringList{u"repo"_s, u"read:org"_s}));
    QCOMPARE(identity->rateLimit.limit, 5000);
    QCOMPARE(identity->rateLimit.remaining, 4999);
    QVERIFY(identity->rateLimit.resetsAt > QDateTime::currentDateTimeUtc());

    const auto seen = m_github->seen();
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.first().apiPath, "/user");
    QCOMPARE(seen.first().authorization, "Bearer " + Token.toLatin1());
    QCOMPARE(seen.first().accept, "application/vnd.github+json");
    QCOMPARE(seen.first().apiVersion, "2022-11-28");
    QVERIFY(seen.first().userAgent.startsWith("squad-console/"));
}

void tst_GitHubApi::fineGrainedTokenAndExpiry()
{
    const QString fineGrained = u"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"_s;
    const QDateTime expires = QDateTime(QDate(2026, 12, 31), QTime(0, 0), Qt::UTC);
    m_github->addToken(fineGrained, u"monalisa"_s, std::nullopt, expires);
    const auto identity = await(tokenApi(fineGrained)->identity());
    QVERIFY2(identity, why(identity).constData());
    QCOMPARE(identity->kind, GitHubIdentity::Kind::FineGrainedToken);
    QCOMPARE(identity->login, u"monalisa"_s);
    QVERIFY(identity->scopes.isEmpty());
    QCOMPARE(identity->expiresAt, expires);
}

void tst_GitHubApi::badTokenSaysWhatToDo()
{
    const QString wrong = u"ghp_wrongwrongwrongwrongwrongwrongwrong12"_s;
    const auto identity = await(tokenApi(wrong)->identity());
    QVERIFY(!identity);
    QCOMPARE(identity.error().code(), ErrorCode::Unauthenticated);
    QVERIFY2(identity.error().message().contains(u"Bad credentials"_s), qPrintable(identity.error().message()));
    QVERIFY(identity.error().message().contains(u"Settings → Accounts"_s));
    QVERIFY(!identity.error().toString().contains(wrong));
    QCOMPARE(m_github->seen().size(), 1);  // a 401 is not retried
}

void tst_GitHubApi::enterpriseServerPrefix()
{
    LoopbackHttpServer server;
    FakeGitHub enterprise(server, u"/api/v3"_s);
    enterprise.addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    QVERIFY(enterprise.apiUrl().endsWith(u"/api/v3"_s));
    GitHubApi api(enterprise.apiUrl(), GitHubAuth{Token, std::nullopt});
    QCOMPARE(api.webHost(), u"127.0.0.1"_s);
    const auto identity = await(api.identity());
    QVERIFY2(identity, why(identity).constData());
    QCOMPARE(enterprise.seen().first().path, "/api/v3/user");
}

// ---- creating -----------------------------------------------------------------------------

void tst_GitHubApi::createPullRequest()
{
    GitHubApi *api = tokenApi();
    PullRequestDraft draft = draftFor(u"feat: add the thing"_s, u"feature"_s, {}, u"Body **markdown**"_s);
    draft.draft = true;
    draft.maintainerCanModify = false;
    draft.reviewers = {u"hubot"_s};
    draft.teamReviewers = {u"octo/core"_s};
    draft.labels = {u"agent"_s, u"needs-review"_s};
    const auto created = await(api->createPullRequest(draft));
    QVERIFY2(created, why(created).constData());
    QVERIFY(!created->existed);
    QVERIFY2(created->problems.isEmpty(), qPrintable(created->problems.join(u'\n')));
    const PullRequest &pr = created->pullRequest;
    QCOMPARE(pr.number, 1);
    QCOMPARE(pr.url, u"https://127.0.0.1/octo/app/pull/1"_s);
    QCOMPARE(pr.head, u"feature"_s);
    QCOMPARE(pr.base, u"main"_s);  // the repository's default branch
    QVERIFY(pr.draft);

    const FakePull *stored = m_github->pull(Repo, 1);
    QVERIFY(stored);
    QCOMPARE(stored->title, u"feat: add the thing"_s);
    QCOMPARE(stored->body.value_or(QString()), u"Body **markdown**"_s);
    QCOMPARE(stored->baseRef, u"main"_s);
    QVERIFY(stored->draft);
    QVERIFY(!stored->maintainerCanModify);
    QCOMPARE(stored->requestedReviewers, QStringList{u"hubot"_s});
    QCOMPARE(stored->requestedTeams, QStringList{u"core"_s});
    QCOMPARE(stored->labels.size(), 2);

    // Three writes (create, reviewers, labels), each reaching GitHub at least a second after
    // the one before: the client counts the second from the previous write's answer, which
    // comes after GitHub had that write. 1 ms less for the two clocks' millisecond rounding.
    const auto writes = writesOf(m_github->seen());
    QCOMPARE(writes.size(), 3);
    QCOMPARE(writes.at(0).apiPath, "/repos/octo/app/pulls");
    QVERIFY(writes.at(1).apiPath.endsWith("/requested_reviewers"));
    QVERIFY(writes.at(2).apiPath.endsWith("/labels"));
    for (int i = 1; i < writes.size(); ++i)
        QVERIFY2(writes.at(i).atMs - writes.at(i - 1).atMs >= 999,
                 qPrintable(u"writes %1 ms apart"_s.arg(writes.at(i).atMs - writes.at(i - 1).atMs)));
}

void tst_GitHubApi::alreadyExistsReturnsTheOpenOne()
{
    GitHubApi *api = tokenApi();
    api->setOptions([] { GitHubApi::Options o; o.writeSpacingMs = 0; return o; }());
    const PullRequestDraft draft = draftFor(u"fix: once"_s, u"feature"_s, u"main"_s);
    const auto first = await(api->createPullRequest(draft));
    QVERIFY2(first, why(first).constData());
    m_github->clearSeen();

    const auto second = await(api->createPullRequest(draft));
    QVERIFY2(second, why(second).constData());
    QVERIFY(second->existed);
    QCOMPARE(second->pullRequest.number, first->pullRequest.number);
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    const auto seen = m_github->seen();
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen.at(0).status, 422);
    QCOMPARE(seen.at(1).method, "GET");
    QCOMPARE(seen.at(1).query.queryItemValue(u"head"_s, QUrl::FullyDecoded), u"octo:feature"_s);
    QCOMPARE(seen.at(1).query.queryItemValue(u"state"_s), u"open"_s);
}

void tst_GitHubApi::noCommitsBetween()
{
    m_github->addBranch(Repo, u"empty"_s, 0);
    const auto created = await(tokenApi()->createPullRequest(draftFor(u"t"_s, u"empty"_s, u"main"_s)));
    QVERIFY(!created);
    QCOMPARE(created.error().code(), ErrorCode::Conflict);
    QVERIFY2(created.error().message().contains(u"nothing new"_s), qPrintable(created.error().message()));
    QVERIFY(created.error().message().contains(u"\"empty\""_s));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());
}

void tst_GitHubApi::draftNotSupported()
{
    m_github->repo(Repo)->draftSupported = false;
    PullRequestDraft draft = draftFor(u"t"_s, u"feature"_s, u"main"_s);
    draft.draft = true;
    const auto created = await(tokenApi()->createPullRequest(draft));
    QVERIFY(!created);
    QCOMPARE(created.error().detail(), QString(DraftUnsupportedDetail));
    QVERIFY2(created.error().message().contains(u"normal pull request"_s), qPrintable(created.error().message()));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());

    draft.draft = false;  // what the operator is offered
    QVERIFY(await(tokenApi()->createPullRequest(draft)));
}

void tst_GitHubApi::headEqualsBaseRefusedBeforeAnyRequest()
{
    GitHubApi *api = tokenApi();
    const auto same = await(api->createPullRequest(draftFor(u"t"_s, u"main"_s, u"main"_s)));
    QCOMPARE(same.error().code(), ErrorCode::InvalidArgument);
    const auto noTitle = await(api->createPullRequest(draftFor(u"  "_s, u"feature"_s)));
    QCOMPARE(noTitle.error().code(), ErrorCode::InvalidArgument);
    const auto badBranch = await(api->createPullRequest(draftFor(u"t"_s, u"a..b"_s)));
    QCOMPARE(badBranch.error().code(), ErrorCode::InvalidArgument);
    QCOMPARE(m_server->requestCount(), 0);
}

void tst_GitHubApi::followUpFailureKeepsThePullRequest()
{
    GitHubApi *api = tokenApi();
    api->setOptions([] { GitHubApi::Options o; o.writeSpacingMs = 0; return o; }());
    PullRequestDraft draft = draftFor(u"t"_s, u"feature"_s, u"main"_s);
    draft.reviewers = {u"stranger"_s};
    draft.labels = {u"agent"_s};
    const auto created = await(api->createPullRequest(draft));
    QVERIFY2(created, why(created).constData());
    QCOMPARE(created->problems.size(), 1);
    QVERIFY2(created->problems.first().contains(u"collaborator"_s), qPrintable(created->problems.first()));
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QCOMPARE(m_github->pull(Repo, 1)->labels, QStringList{u"agent"_s});  // the labels still went on
}

void tst_GitHubApi::missingPermissionNamesIt()
{
    const QString readOnly = u"github_pat_11READONLY0123456789_abcdefghijklmnopqrstuvwx"_s;
    m_github->addToken(readOnly, u"reader"_s, std::nullopt);
    m_github->grant(readOnly, Repo, u"read"_s);
    const auto created = await(tokenApi(readOnly)->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY(!created);
    QCOMPARE(created.error().code(), ErrorCode::PermissionDenied);
    QVERIFY2(created.error().message().contains(u"pull_requests=write"_s), qPrintable(created.error().message()));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());
}

void tst_GitHubApi::privateRepositoryIsNotFound()
{
    m_github->addRepo(u"secret"_s, u"vault"_s, u"main"_s, true);
    const QString outsider = u"github_pat_11OUTSIDER0123456789_abcdefghijklmnopqrstuvw"_s;
    m_github->addToken(outsider, u"outsider"_s, std::nullopt);
    const auto info = await(tokenApi(outsider)->repository({u"127.0.0.1"_s, u"secret"_s, u"vault"_s}));
    QVERIFY(!info);
    QCOMPARE(info.error().code(), ErrorCode::NotFound);
    QVERIFY2(info.error().message().contains(u"cannot see"_s), qPrintable(info.error().message()));
}

// ---- following ----------------------------------------------------------------------------

void tst_GitHubApi::statusFollowsStateReviewsAndChecks()
{
    GitHubApi *api = tokenApi();
    api->setOptions([] { GitHubApi::Options o; o.writeSpacingMs = 0; return o; }());
    PullRequestDraft draft = draftFor(u"t"_s, u"feature"_s, u"main"_s);
    draft.draft = true;
    draft.reviewers = {u"hubot"_s, u"monalisa"_s};
    const auto created = await(api->createPullRequest(draft));
    QVERIFY(created);
    const int number = created->pullRequest.number;

    auto status = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY2(status, why(status).constData());
    QCOMPARE(status->state, PullRequestStatus::State::Draft);
    QCOMPARE(status->reviewDecision, PullRequestStatus::ReviewDecision::ReviewRequired);
    QCOMPARE(status->pendingReviewers, 2);
    QCOMPARE(status->checks.state, PullRequestChecks::State::None);

    const QString sha = status->pullRequest.headSha;
    m_github->setDraft(Repo, number, false);
    m_github->addReview(Repo, number, u"hubot"_s, u"APPROVED"_s);
    m_github->addReview(Repo, number, u"monalisa"_s, u"CHANGES_REQUESTED"_s);
    m_github->setStatus(Repo, sha, u"ci/lint"_s, u"success"_s);
    m_github->addCheckRun(Repo, sha, u"build"_s, u"completed"_s, u"success"_s);
    m_github->addCheckRun(Repo, sha, u"test"_s, u"in_progress"_s);
    status = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY(status);
    QCOMPARE(status->state, PullRequestStatus::State::Open);
    QCOMPARE(status->reviewDecision, PullRequestStatus::ReviewDecision::ChangesRequested);
    QCOMPARE(status->checks.state, PullRequestChecks::State::Pending);
    QCOMPARE(status->checks.total, 3);
    QCOMPARE(status->checks.passed, 2);
    QCOMPARE(status->checks.pending, 1);

    // A later approval by the same reviewer replaces their request for changes.
    m_github->addReview(Repo, number, u"monalisa"_s, u"COMMENTED"_s);
    m_github->addReview(Repo, number, u"monalisa"_s, u"APPROVED"_s);
    m_github->addCheckRun(Repo, sha, u"e2e"_s, u"completed"_s, u"failure"_s);
    status = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY(status);
    QCOMPARE(status->reviewDecision, PullRequestStatus::ReviewDecision::Approved);
    QCOMPARE(status->checks.state, PullRequestChecks::State::Failure);
    QCOMPARE(status->checks.failed, 1);

    m_github->merge(Repo, number);
    status = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY(status);
    QCOMPARE(status->state, PullRequestStatus::State::Merged);

    const auto missing = await(api->pullRequestStatus(octoApp(), 99));
    QCOMPARE(missing.error().code(), ErrorCode::NotFound);
}

void tst_GitHubApi::statusPaginatesWithLinkHeaders()
{
    GitHubApi *api = tokenApi();
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY(created);
    const QString sha = created->pullRequest.headSha;
    for (int i = 0; i < 230; ++i)
        m_github->addCheckRun(Repo, sha, u"job-%1"_s.arg(i), u"completed"_s, u"success"_s);
    const auto status = await(api->pullRequestStatus(octoApp(), created->pullRequest.number));
    QVERIFY2(status, why(status).constData());
    QCOMPARE(status->checks.total, 230);
    QCOMPARE(status->checks.state, PullRequestChecks::State::Success);
    int pages = 0;
    for (const auto &seen : m_github->seen())
        pages += seen.apiPath.endsWith("/check-runs") ? 1 : 0;
    QCOMPARE(pages, 3);  // 100 + 100 + 30, following rel="next"
}

void tst_GitHubApi::pollingUnchangedCostsNoQuota()
{
    GitHubApi *api = tokenApi();
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY(created);
    const int number = created->pullRequest.number;
    QVERIFY(await(api->pullRequestStatus(octoApp(), number)));
    const int remaining = m_github->rateLimitRemaining(Token);
    m_github->clearSeen();

    const auto again = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY(again);
    const auto seen = m_github->seen();
    QVERIFY(seen.size() >= 4);
    for (const auto &s : seen) {
        QVERIFY2(!s.ifNoneMatch.isEmpty(), s.apiPath.constData());
        QCOMPARE(s.status, 304);
    }
    QCOMPARE(m_github->rateLimitRemaining(Token), remaining);

    m_github->addReview(Repo, number, u"hubot"_s, u"APPROVED"_s);
    const auto changed = await(api->pullRequestStatus(octoApp(), number));
    QVERIFY(changed);
    QCOMPARE(changed->reviewDecision, PullRequestStatus::ReviewDecision::Approved);
}

void tst_GitHubApi::watchSignalsChangesOnly()
{
    GitHubApi *api = tokenApi();
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY(created);
    PullRequestWatch watch(api, octoApp(), created->pullRequest.number);
    watch.setInterval(30);
    QSignalSpy changed(&watch, &PullRequestWatch::statusChanged);
    QSignalSpy checked(&watch, &PullRequestWatch::checked);
    QSignalSpy failed(&watch, &PullRequestWatch::failed);
    watch.start();
    QTRY_COMPARE(changed.size(), 1);
    // Several more polls with nothing new: each says it checked, none that something changed.
    QTRY_VERIFY(checked.size() >= 4);
    QCOMPARE(changed.size(), 1);

    // A refresh asked for during a poll is not lost: one more poll follows it.
    watch.stop();
    QTRY_VERIFY(!watch.isPolling());  // a poll in flight lands
    const qsizetype polls = checked.size();
    watch.refreshNow();
    QVERIFY(watch.isPolling());
    watch.refreshNow();  // during the first: queued, not dropped...
    watch.refreshNow();  // ...and not doubled
    QTRY_VERIFY(!watch.isPolling() && checked.size() >= polls + 2);
    QCOMPARE(checked.size(), polls + 2);
    watch.setInterval(30);
    watch.start();

    m_github->merge(Repo, created->pullRequest.number);
    QTRY_COMPARE(changed.size(), 2);
    QCOMPARE(changed.last().first().value<PullRequestStatus>().state, PullRequestStatus::State::Merged);
    QVERIFY(!watch.isActive());  // nothing more can happen to a merged pull request
    QCOMPARE(failed.size(), 0);
}

// ---- rate limits --------------------------------------------------------------------------

void tst_GitHubApi::secondaryLimitWaitsRetryAfter()
{
    m_github->injectSecondaryLimit(1, 1);
    const auto identity = await(tokenApi()->identity());
    QVERIFY2(identity, why(identity).constData());
    const auto seen = m_github->seen();
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen.at(0).status, 403);
    QCOMPARE(seen.at(1).status, 200);
    QVERIFY2(seen.at(1).atMs - seen.at(0).atMs >= 990,
             qPrintable(u"retried after %1 ms"_s.arg(seen.at(1).atMs - seen.at(0).atMs)));
}

void tst_GitHubApi::secondaryLimitTooLongIsReported()
{
    m_github->injectSecondaryLimit(1, 3600, 429);
    const auto identity = await(tokenApi()->identity());
    QVERIFY(!identity);
    QCOMPARE(identity.error().code(), ErrorCode::RateLimited);
    QVERIFY2(identity.error().message().contains(u"3600 s"_s), qPrintable(identity.error().message()));
    QCOMPARE(m_github->seen().size(), 1);  // never hammered
}

void tst_GitHubApi::secondaryLimitWithoutRetryAfterBacksOff()
{
    GitHubApi *api = tokenApi();
    GitHubApi::Options options;
    options.secondaryLimitWaitMs = 150;
    api->setOptions(options);
    m_github->injectSecondaryLimit(2, std::nullopt);
    const auto identity = await(api->identity());
    QVERIFY2(identity, why(identity).constData());
    const auto seen = m_github->seen();
    QCOMPARE(seen.size(), 3);
    // A wait, then twice that (GitHub: wait, then back off exponentially).
    QVERIFY(seen.at(1).atMs - seen.at(0).atMs >= 140);
    QVERIFY(seen.at(2).atMs - seen.at(1).atMs >= 290);

    m_github->clearSeen();
    m_github->injectSecondaryLimit(10, std::nullopt);
    const auto gaveUp = await(api->identity());
    QCOMPARE(gaveUp.error().code(), ErrorCode::RateLimited);
    QCOMPARE(m_github->seen().size(), options.maxAttempts);
}

void tst_GitHubApi::primaryLimitWaitsForReset()
{
    GitHubApi *api = tokenApi();
    m_github->setRateLimit(Token, 0, 1);
    const auto identity = await(api->identity());
    QVERIFY2(identity, why(identity).constData());
    const auto seen = m_github->seen();
    QCOMPARE(seen.size(), 2);
    QCOMPARE(seen.at(0).status, 403);
    QCOMPARE(seen.at(1).status, 200);
}

void tst_GitHubApi::primaryLimitFarAwayIsReported()
{
    m_github->setRateLimit(Token, 0, 3600);
    const auto identity = await(tokenApi()->identity());
    QVERIFY(!identity);
    QCOMPARE(identity.error().code(), ErrorCode::RateLimited);
    QVERIFY2(identity.error().message().contains(u"used up until"_s), qPrintable(identity.error().message()));
    QCOMPARE(m_github->seen().size(), 1);
}

void tst_GitHubApi::lastRequestOfTheHourMakesTheNextWait()
{
    GitHubApi *api = tokenApi();
    m_github->setRateLimit(Token, 1, 1);
    QVERIFY(await(api->identity()));
    QCOMPARE(api->rateLimit().remaining, 0);
    QVERIFY(await(api->identity()));  // waited for the reset instead of being refused
    for (const auto &seen : m_github->seen())
        QCOMPARE(seen.status, 200);

    m_github->setRateLimit(Token, 1, 3600);
    m_github->clearSeen();
    QVERIFY(await(api->identity()));
    const auto refused = await(api->identity());
    QCOMPARE(refused.error().code(), ErrorCode::RateLimited);
    QCOMPARE(m_github->seen().size(), 1);  // the second was never sent
}

void tst_GitHubApi::serverErrorRetriesReadsOnly()
{
    GitHubApi *api = tokenApi();
    m_github->failNext("GET", u"/user"_s, HttpResponse::json(502, QJsonObject{{u"message"_s, u"Server Error"_s}}));
    QVERIFY(await(api->identity()));
    QCOMPARE(m_github->seen().size(), 2);

    m_github->clearSeen();
    m_github->failNext("POST", u"/repos/{o}/{r}/pulls"_s,
                       HttpResponse::json(502, QJsonObject{{u"message"_s, u"Server Error"_s}}));
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY(!created);
    QCOMPARE(created.error().code(), ErrorCode::Unavailable);
    QCOMPARE(writesOf(m_github->seen()).size(), 1);  // a write is never simply sent again
}

// ---- GitHub App ---------------------------------------------------------------------------

void tst_GitHubApi::appJwtCheckedAgainstPublicKey()
{
    const auto keys = squad::test::generateRsaKeyPair();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto jwt = gitHubAppJwt(AppClientId, keys.privatePem, now);
    QVERIFY2(jwt, why(jwt).constData());

    // Verified here with the public key, independently of the fake.
    jwt_t *decoded = nullptr;
    QCOMPARE(jwt_decode(&decoded, jwt->constData(),
                        reinterpret_cast<const unsigned char *>(keys.publicPem.constData()),
                        int(keys.publicPem.size())),
             0);
    QCOMPARE(jwt_get_alg(decoded), JWT_ALG_RS256);
    QCOMPARE(QString::fromUtf8(jwt_get_grant(decoded, "iss")), AppClientId);
    QCOMPARE(qint64(jwt_get_grant_int(decoded, "iat")), now - 60);
    const qint64 exp = jwt_get_grant_int(decoded, "exp");
    QVERIFY(exp > now && exp - now <= 600);
    jwt_free(decoded);

    const auto other = squad::test::generateRsaKeyPair();
    QVERIFY(jwt_decode(&decoded, jwt->constData(),
                       reinterpret_cast<const unsigned char *>(other.publicPem.constData()),
                       int(other.publicPem.size()))
            != 0);

    // And by the fake, on the way to an installation token.
    m_github->setApp(AppClientId, keys.publicPem, u"42"_s, u"octo"_s,
                     QJsonObject{{u"contents"_s, u"write"_s}, {u"pull_requests"_s, u"write"_s}});
    const auto identity = await(appApi(keys.privatePem)->identity());
    QVERIFY2(identity, why(identity).constData());
    QCOMPARE(identity->kind, GitHubIdentity::Kind::AppInstallation);
    QCOMPARE(identity->permissions.value(u"pull_requests"_s), u"write"_s);
    QVERIFY(identity->expiresAt > QDateTime::currentDateTimeUtc().addSecs(3000));
    const auto seenJwt = m_github->lastJwt();
    QVERIFY(seenJwt);
    QVERIFY(seenJwt->signatureValid);
    QCOMPARE(seenJwt->alg, u"RS256"_s);
    QCOMPARE(seenJwt->iss, AppClientId);
    QVERIFY(seenJwt->iat <= QDateTime::currentSecsSinceEpoch() - 59);
    QVERIFY(seenJwt->exp - seenJwt->iat <= 660);
}

void tst_GitHubApi::appInstallationTokenCachedAndRenewed()
{
    const auto keys = squad::test::generateRsaKeyPair();
    m_github->setApp(AppClientId, keys.publicPem, u"42"_s, u"octo"_s,
                     QJsonObject{{u"pull_requests"_s, u"write"_s}});
    GitHubApi *api = appApi(keys.privatePem);
    api->setOptions([] { GitHubApi::Options o; o.writeSpacingMs = 0; return o; }());
    const auto created = await(api->createPullRequest(draftFor(u"t"_s, u"feature"_s, u"main"_s)));
    QVERIFY2(created, why(created).constData());
    QVERIFY(await(api->pullRequestStatus(octoApp(), created->pullRequest.number)));
    QCOMPARE(m_github->installationTokensIssued(), 1);  // one token for all of it

    const auto token = await(api->gitToken());
    QVERIFY(token);
    QVERIFY(token->startsWith(u"ghs_"_s));
    const auto credential = await(api->gitCredential());
    QVERIFY(credential);
    QCOMPARE(credential->token, *token);
    QCOMPARE(credential->origin, m_server->url().toString());  // the API's own web origin

    // GitHub stops taking the token (it expired early, or was revoked): a new one, once.
    m_github->expireInstallationTokens();
    m_github->clearSeen();
    const auto status = await(api->pullRequestStatus(octoApp(), created->pullRequest.number));
    QVERIFY2(status, why(status).constData());
    QCOMPARE(m_github->installationTokensIssued(), 2);
    const auto seen = m_github->seen();
    QCOMPARE(seen.at(0).status, 401);
    QVERIFY(seen.at(1).apiPath.endsWith("/access_tokens"));
    const auto renewed = await(api->gitToken());
    QVERIFY(renewed && *renewed != *token);
}

void tst_GitHubApi::appTokenRenewedBeforeItsHourEnds()
{
    const auto keys = squad::test::generateRsaKeyPair();
    m_github->setApp(AppClientId, keys.publicPem, u"42"_s, u"octo"_s, {});
    GitHubApi *api = appApi(keys.privatePem);
    // The token's hour is judged by a clock the test moves; the JWT keeps the real one.
    auto clock = std::make_shared<QDateTime>(QDateTime::currentDateTimeUtc());
    GitHubApi::Options options;
    options.now = [clock] { return *clock; };
    api->setOptions(options);
    QVERIFY(await(api->repository(octoApp())));
    *clock = clock->addSecs(50 * 60);  // ten minutes left: still used
    QVERIFY(await(api->repository(octoApp())));
    QCOMPARE(m_github->installationTokensIssued(), 1);
    *clock = clock->addSecs(6 * 60);  // four minutes left, under the five-minute margin:
    QVERIFY(await(api->repository(octoApp())));  // renewed first, not refused by GitHub
    QCOMPARE(m_github->installationTokensIssued(), 2);
    for (const auto &seen : m_github->seen())
        QVERIFY(seen.status != 401);  // renewed before GitHub could refuse it
}

void tst_GitHubApi::appWrongKeyRejected()
{
    const auto keys = squad::test::generateRsaKeyPair();
    const auto other = squad::test::generateRsaKeyPair();
    m_github->setApp(AppClientId, keys.publicPem, u"42"_s, u"octo"_s, {});
    GitHubApi *api = appApi(other.privatePem);
    const auto identity = await(api->identity());
    QVERIFY(!identity);
    QCOMPARE(identity.error().code(), ErrorCode::Unauthenticated);
    QVERIFY2(identity.error().message().contains(u"GitHub App"_s), qPrintable(identity.error().message()));
    QCOMPARE(m_github->installationTokensIssued(), 0);
    QCOMPARE(m_github->seen().size(), 1);
}

void tst_GitHubApi::appKeyValidation()
{
    QCOMPARE(validateGitHubAppKey({}).error().code(), ErrorCode::InvalidArgument);
    QCOMPARE(validateGitHubAppKey("ghp_notakey").error().code(), ErrorCode::InvalidArgument);
    QCOMPARE(validateGitHubAppKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
                 .error()
                 .code(),
             ErrorCode::InvalidArgument);
    QVERIFY(validateGitHubAppKey(squad::test::generateRsaKeyPair().privatePem));
    QCOMPARE(gitHubAppJwt({}, squad::test::generateRsaKeyPair().privatePem, 0).error().code(),
             ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(tst_GitHubApi)
#include "tst_githubapi.moc"
