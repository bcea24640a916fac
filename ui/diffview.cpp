// SPDX-License-Identifier: MIT
#include "diffview.h"

#include "diffpresentation.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextOption>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace squad {

using git::DiffFile;
using git::DiffLine;
using Kind = DiffRow::Kind;

namespace {

QColor mixed(const QColor &from, const QColor &to, qreal amount)
{
    const qreal keep = 1 - amount;
    return QColor::fromRgbF(float(from.redF() * keep + to.redF() * amount),
                            float(from.greenF() * keep + to.greenF() * amount),
                            float(from.blueF() * keep + to.blueF() * amount));
}

quint64 lineKey(int file, int line)
{
    return (quint64(quint32(file)) << 32) | quint32(line);
}

int digitsOf(int number)
{
    int digits = 1;
    while (number >= 10) {
        number /= 10;
        ++digits;
    }
    return digits;
}

QString hunkHeaderText(const git::DiffHunk &hunk)
{
    QString text = u"@@ -%1,%2 +%3,%4 @@"_s.arg(hunk.oldStart)
                       .arg(hunk.oldLines)
                       .arg(hunk.newStart)
                       .arg(hunk.newLines);
    if (!hunk.header.isEmpty())
        text += u' ' + hunk.header;
    return text;
}

} // namespace

DiffView::DiffView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_shaped(2000)
{
    setObjectName(u"diffView"_s);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAutoFillBackground(false);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    updateMetrics();
    updateColours();
    updateScrollBars();
}

DiffView::~DiffView() = default;

// ---- content ------------------------------------------------------------------------------

void DiffView::setDiff(const git::Diff &diff)
{
    const Anchor before = anchor();
    // Without the current file, the view stays at the same row of a refreshed diff (files
    // in common) and starts from the top of another one (another sandbox's, say).
    bool related = false;
    for (const git::DiffFile &file : diff.files) {
        if (m_fileByPath.contains(file.path())) {
            related = true;
            break;
        }
    }
    const int top = related ? topRow() : 0;
    if (!related)
        horizontalScrollBar()->setValue(0);
    m_diff = diff;
    m_fileByPath.clear();
    m_fileByPath.reserve(m_diff.files.size());
    for (int f = 0; f < m_diff.files.size(); ++f)
        m_fileByPath.insert(m_diff.files.at(f).path(), f);
    relayout(before, top);
}

void DiffView::setMode(DiffMode mode)
{
    if (mode == m_mode)
        return;
    const Anchor before = anchor();
    m_mode = mode;
    relayout(before, topRow());
    Q_EMIT modeChanged(mode);
}

void DiffView::setHideWhitespace(bool hide)
{
    if (hide == m_hideWhitespace)
        return;
    const Anchor before = anchor();
    m_hideWhitespace = hide;
    m_words.clear(); // the word highlight reads blanks differently
    relayout(before, topRow());
    Q_EMIT hideWhitespaceChanged(hide);
}

bool DiffView::isFolded(int file) const
{
    return file >= 0 && file < m_layout.fileCount() && m_layout.isFolded(file);
}

void DiffView::showFileAnyway(int file)
{
    if (!isFolded(file))
        return;
    m_unfoldedPaths.insert(m_diff.files.at(file).path());
    const Anchor before = anchor();
    relayout(before, topRow());
}

void DiffView::relayout(const Anchor &before, int fallbackRow)
{
    std::vector<bool> unfolded(std::size_t(m_diff.files.size()), false);
    if (!m_unfoldedPaths.isEmpty()) {
        for (int f = 0; f < m_diff.files.size(); ++f)
            unfolded[std::size_t(f)] = m_unfoldedPaths.contains(m_diff.files.at(f).path());
    }
    m_layout = DiffLayout::build(m_diff, m_mode, m_hideWhitespace, unfolded);
    clearCaches();
    m_digits = std::max(3, digitsOf(m_layout.maxLineNumber()));
    // A refresh that keeps the file in sight keeps the widest width known, so that the
    // horizontal position survives until its lines are shaped again.
    const qreal estimate = qreal(m_layout.maxLineBytes()) * m_charWidth;
    const bool staying = before.valid && fileOfPath(before.path) >= 0;
    m_textWidth = staying ? std::max(m_textWidth, estimate) : estimate;
    m_selectionAnchor = m_selectionEnd = -1;
    m_selecting = false;
    m_navigatedRow = -1;
    updateScrollBars();
    restore(before, fallbackRow);
    viewport()->update();
}

void DiffView::clearCaches()
{
    m_shaped.clear();
    m_words.clear();
}

