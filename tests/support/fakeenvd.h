// SPDX-License-Identifier: MIT
#pragma once

#include "loopbackhttpserver.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

namespace squad::test {

class FakeE2b;

// envd, the daemon in every E2B sandbox, as its published API describes it (specs/e2b/envd:
// process.proto, envd.yaml), on the loopback server that plays E2B's control plane — the
// shared proxy host the SDKs reach with E2B_SANDBOX_URL and the E2b-Sandbox-Id header.
//
// process.Process/Start really runs the command: a local process in a folder per sandbox that
// stands for the sandbox user's home (relative cwd and paths under /home/user land there),
// with the request's envs, streamed back as Connect envelopes (JSON codec): start{pid}, data
// {stdout|stderr} as base64, end{exitCode, exited, status}, then the end-of-stream envelope
// (carrying the Connect error when the command could not start). Connect-Timeout-Ms bounds
// the process's life, and dropping the stream leaves it running, as envd does.
// process.Process/SendSignal and /List act on those processes; GET and POST /files read and
// write under the home. The proxy's and envd's own refusals come first: a sandbox the control
// plane does not run is 502 "The sandbox was not found", a wrong X-Access-Token is 401.
class FakeEnvd : public QObject
{
public:
    // Sandboxes' homes go under `root`; `e2b` says which sandboxes run and their tokens.
    FakeEnvd(LoopbackHttpServer &server, FakeE2b &e2b, QString root, QObject *parent = nullptr);
    ~FakeEnvd() override; // kills what still runs

    // The folder that is /home/user in sandbox `sandboxId` (made on first use).
    QString home(const QString &sandboxId) const;
    // "sandboxId: cmd args..." of every process started, in order.
    const QStringList &started() const { return m_started; }
    // Processes still running (in all sandboxes, or in one).
    int runningCount(const QString &sandboxId = {}) const;
    // What E2B's kill does inside: every process of the sandbox gets SIGKILL.
    void killAll(const QString &sandboxId);

private:
    struct Process;

    // The sandbox a request is for, or the refusal the proxy or envd's auth would answer.
    bool admit(const HttpRequest &request, const HttpResponder &responder,
               QString *sandboxId) const;
    void start(const HttpRequest &request, HttpResponder responder);
    void sendSignal(const HttpRequest &request, HttpResponder responder);
    void list(const HttpRequest &request, HttpResponder responder);
    void readFile(const HttpRequest &request, HttpResponder responder);
    void writeFile(const HttpRequest &request, HttpResponder responder);
    // A path as the sandbox names it, on this machine.
    QString resolve(const QString &sandboxId, const QString &path) const;

    FakeE2b &m_e2b;
    QString m_root;
    QStringList m_started;
    QHash<qint64, Process *> m_processes; // by pid, while running
};

} // namespace squad::test
