// SPDX-License-Identifier: MIT
#pragma once

#include "difflayout.h"
#include "diffwords.h"
#include "git/diff.h"

#include <QAbstractScrollArea>
#include <QCache>
#include <QColor>
#include <QFont>
#include <QHash>
#include <QSet>
#include <QTextLayout>

namespace squad {

// A diff, virtualized: the view keeps a compact row index (DiffLayout: file headers, hunk
// headers, lines, folds; 16 bytes a row) and shapes and paints only the rows in sight, so a
// 200,000-line diff costs its row index and a screenful of text. No QTextDocument, no widget
// per line. Rows have one height; the vertical scroll bar counts rows.
//
// Unified (old and new line numbers, then the line) or side by side (old left, new right).
// A deleted line and the added line paired with it (the k-th of a block each) have their
// changed words highlighted, computed when the pair is first painted and cached.
// Hide whitespace (see DiffLayout): lines that differ only in blanks show as context, and the
// word highlight ignores blanks.
// Files over 1 MiB of text or with a line over 5,000 characters are folded behind
// "Show anyway"; a diff over 50 MiB is refused with a message and not laid out at all.
//
// Keys: ] or Alt+Down next file, [ or Alt+Up previous file; n or Ctrl+Down next hunk, p or
// Ctrl+Up previous hunk; Home/End (also with Ctrl) top/bottom; PageUp/PageDown, arrows;
// Enter shows the current file when it is folded; Ctrl+C copies the selected lines (dragged
// with the mouse; in side by side, of the side the drag started on); Ctrl+A selects all.
// Tabs are expanded to TabWidth columns; long lines scroll horizontally (no wrapping).
class DiffView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int TabWidth = 4;

    explicit DiffView(QWidget *parent = nullptr);
    ~DiffView() override;

    // Shows `diff`. When it has the file shown now (by path), that file stays current and the
    // view stays on the same line of it; the change is painted once, without a blank frame.
    void setDiff(const git::Diff &diff);
    const git::Diff &diff() const { return m_diff; }

    void setMode(DiffMode mode);
    DiffMode mode() const { return m_mode; }
    void setHideWhitespace(bool hide);
    bool hideWhitespace() const { return m_hideWhitespace; }

    // The diff is too large to show (over DiffLayout::MaxDiffBytes): the view shows why.
    bool isRefused() const { return m_layout.isRefused(); }
    // What the view shows instead of rows: the refusal, or "No changes."; empty otherwise.
    QString messageText() const;

    int fileCount() const { return int(m_diff.files.size()); }
    // The file at the top of the view, or the one navigated to last; -1 without files.
    int currentFile() const { return m_currentFile; }
    // Scrolls `file`'s header to the top and makes it current.
    void setCurrentFile(int file);
    int fileOfPath(const QString &path) const { return m_fileByPath.value(path, -1); }

    bool isFolded(int file) const;
    // Shows a folded file after all (kept across setDiff() by path).
    void showFileAnyway(int file);

    void nextFile();
    void previousFile();
    void nextHunk();
    void previousHunk();
    void scrollToTop();
    void scrollToBottom();

    // The selected lines' text, one per line (without +/- markers); empty without a selection.
    QString selectedText() const;
    void copy() const;
    void selectAll();
    void clearSelection();

