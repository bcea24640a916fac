// SPDX-License-Identifier: MIT
#include "sandboxchanges.h"

#include "core/futures.h"
#include "git/gitdiffengine.h"
#include "sandbox/sandboxservice.h"

#include <QDirIterator>
#include <QFileSystemWatcher>
#include <QPromise>
#include <QTimer>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace squad::git {

QFuture<Result<QByteArray>> sandboxPatch(SandboxService &service, const QString &id,
                                         const SandboxDiffRequest &request, QObject *context)
{
    auto promise = std::make_shared<QPromise<Result<QByteArray>>>();
    promise->start();
    CommandSpec spec;
    spec.argv = sandboxDiffCommand(request);
    // Reading the changes is not using the sandbox: no last-used stamp, no audit row per look.
    CommandRun *run = service.inspect(id, spec, context);
    auto out = std::make_shared<QByteArray>();
    auto err = std::make_shared<QByteArray>();
    QObject::connect(run, &CommandRun::output, context,
                     [out, err](CommandRun::Channel channel, const QByteArray &data) {
                         (channel == CommandRun::Channel::Stdout ? *out : *err).append(data);
                     });
    QObject::connect(run, &CommandRun::finished, context, [run, out, err, promise] {
        run->deleteLater();
        const Result<CommandOutcome> &outcome = run->result();
        if (!outcome) {
            promise->addResult(fail(outcome.error()));
        } else if (outcome->exitCode != 0) {
            const QString why = QString::fromUtf8(err->trimmed());
            promise->addResult(fail(ErrorCode::Unavailable,
                                    why.isEmpty() ? u"git diff failed in the sandbox (exit code %1)"_s.arg(
                                                        outcome->exitCode)
                                                  : u"git diff failed in the sandbox: %1"_s.arg(why)));
        } else {
            promise->addResult(std::move(*out));
        }
        promise->finish();
    });
    return promise->future();
}

QFuture<Result<Diff>> sandboxDiff(SandboxService &service, const QString &id,
                                  const SandboxDiffRequest &request, QObject *context)
{
    return sandboxPatch(service, id, request, context)
        .then(context, [](const Result<QByteArray> &patch) {
            if (!patch)
                return readyFuture<Result<Diff>>(fail(patch.error()));
            return QtConcurrent::run([text = *patch] { return parsePatch(text); });
        })
        .unwrap();
}

ChangeWatch::ChangeWatch(QObject *parent)
    : QObject(parent)
    , m_quiet(new QTimer(this))
    , m_poll(new QTimer(this))
{
    m_quiet->setSingleShot(true);
    m_quiet->setInterval(QuietMs);
    connect(m_quiet, &QTimer::timeout, this, &ChangeWatch::changed);
    connect(m_poll, &QTimer::timeout, this, &ChangeWatch::changed);
}

ChangeWatch::~ChangeWatch() = default;

void ChangeWatch::watchFolder(const QString &path)
{
    stop();
    m_root = path;
    m_folders = new QFileSystemWatcher(this);
    connect(m_folders, &QFileSystemWatcher::directoryChanged, this, &ChangeWatch::onFolderChanged);
    connect(m_folders, &QFileSystemWatcher::fileChanged, this, &ChangeWatch::onFolderChanged);
    addFolders(path);
}

void ChangeWatch::poll(int intervalMs)
{
    stop();
    m_poll->start(intervalMs);
}

void ChangeWatch::stop()
{
    m_poll->stop();
    m_quiet->stop();
    delete m_folders;
    m_folders = nullptr;
    m_root.clear();
}

void ChangeWatch::addFolders(const QString &root)
{
    // Folders tell of files added, removed and renamed in them, files of their own writes; the
    // index and HEAD of git add and commit. Past MaxWatched paths (the system's limit on
    // watches is shared by every program of the user) the files are left out and polled for.
    QStringList folders{root};
    QStringList files;
    bool tooMany = false;
    QDirIterator it(root, QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        // .git's objects and logs change on every git command and say nothing new.
        if (path.contains(u"/.git/"_s) || path.endsWith(u"/.git"_s))
            continue;
        if (it.fileInfo().isDir())
            folders << path;
        else if (files.size() + folders.size() < MaxWatched)
            files << path;
        else
            tooMany = true;
    }
    for (const QString &file : {u"/.git/index"_s, u"/.git/HEAD"_s}) {
        if (QFileInfo::exists(root + file))
            files << root + file;
    }
    m_folders->addPaths(folders);
    if (!files.isEmpty())
        m_folders->addPaths(files);
    if (tooMany)
        m_poll->start(PollMs);
}

void ChangeWatch::onFolderChanged(const QString &path)
{
    // A new folder (mkdir -p src/new) is watched from now on, with what it holds.
    if (m_folders && QFileInfo(path).isDir()) {
        QStringList watchedList = m_folders->directories() + m_folders->files();
        const QSet<QString> watched(watchedList.cbegin(), watchedList.cend());
        QDirIterator it(path, QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden,
                        QDirIterator::Subdirectories);
        QStringList added;
        while (it.hasNext() && watched.size() + added.size() < MaxWatched) {
            const QString entry = it.next();
            if (!entry.contains(u"/.git/"_s) && !entry.endsWith(u"/.git"_s) && !watched.contains(entry))
                added << entry;
        }
        if (!added.isEmpty())
            m_folders->addPaths(added);
    }
    // A file replaced by rename is dropped from the watch; it is added back.
    if (m_folders && !QFileInfo(path).isDir() && QFileInfo::exists(path) && !m_folders->files().contains(path))
        m_folders->addPath(path);
    m_quiet->start();
}

} // namespace squad::git
