// SPDX-License-Identifier: MIT
// The E2B protocol pieces that need no server: Connect envelopes as envd streams them, where
// E2B is (profile, SDK environment variables), and E2B's error bodies as operator errors.
#include "e2b/connectenvelope.h"
#include "e2b/e2bendpoint.h"
#include "e2b/e2berrors.h"
#include "testsupport.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_E2bProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void envelopeLayout();
    void envelopesSplitAnywhereReassemble();
    void envelopesMergedInOneRead();
    void cutStreamLeavesAPartialEnvelope();
    void viewsReadStraightFromADevice();
    void corruptEnvelopesAreRefused();
    void endOfStreamOutcome_data();
    void endOfStreamOutcome();

    void endpointDefaults();
    void endpointFromProfile();
    void environmentWinsOverProfile();
    void debugPointsAtLocalhost();
    void invalidLocationsAreNamed_data();
    void invalidLocationsAreNamed();
    void envdRoutes_data();
    void envdRoutes();

    void apiErrors_data();
    void apiErrors();
    void apiErrorsKeepSecretsOut();
    void envdProxyErrors_data();
    void envdProxyErrors();
};

static QByteArray frame(const char *json)
{
    return connect::encodeEnvelope(QByteArray(json));
}

void tst_E2bProtocol::envelopeLayout()
{
    const QByteArray envelope = connect::encodeEnvelope("{}", connect::EndStreamFlag);
    QCOMPARE(envelope.size(), 7);
    QCOMPARE(quint8(envelope.at(0)), quint8(0x02));
    QCOMPARE(envelope.mid(1, 4), QByteArray("\x00\x00\x00\x02", 4));
    QCOMPARE(envelope.mid(5), QByteArray("{}"));
}

void tst_E2bProtocol::envelopesSplitAnywhereReassemble()
{
    const QByteArray first = frame(R"({"event":{"start":{"pid":412}}})");
    const QByteArray second = frame(R"({"event":{"data":{"stdout":"aGVsbG8K"}}})");
    const QByteArray end = connect::encodeEnvelope("{}", connect::EndStreamFlag);
    const QByteArray stream = first + second + end;
    // Every cut point, including inside the 5-byte header of each envelope.
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        connect::EnvelopeReader reader;
        QList<connect::Envelope> seen;
        for (const QByteArray &part : {stream.left(cut), stream.mid(cut)}) {
            reader.feed(part);
            while (true) {
                auto next = reader.next();
                QVERIFY_RESULT(next);
                if (!*next)
                    break;
                seen << **next;
            }
        }
        QCOMPARE(seen.size(), 3);
        QCOMPARE(seen.at(0).payload, first.mid(5));
        QCOMPARE(seen.at(1).payload, second.mid(5));
        QVERIFY(!seen.at(1).endOfStream());
        QVERIFY(seen.at(2).endOfStream());
        QVERIFY(!reader.hasPartial());
    }
}

void tst_E2bProtocol::envelopesMergedInOneRead()
{
    connect::EnvelopeReader reader;
    QByteArray many;
    for (int i = 0; i < 1000; ++i)
        many += frame(qPrintable(u"{\"n\":%1}"_s.arg(i)));
    reader.feed(many);
    for (int i = 0; i < 1000; ++i) {
        auto next = reader.next();
        QVERIFY_RESULT(next);
        QVERIFY(next->has_value());
        QCOMPARE(QJsonDocument::fromJson((*next)->payload).object().value("n"_L1).toInt(), i);
    }
    auto none = reader.next();
    QVERIFY_RESULT(none);
    QVERIFY(!none->has_value());
}

void tst_E2bProtocol::cutStreamLeavesAPartialEnvelope()
{
    connect::EnvelopeReader reader;
    reader.feed(frame(R"({"event":{"keepalive":{}}})").left(9));
    auto next = reader.next();
    QVERIFY_RESULT(next);
    QVERIFY(!next->has_value());
    QVERIFY(reader.hasPartial());
}

