// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "e2b/connectenvelope.h"

#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

class QNetworkReply;

namespace squad {

class EnvdClient;

// What envd's unary calls and its folder watch answer (`process.proto`, `filesystem.proto`),
// read from the JSON codec. proto3 JSON leaves out default values, so a field envd did not
// send keeps the default written here.

// A process envd runs (`ProcessInfo` with its `ProcessConfig`).
struct EnvdProcess
{
    quint32 pid = 0;
    QString cmd;
    QStringList args;
    QMap<QString, QString> envs;
    std::optional<QString> cwd;  // absent: envd started it in the user's home
    std::optional<QString> tag;  // set by whoever started it, to find it again
};

// A file, folder or symlink (`EntryInfo`). envd's Stat and MakeDir fill only some fields.
struct EnvdEntry
{
    enum class Type { Unspecified, File, Directory, Symlink };

    QString name;
    Type type = Type::Unspecified;
    QString path;
    qint64 size = 0;
    quint32 mode = 0;        // permission bits, 0644
    QString permissions;     // as ls prints them: "-rw-r--r--"
    QString owner;
    QString group;
    QDateTime modifiedTime;  // UTC; null when envd did not say
    std::optional<QString> symlinkTarget;
    QMap<QString, QString> metadata;  // the file's `user.e2b.*` xattrs, prefix stripped
};

// One change in a watched folder (`FilesystemEvent`). A change with several kinds at once
// (created and written) arrives as one event per kind.
struct EnvdFilesystemEvent
{
    enum class Type { Unspecified, Create, Write, Remove, Rename, Chmod };

    QString name;  // relative to the watched folder
    Type type = Type::Unspecified;
    std::optional<EnvdEntry> entry;  // with includeEntry, when the entry could still be read
};

struct EnvdWatchOptions
{
    bool recursive = false;           // envd ≥ 0.1.4
    bool includeEntry = false;        // envd ≥ 0.6.3
    bool allowNetworkMounts = false;  // envd ≥ 0.6.4
};

// One `filesystem.Filesystem/WatchDir` stream: started() once envd watches the folder,
// filesystemEvent() for each change (not "event", which would hide QObject::event), and
// finished() exactly once: on cancel(), when the stream fails, or when envd ends it (a
// success). Lives on its client's thread. Dropping the stream (cancel, or deleting the watch)
// is what makes envd stop watching.
class EnvdWatch : public QObject
{
    Q_OBJECT
public:
    ~EnvdWatch() override;

    void cancel();
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_result.has_value(); }
    // Valid once finished() was emitted.
    const Result<void> &result() const { return *m_result; }

Q_SIGNALS:
    void started();
    void filesystemEvent(const squad::EnvdFilesystemEvent &event);
    void finished();

private:
    friend class EnvdClient;
    EnvdWatch(EnvdClient *client, const QString &path, const EnvdWatchOptions &options,
              QObject *parent);

    void readEvents();
    void handle(const connect::Envelope &envelope);
    void onStreamEnded();
    void end(Result<void> result);

    QString m_what;
    QPointer<QNetworkReply> m_reply;
    connect::EnvelopeReader m_reader;
    int m_silenceMs = 0;
    bool m_started = false;
    std::optional<Result<void>> m_result;
};

} // namespace squad
