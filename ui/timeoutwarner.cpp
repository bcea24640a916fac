// SPDX-License-Identifier: MIT
#include "timeoutwarner.h"

#include "console/consolebackend.h"
#include "notifier.h"
#include "sandboxtablemodel.h"

#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

// --- the bar -----------------------------------------------------------------------------------

TimeoutBar::TimeoutBar(QWidget *parent)
    : MessageBar(Kind::Warning, parent)
{
    setObjectName(u"timeoutBar"_s);
    setAccessibleName(tr("Time-out warning"));
    textLabel()->setObjectName(u"timeoutText"_s);
    textLabel()->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_extend = addButton(tr("E&xtend by 1 Hour"));
    m_extend->setObjectName(u"extendTimeoutButton"_s);
    m_extend->setToolTip(tr("Give each of these sandboxes an hour more than it has left"));
    dismissButton()->setObjectName(u"dismissTimeoutButton"_s);
    dismissButton()->setToolTip(tr("Dismiss (the warning comes again only for a new deadline)"));
    connect(m_extend, &QPushButton::clicked, this, &TimeoutBar::extendRequested);
}

void TimeoutBar::showWarning(const QString &text)
{
    if (text.isEmpty()) {
        hide();
        return;
    }
    reveal(text);
}

void TimeoutBar::setExtending(bool extending)
{
    m_extend->setEnabled(!extending);
}

// --- the watch ---------------------------------------------------------------------------------

TimeoutWarner::TimeoutWarner(ConsoleBackend *backend, SandboxTableModel *model, Notifier *notifier,
                             QWidget *barParent)
    : QObject(barParent)
    , m_backend(backend)
    , m_model(model)
    , m_notifier(notifier)
{
    setObjectName(u"timeoutWarner"_s);
    m_bar = new TimeoutBar(barParent);
    connect(m_bar, &TimeoutBar::extendRequested, this, &TimeoutWarner::extendShown);
    connect(m_bar, &TimeoutBar::dismissed, this, &TimeoutWarner::dismiss);

    m_timer = new QTimer(this);
    m_timer->setInterval(CheckIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &TimeoutWarner::check);
    m_timer->start();
    // Rows arrive in bursts (a refresh, a reconcile): looked at once per event loop turn.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &TimeoutWarner::scheduleCheck);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TimeoutWarner::scheduleCheck);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &TimeoutWarner::scheduleCheck);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TimeoutWarner::scheduleCheck);
    scheduleCheck();
}

void TimeoutWarner::setWarningMinutes(int minutes)
{
    const qint64 seconds = qint64(std::max(0, minutes)) * 60;
    if (seconds == m_watch.windowSeconds())
        return;
    m_watch.setWindowSeconds(seconds);
    if (seconds == 0) {
        m_timer->stop();
        m_shown.clear();
        m_bar->hide();
        return;
    }
    m_timer->start();
    scheduleCheck();
}

void TimeoutWarner::scheduleCheck()
{
    if (m_checkPending || m_watch.windowSeconds() <= 0)
        return;
    m_checkPending = true;
    QTimer::singleShot(0, this, &TimeoutWarner::check);
}

