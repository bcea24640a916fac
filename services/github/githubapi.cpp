// SPDX-License-Identifier: MIT
#include "githubapi.h"

#include "core/futures.h"
#include "core/redaction.h"
#include "git/gitinput.h"
#include "git/gitops.h"
#include "github/githuberrors.h"
#include "github/githubjwt.h"
#include "github/githubremote.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QTimeZone>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int MaxCachedEtags = 512;

template<class T>
std::function<void(Result<T>)> settle(const std::shared_ptr<QPromise<Result<T>>> &promise)
{
    return [promise](Result<T> result) {
        promise->addResult(std::move(result));
        promise->finish();
    };
}

template<class T>
std::shared_ptr<QPromise<Result<T>>> startedPromise()
{
    auto promise = std::make_shared<QPromise<Result<T>>>();
    promise->start();
    return promise;
}

bool isWrite(const QByteArray &method)
{
    return method != "GET" && method != "HEAD";
}

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<QJsonDocument> parseJson(const QByteArray &body, const QString &what)
{
    QJsonParseError error{};
    QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || document.isNull()) {
        return fail(ErrorCode::Provider,
                    u"%1 failed: GitHub's answer was not JSON."_s.arg(what), error.errorString());
    }
    return document;
}

QDateTime isoTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODate);
}

PullRequest parsePullRequest(const QJsonObject &object, const GitHubRepo &repo)
{
    const QJsonObject head = object.value("head"_L1).toObject();
    const QJsonObject base = object.value("base"_L1).toObject();
    PullRequest pr;
    pr.repo = repo;
    pr.number = object.value("number"_L1).toInt();
    pr.url = object.value("html_url"_L1).toString();
    pr.title = object.value("title"_L1).toString();
    pr.head = head.value("ref"_L1).toString();
    pr.headOwner = head.value("repo"_L1).toObject().value("owner"_L1).toObject().value("login"_L1).toString();
    pr.headSha = head.value("sha"_L1).toString();
    pr.base = base.value("ref"_L1).toString();
    pr.state = object.value("state"_L1).toString();
    pr.draft = object.value("draft"_L1).toBool();
    // "merged" is only in a single pull request's answer; lists carry merged_at.
    pr.merged = object.value("merged"_L1).toBool()
        || (object.contains("merged_at"_L1) && !object.value("merged_at"_L1).isNull());
    pr.createdAt = isoTime(object.value("created_at"_L1));
    return pr;
}

// The URL of rel="next" in a Link header, or empty.
QUrl nextLink(const QByteArray &link)
{
    for (const QByteArray &part : link.split(',')) {
        const qsizetype open = part.indexOf('<');
        const qsizetype close = part.indexOf('>', open + 1);
        if (open < 0 || close < 0)
            continue;
        const QByteArray params = part.mid(close + 1);
        if (params.contains("rel=\"next\"") || params.contains("rel=next"))
            return QUrl::fromEncoded(part.mid(open + 1, close - open - 1).trimmed());
    }
    return {};
}

QString headLabel(const GitHubRepo &repo, const QString &head)
{
    return head.contains(u':') ? head : repo.owner + u':' + head;
}

QString headBranch(const QString &head)
{
    const qsizetype colon = head.indexOf(u':');
    return colon < 0 ? head : head.mid(colon + 1);
}

QString percentEncoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

PullRequestStatus::ReviewDecision reviewDecision(const QJsonArray &reviews, int pendingReviewers)
{
    // The latest deciding review of each reviewer counts; a comment decides nothing and a
    // dismissal takes the reviewer's decision back (what GitHub's reviewDecision does).
    QHash<QString, QString> latest;
    for (const QJsonValue &value : reviews) {
        const QJsonObject review = value.toObject();
        const QString login = review.value("user"_L1).toObject().value("login"_L1).toString();
        const QString state = review.value("state"_L1).toString();
        if (state == u"APPROVED"_s || state == u"CHANGES_REQUESTED"_s)
            latest.insert(login, state);
        else if (state == u"DISMISSED"_s)
            latest.remove(login);
    }
    using Decision = PullRequestStatus::ReviewDecision;
    const QList<QString> states = latest.values();
    if (states.contains(u"CHANGES_REQUESTED"_s))
        return Decision::ChangesRequested;
    if (states.contains(u"APPROVED"_s))
        return Decision::Approved;
    return pendingReviewers > 0 ? Decision::ReviewRequired : Decision::None;
}

} // namespace

GitHubApi::GitHubApi(QString apiUrl, GitHubAuth auth, QObject *parent)
    : QObject(parent)
    , m_apiUrl(QUrl(apiUrl.endsWith(u'/') ? apiUrl.chopped(1) : apiUrl))
    , m_auth(std::move(auth))
    , m_network(new QNetworkAccessManager(this))
    , m_wake(new QTimer(this))
{
    // Credentials stay on GitHub's own host: a redirect elsewhere is not followed.
    m_network->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    m_wake->setSingleShot(true);
    connect(m_wake, &QTimer::timeout, this, &GitHubApi::pump);
    m_clock.start();
}

