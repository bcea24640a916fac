// SPDX-License-Identifier: MIT
#include "e2bwindowharness.h"

#include "accounts/profilestore.h"
#include "core/futures.h"
#include "sandboxtablemodel.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace squad::test {

QFuture<Result<std::optional<QString>>> EmptyKeychain::read(const SecretRef &)
{
    return readyFuture<Result<std::optional<QString>>>(std::optional<QString>());
}

QFuture<Result<void>> EmptyKeychain::write(const SecretRef &, const QString &)
{
    return readyFuture<Result<void>>({});
}

QFuture<Result<void>> EmptyKeychain::remove(const SecretRef &)
{
    return readyFuture<Result<void>>({});
}

void E2bWindowHarness::setUp()
{
    dir = std::make_unique<QTemporaryDir>();
    QVERIFY(dir->isValid());
    server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(server->isListening());
    e2b = std::make_unique<FakeE2b>(*server, ApiKey);
    options = scratchOptions(dir->filePath(u"squad.db"_s), dir->filePath(u"data"_s));
    backend = std::make_unique<ConsoleBackend>(options);
    QVERIFY_RESULT(await(backend->open()));
    accounts = std::make_unique<QSettings>(dir->filePath(u"accounts.ini"_s), QSettings::IniFormat);
}

void E2bWindowHarness::tearDown()
{
    modelTester.reset();
    window.reset();
    backend.reset();
    vault.reset();
    keychain.reset();
    accounts.reset();
    e2b.reset();
    server.reset();
    dir.reset();
}

void E2bWindowHarness::openWindow(const QString &key,
                                  const std::function<void(MainWindow &)> &beforeShow)
{
    ProfileStore profiles(*accounts);
    auto profile = profiles.get(u"default"_s);
    QVERIFY_RESULT(profile);
    profile->e2bApiUrl = server->url().toString();
    QVERIFY_RESULT(profiles.update(*profile));
    keychain = std::make_unique<EmptyKeychain>();
    vault = std::make_unique<SecretVault>(keychain.get());
    vault->setEnvironment([key](const char *name) {
        return qstrcmp(name, "E2B_API_KEY") == 0 ? key : QString();
    });

    window = std::make_unique<MainWindow>(backend.get());
    modelTester = std::make_unique<QAbstractItemModelTester>(
        window->sandboxModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window->setRefreshInterval(0);
    window->resize(1300, 700);
    QSignalSpy connected(window.get(), &MainWindow::e2bConnected);
    QSignalSpy reconciled(window.get(), &MainWindow::reconciled);
    window->setAccounts(vault.get(), accounts.get(), QString());
    if (beforeShow)
        beforeShow(*window);
    window->show();
    QVERIFY(QTest::qWaitForWindowActive(window.get()));
    window->start();
    QTRY_VERIFY(window->hasLoadedAll());
    QTRY_COMPARE(connected.size(), 1);
    QCOMPARE(connected.first().first().toBool(), !key.isEmpty());
    if (key.isEmpty())
        return;
    QVERIFY(backend->hasE2b());
    QTRY_COMPARE(reconciled.size(), 1);
}

SandboxRecord E2bWindowHarness::createSandbox()
{
    CreateSandboxRequest request;
    request.templateId = u"base"_s;
    const auto created = await(backend->create(request));
    if (!created)
        qWarning() << created.error().toString();
    return created.value_or(SandboxRecord());
}

const SandboxRecord *E2bWindowHarness::row(const QString &id) const
{
    const int at = window->sandboxModel()->rowOf(id);
    return at < 0 ? nullptr : &window->sandboxModel()->record(at);
}

void E2bWindowHarness::refreshAndWait()
{
    QSignalSpy reconciled(window.get(), &MainWindow::reconciled);
    QSignalSpy loaded(window.get(), &MainWindow::loaded);
    window->refresh();
    QTRY_VERIFY(reconciled.size() >= 1);
    QTRY_VERIFY(loaded.size() >= 1 && !window->isLoading());
}

} // namespace squad::test
