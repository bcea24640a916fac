// SPDX-License-Identifier: MIT
// The pull request card following a real PullRequestWatch over a real GitHubApi, against
// FakeGitHub: the first status, changes made on GitHub (merged, closed, draft, reviews, checks),
// a failing check that keeps the last good state, Refresh and F5, the link, and direct use.
#include "fakegithub.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "fieldhint.h"
#include "github/githubapi.h"
#include "github/pullrequestwatch.h"
#include "pullrequestcard.h"
#include "pullrequestpresentation.h"
#include "statusbadgedelegate.h"

#include <QApplication>
#include <QDesktopServices>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <QScopeGuard>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeGitHub;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

Q_DECLARE_METATYPE(squad::PullRequestStatus::State)

namespace {

const QString Token = u"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"_s;
const QString Repo = u"octo/app"_s;
constexpr int PollMs = 50;

GitHubRepo octoApp()
{
    return GitHubRepo{u"127.0.0.1"_s, u"octo"_s, u"app"_s};
}

} // namespace

// Catches what the card asks the desktop to open, in place of a browser.
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened << url; }
};

class tst_PullRequestCard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void showsCheckingThenTheFirstStatus();
    void changesOnGitHubShow_data();
    void changesOnGitHubShow();
    void approvalShowsApproved();
    void checksGoFromRunningToPassed();
    void failedCheckKeepsTheLastState();
    void refreshButtonPolls();
    void f5PollsWhileTheCardHasFocus();
    void linkOpensInTheBrowser();
    void directStatusAndClear();
    void paintsWithThePalette();

private:
    // A watch on the pull request, not started, polling every `intervalMs`.
    PullRequestWatch *makeWatch(int intervalMs = PollMs);
    QLabel *label(const char *name) const;
    StatusBadge *badge() const;
    QString stateText() const
    {
        return badge()->isVisible() ? badge()->presentation().label : QString();
    }
    QToolButton *refreshButton() const;
    // GETs of the pull request itself: one per poll.
    int pullReads() const;

    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<QObject> m_owner;
    GitHubApi *m_api = nullptr;
    int m_number = 0;
    QString m_sha;
    std::unique_ptr<PullRequestCard> m_card;
};

void tst_PullRequestCard::init()
{
    m_server = std::make_unique<LoopbackHttpServer>();
    m_github = std::make_unique<FakeGitHub>(*m_server);
    m_owner = std::make_unique<QObject>();
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    m_github->addRepo(u"octo"_s, u"app"_s, u"main"_s).collaborators = {u"hubot"_s, u"monalisa"_s};
    m_github->addBranch(Repo, u"feature"_s, 2);

    m_api = new GitHubApi(m_github->apiUrl(), GitHubAuth{Token, std::nullopt}, m_owner.get());
    GitHubApi::Options options;
    options.backoffMs = 10;     // a 5xx is retried: quickly, here
    options.writeSpacingMs = 0; // the fake does not mind writes in a row
    m_api->setOptions(options);

    PullRequestDraft draft;
    draft.repo = octoApp();
    draft.title = u"Add the login page"_s;
    draft.head = u"feature"_s;
    draft.base = u"main"_s;
    draft.reviewers = {u"hubot"_s, u"monalisa"_s};
    const auto created = await(m_api->createPullRequest(draft));
    QVERIFY_RESULT(created);
    QVERIFY(created->problems.isEmpty());
    m_number = created->pullRequest.number;
    m_sha = created->pullRequest.headSha;
    QVERIFY(!m_sha.isEmpty());

    m_card = std::make_unique<PullRequestCard>();
    m_card->resize(520, m_card->sizeHint().height());
    m_card->show();
}

void tst_PullRequestCard::cleanup()
{
    m_card.reset();
    m_owner.reset();
    m_github.reset();
    m_server.reset();
}

PullRequestWatch *tst_PullRequestCard::makeWatch(int intervalMs)
{
    auto *watch = new PullRequestWatch(m_api, octoApp(), m_number, m_owner.get());
    watch->setInterval(intervalMs);
    return watch;
}

