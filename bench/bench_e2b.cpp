// SPDX-License-Identifier: MIT
// squadctl against a loopback E2B control plane and envd (the tests' server), each figure
// next to curl's from the same run:
//  (1) 256 MiB of a command's stdout streamed from envd through `squadctl sandboxes exec` to
//      /dev/null, against curl receiving the same stream from the same server: throughput
//      ≥ 0.7× curl's, and squadctl's peak memory ≤ 100 MB (streamed, never buffered whole);
//  (2) 10,000 sandboxes listed in 100 pages by `squadctl sandboxes list --remote --json`,
//      against curl making the same 100 requests in sequence: ≤ 1.5× curl's time.
#include "e2b/connectenvelope.h"
#include "loopbackhttpserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::HttpRequest;
using squad::test::HttpResponder;
using squad::test::HttpResponse;

namespace {

constexpr qint64 StreamBytes = 256LL * 1024 * 1024;
constexpr int PieceBytes = 48 * 1024;  // raw stdout per event (base64 grows it by a third)
constexpr int Pages = 100;
constexpr int PerPage = 100;
constexpr int Runs = 5;
const QString ApiKey = u"loopback-bench-key"_s;  // the loopback server accepts any key

QByteArray frame(const QJsonObject &event)
{
    return connect::encodeEnvelope(QJsonDocument(QJsonObject{{u"event"_s, event}}).toJson(QJsonDocument::Compact));
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

struct Run
{
    double ms = 0;
    int exitCode = -1;
};

// Runs `program` with its stdout to /dev/null while this thread keeps serving.
Run timed(const QString &program, const QStringList &arguments, const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForStarted())
        return {};
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    return {double(timer.nsecsElapsed()) / 1e6,
            process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1};
}

long childrenPeakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return usage.ru_maxrss;
}

void reportStream(const QList<double> &ours, const QList<double> &curls, long peakKb)
{
    const double mib = double(StreamBytes) / (1024 * 1024);
    const double oursRate = mib / (median(ours) / 1000);
    const double curlRate = mib / (median(curls) / 1000);
    std::printf("  (1) 256 MiB of stdout: squadctl exec %7.1f MiB/s, curl %7.1f MiB/s, ratio %.2f "
                "(target >= 0.70: %s)\n",
                oursRate, curlRate, oursRate / curlRate, oursRate / curlRate >= 0.7 ? "met" : "NOT met");
    std::printf("      peak memory of squadctl: %.1f MB (target <= 100: %s)\n", double(peakKb) / 1024,
                peakKb / 1024.0 <= 100 ? "met" : "NOT met");
}

