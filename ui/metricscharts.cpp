// SPDX-License-Identifier: MIT
#include "metricscharts.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTime>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor errorColour(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x7b, 0x72) : QColor(0xcf, 0x22, 0x2e);
}

// Decimals for a value axis whose ticks are `step` apart: whole steps need none.
int decimalsFor(double step)
{
    for (int decimals = 0; decimals < 3; ++decimals) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::abs(scaled - std::round(scaled)) < 1e-6)
            return decimals;
    }
    return 3;
}

// The time axis says what its span needs: seconds for a few minutes, the day beyond one.
QString timeFormat(qint64 spanMs)
{
    if (spanMs > 24 * 3600 * 1000LL)
        return u"MMM d HH:mm"_s;
    if (spanMs <= 5 * 60 * 1000LL)
        return u"HH:mm:ss"_s;
    return u"HH:mm"_s;
}

} // namespace

QList<MetricSample> metricSamples(const QList<E2bMetric> &metrics)
{
    QList<MetricSample> samples;
    samples.reserve(metrics.size());
    for (const E2bMetric &metric : metrics) {
        MetricSample sample;
        sample.timestamp = metric.timestamp;
        sample.cpuCount = metric.cpuCount;
        sample.cpuUsedPercent = metric.cpuUsedPercent;
        sample.memoryUsedBytes = metric.memoryUsedBytes;
        sample.memoryTotalBytes = metric.memoryTotalBytes;
        sample.diskUsedBytes = metric.diskUsedBytes;
        sample.diskTotalBytes = metric.diskTotalBytes;
        samples << sample;
    }
    return samples;
}

MetricsCharts::MetricsCharts(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"metricsCharts"_s);
    const int unit = fontMetrics().averageCharWidth();

    m_placeholder = new QLabel(this);
    m_placeholder->setObjectName(u"metricsPlaceholder"_s);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setMargin(unit * 3);
    m_placeholder->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // The charts themselves are made when the first samples come: Qt Charts is slow to set
    // up, and the window's first paint should not wait for a tab nobody has opened yet.
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_placeholder);

    m_status = new QLabel(this);
    m_status->setObjectName(u"metricsStatus"_s);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(unit / 2);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);

    applyColours();
    showMessage({});
}

MetricsCharts::~MetricsCharts() = default;

QWidget *MetricsCharts::buildChart(Chart which, const QString &title, QWidget *parent)
{
    Parts &parts = m_parts[which];
    auto *block = new QWidget(parent);
    auto *name = new QLabel(title, block);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    parts.value = new QLabel(block);
    parts.value->setObjectName(u"metricsValue%1"_s.arg(int(which)));
    parts.value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    parts.value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(0, 0, 0, 0);
    header->addWidget(name);
    header->addStretch(1);
    header->addWidget(parts.value);

    parts.chart = new QChart;
    parts.chart->setAnimationOptions(QChart::NoAnimation);
    parts.chart->legend()->hide();
    parts.chart->setBackgroundVisible(false);
    parts.chart->setPlotAreaBackgroundVisible(false);
    parts.chart->setBackgroundRoundness(0);
    parts.chart->setMargins(QMargins(0, 0, 0, 0));
    parts.chart->layout()->setContentsMargins(0, 0, 0, 0);

    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    parts.time = new QDateTimeAxis(parts.chart);
    parts.time->setTickCount(4);
    parts.time->setLabelsFont(small);
    parts.time->setGridLineVisible(false);
    parts.values = new QValueAxis(parts.chart);
    parts.values->setLabelsFont(small);
    parts.values->setMinorGridLineVisible(false);
    parts.chart->addAxis(parts.time, Qt::AlignBottom);
    parts.chart->addAxis(parts.values, Qt::AlignLeft);

    parts.view = new QChartView(parts.chart, block);
    parts.view->setObjectName(u"metricsChart%1"_s.arg(int(which)));
    parts.view->setRenderHint(QPainter::Antialiasing);
    parts.view->setFrameShape(QFrame::NoFrame);
    parts.view->setBackgroundBrush(Qt::NoBrush);
    parts.view->setStyleSheet(u"background: transparent"_s);
    parts.view->setMinimumHeight(fontMetrics().height() * 6);
    parts.view->installEventFilter(this);
    parts.view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    parts.view->setToolTip({});

    auto *layout = new QVBoxLayout(block);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(parts.view, 1);
    return block;
}

QColor MetricsCharts::accent(Chart which) const
{
    const bool dark = isDark(palette());
    switch (which) {
    case Cpu:
        return dark ? QColor(0x58, 0xa6, 0xff) : QColor(0x09, 0x69, 0xda);
    case Memory:
        return dark ? QColor(0xbc, 0x8c, 0xff) : QColor(0x82, 0x50, 0xdf);
    case Disk:
    case ChartCount:
        break;
    }
    return dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
}

