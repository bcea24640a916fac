// SPDX-License-Identifier: MIT
// A loopback E2B control plane with a few sandboxes in it, for trying the console (and taking
// its screenshots) without an E2B account:
//
//   build/tests/fake-e2b-demo [--db FILE] -- build/app/console/squad-console --db FILE
//
// It creates some sandboxes through squadctl (so they have rows), pauses one, adds two that
// have no row (orphans), gives them resource samples (up to an hour of them, a new one every
// 5 s while they run; the newest orphan has none yet), then runs the command after "--" with E2B_API_URL, E2B_SANDBOX_URL and
// E2B_API_KEY pointing at itself, and serves until that command exits.
#include "fakee2b.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace squad::test;

namespace {

const QString DemoKey = u"e2b_demo_not_a_real_key"_s;

QJsonObject logEntry(const QDateTime &at, const QString &level, const QString &message)
{
    return {{u"timestamp"_s, at.toString(Qt::ISODateWithMs)}, {u"level"_s, level},
            {u"message"_s, message}, {u"fields"_s, QJsonObject()}};
}

// What a sandbox an agent works in plausibly uses `elapsed` seconds after its start: a cycle of
// about 20 minutes (idle, a clone, an install, the agent at work, a test run), memory following
// the load, the disk filling as packages and build output land. Deterministic per sandbox.
QJsonObject demoSample(const FakeSandbox &sandbox, const QDateTime &at)
{
    constexpr qint64 MiB = 1024 * 1024;
    quint32 seed = 0;
    for (const QChar c : sandbox.id)
        seed = seed * 31u + c.unicode();
    const double elapsed = double(sandbox.startedAt.secsTo(at));
    QRandomGenerator noise(seed * 7919u + quint32(at.toSecsSinceEpoch()));
    const double jitter = noise.bounded(1.0) - 0.5;
    const double phase = std::fmod(elapsed + (seed % 7) * 170.0, 1200.0) / 1200.0;
    double cpu = 3 + 2 * jitter;
    if (phase >= 0.08 && phase < 0.15)
        cpu = 34 + 10 * jitter;  // git clone
    else if (phase >= 0.15 && phase < 0.32)
        cpu = 62 + 12 * std::sin(elapsed / 23.0) + 8 * jitter;  // installing packages
    else if (phase >= 0.32 && phase < 0.58)
        cpu = 22 + 14 * std::sin(elapsed / 41.0) + 10 * jitter;  // the agent at work
    else if (phase >= 0.58 && phase < 0.68)
        cpu = 88 + 8 * jitter;  // the test run
    cpu = std::clamp(cpu, 0.5, 99.0);
    const qint64 memTotal = qint64(sandbox.memoryMb) * MiB;
    const double memShare = 0.14 + 0.0035 * cpu + 0.08 * std::min(1.0, elapsed / 1500.0) + 0.01 * jitter;
    const qint64 diskTotal = qint64(sandbox.diskMb) * MiB;
    const double diskMiB = 210 + 430 * (1 - std::exp(-elapsed / 700.0)) + 0.03 * elapsed;
    return sandboxMetric(at, sandbox.cpuCount, std::round(cpu * 10) / 10, qint64(memShare * double(memTotal)),
                         memTotal, std::min(diskTotal, qint64(diskMiB * double(MiB))), diskTotal);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments().mid(1);
    const qsizetype dashes = arguments.indexOf(u"--"_s);
    if (dashes < 0 || dashes + 1 >= arguments.size()) {
        std::fprintf(stderr, "usage: fake-e2b-demo [--db FILE] -- COMMAND [ARGS...]\n");
        return 2;
    }
    const QStringList command = arguments.mid(dashes + 1);
    arguments = arguments.mid(0, dashes);
    QString database;
    if (arguments.size() == 2 && arguments.first() == u"--db")
        database = arguments.at(1);

    LoopbackHttpServer server;
    FakeE2b e2b(server, DemoKey);
    e2b.templates = QJsonArray{
        QJsonObject{{u"templateID"_s, u"rki5dems9wqfm4r03t7g"_s}, {u"aliases"_s, QJsonArray{u"base"_s}},
                    {u"cpuCount"_s, 2}, {u"memoryMB"_s, 512}, {u"diskSizeMB"_s, 10240}, {u"public"_s, true}},
        QJsonObject{{u"templateID"_s, u"nlhz8vlwyupq845jsdg9"_s}, {u"aliases"_s, QJsonArray{u"code-interpreter-v1"_s}},
                    {u"cpuCount"_s, 2}, {u"memoryMB"_s, 1024}, {u"diskSizeMB"_s, 10240}, {u"public"_s, true}},
        QJsonObject{{u"templateID"_s, u"x0vkmx2xo1u5gq0y4cl3"_s}, {u"aliases"_s, QJsonArray{u"python-3.12"_s}},
                    {u"cpuCount"_s, 4}, {u"memoryMB"_s, 4096}, {u"diskSizeMB"_s, 20480}, {u"public"_s, false}}};

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"E2B_API_URL"_s, server.url().toString());
    env.insert(u"E2B_SANDBOX_URL"_s, server.url().toString());
    env.insert(u"E2B_API_KEY"_s, DemoKey);
    env.remove(u"E2B_DOMAIN"_s);

