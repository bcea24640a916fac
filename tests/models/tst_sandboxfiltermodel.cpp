// SPDX-License-Identifier: MIT
#include "sandboxfiltermodel.h"
#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QPersistentModelIndex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <climits>
#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;

Q_DECLARE_METATYPE(std::optional<squad::SandboxStatus>)

namespace {

const QDateTime T0(QDate(2026, 3, 1), QTime(12, 0), QTimeZone::utc());
// The moment the cost column is estimated at, where a test sorts by it (a whole minute).
const QDateTime CostNow = T0.addDays(1);

SandboxRecord make(const QString &id, SandboxStatus status, const QString &provider,
                   const QString &templateId, const QString &task, const QString &agent,
                   const QString &repo, int createdMinutes, int lastUsedMinutes)
{
    SandboxRecord r;
    r.id = id;
    r.providerId = u"sbx-"_s + id.toLower();
    r.status = status;
    r.provider = provider;
    r.templateId = templateId;
    r.taskId = task;
    r.agentId = agent;
    r.repoUrl = repo;
    r.createdAt = T0.addSecs(60 * createdMinutes);
    if (lastUsedMinutes >= 0)
        r.lastUsedAt = T0.addSecs(60 * lastUsedMinutes);
    return r;
}

// Four sandboxes whose every column has ties or case differences somewhere.
SandboxRecords fixture()
{
    SandboxRecord a1 = make(u"a1"_s, SandboxStatus::Running, u"e2b"_s, u"base"_s, QString(),
                            u"agent-b"_s, u"https://github.com/acme/api.git"_s, 10, 50);
    SandboxRecord b2 = make(u"B2"_s, SandboxStatus::Error, u"local"_s, u"Base"_s, u"task-2"_s,
                            QString(), QString(), 20, -1);
    b2.statusDetail = u"Template build failed: disk full"_s;
    SandboxRecord c3 = make(u"c3"_s, SandboxStatus::Created, u"E2B"_s, u"python"_s, u"task-1"_s,
                            u"agent-a"_s, u"https://github.com/acme/web.git"_s, 5, 30);
    SandboxRecord d4 = make(u"d4"_s, SandboxStatus::Terminated, u"local"_s, u"base"_s, u"task-3"_s,
                            u"agent-c"_s, u"https://github.com/Acme/api.git"_s, 20, 40);
    d4.statusDetail = u"Cleaned up: older than 24 h (Zürich office)"_s;
    return {a1, b2, c3, d4};
}

QStringList proxyIds(const QAbstractItemModel &proxy)
{
    QStringList ids;
    for (int row = 0; row < proxy.rowCount(); ++row)
        ids << proxy.index(row, 0).data(SandboxTableModel::IdRole).toString();
    return ids;
}

// The order the proxy must produce, written independently of it: Qt's own case-insensitive
// comparison, statuses in lifecycle order, a missing time first, then age, then id.
int referenceCompare(const SandboxRecord &a, const SandboxRecord &b, int column)
{
    const auto text = [](const QString &x, const QString &y) {
        return QString::compare(x, y, Qt::CaseInsensitive);
    };
    const auto time = [](const QDateTime &x, const QDateTime &y) {
        const qint64 kx = x.isValid() ? x.toMSecsSinceEpoch() : LLONG_MIN;
        const qint64 ky = y.isValid() ? y.toMSecsSinceEpoch() : LLONG_MIN;
        return kx < ky ? -1 : (kx > ky ? 1 : 0);
    };
    const auto rank = [](SandboxStatus s) {
        switch (s) {
        case SandboxStatus::Created:
            return 0;
        case SandboxStatus::Running:
            return 1;
        case SandboxStatus::Error:
            return 2;
        case SandboxStatus::Terminated:
            return 3;
        }
        return 4;
    };
    int order = 0;
    switch (column) {
    case SandboxTableModel::StatusColumn:
        order = rank(a.status) - rank(b.status);
        break;
    case SandboxTableModel::IdColumn:
        order = text(a.id, b.id);
        break;
    case SandboxTableModel::ProviderColumn:
        order = text(a.provider, b.provider);
        break;
    case SandboxTableModel::TemplateColumn:
        order = text(a.templateId, b.templateId);
        break;
    case SandboxTableModel::TaskColumn:
        order = text(a.taskId, b.taskId);
        break;
    case SandboxTableModel::AgentColumn:
        order = text(a.agentId, b.agentId);
        break;
    case SandboxTableModel::RepoColumn:
        order = text(a.repoUrl, b.repoUrl);
        break;
    case SandboxTableModel::AgeColumn:
        order = time(a.createdAt, b.createdAt);
        break;
    case SandboxTableModel::LastUsedColumn:
        order = time(a.lastUsedAt, b.lastUsedAt);
        break;
    case SandboxTableModel::TimeLeftColumn: {
        // Soonest end first, then live without an end, paused, and ended last.
        const auto left = [](const SandboxRecord &r) {
            if (!r.isLive())
                return LLONG_MAX;
            if (r.isPaused())
                return LLONG_MAX - 1;
            return r.endsAt.isValid() ? r.endsAt.toMSecsSinceEpoch() : LLONG_MAX - 2;
        };
        order = left(a) < left(b) ? -1 : (left(a) > left(b) ? 1 : 0);
        break;
    }
    case SandboxTableModel::CpuColumn:
        order = a.cpuCount - b.cpuCount;
        break;
    case SandboxTableModel::MemoryColumn:
        order = a.memoryMb - b.memoryMb;
        break;
    case SandboxTableModel::CostColumn: {
        // Unknown (-1) before every estimate.
        const double ca = estimateCostUsd(a, CostRates{}, CostNow).value_or(-1.0);
        const double cb = estimateCostUsd(b, CostRates{}, CostNow).value_or(-1.0);
        order = ca < cb ? -1 : (ca > cb ? 1 : 0);
        break;
    }
    }
    if (order == 0)
        order = time(a.createdAt, b.createdAt);
    if (order == 0)
        order = a.id.compare(b.id);
    return order;
}

QStringList referenceOrder(SandboxRecords records, int column, Qt::SortOrder order)
{
    std::sort(records.begin(), records.end(),
              [column](const SandboxRecord &a, const SandboxRecord &b) {
                  return referenceCompare(a, b, column) < 0;
              });
    QStringList ids;
    for (const SandboxRecord &r : std::as_const(records))
        ids << r.id;
    if (order == Qt::DescendingOrder)
        std::reverse(ids.begin(), ids.end());
    return ids;
}

bool referenceAccepts(const SandboxRecord &r, const QString &search,
                      std::optional<SandboxStatus> status)
{
    if (status && r.status != *status)
        return false;
    const QStringList fields{r.id,          presentationOf(badgeOf(r)).label,
                             r.provider,    r.templateId,
                             r.taskId,      r.agentId,
                             r.repoUrl,     r.providerId,
                             r.statusDetail};
    for (const QString &term : search.split(QRegularExpression(u"\\s+"_s), Qt::SkipEmptyParts)) {
        if (std::none_of(fields.cbegin(), fields.cend(), [&term](const QString &field) {
                return field.contains(term, Qt::CaseInsensitive);
            }))
            return false;
    }
    return true;
}

// Plenty of ties, case variants, shared prefixes, empty and non-ASCII text (surrogate pairs
// included): enough rows for the proxy's sort index and its bulk filtering to take over.
SandboxRecords randomRecords(QRandomGenerator &random, int count, int firstId = 0)
{
    const QStringList providers{u"e2b"_s, u"E2B"_s, u"local"_s, u"Local"_s, u"lôcal"_s};
    const QStringList templates{u"base"_s,
                                u"Base"_s,
                                u"python-3.12"_s,
                                u"Python-3.12"_s,
                                u"python-3.12-slim"_s,
                                u"pythön"_s,
                                u"node-20-bookworm-with-a-rather-long-name"_s};
    const QStringList words{u"alpha"_s,   u"Beta"_s, u"gamma"_s, u"DELTA"_s,
                            u"épsilon"_s, u"z😀ta"_s, u"eta"_s,   u"ΘETA"_s};
    SandboxRecords records;
    for (int i = 0; i < count; ++i) {
        SandboxRecord r;
        const QString word = words.at(random.bounded(words.size()));
        r.id = u"%1-%2-%3"_s.arg(word).arg(random.bounded(1000)).arg(firstId + i);
        r.providerId = u"i%1"_s.arg(random.bounded(1 << 30), 0, 36);
        r.provider = providers.at(random.bounded(providers.size()));
        r.templateId = templates.at(random.bounded(templates.size()));
        r.status = AllSandboxStatuses[random.bounded(4)];
        if (r.status == SandboxStatus::Error)
            r.statusDetail = words.at(random.bounded(words.size())) + u" failed"_s;
        if (random.bounded(3))
            r.taskId = u"task-%1"_s.arg(random.bounded(50));
        if (random.bounded(3))
            r.agentId = words.at(random.bounded(words.size())).toUpper();
        if (random.bounded(5))
            r.repoUrl = u"https://github.com/%1/service-%2.git"_s
                            .arg(random.bounded(2) ? u"acme"_s : u"ACME"_s)
                            .arg(random.bounded(200));
        r.createdAt = T0.addSecs(60 * random.bounded(500)); // many equal ages
        r.cpuCount = 1 << random.bounded(3);
        r.memoryMb = 512 * random.bounded(1, 5);
        const int state = random.bounded(4);  // unknown, running, paused, orphan
        r.providerState = state == 2 ? ProviderState::Paused : ProviderState(std::min(state, 1));
        r.orphan = state == 3;
        if (random.bounded(3) > 0)
            r.endsAt = T0.addSecs(60 * random.bounded(100)); // ties here too
        if (random.bounded(4))
            r.lastUsedAt = r.createdAt.addSecs(random.bounded(100000));
        records.append(r);
    }
    return records;
}

struct Fixture
{
    Fixture()
        : sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest)
    {
        proxy.setSandboxModel(&model);
        proxyTester = std::make_unique<QAbstractItemModelTester>(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    SandboxTableModel model;
    SandboxFilterModel proxy;
    QAbstractItemModelTester sourceTester;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;
};

} // namespace

class tst_SandboxFilterModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sort_data();
    void sort();
    void sortManyRowsMatchesReference();
    void filter_data();
    void filter();
    void filterManyRowsMatchesReference();
    void unchangedFilterDoesNothing();
    void changeOutsideTheSortColumnKeepsOrder();
    void selectionSurvivesSnapshot();
    void acceptsFollowsSettings();
};

