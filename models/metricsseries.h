// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QList>
#include <QPointF>
#include <QString>

namespace squad {

// One sample of a sandbox's resource use, as a provider reports it (E2B: every 5 s).
struct MetricSample
{
    QDateTime timestamp;
    int cpuCount = 0;
    double cpuUsedPercent = 0;
    qint64 memoryUsedBytes = 0;
    qint64 memoryTotalBytes = 0;
    qint64 diskUsedBytes = 0;
    qint64 diskTotalBytes = 0;
};

// A value axis from 0: its top and how many ticks divide it evenly.
struct ValueRange
{
    double max = 0;
    int tickCount = 2;  // 0 and max at least

    friend bool operator==(const ValueRange &, const ValueRange &) = default;
};

// One line of a chart, cut where samples are missing: each segment is drawn on its own, so a gap
// in the data is a gap in the chart rather than a straight line across it. x is milliseconds
// since the epoch (what a date-time axis takes), y is in the chart's unit.
struct MetricLine
{
    QList<QList<QPointF>> segments;

    bool isEmpty() const { return segments.isEmpty(); }
    qsizetype pointCount() const;
};

// What one chart draws: the used line (filled) and, where the provider reports it, the total
// (a limit line), the value axis, and the newest value in words.
struct MetricChart
{
    QString unit;       // "%" or "MiB"
    MetricLine used;
    MetricLine total;   // empty for CPU, and where the provider reported no total
    ValueRange range;
    QString latestText; // "23 % of 2 vCPU", "412 of 1024 MiB"; empty without samples
};

// The three charts of a sandbox's metrics over the same time span.
struct MetricsSeries
{
    qint64 startMs = 0;  // the time axis, ms since the epoch
    qint64 endMs = 0;
    int sampleCount = 0;
    QDateTime latestAt;  // the newest sample's time; null without samples
    MetricChart cpu;
    MetricChart memory;
    MetricChart disk;

    bool isEmpty() const { return sampleCount == 0; }
};

// The charts' data from `samples` (any order; samples without a valid time are left out):
// CPU in percent, memory and disk in MiB, value axes from 0 with headroom above the highest
// point (CPU to 100 % at most unless a sample exceeds it), segments split at gaps. Pure: no
// clock, no I/O.
MetricsSeries shapeMetrics(QList<MetricSample> samples);

// Two samples further apart than this (the usual spacing times 3, 15 s at least) have a gap
// between them. `intervalsMs` are the distances between consecutive samples.
qint64 gapThresholdMs(QList<qint64> intervalsMs);

// A value axis from 0 that shows `highest` with headroom: its top is the first "nice" number
// (1, 2, 2.5 or 5 times a power of ten, per tick) at or above highest × (1 + headroom), in at
// most 5 steps; `floor` is the least top (an axis for all-zero data still has a scale).
ValueRange niceRange(double highest, double headroom = 0.15, double floor = 1);

// Whole MiB from bytes.
double mebibytes(qint64 bytes);

} // namespace squad
