// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxprovider.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace squad {

class LocalCommandRun;

// The embedded default provider: a sandbox is the folder <rootDir>/<providerId>/ holding its
// own home (home/), temp dir (tmp/) and metadata (.squad/sandbox.json); commands are local
// processes, each in its own process group, with an allow-listed environment.
//
// Every path a caller names (working directory, file) is relative to the sandbox's home and
// must stay inside it once links are resolved: tmp/ and .squad/ belong to the provider. This
// keeps the console from reading or writing outside a sandbox on an agent's say-so; it is not
// an isolation boundary for the processes themselves, which run as the operator.
//
// Lives on the thread that calls it; futures finish on a pool thread, except terminate(),
// whose future finishes on this object's thread.
class LocalProvider final : public QObject, public SandboxProvider
{
    Q_OBJECT
public:
    // `rootDir` holds all local sandboxes (for example <app-data>/sandboxes); it is created
    // when missing.
    explicit LocalProvider(const QString &rootDir, QObject *parent = nullptr);
    ~LocalProvider() override;

    QString name() const override;

    // `spec.id` becomes the providerId; it must be a UUID (without braces).
    QFuture<Result<ProviderSandbox>> create(const SandboxSpec &spec) override;
    QFuture<Result<ProviderSandbox>> get(const QString &providerId) override;
    QFuture<Result<QList<ProviderSandbox>>> list() override;
    // Kills every process of the sandbox (the groups started here and, on Linux, any process
    // of this user whose environment names the sandbox), then removes its folder.
    QFuture<Result<void>> terminate(const QString &providerId) override;

    CommandRun *run(const QString &providerId, const CommandSpec &spec, QObject *parent) override;

    QFuture<Result<QByteArray>> readFile(const QString &providerId, const QString &path) override;
    QFuture<Result<void>> writeFile(const QString &providerId, const QString &path,
                                    const QByteArray &data) override;

    // The folders of a sandbox, whether or not it exists; empty for an id that is not a UUID.
    QString sandboxPath(const QString &providerId) const;
    QString homePath(const QString &providerId) const;

private:
    QString m_rootDir; // absolute, links resolved when it could be created
    QList<QPointer<LocalCommandRun>> m_runs;
    QHash<QString, int> m_terminating; // terminations under way; no command starts in these
};

} // namespace squad
