// SPDX-License-Identifier: MIT
// Preferences: profiles added, renamed and removed through the dialog's own widgets, connection
// fields checked as typed, secrets saved and cleared without their values ever showing, the
// connection tests against loopback E2B and GitHub servers, the no-keychain banner, and the
// general settings — over a SecretVault on a fake keychain and a QSettings on a scratch INI file.
#include "fakegithub.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "accounts/profilestore.h"
#include "core/futures.h"
#include "fieldhint.h"
#include "github/githubapi.h"
#include "secrets/secretvault.h"
#include "settingsdialog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QGroupBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QToolButton>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

const QString E2bKey = u"e2b_0123456789abcdef0123456789abcdef"_s;
const QString GitHubToken = u"ghp_TESTtokenTESTtokenTESTtoken1234"_s;
// Looks like a PEM key, but cannot sign anything.
const QString BrokenAppKey = u"-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEAtestkeytestkey\n"
                             "-----END RSA PRIVATE KEY-----\n"_s;
const QString AppClientId = u"Iv23liAbCdEf01234567"_s;

// A keychain that is there (a MemorySecretStore) or is not (every call Unavailable); writes can
// be held back to see the dialog while one is under way.
class FakeKeychain final : public SecretStore
{
public:
    QFuture<Result<std::optional<QString>>> read(const SecretRef &ref) override
    {
        if (!available)
            return readyFuture<Result<std::optional<QString>>>(fail(unavailable()));
        return m_store.read(ref);
    }
    QFuture<Result<void>> write(const SecretRef &ref, const QString &value) override
    {
        ++writes;
        if (!available)
            return readyFuture<Result<void>>(fail(unavailable()));
        if (holdWrites) {
            auto promise = std::make_shared<QPromise<Result<void>>>();
            promise->start();
            m_held.push_back([this, promise, ref, value] {
                (void)m_store.write(ref, value);
                promise->addResult(Result<void>());
                promise->finish();
            });
            return promise->future();
        }
        return m_store.write(ref, value);
    }
    QFuture<Result<void>> remove(const SecretRef &ref) override
    {
        if (!available)
            return readyFuture<Result<void>>(fail(unavailable()));
        return m_store.remove(ref);
    }

    bool holds(const QString &profile, SecretKind kind) const
    {
        return m_store.contains(SecretRef{profile, kind});
    }
    void releaseWrites()
    {
        const auto held = std::move(m_held);
        m_held.clear();
        for (const auto &finish : held)
            finish();
    }

    bool available = true;
    bool holdWrites = false;
    int writes = 0;

private:
    static Error unavailable()
    {
        return Error(ErrorCode::Unavailable,
                     u"No keychain is available to read the E2B API key. On Linux install and "
                     "start a Secret Service keyring"_s,
                     u"Cannot autolaunch D-Bus without X11 $DISPLAY"_s);
    }
    MemorySecretStore m_store;
    std::vector<std::function<void()>> m_held;
};

Profile named(const QString &name)
{
    Profile profile;
    profile.name = name;
    return profile;
}

template<class T>
T *child(QObject *parent, const QString &name)
{
    return parent->findChild<T *>(name);
}

// Every piece of text the dialog and its children show or announce.
QStringList visibleTexts(QWidget *root)
{
    QStringList texts;
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *widget : std::as_const(widgets)) {
        texts << widget->windowTitle() << widget->toolTip() << widget->accessibleName()
              << widget->accessibleDescription() << widget->statusTip() << widget->whatsThis();
        if (auto *label = qobject_cast<QLabel *>(widget))
            texts << label->text();
        if (auto *edit = qobject_cast<QLineEdit *>(widget))
            texts << edit->text() << edit->placeholderText() << edit->displayText();
        if (auto *plain = qobject_cast<QPlainTextEdit *>(widget))
            texts << plain->toPlainText();
        if (auto *button = qobject_cast<QAbstractButton *>(widget))
            texts << button->text();
        if (auto *box = qobject_cast<QGroupBox *>(widget))
            texts << box->title();
        if (auto *list = qobject_cast<QListWidget *>(widget)) {
            for (int i = 0; i < list->count(); ++i)
                texts << list->item(i)->text() << list->item(i)->toolTip();
        }
    }
    return texts;
}

bool showsText(QWidget *root, const QString &needle)
{
    for (const QString &text : visibleTexts(root)) {
        if (text.contains(needle))
            return true;
    }
    return false;
}

QStringList profileNames(const QListWidget *list)
{
    QStringList names;
    for (int i = 0; i < list->count(); ++i)
        names << list->item(i)->data(Qt::UserRole).toString();
    return names;
}

// The visible (not yet deleted) sub-dialog of `T` with `name`, once it has opened.
template<class T>
T *openedDialog(QWidget *parent, const QString &name)
{
    T *found = nullptr;
    (void)QTest::qWaitFor([&] {
        const QList<T *> dialogs = parent->findChildren<T *>(name);
        for (T *dialog : dialogs) {
            if (dialog->isVisible())
                found = dialog;
        }
        return found != nullptr;
    });
    return found;
}

} // namespace

class tst_SettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void opensOnTheActiveProfile();
    void testConnectionChecksTheKey();
    void addRenameRemoveThroughWidgets();
    void removeAsksAndDeletesSecrets();
    void renameTakesSecretsAlong();
    void defaultProfileCannotBeRemovedOrRenamed();
    void makeActive();
    void fieldsValidatedAsTyped_data();
    void fieldsValidatedAsTyped();
    void applyWritesTheProfile();
    void placeholdersShowTheDefaults();
    void costRates_data();
    void costRates();
    void savedSecretShowsKeychainAndIsNeverShown();
    void showToggleUnmasksTypedText();
    void formatWarningDoesNotBlockSaving();
    void environmentOverrideIsShown();
    void clearAsksAndRemoves();
    void appKeyLoadsFromFile();
    void brokenAppKeyIsRefused();
    void githubAppFieldsRoundTrip();
    void githubAppFieldsRefuseBadInput_data();
    void githubAppFieldsRefuseBadInput();
    void githubTokenTestSaysWhoItIs();
    void githubAppTestShowsTheInstallation();
    void githubTestOfAProfileLeftBehindIsDropped();
    void enterInSecretFieldSavesWithoutClosing();
    void okSavesTypedSecretsThenCloses();
    void leavingAProfileKeepsWhatWasTyped();
    void noKeychainShowsBannerAndMemory();
    void staysResponsiveAndSurvivesClosingWhileSaving();
    void generalSettingsWritten();
    void warmPoolSettingsWritten();
    void keyboardReachable();
    void escapeCloses();

private:
    SettingsDialog *openDialog();
    QString settingsFileText() const;
    QLineEdit *edit(const QString &name) const { return child<QLineEdit>(m_dialog, name); }
    QPushButton *button(const QString &name) const { return child<QPushButton>(m_dialog, name); }
    QLabel *label(const QString &name) const { return child<QLabel>(m_dialog, name); }
    QListWidget *list() const { return child<QListWidget>(m_dialog, u"profileList"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
    FakeKeychain m_keychain;
    QHash<QByteArray, QString> m_env;
    std::unique_ptr<SecretVault> m_vault;
    SettingsDialog *m_dialog = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    squad::test::RsaKeyPair m_appKeys; // made once: RSA key generation takes a while
};

void tst_SettingsDialog::initTestCase()
{
    // The connection tests read these like squadctl does; the machine's own must not leak in.
    for (const char *name : {"GITHUB_API_URL", "GITHUB_TOKEN", "GITHUB_APP_PRIVATE_KEY"})
        qunsetenv(name);
    m_appKeys = squad::test::generateRsaKeyPair();
    QVERIFY(m_appKeys.privatePem.startsWith("-----BEGIN RSA PRIVATE KEY-----"));
}

void tst_SettingsDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"squad.ini"_s), QSettings::IniFormat);
    m_keychain = FakeKeychain();
    m_env.clear();
    m_vault = std::make_unique<SecretVault>(&m_keychain);
    m_vault->setEnvironment([this](const char *name) { return m_env.value(name); });
}

void tst_SettingsDialog::cleanup()
{
    qunsetenv("GITHUB_API_URL");
    m_tester.reset();
    delete m_dialog;
    m_dialog = nullptr;
    m_vault.reset();
    m_settings.reset();
    m_dir.reset();
}

