// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "e2b/e2bendpoint.h"
#include "sandbox/sandboxprovider.h"

#include <QDateTime>
#include <QFuture>
#include <QMap>
#include <QObject>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace squad {

// A sandbox as E2B's control plane describes it (ListedSandbox / SandboxDetail).
struct E2bSandbox
{
    QString sandboxId;
    QString templateId;
    QString alias;
    QString state;  // "running" or "paused"
    QDateTime startedAt;
    QDateTime endAt;
    int cpuCount = 0;
    int memoryMb = 0;
    int diskSizeMb = 0;
    QString envdVersion;
    QString domain;           // the sandbox's own domain, when E2B reports one
    QString envdAccessToken;  // only from get/create/connect; a secret
    QMap<QString, QString> metadata;
};

struct E2bListFilter
{
    QStringList states;                // "running", "paused"; empty = both, as E2B defaults
    QMap<QString, QString> metadata;   // every pair must match
    int pageSize = 100;                // 1..100
};

struct E2bCreateRequest
{
    QString templateId;
    int timeoutSeconds = 300;  // always sent: the old endpoint's default is 15 s
    QMap<QString, QString> metadata;
    QMap<QString, QString> envVars;
    // Stored in the sandbox's metadata (RequestIdKey): after a create that failed without a
    // clear answer, it finds the sandbox E2B may have made anyway.
    QString requestId;
};

struct E2bTemplate
{
    QString templateId;
    QString buildId;
    QStringList aliases;
    int cpuCount = 0;
    int memoryMb = 0;
    int diskSizeMb = 0;
    bool isPublic = false;
    QDateTime createdAt;
};

// One sample of a sandbox's resource use.
struct E2bMetric
{
    QDateTime timestamp;
    int cpuCount = 0;
    double cpuUsedPercent = 0;
    qint64 memoryUsedBytes = 0;
    qint64 memoryTotalBytes = 0;
    qint64 diskUsedBytes = 0;
    qint64 diskTotalBytes = 0;
};

// One line of a sandbox's log, as the provider seam carries it.
using E2bLogEntry = ProviderLogEntry;

