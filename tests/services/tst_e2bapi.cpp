// SPDX-License-Identifier: MIT
// E2bApi against a loopback server that answers as E2B's control plane does: its paths,
// headers, pagination, error bodies, 429 with Retry-After, 5xx, stalls, and no server at all.
#include "e2b/e2bapi.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
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

const QString ApiKey = u"e2b_0123456789abcdef0123456789abcdef01234567"_s;

QJsonObject listedSandbox(const QString &id, const QString &state = u"running"_s)
{
    return {{u"sandboxID"_s, id},
            {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s},
            {u"alias"_s, u"base"_s},
            {u"clientID"_s, u"6532622b"_s},
            {u"startedAt"_s, u"2026-11-27T06:00:00.123Z"_s},
            {u"endAt"_s, u"2026-11-27T07:00:00Z"_s},
            {u"cpuCount"_s, 2},
            {u"memoryMB"_s, 512},
            {u"diskSizeMB"_s, 1024},
            {u"state"_s, state},
            {u"envdVersion"_s, u"0.2.0"_s},
            {u"metadata"_s, QJsonObject{{u"squad.task"_s, u"t-1"_s}}}};
}

QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}

QJsonObject errorBody(int code, const QString &message)
{
    return {{u"code"_s, code}, {u"message"_s, message}};
}


} // namespace

class tst_E2bApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void noKeyFailsBeforeAnyRequest();
    void listFollowsNextTokenAcrossPages();
    void listSendsStateAndMetadataFilters();
    void listReadsTimestamps_data();
    void listReadsTimestamps();
    void listReadsWhatGetReads_data();
    void listReadsWhatGetReads();
    void listRefusesWhatIsNotAList_data();
    void listRefusesWhatIsNotAList();
    void listStopsAtAnUnreadablePage();
    void getReadsTheSandbox();
    void killAndNotFound();
    void setTimeoutSendsSeconds();
    void wrongKeyIsNotRetried();
    void serverErrorsAreRetriedForRepeatableCalls();
    void tooManyRequestsWaitsForRetryAfter();
    void tooLongARetryAfterIsReported();
    void stalledServerTimesOut();
    void noServerIsUnavailable();
    void createSendsTemplateTimeoutMetadata();
    void createFallsBackToTheOlderEndpoint();
    void unknownTemplateIsReported();
    void ambiguousCreateFindsTheSandboxInsteadOfMakingAnother();
    void ambiguousCreateWithNothingMadeIsSentAgain();
    void pauseIsNotRepeatedOnConflict();
    void connectResumesAndFallsBack();
    void refreshSendsTheDuration();
    void templatesAcrossPages();
    void latestMetricsAskAHundredAtATime();
    void sandboxMetricsComeOldestFirst();
    void sandboxMetricsOfAnUnknownSandbox();
    void logsComeOldestFirstWithoutSecrets();
    void healthCheckProvesTheKey();

private:
    std::unique_ptr<E2bApi> api(const QString &key = ApiKey);

    std::unique_ptr<LoopbackHttpServer> m_server;
};

void tst_E2bApi::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
}

void tst_E2bApi::cleanup()
{
    m_server.reset();
}

std::unique_ptr<E2bApi> tst_E2bApi::api(const QString &key)
{
    QProcessEnvironment none;
    auto endpoint = E2bEndpoint::resolve({{}, m_server->url().toString(), {}}, none);
    if (!endpoint)
        qFatal("%s", qPrintable(endpoint.error().toString()));
    auto client = std::make_unique<E2bApi>(*endpoint, key);
    E2bApi::Options options;
    options.requestTimeoutMs = 2000;
    options.backoffMs = 10;
    options.backoffCapMs = 1500;
    client->setOptions(options);
    return client;
}

void tst_E2bApi::noKeyFailsBeforeAnyRequest()
{
    m_server->route("GET", u"/v2/sandboxes"_s, HttpResponse::json(200, QJsonArray()));
    const auto listed = await(api(QString())->listSandboxes());
    QVERIFY_ERROR(listed, ErrorCode::Unauthenticated);
    QVERIFY(listed.error().message().contains(u"E2B_API_KEY"_s));
    QCOMPARE(m_server->requestCount(), 0);
}

void tst_E2bApi::listFollowsNextTokenAcrossPages()
{
    m_server->route("GET", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        const QString token = request.query.queryItemValue(u"nextToken"_s, QUrl::FullyDecoded);
        if (token.isEmpty()) {
            return HttpResponse::json(200, QJsonArray{listedSandbox(u"a"_s), listedSandbox(u"b"_s)})
                .withHeader("X-Next-Token", "MjAyNi0xMS0yN1QwNjowMDowMFpfX2I=");
        }
        if (token == u"MjAyNi0xMS0yN1QwNjowMDowMFpfX2I="_s) {
            return HttpResponse::json(200, QJsonArray{listedSandbox(u"c"_s, u"paused"_s)})
                .withHeader("X-Next-Token", "page3");
        }
        if (token == u"page3"_s)
            return HttpResponse::json(200, QJsonArray{listedSandbox(u"d"_s)});
        return HttpResponse::json(400, errorBody(400, u"Invalid next token"_s));
    });
    auto client = api();
    const auto listed = await(client->listSandboxes());
    QVERIFY_RESULT(listed);
    QCOMPARE(listed->size(), 4);
    QCOMPARE(listed->at(0).sandboxId, u"a"_s);
    QCOMPARE(listed->at(2).state, u"paused"_s);
    QCOMPARE(listed->at(3).sandboxId, u"d"_s);
    const E2bSandbox &first = listed->at(0);
    QCOMPARE(first.templateId, u"rki5dems9wqfm4r03t7g"_s);
    QCOMPARE(first.cpuCount, 2);
    QCOMPARE(first.memoryMb, 512);
    QCOMPARE(first.diskSizeMb, 1024);
    QCOMPARE(first.startedAt, QDateTime(QDate(2026, 11, 27), QTime(6, 0, 0, 123), Qt::UTC));
    QCOMPARE(first.metadata.value(u"squad.task"_s), u"t-1"_s);

    QCOMPARE(m_server->requestCount(), 3);
    for (const HttpRequest &request : m_server->requests()) {
        QCOMPARE(request.header("x-api-key"), ApiKey.toUtf8());
        QCOMPARE(request.query.queryItemValue(u"limit"_s), u"100"_s);
    }
}