void MetricsCharts::applyColours()
{
    for (int which = 0; which < ChartCount; ++which)
        applyColours(Chart(which));
    QPalette dim = m_placeholder->palette();
    dim.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
    m_placeholder->setPalette(dim);
    setStatus(m_status->text(), m_hasError);
}

void MetricsCharts::applyColours(Chart which)
{
    Parts &parts = m_parts[which];
    if (!parts.view)
        return;
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::PlaceholderText);
    QColor grid = pal.color(QPalette::WindowText);
    grid.setAlphaF(isDark(pal) ? 0.14 : 0.10);
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(parts.time), static_cast<QAbstractAxis *>(parts.values)}) {
        axis->setLabelsColor(text);
        axis->setLineVisible(false);
        axis->setGridLineColor(grid);
    }
    QPalette valuePalette = parts.value->palette();
    valuePalette.setColor(QPalette::WindowText, text);
    parts.value->setPalette(valuePalette);

    const QColor line = accent(which);
    QColor fill = line;
    fill.setAlphaF(isDark(pal) ? 0.30 : 0.18);
    for (QAreaSeries *area : std::as_const(parts.used)) {
        QPen pen(line, 1.5);
        pen.setCosmetic(true);
        area->setPen(pen);
        area->setBrush(fill);
        area->setColor(fill);
        area->setBorderColor(line);
    }
    QColor limit = pal.color(QPalette::WindowText);
    limit.setAlphaF(0.45);
    for (QLineSeries *total : std::as_const(parts.total)) {
        QPen pen(limit, 1.2, Qt::DashLine);
        pen.setCosmetic(true);
        total->setPen(pen);
    }
}

void MetricsCharts::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyColours();
}

void MetricsCharts::ensureCharts()
{
    if (m_parts[0].view)
        return;
    const int unit = fontMetrics().averageCharWidth();
    auto *charts = new QWidget(m_stack);
    auto *chartsLayout = new QVBoxLayout(charts);
    // Room on the right: the newest values do not touch a scroll bar.
    chartsLayout->setContentsMargins(0, 0, unit, 0);
    chartsLayout->setSpacing(unit);
    chartsLayout->addWidget(buildChart(Cpu, tr("CPU (%)"), charts), 1);
    chartsLayout->addWidget(buildChart(Memory, tr("Memory (MiB)"), charts), 1);
    chartsLayout->addWidget(buildChart(Disk, tr("Disk (MiB)"), charts), 1);
    // A short pane scrolls rather than squeezing the charts flat.
    auto *scroll = new QScrollArea(m_stack);
    scroll->setObjectName(u"metricsScroll"_s);
    scroll->setWidget(charts);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->viewport()->setAutoFillBackground(false);
    charts->setAutoFillBackground(false);

    m_stack->addWidget(scroll);
    for (int which = 0; which < ChartCount; ++which)
        applyColours(Chart(which));
}

void MetricsCharts::setSamples(const QList<MetricSample> &samples)
{
    ensureCharts();
    m_series = shapeMetrics(samples);
    m_hasError = false;
    if (m_series.isEmpty()) {
        m_placeholder->setText(tr("No samples yet.\n\nE2B samples a sandbox's CPU, memory and disk "
                                  "every few seconds; its first samples appear here shortly "
                                  "after it starts."));
        m_stack->setCurrentWidget(m_placeholder);
        setStatus(tr("No samples yet · read at %1").arg(QTime::currentTime().toString(u"HH:mm:ss"_s)), false);
        return;
    }
    update(Cpu, m_series.cpu);
    update(Memory, m_series.memory);
    update(Disk, m_series.disk);
    m_stack->setCurrentIndex(1);
    const QString newest = m_series.latestAt.toLocalTime().toString(u"HH:mm:ss"_s);
    const QString read = QTime::currentTime().toString(u"HH:mm:ss"_s);
    setStatus(m_series.sampleCount == 1
                  ? tr("1 sample, at %1 · read at %2").arg(newest, read)
                  : tr("%1 samples, the newest at %2 · read at %3")
                        .arg(QLocale().toString(m_series.sampleCount), newest, read),
              false);
}

