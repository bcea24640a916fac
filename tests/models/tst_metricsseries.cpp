// SPDX-License-Identifier: MIT
// A sandbox's resource samples shaped for its charts: units, value axes with headroom, the time
// span, lines cut at gaps, and the newest values in words.
#include "metricsseries.h"

#include <QLocale>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

constexpr qint64 MiB = 1024 * 1024;
const QDateTime Epoch = QDateTime::fromSecsSinceEpoch(1'760'000'000, Qt::UTC);

MetricSample sampleAt(int second, double cpu = 10, qint64 memoryMiB = 256, qint64 memoryTotalMiB = 1024,
                      qint64 diskMiB = 300, qint64 diskTotalMiB = 2048)
{
    MetricSample sample;
    sample.timestamp = Epoch.addSecs(second);
    sample.cpuCount = 2;
    sample.cpuUsedPercent = cpu;
    sample.memoryUsedBytes = memoryMiB * MiB;
    sample.memoryTotalBytes = memoryTotalMiB * MiB;
    sample.diskUsedBytes = diskMiB * MiB;
    sample.diskTotalBytes = diskTotalMiB * MiB;
    return sample;
}

QList<int> segmentSizes(const MetricLine &line)
{
    QList<int> sizes;
    for (const QList<QPointF> &segment : line.segments)
        sizes << int(segment.size());
    return sizes;
}

} // namespace

class tst_MetricsSeries : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void niceRange_data();
    void niceRange();
    void gapThreshold_data();
    void gapThreshold();
    void segments_data();
    void segments();
    void cpuRange_data();
    void cpuRange();
    void unitsAndLatestValues();
    void missingTotalsLeaveTheLimitOut();
    void noSamplesIsEmpty();
    void timeSpan_data();
    void timeSpan();
};

void tst_MetricsSeries::initTestCase()
{
    // Numbers in the texts without group separators, whatever the machine's locale.
    QLocale::setDefault(QLocale::c());
}

void tst_MetricsSeries::niceRange_data()
{
    QTest::addColumn<double>("highest");
    QTest::addColumn<double>("headroom");
    QTest::addColumn<double>("floor");
    QTest::addColumn<double>("max");
    QTest::addColumn<int>("ticks");

    QTest::newRow("nothing: the floor's scale") << 0.0 << 0.15 << 1.0 << 1.0 << 6;
    QTest::newRow("37 % with headroom") << 37.0 << 0.15 << 10.0 << 50.0 << 6;
    QTest::newRow("1 GiB total in MiB") << 1024.0 << 0.1 << 1.0 << 1250.0 << 6;
    QTest::newRow("exact top without headroom") << 8.0 << 0.0 << 1.0 << 8.0 << 5;
    QTest::newRow("3 GiB in MiB") << 3072.0 << 0.1 << 1.0 << 4000.0 << 5;
    QTest::newRow("a fraction") << 0.3 << 0.15 << 0.1 << 0.4 << 5;
    QTest::newRow("below the floor") << 2.0 << 0.15 << 10.0 << 10.0 << 6;
}

void tst_MetricsSeries::niceRange()
{
    QFETCH(double, highest);
    QFETCH(double, headroom);
    QFETCH(double, floor);
    QFETCH(double, max);
    QFETCH(int, ticks);

    const ValueRange range = squad::niceRange(highest, headroom, floor);
    QVERIFY2(qFuzzyCompare(range.max, max), qPrintable(QString::number(range.max)));
    QCOMPARE(range.tickCount, ticks);
    QVERIFY(range.max >= highest);
}

