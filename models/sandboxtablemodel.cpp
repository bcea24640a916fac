// SPDX-License-Identifier: MIT
#include "sandboxtablemodel.h"

#include "ops/poolmarker.h"

#include "sandboxstatuspresentation.h"

#include <QBrush>
#include <QGuiApplication>
#include <QHash>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QPolygonF>
#include <QTimeZone>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr uint columnBit(int column)
{
    return 1u << column;
}
constexpr uint AllColumns = (1u << SandboxTableModel::ColumnCount) - 1;

int firstColumn(uint mask)
{
    return std::countr_zero(mask);
}
int lastColumn(uint mask)
{
    return int(std::bit_width(mask)) - 1;
}

std::size_t statusSlot(SandboxStatus status)
{
    const auto slot = static_cast<std::size_t>(status);
    Q_ASSERT(slot < std::size(AllSandboxStatuses));
    return slot;
}

// Binary equality as QString's operator== has it, inline: a snapshot with no changes compares
// every field of 100,000 rows, mostly short strings, where a call costs more than the compare.
inline bool sameText(const QString &a, const QString &b)
{
    const qsizetype size = a.size();
    if (size != b.size())
        return false;
    const QChar *pa = a.constData();
    const QChar *pb = b.constData();
    if (pa == pb)
        return true;
    const auto *ca = reinterpret_cast<const unsigned char *>(pa);
    const auto *cb = reinterpret_cast<const unsigned char *>(pb);
    std::size_t bytes = std::size_t(size) * sizeof(QChar);
    for (; bytes >= 8; bytes -= 8, ca += 8, cb += 8) {
        quint64 wa, wb;
        std::memcpy(&wa, ca, 8);
        std::memcpy(&wb, cb, 8);
        if (wa != wb)
            return false;
    }
    for (; bytes > 0; --bytes, ++ca, ++cb) {
        if (*ca != *cb)
            return false;
    }
    return true;
}

// UTC times are kept inline in the QDateTime, so equal bits are the same moment; different bits
// may still be (another time spec, say), which QDateTime itself decides.
inline bool sameTime(const QDateTime &a, const QDateTime &b)
{
    return std::memcmp(static_cast<const void *>(&a), static_cast<const void *>(&b),
                       sizeof(QDateTime))
               == 0
           || a == b;
}

// Everything but the id, which the caller matched already; cheap fields first.
bool sameContent(const SandboxRecord &a, const SandboxRecord &b)
{
    return a.status == b.status && a.cpuCount == b.cpuCount && a.memoryMb == b.memoryMb
           && a.diskMb == b.diskMb && a.providerState == b.providerState && a.orphan == b.orphan
           && sameTime(a.startedAt, b.startedAt) && sameTime(a.endsAt, b.endsAt)
           && sameTime(a.createdAt, b.createdAt) && sameTime(a.updatedAt, b.updatedAt)
           && sameTime(a.lastUsedAt, b.lastUsedAt) && sameTime(a.endedAt, b.endedAt)
           && a.pausedSeconds == b.pausedSeconds && sameTime(a.pausedAt, b.pausedAt)
           && sameText(a.providerId, b.providerId) && sameText(a.provider, b.provider)
           && sameText(a.templateId, b.templateId) && sameText(a.statusDetail, b.statusDetail)
           && sameText(a.taskId, b.taskId) && sameText(a.agentId, b.agentId)
           && sameText(a.repoUrl, b.repoUrl) && sameText(a.metadata, b.metadata);
}

// Which columns show something that differs between two versions of one sandbox, so that a
// proxy re-sorts a changed row only when the column it sorts by is among them.
uint changedColumns(const SandboxRecord &a, const SandboxRecord &b)
{
    // created_at breaks every sort's ties, and TERMINATED greys the whole row.
    if (a.createdAt != b.createdAt)
        return AllColumns;
    if (a.status != b.status
        && (a.status == SandboxStatus::Terminated || b.status == SandboxStatus::Terminated))
        return AllColumns;
    uint mask = 0;
    if (a.status != b.status || a.statusDetail != b.statusDetail
        || isPooledSandbox(a) != isPooledSandbox(b))
        mask |= columnBit(SandboxTableModel::StatusColumn);
    if (a.providerId != b.providerId) // shown in the id's tooltip
        mask |= columnBit(SandboxTableModel::IdColumn);
    if (a.provider != b.provider)
        mask |= columnBit(SandboxTableModel::ProviderColumn);
    if (a.templateId != b.templateId)
        mask |= columnBit(SandboxTableModel::TemplateColumn);
    if (a.taskId != b.taskId)
        mask |= columnBit(SandboxTableModel::TaskColumn);
    if (a.agentId != b.agentId)
        mask |= columnBit(SandboxTableModel::AgentColumn);
    if (a.repoUrl != b.repoUrl)
        mask |= columnBit(SandboxTableModel::RepoColumn);
    if (a.lastUsedAt != b.lastUsedAt)
        mask |= columnBit(SandboxTableModel::LastUsedColumn);
    if (a.endsAt != b.endsAt || a.providerState != b.providerState || a.orphan != b.orphan)
        mask |= columnBit(SandboxTableModel::TimeLeftColumn) | columnBit(SandboxTableModel::StatusColumn);
    if (a.cpuCount != b.cpuCount)
        mask |= columnBit(SandboxTableModel::CpuColumn);
    if (a.memoryMb != b.memoryMb)
        mask |= columnBit(SandboxTableModel::MemoryColumn);
    // The estimate's inputs (the status itself does not enter it: the times do).
    if (a.cpuCount != b.cpuCount || a.memoryMb != b.memoryMb || a.provider != b.provider
        || a.pausedSeconds != b.pausedSeconds || a.pausedAt != b.pausedAt
        || a.startedAt != b.startedAt || a.endedAt != b.endedAt)
        mask |= columnBit(SandboxTableModel::CostColumn);
    // Only fields behind RecordRole changed (metadata, sizes, updated/ended): announce them on
    // the identity column, which no sort depends on beyond its own (unchanged) value.
    if (mask == 0)
        mask = columnBit(SandboxTableModel::IdColumn);
    return mask;
}