void tst_SandboxFilterModel::sort_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("ascending");

    // Ties fall back to age (created), then to the id compared with case.
    QTest::newRow("status") << int(SandboxTableModel::StatusColumn) << "c3 a1 B2 d4";
    QTest::newRow("id, ignoring case") << int(SandboxTableModel::IdColumn) << "a1 B2 c3 d4";
    QTest::newRow("provider: e2b = E2B") << int(SandboxTableModel::ProviderColumn) << "c3 a1 B2 d4";
    QTest::newRow("template: base = Base")
        << int(SandboxTableModel::TemplateColumn) << "a1 B2 d4 c3";
    QTest::newRow("task, none first") << int(SandboxTableModel::TaskColumn) << "a1 c3 B2 d4";
    QTest::newRow("agent, none first") << int(SandboxTableModel::AgentColumn) << "B2 c3 a1 d4";
    QTest::newRow("repo, none first") << int(SandboxTableModel::RepoColumn) << "B2 a1 d4 c3";
    QTest::newRow("age") << int(SandboxTableModel::AgeColumn) << "c3 a1 B2 d4";
    QTest::newRow("last used, never first")
        << int(SandboxTableModel::LastUsedColumn) << "B2 c3 d4 a1";
}

void tst_SandboxFilterModel::sort()
{
    QFETCH(int, column);
    QFETCH(QString, ascending);

    Fixture f;
    f.model.applySnapshot(fixture());
    const QStringList expected = ascending.split(u' ');

    f.proxy.sort(column, Qt::AscendingOrder);
    QCOMPARE(proxyIds(f.proxy), expected);

    f.proxy.sort(column, Qt::DescendingOrder);
    QStringList reversed = expected;
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(proxyIds(f.proxy), reversed);
}

