// SPDX-License-Identifier: MIT
// squadctl workflow run|list|show|resume|abort end to end, as a real process: local sandboxes
// with a local bare repository as the remote, and E2B sandboxes (the control plane and envd on
// loopback, envd really running git and the agent), both opening the pull request on
// FakeGitHub. The process is killed (SIGKILL) at the start and at the end of each of the eight
// steps and resumed; a failure is injected at each step; bad input starts nothing.
#include "fakee2b.h"
#include "fakeenvd.h"
#include "fakegithub.h"
#include "githttpserver.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;
using Outcome = squad::test::ProcessOutcome;
using squad::test::FakeE2b;
using squad::test::FakeEnvd;
using squad::test::FakeGitHub;
using squad::test::GitHttpServer;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;

namespace {

const QString Token = u"ghp_workflow0123456789abcdefghijklmnopqr"_s;
const QString E2bKey = u"e2b_0123456789abcdef0123456789abcdef01234567"_s;
const QString Repo = u"octo/app"_s;
const QString Branch = u"feat/agent-change"_s;
const QString Message = u"feat(app): the agent's change"_s;
const QString Title = u"The agent's change"_s;
const QString Body = u"Made in a sandbox by an agent."_s;
const QString AgentCommand = u"printf 'made by the agent\\n' > agent.txt"_s;

const QStringList StepNames{u"create_sandbox"_s,
                            u"clone"_s,
                            u"branch"_s,
                            u"wait_for_agent"_s,
                            u"commit"_s,
                            u"push"_s,
                            u"open_pull_request"_s,
                            u"terminate_sandbox"_s};

enum class Provider { Local, E2b };

// The run id squadctl prints first on stderr ("Run <id>").
QString runIdFrom(const QByteArray &err)
{
    static const QRegularExpression line(u"^Run ([0-9a-f-]{36})$"_s,
                                         QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(err)).captured(1);
}

} // namespace

class tst_SquadctlWorkflow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void localRunOpensThePullRequest();
    void e2bRunOpensThePullRequest();
    void runTakesItsSandboxFromTheWarmPool_data();
    void runTakesItsSandboxFromTheWarmPool();
    void killedAtEachStepResumes_data();
    void killedAtEachStepResumes();
    void interruptedRunStopsAndResumes();
    void partialCloneIsClonedAfresh();
    void operatorConfirmsAtTheTerminal();
    void failureAtEachStepIsReported_data();
    void failureAtEachStepIsReported();
    void keptSandboxStaysUntilAborted();
    void failedTerminationIsResumed();
    void badInputStartsNothing_data();
    void badInputStartsNothing();
    void noGitHubCredentialsStartsNothing();
    void envdRunsCommandsInTheSandbox();

private:
    Outcome squadctl(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {});
    QProcessEnvironment environment(const QMap<QString, QString> &extraEnv) const;
    // `workflow run` with the standard inputs for `provider`, plus `extra` arguments.
    Outcome runWorkflow(Provider provider, const QStringList &extra = {},
                        const QMap<QString, QString> &extraEnv = {});
    QStringList runArguments(Provider provider) const;
    QMap<QString, QString> providerEnv(Provider provider) const;
    QString git(const QString &dir, const QStringList &args);
    QString bareRepo() const { return m_tmp->filePath(u"served/octo/app.git"_s); }
    QJsonObject show(const QString &runId);
    QJsonArray sandboxRows();
    // The store's sandbox rows made for `runId` (metadata squad.run).
    QJsonArray sandboxRowsOf(const QString &runId);
    int runningRows();
    QStringList auditActions(const QString &runId);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<LoopbackHttpServer> m_githubServer;
    std::unique_ptr<GitHttpServer> m_git;
    std::unique_ptr<FakeGitHub> m_github;
    std::unique_ptr<LoopbackHttpServer> m_e2bServer;
    std::unique_ptr<FakeE2b> m_e2b;
    std::unique_ptr<FakeEnvd> m_envd;
};

void tst_SquadctlWorkflow::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    for (const char *folder : {"config", "testhome", "served/octo", "envd"})
        QVERIFY(QDir(m_tmp->path()).mkpath(QString::fromLatin1(folder)));
    QVERIFY(squad::test::makeBareRepository(bareRepo(), m_tmp->filePath(u"testhome"_s)));

    // GitHub: the API under /api/v3 and git-http-backend on the same origin, as Enterprise
    // Server serves them (git's routes first: the API's newer ones win for their paths).
    m_githubServer = std::make_unique<LoopbackHttpServer>();
    m_git = std::make_unique<GitHttpServer>(
        *m_githubServer, QString(), m_tmp->filePath(u"served"_s),
        [](const QByteArray &user, const QByteArray &password) {
            return user == "x-access-token" && password == Token.toLatin1();
        });
    m_github = std::make_unique<FakeGitHub>(*m_githubServer, u"/api/v3"_s);
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    m_github->addRepo(u"octo"_s, u"app"_s, u"main"_s).collaborators = {u"hubot"_s};
    // FakeGitHub does not see git's pushes: the branch is there for it as after the push.
    m_github->addBranch(Repo, Branch, 1);

    m_e2bServer = std::make_unique<LoopbackHttpServer>();
    m_e2b = std::make_unique<FakeE2b>(*m_e2bServer, E2bKey);
    m_envd = std::make_unique<FakeEnvd>(*m_e2bServer, *m_e2b, m_tmp->filePath(u"envd"_s));

    // Who commits: the profile's identity (a sandbox has no git identity of its own).
    const Outcome profile = squadctl({u"profiles"_s, u"add"_s, u"bot"_s, u"--github-api-url"_s,
                                      m_github->apiUrl(), u"--git-author-name"_s, u"Squad Bot"_s,
                                      u"--git-author-email"_s, u"bot@example.com"_s});
    QVERIFY2(profile.exitCode == 0, profile.err.constData());
    QCOMPARE(squadctl({u"profiles"_s, u"use"_s, u"bot"_s}).exitCode, 0);
}

