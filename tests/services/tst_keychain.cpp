// SPDX-License-Identifier: MIT
// The real OS keychain: Secret Service through QtKeychain. scripts/test.sh runs the suite in a
// private D-Bus session with an unlocked throw-away gnome-keyring (scripts/keyring-session.sh).
#include "testsupport.h"

#include "core/ids.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/secretvault.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::waitFor;

class tst_Keychain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void profilesAndKindsAreSeparateEntries();
    void vaultSavesToTheKeychain();

private:
    template<class T>
    static T await(QFuture<T> future)
    {
        waitFor(future, 20000);
        return future.result();
    }

    // Entries of this run only, so a developer's own keyring is never touched.
    QString m_service = u"squad-console-test-"_s + newId();
};

void tst_Keychain::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "No D-Bus session: run through scripts/test.sh, which starts one with gnome-keyring");
}

void tst_Keychain::roundTrip()
{
    KeychainSecretStore store(m_service);
    const SecretRef ref{u"default"_s, SecretKind::E2bApiKey};
    auto missing = await(store.read(ref));
    QVERIFY_RESULT(missing);
    QVERIFY(!missing->has_value());

    QVERIFY_RESULT(await(store.write(ref, u"e2b_11112222333344445555"_s)));
    auto first = await(store.read(ref));
    QVERIFY_RESULT(first);
    QCOMPARE(first->value_or(QString()), u"e2b_11112222333344445555"_s);

    QVERIFY_RESULT(await(store.write(ref, u"e2b_66667777888899990000"_s)));
    QCOMPARE(await(store.read(ref))->value_or(QString()), u"e2b_66667777888899990000"_s);

    QVERIFY_RESULT(await(store.remove(ref)));
    auto afterDelete = await(store.read(ref));
    QVERIFY_RESULT(afterDelete);
    QVERIFY(!afterDelete->has_value());
    // Deleting again is not an error.
    QVERIFY_RESULT(await(store.remove(ref)));
}

void tst_Keychain::profilesAndKindsAreSeparateEntries()
{
    KeychainSecretStore store(m_service);
    QVERIFY_RESULT(await(store.write({u"prod"_s, SecretKind::GitHubToken}, u"prod-token"_s)));
    QVERIFY_RESULT(await(store.write({u"prod"_s, SecretKind::E2bApiKey}, u"prod-key"_s)));
    QVERIFY_RESULT(await(store.write({u"staging"_s, SecretKind::GitHubToken}, u"staging-token"_s)));
    QCOMPARE(await(store.read({u"prod"_s, SecretKind::GitHubToken}))->value_or(QString()),
             u"prod-token"_s);
    QCOMPARE(await(store.read({u"staging"_s, SecretKind::GitHubToken}))->value_or(QString()),
             u"staging-token"_s);
    for (const SecretRef &ref : {SecretRef{u"prod"_s, SecretKind::GitHubToken},
                                 SecretRef{u"prod"_s, SecretKind::E2bApiKey},
                                 SecretRef{u"staging"_s, SecretKind::GitHubToken}})
        QVERIFY_RESULT(await(store.remove(ref)));
}

void tst_Keychain::vaultSavesToTheKeychain()
{
    KeychainSecretStore store(m_service);
    SecretVault vault(&store);
    vault.setEnvironment([](const char *) { return QString(); });
    const SecretRef ref{u"default"_s, SecretKind::GitHubAppKey};
    auto saved = await(vault.save(ref, u"-----BEGIN RSA PRIVATE KEY-----\nx\n"_s));
    QVERIFY_RESULT(saved);
    QCOMPARE(*saved, SecretSource::Keychain);
    QVERIFY(vault.keychainProblem().isEmpty());
    // A second vault (a second run of the console) finds it.
    SecretVault later(&store);
    later.setEnvironment([](const char *) { return QString(); });
    auto resolved = await(later.resolve(ref));
    QCOMPARE(resolved->source, SecretSource::Keychain);
    QVERIFY(resolved->value.startsWith(u"-----BEGIN"_s));
    QVERIFY_RESULT(await(vault.clearProfile(u"default"_s)));
    QCOMPARE(await(later.resolve(ref))->source, SecretSource::None);
}

QTEST_GUILESS_MAIN(tst_Keychain)
#include "tst_keychain.moc"
