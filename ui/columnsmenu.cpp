// SPDX-License-Identifier: MIT
#include "columnsmenu.h"

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QMenu>

using namespace Qt::StringLiterals;

namespace squad {

void addColumnsMenu(QHeaderView *header)
{
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(header, &QWidget::customContextMenuRequested, header, [header](const QPoint &pos) {
        const QAbstractItemModel *model = header->model();
        if (!model)
            return;
        auto *menu = new QMenu(header);
        menu->setObjectName(u"columnsMenu"_s);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        const int visible = header->count() - header->hiddenSectionCount();
        // In the order the operator sees them (sections can be moved).
        for (int visual = 0; visual < header->count(); ++visual) {
            const int section = header->logicalIndex(visual);
            QAction *action = menu->addAction(
                model->headerData(section, header->orientation()).toString());
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(section));
            action->setEnabled(header->isSectionHidden(section) || visible > 1);
            QObject::connect(action, &QAction::toggled, header, [header, section](bool shown) {
                header->setSectionHidden(section, !shown);
            });
        }
        menu->popup(header->viewport()->mapToGlobal(pos));
    });
}

} // namespace squad
