// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QMap>

namespace squad {

// One row per sandbox, over value rows handed to it (it never does I/O). Snapshots are applied
// row by row — changed rows emit dataChanged, new rows are inserted, vanished rows removed — so
// views keep their selection, current index and scroll position across refreshes.
class SandboxTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StatusColumn,
        IdColumn,
        ProviderColumn,
        TemplateColumn,
        TaskColumn,
        AgentColumn,
        RepoColumn,
        AgeColumn,       // since created_at
        LastUsedColumn,  // since last_used_at
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IdRole = Qt::UserRole + 1,  // QString
        StatusRole,                 // int(SandboxStatus)
        SortRole,                   // the raw value a column sorts by
        RecordRole,                 // QVariant::fromValue(SandboxRecord)
    };

    explicit SandboxTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Replaces the rows with `records` (any order), by id, with the fewest model signals.
    // With `complete` false only adds and updates (a first page): nothing is removed.
    void applySnapshot(const SandboxRecords &records, bool complete = true);
    // One sandbox changed (inserted when new).
    void updateSandbox(const SandboxRecord &record);

    const SandboxRecord &record(int row) const { return m_rows.at(row); }
    const SandboxRecords &records() const { return m_rows; }
    int rowOf(const QString &id) const { return m_rowById.value(id, -1); }
    // Rows per status over everything in the model.
    QMap<SandboxStatus, int> statusCounts() const;

    // Ages are shown relative to this moment; null = now. For tests and screenshots.
    void setReferenceTime(const QDateTime &now) { m_referenceTime = now; }

    // "5s", "12m", "3h", "2d": how the age columns read.
    static QString ageText(const QDateTime &since, const QDateTime &now);

Q_SIGNALS:
    void statusCountsChanged();

private:
    QVariant displayData(const SandboxRecord &record, int column) const;
    QVariant sortData(const SandboxRecord &record, int column) const;
    void removeRows(QList<int> rows);  // any order; removes in contiguous ranges
    void reindexFrom(int row);

    SandboxRecords m_rows;
    QHash<QString, int> m_rowById;
    QDateTime m_referenceTime;
};

} // namespace squad