void tst_SquadctlWorkflow::cleanup()
{
    m_envd.reset();
    m_e2b.reset();
    m_e2bServer.reset();
    m_github.reset();
    m_git.reset();
    m_githubServer.reset();
    m_tmp.reset();
}

Outcome tst_SquadctlWorkflow::squadctl(const QStringList &arguments,
                                       const QMap<QString, QString> &extraEnv)
{
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH), arguments, environment(extraEnv));
}

QProcessEnvironment tst_SquadctlWorkflow::environment(const QMap<QString, QString> &extraEnv) const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"SQUAD_DB", "SQUAD_PROFILE", "E2B_API_KEY", "E2B_DOMAIN",
                             "E2B_API_URL", "E2B_SANDBOX_URL", "GITHUB_TOKEN", "GITHUB_API_URL",
                             "GITHUB_APP_PRIVATE_KEY", "SQUAD_TEST_KILL_AT"}) {
        env.remove(QString::fromLatin1(name));
    }
    env.insert(u"SQUAD_DATA_DIR"_s, m_tmp->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_tmp->filePath(u"config"_s));
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    env.insert(u"GITHUB_TOKEN"_s, Token);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it) {
        if (it.value().isNull())
            env.remove(it.key());
        else
            env.insert(it.key(), it.value());
    }
    return env;
}

QStringList tst_SquadctlWorkflow::runArguments(Provider provider) const
{
    QStringList args{u"workflow"_s,  u"run"_s, u"--branch"_s,        Branch,
                     u"--message"_s, Message,  u"--title"_s,         Title,
                     u"--body"_s,    Body,     u"--agent-command"_s, AgentCommand};
    if (provider == Provider::Local)
        args << u"--repo"_s << bareRepo() << u"--pr-repo"_s << Repo;
    else
        args << u"--repo"_s << m_git->repoUrl(u"octo/app.git"_s);
    return args;
}

QMap<QString, QString> tst_SquadctlWorkflow::providerEnv(Provider provider) const
{
    if (provider == Provider::Local)
        return {};
    return {{u"E2B_API_KEY"_s, E2bKey},
            {u"E2B_API_URL"_s, m_e2bServer->url().toString()},
            {u"E2B_SANDBOX_URL"_s, m_e2bServer->url().toString()}};
}

Outcome tst_SquadctlWorkflow::runWorkflow(Provider provider, const QStringList &extra,
                                          const QMap<QString, QString> &extraEnv)
{
    QMap<QString, QString> env = providerEnv(provider);
    env.insert(extraEnv);
    return squadctl(runArguments(provider) + extra, env);
}

QString tst_SquadctlWorkflow::git(const QString &dir, const QStringList &args)
{
    return squad::test::runGit(dir, args, m_tmp->filePath(u"testhome"_s));
}

QJsonObject tst_SquadctlWorkflow::show(const QString &runId)
{
    const Outcome shown = squadctl({u"workflow"_s, u"show"_s, runId, u"--json"_s});
    if (shown.exitCode != 0)
        qWarning() << "workflow show failed:" << shown.err;
    return shown.json().object();
}

QJsonArray tst_SquadctlWorkflow::sandboxRows()
{
    return squadctl({u"sandboxes"_s, u"list"_s, u"--json"_s}).json().array();
}

QJsonArray tst_SquadctlWorkflow::sandboxRowsOf(const QString &runId)
{
    QJsonArray mine;
    for (const QJsonValue &row : sandboxRows()) {
        if (row.toObject().value("metadata"_L1).toObject().value("squad.run"_L1).toString()
            == runId)
            mine.append(row);
    }
    return mine;
}

int tst_SquadctlWorkflow::runningRows()
{
    int running = 0;
    for (const QJsonValue &row : sandboxRows()) {
        const QString status = row.toObject().value("status"_L1).toString();
        running += status == u"RUNNING" || status == u"CREATED";
    }
    return running;
}

QStringList tst_SquadctlWorkflow::auditActions(const QString &runId)
{
    QStringList actions;
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--target"_s, runId, u"--json"_s});
    for (const QJsonValue &entry : audit.json().array())
        actions.prepend(entry.toObject().value("action"_L1).toString() + u':'
                        + entry.toObject().value("outcome"_L1).toString());
    return actions; // oldest first
}

