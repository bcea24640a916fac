// SPDX-License-Identifier: MIT
#pragma once

#include "fakee2b.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "mainwindow.h"
#include "secrets/secretstore.h"
#include "secrets/secretvault.h"

#include <QAbstractItemModelTester>
#include <QSettings>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace squad::test {

// A keychain with nothing in it: the E2B key comes from the vault's environment, as E2B_API_KEY.
class EmptyKeychain final : public SecretStore
{
public:
    QFuture<Result<std::optional<QString>>> read(const SecretRef &) override;
    QFuture<Result<void>> write(const SecretRef &, const QString &) override;
    QFuture<Result<void>> remove(const SecretRef &) override;
};

// The main window over a loopback E2B, a scratch database and scratch accounts, for the GUI
// tests that drive E2B sandboxes through the window. Call setUp() from init() and tearDown()
// from cleanup(); the helpers report failures through QTest (check currentTestFailed()).
struct E2bWindowHarness
{
    static inline const QString ApiKey = QStringLiteral("e2b_loopback_key");

    // A fresh folder, the fake E2B listening, the backend open.
    void setUp();
    // Windows go before the backend, as in main().
    void tearDown();
    // Opens the window with `key` as the profile's E2B key and waits for the complete first
    // read, E2B being set up and its first reconcile. `beforeShow` runs on the window made but
    // not yet shown.
    void openWindow(const QString &key = ApiKey,
                    const std::function<void(MainWindow &)> &beforeShow = {});
    // Creates a sandbox (at E2B, the default once set up); an empty record on failure.
    SandboxRecord createSandbox();
    // The table's row for `id`, or null.
    const SandboxRecord *row(const QString &id) const;
    // Refreshes and waits for the reconcile and the reload it brings.
    void refreshAndWait();

    std::unique_ptr<QTemporaryDir> dir;
    StartupOptions options;
    std::unique_ptr<LoopbackHttpServer> server;
    std::unique_ptr<FakeE2b> e2b;
    std::unique_ptr<QSettings> accounts;
    std::unique_ptr<EmptyKeychain> keychain;
    std::unique_ptr<SecretVault> vault;
    std::unique_ptr<ConsoleBackend> backend;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> modelTester;
};

} // namespace squad::test
