// SPDX-License-Identifier: MIT
// squadctl with E2B, as a real process pointed (E2B_API_URL, E2B_SANDBOX_URL, E2B_API_KEY, as
// scripts written for the SDKs do) at a loopback server answering as E2B and envd: create,
// exec over envd, terminate (also what E2B no longer has), templates, auth test, no key.
#include "e2b/connectenvelope.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;

namespace {

const QString ApiKey = u"e2b_5566778899aabbccddeeff00112233445566"_s;

struct Outcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QByteArray frame(const QJsonObject &event)
{
    return connect::encodeEnvelope(
        QJsonDocument(QJsonObject{{u"event"_s, event}}).toJson(QJsonDocument::Compact));
}

} // namespace

class tst_SquadctlE2b : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createExecTerminate();
    void templatesList();
    void authTest();
    void noKeyIsAClearError();
    void reconcileClosesAndFindsOrphans();
    void timeoutPauseResume();
    void remoteListFollowsPages();

private:
    // Runs squadctl while this thread's event loop keeps serving the loopback server.
    Outcome squadctl(const QStringList &arguments, const QString &key = ApiKey);

    std::unique_ptr<test::LoopbackHttpServer> m_server;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_SquadctlE2b::init()
{
    m_server = std::make_unique<test::LoopbackHttpServer>();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_server->isListening());
    QVERIFY(m_dir->isValid());
}

Outcome tst_SquadctlE2b::squadctl(const QStringList &arguments, const QString &key)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DB"_s, m_dir->filePath(u"squad.db"_s));
    env.insert(u"SQUAD_DATA_DIR"_s, m_dir->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_dir->filePath(u"config"_s));
    env.insert(u"E2B_API_URL"_s, m_server->url().toString());
    env.insert(u"E2B_SANDBOX_URL"_s, m_server->url().toString());
    env.remove(u"E2B_DOMAIN"_s);
    if (key.isEmpty()) {
        env.remove(u"E2B_API_KEY"_s);
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    } else {
        env.insert(u"E2B_API_KEY"_s, key);
    }
    const test::ProcessOutcome ran = test::runProgram(QStringLiteral(SQUADCTL_PATH), arguments, env, {}, 30000);
    return {ran.exitCode, ran.out, ran.err};
}

void tst_SquadctlE2b::createExecTerminate()
{
    m_server->route("POST", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, u"e2b-abc"_s},
                                                   {u"templateID"_s, body.value("templateID"_L1)},
                                                   {u"clientID"_s, u"x"_s},
                                                   {u"envdVersion"_s, u"0.2.0"_s},
                                                   {u"envdAccessToken"_s, u"tok"_s}});
    });
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        return HttpResponse::json(200, QJsonObject{{u"sandboxID"_s, request.param(u"id"_s)},
                                                   {u"templateID"_s, u"base"_s},
                                                   {u"state"_s, u"running"_s},
                                                   {u"envdAccessToken"_s, u"tok"_s}});
    });
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, {{"Content-Type", "application/connect+json"}});
        responder.write(frame({{u"start"_s, QJsonObject{{u"pid"_s, 1}}}})
                        + frame({{u"data"_s, QJsonObject{{u"stdout"_s, QString::fromLatin1(QByteArray("hi\n").toBase64())}}}})
                        + frame({{u"end"_s, QJsonObject{{u"exitCode"_s, 4}, {u"exited"_s, true}}}})
                        + connect::encodeEnvelope("{}", connect::EndStreamFlag));
        responder.finish();
    });
    m_server->route("DELETE", u"/sandboxes/{id}"_s, HttpResponse::empty(204));

    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QJsonObject row = QJsonDocument::fromJson(created.out).object();
    QCOMPARE(row.value("provider"_L1).toString(), u"e2b"_s);
    const QString id = row.value("id"_L1).toString();
    QVERIFY(!id.isEmpty());
    const HttpRequest post = m_server->requests().first();
    QCOMPARE(post.path, QByteArray("/v2/sandboxes"));
    QCOMPARE(post.header("x-api-key"), ApiKey.toUtf8());
    QCOMPARE(QJsonDocument::fromJson(post.body).object().value("metadata"_L1).toObject()
                 .value("squad.sandbox"_L1).toString(), id);

    const Outcome ran = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"echo"_s, u"hi"_s});
    QCOMPARE(ran.exitCode, 4);
    QCOMPARE(ran.out, QByteArray("hi\n"));

    const Outcome terminated = squadctl({u"sandboxes"_s, u"terminate"_s, id});
    QVERIFY2(terminated.exitCode == 0, terminated.err.constData());
    QCOMPARE(m_server->lastRequest().method, QByteArray("DELETE"));
    QCOMPARE(m_server->lastRequest().path, QByteArray("/sandboxes/e2b-abc"));

    // Created again, then gone at E2B before we terminate it: the row is closed, no failure.
    const Outcome again = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QCOMPARE(again.exitCode, 0);
    m_server->route("DELETE", u"/sandboxes/{id}"_s,
                    HttpResponse::json(404, QJsonObject{{u"code"_s, 404}, {u"message"_s, u"Sandbox \"e2b-abc\" doesn't exist or you don't have access to it"_s}}));
    const Outcome gone = squadctl({u"sandboxes"_s, u"terminate"_s,
                                   QJsonDocument::fromJson(again.out).object().value("id"_L1).toString()});
    QVERIFY2(gone.exitCode == 0, gone.err.constData());
}