// E2B's control-plane REST API (`X-API-Key`). Lives on one thread and answers through futures
// that complete on it. Calls that are safe to repeat are retried on 5xx, network failures and
// timeouts with capped exponential backoff; every call is retried after a 429, waiting what
// Retry-After says (a 429 means the request was not carried out).
class E2bApi : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int requestTimeoutMs = 60'000;
        int maxAttempts = 4;
        int backoffMs = 250;        // the first retry's wait; it doubles per attempt
        int backoffCapMs = 8'000;   // and never exceeds this (nor does a Retry-After we obey)
    };

    // An empty `apiKey` makes every call fail with Unauthenticated before any request.
    E2bApi(E2bEndpoint endpoint, QString apiKey, QObject *parent = nullptr);
    ~E2bApi() override;

    void setOptions(const Options &options) { m_options = options; }

    // Every sandbox matching `filter`, following X-Next-Token across all pages.
    QFuture<Result<QList<E2bSandbox>>> listSandboxes(const E2bListFilter &filter = {});
    QFuture<Result<E2bSandbox>> getSandbox(const QString &sandboxId);
    // NotFound when E2B does not know the sandbox (it has ended).
    QFuture<Result<void>> killSandbox(const QString &sandboxId);
    // The sandbox ends `seconds` from now.
    QFuture<Result<void>> setTimeout(const QString &sandboxId, int seconds);

    // Creates a sandbox with POST /v2/sandboxes, or POST /sandboxes (secure) where a deployment
    // lacks the newer endpoint. A create is never simply sent again: when one fails without a
    // clear answer (timeout, lost connection, 5xx), the sandboxes carrying its request id are
    // looked up first, and only when there is none is it sent once more.
    QFuture<Result<E2bSandbox>> createSandbox(const E2bCreateRequest &request);
    static constexpr QLatin1StringView RequestIdKey{"squad.request"};

    // Pauses (snapshots) a running sandbox; it stops costing compute until resumed.
    QFuture<Result<void>> pauseSandbox(const QString &sandboxId);
    // The sandbox running, resumed if it was paused, with at least `timeoutSeconds` left; its
    // answer carries a fresh envd access token.
    QFuture<Result<E2bSandbox>> connectSandbox(const QString &sandboxId, int timeoutSeconds);
    // Extends a running sandbox's life by `seconds` (never shortens it).
    QFuture<Result<void>> refreshSandbox(const QString &sandboxId, int seconds);

    // Every template the key's team can use, across all pages.
    QFuture<Result<QList<E2bTemplate>>> listTemplates();
    // The latest sample of each sandbox E2B has one for, asked 100 ids at a time.
    QFuture<Result<QMap<QString, E2bMetric>>> latestMetrics(const QStringList &sandboxIds);
    // A sandbox's series of samples, oldest first: those from `start` to `end` when given
    // (E2B takes whole seconds; the interval is widened to them), else the span E2B chooses.
    // NotFound when E2B does not know the sandbox.
    QFuture<Result<QList<E2bMetric>>> sandboxMetrics(const QString &sandboxId,
                                                     const QDateTime &start = {},
                                                     const QDateTime &end = {});
    // The newest `limit` log entries of a sandbox (its envd and system logs), oldest first.
    QFuture<Result<QList<E2bLogEntry>>> sandboxLogs(const QString &sandboxId, int limit = 1000);
    // One authenticated call that changes nothing: ok, or why not.
    QFuture<Result<void>> checkHealth();

    // The `metadata` query value E2B expects: pairs form-encoded, then the whole encoded
    // again as one parameter value.
    static QByteArray metadataQuery(const QMap<QString, QString> &metadata);

private:
    struct Call
    {
        QByteArray method;
        QString path;
        QList<std::pair<QByteArray, QByteArray>> query;  // already percent-encoded
        QByteArray body;
        QString what;  // "Listing the E2B sandboxes", for messages
        bool idempotent = true;
    };
    struct Response
    {
        int status = 0;
        QByteArray body;
        QByteArray nextToken;
    };
    using Done = std::function<void(Result<Response>)>;

    void send(const Call &call, Done done, int attempt = 1);
    void onReply(QNetworkReply *reply, const Call &call, const Done &done, int attempt);
    int backoffFor(int attempt) const;
    void create(const E2bCreateRequest &request, bool legacy, int attempt,
                std::function<void(Result<E2bSandbox>)> done);
    void recoverCreate(const E2bCreateRequest &request, bool legacy, int attempt, const Error &error,
                       std::function<void(Result<E2bSandbox>)> done);
    // A call whose success needs no body: ok, or the call's error.
    QFuture<Result<void>> simple(const Call &call);
    void templatesPage(const QByteArray &token, std::shared_ptr<QList<E2bTemplate>> found,
                       std::function<void(Result<QList<E2bTemplate>>)> done);
    void metricsBatch(QStringList remaining, std::shared_ptr<QMap<QString, E2bMetric>> found,
                      std::function<void(Result<QMap<QString, E2bMetric>>)> done);
    // One walk across the list's pages; `done` is called once, when it ends or fails.
    struct Listing
    {
        E2bListFilter filter;
        QList<E2bSandbox> found;
        std::function<void(Result<QList<E2bSandbox>>)> done;
        bool settled = false;
    };
    void startListing(const E2bListFilter &filter, std::function<void(Result<QList<E2bSandbox>>)> done);
    void listPage(const std::shared_ptr<Listing> &listing, const QByteArray &token);

    E2bEndpoint m_endpoint;
    QString m_apiKey;
    Options m_options;
    QNetworkAccessManager *m_network;
};

} // namespace squad
