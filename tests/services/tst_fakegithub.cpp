// SPDX-License-Identifier: MIT
// FakeGitHub, driven by a plain QNetworkAccessManager, answers as GitHub's REST docs say: the
// GitHub client's tests trust it, so here it has to earn that trust.
#include "fakegithub.h"
#include "loopbackhttpserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <jwt.h>

#include <cstdlib>
#include <memory>

using namespace Qt::StringLiterals;
using squad::test::FakeGitHub;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;
using squad::test::RsaKeyPair;

namespace {

const QString Token = u"ghp_16C7e42F292c6912E7710c838347Ae178B4a"_s;
const QString Repo = u"octo/hello"_s;

struct Answer
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        return std::any_of(headers.cbegin(), headers.cend(),
                           [&](const auto &pair) { return pair.first.compare(name, Qt::CaseInsensitive) == 0; });
    }
    QJsonObject object() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray array() const { return QJsonDocument::fromJson(body).array(); }
};

// GitHub's documented pagination header, parsed: rel -> URL.
QMap<QString, QString> links(const QByteArray &header)
{
    QMap<QString, QString> out;
    static const QRegularExpression pattern(uR"re(<([^>]+)>; rel="([a-z]+)")re"_s);
    for (auto it = pattern.globalMatch(QString::fromUtf8(header)); it.hasNext();) {
        const auto match = it.next();
        out.insert(match.captured(2), match.captured(1));
    }
    return out;
}

QByteArray signJwt(const QByteArray &key, const QString &iss, qint64 iat, qint64 exp, jwt_alg_t alg = JWT_ALG_RS256)
{
    jwt_t *jwt = nullptr;
    if (jwt_new(&jwt) != 0)
        return {};
    jwt_add_grant(jwt, "iss", iss.toUtf8().constData());
    jwt_add_grant_int(jwt, "iat", long(iat));
    jwt_add_grant_int(jwt, "exp", long(exp));
    jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char *>(key.constData()), int(key.size()));
    char *text = jwt_encode_str(jwt);
    const QByteArray out(text ? text : "");
    std::free(text);
    jwt_free(jwt);
    return out;
}

} // namespace

class tst_FakeGitHub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void authenticationIsRequired();
    void everyAnswerCarriesGitHubsHeaders();
    void createThenAlreadyExists();
    void noCommitsBetween_data();
    void noCommitsBetween();
    void draftUnsupported();
    void tokenWithoutWriteIsRefused();
    void listPaginatesWithLinkHeader_data();
    void listPaginatesWithLinkHeader();
    void notModifiedCostsNothing();
    void primaryLimitRunsOut();
    void secondaryLimitCarriesRetryAfter();
    void reviewRequestsAndReviews();
    void combinedStatus();
    void appJwtBuysInstallationToken();
    void badJwtIsRefused_data();
    void badJwtIsRefused();

private:
    Answer send(const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QList<std::pair<QByteArray, QByteArray>> &extra = {}, const QString &token = Token,
                bool absolute = false);
    QByteArray createBody(const QString &head, bool draft = false) const;

    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

void tst_FakeGitHub::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    m_github = std::make_unique<FakeGitHub>(*m_server);
    m_network = std::make_unique<QNetworkAccessManager>();
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s, u"read:org"_s});
    m_github->addRepo(u"octo"_s, u"hello"_s);
    m_github->addBranch(Repo, u"feature"_s, 2);
}

void tst_FakeGitHub::cleanup()
{
    m_network.reset();
    m_github.reset();
    m_server.reset();
}

Answer tst_FakeGitHub::send(const QByteArray &method, const QString &path, const QByteArray &body,
                            const QList<std::pair<QByteArray, QByteArray>> &extra, const QString &token,
                            bool absolute)
{
    QNetworkRequest request(QUrl(absolute ? path : m_github->apiUrl() + path));
    request.setRawHeader("Accept", "application/vnd.github+json");
    request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
    request.setRawHeader("User-Agent", "squad-console-tests");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : extra)
        request.setRawHeader(name, value);
    QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        qWarning("no answer to %s %s", method.constData(), qPrintable(path));
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return answer;
}

QByteArray tst_FakeGitHub::createBody(const QString &head, bool draft) const
{
    return QJsonDocument(QJsonObject{{u"title"_s, u"Add greeting"_s},
                                     {u"head"_s, head},
                                     {u"base"_s, u"main"_s},
                                     {u"body"_s, u"Says hello."_s},
                                     {u"draft"_s, draft}})
        .toJson(QJsonDocument::Compact);
}