void tst_SquadctlWorkflow::localRunOpensThePullRequest()
{
    const Outcome ran = runWorkflow(
        Provider::Local, {u"--reviewer"_s, u"hubot"_s, u"--label"_s, u"agent"_s, u"--json"_s});
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QString runId = runIdFrom(ran.err);
    QVERIFY2(!runId.isEmpty(), ran.err.constData());
    QVERIFY2(ran.err.startsWith(QByteArray("Run " + runId.toLatin1() + "\n")), ran.err.constData());
    // Progress on stderr: each step as it starts and as it ends, in order; git's transcript
    // only for a step that fails (or with --verbose), the agent's lines as they come.
    static const QRegularExpression duration(u" \\(\\d+\\.\\d s\\)$"_s);
    QStringList progress;
    for (QString line : QString::fromUtf8(ran.err).split(u'\n')) {
        if (line.startsWith(u'['))
            progress << line.remove(duration);
    }
    const QStringList titles{u"Create the sandbox"_s,
                             u"Clone the repository"_s,
                             u"Create the branch"_s,
                             u"Wait for the agent's changes"_s,
                             u"Commit"_s,
                             u"Push"_s,
                             u"Open the pull request"_s,
                             u"Terminate the sandbox"_s};
    QStringList announced;
    for (int i = 0; i < titles.size(); ++i) {
        announced << u"[%1/8] %2…"_s.arg(i + 1).arg(titles.at(i))
                  << u"[%1/8] %2… ok"_s.arg(i + 1).arg(titles.at(i));
    }
    QCOMPARE(progress, announced);
    QVERIFY2(!ran.err.contains("$ git"), ran.err.constData());
    QVERIFY(ran.err.contains("Opened pull request #1"));

    // The pull request: the pushed branch into the default one, with the title and body given.
    const auto *pull = m_github->pull(Repo, 1);
    QVERIFY(pull);
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QCOMPARE(pull->headRef, Branch);
    QCOMPARE(pull->baseRef, u"main"_s);
    QCOMPARE(pull->title, Title);
    QCOMPARE(pull->body.value_or(QString()), Body);
    QCOMPARE(pull->requestedReviewers, QStringList{u"hubot"_s});
    QCOMPARE(pull->labels, QStringList{u"agent"_s});

    // The run as JSON on stdout: every step succeeded once, with its times and output.
    const QJsonObject run = ran.json().object();
    QCOMPARE(run.value("id"_L1).toString(), runId);
    QCOMPARE(run.value("state"_L1).toString(), u"succeeded"_s);
    QVERIFY(run.value("pull_request_url"_L1).toString().endsWith(u"/octo/app/pull/1"_s));
    QCOMPARE(run.value("inputs"_L1).toObject().value("branch"_L1).toString(), Branch);
    QJsonObject shownRun = show(runId);
    QVERIFY(shownRun.contains(u"cost_usd"_s));  // only `show` estimates the cost
    shownRun.remove(u"cost_usd"_s);
    QCOMPARE(shownRun, run);
    const QJsonArray steps = run.value("steps"_L1).toArray();
    QCOMPARE(steps.size(), 8);
    for (int i = 0; i < steps.size(); ++i) {
        const QJsonObject step = steps.at(i).toObject();
        QCOMPARE(step.value("name"_L1).toString(), StepNames.at(i));
        QCOMPARE(step.value("state"_L1).toString(), u"succeeded"_s);
        QCOMPARE(step.value("attempts"_L1).toInt(), 1);
        QVERIFY(!step.value("started_at"_L1).toString().isEmpty());
        QVERIFY(!step.value("finished_at"_L1).toString().isEmpty());
        QVERIFY(step.value("error"_L1).toString().isEmpty());
    }
    QCOMPARE(steps.at(6).toObject().value("output"_L1).toObject().value("head"_L1).toString(),
             Branch);

    // The sandbox was made for the run and is terminated.
    const QJsonArray rows = sandboxRowsOf(runId);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().toObject().value("id"_L1).toString(),
             run.value("sandbox_id"_L1).toString());
    QCOMPARE(rows.first().toObject().value("status"_L1).toString(), u"TERMINATED"_s);
    QCOMPARE(runningRows(), 0);

    // The branch reached the bare repository: one commit on main, by the profile's identity,
    // with the agent's file.
    QCOMPARE(git(bareRepo(), {u"rev-list"_s, u"--count"_s, u"main.."_s + Branch}), u"1"_s);
    QCOMPARE(git(bareRepo(), {u"log"_s, u"-1"_s, u"--format=%s|%an|%ae"_s, Branch}),
             Message + u"|Squad Bot|bot@example.com"_s);
    QCOMPARE(git(bareRepo(), {u"show"_s, Branch + u":agent.txt"_s}), u"made by the agent"_s);

    // Every step is in the audit log, in order.
    QStringList audited{u"workflow.create:ok"_s};
    for (const QString &name : StepNames)
        audited << u"workflow."_s + name + u":ok"_s;
    audited << u"workflow.run:ok"_s;
    QCOMPARE(auditActions(runId), audited);

    // list and show, for people and for scripts.
    const Outcome listed = squadctl({u"workflow"_s, u"list"_s, u"--json"_s});
    QCOMPARE(listed.exitCode, 0);
    QCOMPARE(listed.json().array().size(), 1);
    const QJsonObject row = listed.json().array().first().toObject();
    QCOMPARE(row.value("id"_L1).toString(), runId);
    QCOMPARE(row.value("state"_L1).toString(), u"succeeded"_s);
    QCOMPARE(row.value("branch"_L1).toString(), Branch);
    QCOMPARE(row.value("pull_request_url"_L1).toString(),
             run.value("pull_request_url"_L1).toString());
    const Outcome text = squadctl({u"workflow"_s, u"list"_s});
    QVERIFY(text.out.contains(runId.toLatin1()) && text.out.contains("succeeded"));
    const Outcome shownText = squadctl({u"workflow"_s, u"show"_s, runId});
    QCOMPARE(shownText.exitCode, 0);
    QVERIFY2(shownText.out.contains("[8/8] Terminate the sandbox"), shownText.out.constData());
    // The run's cost is its sandbox's: a local sandbox costs nothing.
    QVERIFY2(shownText.out.contains("cost:") && shownText.out.contains("$0.0000"),
             shownText.out.constData());
    const QJsonObject shownJson = show(runId);
    QVERIFY(shownJson.value(u"cost_usd"_s).isDouble());
    QCOMPARE(shownJson.value(u"cost_usd"_s).toDouble(), 0.0);

    // A succeeded run resumed is a no-op that still names its pull request.
    const Outcome again = squadctl({u"workflow"_s, u"resume"_s, runId});
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.out.trimmed(), run.value("pull_request_url"_L1).toString().toUtf8());
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
}