GitHubApi::~GitHubApi() = default;

QString GitHubApi::webHost() const
{
    return gitHubWebHostOfApi(m_apiUrl.toString());
}

QUrl GitHubApi::endpoint(const QString &path, const QList<std::pair<QString, QString>> &query) const
{
    QUrl url = m_apiUrl;
    url.setPath(url.path(QUrl::FullyEncoded) + path, QUrl::TolerantMode);
    if (!query.isEmpty()) {
        QStringList items;
        for (const auto &[name, value] : query)
            items << name + u'=' + percentEncoded(value);
        url.setQuery(items.join(u'&'), QUrl::StrictMode);
    }
    return url;
}

// ---- the request queue ----------------------------------------------------------------------

void GitHubApi::enqueue(Call call, Done done)
{
    if (m_auth.isEmpty()) {
        done(fail(ErrorCode::Unauthenticated,
                  u"%1 needs GitHub credentials: set a token in Settings → Accounts, with "
                  "`squadctl auth set github`, or in GITHUB_TOKEN — or set up a GitHub App."_s
                      .arg(call.what)));
        return;
    }
    m_queue.push_back(Pending{std::move(call), std::move(done)});
    pump();
}

bool GitHubApi::needsInstallationToken(const Call &call) const
{
    if (!m_auth.app || call.asApp)
        return false;
    if (m_installationToken.isEmpty())
        return true;
    // A token GitHub just gave is used even when its life is shorter than the margin: asking
    // again at once would only get another like it.
    const QDateTime current = now();
    return current.secsTo(m_installationTokenExpiresAt) < m_options.tokenRenewMarginSecs
        && m_installationTokenFetchedAt.secsTo(current) > 60;
}

QDateTime GitHubApi::now() const
{
    return m_options.now ? m_options.now() : QDateTime::currentDateTimeUtc();
}

void GitHubApi::pump()
{
    if (m_inFlight || m_queue.empty())
        return;
    if (needsInstallationToken(m_queue.front().call) && !m_fetchingToken)
        fetchInstallationToken();

    if (m_exhaustedUntil.isValid()) {
        const qint64 untilReset = QDateTime::currentDateTimeUtc().msecsTo(m_exhaustedUntil);
        if (untilReset > m_options.maxRateLimitWaitMs) {
            failQueued(Error(ErrorCode::RateLimited,
                             u"GitHub's rate limit of these credentials (%1 requests an hour) is used "
                             "up until %2; try again then."_s.arg(m_rateLimit.limit).arg(
                                 m_exhaustedUntil.toLocalTime().toString(u"HH:mm:ss"_s))));
            return;
        }
        // One second more: GitHub's reset time is whole seconds.
        m_notBeforeMs = std::max(m_notBeforeMs, m_clock.elapsed() + std::max<qint64>(0, untilReset) + 1000);
        m_exhaustedUntil = {};
    }
    const qint64 now = m_clock.elapsed();
    const Pending &next = m_queue.front();
    qint64 readyAt = m_notBeforeMs;
    if (isWrite(next.call.method) && m_lastWriteMs >= 0)
        readyAt = std::max(readyAt, m_lastWriteMs + m_options.writeSpacingMs);
    if (next.call.method.isEmpty()) {
        // A marker (gitToken): it only waited for the calls before it and the token.
        Pending marker = std::move(m_queue.front());
        m_queue.pop_front();
        marker.done(Response{});
        pump();
        return;
    }
    if (readyAt > now) {
        m_wake->start(int(std::min<qint64>(readyAt - now, std::numeric_limits<int>::max())));
        return;
    }
    Pending pending = std::move(m_queue.front());
    m_queue.pop_front();
    send(std::move(pending));
}

void GitHubApi::fetchInstallationToken()
{
    m_fetchingToken = true;
    const GitHubAppCredentials &app = *m_auth.app;
    Call call;
    call.method = "POST";
    call.url = endpoint(u"/app/installations/%1/access_tokens"_s.arg(percentEncoded(app.installationId)));
    call.what = u"Getting a token for the GitHub App's installation %1"_s.arg(app.installationId);
    call.asApp = true;
    auto done = [this](Result<Response> response) {
        m_fetchingToken = false;
        Result<QJsonDocument> document
            = response.and_then([](const Response &r) { return parseJson(r.body, u"Getting the installation token"_s); });
        const QJsonObject object = document ? document->object() : QJsonObject();
        const QString token = object.value("token"_L1).toString();
        if (!document || token.isEmpty()) {
            failQueued(document ? Error(ErrorCode::Provider,
                                        u"GitHub gave the GitHub App no installation token."_s)
                                : document.error());
            return;
        }
        m_installationToken = token;
        m_installationTokenFetchedAt = now();
        m_installationTokenExpiresAt = isoTime(object.value("expires_at"_L1));
        if (!m_installationTokenExpiresAt.isValid())
            m_installationTokenExpiresAt = now().addSecs(3600);
        m_installationPermissions.clear();
        const QJsonObject permissions = object.value("permissions"_L1).toObject();
        for (auto it = permissions.begin(); it != permissions.end(); ++it)
            m_installationPermissions.insert(it.key(), it.value().toString());
    };
    m_queue.push_front(Pending{std::move(call), std::move(done)});
}