DiffView::Anchor DiffView::anchor() const
{
    Anchor a;
    if (m_currentFile < 0 || m_currentFile >= m_layout.fileCount())
        return a;
    a.valid = true;
    a.path = m_diff.files.at(m_currentFile).path();
    const int top = topRow();
    if (m_layout.fileAt(top) != m_currentFile)
        return a; // navigated to a file that cannot scroll to the top: its header again
    a.rowInFile = top - m_layout.fileRow(m_currentFile);
    const DiffRow &row = m_layout.row(top);
    if (row.kind != Kind::Line)
        return a;
    const DiffFile &file = m_diff.files.at(row.file);
    auto lineAt = [&](int index) -> const DiffLine * {
        return index >= 0 ? &file.lines[std::size_t(index)] : nullptr;
    };
    // The old side's number where the row has one: it stays put while the new side is edited.
    const DiffLine *oldSide = nullptr;
    const DiffLine *newSide = nullptr;
    if (m_layout.mode() == DiffMode::Unified) {
        newSide = lineAt(row.a);
        oldSide = (row.flags & DiffRow::WhitespaceOnly) ? lineAt(row.b) : newSide;
    } else {
        oldSide = lineAt(row.a);
        newSide = lineAt(row.b);
    }
    if (oldSide && oldSide->oldLine >= 0)
        a.oldLine = oldSide->oldLine;
    else if (newSide && newSide->newLine >= 0)
        a.newLine = newSide->newLine;
    return a;
}

void DiffView::restore(const Anchor &before, int fallbackRow)
{
    m_navigating = true;
    const int file = before.valid ? fileOfPath(before.path) : -1;
    if (file >= 0 && file < m_layout.fileCount()) {
        int row = -1;
        if (before.oldLine >= 0 || before.newLine >= 0)
            row = m_layout.rowOfLineNumber(m_diff, file, before.oldLine, before.newLine);
        if (row < 0) {
            row = std::min(m_layout.fileRow(file) + before.rowInFile,
                           m_layout.fileEndRow(file) - 1);
        }
        setTopRow(row);
        m_navigating = false;
        setCurrentFileInternal(file);
        return;
    }
    setTopRow(fallbackRow);
    m_navigating = false;
    setCurrentFileInternal(m_layout.fileAt(topRow()));
}

QString DiffView::messageText() const
{
    if (m_layout.isRefused()) {
        return u"This diff is too large to show: %1 of changed text, over the %2 this view "
               u"shows. Look at fewer files at a time, or read it in a terminal with git diff."_s
            .arg(diffSizeText(m_layout.bytes()), diffSizeText(DiffLayout::MaxDiffBytes));
    }
    if (m_diff.files.isEmpty())
        return u"No changes."_s;
    return {};
}

// ---- navigation ---------------------------------------------------------------------------

int DiffView::topRow() const
{
    return verticalScrollBar()->value();
}

int DiffView::visibleRowCount() const
{
    return std::max(1, viewport()->height() / m_rowHeight);
}

QRect DiffView::rowRect(int row) const
{
    return QRect(0, (row - topRow()) * m_rowHeight, viewport()->width(), m_rowHeight);
}

void DiffView::setTopRow(int row)
{
    verticalScrollBar()->setValue(row);
}

void DiffView::setCurrentFileInternal(int file)
{
    if (file == m_currentFile)
        return;
    m_currentFile = file;
    Q_EMIT currentFileChanged(file);
}

void DiffView::goToRow(int row, int file)
{
    m_navigating = true;
    setTopRow(row);
    m_navigating = false;
    setCurrentFileInternal(file);
    viewport()->update();
}

void DiffView::followScroll()
{
    if (m_navigating)
        return;
    m_navigatedRow = -1;
    setCurrentFileInternal(m_layout.fileAt(topRow()));
}

void DiffView::setCurrentFile(int file)
{
    if (file < 0 || file >= m_layout.fileCount())
        return;
    m_navigatedRow = m_layout.fileRow(file);
    goToRow(m_layout.fileRow(file), file);
}

void DiffView::nextFile()
{
    if (m_currentFile + 1 < m_layout.fileCount())
        setCurrentFile(m_currentFile + 1);
}

void DiffView::previousFile()
{
    if (m_currentFile > 0)
        setCurrentFile(m_currentFile - 1);
}

void DiffView::nextHunk()
{
    // From the hunk navigated to last, else from the row under the pinned file header.
    const int from = m_navigatedRow >= 0 ? m_navigatedRow : topRow() + 1;
    const std::vector<int> &hunks = m_layout.hunkRows();
    const auto next = std::upper_bound(hunks.begin(), hunks.end(), from);
    if (next == hunks.end())
        return;
    m_navigatedRow = *next;
    // One row above it: the file header pinned at the top would cover the hunk's own header.
    goToRow(*next - 1, m_layout.fileAt(*next));
}

void DiffView::previousHunk()
{
    const int from = m_navigatedRow >= 0 ? m_navigatedRow : topRow() + 1;
    const std::vector<int> &hunks = m_layout.hunkRows();
    const auto next = std::lower_bound(hunks.begin(), hunks.end(), from);
    if (next == hunks.begin())
        return;
    const int row = *std::prev(next);
    m_navigatedRow = row;
    goToRow(row - 1, m_layout.fileAt(row));
}

void DiffView::scrollToTop()
{
    m_navigatedRow = -1;
    goToRow(0, m_layout.fileCount() > 0 ? 0 : -1);
}

