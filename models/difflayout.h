// SPDX-License-Identifier: MIT
#pragma once

#include "git/diff.h"

#include <vector>

namespace squad {

enum class DiffMode : quint8 { Unified, SideBySide };

// One row of the diff view: all rows have the same height, so a row index is a scroll
// position and the view finds what to paint by indexing. 16 bytes; 200,000 lines cost 3 MB.
struct DiffRow
{
    enum class Kind : quint8 {
        FileHeader, // the file's status, path and counts
        HunkHeader, // "@@ -12,7 +12,9 @@ name"; a = the hunk's index in the file
        // Unified: a = the line shown (index into DiffFile::lines), b = the line it pairs with
        // for the word highlight, or -1. Side by side: a = the old side's line, b = the new
        // side's, either -1 where that side has no line.
        Line,
        Fold,      // the file is too large to show by default; "Show anyway"
        Binary,    // "Binary file, 12.3 KiB → 14.0 KiB"
        NoContent, // no hunks: renamed or mode changed only, or an empty file
        Spacer,    // the gap after a file (not after the last)
    };
    enum Flag : quint8 {
        // Hide whitespace: a deleted line (b) and an added line (a; in side by side a is the
        // deleted, b the added) that differ in whitespace only, shown as one context line.
        WhitespaceOnly = 0x1,
    };

    qint32 file = 0;
    qint32 a = -1;
    qint32 b = -1;
    Kind kind = Kind::Line;
    quint8 flags = 0;
};
static_assert(sizeof(DiffRow) <= 16);

// Why a file is folded behind "Show anyway" (GitHub Desktop's rule: a large diff, or any line
// long enough to make a slow, unreadable row).
enum class FoldReason : quint8 { None, LargeFile, LongLine };

// The rows of a diff as the view shows them, built in one pass over the lines (no text is
// shaped or decoded, except to count the characters of very long lines and, with hide
// whitespace on, to compare changed lines). A value: the view rebuilds it when the diff, the
// mode, the whitespace setting or a fold changes.
//
// Hide whitespace is the view's own reading of `git diff -w`: inside each run of deleted lines
// followed by added lines, lines that are equal once all whitespace is removed are matched
// (longest common subsequence) and shown once, as context; the rest stay deleted and added.
// Line numbers and the file's +/− counts are the engine's, unchanged.
class DiffLayout
{
public:
    // Sizes count the bytes of the lines' text (DiffFile::content).
    static constexpr qint64 MaxDiffBytes = 50ll * 1024 * 1024; // refused above: no rows at all
    static constexpr qint64 FoldFileBytes = 1024 * 1024;       // folded above
    static constexpr int FoldLineChars = 5000;                 // folded with a longer line

    DiffLayout() = default;
    // `unfolded[i]` true: file i is shown even when it would fold (missing entries: false).
    static DiffLayout build(const git::Diff &diff, DiffMode mode, bool hideWhitespace,
                            const std::vector<bool> &unfolded = {});

    static qint64 contentBytes(const git::Diff &diff);
    static FoldReason foldReason(const git::DiffFile &file);

    bool isRefused() const { return m_refused; }
    qint64 bytes() const { return m_bytes; }
    DiffMode mode() const { return m_mode; }
    bool hidesWhitespace() const { return m_hideWhitespace; }

    int rowCount() const { return int(m_rows.size()); }
    const DiffRow &row(int index) const { return m_rows[std::size_t(index)]; }
    const std::vector<DiffRow> &rows() const { return m_rows; }

    int fileCount() const { return int(m_fileRows.size()); }
    // The file's header row, and one past its last row.
    int fileRow(int file) const { return m_fileRows[std::size_t(file)]; }
    int fileEndRow(int file) const;
    // The file a row belongs to (-1 when there are no rows).
    int fileAt(int row) const;
    FoldReason foldReasonOf(int file) const { return m_folds[std::size_t(file)]; }
    bool isFolded(int file) const;
    // Every hunk header row, ascending.
    const std::vector<int> &hunkRows() const { return m_hunkRows; }

    // For the gutters and the horizontal range: the largest line number shown, and the longest
    // line in bytes (a character count can only be smaller; tabs are widened when shaped).
    int maxLineNumber() const { return m_maxLineNumber; }
    int maxLineBytes() const { return m_maxLineBytes; }

    // The first row of `file` that shows a line with this old-side number (or, with
    // `oldLine` < 0, this new-side number); -1 when none does. Old numbers first: a live diff
    // of a work tree against HEAD keeps them while the agent edits.
    int rowOfLineNumber(const git::Diff &diff, int file, int oldLine, int newLine) const;

private:
    void addHunkRows(const git::DiffFile &file, int fileIndex, const git::DiffHunk &hunk);
    void addBlock(const git::DiffFile &file, int fileIndex, int firstDeleted, int deletedCount,
                  int firstAdded, int addedCount);
    void addChanges(int fileIndex, int firstDeleted, int deletedCount, int firstAdded,
                    int addedCount);
    void addRow(int file, DiffRow::Kind kind, int a = -1, int b = -1, quint8 flags = 0);

    std::vector<DiffRow> m_rows;
    std::vector<int> m_fileRows;
    std::vector<FoldReason> m_folds;
    std::vector<bool> m_unfolded;
    std::vector<int> m_hunkRows;
    qint64 m_bytes = 0;
    int m_maxLineNumber = 0;
    int m_maxLineBytes = 0;
    DiffMode m_mode = DiffMode::Unified;
    bool m_hideWhitespace = false;
    bool m_refused = false;
};

} // namespace squad