void tst_E2bProtocol::viewsReadStraightFromADevice()
{
    // The reader fed from a device in pieces of every size, its views used before each next
    // read (as EnvdClient does): every payload whole and in order, however the reads cut.
    QByteArray stream;
    QList<QByteArray> payloads;
    for (int i = 0; i < 200; ++i) {
        payloads << QByteArray(i * 37 % 500, char('a' + i % 26));
        stream += frame(payloads.last().constData());
    }
    stream += connect::encodeEnvelope("{}", connect::EndStreamFlag);
    for (qsizetype piece : {1, 4, 5, 6, 499, 4096, 1 << 20}) {
        connect::EnvelopeReader reader;
        QList<QByteArray> seen;
        bool ended = false;
        for (qsizetype at = 0; at < stream.size(); at += piece) {
            QBuffer window;  // a device with only the next piece ready
            window.setData(stream.mid(at, piece));
            QVERIFY(window.open(QIODevice::ReadOnly));
            QCOMPARE(reader.readFrom(window), window.size());
            while (true) {
                auto next = reader.nextView();
                QVERIFY_RESULT(next);
                if (!*next)
                    break;
                if ((*next)->endOfStream())
                    ended = true;
                else
                    seen << (*next)->payload.toByteArray();
            }
        }
        QCOMPARE(seen, payloads);
        QVERIFY(ended);
        QVERIFY(!reader.hasPartial());
    }
}

void tst_E2bProtocol::corruptEnvelopesAreRefused()
{
    connect::EnvelopeReader compressed;
    compressed.feed(connect::encodeEnvelope("x", connect::CompressedFlag));
    QVERIFY_ERROR(compressed.next(), ErrorCode::Provider);

    connect::EnvelopeReader huge(1024);
    huge.feed(QByteArray("\x00\x7f\xff\xff\xff", 5));
    QVERIFY_ERROR(huge.next(), ErrorCode::Provider);
}

void tst_E2bProtocol::endOfStreamOutcome_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("empty") << QByteArray() << true << ErrorCode::Internal;
    QTest::newRow("no error") << QByteArray(R"({"metadata":{"x":["1"]}})") << true
                              << ErrorCode::Internal;
    QTest::newRow("not found") << QByteArray(R"({"error":{"code":"not_found","message":"process with pid 7 not found"}})")
                               << false << ErrorCode::NotFound;
    QTest::newRow("deadline") << QByteArray(R"({"error":{"code":"deadline_exceeded","message":"context deadline exceeded"}})")
                              << false << ErrorCode::Timeout;
    QTest::newRow("unauthenticated") << QByteArray(R"({"error":{"code":"unauthenticated","message":"invalid username"}})")
                                     << false << ErrorCode::Unauthenticated;
    QTest::newRow("resource exhausted") << QByteArray(R"({"error":{"code":"resource_exhausted"}})")
                                        << false << ErrorCode::RateLimited;
    QTest::newRow("unknown code") << QByteArray(R"({"error":{"code":"internal","message":"boom"}})")
                                  << false << ErrorCode::Provider;
    QTest::newRow("garbage") << QByteArray("not json") << false << ErrorCode::Provider;
}

void tst_E2bProtocol::endOfStreamOutcome()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, ok);
    QFETCH(ErrorCode, code);
    const Result<void> outcome = connect::endOfStreamOutcome(payload);
    QCOMPARE(bool(outcome), ok);
    if (!ok) {
        QCOMPARE(outcome.error().code(), code);
        QVERIFY(!outcome.error().message().isEmpty());
    }
}

static QProcessEnvironment environment(std::initializer_list<std::pair<QString, QString>> values)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : values)
        env.insert(name, value);
    return env;
}

void tst_E2bProtocol::endpointDefaults()
{
    const auto endpoint = E2bEndpoint::resolve({}, environment({}));
    QVERIFY_RESULT(endpoint);
    QCOMPARE(endpoint->domain(), u"e2b.app"_s);
    QCOMPARE(endpoint->apiUrl(), QUrl(u"https://api.e2b.app"_s));
    QVERIFY(!endpoint->debug());
}

void tst_E2bProtocol::endpointFromProfile()
{
    const auto endpoint = E2bEndpoint::resolve(
        {u"sandboxes.example.org"_s, u"http://127.0.0.1:8080/"_s, {}}, environment({}));
    QVERIFY_RESULT(endpoint);
    QCOMPARE(endpoint->domain(), u"sandboxes.example.org"_s);
    QCOMPARE(endpoint->apiUrl(), QUrl(u"http://127.0.0.1:8080"_s));

    const auto byDomain = E2bEndpoint::resolve({u"E2B.dev"_s, {}, {}}, environment({}));
    QVERIFY_RESULT(byDomain);
    QCOMPARE(byDomain->apiUrl(), QUrl(u"https://api.e2b.dev"_s));
}