QLabel *tst_PullRequestCard::label(const char *name) const
{
    auto *found = m_card->findChild<QLabel *>(QString::fromLatin1(name));
    Q_ASSERT(found);
    return found;
}

StatusBadge *tst_PullRequestCard::badge() const
{
    return m_card->findChild<StatusBadge *>(u"stateBadge"_s);
}

QToolButton *tst_PullRequestCard::refreshButton() const
{
    return m_card->findChild<QToolButton *>(u"refreshButton"_s);
}

int tst_PullRequestCard::pullReads() const
{
    const QByteArray path = "/repos/octo/app/pulls/" + QByteArray::number(m_number);
    int count = 0;
    for (const FakeGitHub::Seen &seen : m_github->seen()) {
        if (seen.method == "GET" && seen.apiPath == path)
            ++count;
    }
    return count;
}

void tst_PullRequestCard::showsCheckingThenTheFirstStatus()
{
    m_card->show();
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    QCOMPARE(label("checkedLabel")->text(), u"Checking…"_s);
    QCOMPARE(label("titleLabel")->text(), u"Pull request #%1"_s.arg(m_number));
    QVERIFY(!badge()->isVisible());
    QVERIFY(!label("reviewLabel")->isVisible());
    QVERIFY(refreshButton()->isVisible());

    watch->start();
    QTRY_COMPARE(stateText(), u"Open"_s);
    QCOMPARE(label("titleLabel")->text(), u"#%1 Add the login page"_s.arg(m_number));
    QCOMPARE(label("branchesLabel")->text(), u"feature → main"_s);
    QCOMPARE(label("reviewLabel")->text(), u"Review required (2 pending)"_s);
    QCOMPARE(label("checksLabel")->text(), u"No checks"_s);
    QVERIFY(label("reviewLabel")->isVisible());
    const QString link = label("linkLabel")->text();
    QVERIFY2(link.contains(u"href=\"https://127.0.0.1/octo/app/pull/%1\""_s.arg(m_number)),
             qPrintable(link));
    QVERIFY2(label("checkedLabel")->text().startsWith(u"Last checked "_s),
             qPrintable(label("checkedLabel")->text()));
    QCOMPARE(badge()->accessibleName(), u"State: Open"_s);
    QCOMPARE(m_card->accessibleDescription(),
             u"#%1 · Open · Review required (2 pending) · No checks"_s.arg(m_number));
}

void tst_PullRequestCard::changesOnGitHubShow_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<PullRequestStatus::State>("state");
    QTest::addColumn<QString>("label");
    QTest::newRow("merged") << u"merge"_s << PullRequestStatus::State::Merged << u"Merged"_s;
    QTest::newRow("closed") << u"close"_s << PullRequestStatus::State::Closed << u"Closed"_s;
    QTest::newRow("draft") << u"draft"_s << PullRequestStatus::State::Draft << u"Draft"_s;
}

void tst_PullRequestCard::changesOnGitHubShow()
{
    QFETCH(QString, change);
    QFETCH(PullRequestStatus::State, state);
    QFETCH(QString, label);
    m_card->show();
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    watch->start();
    QTRY_COMPARE(stateText(), u"Open"_s);

    if (change == u"merge")
        m_github->merge(Repo, m_number);
    else if (change == u"close")
        m_github->close(Repo, m_number);
    else
        m_github->setDraft(Repo, m_number, true);
    QTRY_COMPARE(stateText(), label);
    QCOMPARE(badge()->presentation().colour, presentationOf(state).colour);
    QVERIFY(m_card->accessibleDescription().contains(u" · "_s + label + u" · "_s));
}

