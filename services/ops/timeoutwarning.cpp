// SPDX-License-Identifier: MIT
#include "timeoutwarning.h"

#include <cstdlib>

namespace squad {

bool sameDeadline(const QDateTime &a, const QDateTime &b)
{
    if (!a.isValid() || !b.isValid())
        return a.isValid() == b.isValid();
    return std::llabs(a.msecsTo(b)) <= SameDeadlineSeconds * 1000;
}

bool endsWithin(const SandboxRecord &record, const QDateTime &now, qint64 windowSeconds)
{
    if (windowSeconds <= 0 || record.status != SandboxStatus::Running || record.isPaused()
        || record.orphan || !record.endsAt.isValid()) {
        return false;
    }
    const qint64 left = now.msecsTo(record.endsAt);
    return left > 0 && left <= windowSeconds * 1000;
}

QList<TimeoutWarning> dueTimeoutWarnings(const SandboxRecords &records, const QDateTime &now,
                                         qint64 windowSeconds, const WarnedDeadlines &warned)
{
    QList<TimeoutWarning> due;
    if (windowSeconds <= 0)
        return due;
    for (const SandboxRecord &record : records) {
        if (!endsWithin(record, now, windowSeconds))
            continue;
        const auto found = warned.constFind(record.id);
        if (found != warned.cend() && sameDeadline(*found, record.endsAt))
            continue;
        due.append({record.id, record.endsAt});
    }
    return due;
}

QList<TimeoutWarning> TimeoutWatch::check(const SandboxRecords &records, const QDateTime &now)
{
    if (!m_warned.isEmpty()) {
        // Kept only while the sandbox is there with the deadline it was warned of (as first
        // warned of: a refined end never drifts away from it).
        WarnedDeadlines kept;
        for (const SandboxRecord &record : records) {
            const auto found = m_warned.constFind(record.id);
            if (found != m_warned.cend() && sameDeadline(*found, record.endsAt))
                kept.insert(record.id, *found);
        }
        m_warned = std::move(kept);
    }
    const QList<TimeoutWarning> due = dueTimeoutWarnings(records, now, m_window, m_warned);
    for (const TimeoutWarning &warning : due)
        m_warned.insert(warning.id, warning.endsAt);
    return due;
}

bool TimeoutWatch::wasWarned(const QString &id, const QDateTime &endsAt) const
{
    const auto found = m_warned.constFind(id);
    return found != m_warned.cend() && sameDeadline(*found, endsAt);
}

} // namespace squad