void tst_SquadctlWorkflow::e2bRunOpensThePullRequest()
{
    const Outcome ran = runWorkflow(Provider::E2b);
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    const QString runId = runIdFrom(ran.err);
    QVERIFY(!runId.isEmpty());
    const auto *pull = m_github->pull(Repo, 1);
    QVERIFY(pull);
    QVERIFY2(ran.out.trimmed().endsWith("/octo/app/pull/1"), ran.out.constData());
    QCOMPARE(pull->headRef, Branch);
    QCOMPARE(pull->baseRef, u"main"_s);
    QCOMPARE(pull->title, Title);
    QCOMPARE(pull->body.value_or(QString()), Body);

    // git and the agent ran in the E2B sandbox, through envd; the sandbox is gone at E2B and
    // its row terminated.
    const QJsonArray rows = sandboxRowsOf(runId);
    QCOMPARE(rows.size(), 1);
    const QJsonObject row = rows.first().toObject();
    QCOMPARE(row.value("provider"_L1).toString(), u"e2b"_s);
    QCOMPARE(row.value("status"_L1).toString(), u"TERMINATED"_s);
    QVERIFY(m_e2b->sandboxes.isEmpty());
    const QString providerId = row.value("e2b_id"_L1).toString();
    QVERIFY(!providerId.isEmpty());
    const QString started = m_envd->started().join(u'\n');
    QVERIFY2(started.contains(providerId + u": git clone"_s), qPrintable(started));
    QVERIFY2(started.contains(providerId + u": sh -c "_s + AgentCommand), qPrintable(started));
    QVERIFY2(started.contains(providerId + u": git push"_s), qPrintable(started));
    QCOMPARE(m_envd->runningCount(), 0);
    QCOMPARE(git(bareRepo(), {u"show"_s, Branch + u":agent.txt"_s}), u"made by the agent"_s);

    // The token went to git (for clone and push) only in git's environment: never on a command
    // line envd saw, in the output, or in the stored run.
    QVERIFY(!m_git->authorizations().isEmpty());
    const QByteArray basic = "Basic " + QByteArray("x-access-token:" + Token.toLatin1()).toBase64();
    QVERIFY(m_git->authorizations().contains(basic));
    QVERIFY(!started.contains(Token));
    QVERIFY(!ran.err.contains(Token.toLatin1()) && !ran.out.contains(Token.toLatin1()));
    const Outcome shown = squadctl({u"workflow"_s, u"show"_s, runId, u"--json"_s});
    QCOMPARE(shown.json().object().value("state"_L1).toString(), u"succeeded"_s);
    QVERIFY(!shown.out.contains(Token.toLatin1()));
    QVERIFY(auditActions(runId).contains(u"workflow.terminate_sandbox:ok"_s));
}

void tst_SquadctlWorkflow::runTakesItsSandboxFromTheWarmPool_data()
{
    QTest::addColumn<int>("provider");
    QTest::newRow("local") << int(Provider::Local);
    QTest::newRow("e2b") << int(Provider::E2b);
}

void tst_SquadctlWorkflow::runTakesItsSandboxFromTheWarmPool()
{
    QFETCH(int, provider);
    const auto where = Provider(provider);
    const Outcome filled = squadctl({u"pool"_s, u"fill"_s, u"--size"_s, u"1"_s, u"--json"_s},
                                    providerEnv(where));
    QVERIFY2(filled.exitCode == 0, filled.err.constData());
    const QJsonArray created = filled.json().object().value("created"_L1).toArray();
    QCOMPARE(created.size(), 1);
    const QString pooled = created.first().toString();

    const Outcome ran = runWorkflow(where);
    QVERIFY2(ran.exitCode == 0, ran.err.constData());
    QVERIFY2(ran.err.contains("from the warm pool"), ran.err.constData());
    const QString runId = runIdFrom(ran.err);
    // The run's one sandbox is the pooled one, labelled with the run, ended with it.
    const QJsonArray rows = sandboxRowsOf(runId);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().toObject().value("id"_L1).toString(), pooled);
    QCOMPARE(rows.first().toObject().value("status"_L1).toString(), u"TERMINATED"_s);
    QCOMPARE(show(runId).value("state"_L1).toString(), u"succeeded"_s);
    const Outcome status = squadctl({u"pool"_s, u"status"_s, u"--json"_s}, providerEnv(where));
    QCOMPARE(status.exitCode, 0);
    QVERIFY(status.json().object().value("pools"_L1).toArray().isEmpty());
    QCOMPARE(runningRows(), 0);
}

void tst_SquadctlWorkflow::killedAtEachStepResumes_data()
{
    QTest::addColumn<QString>("killAt");
    QTest::addColumn<int>("provider");
    // Every point with local sandboxes; with E2B the ends of the steps, where what a step made
    // (the sandbox at E2B, the pushed branch, the pull request) exists but is not yet recorded.
    for (const QString &step : StepNames) {
        for (const char *when : {"started", "done"}) {
            const QString point = step + u':' + QLatin1String(when);
            QTest::addRow("local %s", qPrintable(point)) << point << int(Provider::Local);
        }
    }
    for (const QString &step : StepNames) {
        const QString point = step + u":done"_s;
        QTest::addRow("e2b %s", qPrintable(point)) << point << int(Provider::E2b);
    }
}