void tst_E2bApi::listSendsStateAndMetadataFilters()
{
    m_server->route("GET", u"/v2/sandboxes"_s, HttpResponse::json(200, QJsonArray()));
    E2bListFilter filter;
    filter.states = {u"running"_s, u"paused"_s};
    filter.metadata = {{u"squad.task"_s, u"t 1"_s}, {u"odd"_s, u"a=b&c"_s}};
    filter.pageSize = 25;
    QVERIFY_RESULT(await(api()->listSandboxes(filter)));

    const HttpRequest request = m_server->lastRequest();
    // state: form style, not exploded.
    QVERIFY2(request.target.contains("state=running,paused"), request.target.constData());
    QCOMPARE(request.query.queryItemValue(u"limit"_s), u"25"_s);
    // metadata: one parameter; decoded once it is "k=v&k=v" with each part encoded, as E2B's
    // parser splits it.
    const QString metadata = request.query.queryItemValue(u"metadata"_s, QUrl::FullyDecoded);
    QMap<QString, QString> pairs;
    for (const QString &pair : metadata.split(u'&')) {
        const QStringList kv = pair.split(u'=');
        QCOMPARE(kv.size(), 2);
        pairs.insert(QUrl::fromPercentEncoding(kv.at(0).toUtf8()),
                     QUrl::fromPercentEncoding(kv.at(1).toUtf8()));
    }
    QCOMPARE(pairs, filter.metadata);
}

void tst_E2bApi::listReadsTimestamps_data()
{
    QTest::addColumn<QByteArray>("value");  // startedAt as it appears in the JSON
    QTest::addColumn<QDateTime>("expected");  // null: no valid time
    const auto row = [](const char *name, const char *value, const QDateTime &expected) {
        QTest::newRow(name) << QByteArray(value) << expected;
    };
    row("whole seconds", R"("2026-11-27T06:00:00Z")", utc(2026, 11, 27, 6, 0, 0));
    row("tenths", R"("2026-11-27T06:00:00.1Z")", utc(2026, 11, 27, 6, 0, 0, 100));
    row("hundredths", R"("2026-11-27T06:00:00.12Z")", utc(2026, 11, 27, 6, 0, 0, 120));
    row("milliseconds", R"("2026-11-27T06:00:00.123Z")", utc(2026, 11, 27, 6, 0, 0, 123));
    row("microseconds", R"("2026-11-27T06:00:00.123456Z")", utc(2026, 11, 27, 6, 0, 0, 123));
    row("nanoseconds", R"("2026-11-27T06:00:00.123456789Z")", utc(2026, 11, 27, 6, 0, 0, 123));
    row("rounded up", R"("2026-11-27T06:00:00.1235Z")", utc(2026, 11, 27, 6, 0, 0, 124));
    row("rounded into the next second", R"("2026-11-27T06:00:59.9996Z")", utc(2026, 11, 27, 6, 1, 0));
    row("positive offset", R"("2026-11-27T06:00:00+02:00")", utc(2026, 11, 27, 4, 0, 0));
    row("negative offset", R"("2026-11-27T06:00:00.5-05:30")", utc(2026, 11, 27, 11, 30, 0, 500));
    row("offset across midnight", R"("2026-11-27T06:00:00+14:00")", utc(2026, 11, 26, 16, 0, 0));
    row("unknown offset", R"("2026-11-27T06:00:00-00:00")", utc(2026, 11, 27, 6, 0, 0));
    row("lower case", R"("2026-11-27t06:00:00z")", utc(2026, 11, 27, 6, 0, 0));
    row("leap day", R"("2024-02-29T23:59:59Z")", utc(2024, 2, 29, 23, 59, 59));
    row("before 1970", R"("1969-12-31T23:59:59.5Z")", utc(1969, 12, 31, 23, 59, 59, 500));
    row("first year", R"("0001-01-01T00:00:00Z")", utc(1, 1, 1, 0, 0, 0));
    row("last year", R"("9999-12-31T23:59:59.999Z")", utc(9999, 12, 31, 23, 59, 59, 999));
    // Outside the strict grammar Qt's reading stands, as before.
    row("end of day", R"("2026-11-27T24:00:00Z")", utc(2026, 11, 28, 0, 0, 0));
    row("offset without colon", R"("2026-11-27T06:00:00+0530")", utc(2026, 11, 27, 0, 30, 0));
    row("PostgreSQL", R"("2026-11-27 06:00:00.123+00")", utc(2026, 11, 27, 6, 0, 0, 123));
    row("escaped", R"("2026-11-27T06:00:00\u005a")", utc(2026, 11, 27, 6, 0, 0));
    // Nothing valid.
    row("not a leap year", R"("2023-02-29T00:00:00Z")", QDateTime());
    row("month 13", R"("2026-13-01T00:00:00Z")", QDateTime());
    row("leap second", R"("2026-12-31T23:59:60Z")", QDateTime());
    row("fraction without digits", R"("2026-11-27T06:00:00.Z")", QDateTime());
    row("offset of a day", R"("2026-11-27T06:00:00+24:00")", QDateTime());
    row("year zero", R"("0000-01-01T00:00:00Z")", QDateTime());
    row("words", R"("yesterday")", QDateTime());
    row("empty", R"("")", QDateTime());
    row("null", "null", QDateTime());
    row("a number", "1795759200", QDateTime());
}

