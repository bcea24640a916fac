// SPDX-License-Identifier: MIT
// The metrics charts on their own (a placeholder for no samples, three charts with their points,
// gaps, an error line, a live update that keeps its series, palette-aware colours), and in the
// details pane's Metrics tab over a real ConsoleBackend whose E2B is the loopback control plane.
#include "fakee2b.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "metricscharts.h"
#include "sandboxdetailspane.h"

#include <QAreaSeries>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QValueAxis>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::FakeE2b;
using squad::test::LoopbackHttpServer;

namespace {

const QString ApiKey = u"e2b_loopback_key"_s;
constexpr qint64 MiB = 1024 * 1024;

QDateTime wholeSecondsAgo(int seconds)
{
    return QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch() - seconds, Qt::UTC);
}

MetricSample sampleAt(const QDateTime &at, double cpu, qint64 memoryMiB)
{
    MetricSample sample;
    sample.timestamp = at;
    sample.cpuCount = 2;
    sample.cpuUsedPercent = cpu;
    sample.memoryUsedBytes = memoryMiB * MiB;
    sample.memoryTotalBytes = 1024 * MiB;
    sample.diskUsedBytes = 300 * MiB;
    sample.diskTotalBytes = 2048 * MiB;
    return sample;
}

// `count` samples 5 s apart, the last `secondsAgo` ago.
QList<MetricSample> samples(int count, int secondsAgo = 0)
{
    QList<MetricSample> list;
    for (int i = 0; i < count; ++i)
        list << sampleAt(wholeSecondsAgo(secondsAgo + 5 * (count - 1 - i)), 10 + i, 200 + 10 * i);
    return list;
}

template<class Series>
QList<Series *> seriesOf(QChartView *view)
{
    QList<Series *> found;
    for (QAbstractSeries *series : view->chart()->series()) {
        if (auto *typed = qobject_cast<Series *>(series))
            found << typed;
    }
    return found;
}

int usedPoints(QChartView *view)
{
    int points = 0;
    for (QAreaSeries *area : seriesOf<QAreaSeries>(view))
        points += int(area->upperSeries()->count());
    return points;
}

int metricsRequests(const LoopbackHttpServer &server)
{
    int count = 0;
    for (const auto &request : server.requests())
        count += request.path.endsWith("/metrics") ? 1 : 0;
    return count;
}

QValueAxis *valueAxis(QChartView *view)
{
    const auto axes = view->chart()->axes(Qt::Vertical);
    return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis *>(axes.first());
}

QPalette darkPalette()
{
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Base, QColor(0x12, 0x12, 0x12));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    return dark;
}

} // namespace

class tst_MetricsCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    // The widget on its own.
    void noSamplesSaysSo();
    void samplesDrawThreeCharts();
    void gapsSplitTheLineAndUpdatesKeepTheSeries();
    void errorLineKeepsTheCharts();
    void errorWithNothingShown();
    void coloursFollowThePalette();
    void ticksFitTheHeight();

    // The details pane against the loopback E2B.
    void paneChartsAnE2bSandbox();
    void paneSaysLocalSandboxesHaveNone();

private:
    struct Fixture;
    void openBackend(Fixture &fixture);
};

struct tst_MetricsCharts::Fixture
{
    QTemporaryDir dir;
    LoopbackHttpServer server;
    std::unique_ptr<FakeE2b> e2b;
    std::unique_ptr<ConsoleBackend> backend;
};

void tst_MetricsCharts::initTestCase()
{
    setApplicationIdentity();
    QLocale::setDefault(QLocale::c());
}

void tst_MetricsCharts::noSamplesSaysSo()
{
    MetricsCharts charts;
    charts.resize(500, 600);
    charts.show();
    charts.setSamples({});
    QVERIFY(!charts.isShowingCharts());
    QVERIFY2(charts.placeholderText().startsWith(u"No samples yet."_s), qPrintable(charts.placeholderText()));
    // Not an empty chart: the chart views are out of sight.
    for (int which = 0; which < MetricsCharts::ChartCount; ++which)
        QVERIFY(!charts.chartView(MetricsCharts::Chart(which))->isVisible());
    QVERIFY(!charts.hasError());
    QVERIFY(charts.statusText().startsWith(u"No samples yet"_s));
}