void tst_SquadctlWorkflow::killedAtEachStepResumes()
{
    QFETCH(QString, killAt);
    QFETCH(int, provider);
    const auto where = Provider(provider);
    const Outcome killed = runWorkflow(where, {}, {{u"SQUAD_TEST_KILL_AT"_s, killAt}});
    QVERIFY2(killed.exitCode == -1, killed.err.constData()); // it died, it did not exit
    const QString runId = runIdFrom(killed.err);
    QVERIFY(!runId.isEmpty());
    const QJsonObject cut = show(runId);
    QCOMPARE(cut.value("state"_L1).toString(), u"running"_s);
    const QString step = killAt.section(u':', 0, 0);
    const QJsonObject cutStep
        = cut.value("steps"_L1).toArray().at(StepNames.indexOf(step)).toObject();
    QCOMPARE(cutStep.value("state"_L1).toString(), u"running"_s);

    const Outcome resumed
        = squadctl({u"workflow"_s, u"resume"_s, runId, u"--json"_s}, providerEnv(where));
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QVERIFY2(resumed.err.contains(u"Run %1"_s.arg(runId).toUtf8()), resumed.err.constData());
    const QJsonObject run = resumed.json().object();
    QCOMPARE(run.value("state"_L1).toString(), u"succeeded"_s);
    for (const QJsonValue &each : run.value("steps"_L1).toArray())
        QCOMPARE(each.toObject().value("state"_L1).toString(), u"succeeded"_s);

    // Exactly one sandbox and one pull request, one commit on the branch, nothing running.
    const QJsonArray rows = sandboxRowsOf(runId);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().toObject().value("status"_L1).toString(), u"TERMINATED"_s);
    QCOMPARE(runningRows(), 0);
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QVERIFY(run.value("pull_request_url"_L1).toString().endsWith(u"/octo/app/pull/1"_s));
    QCOMPARE(git(bareRepo(), {u"rev-list"_s, u"--count"_s, u"main.."_s + Branch}), u"1"_s);
    if (where == Provider::E2b) {
        QCOMPARE(m_e2b->nextId, 2); // E2B made one sandbox, and has none left
        QVERIFY(m_e2b->sandboxes.isEmpty());
        QCOMPARE(m_envd->runningCount(), 0);
    }
}

void tst_SquadctlWorkflow::partialCloneIsClonedAfresh()
{
    // Cut off while cloning: what the clone had written is still in the folder.
    const Outcome killed = runWorkflow(Provider::Local, {}, {{u"SQUAD_TEST_KILL_AT"_s, u"clone:started"_s}});
    QCOMPARE(killed.exitCode, -1);
    const QString runId = runIdFrom(killed.err);
    const QJsonArray rows = sandboxRowsOf(runId);
    QCOMPARE(rows.size(), 1);
    const QString clone = m_tmp->filePath(u"data/sandboxes/%1/home/repos/app"_s.arg(
        rows.first().toObject().value("id"_L1).toString()));
    QVERIFY(QDir().mkpath(clone + u"/.git/objects"_s));
    QFile leftover(clone + u"/half-written.txt"_s);
    QVERIFY(leftover.open(QIODevice::WriteOnly));
    leftover.close();

    const Outcome resumed = squadctl({u"workflow"_s, u"resume"_s, runId});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QCOMPARE(sandboxRowsOf(runId).size(), 1);
    const QString pushed = git(bareRepo(), {u"show"_s, u"--name-only"_s, u"--format="_s, Branch});
    QVERIFY2(!pushed.contains(u"half-written"_s), qPrintable(pushed));
}

void tst_SquadctlWorkflow::interruptedRunStopsAndResumes()
{
    // An agent that works until it is told to finish; Ctrl+C comes while it works.
    const QString go = m_tmp->filePath(u"go"_s);
    const QString pidFile = m_tmp->filePath(u"agent.pid"_s);
    QStringList args = runArguments(Provider::Local);
    args[args.indexOf(u"--agent-command"_s) + 1]
        = u"echo $$ > '%1'; while [ ! -f '%2' ]; do sleep 0.1; done; %3"_s.arg(pidFile, go,
                                                                               AgentCommand);
    QProcess process;
    process.setProcessEnvironment(environment({}));
    QByteArray err;
    connect(&process, &QProcess::readyReadStandardError, this,
            [&] { err += process.readAllStandardError(); });
    process.start(QStringLiteral(SQUADCTL_PATH), args);
    const auto agentPid = [&pidFile] {
        QFile file(pidFile);
        return file.open(QIODevice::ReadOnly) ? pid_t(file.readAll().trimmed().toInt()) : pid_t(0);
    };
    QTRY_VERIFY_WITH_TIMEOUT(err.contains("[4/8] Wait for the agent's changes…") && agentPid() > 0,
                             30000);
    const pid_t agent = agentPid();

    ::kill(pid_t(process.processId()), SIGINT);
    QTRY_COMPARE_WITH_TIMEOUT(process.state(), QProcess::NotRunning, 30000);
    err += process.readAllStandardError();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit, err.constData());
    QCOMPARE(process.exitCode(), 130);
    const QString runId = runIdFrom(err);
    QVERIFY2(err.contains(u"interrupted; run %1 stops here"_s.arg(runId).toUtf8()),
             err.constData());
    QTRY_VERIFY(::kill(agent, 0) != 0); // the agent's command did not outlive squadctl
    const QJsonObject stopped = show(runId);
    QCOMPARE(stopped.value("state"_L1).toString(), u"running"_s);
    QCOMPARE(stopped.value("steps"_L1).toArray().at(3).toObject().value("state"_L1).toString(),
             u"running"_s);

    QFile(go).open(QIODevice::WriteOnly);
    const Outcome resumed = squadctl({u"workflow"_s, u"resume"_s, runId});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QVERIFY(resumed.out.trimmed().endsWith("/octo/app/pull/1"));
    QCOMPARE(sandboxRowsOf(runId).size(), 1);
    QCOMPARE(runningRows(), 0);
    QCOMPARE(git(bareRepo(), {u"show"_s, Branch + u":agent.txt"_s}), u"made by the agent"_s);
}

