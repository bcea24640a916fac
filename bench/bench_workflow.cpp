// SPDX-License-Identifier: MIT
// The workflow engine's own cost per step — storing the run and the step before and after it,
// its audit row, and handing the step to the actions and their answer back — measured with
// actions that answer at once, on a SQLite file in WAL mode as the app opens it.
//
// 200 runs of the 8 steps (step 4 answered by the actions too, as AgentWait::Command does);
// each run's wall time from start() to its end, divided by 8, is one sample. The reference,
// measured interleaved with the runs on the same connection: one bare transaction doing the
// same two UPDATEs (the run's row and one step's) with statements prepared once — the least a
// durable step write can cost here. Target: the engine's overhead per step <= 5 ms (a step's
// own work takes seconds; the bookkeeping must not show).
#include "core/futures.h"
#include "core/timestamp.h"
#include "store/database.h"
#include "store/databaselocation.h"
#include "workflow/workflowactions.h"
#include "workflow/workflowengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace squad;

static constexpr int Runs = 200;
static constexpr int WarmupRuns = 10;
static constexpr double LimitMs = 5.0;

namespace {

// Actions that do nothing and answer at once, with outputs of the usual shape.
class InstantActions final : public WorkflowActions
{
public:
    QFuture<Result<QJsonObject>> perform(WorkflowStepKind step, const WorkflowRun &run,
                                         const Log &) override
    {
        return readyFuture<Result<QJsonObject>>(outputFor(step, run));
    }
    bool sandboxLive(const WorkflowRun &) override { return true; }
    QFuture<Result<void>> discardSandbox(const WorkflowRun &) override
    {
        return readyFuture<Result<void>>({});
    }

private:
    static QJsonObject outputFor(WorkflowStepKind step, const WorkflowRun &run)
    {
        switch (step) {
        case WorkflowStepKind::CreateSandbox:
            return {{u"sandbox_id"_s, QString(u"sbx-"_s + run.id.left(8))}};
        case WorkflowStepKind::Clone:
            return {{u"folder"_s, u"repos/widgets"_s}};
        case WorkflowStepKind::Branch:
            return {{u"branch"_s, run.inputs.branch}};
        case WorkflowStepKind::WaitForAgent:
            return {{u"exit_code"_s, 0}};
        case WorkflowStepKind::Commit:
            return {{u"sha"_s, u"0123456789abcdef0123456789abcdef01234567"_s}};
        case WorkflowStepKind::Push:
            return {{u"remote_branch"_s, run.inputs.branch}};
        case WorkflowStepKind::OpenPullRequest:
            return {{u"url"_s, u"https://github.com/acme/widgets/pull/7"_s}};
        case WorkflowStepKind::TerminateSandbox:
            return {{u"terminated"_s, run.sandboxId()}};
        }
        return {};
    }
};

struct Figures
{
    double medianMs = 0;
    double p95Ms = 0;
};

Figures figures(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        return samples.at(std::clamp(qsizetype(std::ceil(q * double(samples.size()))) - 1,
                                     qsizetype(0), samples.size() - 1));
    };
    return {at(0.5), at(0.95)};
}

WorkflowInputs inputs(int n)
{
    WorkflowInputs in;
    in.profile = u"default"_s;
    in.repoUrl = u"https://github.com/acme/widgets.git"_s;
    in.baseBranch = u"main"_s;
    in.branch = u"feat/widget-%1"_s.arg(n);
    in.commitMessage = u"feat(widget): add widget %1"_s.arg(n);
    in.prTitle = u"Add widget %1"_s.arg(n);
    in.agentWait = AgentWait::Command;
    in.agentCommand = u"./agent.sh"_s;
    return in;
}

