// SPDX-License-Identifier: MIT
#include "fakee2b.h"

#include <QJsonDocument>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace squad::test {

QJsonObject FakeSandbox::listed() const
{
    return {{u"sandboxID"_s, id},
            {u"templateID"_s, templateId},
            {u"clientID"_s, u"fake-client"_s},
            {u"startedAt"_s, startedAt.toString(Qt::ISODateWithMs)},
            {u"endAt"_s, endAt.toString(Qt::ISODateWithMs)},
            {u"cpuCount"_s, cpuCount},
            {u"memoryMB"_s, memoryMb},
            {u"diskSizeMB"_s, diskMb},
            {u"envdVersion"_s, u"0.2.0"_s},
            {u"state"_s, state},
            {u"metadata"_s, metadata}};
}

QJsonObject FakeSandbox::detail() const
{
    QJsonObject object = listed();
    object.insert(u"envdAccessToken"_s, QString(u"envd-token-"_s + id));
    return object;
}

FakeE2b::FakeE2b(LoopbackHttpServer &server, QString apiKey)
    : m_apiKey(std::move(apiKey))
{
    server.route("GET", u"/v2/sandboxes"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QStringList states = request.query.queryItemValue(u"state"_s, QUrl::FullyDecoded)
                                       .split(u',', Qt::SkipEmptyParts);
        const int limit = std::clamp(request.query.queryItemValue(u"limit"_s).toInt(), 1, 100);
        const int start = request.query.queryItemValue(u"nextToken"_s).toInt();
        QList<const FakeSandbox *> matching;
        for (const FakeSandbox &sandbox : std::as_const(sandboxes)) {
            if (states.isEmpty() || states.contains(sandbox.state))
                matching << &sandbox;
        }
        QJsonArray page;
        for (int i = start; i < matching.size() && i < start + limit; ++i)
            page.append(matching.at(i)->listed());
        HttpResponse response = HttpResponse::json(200, page);
        if (start + limit < matching.size())
            response.withHeader("X-Next-Token", QByteArray::number(start + limit));
        return response;
    });
    server.route("POST", u"/v2/sandboxes"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        FakeSandbox &made = add(u"sbx%1"_s.arg(nextId++));
        made.templateId = body.value("templateID"_L1).toString();
        made.metadata = body.value("metadata"_L1).toObject();
        made.endAt = made.startedAt.addSecs(body.value("timeout"_L1).toInt(15));
        return HttpResponse::json(201, made.detail());
    });
    server.route("GET", u"/sandboxes/{id}"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        return sandboxes.contains(id) ? HttpResponse::json(200, sandboxes[id].detail()) : notFound(id);
    });
    server.route("DELETE", u"/sandboxes/{id}"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        return sandboxes.remove(id) ? HttpResponse::empty(204) : notFound(id);
    });
    server.route("POST", u"/sandboxes/{id}/timeout"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        if (!sandboxes.contains(id))
            return notFound(id);
        const int seconds = QJsonDocument::fromJson(request.body).object().value("timeout"_L1).toInt();
        sandboxes[id].endAt = QDateTime::currentDateTimeUtc().addSecs(seconds);
        return HttpResponse::empty(204);
    });
    server.route("POST", u"/sandboxes/{id}/pause"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        if (!sandboxes.contains(id))
            return notFound(id);
        if (sandboxes[id].state == u"paused") {
            return HttpResponse::json(409, QJsonObject{{u"code"_s, 409},
                                                       {u"message"_s, u"Sandbox %1 is already paused"_s.arg(id)}});
        }
        sandboxes[id].state = u"paused"_s;
        return HttpResponse::empty(204);
    });
    server.route("POST", u"/v2/sandboxes/{id}/connect"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        if (!sandboxes.contains(id))
            return notFound(id);
        FakeSandbox &sandbox = sandboxes[id];
        const bool resumed = sandbox.state == u"paused";
        sandbox.state = u"running"_s;
        const int seconds = QJsonDocument::fromJson(request.body).object().value("timeout"_L1).toInt();
        sandbox.endAt = std::max(sandbox.endAt, QDateTime::currentDateTimeUtc().addSecs(seconds));
        return HttpResponse::json(resumed ? 201 : 200, sandbox.detail());
    });
    server.route("GET", u"/v2/sandboxes/{id}/logs"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        if (!sandboxes.contains(id))
            return notFound(id);
        return HttpResponse::json(200, QJsonObject{{u"logs"_s, sandboxes[id].logs}});
    });
    server.route("GET", u"/sandboxes/{id}/metrics"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QString id = request.param(u"id"_s);
        if (!sandboxes.contains(id))
            return notFound(id);
        const QString start = request.query.queryItemValue(u"start"_s);
        const QString end = request.query.queryItemValue(u"end"_s);
        QJsonArray samples;
        for (const QJsonValue &sample : std::as_const(sandboxes[id].metrics)) {
            const qint64 at = sample.toObject().value("timestampUnix"_L1).toInteger();
            if ((start.isEmpty() || at >= start.toLongLong()) && (end.isEmpty() || at <= end.toLongLong()))
                samples.append(sample);
        }
        return HttpResponse::json(200, samples);
    });
    // After /sandboxes/{id}: the newest matching route wins.
    server.route("GET", u"/sandboxes/metrics"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        const QStringList ids = request.query.queryItemValue(u"sandbox_ids"_s, QUrl::FullyDecoded)
                                    .split(u',', Qt::SkipEmptyParts);
        metricsCalls.append(ids);
        if (ids.isEmpty() || ids.size() > 100) {
            return HttpResponse::json(400, QJsonObject{{u"code"_s, 400},
                                                       {u"message"_s, u"sandbox_ids: between 1 and 100 ids"_s}});
        }
        if (QSet<QString>(ids.cbegin(), ids.cend()).size() != ids.size()) {
            return HttpResponse::json(400, QJsonObject{{u"code"_s, 400},
                                                       {u"message"_s, u"sandbox_ids: items must be unique"_s}});
        }
        for (const QString &id : ids) {
            if (metricsFailFor.contains(id)) {
                return HttpResponse::json(500, QJsonObject{{u"code"_s, 500},
                                                           {u"message"_s, u"Error getting metrics"_s}});
            }
        }
        QJsonObject latest;
        for (const QString &id : ids) {
            if (sandboxes.contains(id) && !sandboxes[id].metrics.isEmpty())
                latest.insert(id, sandboxes[id].metrics.last());
        }
        return HttpResponse::json(200, QJsonObject{{u"sandboxes"_s, latest}});
    });
    server.route("GET", u"/v2/templates"_s, [this](const HttpRequest &request) {
        if (HttpResponse refused = unauthorisedOr(request); refused.status != 200)
            return refused;
        return HttpResponse::json(200, templates);
    });
}

