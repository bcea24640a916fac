// SPDX-License-Identifier: MIT
// The diff view and its pane, offscreen: what the rows say in each mode, folds and "Show
// anyway", binary files and renames, keyboard and list navigation, a live refresh that keeps
// the file and the line in sight, the word highlight, hide whitespace, the refusal of a huge
// diff, copying lines, and colours that follow the theme.
// With SQUAD_DIFF_SCREENSHOTS=<folder> it also writes unified and side-by-side PNGs there.
#include "../models/tst_difftext.h"
#include "difffilemodel.h"
#include "diffpane.h"
#include "diffview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::testing::generatedFile;
using squad::testing::parseDiffText;
using Kind = DiffRow::Kind;

namespace {

// A change as an agent makes one: an edited function, a new file, a rename with an edit, a
// binary asset, a deleted file.
const QString Realistic = uR"(diff --git a/src/sandbox/cleanup.cpp b/src/sandbox/cleanup.cpp
--- a/src/sandbox/cleanup.cpp
+++ b/src/sandbox/cleanup.cpp
@@ -12,13 +12,17 @@ namespace squad {
 
 // Sandboxes older than the cut-off in RUNNING or ERROR are terminated.
-QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int hours)
+QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int maxAgeHours,
+                                    const QDateTime &now)
 {
     QList<SandboxRecord> stale;
-    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-hours * 3600);
+    const QDateTime cutoff = now.addSecs(-qint64(maxAgeHours) * 3600);
     for (const SandboxRecord &row : rows) {
-        if (row.createdAt < cutoff && row.status != SandboxStatus::Terminated)
+        if (row.createdAt < cutoff && row.isLive())
             stale.append(row);
     }
+    std::sort(stale.begin(), stale.end(), [](const SandboxRecord &a, const SandboxRecord &b) {
+        return a.createdAt < b.createdAt;
+    });
     return stale;
 }
 
@@ -40,7 +43,7 @@ void CleanupJob::run()
 {
 	if (m_running)
 		return;
-	const auto stale = staleSandboxes(m_store->all(), m_hours);
+	const auto stale = staleSandboxes(m_store->all(), m_hours, QDateTime::currentDateTimeUtc());
 	for (const SandboxRecord &row : stale)
 		terminate(row);
 }
diff --git a/src/sandbox/cleanup_test.cpp b/src/sandbox/cleanup_test.cpp
new file mode 100644
--- /dev/null
+++ b/src/sandbox/cleanup_test.cpp
@@ -0,0 +1,6 @@
+#include "cleanup.h"
+
+void tst_Cleanup::oldRunningSandboxesAreStale()
+{
+    QCOMPARE(staleSandboxes(rows(), 24, T0).size(), 2);
+}
diff --git a/docs/cleanup.md b/docs/sandbox-cleanup.md
similarity index 88%
rename from docs/cleanup.md
rename to docs/sandbox-cleanup.md
--- a/docs/cleanup.md
+++ b/docs/sandbox-cleanup.md
@@ -1,3 +1,3 @@
-# Cleanup
+# Sandbox cleanup
 
 Every 6 hours, sandboxes older than 24 hours are terminated.
diff --git a/resources/logo.png b/resources/logo.png
Binary files a/resources/logo.png and b/resources/logo.png differ
diff --git a/src/legacy/pool.cpp b/src/legacy/pool.cpp
deleted file mode 100644
--- a/src/legacy/pool.cpp
+++ /dev/null
@@ -1,3 +0,0 @@
-// The warm pool, replaced by the provider's own.
-void Pool::fill() {}
-void Pool::drain() {}
)"_s;

git::Diff realisticDiff()
{
    git::Diff diff = parseDiffText(Realistic);
    for (git::DiffFile &file : diff.files) {
        if (file.binary) {
            file.oldSize = 12595;
            file.newSize = 14336;
        }
    }
    return diff;
}

// `files` modified files of `lines` generated lines each (one hunk), paths in order.
git::Diff manyFiles(int files, int lines)
{
    git::Diff diff;
    for (int f = 0; f < files; ++f)
        diff.files << generatedFile(u"src/module%1/file%1.cpp"_s.arg(f, 3, 10, QChar(u'0')),
                                    lines);
    return diff;
}

// The first row of `kind` in `file`, or -1.
int firstRow(const DiffView &view, int file, Kind kind)
{
    const DiffLayout &layout = view.layout();
    for (int r = layout.fileRow(file); r < layout.fileEndRow(file); ++r) {
        if (layout.row(r).kind == kind)
            return r;
    }
    return -1;
}

