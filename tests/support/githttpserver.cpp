// SPDX-License-Identifier: MIT
#include "githttpserver.h"

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace squad::test {

GitHttpServer::GitHttpServer(const QString &root, const QByteArray &user,
                             const QByteArray &password, QObject *parent)
    : GitHttpServer(*new LoopbackHttpServer, QString(), root,
                    [user, password](const QByteArray &u, const QByteArray &p) {
                        return u == user && p == password;
                    },
                    parent)
{
    m_own.reset(m_http);
}

GitHttpServer::GitHttpServer(LoopbackHttpServer &server, const QString &mount, const QString &root,
                             Accepts accepts, QObject *parent)
    : QObject(parent)
    , m_http(&server)
    , m_mount(mount)
    , m_root(root)
    , m_home(QDir(root).filePath(u".server-home"_s))
    , m_accepts(std::move(accepts))
{
    // The backend reads no config of the person running the tests.
    QDir().mkpath(m_home);
    m_http->route("*", m_mount + u"/{path*}"_s,
                  [this](const HttpRequest &request, HttpResponder responder) {
                      handle(request, std::move(responder));
                  });
}

GitHttpServer::~GitHttpServer() = default;

QString GitHttpServer::origin() const
{
    return u"http://127.0.0.1:%1"_s.arg(m_http->port());
}

QString GitHttpServer::repoUrl(const QString &name) const
{
    return origin() + m_mount + u'/' + name;
}

void GitHttpServer::handle(const HttpRequest &request, HttpResponder responder)
{
    const QByteArray authorization = request.header("Authorization");
    m_authorizations.append(authorization);
    const QByteArray credentials = authorization.startsWith("Basic ")
        ? QByteArray::fromBase64(authorization.mid(6))
        : QByteArray();
    const qsizetype colon = credentials.indexOf(':');
    if (colon < 0 || !m_accepts(credentials.left(colon), credentials.mid(colon + 1))) {
        ++m_refused;
        responder.send(HttpResponse::text(401, "Authentication required\n")
                           .withHeader("WWW-Authenticate", "Basic realm=\"git\""));
        return;
    }
    ++m_served;

    QProcessEnvironment env;
    env.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    env.insert(u"HOME"_s, m_home);
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"GIT_PROJECT_ROOT"_s, m_root);
    env.insert(u"GIT_HTTP_EXPORT_ALL"_s, u"1"_s);
    env.insert(u"GATEWAY_INTERFACE"_s, u"CGI/1.1"_s);
    env.insert(u"SERVER_PROTOCOL"_s, u"HTTP/1.1"_s);
    env.insert(u"REQUEST_METHOD"_s, QString::fromLatin1(request.method));
    env.insert(u"PATH_INFO"_s, QUrl::fromPercentEncoding(request.path).mid(m_mount.size()));
    env.insert(u"QUERY_STRING"_s, request.query.toString(QUrl::FullyEncoded));
    env.insert(u"CONTENT_TYPE"_s, QString::fromLatin1(request.header("Content-Type")));
    env.insert(u"CONTENT_LENGTH"_s, QString::number(request.body.size()));
    env.insert(u"REMOTE_ADDR"_s, u"127.0.0.1"_s);
    env.insert(u"REMOTE_USER"_s, u"x-access-token"_s);  // receive-pack needs an authenticated user
    if (request.hasHeader("Git-Protocol"))
        env.insert(u"HTTP_GIT_PROTOCOL"_s, QString::fromLatin1(request.header("Git-Protocol")));
    if (request.hasHeader("Content-Encoding"))
        env.insert(u"HTTP_CONTENT_ENCODING"_s,
                   QString::fromLatin1(request.header("Content-Encoding")));

    auto *cgi = new QProcess(this);
    cgi->setProcessEnvironment(env);
    connect(cgi, &QProcess::finished, this, [cgi, responder] {
        cgi->deleteLater();
        const QByteArray output = cgi->readAllStandardOutput();
        // CGI: header lines, a blank line, the body; "Status:" carries the HTTP status.
        qsizetype split = output.indexOf("\r\n\r\n");
        qsizetype skip = 4;
        if (split < 0) {
            split = output.indexOf("\n\n");
            skip = 2;
        }
        if (split < 0) {
            responder.send(HttpResponse::text(502, "git-http-backend said nothing usable\n"
                                                       + cgi->readAllStandardError()));
            return;
        }
        HttpResponse response;
        response.body = output.mid(split + skip);
        for (const QByteArray &line : output.left(split).split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name.compare("Status", Qt::CaseInsensitive) == 0) {
                response.status = value.left(3).toInt();
                response.reason = value.mid(4);
            } else if (name.compare("Content-Length", Qt::CaseInsensitive) != 0) {
                response.headers.append({name, value});
            }
        }
        responder.send(response);
    });
    cgi->start(u"/usr/lib/git-core/git-http-backend"_s, {});
    cgi->write(request.body);
    cgi->closeWriteChannel();
}

} // namespace squad::test
