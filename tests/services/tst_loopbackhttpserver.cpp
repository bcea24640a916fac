// SPDX-License-Identifier: MIT
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace squad::test;

namespace {

constexpr int kWaitMs = 10000;

// Every request carries a transfer timeout (DESIGN.md, "Threads and I/O"), long enough never
// to fire unless a test means it to.
QNetworkRequest request(const QUrl &base, const QString &pathAndQuery, int timeoutMs = kWaitMs)
{
    QNetworkRequest r(base.resolved(QUrl(pathAndQuery)));
    r.setTransferTimeout(timeoutMs);
    return r;
}

bool waitFinished(QNetworkReply *reply, int timeoutMs = kWaitMs)
{
    if (reply->isFinished())
        return true;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(timeoutMs) || reply->isFinished();
}

int statusOf(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QJsonObject jsonOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

// What a hand-written client saw: enough to check one HTTP/1.1 answer with a Content-Length.
struct RawAnswer
{
    QByteArray statusLine;
    QByteArray body;
};

// Takes one complete Content-Length answer off the front of `buffer`, if there is one.
std::optional<RawAnswer> takeAnswer(QByteArray &buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    qint64 length = 0;
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    RawAnswer answer{lines.first().trimmed(), buffer.mid(end + 4, length)};
    buffer.remove(0, end + 4 + length);
    return answer;
}

} // namespace

class tst_LoopbackHttpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void listensOnLoopback();
    void routesCaptureSegmentsAndQuery();
    void newestRouteWins();
    void recordsHeadersAndJsonBody();
    void chunkedRequestSplitAcrossReads();
    void keepAliveServesSeveralRequestsOnOneConnection();
    void pipelinedRequestsAnsweredInOrder();
    void closingRequestsCloseTheConnection_data();
    void closingRequestsCloseTheConnection();
    void malformedRequestGets400AndClose();
    void statusAndHeadersReachTheClient_data();
    void statusAndHeadersReachTheClient();
    void unroutedGets404Json();
    void streamedPieceSplitAcrossWrites_data();
    void streamedPieceSplitAcrossWrites();
    void droppedConnectionIsANetworkError_data();
    void droppedConnectionIsANetworkError();
    void chunkedDropEndsWithoutLastChunk();
    void stalledAnswerTimesOutAndServerSurvives();
    void delayedAnswer();
    void producerStreamsWithBoundedBuffer_data();
    void producerStreamsWithBoundedBuffer();
    void clientAbortReleasesTheProducer();
    void destroyingTheServerMidStreamFailsTheClient();

private:
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

void tst_LoopbackHttpServer::init()
{
    // A fresh manager per test so no pooled connection outlives the server it was made to.
    m_nam = std::make_unique<QNetworkAccessManager>();
    // A proxy from the environment must never sit between a test and its loopback server.
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

void tst_LoopbackHttpServer::cleanup()
{
    m_nam.reset();
}

void tst_LoopbackHttpServer::listensOnLoopback()
{
    LoopbackHttpServer server;
    QVERIFY(server.isListening());
    QVERIFY(server.port() != 0);
    QCOMPARE(server.url().host(), u"127.0.0.1"_s);
    QCOMPARE(server.url().port(), int(server.port()));
    QCOMPARE(server.url().scheme(), u"http"_s);
}

void tst_LoopbackHttpServer::routesCaptureSegmentsAndQuery()
{
    LoopbackHttpServer server;
    server.route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &r) {
        return HttpResponse::json(200, QJsonObject{{u"sandboxID"_s, r.param(u"id"_s)}});
    });
    server.route("GET", u"/repos/{owner}/{repo}/contents/{path*}"_s, [](const HttpRequest &r) {
        return HttpResponse::json(200, QJsonObject{{u"owner"_s, r.param(u"owner"_s)},
                                                   {u"repo"_s, r.param(u"repo"_s)},
                                                   {u"path"_s, r.param(u"path"_s)}});
    });