void tst_E2bApi::listReadsTimestamps()
{
    QFETCH(QByteArray, value);
    QFETCH(QDateTime, expected);
    m_server->route("GET", u"/v2/sandboxes"_s, HttpResponse::text(200,
        R"([{"sandboxID":"a","startedAt":)" + value + R"(,"endAt":"2026-11-27T07:00:00Z"}])",
        "application/json"));
    const auto listed = await(api()->listSandboxes());
    QVERIFY_RESULT(listed);
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->at(0).startedAt, expected);
    if (expected.isValid())
        QCOMPARE(listed->at(0).startedAt.timeSpec(), Qt::UTC);
    QCOMPARE(listed->at(0).endAt, utc(2026, 11, 27, 7, 0, 0));
}

void tst_E2bApi::listReadsWhatGetReads_data()
{
    // Each object is listed (read by the list's own reader) and fetched alone (read through
    // QJsonDocument): both must agree on every field.
    QTest::addColumn<QByteArray>("object");
    QTest::newRow("E2B's own") << QJsonDocument(listedSandbox(u"a"_s)).toJson(QJsonDocument::Compact);
    QTest::newRow("spacing") << QByteArray(" {\n\t\"sandboxID\" : \"a\" ,\r\n \"cpuCount\":\t4 , \"metadata\" : { \"k\" : \"v\" } }\n");
    QTest::newRow("escapes") << QByteArray(R"({"sandboxID":"a","alias":"q\"b\\s\/n\n\u00e9\ud83d\ude00\u0000","templateID":"t\tx"})");
    QTest::newRow("UTF-8") << QByteArray("{\"sandboxID\":\"a\",\"alias\":\"d\xc3\xa9j\xc3\xa0 \xe2\x9c\x93 \xf0\x9f\x98\x80\","
                                         "\"metadata\":{\"cl\xc3\xa9\":\"v\xc3\xa4rde\",\"k\":\"\xe6\x97\xa5\"}}");
    QTest::newRow("numbers") << QByteArray(R"({"sandboxID":"a","cpuCount":2.0,"memoryMB":1e3,"diskSizeMB":-0})");
    QTest::newRow("numbers that are no int") << QByteArray(R"({"sandboxID":"a","cpuCount":2.5,"memoryMB":3000000000,"diskSizeMB":"4"})");
    QTest::newRow("long numbers") << QByteArray(R"({"sandboxID":"a","cpuCount":123456789012345678901234567890,"memoryMB":-9223372036854775809,"diskSizeMB":0.000000000000000000000000000000001})");
    QTest::newRow("exponents") << QByteArray(R"({"sandboxID":"a","cpuCount":1.5e3,"memoryMB":1E+2,"diskSizeMB":25e-1})");
    // What Qt's parser tolerates (the list's reader leaves these to it).
    QTest::newRow("raw control character") << QByteArray("{\"sandboxID\":\"a\",\"alias\":\"x\ty\"}");
    QTest::newRow("unknown escape") << QByteArray(R"({"sandboxID":"a","alias":"x\qy"})");
    QTest::newRow("loose numbers") << QByteArray(R"({"sandboxID":"a","cpuCount":1.,"memoryMB":.5})");
    QTest::newRow("nulls") << QByteArray(R"({"sandboxID":"a","alias":null,"metadata":null,"startedAt":null,"cpuCount":null})");
    QTest::newRow("other types") << QByteArray(R"({"sandboxID":7,"alias":true,"state":["running"],"metadata":"x","endAt":{}})");
    QTest::newRow("unknown fields") << QByteArray(R"({"extra":{"a":[1,2.5e-3,{"b":null}],"c":true,"d":"\""},"sandboxID":"a","more":[],"last":false})");
    QTest::newRow("metadata of other types") << QByteArray(R"({"sandboxID":"a","metadata":{"n":1,"o":{"p":2},"s":"t","z":null}})");
    QTest::newRow("repeated keys") << QByteArray(R"({"sandboxID":"a","state":"paused","state":"running","metadata":{"a":"1"},"metadata":{"b":"2"}})");
    QTest::newRow("lone surrogate") << QByteArray(R"({"sandboxID":"a","alias":"x\ud800y"})");
    QTest::newRow("empty") << QByteArray("{}");
}

static void compareSandboxes(const E2bSandbox &listed, const E2bSandbox &got)
{
    QCOMPARE(listed.sandboxId, got.sandboxId);
    QCOMPARE(listed.templateId, got.templateId);
    QCOMPARE(listed.alias, got.alias);
    QCOMPARE(listed.state, got.state);
    QCOMPARE(listed.startedAt, got.startedAt);
    QCOMPARE(listed.endAt, got.endAt);
    QCOMPARE(listed.cpuCount, got.cpuCount);
    QCOMPARE(listed.memoryMb, got.memoryMb);
    QCOMPARE(listed.diskSizeMb, got.diskSizeMb);
    QCOMPARE(listed.envdVersion, got.envdVersion);
    QCOMPARE(listed.domain, got.domain);
    QCOMPARE(listed.envdAccessToken, got.envdAccessToken);
    QCOMPARE(listed.metadata, got.metadata);
}

