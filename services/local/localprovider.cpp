// SPDX-License-Identifier: MIT
#include "localprovider.h"

#include "core/futures.h"
#include "core/platform.h"
#include "core/timestamp.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/types.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int KillGraceMs = 500;     // between SIGTERM and SIGKILL when stopping a command
constexpr int TimeoutExitCode = 124; // what timeout(1) reports
constexpr int ProcessExitWaitMs = 5000;

QString metadataPath(const QString &sandboxDir)
{
    return sandboxDir + u"/.squad/sandbox.json"_s;
}

// Only the canonical text of a UUID ever names a folder, so no '/', '..' or other surprise
// can reach a path through an id.
Result<QString> checkProviderId(const QString &providerId)
{
    const QString lower = providerId.toLower();
    if (providerId.size() != 36
        || QUuid::fromString(providerId).toString(QUuid::WithoutBraces) != lower) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid local sandbox id: expected a UUID such as "
                    "0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s.arg(providerId.left(64)));
    }
    return lower;
}

// A sandbox folder is a real folder; a link in its place is never followed (removing through it
// would delete whatever it points to).
bool isSandboxFolder(const QString &sandboxDir)
{
    const QFileInfo info(sandboxDir);
    return info.isDir() && !info.isSymLink();
}

Error sandboxNotFound(const QString &providerId, const QString &sandboxDir)
{
    return Error(ErrorCode::NotFound,
                 u"There is no local sandbox %1: its folder %2 does not exist (it may have been "
                 "terminated already)"_s.arg(providerId, sandboxDir));
}

Result<QString> existingHome(const QString &sandboxDir, const QString &providerId)
{
    if (!isSandboxFolder(sandboxDir))
        return fail(sandboxNotFound(providerId, sandboxDir));
    const QString home = sandboxDir + u"/home"_s;
    if (!QFileInfo(home).isDir()) {
        return fail(ErrorCode::NotFound,
                    u"Local sandbox %1 has no home folder %2: it is damaged; terminate it and "
                    "create a new one"_s.arg(providerId, home));
    }
    return home;
}

// Resolves `relative` against the sandbox's `home` (built from the canonical root, links not
// resolved) and returns the path to operate on, with every link of its existing part resolved,
// so that what the kernel opens later is what was checked here. Refuses anything that ends up
// outside the home: absolute paths, '..' escapes, links leading out, links to nothing (a write
// through those would land wherever they point once created).
Result<QString> resolveInHome(const QString &home, const QString &relative, const QString &what)
{
    const auto refuse = [&](const QString &why) {
        return fail(ErrorCode::PermissionDenied,
                    u"Refused the %1 \"%2\": %3. Give a path relative to the sandbox's home %4 "
                    "that stays inside it"_s.arg(what, relative, why, home));
    };
    if (QDir::isAbsolutePath(relative))
        return refuse(u"it is an absolute path"_s);
    const QString cleaned = QDir::cleanPath(relative);
    if (cleaned == ".."_L1 || cleaned.startsWith("../"_L1))
        return refuse(u"'..' leads out of the sandbox's home"_s);

    QString existing = home;
    if (!cleaned.isEmpty() && cleaned != "."_L1)
        existing += u'/' + cleaned;
    QString missing;
    for (;;) {
        const QFileInfo info(existing);
        if (info.exists() || info.isSymLink())
            break;
        if (existing.size() <= home.size())
            return fail(ErrorCode::NotFound, u"The sandbox's home %1 is missing"_s.arg(home));
        const qsizetype slash = existing.lastIndexOf(u'/');
        missing.prepend(existing.mid(slash));
        existing.truncate(slash);
    }
    const QString canonical = QFileInfo(existing).canonicalFilePath();
    if (canonical.isEmpty())
        return refuse(u"%1 is a link to nothing"_s.arg(existing));
    const QString homePrefix = home + u'/';
    if (canonical != home && !canonical.startsWith(homePrefix))
        return refuse(u"it resolves to %1, outside the sandbox"_s.arg(canonical));
    return canonical + missing;
}