    QScopedPointer<QNetworkReply> reply(
        m_nam->get(request(server.url(), u"/sandboxes/sbx%2042?state=running&limit=5"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(statusOf(reply.get()), 200);
    QCOMPARE(jsonOf(reply->readAll()).value(u"sandboxID"_s).toString(), u"sbx 42"_s);

    QCOMPARE(server.requestCount(), 1);
    const HttpRequest seen = server.lastRequest();
    QCOMPARE(seen.method, QByteArray("GET"));
    QCOMPARE(seen.path, QByteArray("/sandboxes/sbx%2042"));
    QCOMPARE(seen.param(u"id"_s), u"sbx 42"_s);
    QCOMPARE(seen.query.queryItemValue(u"state"_s), u"running"_s);
    QCOMPARE(seen.query.queryItemValue(u"limit"_s), u"5"_s);

    reply.reset(m_nam->get(request(server.url(), u"/repos/o/r/contents/src/main.cpp"_s)));
    QVERIFY(waitFinished(reply.get()));
    const QJsonObject parts = jsonOf(reply->readAll());
    QCOMPARE(parts.value(u"owner"_s).toString(), u"o"_s);
    QCOMPARE(parts.value(u"repo"_s).toString(), u"r"_s);
    QCOMPARE(parts.value(u"path"_s).toString(), u"src/main.cpp"_s);

    // One segment too many does not match a pattern without a rest capture.
    reply.reset(m_nam->get(request(server.url(), u"/sandboxes/a/b"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 404);
}

void tst_LoopbackHttpServer::newestRouteWins()
{
    LoopbackHttpServer server;
    server.route("GET", u"/health"_s, HttpResponse::text(200, "old"));
    server.route("*", u"/health"_s, HttpResponse::text(200, "new"));

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/health"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(reply->readAll(), QByteArray("new"));

    server.clearRoutes();
    reply.reset(m_nam->get(request(server.url(), u"/health"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 404);
}

void tst_LoopbackHttpServer::recordsHeadersAndJsonBody()
{
    LoopbackHttpServer server;
    server.route("POST", u"/sandboxes"_s, [](const HttpRequest &r, HttpResponder responder) {
        QJsonObject created = jsonOf(r.body);
        created.insert(u"sandboxID"_s, u"new-1"_s);
        responder.send(HttpResponse::json(201, created));
    });
    QSignalSpy received(&server, &LoopbackHttpServer::requestReceived);

    QNetworkRequest r = request(server.url(), u"/sandboxes"_s);
    r.setRawHeader("X-API-Key", "e2b_secret");
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QJsonObject sent{{u"templateID"_s, u"base"_s}, {u"timeout"_s, 300}};
    QScopedPointer<QNetworkReply> reply(
        m_nam->post(r, QJsonDocument(sent).toJson(QJsonDocument::Compact)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(statusOf(reply.get()), 201);
    QCOMPARE(jsonOf(reply->readAll()).value(u"sandboxID"_s).toString(), u"new-1"_s);

    QCOMPARE(received.size(), 1);
    const auto seen = received.first().first().value<HttpRequest>();
    QCOMPARE(seen.method, QByteArray("POST"));
    QCOMPARE(seen.header("x-api-key"), QByteArray("e2b_secret"));
    QCOMPARE(seen.header("CONTENT-TYPE"), QByteArray("application/json"));
    QVERIFY(seen.hasHeader("Content-Length"));
    QVERIFY(!seen.hasHeader("Transfer-Encoding"));
    QCOMPARE(jsonOf(seen.body), sent);
    QCOMPARE(server.requests().first().body, seen.body);
}

void tst_LoopbackHttpServer::chunkedRequestSplitAcrossReads()
{
    LoopbackHttpServer server;
    server.route("POST", u"/upload"_s, [](const HttpRequest &r) {
        return HttpResponse::text(200, r.body).withHeader("X-Seen-Trailer", r.header("X-Checksum"));
    });

    QTcpSocket client;
    client.connectToHost(server.url().host(), server.port());
    QVERIFY(client.waitForConnected(kWaitMs));

    // Cut in awkward places: inside the request line, a header name, a chunk size, chunk
    // data, and the CRLF after it. Each piece is written only once the server has read the
    // one before, so the server sees every cut as a separate read.
    const QList<QByteArray> pieces{
        "POST /up",
        "load HTTP/1.1\r\nHost: x\r\nTransfer-Enc",
        "oding: chunked\r\n\r\n5\r\nhel",
        "lo\r",
        "\n1;ext=1\r\n \r\n",
        "1",
        "0\r\n0123456789abcdef\r\n0\r\nX-Checksum: 42\r\n",
        "\r\n",
        // A second request on the same connection, this time with a Content-Length.
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nab",
        "c",
    };
    qint64 sent = 0;
    for (const QByteArray &piece : pieces) {
        client.write(piece);
        sent += piece.size();
        QTRY_COMPARE_WITH_TIMEOUT(server.bytesReceived(), sent, kWaitMs);
    }

    QByteArray buffer;
    std::optional<RawAnswer> first;
    std::optional<RawAnswer> second;
    const auto bothAnswered = [&] {
        buffer += client.readAll();
        if (!first)
            first = takeAnswer(buffer);
        if (first && !second)
            second = takeAnswer(buffer);
        return first && second;
    };
    QTRY_VERIFY_WITH_TIMEOUT(bothAnswered(), kWaitMs);
    QCOMPARE(first->statusLine, QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(first->body, QByteArray("hello 0123456789abcdef"));
    QCOMPARE(second->body, QByteArray("abc"));

    QCOMPARE(server.requestCount(), 2);
    QCOMPARE(server.requests().at(0).header("X-Checksum"), QByteArray("42"));
    QCOMPARE(server.requests().at(0).connection, 1);
    QCOMPARE(server.requests().at(1).connection, 1);
    QCOMPARE(server.connectionCount(), 1);
}

void tst_LoopbackHttpServer::keepAliveServesSeveralRequestsOnOneConnection()
{
    LoopbackHttpServer server;
    server.route("GET", u"/sandboxes"_s, [](const HttpRequest &r) {
        return HttpResponse::json(200, QJsonArray{r.query.queryItemValue(u"page"_s)});
    });

    for (int page = 1; page <= 3; ++page) {
        QScopedPointer<QNetworkReply> reply(
            m_nam->get(request(server.url(), u"/sandboxes?page=%1"_s.arg(page))));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).array().first().toString(),
                 QString::number(page));
    }
    QCOMPARE(server.requestCount(), 3);
    QCOMPARE(server.connectionCount(), 1);
    for (const HttpRequest &seen : server.requests())
        QCOMPARE(seen.connection, 1);
}

void tst_LoopbackHttpServer::pipelinedRequestsAnsweredInOrder()
{
    LoopbackHttpServer server;
    server.route("GET", u"/slow"_s, HttpResponse::text(200, "first").delayed(100));
    server.route("GET", u"/fast"_s, HttpResponse::text(200, "second"));

    QTcpSocket client;
    client.connectToHost(server.url().host(), server.port());
    QVERIFY(client.waitForConnected(kWaitMs));
    client.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n");

    QByteArray buffer;
    QList<QByteArray> bodies;
    const auto bothAnswered = [&] {
        buffer += client.readAll();
        while (const auto answer = takeAnswer(buffer))
            bodies.append(answer->body);
        return bodies.size() == 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(bothAnswered(), kWaitMs);
    // HTTP/1.1 answers in request order even when the later one is ready first.
    QCOMPARE(bodies, (QList<QByteArray>{"first", "second"}));
    QCOMPARE(server.connectionCount(), 1);
}

void tst_LoopbackHttpServer::closingRequestsCloseTheConnection_data()
{
    QTest::addColumn<QByteArray>("requestText");
    QTest::newRow("Connection: close") << QByteArray("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET /x HTTP/1.0\r\n\r\n");
}

void tst_LoopbackHttpServer::closingRequestsCloseTheConnection()
{
    QFETCH(QByteArray, requestText);
    LoopbackHttpServer server;
    server.route("GET", u"/x"_s, HttpResponse::text(200, "bye"));

    QTcpSocket client;
    client.connectToHost(server.url().host(), server.port());
    QVERIFY(client.waitForConnected(kWaitMs));
    QSignalSpy disconnected(&client, &QTcpSocket::disconnected);
    client.write(requestText);
    QVERIFY(disconnected.wait(kWaitMs));
    QByteArray buffer = client.readAll();
    QVERIFY2(buffer.contains("\r\nConnection: close\r\n"), buffer.constData());
    const auto answer = takeAnswer(buffer);
    QVERIFY(answer);
    QCOMPARE(answer->body, QByteArray("bye"));
    QVERIFY(buffer.isEmpty());
}

void tst_LoopbackHttpServer::malformedRequestGets400AndClose()
{
    LoopbackHttpServer server;
    server.route("*", u"/{any*}"_s, HttpResponse::text(200, "routed"));

    QTcpSocket client;
    client.connectToHost(server.url().host(), server.port());
    QVERIFY(client.waitForConnected(kWaitMs));
    QSignalSpy disconnected(&client, &QTcpSocket::disconnected);
    client.write("POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
    QVERIFY(disconnected.wait(kWaitMs));
    QByteArray buffer = client.readAll();
    const auto answer = takeAnswer(buffer);
    QVERIFY(answer);
    QCOMPARE(answer->statusLine, QByteArray("HTTP/1.1 400 Bad Request"));
    QCOMPARE(jsonOf(answer->body).value(u"code"_s).toInt(), 400);
    QCOMPARE(server.requestCount(), 0);  // never reached a handler
}

void tst_LoopbackHttpServer::statusAndHeadersReachTheClient_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QNetworkReply::NetworkError>("error");

    QTest::newRow("429 Retry-After") << 429 << QByteArray("Retry-After") << QByteArray("2")
                                     << QNetworkReply::UnknownContentError;
    QTest::newRow("401") << 401 << QByteArray("WWW-Authenticate") << QByteArray("Bearer")
                         << QNetworkReply::AuthenticationRequiredError;
    QTest::newRow("409") << 409 << QByteArray("X-Request-Id") << QByteArray("r-1")
                         << QNetworkReply::ContentConflictError;
    QTest::newRow("503") << 503 << QByteArray("Retry-After") << QByteArray("30")
                         << QNetworkReply::ServiceUnavailableError;
    QTest::newRow("200 X-Next-Token") << 200 << QByteArray("X-Next-Token") << QByteArray("abc==")
                                      << QNetworkReply::NoError;
}

void tst_LoopbackHttpServer::statusAndHeadersReachTheClient()
{
    QFETCH(int, status);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    QFETCH(QNetworkReply::NetworkError, error);

    LoopbackHttpServer server;
    server.route("GET", u"/x"_s,
                 HttpResponse::json(status, QJsonObject{{u"code"_s, status}, {u"message"_s, u"m"_s}})
                     .withHeader(header, value));
    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/x"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), status);
    QCOMPARE(reply->error(), error);
    QCOMPARE(reply->rawHeader(header), value);
    QCOMPARE(jsonOf(reply->readAll()).value(u"code"_s).toInt(), status);
}

void tst_LoopbackHttpServer::unroutedGets404Json()
{
    LoopbackHttpServer server;
    server.route("GET", u"/sandboxes"_s, HttpResponse::json(200, QJsonArray()));
    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/templates"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(reply->error(), QNetworkReply::ContentNotFoundError);
    QCOMPARE(statusOf(reply.get()), 404);
    QCOMPARE(reply->header(QNetworkRequest::ContentTypeHeader).toString(), u"application/json"_s);
    const QJsonObject body = jsonOf(reply->readAll());
    QCOMPARE(body.value(u"code"_s).toInt(), 404);
    QVERIFY(body.value(u"message"_s).toString().contains(u"/templates"_s));
    QCOMPARE(server.requestCount(), 1);  // recorded all the same

    // A method the path is not routed for is unrouted too.
    QNetworkRequest post = request(server.url(), u"/sandboxes"_s);
    post.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    reply.reset(m_nam->post(post, QByteArray("{}")));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 404);
}

void tst_LoopbackHttpServer::streamedPieceSplitAcrossWrites_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("chunked") << true;
    QTest::newRow("content-length") << false;
}

void tst_LoopbackHttpServer::streamedPieceSplitAcrossWrites()
{
    QFETCH(bool, chunked);
    const QByteArray frames = "frame-1;frame-2;";

    LoopbackHttpServer server;
    std::optional<HttpResponder> held;
    server.route("GET", u"/stream"_s, [&](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, {{"Content-Type", "application/connect+json"}},
                        chunked ? -1 : frames.size());
        responder.write("frame-1;");
        held = responder;
    });

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/stream"_s)));
    QByteArray received;
    connect(reply.get(), &QNetworkReply::readyRead, this,
            [&] { received += reply->readAll(); });

    QTRY_COMPARE_WITH_TIMEOUT(received, QByteArray("frame-1;"), kWaitMs);
    QVERIFY(held);
    QVERIFY(!reply->isFinished());
    // The second frame in two writes; the client must have read the first half on its own
    // before the rest is written.
    held->write("fra");
    QTRY_COMPARE_WITH_TIMEOUT(received, QByteArray("frame-1;fra"), kWaitMs);
    QVERIFY(!reply->isFinished());
    held->write("me-2;");
    held->finish();
    QVERIFY(waitFinished(reply.get()));
    received += reply->readAll();
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(received, frames);
    QCOMPARE(held->bodyBytesWritten(), qint64(frames.size()));
    QVERIFY(held->isFinished());
    QCOMPARE(reply->hasRawHeader("Content-Length"), !chunked);
}

void tst_LoopbackHttpServer::droppedConnectionIsANetworkError_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<bool>("reset");
    QTest::addColumn<bool>("fromStaticRoute");
    QTest::newRow("content-length, closed") << false << false << false;
    QTest::newRow("content-length, reset") << false << true << false;
    QTest::newRow("chunked, reset") << true << true << false;
    QTest::newRow("static droppedAfter") << false << false << true;
}

void tst_LoopbackHttpServer::droppedConnectionIsANetworkError()
{
    QFETCH(bool, chunked);
    QFETCH(bool, reset);
    QFETCH(bool, fromStaticRoute);
    LoopbackHttpServer server;
    const QByteArray body(1000, 'x');
    std::optional<HttpResponder> held;
    if (fromStaticRoute) {
        server.route("GET", u"/d"_s, HttpResponse::text(200, body).droppedAfter(100));
    } else {
        server.route("GET", u"/d"_s, [&](const HttpRequest &, HttpResponder responder) {
            responder.begin(200, {}, chunked ? -1 : body.size());
            responder.write(body.left(100));
            held = responder;
        });
    }
    QSignalSpy closed(&server, &LoopbackHttpServer::connectionClosed);

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/d"_s)));
    QByteArray received;
    connect(reply.get(), &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    if (!fromStaticRoute) {
        // Cut only once the client holds the first part, so a reset cannot discard it.
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 100, kWaitMs);
        QVERIFY(held);
        reset ? held->abort() : held->drop();
    }
    QVERIFY(waitFinished(reply.get()));
    received += reply->readAll();
    QVERIFY2(reply->error() != QNetworkReply::NoError, "a truncated body must not look complete");
    QVERIFY(reply->error() != QNetworkReply::OperationCanceledError);  // not the timeout
    QCOMPARE(received, body.left(100));
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kWaitMs);
    QCOMPARE(server.openConnectionCount(), 0);
    // Cut after part of an answer: the client must not have retried it behind our back.
    QCOMPARE(server.requestCount(), 1);
}

void tst_LoopbackHttpServer::chunkedDropEndsWithoutLastChunk()
{
    // Checked on the wire rather than through QNetworkAccessManager: Qt 6.4 reports a chunked
    // body cut by an orderly close as a success (see HttpResponder::drop()).
    LoopbackHttpServer server;
    server.route("GET", u"/d"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200);
        responder.write("0123456789");
        responder.drop();
        responder.write("never sent");
        responder.finish();
    });

    QTcpSocket client;
    client.connectToHost(server.url().host(), server.port());
    QVERIFY(client.waitForConnected(kWaitMs));
    client.write("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
    QSignalSpy disconnected(&client, &QTcpSocket::disconnected);
    QVERIFY(disconnected.wait(kWaitMs));
    const QByteArray wire = client.readAll();
    QVERIFY2(wire.startsWith("HTTP/1.1 200 OK\r\n"), wire.constData());
    QVERIFY(wire.contains("\r\nTransfer-Encoding: chunked\r\n"));
    QVERIFY2(wire.endsWith("\r\n\r\na\r\n0123456789\r\n"), wire.constData());
}

void tst_LoopbackHttpServer::stalledAnswerTimesOutAndServerSurvives()
{
    LoopbackHttpServer server;
    std::optional<HttpResponder> held;
    server.route("GET", u"/stall"_s, [&](const HttpRequest &, HttpResponder responder) {
        held = responder;  // never answered
    });
    server.route("GET", u"/static-stall"_s, HttpResponse::stalled());
    server.route("GET", u"/ok"_s, HttpResponse::text(200, "alive"));
    QSignalSpy closed(&server, &LoopbackHttpServer::connectionClosed);

    for (const QString &path : {u"/stall"_s, u"/static-stall"_s}) {
        QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), path, 300)));
        QVERIFY(waitFinished(reply.get()));
        QVERIFY2(reply->error() == QNetworkReply::OperationCanceledError
                     || reply->error() == QNetworkReply::TimeoutError,
                 qPrintable(reply->errorString()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 2, kWaitMs);
    QCOMPARE(server.openConnectionCount(), 0);

    // A handle to an abandoned answer is inert, not a crash.
    QVERIFY(held);
    QVERIFY(!held->isConnected());
    QVERIFY(held->isFinished());
    held->send(HttpResponse::text(200, "too late"));

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/ok"_s)));
    QVERIFY(waitFinished(reply.get()));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->readAll(), QByteArray("alive"));
    QCOMPARE(server.requestCount(), 3);
}

