// SPDX-License-Identifier: MIT
#include "diff.h"

using namespace Qt::StringLiterals;

namespace squad::git {

int Diff::additions() const
{
    int total = 0;
    for (const DiffFile &file : files)
        total += file.additions;
    return total;
}

int Diff::deletions() const
{
    int total = 0;
    for (const DiffFile &file : files)
        total += file.deletions;
    return total;
}

qsizetype Diff::lineCount() const
{
    qsizetype total = 0;
    for (const DiffFile &file : files)
        total += qsizetype(file.lines.size());
    return total;
}

QString fileStatusName(FileStatus status)
{
    switch (status) {
    case FileStatus::Added: return u"added"_s;
    case FileStatus::Modified: return u"modified"_s;
    case FileStatus::Deleted: return u"deleted"_s;
    case FileStatus::Renamed: return u"renamed"_s;
    case FileStatus::Copied: return u"copied"_s;
    case FileStatus::TypeChanged: return u"type-changed"_s;
    }
    return u"modified"_s;
}

} // namespace squad::git