void MetricsCharts::update(Chart which, const MetricChart &shaped)
{
    Parts &parts = m_parts[which];
    parts.value->setText(shaped.latestText);
    bool added = false;

    // The same series take the new points: nothing is rebuilt unless a gap opened or closed.
    while (parts.used.size() > shaped.used.segments.size()) {
        QAreaSeries *area = parts.used.takeLast();
        parts.chart->removeSeries(area);
        delete area;
    }
    while (parts.used.size() < shaped.used.segments.size()) {
        auto *upper = new QLineSeries;
        auto *area = new QAreaSeries(upper);
        upper->setParent(area);
        parts.chart->addSeries(area);
        area->attachAxis(parts.time);
        area->attachAxis(parts.values);
        connect(area, &QAreaSeries::hovered, this, [this, which](const QPointF &point, bool state) {
            if (!state) {
                QToolTip::hideText();
                return;
            }
            const QString when = QDateTime::fromMSecsSinceEpoch(qint64(point.x())).toString(u"HH:mm:ss"_s);
            QToolTip::showText(QCursor::pos(), u"%1  %2 %3"_s.arg(when, QLocale().toString(point.y(), 'f', 1), this->data(which).unit),
                               m_parts[which].view);
        });
        parts.used << area;
        added = true;
    }
    for (qsizetype i = 0; i < shaped.used.segments.size(); ++i) {
        const QList<QPointF> &points = shaped.used.segments.at(i);
        parts.used.at(i)->upperSeries()->replace(points);
        // A lone sample has no line to draw: its point shows instead.
        parts.used.at(i)->setPointsVisible(points.size() == 1);
    }

    while (parts.total.size() > shaped.total.segments.size()) {
        QLineSeries *total = parts.total.takeLast();
        parts.chart->removeSeries(total);
        delete total;
    }
    while (parts.total.size() < shaped.total.segments.size()) {
        auto *total = new QLineSeries;
        parts.chart->addSeries(total);
        total->attachAxis(parts.time);
        total->attachAxis(parts.values);
        parts.total << total;
        added = true;
    }
    for (qsizetype i = 0; i < shaped.total.segments.size(); ++i)
        parts.total.at(i)->replace(shaped.total.segments.at(i));
    if (added)
        applyColours(which);

    parts.time->setFormat(timeFormat(m_series.endMs - m_series.startMs));
    parts.time->setRange(QDateTime::fromMSecsSinceEpoch(m_series.startMs),
                         QDateTime::fromMSecsSinceEpoch(m_series.endMs));
    parts.values->setRange(0, shaped.range.max);
    fitTicks(which);
}

const MetricChart &MetricsCharts::data(Chart which) const
{
    return which == Cpu ? m_series.cpu : which == Memory ? m_series.memory : m_series.disk;
}

void MetricsCharts::fitTicks(Chart which)
{
    Parts &parts = m_parts[which];
    const ValueRange &range = data(which).range;
    const int steps = std::max(1, range.tickCount - 1);
    // Qt Charts gives each label the axis height over the tick count, less its padding.
    const QFontMetrics labels(parts.values->labelsFont());
    const int plotHeight = parts.view->height() - labels.height() - 12;
    const int fit = std::max(2, plotHeight / (labels.height() + 10));
    int ticks = 2;
    for (int divisor = steps; divisor >= 1; --divisor) {
        if (steps % divisor == 0 && divisor + 1 <= fit) {
            ticks = divisor + 1;
            break;
        }
    }
    parts.values->setTickCount(ticks);
    // The unit is in the chart's heading: labels stay short in a narrow pane.
    parts.values->setLabelFormat(u"%.%1f"_s.arg(decimalsFor(range.max / (ticks - 1))));
}

bool MetricsCharts::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize) {
        for (int which = 0; which < ChartCount; ++which) {
            if (watched == m_parts[which].view)
                fitTicks(Chart(which));
        }
    }
    return QWidget::eventFilter(watched, event);
}

void MetricsCharts::setError(const QString &message)
{
    m_hasError = true;
    if (!isShowingCharts()) {
        m_placeholder->setText(tr("No metrics to show."));
        m_stack->setCurrentWidget(m_placeholder);
    }
    setStatus(message, true);
}

void MetricsCharts::showMessage(const QString &text)
{
    m_series = {};
    m_hasError = false;
    m_placeholder->setText(text);
    m_stack->setCurrentWidget(m_placeholder);
    setStatus({}, false);
}

void MetricsCharts::showLoading()
{
    showMessage(tr("Reading the metrics…"));
}

void MetricsCharts::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, error ? errorColour(palette()) : palette().color(QPalette::PlaceholderText));
    m_status->setPalette(pal);
}

bool MetricsCharts::isShowingCharts() const
{
    return m_stack->currentIndex() == 1;
}

QString MetricsCharts::placeholderText() const
{
    return isShowingCharts() ? QString() : m_placeholder->text();
}

QString MetricsCharts::statusText() const
{
    return m_status->text();
}

QChartView *MetricsCharts::chartView(Chart chart) const
{
    return m_parts[chart].view;
}

QString MetricsCharts::latestText(Chart chart) const
{
    return m_parts[chart].value->text();
}

} // namespace squad