void tst_SquadctlE2b::templatesList()
{
    m_server->route("GET", u"/v2/templates"_s, HttpResponse::json(200, QJsonArray{
        QJsonObject{{u"templateID"_s, u"rki5"_s}, {u"aliases"_s, QJsonArray{u"base"_s}}, {u"cpuCount"_s, 2},
                    {u"memoryMB"_s, 512}, {u"diskSizeMB"_s, 1024}, {u"public"_s, true}}}));
    const Outcome listed = squadctl({u"templates"_s, u"list"_s, u"--json"_s});
    QVERIFY2(listed.exitCode == 0, listed.err.constData());
    const QJsonArray templates = QJsonDocument::fromJson(listed.out).array();
    QCOMPARE(templates.size(), 1);
    QCOMPARE(templates.at(0).toObject().value("aliases"_L1).toArray().at(0).toString(), u"base"_s);
}

void tst_SquadctlE2b::authTest()
{
    m_server->route("GET", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        if (request.header("x-api-key") != ApiKey.toUtf8())
            return HttpResponse::json(401, QJsonObject{{u"code"_s, 401}, {u"message"_s, u"Invalid API key"_s}});
        return HttpResponse::json(200, QJsonArray());
    });
    const Outcome ok = squadctl({u"auth"_s, u"test"_s, u"e2b"_s});
    QVERIFY2(ok.exitCode == 0, ok.err.constData());
    const Outcome wrong = squadctl({u"auth"_s, u"test"_s, u"e2b"_s}, u"e2b_0000"_s);
    QCOMPARE(wrong.exitCode, 1);
    QVERIFY2(wrong.err.contains("rejected the API key"), wrong.err.constData());
    QVERIFY(!wrong.err.contains("e2b_0000"));
}

void tst_SquadctlE2b::noKeyIsAClearError()
{
    const Outcome listed = squadctl({u"templates"_s, u"list"_s}, QString());
    QCOMPARE(listed.exitCode, 1);
    QVERIFY2(listed.err.contains("No E2B API key"), listed.err.constData());
    QCOMPARE(m_server->requestCount(), 0);
}

// A create answered by the server as E2B would, returning our row's id.
static void routeCreate(test::LoopbackHttpServer &server, const QString &providerId)
{
    server.route("POST", u"/v2/sandboxes"_s, [providerId](const HttpRequest &) {
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, providerId}, {u"templateID"_s, u"base"_s},
                                                   {u"clientID"_s, u"x"_s}, {u"envdVersion"_s, u"0.2.0"_s},
                                                   {u"envdAccessToken"_s, u"tok"_s}});
    });
}

