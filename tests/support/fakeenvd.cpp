// SPDX-License-Identifier: MIT
#include "fakeenvd.h"

#include "e2b/connectenvelope.h"
#include "fakee2b.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace squad::test {

namespace {

constexpr auto SandboxHome = "/home/user";

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray eventFrame(const QJsonObject &event)
{
    return connect::encodeEnvelope(compact(QJsonObject{{u"event"_s, event}}));
}

// A unary call's Connect error: the code's HTTP status and {"code", "message"}.
HttpResponse connectError(int status, const QString &code, const QString &message)
{
    return HttpResponse::json(status, QJsonObject{{u"code"_s, code}, {u"message"_s, message}});
}

// Errors raised before envd's Connect handlers (the proxy, the token check): plain HTTP with
// {"code": <status>, "message"}.
HttpResponse plainError(int status, const QString &message, const QString &sandboxId = {})
{
    QJsonObject body{{u"code"_s, status}, {u"message"_s, message}};
    if (!sandboxId.isEmpty())
        body.insert(u"sandboxId"_s, sandboxId);
    return HttpResponse::json(status, body);
}

const HttpHeaders StreamHeaders{{"Content-Type", "application/connect+json"}};

// A streamed call that fails before any event: status 200, one end-of-stream envelope with
// the error, as connect-go answers a server-streaming call.
void endStreamWithError(const HttpResponder &responder, const QString &code, const QString &message)
{
    responder.begin(200, StreamHeaders);
    responder.write(connect::encodeEnvelope(
        compact(QJsonObject{{u"error"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}}),
        connect::EndStreamFlag));
    responder.finish();
}

} // namespace

struct FakeEnvd::Process
{
    explicit Process(HttpResponder answer)
        : responder(std::move(answer))
    {}

    QString sandboxId;
    QJsonObject config;
    QProcess *process = nullptr;
    HttpResponder responder;
    qint64 pid = 0;
    QTimer *deadline = nullptr; // Connect-Timeout-Ms: the process's life
};

FakeEnvd::FakeEnvd(LoopbackHttpServer &server, FakeE2b &e2b, QString root, QObject *parent)
    : QObject(parent)
    , m_e2b(e2b)
    , m_root(std::move(root))
{
    server.route(
        "POST", u"/process.Process/Start"_s,
        [this](const HttpRequest &request, HttpResponder responder) { start(request, responder); });
    server.route("POST", u"/process.Process/SendSignal"_s,
                 [this](const HttpRequest &request, HttpResponder responder) {
                     sendSignal(request, responder);
                 });
    server.route(
        "POST", u"/process.Process/List"_s,
        [this](const HttpRequest &request, HttpResponder responder) { list(request, responder); });
    server.route("GET", u"/files"_s, [this](const HttpRequest &request, HttpResponder responder) {
        readFile(request, responder);
    });
    server.route("POST", u"/files"_s, [this](const HttpRequest &request, HttpResponder responder) {
        writeFile(request, responder);
    });
}

FakeEnvd::~FakeEnvd()
{
    for (Process *p : std::as_const(m_processes)) {
        p->process->disconnect(this);
        if (p->pid > 0)
            ::kill(-pid_t(p->pid), SIGKILL);
        p->process->waitForFinished(5000);
        delete p;
    }
}

QString FakeEnvd::home(const QString &sandboxId) const
{
    const QString path = m_root + u'/' + sandboxId;
    QDir().mkpath(path);
    return path;
}

int FakeEnvd::runningCount(const QString &sandboxId) const
{
    int count = 0;
    for (const Process *p : m_processes)
        count += sandboxId.isEmpty() || p->sandboxId == sandboxId;
    return count;
}

void FakeEnvd::killAll(const QString &sandboxId)
{
    for (Process *p : std::as_const(m_processes)) {
        if (p->sandboxId == sandboxId) {
            ::kill(-pid_t(p->pid), SIGKILL);
        }
    }
}

QString FakeEnvd::resolve(const QString &sandboxId, const QString &path) const
{
    const QString base = home(sandboxId);
    if (path.isEmpty() || path == QLatin1String(SandboxHome))
        return base;
    if (path.startsWith(QLatin1String(SandboxHome) + u'/'))
        return base + path.mid(qsizetype(qstrlen(SandboxHome)));
    if (QDir::isAbsolutePath(path))
        return path; // outside the home (/tmp, ...): this machine's, as a sandbox's own
    return QDir::cleanPath(base + u'/' + path);
}