void tst_SquadctlWorkflow::operatorConfirmsAtTheTerminal()
{
    // Neither --agent-command nor --no-wait, at a terminal (script(1) gives squadctl one): the
    // run waits, the operator makes the change in the sandbox and presses Enter.
    QStringList args = runArguments(Provider::Local);
    args.remove(args.indexOf(u"--agent-command"_s), 2);
    QString command = u"'%1'"_s.arg(QStringLiteral(SQUADCTL_PATH));
    for (QString arg : std::as_const(args))
        command += u" '"_s + arg.replace(u"'"_s, u"'\\''"_s) + u"'"_s;
    QProcess terminal;
    terminal.setProcessEnvironment(environment({}));
    QByteArray seen;
    connect(&terminal, &QProcess::readyReadStandardOutput, this,
            [&] { seen += terminal.readAllStandardOutput(); });
    terminal.start(u"script"_s, {u"-qec"_s, command, u"/dev/null"_s});
    QTRY_VERIFY2_WITH_TIMEOUT(seen.contains("Press Enter when its changes are ready"),
                              seen.constData(), 30000);
    const QString runId = runIdFrom(QString::fromUtf8(seen).remove(u'\r').toUtf8());
    const QJsonObject waiting = show(runId);
    QCOMPARE(waiting.value("state"_L1).toString(), u"waiting"_s);

    const QString sandbox = waiting.value("sandbox_id"_L1).toString();
    const Outcome changed = squadctl({u"sandboxes"_s, u"exec"_s, sandbox, u"--cwd"_s,
                                      u"repos/app"_s, u"--"_s, u"sh"_s, u"-c"_s, AgentCommand});
    QCOMPARE(changed.exitCode, 0);
    terminal.write("\n");
    QTRY_COMPARE_WITH_TIMEOUT(terminal.state(), QProcess::NotRunning, 30000);
    seen += terminal.readAllStandardOutput();
    QVERIFY2(terminal.exitCode() == 0, seen.constData());
    QVERIFY2(seen.contains("[4/8] Wait for the agent's changes… ok"), seen.constData());
    QCOMPARE(show(runId)
                 .value("steps"_L1)
                 .toArray()
                 .at(3)
                 .toObject()
                 .value("output"_L1)
                 .toObject()
                 .value("confirmed_by"_L1)
                 .toString()
                 .isEmpty(),
             false);
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QCOMPARE(git(bareRepo(), {u"show"_s, Branch + u":agent.txt"_s}), u"made by the agent"_s);
    QCOMPARE(runningRows(), 0);
}

void tst_SquadctlWorkflow::failureAtEachStepIsReported_data()
{
    QTest::addColumn<QString>("step");
    QTest::addColumn<int>("provider");
    QTest::addColumn<QString>("said"); // what the error must say besides the step's title

    QTest::newRow("create_sandbox: E2B refuses")
        << u"create_sandbox"_s << int(Provider::E2b) << u"template 'base' not found"_s;
    QTest::newRow("clone: the repository 404s")
        << u"clone"_s << int(Provider::Local) << u"octo/missing.git/' not found"_s;
    QTest::newRow("branch: no such base") << u"branch"_s << int(Provider::Local) << u"nope"_s;
    QTest::newRow("wait_for_agent: the agent exits 1")
        << u"wait_for_agent"_s << int(Provider::Local) << u"exited with 1"_s;
    QTest::newRow("commit: git cannot commit")
        << u"commit"_s << int(Provider::Local) << u"index.lock"_s;
    QTest::newRow("push: the remote rejects it")
        << u"push"_s << int(Provider::Local) << u"pre-receive hook declined"_s;
    QTest::newRow("open_pull_request: 422 no commits")
        << u"open_pull_request"_s << int(Provider::Local) << u"nothing new"_s;
    QTest::newRow("open_pull_request: 403")
        << u"open_pull_request"_s << int(Provider::Local) << u"403"_s;
    QTest::newRow("open_pull_request: E2B, 403")
        << u"open_pull_request"_s << int(Provider::E2b) << u"403"_s;
}

