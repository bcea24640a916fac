// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

#include <utility>

namespace squad {

// A row of the diff's file list (DiffFileModel): the status badge (its letter on its colour),
// the path elided at its start so the file name stays, and on the right "+12 −3" with five
// small blocks in green and red like GitHub's, or "BIN" for a binary file.
class DiffFileDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // How many of the five blocks are green and how many red for these counts (the rest grey):
    // in proportion, each side that changed at least one block.
    static std::pair<int, int> changeBlocks(int additions, int deletions);
};

} // namespace squad
