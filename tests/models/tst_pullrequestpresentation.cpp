// SPDX-License-Identifier: MIT
// What people read of a pull request's status: the state badge, the review and checks lines
// with their tones, the branches and the one-line summary.
#include "pullrequestpresentation.h"
#include "sandboxstatuspresentation.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

using State = PullRequestStatus::State;
using Decision = PullRequestStatus::ReviewDecision;
using Tone = PullRequestTone;

Q_DECLARE_METATYPE(squad::PullRequestStatus::State)
Q_DECLARE_METATYPE(squad::PullRequestStatus::ReviewDecision)
Q_DECLARE_METATYPE(squad::PullRequestChecks::State)

namespace {

PullRequestChecks checksOf(int passed, int failed, int pending)
{
    // What the service reports: the state follows from the counts.
    PullRequestChecks checks;
    checks.passed = passed;
    checks.failed = failed;
    checks.pending = pending;
    checks.total = passed + failed + pending;
    checks.state = checks.total == 0 ? PullRequestChecks::State::None
                   : failed > 0      ? PullRequestChecks::State::Failure
                   : pending > 0     ? PullRequestChecks::State::Pending
                                     : PullRequestChecks::State::Success;
    return checks;
}

} // namespace

namespace squad {
inline char *toString(PullRequestTone tone)
{
    return QTest::toString(checksStateName(tone));
}
} // namespace squad

class tst_PullRequestPresentation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void state_data();
    void state();
    void statesAreToldApart();
    void review_data();
    void review();
    void checks_data();
    void checks();
    void branches_data();
    void branches();
    void summary_data();
    void summary();
    void tonesUseTheBadgeColours();
};

void tst_PullRequestPresentation::state_data()
{
    QTest::addColumn<State>("state");
    QTest::addColumn<QString>("label");
    QTest::addColumn<QColor>("colour");
    // The colours of the sandbox badges with the same meaning: one palette in the console.
    QTest::newRow("open") << State::Open << u"Open"_s
                          << presentationOf(SandboxBadge::Running).colour;
    QTest::newRow("draft") << State::Draft << u"Draft"_s
                           << presentationOf(SandboxBadge::Terminated).colour;
    QTest::newRow("merged") << State::Merged << u"Merged"_s
                            << presentationOf(SandboxBadge::Orphan).colour;
    QTest::newRow("closed") << State::Closed << u"Closed"_s
                            << presentationOf(SandboxBadge::Error).colour;
}

void tst_PullRequestPresentation::state()
{
    QFETCH(State, state);
    QFETCH(QString, label);
    QFETCH(QColor, colour);
    const StatusPresentation p = presentationOf(state);
    QCOMPARE(p.label, label);
    QCOMPARE(p.colour, colour);
    QCOMPARE(p.symbol.size(), 1);
}

void tst_PullRequestPresentation::statesAreToldApart()
{
    // Without colour (a screen reader, a monochrome print) the symbol still tells them apart.
    QSet<QString> symbols;
    QSet<QRgb> colours;
    for (State state : {State::Open, State::Draft, State::Merged, State::Closed}) {
        symbols.insert(presentationOf(state).symbol);
        colours.insert(presentationOf(state).colour.rgb());
    }
    QCOMPARE(symbols.size(), 4);
    QCOMPARE(colours.size(), 4);
}

void tst_PullRequestPresentation::review_data()
{
    QTest::addColumn<Decision>("decision");
    QTest::addColumn<int>("pending");
    QTest::addColumn<QString>("text");
    QTest::addColumn<Tone>("tone");
    QTest::newRow("approved") << Decision::Approved << 0 << u"Approved"_s << Tone::Success;
    QTest::newRow("approved, one still asked")
        << Decision::Approved << 1 << u"Approved"_s << Tone::Success;
    QTest::newRow("changes requested")
        << Decision::ChangesRequested << 0 << u"Changes requested"_s << Tone::Failure;
    QTest::newRow("review required, two pending")
        << Decision::ReviewRequired << 2 << u"Review required (2 pending)"_s << Tone::Pending;
    QTest::newRow("review required, none named")
        << Decision::ReviewRequired << 0 << u"Review required"_s << Tone::Pending;
    QTest::newRow("no reviews") << Decision::None << 0 << u"No reviews"_s << Tone::None;
}

void tst_PullRequestPresentation::review()
{
    QFETCH(Decision, decision);
    QFETCH(int, pending);
    QFETCH(QString, text);
    QFETCH(Tone, tone);
    PullRequestStatus status;
    status.reviewDecision = decision;
    status.pendingReviewers = pending;
    const PullRequestLine line = reviewLine(status);
    QCOMPARE(line.text, text);
    QCOMPARE(line.tone, tone);
}