SettingsDialog *tst_SettingsDialog::openDialog()
{
    m_dialog = new SettingsDialog(m_vault.get(), m_settings.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        list()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_dialog->show();
    return m_dialog;
}

QString tst_SettingsDialog::settingsFileText() const
{
    m_settings->sync();
    QFile file(m_settings->fileName());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

void tst_SettingsDialog::testConnectionChecksTheKey()
{
    const QString good = u"e2b_0123456789abcdef0123456789abcdef01234567"_s;
    squad::test::LoopbackHttpServer server;
    server.route("GET", u"/v2/sandboxes"_s, [good](const squad::test::HttpRequest &request) {
        if (request.header("x-api-key") != good.toUtf8()) {
            return squad::test::HttpResponse::json(
                401, QJsonObject{{u"code"_s, 401}, {u"message"_s, u"Invalid API key"_s}});
        }
        return squad::test::HttpResponse::json(200, QJsonArray());
    });
    openDialog();
    auto *apiUrl = m_dialog->findChild<QLineEdit *>(u"e2bApiUrlField"_s);
    QVERIFY(apiUrl);
    apiUrl->setText(server.url().toString());
    auto *message = m_dialog->findChild<QLabel *>(u"e2bApiKeyMessage"_s);
    QVERIFY(message);

    // No key anywhere: said at once, nothing sent.
    QTest::mouseClick(button(u"e2bApiKeyTestButton"_s), Qt::LeftButton);
    QTRY_VERIFY(message->text().contains(u"no saved E2B API key"_s));
    QCOMPARE(server.requestCount(), 0);

    m_env.insert("E2B_API_KEY", good);
    QTRY_VERIFY(button(u"e2bApiKeyTestButton"_s)->isEnabled());
    QTest::mouseClick(button(u"e2bApiKeyTestButton"_s), Qt::LeftButton);
    QTRY_COMPARE(message->text(), u"E2B accepted the key."_s);
    QCOMPARE(server.requestCount(), 1);

    m_env.insert("E2B_API_KEY", u"e2b_ffff"_s);
    QTRY_VERIFY(button(u"e2bApiKeyTestButton"_s)->isEnabled());
    QTest::mouseClick(button(u"e2bApiKeyTestButton"_s), Qt::LeftButton);
    QTRY_VERIFY(message->text().contains(u"rejected the API key"_s));
    QVERIFY(!message->text().contains(u"e2b_ffff"_s));
}

void tst_SettingsDialog::opensOnTheActiveProfile()
{
    ProfileStore profiles(*m_settings);
    Profile staging;
    staging.name = u"staging"_s;
    staging.e2bDomain = u"e2b.staging.example.com"_s;
    QVERIFY_RESULT(profiles.add(staging));
    QVERIFY_RESULT(profiles.setActive(u"staging"_s));

    openDialog();
    QCOMPARE(m_dialog->objectName(), u"settingsDialog"_s);
    QCOMPARE(m_dialog->windowTitle(), u"Preferences"_s);
    QCOMPARE(profileNames(list()), (QStringList{u"default"_s, u"staging"_s}));
    QCOMPARE(m_dialog->selectedProfile(), u"staging"_s);
    QVERIFY(list()->currentItem()->text().contains(u"active"_s));
    QVERIFY(!list()->item(0)->text().contains(u"active"_s));
    QCOMPARE(edit(u"e2bDomainField"_s)->text(), u"e2b.staging.example.com"_s);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: none"_s);
    QVERIFY(!child<QWidget>(m_dialog, u"keychainBanner"_s)->isVisible());
}

void tst_SettingsDialog::addRenameRemoveThroughWidgets()
{
    openDialog();
    QSignalSpy changed(m_dialog, &SettingsDialog::profilesChanged);

    // Add…
    QTest::mouseClick(button(u"addProfileButton"_s), Qt::LeftButton);
    auto *name = openedDialog<QInputDialog>(m_dialog, u"profileNameDialog"_s);
    QVERIFY(name);
    name->setTextValue(u"staging"_s);
    name->accept();
    QTRY_COMPARE(profileNames(list()), (QStringList{u"default"_s, u"staging"_s}));
    QCOMPARE(m_dialog->selectedProfile(), u"staging"_s);
    QCOMPARE(changed.count(), 1);
    QVERIFY(ProfileStore(*m_settings).get(u"staging"_s));

    // A taken name is refused with a message; nothing changes.
    QTest::mouseClick(button(u"addProfileButton"_s), Qt::LeftButton);
    name = openedDialog<QInputDialog>(m_dialog, u"profileNameDialog"_s);
    QVERIFY(name);
    name->setTextValue(u"staging"_s);
    name->accept();
    QTRY_VERIFY(label(u"profileMessage"_s)->text().contains(u"already exists"_s));
    QCOMPARE(profileNames(list()).size(), 2);
    QCOMPARE(changed.count(), 1);

    // Rename…
    QVERIFY(button(u"renameProfileButton"_s)->isEnabled());
    QTest::mouseClick(button(u"renameProfileButton"_s), Qt::LeftButton);
    name = openedDialog<QInputDialog>(m_dialog, u"profileNameDialog"_s);
    QVERIFY(name);
    QCOMPARE(name->textValue(), u"staging"_s);
    name->setTextValue(u"prod"_s);
    name->accept();
    QTRY_COMPARE(profileNames(list()), (QStringList{u"default"_s, u"prod"_s}));
    QCOMPARE(m_dialog->selectedProfile(), u"prod"_s);
    QCOMPARE(changed.count(), 2);

    // Remove, confirmed.
    QTest::mouseClick(button(u"removeProfileButton"_s), Qt::LeftButton);
    auto *confirm = openedDialog<QMessageBox>(m_dialog, u"confirmRemoveDialog"_s);
    QVERIFY(confirm);
    QVERIFY(confirm->text().contains(u"prod"_s));
    child<QPushButton>(confirm, u"confirmRemoveButton"_s)->click();
    QTRY_COMPARE(profileNames(list()), QStringList{u"default"_s});
    QCOMPARE(m_dialog->selectedProfile(), u"default"_s);
    QCOMPARE(changed.count(), 3);
    QVERIFY(!ProfileStore(*m_settings).get(u"prod"_s));
}

void tst_SettingsDialog::removeAsksAndDeletesSecrets()
{
    ProfileStore profiles(*m_settings);
    Profile ci;
    ci.name = u"ci"_s;
    QVERIFY_RESULT(profiles.add(ci));
    QVERIFY_RESULT(profiles.setActive(u"ci"_s));
    auto saved = m_vault->save({u"ci"_s, SecretKind::E2bApiKey}, E2bKey);
    QTRY_VERIFY(saved.isFinished());
    saved = m_vault->save({u"ci"_s, SecretKind::GitHubToken}, GitHubToken);
    QTRY_VERIFY(saved.isFinished());
    saved = m_vault->save({u"default"_s, SecretKind::E2bApiKey}, E2bKey);
    QTRY_VERIFY(saved.isFinished());

    openDialog();
    QSignalSpy active(m_dialog, &SettingsDialog::activeProfileChanged);
    QCOMPARE(m_dialog->selectedProfile(), u"ci"_s);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: keychain"_s);

    // Cancel keeps everything.
    QTest::mouseClick(button(u"removeProfileButton"_s), Qt::LeftButton);
    auto *confirm = openedDialog<QMessageBox>(m_dialog, u"confirmRemoveDialog"_s);
    QVERIFY(confirm);
    confirm->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!confirm->isVisible());
    QCOMPARE(profileNames(list()), (QStringList{u"ci"_s, u"default"_s}));
    QVERIFY(m_keychain.holds(u"ci"_s, SecretKind::E2bApiKey));

    QTest::mouseClick(button(u"removeProfileButton"_s), Qt::LeftButton);
    confirm = openedDialog<QMessageBox>(m_dialog, u"confirmRemoveDialog"_s);
    QVERIFY(confirm);
    child<QPushButton>(confirm, u"confirmRemoveButton"_s)->click();
    QTRY_COMPARE(profileNames(list()), QStringList{u"default"_s});
    QVERIFY(!m_keychain.holds(u"ci"_s, SecretKind::E2bApiKey));
    QVERIFY(!m_keychain.holds(u"ci"_s, SecretKind::GitHubToken));
    QVERIFY(m_keychain.holds(u"default"_s, SecretKind::E2bApiKey)); // others untouched
    // It was the active one: the default takes over.
    QCOMPARE(active.count(), 1);
    QCOMPARE(active.first().first().toString(), u"default"_s);
    QCOMPARE(ProfileStore(*m_settings).activeName(), u"default"_s);
}

void tst_SettingsDialog::renameTakesSecretsAlong()
{
    ProfileStore profiles(*m_settings);
    Profile team;
    team.name = u"team-a"_s;
    QVERIFY_RESULT(profiles.add(team));
    auto saved = m_vault->save({u"team-a"_s, SecretKind::E2bApiKey}, E2bKey);
    QTRY_VERIFY(saved.isFinished());

    openDialog();
    m_dialog->selectProfile(u"team-a"_s);
    QCOMPARE(m_dialog->selectedProfile(), u"team-a"_s);
    QTest::mouseClick(button(u"renameProfileButton"_s), Qt::LeftButton);
    auto *name = openedDialog<QInputDialog>(m_dialog, u"profileNameDialog"_s);
    QVERIFY(name);
    name->setTextValue(u"team-b"_s);
    name->accept();
    QTRY_COMPARE(m_dialog->selectedProfile(), u"team-b"_s);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(m_keychain.holds(u"team-b"_s, SecretKind::E2bApiKey));
    QVERIFY(!m_keychain.holds(u"team-a"_s, SecretKind::E2bApiKey));
    QTRY_VERIFY(label(u"profileMessage"_s)->text().contains(u"went with it"_s));
}

void tst_SettingsDialog::defaultProfileCannotBeRemovedOrRenamed()
{
    openDialog();
    QCOMPARE(m_dialog->selectedProfile(), u"default"_s);
    QVERIFY(!button(u"removeProfileButton"_s)->isEnabled());
    QVERIFY(!button(u"renameProfileButton"_s)->isEnabled());
    QVERIFY(!button(u"activateProfileButton"_s)->isEnabled()); // already active
    QVERIFY(button(u"addProfileButton"_s)->isEnabled());

    QVERIFY_RESULT(ProfileStore(*m_settings).add(named(u"other"_s)));
    m_dialog->hide();
    m_dialog->show(); // shown again: reads the profiles again
    QCOMPARE(profileNames(list()).size(), 2);
    m_dialog->selectProfile(u"other"_s);
    QVERIFY(button(u"removeProfileButton"_s)->isEnabled());
    QVERIFY(button(u"renameProfileButton"_s)->isEnabled());
    m_dialog->selectProfile(u"default"_s);
    QVERIFY(!button(u"removeProfileButton"_s)->isEnabled());
}

void tst_SettingsDialog::makeActive()
{
    QVERIFY_RESULT(ProfileStore(*m_settings).add(named(u"other"_s)));
    openDialog();
    QSignalSpy active(m_dialog, &SettingsDialog::activeProfileChanged);
    m_dialog->selectProfile(u"other"_s);
    QVERIFY(button(u"activateProfileButton"_s)->isEnabled());
    QTest::mouseClick(button(u"activateProfileButton"_s), Qt::LeftButton);
    QCOMPARE(active.count(), 1);
    QCOMPARE(active.first().first().toString(), u"other"_s);
    QCOMPARE(ProfileStore(*m_settings).activeName(), u"other"_s);
    QVERIFY(list()->currentItem()->text().contains(u"active"_s));
    QCOMPARE(m_dialog->selectedProfile(), u"other"_s);
    QVERIFY(!button(u"activateProfileButton"_s)->isEnabled());
}

void tst_SettingsDialog::fieldsValidatedAsTyped_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("hint");

    QTest::newRow("domain ok") << u"e2bDomainField"_s << u"e2b.example.com"_s << true
                               << u"self-hosted"_s;
    QTest::newRow("domain bad") << u"e2bDomainField"_s << u"not a domain"_s << false
                                << u"not a valid E2B domain"_s;
    QTest::newRow("domain empty") << u"e2bDomainField"_s << QString() << false << u"Required"_s;
    QTest::newRow("api url empty") << u"e2bApiUrlField"_s << QString() << true << u"Optional"_s;
    QTest::newRow("api url ok") << u"e2bApiUrlField"_s << u"https://api.e2b.example.com"_s << true
                                << u"Optional"_s;
    QTest::newRow("api url ftp") << u"e2bApiUrlField"_s << u"ftp://api.example.com"_s << false
                                 << u"not a valid E2B API URL"_s;
    QTest::newRow("template bad") << u"defaultTemplateField"_s << u"my template"_s << false
                                  << u"not a valid template id"_s;
    QTest::newRow("template empty")
        << u"defaultTemplateField"_s << QString() << false << u"Required"_s;
    QTest::newRow("github empty = github.com")
        << u"githubApiUrlField"_s << QString() << true << u"api/v3"_s;
    QTest::newRow("github enterprise")
        << u"githubApiUrlField"_s << u"https://ghe.example.com/api/v3"_s << true << u"api/v3"_s;
    QTest::newRow("github with credentials")
        << u"githubApiUrlField"_s << u"https://x:ghp_abcdefghijklmnopqrstuvwx@ghe.example.com"_s
        << false << u"without credentials"_s;
    QTest::newRow("author name with <")
        << u"gitAuthorNameField"_s << u"Bot <x>"_s << false << u"may not contain"_s;
}

