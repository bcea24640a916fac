// SPDX-License-Identifier: MIT
#include "core/ids.h"
#include "local/localprovider.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

constexpr int RunTimeoutMs = 30000;

// A run owned by the test, with everything it reported.
struct Recorder
{
    QByteArray out;
    QByteArray err;
    int chunks = 0;
    int finishes = 0;
    std::unique_ptr<CommandRun> run; // last: destroyed first, while the fields above live

    bool waitFinished(int timeoutMs = RunTimeoutMs) const
    {
        return QTest::qWaitFor([this] { return finishes > 0; }, timeoutMs);
    }
};

std::unique_ptr<Recorder> record(CommandRun *run)
{
    auto recorder = std::make_unique<Recorder>();
    Recorder *r = recorder.get();
    r->run.reset(run);
    QObject::connect(run, &CommandRun::output, run,
                     [r](CommandRun::Channel channel, const QByteArray &data) {
                         (channel == CommandRun::Channel::Stdout ? r->out : r->err) += data;
                         ++r->chunks;
                     });
    QObject::connect(run, &CommandRun::finished, run, [r] { ++r->finishes; });
    return recorder;
}

template<class T>
Result<T> await(const QFuture<Result<T>> &future)
{
    if (!test::waitFor(future))
        return fail(ErrorCode::Timeout, u"the provider's future did not finish in time"_s);
    return future.result();
}

CommandSpec shell(const QString &line)
{
    CommandSpec spec;
    spec.argv = QStringList{u"sh"_s, u"-c"_s, line};
    return spec;
}

// Alive means able to run: an orphan that died stays a zombie until its new parent reaps it,
// and the init of a container may never do so.
bool processAlive(qint64 pid)
{
#ifdef Q_OS_UNIX
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        return false;
#ifdef Q_OS_LINUX
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray data = stat.readAll();
    const qsizetype close = data.lastIndexOf(')');
    if (close < 0 || close + 2 >= data.size())
        return false;
    const char state = data.at(close + 2);
    return state != 'Z' && state != 'X';
#else
    return true;
#endif
#else
    Q_UNUSED(pid)
    return false;
#endif
}

QList<qint64> pidsIn(const QByteArray &output)
{
    QList<qint64> pids;
    const QList<QByteArray> words = output.simplified().split(' ');
    for (const QByteArray &word : words) {
        if (const qint64 pid = word.toLongLong(); pid > 0)
            pids.append(pid);
    }
    return pids;
}

} // namespace

class tst_LocalProvider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createLaysOutFolder();
    void createRefusesInvalidIds_data();
    void createRefusesInvalidIds();
    void createRefusesExistingId();
    void otherCallsRefuseInvalidIds();
    void getAndListScanFolders();
    void terminateRemovesFolder();
    void terminateRemovesReadOnlyFolders();
    void terminateUnknownIsNotFound();

    void streamsOutputBeforeFinish();
    void separatesChannels();
    void exitCodes_data();
    void exitCodes();
    void startFailures_data();
    void startFailures();
    void runInUnknownSandbox();
    void timeoutKillsGroup_data();
    void timeoutKillsGroup();
    void cancelKillsGroup();
    void destroyingRunKillsGroup();
    void workingDirectory_data();
    void workingDirectory();
    void missingWorkingDirectory();
    void refusesWorkingDirectoryEscapes_data();
    void refusesWorkingDirectoryEscapes();
    void environmentIsAllowListed();
    void refusesBadEnvironment_data();
    void refusesBadEnvironment();
    void terminateKillsRunningCommands();
    void terminateKillsStrayProcesses();

    void fileRoundTrip();
    void fileErrors();
    void refusesFileEscapes_data();
    void refusesFileEscapes();

private:
    QString newSandbox();
    // Links inside the home that lead out, for the escape tests.
    bool plantLinks(const QString &home);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QTemporaryDir> m_outside;
    std::unique_ptr<LocalProvider> m_provider;
    QString m_root;
};

void tst_LocalProvider::initTestCase()
{
    qputenv("SQUAD_TEST_SECRET", "must-not-reach-a-sandbox");
}

void tst_LocalProvider::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_outside = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    QVERIFY(m_outside->isValid());
    m_root = m_dir->filePath(u"sandboxes"_s);
    m_provider = std::make_unique<LocalProvider>(m_root);
}

