// SPDX-License-Identifier: MIT
#include "diffbuild.h"

#include <algorithm>
#include <cstring>

namespace squad::git {

QString hunkHeaderText(const char *header, size_t length)
{
    QByteArrayView text(header, qsizetype(length));
    const qsizetype close = text.size() > 2 ? text.indexOf("@@", 2) : -1;
    if (close < 0)
        return {};
    text = text.sliced(close + 2);
    if (text.startsWith(' '))
        text = text.sliced(1);
    while (text.endsWith('\n') || text.endsWith('\r'))
        text.chop(1);
    return QString::fromUtf8(text);
}

void readPatch(git_patch *patch, DiffFile &file, bool statsOnly, qsizetype contentHint)
{
    if (statsOnly) {
        size_t context = 0, additions = 0, deletions = 0;
        git_patch_line_stats(&context, &additions, &deletions, patch);
        file.additions += int(additions);
        file.deletions += int(deletions);
        return;
    }
    const size_t hunkCount = git_patch_num_hunks(patch);
    if (hunkCount == 0)
        return;
    size_t lineCount = 0;
    for (size_t h = 0; h < hunkCount; ++h)
        lineCount += size_t(qMax(git_patch_num_lines_in_hunk(patch, h), 0));
    if (contentHint < 0)
        contentHint = qsizetype(git_patch_size(patch, 1, 0, 0));

    // Lines and text are written in place into room made once: a patch of 500,000 lines is
    // otherwise as many checked appends, and this is the loop the parser spends its time in.
    const size_t firstLine = file.lines.size();
    file.lines.resize(firstLine + lineCount);
    DiffLine *lineOut = file.lines.data() + firstLine;
    qsizetype used = file.content.size();
    file.content.resize(used + qMax<qsizetype>(contentHint, 0));
    file.hunks.reserve(file.hunks.size() + qsizetype(hunkCount));
    int additions = 0;
    int deletions = 0;

    for (size_t h = 0; h < hunkCount; ++h) {
        const git_diff_hunk *hunk = nullptr;
        size_t linesInHunk = 0;
        if (git_patch_get_hunk(&hunk, &linesInHunk, patch, h) != 0)
            continue;
        DiffHunk out;
        out.oldStart = hunk->old_start;
        out.oldLines = hunk->old_lines;
        out.newStart = hunk->new_start;
        out.newLines = hunk->new_lines;
        out.header = hunkHeaderText(hunk->header, hunk->header_len);
        out.firstLine = int(lineOut - file.lines.data());
        for (size_t l = 0; l < linesInHunk; ++l) {
            const git_diff_line *line = nullptr;
            if (git_patch_get_line_in_hunk(&line, patch, h, l) != 0)
                continue;
            DiffLine::Kind kind;
            switch (line->origin) {
            case GIT_DIFF_LINE_CONTEXT:
                kind = DiffLine::Kind::Context;
                break;
            case GIT_DIFF_LINE_ADDITION:
                kind = DiffLine::Kind::Added;
                ++additions;
                break;
            case GIT_DIFF_LINE_DELETION:
                kind = DiffLine::Kind::Deleted;
                ++deletions;
                break;
            case GIT_DIFF_LINE_CONTEXT_EOFNL:
            case GIT_DIFF_LINE_ADD_EOFNL:
            case GIT_DIFF_LINE_DEL_EOFNL:
                // "\ No newline at end of file" always follows the line it is about.
                if (lineOut - file.lines.data() > out.firstLine)
                    lineOut[-1].noNewlineAtEnd = true;
                continue;
            default:
                continue;
            }
            size_t length = line->content_len;
            if (length > 0 && line->content[length - 1] == '\n')
                --length;
            if (used + qsizetype(length) > file.content.size())
                file.content.resize(qMax(file.content.size() * 2, used + qsizetype(length)));
            std::memcpy(file.content.data() + used, line->content, length);
            DiffLine &value = *lineOut++;
            value.offset = quint32(used);
            value.length = quint32(length);
            value.oldLine = line->old_lineno;
            value.newLine = line->new_lineno;
            value.kind = kind;
            value.noNewlineAtEnd = false;
            used += qsizetype(length);
        }
        out.lineCount = int(lineOut - file.lines.data()) - out.firstLine;
        file.hunks.append(std::move(out));
    }
    file.lines.resize(size_t(lineOut - file.lines.data()));
    file.content.truncate(used);
    file.additions += additions;
    file.deletions += deletions;
}

namespace {

bool isDeletedThenAdded(const DiffFile &deleted, const DiffFile &added)
{
    // Same type on both sides would be a plain modification, which neither makes as a pair.
    return deleted.status == FileStatus::Deleted && added.status == FileStatus::Added
           && deleted.oldPath == added.newPath
           && (deleted.oldMode & 0170000) != (added.newMode & 0170000);
}

DiffFile mergeTypeChange(DiffFile deleted, const DiffFile &added)
{
    DiffFile merged = std::move(deleted);
    merged.status = FileStatus::TypeChanged;
    merged.newPath = added.newPath;
    merged.newMode = added.newMode;
    merged.newSize = added.newSize;
    merged.binary = merged.binary || added.binary;
    merged.additions += added.additions;
    merged.deletions += added.deletions;
    const int lineBase = int(merged.lines.size());
    const auto contentBase = quint32(merged.content.size());
    for (DiffHunk hunk : added.hunks) {
        hunk.firstLine += lineBase;
        merged.hunks.append(std::move(hunk));
    }
    merged.lines.reserve(merged.lines.size() + added.lines.size());
    for (DiffLine line : added.lines) {
        line.offset += contentBase;
        merged.lines.push_back(line);
    }
    merged.content.append(added.content);
    return merged;
}

} // namespace

void finishDiff(Diff &diff)
{
    struct Keyed
    {
        QByteArray key;
        qsizetype index;
    };
    std::vector<Keyed> order;
    order.reserve(size_t(diff.files.size()));
    for (qsizetype i = 0; i < diff.files.size(); ++i)
        order.push_back({diff.files.at(i).path().toUtf8(), i});
    std::stable_sort(order.begin(), order.end(), [&](const Keyed &a, const Keyed &b) {
        const int byPath = std::strcmp(a.key.constData(), b.key.constData());
        if (byPath != 0)
            return byPath < 0;
        // One path twice: the deleted half of a type change before the added half.
        const bool aDeleted = diff.files.at(a.index).status == FileStatus::Deleted;
        const bool bDeleted = diff.files.at(b.index).status == FileStatus::Deleted;
        return aDeleted && !bDeleted;
    });

    QList<DiffFile> sorted;
    sorted.reserve(diff.files.size());
    for (size_t i = 0; i < order.size(); ++i) {
        DiffFile &file = diff.files[order[i].index];
        if (i + 1 < order.size() && isDeletedThenAdded(file, diff.files.at(order[i + 1].index))) {
            sorted.append(mergeTypeChange(std::move(file), diff.files.at(order[i + 1].index)));
            ++i;
            continue;
        }
        sorted.append(std::move(file));
    }
    diff.files = std::move(sorted);
}

} // namespace squad::git