void tst_SettingsDialog::fieldsValidatedAsTyped()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, hint);

    openDialog();
    QVERIFY(button(u"okButton"_s)->isEnabled());
    QVERIFY(!button(u"applyButton"_s)->isEnabled()); // nothing to apply yet
    QLineEdit *editor = edit(field);
    QVERIFY(editor);
    editor->clear();
    QTest::keyClicks(editor, text);
    QCOMPARE(m_dialog->hasInvalidFields(), !valid);
    QCOMPARE(button(u"okButton"_s)->isEnabled(), valid);
    QLabel *hintLabel = label(field + u"Hint"_s);
    QVERIFY2(hintLabel->text().contains(hint), qPrintable(hintLabel->text()));
    QVERIFY(hintLabel->isVisible());
    // The hint turns red (or stays grey) with it.
    const QColor colour = hintLabel->palette().color(QPalette::WindowText);
    QCOMPARE(colour == hintLabel->palette().color(QPalette::PlaceholderText), valid);
    // A token typed into a URL is not echoed back in the hint.
    QVERIFY(!hintLabel->text().contains(u"ghp_abcdefghijklmnopqrstuvwx"_s));
    if (!valid) {
        QVERIFY(!button(u"applyButton"_s)->isEnabled());
        QVERIFY(!list()->isEnabled()); // the profile cannot be left half-edited
        // OK refuses; the dialog stays open, the stored profile unchanged.
        QTest::mouseClick(button(u"okButton"_s), Qt::LeftButton);
        QVERIFY(m_dialog->isVisible());
        QCOMPARE(ProfileStore(*m_settings).get(u"default"_s)->e2bDomain, u"e2b.app"_s);
    }
}

void tst_SettingsDialog::applyWritesTheProfile()
{
    openDialog();
    QSignalSpy updated(m_dialog, &SettingsDialog::profileUpdated);
    edit(u"e2bDomainField"_s)->clear();
    QTest::keyClicks(edit(u"e2bDomainField"_s), u"e2b.example.com"_s);
    QTest::keyClicks(edit(u"githubApiUrlField"_s), u"https://ghe.example.com/api/v3/"_s);
    edit(u"defaultTemplateField"_s)->clear();
    QTest::keyClicks(edit(u"defaultTemplateField"_s), u"python-3.12"_s);
    // Half an author is refused until the other half is there.
    QTest::keyClicks(edit(u"gitAuthorNameField"_s), u"Squad Bot"_s);
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    QVERIFY(label(u"gitAuthorEmailFieldHint"_s)->text().contains(u"Needed when a name is given"_s));
    QTest::keyClicks(edit(u"gitAuthorEmailField"_s), u"bot@example.com"_s);
    QVERIFY(button(u"applyButton"_s)->isEnabled());
    QTest::mouseClick(button(u"applyButton"_s), Qt::LeftButton);
    QCOMPARE(updated.count(), 1);
    QCOMPARE(updated.first().first().toString(), u"default"_s);
    auto stored = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(stored);
    QCOMPARE(stored->e2bDomain, u"e2b.example.com"_s);
    QCOMPARE(stored->githubApiUrl, u"https://ghe.example.com/api/v3"_s);
    QCOMPARE(stored->defaultTemplate, u"python-3.12"_s);
    QCOMPARE(stored->gitAuthorName, u"Squad Bot"_s);
    QCOMPARE(stored->gitAuthorEmail, u"bot@example.com"_s);
    QCOMPARE(stored->effectiveE2bApiUrl(), u"https://api.e2b.example.com"_s);
    QCOMPARE(edit(u"githubApiUrlField"_s)->text(), u"https://ghe.example.com/api/v3"_s);
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
}