void tst_LocalProvider::cleanup()
{
    m_provider.reset();
    m_outside.reset();
    m_dir.reset();
}

QString tst_LocalProvider::newSandbox()
{
    SandboxSpec spec;
    spec.id = newId();
    spec.templateId = u"base"_s;
    const Result<ProviderSandbox> created = await(m_provider->create(spec));
    return created ? created->providerId : QString();
}

bool tst_LocalProvider::plantLinks(const QString &home)
{
    QFile secret(m_outside->filePath(u"secret.txt"_s));
    if (!secret.open(QIODevice::WriteOnly) || secret.write("outside") != 7)
        return false;
    secret.close();
    return QFile::link(m_outside->path(), home + u"/outside-link"_s)
           && QFile::link(secret.fileName(), home + u"/outside-file-link"_s)
           && QFile::link(m_outside->filePath(u"new.txt"_s), home + u"/dangling-link"_s);
}

void tst_LocalProvider::createLaysOutFolder()
{
    QVERIFY(QFileInfo(m_root).isDir()); // the constructor creates the root
    QCOMPARE(m_provider->name(), u"local"_s);

    SandboxSpec spec;
    spec.id = newId();
    spec.templateId = u"python-3.12"_s;
    const Result<ProviderSandbox> created = await(m_provider->create(spec));
    QVERIFY_RESULT(created);
    QCOMPARE(created->providerId, spec.id);
    QCOMPARE(created->templateId, spec.templateId);
    QCOMPARE(created->cpuCount, QThread::idealThreadCount());
    QVERIFY(created->running);
#ifdef Q_OS_LINUX
    QVERIFY(created->memoryMb > 0);
#endif

    const QString dir = m_provider->sandboxPath(spec.id);
    QCOMPARE(QFileInfo(dir).canonicalFilePath(),
             QFileInfo(m_root + u'/' + spec.id).canonicalFilePath());
    QCOMPARE(m_provider->homePath(spec.id), QString(dir + u"/home"_s));
    QVERIFY(QFileInfo(dir + u"/home"_s).isDir());
    QVERIFY(QFileInfo(dir + u"/tmp"_s).isDir());
    QFile metadata(dir + u"/.squad/sandbox.json"_s);
    QVERIFY(metadata.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(metadata.readAll()).object();
    QCOMPARE(json.value(u"templateId"_s).toString(), spec.templateId);
    QVERIFY(!json.value(u"createdAt"_s).toString().isEmpty());
}

void tst_LocalProvider::createRefusesInvalidIds_data()
{
    QTest::addColumn<QString>("id");
    const QString uuid = newId();
    QTest::newRow("empty") << QString();
    QTest::newRow("word") << u"sandbox"_s;
    QTest::newRow("parent") << u"../escape"_s;
    QTest::newRow("uuid-sized traversal") << u"../"_s.repeated(12);
    QTest::newRow("braces") << u'{' + uuid + u'}';
    QTest::newRow("slash") << uuid.left(35) + u'/';
    QTest::newRow("trailing path") << uuid + u"/x"_s;
    QTest::newRow("spaces") << u' ' + uuid;
}

void tst_LocalProvider::createRefusesInvalidIds()
{
    QFETCH(QString, id);
    SandboxSpec spec;
    spec.id = id;
    QVERIFY_ERROR(await(m_provider->create(spec)), ErrorCode::InvalidArgument);
    QVERIFY(QDir(m_root).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden));
    QVERIFY(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
            == QStringList{u"sandboxes"_s});
}

void tst_LocalProvider::createRefusesExistingId()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY_RESULT(await(m_provider->writeFile(id, u"keep.txt"_s, "kept")));
    SandboxSpec spec;
    spec.id = id;
    QVERIFY_ERROR(await(m_provider->create(spec)), ErrorCode::Conflict);
    // The existing sandbox is untouched.
    QVERIFY(QFileInfo::exists(m_provider->homePath(id) + u"/keep.txt"_s));
}

void tst_LocalProvider::otherCallsRefuseInvalidIds()
{
    const QString bad = u"../../etc"_s;
    QVERIFY_ERROR(await(m_provider->get(bad)), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->terminate(bad)), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->readFile(bad, u"x"_s)), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->writeFile(bad, u"x"_s, "x")), ErrorCode::InvalidArgument);
    const auto r = record(m_provider->run(bad, shell(u"true"_s), nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::InvalidArgument);
    QVERIFY(m_provider->sandboxPath(bad).isEmpty());
    QVERIFY(m_provider->homePath(bad).isEmpty());
}