void DiffView::scrollToBottom()
{
    m_navigatedRow = -1;
    goToRow(verticalScrollBar()->maximum(), m_layout.fileCount() - 1);
}

// ---- selection ----------------------------------------------------------------------------

bool DiffView::isSelected(int row, Side side) const
{
    if (m_selectionAnchor < 0)
        return false;
    const int first = std::min(m_selectionAnchor, m_selectionEnd);
    const int last = std::max(m_selectionAnchor, m_selectionEnd);
    return row >= first && row <= last
           && (m_layout.mode() == DiffMode::Unified || side == m_selectionSide);
}

QString DiffView::selectedText() const
{
    if (m_selectionAnchor < 0)
        return {};
    QStringList lines;
    const int first = std::min(m_selectionAnchor, m_selectionEnd);
    const int last = std::min(std::max(m_selectionAnchor, m_selectionEnd),
                              m_layout.rowCount() - 1);
    for (int r = first; r <= last; ++r) {
        const DiffRow &row = m_layout.row(r);
        if (row.kind != Kind::Line)
            continue;
        const int line = m_layout.mode() == DiffMode::Unified || m_selectionSide == Side::Old
                             ? row.a
                             : row.b;
        if (line >= 0)
            lines << lineText(row.file, line);
    }
    return lines.join(u'\n');
}

void DiffView::copy() const
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QGuiApplication::clipboard()->setText(text);
}

void DiffView::selectAll()
{
    if (m_layout.rowCount() == 0)
        return;
    m_selectionAnchor = 0;
    m_selectionEnd = m_layout.rowCount() - 1;
    m_selectionSide = m_layout.mode() == DiffMode::Unified ? Side::Unified : Side::New;
    viewport()->update();
}

void DiffView::clearSelection()
{
    m_selectionAnchor = m_selectionEnd = -1;
    viewport()->update();
}

// ---- text ---------------------------------------------------------------------------------

QString DiffView::lineText(int file, int line) const
{
    const DiffFile &f = m_diff.files.at(file);
    QString text = QString::fromUtf8(f.text(f.lines[std::size_t(line)]));
    if (text.endsWith(u'\r')) // a CRLF file: the carriage return is not text
        text.chop(1);
    return text;
}

const WordDiff &DiffView::wordDiff(int file, int deletedLine, int addedLine) const
{
    const quint64 key = lineKey(file, deletedLine);
    const auto found = m_words.constFind(key);
    if (found != m_words.cend())
        return *found;
    if (m_words.size() > 20000) // a long session of scrolling: start over
        m_words.clear();
    return *m_words.insert(key, diffWords(lineText(file, deletedLine), lineText(file, addedLine),
                                          m_hideWhitespace));
}

TextSpans DiffView::changedSpans(int file, int line) const
{
    if (file < 0 || file >= m_layout.fileCount())
        return {};
    const DiffFile &f = m_diff.files.at(file);
    for (int r = m_layout.fileRow(file), end = m_layout.fileEndRow(file); r < end; ++r) {
        const DiffRow &row = m_layout.row(r);
        if (row.kind != Kind::Line || (row.flags & DiffRow::WhitespaceOnly) || row.a == row.b
            || (row.a != line && row.b != line) || row.a < 0 || row.b < 0)
            continue;
        const int partner = row.a == line ? row.b : row.a;
        const bool deleted = f.lines[std::size_t(line)].kind == DiffLine::Kind::Deleted;
        const WordDiff &words = deleted ? wordDiff(file, line, partner)
                                        : wordDiff(file, partner, line);
        return deleted ? words.oldChanged : words.newChanged;
    }
    return {};
}

bool DiffView::showsCarriageReturn(int file, int line, int partner) const
{
    if (file < 0 || file >= m_diff.files.size() || partner < 0 || partner == line)
        return false;
    const DiffFile &f = m_diff.files.at(file);
    if (std::size_t(line) >= f.lines.size() || std::size_t(partner) >= f.lines.size())
        return false;
    return f.text(f.lines[std::size_t(line)]).endsWith('\r')
           && !f.text(f.lines[std::size_t(partner)]).endsWith('\r');
}

