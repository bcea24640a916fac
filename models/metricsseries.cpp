// SPDX-License-Identifier: MIT
#include "metricsseries.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr qint64 MinimumGapMs = 15'000;
// A time axis spans a minute at least: one or two samples do not stretch across the chart.
constexpr qint64 MinimumSpanMs = 60'000;
constexpr int MaxSteps = 5;

QString tr(const char *text, int n = -1)
{
    return QCoreApplication::translate("MetricsSeries", text, nullptr, n);
}

// One line from `value` of each sample, cut at the gaps; `keep` leaves samples out (a total the
// provider did not report).
template<class Value, class Keep>
MetricLine lineOf(const QList<MetricSample> &samples, qint64 gapMs, Value value, Keep keep)
{
    MetricLine line;
    qint64 previousMs = 0;
    bool open = false;
    for (const MetricSample &sample : samples) {
        if (!keep(sample)) {
            open = false;
            continue;
        }
        const qint64 ms = sample.timestamp.toMSecsSinceEpoch();
        if (!open || ms - previousMs > gapMs)
            line.segments.append(QList<QPointF>());
        line.segments.last().append(QPointF(double(ms), value(sample)));
        previousMs = ms;
        open = true;
    }
    return line;
}

double highestOf(const MetricLine &line)
{
    double highest = 0;
    for (const QList<QPointF> &segment : line.segments) {
        for (const QPointF &point : segment)
            highest = std::max(highest, point.y());
    }
    return highest;
}

QString number(double value)
{
    // Small values keep a decimal so that 0.4 does not read as 0.
    return QLocale().toString(value, 'f', value > 0 && value < 10 ? 1 : 0);
}

// "412 of 1024 MiB (40 %)", or "412 MiB" without a total.
QString usedText(qint64 used, qint64 total)
{
    if (total <= 0)
        return tr("%1 MiB").arg(number(mebibytes(used)));
    return tr("%1 of %2 MiB (%3 %)")
        .arg(number(mebibytes(used)), number(mebibytes(total)),
             number(100.0 * double(used) / double(total)));
}

} // namespace

qsizetype MetricLine::pointCount() const
{
    qsizetype count = 0;
    for (const QList<QPointF> &segment : segments)
        count += segment.size();
    return count;
}

double mebibytes(qint64 bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

qint64 gapThresholdMs(QList<qint64> intervalsMs)
{
    if (intervalsMs.isEmpty())
        return MinimumGapMs;
    // The median: one long pause must not make every pause look normal.
    const auto middle = intervalsMs.begin() + intervalsMs.size() / 2;
    std::nth_element(intervalsMs.begin(), middle, intervalsMs.end());
    return std::max(MinimumGapMs, *middle * 3);
}

ValueRange niceRange(double highest, double headroom, double floor)
{
    const double target = std::max({highest * (1 + headroom), floor, 1e-9});
    const double rawStep = target / MaxSteps;
    const double power = std::pow(10.0, std::floor(std::log10(rawStep)));
    double step = 10 * power;
    for (const double multiple : {1.0, 2.0, 2.5, 5.0}) {
        if (multiple * power >= rawStep * (1 - 1e-9)) {
            step = multiple * power;
            break;
        }
    }
    const int steps = std::max(1, int(std::ceil(target / step - 1e-9)));
    return {step * steps, steps + 1};
}

MetricsSeries shapeMetrics(QList<MetricSample> samples)
{
    samples.removeIf([](const MetricSample &sample) { return !sample.timestamp.isValid(); });
    std::stable_sort(samples.begin(), samples.end(), [](const MetricSample &a, const MetricSample &b) {
        return a.timestamp < b.timestamp;
    });

    MetricsSeries series;
    series.cpu.unit = u"%"_s;
    series.memory.unit = series.disk.unit = u"MiB"_s;
    series.cpu.range = niceRange(0, 0, 100);
    series.memory.range = series.disk.range = niceRange(0);
    series.sampleCount = int(samples.size());
    if (samples.isEmpty())
        return series;

    QList<qint64> intervals;
    intervals.reserve(samples.size());
    for (qsizetype i = 1; i < samples.size(); ++i)
        intervals << samples.at(i - 1).timestamp.msecsTo(samples.at(i).timestamp);
    const qint64 gapMs = gapThresholdMs(intervals);

    const auto always = [](const MetricSample &) { return true; };
    series.cpu.used = lineOf(samples, gapMs, [](const MetricSample &s) { return s.cpuUsedPercent; }, always);
    series.memory.used = lineOf(samples, gapMs, [](const MetricSample &s) { return mebibytes(s.memoryUsedBytes); }, always);
    series.memory.total = lineOf(
        samples, gapMs, [](const MetricSample &s) { return mebibytes(s.memoryTotalBytes); },
        [](const MetricSample &s) { return s.memoryTotalBytes > 0; });
    series.disk.used = lineOf(samples, gapMs, [](const MetricSample &s) { return mebibytes(s.diskUsedBytes); }, always);
    series.disk.total = lineOf(
        samples, gapMs, [](const MetricSample &s) { return mebibytes(s.diskTotalBytes); },
        [](const MetricSample &s) { return s.diskTotalBytes > 0; });

    // CPU reads against 100 %: headroom above a busy sandbox would only show numbers it
    // cannot reach.
    const double cpuHighest = highestOf(series.cpu.used);
    series.cpu.range = niceRange(cpuHighest, 0.15, 10);
    if (series.cpu.range.max > 100 && cpuHighest <= 100)
        series.cpu.range = {100, 6};
    // Memory and disk read against their totals: the limit stays in sight.
    series.memory.range = niceRange(std::max(highestOf(series.memory.used), highestOf(series.memory.total)), 0.1);
    series.disk.range = niceRange(std::max(highestOf(series.disk.used), highestOf(series.disk.total)), 0.1);

    series.startMs = samples.first().timestamp.toMSecsSinceEpoch();
    series.endMs = std::max(samples.last().timestamp.toMSecsSinceEpoch(), series.startMs + MinimumSpanMs);
    series.latestAt = samples.last().timestamp;

    const MetricSample &latest = samples.last();
    series.cpu.latestText = latest.cpuCount > 0
                                ? tr("%1 % of %n vCPU", latest.cpuCount).arg(number(latest.cpuUsedPercent))
                                : tr("%1 %").arg(number(latest.cpuUsedPercent));
    series.memory.latestText = usedText(latest.memoryUsedBytes, latest.memoryTotalBytes);
    series.disk.latestText = usedText(latest.diskUsedBytes, latest.diskTotalBytes);
    return series;
}

} // namespace squad