// Thousands of rows, where text columns sort through the proxy's index of ranks: the same
// order as comparing records one pair at a time, also after rows change, arrive and go.
void tst_SandboxFilterModel::sortManyRowsMatchesReference()
{
    QRandomGenerator random(42);
    Fixture f;
    // Just above the size where the index takes over: the testers re-check every row on each
    // signal, and each sort is two of them.
    SandboxRecords records = randomRecords(random, 2100);
    f.model.setReferenceTime(CostNow);
    f.model.applySnapshot(records);

    for (int round = 0; round < 2; ++round) {
        for (int column = 0; column < SandboxTableModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                f.proxy.sort(column, order);
                QCOMPARE(proxyIds(f.proxy), referenceOrder(f.model.records(), column, order));
            }
        }
        // Change some rows in text columns, drop some, add some; the proxy keeps sorting by the
        // last column while they arrive. (Few: the testers re-check every row on each signal.)
        f.proxy.sort(SandboxTableModel::RepoColumn);
        SandboxRecords next;
        for (SandboxRecord r : std::as_const(records)) {
            const int dice = random.bounded(100);
            if (dice < 1)
                continue;
            if (dice < 2) {
                r.repoUrl = u"https://github.com/acme/service-%1.git"_s.arg(random.bounded(200));
                r.id += u"x"_s; // a new sandbox in effect
            } else if (dice < 3) {
                r.repoUrl = u"https://github.com/Acme/renamed-%1.git"_s.arg(random.bounded(9));
                r.templateId = u"BASE"_s;
                r.lastUsedAt = T0.addSecs(random.bounded(100000));
            }
            next.append(r);
        }
        next.append(randomRecords(random, 20, 10000 * (round + 1)));
        records = next;
        f.model.applySnapshot(records);
        QCOMPARE(proxyIds(f.proxy), referenceOrder(f.model.records(), SandboxTableModel::RepoColumn,
                                                   Qt::AscendingOrder));
        // Sorting again merges what changed into the index rather than rebuilding it.
        f.proxy.sort(SandboxTableModel::RepoColumn, Qt::DescendingOrder);
        QCOMPARE(proxyIds(f.proxy), referenceOrder(f.model.records(), SandboxTableModel::RepoColumn,
                                                   Qt::DescendingOrder));
    }
}

