// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "e2b/e2bendpoint.h"
#include "e2b/envdfilesystem.h"
#include "sandbox/sandboxprovider.h"

#include <QFuture>
#include <QObject>

class QJsonObject;
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

    // The processes envd runs (`process.Process/List`), whoever started them.
    [[nodiscard]] QFuture<Result<QList<EnvdProcess>>> listProcesses();

    // Files and folders (`filesystem.Filesystem/*`), by a path absolute or relative to the
    // user's home. Stat and ListDir fail with NotFound when nothing is at the path; ListDir
    // and WatchDir with InvalidArgument when it is not a folder.
    [[nodiscard]] QFuture<Result<EnvdEntry>> stat(const QString &path);
    // The entries under a folder, `depth` levels down (1: its children; envd reads 0 as 1).
    // Symlinks are listed, not followed.
    [[nodiscard]] QFuture<Result<QList<EnvdEntry>>> listDir(const QString &path, quint32 depth = 1);
    // Makes a folder and its parents: true when made, false when a folder was already there
    // (envd's already_exists); a file in the way fails with InvalidArgument.
    [[nodiscard]] QFuture<Result<bool>> makeDir(const QString &path);
    // Removes a file, or a folder with everything in it; a missing path is not an error.
    [[nodiscard]] QFuture<Result<void>> remove(const QString &path);
    // Watches a folder (streamed) until the watch is cancelled or deleted; owned by `parent`.
    EnvdWatch *watchDir(const QString &path, const EnvdWatchOptions &options, QObject *parent);

    // Limits for one unary call, and for the silence a stream may keep between events (envd
    // sends a keepalive after the interval we ask for).
    void setRequestTimeoutMs(int ms) { m_requestTimeoutMs = ms; }
    void setKeepaliveSeconds(int seconds) { m_keepaliveSeconds = seconds; }

private:
    friend class EnvdCommandRun;
    friend class EnvdWatch;
    // A POST to `rpc` ("process.Process/Start"): streamed calls use the Connect envelope
    // content type, unary ones plain JSON.
    QNetworkRequest request(const QString &rpc, bool streaming) const;
    QNetworkRequest filesRequest(const QString &path) const;
    // One unary Connect call: `body` posted to `rpc`, answered with the response message, or
    // with why it failed: envd's Connect error, or the proxy's or the token check's HTTP
    // status. `what` names the call in messages. `acceptedError` is a Connect code that is an
    // answer for this call rather than a failure (MakeDir's already_exists): its error body
    // then comes back as the message.
    [[nodiscard]] QFuture<Result<QJsonObject>> unary(const QString &rpc, const QJsonObject &body,
                                                     const QString &what,
                                                     const QString &acceptedError = {});

    E2bEndpoint::EnvdRoute m_route;
    QString m_accessToken;
    int m_requestTimeoutMs = 60'000;
    int m_keepaliveSeconds = 50;
    QNetworkAccessManager *m_network;
};

} // namespace squad
