// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QSettings;
class QWidget;

namespace squad {

class ConsoleBackend;

// The main window's side of the warm pool (services/ops/warmpool.h): fills it once the window
// has painted, offers "Empty Warm Pool" (with a confirmation naming the count), and empties
// it before the window closes unless pool/keepOnExit.
class WarmPoolControl : public QObject
{
    Q_OBJECT
public:
    // `window` is the parent: confirmations are modal to it; close() is called on it again
    // once an emptying on exit is done.
    WarmPoolControl(ConsoleBackend *backend, QWidget *window);

    // The shared settings (pool/...); null = the application's own ConsoleSettings.
    void setSettings(QSettings *settings) { m_settings = settings; }
    QAction *emptyAction() const { return m_emptyAction; }

    // Fills the pool when a size is set (and keeps it filled). Call once the database is open.
    void start();
    // Whether the window may close now. If not, the pool is being emptied; the window is
    // closed again when that is done (whatever its outcome).
    bool readyToClose();
    // Asks, then empties the pool.
    void confirmEmpty();

Q_SIGNALS:
    // One line for the status bar.
    void message(const QString &text);

private:
    void empty(bool closing);

    QPointer<ConsoleBackend> m_backend;
    QWidget *m_window;
    QSettings *m_settings = nullptr;
    QAction *m_emptyAction;
    bool m_started = false;
    bool m_draining = false;
    bool m_closeAllowed = false;
};

} // namespace squad