void GitHubApi::failQueued(const Error &error)
{
    std::deque<Pending> queue;
    queue.swap(m_queue);
    for (Pending &pending : queue)
        pending.done(tl::unexpected(error));
}

void GitHubApi::send(Pending pending)
{
    const Call &call = pending.call;
    QByteArray authorization;
    if (call.asApp) {
        const auto jwt = gitHubAppJwt(m_auth.app->clientId, m_auth.app->privateKeyPem,
                                      QDateTime::currentSecsSinceEpoch());
        if (!jwt) {
            pending.done(tl::unexpected(jwt.error()));
            pump();
            return;
        }
        authorization = "Bearer " + *jwt;
    } else {
        authorization = "Bearer " + (m_auth.app ? m_installationToken : m_auth.token).toUtf8();
    }

    QNetworkRequest request(call.url);
    request.setRawHeader("Authorization", authorization);
    request.setRawHeader("Accept", "application/vnd.github+json");
    request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      u"squad-console/%1"_s.arg(QCoreApplication::applicationVersion().isEmpty()
                                                    ? u"dev"_s
                                                    : QCoreApplication::applicationVersion()));
    request.setTransferTimeout(m_options.requestTimeoutMs);
    if (call.conditional) {
        if (const auto cached = m_etags.constFind(call.url.toString()); cached != m_etags.cend())
            request.setRawHeader("If-None-Match", cached->etag);
    }
    if (!call.body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);

    m_inFlight = true;
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method, call.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, pending = std::move(pending)] {
        reply->deleteLater();
        onReply(reply, pending);
    });
}

void GitHubApi::retryLater(Pending pending, qint64 waitMs)
{
    ++pending.attempt;
    m_notBeforeMs = std::max(m_notBeforeMs, m_clock.elapsed() + waitMs);
    m_queue.push_front(std::move(pending));
}

void GitHubApi::noteRateLimit(QNetworkReply *reply)
{
    if (!reply->hasRawHeader("x-ratelimit-remaining"))
        return;
    m_rateLimit.limit = reply->rawHeader("x-ratelimit-limit").toInt();
    m_rateLimit.remaining = reply->rawHeader("x-ratelimit-remaining").toInt();
    m_rateLimit.resetsAt = QDateTime::fromSecsSinceEpoch(reply->rawHeader("x-ratelimit-reset").toLongLong(),
                                                         Qt::UTC);
    m_rateLimit.resource = QString::fromLatin1(reply->rawHeader("x-ratelimit-resource"));
    // The last request of the hour went through: the next waits for the reset instead of
    // being refused (GitHub warns that carrying on while limited can get an integration banned).
    if (m_rateLimit.remaining == 0)
        m_exhaustedUntil = m_rateLimit.resetsAt;
}

GitHubRefusal GitHubApi::refusalOf(QNetworkReply *reply, int status, const QByteArray &body,
                                   const Call &call) const
{
    GitHubRefusal refusal;
    refusal.status = status;
    refusal.body = body;
    refusal.acceptedPermissions = reply->rawHeader("X-Accepted-GitHub-Permissions");
    refusal.acceptedScopes = reply->rawHeader("X-Accepted-OAuth-Scopes");
    refusal.hasGrantedScopes = reply->hasRawHeader("X-OAuth-Scopes");
    refusal.grantedScopes = reply->rawHeader("X-OAuth-Scopes");
    refusal.appInstallation = m_auth.app.has_value() || call.asApp;
    return refusal;
}