void tst_PullRequestPresentation::checks_data()
{
    QTest::addColumn<int>("passed");
    QTest::addColumn<int>("failed");
    QTest::addColumn<int>("pending");
    QTest::addColumn<QString>("text");
    QTest::addColumn<Tone>("tone");
    QTest::newRow("none") << 0 << 0 << 0 << u"No checks"_s << Tone::None;
    QTest::newRow("all passed") << 3 << 0 << 0 << u"3/3 checks passed"_s << Tone::Success;
    QTest::newRow("the one passed") << 1 << 0 << 0 << u"1/1 check passed"_s << Tone::Success;
    QTest::newRow("one failing") << 3 << 1 << 0 << u"3/4 checks passed, 1 failing"_s
                                 << Tone::Failure;
    QTest::newRow("all failing") << 0 << 2 << 0 << u"0/2 checks passed, 2 failing"_s
                                 << Tone::Failure;
    QTest::newRow("running") << 2 << 0 << 3 << u"Checks running: 2 of 5 done"_s << Tone::Pending;
    QTest::newRow("nothing done yet")
        << 0 << 0 << 1 << u"Checks running: 0 of 1 done"_s << Tone::Pending;
    // A failure decides the outcome already: the line says so while the rest still run.
    QTest::newRow("running, one failed")
        << 1 << 1 << 2 << u"Checks running: 2 of 4 done, 1 failing"_s << Tone::Failure;
}

void tst_PullRequestPresentation::checks()
{
    QFETCH(int, passed);
    QFETCH(int, failed);
    QFETCH(int, pending);
    QFETCH(QString, text);
    QFETCH(Tone, tone);
    const PullRequestChecks checks = checksOf(passed, failed, pending);
    const PullRequestLine line = checksLine(checks);
    QCOMPARE(line.text, text);
    QCOMPARE(line.tone, tone);
    // The tone agrees with what the service concluded from the same counts.
    QCOMPARE(line.tone, checks.state);
}

void tst_PullRequestPresentation::branches_data()
{
    QTest::addColumn<QString>("headOwner");
    QTest::addColumn<QString>("text");
    QTest::newRow("same repository") << u"octo"_s << u"feature → main"_s;
    QTest::newRow("owner in another case") << u"Octo"_s << u"feature → main"_s;
    QTest::newRow("fork") << u"hubot"_s << u"hubot:feature → main"_s;
    QTest::newRow("fork deleted") << QString() << u"feature → main"_s;
}

void tst_PullRequestPresentation::branches()
{
    QFETCH(QString, headOwner);
    QFETCH(QString, text);
    PullRequest pr;
    pr.repo = GitHubRepo{u"github.com"_s, u"octo"_s, u"app"_s};
    pr.head = u"feature"_s;
    pr.headOwner = headOwner;
    pr.base = u"main"_s;
    QCOMPARE(pullRequestBranches(pr), text);
}

void tst_PullRequestPresentation::summary_data()
{
    QTest::addColumn<int>("number");
    QTest::addColumn<State>("state");
    QTest::addColumn<Decision>("decision");
    QTest::addColumn<int>("passed");
    QTest::addColumn<int>("failed");
    QTest::addColumn<int>("pending");
    QTest::addColumn<QString>("text");
    QTest::newRow("ready") << 12 << State::Open << Decision::Approved << 3 << 0 << 0
                           << u"#12 · Open · Approved · 3/3 checks passed"_s;
    QTest::newRow("draft") << 7 << State::Draft << Decision::None << 0 << 0 << 0
                           << u"#7 · Draft · No reviews · No checks"_s;
    QTest::newRow("merged") << 130 << State::Merged << Decision::Approved << 3 << 1 << 0
                            << u"#130 · Merged · Approved · 3/4 checks passed, 1 failing"_s;
    QTest::newRow("no number yet")
        << 0 << State::Closed << Decision::ChangesRequested << 0 << 0 << 2
        << u"Closed · Changes requested · Checks running: 0 of 2 done"_s;
}

void tst_PullRequestPresentation::summary()
{
    QFETCH(int, number);
    QFETCH(State, state);
    QFETCH(Decision, decision);
    QFETCH(int, passed);
    QFETCH(int, failed);
    QFETCH(int, pending);
    QFETCH(QString, text);
    PullRequestStatus status;
    status.pullRequest.number = number;
    status.state = state;
    status.reviewDecision = decision;
    status.checks = checksOf(passed, failed, pending);
    QCOMPARE(pullRequestSummary(status), text);
}

void tst_PullRequestPresentation::tonesUseTheBadgeColours()
{
    QCOMPARE(toneColour(Tone::Success), presentationOf(SandboxBadge::Running).colour);
    QCOMPARE(toneColour(Tone::Pending), presentationOf(SandboxBadge::Paused).colour);
    QCOMPARE(toneColour(Tone::Failure), presentationOf(SandboxBadge::Error).colour);
    QCOMPARE(toneColour(Tone::None), presentationOf(SandboxBadge::Terminated).colour);
}

QTEST_GUILESS_MAIN(tst_PullRequestPresentation)
#include "tst_pullrequestpresentation.moc"
