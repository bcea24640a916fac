// SPDX-License-Identifier: MIT
// EnvdClient's process List, filesystem Stat/ListDir/MakeDir/Remove and WatchDir against a
// loopback envd written from `process.proto` and `filesystem.proto`: Connect unary calls with
// the JSON codec over a small in-memory filesystem that answers as envd's handlers do
// (already_exists, not_found, invalid_argument), the proxy's and the token check's HTTP
// failures, and the WatchDir stream (envelopes split across writes, the end-of-stream status,
// a stream cut mid-event, cancel).
#include "e2b/connectenvelope.h"
#include "e2b/envdclient.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

namespace {

const QByteArray Token = "envd-token-1";
const QString Home = u"/home/user"_s;

// A Connect error as connect-go writes it for a unary call: the HTTP status its code maps to
// and `{"code": "<name>", "message": …}`.
HttpResponse connectError(const QString &code, const QString &message)
{
    static const QHash<QString, int> statuses{
        {u"invalid_argument"_s, 400}, {u"failed_precondition"_s, 400}, {u"unauthenticated"_s, 401},
        {u"permission_denied"_s, 403}, {u"not_found"_s, 404},         {u"already_exists"_s, 409},
        {u"resource_exhausted"_s, 429}, {u"internal"_s, 500},          {u"unavailable"_s, 503}};
    return HttpResponse::json(statuses.value(code, 500),
                              QJsonObject{{u"code"_s, code}, {u"message"_s, message}});
}

QJsonObject entryJson(const QString &path, const char *type)
{
    const bool file = qstrcmp(type, "FILE_TYPE_FILE") == 0;
    return {{u"name"_s, path.section(u'/', -1)},
            {u"type"_s, QString::fromLatin1(type)},
            {u"path"_s, path},
            {u"size"_s, file ? u"12"_s : u"4096"_s},
            {u"mode"_s, file ? 0644 : 0755},
            {u"permissions"_s, file ? u"-rw-r--r--"_s : u"drwxr-xr-x"_s},
            {u"owner"_s, u"user"_s},
            {u"group"_s, u"user"_s},
            {u"modifiedTime"_s, u"2025-03-04T10:20:30.123456789Z"_s}};
}

// envd's filesystem and process services over a map of absolute paths to their EntryInfo, as
// infra's packages/envd/internal/services/{filesystem,process} behave.
class FakeEnvd
{
public:
    QMap<QString, QJsonObject> entries;
    QJsonArray processes;

    void addFile(const QString &path) { entries.insert(path, entryJson(path, "FILE_TYPE_FILE")); }
    void addDir(const QString &path) { entries.insert(path, entryJson(path, "FILE_TYPE_DIRECTORY")); }

    void install(LoopbackHttpServer &server)
    {
        const auto unary = [&server, this](const QString &rpc, auto answer) {
            server.route("POST", u"/"_s + rpc, [this, answer](const HttpRequest &request) {
                // envd's token check answers before Connect does, with a numeric code.
                if (request.header("X-Access-Token") != Token) {
                    return HttpResponse::json(401, QJsonObject{
                        {u"code"_s, 401},
                        {u"message"_s, u"unauthorized access, please provide a valid access token or method signing if supported"_s}});
                }
                if (request.header("Content-Type") != "application/json")
                    return HttpResponse::empty(415);
                QJsonParseError error;
                const QJsonDocument body = QJsonDocument::fromJson(request.body, &error);
                if (!body.isObject())
                    return connectError(u"invalid_argument"_s, error.errorString());
                return answer(this, body.object());
            });
        };
        unary(u"process.Process/List"_s, [](FakeEnvd *envd, const QJsonObject &) {
            QJsonObject response;
            if (!envd->processes.isEmpty())  // proto3 JSON leaves an empty list out
                response.insert(u"processes"_s, envd->processes);
            return HttpResponse::json(200, response);
        });
        unary(u"filesystem.Filesystem/Stat"_s, [](FakeEnvd *envd, const QJsonObject &body) {
            const QString path = resolve(body.value("path"_L1).toString());
            if (!envd->entries.contains(path))
                return connectError(u"not_found"_s, u"file not found: stat %1: no such file or directory"_s.arg(path));
            return HttpResponse::json(200, QJsonObject{{u"entry"_s, envd->entries.value(path)}});
        });
        unary(u"filesystem.Filesystem/ListDir"_s, [](FakeEnvd *envd, const QJsonObject &body) {
            const QString path = resolve(body.value("path"_L1).toString());
            const int depth = std::max(1, body.value("depth"_L1).toInt());
            if (!envd->entries.contains(path))
                return connectError(u"not_found"_s, u"path not found: %1"_s.arg(path));
            if (envd->entries.value(path).value("type"_L1) != u"FILE_TYPE_DIRECTORY"_s)
                return connectError(u"invalid_argument"_s, u"path is not a directory: %1"_s.arg(path));
            QJsonArray listed;
            for (auto it = envd->entries.cbegin(); it != envd->entries.cend(); ++it) {
                if (it.key().startsWith(path + u'/')
                    && it.key().mid(path.size() + 1).count(u'/') < depth)
                    listed.append(it.value());
            }
            QJsonObject response;
            if (!listed.isEmpty())
                response.insert(u"entries"_s, listed);
            return HttpResponse::json(200, response);
        });
        unary(u"filesystem.Filesystem/MakeDir"_s, [](FakeEnvd *envd, const QJsonObject &body) {
            const QString path = resolve(body.value("path"_L1).toString());
            if (envd->entries.contains(path)) {
                if (envd->entries.value(path).value("type"_L1) == u"FILE_TYPE_DIRECTORY"_s)
                    return connectError(u"already_exists"_s, u"directory already exists: %1"_s.arg(path));
                return connectError(u"invalid_argument"_s,
                                    u"path already exists but it is not a directory: %1"_s.arg(path));
            }
            for (QString folder = path; folder.size() > Home.size(); folder = folder.section(u'/', 0, -2)) {
                if (!envd->entries.contains(folder))
                    envd->addDir(folder);
            }
            return HttpResponse::json(200, QJsonObject{{u"entry"_s, QJsonObject{
                {u"name"_s, path.section(u'/', -1)}, {u"type"_s, u"FILE_TYPE_DIRECTORY"_s}, {u"path"_s, path}}}});
        });
        unary(u"filesystem.Filesystem/Remove"_s, [](FakeEnvd *envd, const QJsonObject &body) {
            // os.RemoveAll: a missing path is fine.
            const QString path = resolve(body.value("path"_L1).toString());
            for (auto it = envd->entries.begin(); it != envd->entries.end();) {
                if (it.key() == path || it.key().startsWith(path + u'/'))
                    it = envd->entries.erase(it);
                else
                    ++it;
            }
            return HttpResponse::json(200, QJsonObject());
        });
    }