void GitHubApi::onReply(QNetworkReply *reply, Pending pending)
{
    m_inFlight = false;
    const Call &call = pending.call;
    // The next write's second counts from this answer, not from when this write was handed to
    // the network thread: GitHub had it by now, whereas a write can reach it late (a new
    // connection, a busy machine) and so less than a second before the next one.
    if (isWrite(call.method))
        m_lastWriteMs = m_clock.elapsed();
    const bool attemptsLeft = pending.attempt < m_options.maxAttempts;
    const qint64 backoff = std::min<qint64>(qint64(m_options.backoffMs) << (pending.attempt - 1),
                                            m_options.backoffCapMs);
    const QVariant statusValue = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    noteRateLimit(reply);

    const auto finish = [&](Result<Response> result) {
        pending.done(std::move(result));
        pump();
    };
    const auto rateLimited = [&](const QString &why) {
        finish(fail(ErrorCode::RateLimited, u"%1 failed: %2"_s.arg(call.what, why),
                    u"HTTP %1: %2"_s.arg(statusValue.toInt()).arg(gitHubErrorMessage(reply->peek(4096)))));
    };

    if (!statusValue.isValid()) {
        // No answer: whether GitHub acted is unknown, so only a read goes again.
        if (!isWrite(call.method) && attemptsLeft) {
            retryLater(std::move(pending), backoff);
            pump();
            return;
        }
        const bool timedOut = reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError;
        finish(fail(timedOut ? ErrorCode::Timeout : ErrorCode::Unavailable,
                    timedOut ? u"%1 timed out: GitHub did not answer in time."_s.arg(call.what)
                             : u"%1 failed: GitHub could not be reached at %2; check the network "
                               "and the profile's GitHub API URL."_s.arg(call.what, m_apiUrl.host()),
                    redactSecrets(reply->errorString())));
        return;
    }

    Response response;
    response.status = statusValue.toInt();
    response.body = reply->readAll();
    response.link = reply->rawHeader("Link");
    response.hasGrantedScopes = reply->hasRawHeader("X-OAuth-Scopes");
    response.grantedScopes = reply->rawHeader("X-OAuth-Scopes");
    response.tokenExpiration = reply->rawHeader("github-authentication-token-expiration");
    const QString cacheKey = call.url.toString();

    if (response.status == 304 && call.conditional && m_etags.contains(cacheKey)) {
        finish(m_etags.value(cacheKey).response);
        return;
    }
    if (response.status >= 200 && response.status < 300) {
        const QByteArray etag = reply->rawHeader("ETag");
        if (call.conditional && !etag.isEmpty()) {
            if (m_etags.size() >= MaxCachedEtags)
                m_etags.clear();
            m_etags.insert(cacheKey, Cached{etag, response});
        }
        finish(std::move(response));
        return;
    }
    if (response.status == 401 && m_auth.app && !call.asApp && !pending.renewedToken) {
        // The installation token expired or was revoked early: take a new one, once.
        m_installationToken.clear();
        pending.renewedToken = true;
        m_queue.push_front(std::move(pending));
        pump();
        return;
    }
    if (response.status == 403 || response.status == 429) {
        const QByteArray remaining = reply->rawHeader("x-ratelimit-remaining");
        const QByteArray retryAfterHeader = reply->rawHeader("retry-after");
        const QString said = gitHubErrorMessage(response.body);
        bool retryAfterOk = false;
        const qint64 retryAfter = retryAfterHeader.trimmed().toLongLong(&retryAfterOk);
        if (retryAfterOk && retryAfter >= 0) {
            const qint64 waitMs = retryAfter * 1000;
            if (attemptsLeft && waitMs <= m_options.maxRateLimitWaitMs) {
                retryLater(std::move(pending), waitMs);
                pump();
                return;
            }
            rateLimited(u"GitHub asked to wait %1 s before trying again (a secondary rate limit)."_s
                            .arg(retryAfter));
            return;
        }
        if (remaining.trimmed() == "0") {
            const QDateTime reset = m_rateLimit.resetsAt;
            const qint64 waitMs = std::max<qint64>(
                0, QDateTime::currentDateTimeUtc().msecsTo(reset) + 1000);
            if (attemptsLeft && waitMs <= m_options.maxRateLimitWaitMs) {
                retryLater(std::move(pending), waitMs);
                pump();
                return;
            }
            rateLimited(u"the GitHub rate limit of these credentials (%1 requests an hour) is used "
                        "up until %2; try again then."_s
                            .arg(m_rateLimit.limit)
                            .arg(reset.toLocalTime().toString(u"HH:mm:ss"_s)));
            return;
        }
        if (said.contains(u"secondary rate limit"_s, Qt::CaseInsensitive) || response.status == 429) {
            // No wait named: at least a minute, doubling each time (GitHub's advice).
            const qint64 waitMs = qint64(m_options.secondaryLimitWaitMs) << (pending.attempt - 1);
            if (attemptsLeft && waitMs <= m_options.maxRateLimitWaitMs) {
                retryLater(std::move(pending), waitMs);
                pump();
                return;
            }
            rateLimited(u"GitHub's secondary rate limit was hit and did not clear after %1 tries; "
                        "wait a few minutes and try again."_s.arg(pending.attempt));
            return;
        }
    }
    if (call.answered.contains(response.status)) {
        finish(std::move(response));
        return;
    }
    if (response.status >= 500 && !isWrite(call.method) && attemptsLeft) {
        retryLater(std::move(pending), backoff);
        pump();
        return;
    }
    finish(tl::unexpected(gitHubApiError(refusalOf(reply, response.status, response.body, call), call.what)));
}

void GitHubApi::fetchJson(Call call, Reply<QJsonDocument> done)
{
    const QString what = call.what;
    enqueue(std::move(call), [what, done = std::move(done)](Result<Response> response) {
        done(response.and_then([&what](const Response &answer) { return parseJson(answer.body, what); }));
    });
}

// ---- lists ----------------------------------------------------------------------------------