void tst_LocalProvider::getAndListScanFolders()
{
    const QString first = newSandbox();
    const QString second = newSandbox();
    QVERIFY(!first.isEmpty() && !second.isEmpty());
    // Neither is a sandbox: a folder not named by a UUID, and a file.
    QVERIFY(QDir(m_root).mkdir(u"notes"_s));
    QFile stray(m_root + u'/' + newId());
    QVERIFY(stray.open(QIODevice::WriteOnly));
    stray.close();

    const Result<ProviderSandbox> got = await(m_provider->get(first));
    QVERIFY_RESULT(got);
    QCOMPARE(got->providerId, first);
    QCOMPARE(got->templateId, u"base"_s);
    QCOMPARE(got->cpuCount, QThread::idealThreadCount());
    QVERIFY(got->running);

    const Result<QList<ProviderSandbox>> listed = await(m_provider->list());
    QVERIFY_RESULT(listed);
    QSet<QString> ids;
    for (const ProviderSandbox &sandbox : *listed) {
        ids.insert(sandbox.providerId);
        QCOMPARE(sandbox.templateId, u"base"_s);
    }
    QCOMPARE(ids, (QSet<QString>{first, second}));
    QCOMPARE(listed->size(), 2);

    QVERIFY_ERROR(await(m_provider->get(newId())), ErrorCode::NotFound);
}

void tst_LocalProvider::terminateRemovesFolder()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY_RESULT(await(m_provider->writeFile(id, u"deep/down/file.txt"_s, "data")));
    QVERIFY(QFile::link(m_outside->path(), m_provider->homePath(id) + u"/outside-link"_s));
    QFile kept(m_outside->filePath(u"kept.txt"_s));
    QVERIFY(kept.open(QIODevice::WriteOnly));
    kept.close();

    const QFuture<Result<void>> terminated = m_provider->terminate(id);
    // Nothing new may start in it: Conflict while it goes away, NotFound once it is gone (on
    // a fast pool the removal can be over before terminate() returns).
    const auto late = record(m_provider->run(id, shell(u"echo ran"_s), nullptr));
    QVERIFY(late->waitFinished());
    QVERIFY(!late->run->result());
    const ErrorCode lateCode = late->run->result().error().code();
    QVERIFY2(lateCode == ErrorCode::Conflict || lateCode == ErrorCode::NotFound,
             qPrintable(late->run->result().error().toString()));
    QVERIFY(late->out.isEmpty());

    QVERIFY_RESULT(await(terminated));
    QVERIFY(!QFileInfo::exists(m_provider->sandboxPath(id)));
    QVERIFY(QFileInfo::exists(kept.fileName())); // links were not followed
    QVERIFY_ERROR(await(m_provider->get(id)), ErrorCode::NotFound);
    const Result<QList<ProviderSandbox>> listed = await(m_provider->list());
    QVERIFY_RESULT(listed);
    QVERIFY(listed->isEmpty());
    QVERIFY_ERROR(await(m_provider->terminate(id)), ErrorCode::NotFound);
}

void tst_LocalProvider::terminateRemovesReadOnlyFolders()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY_RESULT(await(m_provider->writeFile(id, u"cache/mod/file.go"_s, "package x")));
    const QString readOnly = m_provider->homePath(id) + u"/cache/mod"_s;
    QVERIFY(QFile::setPermissions(readOnly, QFile::ReadOwner | QFile::ExeOwner));
    QVERIFY_RESULT(await(m_provider->terminate(id)));
    QVERIFY(!QFileInfo::exists(m_provider->sandboxPath(id)));
}

void tst_LocalProvider::terminateUnknownIsNotFound()
{
    const Result<void> result = await(m_provider->terminate(newId()));
    QVERIFY_ERROR(result, ErrorCode::NotFound);
}

void tst_LocalProvider::streamsOutputBeforeFinish()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    // The command cannot go on before the test has seen its first line: no timing involved.
    const auto r = record(m_provider->run(
        id, shell(u"echo one; while [ ! -e go ]; do sleep 0.02; done; echo two"_s), nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(r->out.contains("one\n"), RunTimeoutMs);
    QVERIFY(!r->run->isFinished());
    QCOMPARE(r->finishes, 0);
    QVERIFY(!r->out.contains("two"));

    QFile go(m_provider->homePath(id) + u"/go"_s);
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());
    QCOMPARE(r->run->result()->exitCode, 0);
    QCOMPARE(r->out, QByteArray("one\ntwo\n"));
    QVERIFY(r->chunks >= 2);
    QCOMPARE(r->finishes, 1);
}

