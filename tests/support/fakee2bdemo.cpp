// SPDX-License-Identifier: MIT
// A loopback E2B control plane with a few sandboxes in it, for trying the console (and taking
// its screenshots) without an E2B account:
//
//   build/tests/fake-e2b-demo [--db FILE] -- build/app/console/squad-console --db FILE
//
// It creates some sandboxes through squadctl (so they have rows), pauses one, adds two that
// have no row (orphans), then runs the command after "--" with E2B_API_URL, E2B_SANDBOX_URL and
// E2B_API_KEY pointing at itself, and serves until that command exits.
#include "fakee2b.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

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
        if (index == 2)
            sandbox.state = u"paused"_s;
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