void TimeoutWarner::check()
{
    m_checkPending = false;
    if (m_watch.windowSeconds() <= 0)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QList<TimeoutWarning> due = m_watch.check(m_model->records(), now);

    // What the bar showed stays while it is still near with the same end; an extended, paused
    // or ended sandbox leaves it.
    QList<TimeoutWarning> kept;
    for (const TimeoutWarning &warning : std::as_const(m_shown)) {
        const int row = m_model->rowOf(warning.id);
        if (row < 0)
            continue;
        const SandboxRecord &record = m_model->record(row);
        if (sameDeadline(record.endsAt, warning.endsAt)
            && endsWithin(record, now, m_watch.windowSeconds())) {
            kept << TimeoutWarning{warning.id, record.endsAt};
        }
    }
    for (const TimeoutWarning &warning : due) {
        const auto same = std::find_if(kept.cbegin(), kept.cend(),
                                       [&](const TimeoutWarning &w) { return w.id == warning.id; });
        if (same == kept.cend())
            kept << warning;
    }
    std::sort(kept.begin(), kept.end(),
              [](const TimeoutWarning &a, const TimeoutWarning &b) { return a.endsAt < b.endsAt; });
    m_shown = kept;
    updateBar(now);

    if (!due.isEmpty()) {
        if (m_notifier) {
            m_notifier->notify(Notifier::Kind::Timeout,
                               due.size() == 1 ? tr("A sandbox is about to time out")
                                               : tr("Sandboxes are about to time out"),
                               warningText(due, now));
        }
        Q_EMIT warned(due);
    }
}

void TimeoutWarner::updateBar(const QDateTime &now)
{
    if (m_extending > 0)
        return; // the bar keeps saying what is being extended until the answers are in
    if (m_shown.isEmpty()) {
        m_error.clear();
        m_bar->hide();
        return;
    }
    m_bar->setExtending(false);
    // A failed extend is said until the next try, or until nothing is left to warn of.
    QString text = warningText(m_shown, now);
    if (!m_error.isEmpty())
        text += u". "_s + m_error;
    m_bar->showWarning(text);
}

QString TimeoutWarner::warningText(const QList<TimeoutWarning> &warnings, const QDateTime &now)
{
    if (warnings.isEmpty())
        return {};
    qint64 latest = 0;
    for (const TimeoutWarning &warning : warnings)
        latest = std::max(latest, now.secsTo(warning.endsAt));
    // Rounded up: "4 min" while there are 3 min 1 s to 4 min left.
    const qint64 minutes = (latest + 59) / 60;
    if (warnings.size() == 1) {
        const QString id = warnings.first().id;
        return minutes <= 1 ? tr("Sandbox %1 ends in less than a minute").arg(id)
                            : tr("Sandbox %1 ends in %2 min").arg(id).arg(minutes);
    }
    return minutes <= 1
               ? tr("%1 sandboxes end within a minute").arg(warnings.size())
               : tr("%1 sandboxes end within %2 minutes").arg(warnings.size()).arg(minutes);
}

void TimeoutWarner::extendShown()
{
    if (!m_backend || m_extending > 0 || m_shown.isEmpty())
        return;
    const QList<TimeoutWarning> targets = m_shown;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_error.clear();
    m_extending = int(targets.size());
    m_bar->setExtending(true);
    auto failures = std::make_shared<QStringList>();
    for (const TimeoutWarning &warning : targets) {
        // An hour more than it has left (E2B counts a timeout from now), within E2B's limit.
        const qint64 left = std::max<qint64>(0, now.secsTo(warning.endsAt));
        const int seconds = int(std::min<qint64>(left + ExtendSeconds, MaxTimeoutSeconds));
        m_backend->setTimeout(warning.id, seconds)
            .then(this, [this, id = warning.id, failures](const Result<SandboxRecord> &result) {
                if (result)
                    m_model->updateSandbox(*result);
                else
                    *failures << u"%1: %2"_s.arg(id, result.error().message());
                if (--m_extending > 0)
                    return;
                if (failures->isEmpty()) {
                    check();
                    Q_EMIT extendFinished(true);
                    return;
                }
                m_error = failures->size() == 1 ? tr("Could not extend %1").arg(failures->first())
                                                : tr("Could not extend %1 sandboxes: %2")
                                                      .arg(failures->size())
                                                      .arg(failures->mid(0, 3).join(u"; "_s));
                updateBar(QDateTime::currentDateTimeUtc());
                Q_EMIT extendFinished(false);
            });
    }
}

void TimeoutWarner::dismiss()
{
    m_shown.clear();
    m_error.clear();
    m_bar->hide();
}

} // namespace squad