void tst_LocalProvider::separatesChannels()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const auto r = record(
        m_provider->run(id, shell(u"echo to-out; echo to-err >&2; echo more-out"_s), nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());
    QCOMPARE(r->out, QByteArray("to-out\nmore-out\n"));
    QCOMPARE(r->err, QByteArray("to-err\n"));
}

void tst_LocalProvider::exitCodes_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("success") << u"exit 0"_s << 0;
    QTest::newRow("failure") << u"exit 3"_s << 3;
    QTest::newRow("SIGKILL") << u"kill -9 $$"_s << 128 + 9;
    QTest::newRow("SIGTERM") << u"kill -15 $$"_s << 128 + 15;
}

void tst_LocalProvider::exitCodes()
{
    QFETCH(QString, line);
    QFETCH(int, exitCode);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const auto r = record(m_provider->run(id, shell(line), nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());
    QCOMPARE(r->run->result()->exitCode, exitCode);
    QVERIFY(!r->run->result()->timedOut);
    QCOMPARE(r->finishes, 1);
}

void tst_LocalProvider::startFailures_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<ErrorCode>("code");
    QTest::newRow("not on PATH") << u"squad-no-such-command-5f0c"_s << ErrorCode::NotFound;
    QTest::newRow("no such path") << u"./no-such-script"_s << ErrorCode::NotFound;
    QTest::newRow("not executable") << u"./data.txt"_s << ErrorCode::Unavailable;
}

void tst_LocalProvider::startFailures()
{
    QFETCH(QString, program);
    QFETCH(ErrorCode, code);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY_RESULT(await(m_provider->writeFile(id, u"data.txt"_s, "not a program")));

    CommandSpec spec;
    spec.argv = QStringList{program};
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), code);
    if (code == ErrorCode::NotFound) {
        QVERIFY2(r->run->result().error().message().startsWith(
                     QString(u"command not found: "_s + program)),
                 qPrintable(r->run->result().error().message()));
    }
    QCOMPARE(r->finishes, 1);
}

void tst_LocalProvider::runInUnknownSandbox()
{
    const auto r = record(m_provider->run(newId(), shell(u"true"_s), nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::NotFound);
}

void tst_LocalProvider::timeoutKillsGroup_data()
{
    QTest::addColumn<QString>("line");
    QTest::newRow("obeys SIGTERM") << u"sleep 60 & echo $!; wait"_s;
    // Ignored signals stay ignored across fork and exec: the sleep ignores it too.
    QTest::newRow("ignores SIGTERM") << u"trap '' TERM; sleep 60 & echo $!; wait"_s;
}

void tst_LocalProvider::timeoutKillsGroup()
{
    QFETCH(QString, line);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    CommandSpec spec = shell(line);
    // Long enough for the shell to report its child on a loaded machine.
    spec.timeoutMs = 3000;
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());
    QCOMPARE(r->run->result()->exitCode, 124);
    QVERIFY(r->run->result()->timedOut);
    const QList<qint64> pids = pidsIn(r->out);
    QCOMPARE(pids.size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pids.constFirst()), 10000);
    QCOMPARE(r->finishes, 1);
}

void tst_LocalProvider::cancelKillsGroup()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const auto r = record(m_provider->run(id, shell(u"sleep 60 & echo $$ $!; wait"_s), nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(r->out.contains('\n'), RunTimeoutMs);
    const QList<qint64> pids = pidsIn(r->out);
    QCOMPARE(pids.size(), 2);
    QVERIFY(processAlive(pids.at(1)));

    r->run->cancel();
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::Cancelled);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pids.at(0)) && !processAlive(pids.at(1)), 10000);
    r->run->cancel(); // a second cancel changes nothing
    QCOMPARE(r->finishes, 1);
}

void tst_LocalProvider::destroyingRunKillsGroup()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const auto r = record(m_provider->run(id, shell(u"sleep 60 & echo $$ $!; wait"_s), nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(r->out.contains('\n'), RunTimeoutMs);
    const QList<qint64> pids = pidsIn(r->out);
    QCOMPARE(pids.size(), 2);
    r->run.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pids.at(0)) && !processAlive(pids.at(1)), 10000);
}

