// SPDX-License-Identifier: MIT
// `squadctl sandboxes list --json` over 100,000 sandboxes, against `sqlite3 -json` selecting the
// same rows in the same order from the same file: the limit for reading them out of SQLite.
// Target: squadctl ≤ 2× sqlite3.
#include "benchdata.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace squad;

static constexpr int Rows = 100'000;
static constexpr int Runs = 7;

struct Timing
{
    double medianMs = 0;
    double bestMs = 0;
    qint64 bytes = 0;
};

static Timing timeCommand(const QString &program, const QStringList &arguments)
{
    QList<double> samples;
    qint64 bytes = 0;
    for (int run = 0; run < Runs; ++run) {
        QProcess process;
        process.setProcessChannelMode(QProcess::SeparateChannels);
        QElapsedTimer timer;
        timer.start();
        process.start(program, arguments);
        qint64 got = 0;
        // Read everything as it comes, as a consumer script would.
        while (process.state() != QProcess::NotRunning || process.bytesAvailable() > 0) {
            process.waitForReadyRead(50);
            got += process.readAllStandardOutput().size();
        }
        process.waitForFinished(-1);
        samples << double(timer.nsecsElapsed()) / 1e6;
        if (process.exitCode() != 0) {
            std::fprintf(stderr, "%s failed: %s\n", qPrintable(program),
                         process.readAllStandardError().constData());
            std::exit(1);
        }
        bytes = got;
    }
    std::sort(samples.begin(), samples.end());
    return {samples.at(samples.size() / 2), samples.first(), bytes};
}

static qsizetype rowsIn(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    process.waitForFinished(-1);
    return QJsonDocument::fromJson(process.readAllStandardOutput()).array().size();
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString sqlite3 = QStandardPaths::findExecutable(u"sqlite3"_s);
    if (sqlite3.isEmpty()) {
        std::fprintf(stderr, "sqlite3 not found: install it (Debian: sqlite3)\n");
        return 1;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bench.db"_s);
    if (!createBenchmarkDatabase(path, Rows))
        return 1;

    const QStringList ours = {u"--data-dir"_s, dir.path(), u"sandboxes"_s, u"list"_s, u"--json"_s,
                              u"--db"_s, path};
    const QStringList theirs = {
        u"-json"_s, u"-readonly"_s, path,
        u"SELECT id, e2b_id, provider, template_id, status, status_detail, task_id, agent_id, "
        "repo_url, cpu_count, memory_mb, metadata, created_at, updated_at, last_used_at, ended_at "
        "FROM sandboxes ORDER BY created_at DESC, id"_s};

    const qsizetype ourRows = rowsIn(QStringLiteral(SQUADCTL_PATH), ours);
    const qsizetype theirRows = rowsIn(sqlite3, theirs);
    if (ourRows != Rows || theirRows != Rows) {
        std::fprintf(stderr, "row counts differ: squadctl %lld, sqlite3 %lld, expected %d\n",
                     qlonglong(ourRows), qlonglong(theirRows), Rows);
        return 1;
    }

    // The row-count runs above warmed the page cache for both.
    const Timing squadctl = timeCommand(QStringLiteral(SQUADCTL_PATH), ours);
    const Timing reference = timeCommand(sqlite3, theirs);

    std::printf("bench_list: %d sandboxes, median of %d runs (best in brackets)\n", Rows, Runs);
    std::printf("  squadctl sandboxes list --json : %8.1f ms [%7.1f]  %6.1f MiB\n",
                squadctl.medianMs, squadctl.bestMs, double(squadctl.bytes) / (1 << 20));
    std::printf("  sqlite3 -json (the limit)      : %8.1f ms [%7.1f]  %6.1f MiB\n",
                reference.medianMs, reference.bestMs, double(reference.bytes) / (1 << 20));
    const double ratio = squadctl.medianMs / reference.medianMs;
    std::printf("  ratio squadctl / sqlite3       : %8.2f  (target <= 2.00: %s)\n", ratio,
                ratio <= 2.0 ? "met" : "NOT met");
    return 0;
}