QString orDash(const QString &text)
{
    return text.isEmpty() ? u"—"_s : text;
}

// A shape per status, so the icon reads without colour: ring, disc, square, triangle.
void drawStatusShape(QPainter &painter, const StatusPresentation &p, const QRectF &box)
{
    const QColor edge = p.colour.darker(130);
    if (p.symbol == u"○") {
        painter.setPen(QPen(p.colour, 2.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5));
    } else if (p.symbol == u"●") {
        painter.setPen(QPen(edge, 1.0));
        painter.setBrush(p.colour);
        painter.drawEllipse(box);
    } else if (p.symbol == u"■") {
        painter.setPen(QPen(edge, 1.0));
        painter.setBrush(p.colour);
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 1.5, 1.5);
    } else if (p.symbol == u"▲") {
        painter.setPen(QPen(edge, 1.0));
        painter.setBrush(p.colour);
        const QPolygonF triangle{QPointF(box.center().x(), box.top()),
                                 QPointF(box.right() + 0.5, box.bottom()),
                                 QPointF(box.left() - 0.5, box.bottom())};
        painter.drawPolygon(triangle);
    } else {
        painter.setPen(p.colour);
        painter.drawText(box, Qt::AlignCenter, p.symbol);
    }
}

QIcon paintStatusIcon(SandboxStatus status)
{
    const StatusPresentation p = presentationOf(status);
    QIcon icon;
    // Device pixels for 1x, 2x and 3x screens: QIcon picks the one that fits.
    for (int scale = 1; scale <= 3; ++scale) {
        QPixmap pixmap(16 * scale, 16 * scale);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.scale(scale, scale);
        drawStatusShape(painter, p, QRectF(2.5, 2.5, 11.0, 11.0));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

QString timeText(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

} // namespace

SandboxTableModel::SandboxTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QModelIndex SandboxTableModel::index(int row, int column, const QModelIndex &parent) const
{
    // As the base class does it, minus its two virtual calls: a sort of 100,000 rows through a
    // proxy asks for some three million indexes.
    if (parent.isValid() || row < 0 || column < 0 || column >= ColumnCount
        || row >= int(m_rows.size()) - m_removedCount)
        return {};
    return createIndex(row, column);
}

int SandboxTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size()) - m_removedCount;
}

int SandboxTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags SandboxTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
}

QVariant SandboxTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const SandboxRecord &r = record(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(r, column);
    case Qt::DecorationRole:
        // Pixmaps need a QGuiApplication; a console-only process gets the label alone.
        if (column == StatusColumn && qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
            return QVariant::fromValue(statusIcon(r.status));
        return {};
    case Qt::ToolTipRole:
        return toolTipData(r, column);
    case Qt::TextAlignmentRole:
        return (horizontalAlignment(column) | Qt::AlignVCenter).toInt();
    case Qt::ForegroundRole:
        if (r.status == SandboxStatus::Terminated)
            return QBrush(presentationOf(SandboxStatus::Terminated).colour);
        return {};
    case IdRole:
        return r.id;
    case StatusRole:
        return static_cast<int>(r.status);
    case BadgeRole:
        return static_cast<int>(badgeOf(r));
    case SortRole:
        return sortData(r, column);
    case RecordRole:
        return QVariant::fromValue(r);
    default:
        return {};
    }
}

