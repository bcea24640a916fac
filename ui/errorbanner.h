// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

namespace squad {

// A strip above the table that says what went wrong and offers to retry or dismiss. Hidden
// until showMessage(); the status bar carries the same text, this makes it impossible to miss.
class ErrorBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget *parent = nullptr);

    // Shows `message`; the Retry button only when `retryable`.
    void showMessage(const QString &message, bool retryable = true);
    QString message() const;

Q_SIGNALS:
    void retryRequested();

private:
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_retry = nullptr;
    QToolButton *m_close = nullptr;
};

} // namespace squad
