// SPDX-License-Identifier: MIT
#include "sandboxfiltermodel.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QIcon>
#include <QImage>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

const QDateTime T0(QDate(2026, 3, 1), QTime(12, 0), QTimeZone::utc());

// A sandbox whose fields follow from its id, so that two calls give equal records.
SandboxRecord sandbox(const QString &id)
{
    SandboxRecord r;
    r.id = id;
    r.providerId = u"prov-"_s + id;
    r.provider = u"local"_s;
    r.templateId = u"base"_s;
    r.status = SandboxStatus::Running;
    r.repoUrl = u"https://github.com/acme/"_s + id + u".git"_s;
    r.metadata = u"{}"_s;
    r.createdAt = T0.addSecs(60 * (id.isEmpty() ? 0 : id.at(0).unicode()));
    r.updatedAt = r.createdAt;
    return r;
}

// "a b* c": sandboxes a, b and c, where a trailing * marks a changed version (now in ERROR).
SandboxRecords parseRecords(const QString &spec)
{
    SandboxRecords records;
    for (const QString &word : spec.split(u' ', Qt::SkipEmptyParts)) {
        const bool changed = word.endsWith(u'*');
        SandboxRecord r = sandbox(changed ? word.chopped(1) : word);
        if (changed) {
            r.status = SandboxStatus::Error;
            r.statusDetail = u"boom"_s;
        }
        records.append(r);
    }
    return records;
}

QStringList idsOf(const SandboxTableModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, SandboxTableModel::IdColumn).data().toString();
    return ids;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// Every model signal, with the ids of the rows it is about (read while it is emitted).
struct SignalLog
{
    explicit SignalLog(SandboxTableModel &model)
        : resets(&model, &QAbstractItemModel::modelReset)
        , layouts(&model, &QAbstractItemModel::layoutChanged)
        , counts(&model, &SandboxTableModel::statusCountsChanged)
    {
        QObject::connect(
            &model, &QAbstractItemModel::dataChanged, &model,
            [this, &model](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                ++changeSignals;
                for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                    changed << model.record(row).id;
            });
        QObject::connect(&model, &QAbstractItemModel::rowsInserted, &model,
                         [this, &model](const QModelIndex &, int first, int last) {
                             ++insertSignals;
                             for (int row = first; row <= last; ++row)
                                 inserted << model.record(row).id;
                         });
        QObject::connect(&model, &QAbstractItemModel::rowsAboutToBeRemoved, &model,
                         [this, &model](const QModelIndex &, int first, int last) {
                             ++removeSignals;
                             for (int row = first; row <= last; ++row)
                                 removed << model.record(row).id;
                         });
    }

    QStringList changed;
    QStringList inserted;
    QStringList removed;
    int changeSignals = 0;
    int insertSignals = 0;
    int removeSignals = 0;
    QSignalSpy resets;
    QSignalSpy layouts;
    QSignalSpy counts;
};

} // namespace

class tst_SandboxTableModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void applySnapshot_data();
    void applySnapshot();
    void firstLoadIsOneInsertOfTheSameList();
    void firstPageThenEverythingAdoptsTheList();
    void changedColumns_data();
    void changedColumns();
    void removalSignalsSeeConsistentRows();
    void randomSnapshotsMatchReference();
    void updateSandbox();
    void statusCounts_data();
    void statusCounts();
    void ageText_data();
    void ageText();
    void displayText_data();
    void displayText();
    void roles();
    void providerColumnsAndBadges();
    void pooledBadge();
    void statusIconsDifferInShape();
    void headers();
    void costColumn();
    void latestSampleColumns();
    void latestSamplesSortByValue();
};

void tst_SandboxTableModel::applySnapshot_data()
{
    QTest::addColumn<QString>("initial");
    QTest::addColumn<QString>("snapshot");
    QTest::addColumn<bool>("complete");
    QTest::addColumn<QString>("rows");
    QTest::addColumn<QString>("changed");
    QTest::addColumn<QString>("inserted");
    QTest::addColumn<QString>("removed");
    QTest::addColumn<int>("changeSignals");
    QTest::addColumn<int>("removeSignals");

    QTest::newRow("insert into empty") << ""
                                       << "a b c" << true << "a b c"
                                       << ""
                                       << "a b c"
                                       << "" << 0 << 0;
    QTest::newRow("update some") << "a b c d"
                                 << "a b* c d*" << true << "a b c d"
                                 << "b d"
                                 << ""
                                 << "" << 2 << 0;
    QTest::newRow("adjacent updates coalesce") << "a b c d"
                                               << "a b* c* d" << true << "a b c d"
                                               << "b c"
                                               << ""
                                               << "" << 1 << 0;
    QTest::newRow("remove some") << "a b c d e"
                                 << "a c e" << true << "a c e"
                                 << ""
                                 << ""
                                 << "b d" << 0 << 2;
    QTest::newRow("adjacent removals are one range") << "a b c d e"
                                                     << "a d e" << true << "a d e"
                                                     << ""
                                                     << ""
                                                     << "b c" << 0 << 1;
    QTest::newRow("mixed") << "a b c d e"
                           << "e* c f a g" << true << "a c e f g"
                           << "e"
                           << "f g"
                           << "b d" << 1 << 2;
    QTest::newRow("first page removes nothing") << "a b c d"
                                                << "b* e" << false << "a b c d e"
                                                << "b"
                                                << "e"
                                                << "" << 1 << 0;
    QTest::newRow("no change emits nothing") << "a b c"
                                             << "a b c" << true << "a b c"
                                             << ""
                                             << ""
                                             << "" << 0 << 0;
    QTest::newRow("another order emits nothing") << "a b c"
                                                 << "c a b" << true << "a b c"
                                                 << ""
                                                 << ""
                                                 << "" << 0 << 0;
    QTest::newRow("remove all") << "a b"
                                << "" << true << ""
                                << ""
                                << ""
                                << "a b" << 0 << 1;
    QTest::newRow("empty first page") << "a b"
                                      << "" << false << "a b"
                                      << ""
                                      << ""
                                      << "" << 0 << 0;
    QTest::newRow("an id twice: the later wins") << "a"
                                                 << "b c b*" << true << "b c"
                                                 << ""
                                                 << "b c"
                                                 << "a" << 0 << 1;
    QTest::newRow("an id twice into empty") << ""
                                            << "a b a*" << true << "a b"
                                            << ""
                                            << "a b"
                                            << "" << 0 << 0;
    QTest::newRow("an existing id twice") << "a b"
                                          << "a* b a" << true << "a b"
                                          << ""
                                          << ""
                                          << "" << 0 << 0;
}

