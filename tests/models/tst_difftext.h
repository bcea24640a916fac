// SPDX-License-Identifier: MIT
// Test support for the diff view's tests: a git::Diff from a unified diff's text, so that a
// test reads like the diff it shows. Not a product parser (the engine has libgit2's): only
// what the tests write — "diff --git", "new file mode", "deleted file mode", "old mode" /
// "new mode", "similarity index", "rename from/to", "copy from/to", "Binary files … differ",
// "---" / "+++", "@@ -a,b +c,d @@ name", ' ', '-', '+' lines and "\ No newline at end of file".
#pragma once

#include "git/diff.h"

#include <QString>
#include <QStringList>

namespace squad::testing {

using namespace Qt::StringLiterals;

inline QString stripSide(const QString &path)
{
    if (path == u"/dev/null")
        return {};
    if (path.startsWith(u"a/") || path.startsWith(u"b/"))
        return path.mid(2);
    return path;
}

// "@@ -12,7 +12,9 @@ name" → start and count of each side, and the name.
inline bool parseHunkHeader(const QString &line, git::DiffHunk *hunk)
{
    const qsizetype close = line.indexOf(u"@@", 2);
    if (close < 0)
        return false;
    const QStringList ranges = line.mid(2, close - 2).trimmed().split(u' ', Qt::SkipEmptyParts);
    if (ranges.size() != 2)
        return false;
    auto side = [](QStringView range, int *start, int *count) {
        const qsizetype comma = range.indexOf(u',');
        *start = range.mid(1, comma < 0 ? -1 : comma - 1).toInt();
        *count = comma < 0 ? 1 : range.mid(comma + 1).toInt();
    };
    side(ranges.at(0), &hunk->oldStart, &hunk->oldLines);
    side(ranges.at(1), &hunk->newStart, &hunk->newLines);
    hunk->header = line.mid(close + 2).trimmed();
    return true;
}

inline git::Diff parseDiffText(const QString &text)
{
    git::Diff diff;
    git::DiffFile *file = nullptr;
    bool sawMinus = false;
    int oldLine = 0;
    int newLine = 0;
    int oldLeft = 0; // lines the current hunk's header still announces
    int newLeft = 0;
    auto startFile = [&] {
        diff.files.append(git::DiffFile());
        file = &diff.files.last();
        sawMinus = false;
    };
    const QStringList lines = text.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (i + 1 == lines.size() && line.isEmpty())
            break; // the text's last line break
        const bool inHunk = oldLeft > 0 || newLeft > 0;
        if (!inHunk && line.startsWith(u"diff --git ")) {
            startFile();
            const QStringList words = line.mid(11).split(u' ');
            file->oldPath = stripSide(words.value(0));
            file->newPath = stripSide(words.value(1));
            continue;
        }
        if (!inHunk && line.startsWith(u"--- ") && (!file || !file->hunks.isEmpty() || sawMinus))
            startFile();
        if (!inHunk && line.startsWith(u"--- ") && file->hunks.isEmpty()) {
            file->oldPath = stripSide(line.mid(4));
            sawMinus = true;
            if (file->oldPath.isEmpty())
                file->status = git::FileStatus::Added;
            continue;
        }
        if (!file)
            continue;
        if (!inHunk && line.startsWith(u"+++ ") && file->hunks.isEmpty()) {
            file->newPath = stripSide(line.mid(4));
            if (file->newPath.isEmpty())
                file->status = git::FileStatus::Deleted;
            continue;
        }
        if (!inHunk && line.startsWith(u"new file mode ")) {
            file->status = git::FileStatus::Added;
            file->oldPath.clear();
            file->newMode = line.mid(14).toUInt(nullptr, 8);
        } else if (!inHunk && line.startsWith(u"deleted file mode ")) {
            file->status = git::FileStatus::Deleted;
            file->newPath.clear();
            file->oldMode = line.mid(18).toUInt(nullptr, 8);
        } else if (!inHunk && line.startsWith(u"old mode ")) {
            file->oldMode = line.mid(9).toUInt(nullptr, 8);
        } else if (!inHunk && line.startsWith(u"new mode ")) {
            file->newMode = line.mid(9).toUInt(nullptr, 8);
        } else if (!inHunk && line.startsWith(u"similarity index ")) {
            file->similarity = line.mid(17).chopped(1).toInt();
        } else if (!inHunk && line.startsWith(u"rename from ")) {
            file->status = git::FileStatus::Renamed;
            file->oldPath = line.mid(12);
        } else if (!inHunk && line.startsWith(u"rename to ")) {
            file->newPath = line.mid(10);
        } else if (!inHunk && line.startsWith(u"copy from ")) {
            file->status = git::FileStatus::Copied;
            file->oldPath = line.mid(10);
        } else if (!inHunk && line.startsWith(u"copy to ")) {
            file->newPath = line.mid(8);
        } else if (!inHunk && line.startsWith(u"Binary files ")) {
            file->binary = true;
        } else if (!inHunk && line.startsWith(u"@@")) {
            git::DiffHunk hunk;
            if (parseHunkHeader(line, &hunk)) {
                hunk.firstLine = int(file->lines.size());
                file->hunks.append(hunk);
                oldLine = hunk.oldStart;
                newLine = hunk.newStart;
                oldLeft = hunk.oldLines;
                newLeft = hunk.newLines;
            }
        } else if (line.startsWith(u'\\')) {
            if (!file->lines.empty())
                file->lines.back().noNewlineAtEnd = true;
        } else if (inHunk) { // a line of the hunk, whatever it looks like
            git::DiffLine diffLine;
            const QByteArray bytes = line.mid(1).toUtf8();
            diffLine.offset = quint32(file->content.size());
            diffLine.length = quint32(bytes.size());
            file->content += bytes;
            if (line.startsWith(u'-')) {
                diffLine.kind = git::DiffLine::Kind::Deleted;
                diffLine.oldLine = oldLine++;
                --oldLeft;
                ++file->deletions;
            } else if (line.startsWith(u'+')) {
                diffLine.kind = git::DiffLine::Kind::Added;
                diffLine.newLine = newLine++;
                --newLeft;
                ++file->additions;
            } else {
                diffLine.oldLine = oldLine++;
                diffLine.newLine = newLine++;
                --oldLeft;
                --newLeft;
            }
            file->lines.push_back(diffLine);
            ++file->hunks.last().lineCount;
        }
    }
    return diff;
}

// A modified file `path` with one hunk of `count` lines: every third line replaced.
inline git::DiffFile generatedFile(const QString &path, int count, int firstLine = 1)
{
    QString text = u"--- a/%1\n+++ b/%1\n"_s.arg(path);
    int oldCount = 0;
    int newCount = 0;
    QString body;
    for (int i = 0; i < count; ++i) {
        if (i % 3 == 1) {
            body += u"-    value_%1 = compute(%1);\n"_s.arg(i);
            body += u"+    value_%1 = compute(%1, options);\n"_s.arg(i);
            ++oldCount;
            ++newCount;
            ++i;
        } else {
            body += u"     context line %1\n"_s.arg(i);
            ++oldCount;
            ++newCount;
        }
    }
    text += u"@@ -%1,%2 +%1,%3 @@ section\n"_s.arg(firstLine).arg(oldCount).arg(newCount) + body;
    return parseDiffText(text).files.value(0);
}

} // namespace squad::testing
