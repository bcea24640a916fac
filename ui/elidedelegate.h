// SPDX-License-Identifier: MIT
#pragma once

#include <QStyledItemDelegate>

namespace squad {

// Draws a column's text elided on the side that matters: repository URLs keep their end
// ("…acme/widgets.git"), not their scheme.
class ElideDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    ElideDelegate(Qt::TextElideMode mode, QObject *parent = nullptr)
        : QStyledItemDelegate(parent)
        , m_mode(mode)
    {}

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->textElideMode = m_mode;
    }

private:
    Qt::TextElideMode m_mode;
};

} // namespace squad
