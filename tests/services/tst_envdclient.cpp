// SPDX-License-Identifier: MIT
// EnvdClient against a loopback envd that speaks Connect with the JSON codec as envd does:
// envelopes (split across writes too), the end-of-stream status, the proxy's HTTP errors, a
// stream cut mid-envelope, cancel and timeout (both must kill the process in the sandbox).
#include "e2b/connectenvelope.h"
#include "e2b/envdclient.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

namespace {

QByteArray eventFrame(const QJsonObject &event)
{
    return connect::encodeEnvelope(
        QJsonDocument(QJsonObject{{u"event"_s, event}}).toJson(QJsonDocument::Compact));
}

QByteArray startFrame(int pid)
{
    return eventFrame({{u"start"_s, QJsonObject{{u"pid"_s, pid}}}});
}

QByteArray dataFrame(const char *channel, const QByteArray &bytes)
{
    return eventFrame({{u"data"_s, QJsonObject{{QString::fromLatin1(channel), QString::fromLatin1(bytes.toBase64())}}}});
}

QByteArray endFrame(const QJsonObject &end)
{
    return eventFrame({{u"end"_s, end}});
}

QByteArray endOfStream(const QJsonObject &status = {})
{
    return connect::encodeEnvelope(QJsonDocument(status).toJson(QJsonDocument::Compact),
                                   connect::EndStreamFlag);
}

const test::HttpHeaders StreamHeaders{{"Content-Type", "application/connect+json"}};

struct Collected
{
    QByteArray out;
    QByteArray err;
};

} // namespace

class tst_EnvdClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void startStreamsOutputAndExitCode();
    void exitCodeZeroIsOmittedOnTheWire();
    void outputIsDecoded_data();
    void outputIsDecoded();
    void outputWithAnyByteDecodesAsBefore();
    void endOfStreamErrorBecomesAnError();
    void streamCutMidEnvelope();
    void proxyErrors_data();
    void proxyErrors();
    void cancelKillsTheProcess();
    void timeoutKillsTheProcess();
    void readsFiles();
    void writesFiles();

private:
    CommandRun *start(const CommandSpec &spec, Collected *collected);
    static CommandSpec spec(QStringList argv) { CommandSpec s; s.argv = std::move(argv); return s; }

    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<EnvdClient> m_client;
};

void tst_EnvdClient::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    auto endpoint = E2bEndpoint::resolve({{}, {}, m_server->url().toString()}, QProcessEnvironment());
    QVERIFY_RESULT(endpoint);
    m_client = std::make_unique<EnvdClient>(endpoint->envdRoute(u"sbx-7"_s), u"envd-token-1"_s);
}

void tst_EnvdClient::cleanup()
{
    m_client.reset();
    m_server.reset();
}

CommandRun *tst_EnvdClient::start(const CommandSpec &spec, Collected *collected)
{
    CommandRun *run = m_client->start(spec, m_client.get());
    connect(run, &CommandRun::output, this,
            [collected](CommandRun::Channel channel, const QByteArray &data) {
                (channel == CommandRun::Channel::Stdout ? collected->out : collected->err) += data;
            });
    return run;
}

void tst_EnvdClient::startStreamsOutputAndExitCode()
{
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        responder.write(startFrame(412));
        responder.write(dataFrame("stdout", "hello "));
        // One envelope split inside its 5-byte header, the rest a moment later.
        const QByteArray split = dataFrame("stdout", "world\n");
        responder.write(split.left(3));
        QTimer::singleShot(50, [responder, split] {
            responder.write(split.mid(3) + dataFrame("stderr", "warn\n")
                            + eventFrame({{u"keepalive"_s, QJsonObject()}}));
            responder.write(endFrame({{u"exitCode"_s, 3}, {u"exited"_s, true}, {u"status"_s, u"exit status 3"_s}}));
            responder.write(endOfStream());
            responder.finish();
        });
    });
    CommandSpec command = spec({u"git"_s, u"status"_s, u"--short"_s});
    command.workingDirectory = u"/home/user/repo"_s;
    command.environment = {{u"GIT_PAGER"_s, u"cat"_s}};
    Collected collected;
    CommandRun *run = start(command, &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(run->result()->exitCode, 3);
    QVERIFY(!run->result()->timedOut);
    QCOMPARE(collected.out, QByteArray("hello world\n"));
    QCOMPARE(collected.err, QByteArray("warn\n"));

    // What went out: the headers envd and its proxy expect, and one enveloped StartRequest.
    const HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.header("content-type"), QByteArray("application/connect+json"));
    QCOMPARE(request.header("x-access-token"), QByteArray("envd-token-1"));
    QCOMPARE(request.header("e2b-sandbox-id"), QByteArray("sbx-7"));
    QCOMPARE(request.header("e2b-sandbox-port"), QByteArray("49983"));
    QCOMPARE(request.header("connect-protocol-version"), QByteArray("1"));
    connect::EnvelopeReader reader;
    reader.feed(request.body);
    auto envelope = reader.next();
    QVERIFY_RESULT(envelope);
    QVERIFY(envelope->has_value());
    QVERIFY(!reader.hasPartial());
    const QJsonObject body = QJsonDocument::fromJson((*envelope)->payload).object();
    const QJsonObject process = body.value("process"_L1).toObject();
    QCOMPARE(process.value("cmd"_L1).toString(), u"git"_s);
    QCOMPARE(process.value("args"_L1).toArray(), (QJsonArray{u"status"_s, u"--short"_s}));
    QCOMPARE(process.value("cwd"_L1).toString(), u"/home/user/repo"_s);
    QCOMPARE(process.value("envs"_L1).toObject().value("GIT_PAGER"_L1).toString(), u"cat"_s);
    QCOMPARE(body.value("stdin"_L1), QJsonValue(false));
}

