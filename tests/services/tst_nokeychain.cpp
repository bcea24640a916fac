// SPDX-License-Identifier: MIT
// No keychain at all (ctest runs this without a D-Bus session): a clear message, the secret kept
// in memory for this run only, and nothing written to disk.
#include "testsupport.h"

#include "secrets/keychainsecretstore.h"
#include "secrets/secretvault.h"

#include <QDirIterator>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::waitFor;

static const QString Secret = u"e2b_0badc0de0badc0de0badc0de0badc0de"_s;

class tst_NoKeychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keychainCallsFailClearly();
    void vaultKeepsTheSecretInMemoryOnly();

private:
    template<class T>
    static T await(QFuture<T> future)
    {
        waitFor(future, 20000);
        return future.result();
    }

    QTemporaryDir m_home;
};

void tst_NoKeychain::initTestCase()
{
    QVERIFY(m_home.isValid());
    // Everything QtKeychain or QSettings could write lands here, where the test can look.
    qputenv("HOME", m_home.path().toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", m_home.filePath(u"config"_s).toLocal8Bit());
    qputenv("XDG_DATA_HOME", m_home.filePath(u"data"_s).toLocal8Bit());
    QVERIFY2(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(u"nonexistent"_s),
             "ctest must run this test without a reachable D-Bus session");
}

void tst_NoKeychain::keychainCallsFailClearly()
{
    KeychainSecretStore store(u"squad-console-nokeychain-test"_s);
    const SecretRef ref{u"default"_s, SecretKind::E2bApiKey};
    auto written = await(store.write(ref, Secret));
    QVERIFY(!written);
    QCOMPARE(written.error().code(), ErrorCode::Unavailable);
    QVERIFY2(written.error().message().contains(u"No keychain is available"_s),
             qPrintable(written.error().toString()));
    QVERIFY(written.error().message().contains(u"gnome-keyring"_s));
    QVERIFY(!written.error().toString().contains(Secret));
    auto read = await(store.read(ref));
    QVERIFY(!read);
    QCOMPARE(read.error().code(), ErrorCode::Unavailable);
}

void tst_NoKeychain::vaultKeepsTheSecretInMemoryOnly()
{
    KeychainSecretStore store(u"squad-console-nokeychain-test"_s);
    SecretVault vault(&store);
    vault.setEnvironment([](const char *) { return QString(); });
    QSignalSpy unavailable(&vault, &SecretVault::keychainUnavailable);
    const SecretRef ref{u"default"_s, SecretKind::E2bApiKey};
    auto saved = await(vault.save(ref, Secret));
    QVERIFY_RESULT(saved);
    QCOMPARE(*saved, SecretSource::Memory);
    QCOMPARE(unavailable.size(), 1);
    auto resolved = await(vault.resolve(ref));
    QCOMPARE(resolved->source, SecretSource::Memory);
    QCOMPARE(resolved->value, Secret);

    // Nothing in any file under HOME (QtKeychain's plain-text fallback would write a settings
    // file there), nor in the application's settings.
    QSettings().sync();
    QDirIterator files(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains(Secret.toUtf8()), qPrintable(file.fileName()));
    }
}

QTEST_GUILESS_MAIN(tst_NoKeychain)
#include "tst_nokeychain.moc"