void tst_SandboxTableModel::applySnapshot()
{
    QFETCH(QString, initial);
    QFETCH(QString, snapshot);
    QFETCH(bool, complete);
    QFETCH(QString, rows);
    QFETCH(QString, changed);
    QFETCH(QString, inserted);
    QFETCH(QString, removed);
    QFETCH(int, changeSignals);
    QFETCH(int, removeSignals);

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const SandboxRecords before = parseRecords(initial);
    model.applySnapshot(before);
    const SandboxRecords after = parseRecords(snapshot);

    SignalLog log(model);
    model.applySnapshot(after, complete);

    QCOMPARE(idsOf(model), rows.split(u' ', Qt::SkipEmptyParts));
    QCOMPARE(sorted(log.changed), changed.split(u' ', Qt::SkipEmptyParts));
    QCOMPARE(sorted(log.inserted), inserted.split(u' ', Qt::SkipEmptyParts));
    QCOMPARE(sorted(log.removed), removed.split(u' ', Qt::SkipEmptyParts));
    QCOMPARE(log.changeSignals, changeSignals);
    QCOMPARE(log.insertSignals, inserted.isEmpty() ? 0 : 1);
    QCOMPARE(log.removeSignals, removeSignals);
    QCOMPARE(log.resets.size(), 0);
    QCOMPARE(log.layouts.size(), 0);

    // Every row holds the snapshot's version of its sandbox (the last one listed), or the one it
    // had when the snapshot did not list it.
    QHash<QString, SandboxRecord> expected;
    for (const SandboxRecord &r : before)
        expected.insert(r.id, r);
    for (const SandboxRecord &r : after)
        expected.insert(r.id, r);
    for (int row = 0; row < model.rowCount(); ++row) {
        const SandboxRecord &r = model.record(row);
        QCOMPARE(r, expected.value(r.id));
        QCOMPARE(model.rowOf(r.id), row);
    }
    for (const QString &id : removed.split(u' ', Qt::SkipEmptyParts))
        QCOMPARE(model.rowOf(id), -1);
    QCOMPARE(model.records().size(), model.rowCount());
}

void tst_SandboxTableModel::firstLoadIsOneInsertOfTheSameList()
{
    SandboxRecords records;
    for (int i = 0; i < 500; ++i)
        records.append(sandbox(u"sb-%1"_s.arg(i)));
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy counts(&model, &SandboxTableModel::statusCountsChanged);

    model.applySnapshot(records);

    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 499);
    QCOMPARE(counts.size(), 1);
    // Adopted, not copied.
    QVERIFY(model.records().isSharedWith(records));
    QCOMPARE(model.rowOf(u"sb-250"_s), 250);
}

void tst_SandboxTableModel::firstPageThenEverythingAdoptsTheList()
{
    SandboxRecords all;
    for (int i = 0; i < 500; ++i)
        all.append(sandbox(u"sb-%1"_s.arg(i)));
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(all.mid(0, 200), false);
    QPersistentModelIndex held = model.index(150, SandboxTableModel::IdColumn);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.applySnapshot(all, true);

    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 200);
    QCOMPARE(inserted.at(0).at(2).toInt(), 499);
    QCOMPARE(changed.size(), 0);
    QVERIFY(model.records().isSharedWith(all));
    QCOMPARE(held.data().toString(), u"sb-150"_s);
    QCOMPARE(model.rowOf(u"sb-499"_s), 499);

    // A first page that changed meanwhile is not a prefix: the general path applies it.
    SandboxTableModel other;
    QAbstractItemModelTester otherTester(&other,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    other.applySnapshot(all.mid(0, 200), false);
    SandboxRecords moved = all;
    moved[10].status = SandboxStatus::Terminated;
    QSignalSpy otherChanged(&other, &QAbstractItemModel::dataChanged);
    other.applySnapshot(moved, true);
    QCOMPARE(otherChanged.size(), 1);
    QCOMPARE(other.record(10).status, SandboxStatus::Terminated);
    QCOMPARE(other.rowCount(), 500);
}

void tst_SandboxTableModel::changedColumns_data()
{
    QTest::addColumn<int>("change");
    QTest::addColumn<int>("firstColumn");
    QTest::addColumn<int>("lastColumn");

    QTest::newRow("status") << 0 << int(SandboxTableModel::StatusColumn)
                            << int(SandboxTableModel::StatusColumn);
    QTest::newRow("status detail")
        << 1 << int(SandboxTableModel::StatusColumn) << int(SandboxTableModel::StatusColumn);
    QTest::newRow("terminated greys the row") << 2 << 0 << SandboxTableModel::ColumnCount - 1;
    QTest::newRow("last used") << 3 << int(SandboxTableModel::LastUsedColumn)
                               << int(SandboxTableModel::LastUsedColumn);
    QTest::newRow("task and repo")
        << 4 << int(SandboxTableModel::RepoColumn) << int(SandboxTableModel::TaskColumn);
    QTest::newRow("metadata only")
        << 5 << int(SandboxTableModel::IdColumn) << int(SandboxTableModel::IdColumn);
    QTest::newRow("created at breaks ties everywhere")
        << 6 << 0 << SandboxTableModel::ColumnCount - 1;
    QTest::newRow("provider id") << 7 << int(SandboxTableModel::IdColumn)
                                 << int(SandboxTableModel::IdColumn);
}

