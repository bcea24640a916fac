// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace squad {

// A sandbox whose provider will end it soon, and when.
struct TimeoutWarning
{
    QString id;
    QDateTime endsAt;
    friend bool operator==(const TimeoutWarning &, const TimeoutWarning &) = default;
};

// The ends already warned of, by sandbox id.
using WarnedDeadlines = QHash<QString, QDateTime>;

// Whether two ends are the same deadline: within SameDeadlineSeconds of each other. A provider
// refines an end it first estimated (E2B's create answer has none: it is the time asked plus
// the time-out, and its list then gives its own, a moment off); that is no new deadline.
inline constexpr qint64 SameDeadlineSeconds = 30;
bool sameDeadline(const QDateTime &a, const QDateTime &b);

// Whether the provider ends `record` by itself within `windowSeconds` of `now`: running, not
// paused, not an orphan (nothing here can extend one), with an end after `now` and no later than
// `now` + the window. A window of 0 or less turns warnings off: never.
bool endsWithin(const SandboxRecord &record, const QDateTime &now, qint64 windowSeconds);

// The sandboxes of `records` to warn about at `now`: those endsWithin() the window whose end is
// not the deadline `warned` holds for them (see sameDeadline). A sandbox is warned of once per end;
// a new end (after an extend) is a new deadline. In the order of `records`.
QList<TimeoutWarning> dueTimeoutWarnings(const SandboxRecords &records, const QDateTime &now,
                                         qint64 windowSeconds, const WarnedDeadlines &warned);

// dueTimeoutWarnings() with its memory: what check() returns counts as warned from then on.
// Pure (no clock, no timer): the caller says when it is.
class TimeoutWatch
{
public:
    static constexpr qint64 DefaultWindowSeconds = 5 * 60;

    explicit TimeoutWatch(qint64 windowSeconds = DefaultWindowSeconds)
        : m_window(windowSeconds)
    {}

    // 0 (or less) turns the warnings off.
    void setWindowSeconds(qint64 seconds) { m_window = seconds; }
    qint64 windowSeconds() const { return m_window; }

    // What to warn about now (see dueTimeoutWarnings). Warnings of sandboxes no longer in
    // `records`, or whose deadline moved, are forgotten, so the memory never outgrows the
    // table.
    QList<TimeoutWarning> check(const SandboxRecords &records, const QDateTime &now);
    bool wasWarned(const QString &id, const QDateTime &endsAt) const;
    const WarnedDeadlines &warned() const { return m_warned; }

private:
    qint64 m_window;
    WarnedDeadlines m_warned;
};

} // namespace squad
