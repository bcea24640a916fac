// SPDX-License-Identifier: MIT
#include "loopbackhttpserver.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <string_view>

using namespace Qt::StringLiterals;

namespace squad::test {

namespace {

// Bounds what a broken or hostile client can make the server buffer before it gives up.
constexpr qsizetype kMaxHeadBytes = 64 * 1024;
constexpr qsizetype kMaxLineBytes = 8 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return QByteArrayLiteral("Continue");
    case 200: return QByteArrayLiteral("OK");
    case 201: return QByteArrayLiteral("Created");
    case 202: return QByteArrayLiteral("Accepted");
    case 204: return QByteArrayLiteral("No Content");
    case 206: return QByteArrayLiteral("Partial Content");
    case 301: return QByteArrayLiteral("Moved Permanently");
    case 302: return QByteArrayLiteral("Found");
    case 304: return QByteArrayLiteral("Not Modified");
    case 307: return QByteArrayLiteral("Temporary Redirect");
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 403: return QByteArrayLiteral("Forbidden");
    case 404: return QByteArrayLiteral("Not Found");
    case 405: return QByteArrayLiteral("Method Not Allowed");
    case 408: return QByteArrayLiteral("Request Timeout");
    case 409: return QByteArrayLiteral("Conflict");
    case 410: return QByteArrayLiteral("Gone");
    case 411: return QByteArrayLiteral("Length Required");
    case 413: return QByteArrayLiteral("Content Too Large");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 422: return QByteArrayLiteral("Unprocessable Entity");
    case 429: return QByteArrayLiteral("Too Many Requests");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 501: return QByteArrayLiteral("Not Implemented");
    case 502: return QByteArrayLiteral("Bad Gateway");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 504: return QByteArrayLiteral("Gateway Timeout");
    default: return QByteArrayLiteral("Unknown");
    }
}

// RFC 9110 §8.6 and §15: these never carry content, so they never carry Content-Length either
// (a client may otherwise wait for a body that will not come).
bool statusHasBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

bool hasHeader(const HttpHeaders &headers, QByteArrayView name)
{
    return std::any_of(headers.cbegin(), headers.cend(), [&](const auto &header) {
        return header.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

// Whether a comma-separated header value (Connection, Transfer-Encoding) lists `token`.
bool listsToken(const QByteArray &value, QByteArrayView token)
{
    const QList<QByteArray> items = value.split(',');
    return std::any_of(items.cbegin(), items.cend(), [&](const QByteArray &item) {
        return item.trimmed().compare(token, Qt::CaseInsensitive) == 0;
    });
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](char c) {
        return c > 32 && c < 127 && std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
    });
}

QByteArray head(int status, const QByteArray &reason, const HttpHeaders &headers)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' '
        + (reason.isEmpty() ? reasonPhrase(status) : reason) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n";
    return out;
}

QByteArray chunk(const QByteArray &piece)
{
    return QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
}

} // namespace

// One accepted TCP connection: its parser state and the queue of requests waiting for the
// one being answered (HTTP/1.1 answers in request order on a connection).
struct HttpConnection
{
    enum class Stage { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers };

    int id = 0;
    QPointer<QTcpSocket> socket;
    QByteArray buffer;
    Stage stage = Stage::Head;
    HttpRequest current;
    qint64 remaining = 0;
    QList<HttpRequest> pending;
    std::shared_ptr<HttpResponseState> active;
    bool closed = false;       // no more reading or answering on it
    bool gone = false;         // the socket disconnected and was let go
    bool dispatching = false;  // guards against a handler that answers at once re-entering
};

struct HttpResponseState
{
    enum class Phase { Waiting, Streaming, Done };

    QPointer<LoopbackHttpServer> server;
    std::weak_ptr<HttpConnection> connection;
    HttpRequest request;
    Phase phase = Phase::Waiting;
    bool chunked = false;
    bool closeAfter = false;
    bool headOnly = false;  // HEAD: the head says what GET would send, no body follows
    qint64 declaredLength = -1;
    qint64 bodyWritten = 0;
    HttpResponder::Producer producer;
    qint64 lowWater = 0;
    bool pumping = false;
};

namespace {

// The connection a response may still write to, or null once the client, the answer or the
// server is gone.
std::shared_ptr<HttpConnection> live(const HttpResponseState &state)
{
    if (!state.server)
        return {};
    auto connection = state.connection.lock();
    if (!connection || connection->closed || !connection->socket)
        return {};
    return connection;
}

} // namespace