void tst_SandboxFilterModel::filter_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<std::optional<SandboxStatus>>("status");
    QTest::addColumn<QString>("ids"); // in source order

    const std::optional<SandboxStatus> all;
    QTest::newRow("nothing") << "" << all << "a1 B2 c3 d4";
    QTest::newRow("white space only") << "  \t " << all << "a1 B2 c3 d4";
    QTest::newRow("id") << "c3" << all << "c3";
    QTest::newRow("ignoring case") << "b2" << all << "B2";
    QTest::newRow("provider, any case") << "E2b" << all << "a1 c3";
    QTest::newRow("template") << "python" << all << "c3";
    QTest::newRow("task") << "task-3" << all << "d4";
    QTest::newRow("agent") << "AGENT-A" << all << "c3";
    QTest::newRow("repo") << "acme/web" << all << "c3";
    QTest::newRow("repo, any case") << "ACME/API" << all << "a1 d4";
    QTest::newRow("status label") << "runn" << all << "a1";
    QTest::newRow("status detail") << "disk full" << all << "B2";
    QTest::newRow("provider id") << "SBX-d4" << all << "d4";
    QTest::newRow("non-ASCII") << "ZÜRICH" << all << "d4";
    QTest::newRow("every word must match") << "local base" << all << "B2 d4";
    QTest::newRow("words in different columns") << "api agent-c" << all << "d4";
    QTest::newRow("one word fails") << "local python" << all << "";
    QTest::newRow("no match") << "zzz" << all << "";
    QTest::newRow("status only") << "" << std::optional(SandboxStatus::Error) << "B2";
    QTest::newRow("status and search")
        << "local" << std::optional(SandboxStatus::Terminated) << "d4";
    QTest::newRow("status and search, none")
        << "python" << std::optional(SandboxStatus::Running) << "";
}