bool prepare(QSqlQuery &query, const QString &sql)
{
    if (query.prepare(sql))
        return true;
    std::fprintf(stderr, "preparing failed: %s\n", qPrintable(query.lastError().text()));
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    auto location = DatabaseLocation::parse(dir.filePath(u"bench.db"_s), dir.path());
    auto opened = location.and_then([](const DatabaseLocation &l) { return Database::open(l); });
    if (!opened) {
        std::fprintf(stderr, "cannot open the database: %s\n",
                     qPrintable(opened.error().toString()));
        return 1;
    }
    const Database &db = **opened;
    InstantActions actions;
    WorkflowEngine engine(db, actions);

    // The reference's statements: the store's two UPDATEs, prepared once on the same connection.
    QSqlQuery begin(db.connection()), commit(db.connection()), updateRun(db.connection()),
        updateStep(db.connection());
    if (!prepare(begin, u"BEGIN IMMEDIATE"_s) || !prepare(commit, u"COMMIT"_s)
        || !prepare(updateRun, u"UPDATE workflow_runs SET state = ?, error = ?, runner_pid = ?, "
                               "runner_host = ?, updated_at = ? WHERE id = ?"_s)
        || !prepare(updateStep, u"UPDATE workflow_steps SET state = ?, attempts = ?, "
                                "started_at = ?, finished_at = ?, output = ?, error = ? "
                                "WHERE run_id = ? AND step = ?"_s)) {
        return 1;
    }
    const auto bareTransaction = [&](const QString &runId, int step) {
        const QString now = formatTimestamp(nowUtc());
        updateRun.addBindValue(u"running"_s);
        updateRun.addBindValue(QVariant(QMetaType::fromType<QString>()));
        updateRun.addBindValue(qlonglong(QCoreApplication::applicationPid()));
        updateRun.addBindValue(u"bench-host"_s);
        updateRun.addBindValue(now);
        updateRun.addBindValue(runId);
        updateStep.addBindValue(u"succeeded"_s);
        updateStep.addBindValue(1);
        updateStep.addBindValue(now);
        updateStep.addBindValue(now);
        updateStep.addBindValue(u"{\"branch\":\"feat/widget\"}"_s);
        updateStep.addBindValue(QVariant(QMetaType::fromType<QString>()));
        updateStep.addBindValue(runId);
        updateStep.addBindValue(step);
        if (!begin.exec() || !updateRun.exec() || !updateStep.exec() || !commit.exec()) {
            std::fprintf(stderr, "bare transaction failed: %s / %s / %s\n",
                         qPrintable(updateRun.lastError().text()),
                         qPrintable(updateStep.lastError().text()),
                         qPrintable(commit.lastError().text()));
            std::exit(1);
        }
    };

    QList<double> stepSamples;
    QList<double> bareSamples;
    QElapsedTimer timer;
    for (int n = 0; n < WarmupRuns + Runs; ++n) {
        auto created = engine.createRun(inputs(n));
        if (!created) {
            std::fprintf(stderr, "createRun failed: %s\n", qPrintable(created.error().toString()));
            return 1;
        }
        timer.start();
        auto future = engine.start(created->id);
        while (!future.isFinished())
            QCoreApplication::processEvents();
        const double runMs = double(timer.nsecsElapsed()) / 1e6;
        const Result<WorkflowRun> result = future.result();
        if (!result || result->state != WorkflowRunState::Succeeded) {
            std::fprintf(stderr, "run %d did not succeed: %s\n", n,
                         result ? qPrintable(workflowRunStateName(result->state))
                                : qPrintable(result.error().toString()));
            return 1;
        }
        // The reference, interleaved so both see the same machine: as many bare transactions
        // as the run had steps, on the run just finished (rows of the same size and index).
        QList<double> bare;
        for (int step = 0; step < WorkflowStepCount; ++step) {
            timer.start();
            bareTransaction(created->id, step);
            bare << double(timer.nsecsElapsed()) / 1e6;
        }
        if (n < WarmupRuns)
            continue;
        stepSamples << runMs / WorkflowStepCount;
        bareSamples << bare;
    }

    const Figures engineStep = figures(stepSamples);
    const Figures bareStep = figures(bareSamples);
    std::printf("bench_workflow: %d runs x %d steps, actions that answer at once, SQLite file "
                "(WAL, synchronous=NORMAL)\n",
                Runs, WorkflowStepCount);
    std::printf("  engine overhead per step             : %6.3f ms (median), %6.3f ms (p95); "
                "limit %.2f ms: %s\n",
                engineStep.medianMs, engineStep.p95Ms, LimitMs,
                engineStep.p95Ms <= LimitMs ? "met" : "NOT met");
    std::printf("  bare transaction, the two UPDATEs    : %6.3f ms (median), %6.3f ms (p95) "
                "(the reference, %lld samples)\n",
                bareStep.medianMs, bareStep.p95Ms, qlonglong(bareSamples.size()));
    // A step's share: the run and the step stored before and after it, its audit row, its part
    // of the run's start and end, each statement prepared per call; then its dispatch.
    std::printf("  ratio engine step / bare transaction : %6.2f (median)\n",
                engineStep.medianMs / bareStep.medianMs);
    return 0;
}