void tst_FakeGitHub::authenticationIsRequired()
{
    const Answer none = send("GET", u"/repos/octo/hello/pulls"_s, {}, {}, QString());
    QCOMPARE(none.status, 401);
    QCOMPARE(none.object(), (QJsonObject{{u"message"_s, u"Requires authentication"_s},
                                         {u"documentation_url"_s, u"https://docs.github.com/rest"_s}}));

    const Answer bad = send("GET", u"/repos/octo/hello/pulls"_s, {}, {}, u"ghp_unknown"_s);
    QCOMPARE(bad.status, 401);
    QCOMPARE(bad.object().value("message"_L1).toString(), u"Bad credentials"_s);

    m_github->revokeToken(Token);
    QCOMPARE(send("GET", u"/user"_s).status, 401);

    // An unknown API version is refused before anything else.
    const Answer version = send("GET", u"/user"_s, {}, {{"X-GitHub-Api-Version", "2099-01-01"}});
    QCOMPARE(version.status, 400);
    QCOMPARE(version.object().value("message"_L1).toString(), u"API version '2099-01-01' is not supported."_s);
}

void tst_FakeGitHub::everyAnswerCarriesGitHubsHeaders()
{
    const QDateTime expiry(QDate(2026, 12, 31), QTime(0, 0), Qt::UTC);
    m_github->addToken(u"github_pat_fine"_s, u"hubot"_s, std::nullopt, expiry.addYears(10));
    const Answer classic = send("GET", u"/repos/octo/hello"_s);
    QCOMPARE(classic.status, 200);
    QCOMPARE(classic.header("Content-Type"), "application/json; charset=utf-8");
    QVERIFY(!classic.header("X-GitHub-Request-Id").isEmpty());
    QCOMPARE(classic.header("X-GitHub-Api-Version-Selected"), "2022-11-28");
    QCOMPARE(classic.header("x-ratelimit-limit"), "5000");
    QCOMPARE(classic.header("x-ratelimit-remaining"), "4999");
    QCOMPARE(classic.header("x-ratelimit-used"), "1");
    QCOMPARE(classic.header("x-ratelimit-resource"), "core");
    QVERIFY(classic.header("x-ratelimit-reset").toLongLong() > QDateTime::currentSecsSinceEpoch());
    QCOMPARE(classic.header("X-OAuth-Scopes"), "repo, read:org");
    QCOMPARE(classic.header("X-Accepted-OAuth-Scopes"), "repo");
    const QJsonObject repo = classic.object();
    QCOMPARE(repo.value("full_name"_L1).toString(), Repo);
    QCOMPARE(repo.value("html_url"_L1).toString(), u"https://127.0.0.1/octo/hello"_s);
    QCOMPARE(repo.value("default_branch"_L1).toString(), u"main"_s);
    QCOMPARE(repo.value("permissions"_L1).toObject().value("push"_L1).toBool(), true);

    // A fine-grained token has no scopes, may carry an expiry, and reads public repositories.
    const Answer fine = send("GET", u"/repos/octo/hello"_s, {}, {}, u"github_pat_fine"_s);
    QCOMPARE(fine.status, 200);
    QVERIFY(!fine.hasHeader("X-OAuth-Scopes"));
    QCOMPARE(fine.header("github-authentication-token-expiration"), "2036-12-31 00:00:00 UTC");
    QCOMPARE(fine.object().value("permissions"_L1).toObject().value("push"_L1).toBool(), false);
    QCOMPARE(fine.object().value("permissions"_L1).toObject().value("pull"_L1).toBool(), true);

    // What the client sent is on record.
    const FakeGitHub::Seen last = m_github->seen().constLast();
    QCOMPARE(last.accept, "application/vnd.github+json");
    QCOMPARE(last.apiVersion, "2022-11-28");
    QCOMPARE(last.authorization, "Bearer github_pat_fine");
    QCOMPARE(last.status, 200);
}

