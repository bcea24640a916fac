// SPDX-License-Identifier: MIT
#include "difflayout.h"

#include "diffwords.h"

#include <algorithm>

namespace squad {

using git::DiffFile;
using git::DiffHunk;
using git::DiffLine;

namespace {

bool isBlankByte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// A line's text with its blanks removed, hashed (FNV-1a): hide whitespace compares these first.
quint32 blankFreeHash(QByteArrayView text)
{
    quint32 hash = 2166136261u;
    for (char c : text) {
        if (isBlankByte(c))
            continue;
        hash ^= quint8(c);
        hash *= 16777619u;
    }
    return hash;
}

bool equalIgnoringBlanks(QByteArrayView a, QByteArrayView b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    for (;;) {
        while (i < a.size() && isBlankByte(a[i]))
            ++i;
        while (j < b.size() && isBlankByte(b[j]))
            ++j;
        if (i == a.size() || j == b.size())
            return i == a.size() && j == b.size();
        if (a[i] != b[j])
            return false;
        ++i;
        ++j;
    }
}

// UTF-8 characters in `text`: the bytes that do not continue a sequence.
qsizetype characterCount(QByteArrayView text)
{
    qsizetype count = 0;
    for (char c : text)
        count += (quint8(c) & 0xC0) != 0x80 ? 1 : 0;
    return count;
}

} // namespace

qint64 DiffLayout::contentBytes(const git::Diff &diff)
{
    qint64 total = 0;
    for (const DiffFile &file : diff.files)
        total += file.content.size();
    return total;
}

FoldReason DiffLayout::foldReason(const DiffFile &file)
{
    if (file.binary)
        return FoldReason::None;
    if (file.content.size() > FoldFileBytes)
        return FoldReason::LargeFile;
    for (const DiffLine &line : file.lines) {
        // Bytes first: a character count can only be smaller.
        if (line.length > quint32(FoldLineChars) && characterCount(file.text(line)) > FoldLineChars)
            return FoldReason::LongLine;
    }
    return FoldReason::None;
}

DiffLayout DiffLayout::build(const git::Diff &diff, DiffMode mode, bool hideWhitespace,
                             const std::vector<bool> &unfolded)
{
    DiffLayout layout;
    layout.m_mode = mode;
    layout.m_hideWhitespace = hideWhitespace;
    layout.m_bytes = contentBytes(diff);
    if (layout.m_bytes > MaxDiffBytes) {
        layout.m_refused = true;
        return layout;
    }

    const int files = int(diff.files.size());
    std::size_t expected = 0;
    for (const DiffFile &file : diff.files)
        expected += file.lines.size() + std::size_t(file.hunks.size()) + 2;
    layout.m_rows.reserve(expected);
    layout.m_fileRows.reserve(std::size_t(files));
    layout.m_folds.reserve(std::size_t(files));
    layout.m_unfolded = unfolded;
    layout.m_unfolded.resize(std::size_t(files), false);

    for (int f = 0; f < files; ++f) {
        const DiffFile &file = diff.files.at(f);
        const FoldReason fold = foldReason(file);
        layout.m_fileRows.push_back(layout.rowCount());
        layout.m_folds.push_back(fold);
        layout.addRow(f, DiffRow::Kind::FileHeader);
        if (file.binary) {
            layout.addRow(f, DiffRow::Kind::Binary);
        } else if (fold != FoldReason::None && !layout.m_unfolded[std::size_t(f)]) {
            layout.addRow(f, DiffRow::Kind::Fold);
        } else if (file.hunks.isEmpty()) {
            layout.addRow(f, DiffRow::Kind::NoContent);
        } else {
            for (int h = 0; h < file.hunks.size(); ++h) {
                const DiffHunk &hunk = file.hunks.at(h);
                layout.m_hunkRows.push_back(layout.rowCount());
                layout.addRow(f, DiffRow::Kind::HunkHeader, h);
                layout.addHunkRows(file, f, hunk);
                layout.m_maxLineNumber = std::max({layout.m_maxLineNumber,
                                                   hunk.oldStart + hunk.oldLines,
                                                   hunk.newStart + hunk.newLines});
            }
        }
        if (f + 1 < files)
            layout.addRow(f, DiffRow::Kind::Spacer);
    }
    return layout;
}

void DiffLayout::addRow(int file, DiffRow::Kind kind, int a, int b, quint8 flags)
{
    DiffRow row;
    row.file = file;
    row.kind = kind;
    row.a = a;
    row.b = b;
    row.flags = flags;
    m_rows.push_back(row);
}

void DiffLayout::addHunkRows(const DiffFile &file, int fileIndex, const DiffHunk &hunk)
{
    const int count = int(file.lines.size());
    const int end = std::min(count, hunk.firstLine + hunk.lineCount);
    int i = std::max(0, hunk.firstLine);
    while (i < end) {
        const DiffLine &line = file.lines[std::size_t(i)];
        m_maxLineBytes = std::max(m_maxLineBytes, int(line.length));
        if (line.kind == DiffLine::Kind::Context) {
            if (m_mode == DiffMode::Unified)
                addRow(fileIndex, DiffRow::Kind::Line, i);
            else
                addRow(fileIndex, DiffRow::Kind::Line, i, i);
            ++i;
            continue;
        }
        // A block: deleted lines, then the added lines that replace them (either may be none).
        const int firstDeleted = i;
        while (i < end && file.lines[std::size_t(i)].kind == DiffLine::Kind::Deleted)
            m_maxLineBytes = std::max(m_maxLineBytes, int(file.lines[std::size_t(i++)].length));
        const int firstAdded = i;
        while (i < end && file.lines[std::size_t(i)].kind == DiffLine::Kind::Added)
            m_maxLineBytes = std::max(m_maxLineBytes, int(file.lines[std::size_t(i++)].length));
        addBlock(file, fileIndex, firstDeleted, firstAdded - firstDeleted, firstAdded,
                 i - firstAdded);
    }
}

void DiffLayout::addBlock(const DiffFile &file, int fileIndex, int firstDeleted, int deletedCount,
                          int firstAdded, int addedCount)
{
    if (m_hideWhitespace && deletedCount > 0 && addedCount > 0) {
        std::vector<quint32> deletedHashes(static_cast<std::size_t>(deletedCount));
        std::vector<quint32> addedHashes(static_cast<std::size_t>(addedCount));
        for (int k = 0; k < deletedCount; ++k) {
            deletedHashes[std::size_t(k)] = blankFreeHash(
                file.text(file.lines[std::size_t(firstDeleted + k)]));
        }
        for (int k = 0; k < addedCount; ++k) {
            addedHashes[std::size_t(k)] = blankFreeHash(
                file.text(file.lines[std::size_t(firstAdded + k)]));
        }
        auto same = [&](int d, int a) {
            return deletedHashes[std::size_t(d)] == addedHashes[std::size_t(a)]
                   && equalIgnoringBlanks(file.text(file.lines[std::size_t(firstDeleted + d)]),
                                          file.text(file.lines[std::size_t(firstAdded + a)]));
        };
        std::vector<std::pair<int, int>> matches;
        // A block of thousands of unrelated lines is left as it is rather than compared at a
        // cost that grows with the square of its edits.
        if (matchSequences(deletedCount, addedCount, same, 2000, &matches) && !matches.empty()) {
            int d = 0;
            int a = 0;
            for (const auto &[matchedD, matchedA] : matches) {
                addChanges(fileIndex, firstDeleted + d, matchedD - d, firstAdded + a,
                           matchedA - a);
                if (m_mode == DiffMode::Unified) {
                    addRow(fileIndex, DiffRow::Kind::Line, firstAdded + matchedA,
                           firstDeleted + matchedD, DiffRow::WhitespaceOnly);
                } else {
                    addRow(fileIndex, DiffRow::Kind::Line, firstDeleted + matchedD,
                           firstAdded + matchedA, DiffRow::WhitespaceOnly);
                }
                d = matchedD + 1;
                a = matchedA + 1;
            }
            addChanges(fileIndex, firstDeleted + d, deletedCount - d, firstAdded + a,
                       addedCount - a);
            return;
        }
    }
    addChanges(fileIndex, firstDeleted, deletedCount, firstAdded, addedCount);
}

void DiffLayout::addChanges(int fileIndex, int firstDeleted, int deletedCount, int firstAdded,
                            int addedCount)
{
    // The k-th deleted line pairs with the k-th added line, as GitHub pairs them.
    if (m_mode == DiffMode::Unified) {
        for (int k = 0; k < deletedCount; ++k)
            addRow(fileIndex, DiffRow::Kind::Line, firstDeleted + k,
                   k < addedCount ? firstAdded + k : -1);
        for (int k = 0; k < addedCount; ++k)
            addRow(fileIndex, DiffRow::Kind::Line, firstAdded + k,
                   k < deletedCount ? firstDeleted + k : -1);
    } else {
        for (int k = 0; k < std::max(deletedCount, addedCount); ++k)
            addRow(fileIndex, DiffRow::Kind::Line, k < deletedCount ? firstDeleted + k : -1,
                   k < addedCount ? firstAdded + k : -1);
    }
}

int DiffLayout::fileEndRow(int file) const
{
    return file + 1 < fileCount() ? m_fileRows[std::size_t(file + 1)] : rowCount();
}

int DiffLayout::fileAt(int row) const
{
    if (m_fileRows.empty() || row < 0)
        return -1;
    const auto after = std::upper_bound(m_fileRows.begin(), m_fileRows.end(), row);
    return int(after - m_fileRows.begin()) - 1;
}

bool DiffLayout::isFolded(int file) const
{
    return m_folds[std::size_t(file)] != FoldReason::None && !m_unfolded[std::size_t(file)];
}

int DiffLayout::rowOfLineNumber(const git::Diff &diff, int file, int oldLine, int newLine) const
{
    if (file < 0 || file >= fileCount() || file >= diff.files.size())
        return -1;
    const DiffFile &f = diff.files.at(file);
    auto shows = [&](int index) {
        if (index < 0 || std::size_t(index) >= f.lines.size())
            return false;
        const DiffLine &line = f.lines[std::size_t(index)];
        return oldLine >= 0 ? line.oldLine == oldLine : line.newLine == newLine;
    };
    for (int r = fileRow(file), end = fileEndRow(file); r < end; ++r) {
        const DiffRow &candidate = row(r);
        if (candidate.kind != DiffRow::Kind::Line)
            continue;
        // Unified rows show `a`; `b` is only a partner, except on a whitespace-only row, whose
        // deleted line gives the old number.
        const bool showsB = m_mode == DiffMode::SideBySide
                            || (candidate.flags & DiffRow::WhitespaceOnly);
        if (shows(candidate.a) || (showsB && shows(candidate.b)))
            return r;
    }
    return -1;
}

} // namespace squad
