// SPDX-License-Identifier: MIT
// The table's own painters: plain-text cells, status pills, the status bar's counts, and the
// console style's icons. They replace Qt's general paths for speed, so they are checked here
// against what the general paths would show: the text, its colour, its side of elision.
#include "consoleapplication.h"
#include "icons.h"
#include "sandboxstatuspresentation.h"
#include "statusbadgedelegate.h"
#include "statuscounts.h"
#include "textcelldelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStandardItemModel>
#include <QStyle>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_CellPainting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpConsoleApplication(); }
    void textTakesItsForegroundColour();
    void selectedTextTakesHighlightedText();
    void selectedRowInAViewLooksAsQtDrawsIt();
    void textStaysInsideItsCell();
    void elidesOnTheChosenSide();
    void rightAlignedTextEndsAtTheRightEdge();
    void statusPillIsPaintedOncePerLook();
    void statusCountsReadWithoutColour();
    void styleDrawsTheOverflowIconsFromTheConsole();

private:
    // Paints `index` through `delegate` into a white image of `size`, cell at `cell`.
    QImage paintCell(QAbstractItemDelegate &delegate, const QModelIndex &index, const QRect &cell,
                     QStyle::State state = QStyle::State_Enabled | QStyle::State_Active,
                     QSize size = {240, 40});
    static int countPixels(const QImage &image, const std::function<bool(QColor)> &matches,
                           const QRect &area = {});

    QTableView m_view;  // gives the options a widget, a font and a style, as in the window
};

QImage tst_CellPainting::paintCell(QAbstractItemDelegate &delegate, const QModelIndex &index,
                                   const QRect &cell, QStyle::State state, QSize size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QStyleOptionViewItem option;
    option.initFrom(&m_view);
    option.widget = &m_view;
    option.rect = cell;
    option.state = state;
    option.showDecorationSelected = true;  // as QTableView sets it
    option.palette.setColor(QPalette::Base, Qt::white);
    option.palette.setColor(QPalette::Text, Qt::black);
    option.palette.setColor(QPalette::Highlight, QColor(0, 0, 160));
    option.palette.setColor(QPalette::HighlightedText, QColor(255, 255, 0));
    QPainter painter(&image);
    delegate.paint(&painter, option, index);
    painter.end();
    return image;
}

int tst_CellPainting::countPixels(const QImage &image, const std::function<bool(QColor)> &matches,
                                  const QRect &area)
{
    const QRect box = area.isNull() ? image.rect() : area;
    int count = 0;
    for (int y = box.top(); y <= box.bottom(); ++y) {
        for (int x = box.left(); x <= box.right(); ++x)
            count += matches(image.pixelColor(x, y)) ? 1 : 0;
    }
    return count;
}

static bool reddish(QColor c)
{
    return c.red() > 150 && c.green() < 110 && c.blue() < 110;
}

void tst_CellPainting::textTakesItsForegroundColour()
{
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), u"WWWWWW"_s);
    model.setData(model.index(0, 0), QBrush(Qt::red), Qt::ForegroundRole);
    TextCellDelegate delegate(Qt::ElideRight);
    const QImage image = paintCell(delegate, model.index(0, 0), QRect(0, 0, 240, 40));
    QVERIFY(countPixels(image, reddish) > 20);

    // Without a foreground role, the palette's text colour.
    model.setData(model.index(0, 0), QVariant(), Qt::ForegroundRole);
    const QImage plain = paintCell(delegate, model.index(0, 0), QRect(0, 0, 240, 40));
    QCOMPARE(countPixels(plain, reddish), 0);
    QVERIFY(countPixels(plain, [](QColor c) { return c.lightness() < 60; }) > 20);
}