void tst_SandboxTableModel::changedColumns()
{
    QFETCH(int, change);
    QFETCH(int, firstColumn);
    QFETCH(int, lastColumn);

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(parseRecords(u"a b c"_s));
    SandboxRecord r = sandbox(u"b"_s);
    switch (change) {
    case 0:
        r.status = SandboxStatus::Error;
        break;
    case 1:
        r.statusDetail = u"slow start"_s;
        break;
    case 2:
        r.status = SandboxStatus::Terminated;
        break;
    case 3:
        r.lastUsedAt = T0.addSecs(3600);
        break;
    case 4:
        r.taskId = u"t-1"_s;
        r.repoUrl.clear();
        break;
    case 5:
        r.metadata = u"{\"team\":\"ops\"}"_s;
        break;
    case 6:
        r.createdAt = T0;
        break;
    case 7:
        r.providerId = u"other"_s;
        break;
    }
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.updateSandbox(r);

    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 1);
    QCOMPARE(topLeft.column(), firstColumn);
    QCOMPARE(bottomRight.column(), lastColumn);
    QCOMPARE(model.record(1), r);
}

// While the removals are announced range by range, the rows already announced as gone stay in
// storage; every reader in between must still see exactly the rows the signals describe.
void tst_SandboxTableModel::removalSignalsSeeConsistentRows()
{
    QStringList all;
    for (int i = 0; i < 20; ++i)
        all << u"r%1"_s.arg(i, 2, 10, QLatin1Char('0'));
    const QStringList gone{u"r01"_s, u"r02"_s, u"r05"_s, u"r10"_s, u"r11"_s, u"r12"_s, u"r18"_s};

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(parseRecords(all.join(u' ')));

    QStringList expected = all;
    int removals = 0;
    connect(&model, &QAbstractItemModel::rowsRemoved, this,
            [&](const QModelIndex &, int first, int last) {
                ++removals;
                expected.remove(first, last - first + 1);
                QCOMPARE(model.rowCount(), expected.size());
                QCOMPARE(idsOf(model), expected);
                for (int row = 0; row < model.rowCount(); ++row) {
                    QCOMPARE(model.record(row).id, expected.at(row));
                    QCOMPARE(model.rowOf(expected.at(row)), row);
                }
                for (const QString &id : gone) {
                    if (!expected.contains(id))
                        QCOMPARE(model.rowOf(id), -1);
                }
                if (removals == 2) {
                    // Reading the whole list in between compacts early; what follows still fits.
                    QStringList listed;
                    for (const SandboxRecord &r : model.records())
                        listed << r.id;
                    QCOMPARE(listed, expected);
                }
            });

    QStringList kept = all;
    for (const QString &id : gone)
        kept.removeOne(id);
    model.applySnapshot(parseRecords(kept.join(u' ')));

    QCOMPARE(removals, 4); // r18, r10–r12, r05, r01–r02
    QCOMPARE(idsOf(model), kept);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(kept.at(row)), row);
}

// Snapshots in random order with random changes, additions and removals, against a plain
// list-based reference of what the model should hold.
void tst_SandboxTableModel::randomSnapshotsMatchReference()
{
    QRandomGenerator random(20260301);
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SandboxRecords reference;
    int nextId = 0;

    for (int round = 0; round < 40; ++round) {
        SandboxRecords snapshot;
        for (const SandboxRecord &r : std::as_const(reference)) {
            if (random.bounded(100) < 8)
                continue; // gone (when the snapshot is complete)
            SandboxRecord next = r;
            if (random.bounded(100) < 10)
                next.status = AllSandboxStatuses[random.bounded(4)];
            if (random.bounded(100) < 5)
                next.lastUsedAt = T0.addSecs(random.bounded(100000));
            snapshot.append(next);
        }
        const int fresh = random.bounded(30);
        for (int i = 0; i < fresh; ++i)
            snapshot.append(sandbox(u"n%1"_s.arg(nextId++)));
        if (random.bounded(2))
            std::shuffle(snapshot.begin(), snapshot.end(), random);
        const bool complete = random.bounded(100) < 80;

        // The reference: rows keep their places, new ones follow in snapshot order.
        QHash<QString, SandboxRecord> byId;
        for (const SandboxRecord &r : std::as_const(snapshot))
            byId.insert(r.id, r);
        SandboxRecords expected;
        QSet<QString> known;
        for (const SandboxRecord &r : std::as_const(reference)) {
            known.insert(r.id);
            if (byId.contains(r.id))
                expected.append(byId.value(r.id));
            else if (!complete)
                expected.append(r);
        }
        for (const SandboxRecord &r : std::as_const(snapshot)) {
            if (!known.contains(r.id))
                expected.append(r);
        }

        model.applySnapshot(snapshot, complete);
        reference = expected;

        QCOMPARE(model.rowCount(), reference.size());
        QMap<SandboxStatus, int> counts;
        for (SandboxStatus status : AllSandboxStatuses)
            counts.insert(status, 0);
        for (int row = 0; row < reference.size(); ++row) {
            QCOMPARE(model.record(row), reference.at(row));
            QCOMPARE(model.rowOf(reference.at(row).id), row);
            ++counts[reference.at(row).status];
        }
        QCOMPARE(model.statusCounts(), counts);
    }
}

void tst_SandboxTableModel::updateSandbox()
{
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(parseRecords(u"a b"_s));
    SignalLog log(model);

    model.updateSandbox(sandbox(u"a"_s)); // the same: nothing
    QCOMPARE(log.changeSignals, 0);

    SandboxRecord changed = sandbox(u"b"_s);
    changed.status = SandboxStatus::Error;
    model.updateSandbox(changed);
    QCOMPARE(log.changed, QStringList{u"b"_s});
    QCOMPARE(log.counts.size(), 1);

    model.updateSandbox(sandbox(u"c"_s));
    QCOMPARE(log.inserted, QStringList{u"c"_s});
    QCOMPARE(idsOf(model), (QStringList{u"a"_s, u"b"_s, u"c"_s}));
    QCOMPARE(model.record(1), changed);
    QCOMPARE(model.rowOf(u"c"_s), 2);
    QCOMPARE(log.counts.size(), 2);
}

