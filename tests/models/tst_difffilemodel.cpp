// SPDX-License-Identifier: MIT
// The diff's file list: what each row reads, and how a refreshed diff is applied (by path, row
// by row) so that a view's selection stays on its file.
#include "difffilemodel.h"
#include "tst_difftext.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QIcon>
#include <QItemSelectionModel>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::testing::parseDiffText;

namespace {

// "a.txt+1 b.txt+2": modified files with that many added lines each (one hunk).
git::Diff files(const QString &spec)
{
    QString text;
    for (const QString &word : spec.split(u' ', Qt::SkipEmptyParts)) {
        const qsizetype plus = word.indexOf(u'+');
        const QString path = plus < 0 ? word : word.left(plus);
        const int added = plus < 0 ? 1 : word.mid(plus + 1).toInt();
        text += u"--- a/%1\n+++ b/%1\n@@ -1,1 +1,%2 @@\n ctx\n"_s.arg(path).arg(added + 1);
        for (int i = 0; i < added; ++i)
            text += u"+line %1\n"_s.arg(i);
    }
    return parseDiffText(text);
}

QStringList paths(const DiffFileModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row).data(DiffFileModel::PathRole).toString();
    return out;
}

} // namespace

class tst_DiffFileModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void rowsReadAsTheFileList();
    void rowsOfEveryStatus_data();
    void rowsOfEveryStatus();
    void sameFilesAgainOnlyChangeData();
    void refreshKeepsTheSelectedFileByPath();
    void reorderedFilesReset();
};

void tst_DiffFileModel::rowsReadAsTheFileList()
{
    DiffFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    git::Diff diff = parseDiffText(
        u"diff --git a/src/old.cpp b/src/new.cpp\nsimilarity index 92%\nrename from src/old.cpp\n"
        u"rename to src/new.cpp\n--- a/src/old.cpp\n+++ b/src/new.cpp\n@@ -1,2 +1,2 @@\n"
        u"-a\n+b\n c\n"
        u"diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"_s);
    diff.files[1].oldSize = 12595;
    diff.files[1].newSize = 14336;
    model.setDiff(diff);
    QCOMPARE(model.rowCount(), 2);

    const QModelIndex rename = model.index(0);
    QCOMPARE(rename.data().toString(), u"src/old.cpp → src/new.cpp"_s);
    QCOMPARE(rename.data(DiffFileModel::StatusLetterRole).toString(), u"R"_s);
    QCOMPARE(rename.data(DiffFileModel::PathRole).toString(), u"src/new.cpp"_s);
    QCOMPARE(rename.data(DiffFileModel::OldPathRole).toString(), u"src/old.cpp"_s);
    QCOMPARE(rename.data(DiffFileModel::SimilarityRole).toInt(), 92);
    QCOMPARE(rename.data(DiffFileModel::AdditionsRole).toInt(), 1);
    QCOMPARE(rename.data(DiffFileModel::DeletionsRole).toInt(), 1);
    QCOMPARE(rename.data(DiffFileModel::ChangeTextRole).toString(), u"+1 −1"_s);
    QVERIFY(rename.data(Qt::ToolTipRole).toString().contains(u"Renamed, 92% similar"_s));
    QVERIFY(!rename.data(Qt::DecorationRole).value<QIcon>().isNull());

    const QModelIndex binary = model.index(1);
    QCOMPARE(binary.data().toString(), u"logo.png"_s);
    QVERIFY(binary.data(DiffFileModel::BinaryRole).toBool());
    QCOMPARE(binary.data(DiffFileModel::ChangeTextRole).toString(),
             u"Binary file, 12.3 KiB → 14.0 KiB"_s);
    QCOMPARE(model.rowOfPath(u"logo.png"_s), 1);
    QCOMPARE(model.rowOfPath(u"src/old.cpp"_s), -1);
    QCOMPARE(model.totalAdditions(), 1);
}

void tst_DiffFileModel::rowsOfEveryStatus_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("letter");
    QTest::addColumn<QString>("display");
    QTest::newRow("added") << u"--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+x\n"_s << u"A"_s
                           << u"new.txt"_s;
    QTest::newRow("modified") << u"--- a/m.txt\n+++ b/m.txt\n@@ -1 +1 @@\n-x\n+y\n"_s << u"M"_s
                              << u"m.txt"_s;
    QTest::newRow("deleted") << u"--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"_s
                             << u"D"_s << u"gone.txt"_s;
    QTest::newRow("copied") << u"diff --git a/a.txt b/b.txt\nsimilarity index 100%\n"
                               u"copy from a.txt\ncopy to b.txt\n"_s
                            << u"C"_s << u"a.txt → b.txt"_s;
}

void tst_DiffFileModel::rowsOfEveryStatus()
{
    QFETCH(QString, text);
    QFETCH(QString, letter);
    QFETCH(QString, display);
    DiffFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDiff(parseDiffText(text));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0).data(DiffFileModel::StatusLetterRole).toString(), letter);
    QCOMPARE(model.index(0).data().toString(), display);
    QVERIFY(model.index(0).data(DiffFileModel::StatusColourRole).value<QColor>().isValid());
}

void tst_DiffFileModel::sameFilesAgainOnlyChangeData()
{
    DiffFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDiff(files(u"a.txt+1 b.txt+1 c.txt+1 d.txt+1"_s));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    model.setDiff(files(u"a.txt+1 b.txt+1 c.txt+1 d.txt+1"_s));
    QCOMPARE(changed.size(), 0); // nothing to tell

    model.setDiff(files(u"a.txt+1 b.txt+5 c.txt+6 d.txt+1"_s));
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.first().at(1).toModelIndex().row(), 2);
    QCOMPARE(model.index(2).data(DiffFileModel::AdditionsRole).toInt(), 6);
    QCOMPARE(model.totalAdditions(), 13);
}

void tst_DiffFileModel::refreshKeepsTheSelectedFileByPath()
{
    DiffFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QItemSelectionModel selection(&model);
    model.setDiff(files(u"b.txt c.txt d.txt f.txt"_s));
    selection.setCurrentIndex(model.index(2), QItemSelectionModel::ClearAndSelect);
    QCOMPARE(selection.currentIndex().data(DiffFileModel::PathRole).toString(), u"d.txt"_s);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    // Two files before it gone, three new ones around it.
    model.setDiff(files(u"a.txt c.txt cc.txt d.txt e.txt g.txt"_s));
    QCOMPARE(paths(model), (QStringList{u"a.txt"_s, u"c.txt"_s, u"cc.txt"_s, u"d.txt"_s,
                                        u"e.txt"_s, u"g.txt"_s}));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 2);  // b, then f (separate ranges)
    QCOMPARE(inserted.size(), 3); // a; cc; e and g together
    QCOMPARE(selection.currentIndex().data(DiffFileModel::PathRole).toString(), u"d.txt"_s);
    QCOMPARE(selection.selectedRows().size(), 1);
    QCOMPARE(selection.selectedRows().first().row(), 3);
    QCOMPARE(model.rowOfPath(u"d.txt"_s), 3);
    QCOMPARE(model.rowOfPath(u"b.txt"_s), -1);

    model.setDiff({});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!selection.currentIndex().isValid());
}

void tst_DiffFileModel::reorderedFilesReset()
{
    DiffFileModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setDiff(files(u"a.txt b.txt c.txt"_s));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setDiff(files(u"c.txt a.txt b.txt"_s));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(paths(model), (QStringList{u"c.txt"_s, u"a.txt"_s, u"b.txt"_s}));
}

QTEST_MAIN(tst_DiffFileModel)
#include "tst_difffilemodel.moc"
