// SPDX-License-Identifier: MIT
#include "pullrequestwatch.h"

#include "github/githubapi.h"

#include <QTimer>

#include <utility>

namespace squad {

PullRequestWatch::PullRequestWatch(GitHubApi *api, GitHubRepo repo, int number, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_repo(std::move(repo))
    , m_number(number)
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(DefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &PullRequestWatch::poll);
}

void PullRequestWatch::setInterval(int ms)
{
    m_timer->setInterval(ms);
}

void PullRequestWatch::start()
{
    m_timer->start();
    poll();
}

void PullRequestWatch::stop()
{
    m_timer->stop();
}

bool PullRequestWatch::isActive() const
{
    return m_timer->isActive();
}

void PullRequestWatch::refreshNow()
{
    if (m_polling)
        m_pollAgain = true;
    else
        poll();
}

void PullRequestWatch::poll()
{
    // One poll at a time: a slow answer is not overtaken by the next tick.
    if (m_polling || !m_api)
        return;
    m_polling = true;
    m_api->pullRequestStatus(m_repo, m_number).then(this, [this](const Result<PullRequestStatus> &status) {
        m_polling = false;
        if (!status) {
            Q_EMIT failed(status.error());
        } else {
            if (status->state == PullRequestStatus::State::Merged)
                m_timer->stop();
            if (!m_status || !(*m_status == *status)) {
                m_status = *status;
                Q_EMIT statusChanged(*status);
            }
            Q_EMIT checked(QDateTime::currentDateTime());
        }
        if (std::exchange(m_pollAgain, false))
            poll();
    });
}

} // namespace squad