void tst_SettingsDialog::placeholdersShowTheDefaults()
{
    openDialog();
    QCOMPARE(edit(u"e2bApiUrlField"_s)->placeholderText(), u"https://api.e2b.app"_s);
    edit(u"e2bDomainField"_s)->clear();
    QTest::keyClicks(edit(u"e2bDomainField"_s), u"sandbox.example.org"_s);
    QCOMPARE(edit(u"e2bApiUrlField"_s)->placeholderText(), u"https://api.sandbox.example.org"_s);
    QCOMPARE(edit(u"githubApiUrlField"_s)->placeholderText(), u"https://api.github.com"_s);
    QVERIFY(edit(u"githubApiUrlField"_s)->text().isEmpty()); // github.com is the default
    QVERIFY(label(u"githubApiUrlFieldHint"_s)->text().contains(u"https://HOST/api/v3"_s));
}

void tst_SettingsDialog::costRates_data()
{
    QTest::addColumn<QString>("typed");  // into the vCPU field
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("stored");

    QTest::newRow("decimal") << u"0.00002"_s << true << 0.00002;
    QTest::newRow("zero: free") << u"0"_s << true << 0.0;
    QTest::newRow("spaces around") << u" 0.5 "_s << true << 0.5;
    QTest::newRow("exponent") << u"1.5e-5"_s << true << 0.000015;
    QTest::newRow("empty: E2B's rate") << QString() << true << CostRates().vcpuPerSecond;
    QTest::newRow("negative") << u"-0.00001"_s << false << 0.0;
    QTest::newRow("words") << u"cheap"_s << false << 0.0;
    QTest::newRow("two points") << u"0.1.2"_s << false << 0.0;
    QTest::newRow("a dollar sign") << u"$0.01"_s << false << 0.0;
    QTest::newRow("infinite") << u"inf"_s << false << 0.0;
}

void tst_SettingsDialog::costRates()
{
    QFETCH(QString, typed);
    QFETCH(bool, valid);
    QFETCH(double, stored);

    // Stored rates of the profile's own, to see what a refusal leaves alone.
    Profile own = named(u"default"_s);
    own.costRates = {0.00003, 0.000001};
    {
        ProfileStore store(*m_settings);
        auto written = store.update(own);
        if (!written)
            written = store.add(own);
        QVERIFY_RESULT(written);
    }
    openDialog();
    QSignalSpy updated(m_dialog, &SettingsDialog::profileUpdated);
    QLineEdit *vcpu = edit(u"costVcpuField"_s);
    QLineEdit *gib = edit(u"costGibField"_s);
    QVERIFY(vcpu && gib);
    // E2B's published rates are the placeholders; the profile's own are shown.
    QCOMPARE(vcpu->placeholderText(), u"0.000014"_s);
    QCOMPARE(gib->placeholderText(), u"0.0000045"_s);
    QCOMPARE(vcpu->text(), u"0.00003"_s);
    QCOMPARE(gib->text(), u"0.000001"_s);

    vcpu->clear();
    QTest::keyClicks(vcpu, typed);
    QCOMPARE(m_dialog->hasInvalidFields(), !valid);
    QLabel *hint = label(u"costVcpuFieldHint"_s);
    m_dialog->apply();
    if (!valid) {
        // Refused with a reason under the field; nothing is written.
        QVERIFY2(hint->text().contains(u"Not a rate"_s), qPrintable(hint->text()));
        QVERIFY2(hint->text().contains(u"0.000014"_s), qPrintable(hint->text()));
        QVERIFY(!button(u"okButton"_s)->isEnabled());
        QVERIFY(!button(u"applyButton"_s)->isEnabled());
        m_dialog->accept();
        QVERIFY(m_dialog->isVisible());
        QCOMPARE(updated.count(), 0);
        auto kept = ProfileStore(*m_settings).get(u"default"_s);
        QVERIFY_RESULT(kept);
        QCOMPARE(kept->costRates, own.costRates);
        return;
    }
    QVERIFY2(!hint->text().contains(u"Not a rate"_s), qPrintable(hint->text()));
    QCOMPARE(updated.count(), 1);
    auto saved = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(saved);
    QCOMPARE(saved->costRates.vcpuPerSecond, stored);
    QCOMPARE(saved->costRates.gibPerSecond, 0.000001);  // untouched
    // Shown again as stored: E2B's rate as the empty field that stands for it.
    QCOMPARE(vcpu->text().isEmpty(), stored == CostRates().vcpuPerSecond);
    QVERIFY(!button(u"applyButton"_s)->isEnabled());

    // Emptied: back to E2B's published rate.
    gib->clear();
    m_dialog->apply();
    saved = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(saved);
    QCOMPARE(saved->costRates.gibPerSecond, CostRates().gibPerSecond);
}

