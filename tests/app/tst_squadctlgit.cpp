// SPDX-License-Identifier: MIT
// squadctl git clone|branch|commit|push as scripts use it: a real process on a local sandbox,
// with a local bare repository or git-http-backend on loopback (wanting the token) as remote.
#include "githttpserver.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Outcome = squad::test::ProcessOutcome;

class tst_SquadctlGit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void cloneBranchCommitPush();
    void nothingToCommitAndMessageFromStdin();
    void badInputIsAUsageErrorAndRunsNothing_data();
    void badInputIsAUsageErrorAndRunsNothing();
    void rejectedPushFailsWithTheRemotesWords();
    void tokenFromTheEnvironmentOnlyForTheProfilesHost();

private:
    Outcome squadctl(const QStringList &arguments, const QByteArray &input = {},
                     const QMap<QString, QString> &extraEnv = {});
    QString git(const QString &dir, const QStringList &args);
    QString makeRemote(const QString &path);
    QString createSandbox();
    QString home(const QString &id) const;
    int execCount(const QString &id);

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_remote;
};

void tst_SquadctlGit::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    QDir(m_tmp->path()).mkpath(u"config"_s);
    QDir(m_tmp->path()).mkpath(u"testhome"_s);
    m_remote = makeRemote(m_tmp->filePath(u"remote.git"_s));
    QVERIFY(!m_remote.isEmpty());
}

void tst_SquadctlGit::cleanup()
{
    m_tmp.reset();
}

Outcome tst_SquadctlGit::squadctl(const QStringList &arguments, const QByteArray &input,
                                  const QMap<QString, QString> &extraEnv)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_tmp->filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, m_tmp->filePath(u"config"_s));
    env.remove(u"SQUAD_DB"_s);
    env.remove(u"SQUAD_PROFILE"_s);
    env.remove(u"E2B_API_KEY"_s);
    env.remove(u"GITHUB_TOKEN"_s);
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    for (auto it = extraEnv.cbegin(); it != extraEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH), arguments, env, input);
}

QString tst_SquadctlGit::git(const QString &dir, const QStringList &args)
{
    return squad::test::runGit(dir, args, m_tmp->filePath(u"testhome"_s));
}

QString tst_SquadctlGit::makeRemote(const QString &path)
{
    return squad::test::makeBareRepository(path, m_tmp->filePath(u"testhome"_s)) ? path : QString();
}

QString tst_SquadctlGit::createSandbox()
{
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s,
                                      u"--json"_s});
    return created.exitCode == 0 ? created.json().object().value(u"id"_s).toString() : QString();
}

QString tst_SquadctlGit::home(const QString &id) const
{
    return m_tmp->filePath(u"data/sandboxes/"_s + id + u"/home"_s);
}

int tst_SquadctlGit::execCount(const QString &id)
{
    const Outcome listed = squadctl({u"audit"_s, u"list"_s, u"--target"_s, id, u"--json"_s});
    if (listed.exitCode != 0)
        return -1;
    int count = 0;
    for (const QJsonValue &row : listed.json().array())
        count += row.toObject().value(u"action"_s).toString() == u"sandbox.exec" ? 1 : 0;
    return count;
}

void tst_SquadctlGit::cloneBranchCommitPush()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());

    const Outcome cloned = squadctl({u"git"_s, u"clone"_s, id, m_remote, u"--json"_s});
    QCOMPARE(cloned.exitCode, 0);
    const QJsonObject clone = cloned.json().object();
    QCOMPARE(clone.value(u"folder"_s).toString(), u"repos/remote"_s);
    QCOMPARE(clone.value(u"branch"_s).toString(), u"main"_s);
    QCOMPARE(clone.value(u"remote_url"_s).toString(), m_remote);
    QCOMPARE(clone.value(u"sha"_s).toString(), git(m_remote, {u"rev-parse"_s, u"main"_s}));
    QCOMPARE(clone.value(u"updated"_s).toBool(), false);

    const Outcome branched = squadctl({u"git"_s, u"branch"_s, id, u"repos/remote"_s,
                                       u"feature/cli"_s, u"--base"_s, u"main"_s});
    QCOMPARE(branched.exitCode, 0);
    QCOMPARE(branched.out, "feature/cli\n");
    QVERIFY(branched.err.contains("Created branch feature/cli"));

    const Outcome written = squadctl({u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s,
                                      u"repos/remote"_s, u"--"_s, u"sh"_s, u"-c"_s,
                                      u"echo cli > cli.txt"_s});
    QCOMPARE(written.exitCode, 0);
    const Outcome committed = squadctl({u"git"_s, u"commit"_s, id, u"repos/remote"_s, u"-m"_s,
                                        u"feat(cli): add cli.txt"_s, u"--author-name"_s,
                                        u"Grace Hopper"_s, u"--author-email"_s,
                                        u"grace@example.com"_s, u"--json"_s});
    QCOMPARE(committed.exitCode, 0);
    const QJsonObject commit = committed.json().object();
    QVERIFY(commit.value(u"committed"_s).toBool());
    QCOMPARE(commit.value(u"branch"_s).toString(), u"feature/cli"_s);
    const QString sha = commit.value(u"sha"_s).toString();
    QCOMPARE(sha.size(), 40);

    const Outcome pushed = squadctl({u"git"_s, u"push"_s, id, u"repos/remote"_s});
    QCOMPARE(pushed.exitCode, 0);
    QCOMPARE(pushed.out, "origin/feature/cli\n");
    QCOMPARE(git(m_remote, {u"rev-parse"_s, u"refs/heads/feature/cli"_s}), sha);
    QCOMPARE(git(m_remote, {u"log"_s, u"-1"_s, u"--format=%an <%ae>: %s"_s, u"feature/cli"_s}),
             u"Grace Hopper <grace@example.com>: feat(cli): add cli.txt"_s);

    // Cloning again updates the clone.
    const Outcome again = squadctl({u"git"_s, u"clone"_s, id, m_remote, u"--json"_s});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.json().object().value(u"updated"_s).toBool());
    QCOMPARE(again.json().object().value(u"branch"_s).toString(), u"feature/cli"_s);
}