    static QString resolve(const QString &path)
    {
        return path.startsWith(u'/') ? path : Home + u'/' + path;
    }
};

QByteArray frame(const QJsonObject &message)
{
    return connect::encodeEnvelope(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

QByteArray startFrame()
{
    return frame({{u"start"_s, QJsonObject()}});
}

QByteArray eventFrame(const QString &name, const char *type, const QJsonObject &entry = {})
{
    QJsonObject event{{u"name"_s, name}, {u"type"_s, QString::fromLatin1(type)}};
    if (!entry.isEmpty())
        event.insert(u"entry"_s, entry);
    return frame({{u"filesystem"_s, event}});
}

QByteArray endOfStream(const QJsonObject &status = {})
{
    return connect::encodeEnvelope(QJsonDocument(status).toJson(QJsonDocument::Compact),
                                   connect::EndStreamFlag);
}

QJsonObject connectStatus(const QString &code, const QString &message)
{
    return {{u"error"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}};
}

const test::HttpHeaders StreamHeaders{{"Content-Type", "application/connect+json"}};

void verifyEnvdHeaders(const HttpRequest &request, const QByteArray &contentType)
{
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.header("content-type"), contentType);
    QCOMPARE(request.header("connect-protocol-version"), QByteArray("1"));
    QCOMPARE(request.header("e2b-sandbox-id"), QByteArray("sbx-7"));
    QCOMPARE(request.header("e2b-sandbox-port"), QByteArray("49983"));
    QCOMPARE(request.header("x-access-token"), Token);
}

} // namespace

class tst_EnvdFilesystem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void unaryRequests_data();
    void unaryRequests();
    void listsProcesses();
    void statReadsEveryField();
    void timestamps_data();
    void timestamps();
    void statOfAMissingPathIsNotFound();
    void listDirHonoursDepth();
    void makeDirSaysWhetherItMadeTheFolder();
    void makeDirKeepsTheProxysConflict();
    void removeDeletesAndIgnoresMissingPaths();
    void wrongTokenIsUnauthenticated();
    void unaryFailures_data();
    void unaryFailures();
    void stalledCallTimesOut();
    void unreachableSandbox();

    void watchStreamsEvents();
    void watchEndOfStreamError_data();
    void watchEndOfStreamError();
    void watchHttpFailures_data();
    void watchHttpFailures();
    void watchCutMidEvent();
    void watchCancelClosesTheStream();
    void deletingAWatchClosesTheStream();

private:
    std::unique_ptr<EnvdClient> client(const QUrl &url, const QString &token);
    Result<void> call(const QString &name);

    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<EnvdClient> m_client;
    FakeEnvd m_envd;
};

