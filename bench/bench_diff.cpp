// SPDX-License-Identifier: MIT
// The diff engine on a generated repository: 5,000 tracked files of which 2,000 are changed,
// 200,000 changed lines (100,000 added, 100,000 deleted), all tracked modifications so that
// git and we report the same thing.
//
//  1. `squadctl diff PATH --numstat` against `git diff HEAD -M -C --numstat` on the same tree
//     (same output, checked). Target: ratio <= 1.5. Both read the index; neither writes it.
//  2. parsePatch() over the text the sandbox command prints for the same change (git's patch
//     with its --raw --numstat -z records). Target: >= 100 MB/s, the reference being that limit.
//
// Usage: bench_diff [diff|parse]   (one part only, for profiling)
#include "git/diffformat.h"
#include "git/gitdiffengine.h"
#include "git/sandboxdiff.h"

#include <git2.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace squad;

static constexpr int ChangedFiles = 2'000;
static constexpr int UnchangedFiles = 3'000;
static constexpr int LinesPerFile = 200;
static constexpr int ChangedLinesPerFile = 50; // each one deleted and added: 100 per file
static constexpr int Runs = 7;

static QProcessEnvironment gitEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"HOME"_s, home);
    env.insert(u"GIT_AUTHOR_NAME"_s, u"Bench"_s);
    env.insert(u"GIT_AUTHOR_EMAIL"_s, u"bench@example.com"_s);
    env.insert(u"GIT_COMMITTER_NAME"_s, u"Bench"_s);
    env.insert(u"GIT_COMMITTER_EMAIL"_s, u"bench@example.com"_s);
    env.insert(u"LC_ALL"_s, u"C"_s);
    return env;
}

struct Output
{
    QByteArray out;
    double ms = 0;
};

static Output run(const QString &program, const QStringList &arguments, const QString &cwd,
                  const QProcessEnvironment &env)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(cwd);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    QByteArray out;
    while (process.state() != QProcess::NotRunning || process.bytesAvailable() > 0) {
        process.waitForReadyRead(20);
        out += process.readAllStandardOutput();
    }
    process.waitForFinished(-1);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        std::fprintf(stderr, "%s %s failed: %s\n", qPrintable(program),
                     qPrintable(arguments.join(u' ')), process.readAllStandardError().constData());
        std::exit(1);
    }
    return {out, ms};
}

static double median(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples.at(samples.size() / 2);
}

static QByteArray fileText(int file, bool changed)
{
    QByteArray text;
    text.reserve(LinesPerFile * 40);
    for (int line = 0; line < LinesPerFile; ++line) {
        text += "    value_" + QByteArray::number(file) + "_" + QByteArray::number(line);
        // Every fourth line changes: 50 single-line changes, one hunk of ~200 lines per file.
        if (changed && line % (LinesPerFile / ChangedLinesPerFile) == 1)
            text += " = updated(" + QByteArray::number(line * 7) + ")";
        text += ";\n";
    }
    return text;
}

static bool writeFile(const QString &path, const QByteArray &data)
{
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    out.write(data);
    return true;
}

// The repository: committed with file times an hour back, so no entry is "racily clean"
// (which would make both git and libgit2 hash every file), then 2,000 files changed.
static bool makeRepository(const QString &dir, const QProcessEnvironment &env)
{
    QDir().mkpath(dir);
    run(u"git"_s, {u"init"_s, u"-q"_s}, dir, env);
    const QDateTime past = QDateTime::currentDateTime().addSecs(-3600);
    for (int i = 0; i < ChangedFiles + UnchangedFiles; ++i) {
        const QString folder = dir + u"/src/module%1"_s.arg(i / 100);
        QDir().mkpath(folder);
        const QString path = folder + u"/file%1.cpp"_s.arg(i);
        if (!writeFile(path, fileText(i, false)))
            return false;
        QFile file(path);
        file.open(QIODevice::ReadWrite);
        file.setFileTime(past, QFileDevice::FileModificationTime);
    }
    run(u"git"_s, {u"add"_s, u"-A"_s}, dir, env);
    run(u"git"_s, {u"commit"_s, u"-q"_s, u"-m"_s, u"base"_s}, dir, env);
    for (int i = 0; i < ChangedFiles; ++i) {
        const QString path = dir + u"/src/module%1/file%2.cpp"_s.arg(i / 100).arg(i);
        if (!writeFile(path, fileText(i, true)))
            return false;
    }
    return true;
}

