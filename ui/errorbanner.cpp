// SPDX-License-Identifier: MIT
#include "errorbanner.h"

#include <QLabel>
#include <QPushButton>

using namespace Qt::StringLiterals;

namespace squad {

ErrorBanner::ErrorBanner(QWidget *parent)
    : MessageBar(Kind::Error, parent)
{
    setObjectName(u"errorBanner"_s);
    setAccessibleName(tr("Error"));
    textLabel()->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = addButton(tr("Retry"));
    connect(m_retry, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT retryRequested();
    });
}

void ErrorBanner::showMessage(const QString &message, bool retryable)
{
    m_retry->setVisible(retryable);
    reveal(message);
}

} // namespace squad