QVariant SandboxTableModel::displayData(const SandboxRecord &r, int column) const
{
    switch (column) {
    case StatusColumn:
        return presentationOf(badgeOf(r)).label;
    case IdColumn:
        return r.id;
    case ProviderColumn:
        return r.provider;
    case TemplateColumn:
        return r.templateId;
    case TaskColumn:
        return orDash(r.taskId);
    case AgentColumn:
        return orDash(r.agentId);
    case RepoColumn:
        return orDash(r.repoUrl);
    case AgeColumn:
        return ageText(r.createdAt, now());
    case LastUsedColumn:
        return ageText(r.lastUsedAt, now());
    case TimeLeftColumn:
        if (!r.isLive())
            return u"—"_s;
        return r.isPaused() ? tr("paused") : timeLeftText(r.endsAt, now());
    case CpuColumn:
        return r.cpuCount > 0 ? QString::number(r.cpuCount) : u"—"_s;
    case MemoryColumn:
        return memoryText(r.memoryMb);
    case CpuUsedColumn: {
        const MetricSample *sample = sampleOf(r);
        return sample ? cpuUsedText(sample->cpuUsedPercent) : u"—"_s;
    }
    case MemoryUsedColumn: {
        const MetricSample *sample = sampleOf(r);
        return sample ? memoryUsedText(sample->memoryUsedBytes) : u"—"_s;
    }
    case CostColumn:
        return formatUsd(estimateCostUsd(r, m_costRates, now()));
    default:
        return {};
    }
}

QVariant SandboxTableModel::sortData(const SandboxRecord &r, int column) const
{
    switch (column) {
    case StatusColumn:
        return statusSortKey(r.status);
    case IdColumn:
        return r.id;
    case ProviderColumn:
        return r.provider;
    case TemplateColumn:
        return r.templateId;
    case TaskColumn:
        return r.taskId;
    case AgentColumn:
        return r.agentId;
    case RepoColumn:
        return r.repoUrl;
    case AgeColumn:
        return timeSortKey(r.createdAt);
    case LastUsedColumn:
        return timeSortKey(r.lastUsedAt);
    case TimeLeftColumn:
        return timeLeftSortKey(r);
    case CpuColumn:
        return r.cpuCount;
    case MemoryColumn:
        return r.memoryMb;
    case CpuUsedColumn:
        return cpuUsedSortKey(r);
    case MemoryUsedColumn:
        return memoryUsedSortKey(r);
    case CostColumn:
        return costSortKey(r);
    default:
        return {};
    }
}

QVariant SandboxTableModel::toolTipData(const SandboxRecord &r, int column) const
{
    switch (column) {
    case StatusColumn: {
        const QString label = presentationOf(badgeOf(r)).label;
        return r.statusDetail.isEmpty() ? label : label + u": "_s + r.statusDetail;
    }
    case IdColumn:
        return r.providerId.isEmpty() ? r.id : tr("%1\nProvider id: %2").arg(r.id, r.providerId);
    case RepoColumn:
        return r.repoUrl.isEmpty() ? QVariant() : QVariant(r.repoUrl);
    case AgeColumn:
        return r.createdAt.isValid() ? tr("Created %1").arg(timeText(r.createdAt)) : QVariant();
    case LastUsedColumn:
        return r.lastUsedAt.isValid() ? tr("Last used %1").arg(timeText(r.lastUsedAt))
                                      : tr("Never used");
    case TimeLeftColumn:
        if (r.isLive() && r.isPaused())
            return tr("Paused: E2B keeps it without a timeout until it is resumed");
        if (r.isLive() && r.endsAt.isValid())
            return tr("%1 ends it at %2 unless the timeout is extended").arg(r.provider, timeText(r.endsAt));
        return {};
    case MemoryColumn:
        return r.diskMb > 0 ? tr("Memory %1, disk %2").arg(memoryText(r.memoryMb), memoryText(r.diskMb))
                            : QVariant();
    case CpuUsedColumn:
    case MemoryUsedColumn: {
        const MetricSample *sample = sampleOf(r);
        if (!sample)
            return r.isLive() && r.provider == u"e2b" ? tr("No sample yet") : QVariant();
        const QString at = sample->timestamp.isValid()
                               ? tr(", sampled at %1").arg(QLocale().toString(
                                     sample->timestamp.toLocalTime().time(), QLocale::LongFormat))
                               : QString();
        if (column == CpuUsedColumn) {
            const QString used = cpuUsedText(sample->cpuUsedPercent);
            if (sample->cpuCount == 1)
                return tr("%1 of 1 vCPU%2").arg(used, at);
            return sample->cpuCount > 1
                       ? tr("%1 of %2 vCPUs%3").arg(used, QString::number(sample->cpuCount), at)
                       : QString(used + at);
        }
        if (sample->memoryTotalBytes <= 0)
            return tr("%1 used%2").arg(memoryUsedText(sample->memoryUsedBytes), at);
        return tr("%1 of %2 used (%3)%4")
            .arg(memoryUsedText(sample->memoryUsedBytes),
                 memoryUsedText(sample->memoryTotalBytes),
                 cpuUsedText(100.0 * double(sample->memoryUsedBytes)
                             / double(sample->memoryTotalBytes)),
                 at);
    }
    case CostColumn: {
        const std::optional<double> hourly = hourlyRateUsd(r, m_costRates);
        if (!hourly)
            return tr("Unknown: the provider did not say how many vCPUs and how much memory");
        return tr("Estimated: %1 an hour while running; paused time is not billed")
            .arg(formatUsd(hourly));
    }
    default:
        return {};
    }
}

