// SPDX-License-Identifier: MIT
#include "welcomewindow.h"

#include "sandboxstatuspresentation.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

WelcomeWindow::WelcomeWindow(const QString &databaseName, QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(u"Squad Console"_s);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(32, 32, 32, 32);

    auto *title = new QLabel(u"<h1>Squad Console %1</h1>"_s.arg(
                                 QApplication::applicationVersion().toHtmlEscaped()),
                             central);
    auto *what = new QLabel(
        tr("An operations console for the code sandboxes AI coding agents work in: watch, "
           "terminate and clean up sandboxes, and walk an agent's change to a pull request."),
        central);
    what->setWordWrap(true);
    m_summary = new QLabel(tr("Loading sandboxes…"), central);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *hint = new QLabel(tr("The sandbox table arrives in the next release; until then, "
                               "<code>squadctl sandboxes list</code> shows them all."),
                            central);
    hint->setWordWrap(true);

    layout->addWidget(title);
    layout->addWidget(what);
    layout->addSpacing(16);
    layout->addWidget(m_summary);
    layout->addStretch();
    layout->addWidget(hint);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    statusBar()->showMessage(tr("Database: %1").arg(databaseName));
    resize(720, 420);
}

void WelcomeWindow::showCounts(const QMap<SandboxStatus, int> &counts)
{
    QStringList parts;
    int total = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const StatusPresentation p = presentationOf(it.key());
        parts << u"%1 %2 %3"_s.arg(p.symbol).arg(it.value()).arg(p.label.toLower());
        total += it.value();
    }
    const QString count = total == 1 ? tr("1 sandbox") : tr("%1 sandboxes").arg(total);
    m_summary->setText(count + u": "_s + parts.join(u" · "_s));
}

void WelcomeWindow::showError(const QString &message)
{
    m_summary->setText(message);
}

QString WelcomeWindow::summaryText() const
{
    return m_summary->text();
}

} // namespace squad
