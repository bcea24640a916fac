// SPDX-License-Identifier: MIT
#include "difffiledelegate.h"

#include "difffilemodel.h"
#include "textcelldelegate.h"

#include <QApplication>
#include <QLocale>
#include <QPainter>

#include <cmath>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int Blocks = 5;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

} // namespace

std::pair<int, int> DiffFileDelegate::changeBlocks(int additions, int deletions)
{
    const int total = additions + deletions;
    if (total <= 0)
        return {0, 0};
    // Fewer changed lines than blocks fill only as many blocks as lines, as GitHub does.
    const int filled = std::min(Blocks, total);
    int green = int(std::lround(double(filled) * additions / total));
    if (additions > 0 && green == 0)
        green = 1;
    if (deletions > 0 && green == filled)
        green = filled - 1;
    return {green, filled - green};
}

QSize DiffFileDelegate::sizeHint(const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    Q_UNUSED(index)
    // Narrow on purpose: the path is elided to the list's width, which the splitter decides.
    const QFontMetrics metrics(option.font);
    return QSize(metrics.horizontalAdvance(u"file.cpp +12 −3"_s) + 80, metrics.height() + 8);
}

void DiffFileDelegate::paint(QPainter *painter, const QStyleOptionViewItem &styleOption,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem option = styleOption;
    initStyleOption(&option, index);
    option.text.clear();
    option.icon = QIcon();
    paintCellBackground(painter, option);

    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = !(option.state & QStyle::State_Enabled)
                                           ? QPalette::Disabled
                                           : (option.state & QStyle::State_Active
                                                  ? QPalette::Normal
                                                  : QPalette::Inactive);
    const QColor text = option.palette.color(group, selected ? QPalette::HighlightedText
                                                             : QPalette::Text);
    const bool dark = isDark(option.palette);
    const QColor green = dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x1a, 0x7f, 0x37);
    const QColor red = dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e);
    const QColor base = option.palette.color(group, QPalette::Base);
    const QColor ink = option.palette.color(group, QPalette::Text);
    const QColor grey = QColor::fromRgbF(float(base.redF() * 0.75 + ink.redF() * 0.25),
                                         float(base.greenF() * 0.75 + ink.greenF() * 0.25),
                                         float(base.blueF() * 0.75 + ink.blueF() * 0.25));

    const QRect box = option.rect.adjusted(6, 0, -6, 0);
    const QFontMetrics metrics(option.font);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);

    // The status badge.
    const int badgeSize = std::min(box.height() - 6, metrics.height() + 2);
    const QRect badge(box.left(), box.top() + (box.height() - badgeSize) / 2, badgeSize,
                      badgeSize);
    painter->setPen(Qt::NoPen);
    painter->setBrush(index.data(DiffFileModel::StatusColourRole).value<QColor>());
    painter->drawRoundedRect(QRectF(badge), 3, 3);
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter,
                      index.data(DiffFileModel::StatusLetterRole).toString());

    // On the right: blocks, then counts to their left (or BIN).
    int right = box.right();
    painter->setFont(option.font);
    if (index.data(DiffFileModel::BinaryRole).toBool()) {
        const QString label = u"BIN"_s;
        right -= metrics.horizontalAdvance(label);
        painter->setPen(selected ? text : option.palette.color(group, QPalette::PlaceholderText));
        painter->drawText(QRect(right, box.top(), box.right() - right + 1, box.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, label);
    } else {
        const int additions = index.data(DiffFileModel::AdditionsRole).toInt();
        const int deletions = index.data(DiffFileModel::DeletionsRole).toInt();
        const auto [greenBlocks, redBlocks] = changeBlocks(additions, deletions);
        const int block = std::max(6, metrics.height() / 2);
        const int gap = 2;
        right -= Blocks * (block + gap) - gap;
        for (int b = 0; b < Blocks; ++b) {
            const QColor colour = b < greenBlocks              ? green
                                  : b < greenBlocks + redBlocks ? red
                                                                : grey;
            painter->fillRect(QRect(right + b * (block + gap),
                                    box.top() + (box.height() - block) / 2, block, block),
                              colour);
        }
        const QLocale locale;
        const QString minus = u"−"_s + locale.toString(deletions);
        const QString plus = u"+"_s + locale.toString(additions);
        right -= metrics.horizontalAdvance(minus) + 6;
        painter->setPen(selected ? text : red);
        painter->drawText(QRect(right, box.top(), metrics.horizontalAdvance(minus) + 1,
                                box.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, minus);
        right -= metrics.horizontalAdvance(plus) + 4;
        painter->setPen(selected ? text : green);
        painter->drawText(QRect(right, box.top(), metrics.horizontalAdvance(plus) + 1,
                                box.height()),
                          Qt::AlignLeft | Qt::AlignVCenter, plus);
    }

    // The path, elided at its start: the file name is what tells files apart.
    const int left = badge.right() + 1 + 6;
    const int room = right - 8 - left;
    if (room > 0) {
        painter->setPen(text);
        painter->drawText(QRect(left, box.top(), room, box.height()),
                          Qt::AlignLeft | Qt::AlignVCenter,
                          metrics.elidedText(index.data(Qt::DisplayRole).toString(),
                                             Qt::ElideLeft, room));
    }
    painter->restore();
    paintCellFocus(painter, option);
}

} // namespace squad
