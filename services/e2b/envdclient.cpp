// SPDX-License-Identifier: MIT
#include "envdclient.h"

#include "e2b/connectenvelope.h"
#include "e2b/e2berrors.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QHttpMultiPart>
#include <QNetworkReply>
#include <QPointer>
#include <QPromise>
#include <QTimer>
#include <QUrlQuery>

#include <array>
#include <string_view>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QJsonObject startRequest(const CommandSpec &spec)
{
    QJsonObject process{{u"cmd"_s, spec.argv.value(0)},
                        {u"args"_s, QJsonArray::fromStringList(spec.argv.mid(1))}};
    if (!spec.environment.isEmpty()) {
        QJsonObject envs;
        for (auto it = spec.environment.begin(); it != spec.environment.end(); ++it)
            envs.insert(it.key(), it.value());
        process.insert(u"envs"_s, envs);
    }
    if (!spec.workingDirectory.isEmpty())
        process.insert(u"cwd"_s, spec.workingDirectory);
    // No stdin: envd would otherwise keep one open for input nobody sends.
    return {{u"process"_s, process}, {u"stdin"_s, false}};
}

// Whole quads of standard base64 to bytes, four pre-shifted table lookups per quad (an
// invalid character sets bit 24); false on a character outside the alphabet.
bool decodeQuads(const quint8 *in, qsizetype size, quint8 *to)
{
    using Table = std::array<quint32, 256>;
    static constexpr std::array<Table, 4> Tables = [] {
        constexpr std::string_view alphabet
            = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::array<Table, 4> tables{};
        for (Table &table : tables)
            table.fill(0x01ffffff);
        // Bits of the 24-bit group, first output byte lowest.
        for (quint32 v = 0; v < alphabet.size(); ++v) {
            const auto c = quint8(alphabet[v]);
            tables[0][c] = v << 2;
            tables[1][c] = (v >> 4) | (v & 0x0f) << 12;
            tables[2][c] = (v >> 2) << 8 | (v & 0x03) << 22;
            tables[3][c] = v << 16;
        }
        return tables;
    }();
    for (qsizetype i = 0; i < size; i += 4, to += 3) {
        const quint32 bits = Tables[0][in[i]] | Tables[1][in[i + 1]] | Tables[2][in[i + 2]]
                             | Tables[3][in[i + 3]];
        if (bits > 0xffffff)
            return false;
        to[0] = quint8(bits);
        to[1] = quint8(bits >> 8);
        to[2] = quint8(bits >> 16);
    }
    return true;
}

#if defined(__x86_64__) && defined(__GNUC__)
// 32 characters to 24 bytes per step with AVX2 (Muła and Lemire, "Faster Base64 Encoding and
// Decoding using AVX2 Instructions", 2018: nibble lookups both validate and translate).
// Returns the characters taken (a multiple of 32) or -1 on one outside the alphabet. Each
// 32-byte store writes 8 bytes past its 24, so the last 32 characters are left to the caller.
__attribute__((target("avx2"))) qsizetype decodeAvx2(const quint8 *in, qsizetype size, quint8 *to)
{
    const __m256i lutLo = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
    const __m256i lutHi = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i lutRoll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i slash = _mm256_set1_epi8('/');
    const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                          2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
    qsizetype taken = 0;
    for (; size - taken >= 64; taken += 32, to += 24) {
        const __m256i text = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(in + taken));
        const __m256i hiNibbles = _mm256_and_si256(_mm256_srli_epi32(text, 4), nibble);
        const __m256i loNibbles = _mm256_and_si256(text, nibble);
        if (!_mm256_testz_si256(_mm256_shuffle_epi8(lutLo, loNibbles),
                                _mm256_shuffle_epi8(lutHi, hiNibbles))) {
            return -1;
        }
        const __m256i isSlash = _mm256_cmpeq_epi8(text, slash);
        const __m256i values
            = _mm256_add_epi8(text, _mm256_shuffle_epi8(lutRoll, _mm256_add_epi8(isSlash, hiNibbles)));
        const __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
        const __m256i triples = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
        const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(triples, pack), lanes);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(to), bytes);
    }
    return taken;
}
#endif

