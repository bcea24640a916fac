// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <utility>

class QTcpServer;
class QTcpSocket;

namespace squad::test {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

// One request as the server parsed it, body already de-chunked.
struct HttpRequest
{
    QByteArray method;
    QByteArray version;  // HTTP/1.1 or HTTP/1.0
    QByteArray target;  // as sent: path and query, still percent-encoded
    QByteArray path;    // target without the query, still percent-encoded
    QUrlQuery query;
    HttpHeaders headers;  // in the order sent, names as sent
    QByteArray body;
    QHash<QString, QString> params;  // {name} captures of the matched route, percent-decoded
    int connection = 0;  // which TCP connection carried it (1, 2, ... in accept order)

    // The first header of that name, compared case-insensitively; empty when absent.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
    QString param(const QString &name) const { return params.value(name); }
};

// A complete answer. Content-Length is added unless the headers carry one (or the status
// forbids a body).
struct HttpResponse
{
    int status = 200;
    QByteArray reason;  // empty: the standard phrase for the status
    HttpHeaders headers;
    QByteArray body;
    int delayMs = 0;            // answer this long after the request arrived
    qint64 dropAfterBytes = -1; // >= 0: send the head and this much body, then close
    bool stall = false;         // never answer; the connection stays open until the client goes

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse json(int status, const QJsonArray &array);
    static HttpResponse text(int status, const QByteArray &body,
                             const QByteArray &contentType = QByteArrayLiteral("text/plain; charset=utf-8"));
    static HttpResponse empty(int status);
    static HttpResponse stalled();

    // Chainable: HttpResponse::json(429, error).withHeader("Retry-After", "2").
    HttpResponse &withHeader(const QByteArray &name, const QByteArray &value) &;
    HttpResponse withHeader(const QByteArray &name, const QByteArray &value) &&;
    HttpResponse &delayed(int ms) &;
    HttpResponse delayed(int ms) &&;
    HttpResponse &droppedAfter(qint64 bodyBytes) &;
    HttpResponse droppedAfter(qint64 bodyBytes) &&;
};

class LoopbackHttpServer;
struct HttpConnection;
struct HttpResponseState;

// The handle a handler answers through. Copyable; keep a copy to answer later (from a timer,
// another request's handler, a test step). Every call is a no-op once the client has gone or
// the server is destroyed, so a handle may safely outlive both.
class HttpResponder
{
public:
    // Produces the next piece of a streamed body on demand; an empty result ends the body.
    using Producer = std::function<QByteArray()>;

    // The whole answer at once (honours delayMs, stall and dropAfterBytes).
    void send(const HttpResponse &response) const;
    void sendAfter(int ms, const HttpResponse &response) const;

    // Starts a streamed answer: contentLength < 0 streams with Transfer-Encoding: chunked,
    // otherwise the head announces that length and the pieces are written bare.
    void begin(int status, const HttpHeaders &headers = {}, qint64 contentLength = -1,
               const QByteArray &reason = {}) const;
    // One piece of body; in chunked mode each call is one chunk on the wire.
    void write(const QByteArray &piece) const;
    // Bytes straight onto the socket, no chunk framing: for deliberately malformed answers.
    void writeRaw(const QByteArray &bytes) const;
    // Ends the body (the terminating zero chunk in chunked mode).
    void finish() const;
    // Sends what was written so far, then closes the connection (FIN) without ending the body.
    // Beware: Qt 6.4's QNetworkAccessManager reports a chunked body cut this way as NoError
    // with the partial data (a Content-Length body gives RemoteHostClosedError); to fail a
    // chunked stream through it, use abort() once the client has the part that matters.
    void drop() const;
    // Closes at once (RST), discarding anything not yet sent; data the client has not read
    // yet may be lost on its side too.
    void abort() const;
    // Streams the body from `producer`, called whenever less than `lowWater` bytes wait in
    // the socket's write buffer, so the server never holds more than about lowWater plus one
    // piece; finishes when the producer returns an empty array. Call after begin().
    void produce(Producer producer, qint64 lowWater = 256 * 1024) const;

