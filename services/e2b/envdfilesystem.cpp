// SPDX-License-Identifier: MIT
// EnvdClient's unary calls (process List, filesystem Stat/ListDir/MakeDir/Remove) and the
// folder watch (WatchDir, streamed), with the JSON codec as `process.proto` and
// `filesystem.proto` define them.
#include "envdfilesystem.h"

#include "core/timestamp.h"
#include "e2b/e2berrors.h"
#include "e2b/envdclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPromise>

#include <array>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// proto3 JSON writes 64-bit integers as strings (JavaScript's numbers cannot hold them);
// parsers must take numbers as well, for every integer type.
qint64 integerField(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().toLongLong();
    return value.toInteger();
}

// An enum by its name, as the JSON codec writes it, or by its number, which parsers must
// accept too. Anything else is the enum's UNSPECIFIED (index 0).
template<class Enum, std::size_t N>
Enum enumField(const QJsonValue &value, const std::array<QLatin1StringView, N> &names)
{
    if (value.isString()) {
        const QString name = value.toString();
        for (std::size_t i = 0; i < N; ++i) {
            if (name == names[i])
                return Enum(i);
        }
        return Enum(0);
    }
    const qint64 number = value.toInteger(-1);
    return number >= 0 && number < qint64(N) ? Enum(number) : Enum(0);
}

constexpr std::array FileTypeNames{"FILE_TYPE_UNSPECIFIED"_L1, "FILE_TYPE_FILE"_L1,
                                   "FILE_TYPE_DIRECTORY"_L1, "FILE_TYPE_SYMLINK"_L1};
constexpr std::array EventTypeNames{"EVENT_TYPE_UNSPECIFIED"_L1, "EVENT_TYPE_CREATE"_L1,
                                    "EVENT_TYPE_WRITE"_L1,       "EVENT_TYPE_REMOVE"_L1,
                                    "EVENT_TYPE_RENAME"_L1,      "EVENT_TYPE_CHMOD"_L1};

// google.protobuf.Timestamp: RFC 3339, which Go writes in UTC with 0, 3, 6 or 9 fractional
// digits. QDateTime reads milliseconds at most, so the fraction is cut (or padded) to three
// digits first; that also lets the common "Z" form take the fast parser.
QDateTime timestampField(const QJsonValue &value)
{
    QString text = value.toString().toUpper();  // RFC 3339 allows 't' and 'z'
    if (text.size() < 20)
        return {};
    QString fraction;
    qsizetype end = 19;
    if (text[19] == u'.') {
        end = 20;
        while (end < text.size() && text[end].isDigit())
            ++end;
        fraction = text.mid(20, std::min<qsizetype>(end - 20, 3));
    }
    fraction.append(u"000"_s);
    text = text.left(19) + u'.' + fraction.left(3) + text.mid(end);
    return parseTimestamp(text);
}