bool FakeEnvd::admit(const HttpRequest &request, const HttpResponder &responder,
                     QString *sandboxId) const
{
    const QString id = QString::fromUtf8(request.header("E2b-Sandbox-Id"));
    const auto sandbox = m_e2b.sandboxes.constFind(id);
    if (id.isEmpty() || sandbox == m_e2b.sandboxes.cend() || sandbox->state != u"running") {
        responder.send(plainError(502, u"The sandbox was not found"_s, id));
        return false;
    }
    if (request.header("E2b-Sandbox-Port") != "49983") {
        responder.send(plainError(502, u"The sandbox is running but port is not open"_s, id));
        return false;
    }
    if (request.header("X-Access-Token")
        != sandbox->detail().value("envdAccessToken"_L1).toString().toUtf8()) {
        responder.send(plainError(401,
                                  u"unauthorized access, please provide a valid access token or "
                                  "method signing if supported"_s));
        return false;
    }
    *sandboxId = id;
    return true;
}

void FakeEnvd::start(const HttpRequest &request, HttpResponder responder)
{
    QString sandboxId;
    if (!admit(request, responder, &sandboxId))
        return;
    if (!request.header("Content-Type").startsWith("application/connect+json")) {
        responder.send(
            HttpResponse::empty(415).withHeader("Accept-Post", "application/connect+json"));
        return;
    }
    connect::EnvelopeReader reader;
    reader.feed(request.body);
    const auto envelope = reader.next();
    if (!envelope || !*envelope || reader.hasPartial()) {
        endStreamWithError(responder, u"invalid_argument"_s, u"malformed request envelope"_s);
        return;
    }
    const QJsonObject config
        = QJsonDocument::fromJson((*envelope)->payload).object().value("process"_L1).toObject();
    const QString cmd = config.value("cmd"_L1).toString();
    if (cmd.isEmpty()) {
        endStreamWithError(responder, u"invalid_argument"_s, u"process.cmd is required"_s);
        return;
    }
    const QString cwd = resolve(sandboxId, config.value("cwd"_L1).toString());
    if (!QFileInfo(cwd).isDir()) {
        endStreamWithError(responder, u"invalid_argument"_s,
                           u"cwd '%1' does not exist"_s.arg(config.value("cwd"_L1).toString()));
        return;
    }

    QStringList args;
    for (const QJsonValue &arg : config.value("args"_L1).toArray())
        args << arg.toString();
    QProcessEnvironment env;
    env.insert(u"PATH"_s, qEnvironmentVariable("PATH", u"/usr/local/bin:/usr/bin:/bin"_s));
    env.insert(u"HOME"_s, home(sandboxId));
    env.insert(u"USER"_s, u"user"_s);
    env.insert(u"LANG"_s, u"C.UTF-8"_s);
    const QJsonObject envs = config.value("envs"_L1).toObject();
    for (auto it = envs.begin(); it != envs.end(); ++it)
        env.insert(it.key(), it.value().toString());

    auto *p = new Process(responder);
    p->sandboxId = sandboxId;
    p->config = config;
    p->process = new QProcess(this);
    p->process->setProgram(cmd);
    p->process->setArguments(args);
    p->process->setWorkingDirectory(cwd);
    p->process->setProcessEnvironment(env);
    // Its own process group, so a signal reaches what a shell started too.
    p->process->setChildProcessModifier([] { ::setpgid(0, 0); });
    m_started << sandboxId + u": "_s + QStringList(QStringList{cmd} + args).join(u' ');

    QProcess *process = p->process;
    connect(process, &QProcess::started, this, [this, p] {
        p->pid = p->process->processId();
        m_processes.insert(p->pid, p);
        p->responder.begin(200, StreamHeaders);
        p->responder.write(eventFrame({{u"start"_s, QJsonObject{{u"pid"_s, p->pid}}}}));
    });
    const auto relay = [p](const char *key, const QByteArray &bytes) {
        if (!bytes.isEmpty()) {
            p->responder.write(eventFrame(
                {{u"data"_s,
                  QJsonObject{{QLatin1String(key), QString::fromLatin1(bytes.toBase64())}}}}));
        }
    };
    connect(process, &QProcess::readyReadStandardOutput, this,
            [p, relay] { relay("stdout", p->process->readAllStandardOutput()); });
    connect(process, &QProcess::readyReadStandardError, this,
            [p, relay] { relay("stderr", p->process->readAllStandardError()); });
    connect(process, &QProcess::finished, this,
            [this, p, relay](int exitCode, QProcess::ExitStatus status) {
                relay("stdout", p->process->readAllStandardOutput());
                relay("stderr", p->process->readAllStandardError());
                QJsonObject end;
                if (status == QProcess::NormalExit) {
                    if (exitCode != 0)
                        end.insert(u"exitCode"_s, exitCode); // proto3 JSON leaves zero out
                    end.insert(u"exited"_s, true);
                    end.insert(u"status"_s, u"exit status %1"_s.arg(exitCode));
                } else {
                    end.insert(u"exitCode"_s, -1);
                    end.insert(u"status"_s, u"signal: killed"_s);
                }
                p->responder.write(eventFrame({{u"end"_s, end}}));
                p->responder.write(connect::encodeEnvelope("{}", connect::EndStreamFlag));
                p->responder.finish();
                if (p->deadline)
                    p->deadline->stop();
                m_processes.remove(p->pid);
                p->process->deleteLater();
                delete p;
            });
    connect(process, &QProcess::errorOccurred, this, [p](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        endStreamWithError(
            p->responder, u"internal"_s,
            u"error starting process: exec: \"%1\": executable file not found in $PATH"_s.arg(
                p->config.value("cmd"_L1).toString()));
        if (p->deadline)
            p->deadline->stop();
        p->process->deleteLater();
        delete p;
    });
    // envd takes the call's deadline as the process's life.
    if (const int lifeMs = request.header("Connect-Timeout-Ms").toInt(); lifeMs > 0) {
        p->deadline = new QTimer(process);
        p->deadline->setSingleShot(true);
        connect(p->deadline, &QTimer::timeout, this, [p] {
            if (p->pid > 0)
                ::kill(-pid_t(p->pid), SIGKILL);
        });
        p->deadline->start(lifeMs);
    }
    process->start();
}

