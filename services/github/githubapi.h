// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "github/githubtypes.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFuture>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>
#include <QUrl>

#include <deque>
#include <functional>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace squad {

struct GitCredential;
struct GitHubRefusal;

// A GitHub App installation: the app's client ID (or numeric app ID), the installation to act
// for, and the app's private key (a secret, from the keychain).
struct GitHubAppCredentials
{
    QString clientId;
    QString installationId;
    QByteArray privateKeyPem;
};

// How calls authenticate: a token (classic or fine-grained PAT, GITHUB_TOKEN) or an app.
struct GitHubAuth
{
    QString token;
    std::optional<GitHubAppCredentials> app;

    bool isEmpty() const { return token.isEmpty() && !app; }
};

// GitHub's REST API (version 2022-11-28) on github.com or an Enterprise Server. Lives on one
// thread and answers through futures that complete on it.
//
// It keeps to GitHub's documented rules for integrations: one request at a time, writes at
// least a second apart, conditional GETs (a 304 costs no quota), the primary limit
// (x-ratelimit-*) waited out and secondary limits backed off (retry-after, else a minute,
// doubling) — longer waits than Options::maxRateLimitWaitMs are reported, not waited.
// As an app, it signs a JWT, takes an installation token and renews it before its hour ends,
// or at once when GitHub rejects it.
class GitHubApi : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int requestTimeoutMs = 30'000;
        int maxAttempts = 4;
        int backoffMs = 500;            // the first retry's wait after a 5xx or lost answer
        int backoffCapMs = 16'000;
        int writeSpacingMs = 1'000;      // GitHub: wait at least a second between writes
        int secondaryLimitWaitMs = 60'000;  // a secondary limit without retry-after
        int maxRateLimitWaitMs = 5 * 60'000;
        int tokenRenewMarginSecs = 5 * 60;  // renew an installation token this long before it ends
        // The wall clock a token's remaining life is judged by; empty = the system's.
        std::function<QDateTime()> now;
    };

    // An empty `auth` makes every call fail with Unauthenticated before any request.
    GitHubApi(QString apiUrl, GitHubAuth auth, QObject *parent = nullptr);
    ~GitHubApi() override;

    void setOptions(const Options &options) { m_options = options; }
    QString apiUrl() const { return m_apiUrl.toString(); }
    // The web host this API serves: github.com for api.github.com, HOST for HOST/api/v3.
    QString webHost() const;
    bool isApp() const { return m_auth.app.has_value(); }
    // The primary limit as the newest response reported it.
    GitHubRateLimit rateLimit() const { return m_rateLimit; }

    // Who the credentials are and what they may do (the profile's "Test connection"):
    // GET /user for a token, an installation token for an app.
    QFuture<Result<GitHubIdentity>> identity();
    QFuture<Result<GitHubRepoInfo>> repository(const GitHubRepo &repo);

    // Creates the pull request (base defaults to the repository's default branch), then asks
    // for its reviewers and labels. GitHub's refusals become answers: "already exists" finds
    // the open one and returns it (existed = true); "no commits between" and "draft not
    // supported" (detail DraftUnsupportedDetail) are clear errors.
    QFuture<Result<PullRequestCreated>> createPullRequest(const PullRequestDraft &draft);
    // The open pull request from `head` ("owner:branch"; a bare branch means the repository's
    // owner) into `base` (any base when empty), if there is one.
    QFuture<Result<std::optional<PullRequest>>> findOpenPullRequest(const GitHubRepo &repo,
                                                                    const QString &head,
                                                                    const QString &base = {});
    QFuture<Result<PullRequest>> pullRequest(const GitHubRepo &repo, int number);
    // State, review decision and checks, with conditional requests: polling an unchanged pull
    // request costs no quota.
    QFuture<Result<PullRequestStatus>> pullRequestStatus(const GitHubRepo &repo, int number);

    // The token git should push with: the token itself, or a valid installation token.
    QFuture<Result<QString>> gitToken();
    // That token with the one origin git may send it to (this API's web host).
    QFuture<Result<GitCredential>> gitCredential();

private:
    struct Call
    {
        QByteArray method = "GET";
        QUrl url;
        QByteArray body;
        QString what;
        bool conditional = false;   // a GET answered from the ETag cache on 304
        bool asApp = false;         // authenticated with the app's JWT, not a token
        QList<int> answered;        // refusals the caller reads itself (e.g. 422)
    };
    struct Response
    {
        int status = 0;
        QByteArray body;
        QByteArray link;
        QByteArray grantedScopes;
        bool hasGrantedScopes = false;
        QByteArray tokenExpiration;
    };
    using Done = std::function<void(Result<Response>)>;
    struct Pending
    {
        Call call;
        Done done;
        int attempt = 1;
        bool renewedToken = false;
    };
    template<class T>
    using Reply = std::function<void(Result<T>)>;

    QUrl endpoint(const QString &path, const QList<std::pair<QString, QString>> &query = {}) const;
    void enqueue(Call call, Done done);
    void pump();
    void send(Pending pending);
    void onReply(QNetworkReply *reply, Pending pending);
    void retryLater(Pending pending, qint64 waitMs);
    // Fails every queued call with `error` (a rate limit that cannot be waited out, a key
    // that cannot sign).
    void failQueued(const Error &error);
    bool needsInstallationToken(const Call &call) const;
    QDateTime now() const;
    void fetchInstallationToken();
    GitHubRefusal refusalOf(QNetworkReply *reply, int status, const QByteArray &body,
                            const Call &call) const;
    void noteRateLimit(QNetworkReply *reply);

    // One call whose answer is a JSON document.
    void fetchJson(Call call, Reply<QJsonDocument> done);
    // GET every page of a list (Link rel="next"), items under `key` or the array itself.
    void getAll(QUrl url, const QString &what, const QString &key, bool conditional,
                Reply<QJsonArray> done, QJsonArray found = {});
    void fetchPullRequest(const GitHubRepo &repo, int number, bool conditional, Reply<PullRequest> done);
    void findOpen(const GitHubRepo &repo, const QString &head, const QString &base,
                  Reply<std::optional<PullRequest>> done);
    void requestReviewsAndLabels(const PullRequestDraft &draft, PullRequestCreated created,
                                 Reply<PullRequestCreated> done);
    void fetchChecks(const GitHubRepo &repo, const QString &sha, Reply<PullRequestChecks> done);

    QUrl m_apiUrl;
    GitHubAuth m_auth;
    Options m_options;
    QNetworkAccessManager *m_network;
    QTimer *m_wake;
    std::deque<Pending> m_queue;
    bool m_inFlight = false;
    bool m_fetchingToken = false;
    QElapsedTimer m_clock;
    qint64 m_notBeforeMs = 0;        // nothing is sent before this (rate limits, backoff)
    qint64 m_lastWriteMs = -1;
    GitHubRateLimit m_rateLimit;
    QDateTime m_exhaustedUntil;      // the primary limit is used up until then
    QString m_installationToken;     // a secret: never logged
    QDateTime m_installationTokenExpiresAt;
    QDateTime m_installationTokenFetchedAt;
    QMap<QString, QString> m_installationPermissions;
    struct Cached
    {
        QByteArray etag;
        Response response;
    };
    QHash<QString, Cached> m_etags;
};

} // namespace squad