void tst_SquadctlE2b::reconcileClosesAndFindsOrphans()
{
    routeCreate(*m_server, u"kept"_s);
    const Outcome kept = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QCOMPARE(kept.exitCode, 0);
    routeCreate(*m_server, u"vanished"_s);
    const Outcome vanished = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QCOMPARE(vanished.exitCode, 0);
    const QString vanishedId = QJsonDocument::fromJson(vanished.out).object().value("id"_L1).toString();

    const auto listed = [](const QString &id, const QString &state) {
        return QJsonObject{{u"sandboxID"_s, id}, {u"templateID"_s, u"base"_s}, {u"clientID"_s, u"x"_s},
                           {u"startedAt"_s, u"2026-11-27T06:00:00Z"_s}, {u"endAt"_s, u"2026-11-27T07:00:00Z"_s},
                           {u"cpuCount"_s, 2}, {u"memoryMB"_s, 512}, {u"diskSizeMB"_s, 1024},
                           {u"state"_s, state}, {u"envdVersion"_s, u"0.2.0"_s}};
    };
    m_server->route("GET", u"/v2/sandboxes"_s,
                    HttpResponse::json(200, QJsonArray{listed(u"kept"_s, u"running"_s),
                                                       listed(u"stray"_s, u"paused"_s)}));
    const Outcome reconciled = squadctl({u"sandboxes"_s, u"reconcile"_s, u"--json"_s});
    QVERIFY2(reconciled.exitCode == 0, reconciled.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(reconciled.out).object();
    QCOMPARE(report.value("live"_L1).toInt(), 2);
    QCOMPARE(report.value("closed"_L1).toArray(), QJsonArray{vanishedId});
    QCOMPARE(report.value("orphans"_L1).toArray().at(0).toObject().value("providerId"_L1).toString(), u"stray"_s);

    const Outcome row = squadctl({u"sandboxes"_s, u"get"_s, vanishedId, u"--json"_s});
    QCOMPARE(QJsonDocument::fromJson(row.out).object().value("status"_L1).toString(), u"TERMINATED"_s);
}

void tst_SquadctlE2b::timeoutPauseResume()
{
    routeCreate(*m_server, u"sbx-t"_s);
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QCOMPARE(created.exitCode, 0);
    const QString id = QJsonDocument::fromJson(created.out).object().value("id"_L1).toString();
    m_server->route("POST", u"/sandboxes/{id}/timeout"_s, HttpResponse::empty(204));
    m_server->route("POST", u"/sandboxes/{id}/pause"_s, HttpResponse::empty(204));
    m_server->route("POST", u"/v2/sandboxes/{id}/connect"_s, [](const HttpRequest &request) {
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, request.param(u"id"_s)}, {u"templateID"_s, u"base"_s},
                                                   {u"clientID"_s, u"x"_s}, {u"envdVersion"_s, u"0.2.0"_s}});
    });

    QCOMPARE(squadctl({u"sandboxes"_s, u"timeout"_s, id, u"900"_s}).exitCode, 0);
    QCOMPARE(m_server->lastRequest().path, QByteArray("/sandboxes/sbx-t/timeout"));
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body).object().value("timeout"_L1).toInt(), 900);
    QCOMPARE(squadctl({u"sandboxes"_s, u"pause"_s, id}).exitCode, 0);
    QCOMPARE(m_server->lastRequest().path, QByteArray("/sandboxes/sbx-t/pause"));
    QCOMPARE(squadctl({u"sandboxes"_s, u"resume"_s, id, u"--timeout"_s, u"120"_s}).exitCode, 0);
    QCOMPARE(m_server->lastRequest().path, QByteArray("/v2/sandboxes/sbx-t/connect"));
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body).object().value("timeout"_L1).toInt(), 120);

    // Bad input changes nothing and asks nothing.
    const qsizetype before = m_server->requestCount();
    QCOMPARE(squadctl({u"sandboxes"_s, u"timeout"_s, id, u"soon"_s}).exitCode, 2);
    QCOMPARE(m_server->requestCount(), before);
}

void tst_SquadctlE2b::remoteListFollowsPages()
{
    m_server->route("GET", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        const auto sandbox = [](const QString &id) {
            return QJsonObject{{u"sandboxID"_s, id}, {u"templateID"_s, u"base"_s}, {u"clientID"_s, u"x"_s},
                               {u"startedAt"_s, u"2026-11-27T06:00:00Z"_s}, {u"endAt"_s, u"2026-11-27T07:00:00Z"_s},
                               {u"cpuCount"_s, 2}, {u"memoryMB"_s, 512}, {u"diskSizeMB"_s, 1024},
                               {u"state"_s, u"running"_s}, {u"envdVersion"_s, u"0.2.0"_s}};
        };
        if (request.query.queryItemValue(u"nextToken"_s).isEmpty())
            return HttpResponse::json(200, QJsonArray{sandbox(u"one"_s)}).withHeader("X-Next-Token", "p2");
        return HttpResponse::json(200, QJsonArray{sandbox(u"two"_s)});
    });
    const Outcome listed = squadctl({u"sandboxes"_s, u"list"_s, u"--remote"_s, u"--json"_s});
    QVERIFY2(listed.exitCode == 0, listed.err.constData());
    const QJsonArray rows = QJsonDocument::fromJson(listed.out).array();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.at(1).toObject().value("sandbox_id"_L1).toString(), u"two"_s);
    QCOMPARE(rows.at(0).toObject().value("state"_L1).toString(), u"running"_s);
}

QTEST_GUILESS_MAIN(tst_SquadctlE2b)
#include "tst_squadctle2b.moc"