void tst_MetricsCharts::samplesDrawThreeCharts()
{
    MetricsCharts charts;
    charts.resize(500, 600);
    charts.show();
    charts.setSamples(samples(12));
    QVERIFY(charts.isShowingCharts());
    QVERIFY(charts.placeholderText().isEmpty());

    for (int which = 0; which < MetricsCharts::ChartCount; ++which) {
        QChartView *view = charts.chartView(MetricsCharts::Chart(which));
        QVERIFY(view->isVisible());
        QVERIFY(view->renderHints().testFlag(QPainter::Antialiasing));
        QCOMPARE(seriesOf<QAreaSeries>(view).size(), 1);
        QCOMPARE(usedPoints(view), 12);
        QVERIFY(!view->chart()->legend()->isVisible());
        const auto times = view->chart()->axes(Qt::Horizontal);
        QCOMPARE(times.size(), 1);
        QVERIFY(qobject_cast<QDateTimeAxis *>(times.first()));
    }
    // Memory and disk draw their totals; CPU has none.
    QChartView *cpu = charts.chartView(MetricsCharts::Cpu);
    QChartView *memory = charts.chartView(MetricsCharts::Memory);
    QChartView *disk = charts.chartView(MetricsCharts::Disk);
    QVERIFY(seriesOf<QLineSeries>(cpu).isEmpty());
    QCOMPARE(seriesOf<QLineSeries>(memory).size(), 1);
    QCOMPARE(seriesOf<QLineSeries>(memory).first()->count(), 12);
    QCOMPARE(seriesOf<QLineSeries>(memory).first()->at(0).y(), 1024.0);
    QCOMPARE(seriesOf<QLineSeries>(disk).size(), 1);
    // The newest values head the charts; the axes leave room above the highest point.
    QCOMPARE(charts.latestText(MetricsCharts::Cpu), u"21 % of 2 vCPU"_s);
    QCOMPARE(charts.latestText(MetricsCharts::Memory), u"310 of 1024 MiB (30 %)"_s);
    QCOMPARE(charts.latestText(MetricsCharts::Disk), u"300 of 2048 MiB (15 %)"_s);
    QCOMPARE(valueAxis(cpu)->max(), charts.series().cpu.range.max);
    QVERIFY(valueAxis(cpu)->max() > 21);
    QVERIFY(valueAxis(memory)->max() > 1024);
    QVERIFY2(charts.statusText().startsWith(u"12 samples"_s), qPrintable(charts.statusText()));
    // It paints offscreen without complaint.
    QVERIFY(!charts.grab().isNull());
}

void tst_MetricsCharts::gapsSplitTheLineAndUpdatesKeepTheSeries()
{
    MetricsCharts charts;
    charts.resize(500, 600);
    charts.show();
    // Two runs of samples ten minutes apart.
    charts.setSamples(samples(4, 600) + samples(3));
    QChartView *cpu = charts.chartView(MetricsCharts::Cpu);
    QCOMPARE(seriesOf<QAreaSeries>(cpu).size(), 2);
    QCOMPARE(usedPoints(cpu), 7);
    QCOMPARE(seriesOf<QLineSeries>(charts.chartView(MetricsCharts::Memory)).size(), 2);

    // A live update without the gap: one line, drawn by a series that was already there.
    QAreaSeries *first = seriesOf<QAreaSeries>(cpu).first();
    charts.setSamples(samples(20));
    QCOMPARE(seriesOf<QAreaSeries>(cpu).size(), 1);
    QCOMPARE(seriesOf<QAreaSeries>(cpu).first(), first);
    QCOMPARE(usedPoints(cpu), 20);

    // And the next one moves the same series on.
    charts.setSamples(samples(21));
    QCOMPARE(seriesOf<QAreaSeries>(cpu).first(), first);
    QCOMPARE(usedPoints(cpu), 21);
}

void tst_MetricsCharts::errorLineKeepsTheCharts()
{
    MetricsCharts charts;
    charts.resize(500, 600);
    charts.show();
    charts.setSamples(samples(5));
    const QColor normal = charts.findChild<QLabel *>(u"metricsStatus"_s)->palette().color(QPalette::WindowText);
    charts.setError(u"Reading the metrics of sandbox sbx1 failed: E2B answered 500"_s);
    QVERIFY(charts.hasError());
    QVERIFY(charts.isShowingCharts());
    QCOMPARE(usedPoints(charts.chartView(MetricsCharts::Cpu)), 5);
    QCOMPARE(charts.statusText(), u"Reading the metrics of sandbox sbx1 failed: E2B answered 500"_s);
    const QColor error = charts.findChild<QLabel *>(u"metricsStatus"_s)->palette().color(QPalette::WindowText);
    QVERIFY(error != normal);
    QVERIFY2(error.red() > error.green() && error.red() > error.blue(), qPrintable(error.name()));

    // The next good read clears it.
    charts.setSamples(samples(6));
    QVERIFY(!charts.hasError());
    QVERIFY(charts.statusText().startsWith(u"6 samples"_s));
}