void tst_SandboxFilterModel::filter()
{
    QFETCH(QString, search);
    QFETCH(std::optional<SandboxStatus>, status);
    QFETCH(QString, ids);

    Fixture f;
    f.model.applySnapshot(fixture());
    f.proxy.setSearchText(search);
    f.proxy.setStatusFilter(status);
    QCOMPARE(f.proxy.searchText(), search);
    QCOMPARE(f.proxy.statusFilter(), status);
    QCOMPARE(proxyIds(f.proxy), ids.split(u' ', Qt::SkipEmptyParts));

    // Cleared again, everything is back.
    f.proxy.setSearchText(QString());
    f.proxy.setStatusFilter(std::nullopt);
    QCOMPARE(f.proxy.rowCount(), 4);
}

// Thousands of rows, where the proxy decides each row once and then either updates row by row
// or rebuilds: narrowing, widening, changing words and status, all against the reference.
void tst_SandboxFilterModel::filterManyRowsMatchesReference()
{
    QRandomGenerator random(7);
    Fixture f;
    f.model.applySnapshot(randomRecords(random, 3000));
    f.proxy.sort(SandboxTableModel::TemplateColumn, Qt::DescendingOrder);
    QPersistentModelIndex kept;

    struct Step
    {
        QString search;
        std::optional<SandboxStatus> status;
    };
    const QList<Step> steps{{u"a"_s, {}},
                            {u"al"_s, {}},
                            {u"alp"_s, {}},
                            {u"alph"_s, {}},
                            {u"alp"_s, {}},
                            {u""_s, {}},
                            {u"service-1"_s, {}},
                            {u"service-12"_s, {}},
                            {u"service-12 acme"_s, {}},
                            {u"ΘETA"_s, {}},
                            {u"θeta"_s, {}},
                            {u"😀"_s, {}},
                            {u"python"_s, SandboxStatus::Running},
                            {u"python"_s, SandboxStatus::Error},
                            {u"failed"_s, {}},
                            {u"runn"_s, {}},
                            {u"zzz"_s, {}},
                            {u"task-7"_s, {}},
                            {u"task-7"_s, SandboxStatus::Running},
                            {u"task-7"_s, {}},
                            {u"task-7 "_s, {}},
                            {u""_s, {}},
                            {u"e"_s, {}},
                            {u"-1"_s, {}},
                            {u"i"_s, {}},
                            {u""_s, SandboxStatus::Created},
                            {u""_s, {}}};
    for (const Step &step : steps) {
        const QString before
            = kept.isValid() ? kept.data(SandboxTableModel::IdRole).toString() : QString();
        f.proxy.setSearchText(step.search);
        f.proxy.setStatusFilter(step.status);

        SandboxRecords accepted;
        for (const SandboxRecord &r : f.model.records()) {
            if (referenceAccepts(r, step.search, step.status))
                accepted.append(r);
        }
        QCOMPARE(proxyIds(f.proxy),
                 referenceOrder(accepted, SandboxTableModel::TemplateColumn, Qt::DescendingOrder));
        // A persistent index stays on its sandbox while that one is shown.
        if (kept.isValid())
            QCOMPARE(kept.data(SandboxTableModel::IdRole).toString(), before);
        if (!kept.isValid() && f.proxy.rowCount() > 0)
            kept = f.proxy.index(f.proxy.rowCount() / 2, 0);
    }
}

void tst_SandboxFilterModel::unchangedFilterDoesNothing()
{
    Fixture f;
    f.model.applySnapshot(fixture());
    f.proxy.setSearchText(u"acme"_s);
    f.proxy.setStatusFilter(SandboxStatus::Running);
    QSignalSpy layout(&f.proxy, &QAbstractItemModel::layoutChanged);
    QSignalSpy removed(&f.proxy, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&f.proxy, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&f.proxy, &QAbstractItemModel::modelReset);

    f.proxy.setSearchText(u"acme"_s);
    f.proxy.setSearchText(u" acme  "_s); // the same words
    f.proxy.setStatusFilter(SandboxStatus::Running);

    QCOMPARE(layout.size() + removed.size() + inserted.size() + reset.size(), 0);
    QCOMPARE(f.proxy.searchText(), u" acme  "_s);
    QCOMPARE(proxyIds(f.proxy), QStringList{u"a1"_s});
}