void tst_FakeGitHub::createThenAlreadyExists()
{
    const Answer created = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s));
    QCOMPARE(created.status, 201);
    const QJsonObject pull = created.object();
    QCOMPARE(pull.value("number"_L1).toInt(), 1);
    QCOMPARE(pull.value("state"_L1).toString(), u"open"_s);
    QCOMPARE(pull.value("html_url"_L1).toString(), u"https://127.0.0.1/octo/hello/pull/1"_s);
    QCOMPARE(pull.value("user"_L1).toObject().value("login"_L1).toString(), u"octocat"_s);
    QCOMPARE(pull.value("head"_L1).toObject().value("label"_L1).toString(), u"octo:feature"_s);
    QCOMPARE(pull.value("head"_L1).toObject().value("sha"_L1).toString(),
             m_github->repo(Repo)->branches.value(u"feature"_s).sha);
    QCOMPARE(pull.value("base"_L1).toObject().value("ref"_L1).toString(), u"main"_s);
    QVERIFY(pull.value("mergeable"_L1).isNull());
    QCOMPARE(pull.value("merged"_L1).toBool(true), false);
    QCOMPARE(pull.value("requested_reviewers"_L1).toArray().size(), 0);
    QVERIFY(QDateTime::fromString(pull.value("created_at"_L1).toString(), Qt::ISODate).isValid());
    QVERIFY(pull.value("created_at"_L1).toString().endsWith(u'Z'));
    QCOMPARE(created.header("Location"), QString(m_github->apiUrl() + u"/repos/octo/hello/pulls/1"_s).toUtf8());

    const Answer again = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"octo:feature"_s));
    QCOMPARE(again.status, 422);
    const QJsonObject expected{
        {u"message"_s, u"Validation Failed"_s},
        {u"errors"_s, QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                             {u"code"_s, u"custom"_s},
                                             {u"message"_s, u"A pull request already exists for octo:feature."_s}}}},
        {u"documentation_url"_s, u"https://docs.github.com/rest/pulls/pulls#create-a-pull-request"_s}};
    QCOMPARE(again.object(), expected);

    // Once it is merged, the same head may be proposed again.
    m_github->merge(Repo, 1);
    const Answer afterMerge = send("GET", u"/repos/octo/hello/pulls/1"_s);
    QCOMPARE(afterMerge.object().value("merged"_L1).toBool(), true);
    QCOMPARE(afterMerge.object().value("state"_L1).toString(), u"closed"_s);
    QCOMPARE(send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s)).object().value("number"_L1).toInt(), 2);

    // The other validation answers.
    const Answer noTitle = send("POST", u"/repos/octo/hello/pulls"_s, R"({"head":"feature","base":"main"})");
    QCOMPARE(noTitle.status, 422);
    QCOMPARE(noTitle.object().value("errors"_L1).toArray().first().toObject(),
             (QJsonObject{{u"resource"_s, u"PullRequest"_s}, {u"code"_s, u"missing_field"_s}, {u"field"_s, u"title"_s}}));
    const Answer unknownHead = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"nope"_s));
    QCOMPARE(unknownHead.status, 422);
    QCOMPARE(unknownHead.object().value("errors"_L1).toArray().first().toObject(),
             (QJsonObject{{u"resource"_s, u"PullRequest"_s}, {u"field"_s, u"head"_s}, {u"code"_s, u"invalid"_s}}));
    const Answer garbage = send("POST", u"/repos/octo/hello/pulls"_s, "{title:");
    QCOMPARE(garbage.status, 400);
    QCOMPARE(garbage.object().value("message"_L1).toString(), u"Problems parsing JSON"_s);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls/99"_s).status, 404);
    QCOMPARE(send("GET", u"/repos/octo/nothing"_s).object(),
             (QJsonObject{{u"message"_s, u"Not Found"_s},
                          {u"documentation_url"_s, u"https://docs.github.com/rest/repos/repos#get-a-repository"_s}}));
}

void tst_FakeGitHub::noCommitsBetween_data()
{
    QTest::addColumn<QString>("head");
    QTest::newRow("branch without commits") << u"stale"_s;
    QTest::newRow("head is base") << u"main"_s;
}

void tst_FakeGitHub::noCommitsBetween()
{
    QFETCH(QString, head);
    m_github->addBranch(Repo, u"stale"_s, 0);
    const Answer refused = send("POST", u"/repos/octo/hello/pulls"_s, createBody(head));
    QCOMPARE(refused.status, 422);
    QCOMPARE(refused.object().value("errors"_L1).toArray(),
             (QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                     {u"code"_s, u"custom"_s},
                                     {u"message"_s, u"No commits between main and %1"_s.arg(head)}}}));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());
}

