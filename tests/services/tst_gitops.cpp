// SPDX-License-Identifier: MIT
// GitOps on real repositories in local-provider sandboxes: a local bare repository, or one
// served over git's smart HTTP by git-http-backend on loopback (which insists on the token), as
// the remote. A `git` shim first in PATH records every command line the sandbox ran, and
// GIT_TRACE records the ones git started itself.
#include "testsupport.h"

#include "console/consolecore.h"
#include "e2b/e2bendpoint.h"
#include "fakee2b.h"
#include "git/gitops.h"
#include "githttpserver.h"
#include "loopbackhttpserver.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"
#include "store/database.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;

namespace {

// Every message Qt logs during a test, to prove none of them carries the token.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages << message;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

class tst_GitOps : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void cloneFromALocalBareRepository();
    void cloneAgainFetchesAndPulls();
    void cloneAgainOfAnotherUrlIsAConflict();
    void severalRepositoriesPerSandbox();
    void branchIsCreatedThenCheckedOut();
    void branchFromABaseOnlyOriginHas();
    void nothingToCommitIsAResult();
    void commitStagesEverythingWithTheProfileAuthor();
    void commitMessageReachesGitVerbatim();
    void pushSetsTheUpstream();
    void pushRejectedAsNotAFastForward();
    void pushRejectedByAHookQuotesTheRemote();
    void refusedInputRunsNothing_data();
    void refusedInputRunsNothing();
    void localPathsOnlyForLocalSandboxes();
    void originRewrittenInTheSandboxIsRefused();
    void stoppedSandboxRunsNothing();
    void tokenReachesGitOnlyThroughTheEnvironment();

private:
    // git on the test's side, straight to /usr/bin/git (not through the shim).
    QString git(const QString &dir, const QStringList &args, int *exitCode = nullptr);
    QString makeRemote(const QString &path, const QString &firstFile = u"README.md"_s);
    QString commitInWork(const QString &remote, const QString &branch, const QString &file,
                         const QString &content);
    QString home() const;
    QString inSandbox(const QString &relative) const { return home() + u'/' + relative; }
    void writeFile(const QString &path, const QByteArray &data);
    QByteArray shimLog() const;
    QList<AuditEntry> audit(const QString &action) const;

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<ConsoleCore> m_core;
    std::unique_ptr<GitOps> m_ops;
    SandboxRecord m_sandbox;
    QString m_remote;
    QString m_shimLog;
    QString m_traceLog;
    QByteArray m_originalPath;
    QTemporaryDir m_shimDir;
};

void tst_GitOps::initTestCase()
{
    QVERIFY2(QFile::exists(u"/usr/bin/git"_s), "git is needed: apt-get install git");
    QVERIFY(m_shimDir.isValid());
    m_shimLog = m_shimDir.filePath(u"argv.log"_s);
    m_traceLog = m_shimDir.filePath(u"trace.log"_s);
    // The sandbox's environment is an allow-list (PATH passes, GIT_TRACE does not), so the
    // shim turns tracing on itself: every process git starts is then recorded with its argv.
    QFile shim(m_shimDir.filePath(u"git"_s));
    QVERIFY(shim.open(QIODevice::WriteOnly));
    shim.write("#!/bin/sh\n"
               "printf '%s\\n' \"git $*\" >> '" + m_shimLog.toUtf8() + "'\n"
               "GIT_TRACE='" + m_traceLog.toUtf8() + "' exec /usr/bin/git \"$@\"\n");
    shim.close();
    QVERIFY(shim.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    m_originalPath = qgetenv("PATH");
    qputenv("PATH", m_shimDir.path().toUtf8() + ':' + m_originalPath);
    g_previousHandler = qInstallMessageHandler(recordMessage);
}

void tst_GitOps::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
    qputenv("PATH", m_originalPath);
}

void tst_GitOps::init()
{
    QFile::remove(m_shimLog);
    QFile::remove(m_traceLog);
    g_messages.clear();
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    QDir(m_tmp->path()).mkpath(u"testhome"_s);
    auto core = ConsoleCore::open(squad::test::scratchOptions(m_tmp->filePath(u"squad.db"_s),
                                                              m_tmp->filePath(u"data"_s)));
    QVERIFY_RESULT(core);
    m_core = std::move(*core);
    m_ops = std::make_unique<GitOps>(m_core->database(), m_core->sandboxes());
    m_ops->setIdentity({u"Ada Lovelace"_s, u"ada@example.com"_s});
    CreateSandboxRequest request;
    request.provider = u"local"_s;
    auto created = await(m_core->sandboxes().create(request));
    QVERIFY_RESULT(created);
    m_sandbox = *created;
    m_remote = makeRemote(m_tmp->filePath(u"remote.git"_s));
    QVERIFY(!m_remote.isEmpty());
    // Making the fixtures ran git directly; from here on the shim counts the sandbox's commands.
    QFile::remove(m_shimLog);
}