// ---- HttpRequest ------------------------------------------------------------------------

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpRequest::hasHeader(const QByteArray &name) const
{
    return squad::test::hasHeader(headers, name);
}

// ---- HttpResponse -----------------------------------------------------------------------

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    return text(status, QJsonDocument(object).toJson(QJsonDocument::Compact),
                QByteArrayLiteral("application/json"));
}

HttpResponse HttpResponse::json(int status, const QJsonArray &array)
{
    return text(status, QJsonDocument(array).toJson(QJsonDocument::Compact),
                QByteArrayLiteral("application/json"));
}

HttpResponse HttpResponse::text(int status, const QByteArray &body, const QByteArray &contentType)
{
    HttpResponse response;
    response.status = status;
    response.body = body;
    response.headers.append({QByteArrayLiteral("Content-Type"), contentType});
    return response;
}

HttpResponse HttpResponse::empty(int status)
{
    HttpResponse response;
    response.status = status;
    return response;
}

HttpResponse HttpResponse::stalled()
{
    HttpResponse response;
    response.stall = true;
    return response;
}

HttpResponse &HttpResponse::withHeader(const QByteArray &name, const QByteArray &value) &
{
    headers.append({name, value});
    return *this;
}

HttpResponse HttpResponse::withHeader(const QByteArray &name, const QByteArray &value) &&
{
    headers.append({name, value});
    return std::move(*this);
}

HttpResponse &HttpResponse::delayed(int ms) &
{
    delayMs = ms;
    return *this;
}

HttpResponse HttpResponse::delayed(int ms) &&
{
    delayMs = ms;
    return std::move(*this);
}

HttpResponse &HttpResponse::droppedAfter(qint64 bodyBytes) &
{
    dropAfterBytes = bodyBytes;
    return *this;
}

HttpResponse HttpResponse::droppedAfter(qint64 bodyBytes) &&
{
    dropAfterBytes = bodyBytes;
    return std::move(*this);
}

// ---- HttpResponder ----------------------------------------------------------------------

void HttpResponder::send(const HttpResponse &response) const
{
    if (response.stall)
        return;
    if (response.delayMs > 0) {
        HttpResponse now = response;
        now.delayMs = 0;
        sendAfter(response.delayMs, now);
        return;
    }
    const auto connection = live(*m_state);
    if (!connection)
        return;
    if (m_state->phase != HttpResponseState::Phase::Waiting) {
        qWarning("LoopbackHttpServer: %s %s answered twice", m_state->request.method.constData(),
                 m_state->request.target.constData());
        return;
    }
    const bool hasBody = statusHasBody(response.status);
    HttpHeaders headers = response.headers;
    if (hasBody && !hasHeader(headers, "Content-Length") && !hasHeader(headers, "Transfer-Encoding"))
        headers.append({QByteArrayLiteral("Content-Length"), QByteArray::number(response.body.size())});
    if (m_state->closeAfter && !hasHeader(headers, "Connection"))
        headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});

    m_state->phase = HttpResponseState::Phase::Streaming;
    writeRaw(head(response.status, response.reason, headers));
    const bool headOnly = m_state->headOnly || !hasBody;
    const QByteArray body = headOnly ? QByteArray() : response.body;
    if (response.dropAfterBytes >= 0) {
        writeRaw(body.left(response.dropAfterBytes));
        m_state->bodyWritten = std::min<qint64>(body.size(), response.dropAfterBytes);
        drop();
        return;
    }
    writeRaw(body);
    m_state->bodyWritten = body.size();
    finish();
}

void HttpResponder::sendAfter(int ms, const HttpResponse &response) const
{
    const auto connection = live(*m_state);
    if (!connection)
        return;
    HttpResponse later = response;
    later.delayMs = 0;
    // The socket as context: the timer dies with the connection, so a late answer to a client
    // that already gave up never fires.
    // Precise: tests measure the delay, and a coarse timer may fire up to 5% early.
    QTimer::singleShot(ms, Qt::PreciseTimer, connection->socket.data(),
                       [state = m_state, later] { HttpResponder(state).send(later); });
}