void tst_SandboxTableModel::statusCounts_data()
{
    QTest::addColumn<QString>("initial");
    QTest::addColumn<QString>("snapshot");
    QTest::addColumn<QList<int>>("counts"); // created, running, terminated, error
    QTest::addColumn<bool>("signalled");

    QTest::newRow("first load") << ""
                                << "a b c" << QList<int>{0, 3, 0, 0} << true;
    QTest::newRow("one errs") << "a b c"
                              << "a b* c" << QList<int>{0, 2, 0, 1} << true;
    QTest::newRow("one goes") << "a b* c"
                              << "a b*" << QList<int>{0, 1, 0, 1} << true;
    QTest::newRow("no change") << "a b* c"
                               << "c a b*" << QList<int>{0, 2, 0, 1} << false;
    QTest::newRow("swap keeps counts") << "a b* c"
                                       << "a* b c" << QList<int>{0, 2, 0, 1} << false;
    QTest::newRow("empty") << "a b"
                           << "" << QList<int>{0, 0, 0, 0} << true;
}

void tst_SandboxTableModel::statusCounts()
{
    QFETCH(QString, initial);
    QFETCH(QString, snapshot);
    QFETCH(QList<int>, counts);
    QFETCH(bool, signalled);

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(parseRecords(initial));
    QSignalSpy spy(&model, &SandboxTableModel::statusCountsChanged);
    model.applySnapshot(parseRecords(snapshot));

    QCOMPARE(spy.size(), signalled ? 1 : 0);
    const QMap<SandboxStatus, int> byStatus = model.statusCounts();
    QCOMPARE(byStatus.size(), 4);
    for (SandboxStatus status : AllSandboxStatuses) {
        QCOMPARE(byStatus.value(status), counts.at(int(status)));
        QCOMPARE(model.statusCount(status), counts.at(int(status)));
    }
}

void tst_SandboxTableModel::ageText_data()
{
    QTest::addColumn<QDateTime>("since");
    QTest::addColumn<qint64>("secondsLater");
    QTest::addColumn<QString>("text");

    QTest::newRow("never") << QDateTime() << qint64(10) << u"—"_s;
    QTest::newRow("now") << T0 << qint64(0) << u"0s"_s;
    QTest::newRow("59 seconds") << T0 << qint64(59) << u"59s"_s;
    QTest::newRow("a minute") << T0 << qint64(60) << u"1m"_s;
    QTest::newRow("59 minutes") << T0 << qint64(3599) << u"59m"_s;
    QTest::newRow("an hour") << T0 << qint64(3600) << u"1h"_s;
    QTest::newRow("23 hours") << T0 << qint64(86399) << u"23h"_s;
    QTest::newRow("a day") << T0 << qint64(86400) << u"1d"_s;
    QTest::newRow("400 days") << T0 << qint64(400 * 86400) << u"400d"_s;
    QTest::newRow("in the future (skew)") << T0 << qint64(-30) << u"0s"_s;
    QTest::newRow("other time zone") << T0.toOffsetFromUtc(3600) << qint64(7200) << u"2h"_s;
}

void tst_SandboxTableModel::ageText()
{
    QFETCH(QDateTime, since);
    QFETCH(qint64, secondsLater);
    QFETCH(QString, text);

    QCOMPARE(SandboxTableModel::ageText(since, T0.addSecs(secondsLater)), text);
}

void tst_SandboxTableModel::displayText_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("sparse"); // task, agent, repo and last use empty
    QTest::addColumn<QString>("text");

    QTest::newRow("status") << int(SandboxTableModel::StatusColumn) << false << u"Error"_s;
    QTest::newRow("id") << int(SandboxTableModel::IdColumn) << false
                        << u"0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f"_s;
    QTest::newRow("provider") << int(SandboxTableModel::ProviderColumn) << false << u"e2b"_s;
    QTest::newRow("template") << int(SandboxTableModel::TemplateColumn) << false
                              << u"python-3.12"_s;
    QTest::newRow("task") << int(SandboxTableModel::TaskColumn) << false << u"task-7"_s;
    QTest::newRow("no task") << int(SandboxTableModel::TaskColumn) << true << u"—"_s;
    QTest::newRow("agent") << int(SandboxTableModel::AgentColumn) << false << u"agent-3"_s;
    QTest::newRow("no agent") << int(SandboxTableModel::AgentColumn) << true << u"—"_s;
    QTest::newRow("repo") << int(SandboxTableModel::RepoColumn) << false
                          << u"https://github.com/acme/api.git"_s;
    QTest::newRow("no repo") << int(SandboxTableModel::RepoColumn) << true << u"—"_s;
    QTest::newRow("age") << int(SandboxTableModel::AgeColumn) << false << u"2h"_s;
    QTest::newRow("last used") << int(SandboxTableModel::LastUsedColumn) << false << u"5m"_s;
    QTest::newRow("never used") << int(SandboxTableModel::LastUsedColumn) << true << u"—"_s;
}

void tst_SandboxTableModel::displayText()
{
    QFETCH(int, column);
    QFETCH(bool, sparse);
    QFETCH(QString, text);

    SandboxRecord r;
    r.id = u"0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f"_s;
    r.provider = u"e2b"_s;
    r.templateId = u"python-3.12"_s;
    r.status = SandboxStatus::Error;
    r.statusDetail = u"template build failed"_s;
    r.createdAt = T0;
    if (!sparse) {
        r.taskId = u"task-7"_s;
        r.agentId = u"agent-3"_s;
        r.repoUrl = u"https://github.com/acme/api.git"_s;
        r.lastUsedAt = T0.addSecs(2 * 3600 - 300);
    }
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReferenceTime(T0.addSecs(2 * 3600));
    model.applySnapshot({r});

    QCOMPARE(model.index(0, column).data().toString(), text);
}