    bool isConnected() const;
    bool isFinished() const;   // the answer is complete, dropped, or the client went away
    qint64 bodyBytesWritten() const;
    const HttpRequest &request() const;

private:
    friend class LoopbackHttpServer;
    explicit HttpResponder(std::shared_ptr<HttpResponseState> state) : m_state(std::move(state)) {}
    std::shared_ptr<HttpResponseState> m_state;
};

// An HTTP/1.1 server on 127.0.0.1 with an ephemeral port, living in the thread that made it
// and never blocking it, so a test can drive a real client against it in one event loop.
class LoopbackHttpServer : public QObject
{
    Q_OBJECT

public:
    using Request = HttpRequest;
    using Response = HttpResponse;
    using Responder = HttpResponder;
    using Handler = std::function<void(const HttpRequest &, HttpResponder)>;
    using SimpleHandler = std::function<HttpResponse(const HttpRequest &)>;

    explicit LoopbackHttpServer(QObject *parent = nullptr);
    ~LoopbackHttpServer() override;

    bool isListening() const;
    QUrl url() const;  // http://127.0.0.1:PORT
    quint16 port() const;

    // Routes `method` ("*" for any) and a path pattern whose segments may be `{name}`
    // (one segment) or, last, `{name*}` (the rest of the path, slashes included). The newest
    // matching route wins, so a test can override a default. Unrouted requests get 404 with
    // a JSON body.
    void route(const QByteArray &method, const QString &pathPattern, Handler handler);
    void route(const QByteArray &method, const QString &pathPattern, SimpleHandler handler);
    void route(const QByteArray &method, const QString &pathPattern, const HttpResponse &response);
    void clearRoutes();

    QList<HttpRequest> requests() const { return m_requests; }
    qsizetype requestCount() const { return m_requests.size(); }
    HttpRequest lastRequest() const { return m_requests.value(m_requests.size() - 1); }
    void clearRequests() { m_requests.clear(); }

    int connectionCount() const { return m_connectionsAccepted; }  // ever accepted
    int openConnectionCount() const;
    qint64 bytesReceived() const { return m_bytesReceived; }
    // The most bytes ever waiting in one socket's write buffer right after the server wrote.
    qint64 peakBytesQueued() const { return m_peakBytesQueued; }

Q_SIGNALS:
    void requestReceived(const squad::test::HttpRequest &request);
    // Either side closed it: the client went away, or drop()/abort()/Connection: close.
    void connectionClosed(int connection);

private:
    friend class HttpResponder;
    struct Route
    {
        QByteArray method;
        QStringList segments;
        Handler handler;
    };

    void onNewConnection();
    void onReadyRead(const std::shared_ptr<HttpConnection> &connection);
    void onDisconnected(const std::shared_ptr<HttpConnection> &connection);
    void parse(HttpConnection &connection);
    void completeRequest(HttpConnection &connection);
    void dispatchPending(const std::shared_ptr<HttpConnection> &connection);
    void dispatch(const std::shared_ptr<HttpConnection> &connection, HttpRequest request);
    bool match(const Route &route, HttpRequest &request) const;
    void responseEnded(const std::shared_ptr<HttpConnection> &connection);
    void pump(const std::shared_ptr<HttpConnection> &connection);
    void noteQueued(qint64 bytes);
    void badRequest(HttpConnection &connection, int status, const QByteArray &why);

    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, std::shared_ptr<HttpConnection>> m_connections;
    QList<Route> m_routes;
    QList<HttpRequest> m_requests;
    int m_connectionsAccepted = 0;
    qint64 m_bytesReceived = 0;
    qint64 m_peakBytesQueued = 0;
};

} // namespace squad::test