const DiffView::ShapedLine &DiffView::shaped(int file, int line, int partner)
{
    const quint64 key = lineKey(file, line);
    if (const ShapedLine *known = m_shaped.object(key))
        return *known;

    const QString raw = lineText(file, line);
    // Tabs to the next multiple of TabWidth; `column` maps the raw text's positions (where the
    // word highlight's spans are) to the expanded text's.
    QString expanded;
    expanded.reserve(raw.size() + 8);
    std::vector<qsizetype> column(std::size_t(raw.size() + 1));
    for (qsizetype i = 0; i < raw.size(); ++i) {
        column[std::size_t(i)] = expanded.size();
        const QChar c = raw.at(i);
        if (c == u'\t')
            expanded.append(QString(TabWidth - expanded.size() % TabWidth, u' '));
        else
            expanded.append(c);
    }
    column[std::size_t(raw.size())] = expanded.size();
    const bool carriageReturn = showsCarriageReturn(file, line, partner);
    if (carriageReturn)
        expanded.append(QChar(0x240D)); // ␍

    auto *result = new ShapedLine;
    QTextOption option;
    option.setWrapMode(QTextOption::NoWrap);
    result->layout.setText(expanded);
    result->layout.setFont(font());
    result->layout.setTextOption(option);
    result->layout.setCacheEnabled(true); // keeps the glyphs between paints
    result->layout.beginLayout();
    QTextLine textLine = result->layout.createLine();
    textLine.setLineWidth(std::numeric_limits<int>::max() / 256);
    result->layout.endLayout();
    result->width = textLine.naturalTextWidth();

    const DiffFile &f = m_diff.files.at(file);
    if (partner >= 0 && partner != line) {
        const bool deleted = f.lines[std::size_t(line)].kind == DiffLine::Kind::Deleted;
        const WordDiff &words = deleted ? wordDiff(file, line, partner)
                                        : wordDiff(file, partner, line);
        for (const TextSpan &span : deleted ? words.oldChanged : words.newChanged) {
            const qreal from = textLine.cursorToX(int(column[std::size_t(span.start)]));
            const qreal to = textLine.cursorToX(int(column[std::size_t(span.end())]));
            result->changed.emplace_back(from, to);
        }
        if (carriageReturn) {
            result->changed.emplace_back(textLine.cursorToX(int(expanded.size() - 1)),
                                         textLine.cursorToX(int(expanded.size())));
        }
    }
    if (result->width > m_textWidth) {
        // Tabs and wide characters make a line wider than its bytes promised: widen the
        // horizontal range, after this paint.
        m_textWidth = result->width;
        if (!m_rangePending) {
            m_rangePending = true;
            QMetaObject::invokeMethod(
                this,
                [this] {
                    m_rangePending = false;
                    updateScrollBars();
                },
                Qt::QueuedConnection);
        }
    }
    m_shaped.insert(key, result);
    return *result;
}

QString DiffView::rowText(int rowIndex, int side) const
{
    if (rowIndex < 0 || rowIndex >= m_layout.rowCount())
        return {};
    const DiffRow &row = m_layout.row(rowIndex);
    const DiffFile &file = m_diff.files.at(row.file);
    switch (row.kind) {
    case Kind::FileHeader: {
        const DiffFileSummary summary = DiffFileSummary::of(file);
        const QString note = diffFileNote(summary);
        return diffFileTitle(summary) + (note.isEmpty() ? QString() : u" ("_s + note + u')');
    }
    case Kind::HunkHeader: return hunkHeaderText(file.hunks.at(row.a));
    case Kind::Line: {
        const int line = m_layout.mode() == DiffMode::Unified || side == 0 ? row.a : row.b;
        return line >= 0 ? lineText(row.file, line) : QString();
    }
    case Kind::Fold: return foldText(row.file);
    case Kind::Binary: return binarySummary(DiffFileSummary::of(file));
    case Kind::NoContent: return noContentSummary(DiffFileSummary::of(file));
    case Kind::Spacer: return {};
    }
    return {};
}

QString DiffView::foldText(int file) const
{
    const DiffFile &f = m_diff.files.at(file);
    if (m_layout.foldReasonOf(file) == FoldReason::LargeFile) {
        return u"Large diff (%1 of text), hidden to keep the view fast."_s.arg(
            diffSizeText(f.content.size()));
    }
    return u"A line over %1 characters, hidden to keep the view fast."_s.arg(
        QLocale().toString(DiffLayout::FoldLineChars));
}

QFont DiffView::messageFont() const
{
    QFont italic = m_uiFont;
    italic.setItalic(true);
    return italic;
}

QRect DiffView::foldLinkRect(const QRect &rowRect, int file) const
{
    const QFontMetrics metrics(messageFont());
    const int textLeft = m_layout.mode() == DiffMode::Unified ? unifiedTextLeft() : sideTextLeft();
    const int width = metrics.horizontalAdvance(u"Show anyway"_s);
    const int afterText = textLeft + metrics.horizontalAdvance(foldText(file)) + m_charWidth * 2;
    // In a narrow view the link goes first, where it stays in sight.
    const int left = afterText + width <= rowRect.right() - m_charWidth ? afterText : textLeft;
    return QRect(left, rowRect.top(), width, rowRect.height());
}

QRect DiffView::showAnywayRect(int file) const
{
    if (!isFolded(file))
        return {};
    const int row = m_layout.fileRow(file) + 1; // the fold row follows the header
    if (row < topRow() || row >= topRow() + visibleRowCount())
        return {};
    return foldLinkRect(rowRect(row), file);
}

// ---- geometry -----------------------------------------------------------------------------

int DiffView::numberWidth() const
{
    return (m_digits + 1) * m_charWidth;
}

int DiffView::textAreaWidth() const
{
    if (m_layout.mode() == DiffMode::Unified)
        return std::max(0, viewport()->width() - unifiedTextLeft());
    return std::max(0, halfWidth() - sideTextLeft());
}