void tst_EnvdFilesystem::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    m_client = client(m_server->url(), QString::fromLatin1(Token));
    QVERIFY(m_client);
    m_envd = FakeEnvd();
    m_envd.addDir(Home);
    m_envd.addDir(Home + u"/repo"_s);
    m_envd.addFile(Home + u"/repo/README.md"_s);
    m_envd.addDir(Home + u"/repo/src"_s);
    m_envd.addFile(Home + u"/repo/src/main.cpp"_s);
    m_envd.addDir(Home + u"/repo/src/lib"_s);
    m_envd.addFile(Home + u"/repo/src/lib/a.h"_s);
    m_envd.addDir(Home + u"/empty"_s);
    m_envd.install(*m_server);
}

void tst_EnvdFilesystem::cleanup()
{
    m_client.reset();
    m_server.reset();
}

std::unique_ptr<EnvdClient> tst_EnvdFilesystem::client(const QUrl &url, const QString &token)
{
    auto endpoint = E2bEndpoint::resolve({{}, {}, url.toString()}, QProcessEnvironment());
    if (!endpoint)
        return {};
    return std::make_unique<EnvdClient>(endpoint->envdRoute(u"sbx-7"_s), token);
}

// Each unary call by name, its value dropped: for tests about the exchange itself.
Result<void> tst_EnvdFilesystem::call(const QString &name)
{
    const auto drop = [](const auto &) {};
    if (name == u"list"_s)
        return await(m_client->listProcesses()).transform(drop);
    if (name == u"stat"_s)
        return await(m_client->stat(u"repo/README.md"_s)).transform(drop);
    if (name == u"listDir"_s)
        return await(m_client->listDir(u"/home/user/repo"_s, 2)).transform(drop);
    if (name == u"makeDir"_s)
        return await(m_client->makeDir(u"repo/new folder/deep"_s)).transform(drop);
    if (name == u"remove"_s)
        return await(m_client->remove(u"repo/src"_s));
    return fail(ErrorCode::Internal, u"no call named "_s + name);
}

void tst_EnvdFilesystem::unaryRequests_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QJsonObject>("body");
    QTest::newRow("List") << u"list"_s << QByteArray("/process.Process/List") << QJsonObject();
    QTest::newRow("Stat") << u"stat"_s << QByteArray("/filesystem.Filesystem/Stat")
                          << QJsonObject{{u"path"_s, u"repo/README.md"_s}};
    QTest::newRow("ListDir") << u"listDir"_s << QByteArray("/filesystem.Filesystem/ListDir")
                             << QJsonObject{{u"path"_s, u"/home/user/repo"_s}, {u"depth"_s, 2}};
    QTest::newRow("MakeDir") << u"makeDir"_s << QByteArray("/filesystem.Filesystem/MakeDir")
                             << QJsonObject{{u"path"_s, u"repo/new folder/deep"_s}};
    QTest::newRow("Remove") << u"remove"_s << QByteArray("/filesystem.Filesystem/Remove")
                            << QJsonObject{{u"path"_s, u"repo/src"_s}};
}

void tst_EnvdFilesystem::unaryRequests()
{
    QFETCH(QString, call);
    QFETCH(QByteArray, path);
    QFETCH(QJsonObject, body);
    QVERIFY_RESULT(this->call(call));
    QCOMPARE(m_server->requestCount(), 1);
    const HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.path, path);
    verifyEnvdHeaders(request, "application/json");
    if (QTest::currentTestFailed())
        return;
    // A unary body is the bare message: no envelope, no keepalive (that is for streams).
    QVERIFY(!request.hasHeader("keepalive-ping-interval"));
    QJsonParseError error;
    const QJsonDocument sent = QJsonDocument::fromJson(request.body, &error);
    QVERIFY2(sent.isObject(), qPrintable(error.errorString()));
    QCOMPARE(sent.object(), body);
}

