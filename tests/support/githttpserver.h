// SPDX-License-Identifier: MIT
#pragma once

#include "loopbackhttpserver.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace squad::test {

// git's smart HTTP protocol on loopback, as a forge serves it: git-http-backend (the CGI that
// ships with git) behind a LoopbackHttpServer, serving the bare repositories under `root` at
// http://127.0.0.1:PORT/<name>. Every request must carry `Authorization: Basic
// base64(user:password)`; anything else gets 401 with a Basic challenge, as GitHub answers.
// Pushes are allowed (REMOTE_USER is set). Lives on the thread that made it.
class GitHttpServer : public QObject
{
    Q_OBJECT
public:
    GitHttpServer(const QString &root, const QByteArray &user, const QByteArray &password,
                  QObject *parent = nullptr);
    // The same, on `server` under `mount` (e.g. "/git"), beside whatever else it serves — a
    // forge whose API and git share one origin — and accepting whoever `accepts` takes.
    using Accepts = std::function<bool(const QByteArray &user, const QByteArray &password)>;
    GitHttpServer(LoopbackHttpServer &server, const QString &mount, const QString &root,
                  Accepts accepts, QObject *parent = nullptr);
    ~GitHttpServer() override;

    bool isListening() const { return m_http->isListening(); }
    QString origin() const;                        // http://127.0.0.1:PORT
    QString repoUrl(const QString &name) const;    // origin + mount + "/" + name

    // Every Authorization header value received (empty for a request without one).
    const QList<QByteArray> &authorizations() const { return m_authorizations; }
    int served() const { return m_served; }      // requests handed to git-http-backend
    int refused() const { return m_refused; }    // requests answered 401

private:
    void handle(const HttpRequest &request, HttpResponder responder);

    std::unique_ptr<LoopbackHttpServer> m_own;
    LoopbackHttpServer *m_http;
    QString m_mount;
    QString m_root;
    QString m_home;
    Accepts m_accepts;
    QList<QByteArray> m_authorizations;
    int m_served = 0;
    int m_refused = 0;
};

} // namespace squad::test
