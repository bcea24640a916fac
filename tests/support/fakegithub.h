// SPDX-License-Identifier: MIT
#pragma once

#include "loopbackhttpserver.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <functional>
#include <optional>

namespace squad::test {

// An RSA key pair in PEM: the private key in PKCS#1 ("-----BEGIN RSA PRIVATE KEY-----"), the
// form GitHub hands out for an App, and the public key as SubjectPublicKeyInfo.
struct RsaKeyPair
{
    QByteArray privatePem;
    QByteArray publicPem;
};
RsaKeyPair generateRsaKeyPair(int bits = 2048);

struct FakeBranch
{
    QString sha;
    int commitsAheadOfDefault = 0;  // 0: creating a pull request from it is "No commits between"
};

struct FakeReview
{
    qint64 id = 0;
    QString login;
    QString state;  // APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED
    QString body;
    QString commitId;
    QDateTime submittedAt;
};

struct FakePull
{
    int number = 0;
    qint64 id = 0;
    QString title;
    std::optional<QString> body;  // null in JSON when the creator sent none
    QString author;               // login of whoever created it
    QString headOwner;
    QString headRepo;  // "owner/name" of the repository holding the head branch
    QString headRef;
    QString headSha;
    QString baseRef;
    QString baseSha;
    QString state = QStringLiteral("open");  // or "closed"
    bool draft = false;
    bool locked = false;
    bool merged = false;
    bool maintainerCanModify = false;
    std::optional<bool> mergeable = true;  // what GET answers; the 201 of a create says null
    QString mergeCommitSha;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime closedAt;
    QDateTime mergedAt;
    QStringList requestedReviewers;  // logins, in request order
    QStringList requestedTeams;      // slugs
    QStringList labels;              // names, as stored in the repository's label set
    QList<FakeReview> reviews;       // oldest first
    int commits = 1;
};

struct FakeLabel
{
    qint64 id = 0;
    QString name;
    QString color = QStringLiteral("ededed");  // what GitHub gives a label made by naming it
    std::optional<QString> description;
    bool isDefault = false;
};

struct FakeStatus
{
    qint64 id = 0;
    QString context;
    QString state;  // error, failure, pending or success
    QString description;
    QString targetUrl;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct FakeCheckRun
{
    qint64 id = 0;
    QString name;
    QString headSha;
    QString status;      // queued, in_progress or completed
    QString conclusion;  // empty: null
    QDateTime startedAt;
    QDateTime completedAt;
};

struct FakeRepo
{
    qint64 id = 0;
    QString owner;
    QString name;
    QString ownerType = QStringLiteral("User");  // or "Organization"
    QString defaultBranch;
    bool isPrivate = false;
    bool draftSupported = true;   // false: a draft pull request is refused as on a Free plan
    QMap<QString, FakeBranch> branches;
    QStringList collaborators;    // logins that reviews may be requested from
    QStringList teams;            // team slugs that reviews may be requested from
    QMap<int, FakePull> pulls;    // by number
    QMap<QString, FakeLabel> labels;  // the repository's label set, by lower-cased name
    QHash<QString, QList<FakeStatus>> statuses;     // by commit sha, oldest first
    QHash<QString, QList<FakeCheckRun>> checkRuns;  // by commit sha, oldest first
    int nextNumber = 1;

    QString fullName() const { return owner + u'/' + name; }
    FakePull *pull(int number) { return pulls.contains(number) ? &pulls[number] : nullptr; }
};

// GitHub's REST API (version 2022-11-28) as its documentation describes it, kept in memory on
// a loopback server, so the real client is tested against the published behaviour rather than
// against its author's reading of it: authentication and its 401s, the User-Agent rule, API
// versions, primary and secondary rate limits with their headers, conditional requests (ETag,
// 304 that costs nothing), pagination with the Link header, and the documented errors of the
// pull-request, review-request, label, status and check-run endpoints, plus GitHub App JWTs
// verified for real with libjwt and the installation tokens they buy.
//
// Everything answers under apiUrl(): the server's root (github.com style) or a path prefix
// such as "/api/v3" (Enterprise Server style). Tests set state through the public members and
// methods below and read back what the client sent through seen() / lastJwt().
class FakeGitHub
{
public:
    static constexpr auto ApiVersion = "2022-11-28";

    explicit FakeGitHub(LoopbackHttpServer &server, QString pathPrefix = {});
    FakeGitHub(const FakeGitHub &) = delete;
    FakeGitHub &operator=(const FakeGitHub &) = delete;

    QString apiUrl() const;                               // server url + prefix
    QString webHost() const { return QStringLiteral("127.0.0.1"); }  // html_url host
    QString pathPrefix() const { return m_prefix; }

