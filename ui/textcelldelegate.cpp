// SPDX-License-Identifier: MIT
#include "textcelldelegate.h"

#include <QApplication>
#include <QPainter>
#include <QTextLayout>

#include <limits>

namespace squad {

namespace {

QStyle *styleFor(const QStyleOptionViewItem &option)
{
    return option.widget ? option.widget->style() : QApplication::style();
}

QPalette::ColorGroup colourGroup(const QStyleOptionViewItem &option)
{
    if (!(option.state & QStyle::State_Enabled))
        return QPalette::Disabled;
    return option.state & QStyle::State_Active ? QPalette::Normal : QPalette::Inactive;
}

} // namespace

void paintCellBackground(QPainter *painter, const QStyleOptionViewItem &option)
{
    styleFor(option)->drawPrimitive(QStyle::PE_PanelItemViewItem, &option, painter,
                                    option.widget);
}

void paintCellFocus(QPainter *painter, const QStyleOptionViewItem &option)
{
    if (!(option.state & QStyle::State_HasFocus))
        return;
    // As QCommonStyle draws an item's focus.
    QStyle *style = styleFor(option);
    QStyleOptionFocusRect focus;
    focus.QStyleOption::operator=(option);
    focus.rect = style->subElementRect(QStyle::SE_ItemViewItemFocusRect, &option, option.widget);
    focus.state |= QStyle::State_KeyboardFocusChange | QStyle::State_Item;
    focus.backgroundColor = option.palette.color(
        colourGroup(option),
        option.state & QStyle::State_Selected ? QPalette::Highlight : QPalette::Window);
    style->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, painter, option.widget);
}

TextCellDelegate::TextCellDelegate(Qt::TextElideMode mode, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_mode(mode)
    , m_shaped(2048)
    , m_elided(1024)
{
}

const TextCellDelegate::ShapedText &TextCellDelegate::shaped(const QString &text,
                                                             const QFont &font) const
{
    if (font != m_shapedFont) {
        m_shaped.clear();
        m_elided.clear();
        m_shapedFont = font;
    }
    if (const ShapedText *known = m_shaped.object(text))
        return *known;
    auto *result = new ShapedText;
    result->layout.setText(text);
    result->layout.setFont(font);
    result->layout.setCacheEnabled(true);  // keeps the glyphs between paints
    result->layout.beginLayout();
    QTextLine line = result->layout.createLine();
    line.setLineWidth(std::numeric_limits<int>::max() / 256);
    result->layout.endLayout();
    result->width = line.naturalTextWidth();
    result->height = line.height();
    m_shaped.insert(text, result);
    return *result;
}

void TextCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    paintCellBackground(painter, option);

    const QString text = index.data(Qt::DisplayRole).toString();
    if (!text.isEmpty()) {
        const QPalette::ColorGroup group = colourGroup(option);
        QColor colour;
        if (option.state & QStyle::State_Selected) {
            colour = option.palette.color(group, QPalette::HighlightedText);
        } else {
            const QVariant foreground = index.data(Qt::ForegroundRole);
            colour = foreground.isValid() ? foreground.value<QBrush>().color()
                                          : option.palette.color(group, QPalette::Text);
        }
        const QVariant alignmentValue = index.data(Qt::TextAlignmentRole);
        const Qt::Alignment alignment = QStyle::visualAlignment(
            option.direction, alignmentValue.isValid()
                                  ? Qt::Alignment(alignmentValue.toInt())
                                  : Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));

        // The text margin QCommonStyle leaves on both sides of an item's text.
        const int margin
            = styleFor(option)->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, option.widget)
              + 1;
        const QRect box = option.rect.adjusted(margin, 0, -margin, 0);
        const ShapedText *line = &shaped(text, option.font);
        if (line->width > box.width()) {
            const QString key = text + QChar(0) + QString::number(box.width());
            QString *elided = m_elided.object(key);
            if (!elided) {
                elided = new QString(option.fontMetrics.elidedText(text, m_mode, box.width()));
                m_elided.insert(key, elided);
            }
            line = &shaped(*elided, option.font);
        }
        const qreal width = line->width;
        qreal x = box.left();
        if (alignment & Qt::AlignRight)
            x = box.right() + 1 - width;
        else if (alignment & Qt::AlignHCenter)
            x = box.left() + (box.width() - width) / 2;
        const qreal y = box.top() + (box.height() - line->height) / 2;

        // A plain-text layout draws in the painter's pen: the colour is this paint's.
        painter->setPen(colour);
        line->layout.draw(painter, QPointF(x, y));
    }

    paintCellFocus(painter, option);
}

} // namespace squad
