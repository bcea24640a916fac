// SPDX-License-Identifier: MIT
#include "notificationsettings.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace squad {

NotificationSettings NotificationSettings::read(const QSettings &settings)
{
    NotificationSettings s;
    s.timeoutWarningMinutes
        = std::clamp(settings.value(TimeoutWarningMinutesKey, DefaultTimeoutWarningMinutes).toInt(),
                     0, MaxTimeoutWarningMinutes);
    s.showTrayIcon = settings.value(ShowTrayIconKey, true).toBool();
    s.notifyRuns = settings.value(NotifyRunsKey, true).toBool();
    s.notifyCleanup = settings.value(NotifyCleanupKey, true).toBool();
    s.notifyTimeouts = settings.value(NotifyTimeoutsKey, true).toBool();
    return s;
}

void NotificationSettings::write(QSettings &settings) const
{
    settings.setValue(TimeoutWarningMinutesKey, timeoutWarningMinutes);
    settings.setValue(ShowTrayIconKey, showTrayIcon);
    settings.setValue(NotifyRunsKey, notifyRuns);
    settings.setValue(NotifyCleanupKey, notifyCleanup);
    settings.setValue(NotifyTimeoutsKey, notifyTimeouts);
}

NotificationSettingsBox::NotificationSettingsBox(QWidget *parent)
    : QGroupBox(tr("Notifications"), parent)
{
    setObjectName(u"notificationSettings"_s);
    m_minutes = new QSpinBox(this);
    m_minutes->setObjectName(u"timeoutWarningSpin"_s);
    m_minutes->setRange(0, NotificationSettings::MaxTimeoutWarningMinutes);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setSpecialValueText(tr("Off"));
    m_minutes->setAccessibleName(tr("Warn before a sandbox times out, in minutes"));
    m_tray = new QCheckBox(tr("Show an icon in the system &tray"), this);
    m_tray->setObjectName(u"showTrayIconCheck"_s);
    m_tray->setToolTip(tr("The running count and the burn rate, a menu, and the notifications "
                          "below. Where the desktop has no tray, the window shows them."));
    m_runs = new QCheckBox(tr("A workflow run &succeeds or fails"), this);
    m_runs->setObjectName(u"notifyRunsCheck"_s);
    m_cleanup = new QCheckBox(tr("A &cleanup ends"), this);
    m_cleanup->setObjectName(u"notifyCleanupCheck"_s);
    m_timeouts = new QCheckBox(tr("A sandbox is about to &time out"), this);
    m_timeouts->setObjectName(u"notifyTimeoutsCheck"_s);

    auto *hint = new QLabel(tr("A bar above the table offers to extend the sandboxes whose "
                               "time-out comes this close; 0 turns the warning off."),
                            this);
    hint->setWordWrap(true);
    QPalette pal = hint->palette();
    pal.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
    hint->setPalette(pal);
    if (QFont font = hint->font(); font.pointSizeF() > 0) {
        font.setPointSizeF(font.pointSizeF() * 0.9);
        hint->setFont(font);
    }

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(tr("&Warn before a time-out:"), m_minutes);
    auto *when = new QVBoxLayout;
    when->setSpacing(fontMetrics().height() / 4);
    when->addWidget(m_runs);
    when->addWidget(m_cleanup);
    when->addWidget(m_timeouts);
    form->addRow(tr("Notify when:"), when);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(hint);
    layout->addWidget(m_tray);

    connect(m_minutes, &QSpinBox::valueChanged, this, &NotificationSettingsBox::edited);
    for (QCheckBox *box : {m_tray, m_runs, m_cleanup, m_timeouts})
        connect(box, &QCheckBox::toggled, this, &NotificationSettingsBox::edited);
    showValue(m_loaded);
}

void NotificationSettingsBox::load(const QSettings &settings)
{
    m_loaded = NotificationSettings::read(settings);
    showValue(m_loaded);
}

void NotificationSettingsBox::showValue(const NotificationSettings &value)
{
    const QSignalBlocker blocker(this);
    m_minutes->setValue(value.timeoutWarningMinutes);
    m_tray->setChecked(value.showTrayIcon);
    m_runs->setChecked(value.notifyRuns);
    m_cleanup->setChecked(value.notifyCleanup);
    m_timeouts->setChecked(value.notifyTimeouts);
}

NotificationSettings NotificationSettingsBox::value() const
{
    NotificationSettings s;
    s.timeoutWarningMinutes = m_minutes->value();
    s.showTrayIcon = m_tray->isChecked();
    s.notifyRuns = m_runs->isChecked();
    s.notifyCleanup = m_cleanup->isChecked();
    s.notifyTimeouts = m_timeouts->isChecked();
    return s;
}

bool NotificationSettingsBox::save(QSettings &settings)
{
    const NotificationSettings shown = value();
    if (shown == m_loaded)
        return false;
    shown.write(settings);
    m_loaded = shown;
    return true;
}

} // namespace squad