// Standard padded base64 (RFC 4648 §4, as Go's encoding/base64 writes envd's bytes fields)
// decoded into `out`, reusing its allocation; false for anything else, which then takes Qt's
// lenient decoder. Qt 6.4's decoder works a bit at a time: it was 40% of `sandboxes exec`'s
// CPU time on a fast stream; the table-driven loop is ~7x faster, AVX2 (where the CPU has
// it) another ~7x.
bool decodeBase64(QByteArrayView text, QByteArray &out)
{
    const qsizetype size = text.size();
    if (size % 4 != 0)
        return false;
    const auto *in = reinterpret_cast<const quint8 *>(text.data());
    const qsizetype padding = size == 0 || in[size - 1] != '=' ? 0 : in[size - 2] == '=' ? 2 : 1;
    const qsizetype decodedSize = size / 4 * 3 - padding;
    if (out.isDetached())
        out.resize(decodedSize);
    else
        out = QByteArray(decodedSize, Qt::Uninitialized);  // a receiver kept the last one
    auto *to = reinterpret_cast<quint8 *>(out.data());
    const qsizetype whole = padding ? size - 4 : size;  // quads without padding
    qsizetype taken = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx2) {
        taken = decodeAvx2(in, whole, to);
        if (taken < 0)
            return false;
    }
#endif
    if (!decodeQuads(in + taken, whole - taken, to + taken / 4 * 3))
        return false;
    if (padding) {
        // The last quad with its padding read as 'A' (zero bits), then only its real bytes kept.
        const quint8 last[4] = {in[whole], in[whole + 1], padding == 1 ? in[whole + 2] : quint8('A'), quint8('A')};
        quint8 bytes[3];
        if (!decodeQuads(last, 4, bytes))
            return false;
        to += whole / 4 * 3;
        to[0] = bytes[0];
        if (padding == 1)
            to[1] = bytes[1];
    }
    return true;
}

// Why a plain HTTP exchange with envd failed: its status mapped, or the sandbox unreachable.
Error replyError(QNetworkReply *reply, const QString &what)
{
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid())
        return envdHttpError(status.toInt(), reply->readAll(), what);
    return {ErrorCode::Unavailable, u"%1 failed: the sandbox could not be reached."_s.arg(what),
            reply->errorString()};
}

} // namespace

// One `process.Process/Start` stream.
class EnvdCommandRun final : public CommandRun
{
public:
    static constexpr qint64 StreamBufferBytes = 1024 * 1024;

    EnvdCommandRun(EnvdClient *client, const CommandSpec &spec, QObject *parent)
        : CommandRun(parent)
        , m_client(client)
    {
        QNetworkRequest request = client->request(u"process.Process/Start"_s, true);
        if (spec.timeoutMs > 0) {
            // envd takes this as the process's lifetime; our own timer below says "timed out".
            request.setRawHeader("Connect-Timeout-Ms", QByteArray::number(spec.timeoutMs));
            m_deadline = new QTimer(this);
            m_deadline->setSingleShot(true);
            connect(m_deadline, &QTimer::timeout, this, [this] {
                m_timedOut = true;
                kill();
            });
            m_deadline->start(spec.timeoutMs);
        }
        const QByteArray body = connect::encodeEnvelope(
            QJsonDocument(startRequest(spec)).toJson(QJsonDocument::Compact));
        m_reply = client->m_network->post(request, body);
        // Backpressure: a fast stream is read from the network no faster than it is parsed.
        // Qt 6.4 loses a limit set before its network thread has taken the request, so it is
        // set again as soon as that thread reports on it, before the body flows (bench_e2b
        // measures the peak).
        m_reply->setReadBufferSize(StreamBufferBytes);
        for (auto signal : {&QNetworkReply::socketStartedConnecting, &QNetworkReply::requestSent,
                            &QNetworkReply::metaDataChanged}) {
            connect(m_reply, signal, this, [this] { m_reply->setReadBufferSize(StreamBufferBytes); });
        }
        connect(m_reply, &QNetworkReply::readyRead, this, [this] { readEvents(); });
        connect(m_reply, &QNetworkReply::finished, this, [this] { onStreamEnded(); });
    }

