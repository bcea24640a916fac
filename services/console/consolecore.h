// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QString>

#include <memory>
#include <vector>

class QCoreApplication;

namespace squad {

class Database;
class E2bProvider;
class LocalProvider;
struct E2bLocation;
class SandboxService;

// Names and version shared by both faces, so they find the same app-data folder.
void setApplicationIdentity();

struct StartupOptions
{
    QString database;  // --db / SQUAD_DB: a SQLite path or a postgresql:// URL; empty = default
    QString dataDir;   // --data-dir / SQUAD_DATA_DIR; empty = the platform's app-data folder
    QString profile;   // --profile / SQUAD_PROFILE; empty = the active profile in the settings
};

// Fills empty fields from the environment (SQUAD_DB, SQUAD_DATA_DIR).
StartupOptions withEnvironmentDefaults(StartupOptions options);

// The core both faces run on: the store, the providers and the lifecycle service, owned
// together and destroyed in the right order. Create and use it on one thread.
class ConsoleCore
{
public:
    ~ConsoleCore();

    // Checks the data folder, opens and migrates the database, sets up the providers.
    [[nodiscard]] static Result<std::unique_ptr<ConsoleCore>> open(const StartupOptions &options);

    const QString &dataDir() const { return m_dataDir; }
    Database &database() const { return *m_database; }
    SandboxService &sandboxes() const { return *m_sandboxes; }

    // Adds E2B cloud sandboxes (provider "e2b") at `location`, with `apiKey`, and makes them
    // the default for new sandboxes. An error when the location (or the environment's
    // E2B_* variables) is malformed. Called again, the new location and key replace the old.
    [[nodiscard]] Result<void> enableE2b(const E2bLocation &location, const QString &apiKey);
    // Null until enableE2b().
    E2bProvider *e2b() const { return m_e2bProvider.get(); }
    LocalProvider &local() const { return *m_localProvider; }

private:
    ConsoleCore() = default;

    QString m_dataDir;
    std::unique_ptr<Database> m_database;
    std::unique_ptr<LocalProvider> m_localProvider;
    std::unique_ptr<E2bProvider> m_e2bProvider;
    std::vector<std::unique_ptr<E2bProvider>> m_retiredE2bProviders;
    std::unique_ptr<SandboxService> m_sandboxes;
};

} // namespace squad
