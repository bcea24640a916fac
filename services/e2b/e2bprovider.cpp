// SPDX-License-Identifier: MIT
#include "e2bprovider.h"

#include "core/futures.h"
#include "e2b/envdclient.h"

#include <QPointer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

ProviderSandbox providerSandbox(const E2bSandbox &sandbox)
{
    ProviderSandbox result;
    result.providerId = sandbox.sandboxId;
    result.templateId = sandbox.alias.isEmpty() ? sandbox.templateId : sandbox.alias;
    result.cpuCount = sandbox.cpuCount;
    result.memoryMb = sandbox.memoryMb;
    result.diskMb = sandbox.diskSizeMb;
    result.startedAt = sandbox.startedAt;
    result.endsAt = sandbox.endAt;
    result.metadata = sandbox.metadata;
    // A create answers without a state: the sandbox it made is running.
    result.running = sandbox.state.isEmpty() || sandbox.state == u"running";
    return result;
}

// A command whose sandbox must be looked up before it can start: it forwards the real run's
// output and end, or ends with the lookup's error.
class PendingCommandRun final : public CommandRun
{
public:
    using CommandRun::CommandRun;

    void attach(CommandRun *run)
    {
        m_run = run;
        connect(run, &CommandRun::output, this, &CommandRun::output);
        connect(run, &CommandRun::finished, this, [this, run] { finish(run->result()); });
        if (run->isFinished())
            finish(run->result());
    }
    void fail(const Error &error) { finish(tl::unexpected(error)); }

    void cancel() override
    {
        if (m_run)
            m_run->cancel();
        finish(squad::fail(ErrorCode::Cancelled, u"The command was cancelled."_s));
    }

private:
    QPointer<CommandRun> m_run;
};

} // namespace