QVariant SandboxTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case StatusColumn:
            return tr("Status");
        case IdColumn:
            return tr("ID");
        case ProviderColumn:
            return tr("Provider");
        case TemplateColumn:
            return tr("Template");
        case TaskColumn:
            return tr("Task");
        case AgentColumn:
            return tr("Agent");
        case RepoColumn:
            return tr("Repository");
        case AgeColumn:
            return tr("Age");
        case LastUsedColumn:
            return tr("Last used");
        case TimeLeftColumn:
            return tr("Time left");
        case CpuColumn:
            return tr("vCPU");
        case MemoryColumn:
            return tr("Memory");
        case CpuUsedColumn:
            return tr("CPU %");
        case MemoryUsedColumn:
            return tr("Mem used");
        case CostColumn:
            return tr("Cost");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case StatusColumn:
            return tr("Created, running, error or terminated");
        case IdColumn:
            return tr("The sandbox's id in this console");
        case ProviderColumn:
            return tr("Where the sandbox runs (local or E2B)");
        case TemplateColumn:
            return tr("The template the sandbox was created from");
        case TaskColumn:
            return tr("The task the sandbox works on");
        case AgentColumn:
            return tr("The agent working in the sandbox");
        case RepoColumn:
            return tr("The repository cloned into the sandbox");
        case AgeColumn:
            return tr("Time since the sandbox was created");
        case LastUsedColumn:
            return tr("Time since the sandbox was last used");
        case TimeLeftColumn:
            return tr("Time until the provider ends the sandbox by itself (its timeout)");
        case CpuColumn:
            return tr("Virtual CPUs");
        case MemoryColumn:
            return tr("Memory");
        case CpuUsedColumn:
            return tr("CPU use in E2B's latest sample (E2B sandboxes only)");
        case MemoryUsedColumn:
            return tr("Memory use in E2B's latest sample (E2B sandboxes only)");
        case CostColumn:
            return tr("Estimated compute cost: seconds running × (vCPU and memory rates); paused "
                      "time is not billed");
        }
    } else if (role == Qt::TextAlignmentRole) {
        return (horizontalAlignment(section) | Qt::AlignVCenter).toInt();
    }
    return {};
}

QIcon SandboxTableModel::statusIcon(SandboxStatus status) const
{
    QIcon &icon = m_statusIcons[statusSlot(status)];
    if (icon.isNull())
        icon = paintStatusIcon(status);
    return icon;
}

void SandboxTableModel::setCostRates(const CostRates &rates)
{
    if (rates == m_costRates)
        return;
    m_costRates = rates;
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, CostColumn), index(rowCount() - 1, CostColumn));
}

void SandboxTableModel::setLatestSamples(QHash<QString, MetricSample> samples)
{
    // Only ids with a row: a sample of a sandbox the table does not show is never read.
    for (auto it = samples.begin(); it != samples.end();) {
        if (rowOf(it.key()) < 0)
            it = samples.erase(it);
        else
            ++it;
    }
    const auto same = [](const MetricSample &a, const MetricSample &b) {
        return a.timestamp == b.timestamp && a.cpuCount == b.cpuCount
               && a.cpuUsedPercent == b.cpuUsedPercent && a.memoryUsedBytes == b.memoryUsedBytes
               && a.memoryTotalBytes == b.memoryTotalBytes;
    };
    std::vector<int> changed;
    for (auto it = m_latest.cbegin(); it != m_latest.cend(); ++it) {
        const auto now = samples.constFind(it.key());
        if (now == samples.cend() || !same(*now, *it)) {
            if (const int row = rowOf(it.key()); row >= 0)
                changed.push_back(row);
        }
    }
    for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
        if (!m_latest.contains(it.key()))
            changed.push_back(rowOf(it.key()));
    }
    if (changed.empty()) {
        m_latest = std::move(samples); // the same values
        return;
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    // As applySnapshot() does it: each run of rows is announced right after it changed, so a
    // sorting proxy never places an announced row among rows changed but not yet announced.
    const auto announce = [this](int first, int last) {
        Q_EMIT dataChanged(index(first, CpuUsedColumn), index(last, MemoryUsedColumn));
    };
    QHash<QString, MetricSample> next = std::move(samples);
    std::size_t begin = 0;
    while (begin < changed.size()) {
        std::size_t end = begin + 1;
        while (end < changed.size() && changed[end] == changed[end - 1] + 1)
            ++end;
        for (std::size_t i = begin; i < end; ++i) {
            const QString &id = record(changed[i]).id;
            const auto found = next.constFind(id);
            if (found == next.cend())
                m_latest.remove(id);
            else
                m_latest.insert(id, *found);
        }
        announce(changed[begin], changed[end - 1]);
        begin = end;
    }
    m_latest = std::move(next);
}