void tst_FakeGitHub::draftUnsupported()
{
    m_github->repo(Repo)->draftSupported = false;
    const Answer refused = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s, true));
    QCOMPARE(refused.status, 422);
    QCOMPARE(refused.object(),
             (QJsonObject{{u"message"_s, u"Draft pull requests are not supported in this repository."_s},
                          {u"documentation_url"_s, u"https://docs.github.com/rest/pulls/pulls#create-a-pull-request"_s}}));
    const Answer plain = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s, false));
    QCOMPARE(plain.status, 201);
    QCOMPARE(plain.object().value("draft"_L1).toBool(true), false);
}

void tst_FakeGitHub::tokenWithoutWriteIsRefused()
{
    m_github->addToken(u"github_pat_reader"_s, u"hubot"_s);
    m_github->addRepo(u"octo"_s, u"secret"_s, u"main"_s, true);
    m_github->addBranch(u"octo/secret"_s, u"feature"_s, 1);

    const Answer readOnly = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s), {},
                                 u"github_pat_reader"_s);
    QCOMPARE(readOnly.status, 403);
    QCOMPARE(readOnly.object(),
             (QJsonObject{{u"message"_s, u"Resource not accessible by personal access token"_s},
                          {u"documentation_url"_s, u"https://docs.github.com/rest/pulls/pulls#create-a-pull-request"_s}}));
    QCOMPARE(readOnly.header("X-Accepted-GitHub-Permissions"), "pull_requests=write");

    // A private repository it cannot see does not exist, as far as it is told.
    QCOMPARE(send("GET", u"/repos/octo/secret"_s, {}, {}, u"github_pat_reader"_s).status, 404);
    QCOMPARE(send("POST", u"/repos/octo/secret/pulls"_s, createBody(u"feature"_s), {}, u"github_pat_reader"_s).status,
             404);

    m_github->grant(u"github_pat_reader"_s, u"octo/secret"_s, u"write"_s);
    QCOMPARE(send("POST", u"/repos/octo/secret/pulls"_s, createBody(u"feature"_s), {}, u"github_pat_reader"_s).status,
             201);
    const Answer labels = send("POST", u"/repos/octo/hello/issues/1/labels"_s, R"({"labels":["x"]})", {},
                               u"github_pat_reader"_s);
    QCOMPARE(labels.status, 403);  // access is checked before the issue is looked for
    QCOMPARE(labels.header("X-Accepted-GitHub-Permissions"), "issues=write; pull_requests=write");
}

void tst_FakeGitHub::listPaginatesWithLinkHeader_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::newRow("github.com") << QString();
    QTest::newRow("enterprise server") << u"/api/v3"_s;
}

void tst_FakeGitHub::listPaginatesWithLinkHeader()
{
    QFETCH(QString, prefix);
    m_github.reset();
    m_server = std::make_unique<LoopbackHttpServer>();
    m_github = std::make_unique<FakeGitHub>(*m_server, prefix);
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    m_github->addRepo(u"octo"_s, u"hello"_s);
    QCOMPARE(m_github->apiUrl(), QString(m_server->url().toString(QUrl::StripTrailingSlash) + prefix));
    for (int i = 1; i <= 6; ++i) {
        m_github->addBranch(Repo, u"topic-%1"_s.arg(i), 1);
        QCOMPARE(send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"topic-%1"_s.arg(i))).status, 201);
    }
    m_github->close(Repo, 6);  // open pulls: 1..5, in three pages of two

    const Answer first = send("GET", u"/repos/octo/hello/pulls?per_page=2"_s);
    QCOMPARE(first.status, 200);
    const qint64 repoId = m_github->repo(Repo)->id;
    const QString base = m_github->apiUrl() + u"/repositories/%1/pulls?per_page=2&page="_s.arg(repoId);
    QCOMPARE(first.header("Link"),
             QString(u'<' + base + u"2>; rel=\"next\", <"_s + base + u"3>; rel=\"last\""_s).toUtf8());

    QList<int> numbers;
    QString next = m_github->apiUrl() + u"/repos/octo/hello/pulls?per_page=2"_s;
    QList<QMap<QString, QString>> pages;
    while (!next.isEmpty()) {
        const Answer page = send("GET", next, {}, {}, Token, true);
        QCOMPARE(page.status, 200);
        QVERIFY(page.array().size() <= 2);
        for (const QJsonValue &pull : page.array()) {
            numbers << pull.toObject().value("number"_L1).toInt();
            // The list gives pull-request-simple: no merge state.
            QVERIFY(!pull.toObject().contains("mergeable"_L1));
        }
        pages << links(page.header("Link"));
        next = pages.constLast().value(u"next"_s);
        QVERIFY(pages.size() <= 3);
    }
    QCOMPARE(numbers, (QList<int>{5, 4, 3, 2, 1}));  // newest first: sort=created, direction=desc
    QCOMPARE(pages.size(), 3);
    QCOMPARE(pages[1], (QMap<QString, QString>{{u"prev"_s, base + u'1'}, {u"next"_s, base + u'3'},
                                               {u"last"_s, base + u'3'}, {u"first"_s, base + u'1'}}));
    QCOMPARE(pages[2], (QMap<QString, QString>{{u"prev"_s, base + u'2'}, {u"first"_s, base + u'1'}}));

    // Filters: owner:branch, state, base; a bare branch name is ignored, as on github.com.
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?head=octo:topic-3"_s).array().size(), 1);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?head=topic-3"_s).array().size(), 5);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?head=octo:topic-6"_s).array().size(), 0);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?head=octo:topic-6&state=closed"_s).array().size(), 1);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?state=all&per_page=100"_s).array().size(), 6);
    QVERIFY(!send("GET", u"/repos/octo/hello/pulls?state=all&per_page=100"_s).hasHeader("Link"));
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls?base=develop"_s).array().size(), 0);

    // Every request went under the prefix.
    for (const FakeGitHub::Seen &seen : m_github->seen())
        QVERIFY2(seen.path.startsWith(QByteArray(prefix.toUtf8() + '/')), seen.path.constData());
}