// Counts the paint events a widget receives.
class PaintCounter : public QObject
{
public:
    explicit PaintCounter(QWidget *widget) : QObject(widget) { widget->installEventFilter(this); }
    int count = 0;
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint)
            ++count;
        return false;
    }
};

} // namespace

class tst_DiffView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void unifiedRowsReadAsTheDiff();
    void sideBySidePairsOldAndNew();
    void binaryFileShowsItsSizes();
    void renameShowsOldAndNewPaths();
    void longLineFoldsUntilShownAnyway();
    void enterShowsTheCurrentFoldedFile();
    void hugeDiffIsRefused();
    void emptyDiffSaysSo();
    void keysMoveBetweenFilesAndHunks();
    void paneShortcutsAndListFollowTheView();
    void clickingAFileScrollsToIt();
    void refreshKeepsTheFileAndTheLine();
    void sameDiffAgainChangesNothingAndPaintsOnce();
    void wordHighlightMarksTheChangedWords();
    void hideWhitespaceFoldsReindentedLinesIntoContext();
    void changedLineEndingShows();
    void dragSelectsLinesOfOneSideAndCopies();
    void coloursFollowTheTheme();
    void screenshots();
};

void tst_DiffView::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void tst_DiffView::unifiedRowsReadAsTheDiff()
{
    DiffView view;
    view.resize(900, 600);
    view.setDiff(realisticDiff());
    QCOMPARE(view.mode(), DiffMode::Unified);
    QCOMPARE(view.fileCount(), 5);
    QCOMPARE(view.currentFile(), 0);
    const DiffLayout &layout = view.layout();
    QCOMPARE(layout.row(0).kind, Kind::FileHeader);
    QCOMPARE(view.rowText(0), u"src/sandbox/cleanup.cpp"_s);
    QCOMPARE(view.rowText(1), u"@@ -12,13 +12,17 @@ namespace squad {"_s);
    // Row 4 is the first deleted line; the two added lines replacing it follow.
    QCOMPARE(layout.row(4).kind, Kind::Line);
    QCOMPARE(view.rowText(4),
             u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int hours)"_s);
    QCOMPARE(view.rowText(5), u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> "
                              u"&rows, int maxAgeHours,"_s);
    QCOMPARE(layout.hunkRows().size(), 5u);
}

void tst_DiffView::sideBySidePairsOldAndNew()
{
    DiffView view;
    view.resize(1200, 600);
    view.setDiff(realisticDiff());
    QSignalSpy modeChanged(&view, &DiffView::modeChanged);
    view.setMode(DiffMode::SideBySide);
    QCOMPARE(modeChanged.size(), 1);
    QCOMPARE(view.layout().mode(), DiffMode::SideBySide);
    // The replaced signature: old on the left, the first new line on the right; then the
    // second new line alone on the right.
    QCOMPARE(view.rowText(4, 0),
             u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int hours)"_s);
    QCOMPARE(view.rowText(4, 1), u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> "
                                 u"&rows, int maxAgeHours,"_s);
    QCOMPARE(view.rowText(5, 0), QString());
    QCOMPARE(view.rowText(5, 1), u"                                    const QDateTime &now)"_s);
    // A context line shows on both sides.
    QCOMPARE(view.rowText(3, 0), view.rowText(3, 1));
    QVERIFY(view.layout().rowCount() < DiffLayout::build(view.diff(), DiffMode::Unified, false)
                                           .rowCount());
}

void tst_DiffView::binaryFileShowsItsSizes()
{
    DiffView view;
    view.setDiff(realisticDiff());
    const int row = firstRow(view, 3, Kind::Binary);
    QVERIFY(row > 0);
    QCOMPARE(view.rowText(row), u"Binary file, 12.3 KiB → 14.0 KiB"_s);
    QCOMPARE(view.rowText(view.layout().fileRow(3)), u"resources/logo.png"_s);
}

void tst_DiffView::renameShowsOldAndNewPaths()
{
    DiffPane pane;
    pane.setDiff(realisticDiff());
    QCOMPARE(pane.view()->rowText(pane.view()->layout().fileRow(2)),
             u"docs/cleanup.md → docs/sandbox-cleanup.md (renamed, 88% similar)"_s);
    QCOMPARE(pane.fileModel()->index(2).data().toString(),
             u"docs/cleanup.md → docs/sandbox-cleanup.md"_s);
    QCOMPARE(pane.view()->fileOfPath(u"docs/sandbox-cleanup.md"_s), 2);
}