QJsonObject sandboxMetric(const QDateTime &at, int cpuCount, double cpuUsedPct, qint64 memUsed,
                          qint64 memTotal, qint64 diskUsed, qint64 diskTotal)
{
    return {{u"timestamp"_s, at.toUTC().toString(Qt::ISODate)},
            {u"timestampUnix"_s, at.toSecsSinceEpoch()},
            {u"cpuCount"_s, cpuCount},
            {u"cpuUsedPct"_s, cpuUsedPct},
            {u"memUsed"_s, memUsed},
            {u"memTotal"_s, memTotal},
            {u"memCache"_s, 0},
            {u"diskUsed"_s, diskUsed},
            {u"diskTotal"_s, diskTotal}};
}

FakeSandbox &FakeE2b::add(const QString &id, const QString &state)
{
    FakeSandbox &sandbox = sandboxes[id];
    sandbox.id = id;
    sandbox.state = state;
    sandbox.startedAt = QDateTime::currentDateTimeUtc();
    sandbox.endAt = sandbox.startedAt.addSecs(300);
    return sandbox;
}

HttpResponse FakeE2b::unauthorisedOr(const HttpRequest &request) const
{
    if (request.header("X-API-Key") != m_apiKey.toUtf8())
        return HttpResponse::json(401, QJsonObject{{u"code"_s, 401}, {u"message"_s, u"Invalid API key"_s}});
    return HttpResponse::empty(200);
}

HttpResponse FakeE2b::notFound(const QString &id)
{
    return HttpResponse::json(404, QJsonObject{
        {u"code"_s, 404},
        {u"message"_s, u"Sandbox \"%1\" doesn't exist or you don't have access to it"_s.arg(id)}});
}

} // namespace squad::test