    // Versions X-GitHub-Api-Version may name; any other gets 400.
    QStringList supportedApiVersions{QString::fromLatin1(ApiVersion)};
    // Off (the default), every endpoint needs a token. On, GETs of public repositories and
    // /rate_limit also answer anonymous callers, as github.com does (60 requests an hour).
    bool anonymousReads = false;
    // The App's slug: installation tokens act as "<slug>[bot]".
    QString appSlug = QStringLiteral("squad-fake-app");

    // ---- tokens ---------------------------------------------------------------------------
    // classicScopes: a classic PAT with these OAuth scopes ("repo" writes every repository);
    // nullopt: a fine-grained PAT that reaches only the repositories grant()ed to it (and
    // reads public ones). An invalid expiresAt means the token never expires.
    void addToken(const QString &token, const QString &login,
                  std::optional<QStringList> classicScopes = std::nullopt,
                  const QDateTime &expiresAt = {});
    // access: "read", "write" or "admin" on "owner/repo".
    void grant(const QString &token, const QString &fullName, const QString &access);
    void revokeToken(const QString &token);
    // The primary limit of the token: `remaining` requests until resetInSeconds from now.
    void setRateLimit(const QString &token, int remaining, int resetInSeconds, int limit = 5000);
    int rateLimitRemaining(const QString &token) const;

    // The next `count` authenticated requests get a secondary-limit refusal with `status`
    // (403 or 429), carrying retry-after when given.
    void injectSecondaryLimit(int count, std::optional<int> retryAfterSeconds, int status = 403);
    // The next `times` requests of `method` ("*": any) whose path after the prefix matches
    // `pathPattern` ("{x}" matches one segment, a last "{x*}" the rest) get `response`, before
    // any other check. /repositories/{id}/… paths are matched as /repos/{owner}/{repo}/….
    void failNext(const QByteArray &method, const QString &pathPattern, const HttpResponse &response,
                  int times = 1);

    // ---- what the client sent -------------------------------------------------------------
    struct Seen
    {
        QByteArray method;
        QByteArray path;     // as sent, prefix included, still percent-encoded
        QByteArray apiPath;  // after the prefix; /repositories/{id}/… as /repos/{owner}/{repo}/…
        QUrlQuery query;
        qint64 atMs = 0;     // when it arrived, ms since the FakeGitHub was made (monotonic)
        int status = 0;      // what it got
        QByteArray authorization;
        QByteArray accept;
        QByteArray apiVersion;  // X-GitHub-Api-Version as sent; empty when absent
        QByteArray userAgent;
        QByteArray ifNoneMatch;
        QByteArray body;
    };
    QList<Seen> seen() const { return m_seen; }
    void clearSeen() { m_seen.clear(); }

    // ---- repositories ---------------------------------------------------------------------
    // The default branch is created with a random sha and no commits ahead of itself.
    FakeRepo &addRepo(const QString &owner, const QString &name,
                      const QString &defaultBranch = QStringLiteral("main"), bool isPrivate = false);
    FakeRepo *repo(const QString &fullName);  // nullptr when unknown
    // A branch with a random 40-hex sha; returns the sha.
    QString addBranch(const QString &fullName, const QString &branch, int aheadCommits = 1);
    FakePull *pull(const QString &fullName, int number);

    // Changes made "on GitHub" behind the client's back; each bumps updated_at.
    void merge(const QString &fullName, int number);
    void close(const QString &fullName, int number);
    void reopen(const QString &fullName, int number);
    void setDraft(const QString &fullName, int number, bool draft);
    QString pushToHead(const QString &fullName, int number);  // returns the new head sha
    // A submitted review on the current head; the reviewer leaves requested_reviewers.
    qint64 addReview(const QString &fullName, int number, const QString &login, const QString &state,
                     const QString &body = {});

    void setStatus(const QString &fullName, const QString &sha, const QString &context,
                   const QString &state, const QString &description = {},
                   const QString &targetUrl = {});
    qint64 addCheckRun(const QString &fullName, const QString &sha, const QString &name,
                       const QString &status, const QString &conclusion = {});

    // ---- GitHub App -----------------------------------------------------------------------
    void setApp(const QString &clientId, const QByteArray &publicKeyPem, const QString &installationId,
                const QString &accountLogin, const QJsonObject &permissions);
    qint64 appId() const { return m_app.id; }  // GitHub also accepts the numeric App ID as iss
    void setInstallationTokenLifetime(int seconds) { m_installationTokenLifetime = seconds; }
    void expireInstallationTokens();
    int installationTokensIssued() const { return m_installationTokensIssued; }
    // True for an installation token this fake issued that is still good (for a git server
    // standing in for the same GitHub, which takes the token as a password).
    bool acceptsInstallationToken(const QString &token) const;

