// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProgressDialog>
#include <QStringList>

class QLabel;
class QProgressDialog;
class QTreeWidget;

namespace squad {

class ConsoleBackend;

// What happened to one sandbox of a bulk terminate.
struct TerminateResult
{
    enum class Kind {
        Terminated,  // ended now
        AlreadyGone, // already terminated, or its provider no longer knew it
        Failed,      // the reason is in message
        Skipped,     // the operator stopped the batch before its turn
    };
    QString id;
    Kind kind = Kind::Skipped;
    QString message;
};

// Terminates a list of sandboxes through ConsoleBackend, a few at a time, with a cancellable
// progress dialog. Cancelling lets the terminations already under way finish and skips the
// rest. finished() comes once, with every id accounted for in results() (in the given order).
class TerminateBatch : public QObject
{
    Q_OBJECT
public:
    static constexpr int Concurrency = 4;

    // The progress dialog is window-modal to `window`.
    TerminateBatch(ConsoleBackend *backend, QStringList ids, QWidget *window,
                   QObject *parent = nullptr);
    ~TerminateBatch() override;

    void start();
    void cancel();
    bool isFinished() const { return m_finished; }
    const QList<TerminateResult> &results() const { return m_results; }
    QProgressDialog *progressDialog() const { return m_progress; }

Q_SIGNALS:
    // One sandbox is done (terminated, gone or failed).
    void sandboxDone(const squad::TerminateResult &result);
    void finished();

private:
    void startNext();
    void finishOne(int index, TerminateResult result);
    void updateProgress();

    ConsoleBackend *m_backend = nullptr;
    QStringList m_ids;
    QList<TerminateResult> m_results;
    QPointer<QProgressDialog> m_progress;
    int m_nextIndex = 0;
    int m_inFlight = 0;
    int m_done = 0;
    bool m_cancelled = false;
    bool m_finished = false;
};

// The one report of a bulk terminate: a summary line and the sandboxes grouped into
// terminated / already gone / failed (with the reason) / skipped.
class TerminateReportDialog : public QDialog
{
    Q_OBJECT
public:
    TerminateReportDialog(const QList<TerminateResult> &results, QWidget *parent = nullptr);

    int count(TerminateResult::Kind kind) const;
    QStringList ids(TerminateResult::Kind kind) const;
    QString summary() const;
    // The whole report as plain text (what "Copy report" puts on the clipboard).
    QString reportText() const;

    static QString sectionTitle(TerminateResult::Kind kind);

private:
    QList<TerminateResult> m_results;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
};

} // namespace squad