void tst_E2bProtocol::environmentWinsOverProfile()
{
    const auto endpoint = E2bEndpoint::resolve(
        {u"profile.example"_s, u"https://api.profile.example"_s, {}},
        environment({{u"E2B_DOMAIN"_s, u"env.example"_s},
                     {u"E2B_API_URL"_s, u"http://127.0.0.1:9000"_s},
                     {u"E2B_SANDBOX_URL"_s, u"http://127.0.0.1:9001"_s}}));
    QVERIFY_RESULT(endpoint);
    QCOMPARE(endpoint->domain(), u"env.example"_s);
    QCOMPARE(endpoint->apiUrl(), QUrl(u"http://127.0.0.1:9000"_s));
    QCOMPARE(endpoint->envdRoute(u"sbx1"_s).baseUrl, QUrl(u"http://127.0.0.1:9001"_s));

    // E2B_DOMAIN alone moves the API host too, as in the SDKs.
    const auto domainOnly = E2bEndpoint::resolve({u"profile.example"_s, {}, {}},
                                                 environment({{u"E2B_DOMAIN"_s, u"env.example"_s}}));
    QVERIFY_RESULT(domainOnly);
    QCOMPARE(domainOnly->apiUrl(), QUrl(u"https://api.env.example"_s));
}

void tst_E2bProtocol::debugPointsAtLocalhost()
{
    const auto endpoint = E2bEndpoint::resolve({}, environment({{u"E2B_DEBUG"_s, u"TRUE"_s}}));
    QVERIFY_RESULT(endpoint);
    QVERIFY(endpoint->debug());
    QCOMPARE(endpoint->apiUrl(), QUrl(u"http://localhost:3000"_s));
    QCOMPARE(endpoint->envdRoute(u"sbx1"_s).baseUrl, QUrl(u"http://localhost:49983"_s));
}

void tst_E2bProtocol::invalidLocationsAreNamed_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::newRow("ftp api url") << u"E2B_API_URL"_s << u"ftp://api.example"_s;
    QTest::newRow("no host") << u"E2B_API_URL"_s << u"http://"_s;
    QTest::newRow("credentials") << u"E2B_SANDBOX_URL"_s << u"https://user:e2b_abc@sandbox.example"_s;
    QTest::newRow("query") << u"E2B_API_URL"_s << u"https://api.example?key=1"_s;
    QTest::newRow("bad domain") << u"E2B_DOMAIN"_s << u"not a domain"_s;
}

void tst_E2bProtocol::invalidLocationsAreNamed()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    const auto endpoint = E2bEndpoint::resolve({}, environment({{variable, value}}));
    QVERIFY_ERROR(endpoint, ErrorCode::InvalidArgument);
    QVERIFY2(endpoint.error().message().contains(variable), qPrintable(endpoint.error().message()));
    QVERIFY(!endpoint.error().message().contains(u"e2b_abc"_s));
}

void tst_E2bProtocol::envdRoutes_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("sandboxDomain");
    QTest::addColumn<QUrl>("baseUrl");
    QTest::newRow("e2b.app: shared host") << QString() << QString() << QUrl(u"https://sandbox.e2b.app"_s);
    QTest::newRow("e2b.dev: shared host") << u"e2b.dev"_s << QString() << QUrl(u"https://sandbox.e2b.dev"_s);
    QTest::newRow("self-hosted: per-sandbox host")
        << u"sandboxes.example.org"_s << QString() << QUrl(u"https://49983-sbx42.sandboxes.example.org"_s);
    QTest::newRow("the sandbox's own domain wins")
        << u"e2b.app"_s << u"eu.example.org"_s << QUrl(u"https://49983-sbx42.eu.example.org"_s);
}

void tst_E2bProtocol::envdRoutes()
{
    QFETCH(QString, domain);
    QFETCH(QString, sandboxDomain);
    QFETCH(QUrl, baseUrl);
    const auto endpoint = E2bEndpoint::resolve({domain, {}, {}}, environment({}));
    QVERIFY_RESULT(endpoint);
    const E2bEndpoint::EnvdRoute route = endpoint->envdRoute(u"sbx42"_s, sandboxDomain);
    QCOMPARE(route.baseUrl, baseUrl);
    QCOMPARE(route.headers.size(), 2);
    QCOMPARE(route.headers.at(0), std::pair(QByteArray("E2b-Sandbox-Id"), QByteArray("sbx42")));
    QCOMPARE(route.headers.at(1), std::pair(QByteArray("E2b-Sandbox-Port"), QByteArray("49983")));
}

