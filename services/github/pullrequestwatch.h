// SPDX-License-Identifier: MIT
#pragma once

#include "core/error.h"
#include "github/githubtypes.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <optional>

class QTimer;

namespace squad {

class GitHubApi;

// Follows one pull request without webhooks: polls its status every interval with conditional
// requests, so an unchanged pull request costs no rate-limit quota, and says when something
// changed. Polling stops once the pull request is merged (nothing more can happen to it).
class PullRequestWatch : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultIntervalMs = 60'000;

    // `api` is not owned and must outlive the watch (or be destroyed with the same parent).
    PullRequestWatch(GitHubApi *api, GitHubRepo repo, int number, QObject *parent = nullptr);

    void setInterval(int ms);
    void start();  // polls now, then every interval
    void stop();
    // Polls now; during a poll, once more when it ends (its answer may predate the request).
    void refreshNow();
    bool isActive() const;
    bool isPolling() const { return m_polling; }  // a poll is on its way

    const GitHubRepo &repo() const { return m_repo; }
    int number() const { return m_number; }
    const std::optional<PullRequestStatus> &status() const { return m_status; }

Q_SIGNALS:
    // The first answer, and every answer that differs from the one before.
    void statusChanged(const squad::PullRequestStatus &status);
    // A poll failed; polling goes on (the next poll may succeed).
    void failed(const squad::Error &error);
    // A poll succeeded, whether or not anything changed (after statusChanged when it did).
    void checked(const QDateTime &at);

private:
    void poll();

    QPointer<GitHubApi> m_api;
    GitHubRepo m_repo;
    int m_number = 0;
    QTimer *m_timer;
    bool m_polling = false;
    bool m_pollAgain = false;  // refreshNow() during a poll: one more once it ends
    std::optional<PullRequestStatus> m_status;
};

} // namespace squad