    ~EnvdCommandRun() override
    {
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
            m_reply->deleteLater();
        }
    }

    void cancel() override
    {
        if (isFinished())
            return;
        m_cancelled = true;
        kill();
        finish(fail(ErrorCode::Cancelled, u"The command was cancelled."_s));
        if (m_reply) {
            m_reply->disconnect(this);
            m_reply->abort();
        }
    }

private:
    void kill()
    {
        if (m_pid != 0 && m_client)
            (void)m_client->sendSignal(m_pid, EnvdClient::Signal::Kill);
    }

    void readEvents()
    {
        if (isFinished())
            return;
        if (!m_streaming) {
            const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 200)
                return;  // an HTTP-level failure: its body is read whole when the reply ends
            m_streaming = true;
        }
        if (m_reader.readFrom(*m_reply) < 0) {
            // Left to the reply's end, which says why; nothing is lost by not reading now.
            return;
        }
        while (!isFinished()) {
            auto next = m_reader.nextView();
            if (!next) {
                end(tl::unexpected(next.error()));
                return;
            }
            if (!*next)
                return;
            handle(**next);
        }
    }

    // The common event, `{"event":{"data":{"stdout":"<base64>"}}}` as envd writes it, read
    // without building a JSON document: output is most of a stream's bytes. Anything else
    // (or any other spacing) takes the general path.
    bool handleOutputFast(QByteArrayView payload)
    {
        for (const auto &[prefix, channel] :
             {std::pair(QByteArrayView(R"({"event":{"data":{"stdout":")"), Channel::Stdout),
              std::pair(QByteArrayView(R"({"event":{"data":{"stderr":")"), Channel::Stderr)}) {
            if (!payload.startsWith(prefix))
                continue;
            const QByteArrayView suffix(R"("}}})");
            if (!payload.endsWith(suffix))
                return false;
            // Decoded straight from the payload into one reused array (a receiver that keeps
            // the output shares it, and the next decoding then allocates afresh). A quote, an
            // escape or anything else outside base64 sends the event down the general path.
            if (!decodeBase64(payload.sliced(prefix.size(), payload.size() - prefix.size() - suffix.size()),
                              m_decoded)) {
                return false;
            }
            Q_EMIT this->output(channel, m_decoded);
            return true;
        }
        return false;
    }

    void handle(const connect::EnvelopeView &envelope)
    {
        if (!envelope.endOfStream() && handleOutputFast(envelope.payload))
            return;
        if (envelope.endOfStream()) {
            const Result<void> outcome = connect::endOfStreamOutcome(envelope.payload);
            if (!outcome)
                end(tl::unexpected(outcome.error()));
            else if (!m_exitCode)
                end(fail(ErrorCode::Provider, u"The sandbox ended the command's stream without its exit code."_s));
            else
                end(CommandOutcome{m_timedOut ? 124 : *m_exitCode, m_timedOut});
            return;
        }
        const QJsonObject event = QJsonDocument::fromJson(envelope.payload.toByteArray())
                                      .object()
                                      .value("event"_L1)
                                      .toObject();
        if (const QJsonValue start = event.value("start"_L1); start.isObject()) {
            m_pid = quint32(start.toObject().value("pid"_L1).toInteger());
            if (m_cancelled || m_timedOut)
                kill();
        } else if (const QJsonValue data = event.value("data"_L1); data.isObject()) {
            const QJsonObject output = data.toObject();
            for (const auto &[key, channel] : {std::pair("stdout"_L1, Channel::Stdout),
                                               std::pair("stderr"_L1, Channel::Stderr),
                                               std::pair("pty"_L1, Channel::Stdout)}) {
                const QJsonValue bytes = output.value(key);
                if (bytes.isString())
                    Q_EMIT this->output(channel, QByteArray::fromBase64(bytes.toString().toLatin1()));
            }
        } else if (const QJsonValue ended = event.value("end"_L1); ended.isObject()) {
            // Zero values are omitted in proto3 JSON: no exitCode key means exit code 0. A
            // signal gives -1; as a shell does, report 128 + the signal when we know it.
            const QJsonObject end = ended.toObject();
            int code = end.value("exitCode"_L1).toInt(0);
            if (code < 0 && end.value("status"_L1).toString().contains(u"killed"_s))
                code = 128 + 9;
            m_exitCode = code;
        }
        // keepalive: nothing to do; its arrival is what keeps the transfer timeout at bay.
    }

    void onStreamEnded()
    {
        if (isFinished())
            return;
        readEvents();
        if (isFinished())
            return;
        const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.isValid() && status.toInt() != 200) {
            end(tl::unexpected(envdHttpError(status.toInt(), m_reply->readAll(), u"Running the command"_s)));
            return;
        }
        if (m_reply->error() != QNetworkReply::NoError && !status.isValid()) {
            end(fail(ErrorCode::Unavailable,
                     u"Running the command failed: the sandbox could not be reached."_s,
                     m_reply->errorString()));
            return;
        }
        end(fail(ErrorCode::Unavailable,
                 m_reader.hasPartial()
                     ? u"The connection to the sandbox broke in the middle of the command's output."_s
                     : u"The connection to the sandbox closed before the command ended."_s,
                 m_reply->errorString()));
    }

    void end(Result<CommandOutcome> result)
    {
        if (m_deadline)
            m_deadline->stop();
        finish(std::move(result));
    }

    QPointer<EnvdClient> m_client;
    QPointer<QNetworkReply> m_reply;
    QTimer *m_deadline = nullptr;
    connect::EnvelopeReader m_reader;
    QByteArray m_decoded;
    quint32 m_pid = 0;
    std::optional<int> m_exitCode;
    bool m_timedOut = false;
    bool m_cancelled = false;
    bool m_streaming = false;  // the status was 200: the body is envelopes
};