void tst_PullRequestCard::approvalShowsApproved()
{
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    watch->start();
    QTRY_COMPARE(label("reviewLabel")->text(), u"Review required (2 pending)"_s);
    QCOMPARE(m_card->findChild<QWidget *>(u"reviewDot"_s)->property("tone").toString(),
             u"pending"_s);

    m_github->addReview(Repo, m_number, u"hubot"_s, u"APPROVED"_s, u"Ship it"_s);
    QTRY_COMPARE(label("reviewLabel")->text(), u"Approved"_s);
    QCOMPARE(m_card->findChild<QWidget *>(u"reviewDot"_s)->property("tone").toString(),
             u"success"_s);

    m_github->addReview(Repo, m_number, u"monalisa"_s, u"CHANGES_REQUESTED"_s);
    QTRY_COMPARE(label("reviewLabel")->text(), u"Changes requested"_s);
    QCOMPARE(m_card->findChild<QWidget *>(u"reviewDot"_s)->property("tone").toString(),
             u"failure"_s);
}

void tst_PullRequestCard::checksGoFromRunningToPassed()
{
    m_github->addCheckRun(Repo, m_sha, u"build"_s, u"in_progress"_s);
    m_github->setStatus(Repo, m_sha, u"ci/lint"_s, u"pending"_s);
    m_github->addCheckRun(Repo, m_sha, u"unit"_s, u"completed"_s, u"success"_s);
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    watch->start();
    QTRY_COMPARE(label("checksLabel")->text(), u"Checks running: 1 of 3 done"_s);
    auto *dot = m_card->findChild<QWidget *>(u"checksDot"_s);
    QCOMPARE(dot->property("tone").toString(), u"pending"_s);

    m_github->setStatus(Repo, m_sha, u"ci/lint"_s, u"success"_s);
    QTRY_COMPARE(label("checksLabel")->text(), u"Checks running: 2 of 3 done"_s);

    // GitHub completes a run in place: the same run, now with its conclusion.
    squad::test::FakeCheckRun &run = m_github->repo(Repo)->checkRuns[m_sha][0];
    run.status = u"completed"_s;
    run.conclusion = u"success"_s;
    run.completedAt = QDateTime::currentDateTimeUtc();
    QTRY_COMPARE(label("checksLabel")->text(), u"3/3 checks passed"_s);
    QCOMPARE(dot->property("tone").toString(), u"success"_s);

    m_github->addCheckRun(Repo, m_sha, u"e2e"_s, u"completed"_s, u"failure"_s);
    QTRY_COMPARE(label("checksLabel")->text(), u"3/4 checks passed, 1 failing"_s);
    QCOMPARE(dot->property("tone").toString(), u"failure"_s);
}

void tst_PullRequestCard::failedCheckKeepsTheLastState()
{
    PullRequestWatch *watch = makeWatch();
    QSignalSpy failed(watch, &PullRequestWatch::failed);
    m_card->setWatch(watch);
    watch->start();
    QTRY_COMPARE(stateText(), u"Open"_s);
    const QString lastChecked = label("checkedLabel")->text();
    QVERIFY(lastChecked.startsWith(u"Last checked "_s));
    const QColor normal = label("checkedLabel")->palette().color(QPalette::WindowText);

    // Every attempt of one poll fails (reads are retried), so the watch reports the failure.
    m_github->failNext("GET", u"/repos/{o}/{r}/pulls/{n}"_s,
                       HttpResponse::json(502, QJsonObject{{u"message"_s, u"Server Error"_s}}),
                       GitHubApi::Options().maxAttempts);
    QVERIFY(failed.wait());
    const QString error = label("checkedLabel")->text();
    QVERIFY2(error.startsWith(u"Check failed at "_s), qPrintable(error));
    QVERIFY2(error.contains(u"(showing the state of "_s + lastChecked.mid(13) + u')'),
             qPrintable(error));
    QCOMPARE(label("checkedLabel")->palette().color(QPalette::WindowText),
             errorColour(m_card->palette()));
    QVERIFY(normal != errorColour(m_card->palette()));
    // The last good state stays.
    QCOMPARE(stateText(), u"Open"_s);
    QCOMPARE(label("reviewLabel")->text(), u"Review required (2 pending)"_s);
    QCOMPARE(label("checksLabel")->text(), u"No checks"_s);
    QVERIFY(label("linkLabel")->isVisibleTo(m_card.get()));

    // GitHub answers again with nothing new: the error goes, "last checked" moves on.
    QTRY_VERIFY2(label("checkedLabel")->text().startsWith(u"Last checked "_s),
                 qPrintable(label("checkedLabel")->text()));
    QCOMPARE(label("checkedLabel")->palette().color(QPalette::WindowText), normal);
    QCOMPARE(stateText(), u"Open"_s);

    // The next change seen shows too.
    m_github->addReview(Repo, m_number, u"hubot"_s, u"APPROVED"_s);
    QTRY_COMPARE(label("reviewLabel")->text(), u"Approved"_s);
    QVERIFY(label("checkedLabel")->text().startsWith(u"Last checked "_s));
    QCOMPARE(label("checkedLabel")->palette().color(QPalette::WindowText), normal);
}

