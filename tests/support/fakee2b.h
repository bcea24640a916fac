// SPDX-License-Identifier: MIT
#pragma once

#include "loopbackhttpserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QStringList>

namespace squad::test {

// One sandbox the fake control plane keeps.
struct FakeSandbox
{
    QString id;
    QString templateId = QStringLiteral("base");
    QString state = QStringLiteral("running");  // or "paused"
    QDateTime startedAt;
    QDateTime endAt;
    int cpuCount = 2;
    int memoryMb = 512;
    int diskMb = 1024;
    QJsonObject metadata;
    QJsonArray logs;  // SandboxLogEntry objects, oldest first
    QJsonArray metrics;  // SandboxMetric objects (see sandboxMetric()), oldest first

    QJsonObject listed() const;  // ListedSandbox
    QJsonObject detail() const;  // SandboxDetail, with an envd access token
};

// One SandboxMetric: the time in whole seconds, memory and disk in bytes.
QJsonObject sandboxMetric(const QDateTime &at, int cpuCount, double cpuUsedPct, qint64 memUsed,
                          qint64 memTotal, qint64 diskUsed, qint64 diskTotal);

// E2B's control plane as its OpenAPI spec describes it, kept in memory on a loopback server:
// GET /v2/sandboxes (state filter, pages of `limit`), POST /v2/sandboxes, GET and DELETE
// /sandboxes/{id}, POST /sandboxes/{id}/timeout, /pause (409 when paused), /v2/sandboxes/{id}
// /connect (resumes), GET /v2/sandboxes/{id}/logs, GET /sandboxes/{id}/metrics (start/end in
// unix seconds), GET /sandboxes/metrics (sandbox_ids: 1 to 100 distinct ids, else 400), GET
// /v2/templates. Every
// call needs the key (401 otherwise); an unknown sandbox is 404 with E2B's {code, message} body.
class FakeE2b
{
public:
    FakeE2b(LoopbackHttpServer &server, QString apiKey);

    QMap<QString, FakeSandbox> sandboxes;  // live ones, by id
    QJsonArray templates;                  // Template objects for /v2/templates
    int nextId = 1;
    // GET /sandboxes/metrics naming one of these fails with a 500 (once retries are spent).
    QSet<QString> metricsFailFor;
    // The sandbox_ids of every GET /sandboxes/metrics, in order.
    QList<QStringList> metricsCalls;

    FakeSandbox &add(const QString &id, const QString &state = QStringLiteral("running"));

private:
    HttpResponse unauthorisedOr(const HttpRequest &request) const;
    static HttpResponse notFound(const QString &id);

    QString m_apiKey;
};

} // namespace squad::test
