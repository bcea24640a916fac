// SPDX-License-Identifier: MIT
// The runs table: rows from a list and from runChanged, the step each run stands at, the pull
// request it opened and its live state, sorting through a proxy on the raw-value role.
#include "pullrequestpresentation.h"
#include "workflowrunmodel.h"
#include "workflowrunpresentation.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;

Q_DECLARE_METATYPE(squad::WorkflowRunState)

namespace {

const QDateTime T0(QDate(2026, 3, 1), QTime(12, 0), QTimeZone::utc());

// A run whose first `done` steps succeeded; made `minutes` after T0.
WorkflowRun makeRun(const QString &id, int done = 0, int minutes = 0)
{
    WorkflowRun run;
    run.id = id;
    run.state = done == 0 ? WorkflowRunState::Pending : WorkflowRunState::Running;
    run.inputs.repoUrl = u"https://github.com/acme/"_s + id + u".git"_s;
    run.inputs.branch = u"feature/"_s + id;
    run.inputs.prTitle = u"Change "_s + id;
    run.createdAt = run.updatedAt = T0.addSecs(60 * minutes);
    for (int i = 0; i < WorkflowStepCount; ++i) {
        run.steps[size_t(i)].kind = WorkflowStepKind(i);
        if (i < done)
            run.steps[size_t(i)].state = WorkflowStepState::Succeeded;
    }
    return run;
}

QStringList idsOf(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(WorkflowRunModel::RunIdRole).toString();
    return ids;
}

} // namespace

class tst_WorkflowRunModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setRunsShowsEveryRun();
    void stepText_data();
    void stepText();
    void stateLabel_data();
    void stateLabel();
    void updateRunChangesTheRowOrAddsOnTop();
    void pullRequestShowsNumberThenLiveState();
    void pullRequestStateSurvivesAReload();
    void sortsByRawValues();
    void failedStepErrorIsTheToolTip();
};

void tst_WorkflowRunModel::setRunsShowsEveryRun()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), int(WorkflowRunModel::ColumnCount));

    model.setRuns({makeRun(u"b"_s, 3, 2), makeRun(u"a"_s, 0, 1)});
    QCOMPARE(idsOf(model), (QStringList{u"b"_s, u"a"_s}));
    QCOMPARE(model.rowOf(u"a"_s), 1);
    QCOMPARE(model.rowOf(u"zzz"_s), -1);
    QCOMPARE(model.index(0, WorkflowRunModel::RepositoryColumn).data().toString(),
             u"https://github.com/acme/b.git"_s);
    QCOMPARE(model.index(0, WorkflowRunModel::BranchColumn).data().toString(), u"feature/b"_s);
    QCOMPARE(model.index(0, WorkflowRunModel::TitleColumn).data().toString(), u"Change b"_s);
    QCOMPARE(model.index(0, WorkflowRunModel::StateColumn).data().toString(), u"Running"_s);
    QCOMPARE(model.index(1, WorkflowRunModel::StateColumn).data(WorkflowRunModel::StateRole).toInt(),
             int(WorkflowRunState::Pending));
    QCOMPARE(model.index(0, 0).data(WorkflowRunModel::RunRole).value<WorkflowRun>().id, u"b"_s);
    QVERIFY(!model.index(0, WorkflowRunModel::CreatedColumn).data().toString().isEmpty());
    QCOMPARE(model.headerData(WorkflowRunModel::StepColumn, Qt::Horizontal).toString(), u"Step"_s);

    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_WorkflowRunModel::stepText_data()
{
    QTest::addColumn<int>("done");
    QTest::addColumn<QString>("text");
    QTest::newRow("new") << 0 << u"1/8 Create the sandbox"_s;
    QTest::newRow("cloned") << 2 << u"3/8 Create the branch"_s;
    QTest::newRow("waiting") << 3 << u"4/8 Wait for the agent's changes"_s;
    QTest::newRow("last") << 7 << u"8/8 Terminate the sandbox"_s;
    QTest::newRow("done") << 8 << u"8/8 Done"_s;
}

void tst_WorkflowRunModel::stepText()
{
    QFETCH(int, done);
    QFETCH(QString, text);
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns({makeRun(u"r"_s, done)});
    QCOMPARE(model.index(0, WorkflowRunModel::StepColumn).data().toString(), text);
    QCOMPARE(model.index(0, WorkflowRunModel::StepColumn).data(WorkflowRunModel::SortRole).toInt(),
             done + 1);
}

void tst_WorkflowRunModel::stateLabel_data()
{
    QTest::addColumn<WorkflowRunState>("state");
    QTest::addColumn<QString>("label");
    QTest::newRow("pending") << WorkflowRunState::Pending << u"Pending"_s;
    QTest::newRow("running") << WorkflowRunState::Running << u"Running"_s;
    QTest::newRow("waiting") << WorkflowRunState::Waiting << u"Waiting"_s;
    QTest::newRow("failed") << WorkflowRunState::Failed << u"Failed"_s;
    QTest::newRow("succeeded") << WorkflowRunState::Succeeded << u"Succeeded"_s;
    QTest::newRow("aborted") << WorkflowRunState::Aborted << u"Aborted"_s;
}

void tst_WorkflowRunModel::stateLabel()
{
    QFETCH(WorkflowRunState, state);
    QFETCH(QString, label);
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkflowRun run = makeRun(u"r"_s, 3);
    run.state = state;
    model.setRuns({run});
    QCOMPARE(model.index(0, WorkflowRunModel::StateColumn).data().toString(), label);
    QCOMPARE(presentationOf(state).label, label);
    QVERIFY(!presentationOf(state).symbol.isEmpty());
}