void tst_MetricsCharts::errorWithNothingShown()
{
    MetricsCharts charts;
    charts.show();
    charts.showLoading();
    QCOMPARE(charts.placeholderText(), u"Reading the metrics…"_s);
    charts.setError(u"E2B rejected the API key (401)"_s);
    QVERIFY(!charts.isShowingCharts());
    QCOMPARE(charts.placeholderText(), u"No metrics to show."_s);
    QCOMPARE(charts.statusText(), u"E2B rejected the API key (401)"_s);
}

void tst_MetricsCharts::coloursFollowThePalette()
{
    MetricsCharts charts;
    charts.setPalette(QPalette(QColor(0xf0, 0xf0, 0xf0)));
    charts.setSamples(samples(5));
    QAreaSeries *cpu = seriesOf<QAreaSeries>(charts.chartView(MetricsCharts::Cpu)).first();
    QAreaSeries *memory = seriesOf<QAreaSeries>(charts.chartView(MetricsCharts::Memory)).first();
    const QColor lightLine = cpu->borderColor();
    QVERIFY(lightLine != memory->borderColor());  // each chart its own colour
    QVERIFY(cpu->brush().color().alpha() < 255);  // the fill lets the grid show through

    charts.setPalette(darkPalette());
    const QColor darkLine = cpu->borderColor();
    QVERIFY(darkLine != lightLine);
    // On a dark window the line is the lighter one.
    QVERIFY2(darkLine.lightness() > lightLine.lightness(),
             qPrintable(darkLine.name() + u' ' + lightLine.name()));
    QCOMPARE(valueAxis(charts.chartView(MetricsCharts::Cpu))->labelsColor(),
             darkPalette().color(QPalette::PlaceholderText));
}

void tst_MetricsCharts::ticksFitTheHeight()
{
    MetricsCharts charts;
    charts.resize(500, 1500);
    charts.show();
    charts.setSamples(samples(12));
    QChartView *cpu = charts.chartView(MetricsCharts::Cpu);
    const int steps = charts.series().cpu.range.tickCount - 1;
    QVERIFY(steps > 1);
    // Tall: every step of the range has its label.
    QTRY_COMPARE(valueAxis(cpu)->tickCount(), steps + 1);
    // Short: fewer labels (Qt Charts would elide them all to "..."), the top one still at the top.
    charts.resize(500, 300);
    QTRY_VERIFY(valueAxis(cpu)->tickCount() < steps + 1);
    QVERIFY(valueAxis(cpu)->tickCount() >= 2);
    QCOMPARE(steps % (valueAxis(cpu)->tickCount() - 1), 0);
    QCOMPARE(valueAxis(cpu)->max(), charts.series().cpu.range.max);
}

void tst_MetricsCharts::openBackend(Fixture &fixture)
{
    QVERIFY(fixture.dir.isValid());
    QVERIFY(fixture.server.isListening());
    fixture.e2b = std::make_unique<FakeE2b>(fixture.server, ApiKey);
    fixture.backend = std::make_unique<ConsoleBackend>(
        test::scratchOptions(fixture.dir.filePath(u"squad.db"_s), fixture.dir.filePath(u"data"_s)));
    QVERIFY_RESULT(await(fixture.backend->open()));
    const QString url = fixture.server.url().toString();
    QVERIFY_RESULT(await(fixture.backend->enableE2b({{}, url, url}, ApiKey)));
}