void tst_SettingsDialog::savedSecretShowsKeychainAndIsNeverShown()
{
    openDialog();
    QSignalSpy secrets(m_dialog, &SettingsDialog::secretsChanged);
    QLineEdit *token = edit(u"githubTokenEdit"_s);
    QCOMPARE(token->echoMode(), QLineEdit::Password);
    QVERIFY(!button(u"githubTokenSaveButton"_s)->isEnabled());
    QVERIFY(!button(u"githubTokenClearButton"_s)->isEnabled()); // nothing saved yet
    QTest::keyClicks(token, GitHubToken);
    QVERIFY(button(u"githubTokenSaveButton"_s)->isEnabled());
    QVERIFY(button(u"applyButton"_s)->isEnabled());
    QVERIFY(label(u"githubTokenMessage"_s)->text().contains(u"Not saved yet"_s));

    QTest::mouseClick(button(u"githubTokenSaveButton"_s), Qt::LeftButton);
    QTRY_COMPARE(label(u"githubTokenSource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(token->text().isEmpty());
    QVERIFY(m_keychain.holds(u"default"_s, SecretKind::GitHubToken));
    QCOMPARE(secrets.count(), 1);
    QVERIFY(button(u"githubTokenClearButton"_s)->isEnabled());
    QVERIFY(label(u"githubTokenMessage"_s)->text().contains(u"keychain"_s));

    // Not even through Undo, shown.
    child<QToolButton>(m_dialog, u"githubTokenShowButton"_s)->click();
    token->undo();
    QVERIFY(token->text().isEmpty());
    child<QToolButton>(m_dialog, u"githubTokenShowButton"_s)->click();

    // Nowhere: not in a label, a field, a tooltip — nor in the settings file.
    QVERIFY(!showsText(m_dialog, GitHubToken));
    QVERIFY(!showsText(m_dialog, GitHubToken.mid(4, 12)));
    QVERIFY(!settingsFileText().contains(GitHubToken));

    // Shown again, the dialog still says only where it comes from.
    m_dialog->hide();
    m_dialog->show();
    QTRY_COMPARE(label(u"githubTokenSource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(!showsText(m_dialog, GitHubToken));
}

void tst_SettingsDialog::showToggleUnmasksTypedText()
{
    openDialog();
    QLineEdit *key = edit(u"e2bApiKeyEdit"_s);
    auto *toggle = child<QToolButton>(m_dialog, u"e2bApiKeyShowButton"_s);
    QVERIFY(toggle);
    QTest::keyClicks(key, E2bKey);
    QVERIFY(key->displayText() != E2bKey);
    toggle->click();
    QCOMPARE(key->echoMode(), QLineEdit::Normal);
    QCOMPARE(key->displayText(), E2bKey);
    toggle->click();
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    // After saving the toggle falls back to hidden.
    toggle->click();
    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    QTRY_VERIFY(key->text().isEmpty());
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    QVERIFY(!toggle->isChecked());
}

void tst_SettingsDialog::formatWarningDoesNotBlockSaving()
{
    openDialog();
    QLineEdit *key = edit(u"e2bApiKeyEdit"_s);
    QTest::keyClicks(key, u"sk-not-an-e2b-key"_s);
    QLabel *message = label(u"e2bApiKeyMessage"_s);
    QVERIFY(message->isVisible());
    QVERIFY2(message->text().contains(u"e2b_"_s), qPrintable(message->text()));
    QVERIFY(message->text().contains(u"can still be saved"_s));
    QVERIFY(!message->text().contains(u"sk-not-an-e2b-key"_s));
    QVERIFY(button(u"e2bApiKeySaveButton"_s)->isEnabled());
    QVERIFY(button(u"okButton"_s)->isEnabled());

    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(m_keychain.holds(u"default"_s, SecretKind::E2bApiKey));

    // A good token: no warning.
    QTest::keyClicks(edit(u"githubTokenEdit"_s), GitHubToken);
    QVERIFY(!label(u"githubTokenMessage"_s)->text().contains(u"start with"_s));
    edit(u"githubTokenEdit"_s)->clear();
    QTest::keyClicks(edit(u"githubTokenEdit"_s), u"token123"_s);
    QVERIFY(label(u"githubTokenMessage"_s)->text().contains(u"ghp_"_s));
}

void tst_SettingsDialog::environmentOverrideIsShown()
{
    m_env.insert("E2B_API_KEY", E2bKey);
    openDialog();
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: environment"_s);
    QLabel *note = label(u"e2bApiKeyNote"_s);
    QVERIFY(note->isVisible());
    QVERIFY(note->text().contains(u"E2B_API_KEY"_s));
    QCOMPARE(label(u"githubTokenSource"_s)->text(), u"Source: none"_s);
    QVERIFY(!label(u"githubTokenNote"_s)->isVisible());
    QVERIFY(!showsText(m_dialog, E2bKey));

    // Saving still goes to the keychain; the environment still wins, and the dialog says so.
    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), u"e2b_ffffffffffffffffffff"_s);
    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    QTRY_VERIFY(m_keychain.holds(u"default"_s, SecretKind::E2bApiKey));
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: environment"_s);
    QVERIFY(note->isVisible());
}

void tst_SettingsDialog::clearAsksAndRemoves()
{
    auto saved = m_vault->save({u"default"_s, SecretKind::GitHubToken}, GitHubToken);
    QTRY_VERIFY(saved.isFinished());
    openDialog();
    QSignalSpy secrets(m_dialog, &SettingsDialog::secretsChanged);
    QTRY_COMPARE(label(u"githubTokenSource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(button(u"githubTokenClearButton"_s)->isEnabled());
    QTest::mouseClick(button(u"githubTokenClearButton"_s), Qt::LeftButton);
    auto *confirm = openedDialog<QMessageBox>(m_dialog, u"confirmClearDialog"_s);
    QVERIFY(confirm);
    child<QPushButton>(confirm, u"confirmClearButton"_s)->click();
    QTRY_COMPARE(label(u"githubTokenSource"_s)->text(), u"Source: none"_s);
    QVERIFY(!m_keychain.holds(u"default"_s, SecretKind::GitHubToken));
    QCOMPARE(secrets.count(), 1);
    QVERIFY(!button(u"githubTokenClearButton"_s)->isEnabled());
}

void tst_SettingsDialog::appKeyLoadsFromFile()
{
    const QString path = m_dir->filePath(u"app.pem"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_appKeys.privatePem);
    }
    openDialog();
    QTest::mouseClick(button(u"githubAppKeyLoadButton"_s), Qt::LeftButton);
    auto *files = openedDialog<QFileDialog>(m_dialog, u"secretFileDialog"_s);
    QVERIFY(files);
    Q_EMIT files->fileSelected(path);
    files->reject();
    QLineEdit *key = edit(u"githubAppKeyEdit"_s);
    QCOMPARE(key->echoMode(), QLineEdit::Password);
    QVERIFY(!key->text().isEmpty());
    QVERIFY(label(u"githubAppKeyMessage"_s)->text().contains(u"app.pem"_s));
    QTest::mouseClick(button(u"githubAppKeySaveButton"_s), Qt::LeftButton);
    QTRY_COMPARE(label(u"githubAppKeySource"_s)->text(), u"Source: keychain"_s);
    // The PEM keeps its lines.
    auto resolved = m_vault->resolve({u"default"_s, SecretKind::GitHubAppKey});
    QTRY_VERIFY(resolved.isFinished());
    QCOMPARE(resolved.result()->value, QString::fromUtf8(m_appKeys.privatePem));
    const QList<QByteArray> lines = m_appKeys.privatePem.split('\n');
    QVERIFY(!showsText(m_dialog, QString::fromLatin1(lines.at(1))));
}

void tst_SettingsDialog::brokenAppKeyIsRefused()
{
    openDialog();
    QLineEdit *key = edit(u"githubAppKeyEdit"_s);
    QLabel *message = label(u"githubAppKeyMessage"_s);
    const QColor errorTone = errorColour(message->palette());

    // Pasted: said at once, and nothing takes it — Save, Enter, Apply, OK, leaving the profile.
    key->setFocus();
    key->insert(BrokenAppKey);
    QVERIFY2(message->text().contains(u"could not sign"_s), qPrintable(message->text()));
    QVERIFY(message->text().contains(u"cannot be saved"_s));
    QCOMPARE(message->palette().color(QPalette::WindowText), errorTone);
    QVERIFY(!button(u"githubAppKeySaveButton"_s)->isEnabled());
    QVERIFY(!button(u"okButton"_s)->isEnabled());
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    QVERIFY(!list()->isEnabled());
    QTest::keyClick(key, Qt::Key_Return);
    m_dialog->apply();
    m_dialog->accept();
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(m_dialog->focusWidget(), key); // OK leads to what holds it up
    // Not a PEM key at all.
    key->setText(u"hello"_s);
    QVERIFY2(message->text().contains(u"not a PEM private key"_s), qPrintable(message->text()));
    QVERIFY(!button(u"githubAppKeySaveButton"_s)->isEnabled());
    // Cleared, the dialog is free again.
    key->setText(QString());
    QVERIFY(button(u"okButton"_s)->isEnabled());
    QVERIFY(list()->isEnabled());

    // From a file: refused before it reaches the field.
    const QString path = m_dir->filePath(u"broken.pem"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(BrokenAppKey.toUtf8());
    }
    QTest::mouseClick(button(u"githubAppKeyLoadButton"_s), Qt::LeftButton);
    auto *files = openedDialog<QFileDialog>(m_dialog, u"secretFileDialog"_s);
    QVERIFY(files);
    Q_EMIT files->fileSelected(path);
    files->reject();
    QVERIFY(key->text().isEmpty());
    QVERIFY2(message->text().contains(u"broken.pem was not loaded"_s), qPrintable(message->text()));
    QCOMPARE(message->palette().color(QPalette::WindowText), errorTone);

    m_dialog->apply();
    QTRY_COMPARE(label(u"githubAppKeySource"_s)->text(), u"Source: none"_s);
    QCOMPARE(m_keychain.writes, 0);
    QVERIFY(!m_keychain.holds(u"default"_s, SecretKind::GitHubAppKey));
    QVERIFY(!showsText(m_dialog, u"MIIEpQIBAAKCAQEAtestkeytestkey"_s));
}

void tst_SettingsDialog::githubAppFieldsRoundTrip()
{
    openDialog();
    QLineEdit *clientId = edit(u"githubAppClientIdField"_s);
    QLineEdit *installationId = edit(u"githubAppInstallationIdField"_s);
    QVERIFY(clientId && installationId);
    QVERIFY(clientId->text().isEmpty() && installationId->text().isEmpty());
    QVERIFY(!clientId->placeholderText().isEmpty() && !installationId->placeholderText().isEmpty());
    QVERIFY(clientId->toolTip().contains(u"client ID"_s));
    QVERIFY(clientId->toolTip().contains(u"numeric app ID"_s));
    QVERIFY(installationId->toolTip().contains(u"settings URL"_s));

    QTest::keyClicks(clientId, AppClientId);
    QTest::keyClicks(installationId, u" 12345678 "_s);
    QVERIFY(!m_dialog->hasInvalidFields());
    QVERIFY(button(u"applyButton"_s)->isEnabled());
    QTest::mouseClick(button(u"applyButton"_s), Qt::LeftButton);
    auto stored = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(stored);
    QCOMPARE(stored->githubAppClientId, AppClientId);
    QCOMPARE(stored->githubAppInstallationId, u"12345678"_s);
    QVERIFY(stored->usesGitHubApp());
    QCOMPARE(installationId->text(), u"12345678"_s); // shown as stored
    QVERIFY(!button(u"applyButton"_s)->isEnabled());

    // Opened again, the dialog shows them; emptied, the profile goes back to its token.
    m_tester.reset();
    delete m_dialog;
    m_dialog = nullptr;
    openDialog();
    QCOMPARE(edit(u"githubAppClientIdField"_s)->text(), AppClientId);
    QCOMPARE(edit(u"githubAppInstallationIdField"_s)->text(), u"12345678"_s);
    edit(u"githubAppClientIdField"_s)->clear();
    QVERIFY(m_dialog->hasInvalidFields()); // half an app
    edit(u"githubAppInstallationIdField"_s)->clear();
    QVERIFY(!m_dialog->hasInvalidFields());
    QTest::mouseClick(button(u"okButton"_s), Qt::LeftButton);
    QVERIFY(!m_dialog->isVisible());
    stored = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(stored);
    QVERIFY(stored->githubAppClientId.isEmpty());
    QVERIFY(stored->githubAppInstallationId.isEmpty());
    QVERIFY(!stored->usesGitHubApp());
}

void tst_SettingsDialog::githubAppFieldsRefuseBadInput_data()
{
    QTest::addColumn<QString>("clientId");
    QTest::addColumn<QString>("installationId");
    QTest::addColumn<QString>("wrongField");
    QTest::addColumn<QString>("hint");

    QTest::newRow("client ID alone")
        << AppClientId << QString() << u"githubAppInstallationIdField"_s
        << u"Needed when a client ID is given"_s;
    QTest::newRow("installation ID alone")
        << QString() << u"12345678"_s << u"githubAppClientIdField"_s
        << u"Needed when an installation ID is given"_s;
    QTest::newRow("letters in the installation ID")
        << AppClientId << u"12ab34"_s << u"githubAppInstallationIdField"_s
        << u"not a GitHub App installation ID"_s;
    QTest::newRow("space in the client ID")
        << u"Iv23 li"_s << u"12345678"_s << u"githubAppClientIdField"_s
        << u"not a GitHub App client ID"_s;
    QTest::newRow("a token as the client ID")
        << GitHubToken << u"12345678"_s << u"githubAppClientIdField"_s << u"looks like a token"_s;
}

void tst_SettingsDialog::githubAppFieldsRefuseBadInput()
{
    QFETCH(QString, clientId);
    QFETCH(QString, installationId);
    QFETCH(QString, wrongField);
    QFETCH(QString, hint);

    openDialog();
    QSignalSpy updated(m_dialog, &SettingsDialog::profileUpdated);
    const QString fields[] = {u"githubAppClientIdField"_s, u"githubAppInstallationIdField"_s};
    QTest::keyClicks(edit(fields[0]), clientId);
    QTest::keyClicks(edit(fields[1]), installationId);
    QVERIFY(m_dialog->hasInvalidFields());
    for (const QString &field : fields) {
        // Each hint says what its own field lacks; the other one stays as it was.
        QLabel *hintLabel = label(field + u"Hint"_s);
        const bool wrong = field == wrongField;
        QCOMPARE(hintLabel->palette().color(QPalette::WindowText)
                     == hintLabel->palette().color(QPalette::PlaceholderText),
                 !wrong);
        if (wrong)
            QVERIFY2(hintLabel->text().contains(hint), qPrintable(hintLabel->text()));
        QVERIFY(!hintLabel->text().contains(GitHubToken));
    }
    QVERIFY(!button(u"okButton"_s)->isEnabled());
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    QVERIFY(!list()->isEnabled());
    m_dialog->apply();
    m_dialog->accept();
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(updated.count(), 0);
    auto stored = ProfileStore(*m_settings).get(u"default"_s);
    QVERIFY_RESULT(stored);
    QVERIFY(stored->githubAppClientId.isEmpty());
    QVERIFY(stored->githubAppInstallationId.isEmpty());
    const QString file = settingsFileText();
    QVERIFY(!file.contains(u"githubApp"_s));
    QVERIFY(!file.contains(GitHubToken));
}

void tst_SettingsDialog::githubTokenTestSaysWhoItIs()
{
    squad::test::LoopbackHttpServer server;
    squad::test::FakeGitHub github(server);
    github.addToken(GitHubToken, u"octocat"_s, QStringList{u"repo"_s, u"read:org"_s});
    openDialog();
    edit(u"githubApiUrlField"_s)->setText(github.apiUrl());
    QVERIFY(!m_dialog->hasInvalidFields()); // http on loopback is a valid API URL
    QPushButton *test = button(u"githubTokenTestButton"_s);
    QVERIFY(test);
    QLabel *message = label(u"githubTokenMessage"_s);

    // Nothing saved: said at once, nothing sent.
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(message->text().contains(u"no saved GitHub token"_s));
    QVERIFY(github.seen().isEmpty());
    QVERIFY(test->isEnabled());

    auto saved = m_vault->save({u"default"_s, SecretKind::GitHubToken}, GitHubToken);
    QTRY_VERIFY(saved.isFinished());
    QTest::mouseClick(test, Qt::LeftButton);
    QVERIFY(!test->isEnabled()); // one test at a time
    QTRY_VERIFY2(message->text().contains(u"classic token of octocat"_s),
                 qPrintable(message->text()));
    QVERIFY(message->text().contains(u"(scopes: repo, read:org)"_s));
    QVERIFY2(message->text().contains(u"4999 of 5000 requests left this hour"_s)
                 || message->text().contains(u"4,999 of 5,000 requests left this hour"_s),
             qPrintable(message->text()));
    QCOMPARE(message->palette().color(QPalette::WindowText),
             message->palette().color(QPalette::PlaceholderText));
    QVERIFY(test->isEnabled());
    QCOMPARE(github.seen().size(), 1);
    QCOMPARE(github.seen().first().apiPath, QByteArray("/user"));
    QCOMPARE(github.seen().first().authorization, "Bearer " + GitHubToken.toUtf8());
    // The field as typed is what was tested: nothing was saved by testing.
    QCOMPARE(ProfileStore(*m_settings).get(u"default"_s)->githubApiUrl,
             u"https://api.github.com"_s);

    // GITHUB_API_URL wins over the field, as it does for squadctl.
    edit(u"githubApiUrlField"_s)->setText(u"https://ghe.invalid/api/v3"_s);
    qputenv("GITHUB_API_URL", github.apiUrl().toUtf8());
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(test->isEnabled());
    QVERIFY2(message->text().contains(u"classic token of octocat"_s), qPrintable(message->text()));
    QCOMPARE(github.seen().size(), 2);
    qunsetenv("GITHUB_API_URL");
    edit(u"githubApiUrlField"_s)->setText(github.apiUrl());

    // A token GitHub does not know: its 401, in the error tone, without the token.
    const QString revoked = u"ghp_REVOKEDrevokedREVOKEDrevoked1234"_s;
    saved = m_vault->save({u"default"_s, SecretKind::GitHubToken}, revoked);
    QTRY_VERIFY(saved.isFinished());
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(test->isEnabled());
    QVERIFY2(message->text().contains(u"rejected the token (401"_s), qPrintable(message->text()));
    QCOMPARE(message->palette().color(QPalette::WindowText), errorColour(message->palette()));
    QVERIFY(!showsText(m_dialog, revoked));
    QVERIFY(!showsText(m_dialog, GitHubToken));
}

void tst_SettingsDialog::githubAppTestShowsTheInstallation()
{
    squad::test::LoopbackHttpServer server;
    squad::test::FakeGitHub github(server);
    github.setApp(AppClientId, m_appKeys.publicPem, u"4242"_s, u"octo-org"_s,
                  QJsonObject{{u"contents"_s, u"write"_s}, {u"pull_requests"_s, u"write"_s}});
    github.addRepo(u"octo-org"_s, u"widgets"_s);
    auto saved = m_vault->save({u"default"_s, SecretKind::GitHubAppKey},
                               QString::fromUtf8(m_appKeys.privatePem));
    QTRY_VERIFY(saved.isFinished());
    openDialog();
    edit(u"githubApiUrlField"_s)->setText(github.apiUrl());
    QPushButton *test = button(u"githubAppKeyTestButton"_s);
    QVERIFY(test);
    QLabel *message = label(u"githubAppKeyMessage"_s);

    // Without the app's IDs there is nothing to test.
    QTest::mouseClick(test, Qt::LeftButton);
    QVERIFY2(message->text().contains(u"Fill in the GitHub App client ID"_s),
             qPrintable(message->text()));
    QVERIFY(github.seen().isEmpty());

    // Typed, not applied: the test uses the fields as they are now.
    QTest::keyClicks(edit(u"githubAppClientIdField"_s), AppClientId);
    QTest::keyClicks(edit(u"githubAppInstallationIdField"_s), u"4242"_s);
    QTest::mouseClick(test, Qt::LeftButton);
    QVERIFY(!test->isEnabled());
    QTRY_VERIFY2(message->text().contains(u"GitHub accepted the GitHub App installation"_s),
                 qPrintable(message->text()));
    QVERIFY2(message->text().contains(u"(permissions: contents=write, pull_requests=write)"_s),
             qPrintable(message->text()));
    QVERIFY(message->text().contains(u"octo-org"_s));
    QVERIFY(message->text().contains(u"its token is valid until"_s));
    QVERIFY(test->isEnabled());
    QCOMPARE(github.installationTokensIssued(), 1);
    QVERIFY(github.lastJwt());
    QCOMPARE(github.lastJwt()->iss, AppClientId);
    QVERIFY(github.lastJwt()->signatureValid);
    QVERIFY(ProfileStore(*m_settings).get(u"default"_s)->githubAppClientId.isEmpty()); // not saved

    // Another installation: GitHub's 404, as an error.
    edit(u"githubAppInstallationIdField"_s)->setText(u"999"_s);
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(test->isEnabled());
    QCOMPARE(message->palette().color(QPalette::WindowText), errorColour(message->palette()));
    QVERIFY(!message->text().contains(u"accepted"_s));
    QVERIFY(!showsText(m_dialog, QString::fromLatin1(m_appKeys.privatePem.split('\n').at(1))));
}

void tst_SettingsDialog::githubTestOfAProfileLeftBehindIsDropped()
{
    squad::test::LoopbackHttpServer server;
    squad::test::FakeGitHub github(server);
    github.addToken(GitHubToken, u"octocat"_s, QStringList{u"repo"_s});
    // GitHub is slow to answer this one.
    github.failNext(
        "GET", u"/user"_s,
        squad::test::HttpResponse::json(200, QJsonObject{{u"login"_s, u"stale"_s}}).delayed(300));
    QVERIFY_RESULT(ProfileStore(*m_settings).add(named(u"other"_s)));
    auto saved = m_vault->save({u"default"_s, SecretKind::GitHubToken}, GitHubToken);
    QTRY_VERIFY(saved.isFinished());
    qputenv("GITHUB_API_URL", github.apiUrl().toUtf8());
    openDialog();
    QPushButton *test = button(u"githubTokenTestButton"_s);
    QLabel *message = label(u"githubTokenMessage"_s);

    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_COMPARE(m_dialog->findChildren<GitHubApi *>().size(), 1); // asked
    m_dialog->selectProfile(u"other"_s);
    QVERIFY(test->isEnabled());
    QVERIFY(message->text().isEmpty());
    m_dialog->selectProfile(u"default"_s);
    QVERIFY(test->isEnabled());
    // The answer comes, and goes nowhere.
    QTRY_COMPARE(m_dialog->findChildren<GitHubApi *>().size(), 0);
    QVERIFY(!showsText(m_dialog, u"stale"_s));
    QVERIFY(message->text().isEmpty());
    QCOMPARE(github.seen().size(), 1);

    // A test started now answers as usual.
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY2(message->text().contains(u"classic token of octocat"_s),
                 qPrintable(message->text()));
}

void tst_SettingsDialog::enterInSecretFieldSavesWithoutClosing()
{
    openDialog();
    QSignalSpy finished(m_dialog, &QDialog::finished);
    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), E2bKey);
    QTest::keyClick(edit(u"e2bApiKeyEdit"_s), Qt::Key_Return);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(finished.count(), 0);
    // In an empty field Enter is OK's again.
    QTest::keyClick(edit(u"e2bApiKeyEdit"_s), Qt::Key_Return);
    QTRY_COMPARE(finished.count(), 1);
}

void tst_SettingsDialog::okSavesTypedSecretsThenCloses()
{
    openDialog();
    QSignalSpy finished(m_dialog, &QDialog::finished);
    QTest::keyClicks(edit(u"githubTokenEdit"_s), GitHubToken);
    QTest::mouseClick(button(u"okButton"_s), Qt::LeftButton);
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(finished.first().first().toInt(), int(QDialog::Accepted));
    QVERIFY(m_keychain.holds(u"default"_s, SecretKind::GitHubToken));
}

void tst_SettingsDialog::leavingAProfileKeepsWhatWasTyped()
{
    QVERIFY_RESULT(ProfileStore(*m_settings).add(named(u"other"_s)));
    openDialog();
    QCOMPARE(m_dialog->selectedProfile(), u"default"_s);
    edit(u"defaultTemplateField"_s)->clear();
    QTest::keyClicks(edit(u"defaultTemplateField"_s), u"node-20"_s);
    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), E2bKey);
    m_dialog->selectProfile(u"other"_s);
    QCOMPARE(m_dialog->selectedProfile(), u"other"_s);
    QTRY_VERIFY(m_keychain.holds(u"default"_s, SecretKind::E2bApiKey));
    QVERIFY(!m_keychain.holds(u"other"_s, SecretKind::E2bApiKey));
    QCOMPARE(ProfileStore(*m_settings).get(u"default"_s)->defaultTemplate, u"node-20"_s);
    QVERIFY(edit(u"e2bApiKeyEdit"_s)->text().isEmpty());
    QCOMPARE(edit(u"defaultTemplateField"_s)->text(), u"base"_s);
}