void tst_FakeGitHub::notModifiedCostsNothing()
{
    QCOMPARE(send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s)).status, 201);
    const Answer first = send("GET", u"/repos/octo/hello/pulls/1"_s);
    QCOMPARE(first.status, 200);
    const QByteArray etag = first.header("ETag");
    QVERIFY2(QRegularExpression(u"^W/\"[0-9a-f]{40}\"$"_s).match(QString::fromLatin1(etag)).hasMatch(), etag.constData());
    const int remaining = first.header("x-ratelimit-remaining").toInt();

    const Answer cached = send("GET", u"/repos/octo/hello/pulls/1"_s, {}, {{"If-None-Match", etag}});
    QCOMPARE(cached.status, 304);
    QVERIFY(cached.body.isEmpty());
    QCOMPARE(cached.header("ETag"), etag);
    QCOMPARE(cached.header("x-ratelimit-remaining").toInt(), remaining);
    QCOMPARE(m_github->rateLimitRemaining(Token), remaining);
    QCOMPARE(m_github->seen().constLast().status, 304);
    QCOMPARE(m_github->seen().constLast().ifNoneMatch, etag);

    // A change behind the client's back makes the old ETag stale, and the answer costs again.
    const QString newSha = m_github->pushToHead(Repo, 1);
    const Answer changed = send("GET", u"/repos/octo/hello/pulls/1"_s, {}, {{"If-None-Match", etag}});
    QCOMPARE(changed.status, 200);
    QVERIFY(changed.header("ETag") != etag);
    QCOMPARE(changed.object().value("head"_L1).toObject().value("sha"_L1).toString(), newSha);
    QCOMPARE(changed.header("x-ratelimit-remaining").toInt(), remaining - 1);
}

void tst_FakeGitHub::primaryLimitRunsOut()
{
    m_github->setRateLimit(Token, 1, 3600);
    const Answer last = send("GET", u"/repos/octo/hello"_s);
    QCOMPARE(last.status, 200);
    QCOMPARE(last.header("x-ratelimit-remaining"), "0");
    const Answer refused = send("GET", u"/repos/octo/hello"_s);
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.header("x-ratelimit-remaining"), "0");
    const QString message = refused.object().value("message"_L1).toString();
    QVERIFY2(message.startsWith(QString(u"API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, "
                                "please include the request ID "_s + QString::fromLatin1(refused.header("X-GitHub-Request-Id")))),
             qPrintable(message));
    QCOMPARE(refused.object().value("documentation_url"_L1).toString(),
             u"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"_s);
    // /rate_limit itself still answers, and costs nothing.
    const Answer status = send("GET", u"/rate_limit"_s);
    QCOMPARE(status.status, 200);
    QCOMPARE(status.object().value("resources"_L1).toObject().value("core"_L1).toObject().value("remaining"_L1).toInt(-1), 0);

    // Once the reset time has passed, the full limit is back.
    m_github->setRateLimit(Token, 0, 0);
    const Answer restored = send("GET", u"/repos/octo/hello"_s);
    QCOMPARE(restored.status, 200);
    QCOMPARE(restored.header("x-ratelimit-remaining"), "4999");
}