void tst_EnvdFilesystem::listsProcesses()
{
    const auto none = await(m_client->listProcesses());
    QVERIFY_RESULT(none);
    QVERIFY(none->isEmpty());

    m_envd.processes = {
        QJsonObject{{u"config"_s, QJsonObject{{u"cmd"_s, u"/bin/bash"_s},
                                              {u"args"_s, QJsonArray{u"-l"_s, u"-c"_s, u"npm run dev"_s}},
                                              {u"envs"_s, QJsonObject{{u"PORT"_s, u"3000"_s}}},
                                              {u"cwd"_s, u"/home/user/app"_s}}},
                    {u"pid"_s, 412},
                    {u"tag"_s, u"dev-server"_s}},
        // Only what is set: no envs, cwd or tag keys at all.
        QJsonObject{{u"config"_s, QJsonObject{{u"cmd"_s, u"sleep"_s}, {u"args"_s, QJsonArray{u"60"_s}}}},
                    {u"pid"_s, 7}}};
    const auto processes = await(m_client->listProcesses());
    QVERIFY_RESULT(processes);
    QCOMPARE(processes->size(), 2);
    const EnvdProcess &dev = processes->at(0);
    QCOMPARE(dev.pid, 412u);
    QCOMPARE(dev.cmd, u"/bin/bash"_s);
    QCOMPARE(dev.args, (QStringList{u"-l"_s, u"-c"_s, u"npm run dev"_s}));
    QCOMPARE(dev.envs, (QMap<QString, QString>{{u"PORT"_s, u"3000"_s}}));
    QCOMPARE(dev.cwd, std::optional<QString>(u"/home/user/app"_s));
    QCOMPARE(dev.tag, std::optional<QString>(u"dev-server"_s));
    const EnvdProcess &sleeper = processes->at(1);
    QCOMPARE(sleeper.pid, 7u);
    QCOMPARE(sleeper.cmd, u"sleep"_s);
    QCOMPARE(sleeper.args, QStringList{u"60"_s});
    QVERIFY(sleeper.envs.isEmpty());
    QVERIFY(!sleeper.cwd);
    QVERIFY(!sleeper.tag);
}

void tst_EnvdFilesystem::statReadsEveryField()
{
    const QString path = Home + u"/repo/disk.img"_s;
    m_envd.entries.insert(path, QJsonObject{
        {u"name"_s, u"disk.img"_s},
        {u"type"_s, u"FILE_TYPE_SYMLINK"_s},
        {u"path"_s, path},
        {u"size"_s, u"5368709120"_s},  // int64 as a string, past 32 bits
        {u"mode"_s, 0640},
        {u"permissions"_s, u"Lrw-r-----"_s},
        {u"owner"_s, u"root"_s},
        {u"group"_s, u"disk"_s},
        {u"modifiedTime"_s, u"2025-03-04T10:20:30.123456789Z"_s},
        {u"symlinkTarget"_s, u"/mnt/images/disk.img"_s},
        {u"metadata"_s, QJsonObject{{u"origin"_s, u"upload"_s}}}});
    const auto entry = await(m_client->stat(u"repo/disk.img"_s));
    QVERIFY_RESULT(entry);
    QCOMPARE(entry->name, u"disk.img"_s);
    QCOMPARE(entry->type, EnvdEntry::Type::Symlink);
    QCOMPARE(entry->path, path);
    QCOMPARE(entry->size, Q_INT64_C(5368709120));
    QCOMPARE(entry->mode, 0640u);
    QCOMPARE(entry->permissions, u"Lrw-r-----"_s);
    QCOMPARE(entry->owner, u"root"_s);
    QCOMPARE(entry->group, u"disk"_s);
    QCOMPARE(entry->modifiedTime, QDateTime(QDate(2025, 3, 4), QTime(10, 20, 30, 123), Qt::UTC));
    QCOMPARE(entry->symlinkTarget, std::optional<QString>(u"/mnt/images/disk.img"_s));
    QCOMPARE(entry->metadata, (QMap<QString, QString>{{u"origin"_s, u"upload"_s}}));

    // envd's Stat fills name and type only; the rest keeps its defaults.
    m_envd.entries.insert(path, QJsonObject{{u"name"_s, u"disk.img"_s}, {u"type"_s, u"FILE_TYPE_FILE"_s}});
    const auto sparse = await(m_client->stat(u"repo/disk.img"_s));
    QVERIFY_RESULT(sparse);
    QCOMPARE(sparse->type, EnvdEntry::Type::File);
    QCOMPARE(sparse->size, qint64(0));
    QVERIFY(sparse->modifiedTime.isNull());
    QVERIFY(!sparse->symlinkTarget);
}

void tst_EnvdFilesystem::timestamps_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    const QDate day(2025, 3, 4);
    QTest::newRow("whole seconds") << u"2025-03-04T10:20:30Z"_s << QDateTime(day, QTime(10, 20, 30), Qt::UTC);
    QTest::newRow("milliseconds") << u"2025-03-04T10:20:30.123Z"_s << QDateTime(day, QTime(10, 20, 30, 123), Qt::UTC);
    QTest::newRow("tenths") << u"2025-03-04T10:20:30.5Z"_s << QDateTime(day, QTime(10, 20, 30, 500), Qt::UTC);
    QTest::newRow("microseconds") << u"2025-03-04T10:20:30.000250Z"_s << QDateTime(day, QTime(10, 20, 30), Qt::UTC);
    QTest::newRow("nanoseconds") << u"2025-03-04T10:20:30.987654321Z"_s << QDateTime(day, QTime(10, 20, 30, 987), Qt::UTC);
    QTest::newRow("offset") << u"2025-03-04T12:20:30.1+02:00"_s << QDateTime(day, QTime(10, 20, 30, 100), Qt::UTC);
    QTest::newRow("lower case") << u"2025-03-04t10:20:30z"_s << QDateTime(day, QTime(10, 20, 30), Qt::UTC);
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
}