void HttpResponder::begin(int status, const HttpHeaders &headers, qint64 contentLength,
                          const QByteArray &reason) const
{
    const auto connection = live(*m_state);
    if (!connection)
        return;
    if (m_state->phase != HttpResponseState::Phase::Waiting) {
        qWarning("LoopbackHttpServer: begin() on a response already started");
        return;
    }
    HttpHeaders all = headers;
    m_state->chunked = contentLength < 0;
    m_state->declaredLength = contentLength;
    if (m_state->chunked)
        all.append({QByteArrayLiteral("Transfer-Encoding"), QByteArrayLiteral("chunked")});
    else
        all.append({QByteArrayLiteral("Content-Length"), QByteArray::number(contentLength)});
    if (m_state->closeAfter && !hasHeader(all, "Connection"))
        all.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    m_state->phase = HttpResponseState::Phase::Streaming;
    writeRaw(head(status, reason, all));
}

void HttpResponder::write(const QByteArray &piece) const
{
    if (m_state->phase != HttpResponseState::Phase::Streaming || piece.isEmpty())
        return;  // an empty chunk would end a chunked body, so it is never sent as one
    m_state->bodyWritten += piece.size();
    if (!m_state->headOnly)
        writeRaw(m_state->chunked ? chunk(piece) : piece);
}

void HttpResponder::writeRaw(const QByteArray &bytes) const
{
    const auto connection = live(*m_state);
    if (!connection || bytes.isEmpty())
        return;
    connection->socket->write(bytes);
    if (m_state->server)
        m_state->server->noteQueued(connection->socket->bytesToWrite());
}

void HttpResponder::finish() const
{
    if (m_state->phase != HttpResponseState::Phase::Streaming)
        return;
    if (m_state->chunked && !m_state->headOnly)
        writeRaw(QByteArrayLiteral("0\r\n\r\n"));
    else if (m_state->declaredLength >= 0 && m_state->bodyWritten != m_state->declaredLength)
        qWarning("LoopbackHttpServer: finished after %lld body bytes of %lld announced",
                 m_state->bodyWritten, m_state->declaredLength);
    m_state->phase = HttpResponseState::Phase::Done;
    m_state->producer = {};  // it may hold this very responder: break the cycle
    const auto connection = live(*m_state);
    if (connection && m_state->server)
        m_state->server->responseEnded(connection);
}

void HttpResponder::drop() const
{
    m_state->phase = HttpResponseState::Phase::Done;
    m_state->producer = {};
    if (const auto connection = live(*m_state)) {
        connection->closed = true;
        connection->socket->disconnectFromHost();  // flushes what was written, then closes
    }
}

void HttpResponder::abort() const
{
    m_state->phase = HttpResponseState::Phase::Done;
    m_state->producer = {};
    if (const auto connection = live(*m_state)) {
        connection->closed = true;
        connection->socket->abort();
    }
}

void HttpResponder::produce(Producer producer, qint64 lowWater) const
{
    if (m_state->phase != HttpResponseState::Phase::Streaming) {
        qWarning("LoopbackHttpServer: produce() needs begin() first");
        return;
    }
    m_state->producer = std::move(producer);
    m_state->lowWater = std::max<qint64>(lowWater, 1);
    if (const auto connection = live(*m_state); connection && m_state->server)
        m_state->server->pump(connection);
}

bool HttpResponder::isConnected() const
{
    return live(*m_state) != nullptr;
}

bool HttpResponder::isFinished() const
{
    return m_state->phase == HttpResponseState::Phase::Done || !isConnected();
}

qint64 HttpResponder::bodyBytesWritten() const
{
    return m_state->bodyWritten;
}

const HttpRequest &HttpResponder::request() const
{
    return m_state->request;
}

// ---- LoopbackHttpServer -----------------------------------------------------------------

LoopbackHttpServer::LoopbackHttpServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &LoopbackHttpServer::onNewConnection);
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        qWarning("LoopbackHttpServer: cannot listen: %s", qPrintable(m_server->errorString()));
}

LoopbackHttpServer::~LoopbackHttpServer()
{
    m_server->close();
    // Taken out first: aborting a socket emits disconnected, which would edit the table.
    const auto connections = std::exchange(m_connections, {});
    for (const auto &connection : connections) {
        connection->closed = true;
        if (connection->active)
            connection->active->producer = {};
        connection->active.reset();
        connection->pending.clear();
        if (QTcpSocket *socket = connection->socket) {
            socket->disconnect();  // its lambdas capture this, which is going away
            socket->abort();
            delete socket;
        }
    }
}

bool LoopbackHttpServer::isListening() const
{
    return m_server->isListening();
}

quint16 LoopbackHttpServer::port() const
{
    return m_server->serverPort();
}