void tst_FakeGitHub::secondaryLimitCarriesRetryAfter()
{
    m_github->injectSecondaryLimit(1, 30);
    const Answer limited = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s));
    QCOMPARE(limited.status, 403);
    QCOMPARE(limited.header("retry-after"), "30");
    const QString message = limited.object().value("message"_L1).toString();
    QCOMPARE(message, u"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                      "If you reach out to GitHub Support for help, please include the request ID %1."_s
                          .arg(QString::fromLatin1(limited.header("X-GitHub-Request-Id"))));
    QVERIFY(limited.hasHeader("x-ratelimit-remaining"));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());
    QCOMPARE(send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s)).status, 201);

    m_github->injectSecondaryLimit(1, std::nullopt, 429);
    const Answer bare = send("GET", u"/repos/octo/hello/pulls/1"_s);
    QCOMPARE(bare.status, 429);
    QVERIFY(!bare.hasHeader("retry-after"));

    // A failure injected for a path pattern comes first, then normal service resumes.
    m_github->failNext("GET", u"/repos/{owner}/{repo}/pulls/{number}"_s,
                       HttpResponse::json(502, QJsonObject{{u"message"_s, u"Server Error"_s}}));
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls/1"_s).status, 502);
    QCOMPARE(send("GET", u"/repos/octo/hello/pulls/1"_s).status, 200);

    // Writes are timestamped on a monotonic clock, so tests can check their spacing.
    const QList<FakeGitHub::Seen> seen = m_github->seen();
    for (qsizetype i = 1; i < seen.size(); ++i)
        QVERIFY(seen[i].atMs >= seen[i - 1].atMs);
}

void tst_FakeGitHub::reviewRequestsAndReviews()
{
    m_github->repo(Repo)->collaborators = QStringList{u"alice"_s, u"bob"_s};
    m_github->repo(Repo)->teams = QStringList{u"core"_s};
    QCOMPARE(send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s)).status, 201);

    const Answer stranger = send("POST", u"/repos/octo/hello/pulls/1/requested_reviewers"_s,
                                 R"({"reviewers":["alice","mallory"]})");
    QCOMPARE(stranger.status, 422);
    QCOMPARE(stranger.object().value("message"_L1).toString(),
             u"Reviews may only be requested from collaborators. One or more of the users or teams you specified "
             "is not a collaborator of the octo/hello repository."_s);

    const Answer requested = send("POST", u"/repos/octo/hello/pulls/1/requested_reviewers"_s,
                                  R"({"reviewers":["alice","bob"],"team_reviewers":["core"]})");
    QCOMPARE(requested.status, 201);
    QCOMPARE(requested.object().value("requested_reviewers"_L1).toArray().size(), 2);

    m_github->addReview(Repo, 1, u"alice"_s, u"APPROVED"_s);
    const Answer pending = send("GET", u"/repos/octo/hello/pulls/1/requested_reviewers"_s);
    QCOMPARE(pending.status, 200);
    const QJsonArray users = pending.object().value("users"_L1).toArray();
    QCOMPARE(users.size(), 1);
    QCOMPARE(users.first().toObject().value("login"_L1).toString(), u"bob"_s);
    QCOMPARE(pending.object().value("teams"_L1).toArray().first().toObject().value("slug"_L1).toString(), u"core"_s);

    const Answer reviews = send("GET", u"/repos/octo/hello/pulls/1/reviews"_s);
    QCOMPARE(reviews.array().size(), 1);
    const QJsonObject review = reviews.array().first().toObject();
    QCOMPARE(review.value("state"_L1).toString(), u"APPROVED"_s);
    QCOMPARE(review.value("user"_L1).toObject().value("login"_L1).toString(), u"alice"_s);
    QCOMPARE(review.value("commit_id"_L1).toString(), m_github->pull(Repo, 1)->headSha);

    // Labels: unknown ones are created; the answer is the issue's whole set.
    const Answer labels = send("POST", u"/repos/octo/hello/issues/1/labels"_s, R"({"labels":["squad","bug"]})");
    QCOMPARE(labels.status, 200);
    QCOMPARE(labels.array().size(), 2);
    QCOMPARE(labels.array().first().toObject().value("name"_L1).toString(), u"squad"_s);
    QVERIFY(labels.array().first().toObject().contains("color"_L1));
    QCOMPARE(send("POST", u"/repos/octo/hello/issues/7/labels"_s, R"({"labels":["squad"]})").status, 404);
}