void tst_SettingsDialog::noKeychainShowsBannerAndMemory()
{
    m_keychain.available = false;
    openDialog();
    auto *banner = child<QWidget>(m_dialog, u"keychainBanner"_s);
    QTRY_VERIFY(banner->isVisible());
    const QString bannerText = label(u"keychainBannerText"_s)->text();
    QVERIFY2(bannerText.contains(u"memory for this run only"_s), qPrintable(bannerText));
    QVERIFY(bannerText.contains(u"Secret Service"_s)); // what to install
    QCOMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: none"_s);

    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), E2bKey);
    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: memory (this run only)"_s);
    QVERIFY(label(u"e2bApiKeyMessage"_s)->text().contains(u"this run only"_s));
    QVERIFY(edit(u"e2bApiKeyEdit"_s)->text().isEmpty());
    QVERIFY(!showsText(m_dialog, E2bKey));
    QVERIFY(!settingsFileText().contains(E2bKey));

    // A dialog opened later in the same run shows the banner at once.
    m_tester.reset();
    delete m_dialog;
    m_dialog = nullptr;
    openDialog();
    QVERIFY(child<QWidget>(m_dialog, u"keychainBanner"_s)->isVisible());
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: memory (this run only)"_s);
}

void tst_SettingsDialog::staysResponsiveAndSurvivesClosingWhileSaving()
{
    m_keychain.holdWrites = true;
    openDialog();
    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), E2bKey);
    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    // Under way: the row waits, the rest of the dialog works.
    QVERIFY(label(u"e2bApiKeyMessage"_s)->text().contains(u"Saving"_s));
    QVERIFY(!button(u"e2bApiKeySaveButton"_s)->isEnabled());
    QVERIFY(edit(u"e2bApiKeyEdit"_s)->isReadOnly());
    QTest::keyClicks(edit(u"githubTokenEdit"_s), GitHubToken);
    QVERIFY(button(u"githubTokenSaveButton"_s)->isEnabled());
    QVERIFY(list()->isEnabled());
    m_keychain.releaseWrites();
    QTRY_COMPARE(label(u"e2bApiKeySource"_s)->text(), u"Source: keychain"_s);
    QVERIFY(!edit(u"e2bApiKeyEdit"_s)->isReadOnly());

    // OK with a save still pending closes only when it is done.
    QSignalSpy finished(m_dialog, &QDialog::finished);
    QTest::mouseClick(button(u"okButton"_s), Qt::LeftButton);
    QVERIFY(m_dialog->isVisible());
    QVERIFY(!button(u"okButton"_s)->isEnabled());
    m_keychain.releaseWrites();
    QTRY_COMPARE(finished.count(), 1);

    // Deleted while a save is pending: the save completes, nothing touches the dialog.
    m_tester.reset();
    delete m_dialog;
    m_dialog = nullptr;
    openDialog();
    QTest::keyClicks(edit(u"e2bApiKeyEdit"_s), u"e2b_aaaaaaaaaaaaaaaaaaaa"_s);
    QTest::mouseClick(button(u"e2bApiKeySaveButton"_s), Qt::LeftButton);
    m_tester.reset();
    delete m_dialog;
    m_dialog = nullptr;
    const int writes = m_keychain.writes;
    m_keychain.releaseWrites();
    QCoreApplication::processEvents();
    QCOMPARE(m_keychain.writes, writes);
    auto resolved = m_vault->resolve({u"default"_s, SecretKind::E2bApiKey});
    QTRY_VERIFY(resolved.isFinished());
    QCOMPARE(resolved.result()->value, u"e2b_aaaaaaaaaaaaaaaaaaaa"_s);
}