void tst_E2bApi::listReadsWhatGetReads()
{
    QFETCH(QByteArray, object);
    // Twice in the page, with a sandbox between: values carried from one sandbox to the next
    // (shared strings, metadata) must not leak into another.
    const QByteArray other = QJsonDocument(listedSandbox(u"other"_s)).toJson(QJsonDocument::Compact);
    m_server->route("GET", u"/v2/sandboxes"_s,
                    HttpResponse::text(200, "[" + object + "," + other + "," + object + "]", "application/json"));
    m_server->route("GET", u"/sandboxes/{id}"_s, HttpResponse::text(200, object, "application/json"));
    auto client = api();
    const auto listed = await(client->listSandboxes());
    QVERIFY_RESULT(listed);
    const auto got = await(client->getSandbox(u"a"_s));
    QVERIFY_RESULT(got);
    QCOMPARE(listed->size(), 3);
    compareSandboxes(listed->at(0), *got);
    compareSandboxes(listed->at(2), *got);
    QCOMPARE(listed->at(1).sandboxId, u"other"_s);
    QCOMPARE(listed->at(1).metadata, (QMap<QString, QString>{{u"squad.task"_s, u"t-1"_s}}));
}

void tst_E2bApi::listRefusesWhatIsNotAList_data()
{
    QTest::addColumn<QByteArray>("page");
    QTest::newRow("an object") << QByteArray(R"({"sandboxes":[]})");
    QTest::newRow("trailing comma") << QByteArray(R"([{"sandboxID":"a",}])");
    QTest::newRow("text after the list") << QByteArray(R"([{"sandboxID":"a"}] [])");
    QTest::newRow("cut short") << QByteArray(R"([{"sandboxID":"a"},{"sandboxID":"b)");
    QTest::newRow("bare word") << QByteArray(R"([{"sandboxID":running}])");
    QTest::newRow("invalid UTF-8") << QByteArray("[{\"sandboxID\":\"a\xc3\x28\"}]");
    QTest::newRow("infinite number") << QByteArray(R"([{"sandboxID":"a","cpuCount":-1E400}])");
    QTest::newRow("vanishing number") << QByteArray(R"([{"sandboxID":"a","extra":1e-400}])");
    QTest::newRow("leading zero") << QByteArray(R"([{"sandboxID":"a","cpuCount":02}])");
    QTest::newRow("empty") << QByteArray();
}

void tst_E2bApi::listRefusesWhatIsNotAList()
{
    QFETCH(QByteArray, page);
    m_server->route("GET", u"/v2/sandboxes"_s, HttpResponse::text(200, page, "application/json"));
    QVERIFY_ERROR(await(api()->listSandboxes()), ErrorCode::Provider);
}

void tst_E2bApi::listStopsAtAnUnreadablePage()
{
    // The next page is asked for before a page is read: when the read fails, the walk ends
    // with that error once, and the page already on its way is dropped when it comes.
    std::optional<HttpResponder> third;
    int thirdConnection = 0;
    m_server->route("GET", u"/v2/sandboxes"_s, [&](const HttpRequest &request, HttpResponder responder) {
        const QString token = request.query.queryItemValue(u"nextToken"_s);
        if (token.isEmpty()) {
            responder.send(HttpResponse::json(200, QJsonArray{listedSandbox(u"a"_s)}).withHeader("X-Next-Token", "p2"));
        } else if (token == u"p2"_s) {
            responder.send(HttpResponse::text(200, "<html>proxy error</html>", "text/html").withHeader("X-Next-Token", "p3"));
        } else if (token == u"p3"_s) {
            third = responder;  // held until the walk has ended
            thirdConnection = request.connection;
        } else {
            responder.send(HttpResponse::json(200, QJsonArray()));
        }
    });
    auto client = api();
    QFuture<Result<QList<E2bSandbox>>> listed = client->listSandboxes();
    QVERIFY_ERROR(await(listed), ErrorCode::Provider);
    QTRY_VERIFY(third.has_value());
    third->send(HttpResponse::json(200, QJsonArray{listedSandbox(u"c"_s)}));
    // The held answer is read and handled (its reply deleted) without settling the walk again.
    // Only then is the connection it came on free: a call made earlier would find it busy and
    // open another, so which connection that call used would be a race.
    QTRY_VERIFY(client->findChildren<QNetworkReply *>().isEmpty());
    QCOMPARE(listed.resultCount(), 1);
    // The connection was kept, not closed under the dropped page: a later call reuses it.
    const QFuture<Result<void>> later = client->checkHealth();
    QVERIFY_RESULT(await(later));
    QCOMPARE(m_server->lastRequest().connection, thirdConnection);
    QCOMPARE(listed.resultCount(), 1);
}

void tst_E2bApi::getReadsTheSandbox()
{
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        QJsonObject detail = listedSandbox(request.param(u"id"_s));
        detail.insert(u"envdAccessToken"_s, u"tok-123"_s);
        detail.insert(u"domain"_s, u"e2b.app"_s);
        return HttpResponse::json(200, detail);
    });
    const auto sandbox = await(api()->getSandbox(u"sbx-9"_s));
    QVERIFY_RESULT(sandbox);
    QCOMPARE(sandbox->sandboxId, u"sbx-9"_s);
    QCOMPARE(sandbox->envdAccessToken, u"tok-123"_s);
    QCOMPARE(sandbox->domain, u"e2b.app"_s);
}

void tst_E2bApi::killAndNotFound()
{
    m_server->route("DELETE", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        if (request.param(u"id"_s) == u"alive"_s)
            return HttpResponse::empty(204);
        return HttpResponse::json(
            404, errorBody(404, u"Sandbox \"%1\" doesn't exist or you don't have access to it"_s.arg(
                                    request.param(u"id"_s))));
    });
    auto client = api();
    QVERIFY_RESULT(await(client->killSandbox(u"alive"_s)));
    const auto gone = await(client->killSandbox(u"gone"_s));
    QVERIFY_ERROR(gone, ErrorCode::NotFound);
    QCOMPARE(m_server->requestCount(), 2);  // a 404 is an answer, not retried
}