void tst_LocalProvider::workingDirectory_data()
{
    QTest::addColumn<QString>("workingDirectory");
    QTest::addColumn<QString>("expected"); // relative to the home
    QTest::newRow("home") << QString() << QString();
    QTest::newRow("dot") << u"."_s << QString();
    QTest::newRow("nested") << u"sub/dir"_s << u"/sub/dir"_s;
    QTest::newRow("back and forth") << u"sub/../sub/dir/"_s << u"/sub/dir"_s;
    QTest::newRow("link inside") << u"inner-link"_s << u"/sub/dir"_s;
}

void tst_LocalProvider::workingDirectory()
{
    QFETCH(QString, workingDirectory);
    QFETCH(QString, expected);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const QString home = m_provider->homePath(id);
    QVERIFY(QDir(home).mkpath(u"sub/dir"_s));
    QVERIFY(QFile::link(home + u"/sub/dir"_s, home + u"/inner-link"_s));

    CommandSpec spec;
    spec.argv = QStringList{u"pwd"_s, u"-P"_s};
    spec.workingDirectory = workingDirectory;
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());
    QCOMPARE(QString::fromLocal8Bit(r->out.trimmed()), QString(home + expected));
}

void tst_LocalProvider::missingWorkingDirectory()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    CommandSpec spec = shell(u"true"_s);
    spec.workingDirectory = u"no/such/dir"_s;
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::NotFound);
}

void tst_LocalProvider::refusesWorkingDirectoryEscapes_data()
{
    QTest::addColumn<QString>("workingDirectory");
    QTest::newRow("parent") << u".."_s;
    QTest::newRow("sandbox tmp") << u"../tmp"_s;
    QTest::newRow("nested parent") << u"a/../../.."_s;
    QTest::newRow("absolute") << u"/tmp"_s;
    QTest::newRow("link out") << u"outside-link"_s;
    QTest::newRow("below link out") << u"outside-link/."_s;
    QTest::newRow("link to a file out") << u"outside-file-link"_s;
    QTest::newRow("dangling link") << u"dangling-link"_s;
}

void tst_LocalProvider::refusesWorkingDirectoryEscapes()
{
    QFETCH(QString, workingDirectory);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const QString home = m_provider->homePath(id);
    QVERIFY(plantLinks(home));

    const QString marker = u"marker-"_s + newId();
    CommandSpec spec;
    spec.argv = QStringList{u"touch"_s, marker};
    spec.workingDirectory = workingDirectory;
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::PermissionDenied);
    QVERIFY2(r->run->result().error().message().contains(workingDirectory),
             qPrintable(r->run->result().error().message()));
    QVERIFY(r->out.isEmpty() && r->err.isEmpty());
    for (const QString &dir : {home, m_provider->sandboxPath(id), m_root, m_outside->path(),
                               u"/tmp"_s, QDir::currentPath()}) {
        QVERIFY2(!QFileInfo::exists(dir + u'/' + marker), qPrintable(dir));
    }
}

void tst_LocalProvider::environmentIsAllowListed()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    CommandSpec spec;
    spec.argv = QStringList{u"env"_s};
    spec.environment.insert(u"SQUAD_EXTRA"_s, u"passed through"_s);
    spec.environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_RESULT(r->run->result());

    QMap<QString, QString> env;
    const QList<QByteArray> lines = r->out.split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            env.insert(QString::fromUtf8(line.left(equals)),
                       QString::fromUtf8(line.mid(equals + 1)));
    }
    QCOMPARE(env.value(u"HOME"_s), m_provider->homePath(id));
    const QString tmp = m_provider->sandboxPath(id) + u"/tmp"_s;
    QCOMPARE(env.value(u"TMPDIR"_s), tmp);
    QCOMPARE(env.value(u"TMP"_s), tmp);
    QCOMPARE(env.value(u"TEMP"_s), tmp);
    QCOMPARE(env.value(u"SQUAD_SANDBOX_ID"_s), id);
    QCOMPARE(env.value(u"SQUAD_EXTRA"_s), u"passed through"_s);
    QCOMPARE(env.value(u"LANG"_s), u"C.UTF-8"_s);
    QVERIFY(!env.value(u"USER"_s).isEmpty());
    QCOMPARE(env.value(u"LOGNAME"_s), env.value(u"USER"_s));
    QCOMPARE(env.value(u"PATH"_s), qEnvironmentVariable("PATH"));
    QVERIFY(!env.contains(u"SQUAD_TEST_SECRET"_s));

    const QSet<QString> allowed{u"PATH"_s,       u"LANG"_s, u"LANGUAGE"_s, u"TERM"_s,
                                u"TZ"_s,         u"HOME"_s, u"TMPDIR"_s,   u"TMP"_s,
                                u"TEMP"_s,       u"USER"_s, u"LOGNAME"_s,  u"SQUAD_SANDBOX_ID"_s,
                                u"SQUAD_EXTRA"_s};
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        QVERIFY2(allowed.contains(it.key()) || it.key().startsWith("LC_"_L1), qPrintable(it.key()));
}

