// SPDX-License-Identifier: MIT
#pragma once

#include "notificationsettings.h"
#include "workflow/workflowrun.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QMainWindow;
class QMenu;
class QSystemTrayIcon;

namespace squad {

// The console's voice outside its window: a system-tray icon whose tooltip carries the running
// count and the burn rate, with a menu (Show/Hide Window, New Run…, Quit), and the
// notifications — a workflow run succeeded or failed, a cleanup ended, a sandbox is about to
// time out. Every notification goes through notify(), which emits notified() whether or not a
// tray shows it: where the desktop has no tray (or the icon is turned off), a run's news goes
// to the window's status bar instead (the window shows the others by itself).
// Made by the main window after its first paint; GUI thread only.
class Notifier : public QObject
{
    Q_OBJECT
public:
    enum class Kind { RunSucceeded, RunFailed, Cleanup, Timeout };
    Q_ENUM(Kind)

    // `window` (not owned; the parent) is what the tray's menu shows and hides.
    explicit Notifier(QMainWindow *window);
    ~Notifier() override;

    // Applies the Preferences: the tray icon is made (when the desktop has a tray) or hidden,
    // and each kind of notification turned on or off.
    void applySettings(const NotificationSettings &settings);
    const NotificationSettings &settings() const { return m_settings; }
    // The window's own New Run… and Quit, for the tray's menu (neither owned; may be null).
    void setActions(QAction *newRun, QAction *quit);

    // Null without a system tray, or with the icon turned off before it was first made.
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *trayMenu() const { return m_menu; }

    // What the tray's tooltip says: the running (billed, not paused) count and burn rate in
    // USD per hour, as the status bar computes them.
    void setRunningStatus(int running, double usdPerHour);
    QString toolTip() const { return m_toolTip; }
    static QString toolTipText(int running, double usdPerHour);

    // The sources. A run is told of once per change into Succeeded or Failed (a retried run
    // that fails again is news again); every cleanup that ran is told of.
    void runChanged(const squad::WorkflowRun &run);
    void cleanupFinished(const QString &summary, bool succeeded);

    // Tells of `body` under `title`, unless the settings turn `kind` off.
    void notify(Kind kind, const QString &title, const QString &body);
    bool isEnabled(Kind kind) const;

Q_SIGNALS:
    // A notification was made (shown in the tray, or in the window where there is none).
    void notified(const QString &title, const QString &body, squad::Notifier::Kind kind);

private:
    void ensureTrayIcon();
    void toggleWindow();
    void raiseWindow();

    QPointer<QMainWindow> m_window;
    QPointer<QAction> m_newRun;
    QPointer<QAction> m_quit;
    NotificationSettings m_settings;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr; // owned: a menu has no parent to go with
    QAction *m_showAction = nullptr;
    QAction *m_newRunEntry = nullptr;
    QString m_toolTip;
    QHash<QString, WorkflowRunState> m_runStates; // the last state seen, by run
};

} // namespace squad