void tst_E2bApi::setTimeoutSendsSeconds()
{
    m_server->route("POST", u"/sandboxes/{id}/timeout"_s, HttpResponse::empty(204));
    auto client = api();
    QVERIFY_RESULT(await(client->setTimeout(u"sbx-1"_s, 900)));
    const HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.header("content-type"), QByteArray("application/json"));
    QCOMPARE(QJsonDocument::fromJson(request.body).object().value("timeout"_L1).toInt(), 900);

    QVERIFY_ERROR(await(client->setTimeout(u"sbx-1"_s, 0)), ErrorCode::InvalidArgument);
    QCOMPARE(m_server->requestCount(), 1);
}

void tst_E2bApi::wrongKeyIsNotRetried()
{
    m_server->route("GET", u"/v2/sandboxes"_s,
                    HttpResponse::json(401, errorBody(401, u"Cannot get the team for the given API key"_s)));
    const auto listed = await(api()->listSandboxes());
    QVERIFY_ERROR(listed, ErrorCode::Unauthenticated);
    QVERIFY(listed.error().message().contains(u"Settings → Accounts"_s));
    QVERIFY(!listed.error().toString().contains(ApiKey));
    QCOMPARE(m_server->requestCount(), 1);
}

void tst_E2bApi::serverErrorsAreRetriedForRepeatableCalls()
{
    int calls = 0;
    m_server->route("GET", u"/sandboxes/{id}"_s, [&calls](const HttpRequest &request) {
        if (++calls < 3)
            return HttpResponse::json(503, errorBody(503, u"unavailable"_s));
        return HttpResponse::json(200, listedSandbox(request.param(u"id"_s)));
    });
    const auto sandbox = await(api()->getSandbox(u"sbx-1"_s));
    QVERIFY_RESULT(sandbox);
    QCOMPARE(calls, 3);

    // Past the attempts allowed, the last error is the answer.
    m_server->route("GET", u"/sandboxes/{id}"_s,
                    HttpResponse::json(500, errorBody(500, u"boom"_s)));
    m_server->clearRequests();
    const auto failed = await(api()->getSandbox(u"sbx-1"_s));
    QVERIFY_ERROR(failed, ErrorCode::Unavailable);
    QCOMPARE(m_server->requestCount(), E2bApi::Options().maxAttempts);
}

void tst_E2bApi::tooManyRequestsWaitsForRetryAfter()
{
    int calls = 0;
    m_server->route("DELETE", u"/sandboxes/{id}"_s, [&calls](const HttpRequest &) {
        if (++calls == 1) {
            return HttpResponse::json(429, errorBody(429, u"Rate limit exceeded"_s))
                .withHeader("Retry-After", "1");
        }
        return HttpResponse::empty(204);
    });
    QVERIFY_RESULT(await(api()->killSandbox(u"sbx-1"_s)));
    QCOMPARE(calls, 2);
}

void tst_E2bApi::tooLongARetryAfterIsReported()
{
    m_server->route("GET", u"/v2/sandboxes"_s,
                    HttpResponse::json(429, errorBody(429, u"you have reached the maximum number of concurrent E2B sandboxes (20)"_s))
                        .withHeader("Retry-After", "120"));
    const auto listed = await(api()->listSandboxes());
    QVERIFY_ERROR(listed, ErrorCode::RateLimited);
    QVERIFY2(listed.error().message().contains(u"120 s"_s), qPrintable(listed.error().message()));
    QVERIFY(listed.error().message().contains(u"concurrent E2B sandboxes (20)"_s));
    QCOMPARE(m_server->requestCount(), 1);
}

void tst_E2bApi::stalledServerTimesOut()
{
    m_server->route("GET", u"/sandboxes/{id}"_s, HttpResponse::stalled());
    auto client = api();
    E2bApi::Options options;
    options.requestTimeoutMs = 300;
    options.maxAttempts = 2;
    options.backoffMs = 10;
    client->setOptions(options);
    const auto sandbox = await(client->getSandbox(u"sbx-1"_s));
    QVERIFY_ERROR(sandbox, ErrorCode::Timeout);
    QCOMPARE(m_server->requestCount(), 2);
}

void tst_E2bApi::noServerIsUnavailable()
{
    // A port that was just free: nothing listens there.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    auto endpoint = E2bEndpoint::resolve({{}, u"http://127.0.0.1:%1"_s.arg(port), {}}, {});
    QVERIFY_RESULT(endpoint);
    E2bApi client(*endpoint, ApiKey);
    E2bApi::Options options;
    options.backoffMs = 10;
    client.setOptions(options);
    const auto listed = await(client.listSandboxes());
    QVERIFY_ERROR(listed, ErrorCode::Unavailable);
    QVERIFY(listed.error().message().contains(u"could not be reached"_s));
}

static E2bCreateRequest createRequest()
{
    E2bCreateRequest request;
    request.templateId = u"base"_s;
    request.timeoutSeconds = 600;
    request.metadata = {{u"squad.task"_s, u"t-1"_s}, {u"squad.agent"_s, u"a-1"_s}};
    request.envVars = {{u"CI"_s, u"1"_s}};
    request.requestId = u"req-42"_s;
    return request;
}