void tst_EnvdFilesystem::timestamps()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    QJsonObject entry = entryJson(Home + u"/repo/README.md"_s, "FILE_TYPE_FILE");
    entry.insert(u"modifiedTime"_s, text);
    m_envd.entries.insert(Home + u"/repo/README.md"_s, entry);
    const auto stat = await(m_client->stat(u"repo/README.md"_s));
    QVERIFY_RESULT(stat);
    QCOMPARE(stat->modifiedTime, expected);
    if (expected.isValid())
        QCOMPARE(stat->modifiedTime.timeSpec(), Qt::UTC);
}

void tst_EnvdFilesystem::statOfAMissingPathIsNotFound()
{
    const auto missing = await(m_client->stat(u"repo/nope.txt"_s));
    QVERIFY_ERROR(missing, ErrorCode::NotFound);
    QVERIFY(missing.error().message().contains(u"repo/nope.txt"_s));
    QVERIFY(missing.error().detail().contains(u"no such file or directory"_s));
}

void tst_EnvdFilesystem::listDirHonoursDepth()
{
    const auto names = [](const QList<EnvdEntry> &entries) {
        QStringList names;
        for (const EnvdEntry &entry : entries)
            names.append(entry.path.mid(Home.size() + 1));
        return names;
    };
    const auto children = await(m_client->listDir(u"repo"_s));
    QVERIFY_RESULT(children);
    QCOMPARE(names(*children), (QStringList{u"repo/README.md"_s, u"repo/src"_s}));
    QCOMPARE(children->at(0).type, EnvdEntry::Type::File);
    QCOMPARE(children->at(0).name, u"README.md"_s);
    QCOMPARE(children->at(0).size, qint64(12));
    QCOMPARE(children->at(0).mode, 0644u);
    QCOMPARE(children->at(1).type, EnvdEntry::Type::Directory);
    QCOMPARE(children->at(1).permissions, u"drwxr-xr-x"_s);
    QVERIFY(!QJsonDocument::fromJson(m_server->lastRequest().body).object().isEmpty());

    const auto all = await(m_client->listDir(u"repo"_s, 3));
    QVERIFY_RESULT(all);
    QCOMPARE(names(*all), (QStringList{u"repo/README.md"_s, u"repo/src"_s, u"repo/src/lib"_s,
                                       u"repo/src/lib/a.h"_s, u"repo/src/main.cpp"_s}));

    const auto empty = await(m_client->listDir(u"empty"_s));
    QVERIFY_RESULT(empty);
    QVERIFY(empty->isEmpty());
    QVERIFY_ERROR(await(m_client->listDir(u"repo/README.md"_s)), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_client->listDir(u"nowhere"_s)), ErrorCode::NotFound);
}

void tst_EnvdFilesystem::makeDirSaysWhetherItMadeTheFolder()
{
    const auto made = await(m_client->makeDir(u"repo/new/deep"_s));
    QVERIFY_RESULT(made);
    QVERIFY(*made);
    const auto stat = await(m_client->stat(u"/home/user/repo/new/deep"_s));
    QVERIFY_RESULT(stat);
    QCOMPARE(stat->type, EnvdEntry::Type::Directory);

    const auto again = await(m_client->makeDir(u"repo/new/deep"_s));
    QVERIFY_RESULT(again);
    QVERIFY(!*again);
    QCOMPARE(m_server->lastRequest().path, QByteArray("/filesystem.Filesystem/MakeDir"));

    const auto file = await(m_client->makeDir(u"repo/README.md"_s));
    QVERIFY_ERROR(file, ErrorCode::InvalidArgument);
    QVERIFY(file.error().toString().contains(u"not a directory"_s));
}

void tst_EnvdFilesystem::makeDirKeepsTheProxysConflict()
{
    // A 409 from E2B's proxy is not envd's already_exists: the folder was not looked at.
    m_server->route("POST", u"/filesystem.Filesystem/MakeDir"_s,
                    HttpResponse::json(409, QJsonObject{
                        {u"sandboxId"_s, u"sbx-7"_s},
                        {u"message"_s, u"The sandbox is still transitioning. Try again in a moment."_s},
                        {u"code"_s, 409}}));
    QVERIFY_ERROR(await(m_client->makeDir(u"repo"_s)), ErrorCode::Conflict);
    // Other Connect errors that map to Conflict stay errors too.
    m_server->route("POST", u"/filesystem.Filesystem/MakeDir"_s,
                    connectError(u"failed_precondition"_s, u"read-only file system"_s));
    QVERIFY_ERROR(await(m_client->makeDir(u"repo/x"_s)), ErrorCode::Conflict);
}