QUrl LoopbackHttpServer::url() const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(port());
    return url;
}

int LoopbackHttpServer::openConnectionCount() const
{
    return int(m_connections.size());
}

void LoopbackHttpServer::route(const QByteArray &method, const QString &pathPattern, Handler handler)
{
    Route r;
    r.method = method.toUpper();
    r.segments = pathPattern.split(u'/');
    r.handler = std::move(handler);
    m_routes.append(std::move(r));
}

void LoopbackHttpServer::route(const QByteArray &method, const QString &pathPattern,
                               SimpleHandler handler)
{
    route(method, pathPattern,
          Handler([handler = std::move(handler)](const HttpRequest &request, HttpResponder responder) {
              responder.send(handler(request));
          }));
}

void LoopbackHttpServer::route(const QByteArray &method, const QString &pathPattern,
                               const HttpResponse &response)
{
    route(method, pathPattern, Handler([response](const HttpRequest &, HttpResponder responder) {
              responder.send(response);
          }));
}

void LoopbackHttpServer::clearRoutes()
{
    m_routes.clear();
}

void LoopbackHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        // Small pieces must leave at once: tests time a frame split across two writes.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto connection = std::make_shared<HttpConnection>();
        connection->id = ++m_connectionsAccepted;
        connection->socket = socket;
        m_connections.insert(socket, connection);
        const std::weak_ptr<HttpConnection> weak = connection;
        connect(socket, &QTcpSocket::readyRead, socket, [this, weak] {
            if (auto c = weak.lock())
                onReadyRead(c);
        });
        connect(socket, &QTcpSocket::bytesWritten, socket, [this, weak] {
            if (auto c = weak.lock())
                pump(c);
        });
        connect(socket, &QTcpSocket::disconnected, socket, [this, weak] {
            if (auto c = weak.lock())
                onDisconnected(c);
        });
        // Data may have arrived with the connection, before readyRead was connected.
        if (socket->bytesAvailable() > 0)
            onReadyRead(connection);
    }
}

void LoopbackHttpServer::onReadyRead(const std::shared_ptr<HttpConnection> &connection)
{
    if (connection->closed || !connection->socket)
        return;
    const QByteArray data = connection->socket->readAll();
    m_bytesReceived += data.size();
    connection->buffer += data;
    parse(*connection);
    dispatchPending(connection);
}

void LoopbackHttpServer::onDisconnected(const std::shared_ptr<HttpConnection> &connection)
{
    if (connection->gone)
        return;
    connection->gone = true;
    connection->closed = true;
    if (QTcpSocket *socket = connection->socket) {
        m_connections.remove(socket);
        socket->deleteLater();  // we may be inside one of its signals
    }
    connection->pending.clear();
    if (connection->active) {
        connection->active->producer = {};
        connection->active.reset();
    }
    connection->socket = nullptr;
    Q_EMIT connectionClosed(connection->id);
}

void LoopbackHttpServer::badRequest(HttpConnection &connection, int status, const QByteArray &why)
{
    // RFC 9112 §2.2/§6.3: after a framing error the rest of the stream cannot be trusted, so
    // answer and close.
    connection.buffer.clear();
    connection.pending.clear();
    if (!connection.socket || connection.closed)
        return;
    const QByteArray body = QJsonDocument(QJsonObject{{u"code"_s, status},
                                                      {u"message"_s, QString::fromUtf8(why)}})
                                .toJson(QJsonDocument::Compact);
    const HttpHeaders headers{{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")},
                              {QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())},
                              {QByteArrayLiteral("Connection"), QByteArrayLiteral("close")}};
    connection.socket->write(head(status, {}, headers) + body);
    connection.closed = true;
    connection.socket->disconnectFromHost();
}

void LoopbackHttpServer::completeRequest(HttpConnection &connection)
{
    connection.pending.append(std::move(connection.current));
    connection.current = HttpRequest();
    connection.stage = HttpConnection::Stage::Head;
}