int physicalMemoryMb()
{
#ifdef Q_OS_LINUX
    static const int mb = [] {
        QFile file(u"/proc/meminfo"_s);
        if (!file.open(QIODevice::ReadOnly))
            return 0;
        // "MemTotal:       16314928 kB"
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (const QByteArray &line : lines) {
            if (!line.startsWith("MemTotal:"))
                continue;
            const QList<QByteArray> fields = line.simplified().split(' ');
            const qint64 kib = fields.size() >= 2 ? fields.at(1).toLongLong() : 0;
            return static_cast<int>(kib / 1024);
        }
        return 0;
    }();
    return mb;
#else
    return 0;
#endif
}

ProviderSandbox describe(const QString &providerId, const QString &templateId)
{
    ProviderSandbox sandbox;
    sandbox.providerId = providerId;
    sandbox.templateId = templateId;
    sandbox.cpuCount = QThread::idealThreadCount();
    sandbox.memoryMb = physicalMemoryMb();
    sandbox.running = true;
    return sandbox;
}

Result<void> populateSandbox(const QString &sandboxDir, const QString &providerId,
                             const QString &templateId)
{
    // The temp dir and whatever the agent keeps in its home are nobody else's business.
    QFile::setPermissions(sandboxDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QDir dir(sandboxDir);
    for (const QString &sub : {u"home"_s, u"tmp"_s, u".squad"_s}) {
        if (!dir.mkdir(sub)) {
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot create the folder %1/%2: check the permissions of the "
                        "sandboxes folder"_s.arg(sandboxDir, sub));
        }
    }
    const QJsonObject metadata{
        {u"providerId"_s, providerId},
        {u"templateId"_s, templateId},
        {u"createdAt"_s, formatTimestamp(nowUtc())},
    };
    QSaveFile file(metadataPath(sandboxDir));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(metadata).toJson()) < 0
        || !file.commit()) {
        return fail(ErrorCode::PermissionDenied,
                    u"Cannot write %1: check the permissions and free space of the sandboxes "
                    "folder"_s.arg(file.fileName()),
                    file.errorString());
    }
    return {};
}

Result<ProviderSandbox> readSandbox(const QString &sandboxDir, const QString &providerId)
{
    if (!isSandboxFolder(sandboxDir))
        return fail(sandboxNotFound(providerId, sandboxDir));
    // A folder without readable metadata is still a sandbox (half-created, or damaged by
    // hand): listing it lets the operator see and terminate it.
    QString templateId;
    QFile file(metadataPath(sandboxDir));
    if (file.open(QIODevice::ReadOnly)) {
        const QJsonObject metadata = QJsonDocument::fromJson(file.readAll()).object();
        templateId = metadata.value(u"templateId"_s).toString();
    }
    return describe(providerId, templateId);
}

bool isValidVariableName(const QString &name)
{
    if (name.isEmpty())
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t c = name.at(i).unicode();
        const bool letter = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || c == u'_';
        const bool digit = c >= u'0' && c <= u'9';
        if (!letter && !(digit && i > 0))
            return false;
    }
    return true;
}

bool isInheritedVariable(const QString &name)
{
    static const QStringList names{u"PATH"_s, u"LANG"_s, u"LANGUAGE"_s, u"TERM"_s, u"TZ"_s};
#ifdef Q_OS_WIN
    // Without these, Windows programs cannot even load their DLLs.
    static const QStringList windowsNames{u"SYSTEMROOT"_s, u"WINDIR"_s, u"COMSPEC"_s, u"PATHEXT"_s};
    if (windowsNames.contains(name, Qt::CaseInsensitive))
        return true;
#endif
    return names.contains(name) || name.startsWith("LC_"_L1);
}