void tst_SquadctlWorkflow::failureAtEachStepIsReported()
{
    QFETCH(QString, step);
    QFETCH(int, provider);
    QFETCH(QString, said);
    const auto where = Provider(provider);
    QStringList args = runArguments(where);
    const QString row = QString::fromLatin1(QTest::currentDataTag());

    if (step == u"create_sandbox") {
        // Both create endpoints: the client tries the older one when the newer one 404s.
        for (const QString &path : {u"/v2/sandboxes"_s, u"/sandboxes"_s}) {
            m_e2bServer->route(
                "POST", path,
                HttpResponse::json(
                    404,
                    QJsonObject{{u"code"_s, 404}, {u"message"_s, u"template 'base' not found"_s}}));
        }
    } else if (step == u"clone") {
        args[args.indexOf(u"--repo"_s) + 1] = m_git->repoUrl(u"octo/missing.git"_s);
    } else if (step == u"branch") {
        args << u"--base"_s << u"nope"_s;
    } else if (step == u"wait_for_agent") {
        args[args.indexOf(u"--agent-command"_s) + 1] = u"echo giving up >&2; exit 1"_s;
    } else if (step == u"commit") {
        // git cannot take the index: another git holds it.
        args[args.indexOf(u"--agent-command"_s) + 1]
            = AgentCommand + u" && touch .git/index.lock"_s;
    } else if (step == u"push") {
        const QString hook = bareRepo() + u"/hooks/pre-receive"_s;
        QFile file(hook);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\necho 'pushes are frozen' >&2\nexit 1\n");
        file.close();
        QVERIFY(file.setPermissions(file.permissions() | QFileDevice::ExeOwner));
    } else if (row.contains(u"422"_s)) {
        m_github->repo(Repo)->branches[Branch].commitsAheadOfDefault = 0;
    } else if (row.contains(u"403"_s)) {
        m_github->failNext(
            "POST", u"/repos/{owner}/{repo}/pulls"_s,
            HttpResponse::json(
                403, QJsonObject{
                         {u"message"_s, u"Resource not accessible by personal access token"_s}}));
    }

    QMap<QString, QString> env = providerEnv(where);
    const Outcome ran = squadctl(args, env);
    QCOMPARE(ran.exitCode, 1);
    const QString runId = runIdFrom(ran.err);
    QVERIFY2(!runId.isEmpty(), ran.err.constData());
    const int index = StepNames.indexOf(step);
    const QString err = QString::fromUtf8(ran.err);
    // A clear message naming the step, and what to do next.
    const QJsonObject run = show(runId);
    QCOMPARE(run.value("state"_L1).toString(), u"failed"_s);
    const QString title
        = run.value("steps"_L1).toArray().at(index).toObject().value("title"_L1).toString();
    QVERIFY2(err.contains(u"squadctl: %1 failed: "_s.arg(title)), qPrintable(err));
    QVERIFY2(err.contains(said, Qt::CaseInsensitive), qPrintable(err));
    QVERIFY2(err.contains(u"failed at step %1/8"_s.arg(index + 1)), qPrintable(err));
    QVERIFY2(err.contains(u"squadctl workflow resume %1"_s.arg(runId)), qPrintable(err));
    // For a git command that failed, the command and what git said (the branch step checks its
    // base itself); no transcript of the steps that went well.
    if (step == u"clone" || step == u"commit" || step == u"push")
        QVERIFY2(err.contains(QRegularExpression(u"git [^\n]*: exit \\d+\n"_s)), qPrintable(err));
    QVERIFY2(!err.contains(u"        $ git "_s), qPrintable(err));
    QVERIFY(ran.out.isEmpty()); // no pull request to name
    QCOMPARE(run.value("steps"_L1).toArray().at(index).toObject().value("state"_L1).toString(),
             u"failed"_s);
    for (int i = 0; i < index; ++i) {
        QCOMPARE(run.value("steps"_L1).toArray().at(i).toObject().value("state"_L1).toString(),
                 u"succeeded"_s);
    }
    QVERIFY(auditActions(runId).contains(u"workflow.%1:failed"_s.arg(step)));

    // Nothing left running: the sandbox (if one was made) is terminated, at E2B too.
    QCOMPARE(runningRows(), 0);
    QVERIFY(m_e2b->sandboxes.isEmpty());
    if (index > 0) {
        QVERIFY2(err.contains(
                     u"Sandbox %1 was terminated."_s.arg(run.value("sandbox_id"_L1).toString())),
                 qPrintable(err));
    }
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());
}

void tst_SquadctlWorkflow::keptSandboxStaysUntilAborted()
{
    QStringList args = runArguments(Provider::Local);
    args[args.indexOf(u"--agent-command"_s) + 1] = u"exit 3"_s;
    const Outcome ran = squadctl(args + QStringList{u"--keep-sandbox"_s, u"--json"_s});
    QCOMPARE(ran.exitCode, 1);
    const QString runId = runIdFrom(ran.err);
    const QJsonObject run = ran.json().object();
    QCOMPARE(run.value("state"_L1).toString(), u"failed"_s);
    QVERIFY(run.value("error"_L1).toString().contains(u"exited with 3"_s));
    const QString sandbox = run.value("sandbox_id"_L1).toString();
    QVERIFY2(
        ran.err.contains(u"Sandbox %1 is still running (--keep-sandbox)"_s.arg(sandbox).toUtf8()),
        ran.err.constData());
    QCOMPARE(sandboxRowsOf(runId).first().toObject().value("status"_L1).toString(), u"RUNNING"_s);

    const Outcome aborted = squadctl({u"workflow"_s, u"abort"_s, runId, u"--json"_s});
    QVERIFY2(aborted.exitCode == 0, aborted.err.constData());
    QCOMPARE(aborted.json().object().value("state"_L1).toString(), u"aborted"_s);
    QCOMPARE(sandboxRowsOf(runId).first().toObject().value("status"_L1).toString(),
             u"TERMINATED"_s);
    QVERIFY(auditActions(runId).contains(u"workflow.abort:ok"_s));
    // An aborted run stays aborted.
    QCOMPARE(squadctl({u"workflow"_s, u"resume"_s, runId}).exitCode, 1);
    QCOMPARE(squadctl({u"workflow"_s, u"abort"_s, runId}).exitCode, 1);
}