void LoopbackHttpServer::parse(HttpConnection &c)
{
    using Stage = HttpConnection::Stage;
    while (!c.closed) {
        switch (c.stage) {
        case Stage::Head: {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            while (c.buffer.startsWith("\r\n"))
                c.buffer.remove(0, 2);
            const qsizetype end = c.buffer.indexOf("\r\n\r\n");
            if (end < 0) {
                if (c.buffer.size() > kMaxHeadBytes)
                    badRequest(c, 431, "request head too large");
                return;
            }
            const QByteArray headText = c.buffer.left(end);
            c.buffer.remove(0, end + 4);
            const QList<QByteArray> lines = headText.split('\n');
            const QList<QByteArray> requestLine = lines.first().chopped(
                lines.first().endsWith('\r') ? 1 : 0).split(' ');
            if (requestLine.size() != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty()
                || !requestLine[2].startsWith("HTTP/1.")) {
                badRequest(c, 400, "malformed request line");
                return;
            }
            HttpRequest request;
            request.connection = c.id;
            request.method = requestLine[0];
            request.target = requestLine[1];
            request.version = requestLine[2];
            const qsizetype question = request.target.indexOf('?');
            request.path = question < 0 ? request.target : request.target.left(question);
            if (question >= 0)
                request.query = QUrlQuery(QString::fromUtf8(request.target.mid(question + 1)));
            for (qsizetype i = 1; i < lines.size(); ++i) {
                QByteArray line = lines[i];
                if (line.endsWith('\r'))
                    line.chop(1);
                const qsizetype colon = line.indexOf(':');
                // Obsolete line folding and whitespace before the colon are errors (§5.1-5.2).
                if (colon <= 0 || !isToken(line.left(colon))) {
                    badRequest(c, 400, "malformed header line");
                    return;
                }
                request.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
            }

            const QByteArray transferEncoding = request.header("Transfer-Encoding");
            QList<QByteArray> lengths;
            for (const auto &[name, value] : request.headers) {
                if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                    lengths.append(value);
            }
            c.current = std::move(request);
            if (!transferEncoding.isEmpty()) {
                // §6.1: a request whose final coding is not chunked has no knowable length.
                if (transferEncoding.split(',').last().trimmed().compare("chunked", Qt::CaseInsensitive)
                    != 0) {
                    badRequest(c, 400, "unsupported transfer coding");
                    return;
                }
                c.stage = Stage::ChunkSize;
            } else if (!lengths.isEmpty()) {
                bool ok = false;
                const qint64 length = lengths.first().toLongLong(&ok);
                const bool consistent = std::all_of(lengths.cbegin(), lengths.cend(),
                                                    [&](const QByteArray &v) { return v == lengths.first(); });
                if (!ok || length < 0 || !consistent) {
                    badRequest(c, 400, "invalid Content-Length");
                    return;
                }
                c.remaining = length;
                c.stage = Stage::Body;
            } else {
                completeRequest(c);
                break;
            }
            if (listsToken(c.current.header("Expect"), "100-continue") && c.socket)
                c.socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            break;
        }
        case Stage::Body: {
            const qsizetype take = qsizetype(std::min<qint64>(c.remaining, c.buffer.size()));
            c.current.body += c.buffer.left(take);
            c.buffer.remove(0, take);
            c.remaining -= take;
            if (c.remaining > 0)
                return;
            completeRequest(c);
            break;
        }
        case Stage::ChunkSize: {
            const qsizetype end = c.buffer.indexOf("\r\n");
            if (end < 0) {
                if (c.buffer.size() > kMaxLineBytes)
                    badRequest(c, 400, "chunk size line too long");
                return;
            }
            QByteArray sizeText = c.buffer.left(end);
            c.buffer.remove(0, end + 2);
            if (const qsizetype semicolon = sizeText.indexOf(';'); semicolon >= 0)
                sizeText.truncate(semicolon);  // chunk extensions are allowed and ignored
            bool ok = false;
            const qint64 size = sizeText.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                badRequest(c, 400, "invalid chunk size");
                return;
            }
            c.remaining = size;
            c.stage = size == 0 ? Stage::Trailers : Stage::ChunkData;
            break;
        }
        case Stage::ChunkData: {
            const qsizetype take = qsizetype(std::min<qint64>(c.remaining, c.buffer.size()));
            c.current.body += c.buffer.left(take);
            c.buffer.remove(0, take);
            c.remaining -= take;
            if (c.remaining > 0)
                return;
            c.stage = Stage::ChunkDataEnd;
            break;
        }
        case Stage::ChunkDataEnd:
            if (c.buffer.size() < 2)
                return;
            if (!c.buffer.startsWith("\r\n")) {
                badRequest(c, 400, "chunk data not followed by CRLF");
                return;
            }
            c.buffer.remove(0, 2);
            c.stage = Stage::ChunkSize;
            break;
        case Stage::Trailers: {
            const qsizetype end = c.buffer.indexOf("\r\n");
            if (end < 0) {
                if (c.buffer.size() > kMaxHeadBytes)
                    badRequest(c, 431, "trailer section too large");
                return;
            }
            const QByteArray line = c.buffer.left(end);
            c.buffer.remove(0, end + 2);
            if (line.isEmpty()) {
                completeRequest(c);
                break;
            }
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                badRequest(c, 400, "malformed trailer line");
                return;
            }
            c.current.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
            break;
        }
        }
    }
}