// Built from nothing rather than by removing from the parent's environment, so that tokens the
// console holds (GITHUB_TOKEN, E2B_API_KEY, whatever the desktop session exports) never leak.
Result<QProcessEnvironment> commandEnvironment(const QString &providerId, const QString &sandboxDir,
                                               const QMap<QString, QString> &extra)
{
    QProcessEnvironment env;
    const QProcessEnvironment parent = QProcessEnvironment::systemEnvironment();
    const QStringList parentNames = parent.keys();
    for (const QString &name : parentNames) {
        if (isInheritedVariable(name))
            env.insert(name, parent.value(name));
    }
    if (!env.contains(u"PATH"_s))
        env.insert(u"PATH"_s, u"/usr/local/bin:/usr/bin:/bin"_s);
    const QString tmp = sandboxDir + u"/tmp"_s;
    env.insert(u"HOME"_s, sandboxDir + u"/home"_s);
    env.insert(u"TMPDIR"_s, tmp);
    env.insert(u"TMP"_s, tmp);
    env.insert(u"TEMP"_s, tmp);
    env.insert(u"USER"_s, osUserName());
    env.insert(u"LOGNAME"_s, osUserName());
    env.insert(u"SQUAD_SANDBOX_ID"_s, providerId);

    for (auto it = extra.cbegin(); it != extra.cend(); ++it) {
        if (!isValidVariableName(it.key())) {
            return fail(ErrorCode::InvalidArgument,
                        u"\"%1\" is not a valid environment variable name: use letters, digits "
                        "and '_', not starting with a digit"_s.arg(it.key().left(64)));
        }
        // terminate() finds stray processes of the sandbox by this variable.
        if (it.key() == "SQUAD_SANDBOX_ID"_L1) {
            return fail(ErrorCode::InvalidArgument,
                        u"SQUAD_SANDBOX_ID is set by the local provider and cannot be "
                        "overridden: remove it from the command's environment"_s);
        }
        if (it.value().contains(QChar(u'\0'))) {
            return fail(ErrorCode::InvalidArgument,
                        u"The value of environment variable %1 contains a NUL character, which "
                        "no process can receive"_s.arg(it.key()));
        }
        env.insert(it.key(), it.value());
    }
    return env;
}

// QProcess would look a bare program name up in the console's own PATH; the command must see
// the sandbox's PATH instead, which the command's environment may have changed.
QString resolveProgram(const QString &program, const QProcessEnvironment &env,
                       const QString &workDir)
{
    if (program.contains(u'/') || program.contains(u'\\'))
        return program;
    QStringList dirs;
    const QStringList entries
        = env.value(u"PATH"_s).split(QDir::listSeparator(), Qt::SkipEmptyParts);
    for (const QString &entry : entries)
        dirs.append(QDir(workDir).absoluteFilePath(entry));
    return QStandardPaths::findExecutable(program, dirs);
}

#ifdef Q_OS_LINUX
struct ProcessStat
{
    char state = '?';
    qint64 processGroup = 0;
};

// /proc/<pid>/stat is "pid (comm) state ppid pgrp ...", where comm may hold spaces and parens.
std::optional<ProcessStat> readProcessStat(const QString &procDir)
{
    QFile file(procDir + u"/stat"_s);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray data = file.readAll();
    const qsizetype close = data.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = data.mid(close + 2).split(' ');
    if (fields.size() < 3 || fields.at(0).isEmpty())
        return std::nullopt;
    return ProcessStat{fields.at(0).at(0), fields.at(2).toLongLong()};
}

bool environmentContains(const QString &procDir, const QByteArray &entry)
{
    QFile file(procDir + u"/environ"_s);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QByteArray data(1, '\0');
    data += file.readAll();
    data += '\0';
    QByteArray needle(1, '\0');
    needle += entry;
    needle += '\0';
    return data.contains(needle);
}
#endif

