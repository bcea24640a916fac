// SPDX-License-Identifier: MIT
#include "sandboxprovider.h"

#include "core/futures.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace squad {

SandboxProvider::~SandboxProvider() = default;

Error SandboxProvider::unsupported(const QString &what) const
{
    return Error(ErrorCode::InvalidArgument,
                 u"%1 is not supported by %2 sandboxes."_s.arg(what, name()));
}

QFuture<Result<ProviderSandbox>> SandboxProvider::setTimeout(const QString &, int)
{
    return readyFuture<Result<ProviderSandbox>>(tl::unexpected(unsupported(u"Setting a timeout"_s)));
}

QFuture<Result<void>> SandboxProvider::pause(const QString &)
{
    return readyFuture<Result<void>>(tl::unexpected(unsupported(u"Pausing"_s)));
}

QFuture<Result<ProviderSandbox>> SandboxProvider::resume(const QString &, int)
{
    return readyFuture<Result<ProviderSandbox>>(tl::unexpected(unsupported(u"Resuming"_s)));
}

QFuture<Result<QList<ProviderLogEntry>>> SandboxProvider::logs(const QString &, int)
{
    return readyFuture<Result<QList<ProviderLogEntry>>>(
        tl::unexpected(unsupported(u"Reading the sandbox's log"_s)));
}
CommandRun::~CommandRun() = default;

namespace {
class FailedCommandRun final : public CommandRun
{
public:
    FailedCommandRun(Error error, QObject *parent)
        : CommandRun(parent)
    {
        QTimer::singleShot(0, this, [this, error] { finish(tl::unexpected<Error>(error)); });
    }
    void cancel() override {}
};
} // namespace

CommandRun *CommandRun::failed(Error error, QObject *parent)
{
    return new FailedCommandRun(std::move(error), parent);
}

void CommandRun::finish(Result<CommandOutcome> result)
{
    if (m_result)
        return;
    m_result = std::move(result);
    Q_EMIT finished();
}

} // namespace squad