void GitHubApi::getAll(QUrl url, const QString &what, const QString &key, bool conditional,
                       Reply<QJsonArray> done, QJsonArray found)
{
    Call call;
    call.url = url;
    call.what = what;
    call.conditional = conditional;
    enqueue(call, [this, what, key, conditional, done = std::move(done),
                   found = std::move(found)](Result<Response> response) mutable {
        if (!response)
            return done(tl::unexpected(response.error()));
        auto document = parseJson(response->body, what);
        if (!document)
            return done(tl::unexpected(document.error()));
        const QJsonArray page = key.isEmpty() ? document->array()
                                              : document->object().value(key).toArray();
        for (const QJsonValue &item : page)
            found.append(item);
        const QUrl next = nextLink(response->link);
        if (next.isEmpty())
            return done(std::move(found));
        // Only a page on GitHub's own host gets the credentials.
        if (next.scheme() != m_apiUrl.scheme() || next.host() != m_apiUrl.host()
            || next.port() != m_apiUrl.port()) {
            return done(fail(ErrorCode::Provider,
                             u"%1 failed: GitHub's next page is on another host (%2)."_s.arg(
                                 what, next.host())));
        }
        getAll(next, what, key, conditional, std::move(done), std::move(found));
    });
}

// ---- identity and repositories --------------------------------------------------------------

QFuture<Result<GitHubIdentity>> GitHubApi::identity()
{
    auto promise = startedPromise<GitHubIdentity>();
    auto done = settle(promise);
    Call call;
    call.what = u"Checking the GitHub credentials"_s;
    if (m_auth.app) {
        call.url = endpoint(u"/installation/repositories"_s, {{u"per_page"_s, u"1"_s}});
        enqueue(call, [this, done](Result<Response> response) {
            if (!response)
                return done(tl::unexpected(response.error()));
            GitHubIdentity identity;
            identity.kind = GitHubIdentity::Kind::AppInstallation;
            const auto document = parseJson(response->body, u"Checking the GitHub App"_s);
            const QJsonArray repositories = document ? document->object().value("repositories"_L1).toArray()
                                                     : QJsonArray();
            identity.login = repositories.first().toObject().value("owner"_L1).toObject()
                                 .value("login"_L1).toString();
            identity.permissions = m_installationPermissions;
            identity.expiresAt = m_installationTokenExpiresAt;
            identity.rateLimit = m_rateLimit;
            done(identity);
        });
        return promise->future();
    }
    call.url = endpoint(u"/user"_s);
    enqueue(call, [this, done](Result<Response> response) {
        if (!response)
            return done(tl::unexpected(response.error()));
        const auto document = parseJson(response->body, u"Checking the GitHub token"_s);
        if (!document)
            return done(tl::unexpected(document.error()));
        GitHubIdentity identity;
        identity.login = document->object().value("login"_L1).toString();
        identity.kind = response->hasGrantedScopes ? GitHubIdentity::Kind::ClassicToken
                                                   : GitHubIdentity::Kind::FineGrainedToken;
        for (const QByteArray &scope : response->grantedScopes.split(',')) {
            if (!scope.trimmed().isEmpty())
                identity.scopes << QString::fromLatin1(scope.trimmed());
        }
        if (!response->tokenExpiration.isEmpty()) {
            // "2026-12-31 00:00:00 UTC"
            identity.expiresAt = QDateTime::fromString(
                QString::fromLatin1(response->tokenExpiration).remove(u" UTC"_s),
                u"yyyy-MM-dd HH:mm:ss"_s);
            identity.expiresAt.setTimeSpec(Qt::UTC);
        }
        identity.rateLimit = m_rateLimit;
        done(identity);
    });
    return promise->future();
}

QFuture<Result<GitHubRepoInfo>> GitHubApi::repository(const GitHubRepo &repo)
{
    auto promise = startedPromise<GitHubRepoInfo>();
    Call call;
    call.url = endpoint(u"/repos/%1/%2"_s.arg(repo.owner, repo.name));
    call.what = u"Reading the repository %1"_s.arg(repo.slug());
    call.conditional = true;
    fetchJson(call, [repo, done = settle(promise)](Result<QJsonDocument> document) {
        done(document.transform([&repo](const QJsonDocument &answer) {
            const QJsonObject object = answer.object();
            GitHubRepoInfo info;
            info.repo = repo;
            info.defaultBranch = object.value("default_branch"_L1).toString();
            info.isPrivate = object.value("private"_L1).toBool();
            info.canPush = object.value("permissions"_L1).toObject().value("push"_L1).toBool();
            return info;
        }));
    });
    return promise->future();
}