void tst_GitOps::cleanup()
{
    m_ops.reset();
    m_core.reset();
    m_tmp.reset();
}

QString tst_GitOps::git(const QString &dir, const QStringList &args, int *exitCode)
{
    QProcess process;
    QProcessEnvironment env;
    env.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    env.insert(u"HOME"_s, m_tmp->filePath(u"testhome"_s));
    env.insert(u"LC_ALL"_s, u"C"_s);
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"GIT_AUTHOR_NAME"_s, u"Fixture"_s);
    env.insert(u"GIT_AUTHOR_EMAIL"_s, u"fixture@example.com"_s);
    env.insert(u"GIT_COMMITTER_NAME"_s, u"Fixture"_s);
    env.insert(u"GIT_COMMITTER_EMAIL"_s, u"fixture@example.com"_s);
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(dir);
    process.start(u"/usr/bin/git"_s, args);
    process.waitForFinished(60000);
    if (exitCode)
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    else if (process.exitCode() != 0)
        qWarning("fixture git %s failed: %s", qPrintable(args.join(u' ')),
                 process.readAllStandardError().constData());
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

// A bare repository on main with one commit; returns its path.
QString tst_GitOps::makeRemote(const QString &path, const QString &firstFile)
{
    int code = 0;
    git(m_tmp->path(), {u"init"_s, u"-q"_s, u"--bare"_s, u"-b"_s, u"main"_s, path}, &code);
    if (code != 0)
        return {};
    commitInWork(path, u"main"_s, firstFile, u"hello\n"_s);
    return path;
}

// Commits `file` on `branch` of `remote` from a work clone of the test's own, and pushes it.
QString tst_GitOps::commitInWork(const QString &remote, const QString &branch, const QString &file,
                                 const QString &content)
{
    const QString work
        = m_tmp->filePath(u"work-"_s + QString::number(QRandomGenerator::global()->generate()));
    git(m_tmp->path(), {u"clone"_s, u"-q"_s, remote, work});
    int code = 0;
    git(work, {u"rev-parse"_s, u"-q"_s, u"--verify"_s, u"refs/remotes/origin/"_s + branch}, &code);
    if (code == 0)
        git(work, {u"switch"_s, u"-q"_s, branch});
    else
        git(work, {u"switch"_s, u"-q"_s, u"--orphan"_s, branch}, &code);
    QFile out(work + u'/' + file);
    out.open(QIODevice::WriteOnly);
    out.write(content.toUtf8());
    out.close();
    git(work, {u"add"_s, u"-A"_s});
    git(work, {u"commit"_s, u"-q"_s, u"-m"_s, u"chore: "_s + file});
    git(work, {u"push"_s, u"-q"_s, u"origin"_s, u"HEAD:refs/heads/"_s + branch});
    const QString sha = git(work, {u"rev-parse"_s, u"HEAD"_s});
    QDir(work).removeRecursively();
    return sha;
}

QString tst_GitOps::home() const
{
    return m_core->dataDir() + u"/sandboxes/"_s + m_sandbox.providerId + u"/home"_s;
}

void tst_GitOps::writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
}

QByteArray tst_GitOps::shimLog() const
{
    QFile file(m_shimLog);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QList<AuditEntry> tst_GitOps::audit(const QString &action) const
{
    QList<AuditEntry> matching;
    auto entries = AuditLog(m_core->database()).list({m_sandbox.id, 0});
    if (!entries)
        return matching;
    for (const AuditEntry &entry : *entries) {
        if (entry.action == action)
            matching << entry;
    }
    return matching;
}

void tst_GitOps::cloneFromALocalBareRepository()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    QCOMPARE(cloned->folder, u"repos/remote"_s);
    QCOMPARE(cloned->remoteUrl, m_remote);
    QCOMPARE(cloned->branch, u"main"_s);
    QCOMPARE(cloned->sha, git(m_remote, {u"rev-parse"_s, u"main"_s}));
    QVERIFY(!cloned->updated);
    QVERIFY(QFile::exists(inSandbox(u"repos/remote/README.md"_s)));
    QVERIFY(cloned->log.contains(u"$ git clone -- "_s + m_remote));
    // Through the sandbox: audited per command and per operation.
    QVERIFY(shimLog().contains(QByteArray("git clone -- " + m_remote.toUtf8() + " repos/remote")));
    QVERIFY(!audit(u"sandbox.exec"_s).isEmpty());
    const QList<AuditEntry> rows = audit(u"git.clone"_s);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().outcome, u"ok"_s);
    QVERIFY(rows.first().detail.contains(u"repos/remote"_s));
}

