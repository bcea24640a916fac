// SPDX-License-Identifier: MIT
#include "e2bapi.h"

#include "core/futures.h"
#include "core/redaction.h"
#include "core/timestamp.h"
#include "e2b/e2berrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QDateTime dateFrom(const QJsonValue &value)
{
    // E2B writes RFC 3339 in UTC; the store's parser reads its common shapes without
    // QDateTime's general one, which dominates a 10,000-sandbox listing.
    return parseTimestamp(value.toString()).toUTC();
}

E2bSandbox sandboxFrom(const QJsonObject &json)
{
    E2bSandbox sandbox;
    sandbox.sandboxId = json.value("sandboxID"_L1).toString();
    sandbox.templateId = json.value("templateID"_L1).toString();
    sandbox.alias = json.value("alias"_L1).toString();
    sandbox.state = json.value("state"_L1).toString();
    sandbox.startedAt = dateFrom(json.value("startedAt"_L1));
    sandbox.endAt = dateFrom(json.value("endAt"_L1));
    sandbox.cpuCount = json.value("cpuCount"_L1).toInt();
    sandbox.memoryMb = json.value("memoryMB"_L1).toInt();
    sandbox.diskSizeMb = json.value("diskSizeMB"_L1).toInt();
    sandbox.envdVersion = json.value("envdVersion"_L1).toString();
    sandbox.domain = json.value("domain"_L1).toString();
    sandbox.envdAccessToken = json.value("envdAccessToken"_L1).toString();
    const QJsonObject metadata = json.value("metadata"_L1).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        sandbox.metadata.insert(it.key(), it.value().toString());
    return sandbox;
}

// A transport failure (no HTTP status) as an Error.
Error transportError(QNetworkReply::NetworkError code, const QString &what, const QString &text)
{
    if (code == QNetworkReply::OperationCanceledError || code == QNetworkReply::TimeoutError)
        return {ErrorCode::Timeout, u"%1 timed out: E2B did not answer in time."_s.arg(what), text};
    return {ErrorCode::Unavailable,
            u"%1 failed: E2B could not be reached; check the network and the API URL."_s.arg(what),
            text};
}

QString encodedId(const QString &sandboxId)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(sandboxId));
}

QByteArray jsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool retryableStatus(int status)
{
    return status >= 500;
}

// A 404 or 405 from a newer route, which older deployments lack. (e2bApiError's detail starts
// with the status.)
bool isMissingRoute(const Error &error)
{
    return error.detail().startsWith(u"HTTP 404"_s) || error.detail().startsWith(u"HTTP 405"_s);
}

} // namespace