void tst_CellPainting::selectedTextTakesHighlightedText()
{
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), u"WWWWWW"_s);
    model.setData(model.index(0, 0), QBrush(Qt::red), Qt::ForegroundRole);
    TextCellDelegate delegate(Qt::ElideRight);
    // Painted unselected first, as every row is at start-up: the text it keeps must not keep
    // that colour.
    QVERIFY(countPixels(paintCell(delegate, model.index(0, 0), QRect(0, 0, 240, 40)), reddish)
            > 20);
    const QImage image
        = paintCell(delegate, model.index(0, 0), QRect(0, 0, 240, 40),
                    QStyle::State_Enabled | QStyle::State_Active | QStyle::State_Selected);
    // The selection background, and yellow text on it rather than the row's own colour.
    QVERIFY(countPixels(image, [](QColor c) { return c.blue() > 100 && c.red() < 80; }) > 1000);
    QVERIFY(countPixels(image, [](QColor c) { return c.red() > 180 && c.green() > 180 && c.blue() < 90; })
            > 20);
    QCOMPARE(countPixels(image, reddish), 0);
}

void tst_CellPainting::selectedRowInAViewLooksAsQtDrawsIt()
{
    // The same rows through Qt's own delegate and through ours, shown, then one selected: the
    // selected row's text is light on the highlight in both.
    QStandardItemModel model(3, 1);
    for (int row = 0; row < 3; ++row)
        model.setData(model.index(row, 0), u"WWWWWWWW"_s);
    const auto lightAndDarkInRow = [&](QAbstractItemDelegate *delegate) {
        QTableView view;
        view.setModel(&model);
        if (delegate)
            view.setItemDelegate(delegate);
        view.resize(300, 200);
        view.show();
        // The whole view, so the viewport paints offset below the header as in a window; once
        // unselected first, as at start-up.
        (void)view.grab();
        view.selectRow(0);
        const QImage image = view.grab().toImage();
        const QRect row(view.viewport()->mapTo(&view, QPoint(0, 0)),
                        QSize(view.columnWidth(0), view.rowHeight(0)));
        return std::pair(countPixels(image, [](QColor c) { return c.lightness() > 200; }, row),
                         countPixels(image, [](QColor c) { return c.lightness() < 60; }, row));
    };
    const auto stock = lightAndDarkInRow(nullptr);
    const auto ours = lightAndDarkInRow(new TextCellDelegate(Qt::ElideRight));
    QVERIFY2(std::abs(stock.first - ours.first) <= stock.first / 5,
             qPrintable(u"light pixels: Qt %1, ours %2"_s.arg(stock.first).arg(ours.first)));
    QVERIFY2(std::abs(stock.second - ours.second) <= std::max(10, stock.second / 5),
             qPrintable(u"dark pixels: Qt %1, ours %2"_s.arg(stock.second).arg(ours.second)));
}

void tst_CellPainting::textStaysInsideItsCell()
{
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), u"https://github.com/acme/a-very-long-repository-name.git"_s);
    TextCellDelegate delegate(Qt::ElideLeft);
    const QRect cell(40, 0, 80, 40);
    const QImage image = paintCell(delegate, model.index(0, 0), cell);
    const auto dark = [](QColor c) { return c.lightness() < 160; };
    QVERIFY(countPixels(image, dark, cell) > 10);
    QCOMPARE(countPixels(image, dark, QRect(0, 0, 40, 40)), 0);
    QCOMPARE(countPixels(image, dark, QRect(120, 0, 120, 40)), 0);
}

void tst_CellPainting::elidesOnTheChosenSide()
{
    // A run of M's too long for the cell: the ellipsis, three dots on the baseline, leaves the
    // upper half of its end of the cell empty; full-height M's fill it at the other end.
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), QString(80, u'M'));
    const QRect cell(0, 0, 120, 40);
    const int dots = m_view.fontMetrics().horizontalAdvance(u"…"_s);
    const QRect firstGlyphTop(0, 0, 3 + dots - 1, 20);
    const auto ink = [](QColor c) { return c.lightness() < 160; };
    TextCellDelegate keepEnd(Qt::ElideLeft);
    TextCellDelegate keepStart(Qt::ElideRight);
    QCOMPARE(countPixels(paintCell(keepEnd, model.index(0, 0), cell), ink, firstGlyphTop), 0);
    QVERIFY(countPixels(paintCell(keepStart, model.index(0, 0), cell), ink, firstGlyphTop) > 3);
}

