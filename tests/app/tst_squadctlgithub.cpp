// SPDX-License-Identifier: MIT
// squadctl pr create|status and auth test github as scripts use them: a real process against
// FakeGitHub (an Enterprise Server layout, API under /api/v3) with git-http-backend serving
// the same origin, so a sandbox's clone, push and pull request meet one GitHub — with a token,
// and as a GitHub App whose installation token also pushes.
#include "fakegithub.h"
#include "githttpserver.h"
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Outcome = squad::test::ProcessOutcome;
using squad::test::FakeGitHub;
using squad::test::FakeRepo;
using squad::test::GitHttpServer;
using squad::test::LoopbackHttpServer;

namespace {

const QString Token = u"ghp_squadctl0123456789abcdefghijklmnopqrs"_s;
const QString Repo = u"octo/app"_s;

} // namespace

class tst_SquadctlGitHub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void authTestWithAToken();
    void noCredentialsAsksForThemWithoutARequest();
    void createFindsTheExistingOneTheSecondTime();
    void refusalsSayWhatToDo();
    void followUpFailureKeepsThePullRequestAndFails();
    void statusByUrlAndByNumber();
    void repositoryOnAnotherHostIsRefused();
    void appClonesPushesAndOpensFromASandbox();

private:
    Outcome squadctl(const QStringList &arguments, const QMap<QString, QString> &extraEnv = {});
    QString git(const QString &dir, const QStringList &args);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<LoopbackHttpServer> m_server;
    std::unique_ptr<GitHttpServer> m_git;
    std::unique_ptr<FakeGitHub> m_github;
};

void tst_SquadctlGitHub::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    QDir(m_tmp->path()).mkpath(u"config"_s);
    QDir(m_tmp->path()).mkpath(u"testhome"_s);
    QDir(m_tmp->path()).mkpath(u"served/octo"_s);
    QVERIFY(squad::test::makeBareRepository(m_tmp->filePath(u"served/octo/app.git"_s),
                                            m_tmp->filePath(u"testhome"_s)));

    m_server = std::make_unique<LoopbackHttpServer>();
    // git first: FakeGitHub's /api/v3 routes are newer and win for the API's paths.
    m_git = std::make_unique<GitHttpServer>(
        *m_server, QString(), m_tmp->filePath(u"served"_s),
        [this](const QByteArray &user, const QByteArray &password) {
            return user == "x-access-token"
                && (password == Token.toLatin1()
                    || m_github->acceptsInstallationToken(QString::fromLatin1(password)));
        });
    m_github = std::make_unique<FakeGitHub>(*m_server, u"/api/v3"_s);
    m_github->addToken(Token, u"octocat"_s, QStringList{u"repo"_s});
    FakeRepo &repo = m_github->addRepo(u"octo"_s, u"app"_s, u"main"_s);
    repo.collaborators = {u"hubot"_s};
    repo.teams = {u"core"_s};
    m_github->addBranch(Repo, u"feature"_s, 1);
}

void tst_SquadctlGitHub::cleanup()
{
    m_github.reset();
    m_git.reset();
    m_server.reset();
    m_tmp.reset();
}

Outcome tst_SquadctlGitHub::squadctl(const QStringList &arguments,
                                     const QMap<QString, QString> &extraEnv)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_tmp->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_tmp->filePath(u"config"_s));
    for (const char *name : {"SQUAD_DB", "SQUAD_PROFILE", "E2B_API_KEY", "GITHUB_TOKEN",
                             "GITHUB_API_URL", "GITHUB_APP_PRIVATE_KEY"}) {
        env.remove(QString::fromLatin1(name));
    }
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    env.insert(u"GITHUB_API_URL"_s, m_github->apiUrl());
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it) {
        if (it.value().isNull())
            env.remove(it.key());
        else
            env.insert(it.key(), it.value());
    }
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH), arguments, env);
}

QString tst_SquadctlGitHub::git(const QString &dir, const QStringList &args)
{
    return squad::test::runGit(dir, args, m_tmp->filePath(u"testhome"_s));
}