void tst_MetricsCharts::paneChartsAnE2bSandbox()
{
    Fixture fixture;
    openBackend(fixture);
    if (QTest::currentTestFailed())
        return;
    CreateSandboxRequest request;
    request.provider = u"e2b"_s;
    const auto created = await(fixture.backend->create(request));
    QVERIFY_RESULT(created);
    QVERIFY(fixture.e2b->sandboxes.contains(created->providerId));
    QJsonArray &metrics = fixture.e2b->sandboxes[created->providerId].metrics;
    for (int i = 0; i < 6; ++i) {
        metrics.append(test::sandboxMetric(wholeSecondsAgo(5 * (6 - i)), 2, 20 + i, (300 + i) * MiB,
                                           512 * MiB, 100 * MiB, 1024 * MiB));
    }
    // Samples older than the hour the pane asks for stay out.
    metrics.prepend(test::sandboxMetric(wholeSecondsAgo(2 * 3600), 2, 99, 500 * MiB, 512 * MiB,
                                        100 * MiB, 1024 * MiB));

    SandboxDetailsPane pane(fixture.backend.get());
    pane.resize(600, 900);
    pane.show();
    pane.setMetricsRefreshInterval(100);
    QSignalSpy loaded(&pane, &SandboxDetailsPane::metricsLoaded);
    QSignalSpy logsLoaded(&pane, &SandboxDetailsPane::logsLoaded);
    pane.showRecord(*created);
    // Out of sight, nothing is read (the log, read at the same time, has made its round trip).
    QTRY_VERIFY_WITH_TIMEOUT(logsLoaded.size() > 0, 20000);
    QCOMPARE(metricsRequests(fixture.server), 0);
    auto *timer = pane.findChild<QTimer *>(u"metricsTimer"_s);
    QVERIFY(timer);
    QVERIFY(!timer->isActive());
    pane.showMetricsTab();
    QCOMPARE(pane.tabs()->tabText(pane.tabs()->currentIndex()), u"Metr&ics"_s);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.size() > 0, 20000);
    MetricsCharts *charts = pane.metricsCharts();
    QVERIFY(charts->isShowingCharts());
    QCOMPARE(usedPoints(charts->chartView(MetricsCharts::Cpu)), 6);
    QCOMPARE(usedPoints(charts->chartView(MetricsCharts::Memory)), 6);
    QCOMPARE(usedPoints(charts->chartView(MetricsCharts::Disk)), 6);
    QCOMPARE(charts->latestText(MetricsCharts::Cpu), u"25 % of 2 vCPU"_s);
    QCOMPARE(charts->latestText(MetricsCharts::Memory), u"305 of 512 MiB (60 %)"_s);

    // Refreshed while in sight: a new sample appears.
    metrics.append(test::sandboxMetric(wholeSecondsAgo(0), 2, 70, 400 * MiB, 512 * MiB, 100 * MiB,
                                       1024 * MiB));
    QTRY_COMPARE(usedPoints(charts->chartView(MetricsCharts::Cpu)), 7);
    QTRY_COMPARE(charts->latestText(MetricsCharts::Cpu), u"70 % of 2 vCPU"_s);

    // E2B failing keeps the charts and says why.
    fixture.e2b->sandboxes.remove(created->providerId);
    QTRY_VERIFY(charts->hasError());
    QVERIFY2(charts->statusText().contains(u"metrics"_s), qPrintable(charts->statusText()));
    QVERIFY(charts->isShowingCharts());

    // Another tab: the reads stop.
    QVERIFY(timer->isActive());
    pane.showChangesTab();
    QVERIFY(!timer->isActive());
    const int reads = metricsRequests(fixture.server);
    pane.refreshLogs();
    QVERIFY(logsLoaded.wait(20000));
    QCOMPARE(metricsRequests(fixture.server), reads);
}

void tst_MetricsCharts::paneSaysLocalSandboxesHaveNone()
{
    Fixture fixture;
    openBackend(fixture);
    if (QTest::currentTestFailed())
        return;
    CreateSandboxRequest request;
    request.provider = u"local"_s;
    const auto created = await(fixture.backend->create(request));
    QVERIFY_RESULT(created);

    SandboxDetailsPane pane(fixture.backend.get());
    pane.show();
    QSignalSpy auditLoaded(&pane, &SandboxDetailsPane::auditLoaded);
    pane.showMetricsTab();
    pane.showRecord(*created);
    QVERIFY(!pane.metricsCharts()->isShowingCharts());
    QVERIFY2(pane.metricsCharts()->placeholderText().startsWith(u"Metrics come from E2B"_s),
             qPrintable(pane.metricsCharts()->placeholderText()));
    QVERIFY(!pane.findChild<QTimer *>(u"metricsTimer"_s)->isActive());
    // Its history has made the round trip through the backend; no metrics read went out.
    QTRY_VERIFY_WITH_TIMEOUT(auditLoaded.size() > 0, 20000);
    QCOMPARE(metricsRequests(fixture.server), 0);
}

QTEST_MAIN(tst_MetricsCharts)
#include "tst_metricscharts.moc"