void tst_SettingsDialog::generalSettingsWritten()
{
    m_settings->setValue(SettingsDialog::RefreshIntervalKey, 10000);
    openDialog();
    QSignalSpy interval(m_dialog, &SettingsDialog::refreshIntervalChanged);
    QSignalSpy cleanup(m_dialog, &SettingsDialog::cleanupSettingsChanged);
    m_dialog->showGeneralPage();
    auto *combo = child<QComboBox>(m_dialog, u"refreshIntervalCombo"_s);
    auto *age = child<QSpinBox>(m_dialog, u"cleanupAgeSpin"_s);
    auto *every = child<QSpinBox>(m_dialog, u"cleanupIntervalSpin"_s);
    QCOMPARE(combo->currentData().toInt(), 10000);
    QCOMPARE(age->value(), 24);
    QCOMPARE(every->value(), 6);
    QStringList items;
    for (int i = 0; i < combo->count(); ++i)
        items << combo->itemText(i);
    QCOMPARE(items, (QStringList{u"Off"_s, u"Every 2 s"_s, u"Every 5 s"_s, u"Every 10 s"_s,
                                 u"Every 30 s"_s, u"Every 60 s"_s}));

    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    combo->setCurrentIndex(combo->findData(30000));
    age->setValue(48);
    every->setValue(12);
    QVERIFY(button(u"applyButton"_s)->isEnabled());
    QVERIFY(interval.isEmpty()); // nothing until applied
    QTest::mouseClick(button(u"applyButton"_s), Qt::LeftButton);
    QCOMPARE(interval.count(), 1);
    QCOMPARE(interval.first().first().toInt(), 30000);
    QCOMPARE(cleanup.count(), 1);
    QCOMPARE(cleanup.first().at(0).toInt(), 48);
    QCOMPARE(cleanup.first().at(1).toInt(), 12);

    // The keys the main window and the cleanup read, in the settings file itself.
    QSettings reread(m_settings->fileName(), QSettings::IniFormat);
    QCOMPARE(reread.value(u"mainWindow/refreshIntervalMs"_s).toInt(), 30000);
    QCOMPARE(reread.value(u"cleanup/ageHours"_s).toInt(), 48);
    QCOMPARE(reread.value(u"cleanup/intervalHours"_s).toInt(), 12);

    // Off, through OK.
    combo->setCurrentIndex(combo->findData(0));
    QTest::mouseClick(button(u"okButton"_s), Qt::LeftButton);
    QCOMPARE(interval.count(), 2);
    QCOMPARE(interval.last().first().toInt(), 0);
    QCOMPARE(m_settings->value(u"mainWindow/refreshIntervalMs"_s).toInt(), 0);
    QVERIFY(!m_dialog->isVisible());
}

