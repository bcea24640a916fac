// SPDX-License-Identifier: MIT
// The secrets seam without an OS keychain: precedence of the environment, memory and keychain
// layers, the fallback when there is no keychain, and the format hints.
#include "testsupport.h"

#include "core/futures.h"
#include "secrets/secretformat.h"
#include "secrets/secretvault.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::waitFor;

namespace {

// A keychain that is there (a MemorySecretStore) or is not (every call Unavailable).
class FakeKeychain final : public SecretStore
{
public:
    QFuture<Result<std::optional<QString>>> read(const SecretRef &ref) override
    {
        ++reads;
        if (!available)
            return readyFuture<Result<std::optional<QString>>>(fail(unavailable()));
        return m_store.read(ref);
    }
    QFuture<Result<void>> write(const SecretRef &ref, const QString &value) override
    {
        if (!available)
            return readyFuture<Result<void>>(fail(unavailable()));
        return m_store.write(ref, value);
    }
    QFuture<Result<void>> remove(const SecretRef &ref) override
    {
        if (!available)
            return readyFuture<Result<void>>(fail(unavailable()));
        return m_store.remove(ref);
    }
    bool holds(const SecretRef &ref) const { return m_store.contains(ref); }

    bool available = true;
    int reads = 0;

private:
    static Error unavailable()
    {
        return Error(ErrorCode::Unavailable, u"No keychain is available"_s,
                     u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s);
    }
    MemorySecretStore m_store;
};

template<class T>
T await(QFuture<T> future)
{
    waitFor(future);
    return future.result();
}

} // namespace

class tst_Secrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();

    void memoryStoreRoundTrip();
    void keychainIsUsedWhenNothingOverrides();
    void environmentOverridesTheKeychain();
    void profilesAreSeparate();
    void noKeychainKeepsTheSecretInMemoryAndSaysWhy();
    void clearRemovesFromKeychainAndMemory();
    void clearProfileRemovesEverySecret();
    void statusNamesSourcesNeverValues();
    void formatWarnings_data();
    void formatWarnings();
    void kindNames();

private:
    FakeKeychain m_keychain;
    QHash<QByteArray, QString> m_env;
    std::unique_ptr<SecretVault> m_vault;
};

void tst_Secrets::init()
{
    m_keychain = FakeKeychain();
    m_env.clear();
    m_vault = std::make_unique<SecretVault>(&m_keychain);
    m_vault->setEnvironment([this](const char *name) { return m_env.value(name); });
}

void tst_Secrets::memoryStoreRoundTrip()
{
    MemorySecretStore store;
    const SecretRef ref{u"default"_s, SecretKind::GitHubToken};
    QVERIFY(!await(store.read(ref))->has_value());
    QVERIFY_RESULT(await(store.write(ref, u"one"_s)));
    QCOMPARE(await(store.read(ref))->value(), u"one"_s);
    QVERIFY_RESULT(await(store.write(ref, u"two"_s)));
    QCOMPARE(await(store.read(ref))->value(), u"two"_s);
    QVERIFY_RESULT(await(store.remove(ref)));
    QVERIFY(!await(store.read(ref))->has_value());
    QVERIFY_RESULT(await(store.remove(ref)));
}

void tst_Secrets::keychainIsUsedWhenNothingOverrides()
{
    const SecretRef ref{u"default"_s, SecretKind::E2bApiKey};
    auto none = await(m_vault->resolve(ref));
    QVERIFY_RESULT(none);
    QCOMPARE(none->source, SecretSource::None);
    QVERIFY(none->value.isEmpty());

    auto saved = await(m_vault->save(ref, u"e2b_0123456789abcdef"_s));
    QVERIFY_RESULT(saved);
    QCOMPARE(*saved, SecretSource::Keychain);
    QVERIFY(m_keychain.holds(ref));
    auto resolved = await(m_vault->resolve(ref));
    QCOMPARE(resolved->source, SecretSource::Keychain);
    QCOMPARE(resolved->value, u"e2b_0123456789abcdef"_s);
    QVERIFY(m_vault->keychainProblem().isEmpty());
}

void tst_Secrets::environmentOverridesTheKeychain()
{
    const SecretRef ref{u"default"_s, SecretKind::GitHubToken};
    QVERIFY_RESULT(await(m_vault->save(ref, u"from-keychain"_s)));
    m_env.insert("GITHUB_TOKEN", u"from-environment"_s);
    auto resolved = await(m_vault->resolve(ref));
    QCOMPARE(resolved->source, SecretSource::Environment);
    QCOMPARE(resolved->value, u"from-environment"_s);
    // The environment applies whatever the profile.
    auto other = await(m_vault->resolve({u"staging"_s, SecretKind::GitHubToken}));
    QCOMPARE(other->source, SecretSource::Environment);
    // An empty variable does not count.
    m_env.insert("GITHUB_TOKEN", QString());
    QCOMPARE(await(m_vault->resolve(ref))->source, SecretSource::Keychain);
    QCOMPARE(QByteArray(SecretVault::environmentVariable(SecretKind::E2bApiKey)),
             QByteArray("E2B_API_KEY"));
}

void tst_Secrets::profilesAreSeparate()
{
    QVERIFY_RESULT(await(m_vault->save({u"prod"_s, SecretKind::E2bApiKey}, u"p"_s)));
    QVERIFY_RESULT(await(m_vault->save({u"staging"_s, SecretKind::E2bApiKey}, u"s"_s)));
    QCOMPARE(await(m_vault->resolve({u"prod"_s, SecretKind::E2bApiKey}))->value, u"p"_s);
    QCOMPARE(await(m_vault->resolve({u"staging"_s, SecretKind::E2bApiKey}))->value, u"s"_s);
    QCOMPARE(await(m_vault->resolve({u"dev"_s, SecretKind::E2bApiKey}))->source,
             SecretSource::None);
}

