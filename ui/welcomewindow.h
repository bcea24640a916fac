// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QMainWindow>
#include <QMap>

class QLabel;

namespace squad {

// The first window: says what Squad Console is, which database it uses and how many sandboxes
// it holds per status, until the sandbox table takes its place.
class WelcomeWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit WelcomeWindow(const QString &databaseName, QWidget *parent = nullptr);

    void showCounts(const QMap<SandboxStatus, int> &counts);
    void showError(const QString &message);
    QString summaryText() const;

private:
    QLabel *m_summary = nullptr;
};

} // namespace squad