void tst_EnvdClient::exitCodeZeroIsOmittedOnTheWire()
{
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        // Output written with other spacing than envd's own takes the general JSON path.
        responder.write(startFrame(9)
                        + connect::encodeEnvelope(R"({ "event": { "data": { "stdout": "aGkK" } } })")
                        + endFrame({{u"exited"_s, true}, {u"status"_s, u"exit status 0"_s}})
                        + endOfStream());
        responder.finish();
    });
    Collected collected;
    CommandRun *run = start(spec({u"true"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(run->result()->exitCode, 0);
    QCOMPARE(collected.out, QByteArray("hi\n"));
}

void tst_EnvdClient::outputIsDecoded_data()
{
    QTest::addColumn<QByteArray>("value");  // the stdout field's JSON string, as sent
    QTest::addColumn<QByteArray>("bytes");
    QByteArray every(256, Qt::Uninitialized);
    for (int i = 0; i < 256; ++i)
        every[i] = char(i);
    QByteArray large(100'003, Qt::Uninitialized);
    for (qsizetype i = 0; i < large.size(); ++i)
        large[i] = char((i * 7919) >> 3);
    // envd's own form (padded standard base64) takes the fast decoder, for every padding.
    QTest::newRow("empty") << QByteArray() << QByteArray();
    for (const QByteArray &bytes : {QByteArray("a"), QByteArray("ab"), QByteArray("abc"), QByteArray("abcd"),
                                    QByteArray("\xff\xfe\x00\x01\x80", 5), every, large}) {
        QTest::addRow("%lld bytes", bytes.size()) << bytes.toBase64() << bytes;
    }
    // Anything else takes Qt's decoder, behind the JSON parser.
    QTest::newRow("json escapes") << QByteArray(R"(\/\/\/\/)") << QByteArray("\xff\xff\xff");
    QTest::newRow("unpadded") << QByteArray("aGk") << QByteArray("hi");
    QTest::newRow("padding inside") << QByteArray("aGk=aGk=") << QByteArray::fromBase64("aGk=aGk=");
}

void tst_EnvdClient::outputIsDecoded()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, bytes);
    m_server->route("POST", u"/process.Process/Start"_s, [value](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        // Twice, with stderr between: the decoder's reused buffer must not leak across events.
        const QByteArray output = connect::encodeEnvelope(
            QByteArray(R"({"event":{"data":{"stdout":")" + value + R"("}}})"));
        responder.write(startFrame(5) + output + dataFrame("stderr", "between") + output
                        + endFrame({{u"exited"_s, true}, {u"status"_s, u"exit status 0"_s}})
                        + endOfStream());
        responder.finish();
    });
    Collected collected;
    CommandRun *run = start(spec({u"cat"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(collected.out, bytes + bytes);
    QCOMPARE(collected.err, QByteArray("between"));
}

void tst_EnvdClient::outputWithAnyByteDecodesAsBefore()
{
    // Every byte value in a long base64 text, early (where AVX2 decodes it where the CPU has
    // it) and late (the table loop): characters of the alphabet decode on the fast path,
    // anything else must fall to the JSON parser and Qt's lenient decoder, exactly as before.
    const QByteArray text = QByteArray(150, 'q').toBase64();  // 200 characters, no padding
    QList<QByteArray> payloads;
    for (qsizetype at : {qsizetype(5), text.size() - 7}) {
        for (int value = 0; value < 256; ++value) {
            QByteArray changed = text;
            changed[at] = char(value);
            payloads << R"({"event":{"data":{"stdout":")" + changed + R"("}}})";
        }
    }
    m_server->route("POST", u"/process.Process/Start"_s, [payloads](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        QByteArray body = startFrame(5);
        for (const QByteArray &payload : payloads)  // each followed by a marker on stderr
            body += connect::encodeEnvelope(payload) + dataFrame("stderr", "|");
        responder.write(body + endFrame({{u"exited"_s, true}, {u"status"_s, u"exit status 0"_s}})
                        + endOfStream());
        responder.finish();
    });
    CommandRun *run = m_client->start(spec({u"cat"_s}), m_client.get());
    QList<QByteArray> outputs{QByteArray()};
    connect(run, &CommandRun::output, this, [&outputs](CommandRun::Channel channel, const QByteArray &data) {
        if (channel == CommandRun::Channel::Stdout)
            outputs.last() += data;
        else
            outputs << QByteArray();
    });
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QCOMPARE(outputs.size(), payloads.size() + 1);
    for (qsizetype i = 0; i < payloads.size(); ++i) {
        // What the general path makes of it: the JSON string, decoded leniently.
        const QJsonDocument document = QJsonDocument::fromJson(payloads.at(i));
        const QJsonValue stdout_ = document.object().value("event"_L1).toObject().value("data"_L1).toObject().value("stdout"_L1);
        const QByteArray expected = stdout_.isString() ? QByteArray::fromBase64(stdout_.toString().toLatin1()) : QByteArray();
        QVERIFY2(outputs.at(i) == expected, qPrintable(u"byte %1 at %2"_s.arg(i % 256).arg(i < 256 ? 5 : text.size() - 7)));
    }
}

void tst_EnvdClient::endOfStreamErrorBecomesAnError()
{
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        responder.write(endOfStream({{u"error"_s, QJsonObject{{u"code"_s, u"invalid_argument"_s},
                                                              {u"message"_s, u"error starting process: no such file"_s}}}}));
        responder.finish();
    });
    Collected collected;
    CommandRun *run = start(spec({u"nope"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(run->result(), ErrorCode::InvalidArgument);
    QVERIFY(run->result().error().toString().contains(u"no such file"_s));
}

void tst_EnvdClient::streamCutMidEnvelope()
{
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        responder.write(startFrame(5) + dataFrame("stdout", "partial").left(9));
        QTimer::singleShot(100, [responder] { responder.abort(); });
    });
    Collected collected;
    CommandRun *run = start(spec({u"yes"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(run->result(), ErrorCode::Unavailable);
    QCOMPARE(finished.size(), 1);
}

void tst_EnvdClient::proxyErrors_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("502 sandbox not found")
        << 502 << QByteArray(R"({"sandboxId":"sbx-7","message":"The sandbox was not found","code":502})")
        << ErrorCode::NotFound;
    QTest::newRow("502 port not open")
        << 502 << QByteArray(R"({"sandboxId":"sbx-7","message":"The sandbox is running but port is not open","code":502})")
        << ErrorCode::Unavailable;
    QTest::newRow("401 token")
        << 401 << QByteArray(R"({"code":401,"message":"unauthorized access, please provide a valid access token or method signing if supported"})")
        << ErrorCode::Unauthenticated;
    QTest::newRow("429") << 429 << QByteArray(R"({"code":429,"message":"too many connections"})")
                         << ErrorCode::RateLimited;
}

void tst_EnvdClient::proxyErrors()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    m_server->route("POST", u"/process.Process/Start"_s,
                    HttpResponse::text(status, body, "application/json"));
    Collected collected;
    CommandRun *run = start(spec({u"ls"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(run->result(), code);
}

void tst_EnvdClient::cancelKillsTheProcess()
{
    m_server->route("POST", u"/process.Process/Start"_s, [](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, StreamHeaders);
        responder.write(startFrame(77) + dataFrame("stdout", "tick\n"));
        // ...and then nothing: a long-running command.
    });
    m_server->route("POST", u"/process.Process/SendSignal"_s, HttpResponse::json(200, QJsonObject()));
    Collected collected;
    CommandRun *run = start(spec({u"sleep"_s, u"3600"_s}), &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QTRY_COMPARE_WITH_TIMEOUT(collected.out, QByteArray("tick\n"), 10000);
    run->cancel();
    QCOMPARE(finished.size(), 1);
    QVERIFY_ERROR(run->result(), ErrorCode::Cancelled);

    QTRY_VERIFY_WITH_TIMEOUT(m_server->lastRequest().path == "/process.Process/SendSignal", 10000);
    const HttpRequest signal = m_server->lastRequest();
    QCOMPARE(signal.header("content-type"), QByteArray("application/json"));
    QCOMPARE(signal.header("x-access-token"), QByteArray("envd-token-1"));
    const QJsonObject body = QJsonDocument::fromJson(signal.body).object();
    QCOMPARE(body.value("process"_L1).toObject().value("pid"_L1).toInt(), 77);
    QCOMPARE(body.value("signal"_L1).toString(), u"SIGNAL_SIGKILL"_s);
}

void tst_EnvdClient::timeoutKillsTheProcess()
{
    std::optional<HttpResponder> stream;
    m_server->route("POST", u"/process.Process/Start"_s, [&stream](const HttpRequest &, HttpResponder responder) {
        stream = responder;
        responder.begin(200, StreamHeaders);
        responder.write(startFrame(88));
    });
    // envd answers the kill, and the stream reports the process's end as envd does.
    m_server->route("POST", u"/process.Process/SendSignal"_s, [&stream](const HttpRequest &) {
        stream->write(endFrame({{u"exitCode"_s, -1}, {u"exited"_s, true}, {u"status"_s, u"signal: killed"_s}})
                      + endOfStream());
        stream->finish();
        return HttpResponse::json(200, QJsonObject());
    });
    CommandSpec command = spec({u"sleep"_s, u"3600"_s});
    command.timeoutMs = 300;
    Collected collected;
    CommandRun *run = start(command, &collected);
    QSignalSpy finished(run, &CommandRun::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_RESULT(run->result());
    QVERIFY(run->result()->timedOut);
    QCOMPARE(run->result()->exitCode, 124);
    QCOMPARE(m_server->requests().first().header("connect-timeout-ms"), QByteArray("300"));
}


void tst_EnvdClient::readsFiles()
{
    m_server->route("GET", u"/files"_s, [](const HttpRequest &request) {
        const QString path = request.query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
        if (path == u"repo/README.md"_s)
            return HttpResponse::text(200, "# hello\n", "application/octet-stream");
        if (path == u"repo"_s)
            return HttpResponse::json(400, QJsonObject{{u"code"_s, 400}, {u"message"_s, u"path is a directory"_s}});
        return HttpResponse::json(404, QJsonObject{{u"code"_s, 404}, {u"message"_s, u"path not found"_s}});
    });
    const auto content = await(m_client->readFile(u"repo/README.md"_s));
    QVERIFY_RESULT(content);
    QCOMPARE(*content, QByteArray("# hello\n"));
    QCOMPARE(m_server->lastRequest().header("x-access-token"), QByteArray("envd-token-1"));
    QCOMPARE(m_server->lastRequest().header("e2b-sandbox-id"), QByteArray("sbx-7"));
    QVERIFY_ERROR(await(m_client->readFile(u"repo"_s)), ErrorCode::InvalidArgument);
    const auto missing = await(m_client->readFile(u"missing.txt"_s));
    QVERIFY_ERROR(missing, ErrorCode::NotFound);
    // envd's own 404 speaks of the file, not of a sandbox E2B does not know.
    QVERIFY2(missing.error().message().contains(u"no such file"_s), qPrintable(missing.error().message()));
}

void tst_EnvdClient::writesFiles()
{
    m_server->route("POST", u"/files"_s, [](const HttpRequest &request) {
        if (request.query.queryItemValue(u"path"_s, QUrl::FullyDecoded) == u"full/disk.bin"_s)
            return HttpResponse::json(507, QJsonObject{{u"code"_s, 507}, {u"message"_s, u"no space left"_s}});
        return HttpResponse::json(200, QJsonArray{QJsonObject{{u"path"_s, u"/home/user/notes/a b.txt"_s},
                                                              {u"name"_s, u"a b.txt"_s},
                                                              {u"type"_s, u"file"_s}}});
    });
    const QByteArray data("line one\nline two\n\x00\x01binary", 26);
    QVERIFY_RESULT(await(m_client->writeFile(u"notes/a b.txt"_s, data)));
    const HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.query.queryItemValue(u"path"_s, QUrl::FullyDecoded), u"notes/a b.txt"_s);
    QVERIFY(request.header("content-type").startsWith("multipart/form-data; boundary="));
    QVERIFY(request.body.contains("name=\"file\""));
    QVERIFY(request.body.contains(data));
    QVERIFY_ERROR(await(m_client->writeFile(u"full/disk.bin"_s, "x")), ErrorCode::Provider);
}

QTEST_GUILESS_MAIN(tst_EnvdClient)
#include "tst_envdclient.moc"
