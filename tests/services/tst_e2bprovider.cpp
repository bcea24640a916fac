// SPDX-License-Identifier: MIT
// E2bProvider behind the provider seam, against one loopback server playing both E2B's
// control plane and the sandboxes' envd (E2B_SANDBOX_URL style): the original system's cases
// (no key, a sandbox that is not running, no connection, terminating what E2B no longer has)
// and a command run end to end.
#include "e2b/connectenvelope.h"
#include "e2b/e2bprovider.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

namespace {

const QString ApiKey = u"e2b_00112233445566778899aabbccddeeff00112233"_s;

QJsonObject sandboxJson(const QString &id, const QString &state)
{
    return {{u"sandboxID"_s, id}, {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s},
            {u"alias"_s, u"python-3.12"_s}, {u"clientID"_s, u"x"_s},
            {u"startedAt"_s, u"2026-11-27T06:00:00Z"_s}, {u"endAt"_s, u"2026-11-27T07:00:00Z"_s},
            {u"cpuCount"_s, 2}, {u"memoryMB"_s, 1024}, {u"diskSizeMB"_s, 2048},
            {u"state"_s, state}, {u"envdVersion"_s, u"0.2.0"_s},
            {u"envdAccessToken"_s, QString(u"token-of-"_s + id)}};
}

QByteArray frame(const QJsonObject &event)
{
    return connect::encodeEnvelope(
        QJsonDocument(QJsonObject{{u"event"_s, event}}).toJson(QJsonDocument::Compact));
}


} // namespace

class tst_E2bProvider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void createCarriesOurIdsAndDefaults();
    void noKeyFailsBeforeAnyRequest();
    void terminateWhatE2bNoLongerHas();
    void listMapsStates();
    void runStreamsThroughEnvdWithTheSandboxToken();
    void pausedSandboxIsNeverContacted();
    void goneSandboxIsNotRunning();
    void noConnectionIsUnavailable();
    void filesGoThroughTheRunningSandboxOnly();

private:
    std::unique_ptr<E2bProvider> provider(const QString &key = ApiKey);
    std::unique_ptr<LoopbackHttpServer> m_server;
};

void tst_E2bProvider::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
}

void tst_E2bProvider::cleanup()
{
    m_server.reset();
}

std::unique_ptr<E2bProvider> tst_E2bProvider::provider(const QString &key)
{
    const QString url = m_server->url().toString();
    auto endpoint = E2bEndpoint::resolve({{}, url, url}, QProcessEnvironment());
    if (!endpoint)
        qFatal("%s", qPrintable(endpoint.error().toString()));
    auto result = std::make_unique<E2bProvider>(*endpoint, key);
    E2bApi::Options options;
    options.backoffMs = 10;
    options.requestTimeoutMs = 2000;
    result->api().setOptions(options);
    return result;
}

void tst_E2bProvider::createCarriesOurIdsAndDefaults()
{
    m_server->route("POST", u"/v2/sandboxes"_s, [](const HttpRequest &) {
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, u"e2b-1"_s},
                                                   {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s},
                                                   {u"alias"_s, u"python-3.12"_s},
                                                   {u"clientID"_s, u"x"_s},
                                                   {u"envdVersion"_s, u"0.2.0"_s},
                                                   {u"envdAccessToken"_s, u"t"_s}});
    });
    SandboxSpec spec;
    spec.id = u"7d6f1c1e-0000-4000-8000-000000000001"_s;
    spec.templateId = u"python-3.12"_s;
    spec.repoUrl = u"https://github.com/acme/payments.git"_s;
    spec.metadata = {{u"squad.task"_s, u"t-1"_s}};
    const QDateTime before = QDateTime::currentDateTimeUtc();
    const auto created = await(provider()->create(spec));
    QVERIFY_RESULT(created);
    QCOMPARE(created->providerId, u"e2b-1"_s);
    QCOMPARE(created->templateId, u"python-3.12"_s);
    QVERIFY(created->running);
    // The answer has no end time: the timeout asked for counts from the request.
    QVERIFY(created->endsAt >= before.addSecs(E2bProvider::DefaultTimeoutSeconds));
    QVERIFY(created->endsAt <= QDateTime::currentDateTimeUtc().addSecs(E2bProvider::DefaultTimeoutSeconds));
    const QJsonObject body = QJsonDocument::fromJson(m_server->lastRequest().body).object();
    QCOMPARE(body.value("timeout"_L1).toInt(), E2bProvider::DefaultTimeoutSeconds);
    const QJsonObject metadata = body.value("metadata"_L1).toObject();
    QCOMPARE(metadata.value("squad.sandbox"_L1).toString(), spec.id);
    QCOMPARE(metadata.value("squad.request"_L1).toString(), spec.id);
    QCOMPARE(metadata.value("squad.repo"_L1).toString(), spec.repoUrl);
    QCOMPARE(metadata.value("squad.task"_L1).toString(), u"t-1"_s);
}