void tst_SquadctlGitHub::authTestWithAToken()
{
    const QMap<QString, QString> withToken{{u"GITHUB_TOKEN"_s, Token}};
    const Outcome tested = squadctl({u"auth"_s, u"test"_s, u"github"_s}, withToken);
    QCOMPARE(tested.exitCode, 0);
    QVERIFY2(tested.err.contains("classic token of octocat"), tested.err.constData());
    QVERIFY(tested.err.contains("scopes: repo"));
    QVERIFY(tested.err.contains("Rate limit: 4999 of 5000 left"));
    QVERIFY(!tested.err.contains(Token.toLatin1()));

    const Outcome json = squadctl({u"auth"_s, u"test"_s, u"github"_s, u"--repo"_s, Repo, u"--json"_s},
                                  withToken);
    QCOMPARE(json.exitCode, 0);
    const QJsonObject object = json.json().object();
    QCOMPARE(object.value(u"login"_s).toString(), u"octocat"_s);
    QCOMPARE(object.value(u"kind"_s).toString(), u"classic token"_s);
    QCOMPARE(object.value(u"repository"_s).toObject().value(u"default_branch"_s).toString(), u"main"_s);
    QVERIFY(object.value(u"repository"_s).toObject().value(u"can_push"_s).toBool());

    const Outcome wrong = squadctl({u"auth"_s, u"test"_s, u"github"_s},
                                   {{u"GITHUB_TOKEN"_s, u"ghp_notarealtoken0000000000000000000000000"_s}});
    QCOMPARE(wrong.exitCode, 1);
    QVERIFY2(wrong.err.contains("rejected the token (401: Bad credentials)"), wrong.err.constData());
}

void tst_SquadctlGitHub::noCredentialsAsksForThemWithoutARequest()
{
    const Outcome tested = squadctl({u"auth"_s, u"test"_s, u"github"_s});
    QCOMPARE(tested.exitCode, 1);
    QVERIFY2(tested.err.contains("GITHUB_TOKEN"), tested.err.constData());
    const Outcome created = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--head"_s,
                                      u"feature"_s, u"--title"_s, u"feat: x"_s});
    QCOMPARE(created.exitCode, 1);
    QVERIFY(m_github->seen().isEmpty());
}

void tst_SquadctlGitHub::createFindsTheExistingOneTheSecondTime()
{
    const QStringList create{u"pr"_s,      u"create"_s,    u"--repo"_s,  Repo,
                             u"--head"_s,  u"feature"_s,   u"--title"_s, u"feat: the thing"_s,
                             u"--body"_s,  u"Made by an agent."_s, u"-r"_s, u"hubot,octo/core"_s,
                             u"--label"_s, u"agent"_s};
    const QMap<QString, QString> withToken{{u"GITHUB_TOKEN"_s, Token}};
    const Outcome first = squadctl(create + QStringList{u"--json"_s}, withToken);
    QCOMPARE(first.exitCode, 0);
    const QJsonObject made = first.json().object();
    QCOMPARE(made.value(u"number"_s).toInt(), 1);
    QCOMPARE(made.value(u"base"_s).toString(), u"main"_s);
    QVERIFY(!made.value(u"existed"_s).toBool());
    const auto *pull = m_github->pull(Repo, 1);
    QVERIFY(pull);
    QCOMPARE(pull->title, u"feat: the thing"_s);
    QCOMPARE(pull->body.value_or(QString()), u"Made by an agent."_s);
    QCOMPARE(pull->requestedReviewers, QStringList{u"hubot"_s});
    QCOMPARE(pull->requestedTeams, QStringList{u"core"_s});
    QCOMPARE(pull->labels, QStringList{u"agent"_s});

    const Outcome second = squadctl(create, withToken);
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out.trimmed(), made.value(u"url"_s).toString().toUtf8());
    QVERIFY2(second.err.contains("already existed"), second.err.constData());
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);

    // Both are in the audit log: the one that opened it, and the one that found it.
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--json"_s});
    QCOMPARE(audit.exitCode, 0);
    const QJsonArray entries = audit.json().array();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).toObject().value(u"action"_s).toString(), u"github.pr.create"_s);
    QCOMPARE(entries.at(0).toObject().value(u"outcome"_s).toString(), u"noop"_s);
    QCOMPARE(entries.at(1).toObject().value(u"outcome"_s).toString(), u"ok"_s);
    QCOMPARE(entries.at(1).toObject().value(u"target"_s).toString(), Repo);
    QVERIFY(!audit.out.contains(Token.toLatin1()));
}