void tst_SquadctlGit::nothingToCommitAndMessageFromStdin()
{
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    QCOMPARE(squadctl({u"git"_s, u"clone"_s, id, m_remote, u"--dir"_s, u"work/app"_s}).exitCode, 0);
    QVERIFY(QFile::exists(home(id) + u"/work/app/README.md"_s));

    const Outcome nothing = squadctl({u"git"_s, u"commit"_s, id, u"work/app"_s, u"-m"_s,
                                      u"chore: nothing"_s, u"--json"_s});
    QCOMPARE(nothing.exitCode, 0);
    QCOMPARE(nothing.json().object().value(u"committed"_s).toBool(), false);

    QFile file(home(id) + u"/work/app/stdin.txt"_s);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x\n");
    file.close();
    const QByteArray message = "docs: from stdin\n\nWith a body.\n";
    const Outcome committed = squadctl({u"git"_s, u"commit"_s, id, u"work/app"_s,
                                        u"--message-file"_s, u"-"_s, u"--author-name"_s, u"A"_s,
                                        u"--author-email"_s, u"a@example.com"_s},
                                       message);
    QCOMPARE(committed.exitCode, 0);
    QCOMPARE(git(home(id) + u"/work/app"_s, {u"log"_s, u"-1"_s, u"--format=%B"_s}),
             QString::fromUtf8(message).trimmed());
}

void tst_SquadctlGit::badInputIsAUsageErrorAndRunsNothing_data()
{
    QTest::addColumn<QStringList>("arguments");  // ID is put first
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("clone without url") << QStringList{u"clone"_s} << QByteArray("usage");
    QTest::newRow("clone ext") << QStringList{u"clone"_s, u"ext::sh"_s} << QByteArray("ext::");
    QTest::newRow("clone credentials")
        << QStringList{u"clone"_s, u"https://me:s3cr3t@github.com/o/r"_s} << QByteArray("keychain");
    QTest::newRow("clone option folder")
        << QStringList{u"clone"_s, u"https://github.com/o/r"_s, u"--dir"_s, u"../x"_s}
        << QByteArray("Refused the folder");
    QTest::newRow("branch dotdot") << QStringList{u"branch"_s, u"repos/remote"_s, u"a..b"_s}
                                   << QByteArray("not a valid branch name");
    QTest::newRow("branch option after --")
        << QStringList{u"branch"_s, u"repos/remote"_s, u"--"_s, u"-D"_s}
        << QByteArray("starts with '-'");
    QTest::newRow("commit not conventional")
        << QStringList{u"commit"_s, u"repos/remote"_s, u"-m"_s, u"wip"_s}
        << QByteArray("not a conventional commit");
    QTest::newRow("commit two messages")
        << QStringList{u"commit"_s, u"repos/remote"_s, u"-m"_s, u"fix: a"_s,
                       u"--message-file"_s, u"-"_s}
        << QByteArray("one of them");
    QTest::newRow("commit no message") << QStringList{u"commit"_s, u"repos/remote"_s}
                                       << QByteArray("one of them");
    QTest::newRow("commit half an author")
        << QStringList{u"commit"_s, u"repos/remote"_s, u"-m"_s, u"fix: a"_s, u"--author-name"_s,
                       u"A"_s}
        << QByteArray("both a name and an e-mail");
    QTest::newRow("push bad branch")
        << QStringList{u"push"_s, u"repos/remote"_s, u"--branch"_s, u"main:evil"_s}
        << QByteArray("not a valid branch name");
    QTest::newRow("push absolute folder") << QStringList{u"push"_s, u"/etc"_s}
                                          << QByteArray("absolute path");
    QTest::newRow("unknown verb") << QStringList{u"rebase"_s, u"repos/remote"_s}
                                  << QByteArray("unknown command");
}

void tst_SquadctlGit::badInputIsAUsageErrorAndRunsNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    QStringList args{u"git"_s, arguments.first(), id};
    args += arguments.mid(1);
    const Outcome refused = squadctl(args);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains(message), refused.err.constData());
    QVERIFY(!refused.err.contains("s3cr3t"));
    QCOMPARE(execCount(id), 0);
}