void tst_SquadctlWorkflow::failedTerminationIsResumed()
{
    // E2B refuses to kill the sandbox: the pull request stands, the run fails at step 8 with
    // the sandbox still running (there is no way to end it), and resuming ends it.
    m_e2bServer->route("DELETE", u"/sandboxes/{id}"_s,
                       HttpResponse::json(403, QJsonObject{{u"code"_s, 403},
                                                           {u"message"_s, u"Team is blocked"_s}}));
    const Outcome ran = runWorkflow(Provider::E2b);
    QCOMPARE(ran.exitCode, 1);
    const QString runId = runIdFrom(ran.err);
    QVERIFY2(ran.err.contains("squadctl: Terminate the sandbox failed: "), ran.err.constData());
    QVERIFY(ran.err.contains("failed at step 8/8"));
    QVERIFY2(ran.err.contains("The pull request is open: "), ran.err.constData());
    QVERIFY(ran.err.contains("is still running"));
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QCOMPARE(m_e2b->sandboxes.size(), 1);
    QCOMPARE(runningRows(), 1);

    // Without the E2B key, the sandbox cannot be reached: said at once, nothing changes.
    const Outcome keyless = squadctl({u"workflow"_s, u"resume"_s, runId});
    QCOMPARE(keyless.exitCode, 1);
    QVERIFY2(keyless.err.contains("has no E2B API key"), keyless.err.constData());
    QCOMPARE(show(runId).value("state"_L1).toString(), u"failed"_s);

    m_e2bServer->route("DELETE", u"/sandboxes/{id}"_s,
                       [this](const squad::test::HttpRequest &request) {
                           return m_e2b->sandboxes.remove(request.param(u"id"_s))
                                      ? HttpResponse::empty(204)
                                      : HttpResponse::json(404, QJsonObject{{u"code"_s, 404}});
                       });
    const Outcome resumed
        = squadctl({u"workflow"_s, u"resume"_s, runId}, providerEnv(Provider::E2b));
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QVERIFY(resumed.out.trimmed().endsWith("/octo/app/pull/1"));
    QVERIFY(m_e2b->sandboxes.isEmpty());
    QCOMPARE(runningRows(), 0);
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
    QCOMPARE(sandboxRowsOf(runId).size(), 1);
}

void tst_SquadctlWorkflow::badInputStartsNothing_data()
{
    QTest::addColumn<QStringList>("change"); // option, value ("" = remove the option)
    QTest::addColumn<QString>("said");
    QTest::newRow("message not a conventional commit")
        << QStringList{u"--message"_s, u"did some things"_s} << u"conventional"_s;
    QTest::newRow("no title") << QStringList{u"--title"_s, QString()} << u"--title"_s;
    QTest::newRow("branch equals its base") << QStringList{u"--base"_s, Branch} << u"new branch"_s;
    QTest::newRow("no agent option, no terminal")
        << QStringList{u"--agent-command"_s, QString()} << u"--no-wait"_s;
    QTest::newRow("agent command and no-wait") << QStringList{u"--no-wait"_s} << u"not both"_s;
    QTest::newRow("not on GitHub, no --pr-repo")
        << QStringList{u"--pr-repo"_s, QString()} << u"--pr-repo"_s;
}

void tst_SquadctlWorkflow::badInputStartsNothing()
{
    QFETCH(QStringList, change);
    QFETCH(QString, said);
    QStringList args = runArguments(Provider::Local);
    const qsizetype at = args.indexOf(change.first());
    if (change.size() == 1)
        args << change.first();
    else if (at < 0)
        args << change;
    else if (change.at(1).isNull())
        args.remove(at, 2);
    else
        args[at + 1] = change.at(1);
    const Outcome ran = squadctl(args);
    QCOMPARE(ran.exitCode, 2);
    QVERIFY2(ran.err.contains(said.toUtf8()), ran.err.constData());
    QVERIFY(runIdFrom(ran.err).isEmpty());
    QCOMPARE(squadctl({u"workflow"_s, u"list"_s, u"--json"_s}).json().array().size(), 0);
    QCOMPARE(sandboxRows().size(), 0);
    QVERIFY(m_github->seen().isEmpty());
}

void tst_SquadctlWorkflow::noGitHubCredentialsStartsNothing()
{
    const Outcome ran = runWorkflow(Provider::Local, {}, {{u"GITHUB_TOKEN"_s, QString()}});
    QCOMPARE(ran.exitCode, 1);
    QVERIFY2(ran.err.contains("GITHUB_TOKEN"), ran.err.constData());
    QCOMPARE(squadctl({u"workflow"_s, u"list"_s, u"--json"_s}).json().array().size(), 0);
    QCOMPARE(sandboxRows().size(), 0);
}

void tst_SquadctlWorkflow::envdRunsCommandsInTheSandbox()
{
    // The loopback envd the E2B runs use, on its own: output and exit code streamed back, the
    // home as the working folder, a deadline that ends the process, a missing folder refused.
    const QMap<QString, QString> env = providerEnv(Provider::E2b);
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--json"_s}, env);
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QString id = created.json().object().value("id"_L1).toString();
    const QString providerId = created.json().object().value("e2b_id"_L1).toString();

    const Outcome ran = squadctl(
        {u"sandboxes"_s, u"exec"_s, id, u"--"_s, u"sh"_s, u"-c"_s, u"pwd; echo oops >&2; exit 3"_s},
        env);
    QCOMPARE(ran.exitCode, 3);
    QCOMPARE(QString::fromUtf8(ran.out.trimmed()), QDir(m_envd->home(providerId)).canonicalPath());
    QCOMPARE(ran.err, QByteArray("oops\n"));

    const Outcome late = squadctl(
        {u"sandboxes"_s, u"exec"_s, id, u"--timeout"_s, u"0.5"_s, u"--"_s, u"sleep"_s, u"30"_s},
        env);
    QCOMPARE(late.exitCode, 124);
    QTRY_COMPARE(m_envd->runningCount(), 0);

    const Outcome nowhere = squadctl(
        {u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s, u"no/such/dir"_s, u"--"_s, u"true"_s}, env);
    QCOMPARE(nowhere.exitCode, 2); // envd's invalid_argument: the caller's mistake
    QVERIFY2(nowhere.err.contains("does not exist"), nowhere.err.constData());
    QCOMPARE(squadctl({u"sandboxes"_s, u"terminate"_s, id}, env).exitCode, 0);
    QVERIFY(m_e2b->sandboxes.isEmpty());
}

QTEST_GUILESS_MAIN(tst_SquadctlWorkflow)
#include "tst_squadctlworkflow.moc"
