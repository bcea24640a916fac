// SPDX-License-Identifier: MIT
// Profiles in the settings: create, read, update, rename, remove, the active one, validation.
#include "testsupport.h"

#include "accounts/profilestore.h"

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <limits>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_ProfileStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void defaultAlwaysExists();
    void addGetUpdate();
    void renameKeepsFieldsAndActive();
    void removeFallsBackToDefault();
    void validation_data();
    void validation();
    void survivesAReload();
    void costRatesDefaultToE2bsAndAreValidated();

private:
    Profile profile(const QString &name) const
    {
        Profile p;
        p.name = name;
        return p;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
};

void tst_ProfileStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s),
                                             QSettings::IniFormat);
}

void tst_ProfileStore::cleanup()
{
    m_settings.reset();
    m_dir.reset();
}

void tst_ProfileStore::defaultAlwaysExists()
{
    ProfileStore store(*m_settings);
    QCOMPARE(store.list().size(), 1);
    QCOMPARE(store.activeName(), u"default"_s);
    const Profile active = store.active();
    QCOMPARE(active.name, u"default"_s);
    QCOMPARE(active.effectiveE2bApiUrl(), u"https://api.e2b.app"_s);
    QCOMPARE(active.githubApiUrl, u"https://api.github.com"_s);
    QVERIFY_ERROR(store.remove(u"default"_s), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(store.rename(u"default"_s, u"x"_s), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(store.add(profile(u"default"_s)), ErrorCode::Conflict);
}

void tst_ProfileStore::addGetUpdate()
{
    ProfileStore store(*m_settings);
    Profile staging = profile(u"staging"_s);
    staging.e2bDomain = u"e2b.staging.example"_s;
    staging.githubApiUrl = u"https://git.example.com/api/v3/"_s;
    staging.defaultTemplate = u"python-3.12"_s;
    QVERIFY_RESULT(store.add(staging));
    auto loaded = store.get(u"staging"_s);
    QVERIFY_RESULT(loaded);
    QCOMPARE(loaded->effectiveE2bApiUrl(), u"https://api.e2b.staging.example"_s);
    QCOMPARE(loaded->githubApiUrl, u"https://git.example.com/api/v3"_s);  // normalised
    QCOMPARE(loaded->defaultTemplate, u"python-3.12"_s);

    loaded->e2bApiUrl = u"https://e2b.internal:8443"_s;
    QVERIFY_RESULT(store.update(*loaded));
    QCOMPARE(store.get(u"staging"_s)->effectiveE2bApiUrl(), u"https://e2b.internal:8443"_s);
    QVERIFY_ERROR(store.update(profile(u"ghost"_s)), ErrorCode::NotFound);
    QVERIFY_ERROR(store.get(u"ghost"_s), ErrorCode::NotFound);
    QCOMPARE(store.list().size(), 2);
}

void tst_ProfileStore::renameKeepsFieldsAndActive()
{
    ProfileStore store(*m_settings);
    Profile prod = profile(u"prod"_s);
    prod.defaultTemplate = u"node-20"_s;
    QVERIFY_RESULT(store.add(prod));
    QVERIFY_RESULT(store.add(profile(u"other"_s)));
    QVERIFY_RESULT(store.setActive(u"prod"_s));
    QVERIFY_RESULT(store.rename(u"prod"_s, u"production"_s));
    QCOMPARE(store.activeName(), u"production"_s);
    QCOMPARE(store.get(u"production"_s)->defaultTemplate, u"node-20"_s);
    QVERIFY_ERROR(store.get(u"prod"_s), ErrorCode::NotFound);
    QVERIFY_ERROR(store.rename(u"production"_s, u"other"_s), ErrorCode::Conflict);
    QVERIFY_ERROR(store.rename(u"production"_s, u"bad name"_s), ErrorCode::InvalidArgument);
}

void tst_ProfileStore::removeFallsBackToDefault()
{
    ProfileStore store(*m_settings);
    QVERIFY_RESULT(store.add(profile(u"tmp"_s)));
    QVERIFY_RESULT(store.setActive(u"tmp"_s));
    QVERIFY_RESULT(store.remove(u"tmp"_s));
    QCOMPARE(store.activeName(), u"default"_s);
    QCOMPARE(store.list().size(), 1);
    QVERIFY_ERROR(store.remove(u"tmp"_s), ErrorCode::NotFound);
    QVERIFY_ERROR(store.setActive(u"tmp"_s), ErrorCode::NotFound);
}

void tst_ProfileStore::validation_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QString>("apiUrl");
    QTest::addColumn<QString>("githubUrl");
    QTest::addColumn<QString>("templateId");
    QTest::addColumn<bool>("valid");
    const QString gh = u"https://api.github.com"_s;
    QTest::newRow("ok") << u"team-a"_s << u"e2b.app"_s << QString() << gh << u"base"_s << true;
    QTest::newRow("empty name") << QString() << u"e2b.app"_s << QString() << gh << u"base"_s
                                << false;
    QTest::newRow("slash in name") << u"a/b"_s << u"e2b.app"_s << QString() << gh << u"base"_s
                                   << false;
    QTest::newRow("bad domain") << u"a"_s << u"not a domain"_s << QString() << gh << u"base"_s
                                << false;
    QTest::newRow("ftp api") << u"a"_s << u"e2b.app"_s << u"ftp://x.example"_s << gh << u"base"_s
                             << false;
    QTest::newRow("credentials in api") << u"a"_s << u"e2b.app"_s << u"https://u:p@x.example"_s
                                        << gh << u"base"_s << false;
    QTest::newRow("bad github") << u"a"_s << u"e2b.app"_s << QString() << u"github.com"_s
                                << u"base"_s << false;
    QTest::newRow("enterprise") << u"a"_s << u"e2b.app"_s << QString()
                                << u"https://ghe.example.com/api/v3"_s << u"base"_s << true;
    QTest::newRow("bad template") << u"a"_s << u"e2b.app"_s << QString() << gh << u"a b"_s
                                  << false;
}

void tst_ProfileStore::validation()
{
    QFETCH(QString, name);
    QFETCH(QString, domain);
    QFETCH(QString, apiUrl);
    QFETCH(QString, githubUrl);
    QFETCH(QString, templateId);
    QFETCH(bool, valid);
    Profile p;
    p.name = name;
    p.e2bDomain = domain;
    p.e2bApiUrl = apiUrl;
    p.githubApiUrl = githubUrl;
    p.defaultTemplate = templateId;
    ProfileStore store(*m_settings);
    const auto added = store.add(p);
    QCOMPARE(added.has_value(), valid);
    if (!valid) {
        QCOMPARE(added.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(!added.error().message().contains(u":p@"_s));
        QCOMPARE(store.list().size(), 1);  // nothing written
    }
}

void tst_ProfileStore::survivesAReload()
{
    {
        ProfileStore store(*m_settings);
        QVERIFY_RESULT(store.add(profile(u"kept"_s)));
        QVERIFY_RESULT(store.setActive(u"kept"_s));
    }
    m_settings.reset();
    QSettings reopened(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
    ProfileStore store(reopened);
    QCOMPARE(store.activeName(), u"kept"_s);
    QVERIFY_RESULT(store.get(u"kept"_s));
}

void tst_ProfileStore::costRatesDefaultToE2bsAndAreValidated()
{
    ProfileStore store(*m_settings);
    QCOMPARE(store.active().costRates, CostRates{});
    QCOMPARE(store.active().costRates.vcpuPerSecond, 0.000014);
    QCOMPARE(store.active().costRates.gibPerSecond, 0.0000045);

    Profile cheap = profile(u"cheap"_s);
    cheap.costRates = {0.00001, 0.000002};
    QVERIFY_RESULT(store.add(cheap));
    QCOMPARE(store.get(u"cheap"_s)->costRates, cheap.costRates);
    cheap.costRates.gibPerSecond = 0;  // free memory is allowed
    QVERIFY_RESULT(store.update(cheap));
    QCOMPARE(store.get(u"cheap"_s)->costRates.gibPerSecond, 0.0);

    Profile negative = cheap;
    negative.costRates.vcpuPerSecond = -0.1;
    QVERIFY_ERROR(store.update(negative), ErrorCode::InvalidArgument);
    negative.costRates = {0.1, std::numeric_limits<double>::quiet_NaN()};
    QVERIFY_ERROR(store.update(negative), ErrorCode::InvalidArgument);
    QCOMPARE(store.get(u"cheap"_s)->costRates, cheap.costRates);  // unchanged
}

QTEST_GUILESS_MAIN(tst_ProfileStore)
#include "tst_profilestore.moc"
