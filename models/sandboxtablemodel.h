// SPDX-License-Identifier: MIT
#pragma once

#include "metricsseries.h"
#include "ops/cost.h"
#include "sandbox/sandboxrecord.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QIcon>
#include <QMap>

#include <array>
#include <utility>
#include <vector>

namespace squad {

// One row per sandbox, over value rows handed to it (it never does I/O). Snapshots are applied
// row by row — changed rows emit dataChanged, new rows are inserted, vanished rows removed — so
// views keep their selection, current index and scroll position across refreshes.
// GUI thread only; not re-entrant (do not apply a snapshot from a slot of its own signals).
class SandboxTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        // In the order an operator scans them: status, id, template, repository, ages; the
        // task and agent ids and the provider after them.
        StatusColumn,
        IdColumn,
        TemplateColumn,
        RepoColumn,
        AgeColumn,       // since created_at
        LastUsedColumn,  // since last_used_at
        TimeLeftColumn,  // until the provider ends it (ends_at); "paused" while paused
        CpuColumn,       // vCPUs
        MemoryColumn,    // MiB
        CpuUsedColumn,   // the latest sample's CPU use (E2B's metrics), in %
        MemoryUsedColumn, // the latest sample's memory use
        CostColumn,      // the estimated compute cost so far (services/ops/cost.h)
        TaskColumn,
        AgentColumn,
        ProviderColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        IdRole = Qt::UserRole + 1,  // QString
        StatusRole,                 // int(SandboxStatus)
        SortRole,                   // the raw value a column sorts by
        RecordRole,                 // QVariant::fromValue(SandboxRecord)
        BadgeRole,                  // int(SandboxBadge): the status as shown
    };

    explicit SandboxTableModel(QObject *parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    // Replaces the rows with `records` (any order), by id, with the fewest model signals.
    // With `complete` false only adds and updates (a first page): nothing is removed.
    // Into an empty model the list is adopted as is (shared, not copied) in one insert.
    void applySnapshot(const SandboxRecords &records, bool complete = true);
    // One sandbox changed (inserted when new).
    void updateSandbox(const SandboxRecord &record);

    const SandboxRecord &record(int row) const { return m_rows.at(storageRow(row)); }
    // In row order. Inside a slot connected to the removal signals of applySnapshot() this
    // first compacts the rows already announced as removed (O(rows)); elsewhere it is free.
    const SandboxRecords &records() const;
    int rowOf(const QString &id) const;
    // Rows per status over everything in the model (every status present, zeros included).
    QMap<SandboxStatus, int> statusCounts() const;
    int statusCount(SandboxStatus status) const;

    // Ages are shown relative to this moment; null = now. For tests and screenshots.
    void setReferenceTime(const QDateTime &now) { m_referenceTime = now; }

    // The rates the cost column estimates with (the active profile's; E2B's by default).
    void setCostRates(const CostRates &rates);
    const CostRates &costRates() const { return m_costRates; }
    // The value the cost column sorts by: the estimate at the current minute (so that a sort
    // sees one moment), -1 when the resources are unknown.
    double costSortKey(const SandboxRecord &record) const;

    // The latest resource sample of running sandboxes, by id (E2B's, read by the GUI in
    // batches): replaces the ones held. Samples of ids without a row are not kept; a row
    // without one (or ended, or paused) shows "—". dataChanged covers only the rows whose sample changed.
    void setLatestSamples(QHash<QString, MetricSample> samples);
    const QHash<QString, MetricSample> &latestSamples() const { return m_latest; }
    // The values the two columns sort by: -1 without a sample (or when the row is not live).
    double cpuUsedSortKey(const SandboxRecord &record) const;
    qint64 memoryUsedSortKey(const SandboxRecord &record) const;

    // "5s", "12m", "3h", "2d": how the age columns read. "—" when `since` is null; a `since`
    // in the future (clock skew) reads "0s".
    static QString ageText(const QDateTime &since, const QDateTime &now);
    // "4m 12s", "1h 5m", "2d 3h": the time left until `endsAt`; "—" when null, "0s" once past.
    static QString timeLeftText(const QDateTime &endsAt, const QDateTime &now);
    // "512 MiB", "2 GiB", "1.5 GiB"; "—" for 0 (unknown).
    static QString memoryText(int memoryMb);
    // "37 %": a CPU use; "412 MiB", "1.5 GiB": a memory use.
    static QString cpuUsedText(double percent);
    static QString memoryUsedText(qint64 bytes);
    // The rank statuses sort by, in lifecycle order: Created, Running, Error, Terminated.
    static int statusSortKey(SandboxStatus status);
    // The value timestamps sort by: msecs since the epoch, a null one before every other.
    static qint64 timeSortKey(const QDateTime &time);
    // The value the time-left column sorts by: the soonest end first.
    static qint64 timeLeftSortKey(const SandboxRecord &record);
    static Qt::Alignment horizontalAlignment(int column);

Q_SIGNALS:
    void statusCountsChanged();

private:
    QVariant displayData(const SandboxRecord &record, int column) const;
    QVariant sortData(const SandboxRecord &record, int column) const;
    QVariant toolTipData(const SandboxRecord &record, int column) const;
    const MetricSample *sampleOf(const SandboxRecord &record) const;
    // changedColumns() of the two versions, with the sample's columns when they change.
    uint columnsChanged(const SandboxRecord &a, const SandboxRecord &b) const;
    QIcon statusIcon(SandboxStatus status) const;
    QDateTime now() const;
    bool adoptSnapshot(const SandboxRecords &records);
    bool extendWith(const SandboxRecords &records);
    void replaceRow(int row, const SandboxRecord &record);
    void removeRowList(QList<int> rows); // any order; removes in contiguous ranges
    void compactRemoved() const;
    void countStatus(SandboxStatus status, int delta);

    // While applySnapshot() announces removals range by range (bottom up), the removed rows
    // stay in m_rows until the last range is announced, so that removing many scattered
    // ranges costs one pass instead of one pass per range; rows are translated meanwhile.
    int storageRow(int row) const { return m_removedRanges.isEmpty() ? row : storageRowSlow(row); }
    int storageRowSlow(int row) const;

    // id → storage row, by open addressing over the rows' own ids: it keeps no strings (a hash
    // and a row per slot), and fills and finds several times faster than a QHash<QString, int>,
    // whose insertions dominated a first load of 100,000 rows.
    class RowIndex
    {
    public:
        // Indexes every row of `rows`; false, and empty, when an id is listed twice.
        bool assign(const SandboxRecords &rows);
        // The storage row of `id`, or -1.
        int find(QStringView id, const SandboxRecords &rows) const;
        // `id` must not be indexed yet.
        void insert(QStringView id, int row);
        void erase(QStringView id, const SandboxRecords &rows);
        // Replaces every row number r with renumbered(r).
        template<class Renumber>
        void renumber(Renumber renumbered)
        {
            for (Slot &slot : m_slots) {
                if (slot.row >= 0)
                    slot.row = renumbered(slot.row);
            }
        }

    private:
        struct Slot
        {
            quint32 hash = 0;
            qint32 row = -1; // -1: free
        };
        static quint32 hashOf(QStringView id);
        std::size_t home(quint32 hash) const { return hash & (m_slots.size() - 1); }
        void place(quint32 hash, int row);
        void reserve(qsizetype count);

        std::vector<Slot> m_slots; // a power of two in size, at most 4/5 full
        qsizetype m_count = 0;
    };

    // mutable: records() compacts pending removals on demand (see m_removedRanges).
    mutable SandboxRecords m_rows;
    mutable RowIndex m_rowById;
    // Storage ranges (first, count) announced as removed but still in m_rows, ascending.
    mutable QList<std::pair<int, int>> m_removedRanges;
    mutable int m_removedCount = 0;
    std::array<int, 4> m_statusCounts{};
    mutable std::array<QIcon, 4> m_statusIcons;
    QDateTime m_referenceTime;
    CostRates m_costRates;
    // Kept apart from the rows (which stay as small as they are for 100,000 of them): only
    // live E2B sandboxes have a sample, and only while the GUI reads them.
    QHash<QString, MetricSample> m_latest;
    bool m_applying = false;
};

} // namespace squad
