// SPDX-License-Identifier: MIT
#pragma once

#include "console/consolecore.h"

#include <QFuture>
#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

class QCommandLineParser;

namespace squad {
class CommandRun;
}

namespace squad::cli {

enum ExitCode : int { Success = 0, Failure = 1, Usage = 2 };

// One squadctl invocation: parses the arguments, opens the core, runs the command.
// Lives on the main thread; the future finishes with the process's exit code.
class Cli : public QObject
{
    Q_OBJECT
public:
    explicit Cli(QObject *parent = nullptr);
    ~Cli() override;

    QFuture<int> run(const QStringList &arguments);

    // Ctrl+C: cancels a running `exec`; otherwise ends at once.
    void interrupt();

private:
    struct Invocation;

    QFuture<int> dispatch(Invocation &invocation);
    // Opens the store and providers; on failure prints the error and returns its exit code.
    std::optional<int> openCore();

    QFuture<int> sandboxesList(const QCommandLineParser &parser);
    QFuture<int> sandboxesCreate(const QCommandLineParser &parser);
    QFuture<int> sandboxesGet(const QCommandLineParser &parser);
    QFuture<int> sandboxesTerminate(const QCommandLineParser &parser);
    QFuture<int> sandboxesExec(const QCommandLineParser &parser);
    QFuture<int> auditList(const QCommandLineParser &parser);
    QFuture<int> tasksCreate(const QCommandLineParser &parser);
    QFuture<int> agentsCreate(const QCommandLineParser &parser);

    StartupOptions m_options;
    std::unique_ptr<ConsoleCore> m_core;
    CommandRun *m_activeRun = nullptr;
};

} // namespace squad::cli
