// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include "welcomewindow.h"

#include <QApplication>
#include <QMenuBar>
#include <QStatusBar>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_WelcomeWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saysWhatItIsAndWhichDatabase();
    void showsCountsPerStatus();
    void showsErrors();
};

void tst_WelcomeWindow::saysWhatItIsAndWhichDatabase()
{
    WelcomeWindow window(u"/data/squad.db"_s);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), u"Squad Console"_s);
    QVERIFY(window.statusBar()->currentMessage().contains(u"/data/squad.db"_s));
    QVERIFY(window.summaryText().contains(u"Loading"_s));
    QVERIFY(!window.menuBar()->actions().isEmpty());
}

void tst_WelcomeWindow::showsCountsPerStatus()
{
    WelcomeWindow window(u"x"_s);
    window.showCounts({{SandboxStatus::Created, 1}, {SandboxStatus::Running, 4},
                       {SandboxStatus::Terminated, 10}, {SandboxStatus::Error, 2}});
    const QString text = window.summaryText();
    QVERIFY2(text.contains(u"17"_s), qPrintable(text));
    QVERIFY2(text.contains(u"4 running"_s), qPrintable(text));
    QVERIFY2(text.contains(u"2 error"_s), qPrintable(text));
}

void tst_WelcomeWindow::showsErrors()
{
    WelcomeWindow window(u"x"_s);
    window.showError(u"The database x is locked by another writer"_s);
    QVERIFY(window.summaryText().contains(u"locked"_s));
}

QTEST_MAIN(tst_WelcomeWindow)
#include "tst_welcomewindow.moc"
