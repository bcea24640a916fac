// SPDX-License-Identifier: MIT
#include "notifier.h"

#include "ops/cost.h"

#include <QAction>
#include <QApplication>
#include <QMainWindow>
#include <QMenu>
#include <QStatusBar>
#include <QSystemTrayIcon>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int MessageMs = 10'000;
constexpr int StatusMessageMs = 15'000;

QSystemTrayIcon::MessageIcon iconOf(Notifier::Kind kind)
{
    switch (kind) {
    case Notifier::Kind::RunFailed:
        return QSystemTrayIcon::Critical;
    case Notifier::Kind::Timeout:
        return QSystemTrayIcon::Warning;
    case Notifier::Kind::RunSucceeded:
    case Notifier::Kind::Cleanup:
        break;
    }
    return QSystemTrayIcon::Information;
}

} // namespace

Notifier::Notifier(QMainWindow *window)
    : QObject(window)
    , m_window(window)
{
    setObjectName(u"notifier"_s);
    m_toolTip = toolTipText(0, 0.0);
}

Notifier::~Notifier() = default;

void Notifier::applySettings(const NotificationSettings &settings)
{
    m_settings = settings;
    if (m_settings.showTrayIcon)
        ensureTrayIcon();
    else if (m_tray)
        m_tray->hide();
}

void Notifier::setActions(QAction *newRun, QAction *quit)
{
    m_newRun = newRun;
    m_quit = quit;
}

void Notifier::ensureTrayIcon()
{
    if (!m_menu) {
        // The menu is made with the icon, and even where there is no tray to carry it: it is
        // the same three entries either way.
        m_menu = new QMenu(m_window);
        m_menu->setObjectName(u"trayMenu"_s);
        m_showAction = m_menu->addAction(tr("Hide Window"), this, &Notifier::toggleWindow);
        m_showAction->setObjectName(u"trayShowAction"_s);
        m_newRunEntry = m_menu->addAction(tr("New Run…"), this, [this] {
            raiseWindow();
            if (m_newRun)
                m_newRun->trigger();
        });
        m_newRunEntry->setObjectName(u"trayNewRunAction"_s);
        m_menu->addSeparator();
        QAction *quit = m_menu->addAction(tr("Quit"), this, [this] {
            // The window saves its layout as it closes; a hidden window may not end the event
            // loop by closing, so the application is told to quit as well.
            if (m_quit)
                m_quit->trigger();
            else if (m_window)
                m_window->close();
            QCoreApplication::quit();
        });
        quit->setObjectName(u"trayQuitAction"_s);
        connect(m_menu, &QMenu::aboutToShow, this, [this] {
            m_showAction->setText(m_window && m_window->isVisible() && !m_window->isMinimized()
                                      ? tr("Hide Window")
                                      : tr("Show Window"));
            m_newRunEntry->setEnabled(m_newRun && m_newRun->isEnabled());
        });
    }
    if (!m_tray && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(this);
        m_tray->setObjectName(u"trayIcon"_s);
        m_tray->setIcon(m_window ? m_window->windowIcon() : QApplication::windowIcon());
        m_tray->setContextMenu(m_menu);
        m_tray->setToolTip(m_toolTip);
        connect(m_tray, &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger)
                        toggleWindow();
                });
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &Notifier::raiseWindow);
    }
    if (m_tray)
        m_tray->show();
}

void Notifier::toggleWindow()
{
    if (!m_window)
        return;
    if (m_window->isVisible() && !m_window->isMinimized())
        m_window->hide();
    else
        raiseWindow();
}

void Notifier::raiseWindow()
{
    if (!m_window)
        return;
    if (m_window->isMinimized())
        m_window->showNormal();
    else
        m_window->show();
    m_window->raise();
    m_window->activateWindow();
}

QString Notifier::toolTipText(int running, double usdPerHour)
{
    return tr("Squad Console") + u'\n' + tr("%n running", nullptr, running) + u" · "_s
           + tr("%1/h").arg(formatUsd(usdPerHour));
}

void Notifier::setRunningStatus(int running, double usdPerHour)
{
    const QString text = toolTipText(running, usdPerHour);
    if (text == m_toolTip)
        return;
    m_toolTip = text;
    if (m_tray)
        m_tray->setToolTip(text);
}

bool Notifier::isEnabled(Kind kind) const
{
    switch (kind) {
    case Kind::RunSucceeded:
    case Kind::RunFailed:
        return m_settings.notifyRuns;
    case Kind::Cleanup:
        return m_settings.notifyCleanup;
    case Kind::Timeout:
        return m_settings.notifyTimeouts;
    }
    return false;
}

void Notifier::notify(Kind kind, const QString &title, const QString &body)
{
    if (!isEnabled(kind))
        return;
    if (m_tray && m_tray->isVisible() && QSystemTrayIcon::supportsMessages()) {
        m_tray->showMessage(title, body, iconOf(kind), MessageMs);
    } else if (m_window && (kind == Kind::RunSucceeded || kind == Kind::RunFailed)) {
        // A cleanup and a time-out show in the window already (status bar, banner, bar).
        m_window->statusBar()->showMessage(u"%1: %2"_s.arg(title, body), StatusMessageMs);
    }
    Q_EMIT notified(title, body, kind);
}

void Notifier::runChanged(const WorkflowRun &run)
{
    const auto previous = m_runStates.constFind(run.id);
    const bool changed = previous == m_runStates.cend() || *previous != run.state;
    m_runStates.insert(run.id, run.state);
    if (!changed)
        return;
    const QString name = run.inputs.prTitle.isEmpty() ? run.inputs.branch : run.inputs.prTitle;
    if (run.state == WorkflowRunState::Succeeded) {
        const QString pr = run.pullRequestUrl();
        notify(Kind::RunSucceeded, tr("Workflow run succeeded"),
               pr.isEmpty() ? tr("“%1” is done.").arg(name)
                            : tr("“%1”: pull request %2").arg(name, pr));
    } else if (run.state == WorkflowRunState::Failed) {
        QString where;
        for (const WorkflowStep &step : run.steps) {
            if (step.state == WorkflowStepState::Failed) {
                where = workflowStepTitle(step.kind);
                break;
            }
        }
        QString body = where.isEmpty() ? tr("“%1” failed.").arg(name)
                                       : tr("“%1” failed at “%2”.").arg(name, where);
        if (!run.error.isEmpty())
            body += u' ' + run.error;
        notify(Kind::RunFailed, tr("Workflow run failed"), body);
    }
}

void Notifier::cleanupFinished(const QString &summary, bool succeeded)
{
    notify(Kind::Cleanup, succeeded ? tr("Cleanup") : tr("Cleanup failed"), summary);
}

} // namespace squad