void tst_EnvdFilesystem::removeDeletesAndIgnoresMissingPaths()
{
    QVERIFY_RESULT(await(m_client->stat(u"repo/src/lib/a.h"_s)));
    QVERIFY_RESULT(await(m_client->remove(u"repo/src"_s)));
    QVERIFY_ERROR(await(m_client->stat(u"repo/src/lib/a.h"_s)), ErrorCode::NotFound);
    QVERIFY_ERROR(await(m_client->stat(u"repo/src"_s)), ErrorCode::NotFound);
    QVERIFY_RESULT(await(m_client->stat(u"repo/README.md"_s)));
    QVERIFY_RESULT(await(m_client->remove(u"repo/src"_s)));
}

void tst_EnvdFilesystem::wrongTokenIsUnauthenticated()
{
    m_client = client(m_server->url(), u"stale-token"_s);
    const auto listed = await(m_client->listDir(u"repo"_s));
    QVERIFY_ERROR(listed, ErrorCode::Unauthenticated);
    QVERIFY(listed.error().message().contains(u"access token"_s));
    QVERIFY(!listed.error().toString().contains(u"stale-token"_s));
    QVERIFY_ERROR(await(m_client->listProcesses()), ErrorCode::Unauthenticated);
}

void tst_EnvdFilesystem::unaryFailures_data()
{
    QTest::addColumn<HttpResponse>("response");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("said");
    const auto proxy = [](int status, const QString &message) {
        return HttpResponse::json(status, QJsonObject{{u"sandboxId"_s, u"sbx-7"_s},
                                                      {u"message"_s, message},
                                                      {u"code"_s, status}});
    };
    QTest::newRow("502 sandbox not found")
        << proxy(502, u"The sandbox was not found"_s) << ErrorCode::NotFound << u"not running"_s;
    QTest::newRow("502 port not open")
        << proxy(502, u"The sandbox is running but port is not open"_s) << ErrorCode::Unavailable
        << u"envd"_s;
    QTest::newRow("409 transitioning")
        << proxy(409, u"The sandbox is still transitioning. Try again in a moment."_s)
        << ErrorCode::Conflict << u"try again"_s;
    QTest::newRow("429") << proxy(429, u"too many connections"_s) << ErrorCode::RateLimited
                         << u"too many connections"_s;
    QTest::newRow("503 not JSON")
        << HttpResponse::text(503, "upstream connect error") << ErrorCode::Unavailable << u"503"_s;
    QTest::newRow("connect unauthenticated")
        << connectError(u"unauthenticated"_s, u"invalid username: 'bob'"_s)
        << ErrorCode::Unauthenticated << u"invalid username"_s;
    QTest::newRow("connect permission_denied")
        << connectError(u"permission_denied"_s, u"open /root: permission denied"_s)
        << ErrorCode::PermissionDenied << u"/root"_s;
    QTest::newRow("connect internal")
        << connectError(u"internal"_s, u"error statting file: input/output error"_s)
        << ErrorCode::Provider << u"input/output error"_s;
    QTest::newRow("200 not JSON")
        << HttpResponse::text(200, "<html>hello</html>", "text/html") << ErrorCode::Provider
        << u"could not be read"_s;
}

void tst_EnvdFilesystem::unaryFailures()
{
    QFETCH(HttpResponse, response);
    QFETCH(ErrorCode, code);
    QFETCH(QString, said);
    for (const QString &rpc : {u"/filesystem.Filesystem/Stat"_s, u"/process.Process/List"_s})
        m_server->route("POST", rpc, response);
    const auto stat = await(m_client->stat(u"repo/README.md"_s));
    QVERIFY_ERROR(stat, code);
    QVERIFY2(stat.error().toString().contains(said, Qt::CaseInsensitive),
             qPrintable(stat.error().toString()));
    QVERIFY(stat.error().message().contains(u"repo/README.md"_s));
    QVERIFY_ERROR(await(m_client->listProcesses()), code);
}

void tst_EnvdFilesystem::stalledCallTimesOut()
{
    m_server->route("POST", u"/filesystem.Filesystem/Stat"_s, HttpResponse::stalled());
    m_client->setRequestTimeoutMs(300);
    QVERIFY_ERROR(await(m_client->stat(u"repo"_s)), ErrorCode::Timeout);
}

void tst_EnvdFilesystem::unreachableSandbox()
{
    QUrl closed;
    {
        LoopbackHttpServer gone;
        closed = gone.url();
    }
    m_client = client(closed, QString::fromLatin1(Token));
    QVERIFY_ERROR(await(m_client->remove(u"repo"_s)), ErrorCode::Unavailable);
}