E2bApi::E2bApi(E2bEndpoint endpoint, QString apiKey, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_apiKey(std::move(apiKey))
    , m_network(new QNetworkAccessManager(this))
{
}

E2bApi::~E2bApi() = default;

QByteArray E2bApi::metadataQuery(const QMap<QString, QString> &metadata)
{
    QByteArrayList pairs;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        pairs << QUrl::toPercentEncoding(it.key()) + '=' + QUrl::toPercentEncoding(it.value());
    return QUrl::toPercentEncoding(QString::fromLatin1(pairs.join('&')));
}

int E2bApi::backoffFor(int attempt) const
{
    const qint64 wait = qint64(m_options.backoffMs) << std::min(attempt - 1, 20);
    return int(std::min<qint64>(wait, m_options.backoffCapMs));
}

void E2bApi::send(const Call &call, Done done, int attempt)
{
    if (m_apiKey.isEmpty()) {
        done(fail(ErrorCode::Unauthenticated,
                  u"%1 needs an E2B API key: set one in Settings → Accounts, with `squadctl auth "
                  "set e2b`, or in E2B_API_KEY."_s.arg(call.what)));
        return;
    }
    QUrl url = m_endpoint.apiUrl();
    url.setPath(url.path() + call.path);
    if (!call.query.isEmpty()) {
        QByteArrayList items;
        for (const auto &[name, value] : call.query)
            items << name + '=' + value;
        url.setQuery(QString::fromLatin1(items.join('&')), QUrl::StrictMode);
    }
    QNetworkRequest request(url);
    request.setRawHeader("X-API-Key", m_apiKey.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, u"squad-console"_s);
    request.setTransferTimeout(m_options.requestTimeoutMs);
    if (!call.body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply *reply = m_network->sendCustomRequest(request, call.method, call.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, call, done, attempt] {
        reply->deleteLater();
        onReply(reply, call, done, attempt);
    });
}

void E2bApi::onReply(QNetworkReply *reply, const Call &call, const Done &done, int attempt)
{
    const QVariant statusValue = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const bool retriesLeft = attempt < m_options.maxAttempts;
    const auto retryAfter = [&](int waitMs) {
        QTimer::singleShot(waitMs, this, [this, call, done, attempt] { send(call, done, attempt + 1); });
    };

    if (!statusValue.isValid()) {
        // No answer at all: whether the server acted is unknown, so only a repeatable call
        // may go again.
        if (call.idempotent && retriesLeft) {
            retryAfter(backoffFor(attempt));
            return;
        }
        done(tl::unexpected(transportError(reply->error(), call.what, reply->errorString())));
        return;
    }

    Response response;
    response.status = statusValue.toInt();
    response.body = reply->readAll();
    response.nextToken = reply->rawHeader("X-Next-Token");
    if (response.status >= 200 && response.status < 300) {
        done(std::move(response));
        return;
    }
    if (response.status == 429) {
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
        const int waitMs = ok && seconds >= 0 ? seconds * 1000 : backoffFor(attempt);
        if (retriesLeft && waitMs <= m_options.backoffCapMs) {
            retryAfter(waitMs);
            return;
        }
        done(tl::unexpected(e2bApiError(429, response.body, call.what,
                                        ok ? std::optional(seconds) : std::nullopt)));
        return;
    }
    if (retryableStatus(response.status) && call.idempotent && retriesLeft) {
        retryAfter(backoffFor(attempt));
        return;
    }
    done(tl::unexpected(e2bApiError(response.status, response.body, call.what)));
}

QFuture<Result<QList<E2bSandbox>>> E2bApi::listSandboxes(const E2bListFilter &filter)
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bSandbox>>>>();
    promise->start();
    listPage(filter, {}, std::make_shared<QList<E2bSandbox>>(),
             [promise](Result<QList<E2bSandbox>> result) {
                 promise->addResult(std::move(result));
                 promise->finish();
             });
    return promise->future();
}

void E2bApi::listPage(const E2bListFilter &filter, const QByteArray &token,
                      std::shared_ptr<QList<E2bSandbox>> found,
                      std::function<void(Result<QList<E2bSandbox>>)> done)
{
    Call call{"GET", u"/v2/sandboxes"_s, {}, {}, u"Listing the E2B sandboxes"_s, true};
    call.query.append({"limit", QByteArray::number(std::clamp(filter.pageSize, 1, 100))});
    if (!filter.states.isEmpty())
        call.query.append({"state", QUrl::toPercentEncoding(filter.states.join(u','), ",")});
    if (!filter.metadata.isEmpty())
        call.query.append({"metadata", metadataQuery(filter.metadata)});
    if (!token.isEmpty())
        call.query.append({"nextToken", QUrl::toPercentEncoding(QString::fromLatin1(token))});

    send(call, [this, filter, found, done](Result<Response> response) {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        const QJsonDocument document = QJsonDocument::fromJson(response->body);
        if (!document.isArray()) {
            done(fail(ErrorCode::Provider,
                      u"Listing the E2B sandboxes failed: E2B's answer was not a list."_s));
            return;
        }
        for (const QJsonValue &value : document.array())
            found->append(sandboxFrom(value.toObject()));
        if (response->nextToken.isEmpty()) {
            done(std::move(*found));
            return;
        }
        listPage(filter, response->nextToken, found, done);
    });
}