void tst_DiffView::longLineFoldsUntilShownAnyway()
{
    git::Diff diff = parseDiffText(u"--- a/web/app.min.js\n+++ b/web/app.min.js\n"
                                   u"@@ -1,1 +1,1 @@\n-old\n+"_s
                                   + QString(6000, u'x') + u"\n"_s);
    diff.files << generatedFile(u"web/other.js"_s, 10);
    DiffView view;
    view.resize(900, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setDiff(diff);
    QVERIFY(view.isFolded(0));
    QCOMPARE(view.layout().row(1).kind, Kind::Fold);
    QVERIFY(view.rowText(1).startsWith(u"A line over 5,000 characters"_s));
    const QRect link = view.showAnywayRect(0);
    QVERIFY(!link.isNull());

    // Narrow, the link comes first, still in sight.
    view.resize(300, 400);
    QTRY_VERIFY(view.showAnywayRect(0).right() < view.viewport()->width());
    QVERIFY(view.showAnywayRect(0).left() < link.left());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(5, link.center().y()));
    QVERIFY(view.isFolded(0)); // beside the link: nothing

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.showAnywayRect(0).center());
    QVERIFY(!view.isFolded(0));
    QVERIFY(view.showAnywayRect(0).isNull());
    QCOMPARE(view.layout().row(1).kind, Kind::HunkHeader);
    QCOMPARE(view.rowText(3), QString(6000, u'x'));
    // Long lines scroll sideways: the range covers the 6,000 characters.
    QTRY_VERIFY(view.horizontalScrollBar()->maximum() > 6000 * view.fontMetrics().horizontalAdvance(u'x') - 1000);

    // Unfolded stays unfolded across a refresh of the same file.
    view.setDiff(diff);
    QVERIFY(!view.isFolded(0));
}

void tst_DiffView::enterShowsTheCurrentFoldedFile()
{
    git::Diff diff;
    git::DiffFile big = generatedFile(u"data/fixture.json"_s, 30);
    big.content.append(QByteArray(DiffLayout::FoldFileBytes, 'z')); // over 1 MiB of text
    diff.files << big;
    DiffView view;
    view.setDiff(diff);
    QVERIFY(view.isFolded(0));
    QVERIFY(view.rowText(1).startsWith(u"Large diff (1.0 MiB of text)"_s));
    QTest::keyClick(&view, Qt::Key_Return);
    QVERIFY(!view.isFolded(0));
    QCOMPARE(view.layout().row(1).kind, Kind::HunkHeader);
}

void tst_DiffView::hugeDiffIsRefused()
{
    git::Diff diff = manyFiles(3, 10);
    // 51 MiB of text that is never written nor read: only its size matters.
    diff.files[1].content = QByteArray(51 * 1024 * 1024, Qt::Uninitialized);
    DiffPane pane;
    pane.resize(900, 500);
    pane.setDiff(diff);
    DiffView *view = pane.view();
    QVERIFY(view->isRefused());
    QCOMPARE(view->layout().rowCount(), 0);
    QCOMPARE(view->currentFile(), -1);
    QVERIFY(view->messageText().startsWith(u"This diff is too large to show: 51.0 MiB"_s));
    QVERIFY(view->messageText().contains(u"50.0 MiB"_s));
    // The list still says what changed.
    QCOMPARE(pane.fileModel()->rowCount(), 3);
    QCOMPARE(pane.fileCounterText(), u"3 files"_s);
    view->nextFile(); // nothing to go to, nothing breaks
    view->scrollToBottom();
    QCOMPARE(view->layout().rowCount(), 0);
    QVERIFY(!pane.grab().isNull()); // paints the message
}

void tst_DiffView::emptyDiffSaysSo()
{
    DiffPane pane;
    pane.setDiff({});
    QCOMPARE(pane.view()->messageText(), u"No changes."_s);
    QCOMPARE(pane.fileCounterText(), u"No files"_s);
    QCOMPARE(pane.summaryText(), u"+0 −0"_s);
}

