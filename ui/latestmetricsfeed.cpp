// SPDX-License-Identifier: MIT
#include "latestmetricsfeed.h"

#include "console/consolebackend.h"
#include "sandboxtablemodel.h"

#include <QHash>

#include <utility>

using namespace Qt::StringLiterals;

namespace squad {

LatestMetricsFeed::LatestMetricsFeed(ConsoleBackend *backend, SandboxTableModel *model,
                                     QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_model(model)
{}

void LatestMetricsFeed::refresh()
{
    if (!m_backend || !m_model)
        return;
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    // E2B's id → the row's id (an orphan's is E2B's own).
    QHash<QString, QString> rowIds;
    if (m_backend->hasE2b()) {
        for (const SandboxRecord &record : m_model->records()) {
            // Paused ones have no current sample (E2B samples running sandboxes).
            if (record.isLive() && !record.isPaused() && record.provider == u"e2b"
                && !record.providerId.isEmpty())
                rowIds.insert(record.providerId, record.id);
        }
    }
    if (rowIds.isEmpty()) {
        m_model->setLatestSamples({});
        return;
    }
    m_reading = true;
    const quint64 generation = m_generation;
    m_backend->latestMetrics(rowIds.keys())
        .then(this,
              [this, generation, rowIds](const Result<ConsoleBackend::LatestMetrics> &answer) {
                  if (generation != m_generation || !m_model)
                      return;  // asked before a reset: stale
                  m_reading = false;
                  QStringList errors;
                  if (!answer) {
                      m_model->setLatestSamples({});
                      errors << answer.error().toString();
                  } else {
                      QHash<QString, MetricSample> samples;
                      samples.reserve(answer->samples.size());
                      for (auto it = answer->samples.cbegin(); it != answer->samples.cend(); ++it) {
                          const QString id = rowIds.value(it.key());
                          if (id.isEmpty())
                              continue;
                          const E2bMetric &metric = it.value();
                          MetricSample sample;
                          sample.timestamp = metric.timestamp;
                          sample.cpuCount = metric.cpuCount;
                          sample.cpuUsedPercent = metric.cpuUsedPercent;
                          sample.memoryUsedBytes = metric.memoryUsedBytes;
                          sample.memoryTotalBytes = metric.memoryTotalBytes;
                          sample.diskUsedBytes = metric.diskUsedBytes;
                          sample.diskTotalBytes = metric.diskTotalBytes;
                          samples.insert(id, sample);
                      }
                      // A failed call's sandboxes keep no old sample: "—" rather than a
                      // number that is no longer true.
                      m_model->setLatestSamples(std::move(samples));
                      for (const Error &error : answer->errors)
                          errors << error.toString();
                  }
                  errors.removeDuplicates();
                  const QString message
                      = errors.isEmpty()
                            ? QString()
                            : tr("CPU and memory columns: %1").arg(errors.join(u"; "_s));
                  Q_EMIT refreshed();
                  if (message != m_lastError) {
                      m_lastError = message;
                      Q_EMIT errorChanged(message);
                  }
                  readAgainIfAsked();
              })
        .onCanceled(this, [this, generation] {
            if (generation != m_generation)
                return;
            m_reading = false;
            readAgainIfAsked();
        });
}

void LatestMetricsFeed::readAgainIfAsked()
{
    if (std::exchange(m_readAgain, false))
        refresh();
}

void LatestMetricsFeed::reset()
{
    ++m_generation;
    m_reading = false;
    m_readAgain = false;
    if (m_model)
        m_model->setLatestSamples({});
}

} // namespace squad