static QJsonObject createdSandbox(const QString &id)
{
    return {{u"sandboxID"_s, id}, {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s}, {u"alias"_s, u"base"_s},
            {u"clientID"_s, u"6532622b"_s}, {u"envdVersion"_s, u"0.2.0"_s},
            {u"envdAccessToken"_s, u"tok-%1"_s.arg(id)}, {u"domain"_s, QJsonValue()}};
}

void tst_E2bApi::createSendsTemplateTimeoutMetadata()
{
    m_server->route("POST", u"/v2/sandboxes"_s, HttpResponse::json(201, createdSandbox(u"new-1"_s)));
    const auto created = await(api()->createSandbox(createRequest()));
    QVERIFY_RESULT(created);
    QCOMPARE(created->sandboxId, u"new-1"_s);
    QCOMPARE(created->envdAccessToken, u"tok-new-1"_s);
    const QJsonObject body = QJsonDocument::fromJson(m_server->lastRequest().body).object();
    QCOMPARE(body.value("templateID"_L1).toString(), u"base"_s);
    QCOMPARE(body.value("timeout"_L1).toInt(), 600);
    const QJsonObject metadata = body.value("metadata"_L1).toObject();
    QCOMPARE(metadata.value("squad.request"_L1).toString(), u"req-42"_s);
    QCOMPARE(metadata.value("squad.task"_L1).toString(), u"t-1"_s);
    QCOMPARE(body.value("envVars"_L1).toObject().value("CI"_L1).toString(), u"1"_s);
    QVERIFY(!body.contains("secure"_L1));

    QVERIFY_ERROR(await(api()->createSandbox({})), ErrorCode::InvalidArgument);
    QCOMPARE(m_server->requestCount(), 1);
}

void tst_E2bApi::createFallsBackToTheOlderEndpoint()
{
    // An older deployment: its router knows no /v2/sandboxes POST.
    m_server->route("POST", u"/v2/sandboxes"_s, HttpResponse::text(404, "404 page not found"));
    m_server->route("POST", u"/sandboxes"_s, HttpResponse::json(201, createdSandbox(u"old-1"_s)));
    const auto created = await(api()->createSandbox(createRequest()));
    QVERIFY_RESULT(created);
    QCOMPARE(created->sandboxId, u"old-1"_s);
    QCOMPARE(m_server->requestCount(), 2);
    const QJsonObject body = QJsonDocument::fromJson(m_server->lastRequest().body).object();
    QCOMPARE(body.value("secure"_L1), QJsonValue(true));
    QCOMPARE(body.value("timeout"_L1).toInt(), 600);
}

void tst_E2bApi::unknownTemplateIsReported()
{
    // Both endpoints know the template is missing; the older one's answer is reported.
    const HttpResponse missing = HttpResponse::json(404, errorBody(404, u"template 'nope' not found"_s));
    m_server->route("POST", u"/v2/sandboxes"_s, missing);
    m_server->route("POST", u"/sandboxes"_s, missing);
    const auto created = await(api()->createSandbox(createRequest()));
    QVERIFY_ERROR(created, ErrorCode::NotFound);
    QVERIFY(created.error().toString().contains(u"template 'nope' not found"_s));
    QCOMPARE(m_server->requestCount(), 2);
}

void tst_E2bApi::ambiguousCreateFindsTheSandboxInsteadOfMakingAnother()
{
    // E2B makes the sandbox but the answer never arrives.
    bool made = false;
    m_server->route("POST", u"/v2/sandboxes"_s, [&made](const HttpRequest &, test::HttpResponder) {
        made = true;  // ...and no answer: the client times out
    });
    m_server->route("GET", u"/v2/sandboxes"_s, [&made](const HttpRequest &request) {
        QJsonArray found;
        if (made && request.query.queryItemValue(u"metadata"_s, QUrl::FullyDecoded) == u"squad.request=req-42"_s)
            found.append(listedSandbox(u"made-1"_s));
        return HttpResponse::json(200, found);
    });
    m_server->route("GET", u"/sandboxes/{id}"_s, [](const HttpRequest &request) {
        QJsonObject detail = listedSandbox(request.param(u"id"_s));
        detail.insert(u"envdAccessToken"_s, u"tok-made"_s);
        return HttpResponse::json(200, detail);
    });
    auto client = api();
    E2bApi::Options options;
    options.requestTimeoutMs = 300;
    options.backoffMs = 10;
    client->setOptions(options);
    const auto created = await(client->createSandbox(createRequest()));
    QVERIFY_RESULT(created);
    QCOMPARE(created->sandboxId, u"made-1"_s);
    QCOMPARE(created->envdAccessToken, u"tok-made"_s);
    int posts = 0;
    for (const HttpRequest &request : m_server->requests())
        posts += request.method == "POST" ? 1 : 0;
    QCOMPARE(posts, 1);  // no second sandbox
}

void tst_E2bApi::ambiguousCreateWithNothingMadeIsSentAgain()
{
    int posts = 0;
    m_server->route("POST", u"/v2/sandboxes"_s, [&posts](const HttpRequest &) {
        return ++posts == 1 ? HttpResponse::json(502, errorBody(502, u"bad gateway"_s))
                            : HttpResponse::json(201, createdSandbox(u"second-try"_s));
    });
    m_server->route("GET", u"/v2/sandboxes"_s, HttpResponse::json(200, QJsonArray()));
    const auto created = await(api()->createSandbox(createRequest()));
    QVERIFY_RESULT(created);
    QCOMPARE(created->sandboxId, u"second-try"_s);
    QCOMPARE(posts, 2);
    // The lookup came between the two creates.
    const QList<HttpRequest> requests = m_server->requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(1).method, QByteArray("GET"));
}