void tst_MetricsSeries::gapThreshold_data()
{
    QTest::addColumn<QList<qint64>>("intervals");
    QTest::addColumn<qint64>("threshold");

    QTest::newRow("no intervals") << QList<qint64>() << qint64(15'000);
    QTest::newRow("every 5 s: 15 s") << QList<qint64>{5000, 5000, 5000} << qint64(15'000);
    QTest::newRow("every 30 s") << QList<qint64>{30'000, 30'000} << qint64(90'000);
    QTest::newRow("one long pause is not the norm") << QList<qint64>{5000, 5000, 600'000}
                                                    << qint64(15'000);
    QTest::newRow("every minute") << QList<qint64>{60'000} << qint64(180'000);
}

void tst_MetricsSeries::gapThreshold()
{
    QFETCH(QList<qint64>, intervals);
    QFETCH(qint64, threshold);
    QCOMPARE(gapThresholdMs(intervals), threshold);
}

void tst_MetricsSeries::segments_data()
{
    QTest::addColumn<QList<int>>("seconds");
    QTest::addColumn<QList<int>>("sizes");

    QTest::newRow("regular") << QList<int>{0, 5, 10, 15} << QList<int>{4};
    QTest::newRow("a gap of a minute") << QList<int>{0, 5, 10, 80, 85} << QList<int>{3, 2};
    QTest::newRow("two gaps") << QList<int>{0, 5, 10, 15, 60, 65, 70, 200} << QList<int>{4, 3, 1};
    QTest::newRow("out of order") << QList<int>{10, 0, 5} << QList<int>{3};
    QTest::newRow("one sample") << QList<int>{42} << QList<int>{1};
    QTest::newRow("a late sample within 15 s") << QList<int>{0, 5, 19, 24} << QList<int>{4};
}

void tst_MetricsSeries::segments()
{
    QFETCH(QList<int>, seconds);
    QFETCH(QList<int>, sizes);

    QList<MetricSample> samples;
    for (int second : seconds)
        samples << sampleAt(second, second);
    const MetricsSeries series = shapeMetrics(samples);
    QCOMPARE(series.sampleCount, seconds.size());
    QCOMPARE(segmentSizes(series.cpu.used), sizes);
    QCOMPARE(segmentSizes(series.memory.used), sizes);
    QCOMPARE(segmentSizes(series.memory.total), sizes);
    QCOMPARE(segmentSizes(series.disk.used), sizes);
    QCOMPARE(segmentSizes(series.disk.total), sizes);
    // Oldest first, at the samples' own times (the CPU value is the second, for the check).
    double previousX = -1;
    for (const QList<QPointF> &segment : series.cpu.used.segments) {
        for (const QPointF &point : segment) {
            QVERIFY(point.x() > previousX);
            previousX = point.x();
            QCOMPARE(qint64(point.x()), Epoch.addSecs(qint64(point.y())).toMSecsSinceEpoch());
        }
    }
}

void tst_MetricsSeries::cpuRange_data()
{
    QTest::addColumn<double>("highest");
    QTest::addColumn<double>("max");

    QTest::newRow("idle: 10 %") << 0.5 << 10.0;
    QTest::newRow("37 %: 50 %") << 37.0 << 50.0;
    QTest::newRow("95 %: capped at 100 %") << 95.0 << 100.0;
    QTest::newRow("100 %") << 100.0 << 100.0;
    QTest::newRow("above 100 % shows it") << 120.0 << 150.0;
}

void tst_MetricsSeries::cpuRange()
{
    QFETCH(double, highest);
    QFETCH(double, max);
    const MetricsSeries series = shapeMetrics({sampleAt(0, 1), sampleAt(5, highest), sampleAt(10, 2)});
    QCOMPARE(series.cpu.range.max, max);
    QCOMPARE(series.cpu.unit, u"%"_s);
}

void tst_MetricsSeries::unitsAndLatestValues()
{
    const MetricsSeries series
        = shapeMetrics({sampleAt(0, 12.5, 300, 1024, 100, 2048), sampleAt(5, 3.4, 512, 1024, 700, 2048)});
    QCOMPARE(series.memory.unit, u"MiB"_s);
    QCOMPARE(series.memory.used.segments.at(0).at(1).y(), 512.0);
    QCOMPARE(series.memory.total.segments.at(0).at(1).y(), 1024.0);
    QCOMPARE(series.disk.used.segments.at(0).at(1).y(), 700.0);
    QCOMPARE(series.disk.total.segments.at(0).at(0).y(), 2048.0);
    // The limits stay in sight, with room above them.
    QCOMPARE(series.memory.range, (ValueRange{1250, 6}));
    QCOMPARE(series.disk.range, (ValueRange{2500, 6}));
    QCOMPARE(series.cpu.range, (ValueRange{15, 4}));

    QCOMPARE(series.cpu.latestText, u"3.4 % of 2 vCPU"_s);
    QCOMPARE(series.memory.latestText, u"512 of 1024 MiB (50 %)"_s);
    QCOMPARE(series.disk.latestText, u"700 of 2048 MiB (34 %)"_s);
    QCOMPARE(series.latestAt, Epoch.addSecs(5));
}

void tst_MetricsSeries::missingTotalsLeaveTheLimitOut()
{
    MetricSample noTotals = sampleAt(5, 10, 300, 0, 100, 0);
    noTotals.cpuCount = 0;
    const MetricsSeries series = shapeMetrics({sampleAt(0), noTotals, sampleAt(10)});
    // Each line's own gap: the total is missing where the provider did not report it.
    QCOMPARE(segmentSizes(series.memory.used), QList<int>{3});
    QCOMPARE(segmentSizes(series.memory.total), (QList<int>{1, 1}));
    QCOMPARE(segmentSizes(series.disk.total), (QList<int>{1, 1}));

    const MetricsSeries latestWithout = shapeMetrics({noTotals});
    QVERIFY(latestWithout.memory.total.isEmpty());
    QCOMPARE(latestWithout.memory.latestText, u"300 MiB"_s);
    QCOMPARE(latestWithout.cpu.latestText, u"10 %"_s);
    // Without a total, the used value sets the scale.
    QCOMPARE(latestWithout.memory.range, (ValueRange{400, 5}));
}

void tst_MetricsSeries::noSamplesIsEmpty()
{
    MetricSample undated = sampleAt(0);
    undated.timestamp = {};
    for (const QList<MetricSample> &samples : {QList<MetricSample>(), QList<MetricSample>{undated}}) {
        const MetricsSeries series = shapeMetrics(samples);
        QVERIFY(series.isEmpty());
        QVERIFY(series.cpu.used.isEmpty());
        QVERIFY(series.memory.total.isEmpty());
        QVERIFY(series.cpu.latestText.isEmpty());
        QVERIFY(!series.latestAt.isValid());
        // The axes still have a scale to draw.
        QCOMPARE(series.cpu.range, (ValueRange{100, 6}));
        QCOMPARE(series.memory.range, (ValueRange{1, 6}));
    }
}

void tst_MetricsSeries::timeSpan_data()
{
    QTest::addColumn<QList<int>>("seconds");
    QTest::addColumn<int>("startSecond");
    QTest::addColumn<int>("endSecond");

    QTest::newRow("ten minutes") << QList<int>{0, 300, 600} << 0 << 600;
    QTest::newRow("one sample: a minute") << QList<int>{30} << 30 << 90;
    QTest::newRow("twenty seconds: a minute") << QList<int>{0, 10, 20} << 0 << 60;
}

void tst_MetricsSeries::timeSpan()
{
    QFETCH(QList<int>, seconds);
    QFETCH(int, startSecond);
    QFETCH(int, endSecond);
    QList<MetricSample> samples;
    for (int second : seconds)
        samples << sampleAt(second);
    const MetricsSeries series = shapeMetrics(samples);
    QCOMPARE(series.startMs, Epoch.addSecs(startSecond).toMSecsSinceEpoch());
    QCOMPARE(series.endMs, Epoch.addSecs(endSecond).toMSecsSinceEpoch());
}

QTEST_GUILESS_MAIN(tst_MetricsSeries)
#include "tst_metricsseries.moc"
