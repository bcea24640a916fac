// SPDX-License-Identifier: MIT
#pragma once

#include "github/githubtypes.h"
#include "workflow/workflowrun.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace squad {

// One row per workflow run, over runs handed to it (it never does I/O): a full list replaces
// the rows (setRuns), a changed run updates its row or adds one (updateRun, fed by
// ConsoleBackend::runChanged), and a pull request's live state, once known, is shown with it.
// GUI thread only.
class WorkflowRunModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StateColumn,
        CreatedColumn,
        TitleColumn,        // the pull request's title: what the run is for
        RepositoryColumn,
        BranchColumn,
        StepColumn,         // "4/8 Wait for the agent's changes"
        PullRequestColumn,  // "#12 · Open · Approved · 3/3 checks passed" once known
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        RunIdRole = Qt::UserRole + 1,  // QString
        SortRole,                      // the raw value a column sorts by
        RunRole,                       // QVariant::fromValue(WorkflowRun)
        StateRole,                     // int(WorkflowRunState)
    };

    explicit WorkflowRunModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    // Replaces every row (a reload); pull request states already known are kept.
    void setRuns(const QList<WorkflowRun> &runs);
    // Updates the run's row, or adds it on top when it is new.
    void updateRun(const WorkflowRun &run);
    // The live state of the run's pull request; nothing when the run is not listed.
    void setPullRequestStatus(const QString &runId, const PullRequestStatus &status);
    std::optional<PullRequestStatus> pullRequestStatus(const QString &runId) const;

    const WorkflowRun &run(int row) const { return m_rows.at(row).run; }
    int rowOf(const QString &runId) const { return m_rowById.value(runId, -1); }

Q_SIGNALS:
    // A run's row changed or was added (after the model's own signals).
    void runUpdated(const squad::WorkflowRun &run);

private:
    struct Row
    {
        WorkflowRun run;
        std::optional<PullRequestStatus> pullRequest;
    };
    QVariant displayData(const Row &row, int column) const;
    QVariant sortData(const Row &row, int column) const;
    QVariant toolTipData(const Row &row, int column) const;
    void reindex();

    QList<Row> m_rows;
    QHash<QString, int> m_rowById;
};

} // namespace squad
