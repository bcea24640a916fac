// SPDX-License-Identifier: MIT
#pragma once

// Internal to services/git: what both diff paths (libgit2's own diff, parsed patch text)
// share in turning libgit2's objects into the value types of diff.h.

#include "git/diff.h"

#include <git2.h>

namespace squad::git {

// Appends the patch's hunks and lines to `file` and counts its additions and deletions; with
// `statsOnly`, only counts. `contentHint`: bytes the lines' text will take at most (the
// patch text's size will do), or -1 to ask libgit2.
void readPatch(git_patch *patch, DiffFile &file, bool statsOnly, qsizetype contentHint = -1);

// Puts the files in the order git prints them (by path, bytewise; a deleted file by its old
// path) and merges the "deleted + added" pair git and libgit2 make of a path whose type
// changed (file to symlink, or back) into one TypeChanged file.
void finishDiff(Diff &diff);

// The text after a hunk header's second "@@", without the line break.
QString hunkHeaderText(const char *header, size_t length);

} // namespace squad::git