uint SandboxTableModel::columnsChanged(const SandboxRecord &a, const SandboxRecord &b) const
{
    uint mask = changedColumns(a, b);
    // A sample is shown only while the sandbox runs (live and not paused).
    if ((a.isLive() != b.isLive() || a.isPaused() != b.isPaused()) && m_latest.contains(a.id))
        mask |= columnBit(CpuUsedColumn) | columnBit(MemoryUsedColumn);
    return mask;
}

const MetricSample *SandboxTableModel::sampleOf(const SandboxRecord &record) const
{
    // A paused sandbox's last sample is from before its pause: not what it uses now.
    if (m_latest.isEmpty() || !record.isLive() || record.isPaused())
        return nullptr;
    const auto found = m_latest.constFind(record.id);
    return found == m_latest.cend() ? nullptr : &*found;
}

double SandboxTableModel::cpuUsedSortKey(const SandboxRecord &record) const
{
    const MetricSample *sample = sampleOf(record);
    return sample ? sample->cpuUsedPercent : -1.0;
}

qint64 SandboxTableModel::memoryUsedSortKey(const SandboxRecord &record) const
{
    const MetricSample *sample = sampleOf(record);
    return sample ? sample->memoryUsedBytes : -1;
}

QString SandboxTableModel::cpuUsedText(double percent)
{
    // Whole percents: the samples are 5 s averages, finer digits would only flicker.
    return u"%1 %"_s.arg(QLocale().toString(std::max(0.0, percent), 'f', 0));
}

QString SandboxTableModel::memoryUsedText(qint64 bytes)
{
    const qint64 mib = std::max<qint64>(0, bytes) / (1024 * 1024);
    if (mib < 1024)
        return u"%1 MiB"_s.arg(mib);
    if (mib % 1024 == 0)
        return u"%1 GiB"_s.arg(mib / 1024);
    return u"%1 GiB"_s.arg(QLocale().toString(double(mib) / 1024.0, 'f', 1));
}

double SandboxTableModel::costSortKey(const SandboxRecord &record) const
{
    const QDateTime at = now();
    const QDateTime minute = QDateTime::fromSecsSinceEpoch(at.toSecsSinceEpoch() / 60 * 60,
                                                           QTimeZone::utc());
    return estimateCostUsd(record, m_costRates, minute).value_or(-1.0);
}

QDateTime SandboxTableModel::now() const
{
    return m_referenceTime.isValid() ? m_referenceTime : QDateTime::currentDateTimeUtc();
}

QString SandboxTableModel::ageText(const QDateTime &since, const QDateTime &now)
{
    if (!since.isValid())
        return u"—"_s;
    const QDateTime reference = now.isValid() ? now : QDateTime::currentDateTimeUtc();
    const qint64 seconds = std::max<qint64>(since.msecsTo(reference) / 1000, 0);
    if (seconds < 60)
        return u"%1s"_s.arg(seconds);
    if (seconds < 3600)
        return u"%1m"_s.arg(seconds / 60);
    if (seconds < 86400)
        return u"%1h"_s.arg(seconds / 3600);
    return u"%1d"_s.arg(seconds / 86400);
}

QString SandboxTableModel::timeLeftText(const QDateTime &endsAt, const QDateTime &now)
{
    if (!endsAt.isValid())
        return u"—"_s;
    const QDateTime reference = now.isValid() ? now : QDateTime::currentDateTimeUtc();
    const qint64 seconds = std::max<qint64>(reference.msecsTo(endsAt) / 1000, 0);
    if (seconds < 60)
        return u"%1s"_s.arg(seconds);
    if (seconds < 3600)
        return u"%1m %2s"_s.arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
    if (seconds < 86400)
        return u"%1h %2m"_s.arg(seconds / 3600).arg(seconds % 3600 / 60, 2, 10, QChar(u'0'));
    return u"%1d %2h"_s.arg(seconds / 86400).arg(seconds % 86400 / 3600);
}

QString SandboxTableModel::memoryText(int memoryMb)
{
    if (memoryMb <= 0)
        return u"—"_s;
    if (memoryMb < 1024)
        return u"%1 MiB"_s.arg(memoryMb);
    if (memoryMb % 1024 == 0)
        return u"%1 GiB"_s.arg(memoryMb / 1024);
    return u"%1 GiB"_s.arg(QLocale().toString(memoryMb / 1024.0, 'f', 1));
}

qint64 SandboxTableModel::timeLeftSortKey(const SandboxRecord &record)
{
    // Soonest end first; then sandboxes with no end, paused ones, and the ended ones.
    if (!record.isLive())
        return std::numeric_limits<qint64>::max();
    if (record.isPaused())
        return std::numeric_limits<qint64>::max() - 1;
    if (!record.endsAt.isValid())
        return std::numeric_limits<qint64>::max() - 2;
    return record.endsAt.toMSecsSinceEpoch();
}