void tst_Secrets::noKeychainKeepsTheSecretInMemoryAndSaysWhy()
{
    m_keychain.available = false;
    QSignalSpy unavailable(m_vault.get(), &SecretVault::keychainUnavailable);
    const SecretRef ref{u"default"_s, SecretKind::E2bApiKey};
    auto saved = await(m_vault->save(ref, u"e2b_feedfacefeedface"_s));
    QVERIFY_RESULT(saved);
    QCOMPARE(*saved, SecretSource::Memory);
    QCOMPARE(unavailable.size(), 1);
    QVERIFY(unavailable.first().first().toString().contains(u"No keychain"_s));
    QVERIFY(!m_vault->keychainProblem().isEmpty());
    QVERIFY(!m_vault->keychainProblem().contains(u"feedface"_s));

    auto resolved = await(m_vault->resolve(ref));
    QCOMPARE(resolved->source, SecretSource::Memory);
    QCOMPARE(resolved->value, u"e2b_feedfacefeedface"_s);
    // A secret that was never saved: none, not an error.
    auto missing = await(m_vault->resolve({u"default"_s, SecretKind::GitHubToken}));
    QVERIFY_RESULT(missing);
    QCOMPARE(missing->source, SecretSource::None);
    QCOMPARE(unavailable.size(), 1);  // said once, not on every call
}

void tst_Secrets::clearRemovesFromKeychainAndMemory()
{
    const SecretRef ref{u"default"_s, SecretKind::GitHubToken};
    QVERIFY_RESULT(await(m_vault->save(ref, u"k"_s)));
    QVERIFY_RESULT(await(m_vault->clear(ref)));
    QVERIFY(!m_keychain.holds(ref));
    QCOMPARE(await(m_vault->resolve(ref))->source, SecretSource::None);

    m_keychain.available = false;
    QVERIFY_RESULT(await(m_vault->save(ref, u"m"_s)));
    QVERIFY_RESULT(await(m_vault->clear(ref)));
    QCOMPARE(await(m_vault->resolve(ref))->source, SecretSource::None);
}

void tst_Secrets::clearProfileRemovesEverySecret()
{
    for (SecretKind kind : AllSecretKinds)
        QVERIFY_RESULT(await(m_vault->save({u"old"_s, kind}, u"v"_s)));
    QVERIFY_RESULT(await(m_vault->save({u"kept"_s, SecretKind::GitHubToken}, u"v"_s)));
    QVERIFY_RESULT(await(m_vault->clearProfile(u"old"_s)));
    for (SecretKind kind : AllSecretKinds)
        QVERIFY(!m_keychain.holds({u"old"_s, kind}));
    QVERIFY(m_keychain.holds({u"kept"_s, SecretKind::GitHubToken}));
}

void tst_Secrets::statusNamesSourcesNeverValues()
{
    QVERIFY_RESULT(await(m_vault->save({u"default"_s, SecretKind::E2bApiKey}, u"x"_s)));
    m_env.insert("GITHUB_TOKEN", u"y"_s);
    auto status = await(m_vault->status(u"default"_s));
    QVERIFY_RESULT(status);
    QCOMPARE(status->value(SecretKind::E2bApiKey), SecretSource::Keychain);
    QCOMPARE(status->value(SecretKind::GitHubToken), SecretSource::Environment);
    QCOMPARE(status->value(SecretKind::GitHubAppKey), SecretSource::None);
    QCOMPARE(secretSourceName(SecretSource::Memory), u"memory (this run only)"_s);
}

void tst_Secrets::formatWarnings_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("warns");
    const int e2b = int(SecretKind::E2bApiKey);
    const int gh = int(SecretKind::GitHubToken);
    const int app = int(SecretKind::GitHubAppKey);
    QTest::newRow("e2b ok") << e2b << u"e2b_53ae1fed82754c17ad8077fbc8bcdd90"_s << false;
    QTest::newRow("e2b no prefix") << e2b << u"53ae1fed82754c17ad8077fbc8bcdd90"_s << true;
    QTest::newRow("e2b not hex") << e2b << u"e2b_zzzzzzzzzzzzzzzzzzzz"_s << true;
    QTest::newRow("e2b trailing space") << e2b << u"e2b_53ae1fed82754c17ad80 "_s << true;
    QTest::newRow("ghp ok") << gh << u"ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"_s << false;
    QTest::newRow("pat ok") << gh << u"github_pat_11ABCDEFG0_abcdefghijklmnopqrstuv"_s << false;
    QTest::newRow("ghs ok") << gh << u"ghs_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"_s << false;
    QTest::newRow("gh unknown") << gh << u"token-123456789012345678901234"_s << true;
    QTest::newRow("app ok") << app << u"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"_s
                            << false;
    QTest::newRow("app not pem") << app << u"MIIEowIBAAKCAQEA"_s << true;
    QTest::newRow("empty") << e2b << QString() << false;
}

void tst_Secrets::formatWarnings()
{
    QFETCH(int, kind);
    QFETCH(QString, value);
    QFETCH(bool, warns);
    const QString warning = secretFormatWarning(SecretKind(kind), value);
    QCOMPARE(!warning.isEmpty(), warns);
    if (warns && value.size() > 8)
        QVERIFY(!warning.contains(value.trimmed()));
}

void tst_Secrets::kindNames()
{
    for (SecretKind kind : AllSecretKinds)
        QCOMPARE(secretKindFromName(secretKindName(kind)), std::optional<SecretKind>(kind));
    QVERIFY(!secretKindFromName(u"aws"_s).has_value());
}

QTEST_GUILESS_MAIN(tst_Secrets)
#include "tst_secrets.moc"