EnvdClient::EnvdClient(E2bEndpoint::EnvdRoute route, QString accessToken, QObject *parent)
    : QObject(parent)
    , m_route(std::move(route))
    , m_accessToken(std::move(accessToken))
    , m_network(new QNetworkAccessManager(this))
{
}

EnvdClient::~EnvdClient() = default;

QNetworkRequest EnvdClient::request(const QString &rpc, bool streaming) const
{
    QUrl url = m_route.baseUrl;
    url.setPath(url.path() + u'/' + rpc);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      streaming ? u"application/connect+json"_s : u"application/json"_s);
    request.setRawHeader("Connect-Protocol-Version", "1");
    for (const auto &[name, value] : m_route.headers)
        request.setRawHeader(name, value);
    if (!m_accessToken.isEmpty())
        request.setRawHeader("X-Access-Token", m_accessToken.toUtf8());
    if (streaming) {
        request.setRawHeader("Connect-Accept-Encoding", "identity");
        request.setRawHeader("Keepalive-Ping-Interval", QByteArray::number(m_keepaliveSeconds));
        // Silence longer than two keepalives means the stream is dead.
        request.setTransferTimeout(m_keepaliveSeconds * 2 * 1000 + 5000);
    } else {
        request.setTransferTimeout(m_requestTimeoutMs);
    }
    return request;
}

CommandRun *EnvdClient::start(const CommandSpec &spec, QObject *parent)
{
    if (spec.argv.isEmpty())
        return CommandRun::failed(Error(ErrorCode::InvalidArgument, u"No command to run."_s), parent);
    return new EnvdCommandRun(this, spec, parent);
}

