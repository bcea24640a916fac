// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "sandbox/sandboxrecord.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

namespace squad {

// What the lifecycle service asks a provider to create.
struct SandboxSpec
{
    QString id;          // our id; providers that name things themselves may ignore it
    QString templateId;
    QString repoUrl;
    QMap<QString, QString> metadata;
    int timeoutSeconds = 0;  // 0 = the provider's default
};

// A sandbox as its provider sees it.
struct ProviderSandbox
{
    QString providerId;
    QString templateId;
    int cpuCount = 0;
    int memoryMb = 0;
    int diskMb = 0;
    bool running = true;  // false: paused
    QDateTime startedAt;
    QDateTime endsAt;     // null = the provider never ends it by itself
    QMap<QString, QString> metadata;

    ProviderState state() const { return running ? ProviderState::Running : ProviderState::Paused; }
};

// A command to run in a sandbox: an argv, never a shell line, unless the caller builds
// ["sh", "-c", line] itself (useShell).
struct CommandSpec
{
    QStringList argv;
    QString workingDirectory;              // relative to the sandbox's home; empty = home
    QMap<QString, QString> environment;    // added to the provider's allow-listed environment
    int timeoutMs = 0;                     // 0 = no timeout
};

// One line of a sandbox's own log (E2B's envd and system logs).
struct ProviderLogEntry
{
    QDateTime timestamp;
    QString level;
    QString message;
};

struct CommandOutcome
{
    int exitCode = 0;       // the process's exit code; 128 + signal when a signal ended it
    bool timedOut = false;  // the timeout ended it (exitCode is then 124, as timeout(1) does)

    friend bool operator==(const CommandOutcome &, const CommandOutcome &) = default;
};

// One running command. Emits output as it arrives, then finished() exactly once; cancel() ends
// the command and everything it started. Lives on the thread that created it.
class CommandRun : public QObject
{
    Q_OBJECT
public:
    enum class Channel { Stdout, Stderr };
    Q_ENUM(Channel)

    using QObject::QObject;
    ~CommandRun() override;

    // A run that never started: it finishes with `error` once control returns to the event
    // loop, so callers can connect to it first.
    static CommandRun *failed(Error error, QObject *parent);

    virtual void cancel() = 0;
    bool isFinished() const { return m_result.has_value(); }
    // Valid once finished() was emitted.
    const Result<CommandOutcome> &result() const { return *m_result; }

Q_SIGNALS:
    void output(squad::CommandRun::Channel channel, const QByteArray &data);
    void finished();

protected:
    void finish(Result<CommandOutcome> result);

private:
    std::optional<Result<CommandOutcome>> m_result;
};

// The seam between the console and where sandboxes live. Implementations: LocalProvider
// (folders and local processes), E2bProvider. Calls are made from one thread (the service's);
// futures complete on any thread and callers continue with QFuture::then(context, ...).
// Errors use ErrorCode::NotFound when the provider does not know the sandbox.
class SandboxProvider
{
public:
    virtual ~SandboxProvider();

    // Short stable name stored in the `provider` column: "local", "e2b".
    virtual QString name() const = 0;

    virtual QFuture<Result<ProviderSandbox>> create(const SandboxSpec &spec) = 0;
    virtual QFuture<Result<ProviderSandbox>> get(const QString &providerId) = 0;
    virtual QFuture<Result<QList<ProviderSandbox>>> list() = 0;
    virtual QFuture<Result<void>> terminate(const QString &providerId) = 0;

    // Starts `spec` in the sandbox; the returned run is owned by `parent`. A run that cannot
    // start still returns a run, which finishes with the error.
    virtual CommandRun *run(const QString &providerId, const CommandSpec &spec,
                            QObject *parent) = 0;

    // Files, by a path relative to the sandbox's home.
    virtual QFuture<Result<QByteArray>> readFile(const QString &providerId,
                                                 const QString &path) = 0;
    virtual QFuture<Result<void>> writeFile(const QString &providerId, const QString &path,
                                            const QByteArray &data) = 0;

    // Controls only some providers have; the others answer InvalidArgument ("not supported by
    // this provider") without doing anything.
    // The sandbox ends `seconds` from now; the answer is the sandbox as it is afterwards.
    virtual QFuture<Result<ProviderSandbox>> setTimeout(const QString &providerId, int seconds);
    // Stops it without losing its state; it costs nothing until resumed.
    virtual QFuture<Result<void>> pause(const QString &providerId);
    // Running again (from paused), with at least `timeoutSeconds` left.
    virtual QFuture<Result<ProviderSandbox>> resume(const QString &providerId, int timeoutSeconds);
    // The newest `limit` entries of the sandbox's own log, oldest first.
    virtual QFuture<Result<QList<ProviderLogEntry>>> logs(const QString &providerId, int limit);

protected:
    // The error of a control this provider lacks.
    Error unsupported(const QString &what) const;
};

} // namespace squad