void tst_SandboxTableModel::roles()
{
    SandboxRecord running = sandbox(u"a"_s);
    running.lastUsedAt = T0.addSecs(3600);
    SandboxRecord ended = sandbox(u"b"_s);
    ended.status = SandboxStatus::Terminated;
    ended.statusDetail = u"cleaned up after 24 h"_s;
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({running, ended});

    const QModelIndex status = model.index(1, SandboxTableModel::StatusColumn);
    QCOMPARE(status.data(SandboxTableModel::IdRole).toString(), u"b"_s);
    QCOMPARE(status.data(SandboxTableModel::StatusRole).toInt(), int(SandboxStatus::Terminated));
    QCOMPARE(status.data(SandboxTableModel::RecordRole).value<SandboxRecord>(), ended);
    QCOMPARE(status.data(Qt::ToolTipRole).toString(), u"Terminated: cleaned up after 24 h"_s);
    QCOMPARE(model.index(0, SandboxTableModel::StatusColumn).data(Qt::ToolTipRole).toString(),
             u"Running"_s);

    // Greyed out when terminated, every column; the theme's colour otherwise.
    for (int column = 0; column < SandboxTableModel::ColumnCount; ++column) {
        QVERIFY(model.index(1, column).data(Qt::ForegroundRole).value<QBrush>().color().isValid());
        QVERIFY(!model.index(0, column).data(Qt::ForegroundRole).isValid());
    }

    // Raw values to sort by.
    const auto sortValue = [&model](int row, int column) {
        return model.index(row, column).data(SandboxTableModel::SortRole);
    };
    QCOMPARE(sortValue(0, SandboxTableModel::StatusColumn).toInt(),
             SandboxTableModel::statusSortKey(SandboxStatus::Running));
    QVERIFY(SandboxTableModel::statusSortKey(SandboxStatus::Created)
            < SandboxTableModel::statusSortKey(SandboxStatus::Running));
    QVERIFY(SandboxTableModel::statusSortKey(SandboxStatus::Running)
            < SandboxTableModel::statusSortKey(SandboxStatus::Error));
    QVERIFY(SandboxTableModel::statusSortKey(SandboxStatus::Error)
            < SandboxTableModel::statusSortKey(SandboxStatus::Terminated));
    QCOMPARE(sortValue(0, SandboxTableModel::AgeColumn).toLongLong(),
             running.createdAt.toMSecsSinceEpoch());
    QCOMPARE(sortValue(0, SandboxTableModel::LastUsedColumn).toLongLong(),
             running.lastUsedAt.toMSecsSinceEpoch());
    QCOMPARE(sortValue(1, SandboxTableModel::LastUsedColumn).toLongLong(),
             std::numeric_limits<qint64>::min());
    QCOMPARE(sortValue(0, SandboxTableModel::RepoColumn).toString(), running.repoUrl);
    QCOMPARE(sortValue(0, SandboxTableModel::TaskColumn).toString(), QString());

    // Times read from the right, text from the left.
    const auto alignment = [&model](int column) {
        return Qt::Alignment(model.index(0, column).data(Qt::TextAlignmentRole).toInt());
    };
    QVERIFY(alignment(SandboxTableModel::AgeColumn) & Qt::AlignRight);
    QVERIFY(alignment(SandboxTableModel::LastUsedColumn) & Qt::AlignRight);
    QVERIFY(alignment(SandboxTableModel::IdColumn) & Qt::AlignLeft);

    QCOMPARE(model.flags(status) & Qt::ItemIsEditable, Qt::NoItemFlags);
    QVERIFY(model.flags(status) & Qt::ItemIsSelectable);
    QVERIFY(!model.index(0, 0, status).isValid());
    QCOMPARE(model.rowCount(status), 0);
    QCOMPARE(model.columnCount(status), 0);
}

// Ring, disc, square, triangle: told apart by shape alone, without colour.
void tst_SandboxTableModel::statusIconsDifferInShape()
{
    SandboxRecords records;
    for (SandboxStatus status : AllSandboxStatuses) {
        SandboxRecord r = sandbox(sandboxStatusName(status));
        r.status = status;
        records.append(r);
    }
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot(records);

    QList<QImage> masks;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QVariant decoration
            = model.index(row, SandboxTableModel::StatusColumn).data(Qt::DecorationRole);
        QVERIFY(decoration.canConvert<QIcon>());
        const QIcon icon = decoration.value<QIcon>();
        QVERIFY(!icon.isNull());
        const QImage image = icon.pixmap(QSize(16, 16)).toImage();
        QCOMPARE(image.size(), QSize(16, 16));
        masks << image.convertToFormat(QImage::Format_Alpha8);
        // Painted in the status's colour.
        const QColor centre = image.pixelColor(8, 10);
        const QColor colour = presentationOf(model.record(row).status).colour;
        if (model.record(row).status != SandboxStatus::Created) // a ring: hollow in the middle
            QCOMPARE(centre.rgb() & 0xffffff, colour.rgb() & 0xffffff);
        // The same icon object for the same status, each time.
        QCOMPARE(model.index(row, SandboxTableModel::StatusColumn)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .cacheKey(),
                 icon.cacheKey());
    }
    for (int i = 0; i < masks.size(); ++i) {
        for (int j = i + 1; j < masks.size(); ++j)
            QVERIFY2(masks.at(i) != masks.at(j), "two statuses share a shape");
    }
    QVERIFY(!model.index(0, SandboxTableModel::IdColumn).data(Qt::DecorationRole).isValid());
}