QFuture<Result<void>> EnvdClient::sendSignal(quint32 pid, Signal signal)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    const QNetworkRequest request = this->request(u"process.Process/SendSignal"_s, false);
    const QJsonObject body{
        {u"process"_s, QJsonObject{{u"pid"_s, qint64(pid)}}},
        {u"signal"_s, signal == Signal::Kill ? u"SIGNAL_SIGKILL"_s : u"SIGNAL_SIGTERM"_s}};
    QNetworkReply *reply
        = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [reply, promise] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.toInt() == 200) {
            promise->addResult(Result<void>());
        } else if (status.isValid()) {
            const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object();
            const QJsonValue code = error.value("code"_L1);
            promise->addResult(tl::unexpected(
                code.isString() ? connect::errorFromConnect(code.toString(), error.value("message"_L1).toString(),
                                                            u"Stopping the command"_s)
                                : envdHttpError(status.toInt(), QJsonDocument(error).toJson(),
                                                u"Stopping the command"_s)));
        } else {
            promise->addResult(fail(ErrorCode::Unavailable,
                                    u"Stopping the command failed: the sandbox could not be reached."_s,
                                    reply->errorString()));
        }
        promise->finish();
    });
    return promise->future();
}

QNetworkRequest EnvdClient::filesRequest(const QString &path) const
{
    QUrl url = m_route.baseUrl;
    url.setPath(url.path() + u"/files"_s);
    QUrlQuery query;
    query.addQueryItem(u"path"_s, QString::fromLatin1(QUrl::toPercentEncoding(path)));
    url.setQuery(query);
    QNetworkRequest request(url);
    for (const auto &[name, value] : m_route.headers)
        request.setRawHeader(name, value);
    if (!m_accessToken.isEmpty())
        request.setRawHeader("X-Access-Token", m_accessToken.toUtf8());
    request.setTransferTimeout(m_requestTimeoutMs);
    return request;
}

QFuture<Result<QByteArray>> EnvdClient::readFile(const QString &path)
{
    auto promise = std::make_shared<QPromise<Result<QByteArray>>>();
    promise->start();
    QNetworkReply *reply = m_network->get(filesRequest(path));
    connect(reply, &QNetworkReply::finished, this, [reply, promise, path] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const QString what = u"Reading %1 from the sandbox"_s.arg(path);
        if (status.toInt() == 200) {
            promise->addResult(reply->readAll());
        } else if (status.toInt() == 400) {
            promise->addResult(fail(ErrorCode::InvalidArgument, u"%1 failed: it is a folder."_s.arg(what)));
        } else if (status.toInt() == 404 && !e2bErrorMessage(reply->peek(4096)).contains(u"sandbox"_s, Qt::CaseInsensitive)) {
            promise->addResult(fail(ErrorCode::NotFound, u"%1 failed: there is no such file."_s.arg(what)));
        } else {
            promise->addResult(tl::unexpected(replyError(reply, what)));
        }
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<void>> EnvdClient::writeFile(const QString &path, const QByteArray &data)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    auto *multipart = new QHttpMultiPart(QHttpMultiPart::FormDataType);
    QHttpPart part;
    part.setHeader(QNetworkRequest::ContentDispositionHeader,
                   QVariant(u"form-data; name=\"file\"; filename=\"%1\""_s.arg(
                       QString(path).replace(u'"', u'_'))));
    part.setHeader(QNetworkRequest::ContentTypeHeader, u"application/octet-stream"_s);
    part.setBody(data);
    multipart->append(part);
    QNetworkReply *reply = m_network->post(filesRequest(path), multipart);
    multipart->setParent(reply);
    connect(reply, &QNetworkReply::finished, this, [reply, promise, path] {
        reply->deleteLater();
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const QString what = u"Writing %1 into the sandbox"_s.arg(path);
        if (status.toInt() == 200) {
            promise->addResult(Result<void>());
        } else if (status.toInt() == 507) {
            promise->addResult(fail(ErrorCode::Provider, u"%1 failed: the sandbox's disk is full."_s.arg(what)));
        } else {
            promise->addResult(tl::unexpected(replyError(reply, what)));
        }
        promise->finish();
    });
    return promise->future();
}

} // namespace squad