void tst_PullRequestCard::refreshButtonPolls()
{
    // Polling once a minute: every read after the first is the button's. Each click follows a
    // change on GitHub, so the card shows when its poll is done (a click while a poll is still
    // on its way is that poll's).
    PullRequestWatch *watch = makeWatch(PullRequestWatch::DefaultIntervalMs);
    QSignalSpy changed(watch, &PullRequestWatch::statusChanged);
    m_card->setWatch(watch);
    const int before = pullReads();
    watch->start();
    QVERIFY(changed.wait());
    QCOMPARE(pullReads(), before + 1);

    m_github->addReview(Repo, m_number, u"hubot"_s, u"APPROVED"_s);
    QTest::mouseClick(refreshButton(), Qt::LeftButton);
    QTRY_COMPARE(label("reviewLabel")->text(), u"Approved"_s);
    QCOMPARE(pullReads(), before + 2);

    m_github->merge(Repo, m_number);
    QTest::mouseClick(refreshButton(), Qt::LeftButton);
    QTRY_COMPARE(stateText(), u"Merged"_s);
    QCOMPARE(pullReads(), before + 3);
}

void tst_PullRequestCard::f5PollsWhileTheCardHasFocus()
{
    PullRequestWatch *watch = makeWatch(PullRequestWatch::DefaultIntervalMs);
    QSignalSpy changed(watch, &PullRequestWatch::statusChanged);
    m_card->setWatch(watch);
    QApplication::setActiveWindow(m_card.get());
    QVERIFY(QTest::qWaitForWindowActive(m_card.get()));
    const int before = pullReads();
    watch->start();
    QVERIFY(changed.wait());
    QCOMPARE(pullReads(), before + 1);

    m_github->addReview(Repo, m_number, u"hubot"_s, u"APPROVED"_s);
    m_card->setFocus();
    QTest::keyClick(m_card.get(), Qt::Key_F5);
    QTRY_COMPARE(label("reviewLabel")->text(), u"Approved"_s);
    QCOMPARE(pullReads(), before + 2);

    // From a child too: the link label.
    m_github->merge(Repo, m_number);
    label("linkLabel")->setFocus();
    QVERIFY(label("linkLabel")->hasFocus());
    QTest::keyClick(label("linkLabel"), Qt::Key_F5);
    QTRY_COMPARE(stateText(), u"Merged"_s);
    QCOMPARE(pullReads(), before + 3);
}

void tst_PullRequestCard::linkOpensInTheBrowser()
{
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(u"https"_s, &catcher, "open");
    const auto unset = qScopeGuard([] { QDesktopServices::unsetUrlHandler(u"https"_s); });
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    m_card->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_card.get()));
    watch->start();
    QTRY_COMPARE(stateText(), u"Open"_s);

    QLabel *link = label("linkLabel");
    QCOMPARE(link->textInteractionFlags(), Qt::TextBrowserInteraction);
    const int x = link->fontMetrics().horizontalAdvance(u"127.0"_s);
    QTest::mouseClick(link, Qt::LeftButton, {}, QPoint(x, link->height() / 2));
    QTRY_COMPARE(catcher.opened.size(), 1);
    QCOMPARE(catcher.opened.first(), QUrl(u"https://127.0.0.1/octo/app/pull/%1"_s.arg(m_number)));
}

