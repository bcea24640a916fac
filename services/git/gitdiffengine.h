// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "git/diff.h"

#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <functional>

namespace squad::git {

struct DiffOptions
{
    int contextLines = 3; // git diff -U<n>
    // git diff -w; a file left without changes is dropped, as git drops it.
    bool ignoreWhitespace = false;
    // Counts, binary flags and sizes only: no hunks, lines or content. What --numstat and
    // --stat need, at a fraction of the memory.
    bool statsOnly = false;
    // Set from any thread to stop a diff under way; it then fails with ErrorCode::Cancelled.
    const std::atomic<bool> *cancel = nullptr;
    // Called on the diffing thread for every file examined, with the number examined so far.
    std::function<void(int examined)> progress;
};

// The working tree of the repository at (or above) `repoPath` against its HEAD, as
// `git diff HEAD` shows it after `git add --intent-to-add` of every untracked file:
// staged and unstaged changes, untracked files (not ignored ones) with their content,
// renames and copies found as git -M -C finds them, a file turned into a symlink (or back)
// as one TypeChanged file, a file with a merge conflict as it is now (markers and all). A
// repository without commits diffs against the empty tree.
// The index is read, never written (no stat refresh is saved).
//
// Blocking and thread-safe: run it on a worker thread; everything libgit2 is opened and
// freed inside the call. Fails with NotFound when `repoPath` is not in a git repository,
// InvalidArgument for a bare repository, Cancelled when `options.cancel` was set.
[[nodiscard]] Result<Diff> diffWorkingTree(const QString &repoPath,
                                           const DiffOptions &options = {});

// Parses what `git diff -p` prints (with --binary, -M, -C, any context, quoted or unquoted
// paths) into the same values diffWorkingTree() returns. The text may begin with the
// `--raw --numstat -z` records that git prints before the patch when asked for them (as
// sandboxDiffCommand() does): they carry what patch text leaves out, the modes of a
// renamed or copied file without changes and whether a file without a patch body
// (renamed, mode changed) is binary. Preamble lines before the first `diff --git` are
// skipped; text without any is an empty diff.
//
// Uses libgit2's parser (git_diff_from_buffer) and works around its gaps in 1.5.1:
// see patchparse.cpp. Pure, blocking, thread-safe. Fails with InvalidArgument (saying
// which file and why) when the text is not a git patch or is damaged.
[[nodiscard]] Result<Diff> parsePatch(QByteArrayView text);

// The part of `text` (as sandboxDiffCommand() prints it) from the first `diff --git` on:
// the patch without the records before it.
QByteArrayView patchText(QByteArrayView text);

} // namespace squad::git
