// SPDX-License-Identifier: MIT
#pragma once

#include "core/error.h"
#include "github/githubtypes.h"
#include "github/pullrequestwatch.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

#include <optional>

class QGridLayout;
class QLabel;
class QShortcut;
class QToolButton;

namespace squad {

class StatusBadge;
class ToneDot;

// A pull request at a glance, small enough for a wizard page or a list's details: "#N title",
// its state as a pill like the table's, "head → base", the review and checks lines with a
// coloured dot, a link that opens it in the browser, when it was last checked (or why the last
// check failed, with the last good state kept) and a Refresh button (F5 inside the card).
class PullRequestCard : public QWidget
{
    Q_OBJECT
public:
    explicit PullRequestCard(QWidget *parent = nullptr);

    // Follows `watch` (not owned; nullptr follows none): its statuses and failures are shown as
    // they come, "Checking…" until its first status. Starting the watch is its owner's call.
    // The watch signals changes only, so "Last checked" is the time of the last change seen.
    void setWatch(PullRequestWatch *watch);
    PullRequestWatch *watch() const { return m_watch; }

    // Shows `status`, read at `checkedAt`, and clears a shown error (a stored status, a one-off
    // read; the watch's statuses come this way too).
    void setStatus(const PullRequestStatus &status,
                   const QDateTime &checkedAt = QDateTime::currentDateTime());
    // Shows that a check failed, in the error tone; the last good status stays on the card.
    void showError(const Error &error);
    // No pull request: forgets the status, the error and the watch.
    void clear();

    const std::optional<PullRequestStatus> &status() const { return m_status; }
    // Asks the watch to check now (the Refresh button and F5); nothing without a watch.
    void refresh();

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void updateView();
    void updateElidedText();
    void applyColours();

    QPointer<PullRequestWatch> m_watch;
    std::optional<PullRequestStatus> m_status;
    QDateTime m_checkedAt;
    std::optional<Error> m_error;
    QDateTime m_failedAt;
    QString m_branchesText; // what the branches label shows when wide enough

    QLabel *m_title = nullptr;
    StatusBadge *m_badge = nullptr;
    QLabel *m_branches = nullptr;
    QWidget *m_lines = nullptr;
    ToneDot *m_reviewDot = nullptr;
    QLabel *m_review = nullptr;
    ToneDot *m_checksDot = nullptr;
    QLabel *m_checks = nullptr;
    QLabel *m_link = nullptr;
    QLabel *m_checked = nullptr;
    QGridLayout *m_footer = nullptr;
    QToolButton *m_refresh = nullptr;
    QShortcut *m_refreshShortcut = nullptr;
};

} // namespace squad
