// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace squad::git {

struct SandboxDiffRequest
{
    // The repository's folder, relative to the sandbox's home (or absolute). Empty: the
    // folder GitOps clones repoUrl into (repos/NAME), or the one plain `git clone` makes
    // (NAME), if it holds a repository; else the one repository found at most three folders
    // below the home (hidden folders skipped); else an error.
    QString repoDir;
    QString repoUrl;
    int contextLines = 3;
    bool ignoreWhitespace = false;
};

// The argv (run from the sandbox's home; POSIX sh and git >= 2.11 there) that prints the
// diff of the sandbox's repository for parsePatch(): HEAD (or the empty tree) against the
// working tree, untracked files included, as `git diff --raw --numstat -z -p --binary -M -C`
// prints it, with git's output forced to one form whatever the sandbox's git config says.
//
// Untracked files are made visible with `git add --intent-to-add` on a copy of the index
// (GIT_INDEX_FILE in a temporary folder): the agent's own index is never written, not even
// by git's opportunistic stat refresh. Exit 3 with a message on stderr when there is no
// repository to diff.
QStringList sandboxDiffCommand(const SandboxDiffRequest &request);

// The folder `git clone URL` creates: "https://github.com/o/repo.git" -> "repo".
QString cloneFolderName(const QString &url);

} // namespace squad::git