void tst_SandboxTableModel::providerColumnsAndBadges()
{
    SandboxRecord running = sandbox(u"a"_s);
    running.provider = u"e2b"_s;
    running.providerState = ProviderState::Running;
    running.cpuCount = 2;
    running.memoryMb = 2048;
    running.diskMb = 10240;
    running.endsAt = T0.addSecs(4 * 60 + 12);
    SandboxRecord paused = running;
    paused.id = u"b"_s;
    paused.providerState = ProviderState::Paused;
    paused.memoryMb = 512;
    SandboxRecord orphan = running;
    orphan.id = u"c"_s;
    orphan.orphan = true;
    orphan.endsAt = T0.addSecs(2 * 3600 + 5 * 60);
    SandboxRecord ended = running;
    ended.id = u"d"_s;
    ended.status = SandboxStatus::Terminated;
    ended.cpuCount = 0;
    ended.memoryMb = 1536;

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReferenceTime(T0);
    model.applySnapshot({running, paused, orphan, ended});
    const auto text = [&model](int row, int column) {
        return model.index(row, column).data().toString();
    };
    const auto badge = [&model](int row) {
        return SandboxBadge(model.index(row, SandboxTableModel::StatusColumn)
                                .data(SandboxTableModel::BadgeRole).toInt());
    };
    QCOMPARE(badge(0), SandboxBadge::Running);
    QCOMPARE(badge(1), SandboxBadge::Paused);
    QCOMPARE(badge(2), SandboxBadge::Orphan);
    QCOMPARE(badge(3), SandboxBadge::Terminated);
    QCOMPARE(text(0, SandboxTableModel::StatusColumn), u"Running"_s);
    QCOMPARE(text(1, SandboxTableModel::StatusColumn), u"Paused"_s);
    QCOMPARE(text(2, SandboxTableModel::StatusColumn), u"Orphan"_s);

    QCOMPARE(text(0, SandboxTableModel::TimeLeftColumn), u"4m 12s"_s);
    QCOMPARE(text(1, SandboxTableModel::TimeLeftColumn), u"paused"_s);
    QCOMPARE(text(2, SandboxTableModel::TimeLeftColumn), u"2h 05m"_s);
    QCOMPARE(text(3, SandboxTableModel::TimeLeftColumn), u"—"_s);
    QCOMPARE(text(0, SandboxTableModel::CpuColumn), u"2"_s);
    QCOMPARE(text(3, SandboxTableModel::CpuColumn), u"—"_s);
    QCOMPARE(text(0, SandboxTableModel::MemoryColumn), u"2 GiB"_s);
    QCOMPARE(text(1, SandboxTableModel::MemoryColumn), u"512 MiB"_s);
    QCOMPARE(text(3, SandboxTableModel::MemoryColumn), QLocale().toString(1.5, 'f', 1) + u" GiB"_s);
    QVERIFY(model.index(0, SandboxTableModel::MemoryColumn).data(Qt::ToolTipRole).toString()
                .contains(u"10 GiB"_s));

    // The soonest end sorts first; paused and ended sandboxes after every running one.
    const auto key = [&model](int row) {
        return model.index(row, SandboxTableModel::TimeLeftColumn)
            .data(SandboxTableModel::SortRole).toLongLong();
    };
    QVERIFY(key(0) < key(2));
    QVERIFY(key(2) < key(1));
    QVERIFY(key(1) < key(3));

    QCOMPARE(SandboxTableModel::timeLeftText(T0.addSecs(-5), T0), u"0s"_s);
    QCOMPARE(SandboxTableModel::timeLeftText(T0.addSecs(59), T0), u"59s"_s);
    QCOMPARE(SandboxTableModel::timeLeftText(T0.addSecs(3 * 86400 + 7200), T0), u"3d 2h"_s);
    QCOMPARE(SandboxTableModel::timeLeftText({}, T0), u"—"_s);

    // A reconcile that finds it paused changes the status and time-left cells.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    SandboxRecord nowPaused = running;
    nowPaused.providerState = ProviderState::Paused;
    model.updateSandbox(nowPaused);
    QCOMPARE(changed.size(), 1);
    const QModelIndex first = changed.first().at(0).toModelIndex();
    const QModelIndex last = changed.first().at(1).toModelIndex();
    QVERIFY(first.column() <= SandboxTableModel::StatusColumn);
    QVERIFY(last.column() >= SandboxTableModel::TimeLeftColumn);
    QCOMPARE(badge(0), SandboxBadge::Paused);
}

void tst_SandboxTableModel::headers()
{
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // In the order an operator scans them.
    const QStringList names{u"Status"_s,    u"ID"_s,        u"Template"_s, u"Repository"_s,
                            u"Age"_s,       u"Last used"_s, u"Time left"_s, u"vCPU"_s,
                            u"Memory"_s,    u"CPU %"_s,     u"Mem used"_s,  u"Cost"_s,
                            u"Task"_s,      u"Agent"_s,     u"Provider"_s};
    QCOMPARE(names.size(), int(SandboxTableModel::ColumnCount));
    for (int column = 0; column < SandboxTableModel::ColumnCount; ++column) {
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), names.at(column));
        QVERIFY(!model.headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
    }
    QVERIFY(!model.headerData(SandboxTableModel::ColumnCount, Qt::Horizontal).isValid());
}

void tst_SandboxTableModel::costColumn()
{
    // 2 vCPU and 1 GiB at E2B's rates for an hour: 3600 × (2 × 0.000014 + 0.0000045) = $0.117.
    SandboxRecord running = sandbox(u"a"_s);
    running.provider = u"e2b"_s;
    running.status = SandboxStatus::Running;
    running.cpuCount = 2;
    running.memoryMb = 1024;
    running.createdAt = running.startedAt = T0;
    SandboxRecord paused = running;  // paused for the last half hour: half the cost
    paused.id = u"b"_s;
    paused.providerState = ProviderState::Paused;
    paused.pausedAt = T0.addSecs(1800);
    SandboxRecord unknown = running;
    unknown.id = u"c"_s;
    unknown.memoryMb = 0;

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReferenceTime(T0.addSecs(3600));
    model.applySnapshot({running, paused, unknown});
    const auto text = [&model](int row) {
        return model.index(row, SandboxTableModel::CostColumn).data().toString();
    };
    QCOMPARE(text(0), u"$0.1170"_s);
    QCOMPARE(text(1), u"$0.0585"_s);
    QCOMPARE(text(2), u"—"_s);  // unknown, not $0
    QVERIFY(model.index(0, SandboxTableModel::CostColumn).data(Qt::ToolTipRole).toString()
                .contains(u"$0.1170 an hour"_s));
    QCOMPARE(model.index(2, SandboxTableModel::CostColumn).data(SandboxTableModel::SortRole)
                 .toDouble(),
             -1.0);
    QVERIFY(qAbs(model.index(0, SandboxTableModel::CostColumn)
                     .data(SandboxTableModel::SortRole).toDouble() - 0.117) < 1e-9);

    // Resuming (the pause's seconds kept) changes the cost column.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    paused.providerState = ProviderState::Running;
    paused.pausedAt = QDateTime();
    paused.pausedSeconds = 600;
    model.updateSandbox(paused);
    QCOMPARE(changed.size(), 1);
    const QModelIndex from = changed.at(0).at(0).toModelIndex();
    const QModelIndex to = changed.at(0).at(1).toModelIndex();
    QVERIFY(from.column() <= SandboxTableModel::CostColumn
            && SandboxTableModel::CostColumn <= to.column());
    QCOMPARE(text(1), u"$0.0975"_s);

    // Other rates (a profile's) re-announce the column.
    changed.clear();
    model.setCostRates({0.0001, 0.0});
    QCOMPARE(changed.size(), 1);
    QCOMPARE(text(0), u"$0.7200"_s);
    model.setCostRates({0.0001, 0.0});  // unchanged: nothing
    QCOMPARE(changed.size(), 1);
}