// A change the sort column does not see must not move rows about.
void tst_SandboxFilterModel::changeOutsideTheSortColumnKeepsOrder()
{
    Fixture f;
    f.model.applySnapshot(fixture());
    f.proxy.sort(SandboxTableModel::AgeColumn);
    const QStringList order = proxyIds(f.proxy);
    QSignalSpy layout(&f.proxy, &QAbstractItemModel::layoutChanged);
    QSignalSpy changed(&f.proxy, &QAbstractItemModel::dataChanged);

    SandboxRecords next = fixture();
    next[0].status = SandboxStatus::Error; // a1
    next[0].statusDetail = u"out of memory"_s;
    f.model.applySnapshot(next);

    QCOMPARE(layout.size(), 0);
    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    QCOMPARE(topLeft.data(SandboxTableModel::IdRole).toString(), u"a1"_s);
    QCOMPARE(proxyIds(f.proxy), order);

    // A change of the sort column moves the row.
    next[1].createdAt = T0; // B2 becomes the oldest
    f.model.applySnapshot(next);
    QCOMPARE(proxyIds(f.proxy).constFirst(), u"B2"_s);
}

void tst_SandboxFilterModel::selectionSurvivesSnapshot()
{
    Fixture f;
    QRandomGenerator random(99);
    SandboxRecords records = randomRecords(random, 2500);
    f.model.applySnapshot(records);
    f.proxy.sort(SandboxTableModel::IdColumn);
    QItemSelectionModel selection(&f.proxy);

    const QModelIndex chosen = f.proxy.index(1234, SandboxTableModel::IdColumn);
    const QString id = chosen.data(SandboxTableModel::IdRole).toString();
    selection.setCurrentIndex(chosen,
                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const QPersistentModelIndex persistent(chosen);

    // The chosen row changes, rows before it in the model go, new rows arrive before it in the
    // sort order, and others change the column the proxy sorts by.
    const int sourceRow = f.model.rowOf(id);
    SandboxRecords next;
    for (int row = 0; row < records.size(); ++row) {
        SandboxRecord r = records.at(row);
        if (row < sourceRow && row % 97 == 0)
            continue;
        if (row == sourceRow) {
            r.status = SandboxStatus::Terminated;
            r.lastUsedAt = T0.addSecs(5);
        } else if (row % 89 == 0) {
            r.id.prepend(u"0"_s); // replaced by a sandbox that sorts first
        }
        next.append(r);
    }
    f.model.applySnapshot(next);

    QVERIFY(persistent.isValid());
    QCOMPARE(persistent.data(SandboxTableModel::IdRole).toString(), id);
    QCOMPARE(persistent.sibling(persistent.row(), SandboxTableModel::StatusColumn)
                 .data(SandboxTableModel::StatusRole)
                 .toInt(),
             int(SandboxStatus::Terminated));
    QCOMPARE(selection.currentIndex().data(SandboxTableModel::IdRole).toString(), id);
    const QModelIndexList rows = selection.selectedRows();
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.constFirst().data(SandboxTableModel::IdRole).toString(), id);
    QCOMPARE(proxyIds(f.proxy),
             referenceOrder(f.model.records(), SandboxTableModel::IdColumn, Qt::AscendingOrder));

    // And a filter that keeps it, then one that rebuilds the mapping around it.
    f.proxy.setSearchText(id.left(3));
    QCOMPARE(selection.currentIndex().data(SandboxTableModel::IdRole).toString(), id);
    f.proxy.setSearchText(id);
    QVERIFY(f.proxy.rowCount() < 20);
    QCOMPARE(persistent.data(SandboxTableModel::IdRole).toString(), id);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.currentIndex().data(SandboxTableModel::IdRole).toString(), id);
}

void tst_SandboxFilterModel::acceptsFollowsSettings()
{
    Fixture f;
    f.model.applySnapshot(fixture());
    const SandboxRecords records = fixture();
    QVERIFY(f.proxy.accepts(records.at(0)));
    f.proxy.setSearchText(u"web"_s);
    QVERIFY(!f.proxy.accepts(records.at(0)));
    QVERIFY(f.proxy.accepts(records.at(2)));
    f.proxy.setStatusFilter(SandboxStatus::Error);
    QVERIFY(!f.proxy.accepts(records.at(2)));
    QCOMPARE(f.proxy.sandboxModel(), &f.model);
}

QTEST_MAIN(tst_SandboxFilterModel)
#include "tst_sandboxfiltermodel.moc"