void tst_CellPainting::rightAlignedTextEndsAtTheRightEdge()
{
    QStandardItemModel model(1, 1);
    model.setData(model.index(0, 0), u"42m"_s);
    model.setData(model.index(0, 0), int(Qt::AlignRight | Qt::AlignVCenter),
                  Qt::TextAlignmentRole);
    TextCellDelegate delegate(Qt::ElideRight);
    const QImage image = paintCell(delegate, model.index(0, 0), QRect(0, 0, 240, 40));
    const auto dark = [](QColor c) { return c.lightness() < 160; };
    QCOMPARE(countPixels(image, dark, QRect(0, 0, 160, 40)), 0);
    QVERIFY(countPixels(image, dark, QRect(160, 0, 80, 40)) > 5);
}

void tst_CellPainting::statusPillIsPaintedOncePerLook()
{
    // Two cells of one status look the same; another status looks different.
    QImage running(120, 30, QImage::Format_ARGB32_Premultiplied);
    QImage again(120, 30, QImage::Format_ARGB32_Premultiplied);
    QImage error(120, 30, QImage::Format_ARGB32_Premultiplied);
    for (QImage *image : {&running, &again, &error})
        image->fill(Qt::white);
    const QFont font = QApplication::font();
    {
        QPainter p1(&running);
        paintStatusBadge(&p1, running.rect(), SandboxBadge::Running, font, Qt::white);
        QPainter p2(&again);
        paintStatusBadge(&p2, again.rect(), SandboxBadge::Running, font, Qt::white);
        QPainter p3(&error);
        paintStatusBadge(&p3, error.rect(), SandboxBadge::Error, font, Qt::white);
    }
    QCOMPARE(running, again);
    QVERIFY(running != error);
    const QColor colour = presentationOf(SandboxStatus::Error).colour;
    QVERIFY(countPixels(error, [&](QColor c) {
                return std::abs(c.red() - colour.red()) < 60 && std::abs(c.green() - colour.green()) < 60
                       && std::abs(c.blue() - colour.blue()) < 60 && c != Qt::white;
            }) > 10);
}

void tst_CellPainting::statusCountsReadWithoutColour()
{
    StatusCounts counts;
    counts.setCounts({{SandboxStatus::Running, 12}, {SandboxStatus::Terminated, 1234}});
    const QString text = counts.text();
    QVERIFY2(text.contains(u"12 running"_s), qPrintable(text));
    QVERIFY2(text.contains(u"0 created"_s), qPrintable(text));
    QVERIFY2(text.contains(QLocale().toString(1234) + u" terminated"_s), qPrintable(text));
    QCOMPARE(counts.accessibleName(), text);
    QVERIFY(counts.sizeHint().width() >= counts.fontMetrics().horizontalAdvance(text));
}

void tst_CellPainting::styleDrawsTheOverflowIconsFromTheConsole()
{
    QStyle *style = QApplication::style();
    const QIcon horizontal = style->standardIcon(QStyle::SP_ToolBarHorizontalExtensionButton);
    const QIcon vertical = style->standardIcon(QStyle::SP_ToolBarVerticalExtensionButton);
    QVERIFY(!horizontal.pixmap(16).isNull());
    QVERIFY(!vertical.pixmap(16).isNull());
    QCOMPARE(horizontal.pixmap(16).toImage(), consoleIcon(u"overflow-horizontal"_s).pixmap(16).toImage());
    // Everything else still comes from the platform's style.
    QVERIFY(!style->standardIcon(QStyle::SP_DialogOkButton).isNull());
}

QTEST_MAIN(tst_CellPainting)
#include "tst_cellpainting.moc"