void tst_GitOps::cloneAgainFetchesAndPulls()
{
    QVERIFY_RESULT(await(m_ops->clone(m_sandbox.id, m_remote)));
    const QString newer = commitInWork(m_remote, u"main"_s, u"NEWS.md"_s, u"news\n"_s);

    auto again = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(again);
    QVERIFY(again->updated);
    QVERIFY(again->pulled);
    QCOMPARE(again->sha, newer);
    QVERIFY(QFile::exists(inSandbox(u"repos/remote/NEWS.md"_s)));
    QCOMPARE(shimLog().count("git clone --"), 1);
    QVERIFY(shimLog().contains("git fetch --prune origin"));

    // A branch of its own (never pushed) has no upstream: fetched, nothing to pull.
    QVERIFY_RESULT(await(m_ops->branch(m_sandbox.id, u"repos/remote"_s, u"local-only"_s)));
    auto third = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(third);
    QVERIFY(third->updated);
    QVERIFY(!third->pulled);
    QCOMPARE(third->branch, u"local-only"_s);
}

void tst_GitOps::cloneAgainOfAnotherUrlIsAConflict()
{
    QVERIFY_RESULT(await(m_ops->clone(m_sandbox.id, m_remote, u"repos/app"_s)));
    const QString other = makeRemote(m_tmp->filePath(u"other.git"_s));
    auto again = await(m_ops->clone(m_sandbox.id, other, u"repos/app"_s));
    QVERIFY_ERROR(again, ErrorCode::Conflict);
    QVERIFY2(again.error().message().contains(u"already holds a clone of"_s),
             qPrintable(again.error().message()));
    QVERIFY(!shimLog().contains("fetch"));
    const QList<AuditEntry> rows = audit(u"git.clone"_s);
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows.first().outcome, u"failed"_s);  // newest first

    // A folder that is not a clone is not overwritten either.
    writeFile(inSandbox(u"repos/plain/notes.txt"_s), "mine\n");
    auto intoPlain = await(m_ops->clone(m_sandbox.id, m_remote, u"repos/plain"_s));
    QVERIFY_ERROR(intoPlain, ErrorCode::Conflict);
    QVERIFY2(intoPlain.error().message().contains(u"already exists"_s),
             qPrintable(intoPlain.error().message()));
}

void tst_GitOps::severalRepositoriesPerSandbox()
{
    const QString other = makeRemote(m_tmp->filePath(u"tools.git"_s), u"TOOLS.md"_s);
    auto first = await(m_ops->clone(m_sandbox.id, m_remote));
    auto second = await(m_ops->clone(m_sandbox.id, other));
    auto third = await(m_ops->clone(m_sandbox.id, other, u"vendor/tools"_s));
    QVERIFY_RESULT(first);
    QVERIFY_RESULT(second);
    QVERIFY_RESULT(third);
    QCOMPARE(second->folder, u"repos/tools"_s);
    QVERIFY(QFile::exists(inSandbox(u"repos/remote/README.md"_s)));
    QVERIFY(QFile::exists(inSandbox(u"repos/tools/TOOLS.md"_s)));
    QVERIFY(QFile::exists(inSandbox(u"vendor/tools/TOOLS.md"_s)));
}

void tst_GitOps::branchIsCreatedThenCheckedOut()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    const QString folder = cloned->folder;

    auto created = await(m_ops->branch(m_sandbox.id, folder, u"feature/x"_s, u"main"_s));
    QVERIFY_RESULT(created);
    QVERIFY(created->created);
    QCOMPARE(created->sha, cloned->sha);
    QCOMPARE(git(inSandbox(folder), {u"symbolic-ref"_s, u"--short"_s, u"HEAD"_s}), u"feature/x"_s);
    // --no-track: the new branch does not push to its base.
    int code = 0;
    git(inSandbox(folder), {u"rev-parse"_s, u"--abbrev-ref"_s, u"feature/x@{upstream}"_s}, &code);
    QVERIFY(code != 0);

    writeFile(inSandbox(folder + u"/feature.txt"_s), "x\n");
    auto committed = await(m_ops->commit(m_sandbox.id, folder, u"feat: x"_s));
    QVERIFY_RESULT(committed);

    auto main = await(m_ops->branch(m_sandbox.id, folder, u"main"_s));
    QVERIFY_RESULT(main);
    QVERIFY(!main->created);
    QCOMPARE(main->sha, cloned->sha);
    QVERIFY(!QFile::exists(inSandbox(folder + u"/feature.txt"_s)));

    // Existing: checked out as it is, the base ignored.
    auto again = await(m_ops->branch(m_sandbox.id, folder, u"feature/x"_s, u"main"_s));
    QVERIFY_RESULT(again);
    QVERIFY(!again->created);
    QCOMPARE(again->sha, committed->sha);
    QCOMPARE(git(inSandbox(folder), {u"symbolic-ref"_s, u"--short"_s, u"HEAD"_s}), u"feature/x"_s);
    QCOMPARE(audit(u"git.branch"_s).size(), 3);
}