int DiffView::rowAt(int y) const
{
    const int row = topRow() + (y < 0 ? -1 - (-y - 1) / m_rowHeight : y / m_rowHeight);
    return std::clamp(row, 0, std::max(0, m_layout.rowCount() - 1));
}

DiffView::Side DiffView::sideAt(int x) const
{
    if (m_layout.mode() == DiffMode::Unified)
        return Side::Unified;
    return x < halfWidth() ? Side::Old : Side::New;
}

void DiffView::updateMetrics()
{
    const QFontMetrics metrics(font());
    m_charWidth = std::max(1, metrics.horizontalAdvance(u'0'));
    m_rowHeight = metrics.height() + 4;
    m_boldFont = font();
    m_boldFont.setBold(true);
    m_uiFont = QApplication::font(this);
}

void DiffView::updateColours()
{
    const QPalette &p = palette();
    Colours &c = m_colours;
    c.base = p.color(QPalette::Base);
    c.text = p.color(QPalette::Text);
    const bool dark = c.base.lightnessF() < 0.5;
    // GitHub's greens and reds, laid over the theme's own base at strengths that keep the text
    // readable: stronger on a dark base, where a faint tint disappears.
    const QColor green = dark ? QColor(0x2e, 0xa0, 0x43) : QColor(0x2d, 0xa4, 0x4e);
    const QColor red = dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    const QColor blue = dark ? QColor(0x38, 0x8b, 0xfd) : QColor(0x09, 0x69, 0xda);
    c.addedLine = mixed(c.base, green, dark ? 0.16 : 0.11);
    c.addedGutter = mixed(c.base, green, dark ? 0.28 : 0.22);
    c.addedWord = mixed(c.base, green, dark ? 0.45 : 0.36);
    c.deletedLine = mixed(c.base, red, dark ? 0.14 : 0.09);
    c.deletedGutter = mixed(c.base, red, dark ? 0.24 : 0.18);
    c.deletedWord = mixed(c.base, red, dark ? 0.42 : 0.30);
    c.hunk = mixed(c.base, blue, dark ? 0.14 : 0.07);
    c.muted = mixed(c.text, c.base, 0.45);
    c.hunkText = mixed(c.text, c.base, 0.3);
    c.lineNumber = mixed(c.text, c.base, 0.5);
    c.gutter = mixed(c.base, c.text, dark ? 0.04 : 0.025);
    c.header = mixed(c.base, c.text, dark ? 0.09 : 0.05);
    c.border = mixed(c.base, c.text, 0.18);
    c.filler = mixed(c.base, c.text, dark ? 0.06 : 0.04);
    c.selection = p.color(QPalette::Highlight);
    c.selection.setAlphaF(0.3f);
    c.link = p.color(QPalette::Link);
    if (dark && c.link.lightnessF() < 0.55)
        c.link = mixed(c.link, Qt::white, 0.45);
    c.accent = p.color(QPalette::Highlight);
    c.added = dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    c.deleted = dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
}

void DiffView::updateScrollBars()
{
    const int visible = visibleRowCount();
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, std::max(0, m_layout.rowCount() - visible));
    vertical->setPageStep(visible);
    vertical->setSingleStep(1);
    QScrollBar *horizontal = horizontalScrollBar();
    const int area = textAreaWidth();
    const int content = int(std::ceil(m_textWidth)) + m_charWidth * 2;
    horizontal->setRange(0, std::max(0, content - area));
    horizontal->setPageStep(std::max(1, area));
    horizontal->setSingleStep(m_charWidth * 3);
}

// ---- events -------------------------------------------------------------------------------

void DiffView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void DiffView::scrollContentsBy(int dx, int dy)
{
    Q_UNUSED(dx)
    if (dy != 0)
        followScroll();
    viewport()->update();
}

void DiffView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    switch (event->type()) {
    case QEvent::PaletteChange:
    case QEvent::StyleChange:
        updateColours();
        viewport()->update();
        break;
    case QEvent::FontChange:
        updateMetrics();
        clearCaches();
        m_textWidth = qreal(m_layout.maxLineBytes()) * m_charWidth;
        updateScrollBars();
        viewport()->update();
        break;
    default: break;
    }
}

