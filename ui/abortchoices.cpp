// SPDX-License-Identifier: MIT
#include "abortchoices.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace squad {

bool AbortChoices::aborts(const QAbstractButton *clicked) const
{
    return clicked && (clicked == terminate || clicked == keep || clicked == abortOnly);
}

bool AbortChoices::keepsSandbox(const QAbstractButton *clicked) const
{
    return clicked && clicked == keep;
}

AbortChoices addAbortChoices(QMessageBox *box, bool hasSandbox)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("squad::AbortChoices", text); };
    AbortChoices choices;
    if (hasSandbox) {
        choices.terminate = box->addButton(tr("&Terminate Sandbox"), QMessageBox::DestructiveRole);
        choices.terminate->setObjectName(u"terminateSandboxButton"_s);
        choices.keep = box->addButton(tr("&Keep Sandbox"), QMessageBox::AcceptRole);
        choices.keep->setObjectName(u"keepSandboxButton"_s);
    } else {
        choices.abortOnly = box->addButton(tr("&Abort Run"), QMessageBox::AcceptRole);
        choices.abortOnly->setObjectName(u"abortRunButton"_s);
    }
    return choices;
}

} // namespace squad