QMap<QString, QString> stringMap(const QJsonValue &value)
{
    QMap<QString, QString> map;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

std::optional<QString> optionalString(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    if (!value.isString())
        return std::nullopt;
    return value.toString();
}

EnvdEntry entryFrom(const QJsonObject &json)
{
    EnvdEntry entry;
    entry.name = json.value("name"_L1).toString();
    entry.type = enumField<EnvdEntry::Type>(json.value("type"_L1), FileTypeNames);
    entry.path = json.value("path"_L1).toString();
    entry.size = integerField(json.value("size"_L1));
    entry.mode = quint32(integerField(json.value("mode"_L1)));
    entry.permissions = json.value("permissions"_L1).toString();
    entry.owner = json.value("owner"_L1).toString();
    entry.group = json.value("group"_L1).toString();
    entry.modifiedTime = timestampField(json.value("modifiedTime"_L1));
    entry.symlinkTarget = optionalString(json, "symlinkTarget"_L1);
    entry.metadata = stringMap(json.value("metadata"_L1));
    return entry;
}

QList<EnvdEntry> entriesFrom(const QJsonObject &response)
{
    QList<EnvdEntry> entries;
    const QJsonArray array = response.value("entries"_L1).toArray();
    entries.reserve(array.size());
    for (const QJsonValue &entry : array)
        entries.append(entryFrom(entry.toObject()));
    return entries;
}

QList<EnvdProcess> processesFrom(const QJsonObject &response)
{
    QList<EnvdProcess> processes;
    const QJsonArray array = response.value("processes"_L1).toArray();
    processes.reserve(array.size());
    for (const QJsonValue &item : array) {
        const QJsonObject info = item.toObject();
        const QJsonObject config = info.value("config"_L1).toObject();
        EnvdProcess process;
        process.pid = quint32(integerField(info.value("pid"_L1)));
        process.cmd = config.value("cmd"_L1).toString();
        for (const QJsonValue &arg : config.value("args"_L1).toArray())
            process.args.append(arg.toString());
        process.envs = stringMap(config.value("envs"_L1));
        process.cwd = optionalString(config, "cwd"_L1);
        process.tag = optionalString(info, "tag"_L1);
        processes.append(std::move(process));
    }
    return processes;
}

EnvdFilesystemEvent eventFrom(const QJsonObject &json)
{
    EnvdFilesystemEvent event;
    event.name = json.value("name"_L1).toString();
    event.type = enumField<EnvdFilesystemEvent::Type>(json.value("type"_L1), EventTypeNames);
    if (const QJsonValue entry = json.value("entry"_L1); entry.isObject())
        event.entry = entryFrom(entry.toObject());
    return event;
}

// How one unary call ended, from its finished reply.
Result<QJsonObject> unaryOutcome(QNetworkReply *reply, const QString &what,
                                 const QString &acceptedError, int timeoutMs)
{
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid()) {
        // Nothing aborts a unary call but its transfer timeout.
        if (reply->error() == QNetworkReply::OperationCanceledError) {
            return fail(ErrorCode::Timeout,
                        u"%1 failed: the sandbox did not answer within %2 s."_s.arg(
                            what, QString::number(timeoutMs / 1000.0)),
                        reply->errorString());
        }
        return fail(ErrorCode::Unavailable,
                    u"%1 failed: the sandbox could not be reached."_s.arg(what),
                    reply->errorString());
    }
    const QByteArray body = reply->readAll();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (status.toInt() == 200) {
        if (!document.isObject()) {
            return fail(ErrorCode::Provider,
                        u"%1 failed: the sandbox's answer could not be read."_s.arg(what),
                        parseError.errorString());
        }
        return document.object();
    }
    // Connect names its error code with a string; the proxy and envd's token check answer
    // before Connect does, with a number.
    const QJsonObject error = document.object();
    const QJsonValue code = error.value("code"_L1);
    if (!code.isString())
        return tl::unexpected(envdHttpError(status.toInt(), body, what));
    if (!acceptedError.isEmpty() && code.toString() == acceptedError)
        return error;
    return tl::unexpected(
        connect::errorFromConnect(code.toString(), error.value("message"_L1).toString(), what));
}

} // namespace

QFuture<Result<QJsonObject>> EnvdClient::unary(const QString &rpc, const QJsonObject &body,
                                               const QString &what, const QString &acceptedError)
{
    auto promise = std::make_shared<QPromise<Result<QJsonObject>>>();
    promise->start();
    QNetworkReply *reply
        = m_network->post(request(rpc, false), QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this,
            [reply, promise, what, acceptedError, timeoutMs = m_requestTimeoutMs] {
                reply->deleteLater();
                promise->addResult(unaryOutcome(reply, what, acceptedError, timeoutMs));
                promise->finish();
            });
    return promise->future();
}

// The continuations below only parse: they run where the reply finished, on this thread.

QFuture<Result<QList<EnvdProcess>>> EnvdClient::listProcesses()
{
    return unary(u"process.Process/List"_s, {}, u"Listing the sandbox's processes"_s)
        .then([](const Result<QJsonObject> &response) {
            return response.transform(processesFrom);
        });
}

QFuture<Result<EnvdEntry>> EnvdClient::stat(const QString &path)
{
    return unary(u"filesystem.Filesystem/Stat"_s, {{u"path"_s, path}},
                 u"Looking up %1 in the sandbox"_s.arg(path))
        .then([](const Result<QJsonObject> &response) {
            return response.transform([](const QJsonObject &json) {
                return entryFrom(json.value("entry"_L1).toObject());
            });
        });
}

QFuture<Result<QList<EnvdEntry>>> EnvdClient::listDir(const QString &path, quint32 depth)
{
    QJsonObject body{{u"path"_s, path}};
    if (depth > 0)  // proto3 JSON leaves the default out
        body.insert(u"depth"_s, qint64(depth));
    return unary(u"filesystem.Filesystem/ListDir"_s, body, u"Listing %1 in the sandbox"_s.arg(path))
        .then([](const Result<QJsonObject> &response) { return response.transform(entriesFrom); });
}

QFuture<Result<bool>> EnvdClient::makeDir(const QString &path)
{
    // envd answers already_exists only when a folder is there; a file there is
    // invalid_argument, which stays an error.
    static const QString AlreadyExists = u"already_exists"_s;
    return unary(u"filesystem.Filesystem/MakeDir"_s, {{u"path"_s, path}},
                 u"Making the folder %1 in the sandbox"_s.arg(path), AlreadyExists)
        .then([](const Result<QJsonObject> &response) {
            return response.transform([](const QJsonObject &json) {
                return json.value("code"_L1).toString() != AlreadyExists;
            });
        });
}

QFuture<Result<void>> EnvdClient::remove(const QString &path)
{
    return unary(u"filesystem.Filesystem/Remove"_s, {{u"path"_s, path}},
                 u"Removing %1 from the sandbox"_s.arg(path))
        .then([](const Result<QJsonObject> &response) {
            return response.transform([](const QJsonObject &) {});
        });
}