void tst_SquadctlGitHub::refusalsSayWhatToDo()
{
    const QMap<QString, QString> withToken{{u"GITHUB_TOKEN"_s, Token}};
    m_github->addBranch(Repo, u"empty"_s, 0);
    const Outcome nothing = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--head"_s,
                                      u"empty"_s, u"--title"_s, u"t"_s},
                                     withToken);
    QCOMPARE(nothing.exitCode, 1);
    QVERIFY2(nothing.err.contains("has nothing new"), nothing.err.constData());

    m_github->repo(Repo)->draftSupported = false;
    const Outcome draft = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--head"_s,
                                    u"feature"_s, u"--title"_s, u"t"_s, u"--draft"_s},
                                   withToken);
    QCOMPARE(draft.exitCode, 1);
    QVERIFY2(draft.err.contains("does not allow draft pull requests"), draft.err.constData());
    QVERIFY(draft.err.contains("without --draft"));
    QVERIFY(m_github->repo(Repo)->pulls.isEmpty());

    const qsizetype asked = m_github->seen().size();
    const Outcome usage = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--title"_s, u"t"_s},
                                   withToken);
    QCOMPARE(usage.exitCode, 2);  // no --head: refused before anything is asked of GitHub
    QCOMPARE(m_github->seen().size(), asked);
}

void tst_SquadctlGitHub::followUpFailureKeepsThePullRequestAndFails()
{
    const Outcome created = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--head"_s,
                                      u"feature"_s, u"--title"_s, u"t"_s, u"--reviewer"_s,
                                      u"stranger"_s},
                                     {{u"GITHUB_TOKEN"_s, Token}});
    QCOMPARE(created.exitCode, 1);  // as gh: the pull request stands, the update failed
    QVERIFY(created.out.contains("/octo/app/pull/1"));
    QVERIFY2(created.err.contains("pull request update failed"), created.err.constData());
    QCOMPARE(m_github->repo(Repo)->pulls.size(), 1);
}

void tst_SquadctlGitHub::statusByUrlAndByNumber()
{
    const QMap<QString, QString> withToken{{u"GITHUB_TOKEN"_s, Token}};
    const Outcome created = squadctl({u"pr"_s, u"create"_s, u"--repo"_s, Repo, u"--head"_s,
                                      u"feature"_s, u"--title"_s, u"feat: x"_s, u"--json"_s},
                                     withToken);
    QCOMPARE(created.exitCode, 0);
    const QString url = created.json().object().value(u"url"_s).toString();
    const QString sha = created.json().object().value(u"head_sha"_s).toString();
    m_github->addReview(Repo, 1, u"hubot"_s, u"APPROVED"_s);
    m_github->addCheckRun(Repo, sha, u"build"_s, u"completed"_s, u"success"_s);

    const Outcome byUrl = squadctl({u"pr"_s, u"status"_s, url, u"--json"_s}, withToken);
    QCOMPARE(byUrl.exitCode, 0);
    const QJsonObject status = byUrl.json().object();
    QCOMPARE(status.value(u"state"_s).toString(), u"open"_s);
    QCOMPARE(status.value(u"review_decision"_s).toString(), u"approved"_s);
    QCOMPARE(status.value(u"checks"_s).toObject().value(u"state"_s).toString(), u"success"_s);

    m_github->merge(Repo, 1);
    const Outcome byNumber = squadctl({u"pr"_s, u"status"_s, u"1"_s, u"--repo"_s, Repo}, withToken);
    QCOMPARE(byNumber.exitCode, 0);
    QVERIFY2(byNumber.out.contains("merged · review: approved · checks: 1/1 passed"),
             byNumber.out.constData());

    const Outcome noRepo = squadctl({u"pr"_s, u"status"_s, u"1"_s}, withToken);
    QCOMPARE(noRepo.exitCode, 2);
}

