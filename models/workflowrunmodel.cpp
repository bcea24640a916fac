// SPDX-License-Identifier: MIT
#include "workflowrunmodel.h"

#include "pullrequestpresentation.h"
#include "workflowrunpresentation.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace squad {

WorkflowRunModel::WorkflowRunModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QModelIndex WorkflowRunModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= m_rows.size() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

int WorkflowRunModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WorkflowRunModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags WorkflowRunModel::flags(const QModelIndex &index) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant WorkflowRunModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid()
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return displayData(row, index.column());
    case Qt::ToolTipRole: return toolTipData(row, index.column());
    case SortRole: return sortData(row, index.column());
    case RunIdRole: return row.run.id;
    case RunRole: return QVariant::fromValue(row.run);
    case StateRole: return int(row.run.state);
    case Qt::TextAlignmentRole: return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant WorkflowRunModel::displayData(const Row &row, int column) const
{
    const WorkflowRun &run = row.run;
    switch (column) {
    case StateColumn: return presentationOf(run.state).label;
    case CreatedColumn:
        return QLocale().toString(run.createdAt.toLocalTime(), QLocale::ShortFormat);
    case TitleColumn: return run.inputs.prTitle;
    case RepositoryColumn: return run.inputs.repoUrl;
    case BranchColumn: return run.inputs.branch;
    case StepColumn: return workflowRunStepText(run);
    case PullRequestColumn:
        return row.pullRequest ? pullRequestSummary(*row.pullRequest)
                               : workflowRunPullRequestText(run);
    }
    return {};
}

QVariant WorkflowRunModel::sortData(const Row &row, int column) const
{
    const WorkflowRun &run = row.run;
    switch (column) {
    case StateColumn: return int(run.state);
    case CreatedColumn: return run.createdAt.isValid() ? run.createdAt.toMSecsSinceEpoch() : 0;
    case StepColumn: return workflowRunStepNumber(run);
    case PullRequestColumn: return workflowRunPullRequestNumber(run);
    default: return displayData(row, column);
    }
}

QVariant WorkflowRunModel::toolTipData(const Row &row, int column) const
{
    const WorkflowRun &run = row.run;
    switch (column) {
    case StateColumn:
        return run.error.isEmpty() ? presentationOf(run.state).label
                                   : presentationOf(run.state).label + u": "_s + run.error;
    case CreatedColumn: return QLocale().toString(run.createdAt.toLocalTime(), QLocale::LongFormat);
    case BranchColumn:
        return run.inputs.baseBranch.isEmpty()
                   ? tr("%1, from the default branch").arg(run.inputs.branch)
                   : tr("%1, from %2").arg(run.inputs.branch, run.inputs.baseBranch);
    case StepColumn: {
        const auto next = run.nextStep();
        if (next && !run.step(*next).error.isEmpty())
            return run.step(*next).error;
        return displayData(row, column);
    }
    case PullRequestColumn: return run.pullRequestUrl();
    default: return displayData(row, column);
    }
}

QVariant WorkflowRunModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case StateColumn: return tr("State");
        case CreatedColumn: return tr("Created");
        case TitleColumn: return tr("Title");
        case RepositoryColumn: return tr("Repository");
        case BranchColumn: return tr("Branch");
        case StepColumn: return tr("Step");
        case PullRequestColumn: return tr("Pull request");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case StateColumn: return tr("Where the run stands as a whole");
        case CreatedColumn: return tr("When the run was made");
        case TitleColumn: return tr("The pull request's title");
        case RepositoryColumn: return tr("The repository the sandbox clones");
        case BranchColumn: return tr("The branch the changes go to");
        case StepColumn: return tr("The first step not done yet");
        case PullRequestColumn: return tr("The pull request and its live state on GitHub");
        }
    }
    return {};
}

void WorkflowRunModel::reindex()
{
    m_rowById.clear();
    m_rowById.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).run.id, i);
}

void WorkflowRunModel::setRuns(const QList<WorkflowRun> &runs)
{
    QHash<QString, PullRequestStatus> known;
    for (const Row &row : std::as_const(m_rows)) {
        if (row.pullRequest)
            known.insert(row.run.id, *row.pullRequest);
    }
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(runs.size());
    for (const WorkflowRun &run : runs) {
        Row row{run, std::nullopt};
        if (const auto it = known.constFind(run.id); it != known.cend())
            row.pullRequest = *it;
        m_rows.append(std::move(row));
    }
    reindex();
    endResetModel();
}

void WorkflowRunModel::updateRun(const WorkflowRun &run)
{
    const int row = rowOf(run.id);
    if (row < 0) {
        beginInsertRows({}, 0, 0);
        m_rows.prepend(Row{run, std::nullopt});
        reindex();
        endInsertRows();
    } else {
        m_rows[row].run = run;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    Q_EMIT runUpdated(run);
}

void WorkflowRunModel::setPullRequestStatus(const QString &runId, const PullRequestStatus &status)
{
    const int row = rowOf(runId);
    if (row < 0)
        return;
    if (m_rows[row].pullRequest == status)
        return;
    m_rows[row].pullRequest = status;
    const QModelIndex cell = index(row, PullRequestColumn);
    Q_EMIT dataChanged(cell, cell, {Qt::DisplayRole, Qt::ToolTipRole, SortRole});
}

std::optional<PullRequestStatus> WorkflowRunModel::pullRequestStatus(const QString &runId) const
{
    const int row = rowOf(runId);
    return row < 0 ? std::nullopt : m_rows.at(row).pullRequest;
}

} // namespace squad
