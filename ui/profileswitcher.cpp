// SPDX-License-Identifier: MIT
#include "profileswitcher.h"

#include "accounts/profilestore.h"

#include <QActionGroup>
#include <QMenu>
#include <QSettings>

using namespace Qt::StringLiterals;

namespace squad {

ProfileSwitcher::ProfileSwitcher(QSettings *settings, const QString &forcedProfile,
                                 QWidget *parent)
    : QToolButton(parent)
    , m_settings(settings)
{
    setObjectName(u"profileSwitcher"_s);
    setAutoRaise(true);
    setPopupMode(QToolButton::InstantPopup);
    setToolTip(tr("Accounts profile: which E2B and GitHub accounts the console uses"));
    setMenu(new QMenu(this));
    ProfileStore profiles(*m_settings);
    m_profile = !forcedProfile.isEmpty() && profiles.get(forcedProfile) ? forcedProfile
                                                                        : profiles.activeName();
    reload();
}

void ProfileSwitcher::reload()
{
    ProfileStore profiles(*m_settings);
    if (!profiles.get(m_profile))
        m_profile = profiles.activeName();
    setText(tr("Profile: %1").arg(m_profile));
    setAccessibleName(text());
    rebuildMenu();
}

void ProfileSwitcher::rebuildMenu()
{
    QMenu *list = menu();
    list->clear();
    auto *group = new QActionGroup(list);
    for (const Profile &profile : ProfileStore(*m_settings).list()) {
        QAction *action = list->addAction(profile.name);
        action->setCheckable(true);
        action->setChecked(profile.name == m_profile);
        action->setToolTip(profile.effectiveE2bApiUrl());
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, name = profile.name] { choose(name); });
    }
    list->addSeparator();
    connect(list->addAction(tr("&Preferences…")), &QAction::triggered, this,
            &ProfileSwitcher::preferencesRequested);
}

void ProfileSwitcher::choose(const QString &name)
{
    if (name == m_profile)
        return;
    ProfileStore profiles(*m_settings);
    if (!profiles.setActive(name))
        return;
    m_profile = name;
    reload();
    Q_EMIT profileChanged(name);
}

} // namespace squad