void DiffView::keyPressEvent(QKeyEvent *event)
{
    if (event == QKeySequence::Copy) {
        copy();
        return;
    }
    if (event == QKeySequence::SelectAll) {
        selectAll();
        return;
    }
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    switch (event->key()) {
    // Brackets with any modifiers: some keyboard layouts need AltGr or Shift to type them.
    case Qt::Key_BracketRight: nextFile(); return;
    case Qt::Key_BracketLeft: previousFile(); return;
    case Qt::Key_N:
        if (modifiers == Qt::NoModifier) {
            nextHunk();
            return;
        }
        break;
    case Qt::Key_P:
        if (modifiers == Qt::NoModifier) {
            previousHunk();
            return;
        }
        break;
    case Qt::Key_Down:
        if (modifiers == Qt::AltModifier) {
            nextFile();
            return;
        }
        if (modifiers == Qt::ControlModifier) {
            nextHunk();
            return;
        }
        break;
    case Qt::Key_Up:
        if (modifiers == Qt::AltModifier) {
            previousFile();
            return;
        }
        if (modifiers == Qt::ControlModifier) {
            previousHunk();
            return;
        }
        break;
    case Qt::Key_Home:
        scrollToTop();
        return;
    case Qt::Key_End:
        scrollToBottom();
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (isFolded(m_currentFile)) {
            showFileAnyway(m_currentFile);
            return;
        }
        break;
    case Qt::Key_Escape:
        if (m_selectionAnchor >= 0) {
            clearSelection();
            return;
        }
        break;
    default: break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void DiffView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || m_layout.rowCount() == 0) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const QPoint pos = event->position().toPoint();
    const int row = rowAt(pos.y());
    const DiffRow &clicked = m_layout.row(row);
    if (clicked.kind == Kind::Fold && foldLinkRect(rowRect(row), clicked.file).contains(pos)) {
        showFileAnyway(clicked.file);
        return;
    }
    m_selectionAnchor = m_selectionEnd = row;
    m_selectionSide = sideAt(pos.x());
    m_selecting = true;
    viewport()->update();
}

void DiffView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint pos = event->position().toPoint();
    if (m_selecting && (event->buttons() & Qt::LeftButton)) {
        // Past the edges the view scrolls a row per move, so a drag can reach any row.
        if (pos.y() < 0)
            setTopRow(topRow() - 1);
        else if (pos.y() >= viewport()->height())
            setTopRow(topRow() + 1);
        m_selectionEnd = rowAt(std::clamp(pos.y(), 0, viewport()->height() - 1));
        viewport()->update();
        return;
    }
    bool overLink = false;
    if (m_layout.rowCount() > 0 && pos.y() >= 0) {
        const int row = rowAt(pos.y());
        const DiffRow &hovered = m_layout.row(row);
        overLink = hovered.kind == Kind::Fold
                   && foldLinkRect(rowRect(row), hovered.file).contains(pos);
    }
    viewport()->setCursor(overLink ? Qt::PointingHandCursor : Qt::IBeamCursor);
    QAbstractScrollArea::mouseMoveEvent(event);
}

void DiffView::mouseReleaseEvent(QMouseEvent *event)
{
    m_selecting = false;
    QAbstractScrollArea::mouseReleaseEvent(event);
}

// ---- painting -----------------------------------------------------------------------------

void DiffView::paintEvent(QPaintEvent *event)
{
    QPainter painter(viewport());
    painter.fillRect(event->rect(), m_colours.base);
    if (m_layout.rowCount() == 0) {
        paintMessage(painter);
        return;
    }
    painter.setFont(font());
    const int top = topRow();
    const int first = top + event->rect().top() / m_rowHeight;
    const int last = std::min(m_layout.rowCount() - 1, top + event->rect().bottom() / m_rowHeight);
    for (int row = first; row <= last; ++row)
        paintRow(painter, row, rowRect(row));

    // The current file's header stays pinned at the top while its lines scroll under it.
    const int file = m_layout.fileAt(top);
    const DiffRow &topRowValue = m_layout.row(top);
    if (file >= 0 && m_layout.fileRow(file) != top && topRowValue.kind != Kind::Spacer) {
        const QRect pinned(0, 0, viewport()->width(), m_rowHeight);
        paintFileHeader(painter, m_layout.row(m_layout.fileRow(file)), pinned);
        painter.fillRect(QRect(0, m_rowHeight, viewport()->width(), 1), m_colours.border);
    }
}

void DiffView::paintMessage(QPainter &painter)
{
    const QString text = messageText();
    if (text.isEmpty())
        return;
    painter.setFont(m_uiFont);
    painter.setPen(m_colours.muted);
    const QRect box = viewport()->rect().adjusted(24, 24, -24, -24);
    painter.drawText(box, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, text);
}

void DiffView::paintRow(QPainter &painter, int rowIndex, const QRect &rect)
{
    const DiffRow &row = m_layout.row(rowIndex);
    switch (row.kind) {
    case Kind::FileHeader: paintFileHeader(painter, row, rect); break;
    case Kind::HunkHeader: {
        painter.fillRect(rect, m_colours.hunk);
        const int left = m_layout.mode() == DiffMode::Unified ? unifiedTextLeft()
                                                               : sideTextLeft();
        painter.setPen(m_colours.hunkText);
        painter.setFont(font());
        painter.drawText(QRect(left, rect.top(), rect.width() - left, rect.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         hunkHeaderText(m_diff.files.at(row.file).hunks.at(row.a)));
        break;
    }
    case Kind::Line:
        if (m_layout.mode() == DiffMode::Unified)
            paintUnifiedLine(painter, rowIndex, row, rect);
        else
            paintSideLine(painter, rowIndex, row, rect);
        break;
    case Kind::Fold: paintFoldRow(painter, row, rect); break;
    case Kind::Binary:
        paintMessageRow(painter, rect, binarySummary(DiffFileSummary::of(m_diff.files.at(row.file))));
        break;
    case Kind::NoContent:
        paintMessageRow(painter, rect,
                        noContentSummary(DiffFileSummary::of(m_diff.files.at(row.file))));
        break;
    case Kind::Spacer: break;
    }
    if (rowIndex == m_navigatedRow) // where n/p or ]/[ went: marked until the user scrolls
        painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), m_colours.accent);
}

