// SPDX-License-Identifier: MIT
#pragma once

class QAbstractButton;
class QMessageBox;
class QPushButton;

namespace squad {

// The buttons that end a workflow run, the same wherever it is asked: Terminate Sandbox and
// Keep Sandbox when the run has one, else Abort Run.
struct AbortChoices
{
    QPushButton *terminate = nullptr;
    QPushButton *keep = nullptr;
    QPushButton *abortOnly = nullptr;

    bool aborts(const QAbstractButton *clicked) const;
    bool keepsSandbox(const QAbstractButton *clicked) const;
};

AbortChoices addAbortChoices(QMessageBox *box, bool hasSandbox);

} // namespace squad
