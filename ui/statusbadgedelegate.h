// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"
#include "sandboxstatuspresentation.h"

#include <QStyledItemDelegate>
#include <QWidget>

namespace squad {

// The status pill shared by the table, the details pane and the pull request card: its size in
// `font`, and painting it into `rect` (left-aligned, vertically centred) over `base`.
QSize statusBadgeSize(SandboxBadge badge, const QFont &font);
void paintStatusBadge(QPainter *painter, const QRect &rect, SandboxBadge badge, const QFont &font,
                      const QColor &base);
// The same pill for any presentation (a pull request's state), drawn the same way.
QSize statusBadgeSize(const StatusPresentation &presentation, const QFont &font);
void paintStatusBadge(QPainter *painter, const QRect &rect, const StatusPresentation &presentation,
                      const QFont &font, const QColor &base);

// The pill as a widget, for the details pane's header and the pull request card.
class StatusBadge : public QWidget
{
    Q_OBJECT
public:
    explicit StatusBadge(QWidget *parent = nullptr);
    void setStatus(SandboxStatus status);
    void setBadge(SandboxBadge badge);
    SandboxBadge badge() const { return m_status; }
    // Shows `presentation` instead of a sandbox's badge.
    void setPresentation(const StatusPresentation &presentation);
    const StatusPresentation &presentation() const { return m_presentation; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    SandboxBadge m_status = SandboxBadge::Created;
    StatusPresentation m_presentation = presentationOf(SandboxBadge::Created);
};

// Paints a sandbox's status as a small pill: symbol and word in the status colour on a tint of
// it, so it reads with or without colour. Reads SandboxTableModel::BadgeRole from the index.
class StatusBadgeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace squad