void tst_SettingsDialog::warmPoolSettingsWritten()
{
    openDialog();
    m_dialog->showGeneralPage();
    auto *size = child<QSpinBox>(m_dialog, u"poolSizeSpin"_s);
    auto *others = child<QLineEdit>(m_dialog, u"poolOtherSizesEdit"_s);
    auto *keep = child<QCheckBox>(m_dialog, u"poolKeepCheck"_s);
    // Off by default.
    QCOMPARE(size->value(), 0);
    QCOMPARE(size->text(), u"Off"_s);
    QVERIFY(others->text().isEmpty());
    QVERIFY(!keep->isChecked());
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    // A malformed size list is not saved.
    others->setText(u"python"_s);
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
    others->setText(u"python=2"_s);
    size->setValue(3);
    keep->setChecked(true);
    QVERIFY(button(u"applyButton"_s)->isEnabled());
    QTest::mouseClick(button(u"applyButton"_s), Qt::LeftButton);
    QSettings reread(m_settings->fileName(), QSettings::IniFormat);
    QCOMPARE(reread.value(u"pool/size"_s).toInt(), 3);
    QCOMPARE(reread.value(u"pool/otherSizes"_s).toString(), u"python=2"_s);
    QCOMPARE(reread.value(u"pool/keepOnExit"_s).toBool(), true);
    QVERIFY(!button(u"applyButton"_s)->isEnabled());
}

void tst_SettingsDialog::keyboardReachable()
{
    openDialog();
    // Every label that names a field has a mnemonic and leads to something that takes focus.
    const QList<QLabel *> labels = m_dialog->findChildren<QLabel *>();
    int withBuddy = 0;
    for (QLabel *l : labels) {
        if (!l->buddy())
            continue;
        ++withBuddy;
        QVERIFY2(l->text().contains(u'&'), qPrintable(l->text()));
        QWidget *target = l->buddy()->focusProxy() ? l->buddy()->focusProxy() : l->buddy();
        QVERIFY2(target->focusPolicy() & Qt::TabFocus, qPrintable(l->text()));
    }
    QCOMPARE(withBuddy, 20);
    // The Tab chain runs through the page in reading order and on to the buttons.
    QList<QWidget *> chain;
    QWidget *w = list();
    do {
        if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus))
            chain << w;
        w = w->nextInFocusChain();
    } while (w != list() && chain.size() < 200);
    const QStringList expected = {u"profileList"_s,
                                  u"addProfileButton"_s,
                                  u"e2bDomainField"_s,
                                  u"e2bApiUrlField"_s,
                                  u"defaultTemplateField"_s,
                                  u"githubApiUrlField"_s,
                                  u"githubAppClientIdField"_s,
                                  u"githubAppInstallationIdField"_s,
                                  u"gitAuthorNameField"_s,
                                  u"gitAuthorEmailField"_s,
                                  u"costVcpuField"_s,
                                  u"costGibField"_s,
                                  u"e2bApiKeyEdit"_s,
                                  u"e2bApiKeyShowButton"_s,
                                  u"e2bApiKeyTestButton"_s,
                                  u"githubTokenEdit"_s,
                                  u"githubTokenTestButton"_s,
                                  u"githubAppKeyEdit"_s,
                                  u"githubAppKeyLoadButton"_s,
                                  u"githubAppKeyTestButton"_s,
                                  u"okButton"_s,
                                  u"closeButton"_s};
    qsizetype last = -1;
    for (const QString &name : expected) {
        qsizetype at = -1;
        for (qsizetype i = 0; i < chain.size(); ++i) {
            if (chain.at(i)->objectName() == name)
                at = i;
        }
        QVERIFY2(at > last, qPrintable(name));
        last = at;
    }

    // The mnemonics and Tab work (keys need an active window, which a bare X server without a
    // window manager does not give).
    QApplication::setActiveWindow(m_dialog);
    if (!QTest::qWaitForWindowActive(m_dialog))
        QSKIP("The dialog's window could not be activated");
    QTest::keyClick(m_dialog, Qt::Key_D, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), edit(u"e2bDomainField"_s));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_COMPARE(QApplication::focusWidget(), edit(u"e2bApiUrlField"_s));
    QTest::keyClick(m_dialog, Qt::Key_K, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), edit(u"e2bApiKeyEdit"_s));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QTRY_COMPARE(QApplication::focusWidget(), child<QWidget>(m_dialog, u"e2bApiKeyShowButton"_s));
    QTest::keyClick(m_dialog, Qt::Key_G, Qt::AltModifier);
    QTRY_COMPARE(child<QTabWidget>(m_dialog, u"settingsTabs"_s)->currentIndex(), 1);
    QTest::keyClick(m_dialog, Qt::Key_O, Qt::AltModifier);
    QTRY_COMPARE(QApplication::focusWidget(), child<QWidget>(m_dialog, u"cleanupAgeSpin"_s));
    QTest::keyClick(m_dialog, Qt::Key_P, Qt::AltModifier);
    QTRY_COMPARE(child<QTabWidget>(m_dialog, u"settingsTabs"_s)->currentIndex(), 0);
}

void tst_SettingsDialog::escapeCloses()
{
    openDialog();
    QSignalSpy rejected(m_dialog, &QDialog::rejected);
    QTest::keyClick(m_dialog, Qt::Key_Escape);
    QCOMPARE(rejected.count(), 1);
    QVERIFY(!m_dialog->isVisible());
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