void tst_DiffView::keysMoveBetweenFilesAndHunks()
{
    git::Diff diff = manyFiles(20, 30);
    // File 3 gets a second hunk.
    diff.files[3] = parseDiffText(u"--- a/src/module003/file003.cpp\n+++ b/src/module003/file003.cpp\n"
                                  u"@@ -1,2 +1,2 @@\n-a\n+b\n c\n@@ -50,2 +50,2 @@\n d\n-e\n+f\n"_s)
                        .files.first();
    DiffView view;
    view.resize(900, 400);
    view.setDiff(diff);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy current(&view, &DiffView::currentFileChanged);
    const DiffLayout &layout = view.layout();

    QTest::keyClick(&view, Qt::Key_BracketRight);
    QCOMPARE(view.currentFile(), 1);
    QCOMPARE(view.topRow(), layout.fileRow(1));
    QCOMPARE(current.size(), 1);
    QTest::keyClick(&view, Qt::Key_Down, Qt::AltModifier);
    QCOMPARE(view.currentFile(), 2);
    QCOMPARE(view.topRow(), layout.fileRow(2));
    QTest::keyClick(&view, Qt::Key_Up, Qt::AltModifier);
    QTest::keyClick(&view, Qt::Key_BracketLeft);
    QCOMPARE(view.currentFile(), 0);
    QCOMPARE(view.topRow(), 0);

    // Hunks: the header lands one row below the top (under the pinned file header).
    view.setCurrentFile(3);
    QTest::keyClick(&view, Qt::Key_N);
    const int firstHunk = layout.fileRow(3) + 1;
    QCOMPARE(layout.row(firstHunk).kind, Kind::HunkHeader);
    QCOMPARE(view.topRow(), firstHunk - 1);
    QTest::keyClick(&view, Qt::Key_Down, Qt::ControlModifier);
    const int secondHunk = layout.hunkRows()[4];
    QCOMPARE(layout.row(secondHunk).file, 3);
    QCOMPARE(layout.row(secondHunk).a, 1);
    QCOMPARE(view.topRow(), secondHunk - 1);
    QTest::keyClick(&view, Qt::Key_N);
    QCOMPARE(view.currentFile(), 4);
    QCOMPARE(view.topRow(), layout.fileRow(4)); // the next file's only hunk
    QTest::keyClick(&view, Qt::Key_P);
    QTest::keyClick(&view, Qt::Key_Up, Qt::ControlModifier);
    QCOMPARE(view.topRow(), firstHunk - 1);
    QCOMPARE(view.currentFile(), 3);

    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(view.topRow(), view.verticalScrollBar()->maximum());
    QCOMPARE(view.currentFile(), 19);
    QVERIFY(view.topRow() + view.visibleRowCount() >= layout.rowCount());
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(view.topRow(), 0);
    QCOMPARE(view.currentFile(), 0);
    QTest::keyClick(&view, Qt::Key_PageDown);
    QCOMPARE(view.topRow(), view.visibleRowCount());

    // The last file cannot scroll to the top: it is still the current one.
    view.setCurrentFile(19);
    QCOMPARE(view.currentFile(), 19);
    QTest::keyClick(&view, Qt::Key_BracketLeft);
    QCOMPARE(view.currentFile(), 18);
}