E2bProvider::E2bProvider(E2bEndpoint endpoint, QString apiKey, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_api(new E2bApi(std::move(endpoint), std::move(apiKey), this))
{
}

E2bProvider::~E2bProvider() = default;

QString E2bProvider::name() const
{
    return u"e2b"_s;
}

QFuture<Result<ProviderSandbox>> E2bProvider::create(const SandboxSpec &spec)
{
    E2bCreateRequest request;
    request.templateId = spec.templateId;
    request.timeoutSeconds = spec.timeoutSeconds > 0 ? spec.timeoutSeconds : DefaultTimeoutSeconds;
    request.metadata = spec.metadata;
    if (!spec.id.isEmpty())
        request.metadata.insert(u"squad.sandbox"_s, spec.id);
    if (!spec.repoUrl.isEmpty())
        request.metadata.insert(u"squad.repo"_s, spec.repoUrl);
    // Our id is unique per create: the request id that finds a sandbox after an unclear answer.
    request.requestId = spec.id.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : spec.id;
    const QDateTime asked = QDateTime::currentDateTimeUtc();
    return m_api->createSandbox(request).then(this, [this, asked, timeout = request.timeoutSeconds](
                                                        const Result<E2bSandbox> &created) {
        if (!created)
            return Result<ProviderSandbox>(tl::unexpected(created.error()));
        envdFor(*created);
        ProviderSandbox sandbox = providerSandbox(*created);
        // E2B's answer to a create leaves out when the sandbox started and ends; the timeout
        // asked for counts from the request, so the row shows its time left at once.
        if (!sandbox.startedAt.isValid())
            sandbox.startedAt = asked;
        if (!sandbox.endsAt.isValid())
            sandbox.endsAt = asked.addSecs(timeout);
        return Result<ProviderSandbox>(sandbox);
    });
}

QFuture<Result<ProviderSandbox>> E2bProvider::get(const QString &providerId)
{
    return m_api->getSandbox(providerId).then(this, [](const Result<E2bSandbox> &sandbox) {
        return sandbox ? Result<ProviderSandbox>(providerSandbox(*sandbox))
                       : Result<ProviderSandbox>(tl::unexpected(sandbox.error()));
    });
}

QFuture<Result<QList<ProviderSandbox>>> E2bProvider::list()
{
    return m_api->listSandboxes().then(this, [](const Result<QList<E2bSandbox>> &sandboxes) {
        if (!sandboxes)
            return Result<QList<ProviderSandbox>>(tl::unexpected(sandboxes.error()));
        QList<ProviderSandbox> result;
        result.reserve(sandboxes->size());
        for (const E2bSandbox &sandbox : *sandboxes)
            result.append(providerSandbox(sandbox));
        return Result<QList<ProviderSandbox>>(std::move(result));
    });
}

QFuture<Result<void>> E2bProvider::terminate(const QString &providerId)
{
    return m_api->killSandbox(providerId).then(this, [this, providerId](const Result<void> &killed) {
        if (killed || killed.error().code() == ErrorCode::NotFound) {
            for (auto it = m_envd.begin(); it != m_envd.end();) {
                if (it.key().startsWith(providerId + u'\x1f')) {
                    it.value()->deleteLater();
                    it = m_envd.erase(it);
                } else {
                    ++it;
                }
            }
        }
        return killed;
    });
}

QFuture<Result<ProviderSandbox>> E2bProvider::setTimeout(const QString &providerId, int seconds)
{
    // E2B answers a timeout change with no body: the sandbox is read again for its new end.
    return m_api->setTimeout(providerId, seconds).then(this, [this, providerId](const Result<void> &set) {
        if (!set)
            return readyFuture<Result<ProviderSandbox>>(tl::unexpected(set.error()));
        return get(providerId);
    }).unwrap();
}

QFuture<Result<void>> E2bProvider::pause(const QString &providerId)
{
    return m_api->pauseSandbox(providerId);
}

QFuture<Result<ProviderSandbox>> E2bProvider::resume(const QString &providerId, int timeoutSeconds)
{
    return m_api->connectSandbox(providerId, timeoutSeconds > 0 ? timeoutSeconds : DefaultTimeoutSeconds)
        .then(this, [this](const Result<E2bSandbox> &connected) {
            if (!connected)
                return Result<ProviderSandbox>(tl::unexpected(connected.error()));
            envdFor(*connected);
            return Result<ProviderSandbox>(providerSandbox(*connected));
        });
}

QFuture<Result<QList<ProviderLogEntry>>> E2bProvider::logs(const QString &providerId, int limit)
{
    return m_api->sandboxLogs(providerId, limit);
}

EnvdClient *E2bProvider::envdFor(const E2bSandbox &sandbox)
{
    // One client per sandbox and token: a resumed sandbox gets a new token, while commands
    // still running on the old client keep it.
    EnvdClient *&client = m_envd[sandbox.sandboxId + u'\x1f' + sandbox.envdAccessToken];
    if (!client) {
        client = new EnvdClient(m_endpoint.envdRoute(sandbox.sandboxId, sandbox.domain),
                                sandbox.envdAccessToken, this);
    }
    return client;
}

QFuture<Result<EnvdClient *>> E2bProvider::runningEnvd(const QString &providerId)
{
    return m_api->getSandbox(providerId).then(this, [this](const Result<E2bSandbox> &sandbox) -> Result<EnvdClient *> {
        if (!sandbox) {
            if (sandbox.error().code() == ErrorCode::NotFound) {
                return fail(ErrorCode::NotFound, u"The sandbox is not running: E2B no longer has it."_s,
                            sandbox.error().detail());
            }
            return fail(sandbox.error());
        }
        if (sandbox->state == u"paused") {
            return fail(ErrorCode::Conflict,
                        u"The sandbox is paused: resume it first (the console does not wake it by "
                        "itself, since E2B bills a running sandbox)."_s);
        }
        if (sandbox->state != u"running") {
            return fail(ErrorCode::Conflict,
                        u"The sandbox is not running (E2B reports it as %1)."_s.arg(sandbox->state));
        }
        return envdFor(*sandbox);
    });
}

CommandRun *E2bProvider::run(const QString &providerId, const CommandSpec &spec, QObject *parent)
{
    auto *pending = new PendingCommandRun(parent);
    QPointer<PendingCommandRun> guard(pending);
    runningEnvd(providerId).then(this, [guard, spec](const Result<EnvdClient *> &envd) {
        if (!guard || guard->isFinished())
            return;
        if (!envd)
            guard->fail(envd.error());
        else
            guard->attach((*envd)->start(spec, guard));
    });
    return pending;
}

QFuture<Result<QByteArray>> E2bProvider::readFile(const QString &providerId, const QString &path)
{
    return runningEnvd(providerId).then(this, [path](const Result<EnvdClient *> &envd) {
        if (!envd)
            return readyFuture<Result<QByteArray>>(tl::unexpected(envd.error()));
        return (*envd)->readFile(path);
    }).unwrap();
}

QFuture<Result<void>> E2bProvider::writeFile(const QString &providerId, const QString &path,
                                             const QByteArray &data)
{
    return runningEnvd(providerId).then(this, [path, data](const Result<EnvdClient *> &envd) {
        if (!envd)
            return readyFuture<Result<void>>(tl::unexpected(envd.error()));
        return (*envd)->writeFile(path, data);
    }).unwrap();
}

} // namespace squad
