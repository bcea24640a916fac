// SPDX-License-Identifier: MIT
#pragma once

#include "accounts/profilestore.h"
#include "secrets/secretstore.h"
#include "secrets/secretvault.h"

#include <QDialog>
#include <QLatin1String>
#include <QSet>

#include <array>
#include <functional>
#include <vector>

class QComboBox;
class QDialogButtonBox;
class QFrame;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSettings;
class QSpinBox;
class QTabWidget;
class QToolButton;

namespace squad {

class NotificationSettingsBox;
class WarmPoolSettingsBox;

// Preferences (Ctrl+,). "Profiles": the profiles (add, rename, remove, make active), the
// selected profile's connection fields (checked as typed; a GitHub App's client and
// installation IDs instead of a token) and its secrets — where each comes from, never its value
// once saved; a masked field with a show toggle to paste a new one; a GitHub App key that
// cannot sign is refused; each secret's Test Connection asks its service (E2B, GitHub) with the
// saved secret and the fields as they are now.
// "General": auto-refresh, cleanup and notification settings. A banner says so when there is no keychain.
//
// What is typed (connection fields, general settings, pasted secrets) waits for Apply or OK;
// the buttons next to things (Add, Remove, Save, Clear…) act at once. Leaving a profile for
// another applies its valid pending edits. Every keychain call is asynchronous (the dialog stays
// usable meanwhile); closing or deleting the dialog while one runs is safe, and a removal or
// rename under way still completes. GUI thread only.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    // QSettings keys the General page writes (the main window reads the first one too).
    static constexpr QLatin1String RefreshIntervalKey{"mainWindow/refreshIntervalMs"};
    static constexpr QLatin1String CleanupAgeKey{"cleanup/ageHours"};
    static constexpr QLatin1String CleanupIntervalKey{"cleanup/intervalHours"};
    static constexpr int DefaultRefreshIntervalMs = 5000;
    static constexpr int DefaultCleanupAgeHours = 24;
    static constexpr int DefaultCleanupIntervalHours = 6;

