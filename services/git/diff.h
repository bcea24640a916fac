// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QMetaType>
#include <QString>

#include <vector>

namespace squad::git {

// What happened to one file between the old and the new side.
enum class FileStatus : quint8 { Added, Modified, Deleted, Renamed, Copied, TypeChanged };

// One line of a hunk. Its text lives in the file's `content` buffer (UTF-8, without the
// leading ' ', '+' or '-' and without the line break), so 200,000 lines cost one allocation.
// The line break is the '\n': a CRLF line keeps its '\r', so a changed line ending shows.
struct DiffLine
{
    enum class Kind : quint8 { Context, Added, Deleted };
    quint32 offset = 0;   // into DiffFile::content
    quint32 length = 0;   // bytes
    qint32 oldLine = -1;  // 1-based on the old side; -1 for an added line
    qint32 newLine = -1;  // 1-based on the new side; -1 for a deleted line
    Kind kind = Kind::Context;
    // "\ No newline at end of file" followed this line.
    bool noNewlineAtEnd = false;

    friend bool operator==(const DiffLine &, const DiffLine &) = default;
};

struct DiffHunk
{
    int oldStart = 0;
    int oldLines = 0;
    int newStart = 0;
    int newLines = 0;
    QString header;     // the text after the second "@@" (a function name), may be empty
    int firstLine = 0;  // index of its first line in DiffFile::lines
    int lineCount = 0;

    friend bool operator==(const DiffHunk &, const DiffHunk &) = default;
};

// One changed file, as a value: nothing in it refers to libgit2.
struct DiffFile
{
    FileStatus status = FileStatus::Modified;
    QString oldPath;  // empty for an added file
    QString newPath;  // empty for a deleted file
    quint32 oldMode = 0;  // 0100644, 0100755, 0120000 (symlink), 0160000 (submodule); 0 = none
    quint32 newMode = 0;
    int similarity = 0;  // renames and copies: 0..100
    bool binary = false;
    qint64 oldSize = -1;  // bytes, when known (binary files always try to know); -1 = unknown
    qint64 newSize = -1;
    int additions = 0;
    int deletions = 0;
    QList<DiffHunk> hunks;
    std::vector<DiffLine> lines;
    QByteArray content;  // the lines' text, see DiffLine

    // The path to show: the new one, or the old one for a deleted file.
    const QString &path() const { return newPath.isEmpty() ? oldPath : newPath; }
    QByteArrayView text(const DiffLine &line) const
    {
        return QByteArrayView(content.constData() + line.offset, line.length);
    }

    friend bool operator==(const DiffFile &, const DiffFile &) = default;
};

// A whole diff, as the engine computed or parsed it.
struct Diff
{
    QList<DiffFile> files;  // in path order

    int additions() const;
    int deletions() const;
    qsizetype lineCount() const;

    friend bool operator==(const Diff &, const Diff &) = default;
};

// "added", "modified", "deleted", "renamed", "copied", "type-changed": --json and tests.
QString fileStatusName(FileStatus status);

} // namespace squad::git

Q_DECLARE_METATYPE(squad::git::Diff)