namespace {

MetricSample sampleOf(double cpuPercent, qint64 memoryMib, qint64 totalMib = 2048)
{
    MetricSample sample;
    sample.timestamp = T0;
    sample.cpuCount = 2;
    sample.cpuUsedPercent = cpuPercent;
    sample.memoryUsedBytes = memoryMib * 1024 * 1024;
    sample.memoryTotalBytes = totalMib * 1024 * 1024;
    return sample;
}

SandboxRecord e2bSandbox(const QString &id)
{
    SandboxRecord r = sandbox(id);
    r.provider = u"e2b"_s;
    return r;
}

} // namespace

void tst_SandboxTableModel::latestSampleColumns()
{
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SandboxRecord ended = e2bSandbox(u"d"_s);
    ended.status = SandboxStatus::Terminated;
    model.applySnapshot({e2bSandbox(u"a"_s), e2bSandbox(u"b"_s), e2bSandbox(u"c"_s), ended,
                         sandbox(u"e"_s)});
    const auto text = [&model](const QString &id, int column) {
        return model.index(model.rowOf(id), column).data().toString();
    };
    // No samples yet: a dash, right-aligned like the other numbers.
    for (const QString &id : {u"a"_s, u"d"_s, u"e"_s}) {
        QCOMPARE(text(id, SandboxTableModel::CpuUsedColumn), u"—"_s);
        QCOMPARE(text(id, SandboxTableModel::MemoryUsedColumn), u"—"_s);
    }
    for (const int column : {SandboxTableModel::CpuUsedColumn, SandboxTableModel::MemoryUsedColumn}) {
        QCOMPARE(Qt::Alignment(model.index(0, column).data(Qt::TextAlignmentRole).toInt())
                     & Qt::AlignHorizontal_Mask,
                 Qt::AlignRight);
        QCOMPARE(Qt::Alignment(model.headerData(column, Qt::Horizontal, Qt::TextAlignmentRole).toInt())
                     & Qt::AlignHorizontal_Mask,
                 Qt::AlignRight);
    }
    QVERIFY(model.index(model.rowOf(u"a"_s), SandboxTableModel::CpuUsedColumn)
                .data(Qt::ToolTipRole).toString().contains(u"No sample yet"_s));

    SignalLog log(model);
    QHash<QString, MetricSample> samples{{u"a"_s, sampleOf(37.4, 412)},
                                         {u"b"_s, sampleOf(3, 1536)},
                                         {u"d"_s, sampleOf(90, 100)},  // ended: not shown
                                         {u"zz"_s, sampleOf(50, 50)}}; // no such row: not kept
    model.setLatestSamples(samples);
    QCOMPARE(text(u"a"_s, SandboxTableModel::CpuUsedColumn), u"37 %"_s);
    QCOMPARE(text(u"a"_s, SandboxTableModel::MemoryUsedColumn), u"412 MiB"_s);
    QCOMPARE(text(u"b"_s, SandboxTableModel::CpuUsedColumn), u"3 %"_s);
    QCOMPARE(text(u"b"_s, SandboxTableModel::MemoryUsedColumn), u"1.5 GiB"_s);
    QCOMPARE(text(u"c"_s, SandboxTableModel::CpuUsedColumn), u"—"_s);
    QCOMPARE(text(u"d"_s, SandboxTableModel::CpuUsedColumn), u"—"_s);
    QVERIFY(!model.latestSamples().contains(u"zz"_s));
    const QString memoryTip = model.index(model.rowOf(u"a"_s), SandboxTableModel::MemoryUsedColumn)
                                  .data(Qt::ToolTipRole).toString();
    QVERIFY2(memoryTip.contains(u"412 MiB of 2 GiB used (20 %)"_s), qPrintable(memoryTip));
    QVERIFY(model.index(model.rowOf(u"a"_s), SandboxTableModel::CpuUsedColumn)
                .data(Qt::ToolTipRole).toString().contains(u"of 2 vCPUs"_s));
    // Only the rows whose sample came (d's too: it is held, though not shown), over the two
    // columns alone.
    QCOMPARE(sorted(log.changed), sorted({u"a"_s, u"b"_s, u"d"_s}));
    QCOMPARE(log.resets.size(), 0);
    QCOMPARE(log.layouts.size(), 0);

    // The same samples again: nothing.
    log.changed.clear();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLatestSamples(samples);
    QCOMPARE(changed.size(), 0);

    // One changes, one goes: those two rows, and only the two columns.
    samples[u"a"_s] = sampleOf(12, 412);
    samples.remove(u"b"_s);
    model.setLatestSamples(samples);
    QCOMPARE(sorted(log.changed), sorted({u"a"_s, u"b"_s}));
    for (const QList<QVariant> &signal : std::as_const(changed)) {
        QCOMPARE(signal.at(0).toModelIndex().column(), int(SandboxTableModel::CpuUsedColumn));
        QCOMPARE(signal.at(1).toModelIndex().column(), int(SandboxTableModel::MemoryUsedColumn));
    }
    QCOMPARE(text(u"a"_s, SandboxTableModel::CpuUsedColumn), u"12 %"_s);
    QCOMPARE(text(u"b"_s, SandboxTableModel::CpuUsedColumn), u"—"_s);

    // Paused: the sample (from before the pause) is not shown; resumed, it is again.
    changed.clear();
    SandboxRecord pausedA = e2bSandbox(u"a"_s);
    pausedA.providerState = ProviderState::Paused;
    model.updateSandbox(pausedA);
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.at(0).at(1).toModelIndex().column() >= SandboxTableModel::MemoryUsedColumn);
    QCOMPARE(text(u"a"_s, SandboxTableModel::CpuUsedColumn), u"—"_s);
    model.updateSandbox(e2bSandbox(u"a"_s));
    QCOMPARE(text(u"a"_s, SandboxTableModel::CpuUsedColumn), u"12 %"_s);

    // A sandbox that ends shows its sample no more, and the ended row announces the columns.
    log.changed.clear();
    changed.clear();
    SandboxRecord endedA = e2bSandbox(u"a"_s);
    endedA.status = SandboxStatus::Error;
    model.updateSandbox(endedA);
    QCOMPARE(changed.size(), 1);
    QVERIFY(changed.at(0).at(0).toModelIndex().column() <= SandboxTableModel::CpuUsedColumn);
    QVERIFY(changed.at(0).at(1).toModelIndex().column() >= SandboxTableModel::MemoryUsedColumn);
    QCOMPARE(text(u"a"_s, SandboxTableModel::CpuUsedColumn), u"—"_s);

    // A removed row takes its sample along.
    model.applySnapshot({e2bSandbox(u"b"_s), e2bSandbox(u"c"_s), ended, sandbox(u"e"_s)});
    QVERIFY(!model.latestSamples().contains(u"a"_s));
    model.setLatestSamples({});
    QVERIFY(model.latestSamples().isEmpty());
}