void tst_FakeGitHub::combinedStatus()
{
    const QString sha = m_github->repo(Repo)->branches.value(u"feature"_s).sha;
    const auto state = [&](const QString &ref) {
        return send("GET", u"/repos/octo/hello/commits/%1/status"_s.arg(ref)).object();
    };
    QCOMPARE(state(sha).value("state"_L1).toString(), u"pending"_s);
    QCOMPARE(state(sha).value("total_count"_L1).toInt(-1), 0);
    m_github->setStatus(Repo, sha, u"ci/build"_s, u"success"_s);
    QCOMPARE(state(u"feature"_s).value("state"_L1).toString(), u"success"_s);
    m_github->setStatus(Repo, sha, u"ci/lint"_s, u"pending"_s);
    QCOMPARE(state(sha).value("state"_L1).toString(), u"pending"_s);
    m_github->setStatus(Repo, sha, u"ci/lint"_s, u"error"_s);
    const QJsonObject failed = state(sha);
    QCOMPARE(failed.value("state"_L1).toString(), u"failure"_s);
    QCOMPARE(failed.value("total_count"_L1).toInt(), 2);  // the newest status of each context
    QCOMPARE(failed.value("sha"_L1).toString(), sha);

    for (int i = 0; i < 3; ++i)
        m_github->addCheckRun(Repo, sha, u"test-%1"_s.arg(i), u"completed"_s, u"success"_s);
    m_github->addCheckRun(Repo, sha, u"lint"_s, u"in_progress"_s);
    const Answer runs = send("GET", u"/repos/octo/hello/commits/%1/check-runs?per_page=3"_s.arg(sha));
    QCOMPARE(runs.status, 200);
    QCOMPARE(runs.object().value("total_count"_L1).toInt(), 4);
    QCOMPARE(runs.object().value("check_runs"_L1).toArray().size(), 3);
    QVERIFY(links(runs.header("Link")).contains(u"next"_s));
    const Answer rest = send("GET", links(runs.header("Link")).value(u"next"_s), {}, {}, Token, true);
    const QJsonObject lint = rest.object().value("check_runs"_L1).toArray().first().toObject();
    QCOMPARE(lint.value("name"_L1).toString(), u"lint"_s);
    QVERIFY(lint.value("conclusion"_L1).isNull());
}