void tst_GitOps::branchFromABaseOnlyOriginHas()
{
    const QString develop = commitInWork(m_remote, u"develop"_s, u"DEV.md"_s, u"dev\n"_s);
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    auto topic = await(m_ops->branch(m_sandbox.id, cloned->folder, u"topic"_s, u"develop"_s));
    QVERIFY_RESULT(topic);
    QVERIFY(topic->created);
    QCOMPARE(topic->sha, develop);

    auto missing = await(m_ops->branch(m_sandbox.id, cloned->folder, u"other"_s, u"nope"_s));
    QVERIFY_ERROR(missing, ErrorCode::NotFound);
    QVERIFY(missing.error().message().contains(u"\"nope\""_s));
}

void tst_GitOps::nothingToCommitIsAResult()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    auto outcome = await(m_ops->commit(m_sandbox.id, cloned->folder, u"chore: nothing"_s));
    QVERIFY_RESULT(outcome);
    QVERIFY(!outcome->committed);
    QCOMPARE(outcome->sha, cloned->sha);
    QCOMPARE(outcome->branch, u"main"_s);
    QVERIFY(!shimLog().contains("git commit"));
    const QList<AuditEntry> rows = audit(u"git.commit"_s);
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.first().detail.contains(u"nothing to commit"_s));
}

void tst_GitOps::commitStagesEverythingWithTheProfileAuthor()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    const QString repo = inSandbox(cloned->folder);
    writeFile(repo + u"/src/new.txt"_s, "new\n");
    writeFile(repo + u"/README.md"_s, "changed\n");
    commitInWork(m_remote, u"main"_s, u"GONE.md"_s, u"x\n"_s);
    QVERIFY_RESULT(await(m_ops->clone(m_sandbox.id, m_remote)));  // pulls GONE.md
    QVERIFY(QFile::remove(repo + u"/GONE.md"_s));

    const QString message = u"feat(core): add new.txt\n\nA body line.\n\nRefs #1"_s;
    auto outcome = await(m_ops->commit(m_sandbox.id, cloned->folder, message));
    QVERIFY_RESULT(outcome);
    QVERIFY(outcome->committed);
    QCOMPARE(outcome->branch, u"main"_s);
    QCOMPARE(outcome->sha, git(repo, {u"rev-parse"_s, u"HEAD"_s}));
    QCOMPARE(git(repo, {u"log"_s, u"-1"_s, u"--format=%B"_s}), message);
    QCOMPARE(git(repo, {u"log"_s, u"-1"_s, u"--format=%an <%ae> / %cn <%ce>"_s}),
             u"Ada Lovelace <ada@example.com> / Ada Lovelace <ada@example.com>"_s);
    QCOMPARE(git(repo, {u"status"_s, u"--porcelain"_s}), QString());
    QCOMPARE(git(repo, {u"show"_s, u"--name-status"_s, u"--format="_s, u"HEAD"_s}),
             u"D\tGONE.md\nM\tREADME.md\nA\tsrc/new.txt"_s);
}

void tst_GitOps::commitMessageReachesGitVerbatim()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    const QString repo = inSandbox(cloned->folder);
    writeFile(repo + u"/a.txt"_s, "a\n");
    // Everything a shell or printf would act on, were the message ever on a command line.
    const QString message
        = u"fix(sh): keep $HOME `id` $(id) \"q\" 'q' %s %n \\n ; | & * -- -m x\n\n"
          "# not a comment to strip\n-F body line"_s;
    auto outcome = await(m_ops->commit(m_sandbox.id, cloned->folder, message));
    QVERIFY_RESULT(outcome);
    QCOMPARE(git(repo, {u"log"_s, u"-1"_s, u"--format=%B"_s}), message);
    const QByteArray argv = shimLog();
    QVERIFY(argv.contains("git commit --quiet --cleanup=whitespace -F -"));
    QVERIFY(!argv.contains("keep $HOME"));
    for (const AuditEntry &row : audit(u"sandbox.exec"_s))
        QVERIFY2(!row.detail.contains(u"keep $HOME"_s), qPrintable(row.detail));
}