void tst_LocalProvider::refusesBadEnvironment_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("empty name") << QString() << u"x"_s;
    QTest::newRow("leading digit") << u"1BAD"_s << u"x"_s;
    QTest::newRow("dash") << u"BAD-NAME"_s << u"x"_s;
    QTest::newRow("equals") << u"A=B"_s << u"x"_s;
    QTest::newRow("sandbox id") << u"SQUAD_SANDBOX_ID"_s << newId();
    QTest::newRow("NUL in value") << u"GOOD"_s << u"a\0b"_s;
}

void tst_LocalProvider::refusesBadEnvironment()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const QString marker = m_provider->homePath(id) + u"/ran"_s;
    CommandSpec spec = shell(u"touch ran"_s);
    spec.environment.insert(name, value);
    const auto r = record(m_provider->run(id, spec, nullptr));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::InvalidArgument);
    QVERIFY(!QFileInfo::exists(marker));
}

void tst_LocalProvider::terminateKillsRunningCommands()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const auto r = record(m_provider->run(id, shell(u"sleep 60 & echo $$ $!; wait"_s), nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(r->out.contains('\n'), RunTimeoutMs);
    const QList<qint64> pids = pidsIn(r->out);
    QCOMPARE(pids.size(), 2);

    QVERIFY_RESULT(await(m_provider->terminate(id)));
    QVERIFY(!QFileInfo::exists(m_provider->sandboxPath(id)));
    QVERIFY(r->waitFinished());
    QVERIFY_ERROR(r->run->result(), ErrorCode::Cancelled);
    QTRY_VERIFY_WITH_TIMEOUT(!processAlive(pids.at(0)) && !processAlive(pids.at(1)), 10000);
}

void tst_LocalProvider::terminateKillsStrayProcesses()
{
#ifndef Q_OS_LINUX
    QSKIP("Finding stray processes by their environment needs /proc");
#else
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    const QString other = newSandbox();
    QVERIFY(!other.isEmpty());

    // Started by someone else (another squadctl), in a process group of its own making.
    const auto startStray = [](QProcess &process, const QString &sandboxId) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"SQUAD_SANDBOX_ID"_s, sandboxId);
        process.setProcessEnvironment(env);
        process.setChildProcessModifier([] { ::setsid(); });
        // No exec after the word: while a process execs, its /proc environment can read as
        // empty, and the test would race the scan rather than test it.
        process.start(u"sh"_s, QStringList{u"-c"_s, u"echo ready; sleep 60; :"_s});
    };
    QProcess stray;
    QProcess bystander;
    startStray(stray, id);
    startStray(bystander, other);
    // The environment is only visible in /proc once the program runs: wait for its word.
    QTRY_VERIFY_WITH_TIMEOUT(stray.bytesAvailable() > 0 && bystander.bytesAvailable() > 0,
                             RunTimeoutMs);

    QVERIFY_RESULT(await(m_provider->terminate(id)));
    QTRY_COMPARE_WITH_TIMEOUT(stray.state(), QProcess::NotRunning, 10000);
    QCOMPARE(stray.exitStatus(), QProcess::CrashExit);
    // Another sandbox's process is left alone.
    QCOMPARE(bystander.state(), QProcess::Running);
    QVERIFY_RESULT(await(m_provider->terminate(other)));
    QTRY_COMPARE_WITH_TIMEOUT(bystander.state(), QProcess::NotRunning, 10000);
#endif
}