    // Neither `vault` nor `settings` is owned; both must outlive the dialog.
    SettingsDialog(SecretVault *vault, QSettings *settings, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // The profile whose fields and secrets are shown.
    QString selectedProfile() const { return m_loaded; }
    void selectProfile(const QString &name);
    void showGeneralPage();

    // True while a connection field holds a value that cannot be saved.
    bool hasInvalidFields() const;
    // Applies everything pending (like the Apply button); pasted secrets are saved
    // asynchronously.
    void apply();
    // Applies, then closes once the pasted secrets are saved; stays open on a failure.
    void accept() override;
    void reject() override;

Q_SIGNALS:
    void refreshIntervalChanged(int ms);
    void cleanupSettingsChanged(int ageHours, int intervalHours);
    // The notifications/ settings were written (see NotificationSettings).
    void notificationSettingsChanged();
    void activeProfileChanged(const QString &name);
    // A profile was added, renamed or removed.
    void profilesChanged();
    // A profile's connection fields were changed.
    void profileUpdated(const QString &name);
    // One of a profile's secrets was saved, cleared or moved.
    void secretsChanged(const QString &profile);

protected:
    bool event(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    enum class Tone { Plain, Warning, Error };

    struct Field
    {
        QLineEdit *edit = nullptr;
        QLabel *hint = nullptr;
        QString help;
        bool valid = true;
    };
    enum FieldIndex {
        DomainField,
        ApiUrlField,
        TemplateField,
        GitHubField,
        AppClientIdField,
        AppInstallationIdField,
        AuthorNameField,
        AuthorEmailField,
        CostVcpuField,  // $ per vCPU-second; empty: E2B's published rate
        CostGibField,   // $ per GiB-second of memory; empty: E2B's published rate
        FieldCount
    };

    struct SecretRow
    {
        SecretKind kind = SecretKind::E2bApiKey;
        QLabel *label = nullptr;
        QLabel *source = nullptr;
        QLabel *note = nullptr;    // the environment override
        QLabel *message = nullptr; // format warning, result or error of the last action
        QLineEdit *edit = nullptr;
        QToolButton *show = nullptr;
        QPushButton *load = nullptr; // App private key only
        QPushButton *test = nullptr; // one authenticated call with the saved secret
        QPushButton *save = nullptr;
        QPushButton *clear = nullptr;
        SecretSource current = SecretSource::None;
        bool known = false;
        QString refusal; // why the typed value cannot be saved (an unusable App key)
        int testRun = 0; // the connection test under way for the shown profile; 0: none
    };

    QWidget *buildProfilesPage();
    QWidget *buildGeneralPage();
    QWidget *buildSecretsBox(QWidget *parent);
    QWidget *wrapField(Field &field, QWidget *parent);
    void buildBanner();

    void reloadAll();
    void reloadProfiles(const QString &select);
    void onCurrentProfileChanged();
    void loadProfile(const QString &name);
    void validateFields();
    // What each field shows for `profile`.
    static std::array<QString, FieldCount> fieldTexts(const Profile &profile);
    void setHint(Field &field, const QString &error);
    Profile profileFromFields() const;
    bool profileDirty() const;
    bool applyProfileFields();
    void commitPending();
    void discardPendingSecrets();

    void addProfile();
    void renameProfile();
    void confirmRemoveProfile();
    void removeProfile(const QString &name);
    void makeActive();
    void askProfileName(const QString &title, const QString &label, const QString &initial,
                        std::function<void(const QString &)> done);
    void moveSecrets(const QString &from, const QString &to);

    void refreshSecretStatus();
    void setSource(SecretRow &row, SecretSource source);
    void saveSecret(SecretRow &row);
    // Checks the saved E2B key against the location the fields name (E2B_* first).
    void testE2b(SecretRow &row);
    // Asks GitHub who the saved token, or the App with its saved key and the typed client and
    // installation IDs, is — at the API URL the field names (GITHUB_API_URL first).
    void testGitHub(SecretRow &row);
    // Shows the answer of test `run` in its row, unless the row has moved on since.
    void finishTest(const SecretRef &ref, int run, const QString &text, Tone tone);
    void startSave(const SecretRef &ref, const QString &value);
    void confirmClearSecret(SecretRow &row);
    void clearSecret(const SecretRef &ref);
    void loadSecretFile(SecretRow &row);
    void onSecretEdited(SecretRow &row);
    SecretRow *rowFor(const SecretRef &ref);
    bool isBusy(const SecretRef &ref) const { return m_busy.contains(ref.key()); }
    // A typed secret that cannot be saved (an App key that cannot sign).
    bool hasRefusedSecret() const;
    void setRowMessage(SecretRow &row, const QString &text, Tone tone);
    void showProfileMessage(const QString &text, Tone tone);
    void showKeychainProblem(const QString &message);

    void loadGeneral();
    bool generalDirty() const;
    void applyGeneral();

    void updateButtons();
    void growToFit();
    void finishCloseWhenIdle();

    // Continues with `function(result)` on this thread once `future` is done, unless the
    // dialog is gone by then.
    template<class T, class F>
    void after(QFuture<T> future, F function);

    SecretVault *m_vault = nullptr;

    QSettings *m_settings = nullptr;
    ProfileStore m_profiles;

    QFrame *m_banner = nullptr;
    QLabel *m_bannerIcon = nullptr;
    QLabel *m_bannerText = nullptr;
    QTabWidget *m_tabs = nullptr;

    QListWidget *m_list = nullptr;
    QPushButton *m_addButton = nullptr;
    QPushButton *m_renameButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    QPushButton *m_activateButton = nullptr;
    QLabel *m_profileMessage = nullptr;
    QGroupBox *m_connectionBox = nullptr;
    QGroupBox *m_secretsBox = nullptr;
    Field m_fields[FieldCount];
    std::vector<SecretRow> m_rows;

    QComboBox *m_refreshCombo = nullptr;
    QSpinBox *m_cleanupAge = nullptr;
    QSpinBox *m_cleanupInterval = nullptr;
    NotificationSettingsBox *m_notifications = nullptr;
    WarmPoolSettingsBox *m_poolBox = nullptr;  // General: the warm pool's sizes, keep on exit

    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_okButton = nullptr;
    QPushButton *m_applyButton = nullptr;

    QString m_loaded;        // the profile shown on the right
    Profile m_loadedProfile; // as stored, to tell whether the fields were edited
    int m_loadedRefreshMs = DefaultRefreshIntervalMs;
    int m_loadedCleanupAge = DefaultCleanupAgeHours;
    int m_loadedCleanupInterval = DefaultCleanupIntervalHours;

    QSet<QString> m_busy; // SecretRef keys with a save, clear or move under way
    int m_statusGeneration = 0;
    int m_testRuns = 0; // connection tests started, to tell their answers apart
    int m_pendingSaves = 0;
    int m_profileOps = 0; // removals and renames whose keychain work is under way
    bool m_closeWhenIdle = false;
    bool m_reloadOnShow = false;
};

} // namespace squad
