// SPDX-License-Identifier: MIT
#pragma once

#include "messagebar.h"

namespace squad {

// A strip above the table that says what went wrong and offers to retry or dismiss. Hidden
// until showMessage(); the status bar carries the same text, this makes it impossible to miss.
class ErrorBanner : public MessageBar
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    // Shows `message`; the Retry button only when `retryable`.
    void showMessage(const QString &message, bool retryable = true);
    QString message() const { return text(); }

Q_SIGNALS:
    void retryRequested();

private:
    QPushButton *m_retry = nullptr;
};

} // namespace squad