QFuture<Result<QString>> GitHubApi::gitToken()
{
    if (!m_auth.app) {
        if (m_auth.token.isEmpty()) {
            return readyFuture<Result<QString>>(fail(
                ErrorCode::Unauthenticated,
                u"Pushing needs a GitHub token: set one in Settings → Accounts, with `squadctl auth "
                "set github`, or in GITHUB_TOKEN — or set up a GitHub App."_s));
        }
        return readyFuture<Result<QString>>(m_auth.token);
    }
    auto promise = startedPromise<QString>();
    auto done = settle(promise);
    Call marker;
    marker.method.clear();
    marker.what = u"Getting a token for git"_s;
    enqueue(marker, [this, done](Result<Response> response) {
        if (!response)
            return done(tl::unexpected(response.error()));
        done(m_installationToken);
    });
    return promise->future();
}

QFuture<Result<GitCredential>> GitHubApi::gitCredential()
{
    const QString origin = GitCredential::originOfGitHubApi(apiUrl());
    return gitToken().then(this, [origin](const Result<QString> &token) -> Result<GitCredential> {
        if (!token)
            return tl::unexpected(token.error());
        return GitCredential{origin, *token};
    });
}

// ---- pull requests --------------------------------------------------------------------------

QFuture<Result<PullRequestCreated>> GitHubApi::createPullRequest(const PullRequestDraft &input)
{
    PullRequestDraft draft = input;
    draft.title = draft.title.trimmed();
    draft.head = draft.head.trimmed();
    draft.base = draft.base.trimmed();
    const auto invalid = [](const Error &error) {
        return readyFuture<Result<PullRequestCreated>>(tl::unexpected(error));
    };
    if (!draft.repo.isValid()) {
        return invalid(Error(ErrorCode::InvalidArgument,
                             u"Which repository? Give OWNER/REPO, or create the pull request from a "
                             "sandbox repository whose origin is on GitHub."_s));
    }
    if (draft.title.isEmpty())
        return invalid(Error(ErrorCode::InvalidArgument, u"A pull request needs a title."_s));
    if (auto head = validateBranchName(headBranch(draft.head), u"head branch"_s); !head)
        return invalid(head.error());
    if (!draft.base.isEmpty()) {
        if (auto base = validateBranchName(draft.base, u"base branch"_s); !base)
            return invalid(base.error());
    }
    for (QString &team : draft.teamReviewers)
        team = team.section(u'/', -1);

    auto promise = startedPromise<PullRequestCreated>();
    auto done = settle(promise);
    auto create = [this, done](PullRequestDraft draft) {
        const QString what = u"Creating the pull request in %1"_s.arg(draft.repo.slug());
        if (headBranch(draft.head) == draft.base
            && (!draft.head.contains(u':') || draft.head.section(u':', 0, 0) == draft.repo.owner)) {
            return done(fail(ErrorCode::InvalidArgument,
                             u"%1 failed: the head and base branch are both \"%2\". Push the changes "
                             "to a branch of their own first."_s.arg(what, draft.base)));
        }
        Call call;
        call.method = "POST";
        call.url = endpoint(u"/repos/%1/%2/pulls"_s.arg(draft.repo.owner, draft.repo.name));
        call.what = what;
        call.answered = {422};
        call.body = jsonBody(QJsonObject{{u"title"_s, draft.title},
                                         {u"body"_s, draft.body},
                                         {u"head"_s, draft.head},
                                         {u"base"_s, draft.base},
                                         {u"draft"_s, draft.draft},
                                         {u"maintainer_can_modify"_s, draft.maintainerCanModify}});
        enqueue(call, [this, draft, done, what](Result<Response> response) {
            const auto adoptOpen = [this, draft, done](const Error &otherwise) {
                findOpen(draft.repo, draft.head, draft.base,
                         [this, draft, done, otherwise](Result<std::optional<PullRequest>> found) {
                             if (!found || !found->has_value())
                                 return done(tl::unexpected(otherwise));
                             requestReviewsAndLabels(draft, PullRequestCreated{**found, true, {}}, done);
                         });
            };
            if (!response) {
                // The answer was lost: the pull request may exist. Look before reporting.
                if (response.error().code() == ErrorCode::Timeout
                    || response.error().code() == ErrorCode::Unavailable) {
                    return adoptOpen(response.error());
                }
                return done(tl::unexpected(response.error()));
            }
            if (response->status == 422) {
                const QString said = (QStringList{gitHubErrorMessage(response->body)}
                                      + gitHubErrorItems(response->body))
                                         .join(u' ');
                if (said.contains(u"pull request already exists"_s, Qt::CaseInsensitive)) {
                    return adoptOpen(Error(ErrorCode::Conflict,
                                           u"%1 failed: GitHub says a pull request from %2 already "
                                           "exists, but no open one could be found."_s.arg(
                                               what, headLabel(draft.repo, draft.head))));
                }
                if (said.contains(u"No commits between"_s, Qt::CaseInsensitive)) {
                    return done(fail(ErrorCode::Conflict,
                                     u"%1 failed: the branch \"%2\" has nothing new for \"%3\" — no "
                                     "commits between them. Commit the changes and push them to \"%2\" "
                                     "first."_s.arg(what, headBranch(draft.head), draft.base),
                                     u"HTTP 422: "_s + said));
                }
                if (said.contains(u"Draft pull requests are not supported"_s, Qt::CaseInsensitive)) {
                    return done(fail(ErrorCode::Conflict,
                                     u"%1 failed: %2 does not allow draft pull requests (GitHub offers "
                                     "them in private repositories only on paid plans). Create a normal "
                                     "pull request instead."_s.arg(what, draft.repo.slug()),
                                     DraftUnsupportedDetail));
                }
                GitHubRefusal refusal;
                refusal.status = 422;
                refusal.body = response->body;
                auto error = gitHubApiError(refusal, what);
                if (said.contains(u"head"_s)) {
                    error = Error(error.code(),
                                  error.message()
                                      + u" Is the branch \"%1\" pushed to %2?"_s.arg(
                                          headBranch(draft.head), draft.repo.slug()),
                                  error.detail());
                }
                return done(tl::unexpected(error));
            }
            const auto document = parseJson(response->body, what);
            if (!document)
                return done(tl::unexpected(document.error()));
            requestReviewsAndLabels(
                draft, PullRequestCreated{parsePullRequest(document->object(), draft.repo), false, {}},
                done);
        });
    };
    if (!draft.base.isEmpty()) {
        create(draft);
    } else {
        repository(draft.repo).then(this, [draft, create, done](Result<GitHubRepoInfo> info) mutable {
            if (!info)
                return done(tl::unexpected(info.error()));
            draft.base = info->defaultBranch;
            create(draft);
        });
    }
    return promise->future();
}

