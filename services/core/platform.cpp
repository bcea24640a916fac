// SPDX-License-Identifier: MIT
#include "platform.h"

#include <QSysInfo>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#endif

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryFile>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace squad {

QString osUserName()
{
#ifdef Q_OS_UNIX
    if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
#endif
    for (const char *name : {"USER", "USERNAME", "LOGNAME"}) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    return u"unknown"_s;
}

Result<QString> ensureWritableDir(const QString &path, const QString &what)
{
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"No %1 folder was given"_s.arg(what));
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QFileInfo info(absolute);
    if (info.exists() && !info.isDir()) {
        return fail(ErrorCode::InvalidArgument,
                    u"The %1 folder %2 is a file, not a folder"_s.arg(what, absolute));
    }
    if (!QDir().mkpath(absolute)) {
        return fail(ErrorCode::PermissionDenied,
                    u"Cannot create the %1 folder %2: check its permissions or choose another "
                    "folder"_s.arg(what, absolute));
    }
    QTemporaryFile probe(absolute + u"/.write-probe-XXXXXX"_s);
    if (!probe.open()) {
        return fail(ErrorCode::PermissionDenied,
                    u"The %1 folder %2 is not writable: check its permissions or choose another "
                    "folder"_s.arg(what, absolute),
                    probe.errorString());
    }
    return QDir::cleanPath(absolute);
}

Result<QString> ensureDataDir(const QString &overridePath)
{
    QString path = overridePath;
    if (path.isEmpty())
        path = qEnvironmentVariable("SQUAD_DATA_DIR");
    if (path.isEmpty())
        path = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return ensureWritableDir(path, u"data"_s);
}

QString hostName()
{
    return QSysInfo::machineHostName();
}

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
#ifdef Q_OS_WIN
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process)
        return GetLastError() == ERROR_ACCESS_DENIED;
    DWORD code = 0;
    const bool running = GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    CloseHandle(process);
    return running;
#else
    // Signal 0 checks without sending; EPERM means it exists but is another user's.
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#endif
}

} // namespace squad