    // For the pane and tests: the row index, the rows in sight, where a row is painted.
    const DiffLayout &layout() const { return m_layout; }
    int topRow() const;
    int visibleRowCount() const;
    int rowHeight() const { return m_rowHeight; }
    QRect rowRect(int row) const;
    // Where "Show anyway" is painted for `file` (viewport coordinates); null when not in sight.
    QRect showAnywayRect(int file) const;
    // The text a row shows on a side (Unified: the one text; side by side: 0 old, 1 new).
    QString rowText(int row, int side = 0) const;
    // The changed words of a line, as the word highlight paints them (in its own text, tabs
    // not expanded): computed on demand, like the paint does.
    TextSpans changedSpans(int file, int line) const;
    // A line whose ending changed (CRLF on one side of a pair, LF on the other): the text
    // reads the same, so the view marks the carriage return with a highlighted "␍".
    bool showsCarriageReturn(int file, int line, int partner) const;

Q_SIGNALS:
    void currentFileChanged(int file);
    void modeChanged(squad::DiffMode mode);
    void hideWhitespaceChanged(bool hide);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Colours
    {
        QColor base, text, muted, border, gutter, lineNumber;
        QColor addedLine, addedGutter, addedWord;
        QColor deletedLine, deletedGutter, deletedWord;
        QColor hunk, hunkText, header, filler, selection, link, accent, added, deleted;
    };
    // A line's text, tab-expanded and shaped, with its changed words as x ranges.
    struct ShapedLine
    {
        QTextLayout layout;
        std::vector<std::pair<qreal, qreal>> changed;
        qreal width = 0;
    };
    // Where a scroll position was, so that a new layout can return to it.
    struct Anchor
    {
        QString path;
        int rowInFile = 0;
        int oldLine = -1;
        int newLine = -1;
        bool valid = false;
    };
    enum class Side { Unified, Old, New };

    void relayout(const Anchor &anchor, int fallbackRow);
    Anchor anchor() const;
    void restore(const Anchor &anchor, int fallbackRow);
    void updateMetrics();
    void updateColours();
    void updateScrollBars();
    void clearCaches();
    void setTopRow(int row);
    void goToRow(int row, int file); // navigation: scroll there, make `file` current
    void setCurrentFileInternal(int file);
    void followScroll();

    // Layout of the columns.
    int numberWidth() const;
    int markerWidth() const { return m_charWidth * 2; }
    int unifiedTextLeft() const { return 2 * numberWidth() + markerWidth(); }
    int halfWidth() const { return viewport()->width() / 2; }
    int sideTextLeft() const { return numberWidth() + markerWidth(); }
    int textAreaWidth() const;

    void paintRow(QPainter &painter, int row, const QRect &rect);
    void paintFileHeader(QPainter &painter, const DiffRow &row, const QRect &rect);
    void paintUnifiedLine(QPainter &painter, int rowIndex, const DiffRow &row, const QRect &rect);
    void paintSideLine(QPainter &painter, int rowIndex, const DiffRow &row, const QRect &rect);
    // One side's cell: gutter with `number`, marker, text (clipped to `rect`).
    void paintCell(QPainter &painter, const QRect &rect, int file, int line, int partner,
                   int number, int otherNumber, git::DiffLine::Kind kind, bool selected);
    // `left` < 0: where the text column starts.
    void paintMessageRow(QPainter &painter, const QRect &rect, const QString &text,
                         int left = -1);
    void paintFoldRow(QPainter &painter, const DiffRow &row, const QRect &rect);
    void paintMessage(QPainter &painter);
    QRect foldLinkRect(const QRect &rowRect, int file) const;
    QString foldText(int file) const;
    QFont messageFont() const; // the italic of fold, binary and other message rows

    const ShapedLine &shaped(int file, int line, int partner);
    const WordDiff &wordDiff(int file, int deletedLine, int addedLine) const;
    QString lineText(int file, int line) const;
    int rowAt(int y) const;
    Side sideAt(int x) const;
    bool isSelected(int row, Side side) const;

    git::Diff m_diff;
    DiffLayout m_layout;
    QHash<QString, int> m_fileByPath;
    QSet<QString> m_unfoldedPaths;
    DiffMode m_mode = DiffMode::Unified;
    bool m_hideWhitespace = false;
    int m_currentFile = -1;
    // The hunk or file header navigated to last (marked), until the user scrolls.
    int m_navigatedRow = -1;
    bool m_navigating = false;

    QFont m_font;
    QFont m_boldFont;
    QFont m_uiFont;
    int m_rowHeight = 18;
    int m_charWidth = 8;
    int m_digits = 3;
    qreal m_textWidth = 0; // the widest text known (grows as lines are shaped)
    bool m_rangePending = false;
    Colours m_colours;

    int m_selectionAnchor = -1;
    int m_selectionEnd = -1;
    Side m_selectionSide = Side::Unified;
    bool m_selecting = false;

    QCache<quint64, ShapedLine> m_shaped;
    mutable QHash<quint64, WordDiff> m_words;
};

} // namespace squad
