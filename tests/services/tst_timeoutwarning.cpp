// SPDX-License-Identifier: MIT
// The time-out warning's detection: which sandboxes end within the window, warned once per
// deadline, again after an extend; paused, ended, orphaned and unbounded sandboxes never; a
// window of 0 never.
#include "ops/timeoutwarning.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

const QDateTime Now = QDateTime::fromMSecsSinceEpoch(1795000000000, QTimeZone::utc());
constexpr qint64 Window = 5 * 60;

SandboxRecord endingIn(const QString &id, qint64 seconds)
{
    SandboxRecord r;
    r.id = id;
    r.provider = u"e2b"_s;
    r.status = SandboxStatus::Running;
    r.providerState = ProviderState::Running;
    r.createdAt = Now.addSecs(-600);
    r.startedAt = r.createdAt;
    r.endsAt = Now.addSecs(seconds);
    return r;
}

QStringList idsOf(const QList<TimeoutWarning> &warnings)
{
    QStringList ids;
    for (const TimeoutWarning &warning : warnings)
        ids << warning.id;
    return ids;
}

} // namespace

class tst_TimeoutWarning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void endsWithinTheWindow_data();
    void endsWithinTheWindow();
    void dueSkipsWhatWasWarnedOfForThatEnd();
    void warnsOncePerDeadline();
    void extendRearms();
    void refinedEndIsTheSameDeadline();
    void windowChangesApply();
    void zeroWindowIsOff();
    void forgetsSandboxesThatLeft();
};

void tst_TimeoutWarning::endsWithinTheWindow_data()
{
    QTest::addColumn<SandboxRecord>("record");
    QTest::addColumn<qint64>("window");
    QTest::addColumn<bool>("within");

    QTest::newRow("4 min left") << endingIn(u"a"_s, 4 * 60) << Window << true;
    QTest::newRow("exactly at the window") << endingIn(u"a"_s, Window) << Window << true;
    QTest::newRow("a second past the window") << endingIn(u"a"_s, Window + 1) << Window << false;
    QTest::newRow("an hour left") << endingIn(u"a"_s, 3600) << Window << false;
    QTest::newRow("1 s left") << endingIn(u"a"_s, 1) << Window << true;
    QTest::newRow("already over") << endingIn(u"a"_s, 0) << Window << false;
    QTest::newRow("over a minute ago") << endingIn(u"a"_s, -60) << Window << false;
    QTest::newRow("a wider window") << endingIn(u"a"_s, 9 * 60) << qint64(10 * 60) << true;
    QTest::newRow("window 0 is off") << endingIn(u"a"_s, 60) << qint64(0) << false;
    QTest::newRow("negative window is off") << endingIn(u"a"_s, 60) << qint64(-5) << false;

    SandboxRecord paused = endingIn(u"a"_s, 60);
    paused.providerState = ProviderState::Paused;
    paused.pausedAt = Now.addSecs(-10);
    QTest::newRow("paused") << paused << Window << false;
    SandboxRecord unknownState = endingIn(u"a"_s, 60);
    unknownState.providerState = ProviderState::Unknown;
    QTest::newRow("state unknown, running") << unknownState << Window << true;
    SandboxRecord ended = endingIn(u"a"_s, 60);
    ended.status = SandboxStatus::Terminated;
    ended.endedAt = Now;
    QTest::newRow("terminated") << ended << Window << false;
    SandboxRecord failed = endingIn(u"a"_s, 60);
    failed.status = SandboxStatus::Error;
    QTest::newRow("error") << failed << Window << false;
    SandboxRecord created = endingIn(u"a"_s, 60);
    created.status = SandboxStatus::Created;
    QTest::newRow("not running yet") << created << Window << false;
    SandboxRecord orphan = endingIn(u"a"_s, 60);
    orphan.orphan = true;
    QTest::newRow("orphan") << orphan << Window << false;
    SandboxRecord forever = endingIn(u"a"_s, 60);
    forever.endsAt = QDateTime();
    QTest::newRow("no end (local)") << forever << Window << false;
}

void tst_TimeoutWarning::endsWithinTheWindow()
{
    QFETCH(SandboxRecord, record);
    QFETCH(qint64, window);
    QFETCH(bool, within);
    QCOMPARE(endsWithin(record, Now, window), within);
    const QList<TimeoutWarning> due = dueTimeoutWarnings({record}, Now, window, {});
    QCOMPARE(due.size(), within ? 1 : 0);
    if (within)
        QCOMPARE(due.first(), (TimeoutWarning{record.id, record.endsAt}));
}

void tst_TimeoutWarning::dueSkipsWhatWasWarnedOfForThatEnd()
{
    const SandboxRecords records{endingIn(u"a"_s, 60), endingIn(u"b"_s, 120),
                                 endingIn(u"c"_s, 3600), endingIn(u"d"_s, 200)};
    QCOMPARE(idsOf(dueTimeoutWarnings(records, Now, Window, {})),
             (QStringList{u"a"_s, u"b"_s, u"d"_s}));
    // "a" was warned of for this very end; "b" for an earlier one (it was extended since).
    const WarnedDeadlines warned{{u"a"_s, records[0].endsAt}, {u"b"_s, Now.addSecs(-30)}};
    QCOMPARE(idsOf(dueTimeoutWarnings(records, Now, Window, warned)),
             (QStringList{u"b"_s, u"d"_s}));
}

