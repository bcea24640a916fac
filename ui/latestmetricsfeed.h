// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

namespace squad {

class ConsoleBackend;
class SandboxTableModel;

// Feeds the table's "CPU %" and "Mem used" columns: refresh() asks the backend for the latest
// sample of every running E2B sandbox the model holds (100 a call) and hands the answer to the
// model. One read at a time: a refresh asked for while one is under way runs once that one
// has answered (several such asks make one read), so F5 always ends with fresh samples. An answer that arrives after reset() (E2B switched to another profile
// or key) is stale and dropped. GUI thread only; `backend` and `model` outlive it.
class LatestMetricsFeed : public QObject
{
    Q_OBJECT
public:
    LatestMetricsFeed(ConsoleBackend *backend, SandboxTableModel *model, QObject *parent = nullptr);

    // Nothing is asked when E2B is off or no running E2B row is held (the samples are dropped).
    void refresh();
    // Drops the samples shown and any answer under way.
    void reset();
    bool isReading() const { return m_reading; }
    // Why the last answer lacks some samples (its failed calls); empty when none failed.
    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    // An answer was applied to the model.
    void refreshed();
    // The failed calls of an answer, when they differ from the last answer's (so a failure
    // that persists is said once): empty when the calls succeed again.
    void errorChanged(const QString &message);

private:
    void readAgainIfAsked();

    QPointer<ConsoleBackend> m_backend;
    QPointer<SandboxTableModel> m_model;
    quint64 m_generation = 0;  // bumped by reset(): answers asked before are stale
    bool m_reading = false;
    bool m_readAgain = false;  // refresh() was called while reading
    QString m_lastError;
};

} // namespace squad