void tst_PullRequestCard::directStatusAndClear()
{
    PullRequestStatus status;
    status.pullRequest.repo = GitHubRepo{u"github.com"_s, u"octo"_s, u"app"_s};
    status.pullRequest.number = 12;
    status.pullRequest.title = u"<b>Not bold</b>"_s;
    status.pullRequest.url = u"https://github.com/octo/app/pull/12"_s;
    status.pullRequest.head = u"fix"_s;
    status.pullRequest.headOwner = u"hubot"_s;
    status.pullRequest.base = u"main"_s;
    status.state = PullRequestStatus::State::Open;
    status.reviewDecision = PullRequestStatus::ReviewDecision::Approved;
    status.checks = PullRequestChecks{PullRequestChecks::State::Success, 3, 3, 0, 0};
    const QDateTime at(QDate::currentDate(), QTime(12, 4, 31));
    m_card->show();
    m_card->setStatus(status, at);
    QCOMPARE(label("titleLabel")->text(), u"#12 <b>Not bold</b>"_s);
    QCOMPARE(label("titleLabel")->textFormat(), Qt::PlainText);
    QCOMPARE(label("branchesLabel")->text(), u"hubot:fix → main"_s);
    QCOMPARE(stateText(), u"Open"_s);
    QCOMPARE(label("reviewLabel")->text(), u"Approved"_s);
    QCOMPARE(label("checksLabel")->text(), u"3/3 checks passed"_s);
    QCOMPARE(label("checkedLabel")->text(), u"Last checked 12:04:31"_s);
    QCOMPARE(m_card->accessibleDescription(), u"#12 · Open · Approved · 3/3 checks passed"_s);
    // Nothing to refresh without a watch.
    QVERIFY(!refreshButton()->isVisible());

    m_card->showError(Error(ErrorCode::Unavailable, u"GitHub did not answer"_s));
    QCOMPARE(label("checkedLabel")->text().section(u": "_s, 1),
             u"GitHub did not answer (showing the state of 12:04:31)"_s);
    QCOMPARE(stateText(), u"Open"_s);

    m_card->clear();
    QCOMPARE(label("titleLabel")->text(), u"No pull request"_s);
    QVERIFY(!badge()->isVisible());
    QVERIFY(!label("reviewLabel")->isVisible());
    QVERIFY(!label("linkLabel")->isVisible());
    QVERIFY(!label("checkedLabel")->isVisible());
    QVERIFY(!m_card->status());
}

void tst_PullRequestCard::paintsWithThePalette()
{
    // A dark theme: the card is drawn in its Base colour, not a light one of its own.
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x24, 0x29, 0x2f));
    dark.setColor(QPalette::Base, QColor(0x0d, 0x11, 0x17));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xed, 0xf3));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xed, 0xf3));
    dark.setColor(QPalette::PlaceholderText, QColor(0x8d, 0x96, 0xa0));
    m_card->setPalette(dark);
    PullRequestWatch *watch = makeWatch();
    m_card->setWatch(watch);
    m_card->show();
    watch->start();
    QTRY_COMPARE(stateText(), u"Open"_s);
    QCOMPARE(label("branchesLabel")->palette().color(QPalette::WindowText),
             dark.color(QPalette::PlaceholderText));
    const QImage image = m_card->grab().toImage();
    // Inside the border, below the last line: the card's own background.
    QCOMPARE(QColor(image.pixel(image.width() / 2, image.height() - 4)),
             dark.color(QPalette::Base));
    m_card->showError(Error(ErrorCode::Unavailable, u"GitHub did not answer"_s));
    QCOMPARE(label("checkedLabel")->palette().color(QPalette::WindowText), errorColour(dark));
}

QTEST_MAIN(tst_PullRequestCard)
#include "tst_pullrequestcard.moc"
