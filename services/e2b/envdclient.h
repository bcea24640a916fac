// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "e2b/e2bendpoint.h"
#include "sandbox/sandboxprovider.h"

#include <QFuture>
#include <QObject>

class QNetworkAccessManager;
class QNetworkRequest;

namespace squad {

// The daemon inside one E2B sandbox (envd), spoken to with Connect RPC and the JSON codec as
// the official SDKs do: the routing headers of `route`, and `X-Access-Token` when the sandbox
// was created secure. Lives on one thread; its runs and futures complete on it.
class EnvdClient : public QObject
{
    Q_OBJECT
public:
    EnvdClient(E2bEndpoint::EnvdRoute route, QString accessToken, QObject *parent = nullptr);
    ~EnvdClient() override;

    // Starts `spec.argv` (`process.Process/Start`, streamed): output as it arrives, then the
    // exit code. cancel() sends SIGKILL to the process, since dropping the stream alone
    // leaves it running in the sandbox. A timeout kills it too and finishes with 124.
    CommandRun *start(const CommandSpec &spec, QObject *parent);

    // A file's bytes (GET /files), by a path absolute or relative to the user's home.
    QFuture<Result<QByteArray>> readFile(const QString &path);
    // Writes a file, creating its folders, replacing what was there (POST /files, multipart:
    // every envd version accepts it).
    QFuture<Result<void>> writeFile(const QString &path, const QByteArray &data);

    enum class Signal { Terminate = 15, Kill = 9 };
    QFuture<Result<void>> sendSignal(quint32 pid, Signal signal);

    // Limits for one unary call, and for the silence a stream may keep between events (envd
    // sends a keepalive after the interval we ask for).
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }
    void setKeepaliveSeconds(int seconds) { m_keepaliveSeconds = seconds; }

private:
    friend class EnvdCommandRun;
    // A POST to `rpc` ("process.Process/Start"): streamed calls use the Connect envelope
    // content type, unary ones plain JSON.
    QNetworkRequest request(const QString &rpc, bool streaming) const;
    QNetworkRequest filesRequest(const QString &path) const;

    E2bEndpoint::EnvdRoute m_route;
    QString m_accessToken;
    int m_requestTimeoutMs = 60'000;
    int m_keepaliveSeconds = 50;
    QNetworkAccessManager *m_network;
};

} // namespace squad