void DiffView::paintFileHeader(QPainter &painter, const DiffRow &row, const QRect &rect)
{
    painter.fillRect(rect, m_colours.header);
    painter.fillRect(QRect(rect.left(), rect.top(), rect.width(), 1), m_colours.border);
    const DiffFileSummary file = DiffFileSummary::of(m_diff.files.at(row.file));
    const DiffStatusPresentation status = diffStatusPresentation(file.status);
    const QFontMetrics bold(m_boldFont);

    // The status badge: its letter on its colour.
    const int badgeSize = std::min(rect.height() - 4, bold.height() + 2);
    const QRect badge(rect.left() + m_charWidth, rect.top() + (rect.height() - badgeSize) / 2,
                      badgeSize, badgeSize);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(status.colour);
    painter.drawRoundedRect(QRectF(badge), 3, 3);
    painter.restore();
    painter.setFont(m_boldFont);
    painter.setPen(Qt::white);
    painter.drawText(badge, Qt::AlignCenter, QString(status.letter));

    // On the right: "+12 −3", or the binary marker.
    const QLocale locale;
    const QString additions = u"+"_s + locale.toString(file.additions);
    const QString deletions = u"−"_s + locale.toString(file.deletions);
    int right = rect.right() - m_charWidth;
    painter.setFont(font());
    const QFontMetrics metrics(font());
    if (file.binary) {
        const QString text = u"binary"_s;
        right -= metrics.horizontalAdvance(text);
        painter.setPen(m_colours.muted);
        painter.drawText(QRect(right, rect.top(), rect.right() - right, rect.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, text);
    } else {
        right -= metrics.horizontalAdvance(deletions);
        painter.setPen(m_colours.deleted);
        painter.drawText(QRect(right, rect.top(), rect.right() - right, rect.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, deletions);
        right -= metrics.horizontalAdvance(additions) + m_charWidth;
        painter.setPen(m_colours.added);
        painter.drawText(QRect(right, rect.top(), rect.right() - right, rect.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, additions);
    }

    // The title (elided at its start: the file name matters most), then the note, if room.
    int x = badge.right() + 1 + m_charWidth;
    const int room = right - m_charWidth * 2 - x;
    if (room <= 0)
        return;
    const QString title = bold.elidedText(diffFileTitle(file), Qt::ElideLeft, room);
    painter.setFont(m_boldFont);
    painter.setPen(m_colours.text);
    painter.drawText(QRect(x, rect.top(), room, rect.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     title);
    x += bold.horizontalAdvance(title) + m_charWidth * 2;
    const QString note = diffFileNote(file);
    if (!note.isEmpty() && right - m_charWidth * 2 > x) {
        painter.setFont(m_uiFont);
        painter.setPen(m_colours.muted);
        const QFontMetrics ui(m_uiFont);
        painter.drawText(QRect(x, rect.top(), right - m_charWidth * 2 - x, rect.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         ui.elidedText(note, Qt::ElideRight, right - m_charWidth * 2 - x));
    }
    painter.setFont(font());
}

void DiffView::paintMessageRow(QPainter &painter, const QRect &rect, const QString &text,
                               int left)
{
    if (left < 0)
        left = m_layout.mode() == DiffMode::Unified ? unifiedTextLeft() : sideTextLeft();
    painter.fillRect(rect, m_colours.filler);
    painter.setFont(messageFont());
    painter.setPen(m_colours.muted);
    painter.drawText(QRect(left, rect.top(), std::max(0, rect.right() - left), rect.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, text);
    painter.setFont(font());
}

void DiffView::paintFoldRow(QPainter &painter, const DiffRow &row, const QRect &rect)
{
    const QRect link = foldLinkRect(rect, row.file);
    const int textLeft = m_layout.mode() == DiffMode::Unified ? unifiedTextLeft() : sideTextLeft();
    paintMessageRow(painter, rect, foldText(row.file),
                    link.left() == textLeft ? link.right() + 1 + m_charWidth * 2 : textLeft);
    QFont font = messageFont();
    font.setItalic(false);
    font.setUnderline(true);
    painter.setFont(font);
    painter.setPen(m_colours.link);
    painter.drawText(link, Qt::AlignLeft | Qt::AlignVCenter, u"Show anyway"_s);
    painter.setFont(this->font());
}

void DiffView::paintUnifiedLine(QPainter &painter, int rowIndex, const DiffRow &row,
                                const QRect &rect)
{
    const DiffFile &file = m_diff.files.at(row.file);
    const DiffLine &line = file.lines[std::size_t(row.a)];
    const bool whitespaceOnly = row.flags & DiffRow::WhitespaceOnly;
    const int oldNumber = whitespaceOnly ? file.lines[std::size_t(row.b)].oldLine : line.oldLine;
    paintCell(painter, rect, row.file, row.a, whitespaceOnly ? -1 : row.b, oldNumber,
              line.newLine, whitespaceOnly ? DiffLine::Kind::Context : line.kind,
              isSelected(rowIndex, Side::Unified));
}

void DiffView::paintSideLine(QPainter &painter, int rowIndex, const DiffRow &row,
                             const QRect &rect)
{
    const DiffFile &file = m_diff.files.at(row.file);
    const bool whitespaceOnly = row.flags & DiffRow::WhitespaceOnly;
    const bool context = row.a == row.b || whitespaceOnly;
    const int half = halfWidth();
    const QRect cells[2] = {QRect(rect.left(), rect.top(), half, rect.height()),
                            QRect(half, rect.top(), rect.width() - half, rect.height())};
    for (int side = 0; side < 2; ++side) {
        const int index = side == 0 ? row.a : row.b;
        if (index < 0) {
            painter.fillRect(cells[side], m_colours.filler);
            continue;
        }
        const DiffLine &line = file.lines[std::size_t(index)];
        const int partner = context ? -1 : (side == 0 ? row.b : row.a);
        paintCell(painter, cells[side], row.file, index, partner,
                  side == 0 ? line.oldLine : line.newLine, -2,
                  context ? DiffLine::Kind::Context : line.kind,
                  isSelected(rowIndex, side == 0 ? Side::Old : Side::New));
    }
    painter.fillRect(QRect(half - 1, rect.top(), 1, rect.height()), m_colours.border);
}

void DiffView::paintCell(QPainter &painter, const QRect &cell, int file, int line, int partner,
                         int number, int otherNumber, DiffLine::Kind kind, bool selected)
{
    // `otherNumber` -2: one number column (side by side), else two (unified: old, new).
    const int columns = otherNumber == -2 ? 1 : 2;
    const int gutterWidth = columns * numberWidth();
    const QRect gutter(cell.left(), cell.top(), gutterWidth, cell.height());
    const QRect body(cell.left() + gutterWidth, cell.top(), cell.width() - gutterWidth,
                     cell.height());
    QColor lineColour = m_colours.base;
    QColor gutterColour = m_colours.gutter;
    QColor wordColour;
    QString marker;
    if (kind == DiffLine::Kind::Added) {
        lineColour = m_colours.addedLine;
        gutterColour = m_colours.addedGutter;
        wordColour = m_colours.addedWord;
        marker = u"+"_s;
    } else if (kind == DiffLine::Kind::Deleted) {
        lineColour = m_colours.deletedLine;
        gutterColour = m_colours.deletedGutter;
        wordColour = m_colours.deletedWord;
        marker = u"-"_s;
    }
    painter.fillRect(gutter, gutterColour);
    painter.fillRect(body, lineColour);
    if (selected)
        painter.fillRect(body, m_colours.selection);

    painter.setPen(m_colours.lineNumber);
    const int numbers[2] = {number, otherNumber};
    for (int c = 0; c < columns; ++c) {
        if (numbers[c] <= 0)
            continue;
        const QRect box(cell.left() + c * numberWidth(), cell.top(),
                        numberWidth() - m_charWidth / 2, cell.height());
        painter.drawText(box, Qt::AlignRight | Qt::AlignVCenter, QString::number(numbers[c]));
    }
    if (!marker.isEmpty()) {
        painter.setPen(m_colours.text);
        painter.drawText(QRect(body.left() + m_charWidth / 2, cell.top(), m_charWidth,
                               cell.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, marker);
    }

    const int textLeft = body.left() + markerWidth();
    const QRect clip(textLeft, cell.top(), std::max(0, body.right() + 1 - textLeft),
                     cell.height());
    const ShapedLine &text = shaped(file, line, partner);
    const qreal x = textLeft - horizontalScrollBar()->value();
    const qreal y = cell.top() + (cell.height() - text.layout.lineAt(0).height()) / 2;
    painter.save();
    painter.setClipRect(clip);
    if (wordColour.isValid()) {
        for (const auto &[from, to] : text.changed)
            painter.fillRect(QRectF(x + from, cell.top() + 1, to - from, cell.height() - 2),
                             wordColour);
    }
    painter.setPen(m_colours.text);
    text.layout.draw(&painter, QPointF(x, y));
    if (m_diff.files.at(file).lines[std::size_t(line)].noNewlineAtEnd) {
        QFont small = m_uiFont;
        small.setItalic(true);
        painter.setFont(small);
        painter.setPen(m_colours.muted);
        painter.drawText(QRectF(x + text.width + m_charWidth, cell.top(), 10000, cell.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, u"no newline at end of file"_s);
        painter.setFont(font());
    }
    painter.restore();
}

} // namespace squad