void tst_E2bApi::pauseIsNotRepeatedOnConflict()
{
    m_server->route("POST", u"/sandboxes/{id}/pause"_s, [](const HttpRequest &request) {
        if (request.param(u"id"_s) == u"ok"_s)
            return HttpResponse::empty(204);
        return HttpResponse::json(409, errorBody(409, u"Sandbox 'busy' cannot be paused while in 'pausing' state"_s));
    });
    auto client = api();
    QVERIFY_RESULT(await(client->pauseSandbox(u"ok"_s)));
    QVERIFY_ERROR(await(client->pauseSandbox(u"busy"_s)), ErrorCode::Conflict);
    QCOMPARE(m_server->requestCount(), 2);
}

void tst_E2bApi::connectResumesAndFallsBack()
{
    m_server->route("POST", u"/v2/sandboxes/{id}/connect"_s, [](const HttpRequest &request) {
        return HttpResponse::json(201, createdSandbox(request.param(u"id"_s)));
    });
    auto client = api();
    const auto resumed = await(client->connectSandbox(u"p-1"_s, 600));
    QVERIFY_RESULT(resumed);
    QCOMPARE(resumed->state, u"running"_s);
    QCOMPARE(resumed->envdAccessToken, u"tok-p-1"_s);
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body).object().value("timeout"_L1).toInt(), 600);

    // A deployment without the v2 route.
    m_server->clearRoutes();
    m_server->route("POST", u"/sandboxes/{id}/connect"_s, [](const HttpRequest &request) {
        return HttpResponse::json(200, createdSandbox(request.param(u"id"_s)));
    });
    const auto older = await(client->connectSandbox(u"p-2"_s, 600));
    QVERIFY_RESULT(older);
    QCOMPARE(older->sandboxId, u"p-2"_s);
    QCOMPARE(m_server->lastRequest().path, QByteArray("/sandboxes/p-2/connect"));
}

void tst_E2bApi::refreshSendsTheDuration()
{
    m_server->route("POST", u"/sandboxes/{id}/refreshes"_s, HttpResponse::empty(204));
    auto client = api();
    QVERIFY_RESULT(await(client->refreshSandbox(u"s"_s, 120)));
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body).object().value("duration"_L1).toInt(), 120);
    QVERIFY_RESULT(await(client->refreshSandbox(u"s"_s, 99999)));
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body).object().value("duration"_L1).toInt(), 3600);
}

void tst_E2bApi::templatesAcrossPages()
{
    m_server->route("GET", u"/v2/templates"_s, [](const HttpRequest &request) -> HttpResponse {
        const auto entry = [](const QString &id, const QString &alias) -> QJsonObject {
            return QJsonObject{{u"templateID"_s, id}, {u"buildID"_s, QString(u"b-"_s + id)},
                               {u"aliases"_s, QJsonArray{alias}}, {u"cpuCount"_s, 2},
                               {u"memoryMB"_s, 512}, {u"diskSizeMB"_s, 1024}, {u"public"_s, true},
                               {u"createdAt"_s, u"2026-01-02T03:04:05Z"_s}};
        };
        if (request.query.queryItemValue(u"nextToken"_s).isEmpty())
            return HttpResponse::json(200, QJsonArray{entry(u"t1"_s, u"base"_s)}).withHeader("X-Next-Token", "n2");
        return HttpResponse::json(200, QJsonArray{entry(u"t2"_s, u"python-3.12"_s)});
    });
    const auto templates = await(api()->listTemplates());
    QVERIFY_RESULT(templates);
    QCOMPARE(templates->size(), 2);
    QCOMPARE(templates->at(1).aliases, QStringList{u"python-3.12"_s});
    QCOMPARE(templates->at(0).memoryMb, 512);
    QVERIFY(templates->at(0).isPublic);
}

void tst_E2bApi::latestMetricsAskAHundredAtATime()
{
    m_server->route("GET", u"/sandboxes/metrics"_s, [](const HttpRequest &request) {
        const QStringList ids = request.query.queryItemValue(u"sandbox_ids"_s).split(u',');
        if (ids.size() > 100)
            return HttpResponse::json(400, errorBody(400, u"Too many sandboxes requested, maximum is 100"_s));
        QJsonObject sandboxes;
        for (const QString &id : ids) {
            sandboxes.insert(id, QJsonObject{{u"timestampUnix"_s, 1795000000}, {u"cpuCount"_s, 2},
                                             {u"cpuUsedPct"_s, 12.5}, {u"memUsed"_s, 1000},
                                             {u"memTotal"_s, 4000}, {u"diskUsed"_s, 10}, {u"diskTotal"_s, 100}});
        }
        return HttpResponse::json(200, QJsonObject{{u"sandboxes"_s, sandboxes}});
    });
    QStringList ids;
    for (int i = 0; i < 250; ++i)
        ids << u"s%1"_s.arg(i);
    const auto metrics = await(api()->latestMetrics(ids));
    QVERIFY_RESULT(metrics);
    QCOMPARE(metrics->size(), 250);
    QCOMPARE(metrics->value(u"s249"_s).cpuUsedPercent, 12.5);
    QCOMPARE(metrics->value(u"s0"_s).memoryTotalBytes, 4000);
    QCOMPARE(metrics->value(u"s0"_s).timestamp, QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC));
    QCOMPARE(m_server->requestCount(), 3);
}