void tst_EnvdFilesystem::watchStreamsEvents()
{
    std::optional<HttpResponder> stream;
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    [&stream](const HttpRequest &, HttpResponder responder) {
                        stream = responder;
                        responder.begin(200, StreamHeaders);
                        responder.write(startFrame());
                    });
    EnvdWatchOptions options;
    options.recursive = true;
    options.includeEntry = true;
    EnvdWatch *watch = m_client->watchDir(u"repo"_s, options, m_client.get());
    QList<EnvdFilesystemEvent> events;
    connect(watch, &EnvdWatch::filesystemEvent, this,
            [&events](const EnvdFilesystemEvent &event) { events.append(event); });
    QSignalSpy started(watch, &EnvdWatch::started);
    QSignalSpy finished(watch, &EnvdWatch::finished);
    QVERIFY(started.wait(10000));
    QVERIFY(watch->isStarted());
    QVERIFY(stream);

    // What went out: a Connect stream request carrying one enveloped WatchDirRequest.
    const HttpRequest request = m_server->lastRequest();
    QCOMPARE(request.path, QByteArray("/filesystem.Filesystem/WatchDir"));
    verifyEnvdHeaders(request, "application/connect+json");
    if (QTest::currentTestFailed())
        return;
    QVERIFY(request.hasHeader("keepalive-ping-interval"));
    connect::EnvelopeReader reader;
    reader.feed(request.body);
    const auto envelope = reader.next();
    QVERIFY_RESULT(envelope);
    QVERIFY(envelope->has_value());
    QVERIFY(!reader.hasPartial());
    QCOMPARE(QJsonDocument::fromJson((*envelope)->payload).object(),
             (QJsonObject{{u"path"_s, u"repo"_s}, {u"recursive"_s, true}, {u"includeEntry"_s, true}}));

    // One whole event and a second cut inside its payload; the rest only once the first has
    // been handled, so the client must hold the piece in between.
    const QJsonObject created = entryJson(Home + u"/repo/src/new.txt"_s, "FILE_TYPE_FILE");
    const QByteArray second = eventFrame(u"src/new.txt"_s, "EVENT_TYPE_WRITE");
    const QByteArray third = eventFrame(u"old.txt"_s, "EVENT_TYPE_REMOVE");
    stream->write(eventFrame(u"src/new.txt"_s, "EVENT_TYPE_CREATE", created) + second.left(9));
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 10000);
    // Then a cut inside the 5-byte header.
    stream->write(second.mid(9) + frame({{u"keepalive"_s, QJsonObject()}}) + third.left(2));
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 2, 10000);
    stream->write(third.mid(2) + eventFrame(u"run.sh"_s, "EVENT_TYPE_CHMOD")
                  + eventFrame(u"a"_s, "EVENT_TYPE_RENAME"));
    QTRY_COMPARE_WITH_TIMEOUT(events.size(), 5, 10000);
    QCOMPARE(finished.size(), 0);

    QCOMPARE(events[0].name, u"src/new.txt"_s);
    QCOMPARE(events[0].type, EnvdFilesystemEvent::Type::Create);
    QVERIFY(events[0].entry);
    QCOMPARE(events[0].entry->path, Home + u"/repo/src/new.txt"_s);
    QCOMPARE(events[0].entry->size, qint64(12));
    QCOMPARE(events[1].name, u"src/new.txt"_s);
    QCOMPARE(events[1].type, EnvdFilesystemEvent::Type::Write);
    QVERIFY(!events[1].entry);
    QCOMPARE(events[2].type, EnvdFilesystemEvent::Type::Remove);
    QCOMPARE(events[3].type, EnvdFilesystemEvent::Type::Chmod);
    QCOMPARE(events[4].type, EnvdFilesystemEvent::Type::Rename);

    // envd ending the stream without an error ends the watch without one.
    stream->write(endOfStream());
    stream->finish();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.size(), 1);
    QVERIFY_RESULT(watch->result());
    QCOMPARE(started.size(), 1);
}

void tst_EnvdFilesystem::watchEndOfStreamError_data()
{
    QTest::addColumn<bool>("startFirst");
    QTest::addColumn<QString>("connectCode");
    QTest::addColumn<QString>("message");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("missing folder") << false << u"not_found"_s
                                    << u"path /home/user/nope not found"_s << ErrorCode::NotFound;
    QTest::newRow("not a folder") << false << u"invalid_argument"_s
                                  << u"path /home/user/repo/README.md not a directory"_s
                                  << ErrorCode::InvalidArgument;
    QTest::newRow("watcher broke") << true << u"internal"_s
                                   << u"watcher error: too many open files"_s << ErrorCode::Provider;
}