// Kills, until none is left, every process of this user that is in one of `groups` or whose
// environment names the sandbox. Runs on a pool thread. False when some outlived the deadline
// (a process stuck in the kernel).
bool killSandboxProcesses(const QString &providerId, const QList<qint64> &groups)
{
#ifdef Q_OS_UNIX
    for (const qint64 group : groups)
        ::kill(-static_cast<pid_t>(group), SIGKILL);
#endif
#ifdef Q_OS_LINUX
    QByteArray entry("SQUAD_SANDBOX_ID=");
    entry += providerId.toUtf8();
    const qint64 self = ::getpid();
    const uint uid = ::getuid();
    const QDeadlineTimer deadline(ProcessExitWaitMs);
    for (;;) {
        int alive = 0;
        const QStringList names = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &name : names) {
            bool numeric = false;
            const qint64 pid = name.toLongLong(&numeric);
            if (!numeric || pid == self)
                continue;
            const QString procDir = u"/proc/"_s + name;
            if (QFileInfo(procDir).ownerId() != uid)
                continue;
            const std::optional<ProcessStat> stat = readProcessStat(procDir);
            // A zombie runs nothing; its parent reaps it.
            if (!stat || stat->state == 'Z' || stat->state == 'X')
                continue;
            if (!groups.contains(stat->processGroup) && !environmentContains(procDir, entry))
                continue;
            ::kill(static_cast<pid_t>(pid), SIGKILL);
            ++alive;
        }
        if (alive == 0)
            return true;
        if (deadline.hasExpired())
            return false;
        // SIGKILL takes effect when the process is next scheduled; on a pool thread, a short
        // pause before looking again beats spinning.
        QThread::msleep(10);
    }
#else
    Q_UNUSED(providerId)
    return true;
#endif
}

// Read-only folders (Go's module cache makes them) would stop the removal of their contents.
void makeRemovable(const QString &dir)
{
    QFile::setPermissions(dir, QFile::permissions(dir) | QFile::ReadOwner | QFile::WriteOwner
                                   | QFile::ExeOwner);
    const QFileInfoList entries
        = QDir(dir).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    for (const QFileInfo &entry : entries) {
        if (!entry.isSymLink())
            makeRemovable(entry.filePath());
    }
}

Result<void> removeSandbox(const QString &sandboxDir, const QString &providerId,
                           const QList<qint64> &groups)
{
    // Processes first, even when the folder is already gone: a sandbox deleted by hand may
    // still have some running.
    const bool allEnded = killSandboxProcesses(providerId, groups);
    if (!isSandboxFolder(sandboxDir))
        return fail(sandboxNotFound(providerId, sandboxDir));
    // QDir::removeRecursively() never follows links, so nothing outside the sandbox goes.
    if (!QDir(sandboxDir).removeRecursively()) {
        makeRemovable(sandboxDir);
        if (!QDir(sandboxDir).removeRecursively()) {
            return fail(ErrorCode::PermissionDenied,
                        u"Could not remove all of the sandbox folder %1: remove what is left by "
                        "hand"_s.arg(sandboxDir),
                        allEnded ? QString()
                                 : u"some of its processes did not exit within %1 ms"_s.arg(
                                     ProcessExitWaitMs));
        }
    }
    return {};
}

} // namespace

// One command: a QProcess leading its own process group, so that stopping it reaches every
// process it started. Not in the anonymous namespace: the provider's header names it.
class LocalCommandRun final : public CommandRun
{
public:
    LocalCommandRun(const QString &providerId, QObject *parent);
    ~LocalCommandRun() override;

    void start(const QString &program, const QStringList &arguments, const QString &workDir,
               const QProcessEnvironment &env, int timeoutMs, const QString &command);
    void cancel() override;
    // For terminate(): kills the group at once (its folder is about to go) and returns the
    // group's id, 0 when nothing runs.
    qint64 killForTerminate();
    const QString &providerId() const { return m_providerId; }

private:
    enum class Stop { None, Timeout, Cancel, Terminate };

    void stop(Stop reason);
    void signalGroup(int signal);
    void drainOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onErrorOccurred(QProcess::ProcessError error);
    Result<CommandOutcome> stoppedResult() const;
    void complete(Result<CommandOutcome> result);

