// SPDX-License-Identifier: MIT
// The cost estimator: seconds running × (vCPU × rate + memory GiB × rate), paused time unbilled.
#include "ops/cost.h"

#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;

Q_DECLARE_METATYPE(std::optional<double>)

namespace {

const QDateTime T0 = QDateTime::fromMSecsSinceEpoch(1795000000000, QTimeZone::utc());

SandboxRecord running(int cpus, int memoryMb)
{
    SandboxRecord r;
    r.status = SandboxStatus::Running;
    r.provider = u"e2b"_s;
    r.providerState = ProviderState::Running;
    r.cpuCount = cpus;
    r.memoryMb = memoryMb;
    r.createdAt = T0.addSecs(-5);
    r.startedAt = T0;
    return r;
}

// 2 vCPU and 1 GiB at E2B's rates: 2 × 0.000014 + 1 × 0.0000045 per second.
constexpr double PerSecond = 2 * 0.000014 + 0.0000045;

} // namespace

class tst_Cost : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void estimate_data();
    void estimate();
    void defaultRatesAreE2Bs();
    void customRates();
    void burnRateCountsOnlyWhatIsBilledNow();
    void pauseAccounting();
    void formatting();
};

void tst_Cost::estimate_data()
{
    QTest::addColumn<SandboxRecord>("record");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<std::optional<double>>("usd");

    const QDateTime now = T0.addSecs(3600);
    SandboxRecord r = running(2, 1024);
    QTest::newRow("running an hour") << r << now << qint64(3600) << std::optional(PerSecond * 3600);

    r = running(2, 1024);
    r.status = SandboxStatus::Terminated;
    r.endedAt = T0.addSecs(600);
    QTest::newRow("ended after 10 minutes") << r << now << qint64(600)
                                            << std::optional(PerSecond * 600);

    r = running(2, 1024);
    r.providerState = ProviderState::Paused;
    r.pausedAt = T0.addSecs(1000);
    QTest::newRow("paused now") << r << now << qint64(1000) << std::optional(PerSecond * 1000);

    r = running(2, 1024);
    r.pausedSeconds = 600;  // paused earlier for 10 minutes, then resumed
    QTest::newRow("paused earlier, resumed") << r << now << qint64(3000)
                                             << std::optional(PerSecond * 3000);

    r = running(2, 1024);
    r.pausedSeconds = 600;
    r.pausedAt = T0.addSecs(1800);
    r.status = SandboxStatus::Terminated;
    r.endedAt = T0.addSecs(2400);  // ended while paused
    QTest::newRow("ended while paused") << r << now << qint64(1200)
                                        << std::optional(PerSecond * 1200);

    r = running(2, 1024);
    r.startedAt = QDateTime();  // no start from the provider: from the row's creation
    QTest::newRow("started unknown") << r << now << qint64(3605)
                                     << std::optional(PerSecond * 3605);

    r = running(0, 1024);
    QTest::newRow("vCPU unknown") << r << now << qint64(3600) << std::optional<double>();
    r = running(2, 0);
    QTest::newRow("memory unknown") << r << now << qint64(3600) << std::optional<double>();

    r = running(16, 65536);
    r.provider = u"local"_s;  // on this machine: free, whatever its resources
    QTest::newRow("local") << r << now << qint64(3600) << std::optional(0.0);

    r = running(2, 1024);
    QTest::newRow("clock before start") << r << T0.addSecs(-30) << qint64(0) << std::optional(0.0);
}

void tst_Cost::estimate()
{
    QFETCH(SandboxRecord, record);
    QFETCH(QDateTime, now);
    QFETCH(qint64, seconds);
    QFETCH(std::optional<double>, usd);
    QCOMPARE(billedSeconds(record, now), seconds);
    const std::optional<double> cost = estimateCostUsd(record, CostRates{}, now);
    QCOMPARE(cost.has_value(), usd.has_value());
    if (usd)
        QVERIFY2(qAbs(*cost - *usd) < 1e-9, qPrintable(u"%1 != %2"_s.arg(*cost).arg(*usd)));
}

void tst_Cost::defaultRatesAreE2Bs()
{
    const CostRates rates;
    QCOMPARE(rates.vcpuPerSecond, 0.000014);
    QCOMPARE(rates.gibPerSecond, 0.0000045);
    // 2 vCPU, 512 MiB for an hour: 2 × 0.0504 + 0.5 × 0.0162 = 0.1089.
    QVERIFY(qAbs(*hourlyRateUsd(running(2, 512), rates) - 0.1089) < 1e-9);
}

void tst_Cost::customRates()
{
    const CostRates rates{0.0001, 0.0};
    QVERIFY(qAbs(*estimateCostUsd(running(4, 2048), rates, T0.addSecs(100)) - 0.04) < 1e-12);
}

void tst_Cost::burnRateCountsOnlyWhatIsBilledNow()
{
    SandboxRecord paused = running(8, 8192);
    paused.providerState = ProviderState::Paused;
    SandboxRecord ended = running(8, 8192);
    ended.status = SandboxStatus::Terminated;
    SandboxRecord created = running(8, 8192);
    created.status = SandboxStatus::Created;
    const SandboxRecords records{running(2, 1024), running(2, 1024), running(0, 0), paused,
                                 ended, created};
    QVERIFY(qAbs(burnRateUsdPerHour(records, CostRates{}) - 2 * PerSecond * 3600) < 1e-9);
    QCOMPARE(burnRateUsdPerHour({}, CostRates{}), 0.0);
}

void tst_Cost::pauseAccounting()
{
    SandboxRecord r = running(2, 1024);
    notePauseChange(r, ProviderState::Paused, T0.addSecs(100));
    QCOMPARE(r.pausedAt, T0.addSecs(100));
    notePauseChange(r, ProviderState::Paused, T0.addSecs(150));  // still paused: kept
    QCOMPARE(r.pausedAt, T0.addSecs(100));
    notePauseChange(r, ProviderState::Running, T0.addSecs(400));
    QVERIFY(r.pausedAt.isNull());
    QCOMPARE(r.pausedSeconds, 300);
    notePauseChange(r, ProviderState::Running, T0.addSecs(500));  // not paused: nothing
    QCOMPARE(r.pausedSeconds, 300);
    QCOMPARE(billedSeconds(r, T0.addSecs(1000)), 700);
}

void tst_Cost::formatting()
{
    QCOMPARE(formatUsd(std::nullopt), u"—"_s);
    QCOMPARE(formatUsd(0.0), u"$0.0000"_s);
    QCOMPARE(formatUsd(0.01234), u"$0.0123"_s);
    QCOMPARE(formatUsd(12.346), u"$12.35"_s);  // rounded
}

QTEST_GUILESS_MAIN(tst_Cost)
#include "tst_cost.moc"
