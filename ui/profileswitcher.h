// SPDX-License-Identifier: MIT
#pragma once

#include <QToolButton>

class QSettings;

namespace squad {

// The active accounts profile in the status bar: shows its name, and its menu switches to
// another one (remembered as the active profile) or opens the preferences. A profile given on
// the command line (--profile) is used for this run without changing the remembered one.
class ProfileSwitcher : public QToolButton
{
    Q_OBJECT
public:
    ProfileSwitcher(QSettings *settings, const QString &forcedProfile, QWidget *parent = nullptr);

    QString profile() const { return m_profile; }
    // Re-reads the profiles (after the preferences changed them).
    void reload();

Q_SIGNALS:
    void profileChanged(const QString &name);
    void preferencesRequested();

private:
    void rebuildMenu();
    void choose(const QString &name);

    QSettings *m_settings;
    QString m_profile;
};

} // namespace squad
