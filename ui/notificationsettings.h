// SPDX-License-Identifier: MIT
#pragma once

#include <QGroupBox>
#include <QLatin1String>

class QCheckBox;
class QSettings;
class QSpinBox;

namespace squad {

// What the console tells the operator about, and how: the time-out warning, the tray icon and
// its notifications. Kept in the settings' notifications/ group; every default is on.
struct NotificationSettings
{
    static constexpr QLatin1String TimeoutWarningMinutesKey{"notifications/timeoutWarningMinutes"};
    static constexpr QLatin1String ShowTrayIconKey{"notifications/showTrayIcon"};
    static constexpr QLatin1String NotifyRunsKey{"notifications/runs"};
    static constexpr QLatin1String NotifyCleanupKey{"notifications/cleanup"};
    static constexpr QLatin1String NotifyTimeoutsKey{"notifications/timeouts"};
    static constexpr int DefaultTimeoutWarningMinutes = 5;
    static constexpr int MaxTimeoutWarningMinutes = 120;

    int timeoutWarningMinutes = DefaultTimeoutWarningMinutes; // 0: no warning
    bool showTrayIcon = true;
    bool notifyRuns = true;     // a workflow run succeeded or failed
    bool notifyCleanup = true;  // a cleanup ended
    bool notifyTimeouts = true; // a sandbox is about to time out

    // Out-of-range minutes (set by hand in the file) are clamped.
    static NotificationSettings read(const QSettings &settings);
    void write(QSettings &settings) const;
    friend bool operator==(const NotificationSettings &, const NotificationSettings &) = default;
};

// The Preferences' "Notifications" section: load() shows the stored settings, isDirty() tells
// an edit, save() writes them. Emits edited() on every change. Object names:
// timeoutWarningSpin, showTrayIconCheck, notifyRunsCheck, notifyCleanupCheck,
// notifyTimeoutsCheck.
class NotificationSettingsBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit NotificationSettingsBox(QWidget *parent = nullptr);

    void load(const QSettings &settings);
    bool isDirty() const { return value() != m_loaded; }
    // Writes what is shown; returns whether it differed from what was stored.
    bool save(QSettings &settings);
    NotificationSettings value() const;

Q_SIGNALS:
    void edited();

private:
    void showValue(const NotificationSettings &value);

    QSpinBox *m_minutes = nullptr;
    QCheckBox *m_tray = nullptr;
    QCheckBox *m_runs = nullptr;
    QCheckBox *m_cleanup = nullptr;
    QCheckBox *m_timeouts = nullptr;
    NotificationSettings m_loaded;
};

} // namespace squad