void tst_LoopbackHttpServer::delayedAnswer()
{
    LoopbackHttpServer server;
    server.route("GET", u"/slow"_s, HttpResponse::text(200, "late").delayed(300));
    server.route("GET", u"/slower"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.sendAfter(300, HttpResponse::text(202, "later"));
    });

    for (const auto &[path, status] : {std::pair{u"/slow"_s, 200}, std::pair{u"/slower"_s, 202}}) {
        QElapsedTimer timer;
        timer.start();
        QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), path)));
        QVERIFY(waitFinished(reply.get()));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(statusOf(reply.get()), status);
        QVERIFY2(timer.elapsed() >= 290, qPrintable(QString::number(timer.elapsed())));
    }
}

void tst_LoopbackHttpServer::producerStreamsWithBoundedBuffer_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::newRow("chunked") << true;
    QTest::newRow("content-length") << false;
}

void tst_LoopbackHttpServer::producerStreamsWithBoundedBuffer()
{
    QFETCH(bool, chunked);
    constexpr qint64 total = 20 * 1024 * 1024;
    constexpr qsizetype pieceSize = 64 * 1024;

    LoopbackHttpServer server;
    int calls = 0;
    QCryptographicHash sentHash(QCryptographicHash::Sha256);
    server.route("GET", u"/big"_s, [&](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, {{"Content-Type", "application/octet-stream"}}, chunked ? -1 : total);
        responder.produce([&, produced = qint64(0)]() mutable {
            ++calls;
            if (produced >= total)
                return QByteArray();
            // Each piece differs, so reordering or loss changes the hash.
            QByteArray piece(qsizetype(std::min<qint64>(pieceSize, total - produced)),
                             char('a' + calls % 26));
            piece[0] = char(calls & 0xff);
            produced += piece.size();
            sentHash.addData(piece);
            return piece;
        });
    });

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/big"_s, 60000)));
    qint64 received = 0;
    QCryptographicHash receivedHash(QCryptographicHash::Sha256);
    const auto drain = [&] {
        const QByteArray data = reply->readAll();
        received += data.size();
        receivedHash.addData(data);
    };
    connect(reply.get(), &QNetworkReply::readyRead, this, drain);
    QVERIFY(waitFinished(reply.get(), 60000));
    drain();

    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(received, total);
    QCOMPARE(receivedHash.result(), sentHash.result());
    QVERIFY2(calls > total / pieceSize, qPrintable(QString::number(calls)));
    // The server held at most about the low-water mark plus one piece, never the body.
    QVERIFY2(server.peakBytesQueued() < 1024 * 1024,
             qPrintable(QString::number(server.peakBytesQueued())));
}