    QString m_providerId;
    QString m_command; // as the caller named it, for messages
    QString m_workDir;
    QProcess *m_process = nullptr;
    QTimer m_timeoutTimer;
    QTimer m_killTimer;
    qint64 m_group = 0;
    Stop m_stop = Stop::None;
    bool m_starting = false;
};

LocalCommandRun::LocalCommandRun(const QString &providerId, QObject *parent)
    : CommandRun(parent)
    , m_providerId(providerId)
{
    m_timeoutTimer.setSingleShot(true);
    m_killTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, [this] { stop(Stop::Timeout); });
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
#ifdef Q_OS_UNIX
        signalGroup(SIGKILL);
#endif
    });
}

LocalCommandRun::~LocalCommandRun()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    // Nothing may outlive its run. The QProcess is left to reap the killed leader on its own
    // rather than blocking here until it has.
    m_process->disconnect(this);
#ifdef Q_OS_UNIX
    signalGroup(SIGKILL);
#else
    m_process->kill();
#endif
    m_process->setParent(nullptr);
    connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
}

void LocalCommandRun::start(const QString &program, const QStringList &arguments,
                            const QString &workDir, const QProcessEnvironment &env, int timeoutMs,
                            const QString &command)
{
    m_command = command;
    m_workDir = workDir;
    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(arguments);
    m_process->setWorkingDirectory(workDir);
    m_process->setProcessEnvironment(env);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    // Nobody writes to it: a command reading stdin gets end-of-file instead of hanging.
    m_process->setStandardInputFile(QProcess::nullDevice());
#ifdef Q_OS_UNIX
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });
#endif
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] {
        if (const QByteArray data = m_process->readAllStandardOutput(); !data.isEmpty())
            Q_EMIT output(Channel::Stdout, data);
    });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] {
        if (const QByteArray data = m_process->readAllStandardError(); !data.isEmpty())
            Q_EMIT output(Channel::Stderr, data);
    });
    connect(m_process, &QProcess::finished, this, &LocalCommandRun::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &LocalCommandRun::onErrorOccurred);

    m_starting = true;
    m_process->start();
    m_starting = false;
    m_group = m_process->processId();
#ifdef Q_OS_UNIX
    // Also from this side: a kill sent before the child ran its own setpgid() must still find
    // the group. Fails harmlessly once the child has exec'd, by which time it has done so.
    if (m_group > 0)
        ::setpgid(static_cast<pid_t>(m_group), static_cast<pid_t>(m_group));
#endif
    if (timeoutMs > 0 && !isFinished())
        m_timeoutTimer.start(timeoutMs);
}

void LocalCommandRun::cancel()
{
    if (isFinished() || m_stop != Stop::None)
        return;
    stop(Stop::Cancel);
}

qint64 LocalCommandRun::killForTerminate()
{
    if (isFinished() || m_group <= 0)
        return 0;
    m_stop = Stop::Terminate;
    m_timeoutTimer.stop();
    m_killTimer.stop();
#ifdef Q_OS_UNIX
    signalGroup(SIGKILL);
#else
    m_process->kill();
#endif
    return m_group;
}

void LocalCommandRun::stop(Stop reason)
{
    m_stop = reason;
    m_timeoutTimer.stop();
#ifdef Q_OS_UNIX
    // SIGTERM lets the command clean up; whoever ignores it gets SIGKILL after the grace.
    signalGroup(SIGTERM);
    m_killTimer.start(KillGraceMs);
#else
    m_process->kill();
#endif
}

void LocalCommandRun::signalGroup(int signal)
{
#ifdef Q_OS_UNIX
    if (m_group > 0)
        ::kill(-static_cast<pid_t>(m_group), signal);
#else
    Q_UNUSED(signal)
#endif
}