void tst_TimeoutWarning::warnsOncePerDeadline()
{
    TimeoutWatch watch;
    QCOMPARE(watch.windowSeconds(), 5 * 60); // the default: 5 minutes
    SandboxRecords records{endingIn(u"a"_s, 10 * 60), endingIn(u"b"_s, 3600)};

    // Not yet: 10 minutes left.
    QVERIFY(watch.check(records, Now).isEmpty());
    // Five minutes later "a" has 5 left: warned of, once.
    const QDateTime later = Now.addSecs(5 * 60);
    const QList<TimeoutWarning> due = watch.check(records, later);
    QCOMPARE(due, (QList<TimeoutWarning>{{u"a"_s, records[0].endsAt}}));
    QVERIFY(watch.wasWarned(u"a"_s, records[0].endsAt));
    QVERIFY(watch.check(records, later).isEmpty());
    QVERIFY(watch.check(records, later.addSecs(60)).isEmpty());
    QVERIFY(watch.check(records, later.addSecs(299)).isEmpty());
    // "b" comes into the window on its own time, and is warned of once too.
    QCOMPARE(idsOf(watch.check(records, Now.addSecs(3600 - 4 * 60))), QStringList{u"b"_s});
    QVERIFY(watch.check(records, Now.addSecs(3600 - 3 * 60)).isEmpty());
}

void tst_TimeoutWarning::extendRearms()
{
    TimeoutWatch watch;
    SandboxRecords records{endingIn(u"a"_s, 4 * 60)};
    QCOMPARE(idsOf(watch.check(records, Now)), QStringList{u"a"_s});
    QVERIFY(watch.check(records, Now).isEmpty());

    // Extended by an hour: out of the window, nothing to say.
    records[0].endsAt = records[0].endsAt.addSecs(3600);
    QVERIFY(watch.check(records, Now).isEmpty());
    QVERIFY(!watch.wasWarned(u"a"_s, records[0].endsAt));
    // An hour on, the new end is near: warned of again, once.
    const QDateTime hourOn = Now.addSecs(3600);
    QCOMPARE(watch.check(records, hourOn), (QList<TimeoutWarning>{{u"a"_s, records[0].endsAt}}));
    QVERIFY(watch.check(records, hourOn).isEmpty());

    // Extended by only a minute: still in the window, but a new deadline, so a new warning.
    records[0].endsAt = records[0].endsAt.addSecs(60);
    QCOMPARE(idsOf(watch.check(records, hourOn)), QStringList{u"a"_s});
    QVERIFY(watch.check(records, hourOn).isEmpty());
}

void tst_TimeoutWarning::refinedEndIsTheSameDeadline()
{
    // E2B's create answer has no end (it is estimated); its list then says its own, a moment
    // off: no second warning. A minute off is a new deadline.
    TimeoutWatch watch;
    SandboxRecords records{endingIn(u"a"_s, 300)};
    QCOMPARE(watch.check(records, Now).size(), 1);
    records[0].endsAt = records[0].endsAt.addMSecs(1500);
    QVERIFY(watch.check(records, Now).isEmpty());
    records[0].endsAt = records[0].endsAt.addSecs(-20);
    QVERIFY(watch.check(records, Now).isEmpty());
    QVERIFY(sameDeadline(Now, Now.addSecs(SameDeadlineSeconds)));
    QVERIFY(!sameDeadline(Now, Now.addSecs(SameDeadlineSeconds + 1)));
    QVERIFY(!sameDeadline(Now, QDateTime()));
    records[0].endsAt = Now.addSecs(300 - 60);
    QCOMPARE(watch.check(records, Now).size(), 1);
}

void tst_TimeoutWarning::windowChangesApply()
{
    TimeoutWatch watch(60);
    const SandboxRecords records{endingIn(u"a"_s, 4 * 60)};
    QVERIFY(watch.check(records, Now).isEmpty());
    watch.setWindowSeconds(10 * 60);
    QCOMPARE(idsOf(watch.check(records, Now)), QStringList{u"a"_s});
}

void tst_TimeoutWarning::zeroWindowIsOff()
{
    TimeoutWatch watch(0);
    SandboxRecords records{endingIn(u"a"_s, 60), endingIn(u"b"_s, 1)};
    QVERIFY(watch.check(records, Now).isEmpty());
    QVERIFY(watch.warned().isEmpty());
    // Turned on again, they are due.
    watch.setWindowSeconds(Window);
    QCOMPARE(idsOf(watch.check(records, Now)), (QStringList{u"a"_s, u"b"_s}));
    // And off: nothing, even for a new deadline.
    watch.setWindowSeconds(0);
    records[0].endsAt = records[0].endsAt.addSecs(30);
    QVERIFY(watch.check(records, Now).isEmpty());
}

void tst_TimeoutWarning::forgetsSandboxesThatLeft()
{
    TimeoutWatch watch;
    SandboxRecords records{endingIn(u"a"_s, 60), endingIn(u"b"_s, 60)};
    QCOMPARE(watch.check(records, Now).size(), 2);
    QCOMPARE(watch.warned().size(), 2);
    records.removeFirst();
    QVERIFY(watch.check(records, Now).isEmpty());
    QCOMPARE(watch.warned().keys(), QStringList{u"b"_s});
    // Paused: no longer due, and its warning kept for that same end (a resume with the same
    // end is no news).
    records[0].providerState = ProviderState::Paused;
    QVERIFY(watch.check(records, Now).isEmpty());
    records[0].providerState = ProviderState::Running;
    QVERIFY(watch.check(records, Now).isEmpty());
}

QTEST_GUILESS_MAIN(tst_TimeoutWarning)
#include "tst_timeoutwarning.moc"