static void benchDiff(const QString &dir, const QProcessEnvironment &env)
{
    const QStringList ours{u"diff"_s, dir, u"--numstat"_s};
    const QStringList git{u"diff"_s, u"HEAD"_s, u"-M"_s, u"-C"_s, u"--numstat"_s};
    const QString squadctl = QStringLiteral(SQUADCTL_PATH);

    // Warm the page cache, and check both print the same.
    const QByteArray ourOut = run(squadctl, ours, dir, env).out;
    const QByteArray gitOut = run(u"git"_s, git, dir, env).out;
    if (ourOut != gitOut) {
        std::fprintf(stderr, "squadctl and git disagree (%lld and %lld bytes)\n",
                     qint64(ourOut.size()), qint64(gitOut.size()));
        std::exit(1);
    }
    QList<double> ourTimes, gitTimes;
    for (int i = 0; i < Runs; ++i) { // interleaved, so drift hits both alike
        ourTimes << run(squadctl, ours, dir, env).ms;
        gitTimes << run(u"git"_s, git, dir, env).ms;
    }
    const double ourMs = median(ourTimes);
    const double gitMs = median(gitTimes);
    std::printf("diff --numstat (%d changed files, %d changed lines, %lld bytes of output)\n",
                ChangedFiles, ChangedFiles * ChangedLinesPerFile * 2, qint64(ourOut.size()));
    std::printf("  squadctl diff PATH --numstat   %8.1f ms (median of %d)\n", ourMs, Runs);
    std::printf("  git diff HEAD -M -C --numstat  %8.1f ms (reference)\n", gitMs);
    std::printf("  ratio %.2f (target <= 1.5)  %s\n", ourMs / gitMs,
                ourMs / gitMs <= 1.5 ? "ok" : "MISSED");

    // In process, without squadctl's start-up and output: the engine alone.
    QList<double> statsTimes, fullTimes;
    git::DiffOptions statsOnly;
    statsOnly.statsOnly = true;
    qsizetype lines = 0;
    for (int i = 0; i < Runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto stats = git::diffWorkingTree(dir, statsOnly);
        statsTimes << double(timer.nsecsElapsed()) / 1e6;
        timer.restart();
        auto full = git::diffWorkingTree(dir);
        fullTimes << double(timer.nsecsElapsed()) / 1e6;
        if (!stats || !full) {
            std::fprintf(stderr, "diffWorkingTree failed\n");
            std::exit(1);
        }
        lines = full->lineCount();
    }
    std::printf("  diffWorkingTree, counts only   %8.1f ms\n", median(statsTimes));
    std::printf("  diffWorkingTree, all lines     %8.1f ms (%lld lines)\n", median(fullTimes),
                qint64(lines));
}

static void benchParse(const QString &home, const QProcessEnvironment &env)
{
    git::SandboxDiffRequest request;
    request.repoDir = u"repo"_s;
    const QStringList argv = git::sandboxDiffCommand(request);
    const QByteArray text = run(argv.first(), argv.mid(1), home, env).out;

    auto first = git::parsePatch(text);
    if (!first) {
        std::fprintf(stderr, "parsePatch failed: %s\n", qPrintable(first.error().toString()));
        std::exit(1);
    }
    QList<double> times;
    for (int i = 0; i < Runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        auto diff = git::parsePatch(text);
        times << double(timer.nsecsElapsed()) / 1e6;
        if (!diff || diff->lineCount() != first->lineCount())
            std::exit(1);
    }
    // For scale: libgit2's parser by itself (what parsePatch builds on), parse and free,
    // on the patch without the records it does not read.
    const QByteArrayView patch = git::patchText(text);
    QList<double> rawTimes;
    for (int i = 0; i < Runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        git_diff *diff = nullptr;
        if (git_diff_from_buffer(&diff, patch.data(), size_t(patch.size())) != 0)
            std::exit(1);
        git_diff_free(diff);
        rawTimes << double(timer.nsecsElapsed()) / 1e6;
    }
    const double ms = median(times);
    const double mbPerSecond = double(text.size()) / 1e6 / (ms / 1e3);
    const double rawMs = median(rawTimes);
    std::printf("parsePatch (%.1f MB: %lld files, %lld lines)\n", double(text.size()) / 1e6,
                qint64(first->files.size()), qint64(first->lineCount()));
    std::printf("  parsePatch                     %8.1f ms = %6.1f MB/s (median of %d)\n", ms,
                mbPerSecond, Runs);
    std::printf("  reference (the limit)                        100.0 MB/s  %s\n",
                mbPerSecond >= 100 ? "ok" : "MISSED");
    std::printf("  (libgit2's git_diff_from_buffer alone %6.1f ms = %6.1f MB/s)\n", rawMs,
                double(patch.size()) / 1e6 / (rawMs / 1e3));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QString part = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    QTemporaryDir home;
    const QProcessEnvironment env = gitEnvironment(home.path());
    const QString dir = home.filePath(u"repo"_s);
    QElapsedTimer made;
    made.start();
    if (!makeRepository(dir, env)) {
        std::fprintf(stderr, "could not write the repository\n");
        return 1;
    }
    std::printf("repository: %d files, %d changed, made in %.1f s\n\n",
                ChangedFiles + UnchangedFiles, ChangedFiles, double(made.elapsed()) / 1e3);
    if (part.isEmpty() || part == u"diff")
        benchDiff(dir, env);
    if (part.isEmpty())
        std::printf("\n");
    if (part.isEmpty() || part == u"parse")
        benchParse(home.path(), env);
    return 0;
}