void LocalCommandRun::drainOutput()
{
    if (const QByteArray data = m_process->readAllStandardOutput(); !data.isEmpty())
        Q_EMIT output(Channel::Stdout, data);
    if (const QByteArray data = m_process->readAllStandardError(); !data.isEmpty())
        Q_EMIT output(Channel::Stderr, data);
}

Result<CommandOutcome> LocalCommandRun::stoppedResult() const
{
    switch (m_stop) {
    case Stop::Timeout:
        return CommandOutcome{TimeoutExitCode, true};
    case Stop::Cancel:
        return fail(ErrorCode::Cancelled, u"The command %1 was cancelled"_s.arg(m_command));
    case Stop::Terminate:
        return fail(ErrorCode::Cancelled,
                    u"The command %1 was ended because sandbox %2 was terminated"_s.arg(
                        m_command, m_providerId));
    case Stop::None:
        break;
    }
    return fail(ErrorCode::Internal, u"The command %1 was not stopped"_s.arg(m_command));
}

void LocalCommandRun::onFinished(int exitCode, QProcess::ExitStatus status)
{
    drainOutput();
    if (m_stop != Stop::None) {
        // Whatever the leader left behind in its group goes with it.
        signalGroup(SIGKILL);
        complete(stoppedResult());
        return;
    }
    CommandOutcome outcome;
#ifdef Q_OS_UNIX
    // QProcess reports the signal number as the exit code of a crash exit; shells say 128 + N.
    outcome.exitCode = status == QProcess::CrashExit ? 128 + exitCode : exitCode;
#else
    Q_UNUSED(status)
    outcome.exitCode = exitCode;
#endif
    complete(outcome);
}

void LocalCommandRun::onErrorOccurred(QProcess::ProcessError error)
{
    // A crash arrives through finished(); read/write errors end there too.
    if (error != QProcess::FailedToStart || isFinished())
        return;
    if (m_stop != Stop::None) {
        complete(stoppedResult());
        return;
    }
    const QString program = m_process->program();
    const bool missing = program.isEmpty() || !QFileInfo(QDir(m_workDir), program).exists();
    if (missing) {
        complete(fail(ErrorCode::NotFound,
                      u"command not found: %1 (install it in the sandbox or give its path)"_s.arg(
                          m_command)));
        return;
    }
    complete(fail(ErrorCode::Unavailable,
                  u"Could not start %1 in sandbox %2: check that it is an executable program"_s.arg(
                      m_command, m_providerId),
                  m_process->errorString()));
}

void LocalCommandRun::complete(Result<CommandOutcome> result)
{
    m_timeoutTimer.stop();
    m_killTimer.stop();
    m_group = 0;
    if (m_starting) {
        // Failing inside start() must not finish before the caller could connect.
        QTimer::singleShot(0, this, [this, result = std::move(result)] { finish(result); });
        return;
    }
    finish(std::move(result));
}

LocalProvider::LocalProvider(const QString &rootDir, QObject *parent)
    : QObject(parent)
{
    const QString absolute = QDir::cleanPath(QFileInfo(rootDir).absoluteFilePath());
    // A failure shows later, with the folder named, in the error of create().
    QDir().mkpath(absolute);
    // Containment checks compare resolved paths against this, so it must be resolved too.
    const QString canonical = QFileInfo(absolute).canonicalFilePath();
    m_rootDir = canonical.isEmpty() ? absolute : canonical;
}

LocalProvider::~LocalProvider() = default;

QString LocalProvider::name() const
{
    return u"local"_s;
}

QString LocalProvider::sandboxPath(const QString &providerId) const
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return {};
    return m_rootDir + u'/' + *id;
}

QString LocalProvider::homePath(const QString &providerId) const
{
    const QString dir = sandboxPath(providerId);
    if (dir.isEmpty())
        return {};
    return dir + u"/home"_s;
}

