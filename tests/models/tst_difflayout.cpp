// SPDX-License-Identifier: MIT
// The diff view's row index: which rows a diff makes in each mode, how deleted and added lines
// pair, what hide whitespace folds into context, which files fold and which diffs are refused.
#include "difflayout.h"
#include "tst_difftext.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::testing::parseDiffText;
using Kind = DiffRow::Kind;

namespace {

// A row as a short word: "F0" file header of file 0, "H0" hunk 0, "L3/5" line row (a/b),
// "L3/-" no partner, "W3/5" a whitespace-only line row, "fold", "bin", "none", "gap".
QString describe(const DiffRow &row)
{
    auto side = [](int index) { return index < 0 ? u"-"_s : QString::number(index); };
    switch (row.kind) {
    case Kind::FileHeader: return u"F%1"_s.arg(row.file);
    case Kind::HunkHeader: return u"H%1"_s.arg(row.a);
    case Kind::Line:
        return ((row.flags & DiffRow::WhitespaceOnly) ? u"W"_s : u"L"_s) + side(row.a) + u"/"_s
               + side(row.b);
    case Kind::Fold: return u"fold"_s;
    case Kind::Binary: return u"bin"_s;
    case Kind::NoContent: return u"none"_s;
    case Kind::Spacer: return u"gap"_s;
    }
    return u"?"_s;
}

QString describe(const DiffLayout &layout)
{
    QStringList words;
    for (const DiffRow &row : layout.rows())
        words << describe(row);
    return words.join(u' ');
}

// Lines: 0 " keep", 1 "-old one", 2 "-old two", 3 "+new one", 4 "+new two", 5 "+new three",
// 6 " tail".
const QString Replacement = u"--- a/src/a.cpp\n+++ b/src/a.cpp\n@@ -10,4 +10,5 @@ void run()\n"
                            u" keep\n-old one\n-old two\n+new one\n+new two\n+new three\n"
                            u" tail\n"_s;

git::DiffFile withLine(const QString &path, const QByteArray &text)
{
    git::Diff diff = parseDiffText(u"--- a/%1\n+++ b/%1\n@@ -1,1 +1,1 @@\n-short\n+x\n"_s.arg(path));
    git::DiffFile file = diff.files.first();
    // Replace the added line's text with `text`.
    file.lines[1].offset = quint32(file.content.size());
    file.lines[1].length = quint32(text.size());
    file.content += text;
    return file;
}

} // namespace

class tst_DiffLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unifiedPairsTheKthDeletedWithTheKthAdded();
    void sideBySidePutsPairsOnOneRow();
    void filesAreSeparatedAndIndexed();
    void hideWhitespaceShowsReindentedLinesAsContext_data();
    void hideWhitespaceShowsReindentedLinesAsContext();
    void binaryAndContentlessFilesGetOneRow();
    void foldsLargeFilesAndLongLines_data();
    void foldsLargeFilesAndLongLines();
    void unfoldedFileShowsItsLines();
    void refusesAHugeDiffWithoutLayingItOut();
    void findsTheRowOfALineNumber();
};

void tst_DiffLayout::unifiedPairsTheKthDeletedWithTheKthAdded()
{
    const git::Diff diff = parseDiffText(Replacement);
    QCOMPARE(diff.files.first().lines.size(), 7u);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    QCOMPARE(describe(layout), u"F0 H0 L0/- L1/3 L2/4 L3/1 L4/2 L5/- L6/-"_s);
    QCOMPARE(layout.maxLineNumber(), 15);
    QCOMPARE(layout.maxLineBytes(), 9); // "new three"
}

void tst_DiffLayout::sideBySidePutsPairsOnOneRow()
{
    const git::Diff diff = parseDiffText(Replacement);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::SideBySide, false);
    QCOMPARE(describe(layout), u"F0 H0 L0/0 L1/3 L2/4 L-/5 L6/6"_s);
}

void tst_DiffLayout::filesAreSeparatedAndIndexed()
{
    const git::Diff diff = parseDiffText(
        u"--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -9,1 +9,1 @@\n-c\n+C\n"
        u"--- a/b.txt\n+++ b/b.txt\n@@ -3,1 +3,2 @@\n x\n+y\n"_s);
    QCOMPARE(diff.files.size(), 2);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    QCOMPARE(describe(layout), u"F0 H0 L0/1 L1/0 L2/- H1 L3/4 L4/3 gap F1 H0 L0/- L1/-"_s);
    QCOMPARE(layout.fileCount(), 2);
    QCOMPARE(layout.fileRow(0), 0);
    QCOMPARE(layout.fileEndRow(0), 9);
    QCOMPARE(layout.fileRow(1), 9);
    QCOMPARE(layout.fileEndRow(1), 13);
    QCOMPARE(layout.fileAt(0), 0);
    QCOMPARE(layout.fileAt(8), 0);
    QCOMPARE(layout.fileAt(9), 1);
    QCOMPARE(layout.fileAt(12), 1);
    QCOMPARE(layout.hunkRows(), (std::vector<int>{1, 5, 10}));
}

void tst_DiffLayout::hideWhitespaceShowsReindentedLinesAsContext_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("hide");
    QTest::addColumn<QString>("expected");
    // Lines: 0 "-if (x) {", 1 "-  call();", 2 "-}", 3 "+if (x) {", 4 "+    call(y);",
    // 5 "+\t}".
    QTest::newRow("unified, shown") << int(DiffMode::Unified) << false
                                    << u"F0 H0 L0/3 L1/4 L2/5 L3/0 L4/1 L5/2"_s;
    QTest::newRow("unified, hidden") << int(DiffMode::Unified) << true
                                     << u"F0 H0 W3/0 L1/4 L4/1 W5/2"_s;
    QTest::newRow("side by side, hidden") << int(DiffMode::SideBySide) << true
                                          << u"F0 H0 W0/3 L1/4 W2/5"_s;
}