void tst_SquadctlGit::rejectedPushFailsWithTheRemotesWords()
{
    const QString hook = m_remote + u"/hooks/pre-receive"_s;
    QFile file(hook);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho 'Pushing is closed for the release freeze.' >&2\nexit 1\n");
    file.close();
    QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    QCOMPARE(squadctl({u"git"_s, u"clone"_s, id, m_remote}).exitCode, 0);
    QCOMPARE(squadctl({u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s, u"repos/remote"_s, u"--"_s,
                       u"sh"_s, u"-c"_s, u"echo y > y.txt"_s})
                 .exitCode,
             0);
    QCOMPARE(squadctl({u"git"_s, u"commit"_s, id, u"repos/remote"_s, u"-m"_s, u"fix: y"_s,
                       u"--author-name"_s, u"A"_s, u"--author-email"_s, u"a@example.com"_s})
                 .exitCode,
             0);
    const Outcome pushed = squadctl({u"git"_s, u"push"_s, id, u"repos/remote"_s});
    QCOMPARE(pushed.exitCode, 1);
    QVERIFY2(pushed.err.contains("Pushing is closed for the release freeze."), pushed.err.constData());
    QVERIFY2(pushed.err.contains("pre-receive hook declined"), pushed.err.constData());
}

void tst_SquadctlGit::tokenFromTheEnvironmentOnlyForTheProfilesHost()
{
    const QByteArray token = "sqtokcli" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QString served = m_tmp->filePath(u"served"_s);
    QVERIFY(QDir().mkpath(served));
    QVERIFY(!makeRemote(served + u"/app.git"_s).isEmpty());
    squad::test::GitHttpServer server(served, "x-access-token", token);
    const QString url = server.repoUrl(u"app.git"_s);
    const QString id = createSandbox();
    QVERIFY(!id.isEmpty());
    const QMap<QString, QString> withToken{{u"GITHUB_TOKEN"_s, QString::fromLatin1(token)}};

    // The default profile's GitHub is github.com: the token is not sent to this host.
    const Outcome elsewhere = squadctl({u"git"_s, u"clone"_s, id, url}, {}, withToken);
    QCOMPARE(elsewhere.exitCode, 1);
    QVERIFY2(elsewhere.err.contains("no GitHub token"), elsewhere.err.constData());

    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"loopback"_s, u"--github-api-url"_s,
                       server.origin() + u"/api/v3"_s})
                 .exitCode,
             0);
    const QStringList profile{u"--profile"_s, u"loopback"_s};
    const Outcome anonymous = squadctl(profile + QStringList{u"git"_s, u"clone"_s, id, url});
    QCOMPARE(anonymous.exitCode, 1);
    QVERIFY2(anonymous.err.contains("no GitHub token"), anonymous.err.constData());

    const Outcome cloned
        = squadctl(profile + QStringList{u"git"_s, u"clone"_s, id, url, u"--json"_s}, {}, withToken);
    QCOMPARE(cloned.exitCode, 0);
    QCOMPARE(squadctl({u"sandboxes"_s, u"exec"_s, id, u"--cwd"_s, u"repos/app"_s, u"--"_s,
                       u"sh"_s, u"-c"_s, u"echo z > z.txt"_s})
                 .exitCode,
             0);
    const Outcome committed
        = squadctl(profile + QStringList{u"git"_s, u"commit"_s, id, u"repos/app"_s, u"-m"_s,
                                         u"feat: z"_s, u"--author-name"_s, u"A"_s,
                                         u"--author-email"_s, u"a@example.com"_s});
    QCOMPARE(committed.exitCode, 0);
    const Outcome pushed
        = squadctl(profile + QStringList{u"git"_s, u"push"_s, id, u"repos/app"_s}, {}, withToken);
    QCOMPARE(pushed.exitCode, 0);
    QCOMPARE(git(served + u"/app.git"_s, {u"rev-parse"_s, u"main"_s}),
             QString::fromUtf8(committed.out).trimmed());
    QVERIFY(server.served() > 0);

    // Nowhere to be found: what squadctl printed, the audit log, the sandbox's files (its
    // clone's config among them) and the database file.
    const QList<QByteArray> forms{token, QByteArray("x-access-token:" + token).toBase64()};
    QByteArray everything = cloned.out + cloned.err + pushed.out + pushed.err + committed.out
                            + committed.err;
    const Outcome audit = squadctl({u"audit"_s, u"list"_s, u"--json"_s});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY(audit.out.contains("git.push"));
    everything += audit.out;
    QDirIterator files(m_tmp->filePath(u"data"_s), QDir::Files | QDir::Hidden,
                       QDirIterator::Subdirectories);
    int count = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly)) {
            everything += file.readAll();
            ++count;
        }
    }
    QVERIFY(count > 10);
    QVERIFY(everything.contains(QByteArray("url = " + url.toUtf8())));
    for (const QByteArray &form : forms)
        QVERIFY2(!everything.contains(form), form.constData());
}

QTEST_GUILESS_MAIN(tst_SquadctlGit)
#include "tst_squadctlgit.moc"