EnvdWatch *EnvdClient::watchDir(const QString &path, const EnvdWatchOptions &options,
                                QObject *parent)
{
    return new EnvdWatch(this, path, options, parent);
}

EnvdWatch::EnvdWatch(EnvdClient *client, const QString &path, const EnvdWatchOptions &options,
                     QObject *parent)
    : QObject(parent)
    , m_what(u"Watching %1 in the sandbox"_s.arg(path))
{
    QJsonObject body{{u"path"_s, path}};
    // proto3 JSON leaves false out, and envd before 0.6.3 knows neither of the later fields.
    if (options.recursive)
        body.insert(u"recursive"_s, true);
    if (options.includeEntry)
        body.insert(u"includeEntry"_s, true);
    if (options.allowNetworkMounts)
        body.insert(u"allowNetworkMounts"_s, true);
    const QNetworkRequest request = client->request(u"filesystem.Filesystem/WatchDir"_s, true);
    m_silenceMs = request.transferTimeout();
    m_reply = client->m_network->post(
        request, connect::encodeEnvelope(QJsonDocument(body).toJson(QJsonDocument::Compact)));
    connect(m_reply, &QNetworkReply::readyRead, this, [this] { readEvents(); });
    connect(m_reply, &QNetworkReply::finished, this, [this] { onStreamEnded(); });
    // The client's network manager takes its replies with it, without a finished().
    connect(m_reply, &QObject::destroyed, this, [this] {
        end(fail(ErrorCode::Cancelled,
                 u"%1 stopped: the sandbox's client was closed."_s.arg(m_what)));
    });
}

EnvdWatch::~EnvdWatch()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void EnvdWatch::cancel()
{
    end(fail(ErrorCode::Cancelled, u"%1 was cancelled."_s.arg(m_what)));
}

void EnvdWatch::readEvents()
{
    if (isFinished() || !m_reply)
        return;
    if (m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;  // an HTTP-level failure: its body is read whole when the reply ends
    m_reader.feed(m_reply->readAll());
    // A receiver may delete the watch from a signal.
    const QPointer<EnvdWatch> alive(this);
    while (alive && !isFinished()) {
        auto next = m_reader.next();
        if (!next) {
            end(fail(next.error()));
            return;
        }
        if (!*next)
            return;
        handle(**next);
    }
}

void EnvdWatch::handle(const connect::Envelope &envelope)
{
    if (envelope.endOfStream()) {
        end(connect::endOfStreamOutcome(envelope.payload));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(envelope.payload, &parseError);
    if (!document.isObject()) {
        end(fail(ErrorCode::Provider,
                 u"%1 failed: the sandbox sent an unreadable event."_s.arg(m_what),
                 parseError.errorString()));
        return;
    }
    // WatchDirResponse's oneof: the member's name is the key.
    const QJsonObject response = document.object();
    if (const QJsonValue change = response.value("filesystem"_L1); change.isObject()) {
        Q_EMIT filesystemEvent(eventFrom(change.toObject()));
    } else if (response.value("start"_L1).isObject()) {
        m_started = true;
        Q_EMIT started();
    }
    // keepalive: nothing to do; its arrival is what keeps the transfer timeout at bay.
}

void EnvdWatch::onStreamEnded()
{
    if (isFinished())
        return;
    const QPointer<EnvdWatch> alive(this);
    readEvents();
    if (!alive || isFinished() || !m_reply)
        return;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid() && status.toInt() != 200) {
        end(tl::unexpected(envdHttpError(status.toInt(), m_reply->readAll(), m_what)));
    } else if (m_reply->error() == QNetworkReply::OperationCanceledError) {
        // Only the transfer timeout aborts the reply while it is connected to us.
        end(fail(ErrorCode::Timeout,
                 u"%1 stopped: the sandbox sent nothing, not even a keepalive, for %2 s."_s.arg(
                     m_what, QString::number(m_silenceMs / 1000)),
                 m_reply->errorString()));
    } else if (!status.isValid()) {
        end(fail(ErrorCode::Unavailable,
                 u"%1 failed: the sandbox could not be reached."_s.arg(m_what),
                 m_reply->errorString()));
    } else {
        const QString why = m_reader.hasPartial()
                                ? u"the connection to the sandbox broke in the middle of an event"_s
                                : u"the connection to the sandbox closed without an end"_s;
        end(fail(ErrorCode::Unavailable, u"%1 stopped: %2."_s.arg(m_what, why),
                 m_reply->errorString()));
    }
}

void EnvdWatch::end(Result<void> result)
{
    if (isFinished())
        return;
    m_result = std::move(result);
    // Closing the stream is what stops envd's watcher; a stream that ended is only released.
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    Q_EMIT finished();
}

} // namespace squad