Qt::Alignment SandboxTableModel::horizontalAlignment(int column)
{
    switch (column) {
    case AgeColumn:
    case LastUsedColumn:
    case TimeLeftColumn:
    case CpuColumn:
    case MemoryColumn:
    case CpuUsedColumn:
    case MemoryUsedColumn:
    case CostColumn:
        return Qt::AlignRight;
    default:
        return Qt::AlignLeft;
    }
}

int SandboxTableModel::statusSortKey(SandboxStatus status)
{
    switch (status) {
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
}

qint64 SandboxTableModel::timeSortKey(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

const SandboxRecords &SandboxTableModel::records() const
{
    compactRemoved();
    return m_rows;
}

int SandboxTableModel::rowOf(const QString &id) const
{
    const int stored = m_rowById.find(id, m_rows);
    int row = stored;
    // Mid-removal, the storage row still counts the rows already announced as gone above it.
    for (const auto &[first, count] : m_removedRanges) {
        if (stored < 0 || first > stored)
            break;
        row -= count;
    }
    return row;
}

QMap<SandboxStatus, int> SandboxTableModel::statusCounts() const
{
    QMap<SandboxStatus, int> counts;
    for (SandboxStatus status : AllSandboxStatuses)
        counts.insert(status, m_statusCounts[statusSlot(status)]);
    return counts;
}

int SandboxTableModel::statusCount(SandboxStatus status) const
{
    return m_statusCounts[statusSlot(status)];
}

void SandboxTableModel::countStatus(SandboxStatus status, int delta)
{
    m_statusCounts[statusSlot(status)] += delta;
}

int SandboxTableModel::storageRowSlow(int row) const
{
    int storage = row;
    for (const auto &[first, count] : m_removedRanges) {
        if (storage < first)
            break;
        storage += count;
    }
    return storage;
}

void SandboxTableModel::applySnapshot(const SandboxRecords &records, bool complete)
{
    Q_ASSERT_X(!m_applying, "SandboxTableModel::applySnapshot", "called from its own signal");
    if (m_rows.isEmpty()) {
        if (records.isEmpty() || adoptSnapshot(records))
            return;
    } else if (records.isSharedWith(m_rows)) {
        return; // the very list this model holds: nothing can differ
    } else if (extendWith(records)) {
        return;
    }

    m_applying = true;
    const auto countsBefore = m_statusCounts;
    const int oldSize = int(m_rows.size());
    // Per row, the last place the snapshot lists it (a later listing of an id wins), or -1.
    std::vector<qsizetype> listedAt(std::size_t(oldSize), -1);
    int listed = 0;
    std::vector<int> differing;          // rows some listing differs from, in snapshot order
    QList<qsizetype> fresh;              // places in `records` of new ids
    QHash<QString, qsizetype> freshSlot; // folds a new id listed twice (the later wins)

    int expected = 0; // the row the next record most likely is
    for (qsizetype i = 0; i < records.size(); ++i) {
        const SandboxRecord &incoming = records.at(i);
        // The store lists rows in a stable order and new ones are appended here, so a snapshot
        // usually lines up with the rows, give or take the ones added or removed since: try the
        // row after the last one found before hashing the id.
        int row = -1;
        if (expected < oldSize && sameText(m_rows.at(expected).id, incoming.id))
            row = expected;
        else
            row = m_rowById.find(incoming.id, m_rows);
        if (row >= 0) {
            if (listedAt[std::size_t(row)] < 0)
                ++listed;
            listedAt[std::size_t(row)] = i;
            expected = row + 1;
            // Compared here, in the same sweep, while both records are at hand.
            if (!sameContent(m_rows.at(row), incoming))
                differing.push_back(row);
            continue;
        }
        const auto it = freshSlot.constFind(incoming.id);
        if (it != freshSlot.constEnd()) {
            fresh[it.value()] = i;
        } else {
            freshSlot.insert(incoming.id, fresh.size());
            fresh.append(i);
        }
    }

    // Changed rows are replaced and announced one run of adjacent rows at a time, over the
    // columns that changed in any of them. Never all replaced first and announced after: a
    // sorting proxy places each announced row among the others by their current values, so
    // rows changed but not yet announced would mislead it.
    std::sort(differing.begin(), differing.end());
    differing.erase(std::unique(differing.begin(), differing.end()), differing.end());
    int runFirst = -1;
    int runLast = -1;
    uint runColumns = 0;
    const auto announceRun = [&] {
        if (runFirst >= 0)
            Q_EMIT dataChanged(index(runFirst, firstColumn(runColumns)),
                               index(runLast, lastColumn(runColumns)));
        runFirst = -1;
        runColumns = 0;
    };
    for (int row : differing) {
        const SandboxRecord &incoming = records.at(listedAt[std::size_t(row)]);
        const SandboxRecord &current = m_rows.at(row);
        if (sameContent(current, incoming))
            continue; // only an earlier listing of the id differed
        if (runFirst >= 0 && row != runLast + 1)
            announceRun();
        runColumns |= columnsChanged(current, incoming);
        replaceRow(row, incoming);
        if (runFirst < 0)
            runFirst = row;
        runLast = row;
    }
    announceRun();

    if (complete && listed < oldSize) {
        QList<int> gone;
        gone.reserve(oldSize - listed);
        for (int row = 0; row < oldSize; ++row) {
            if (listedAt[std::size_t(row)] < 0)
                gone.append(row);
        }
        removeRowList(std::move(gone));
    }

    if (!fresh.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
        for (qsizetype at : std::as_const(fresh)) {
            const SandboxRecord &incoming = records.at(at);
            m_rows.append(incoming);
            m_rowById.insert(m_rows.constLast().id, int(m_rows.size()) - 1);
            countStatus(incoming.status, +1);
        }
        endInsertRows();
    }

    m_applying = false;
    if (m_statusCounts != countsBefore)
        Q_EMIT statusCountsChanged();
}

bool SandboxTableModel::adoptSnapshot(const SandboxRecords &records)
{
    RowIndex byId;
    if (!byId.assign(records))
        return false; // an id listed twice: the general path folds the duplicates
    std::array<int, 4> counts{};
    for (const SandboxRecord &r : records)
        ++counts[statusSlot(r.status)];

    beginInsertRows({}, 0, int(records.size()) - 1);
    m_rows = records; // shared with the caller's list until one of them changes
    m_rowById = std::move(byId);
    m_statusCounts = counts;
    endInsertRows();
    Q_EMIT statusCountsChanged();
    return true;
}

bool SandboxTableModel::extendWith(const SandboxRecords &records)
{
    // The complete read after a first page: the rows held are, unchanged, the first rows of
    // the snapshot. Adopting the snapshot's list then costs one insert and no copy — a copy
    // would briefly hold two arrays of 100,000 records.
    const qsizetype held = m_rows.size();
    if (records.size() <= held)
        return false;
    for (qsizetype i = 0; i < held; ++i) {
        if (!sameContent(m_rows.at(i), records.at(i)))
            return false;
    }
    RowIndex byId;
    if (!byId.assign(records))
        return false;
    std::array<int, 4> counts{};
    for (const SandboxRecord &r : records)
        ++counts[statusSlot(r.status)];

    beginInsertRows({}, int(held), int(records.size()) - 1);
    m_rows = records;
    m_rowById = std::move(byId);
    m_statusCounts = counts;
    endInsertRows();
    Q_EMIT statusCountsChanged();
    return true;
}

void SandboxTableModel::updateSandbox(const SandboxRecord &record)
{
    Q_ASSERT_X(!m_applying, "SandboxTableModel::updateSandbox", "called from its own signal");
    const auto countsBefore = m_statusCounts;
    const int row = rowOf(record.id);
    if (row >= 0) {
        const SandboxRecord &current = m_rows.at(row);
        if (sameContent(current, record))
            return;
        const uint mask = columnsChanged(current, record);
        replaceRow(row, record);
        Q_EMIT dataChanged(index(row, firstColumn(mask)), index(row, lastColumn(mask)));
    } else {
        const int last = int(m_rows.size());
        beginInsertRows({}, last, last);
        m_rows.append(record);
        m_rowById.insert(m_rows.constLast().id, last);
        countStatus(record.status, +1);
        endInsertRows();
    }
    if (m_statusCounts != countsBefore)
        Q_EMIT statusCountsChanged();
}

void SandboxTableModel::replaceRow(int row, const SandboxRecord &record)
{
    SandboxRecord &slot = m_rows[row];
    countStatus(slot.status, -1);
    countStatus(record.status, +1);
    slot = record;
}

void SandboxTableModel::removeRowList(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());

    QList<std::pair<int, int>> ranges; // (first, count), ascending
    for (int row : std::as_const(rows)) {
        if (!ranges.isEmpty() && ranges.last().first + ranges.last().second == row)
            ++ranges.last().second;
        else
            ranges.append({row, 1});
    }

    // Bottom up, so each range's row numbers are still those of storage when announced.
    for (auto it = ranges.crbegin(); it != ranges.crend(); ++it) {
        const auto [first, count] = *it;
        beginRemoveRows({}, first, first + count - 1);
        for (int row = first; row < first + count; ++row) {
            const SandboxRecord &gone = m_rows.at(row);
            countStatus(gone.status, -1);
            if (!m_latest.isEmpty())
                m_latest.remove(gone.id);
            m_rowById.erase(gone.id, m_rows);
        }
        m_removedRanges.prepend({first, count});
        m_removedCount += count;
        endRemoveRows();
    }
    compactRemoved();
}

void SandboxTableModel::compactRemoved() const
{
    if (m_removedRanges.isEmpty())
        return;
    const int firstGone = m_removedRanges.constFirst().first;
    // One pass: slide every kept stretch down over the gaps below it.
    SandboxRecord *rows = m_rows.data();
    const int size = int(m_rows.size());
    SandboxRecord *write = rows + firstGone;
    // Per gap: its first storage row, and how many rows all gaps up to it removed.
    std::vector<int> gapStarts;
    std::vector<int> removedThrough;
    gapStarts.reserve(std::size_t(m_removedRanges.size()));
    removedThrough.reserve(std::size_t(m_removedRanges.size()));
    int removed = 0;
    for (qsizetype i = 0; i < m_removedRanges.size(); ++i) {
        const auto &[first, count] = m_removedRanges.at(i);
        const int keptEnd = i + 1 < m_removedRanges.size() ? m_removedRanges.at(i + 1).first : size;
        write = std::move(rows + first + count, rows + keptEnd, write);
        removed += count;
        gapStarts.push_back(first);
        removedThrough.push_back(removed);
    }
    m_rows.resize(write - rows);
    m_removedRanges.clear();
    m_removedCount = 0;

    // Renumber the rows that moved in one pass over the index's slots.
    m_rowById.renumber([&](int row) {
        if (row < firstGone)
            return row;
        const auto gaps = std::upper_bound(gapStarts.cbegin(), gapStarts.cend(), row);
        return row - removedThrough[std::size_t(gaps - gapStarts.cbegin()) - 1];
    });
}

quint32 SandboxTableModel::RowIndex::hashOf(QStringView id)
{
    const std::size_t hash = qHash(id, std::size_t(0x9e3779b97f4a7c15ULL));
    return quint32(hash ^ (quint64(hash) >> 32));
}

void SandboxTableModel::RowIndex::reserve(qsizetype count)
{
    // At most four fifths full: each slot keeps its id's hash, so the longer probe runs of a
    // fuller table compare integers in one cache line, and 100,000 rows take 1 MiB, not 2.
    const std::size_t wanted
        = std::max<std::size_t>(16, std::bit_ceil(std::size_t(count) + std::size_t(count) / 4 + 1));
    if (wanted <= m_slots.size())
        return;
    std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(wanted));
    for (const Slot &slot : old) {
        if (slot.row >= 0)
            place(slot.hash, slot.row);
    }
}