void tst_DiffLayout::hideWhitespaceShowsReindentedLinesAsContext()
{
    QFETCH(int, mode);
    QFETCH(bool, hide);
    QFETCH(QString, expected);
    const git::Diff diff = parseDiffText(u"--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n"
                                         u"-if (x) {\n-  call();\n-}\n"
                                         u"+if (x) {\n+    call(y);\n+\t}\n"_s);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode(mode), hide);
    QCOMPARE(describe(layout), expected);
}

void tst_DiffLayout::binaryAndContentlessFilesGetOneRow()
{
    const git::Diff diff = parseDiffText(
        u"diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"
        u"diff --git a/old.txt b/new.txt\nsimilarity index 100%\nrename from old.txt\n"
        u"rename to new.txt\n"_s);
    QCOMPARE(diff.files.size(), 2);
    QVERIFY(diff.files.at(0).binary);
    QCOMPARE(diff.files.at(1).status, git::FileStatus::Renamed);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    QCOMPARE(describe(layout), u"F0 bin gap F1 none"_s);
    QVERIFY(layout.hunkRows().empty());
}

void tst_DiffLayout::foldsLargeFilesAndLongLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("reason");
    QTest::newRow("5,000 characters") << QByteArray(5000, 'x') << int(FoldReason::None);
    QTest::newRow("6,000 characters") << QByteArray(6000, 'x') << int(FoldReason::LongLine);
    // 6,000 bytes but 3,000 characters: characters count, not bytes.
    QTest::newRow("3,000 two-byte characters")
        << QString(3000, u'é').toUtf8() << int(FoldReason::None);
    QTest::newRow("over 1 MiB of text") << QByteArray(1024 * 1024 + 1, 'y')
                                        << int(FoldReason::LargeFile);
}

void tst_DiffLayout::foldsLargeFilesAndLongLines()
{
    QFETCH(QByteArray, line);
    QFETCH(int, reason);
    git::Diff diff;
    diff.files << withLine(u"min.js"_s, line);
    QCOMPARE(int(DiffLayout::foldReason(diff.files.first())), reason);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    QCOMPARE(layout.isFolded(0), reason != int(FoldReason::None));
    QCOMPARE(describe(layout),
             reason == int(FoldReason::None) ? u"F0 H0 L0/1 L1/0"_s : u"F0 fold"_s);
}

void tst_DiffLayout::unfoldedFileShowsItsLines()
{
    git::Diff diff;
    diff.files << withLine(u"min.js"_s, QByteArray(6000, 'x'));
    diff.files << withLine(u"other.js"_s, QByteArray(7000, 'x'));
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::SideBySide, false, {true});
    QCOMPARE(describe(layout), u"F0 H0 L0/1 gap F1 fold"_s);
    QVERIFY(!layout.isFolded(0));
    QVERIFY(layout.isFolded(1));
    QCOMPARE(layout.maxLineBytes(), 6000); // the folded file's line does not count
}

void tst_DiffLayout::refusesAHugeDiffWithoutLayingItOut()
{
    git::Diff diff;
    for (int i = 0; i < 3; ++i) {
        git::DiffFile file = parseDiffText(u"--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"_s).files.first();
        file.newPath = file.oldPath = u"data%1.bin"_s.arg(i);
        // 17 MiB each, never written nor read: the size is what counts.
        file.content = QByteArray(17 * 1024 * 1024, Qt::Uninitialized);
        diff.files << file;
    }
    QVERIFY(DiffLayout::contentBytes(diff) > DiffLayout::MaxDiffBytes);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    QVERIFY(layout.isRefused());
    QCOMPARE(layout.rowCount(), 0);
    QCOMPARE(layout.fileCount(), 0);
    QCOMPARE(layout.bytes(), DiffLayout::contentBytes(diff));

    diff.files.removeLast(); // 34 MiB: shown (each file folded, being over 1 MiB)
    const DiffLayout shown = DiffLayout::build(diff, DiffMode::Unified, false);
    QVERIFY(!shown.isRefused());
    QCOMPARE(describe(shown), u"F0 fold gap F1 fold"_s);
}

void tst_DiffLayout::findsTheRowOfALineNumber()
{
    const git::Diff diff = parseDiffText(Replacement);
    const DiffLayout layout = DiffLayout::build(diff, DiffMode::Unified, false);
    // "F0 H0 L0/- L1/3 L2/4 L3/1 L4/2 L5/- L6/-": new line 11 is "new one" (line 3, row 5).
    QCOMPARE(layout.rowOfLineNumber(diff, 0, -1, 11), 5);
    QCOMPARE(layout.rowOfLineNumber(diff, 0, 12, -1), 4); // old line 12: "old two"
    QCOMPARE(layout.rowOfLineNumber(diff, 0, 13, 14), 8); // the old number decides: "tail"
    QCOMPARE(layout.rowOfLineNumber(diff, 0, -1, 99), -1);
    QCOMPARE(layout.rowOfLineNumber(diff, 3, -1, 11), -1);
}

QTEST_GUILESS_MAIN(tst_DiffLayout)
#include "tst_difflayout.moc"