void FakeEnvd::sendSignal(const HttpRequest &request, HttpResponder responder)
{
    QString sandboxId;
    if (!admit(request, responder, &sandboxId))
        return;
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const qint64 pid = body.value("process"_L1).toObject().value("pid"_L1).toInteger();
    const QString signal = body.value("signal"_L1).toString();
    Process *p = m_processes.value(pid);
    if (!p || p->sandboxId != sandboxId) {
        responder.send(
            connectError(404, u"not_found"_s, u"process with pid %1 not found"_s.arg(pid)));
        return;
    }
    if (signal != u"SIGNAL_SIGKILL" && signal != u"SIGNAL_SIGTERM") {
        responder.send(
            connectError(400, u"invalid_argument"_s, u"invalid signal: %1"_s.arg(signal)));
        return;
    }
    ::kill(-pid_t(pid), signal == u"SIGNAL_SIGKILL" ? SIGKILL : SIGTERM);
    responder.send(HttpResponse::json(200, QJsonObject{}));
}

void FakeEnvd::list(const HttpRequest &request, HttpResponder responder)
{
    QString sandboxId;
    if (!admit(request, responder, &sandboxId))
        return;
    QJsonArray processes;
    for (const Process *p : std::as_const(m_processes)) {
        if (p->sandboxId == sandboxId)
            processes.append(QJsonObject{{u"config"_s, p->config}, {u"pid"_s, p->pid}});
    }
    responder.send(HttpResponse::json(200, QJsonObject{{u"processes"_s, processes}}));
}

void FakeEnvd::readFile(const HttpRequest &request, HttpResponder responder)
{
    QString sandboxId;
    if (!admit(request, responder, &sandboxId))
        return;
    const QString asked = request.query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
    const QString path = resolve(sandboxId, asked);
    const QFileInfo info(path);
    if (info.isDir()) {
        responder.send(plainError(400, u"path '%1' is a directory"_s.arg(asked)));
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        responder.send(plainError(404, u"path '%1' does not exist"_s.arg(asked)));
        return;
    }
    responder.send(HttpResponse::text(200, file.readAll(), "application/octet-stream"));
}

void FakeEnvd::writeFile(const HttpRequest &request, HttpResponder responder)
{
    QString sandboxId;
    if (!admit(request, responder, &sandboxId))
        return;
    QString asked = request.query.queryItemValue(u"path"_s, QUrl::FullyDecoded);
    QByteArray data = request.body;
    const QByteArray type = request.header("Content-Type");
    if (type.startsWith("multipart/form-data")) {
        // The part named "file": its body runs from after its headers to the next boundary.
        const QByteArray boundary
            = "--" + QByteArray(type).mid(type.indexOf("boundary=") + 9).replace('"', "");
        const qsizetype part = data.indexOf(boundary);
        const qsizetype headersEnd = data.indexOf("\r\n\r\n", part);
        const qsizetype next = data.indexOf(QByteArray("\r\n" + boundary), headersEnd);
        if (part < 0 || headersEnd < 0 || next < 0) {
            responder.send(plainError(400, u"error parsing multipart form"_s));
            return;
        }
        const QByteArray headers = data.mid(part, headersEnd - part);
        if (asked.isEmpty()) {
            const qsizetype name = headers.indexOf("filename=\"");
            asked = QString::fromUtf8(
                headers.mid(name + 10, headers.indexOf('"', name + 10) - name - 10));
        }
        data = data.mid(headersEnd + 4, next - headersEnd - 4);
    }
    const QString path = resolve(sandboxId, asked);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (asked.isEmpty() || !file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        responder.send(plainError(400, u"cannot write '%1'"_s.arg(asked)));
        return;
    }
    file.write(data);
    responder.send(
        HttpResponse::json(200, QJsonArray{QJsonObject{{u"path"_s, asked},
                                                       {u"name"_s, QFileInfo(asked).fileName()},
                                                       {u"type"_s, u"file"_s}}}));
}

} // namespace squad::test