void GitHubApi::requestReviewsAndLabels(const PullRequestDraft &draft, PullRequestCreated created,
                                        Reply<PullRequestCreated> done)
{
    const int number = created.pullRequest.number;
    auto labels = [this, draft, number, done](PullRequestCreated created) {
        if (draft.labels.isEmpty())
            return done(std::move(created));
        Call call;
        call.method = "POST";
        call.url = endpoint(u"/repos/%1/%2/issues/%3/labels"_s.arg(draft.repo.owner, draft.repo.name)
                                .arg(number));
        call.what = u"Adding the labels %1"_s.arg(draft.labels.join(u", "_s));
        call.body = jsonBody(QJsonObject{{u"labels"_s, QJsonArray::fromStringList(draft.labels)}});
        enqueue(call, [created, done](Result<Response> response) mutable {
            if (!response)
                created.problems << response.error().message();
            done(std::move(created));
        });
    };
    if (draft.reviewers.isEmpty() && draft.teamReviewers.isEmpty())
        return labels(std::move(created));
    Call call;
    call.method = "POST";
    call.url = endpoint(u"/repos/%1/%2/pulls/%3/requested_reviewers"_s
                            .arg(draft.repo.owner, draft.repo.name)
                            .arg(number));
    call.what = u"Requesting reviews from %1"_s.arg((draft.reviewers + draft.teamReviewers).join(u", "_s));
    QJsonObject body{{u"reviewers"_s, QJsonArray::fromStringList(draft.reviewers)}};
    if (!draft.teamReviewers.isEmpty())
        body.insert(u"team_reviewers"_s, QJsonArray::fromStringList(draft.teamReviewers));
    call.body = jsonBody(body);
    enqueue(call, [created = std::move(created), labels](Result<Response> response) mutable {
        if (!response)
            created.problems << response.error().message();
        labels(std::move(created));
    });
}

void GitHubApi::findOpen(const GitHubRepo &repo, const QString &head, const QString &base,
                         Reply<std::optional<PullRequest>> done)
{
    QList<std::pair<QString, QString>> query{{u"state"_s, u"open"_s},
                                             {u"head"_s, headLabel(repo, head)},
                                             {u"per_page"_s, u"100"_s}};
    if (!base.isEmpty())
        query.append({u"base"_s, base});
    getAll(endpoint(u"/repos/%1/%2/pulls"_s.arg(repo.owner, repo.name), query),
           u"Looking for an open pull request from %1"_s.arg(headLabel(repo, head)), {}, false,
           [repo, head, base, done](Result<QJsonArray> pulls) {
               if (!pulls)
                   return done(tl::unexpected(pulls.error()));
               for (const QJsonValue &value : *pulls) {
                   PullRequest pr = parsePullRequest(value.toObject(), repo);
                   if (pr.head == headBranch(head) && (base.isEmpty() || pr.base == base))
                       return done(std::optional(pr));
               }
               done(std::optional<PullRequest>());
           });
}

QFuture<Result<std::optional<PullRequest>>> GitHubApi::findOpenPullRequest(const GitHubRepo &repo,
                                                                           const QString &head,
                                                                           const QString &base)
{
    auto promise = startedPromise<std::optional<PullRequest>>();
    findOpen(repo, head, base, settle(promise));
    return promise->future();
}

