// SPDX-License-Identifier: MIT
#pragma once

class QHeaderView;

namespace squad {

// A context menu on `header` that shows and hides its sections, one checkable entry per column
// named by the model's header text. The last visible column cannot be hidden. Hidden sections
// are part of QHeaderView::saveState(), so they are kept wherever the header's state is.
void addColumnsMenu(QHeaderView *header);

} // namespace squad