void tst_SandboxTableModel::latestSamplesSortByValue()
{
    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({e2bSandbox(u"a"_s), e2bSandbox(u"b"_s), e2bSandbox(u"c"_s),
                         e2bSandbox(u"d"_s)});
    // By value, not by text: "9 %" < "10 %" < "100 %", 900 MiB < 1.5 GiB; no sample first.
    model.setLatestSamples({{u"a"_s, sampleOf(100, 1536)},
                            {u"b"_s, sampleOf(9, 900)},
                            {u"c"_s, sampleOf(10, 64)}});
    const auto order = [&model](int column) {
        QList<std::pair<double, QString>> keyed;
        for (int row = 0; row < model.rowCount(); ++row) {
            keyed.append({model.index(row, column).data(SandboxTableModel::SortRole).toDouble(),
                          model.record(row).id});
        }
        std::sort(keyed.begin(), keyed.end());
        QStringList ids;
        for (const auto &[key, id] : keyed)
            ids << id;
        return ids;
    };
    QCOMPARE(order(SandboxTableModel::CpuUsedColumn), QStringList({u"d"_s, u"b"_s, u"c"_s, u"a"_s}));
    QCOMPARE(order(SandboxTableModel::MemoryUsedColumn),
             QStringList({u"d"_s, u"c"_s, u"b"_s, u"a"_s}));
    QCOMPARE(model.index(model.rowOf(u"d"_s), SandboxTableModel::CpuUsedColumn)
                 .data(SandboxTableModel::SortRole).toDouble(),
             -1.0);

    // The table's proxy sorts the same way, and re-sorts when the samples change.
    SandboxFilterModel proxy;
    proxy.setSandboxModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const auto shown = [&proxy] {
        QStringList ids;
        for (int row = 0; row < proxy.rowCount(); ++row)
            ids << proxy.index(row, SandboxTableModel::IdColumn).data().toString();
        return ids;
    };
    proxy.sort(SandboxTableModel::CpuUsedColumn, Qt::DescendingOrder);
    QCOMPARE(shown(), QStringList({u"a"_s, u"c"_s, u"b"_s, u"d"_s}));
    proxy.sort(SandboxTableModel::MemoryUsedColumn, Qt::AscendingOrder);
    QCOMPARE(shown(), QStringList({u"d"_s, u"c"_s, u"b"_s, u"a"_s}));
    model.setLatestSamples({{u"a"_s, sampleOf(100, 10)},
                            {u"b"_s, sampleOf(9, 900)},
                            {u"c"_s, sampleOf(10, 64)},
                            {u"d"_s, sampleOf(1, 2000)}});
    QCOMPARE(shown(), QStringList({u"a"_s, u"c"_s, u"b"_s, u"d"_s}));
}

void tst_SandboxTableModel::pooledBadge()
{
    // A warm pool's sandbox reads "Pooled" until a run takes it (squad.run joins its metadata);
    // the search finds it by that word, as it finds "paused" and "orphan".
    SandboxRecord pooled = sandbox(u"a"_s);
    pooled.metadata = u"{\"squad.pool\":\"base\",\"squad.sandbox_id\":\"a\"}"_s;
    SandboxRecord ordinary = sandbox(u"b"_s);
    SandboxRecord ended = pooled;
    ended.id = u"c"_s;
    ended.status = SandboxStatus::Terminated;

    SandboxTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    SandboxFilterModel proxy;
    proxy.setSandboxModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReferenceTime(T0);
    model.applySnapshot({pooled, ordinary, ended});
    const auto badge = [&model](const QString &id) {
        return SandboxBadge(model.index(model.rowOf(id), SandboxTableModel::StatusColumn)
                                .data(SandboxTableModel::BadgeRole).toInt());
    };
    QCOMPARE(badge(u"a"_s), SandboxBadge::Pooled);
    QCOMPARE(badge(u"b"_s), SandboxBadge::Running);
    QCOMPARE(badge(u"c"_s), SandboxBadge::Terminated);
    QCOMPARE(model.index(model.rowOf(u"a"_s), SandboxTableModel::StatusColumn).data().toString(),
             u"Pooled"_s);
    QCOMPARE(presentationOf(SandboxBadge::Pooled).label, u"Pooled"_s);

    proxy.setSearchText(u"pooled"_s);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data(SandboxTableModel::IdRole).toString(), u"a"_s);

    // Taken by a run: the status cell changes and the search no longer finds it.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    SandboxRecord taken = pooled;
    taken.metadata = u"{\"squad.pool\":\"base\",\"squad.run\":\"r1\",\"squad.sandbox_id\":\"a\"}"_s;
    model.updateSandbox(taken);
    QVERIFY(std::any_of(changed.cbegin(), changed.cend(), [](const QList<QVariant> &args) {
        return args.at(0).toModelIndex().column() <= SandboxTableModel::StatusColumn;
    }));
    QCOMPARE(badge(u"a"_s), SandboxBadge::Running);
    QCOMPARE(proxy.rowCount(), 0);
}

QTEST_MAIN(tst_SandboxTableModel)
#include "tst_sandboxtablemodel.moc"
