// SPDX-License-Identifier: MIT
#pragma once

#include "e2b/e2bapi.h"
#include "metricsseries.h"

#include <QList>
#include <QWidget>

#include <array>

class QAreaSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QStackedWidget;
class QValueAxis;

namespace squad {

// The samples E2B reported, as the charts take them.
QList<MetricSample> metricSamples(const QList<E2bMetric> &metrics);

// A sandbox's resource use as three compact charts over time: CPU %, memory and disk (used,
// filled, under a dashed line at the total), each headed by its newest value. With no samples
// it says so instead of drawing empty axes; a failed read is a red line under what is shown.
// New samples update the charts in place (no animation, the same series and axes), so a live
// refresh does not flicker or jump. Colours follow the palette (light and dark).
class MetricsCharts : public QWidget
{
    Q_OBJECT
public:
    enum Chart { Cpu, Memory, Disk, ChartCount };

    explicit MetricsCharts(QWidget *parent = nullptr);
    ~MetricsCharts() override;

    // Shows `samples` (any order): the charts, or "No samples yet" when there are none. Clears
    // an error line.
    void setSamples(const QList<MetricSample> &samples);
    // Reading the samples failed: `message` as a red line; the charts shown so far stay.
    void setError(const QString &message);
    // A sentence instead of the charts (nothing to chart here), and no status line.
    void showMessage(const QString &text);
    // A read is under way and nothing is shown yet.
    void showLoading();

    // Read-only, for the pane and tests.
    bool isShowingCharts() const;
    QString placeholderText() const;
    QString statusText() const;
    bool hasError() const { return m_hasError; }
    const MetricsSeries &series() const { return m_series; }
    QChartView *chartView(Chart chart) const;
    QString latestText(Chart chart) const;

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Parts
    {
        QLabel *value = nullptr;
        QChartView *view = nullptr;
        QChart *chart = nullptr;
        QDateTimeAxis *time = nullptr;
        QValueAxis *values = nullptr;
        QList<QAreaSeries *> used;  // one per segment
        QList<QLineSeries *> total; // one per segment
    };

    QWidget *buildChart(Chart which, const QString &title, QWidget *parent);
    void ensureCharts();
    void update(Chart which, const MetricChart &shaped);
    const MetricChart &data(Chart which) const;
    // As many value ticks as the chart's height has room for (Qt Charts elides labels that do
    // not fit to "..."): the range's steps, or a divisor of them, so the top tick stays at the top.
    void fitTicks(Chart which);
    void applyColours();
    void applyColours(Chart which);
    void setStatus(const QString &text, bool error);
    QColor accent(Chart which) const;

    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_status = nullptr;
    std::array<Parts, ChartCount> m_parts;
    MetricsSeries m_series;
    bool m_hasError = false;
};

} // namespace squad