void tst_FakeGitHub::appJwtBuysInstallationToken()
{
    const RsaKeyPair keys = squad::test::generateRsaKeyPair();
    QVERIFY(keys.privatePem.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    QVERIFY(keys.publicPem.startsWith("-----BEGIN PUBLIC KEY-----"));
    m_github->setApp(u"Iv23liFakeClient"_s, keys.publicPem, u"4242"_s, u"octo"_s,
                     QJsonObject{{u"pull_requests"_s, u"write"_s}, {u"contents"_s, u"write"_s}});

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray jwt = signJwt(keys.privatePem, u"Iv23liFakeClient"_s, now - 60, now + 540);
    QVERIFY(!jwt.isEmpty());
    const Answer issued = send("POST", u"/app/installations/4242/access_tokens"_s, {}, {}, QString::fromLatin1(jwt));
    QCOMPARE(issued.status, 201);
    const QString token = issued.object().value("token"_L1).toString();
    QVERIFY2(QRegularExpression(u"^ghs_[A-Za-z0-9]{36}$"_s).match(token).hasMatch(), qPrintable(token));
    const QDateTime expires = QDateTime::fromString(issued.object().value("expires_at"_L1).toString(), Qt::ISODate);
    QVERIFY(std::abs(expires.toSecsSinceEpoch() - (now + 3600)) <= 5);
    QCOMPARE(issued.object().value("permissions"_L1).toObject().value("pull_requests"_L1).toString(), u"write"_s);
    QCOMPARE(issued.object().value("repository_selection"_L1).toString(), u"all"_s);
    QCOMPARE(m_github->installationTokensIssued(), 1);
    QVERIFY(m_github->lastJwt());
    QCOMPARE(m_github->lastJwt()->iss, u"Iv23liFakeClient"_s);
    QCOMPARE(m_github->lastJwt()->alg, u"RS256"_s);
    QCOMPARE(m_github->lastJwt()->exp - m_github->lastJwt()->iat, 600);
    QVERIFY(m_github->lastJwt()->signatureValid);

    // The token writes, lists its repositories, has no OAuth scopes and is not a user.
    const Answer created = send("POST", u"/repos/octo/hello/pulls"_s, createBody(u"feature"_s), {}, token);
    QCOMPARE(created.status, 201);
    QVERIFY(!created.hasHeader("X-OAuth-Scopes"));
    QCOMPARE(created.object().value("user"_L1).toObject().value("type"_L1).toString(), u"Bot"_s);
    const Answer repos = send("GET", u"/installation/repositories"_s, {}, {}, token);
    QCOMPARE(repos.status, 200);
    QCOMPARE(repos.object().value("total_count"_L1).toInt(), 1);
    QCOMPARE(repos.object().value("repositories"_L1).toArray().first().toObject().value("full_name"_L1).toString(), Repo);
    const Answer user = send("GET", u"/user"_s, {}, {}, token);
    QCOMPARE(user.status, 403);
    QCOMPARE(user.object().value("message"_L1).toString(), u"Resource not accessible by integration"_s);

    m_github->expireInstallationTokens();
    QCOMPARE(send("GET", u"/installation/repositories"_s, {}, {}, token).object().value("message"_L1).toString(),
             u"Bad credentials"_s);
    QCOMPARE(send("POST", u"/app/installations/9999/access_tokens"_s, {}, {}, QString::fromLatin1(jwt)).status, 404);
}

void tst_FakeGitHub::badJwtIsRefused_data()
{
    QTest::addColumn<bool>("wrongKey");
    QTest::addColumn<bool>("hmacWithPublicKey");
    QTest::addColumn<QString>("iss");
    QTest::addColumn<int>("iatOffset");
    QTest::addColumn<int>("expOffset");
    QTest::addColumn<QString>("message");
    const QString undecodable = u"A JSON web token could not be decoded"_s;
    QTest::newRow("signed with another key") << true << false << u"Iv23liFakeClient"_s << -60 << 540 << undecodable;
    QTest::newRow("exp too far") << false << false << u"Iv23liFakeClient"_s << 0 << 900
                                 << u"'Expiration time' claim ('exp') is too far in the future"_s;
    QTest::newRow("exp - iat over 10 minutes plus drift") << false << false << u"Iv23liFakeClient"_s << -120 << 580
                                 << u"'Expiration time' claim ('exp') is too far in the future"_s;
    QTest::newRow("expired") << false << false << u"Iv23liFakeClient"_s << -600 << -10
                             << u"'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"_s;
    QTest::newRow("iat in the future") << false << false << u"Iv23liFakeClient"_s << 300 << 500
                                       << u"'Issued at' claim ('iat') must be an Integer representing a time in the past"_s;
    QTest::newRow("another app") << false << false << u"Iv23liSomeoneElse"_s << -60 << 540 << u"The 'iss' claim is invalid"_s;
    // The classic algorithm confusion: an HMAC keyed with the (public) PEM must not pass as RS256.
    QTest::newRow("HS256 keyed with the public key") << false << true << u"Iv23liFakeClient"_s << -60 << 540
                                                     << undecodable;
}

void tst_FakeGitHub::badJwtIsRefused()
{
    QFETCH(bool, wrongKey);
    QFETCH(bool, hmacWithPublicKey);
    QFETCH(QString, iss);
    QFETCH(int, iatOffset);
    QFETCH(int, expOffset);
    QFETCH(QString, message);
    const RsaKeyPair keys = squad::test::generateRsaKeyPair();
    m_github->setApp(u"Iv23liFakeClient"_s, keys.publicPem, u"4242"_s, u"octo"_s, {});
    const QByteArray signingKey = wrongKey ? squad::test::generateRsaKeyPair().privatePem : keys.privatePem;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray jwt = hmacWithPublicKey
        ? signJwt(keys.publicPem, iss, now + iatOffset, now + expOffset, JWT_ALG_HS256)
        : signJwt(signingKey, iss, now + iatOffset, now + expOffset);
    QVERIFY(!jwt.isEmpty());
    const Answer refused = send("POST", u"/app/installations/4242/access_tokens"_s, {}, {}, QString::fromLatin1(jwt));
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.object(), (QJsonObject{{u"message"_s, message},
                                            {u"documentation_url"_s, u"https://docs.github.com/rest"_s}}));
    QCOMPARE(m_github->lastJwt()->signatureValid, !wrongKey && !hmacWithPublicKey);
    QCOMPARE(m_github->lastJwt()->alg, hmacWithPublicKey ? u"HS256"_s : u"RS256"_s);
    QCOMPARE(m_github->installationTokensIssued(), 0);
}

QTEST_GUILESS_MAIN(tst_FakeGitHub)
#include "tst_fakegithub.moc"
