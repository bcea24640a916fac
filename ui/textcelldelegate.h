// SPDX-License-Identifier: MIT
#pragma once

#include <QCache>
#include <QFont>
#include <QTextLayout>
#include <QStyledItemDelegate>

namespace squad {

// The item-view cell around a delegate's own content: its background as the style paints it
// (selection, hover, alternating rows) and, on the current cell, the focus frame.
void paintCellBackground(QPainter *painter, const QStyleOptionViewItem &option);
void paintCellFocus(QPainter *painter, const QStyleOptionViewItem &option);

// Paints a plain-text cell (display text, foreground colour, alignment) as the style does,
// elided on the side that matters: repository URLs keep their end ("…acme/widgets.git").
// A sandbox table repeats the same few words (templates, repositories, providers, ages, "—")
// down every page, and QStyledItemDelegate shapes each cell's text twice on every paint; this
// one keeps the shaped text of the strings it has drawn, so a scroll, a refresh or the minute
// tick mostly blits glyphs that are laid out already.
class TextCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit TextCellDelegate(Qt::TextElideMode mode, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    struct ShapedText
    {
        QTextLayout layout;  // one line, from its top left
        qreal width = 0;
        qreal height = 0;
    };
    // `text` laid out in `font`, from the cache when it was drawn before.
    const ShapedText &shaped(const QString &text, const QFont &font) const;

    Qt::TextElideMode m_mode;
    mutable QCache<QString, ShapedText> m_shaped;  // a few hundred bytes a string
    mutable QFont m_shapedFont;
    // Elided forms by text and width: the same long URL in the same column width.
    mutable QCache<QString, QString> m_elided;
};

} // namespace squad