void tst_EnvdFilesystem::watchEndOfStreamError()
{
    QFETCH(bool, startFirst);
    QFETCH(QString, connectCode);
    QFETCH(QString, message);
    QFETCH(ErrorCode, code);
    // connect-go answers a failing stream with HTTP 200 and the error in the last envelope.
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    [=](const HttpRequest &, HttpResponder responder) {
                        responder.begin(200, StreamHeaders);
                        responder.write((startFirst ? startFrame() : QByteArray())
                                        + endOfStream(connectStatus(connectCode, message)));
                        responder.finish();
                    });
    EnvdWatch *watch = m_client->watchDir(u"nope"_s, {}, m_client.get());
    QSignalSpy finished(watch, &EnvdWatch::finished);
    QVERIFY(finished.wait(10000));
    QVERIFY_ERROR(watch->result(), code);
    QVERIFY(watch->result().error().toString().contains(message));
    QCOMPARE(watch->isStarted(), startFirst);
    QCOMPARE(QJsonDocument::fromJson(m_server->lastRequest().body.mid(5)).object(),
             (QJsonObject{{u"path"_s, u"nope"_s}}));
}

void tst_EnvdFilesystem::watchHttpFailures_data()
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
    QTest::newRow("409 transitioning")
        << 409 << QByteArray(R"({"sandboxId":"sbx-7","message":"The sandbox is still transitioning. Try again in a moment.","code":409})")
        << ErrorCode::Conflict;
}

void tst_EnvdFilesystem::watchHttpFailures()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(ErrorCode, code);
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    HttpResponse::text(status, body, "application/json"));
    EnvdWatch *watch = m_client->watchDir(u"repo"_s, {}, m_client.get());
    QSignalSpy started(watch, &EnvdWatch::started);
    QSignalSpy finished(watch, &EnvdWatch::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.size(), 1);
    QVERIFY_ERROR(watch->result(), code);
    QVERIFY(watch->result().error().message().contains(u"repo"_s));
    QCOMPARE(started.size(), 0);
}

void tst_EnvdFilesystem::watchCutMidEvent()
{
    std::optional<HttpResponder> stream;
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    [&stream](const HttpRequest &, HttpResponder responder) {
                        stream = responder;
                        responder.begin(200, StreamHeaders);
                        responder.write(startFrame() + eventFrame(u"a.txt"_s, "EVENT_TYPE_CREATE").left(12));
                    });
    EnvdWatch *watch = m_client->watchDir(u"repo"_s, {}, m_client.get());
    QSignalSpy finished(watch, &EnvdWatch::finished);
    QSignalSpy events(watch, &EnvdWatch::filesystemEvent);
    QTRY_VERIFY_WITH_TIMEOUT(watch->isStarted(), 10000);
    stream->abort();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.size(), 1);
    QVERIFY_ERROR(watch->result(), ErrorCode::Unavailable);
    QCOMPARE(events.size(), 0);
}

void tst_EnvdFilesystem::watchCancelClosesTheStream()
{
    std::optional<HttpResponder> stream;
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    [&stream](const HttpRequest &, HttpResponder responder) {
                        stream = responder;
                        responder.begin(200, StreamHeaders);
                        responder.write(startFrame());
                    });
    EnvdWatch *watch = m_client->watchDir(u"repo"_s, {}, m_client.get());
    QSignalSpy started(watch, &EnvdWatch::started);
    QSignalSpy finished(watch, &EnvdWatch::finished);
    QSignalSpy events(watch, &EnvdWatch::filesystemEvent);
    QVERIFY(started.wait(10000));
    QCOMPARE(m_server->openConnectionCount(), 1);

    watch->cancel();
    QCOMPARE(finished.size(), 1);
    QVERIFY_ERROR(watch->result(), ErrorCode::Cancelled);
    watch->cancel();
    QCOMPARE(finished.size(), 1);
    // Closing the stream is what makes envd stop watching.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->openConnectionCount(), 0, 10000);
    QVERIFY(!stream->isConnected());
    stream->write(eventFrame(u"late.txt"_s, "EVENT_TYPE_CREATE"));
    QCOMPARE(events.size(), 0);
    QCOMPARE(finished.size(), 1);
}

void tst_EnvdFilesystem::deletingAWatchClosesTheStream()
{
    m_server->route("POST", u"/filesystem.Filesystem/WatchDir"_s,
                    [](const HttpRequest &, HttpResponder responder) {
                        responder.begin(200, StreamHeaders);
                        responder.write(startFrame());
                    });
    EnvdWatch *watch = m_client->watchDir(u"repo"_s, {}, nullptr);
    QSignalSpy started(watch, &EnvdWatch::started);
    QVERIFY(started.wait(10000));
    QCOMPARE(m_server->openConnectionCount(), 1);
    delete watch;
    QTRY_COMPARE_WITH_TIMEOUT(m_server->openConnectionCount(), 0, 10000);
}

QTEST_GUILESS_MAIN(tst_EnvdFilesystem)
#include "tst_envdfilesystem.moc"
