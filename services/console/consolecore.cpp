// SPDX-License-Identifier: MIT
#include "consolecore.h"

#include "core/platform.h"
#include "e2b/e2bprovider.h"
#include "local/localprovider.h"
#include "sandbox/sandboxservice.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDir>

using namespace Qt::StringLiterals;

namespace squad {

void setApplicationIdentity()
{
    // An empty organisation keeps the data folder at <AppData>/squad-console on every platform.
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationName(u"squad-console"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(SQUAD_VERSION));
}

StartupOptions withEnvironmentDefaults(StartupOptions options)
{
    if (options.database.isEmpty())
        options.database = qEnvironmentVariable("SQUAD_DB");
    if (options.dataDir.isEmpty())
        options.dataDir = qEnvironmentVariable("SQUAD_DATA_DIR");
    if (options.profile.isEmpty())
        options.profile = qEnvironmentVariable("SQUAD_PROFILE");
    return options;
}

ConsoleCore::~ConsoleCore()
{
    // The service refers to the providers and the database: it goes first.
    m_sandboxes.reset();
    m_e2bProvider.reset();
    m_retiredE2bProviders.clear();
    m_localProvider.reset();
    m_database.reset();
}

Result<std::unique_ptr<ConsoleCore>> ConsoleCore::open(const StartupOptions &options)
{
    const StartupOptions resolved = withEnvironmentDefaults(options);
    auto dataDir = ensureDataDir(resolved.dataDir);
    if (!dataDir)
        return fail(dataDir.error());
    auto location = DatabaseLocation::parse(resolved.database, *dataDir);
    if (!location)
        return fail(location.error());
    auto database = Database::open(*location);
    if (!database)
        return fail(database.error());

    std::unique_ptr<ConsoleCore> core(new ConsoleCore);
    core->m_dataDir = *dataDir;
    core->m_database = std::move(*database);
    core->m_localProvider = std::make_unique<LocalProvider>(
        QDir(*dataDir).filePath(u"sandboxes"_s));
    core->m_sandboxes = std::make_unique<SandboxService>(*core->m_database);
    core->m_sandboxes->addProvider(core->m_localProvider.get());
    core->m_sandboxes->setDefaultProvider(core->m_localProvider->name());
    return core;
}

Result<void> ConsoleCore::enableE2b(const E2bLocation &location, const QString &apiKey)
{
    auto endpoint = E2bEndpoint::resolve(location);
    if (!endpoint)
        return fail(endpoint.error());
    // A replaced provider stays until the core ends: commands started on it keep running.
    if (m_e2bProvider)
        m_retiredE2bProviders.push_back(std::move(m_e2bProvider));
    m_e2bProvider = std::make_unique<E2bProvider>(*endpoint, apiKey);
    m_sandboxes->addProvider(m_e2bProvider.get());
    m_sandboxes->setDefaultProvider(m_e2bProvider->name());
    return {};
}

} // namespace squad
