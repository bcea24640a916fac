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

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    squad::setUpConsoleApplication();

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Operations console for AI coding agents' sandboxes."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(
        u"db"_s, u"SQLite file or postgresql://user@host:port/dbname."_s, u"DB"_s);
    const QCommandLineOption dataDirOption(u"data-dir"_s, u"Data folder."_s, u"DIR"_s);
    const QCommandLineOption profileOption(
        u"profile"_s, u"Accounts profile (default: SQUAD_PROFILE, else the active one)."_s,
        u"NAME"_s);
    parser.addOptions({dbOption, dataDirOption, profileOption});
    parser.process(app);

    squad::StartupOptions startup;
    startup.database = parser.value(dbOption);
    startup.dataDir = parser.value(dataDirOption);
    startup.profile = parser.value(profileOption);
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
    window.show();
    // Opening the database and reading the sandboxes happen on the worker; an error shows in
    // the window's banner and status bar.
    window.start();
    return app.exec();
}