void tst_E2bProvider::noKeyFailsBeforeAnyRequest()
{
    auto e2b = provider(QString());
    QVERIFY_ERROR(await(e2b->list()), ErrorCode::Unauthenticated);
    SandboxSpec spec;
    spec.templateId = u"base"_s;
    QVERIFY_ERROR(await(e2b->create(spec)), ErrorCode::Unauthenticated);
    QCOMPARE(m_server->requestCount(), 0);
}

void tst_E2bProvider::terminateWhatE2bNoLongerHas()
{
    m_server->route("DELETE", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        if (request.param(u"id"_s) == u"alive"_s)
            return HttpResponse::empty(204);
        return HttpResponse::json(404, QJsonObject{{u"code"_s, 404},
                                                   {u"message"_s, u"Sandbox \"%1\" doesn't exist or you don't have access to it"_s.arg(request.param(u"id"_s))}});
    });
    auto e2b = provider();
    QVERIFY_RESULT(await(e2b->terminate(u"alive"_s)));
    // Already ended, or never existed: the seam's NotFound, which the lifecycle service
    // records as "gone at the provider" rather than a failure.
    QVERIFY_ERROR(await(e2b->terminate(u"ended"_s)), ErrorCode::NotFound);
    QVERIFY_ERROR(await(e2b->terminate(u"never-existed"_s)), ErrorCode::NotFound);
}

void tst_E2bProvider::listMapsStates()
{
    m_server->route("GET", u"/v2/sandboxes"_s,
                    HttpResponse::json(200, QJsonArray{sandboxJson(u"a"_s, u"running"_s),
                                                       sandboxJson(u"b"_s, u"paused"_s)}));
    const auto listed = await(provider()->list());
    QVERIFY_RESULT(listed);
    QCOMPARE(listed->size(), 2);
    QVERIFY(listed->at(0).running);
    QVERIFY(!listed->at(1).running);
    QCOMPARE(listed->at(0).cpuCount, 2);
    QCOMPARE(listed->at(0).memoryMb, 1024);
}

void tst_E2bProvider::runStreamsThroughEnvdWithTheSandboxToken()
{
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        return HttpResponse::json(200, sandboxJson(request.param(u"id"_s), u"running"_s));
    });
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, {{"Content-Type", "application/connect+json"}});
        responder.write(frame({{u"start"_s, QJsonObject{{u"pid"_s, 3}}}})
                        + frame({{u"data"_s, QJsonObject{{u"stdout"_s, QString::fromLatin1(QByteArray("on branch main\n").toBase64())}}}})
                        + frame({{u"end"_s, QJsonObject{{u"exited"_s, true}, {u"status"_s, u"exit status 0"_s}}}})
                        + connect::encodeEnvelope("{}", connect::EndStreamFlag));
        responder.finish();
    });
    auto e2b = provider();
    CommandSpec spec;
    spec.argv = {u"git"_s, u"status"_s};
    CommandRun *run = e2b->run(u"sbx-1"_s, spec, e2b.get());
    QByteArray out;
    connect(run, &CommandRun::output, this, [&out](CommandRun::Channel, const QByteArray &data) { out += data; });
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(run->result()->exitCode, 0);
    QCOMPARE(out, QByteArray("on branch main\n"));
    const HttpRequest start = m_server->lastRequest();
    QCOMPARE(start.path, QByteArray("/process.Process/Start"));
    QCOMPARE(start.header("x-access-token"), QByteArray("token-of-sbx-1"));
    QCOMPARE(start.header("e2b-sandbox-id"), QByteArray("sbx-1"));
    QVERIFY(start.header("x-api-key").isEmpty());  // the API key never goes to a sandbox
}