QFuture<Result<ProviderSandbox>> LocalProvider::create(const SandboxSpec &spec)
{
    const Result<QString> id = checkProviderId(spec.id);
    if (!id)
        return readyFuture<Result<ProviderSandbox>>(fail(id.error()));
    return QtConcurrent::run([root = m_rootDir, id = *id,
                              templateId = spec.templateId]() -> Result<ProviderSandbox> {
        if (!QDir().mkpath(root)) {
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot create the local sandboxes folder %1: check its permissions or "
                        "choose another data folder"_s.arg(root));
        }
        const QString dir = root + u'/' + id;
        // mkdir() fails on an existing folder, so two creates of one id cannot both succeed.
        if (!QDir(root).mkdir(id)) {
            const QFileInfo info(dir);
            if (info.exists() || info.isSymLink()) {
                return fail(ErrorCode::Conflict,
                            u"A local sandbox with id %1 already exists (%2): terminate it or "
                            "use another id"_s.arg(id, dir));
            }
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot create the sandbox folder %1: check the permissions of %2"_s.arg(
                            dir, root));
        }
        if (Result<void> populated = populateSandbox(dir, id, templateId); !populated) {
            QDir(dir).removeRecursively();
            return fail(populated.error());
        }
        return describe(id, templateId);
    });
}

QFuture<Result<ProviderSandbox>> LocalProvider::get(const QString &providerId)
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return readyFuture<Result<ProviderSandbox>>(fail(id.error()));
    return QtConcurrent::run([dir = sandboxPath(*id), id = *id] { return readSandbox(dir, id); });
}

QFuture<Result<QList<ProviderSandbox>>> LocalProvider::list()
{
    return QtConcurrent::run([root = m_rootDir]() -> Result<QList<ProviderSandbox>> {
        QList<ProviderSandbox> sandboxes;
        const QFileInfoList entries
            = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &entry : entries) {
            // Anything else in the folder (notes, a half-removed trash) is not ours to list.
            const Result<QString> id = checkProviderId(entry.fileName());
            if (!id || *id != entry.fileName() || entry.isSymLink())
                continue;
            if (Result<ProviderSandbox> sandbox = readSandbox(entry.filePath(), *id))
                sandboxes.append(std::move(*sandbox));
        }
        return sandboxes;
    });
}

QFuture<Result<void>> LocalProvider::terminate(const QString &providerId)
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return readyFuture<Result<void>>(fail(id.error()));

    // The QProcess objects belong to this thread: their groups end here, the rest off-thread.
    QList<qint64> groups;
    for (const QPointer<LocalCommandRun> &run : std::as_const(m_runs)) {
        if (run && run->providerId() == *id) {
            if (const qint64 group = run->killForTerminate(); group > 0)
                groups.append(group);
        }
    }
    ++m_terminating[*id];
    return QtConcurrent::run([dir = sandboxPath(*id), id = *id, groups] {
               return removeSandbox(dir, id, groups);
           })
        .then(this, [this, id = *id](Result<void> result) {
            if (--m_terminating[id] <= 0)
                m_terminating.remove(id);
            return result;
        });
}