    // Rows made the way an operator makes them, when there is a database to put them in.
    if (!database.isEmpty()) {
        const QString squadctl = QFileInfo(QStringLiteral(SQUADCTL_PATH)).absoluteFilePath();
        const QStringList templates{u"base"_s, u"python-3.12"_s, u"code-interpreter-v1"_s, u"base"_s,
                                    u"python-3.12"_s};
        const QStringList repos{u"https://github.com/acme/billing.git"_s, u"https://github.com/acme/data-pipeline.git"_s,
                                u"https://github.com/acme/web.git"_s, u"https://github.com/acme/mobile.git"_s,
                                u"https://github.com/acme/infra.git"_s};
        for (int i = 0; i < templates.size(); ++i) {
            const ProcessOutcome made = runProgram(
                squadctl, {u"--db"_s, database, u"sandboxes"_s, u"create"_s, u"--template"_s,
                           templates.at(i), u"--repo"_s, repos.at(i)},
                env);
            if (made.exitCode != 0) {
                std::fprintf(stderr, "squadctl create failed: %s\n", made.err.constData());
                return 1;
            }
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int index = 0;
    for (FakeSandbox &sandbox : e2b.sandboxes) {
        sandbox.startedAt = now.addSecs(-600 * (index + 1));
        sandbox.endAt = now.addSecs(index == 0 ? 170 : 900 * (index + 1));
        sandbox.cpuCount = index % 2 ? 4 : 2;
        sandbox.memoryMb = index % 2 ? 4096 : 1024;
        sandbox.logs = QJsonArray{logEntry(sandbox.startedAt, u"info"_s, u"Sandbox created"_s),
                                  logEntry(sandbox.startedAt.addSecs(2), u"info"_s, u"envd started on port 49983"_s),
                                  logEntry(sandbox.startedAt.addSecs(40), u"warn"_s, u"Process 412 used 91% of memory"_s),
                                  logEntry(sandbox.startedAt.addSecs(95), u"error"_s, u"pytest exited with code 1"_s)};
        sandbox.diskMb = index % 2 ? 4096 : 2048;
        if (index == 2)
            sandbox.state = u"paused"_s;
        // E2B samples every 5 s; a paused sandbox's samples stop where it was paused.
        const QDateTime last = index == 2 ? now.addSecs(-180) : now;
        for (QDateTime at = sandbox.startedAt.addSecs(5); at <= last; at = at.addSecs(5))
            sandbox.metrics.append(demoSample(sandbox, at));
        ++index;
    }
    FakeSandbox &strayOne = e2b.add(u"iw3kq0hwz5s1y2ltm9ax"_s);
    strayOne.templateId = u"base"_s;
    strayOne.startedAt = now.addSecs(-26 * 3600);
    strayOne.endAt = now.addSecs(3 * 3600);
    FakeSandbox &strayTwo = e2b.add(u"i8d0fj2m1q7v4ruc6pe3"_s);
    strayTwo.templateId = u"code-interpreter-v1"_s;
    strayTwo.cpuCount = 8;
    strayTwo.memoryMb = 8192;
    // The older orphan's last hour of samples; the one that just started has none yet.
    for (QDateTime at = now.addSecs(-3600); at <= now; at = at.addSecs(5))
        strayOne.metrics.append(demoSample(strayOne, at));

    // New samples keep coming for the running sandboxes that have some, as at E2B.
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, &app, [&e2b] {
        const QDateTime at = QDateTime::currentDateTimeUtc();
        for (FakeSandbox &sandbox : e2b.sandboxes) {
            if (sandbox.state == u"running" && !sandbox.metrics.isEmpty())
                sandbox.metrics.append(demoSample(sandbox, at));
        }
    });
    sampler.start(5000);

    std::printf("==> Loopback E2B at %s (key %s)\n", qPrintable(server.url().toString()), qPrintable(DemoKey));
    std::fflush(stdout);
    QProcess child;
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    QObject::connect(&child, &QProcess::finished, &app, [&app](int code) { app.exit(code); });
    QObject::connect(&child, &QProcess::errorOccurred, &app, [&app, &child](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart) {
            std::fprintf(stderr, "could not start %s\n", qPrintable(child.program()));
            app.exit(127);
        }
    });
    child.start(command.first(), command.mid(1));
    return app.exec();
}
