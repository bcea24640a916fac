// SPDX-License-Identifier: MIT
// squad-console: the desktop face of Squad Console.

#include "console/consolecore.h"
#include "core/platform.h"
#include "sandbox/sandboxservice.h"
#include "store/database.h"
#include "store/sandboxstore.h"
#include "welcomewindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    squad::setApplicationIdentity();
    QApplication::setApplicationDisplayName(u"Squad Console"_s);
    QApplication::setWindowIcon(QIcon(u":/icons/squad-console.svg"_s));

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Operations console for AI coding agents' sandboxes."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(u"db"_s,
                                      u"SQLite file or postgresql://user@host:port/dbname."_s,
                                      u"DB"_s);
    const QCommandLineOption dataDirOption(u"data-dir"_s, u"Data folder."_s, u"DIR"_s);
    parser.addOptions({dbOption, dataDirOption});
    parser.process(app);

    const squad::StartupOptions options = squad::withEnvironmentDefaults(
        {parser.value(dbOption), parser.value(dataDirOption)});

    // The database is opened and counted on a worker thread; the window shows at once.
    auto location = squad::ensureDataDir(options.dataDir).and_then([&](const QString &dir) {
        return squad::DatabaseLocation::parse(options.database, dir);
    });
    if (!location) {
        QMessageBox::critical(nullptr, u"Squad Console"_s, location.error().toString());
        return 1;
    }
    squad::WelcomeWindow window(location->displayName());
    window.show();

    using Counts = squad::Result<QMap<squad::SandboxStatus, int>>;
    QFuture<Counts> counts = QtConcurrent::run([options]() -> Counts {
        auto core = squad::ConsoleCore::open(options);
        if (!core)
            return squad::fail(core.error());
        return squad::SandboxStore((*core)->database()).countByStatus();
    });
    counts.then(&window, [&window](const Counts &result) {
        if (result)
            window.showCounts(*result);
        else
            window.showError(result.error().toString());
    });

    const int code = app.exec();
    counts.waitForFinished();
    return code;
}