    struct JwtSeen
    {
        QString iss;
        qint64 iat = 0;
        qint64 exp = 0;
        QString alg;
        bool signatureValid = false;
    };
    std::optional<JwtSeen> lastJwt() const { return m_lastJwt; }

private:
    enum class Access { None, Read, Write, Admin };
    struct Token
    {
        QString token;
        QString login;
        std::optional<QStringList> scopes;
        QDateTime expiresAt;
        bool installation = false;
        std::optional<QSet<QString>> installationRepos;  // lower-cased full names; nullopt: all
        QJsonObject installationPermissions;
        bool revoked = false;
        QHash<QString, Access> grants;  // by lower-cased full name
        int limit = 5000;
        int remaining = 5000;
        QDateTime resetAt;
    };
    struct Call;
    struct Endpoint
    {
        QByteArray method;
        QStringList segments;
        bool jwt = false;         // authenticated as the App, not with a token
        bool needsRepo = false;   // {owner}/{repo} must name a repository the caller can read
        bool write = false;       // ... and write
        bool counts = true;       // against the primary limit
        QByteArray acceptedScopes;       // X-Accepted-OAuth-Scopes
        QByteArray acceptedPermissions;  // X-Accepted-GitHub-Permissions
        QString docs;                    // documentation_url of its errors
        std::function<HttpResponse(Call &)> handler;
    };
    struct Injection
    {
        QByteArray method;
        QStringList segments;
        HttpResponse response;
        int times = 0;
    };

    void handle(const HttpRequest &request, HttpResponder responder);
    HttpResponse answer(const HttpRequest &request, const QByteArray &apiPath, Seen &seen);
    void endpoint(const QByteArray &method, const QString &pattern, Endpoint options);
    void addEndpoints();

    HttpResponse createPull(Call &call);
    HttpResponse listPulls(Call &call);
    HttpResponse requestReviewers(Call &call);
    HttpResponse removeReviewers(Call &call);
    HttpResponse changeLabels(Call &call);
    HttpResponse createInstallationToken(Call &call);
    std::optional<HttpResponse> checkJwt(const HttpRequest &request);

    Access accessFor(const Token *token, const FakeRepo &repo) const;
    FakeRepo *repoById(qint64 id);
    FakeRepo *findRepo(const QString &owner, const QString &name);
    FakePull *pullOf(FakeRepo &repo, const QString &number);
    QString resolveRef(FakeRepo &repo, const QString &ref) const;
    qint64 userId(const QString &login);
    qint64 nextId() { return m_nextId++; }
    QString randomSha();
    void touch(FakePull &pull);

    QJsonObject userObject(const QString &login, const QString &type = QStringLiteral("User"));
    QJsonObject repoObject(const FakeRepo &repo, std::optional<Access> permissions = std::nullopt);
    QJsonObject pullObject(const FakeRepo &repo, const FakePull &pull, bool full, bool justCreated = false);
    QJsonObject labelObject(const FakeRepo &repo, const FakeLabel &label) const;
    QJsonObject installationObject();
    HttpResponse paginate(const Call &call, const QJsonArray &all,
                          const std::function<QJsonValue(const QJsonArray &page)> &wrap = {});

    QString m_prefix;
    LoopbackHttpServer &m_server;
    QElapsedTimer m_clock;
    QList<Endpoint> m_endpoints;
    QList<Injection> m_injections;
    QMap<QString, FakeRepo> m_repos;  // by lower-cased full name
    QHash<QString, Token> m_tokens;
    QHash<QString, qint64> m_userIds;  // by lower-cased login
    QList<Seen> m_seen;
    Token m_anonymous;  // the per-address bucket of callers without a token (60 an hour)
    Token m_appCaller;  // the bucket of requests made with the App's JWT
    int m_secondaryCount = 0;
    std::optional<int> m_secondaryRetryAfter;
    int m_secondaryStatus = 403;
    qint64 m_nextId = 1000001;
    quint32 m_requestSerial = 0;

    struct App
    {
        qint64 id = 0;
        QString clientId;
        QByteArray publicKeyPem;
        QString installationId;
        QString accountLogin;
        QJsonObject permissions;
    } m_app;
    bool m_hasApp = false;
    int m_installationTokenLifetime = 3600;
    int m_installationTokensIssued = 0;
    std::optional<JwtSeen> m_lastJwt;
};

} // namespace squad::test
