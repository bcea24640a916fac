// SPDX-License-Identifier: MIT
#include "statusbadgedelegate.h"

#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"
#include "textcelldelegate.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPixmapCache>
#include <QtMath>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

struct BadgeGeometry
{
    QRectF pill;
    QString text;
};

// The pill's text and size for `p` in `font`; `cell` places it (left, vertically centred).
BadgeGeometry badgeFor(const StatusPresentation &p, const QFont &font, const QRect &cell)
{
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

QSize statusBadgeSize(SandboxBadge status, const QFont &font)
{
    return statusBadgeSize(presentationOf(status), font);
}

QSize statusBadgeSize(const StatusPresentation &p, const QFont &font)
{
    const QFontMetrics fm(font);
    const BadgeGeometry badge = badgeFor(p, font, QRect(0, 0, 10000, fm.height() + 6));
    return {qRound(badge.pill.width()) + fm.averageCharWidth() + 4, fm.height() + 6};
}

// The pill alone, drawn once per look (text, colour), size, base and device pixel ratio: a
// table shows the same few pills on every row, so each paint after the first is one pixmap blit.
static QPixmap badgePixmap(const BadgeGeometry &badge, const StatusPresentation &p,
                           const QFont &font, const QColor &base, qreal dpr)
{
    const QSize size(qCeil(badge.pill.width()) + 2, qCeil(badge.pill.height()) + 2);
    const QString key = u"squad-badge/%1/%2/%3x%4/%5/%6/%7"_s.arg(badge.text)
                            .arg(p.colour.rgba())
                            .arg(size.width())
                            .arg(size.height())
                            .arg(base.rgba())
                            .arg(dpr)
                            .arg(font.key());
    QPixmap pixmap;
    if (QPixmapCache::find(key, &pixmap))
        return pixmap;

    pixmap = QPixmap(size * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF pill(1, 1, badge.pill.width(), badge.pill.height());
    QPainterPath path;
    const qreal radius = pill.height() / 2.0;
    path.addRoundedRect(pill, radius, radius);
    // An opaque base first, so the tint reads the same on selected and alternating rows.
    painter.fillPath(path, base);
    QColor tint = p.colour;
    tint.setAlphaF(0.14f);
    painter.fillPath(path, tint);
    QColor border = p.colour;
    border.setAlphaF(0.55f);
    painter.setPen(QPen(border, 1.0));
    painter.drawPath(path);

    painter.setPen(p.colour.darker(115));
    painter.setFont(font);
    const QString text
        = QFontMetrics(font).elidedText(badge.text, Qt::ElideRight, qRound(pill.width()) - 4);
    painter.drawText(pill, Qt::AlignCenter, text);
    painter.end();
    QPixmapCache::insert(key, pixmap);
    return pixmap;
}

void paintStatusBadge(QPainter *painter, const QRect &rect, SandboxBadge status, const QFont &font,
                      const QColor &base)
{
    paintStatusBadge(painter, rect, presentationOf(status), font, base);
}

void paintStatusBadge(QPainter *painter, const QRect &rect, const StatusPresentation &p,
                      const QFont &font, const QColor &base)
{
    const BadgeGeometry badge = badgeFor(p, font, rect);
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    painter->drawPixmap(badge.pill.topLeft() - QPointF(1, 1),
                        badgePixmap(badge, p, font, base, dpr));
}

void StatusBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    const QVariant statusValue = index.data(SandboxTableModel::BadgeRole);
    if (!statusValue.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    paintCellBackground(painter, option);
    paintStatusBadge(painter, option.rect, static_cast<SandboxBadge>(statusValue.toInt()),
                     option.font, option.palette.color(QPalette::Base));
    paintCellFocus(painter, option);
}

QSize StatusBadgeDelegate::sizeHint(const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const QVariant statusValue = index.data(SandboxTableModel::BadgeRole);
    if (statusValue.isValid()) {
        const QSize badge
            = statusBadgeSize(static_cast<SandboxBadge>(statusValue.toInt()), option.font);
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
    setBadge(badgeOf(status));
}

void StatusBadge::setBadge(SandboxBadge status)
{
    m_status = status;
    setPresentation(presentationOf(status));
}

void StatusBadge::setPresentation(const StatusPresentation &presentation)
{
    m_presentation = presentation;
    setAccessibleName(presentation.label);
    updateGeometry();
    update();
}

QSize StatusBadge::sizeHint() const
{
    return statusBadgeSize(m_presentation, font());
}

void StatusBadge::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintStatusBadge(&painter, rect(), m_presentation, font(), palette().color(QPalette::Base));
}

} // namespace squad