void tst_E2bApi::sandboxMetricsComeOldestFirst()
{
    const auto sample = [](qint64 unix, double cpu) {
        return QJsonObject{{u"timestamp"_s, QDateTime::fromSecsSinceEpoch(unix, Qt::UTC).toString(Qt::ISODate)},
                           {u"timestampUnix"_s, unix}, {u"cpuCount"_s, 2}, {u"cpuUsedPct"_s, cpu},
                           {u"memUsed"_s, 536870912LL}, {u"memTotal"_s, 2147483648LL}, {u"memCache"_s, 1024},
                           {u"diskUsed"_s, 123456789LL}, {u"diskTotal"_s, 10737418240LL}};
    };
    // Out of order on the wire; the last only with the deprecated RFC 3339 timestamp.
    m_server->route("GET", u"/sandboxes/{id}/metrics"_s, HttpResponse::json(200, QJsonArray{
        sample(1795759210, 30.5), sample(1795759200, 10.25),
        QJsonObject{{u"timestamp"_s, u"2026-11-27T06:00:05.000Z"_s}, {u"cpuCount"_s, 2}, {u"cpuUsedPct"_s, 20}}}));
    auto client = api();
    const auto metrics = await(client->sandboxMetrics(u"sbx 1/x"_s, QDateTime::fromMSecsSinceEpoch(1795759200999, Qt::UTC),
                                                      QDateTime::fromMSecsSinceEpoch(1795759260001, Qt::UTC)));
    QVERIFY_RESULT(metrics);
    QCOMPARE(metrics->size(), 3);
    QCOMPARE(metrics->at(0).timestamp, QDateTime::fromSecsSinceEpoch(1795759200, Qt::UTC));
    QCOMPARE(metrics->at(1).timestamp, utc(2026, 11, 27, 6, 0, 5));
    QCOMPARE(metrics->at(2).timestamp, QDateTime::fromSecsSinceEpoch(1795759210, Qt::UTC));
    QCOMPARE(metrics->at(0).cpuCount, 2);
    QCOMPARE(metrics->at(0).cpuUsedPercent, 10.25);
    QCOMPARE(metrics->at(1).cpuUsedPercent, 20.0);
    QCOMPARE(metrics->at(2).memoryUsedBytes, 536870912LL);
    QCOMPARE(metrics->at(2).memoryTotalBytes, 2147483648LL);
    QCOMPARE(metrics->at(2).diskUsedBytes, 123456789LL);
    QCOMPARE(metrics->at(2).diskTotalBytes, 10737418240LL);

    // The id is one path segment; the interval in whole seconds, widened to cover it.
    HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.path, QByteArray("/sandboxes/sbx%201%2Fx/metrics"));
    QCOMPARE(request.header("x-api-key"), ApiKey.toUtf8());
    QCOMPARE(request.query.queryItemValue(u"start"_s), u"1795759200"_s);
    QCOMPARE(request.query.queryItemValue(u"end"_s), u"1795759261"_s);

    // Without an interval, no interval is sent.
    QVERIFY_RESULT(await(client->sandboxMetrics(u"sbx-2"_s)));
    request = m_server->lastRequest();
    QCOMPARE(request.path, QByteArray("/sandboxes/sbx-2/metrics"));
    QVERIFY(!request.query.hasQueryItem(u"start"_s));
    QVERIFY(!request.query.hasQueryItem(u"end"_s));
}

void tst_E2bApi::sandboxMetricsOfAnUnknownSandbox()
{
    m_server->route("GET", u"/sandboxes/{id}/metrics"_s,
                    HttpResponse::json(404, errorBody(404, u"sandbox \"gone\" not found"_s)));
    const auto metrics = await(api()->sandboxMetrics(u"gone"_s));
    QVERIFY_ERROR(metrics, ErrorCode::NotFound);
    QCOMPARE(m_server->requestCount(), 1);  // a 404 is an answer, not retried
    m_server->route("GET", u"/sandboxes/{id}/metrics"_s, HttpResponse::json(200, QJsonObject()));
    QVERIFY_ERROR(await(api()->sandboxMetrics(u"odd"_s)), ErrorCode::Provider);
}

void tst_E2bApi::logsComeOldestFirstWithoutSecrets()
{
    m_server->route("GET", u"/v2/sandboxes/{id}/logs"_s, HttpResponse::json(200, QJsonObject{{u"logs"_s, QJsonArray{
        QJsonObject{{u"timestamp"_s, u"2026-11-27T06:00:02Z"_s}, {u"level"_s, u"info"_s}, {u"message"_s, u"second"_s}},
        QJsonObject{{u"timestamp"_s, u"2026-11-27T06:00:01Z"_s}, {u"level"_s, u"warn"_s},
                    {u"message"_s, u"clone https://x-access-token:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b"_s}}}}}));
    const auto logs = await(api()->sandboxLogs(u"s"_s, 50));
    QVERIFY_RESULT(logs);
    QCOMPARE(logs->size(), 2);
    QCOMPARE(logs->at(0).level, u"warn"_s);
    QCOMPARE(logs->at(1).message, u"second"_s);
    QVERIFY2(!logs->at(0).message.contains(u"ghp_abcdefghijklmnopqrstuvwxyz0123456789"_s), qPrintable(logs->at(0).message));
    QCOMPARE(m_server->lastRequest().query.queryItemValue(u"limit"_s), u"50"_s);
    QCOMPARE(m_server->lastRequest().query.queryItemValue(u"direction"_s), u"backward"_s);
}

void tst_E2bApi::healthCheckProvesTheKey()
{
    m_server->route("GET", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        if (request.header("x-api-key") != ApiKey.toUtf8())
            return HttpResponse::json(401, errorBody(401, u"Invalid API key format"_s));
        return HttpResponse::json(200, QJsonArray());
    });
    QVERIFY_RESULT(await(api()->checkHealth()));
    QVERIFY_ERROR(await(api(u"e2b_ffff"_s)->checkHealth()), ErrorCode::Unauthenticated);
}

QTEST_GUILESS_MAIN(tst_E2bApi)
#include "tst_e2bapi.moc"