void SandboxTableModel::RowIndex::place(quint32 hash, int row)
{
    const std::size_t mask = m_slots.size() - 1;
    std::size_t at = home(hash);
    while (m_slots[at].row >= 0)
        at = (at + 1) & mask;
    m_slots[at] = {hash, row};
}

bool SandboxTableModel::RowIndex::assign(const SandboxRecords &rows)
{
    m_slots.clear();
    m_count = 0;
    reserve(rows.size());
    const std::size_t mask = m_slots.size() - 1;
    for (qsizetype row = 0; row < rows.size(); ++row) {
        const QString &id = rows.at(row).id;
        const quint32 hash = hashOf(id);
        std::size_t at = home(hash);
        for (; m_slots[at].row >= 0; at = (at + 1) & mask) {
            if (m_slots[at].hash == hash && sameText(rows.at(m_slots[at].row).id, id)) {
                m_slots.clear();
                m_count = 0;
                return false;
            }
        }
        m_slots[at] = {hash, int(row)};
    }
    m_count = rows.size();
    return true;
}

int SandboxTableModel::RowIndex::find(QStringView id, const SandboxRecords &rows) const
{
    if (m_count == 0)
        return -1;
    const quint32 hash = hashOf(id);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t at = home(hash); m_slots[at].row >= 0; at = (at + 1) & mask) {
        if (m_slots[at].hash == hash && QStringView(rows.at(m_slots[at].row).id) == id)
            return m_slots[at].row;
    }
    return -1;
}

void SandboxTableModel::RowIndex::insert(QStringView id, int row)
{
    reserve(m_count + 1);
    place(hashOf(id), row);
    ++m_count;
}

void SandboxTableModel::RowIndex::erase(QStringView id, const SandboxRecords &rows)
{
    const int row = find(id, rows);
    if (row < 0)
        return;
    const std::size_t mask = m_slots.size() - 1;
    std::size_t hole = home(hashOf(id));
    while (m_slots[hole].row != row)
        hole = (hole + 1) & mask;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their
    // home slot lies at or before it, so that every entry stays reachable from its home.
    for (std::size_t next = (hole + 1) & mask; m_slots[next].row >= 0; next = (next + 1) & mask) {
        if (((next - home(m_slots[next].hash)) & mask) >= ((next - hole) & mask)) {
            m_slots[hole] = m_slots[next];
            hole = next;
        }
    }
    m_slots[hole] = Slot{};
    --m_count;
}

} // namespace squad
