// SPDX-License-Identifier: MIT
#pragma once

#include "git/diff.h"

#include <QByteArray>
#include <QByteArrayView>

namespace squad::git {

// What `git diff --numstat` prints for the same change, byte for byte (git's default
// core.quotePath: paths with bytes outside printable ASCII are C-quoted).
QByteArray formatNumstat(const Diff &diff);

// What `git diff --stat=<width>` prints: a line per file with a +/- graph scaled to the
// width, "Bin 12 -> 34 bytes" for binary files, and the summary line.
QByteArray formatStat(const Diff &diff, int width = 80);

// The diff as one JSON document with snake_case keys, stable for scripts:
// {"files":[{"status","old_path","new_path","old_mode","new_mode","similarity","binary",
//  "old_size","new_size","additions","deletions","hunks":[{"old_start","old_lines",
//  "new_start","new_lines","header","lines":[{"kind","old_line","new_line","text",
//  "no_newline_at_end"}]}]}],"additions","deletions"}. Modes are octal strings ("100644",
// null when the side does not exist), sizes null when unknown, line numbers null on the side
// a line is not on. Text that is not UTF-8 is replaced by U+FFFD.
QByteArray formatJson(const Diff &diff);

// Patch text in git's form (`diff --git` headers, mode, rename and copy lines, hunks,
// "\ No newline at end of file"), without `index` lines: Diff values carry no object ids.
// `git apply` takes it for text files; a binary file shows as "Binary files ... differ".
QByteArray formatPatch(const Diff &diff);

// git's quote_c_style() with core.quotePath true: the path as is, or in double quotes with
// C escapes (\t, \", \\, \303\251) when it has a byte that needs one.
QByteArray quotedPath(QByteArrayView path);

// How git's diffstat names a renamed or copied file: "dir/{old => new}.txt".
QByteArray renameName(QByteArrayView from, QByteArrayView to);

} // namespace squad::git