void tst_GitOps::pushSetsTheUpstream()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    const QString repo = inSandbox(cloned->folder);
    QVERIFY_RESULT(await(m_ops->branch(m_sandbox.id, cloned->folder, u"feature/push"_s)));
    writeFile(repo + u"/f.txt"_s, "f\n");
    auto committed = await(m_ops->commit(m_sandbox.id, cloned->folder, u"feat: f"_s));
    QVERIFY_RESULT(committed);

    auto pushed = await(m_ops->push(m_sandbox.id, cloned->folder));
    QVERIFY_RESULT(pushed);
    QCOMPARE(pushed->branch, u"feature/push"_s);
    QCOMPARE(pushed->sha, committed->sha);
    QCOMPARE(pushed->remoteUrl, m_remote);
    QCOMPARE(pushed->upstream, u"origin/feature/push"_s);
    QVERIFY(!pushed->upToDate);
    QCOMPARE(git(m_remote, {u"rev-parse"_s, u"refs/heads/feature/push"_s}), committed->sha);
    QCOMPARE(git(repo, {u"rev-parse"_s, u"--abbrev-ref"_s, u"feature/push@{upstream}"_s}),
             u"origin/feature/push"_s);

    auto again = await(m_ops->push(m_sandbox.id, cloned->folder, u"feature/push"_s));
    QVERIFY_RESULT(again);
    QVERIFY(again->upToDate);

    auto missing = await(m_ops->push(m_sandbox.id, cloned->folder, u"no-such-branch"_s));
    QVERIFY_ERROR(missing, ErrorCode::NotFound);
    const QList<AuditEntry> rows = audit(u"git.push"_s);
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.at(0).outcome, u"failed"_s);
    QCOMPARE(rows.at(2).outcome, u"ok"_s);
}

void tst_GitOps::pushRejectedAsNotAFastForward()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    const QString theirs = commitInWork(m_remote, u"main"_s, u"THEIRS.md"_s, u"theirs\n"_s);
    writeFile(inSandbox(cloned->folder + u"/ours.txt"_s), "ours\n");
    QVERIFY_RESULT(await(m_ops->commit(m_sandbox.id, cloned->folder, u"feat: ours"_s)));

    auto pushed = await(m_ops->push(m_sandbox.id, cloned->folder));
    QVERIFY_ERROR(pushed, ErrorCode::Conflict);
    const QString message = pushed.error().message();
    QVERIFY2(message.contains(u"rejected the push of main"_s), qPrintable(message));
    QVERIFY2(message.contains(u"fetch first"_s) || message.contains(u"non-fast-forward"_s),
             qPrintable(message));
    QCOMPARE(git(m_remote, {u"rev-parse"_s, u"main"_s}), theirs);

    // Pulling it then fails as the branches diverged, in words that say so.
    auto pulled = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_ERROR(pulled, ErrorCode::Conflict);
    QVERIFY2(pulled.error().message().contains(u"diverged"_s),
             qPrintable(pulled.error().message()));
}

