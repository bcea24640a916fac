// SPDX-License-Identifier: MIT
#pragma once

#include "e2b/e2bapi.h"
#include "e2b/e2bendpoint.h"
#include "sandbox/sandboxprovider.h"

#include <QHash>
#include <QObject>

namespace squad {

class EnvdClient;

// E2B cloud sandboxes behind the provider seam: the control plane for their lifecycle, each
// sandbox's envd for commands. Lives on the thread of the service that calls it.
class E2bProvider final : public QObject, public SandboxProvider
{
    Q_OBJECT
public:
    E2bProvider(E2bEndpoint endpoint, QString apiKey, QObject *parent = nullptr);
    ~E2bProvider() override;

    E2bApi &api() { return *m_api; }

    QString name() const override;
    QFuture<Result<ProviderSandbox>> create(const SandboxSpec &spec) override;
    QFuture<Result<ProviderSandbox>> get(const QString &providerId) override;
    QFuture<Result<QList<ProviderSandbox>>> list() override;
    // E2B's 404 comes back as NotFound: the sandbox has already ended there.
    QFuture<Result<void>> terminate(const QString &providerId) override;
    // Commands and files read the sandbox first (runningEnvd).
    CommandRun *run(const QString &providerId, const CommandSpec &spec, QObject *parent) override;
    QFuture<Result<QByteArray>> readFile(const QString &providerId, const QString &path) override;
    QFuture<Result<void>> writeFile(const QString &providerId, const QString &path,
                                    const QByteArray &data) override;
    QFuture<Result<ProviderSandbox>> setTimeout(const QString &providerId, int seconds) override;
    QFuture<Result<void>> pause(const QString &providerId) override;
    // Connects (E2B resumes a paused sandbox on connect), which also renews envd's token.
    QFuture<Result<ProviderSandbox>> resume(const QString &providerId, int timeoutSeconds) override;
    QFuture<Result<QList<ProviderLogEntry>>> logs(const QString &providerId, int limit) override;

    // E2B's default lifetime for a sandbox created without one.
    static constexpr int DefaultTimeoutSeconds = 300;

private:
    EnvdClient *envdFor(const E2bSandbox &sandbox);
    // The envd of a sandbox E2B reports as running; a paused one is never contacted (traffic
    // would resume it, and E2B would bill for it), a gone one is "not running".
    QFuture<Result<EnvdClient *>> runningEnvd(const QString &providerId);

    E2bEndpoint m_endpoint;
    E2bApi *m_api;
    QHash<QString, EnvdClient *> m_envd;  // by sandbox id and access token
};

} // namespace squad