void tst_SquadctlGitHub::repositoryOnAnotherHostIsRefused()
{
    const Outcome created = squadctl({u"pr"_s, u"create"_s, u"--repo"_s,
                                      u"https://github.com/octo/app.git"_s, u"--head"_s,
                                      u"feature"_s, u"--title"_s, u"t"_s},
                                     {{u"GITHUB_TOKEN"_s, Token}});
    QVERIFY(created.exitCode != 0);
    QVERIFY2(created.err.contains("https://api.github.com"), created.err.constData());
    QVERIFY(m_github->seen().isEmpty());
}

void tst_SquadctlGitHub::appClonesPushesAndOpensFromASandbox()
{
    const auto keys = squad::test::generateRsaKeyPair();
    m_github->setApp(u"Iv23liSquadTest"_s, keys.publicPem, u"4242"_s, u"octo"_s,
                     QJsonObject{{u"contents"_s, u"write"_s}, {u"pull_requests"_s, u"write"_s}});
    // The profile names the app and the API; the key comes from the environment.
    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"bot"_s, u"--github-api-url"_s, m_github->apiUrl(),
                       u"--github-app-client-id"_s, u"Iv23liSquadTest"_s,
                       u"--github-app-installation-id"_s, u"4242"_s})
                 .exitCode,
             0);
    const QMap<QString, QString> asApp{{u"GITHUB_API_URL"_s, QString()},
                                       {u"GITHUB_APP_PRIVATE_KEY"_s, QString::fromLatin1(keys.privatePem)}};
    const QStringList bot{u"--profile"_s, u"bot"_s};

    const Outcome tested = squadctl(bot + QStringList{u"auth"_s, u"test"_s, u"github"_s}, asApp);
    QCOMPARE(tested.exitCode, 0);
    QVERIFY2(tested.err.contains("GitHub App installation"), tested.err.constData());
    QVERIFY(tested.err.contains("pull_requests=write"));

    const Outcome sandbox = squadctl({u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s, u"--json"_s});
    QCOMPARE(sandbox.exitCode, 0);
    const QString id = sandbox.json().object().value(u"id"_s).toString();
    const QString url = m_git->repoUrl(u"octo/app.git"_s);
    QCOMPARE(squadctl(bot + QStringList{u"git"_s, u"clone"_s, id, url}, asApp).exitCode, 0);
    QCOMPARE(squadctl(bot + QStringList{u"git"_s, u"branch"_s, id, u"repos/app"_s, u"feature"_s}).exitCode, 0);
    QCOMPARE(squadctl({u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s, u"repos/app"_s, u"--"_s, u"sh"_s,
                       u"-c"_s, u"echo change > change.txt"_s})
                 .exitCode,
             0);
    QCOMPARE(squadctl(bot + QStringList{u"git"_s, u"commit"_s, id, u"repos/app"_s, u"-m"_s,
                                        u"feat: a change"_s, u"--author-name"_s, u"Bot"_s,
                                        u"--author-email"_s, u"bot@example.com"_s})
                 .exitCode,
             0);
    const Outcome pushed = squadctl(bot + QStringList{u"git"_s, u"push"_s, id, u"repos/app"_s}, asApp);
    QVERIFY2(pushed.exitCode == 0, pushed.err.constData());
    // The installation token went to git as the password, and only through git's environment.
    QVERIFY(!git(m_tmp->filePath(u"served/octo/app.git"_s), {u"rev-parse"_s, u"feature"_s}).isEmpty());
    QVERIFY(m_github->installationTokensIssued() >= 2);  // one per squadctl run that needed it

    // The pull request: repository from the sandbox's origin, head from its branch.
    const Outcome created = squadctl(bot + QStringList{u"pr"_s, u"create"_s, id, u"repos/app"_s,
                                                       u"--title"_s, u"feat: a change"_s, u"--json"_s},
                                     asApp);
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QJsonObject made = created.json().object();
    QCOMPARE(made.value(u"repository"_s).toString(), Repo);
    QCOMPARE(made.value(u"head"_s).toString(), u"feature"_s);
    QCOMPARE(made.value(u"base"_s).toString(), u"main"_s);
    QVERIFY(m_github->lastJwt() && m_github->lastJwt()->signatureValid);
    for (const auto &seen : m_github->seen())
        QVERIFY(!seen.authorization.contains(Token.toLatin1()));  // the app, not a token
}

QTEST_GUILESS_MAIN(tst_SquadctlGitHub)
#include "tst_squadctlgithub.moc"