void LoopbackHttpServer::dispatchPending(const std::shared_ptr<HttpConnection> &connection)
{
    if (connection->dispatching)
        return;  // the loop below picks the next request up once the handler returns
    connection->dispatching = true;
    while (!connection->closed && !connection->active && !connection->pending.isEmpty())
        dispatch(connection, connection->pending.takeFirst());
    connection->dispatching = false;
}

bool LoopbackHttpServer::match(const Route &route, HttpRequest &request) const
{
    if (route.method != "*" && route.method != request.method)
        return false;
    const QList<QByteArray> segments = request.path.split('/');
    QHash<QString, QString> params;
    for (qsizetype i = 0; i < route.segments.size(); ++i) {
        const QString &pattern = route.segments[i];
        const bool capture = pattern.startsWith(u'{') && pattern.endsWith(u'}');
        if (capture && pattern.endsWith(u"*}")) {
            if (i != route.segments.size() - 1 || i >= segments.size())
                return false;
            const QByteArray rest = segments.mid(i).join('/');
            params.insert(pattern.mid(1, pattern.size() - 3), QUrl::fromPercentEncoding(rest));
            request.params = params;
            return true;
        }
        if (i >= segments.size())
            return false;
        const QString value = QUrl::fromPercentEncoding(segments[i]);
        if (capture) {
            if (value.isEmpty())
                return false;
            params.insert(pattern.mid(1, pattern.size() - 2), value);
        } else if (value != pattern) {
            return false;
        }
    }
    if (segments.size() != route.segments.size())
        return false;
    request.params = params;
    return true;
}

void LoopbackHttpServer::dispatch(const std::shared_ptr<HttpConnection> &connection,
                                  HttpRequest request)
{
    const Handler *handler = nullptr;
    for (auto it = m_routes.crbegin(); it != m_routes.crend(); ++it) {
        if (match(*it, request)) {
            handler = &it->handler;
            break;
        }
    }
    auto state = std::make_shared<HttpResponseState>();
    state->server = this;
    state->connection = connection;
    state->closeAfter = listsToken(request.header("Connection"), "close")
        || (request.version == "HTTP/1.0" && !listsToken(request.header("Connection"), "keep-alive"));
    state->headOnly = request.method == "HEAD";
    state->request = request;
    connection->active = state;
    m_requests.append(request);
    Q_EMIT requestReceived(request);

    const HttpResponder responder(state);
    if (!handler) {
        responder.send(HttpResponse::json(
            404, QJsonObject{{u"code"_s, 404},
                             {u"message"_s, u"no route for %1 %2"_s.arg(QString::fromUtf8(request.method),
                                                                        QString::fromUtf8(request.path))}}));
        return;
    }
    // A copy: the handler may add routes, which can reallocate m_routes under it.
    const Handler call = *handler;
    call(request, responder);
}

void LoopbackHttpServer::responseEnded(const std::shared_ptr<HttpConnection> &connection)
{
    const auto state = std::exchange(connection->active, nullptr);
    if (state && state->closeAfter) {
        connection->closed = true;
        if (connection->socket)
            connection->socket->disconnectFromHost();
        return;
    }
    dispatchPending(connection);
}

void LoopbackHttpServer::pump(const std::shared_ptr<HttpConnection> &connection)
{
    const auto state = connection->active;
    if (!state || !state->producer || state->pumping)
        return;
    state->pumping = true;
    const HttpResponder responder(state);
    while (state->producer && state->phase == HttpResponseState::Phase::Streaming
           && !connection->closed && connection->socket
           && connection->socket->bytesToWrite() < state->lowWater) {
        const QByteArray piece = state->producer();
        if (piece.isEmpty()) {
            responder.finish();
            break;
        }
        responder.write(piece);
    }
    state->pumping = false;
}

void LoopbackHttpServer::noteQueued(qint64 bytes)
{
    m_peakBytesQueued = std::max(m_peakBytesQueued, bytes);
}

} // namespace squad::test