void tst_LoopbackHttpServer::clientAbortReleasesTheProducer()
{
    LoopbackHttpServer server;
    auto token = std::make_shared<int>(0);
    std::optional<HttpResponder> held;
    server.route("GET", u"/endless"_s, [&](const HttpRequest &, HttpResponder responder) {
        responder.begin(200);
        responder.produce([token] {
            ++*token;
            return QByteArray(16 * 1024, 'z');
        });
        held = responder;
    });
    QSignalSpy closed(&server, &LoopbackHttpServer::connectionClosed);

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server.url(), u"/endless"_s)));
    qint64 received = 0;
    connect(reply.get(), &QNetworkReply::readyRead, this,
            [&] { received += reply->readAll().size(); });
    QTRY_VERIFY_WITH_TIMEOUT(received > 1024 * 1024, kWaitMs);
    reply->abort();
    QCOMPARE(reply->error(), QNetworkReply::OperationCanceledError);

    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kWaitMs);
    QVERIFY(held);
    QVERIFY(!held->isConnected());
    QVERIFY(held->isFinished());
    // The producer was let go with the connection: only our reference to its state remains.
    QCOMPARE(token.use_count(), 1);
    QCOMPARE(server.openConnectionCount(), 0);
}

void tst_LoopbackHttpServer::destroyingTheServerMidStreamFailsTheClient()
{
    auto server = std::make_unique<LoopbackHttpServer>();
    std::optional<HttpResponder> held;
    server->route("GET", u"/s"_s, [&](const HttpRequest &, HttpResponder responder) {
        responder.begin(200);
        responder.write("partial");
        held = responder;
    });

    QScopedPointer<QNetworkReply> reply(m_nam->get(request(server->url(), u"/s"_s)));
    QByteArray received;
    connect(reply.get(), &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(received, QByteArray("partial"), kWaitMs);

    server.reset();
    QVERIFY(held);
    QVERIFY(!held->isConnected());
    held->write("after the server went");  // inert
    held->finish();

    QVERIFY(waitFinished(reply.get()));
    QVERIFY(reply->error() != QNetworkReply::NoError);
    QVERIFY(reply->error() != QNetworkReply::OperationCanceledError);
}

QTEST_GUILESS_MAIN(tst_LoopbackHttpServer)
#include "tst_loopbackhttpserver.moc"
