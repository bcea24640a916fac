// SPDX-License-Identifier: MIT
#include "sandboxprovider.h"

#include <QTimer>

namespace squad {

SandboxProvider::~SandboxProvider() = default;
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