void GitHubApi::fetchPullRequest(const GitHubRepo &repo, int number, bool conditional,
                                 Reply<PullRequest> done)
{
    Call call;
    call.url = endpoint(u"/repos/%1/%2/pulls/%3"_s.arg(repo.owner, repo.name).arg(number));
    call.what = u"Reading pull request #%1 of %2"_s.arg(number).arg(repo.slug());
    call.conditional = conditional;
    fetchJson(call, [repo, done](Result<QJsonDocument> document) {
        done(document.transform([&repo](const QJsonDocument &answer) {
            return parsePullRequest(answer.object(), repo);
        }));
    });
}

QFuture<Result<PullRequest>> GitHubApi::pullRequest(const GitHubRepo &repo, int number)
{
    auto promise = startedPromise<PullRequest>();
    fetchPullRequest(repo, number, true, settle(promise));
    return promise->future();
}

void GitHubApi::fetchChecks(const GitHubRepo &repo, const QString &sha, Reply<PullRequestChecks> done)
{
    Call call;
    call.url = endpoint(u"/repos/%1/%2/commits/%3/status"_s.arg(repo.owner, repo.name, sha));
    call.what = u"Reading the commit statuses of %1"_s.arg(sha.left(7));
    call.conditional = true;
    fetchJson(call, [this, repo, sha, done](Result<QJsonDocument> document) {
        if (!document)
            return done(tl::unexpected(document.error()));
        PullRequestChecks checks;
        for (const QJsonValue &value : document->object().value("statuses"_L1).toArray()) {
            const QString state = value.toObject().value("state"_L1).toString();
            ++checks.total;
            if (state == u"success"_s)
                ++checks.passed;
            else if (state == u"pending"_s)
                ++checks.pending;
            else
                ++checks.failed;
        }
        getAll(endpoint(u"/repos/%1/%2/commits/%3/check-runs"_s.arg(repo.owner, repo.name, sha),
                        {{u"per_page"_s, u"100"_s}}),
               u"Reading the check runs of %1"_s.arg(sha.left(7)), u"check_runs"_s, true,
               [checks, done](Result<QJsonArray> runs) mutable {
                   if (!runs)
                       return done(tl::unexpected(runs.error()));
                   for (const QJsonValue &value : *runs) {
                       const QJsonObject run = value.toObject();
                       const QString conclusion = run.value("conclusion"_L1).toString();
                       ++checks.total;
                       if (run.value("status"_L1).toString() != u"completed"_s)
                           ++checks.pending;
                       else if (conclusion == u"success"_s || conclusion == u"neutral"_s
                                || conclusion == u"skipped"_s)
                           ++checks.passed;
                       else
                           ++checks.failed;
                   }
                   using State = PullRequestChecks::State;
                   checks.state = checks.total == 0 ? State::None
                       : checks.failed > 0          ? State::Failure
                       : checks.pending > 0         ? State::Pending
                                                    : State::Success;
                   done(checks);
               });
    });
}

QFuture<Result<PullRequestStatus>> GitHubApi::pullRequestStatus(const GitHubRepo &repo, int number)
{
    auto promise = startedPromise<PullRequestStatus>();
    auto done = settle(promise);
    Call call;
    call.url = endpoint(u"/repos/%1/%2/pulls/%3"_s.arg(repo.owner, repo.name).arg(number));
    call.what = u"Reading pull request #%1 of %2"_s.arg(number).arg(repo.slug());
    call.conditional = true;
    fetchJson(call, [this, repo, number, done](Result<QJsonDocument> document) {
        if (!document)
            return done(tl::unexpected(document.error()));
        const QJsonObject object = document->object();
        PullRequestStatus status;
        status.pullRequest = parsePullRequest(object, repo);
        status.pendingReviewers = int(object.value("requested_reviewers"_L1).toArray().size()
                                      + object.value("requested_teams"_L1).toArray().size());
        using State = PullRequestStatus::State;
        status.state = status.pullRequest.merged        ? State::Merged
            : status.pullRequest.state == u"closed"_s   ? State::Closed
            : status.pullRequest.draft                  ? State::Draft
                                                        : State::Open;
        getAll(endpoint(u"/repos/%1/%2/pulls/%3/reviews"_s.arg(repo.owner, repo.name).arg(number),
                        {{u"per_page"_s, u"100"_s}}),
               u"Reading the reviews of pull request #%1"_s.arg(number), {}, true,
               [this, repo, status, done](Result<QJsonArray> reviews) mutable {
                   if (!reviews)
                       return done(tl::unexpected(reviews.error()));
                   status.reviewDecision = reviewDecision(*reviews, status.pendingReviewers);
                   if (status.pullRequest.headSha.isEmpty())
                       return done(status);
                   fetchChecks(repo, status.pullRequest.headSha,
                               [status, done](Result<PullRequestChecks> checks) mutable {
                                   if (!checks)
                                       return done(tl::unexpected(checks.error()));
                                   status.checks = *checks;
                                   done(status);
                               });
               });
    });
    return promise->future();
}

} // namespace squad
