// SPDX-License-Identifier: MIT
// squadctl: Squad Console's core without widgets, for scripts and terminals.

#include "cli.h"
#include "console/consolecore.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#ifdef Q_OS_UNIX
#include <csignal>
#include <unistd.h>

static int signalPipe[2] = {-1, -1};

static void onSigint(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}
#endif

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    squad::setApplicationIdentity();

    squad::cli::Cli cli;
#ifdef Q_OS_UNIX
    // Ctrl+C reaches the event loop through a pipe, so `exec` can end its process group
    // instead of leaving it behind.
    if (::pipe(signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &cli, [&cli] {
            char byte;
            [[maybe_unused]] const auto got = ::read(signalPipe[0], &byte, 1);
            cli.interrupt();
        });
        struct sigaction action = {};
        action.sa_handler = onSigint;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, nullptr);
        ::sigaction(SIGTERM, &action, nullptr);
    }
#endif

    QFuture<int> done = cli.run(app.arguments());
    if (done.isFinished())
        return done.result();
    done.then(&app, [](int code) { QCoreApplication::exit(code); });
    return app.exec();
}