void tst_WorkflowRunModel::updateRunChangesTheRowOrAddsOnTop()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns({makeRun(u"a"_s, 1), makeRun(u"b"_s, 1)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy updated(&model, &WorkflowRunModel::runUpdated);

    WorkflowRun b = makeRun(u"b"_s, 3);
    b.state = WorkflowRunState::Waiting;
    model.updateRun(b);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), WorkflowRunModel::ColumnCount - 1);
    QCOMPARE(model.index(1, WorkflowRunModel::StateColumn).data().toString(), u"Waiting"_s);
    QCOMPARE(model.index(1, WorkflowRunModel::StepColumn).data().toString(),
             u"4/8 Wait for the agent's changes"_s);
    QCOMPARE(inserted.size(), 0);

    model.updateRun(makeRun(u"c"_s));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(idsOf(model), (QStringList{u"c"_s, u"a"_s, u"b"_s}));
    QCOMPARE(model.rowOf(u"b"_s), 2);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(updated.size(), 2);
}

void tst_WorkflowRunModel::pullRequestShowsNumberThenLiveState()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkflowRun run = makeRun(u"r"_s, 6);
    model.setRuns({run});
    const QModelIndex cell = model.index(0, WorkflowRunModel::PullRequestColumn);
    QCOMPARE(cell.data().toString(), QString());

    run.step(WorkflowStepKind::OpenPullRequest).state = WorkflowStepState::Succeeded;
    run.step(WorkflowStepKind::OpenPullRequest).output
        = QJsonObject{{u"url"_s, u"https://github.com/acme/r/pull/12"_s}, {u"number"_s, 12}};
    model.updateRun(run);
    QCOMPARE(cell.data().toString(), u"#12"_s);
    QCOMPARE(cell.data(Qt::ToolTipRole).toString(), u"https://github.com/acme/r/pull/12"_s);
    QCOMPARE(cell.data(WorkflowRunModel::SortRole).toInt(), 12);

    PullRequestStatus status;
    status.pullRequest.number = 12;
    status.state = PullRequestStatus::State::Open;
    status.reviewDecision = PullRequestStatus::ReviewDecision::Approved;
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPullRequestStatus(u"r"_s, status);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(cell.data().toString(), pullRequestSummary(status));
    QVERIFY(cell.data().toString().contains(u"Open"_s));
    QVERIFY(cell.data().toString().contains(u"Approved"_s));
    QVERIFY(model.pullRequestStatus(u"r"_s).has_value());

    // The same state again changes nothing; an unknown run is ignored.
    model.setPullRequestStatus(u"r"_s, status);
    model.setPullRequestStatus(u"nope"_s, status);
    QCOMPARE(changed.size(), 1);

    status.state = PullRequestStatus::State::Merged;
    model.setPullRequestStatus(u"r"_s, status);
    QVERIFY(cell.data().toString().contains(u"Merged"_s));
}

void tst_WorkflowRunModel::pullRequestStateSurvivesAReload()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns({makeRun(u"a"_s, 8), makeRun(u"b"_s, 8)});
    PullRequestStatus status;
    status.pullRequest.number = 3;
    status.state = PullRequestStatus::State::Closed;
    model.setPullRequestStatus(u"b"_s, status);
    model.setRuns({makeRun(u"b"_s, 8), makeRun(u"c"_s)});
    QVERIFY(model.pullRequestStatus(u"b"_s).has_value());
    QVERIFY(model.index(0, WorkflowRunModel::PullRequestColumn).data().toString().contains(u"Closed"_s));
    QVERIFY(!model.pullRequestStatus(u"a"_s).has_value());
}

void tst_WorkflowRunModel::sortsByRawValues()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Created 10, 2 and 30 minutes after T0; steps 2, 9 (done) and 4.
    model.setRuns({makeRun(u"x"_s, 1, 10), makeRun(u"y"_s, 8, 2), makeRun(u"z"_s, 3, 30)});
    QSortFilterProxyModel proxy;
    proxy.setSortRole(WorkflowRunModel::SortRole);
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    proxy.sort(WorkflowRunModel::CreatedColumn, Qt::DescendingOrder);
    QCOMPARE(idsOf(proxy), (QStringList{u"z"_s, u"x"_s, u"y"_s}));
    proxy.sort(WorkflowRunModel::StepColumn, Qt::AscendingOrder);
    QCOMPARE(idsOf(proxy), (QStringList{u"x"_s, u"z"_s, u"y"_s}));
    // A new run sorts into place.
    model.updateRun(makeRun(u"w"_s, 2, 0));
    QCOMPARE(idsOf(proxy), (QStringList{u"x"_s, u"w"_s, u"z"_s, u"y"_s}));
}

void tst_WorkflowRunModel::failedStepErrorIsTheToolTip()
{
    WorkflowRunModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    WorkflowRun run = makeRun(u"r"_s, 4);
    run.state = WorkflowRunState::Failed;
    run.error = u"Commit failed: nothing to commit"_s;
    run.step(WorkflowStepKind::Commit).state = WorkflowStepState::Failed;
    run.step(WorkflowStepKind::Commit).error = u"nothing to commit"_s;
    model.setRuns({run});
    QCOMPARE(model.index(0, WorkflowRunModel::StepColumn).data(Qt::ToolTipRole).toString(),
             u"nothing to commit"_s);
    QCOMPARE(model.index(0, WorkflowRunModel::StateColumn).data(Qt::ToolTipRole).toString(),
             u"Failed: Commit failed: nothing to commit"_s);
}

QTEST_GUILESS_MAIN(tst_WorkflowRunModel)
#include "tst_workflowrunmodel.moc"