void tst_GitOps::pushRejectedByAHookQuotesTheRemote()
{
    const QString hook = m_remote + u"/hooks/pre-receive"_s;
    writeFile(hook, "#!/bin/sh\n"
                    "echo 'GH006: Protected branch update failed for refs/heads/main.' >&2\n"
                    "echo 'Changes must be made through a pull request.' >&2\n"
                    "exit 1\n");
    QVERIFY(QFile::setPermissions(hook, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    writeFile(inSandbox(cloned->folder + u"/x.txt"_s), "x\n");
    QVERIFY_RESULT(await(m_ops->commit(m_sandbox.id, cloned->folder, u"fix: x"_s)));

    auto pushed = await(m_ops->push(m_sandbox.id, cloned->folder));
    QVERIFY_ERROR(pushed, ErrorCode::PermissionDenied);
    const QString message = pushed.error().message();
    QVERIFY2(message.contains(u"pre-receive hook declined"_s), qPrintable(message));
    QVERIFY2(message.contains(u"GH006: Protected branch update failed for refs/heads/main."_s),
             qPrintable(message));
    QVERIFY2(message.contains(u"Changes must be made through a pull request."_s),
             qPrintable(message));
    const QList<AuditEntry> rows = audit(u"git.push"_s);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().outcome, u"failed"_s);
    QVERIFY(rows.first().detail.contains(u"GH006"_s));
}

void tst_GitOps::refusedInputRunsNothing_data()
{
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QStringList>("arguments");
    const auto row = [](const char *name, const QString &operation, const QStringList &arguments) {
        QTest::newRow(name) << operation << arguments;
    };
    row("clone ext", u"clone"_s, {u"ext::sh -c 'touch /tmp/pwned'"_s, {}});
    row("clone ext no space", u"clone"_s, {u"ext::sh"_s, {}});
    row("clone fd", u"clone"_s, {u"fd::7"_s, {}});
    row("clone option", u"clone"_s, {u"--upload-pack=touch"_s, {}});
    row("clone credentials", u"clone"_s, {u"https://me:secret@github.com/o/r"_s, {}});
    row("clone token user", u"clone"_s, {u"https://ghp_0123456789abcdef@github.com/o/r"_s, {}});
    row("clone git scheme", u"clone"_s, {u"git://github.com/o/r"_s, {}});
    row("clone http internet", u"clone"_s, {u"http://github.com/o/r"_s, {}});
    row("clone control", u"clone"_s, {u"https://github.com/o/r\u0007"_s, {}});
    row("clone relative path", u"clone"_s, {u"remote.git"_s, {}});
    row("clone folder escapes", u"clone"_s, {u"https://github.com/o/r"_s, u"../../x"_s});
    row("clone folder absolute", u"clone"_s, {u"https://github.com/o/r"_s, u"/tmp/x"_s});
    row("clone folder option", u"clone"_s, {u"https://github.com/o/r"_s, u"-x"_s});
    row("branch option", u"branch"_s, {u"repos/remote"_s, u"-D"_s, {}});
    row("branch dotdot", u"branch"_s, {u"repos/remote"_s, u"a..b"_s, {}});
    row("branch lock", u"branch"_s, {u"repos/remote"_s, u"x.lock"_s, {}});
    row("branch space", u"branch"_s, {u"repos/remote"_s, u"a b"_s, {}});
    row("branch at brace", u"branch"_s, {u"repos/remote"_s, u"x@{1}"_s, {}});
    row("branch base option", u"branch"_s, {u"repos/remote"_s, u"ok"_s, u"--orphan"_s});
    row("branch folder", u"branch"_s, {u"../x"_s, u"ok"_s, {}});
    row("commit not conventional", u"commit"_s, {u"repos/remote"_s, u"update stuff"_s});
    row("commit empty subject", u"commit"_s, {u"repos/remote"_s, u"feat: "_s});
    row("commit unknown type", u"commit"_s, {u"repos/remote"_s, u"feature: x"_s});
    row("commit control", u"commit"_s, {u"repos/remote"_s, u"fix: a\u001b[2J"_s});
    row("commit folder", u"commit"_s, {u"/etc"_s, u"fix: a"_s});
    row("push option", u"push"_s, {u"repos/remote"_s, u"--force"_s});
    row("push refspec", u"push"_s, {u"repos/remote"_s, u"main:other"_s});
    row("push folder", u"push"_s, {u".."_s, u"main"_s});
}

void tst_GitOps::refusedInputRunsNothing()
{
    QFETCH(QString, operation);
    QFETCH(QStringList, arguments);
    const int execsBefore = int(audit(u"sandbox.exec"_s).size());
    auto before = m_core->sandboxes().get(m_sandbox.id);
    QVERIFY_RESULT(before);
    Result<void> outcome;
    const auto keep = [&outcome](const auto &result) {
        if (!result)
            outcome = tl::unexpected(result.error());
    };
    if (operation == u"clone")
        keep(await(m_ops->clone(m_sandbox.id, arguments.at(0), arguments.at(1))));
    else if (operation == u"branch")
        keep(await(m_ops->branch(m_sandbox.id, arguments.at(0), arguments.at(1), arguments.at(2))));
    else if (operation == u"commit")
        keep(await(m_ops->commit(m_sandbox.id, arguments.at(0), arguments.at(1))));
    else
        keep(await(m_ops->push(m_sandbox.id, arguments.at(0), arguments.at(1))));
    QVERIFY_ERROR(outcome, ErrorCode::InvalidArgument);
    QVERIFY(!outcome.error().message().isEmpty());
    QVERIFY2(!outcome.error().toString().contains(u"secret"_s)
                 && !outcome.error().toString().contains(u"ghp_0123456789abcdef"_s),
             qPrintable(outcome.error().toString()));
    // Nothing ran: no command reached the sandbox (the shim saw none, none was audited) and no
    // operation was recorded.
    QVERIFY2(!QFile::exists(m_shimLog), shimLog().constData());
    QCOMPARE(int(audit(u"sandbox.exec"_s).size()), execsBefore);
    QCOMPARE(audit(u"git."_s + operation).size(), 0);
    auto row = m_core->sandboxes().get(m_sandbox.id);
    QVERIFY_RESULT(row);
    QCOMPARE(row->lastUsedAt, before->lastUsedAt);
}

void tst_GitOps::localPathsOnlyForLocalSandboxes()
{
    squad::test::LoopbackHttpServer server;
    squad::test::FakeE2b e2b(server, u"e2b_fake_key_0123456789"_s);
    const QString url = server.url().toString();
    QVERIFY_RESULT(m_core->enableE2b({{}, url, url}, u"e2b_fake_key_0123456789"_s));
    CreateSandboxRequest request;
    request.provider = u"e2b"_s;
    auto remoteSandbox = await(m_core->sandboxes().create(request));
    QVERIFY_RESULT(remoteSandbox);
    server.clearRequests();

    auto cloned = await(m_ops->clone(remoteSandbox->id, m_remote));
    QVERIFY_ERROR(cloned, ErrorCode::InvalidArgument);
    QVERIFY2(cloned.error().message().contains(u"only a remote for local sandboxes"_s),
             qPrintable(cloned.error().message()));
    QCOMPARE(server.requestCount(), 0);  // envd was never asked to run anything

    // The same path is a remote for the local sandbox.
    QVERIFY_RESULT(await(m_ops->clone(m_sandbox.id, m_remote)));
}

void tst_GitOps::originRewrittenInTheSandboxIsRefused()
{
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_RESULT(cloned);
    // Whoever works in the sandbox can change the clone's config.
    git(inSandbox(cloned->folder), {u"remote"_s, u"set-url"_s, u"origin"_s,
                                    u"ext::sh -c touch% /tmp/squad-pwned"_s});
    QFile::remove(m_shimLog);
    auto pushed = await(m_ops->push(m_sandbox.id, cloned->folder));
    QVERIFY_ERROR(pushed, ErrorCode::Conflict);
    QVERIFY2(pushed.error().message().contains(u"not a remote this console pushes to"_s),
             qPrintable(pushed.error().message()));
    QVERIFY(!shimLog().contains("git push"));
}

void tst_GitOps::stoppedSandboxRunsNothing()
{
    QVERIFY_RESULT(await(m_core->sandboxes().terminate(m_sandbox.id)));
    auto cloned = await(m_ops->clone(m_sandbox.id, m_remote));
    QVERIFY_ERROR(cloned, ErrorCode::Conflict);
    QVERIFY2(cloned.error().message().contains(u"not running"_s),
             qPrintable(cloned.error().message()));
    QVERIFY(!QFile::exists(m_shimLog));
    auto unknown = await(m_ops->clone(u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s, m_remote));
    QVERIFY_ERROR(unknown, ErrorCode::NotFound);
}

void tst_GitOps::tokenReachesGitOnlyThroughTheEnvironment()
{
    // Not shaped like any known token, so no pattern-based masking could hide it: only keeping
    // it out of everything does.
    QByteArray token = "sqtok";
    for (int i = 0; i < 32; ++i)
        token += "abcdefghijklmnopqrstuvwxyz0123456789"[QRandomGenerator::global()->bounded(36)];
    const QByteArray basic = QByteArray("x-access-token:" + token).toBase64();
    const QList<QByteArray> forms{token, basic, token.toBase64()};

    const QString served = m_tmp->filePath(u"served"_s);
    QVERIFY(QDir().mkpath(served));
    QVERIFY(!makeRemote(served + u"/app.git"_s).isEmpty());
    squad::test::GitHttpServer server(served, "x-access-token", token);
    QVERIFY(server.isListening());
    const QString url = server.repoUrl(u"app.git"_s);

    // Without the token, and with a wrong one, the server refuses: it really insists.
    auto anonymous = await(m_ops->clone(m_sandbox.id, url, u"repos/anonymous"_s));
    QVERIFY_ERROR(anonymous, ErrorCode::Unauthenticated);
    QVERIFY2(anonymous.error().message().contains(u"no GitHub token"_s),
             qPrintable(anonymous.error().message()));
    m_ops->setCredential({server.origin(), u"sqtokwrongwrongwrong"_s});
    auto wrong = await(m_ops->clone(m_sandbox.id, url, u"repos/wrong"_s));
    QVERIFY_ERROR(wrong, ErrorCode::Unauthenticated);
    QVERIFY2(wrong.error().message().contains(u"refused the GitHub token"_s),
             qPrintable(wrong.error().message()));
    // A token for another origin is not sent here.
    m_ops->setCredential({u"https://github.com"_s, QString::fromLatin1(token)});
    auto elsewhere = await(m_ops->clone(m_sandbox.id, url, u"repos/elsewhere"_s));
    QVERIFY_ERROR(elsewhere, ErrorCode::Unauthenticated);
    const int refusedBefore = server.refused();
    QVERIFY(refusedBefore >= 3);
    for (const QByteArray &seen : server.authorizations())
        QVERIFY(seen.isEmpty() || !seen.contains(basic));

    m_ops->setCredential({server.origin(), QString::fromLatin1(token)});
    auto cloned = await(m_ops->clone(m_sandbox.id, url));
    QVERIFY_RESULT(cloned);
    QCOMPARE(cloned->folder, u"repos/app"_s);
    QCOMPARE(cloned->remoteUrl, url);
    writeFile(inSandbox(u"repos/app/change.txt"_s), "change\n");
    auto committed = await(m_ops->commit(m_sandbox.id, cloned->folder, u"feat: change"_s));
    QVERIFY_RESULT(committed);
    QVERIFY_RESULT(await(m_ops->branch(m_sandbox.id, cloned->folder, u"feature/secure"_s)));
    auto pushed = await(m_ops->push(m_sandbox.id, cloned->folder));
    QVERIFY_RESULT(pushed);
    auto refetched = await(m_ops->clone(m_sandbox.id, url));
    QVERIFY_RESULT(refetched);
    QVERIFY(refetched->updated);
    QCOMPARE(git(served + u"/app.git"_s, {u"rev-parse"_s, u"refs/heads/feature/secure"_s}),
             committed->sha);

    // The header reached the server on every request after the refusals, with this token.
    QVERIFY(server.served() >= 6);  // clone, push and fetch: two or more requests each
    QCOMPARE(server.refused(), refusedBefore);
    const QList<QByteArray> seen = server.authorizations().mid(refusedBefore);
    QCOMPARE(seen.size(), server.served());
    for (const QByteArray &header : seen)
        QCOMPARE(header, "Basic " + basic);

    // Now look for it everywhere it must not be.
    QStringList places;
    const auto search = [&](const QString &where, const QByteArray &data) {
        for (const QByteArray &form : forms) {
            if (data.contains(form))
                places << where;
        }
    };
    const QByteArray argv = shimLog();
    QFile traceFile(m_traceLog);
    QVERIFY(traceFile.open(QIODevice::ReadOnly));
    const QByteArray trace = traceFile.readAll();
    // The records are real: the shim saw the commands, the trace the helpers git started.
    QVERIFY(argv.contains(QByteArray(" clone -- " + url.toUtf8() + " repos/app")));
    QVERIFY(argv.contains(" push --porcelain -u origin"));
    QVERIFY(trace.contains("remote-http"));
    search(u"command lines (shim)"_s, argv);
    search(u"command lines (GIT_TRACE)"_s, trace);

    const QString clonedConfig = inSandbox(u"repos/app/.git/config"_s);
    QFile config(clonedConfig);
    QVERIFY(config.open(QIODevice::ReadOnly));
    const QByteArray configText = config.readAll();
    QVERIFY(configText.contains(QByteArray("url = " + url.toUtf8())));
    QVERIFY(!configText.contains("extraheader"));
    QVERIFY(!configText.contains("Authorization"));

    // Every file of the sandbox (home, tmp, metadata), of the remote and of the data folder,
    // the database and its write-ahead log included.
    for (const QString &root : {m_core->dataDir(), served, m_tmp->filePath(u"squad.db"_s)}) {
        if (QFileInfo(root).isFile()) {
            QFile file(root);
            QVERIFY(file.open(QIODevice::ReadOnly));
            search(root, file.readAll());
            continue;
        }
        QDirIterator files(root, QDir::Files | QDir::Hidden | QDir::System,
                           QDirIterator::Subdirectories);
        int count = 0;
        while (files.hasNext()) {
            QFile file(files.next());
            if (file.open(QIODevice::ReadOnly)) {
                search(file.fileName(), file.readAll());
                ++count;
            }
        }
        QVERIFY(count > 0);
    }
    for (const QString &suffix : {u"-wal"_s, u"-shm"_s}) {
        QFile file(m_tmp->filePath(u"squad.db"_s + suffix));
        if (file.open(QIODevice::ReadOnly))
            search(file.fileName(), file.readAll());
    }
    // Every row of every table, as text.
    auto tables = m_core->database().exec(
        u"SELECT name FROM sqlite_master WHERE type = 'table'"_s);
    QVERIFY_RESULT(tables);
    QByteArray dump;
    while (tables->next()) {
        const QString table = tables->value(0).toString();
        auto rows = m_core->database().exec(u"SELECT * FROM \"%1\""_s.arg(table));
        QVERIFY_RESULT(rows);
        while (rows->next()) {
            for (int i = 0; i < rows->record().count(); ++i)
                dump += table.toUtf8() + ':' + rows->value(i).toString().toUtf8() + '\n';
        }
    }
    QVERIFY(dump.contains("git.push"));
    QVERIFY(dump.contains("sandbox.exec"));
    search(u"database rows"_s, dump);

    // What GitOps handed back: logs, messages and details of the refusals too.
    for (const QString &log : {cloned->log, committed->log, pushed->log, refetched->log})
        search(u"an outcome's log"_s, log.toUtf8());
    QVERIFY(pushed->log.contains(u" push --porcelain -u origin"_s));
    for (const auto *failed : {&anonymous, &wrong, &elsewhere})
        search(u"an error"_s, failed->error().toString().toUtf8());
    search(u"Qt log messages"_s, g_messages.join(u'\n').toUtf8());

    QVERIFY2(places.isEmpty(), qPrintable(u"the token was found in: "_s + places.join(u", "_s)));
}

QTEST_GUILESS_MAIN(tst_GitOps)
#include "tst_gitops.moc"