void tst_LocalProvider::fileRoundTrip()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QByteArray data("first line\n");
    data.append('\0');
    data.append("\xff binary");
    QVERIFY_RESULT(await(m_provider->writeFile(id, u"src/pkg/file.bin"_s, data)));
    QFile onDisk(m_provider->homePath(id) + u"/src/pkg/file.bin"_s);
    QVERIFY(onDisk.open(QIODevice::ReadOnly));
    QCOMPARE(onDisk.readAll(), data);
    onDisk.close();

    Result<QByteArray> read = await(m_provider->readFile(id, u"src/pkg/file.bin"_s));
    QVERIFY_RESULT(read);
    QCOMPARE(*read, data);

    QVERIFY_RESULT(await(m_provider->writeFile(id, u"src/pkg/file.bin"_s, "replaced")));
    read = await(m_provider->readFile(id, u"./src/../src/pkg/file.bin"_s));
    QVERIFY_RESULT(read);
    QCOMPARE(*read, QByteArray("replaced"));

    // A link that stays inside the home is fine.
    QVERIFY(QFile::link(m_provider->homePath(id) + u"/src"_s,
                        m_provider->homePath(id) + u"/src-link"_s));
    read = await(m_provider->readFile(id, u"src-link/pkg/file.bin"_s));
    QVERIFY_RESULT(read);
    QCOMPARE(*read, QByteArray("replaced"));
}

void tst_LocalProvider::fileErrors()
{
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY_ERROR(await(m_provider->readFile(id, u"missing.txt"_s)), ErrorCode::NotFound);
    QVERIFY(QDir(m_provider->homePath(id)).mkdir(u"folder"_s));
    QVERIFY_ERROR(await(m_provider->readFile(id, u"folder"_s)), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->writeFile(id, u"folder"_s, "x")), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->writeFile(id, QString(), "x")), ErrorCode::InvalidArgument);
    QVERIFY_ERROR(await(m_provider->readFile(newId(), u"x"_s)), ErrorCode::NotFound);
    QVERIFY_ERROR(await(m_provider->writeFile(newId(), u"x"_s, "x")), ErrorCode::NotFound);
}

void tst_LocalProvider::refusesFileEscapes_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("parent") << u"../escaped.txt"_s;
    QTest::newRow("metadata") << u"../.squad/sandbox.json"_s;
    QTest::newRow("far parent") << u"../../../escaped.txt"_s;
    QTest::newRow("nested parent") << u"a/b/../../../escaped.txt"_s;
    QTest::newRow("absolute") << u"/etc/hostname"_s;
    QTest::newRow("through link out") << u"outside-link/secret.txt"_s;
    QTest::newRow("new file through link out") << u"outside-link/new.txt"_s;
    QTest::newRow("link to a file out") << u"outside-file-link"_s;
    QTest::newRow("dangling link") << u"dangling-link"_s;
}

void tst_LocalProvider::refusesFileEscapes()
{
    QFETCH(QString, path);
    const QString id = newSandbox();
    QVERIFY(!id.isEmpty());
    QVERIFY(plantLinks(m_provider->homePath(id)));
    const QByteArray metadata = [&] {
        QFile file(m_provider->sandboxPath(id) + u"/.squad/sandbox.json"_s);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();

    QVERIFY_ERROR(await(m_provider->readFile(id, path)), ErrorCode::PermissionDenied);
    const Result<void> written = await(m_provider->writeFile(id, path, "overwritten"));
    QVERIFY_ERROR(written, ErrorCode::PermissionDenied);
    QVERIFY2(written.error().message().contains(path), qPrintable(written.error().message()));

    // Nothing outside the home changed.
    QCOMPARE(QDir(m_outside->path()).entryList(QDir::Files), QStringList{u"secret.txt"_s});
    QFile secret(m_outside->filePath(u"secret.txt"_s));
    QVERIFY(secret.open(QIODevice::ReadOnly));
    QCOMPARE(secret.readAll(), QByteArray("outside"));
    QFile stored(m_provider->sandboxPath(id) + u"/.squad/sandbox.json"_s);
    QVERIFY(stored.open(QIODevice::ReadOnly));
    QCOMPARE(stored.readAll(), metadata);
    QVERIFY(!QFileInfo::exists(m_provider->sandboxPath(id) + u"/escaped.txt"_s));
    QVERIFY(!QFileInfo::exists(m_root + u"/escaped.txt"_s));
}

QTEST_GUILESS_MAIN(tst_LocalProvider)
#include "tst_localprovider.moc"