QFuture<Result<E2bSandbox>> E2bApi::getSandbox(const QString &sandboxId)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    const Call call{"GET", u"/sandboxes/"_s + encodedId(sandboxId),
                    {}, {}, u"Reading sandbox %1 from E2B"_s.arg(sandboxId), true};
    send(call, [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
        } else {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            if (document.isObject())
                promise->addResult(sandboxFrom(document.object()));
            else
                promise->addResult(fail(ErrorCode::Provider, u"E2B's answer about the sandbox was unreadable."_s));
        }
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<void>> E2bApi::killSandbox(const QString &sandboxId)
{
    return simple({"DELETE", u"/sandboxes/"_s + encodedId(sandboxId), {}, {},
                   u"Terminating sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<void>> E2bApi::setTimeout(const QString &sandboxId, int seconds)
{
    if (seconds <= 0) {
        return readyFuture<Result<void>>(
            fail(ErrorCode::InvalidArgument, u"A sandbox's timeout must be at least one second."_s));
    }
    // It sets an absolute deadline from now: repeating it is harmless.
    return simple({"POST", u"/sandboxes/%1/timeout"_s.arg(encodedId(sandboxId)), {},
                   jsonBody({{u"timeout"_s, seconds}}),
                   u"Setting the timeout of sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<E2bSandbox>> E2bApi::createSandbox(const E2bCreateRequest &request)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    if (request.templateId.trimmed().isEmpty() || request.timeoutSeconds <= 0 || request.requestId.isEmpty()) {
        promise->addResult(fail(ErrorCode::InvalidArgument,
                                u"A sandbox needs a template, a timeout of at least one second "
                                "and a request id."_s));
        promise->finish();
        return promise->future();
    }
    create(request, false, 1, [promise](Result<E2bSandbox> result) {
        promise->addResult(std::move(result));
        promise->finish();
    });
    return promise->future();
}

void E2bApi::create(const E2bCreateRequest &request, bool legacy, int attempt,
                    std::function<void(Result<E2bSandbox>)> done)
{
    QJsonObject metadata;
    for (auto it = request.metadata.begin(); it != request.metadata.end(); ++it)
        metadata.insert(it.key(), it.value());
    metadata.insert(RequestIdKey, request.requestId);
    QJsonObject body{{u"templateID"_s, request.templateId},
                     {u"timeout"_s, request.timeoutSeconds},
                     {u"metadata"_s, metadata}};
    if (!request.envVars.isEmpty()) {
        QJsonObject envVars;
        for (auto it = request.envVars.begin(); it != request.envVars.end(); ++it)
            envVars.insert(it.key(), it.value());
        body.insert(u"envVars"_s, envVars);
    }
    if (legacy)
        body.insert(u"secure"_s, true);  // the old endpoint's way to get an envd access token
    const Call call{"POST", legacy ? u"/sandboxes"_s : u"/v2/sandboxes"_s, {},
                    QJsonDocument(body).toJson(QJsonDocument::Compact),
                    u"Creating a sandbox from template %1"_s.arg(request.templateId), false};
    send(call, [this, request, legacy, attempt, done](Result<Response> response) {
        if (response) {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            if (!document.isObject()) {
                done(fail(ErrorCode::Provider, u"E2B's answer to the create was unreadable."_s));
                return;
            }
            done(sandboxFrom(document.object()));
            return;
        }
        const Error &error = response.error();
        // A deployment without /v2/sandboxes answers 404 or 405 there. A 404 can also be an
        // unknown template; the older endpoint then says the same, and that answer stands.
        if (!legacy && isMissingRoute(error)) {
            create(request, true, attempt, done);
            return;
        }
        const bool ambiguous = error.code() == ErrorCode::Timeout || error.code() == ErrorCode::Unavailable;
        if (!ambiguous) {
            done(tl::unexpected(error));
            return;
        }
        recoverCreate(request, legacy, attempt, error, done);
    });
}

void E2bApi::recoverCreate(const E2bCreateRequest &request, bool legacy, int attempt,
                           const Error &error, std::function<void(Result<E2bSandbox>)> done)
{
    E2bListFilter filter;
    filter.metadata = {{QString(RequestIdKey), request.requestId}};
    listPage(filter, {}, std::make_shared<QList<E2bSandbox>>(),
             [this, request, legacy, attempt, error, done](Result<QList<E2bSandbox>> found) {
                 if (!found) {
                     // Neither the create nor the check got an answer: saying so is all that
                     // is safe; sending it again could make a second sandbox.
                     done(tl::unexpected(Error(
                         error.code(),
                         u"%1 It is not known whether E2B made the sandbox; refresh the list "
                         "before creating again."_s.arg(error.message()),
                         error.detail())));
                     return;
                 }
                 if (!found->isEmpty()) {
                     // E2B made it: read it whole (its envd token comes only from get).
                     const QString id = found->first().sandboxId;
                     getSandbox(id).then(this, [done](const Result<E2bSandbox> &sandbox) {
                         done(sandbox);
                     });
                     return;
                 }
                 if (attempt < m_options.maxAttempts) {
                     QTimer::singleShot(backoffFor(attempt), this, [this, request, legacy, attempt, done] {
                         create(request, legacy, attempt + 1, done);
                     });
                     return;
                 }
                 done(tl::unexpected(error));
             });
}

namespace {

E2bMetric metricFrom(const QJsonObject &json)
{
    E2bMetric metric;
    metric.timestamp = json.contains("timestampUnix"_L1)
                           ? QDateTime::fromSecsSinceEpoch(json.value("timestampUnix"_L1).toInteger(), Qt::UTC)
                           : dateFrom(json.value("timestamp"_L1));
    metric.cpuCount = json.value("cpuCount"_L1).toInt();
    metric.cpuUsedPercent = json.value("cpuUsedPct"_L1).toDouble();
    metric.memoryUsedBytes = json.value("memUsed"_L1).toInteger();
    metric.memoryTotalBytes = json.value("memTotal"_L1).toInteger();
    metric.diskUsedBytes = json.value("diskUsed"_L1).toInteger();
    metric.diskTotalBytes = json.value("diskTotal"_L1).toInteger();
    return metric;
}

} // namespace

QFuture<Result<void>> E2bApi::simple(const Call &call)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    send(call, [promise](Result<Response> response) {
        promise->addResult(response ? Result<void>() : Result<void>(tl::unexpected(response.error())));
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<void>> E2bApi::pauseSandbox(const QString &sandboxId)
{
    // Not repeated on an unclear failure: a second pause of a sandbox being paused is a 409.
    return simple({"POST", u"/sandboxes/%1/pause"_s.arg(encodedId(sandboxId)), {}, {},
                   u"Pausing sandbox %1"_s.arg(sandboxId), false});
}

QFuture<Result<void>> E2bApi::refreshSandbox(const QString &sandboxId, int seconds)
{
    return simple({"POST", u"/sandboxes/%1/refreshes"_s.arg(encodedId(sandboxId)), {},
                   jsonBody({{u"duration"_s, std::clamp(seconds, 0, 3600)}}),
                   u"Extending sandbox %1"_s.arg(sandboxId), true});
}

QFuture<Result<void>> E2bApi::checkHealth()
{
    // /health answers without a key; listing one sandbox proves the key as well.
    return simple({"GET", u"/v2/sandboxes"_s, {{"limit", "1"}}, {},
                   u"Checking the connection to E2B"_s, true});
}

QFuture<Result<E2bSandbox>> E2bApi::connectSandbox(const QString &sandboxId, int timeoutSeconds)
{
    auto promise = std::make_shared<QPromise<Result<E2bSandbox>>>();
    promise->start();
    const QByteArray body = jsonBody({{u"timeout"_s, std::max(1, timeoutSeconds)}});
    const QString what = u"Resuming sandbox %1"_s.arg(sandboxId);
    // Connecting twice is harmless (it only extends the life), so it may be repeated.
    const Call current{"POST", u"/v2/sandboxes/%1/connect"_s.arg(encodedId(sandboxId)), {}, body, what, true};
    const Call older{"POST", u"/sandboxes/%1/connect"_s.arg(encodedId(sandboxId)), {}, body, what, true};
    auto finish = [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
        } else {
            const QJsonDocument document = QJsonDocument::fromJson(response->body);
            E2bSandbox sandbox = sandboxFrom(document.object());
            sandbox.state = u"running"_s;
            promise->addResult(std::move(sandbox));
        }
        promise->finish();
    };
    send(current, [this, older, finish](Result<Response> response) {
        if (!response && isMissingRoute(response.error())) {
            send(older, finish);  // a deployment without the v2 route, or no such sandbox
            return;
        }
        finish(std::move(response));
    });
    return promise->future();
}

QFuture<Result<QList<E2bTemplate>>> E2bApi::listTemplates()
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bTemplate>>>>();
    promise->start();
    templatesPage({}, std::make_shared<QList<E2bTemplate>>(), [promise](Result<QList<E2bTemplate>> result) {
        promise->addResult(std::move(result));
        promise->finish();
    });
    return promise->future();
}

void E2bApi::templatesPage(const QByteArray &token, std::shared_ptr<QList<E2bTemplate>> found,
                           std::function<void(Result<QList<E2bTemplate>>)> done)
{
    Call call{"GET", u"/v2/templates"_s, {{"limit", "100"}}, {}, u"Listing the E2B templates"_s, true};
    if (!token.isEmpty())
        call.query.append({"nextToken", QUrl::toPercentEncoding(QString::fromLatin1(token))});
    send(call, [this, found, done](Result<Response> response) {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        for (const QJsonValue &value : QJsonDocument::fromJson(response->body).array()) {
            const QJsonObject json = value.toObject();
            E2bTemplate entry;
            entry.templateId = json.value("templateID"_L1).toString();
            entry.buildId = json.value("buildID"_L1).toString();
            for (const QJsonValue &alias : json.value("aliases"_L1).toArray())
                entry.aliases << alias.toString();
            entry.cpuCount = json.value("cpuCount"_L1).toInt();
            entry.memoryMb = json.value("memoryMB"_L1).toInt();
            entry.diskSizeMb = json.value("diskSizeMB"_L1).toInt();
            entry.isPublic = json.value("public"_L1).toBool();
            entry.createdAt = dateFrom(json.value("createdAt"_L1));
            found->append(entry);
        }
        if (response->nextToken.isEmpty())
            done(std::move(*found));
        else
            templatesPage(response->nextToken, found, done);
    });
}

QFuture<Result<QMap<QString, E2bMetric>>> E2bApi::latestMetrics(const QStringList &sandboxIds)
{
    auto promise = std::make_shared<QPromise<Result<QMap<QString, E2bMetric>>>>();
    promise->start();
    metricsBatch(sandboxIds, std::make_shared<QMap<QString, E2bMetric>>(),
                 [promise](Result<QMap<QString, E2bMetric>> result) {
                     promise->addResult(std::move(result));
                     promise->finish();
                 });
    return promise->future();
}

void E2bApi::metricsBatch(QStringList remaining, std::shared_ptr<QMap<QString, E2bMetric>> found,
                          std::function<void(Result<QMap<QString, E2bMetric>>)> done)
{
    if (remaining.isEmpty()) {
        done(std::move(*found));
        return;
    }
    constexpr int MaxIdsPerCall = 100;  // E2B refuses more
    const QStringList batch = remaining.mid(0, MaxIdsPerCall);
    remaining = remaining.mid(MaxIdsPerCall);
    const Call call{"GET", u"/sandboxes/metrics"_s,
                    {{"sandbox_ids", QUrl::toPercentEncoding(batch.join(u','), ",")}}, {},
                    u"Reading the sandboxes' metrics"_s, true};
    send(call, [this, remaining, found, done](Result<Response> response) {
        if (!response) {
            done(tl::unexpected(response.error()));
            return;
        }
        const QJsonObject sandboxes
            = QJsonDocument::fromJson(response->body).object().value("sandboxes"_L1).toObject();
        for (auto it = sandboxes.begin(); it != sandboxes.end(); ++it)
            found->insert(it.key(), metricFrom(it.value().toObject()));
        metricsBatch(remaining, found, done);
    });
}

QFuture<Result<QList<E2bLogEntry>>> E2bApi::sandboxLogs(const QString &sandboxId, int limit)
{
    auto promise = std::make_shared<QPromise<Result<QList<E2bLogEntry>>>>();
    promise->start();
    const Call call{"GET", u"/v2/sandboxes/%1/logs"_s.arg(encodedId(sandboxId)),
                    {{"limit", QByteArray::number(std::clamp(limit, 1, 1000))}, {"direction", "backward"}},
                    {}, u"Reading the logs of sandbox %1"_s.arg(sandboxId), true};
    send(call, [promise](Result<Response> response) {
        if (!response) {
            promise->addResult(tl::unexpected(response.error()));
            promise->finish();
            return;
        }
        QList<E2bLogEntry> entries;
        for (const QJsonValue &value : QJsonDocument::fromJson(response->body).object().value("logs"_L1).toArray()) {
            const QJsonObject json = value.toObject();
            entries.append({dateFrom(json.value("timestamp"_L1)), json.value("level"_L1).toString(),
                            redactSecrets(json.value("message"_L1).toString())});
        }
        // Asked newest first, shown oldest first.
        std::stable_sort(entries.begin(), entries.end(),
                         [](const E2bLogEntry &a, const E2bLogEntry &b) { return a.timestamp < b.timestamp; });
        promise->addResult(std::move(entries));
        promise->finish();
    });
    return promise->future();
}

} // namespace squad
