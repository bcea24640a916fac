// SPDX-License-Identifier: MIT
#include "statusbadgedelegate.h"

#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

struct BadgeGeometry
{
    QRectF pill;
    QString text;
};

// The pill's text and size for `status` in `font`; `cell` places it (left, vertically centred).
BadgeGeometry badgeFor(SandboxStatus status, const QFont &font, const QRect &cell)
{
    const StatusPresentation p = presentationOf(status);
    const QFontMetrics fm(font);
    const QString text = p.symbol + u' ' + p.label;
    const int padding = fm.averageCharWidth();
    const int height = fm.height() + 2;
    const int width = fm.horizontalAdvance(text) + 2 * padding;
    const int margin = fm.averageCharWidth() / 2 + 2;
    const QRectF pill(cell.left() + margin, cell.center().y() - height / 2.0 + 0.5,
                      std::min(width, cell.width() - 2 * margin), height);
    return {pill, text};
}

} // namespace

QSize statusBadgeSize(SandboxStatus status, const QFont &font)
{
    const QFontMetrics fm(font);
    const BadgeGeometry badge = badgeFor(status, font, QRect(0, 0, 10000, fm.height() + 6));
    return {qRound(badge.pill.width()) + fm.averageCharWidth() + 4, fm.height() + 6};
}

void paintStatusBadge(QPainter *painter, const QRect &rect, SandboxStatus status, const QFont &font,
                      const QColor &base)
{
    const StatusPresentation p = presentationOf(status);
    const BadgeGeometry badge = badgeFor(status, font, rect);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    const qreal radius = badge.pill.height() / 2.0;
    path.addRoundedRect(badge.pill, radius, radius);
    // An opaque base first, so the tint reads the same on selected and alternating rows.
    painter->fillPath(path, base);
    QColor tint = p.colour;
    tint.setAlphaF(0.14f);
    painter->fillPath(path, tint);
    QColor border = p.colour;
    border.setAlphaF(0.55f);
    painter->setPen(QPen(border, 1.0));
    painter->drawPath(path);

    painter->setPen(p.colour.darker(115));
    painter->setFont(font);
    const QString text
        = QFontMetrics(font).elidedText(badge.text, Qt::ElideRight, qRound(badge.pill.width()) - 4);
    painter->drawText(badge.pill, Qt::AlignCenter, text);
    painter->restore();
}

void StatusBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    const QVariant statusValue = index.data(SandboxTableModel::StatusRole);
    if (!statusValue.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The cell itself (selection, focus, alternating background) as the style draws it.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = QIcon();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    paintStatusBadge(painter, option.rect, static_cast<SandboxStatus>(statusValue.toInt()),
                     opt.font, opt.palette.color(QPalette::Base));
}

QSize StatusBadgeDelegate::sizeHint(const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const QVariant statusValue = index.data(SandboxTableModel::StatusRole);
    if (statusValue.isValid()) {
        const QSize badge
            = statusBadgeSize(static_cast<SandboxStatus>(statusValue.toInt()), option.font);
        size.setWidth(badge.width());
        size.setHeight(std::max(size.height(), badge.height()));
    }
    return size;
}

StatusBadge::StatusBadge(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void StatusBadge::setStatus(SandboxStatus status)
{
    m_status = status;
    setAccessibleName(presentationOf(status).label);
    updateGeometry();
    update();
}

QSize StatusBadge::sizeHint() const
{
    return statusBadgeSize(m_status, font());
}

void StatusBadge::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintStatusBadge(&painter, rect(), m_status, font(), palette().color(QPalette::Base));
}

} // namespace squad
