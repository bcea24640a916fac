// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "git/diff.h"
#include "git/sandboxdiff.h"

#include <QFuture>
#include <QObject>
#include <QSet>

class QFileSystemWatcher;
class QTimer;

namespace squad {
class SandboxService;
}

namespace squad::git {

// What sandboxDiffCommand() printed in the sandbox `id` (its own exit code and stderr turned
// into an error), run through SandboxService::inspect(). The run is owned by `context`; the future finishes on its thread.
QFuture<Result<QByteArray>> sandboxPatch(SandboxService &service, const QString &id,
                                         const SandboxDiffRequest &request, QObject *context);
// The same, parsed (on a pool thread: a large patch takes a while).
QFuture<Result<Diff>> sandboxDiff(SandboxService &service, const QString &id,
                                  const SandboxDiffRequest &request, QObject *context);

// Tells when a sandbox's files may have changed, so a live diff is computed again only then:
// a folder on this machine is watched (inotify and its kin: its folders and files, .git's
// insides but the index and HEAD left out), anything else is polled. Bursts (a build writing hundreds of files) come out as
// one changed() after `quietMs` without news. Lives on one thread.
class ChangeWatch : public QObject
{
    Q_OBJECT
public:
    explicit ChangeWatch(QObject *parent = nullptr);
    ~ChangeWatch() override;

    static constexpr int QuietMs = 300;
    static constexpr int PollMs = 3000;
    // Paths one folder's watch takes at most; beyond them it is polled as well.
    static constexpr int MaxWatched = 4000;

    // Watches the folder `path` on this machine.
    void watchFolder(const QString &path);
    // Polls: changed() every `intervalMs` (for a sandbox elsewhere, such as E2B's).
    void poll(int intervalMs = PollMs);
    void stop();
    bool isWatchingFolder() const { return m_folders != nullptr; }

Q_SIGNALS:
    void changed();

private:
    void addFolders(const QString &root);
    void onFolderChanged(const QString &path);

    QFileSystemWatcher *m_folders = nullptr;
    QTimer *m_quiet = nullptr;
    QTimer *m_poll = nullptr;
    QString m_root;
};

} // namespace squad::git