CommandRun *LocalProvider::run(const QString &providerId, const CommandSpec &spec, QObject *parent)
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return CommandRun::failed(id.error(), parent);
    if (m_terminating.contains(*id)) {
        return CommandRun::failed(
            Error(ErrorCode::Conflict,
                  u"Sandbox %1 is being terminated: no command can start in it"_s.arg(*id)),
            parent);
    }
    if (spec.argv.isEmpty() || spec.argv.constFirst().isEmpty()) {
        return CommandRun::failed(
            Error(ErrorCode::InvalidArgument,
                  u"No command was given to run in sandbox %1: pass a program and its "
                  "arguments"_s.arg(*id)),
            parent);
    }
    const QString dir = sandboxPath(*id);
    const Result<QString> home = existingHome(dir, *id);
    if (!home)
        return CommandRun::failed(home.error(), parent);
    const Result<QString> workDir
        = resolveInHome(*home, spec.workingDirectory, u"working directory"_s);
    if (!workDir)
        return CommandRun::failed(workDir.error(), parent);
    if (!QFileInfo(*workDir).isDir()) {
        return CommandRun::failed(
            Error(ErrorCode::NotFound,
                  u"The working directory \"%1\" does not exist in sandbox %2 (%3): create it "
                  "first"_s.arg(spec.workingDirectory, *id, *workDir)),
            parent);
    }
    const Result<QProcessEnvironment> env = commandEnvironment(*id, dir, spec.environment);
    if (!env)
        return CommandRun::failed(env.error(), parent);
    const QString &command = spec.argv.constFirst();
    const QString program = resolveProgram(command, *env, *workDir);
    if (program.isEmpty()) {
        return CommandRun::failed(
            Error(ErrorCode::NotFound,
                  u"command not found: %1 (install it in the sandbox or give its path)"_s.arg(
                      command),
                  u"searched PATH=%1"_s.arg(env->value(u"PATH"_s))),
            parent);
    }

    m_runs.removeIf(
        [](const QPointer<LocalCommandRun> &run) { return run.isNull() || run->isFinished(); });
    auto *run = new LocalCommandRun(*id, parent);
    m_runs.append(run);
    run->start(program, spec.argv.mid(1), *workDir, *env, spec.timeoutMs, command);
    return run;
}

QFuture<Result<QByteArray>> LocalProvider::readFile(const QString &providerId, const QString &path)
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return readyFuture<Result<QByteArray>>(fail(id.error()));
    return QtConcurrent::run([dir = sandboxPath(*id), id = *id, path]() -> Result<QByteArray> {
        const Result<QString> home = existingHome(dir, id);
        if (!home)
            return fail(home.error());
        const Result<QString> file = resolveInHome(*home, path, u"file path"_s);
        if (!file)
            return fail(file.error());
        const QFileInfo info(*file);
        if (!info.exists()) {
            return fail(ErrorCode::NotFound,
                        u"There is no file \"%1\" in sandbox %2"_s.arg(path, id));
        }
        if (!info.isFile()) {
            return fail(
                ErrorCode::InvalidArgument,
                u"\"%1\" in sandbox %2 is not a file: give the path of a file"_s.arg(path, id));
        }
        QFile input(*file);
        if (!input.open(QIODevice::ReadOnly)) {
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot read \"%1\" in sandbox %2: check its permissions"_s.arg(path, id),
                        input.errorString());
        }
        return input.readAll();
    });
}

QFuture<Result<void>> LocalProvider::writeFile(const QString &providerId, const QString &path,
                                               const QByteArray &data)
{
    const Result<QString> id = checkProviderId(providerId);
    if (!id)
        return readyFuture<Result<void>>(fail(id.error()));
    return QtConcurrent::run([dir = sandboxPath(*id), id = *id, path, data]() -> Result<void> {
        const Result<QString> home = existingHome(dir, id);
        if (!home)
            return fail(home.error());
        const Result<QString> file = resolveInHome(*home, path, u"file path"_s);
        if (!file)
            return fail(file.error());
        if (*file == *home || QFileInfo(*file).isDir()) {
            return fail(
                ErrorCode::InvalidArgument,
                u"\"%1\" in sandbox %2 is a folder: give the path of a file"_s.arg(path, id));
        }
        // The part of the path that did not exist has no links in it (resolveInHome), so the
        // folders made here are inside the home.
        const QString parentDir = QFileInfo(*file).absolutePath();
        if (!QDir().mkpath(parentDir)) {
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot create the folder of \"%1\" in sandbox %2: is part of the path "
                        "a file?"_s.arg(path, id));
        }
        // Readers see the old content or the new, never half of it.
        QSaveFile output(*file);
        if (!output.open(QIODevice::WriteOnly) || output.write(data) != data.size()
            || !output.commit()) {
            return fail(ErrorCode::PermissionDenied,
                        u"Cannot write \"%1\" in sandbox %2: check its permissions and the free "
                        "disk space"_s.arg(path, id),
                        output.errorString());
        }
        return {};
    });
}

} // namespace squad