void tst_E2bProtocol::apiErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("400") << 400 << QByteArray(R"({"code":400,"message":"Timeout cannot be greater than 24 hours"})")
                         << ErrorCode::InvalidArgument << u"Timeout cannot be greater than 24 hours"_s;
    QTest::newRow("401") << 401 << QByteArray(R"({"code":401,"message":"Invalid API key format"})")
                         << ErrorCode::Unauthenticated << u"Settings → Accounts"_s;
    QTest::newRow("403") << 403 << QByteArray(R"({"code":403,"message":"team is banned"})")
                         << ErrorCode::PermissionDenied << u"team is banned"_s;
    QTest::newRow("404") << 404 << QByteArray(R"({"code":404,"message":"Sandbox \"abc\" doesn't exist or you don't have access to it"})")
                         << ErrorCode::NotFound << u"doesn't exist"_s;
    QTest::newRow("409") << 409 << QByteArray(R"({"code":409,"message":"Sandbox \"abc\" is being paused"})")
                         << ErrorCode::Conflict << u"try again"_s;
    QTest::newRow("429 concurrency")
        << 429 << QByteArray(R"({"code":429,"message":"you have reached the maximum number of concurrent E2B sandboxes (20)."})")
        << ErrorCode::RateLimited << u"maximum number of concurrent E2B sandboxes (20)"_s;
    QTest::newRow("500") << 500 << QByteArray(R"({"code":500,"message":"oops","error_code":"internal_server_error"})")
                         << ErrorCode::Unavailable << u"server error (500)"_s;
    QTest::newRow("503 html") << 503 << QByteArray("<html>down</html>") << ErrorCode::Unavailable
                              << u"server error (503)"_s;
    QTest::newRow("410") << 410 << QByteArray() << ErrorCode::Provider << u"HTTP 410"_s;
}

void tst_E2bProtocol::apiErrors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, says);
    const Error error = e2bApiError(status, body, u"Listing the E2B sandboxes"_s);
    QCOMPARE(error.code(), code);
    QVERIFY2(error.message().startsWith(u"Listing the E2B sandboxes"_s), qPrintable(error.message()));
    QVERIFY2(error.toString().contains(says), qPrintable(error.toString()));
}

void tst_E2bProtocol::apiErrorsKeepSecretsOut()
{
    const Error error = e2bApiError(
        401, R"({"code":401,"message":"Cannot get the team for key e2b_0123456789abcdef0123"})",
        u"Listing the E2B sandboxes"_s);
    QVERIFY2(!error.toString().contains(u"e2b_0123456789abcdef0123"_s), qPrintable(error.toString()));

    const Error waited = e2bApiError(429, R"({"code":429,"message":"Rate limit exceeded"})",
                                     u"Creating a sandbox"_s, 7);
    QVERIFY2(waited.message().contains(u"7 s"_s), qPrintable(waited.message()));
}

void tst_E2bProtocol::envdProxyErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("says");
    QTest::newRow("502 not found")
        << 502 << QByteArray(R"({"sandboxId":"abc","message":"The sandbox was not found","code":502})")
        << ErrorCode::NotFound << u"not running"_s;
    QTest::newRow("502 port closed")
        << 502 << QByteArray(R"({"sandboxId":"abc","message":"The sandbox is running but port is not open","code":502})")
        << ErrorCode::Unavailable << u"does not answer"_s;
    QTest::newRow("401 token")
        << 401 << QByteArray(R"({"code":401,"message":"unauthorized access, please provide a valid access token or method signing if supported"})")
        << ErrorCode::Unauthenticated << u"access token"_s;
    QTest::newRow("409 transitioning")
        << 409 << QByteArray(R"({"sandboxId":"abc","message":"The sandbox is still transitioning. Try again in a moment.","code":409})")
        << ErrorCode::Conflict << u"try again"_s;
    QTest::newRow("429") << 429 << QByteArray(R"({"code":429,"message":"too many connections"})")
                         << ErrorCode::RateLimited << u"too many connections"_s;
    // envd's own 404 (an old envd without the call): not "E2B has no such sandbox".
    QTest::newRow("404 from envd") << 404 << QByteArray("404 page not found") << ErrorCode::NotFound
                                   << u"daemon (envd) has no such file or call"_s;
}

void tst_E2bProtocol::envdProxyErrors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    QFETCH(QString, says);
    const Error error = envdHttpError(status, body, u"Running the command"_s);
    QCOMPARE(error.code(), code);
    QVERIFY2(error.toString().contains(says), qPrintable(error.toString()));
}

QTEST_GUILESS_MAIN(tst_E2bProtocol)
#include "tst_e2bprotocol.moc"
