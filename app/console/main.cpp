// SPDX-License-Identifier: MIT
// squad-console: the desktop face of Squad Console.

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "console/consolesettings.h"
#include "consoleapplication.h"
#include "mainwindow.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/secretvault.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMetaObject>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

struct ConsoleOptions
{
    QCommandLineOption db{u"db"_s, u"SQLite file or postgresql://user@host:port/dbname."_s,
                          u"DB"_s};
    QCommandLineOption dataDir{u"data-dir"_s, u"Data folder."_s, u"DIR"_s};
    QCommandLineOption profile{
        u"profile"_s, u"Accounts profile (default: SQUAD_PROFILE, else the active one)."_s,
        u"NAME"_s};
    QCommandLineOption quitAfterLoad{
        u"quit-after-load"_s,
        u"Quit once the window shows the sandboxes (exit status 0), or when opening or "
        u"reading the database fails (1). A start-up check for packages and scripts."_s};

    void addTo(QCommandLineParser &parser) const
    {
        parser.setApplicationDescription(
            u"Operations console for AI coding agents' sandboxes."_s);
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({db, dataDir, profile, quitAfterLoad});
    }
};

// --help and --version answer before a QApplication exists: it needs a display, and these two
// must work without one (a server, a package check, ssh). Qt's own options (-platform,
// -style) are unknown here and only taken out by QApplication, so parse errors are left to
// the parse that follows it.
void answerWithoutDisplay(int &argc, char **argv, const ConsoleOptions &options)
{
    QCoreApplication app(argc, argv);
    squad::setApplicationIdentity();
    QCommandLineParser parser;
    options.addTo(parser);
    // "-stylesheet" must not read as -s -t -y ... -h (help).
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    (void)parser.parse(app.arguments());
    if (parser.isSet(u"version"_s))
        parser.showVersion();
    if (parser.isSet(u"help"_s))
        parser.showHelp();
}

} // namespace

int main(int argc, char *argv[])
{
    const ConsoleOptions consoleOptions;
    answerWithoutDisplay(argc, argv, consoleOptions);

    QApplication app(argc, argv);
    QCommandLineParser parser;
    consoleOptions.addTo(parser);
    // Before the set-up: a bad option exits here, with no pool thread started yet.
    parser.process(app);
    squad::setUpConsoleApplication();

    squad::StartupOptions startup;
    startup.database = parser.value(consoleOptions.db);
    startup.dataDir = parser.value(consoleOptions.dataDir);
    startup.profile = parser.value(consoleOptions.profile);
    const squad::StartupOptions options = squad::withEnvironmentDefaults(startup);

    // The backend outlives the window: the window goes first (its pending continuations die
    // with it), then the backend cancels what is left and joins its worker thread.
    squad::ConsoleBackend backend(options);
    // The worker opens the database and reads the newest rows while the window is being built.
    backend.open();
    backend.firstPage(squad::MainWindow::FirstPageRows);
    // Secrets are read from the keychain only when something needs them.
    squad::ConsoleSettings settings;
    squad::KeychainSecretStore keychain;
    squad::SecretVault vault(&keychain);
    squad::MainWindow window(&backend);
    window.setAccounts(&vault, &settings, options.profile);
    if (parser.isSet(consoleOptions.quitAfterLoad)) {
        // Queued: the first page may arrive inside start(), before exec() runs, and exit()
        // does nothing without a running event loop. Whatever is still under way then (the
        // complete read) is cancelled by the normal shutdown, which is part of what is checked.
        const auto quit = [&app](int status) {
            QMetaObject::invokeMethod(&app, [&app, status] { app.exit(status); },
                                      Qt::QueuedConnection);
        };
        QObject::connect(&window, &squad::MainWindow::loaded, &app, [quit] { quit(0); },
                         Qt::SingleShotConnection);
        QObject::connect(
            &window, &squad::MainWindow::loadFailed, &app,
            [quit](const QString &message) {
                std::fprintf(stderr, "squad-console: %s\n", qPrintable(message));
                quit(1);
            },
            Qt::SingleShotConnection);
    }
    window.show();
    // Opening the database and reading the sandboxes happen on the worker; an error shows in
    // the window's banner and status bar.
    window.start();
    return app.exec();
}