void tst_DiffView::paneShortcutsAndListFollowTheView()
{
    DiffPane pane;
    QAbstractItemModelTester tester(pane.fileModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.resize(1100, 500);
    pane.setDiff(manyFiles(30, 40));
    pane.show();
    QApplication::setActiveWindow(&pane);
    QVERIFY(QTest::qWaitForWindowActive(&pane));
    pane.view()->setFocus();
    QCOMPARE(pane.fileCounterText(), u"1 of 30 files"_s);
    QCOMPARE(pane.fileList()->currentIndex().row(), 0);

    QSignalSpy pathChanged(&pane, &DiffPane::currentPathChanged);
    QTest::keyClick(pane.view(), Qt::Key_Down, Qt::AltModifier);
    QCOMPARE(pane.view()->currentFile(), 1);
    QCOMPARE(pane.fileList()->currentIndex().row(), 1);
    QCOMPARE(pane.fileCounterText(), u"2 of 30 files"_s);
    QCOMPARE(pathChanged.size(), 1);
    QCOMPARE(pathChanged.first().first().toString(), u"src/module001/file001.cpp"_s);

    // From the list, too: the pane's shortcuts work wherever the focus is in it.
    pane.fileList()->setFocus();
    QTest::keyClick(pane.fileList(), Qt::Key_BracketRight);
    QCOMPARE(pane.view()->currentFile(), 2);
    pane.findChild<QAction *>(u"diffNextFileAction"_s)->trigger();
    QCOMPARE(pane.fileList()->currentIndex().row(), 3);
    pane.findChild<QAction *>(u"diffNextHunkAction"_s)->trigger();
    QCOMPARE(pane.view()->topRow(), pane.view()->layout().fileRow(3));

    // Scrolling by hand: the list selects the file at the top of the view.
    const DiffLayout &layout = pane.view()->layout();
    pane.view()->verticalScrollBar()->setValue(layout.fileRow(17) + 12);
    QCOMPARE(pane.view()->currentFile(), 17);
    QCOMPARE(pane.fileList()->currentIndex().row(), 17);
    QVERIFY(pane.fileList()->selectionModel()->isSelected(pane.fileModel()->index(17)));
    QCOMPARE(pane.fileCounterText(), u"18 of 30 files"_s);
    QCOMPARE(pane.currentPath(), u"src/module017/file017.cpp"_s);

    // The mode and whitespace buttons.
    pane.findChild<QAction *>(u"diffSideBySideAction"_s)->trigger();
    QCOMPARE(pane.mode(), DiffMode::SideBySide);
    QCOMPARE(pane.view()->currentFile(), 17); // the same file stays in sight
    pane.findChild<QAction *>(u"diffHideWhitespaceAction"_s)->trigger();
    QVERIFY(pane.hideWhitespace());
    pane.view()->setMode(DiffMode::Unified);
    QVERIFY(pane.findChild<QAction *>(u"diffUnifiedAction"_s)->isChecked());
}

void tst_DiffView::clickingAFileScrollsToIt()
{
    DiffPane pane;
    pane.resize(1100, 500);
    pane.setDiff(manyFiles(30, 40));
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    QListView *list = pane.fileList();
    const QModelIndex target = pane.fileModel()->index(6);
    list->scrollTo(target);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(target).center());
    QCOMPARE(pane.view()->currentFile(), 6);
    QCOMPARE(pane.view()->topRow(), pane.view()->layout().fileRow(6));
    QCOMPARE(pane.fileCounterText(), u"7 of 30 files"_s);

    // Read on into the file, then click it again: back to its header.
    pane.view()->verticalScrollBar()->setValue(pane.view()->topRow() + 10);
    QCOMPARE(pane.view()->currentFile(), 6);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(target).center());
    QCOMPARE(pane.view()->topRow(), pane.view()->layout().fileRow(6));
}