void reportListing(const QList<double> &ours, const QList<double> &curls, int oursConnections,
                   int curlConnections)
{
    const double ratio = median(ours) / median(curls);
    std::printf("  (2) 10,000 sandboxes in 100 pages: squadctl %7.1f ms, curl %7.1f ms, ratio %.2f "
                "(target <= 1.50: %s)\n",
                median(ours), median(curls), ratio, ratio <= 1.5 ? "met" : "NOT met");
    // Both must keep one connection alive across the 100 requests, or the race is not fair.
    std::printf("      TCP connections per run: squadctl %d, curl %d\n", oursConnections,
                curlConnections);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    test::LoopbackHttpServer server;
    const QString url = server.url().toString();
    QTemporaryDir dir;

    // The control plane: one sandbox to create and read, and a 10,000-sandbox list in pages.
    server.route("POST", u"/v2/sandboxes"_s, HttpResponse::json(201, QJsonObject{
        {u"sandboxID"_s, u"bench-1"_s}, {u"templateID"_s, u"base"_s}, {u"clientID"_s, u"x"_s},
        {u"envdVersion"_s, u"0.2.0"_s}, {u"envdAccessToken"_s, u"tok"_s}}));
    server.route("GET", u"/sandboxes/{id}"_s, HttpResponse::json(200, QJsonObject{
        {u"sandboxID"_s, u"bench-1"_s}, {u"templateID"_s, u"base"_s}, {u"state"_s, u"running"_s},
        {u"envdAccessToken"_s, u"tok"_s}}));
    QList<QByteArray> pages;
    for (int page = 0; page < Pages; ++page) {
        QJsonArray sandboxes;
        for (int i = 0; i < PerPage; ++i) {
            const QString id = u"sbx%1"_s.arg(page * PerPage + i, 6, 10, QLatin1Char('0'));
            sandboxes.append(QJsonObject{
                {u"sandboxID"_s, id}, {u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s}, {u"alias"_s, u"base"_s},
                {u"clientID"_s, u"6532622b"_s}, {u"startedAt"_s, u"2026-11-27T06:00:00.123Z"_s},
                {u"endAt"_s, u"2026-11-27T07:00:00Z"_s}, {u"cpuCount"_s, 2}, {u"memoryMB"_s, 512},
                {u"diskSizeMB"_s, 1024}, {u"state"_s, u"running"_s}, {u"envdVersion"_s, u"0.2.0"_s},
                {u"metadata"_s, QJsonObject{{u"squad.task"_s, u"t-1"_s}, {u"squad.sandbox"_s, id}}}});
        }
        pages << QJsonDocument(sandboxes).toJson(QJsonDocument::Compact);
    }
    server.route("GET", u"/v2/sandboxes"_s, [&pages](const HttpRequest &request) {
        const QString token = request.query.queryItemValue(u"nextToken"_s);
        const int page = token.isEmpty() ? 0 : token.mid(5).toInt();
        HttpResponse response = HttpResponse::text(200, pages.value(page), "application/json");
        if (page + 1 < Pages)
            response.withHeader("X-Next-Token", "page-" + QByteArray::number(page + 1));
        return response;
    });

    // envd: 256 MiB of stdout, produced as the socket drains.
    const QByteArray piece = frame({{u"data"_s, QJsonObject{{u"stdout"_s,
        QString::fromLatin1(QByteArray(PieceBytes, 'x').toBase64())}}}});
    const QByteArray ending = frame({{u"end"_s, QJsonObject{{u"exited"_s, true}, {u"status"_s, u"exit status 0"_s}}}})
                              + connect::encodeEnvelope("{}", connect::EndStreamFlag);
    server.route("POST", u"/process.Process/Start"_s, [&](const HttpRequest &, HttpResponder responder) {
        responder.begin(200, {{"Content-Type", "application/connect+json"}});
        responder.write(frame({{u"start"_s, QJsonObject{{u"pid"_s, 1}}}}));
        auto sent = std::make_shared<qint64>(0);
        auto ended = std::make_shared<bool>(false);
        responder.produce([&, sent, ended]() -> QByteArray {
            if (*sent < StreamBytes) {
                *sent += PieceBytes;
                return piece;
            }
            if (!*ended) {
                *ended = true;
                return ending;
            }
            return {};
        });
    });

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DB"_s, dir.filePath(u"squad.db"_s));
    env.insert(u"SQUAD_DATA_DIR"_s, dir.filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    env.insert(u"E2B_API_KEY"_s, ApiKey);
    env.insert(u"E2B_API_URL"_s, url);
    env.insert(u"E2B_SANDBOX_URL"_s, url);
    const QString squadctl = QStringLiteral(SQUADCTL_PATH);

    // A row for the stream to run in.
    QProcess create;
    create.setProcessEnvironment(env);
    create.start(squadctl, {u"sandboxes"_s, u"create"_s, u"--template"_s, u"base"_s, u"--json"_s});
    QEventLoop loop;
    QObject::connect(&create, &QProcess::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QString id = QJsonDocument::fromJson(create.readAllStandardOutput()).object().value("id"_L1).toString();
    if (id.isEmpty()) {
        std::fprintf(stderr, "could not create the benchmark's sandbox\n");
        return 1;
    }

    QFile request(dir.filePath(u"start.bin"_s));
    request.open(QIODevice::WriteOnly);
    request.write(connect::encodeEnvelope(R"({"process":{"cmd":"cat","args":["big"]},"stdin":false})"));
    request.close();
    const QStringList curlStream = {u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-X"_s, u"POST"_s,
                                    u"-H"_s, u"Content-Type: application/connect+json"_s,
                                    u"-H"_s, u"X-Access-Token: tok"_s,
                                    u"--data-binary"_s, u"@"_s + request.fileName(),
                                    url + u"/process.Process/Start"_s};
    QStringList curlList = {u"-s"_s, u"-H"_s, u"X-API-Key: "_s + ApiKey};
    for (int page = 0; page < Pages; ++page) {
        curlList << u"-o"_s << u"/dev/null"_s
                 << (page == 0 ? url + u"/v2/sandboxes?limit=100"_s
                               : url + u"/v2/sandboxes?limit=100&nextToken=page-%1"_s.arg(page));
    }

    std::printf("bench_e2b: medians of %d runs each, loopback E2B and envd\n", Runs);
    // `bench_e2b stream` or `bench_e2b list` runs one part (for profiling); both by default.
    const QString only = app.arguments().value(1);
    const bool stream = only.isEmpty() || only == u"stream";
    const bool listing = only.isEmpty() || only == u"list";
    QList<double> ours, curls, listOurs, listCurls;
    long peakKb = 0;
    int oursConnections = 0, curlConnections = 0;  // the most one run opened
    // One timed child; false (after saying which) when it failed.
    const auto measure = [&](QList<double> &into, const QString &program, const QStringList &arguments) {
        const Run run = timed(program, arguments, env);
        if (run.exitCode != 0)
            std::fprintf(stderr, "%s %s failed (%d)\n", qPrintable(program), qPrintable(arguments.value(1)), run.exitCode);
        into << run.ms;
        return run.exitCode == 0;
    };
    for (int run = 0; run < Runs; ++run) {
        if (stream) {
            if (!measure(ours, squadctl, {u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"cat"_s, u"big"_s}))
                return 1;
            peakKb = std::max(peakKb, childrenPeakRssKb());
            if (!measure(curls, u"curl"_s, curlStream))
                return 1;
        }
        if (listing) {
            const int before = server.connectionCount();
            if (!measure(listOurs, squadctl, {u"sandboxes"_s, u"list"_s, u"--remote"_s, u"--json"_s}))
                return 1;
            const int between = server.connectionCount();
            if (!measure(listCurls, u"curl"_s, curlList))
                return 1;
            oursConnections = std::max(oursConnections, between - before);
            curlConnections = std::max(curlConnections, server.connectionCount() - between);
        }
    }
    if (stream)
        reportStream(ours, curls, peakKb);
    if (listing)
        reportListing(listOurs, listCurls, oursConnections, curlConnections);
    return 0;
}
