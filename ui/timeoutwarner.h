// SPDX-License-Identifier: MIT
#pragma once

#include "messagebar.h"
#include "ops/timeoutwarning.h"

#include <QObject>
#include <QPointer>

class QPushButton;
class QTimer;
class QToolButton;

namespace squad {

class ConsoleBackend;
class Notifier;
class SandboxTableModel;

// The strip above the table that says a time-out is near: "Sandbox X ends in 4 min" or
// "3 sandboxes end within 5 minutes", an Extend by 1 Hour button and a dismiss button.
// Never modal. Object names: timeoutBar, timeoutText, extendTimeoutButton, dismissTimeoutButton.
class TimeoutBar : public MessageBar
{
    Q_OBJECT
public:
    explicit TimeoutBar(QWidget *parent = nullptr);

    // Shows `text` with the button ready; an empty text hides the bar.
    void showWarning(const QString &text);
    void setExtending(bool extending);
    QPushButton *extendButton() const { return m_extend; }
    using MessageBar::dismissButton;

Q_SIGNALS:
    void extendRequested();

private:
    QPushButton *m_extend = nullptr;
};

// Watches the table's sandboxes for a time-out coming within the warning window (see
// TimeoutWatch): each sandbox once per deadline, on a timer and whenever the rows change. What
// is due shows in the TimeoutBar (which it makes, for the window to place) and as a
// notification; Extend by 1 Hour gives each sandbox shown an hour more than it has, through
// the backend. A sandbox leaves the bar once its end moves out of the window, it pauses or
// ends; the bar hides when none is left or it is dismissed. GUI thread only.
class TimeoutWarner : public QObject
{
    Q_OBJECT
public:
    static constexpr int ExtendSeconds = 3600;
    static constexpr int CheckIntervalMs = 10'000;
    // E2B keeps a sandbox at most this long from now.
    static constexpr int MaxTimeoutSeconds = 24 * 3600;

    // None of the pointers is owned; `notifier` may be null. The bar is a child of `barParent`.
    TimeoutWarner(ConsoleBackend *backend, SandboxTableModel *model, Notifier *notifier,
                  QWidget *barParent);

    TimeoutBar *bar() const { return m_bar; }
    // Minutes before a sandbox's end to warn; 0 turns the warning off (and hides the bar).
    void setWarningMinutes(int minutes);
    int warningMinutes() const { return int(m_watch.windowSeconds() / 60); }

    // Looks at the rows now (also done every CheckIntervalMs and after the rows change).
    void check();
    // Extends every sandbox the bar shows by ExtendSeconds (the bar's button).
    void extendShown();
    void dismiss();
    // The sandboxes the bar shows, soonest first.
    QList<TimeoutWarning> shown() const { return m_shown; }

    // "Sandbox X ends in 4 min", "3 sandboxes end within 5 minutes".
    static QString warningText(const QList<TimeoutWarning> &warnings, const QDateTime &now);

Q_SIGNALS:
    // Sandboxes came into the window (each once per deadline).
    void warned(const QList<squad::TimeoutWarning> &due);
    // An extend ended for every sandbox it was asked for (failures show in the bar).
    void extendFinished(bool succeeded);

private:
    void scheduleCheck();
    void updateBar(const QDateTime &now);

    ConsoleBackend *m_backend = nullptr;
    SandboxTableModel *m_model = nullptr;
    QPointer<Notifier> m_notifier;
    TimeoutBar *m_bar = nullptr;
    QTimer *m_timer = nullptr;
    TimeoutWatch m_watch;
    QList<TimeoutWarning> m_shown;
    QString m_error; // why the last extend failed
    bool m_checkPending = false;
    int m_extending = 0;
};

} // namespace squad

Q_DECLARE_METATYPE(squad::TimeoutWarning)