void tst_E2bProvider::pausedSandboxIsNeverContacted()
{
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        return HttpResponse::json(200, sandboxJson(request.param(u"id"_s), u"paused"_s));
    });
    auto e2b = provider();
    CommandSpec spec;
    spec.argv = {u"ls"_s};
    CommandRun *run = e2b->run(u"sbx-2"_s, spec, e2b.get());
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(run->result(), ErrorCode::Conflict);
    QVERIFY(run->result().error().message().contains(u"paused"_s));
    for (const HttpRequest &request : m_server->requests())
        QVERIFY2(!request.path.startsWith("/process."), request.path.constData());
}

void tst_E2bProvider::goneSandboxIsNotRunning()
{
    m_server->route("GET", u"/sandboxes/{id}"_s,
                    HttpResponse::json(404, QJsonObject{{u"code"_s, 404}, {u"message"_s, u"Sandbox \"x\" doesn't exist or you don't have access to it"_s}}));
    auto e2b = provider();
    CommandSpec spec;
    spec.argv = {u"ls"_s};
    CommandRun *run = e2b->run(u"x"_s, spec, e2b.get());
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(run->result(), ErrorCode::NotFound);
    QVERIFY(run->result().error().message().contains(u"not running"_s));
}

void tst_E2bProvider::noConnectionIsUnavailable()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QString url = u"http://127.0.0.1:%1"_s.arg(probe.serverPort());
    probe.close();
    auto endpoint = E2bEndpoint::resolve({{}, url, url}, QProcessEnvironment());
    QVERIFY_RESULT(endpoint);
    E2bProvider e2b(*endpoint, ApiKey);
    E2bApi::Options options;
    options.backoffMs = 10;
    e2b.api().setOptions(options);
    QVERIFY_ERROR(await(e2b.list()), ErrorCode::Unavailable);
    QVERIFY_ERROR(await(e2b.terminate(u"sbx"_s)), ErrorCode::Unavailable);
}

void tst_E2bProvider::filesGoThroughTheRunningSandboxOnly()
{
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        const QString id = request.param(u"id"_s);
        return HttpResponse::json(200, sandboxJson(id, id == u"asleep"_s ? u"paused"_s : u"running"_s));
    });
    m_server->route("GET", u"/files"_s, HttpResponse::text(200, "content", "application/octet-stream"));
    m_server->route("POST", u"/files"_s, HttpResponse::json(200, QJsonArray()));
    auto e2b = provider();
    const auto read = await(e2b->readFile(u"awake"_s, u"a.txt"_s));
    QVERIFY_RESULT(read);
    QCOMPARE(*read, QByteArray("content"));
    QCOMPARE(m_server->lastRequest().header("x-access-token"), QByteArray("token-of-awake"));
    QVERIFY_RESULT(await(e2b->writeFile(u"awake"_s, u"b.txt"_s, "data")));

    m_server->clearRequests();
    QVERIFY_ERROR(await(e2b->readFile(u"asleep"_s, u"a.txt"_s)), ErrorCode::Conflict);
    QVERIFY_ERROR(await(e2b->writeFile(u"asleep"_s, u"a.txt"_s, "x")), ErrorCode::Conflict);
    for (const HttpRequest &request : m_server->requests())
        QVERIFY2(request.path != "/files", request.target.constData());
}

QTEST_GUILESS_MAIN(tst_E2bProvider)
#include "tst_e2bprovider.moc"