void tst_DiffView::refreshKeepsTheFileAndTheLine()
{
    DiffPane pane;
    QAbstractItemModelTester tester(pane.fileModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    pane.resize(1100, 500);
    const git::Diff before = manyFiles(30, 40);
    pane.setDiff(before);
    DiffView *view = pane.view();
    view->setCurrentFile(10);
    view->verticalScrollBar()->setValue(view->layout().fileRow(10) + 9);
    const QString topText = view->rowText(view->topRow());
    QVERIFY(!topText.isEmpty());
    view->horizontalScrollBar()->setValue(0);

    // The agent added two files before it and lengthened a file before it; one file after it
    // went away.
    git::Diff after = before;
    after.files.insert(0, generatedFile(u"src/aaa/new.cpp"_s, 25));
    after.files.insert(5, generatedFile(u"src/module004/zzz.cpp"_s, 12));
    after.files[3] = generatedFile(after.files[3].path(), 80);
    after.files.removeAt(20);
    pane.setDiff(after);

    QCOMPARE(pane.currentPath(), u"src/module010/file010.cpp"_s);
    QCOMPARE(view->currentFile(), 12);
    QCOMPARE(view->rowText(view->topRow()), topText);
    QCOMPARE(view->topRow() - view->layout().fileRow(12), 9);
    QCOMPARE(pane.fileList()->currentIndex().row(), 12);
    QCOMPARE(pane.fileList()->currentIndex().data(DiffFileModel::PathRole).toString(),
             u"src/module010/file010.cpp"_s);
    QCOMPARE(pane.fileCounterText(), u"13 of 31 files"_s);

    // Lines added above the line in sight, inside its own file: the same old line stays on top.
    git::Diff edited = after;
    git::DiffFile &file = edited.files[12];
    const QString oldTop = view->rowText(view->topRow());
    // The same 40 lines after three new ones.
    const git::DiffFile plain = generatedFile(file.path(), 40);
    QString text = u"--- a/%1\n+++ b/%1\n@@ -1,%2 +1,%3 @@ section\n+one\n+two\n+three\n"_s
                       .arg(file.path())
                       .arg(plain.hunks.first().oldLines)
                       .arg(plain.hunks.first().newLines + 3);
    for (const git::DiffLine &line : plain.lines) {
        const QChar marker = line.kind == git::DiffLine::Kind::Added     ? u'+'
                             : line.kind == git::DiffLine::Kind::Deleted ? u'-'
                                                                         : u' ';
        text += marker + QString::fromUtf8(plain.text(line)) + u'\n';
    }
    file = parseDiffText(text).files.first();
    pane.setDiff(edited);
    QCOMPARE(view->currentFile(), 12);
    QCOMPARE(view->rowText(view->topRow()), oldTop);
    QCOMPARE(view->topRow() - view->layout().fileRow(12), 12);

    // The current file gone: the view stays where it was and the list follows it.
    git::Diff gone = edited;
    gone.files.removeAt(12);
    const int top = view->topRow();
    pane.setDiff(gone);
    QCOMPARE(view->topRow(), top);
    QCOMPARE(view->currentFile(), view->layout().fileAt(top));
    QCOMPARE(pane.fileList()->currentIndex().row(), view->currentFile());

    // Another diff altogether (another sandbox's): from its top.
    git::Diff other;
    for (int f = 0; f < 20; ++f)
        other.files << generatedFile(u"lib/other%1.py"_s.arg(f), 30);
    pane.setDiff(other);
    QCOMPARE(view->topRow(), 0);
    QCOMPARE(view->currentFile(), 0);
    QCOMPARE(pane.currentPath(), u"lib/other0.py"_s);
    QCOMPARE(pane.fileList()->currentIndex().row(), 0);
}

void tst_DiffView::sameDiffAgainChangesNothingAndPaintsOnce()
{
    DiffPane pane;
    pane.resize(1100, 500);
    git::Diff diff = manyFiles(30, 40);
    // A line wider than the view somewhere: the view scrolls sideways.
    diff.files.last() = parseDiffText(u"--- a/z.txt\n+++ b/z.txt\n@@ -1,1 +1,1 @@\n-a\n+"_s
                                      + QString(300, u'z') + u"\n"_s)
                            .files.first();
    pane.setDiff(diff);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    DiffView *view = pane.view();
    view->setCurrentFile(8);
    view->verticalScrollBar()->setValue(view->topRow() + 5);
    QVERIFY(view->horizontalScrollBar()->maximum() >= 30);
    view->horizontalScrollBar()->setValue(30);
    QCoreApplication::processEvents();
    const int top = view->topRow();

    QSignalSpy reset(pane.fileModel(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(pane.fileModel(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(pane.fileModel(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy pathChanged(&pane, &DiffPane::currentPathChanged);
    const int listScroll = pane.fileList()->verticalScrollBar()->value();
    auto *paints = new PaintCounter(view->viewport());
    pane.setDiff(diff);
    QCOMPARE(view->topRow(), top);
    QCOMPARE(view->horizontalScrollBar()->value(), 30);
    QCOMPARE(view->currentFile(), 8);
    QCOMPARE(pane.fileList()->currentIndex().row(), 8);
    QCOMPARE(pane.fileList()->verticalScrollBar()->value(), listScroll);
    QCOMPARE(reset.size() + inserted.size() + removed.size(), 0);
    QCOMPARE(pathChanged.size(), 0);
    QTRY_VERIFY(paints->count >= 1);
    QCoreApplication::processEvents();
    QCOMPARE(paints->count, 1); // one frame, no blank one before it
}

void tst_DiffView::wordHighlightMarksTheChangedWords()
{
    DiffView view;
    view.setDiff(realisticDiff());
    const git::DiffFile &file = view.diff().files.first();
    // Lines: the cutoff computation, deleted then added.
    int deleted = -1;
    int added = -1;
    for (int i = 0; i < int(file.lines.size()); ++i) {
        const QString text = QString::fromUtf8(file.text(file.lines[std::size_t(i)]));
        if (text.contains(u"const QDateTime cutoff"_s))
            (file.lines[std::size_t(i)].kind == git::DiffLine::Kind::Deleted ? deleted : added) = i;
    }
    QVERIFY(deleted >= 0 && added >= 0);
    auto words = [&](int line) {
        const QString text = QString::fromUtf8(file.text(file.lines[std::size_t(line)]));
        QStringList out;
        for (const TextSpan &span : view.changedSpans(0, line))
            out << text.mid(span.start, span.length);
        return out;
    };
    QCOMPARE(words(deleted),
             (QStringList{u"QDateTime::currentDateTimeUtc()"_s, u"hours"_s}));
    QCOMPARE(words(added), (QStringList{u"now"_s, u"qint64(maxAgeHours)"_s}));
    // A context line has nothing highlighted.
    QVERIFY(view.changedSpans(0, 0).isEmpty());
}

void tst_DiffView::hideWhitespaceFoldsReindentedLinesIntoContext()
{
    const git::Diff diff = parseDiffText(u"--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n"
                                         u"-if ready:\n-  go(fast)\n"
                                         u"+if  ready:\n+    go(slow)\n"_s);
    DiffView view;
    view.setDiff(diff);
    QCOMPARE(view.layout().rowCount(), 6); // header, hunk, 2 deleted, 2 added
    QCOMPARE(view.changedSpans(0, 1).size(), 2); // the indent and "fast"

    QSignalSpy changed(&view, &DiffView::hideWhitespaceChanged);
    view.setHideWhitespace(true);
    QCOMPARE(changed.size(), 1);
    // "if ready:" and "if  ready:" now read as one context line; the edited line stays.
    QCOMPARE(view.layout().rowCount(), 5);
    QVERIFY(view.layout().row(2).flags & DiffRow::WhitespaceOnly);
    QCOMPARE(view.rowText(2), u"if  ready:"_s);
    const QList<TextSpan> spans = view.changedSpans(0, 1);
    QCOMPARE(spans.size(), 1);
    QCOMPARE(u"  go(fast)"_s.mid(spans.first().start, spans.first().length), u"fast"_s);
}

void tst_DiffView::changedLineEndingShows()
{
    // "a" became "a\r\n" (the engine keeps the CR); "b" kept its CRLF ending.
    git::Diff diff = parseDiffText(u"--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n-a\n+a\r\n b\r\n"_s);
    QCOMPARE(diff.files.first().text(diff.files.first().lines[1]), QByteArrayView("a\r"));
    DiffView view;
    view.setDiff(diff);
    QCOMPARE(view.rowText(3), u"a"_s); // the CR is not text: not shown, copied or compared
    QVERIFY(view.changedSpans(0, 1).isEmpty());
    QVERIFY(view.showsCarriageReturn(0, 1, 0));  // the added line gets the marker
    QVERIFY(!view.showsCarriageReturn(0, 0, 1)); // the deleted one has no CR
    QVERIFY(!view.showsCarriageReturn(0, 2, -1)); // an unchanged CRLF line: no noise
    QVERIFY(!view.grab().isNull());
    // Hide whitespace: a line ending is whitespace.
    view.setHideWhitespace(true);
    QVERIFY(view.layout().row(2).flags & DiffRow::WhitespaceOnly);
}

void tst_DiffView::dragSelectsLinesOfOneSideAndCopies()
{
    DiffView view;
    view.resize(1200, 600);
    view.setDiff(realisticDiff());
    view.setMode(DiffMode::SideBySide);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Rows 4..5 on the right (new) side: the two lines of the new signature.
    const QRect from = view.rowRect(4);
    const QRect to = view.rowRect(5);
    const int x = view.viewport()->width() * 3 / 4;
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, QPoint(x, from.center().y()));
    QMouseEvent move(QEvent::MouseMove, QPointF(x, to.center().y()),
                     view.viewport()->mapToGlobal(QPointF(x, to.center().y())), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(view.viewport(), &move);
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, QPoint(x, to.center().y()));
    QCOMPARE(view.selectedText(),
             u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int "
             u"maxAgeHours,\n                                    const QDateTime &now)"_s);
    QTest::keyClick(&view, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), view.selectedText());

    // The left side of the same rows: the old line only (the second row has none).
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, QPoint(40, from.center().y()));
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, QPoint(40, from.center().y()));
    QCOMPARE(view.selectedText(),
             u"QList<SandboxRecord> staleSandboxes(const QList<SandboxRecord> &rows, int hours)"_s);
    QTest::keyClick(&view, Qt::Key_Escape);
    QVERIFY(view.selectedText().isEmpty());
}

void tst_DiffView::coloursFollowTheTheme()
{
    // An added line's background is green over the theme's base, in light and dark alike,
    // and the text on it keeps the theme's own colour.
    const git::Diff diff = parseDiffText(u"--- a/a.txt\n+++ b/a.txt\n@@ -1,1 +1,1 @@\n"
                                         u"-x\n+y\n"_s);
    for (const bool dark : {false, true}) {
        QPalette palette;
        palette.setColor(QPalette::Base, dark ? QColor(0x0d, 0x11, 0x17) : Qt::white);
        palette.setColor(QPalette::Text, dark ? QColor(0xe6, 0xed, 0xf3) : QColor(0x1f, 0x23,
                                                                                  0x28));
        DiffView view;
        view.setPalette(palette);
        view.resize(600, 200);
        view.setDiff(diff);
        const QImage image = view.viewport()->grab().toImage();
        const int addedRow = 3; // header, hunk, deleted, added
        const QRect rect = view.rowRect(addedRow);
        const QColor background = image.pixelColor(view.viewport()->width() - 5,
                                                   rect.center().y());
        QVERIFY2(background.green() > background.red() + 10, qPrintable(background.name()));
        QCOMPARE(background.lightnessF() < 0.5, dark);
        const QColor deleted = image.pixelColor(view.viewport()->width() - 5,
                                                view.rowRect(2).center().y());
        QVERIFY2(deleted.red() > deleted.green() + 10, qPrintable(deleted.name()));
        QCOMPARE(deleted.lightnessF() < 0.5, dark);
    }
}

void tst_DiffView::screenshots()
{
    const QString folder = qEnvironmentVariable("SQUAD_DIFF_SCREENSHOTS");
    if (folder.isEmpty())
        QSKIP("set SQUAD_DIFF_SCREENSHOTS to a folder to write the screenshots");
    for (const bool dark : {false, true}) {
        DiffPane pane;
        if (dark) {
            QPalette palette;
            palette.setColor(QPalette::Window, QColor(0x16, 0x1b, 0x22));
            palette.setColor(QPalette::WindowText, QColor(0xe6, 0xed, 0xf3));
            palette.setColor(QPalette::Base, QColor(0x0d, 0x11, 0x17));
            palette.setColor(QPalette::AlternateBase, QColor(0x16, 0x1b, 0x22));
            palette.setColor(QPalette::Text, QColor(0xe6, 0xed, 0xf3));
            palette.setColor(QPalette::Button, QColor(0x21, 0x26, 0x2d));
            palette.setColor(QPalette::ButtonText, QColor(0xe6, 0xed, 0xf3));
            palette.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xeb));
            palette.setColor(QPalette::HighlightedText, Qt::white);
            palette.setColor(QPalette::PlaceholderText, QColor(0x7d, 0x85, 0x90));
            palette.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
            pane.setPalette(palette);
        }
        pane.resize(1280, 760);
        git::Diff diff = realisticDiff();
        git::Diff folded = parseDiffText(u"--- a/web/app.min.js\n+++ b/web/app.min.js\n"
                                         u"@@ -1,1 +1,1 @@\n-old\n+"_s
                                         + QString(6000, u'x') + u"\n"_s);
        diff.files.insert(4, folded.files.first());
        pane.setDiff(diff);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const QString theme = dark ? u"dark"_s : u"light"_s;
        pane.setMode(DiffMode::Unified);
        pane.view()->verticalScrollBar()->setValue(0);
        QVERIFY(pane.grab().save(QDir(folder).filePath(u"diff-unified-%1.png"_s.arg(theme))));
        pane.setMode(DiffMode::SideBySide);
        QVERIFY(pane.grab().save(QDir(folder).filePath(u"diff-side-%1.png"_s.arg(theme))));
        pane.view()->verticalScrollBar()->setValue(30);
        QVERIFY(pane.grab().save(QDir(folder).filePath(u"diff-side-scrolled-%1.png"_s.arg(theme))));
        // As the details pane holds it: narrow, the list on top.
        pane.setMode(DiffMode::Unified);
        pane.setOrientation(Qt::Vertical);
        pane.resize(640, 720);
        pane.setCurrentPath(u"docs/sandbox-cleanup.md"_s);
        QVERIFY(pane.grab().save(QDir(folder).filePath(u"diff-narrow-%1.png"_s.arg(theme))));
        pane.setOrientation(Qt::Horizontal);
    }
}

QTEST_MAIN(tst_DiffView)
#include "tst_diffview.moc"
