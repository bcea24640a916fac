// SPDX-License-Identifier: MIT
// The New Sandbox dialog: validation as the operator types, and what a failed or successful
// create does to it (over a real ConsoleBackend on a scratch database).
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "createsandboxdialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::scratchOptions;

class tst_CreateSandboxDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validatesAsTyped_data();
    void validatesAsTyped();
    void failedCreateKeepsDialogOpen();
    void successfulCreateCloses();

private:
    void openBackend();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConsoleBackend> m_backend;
};

void tst_CreateSandboxDialog::initTestCase()
{
    setApplicationIdentity();
}

void tst_CreateSandboxDialog::openBackend()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_backend = std::make_unique<ConsoleBackend>(
        scratchOptions(m_dir->filePath(u"squad.db"_s), m_dir->filePath(u"data"_s)));
    auto opened = m_backend->open();
    QTRY_VERIFY(opened.isFinished());
    QVERIFY_RESULT(opened.result());
}

void tst_CreateSandboxDialog::validatesAsTyped_data()
{
    QTest::addColumn<QString>("field"); // template, task, agent, repo
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("hint"); // part of the hint shown

    QTest::newRow("template ok") << u"template"_s << u"python-3.12"_s << true << u"e.g. base"_s;
    QTest::newRow("template with space")
        << u"template"_s << u"my template"_s << false << u"not a valid template id"_s;
    QTest::newRow("template empty") << u"template"_s << QString() << false << u"default"_s;
    QTest::newRow("task empty") << u"task"_s << QString() << true << u"UUID"_s;
    QTest::newRow("task uuid") << u"task"_s << u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s << true
                               << u"UUID"_s;
    QTest::newRow("task not uuid")
        << u"task"_s << u"task-42"_s << false << u"not a valid task id"_s;
    QTest::newRow("agent not uuid")
        << u"agent"_s << u"0b0e5d1c"_s << false << u"not a valid agent id"_s;
    QTest::newRow("repo https") << u"repo"_s << u"https://github.com/acme/widgets.git"_s << true
                                << u"no credentials"_s;
    QTest::newRow("repo scp") << u"repo"_s << u"git@github.com:acme/widgets.git"_s << true
                              << u"no credentials"_s;
    QTest::newRow("repo token") << u"repo"_s << u"https://x:ghp_abc@github.com/a/b.git"_s << false
                                << u"credentials"_s;
    QTest::newRow("repo garbage") << u"repo"_s << u"widgets"_s << false
                                  << u"not a repository URL"_s;
}

void tst_CreateSandboxDialog::validatesAsTyped()
{
    QFETCH(QString, field);
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, hint);

    CreateSandboxDialog dialog(nullptr, {u"base"_s, u"node-20"_s});
    dialog.show();
    QVERIFY(dialog.createButton()->isEnabled()); // the defaults are valid
    QLineEdit *edit = field == u"template" ? dialog.templateField()->lineEdit()
                      : field == u"task"   ? dialog.taskField()
                      : field == u"agent"  ? dialog.agentField()
                                           : dialog.repoField();
    QWidget *fieldWidget
        = field == u"template" ? static_cast<QWidget *>(dialog.templateField()) : edit;
    edit->clear();
    QTest::keyClicks(edit, text);
    QCOMPARE(dialog.isInputValid(), valid);
    QCOMPARE(dialog.createButton()->isEnabled(), valid);
    QVERIFY2(dialog.hintText(fieldWidget).contains(hint), qPrintable(dialog.hintText(fieldWidget)));
    // Accepting while invalid does nothing.
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(!dialog.isCreating());
}

void tst_CreateSandboxDialog::failedCreateKeepsDialogOpen()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {m_backend->defaultTemplate()});
    dialog.show();
    QSignalSpy created(&dialog, &CreateSandboxDialog::created);
    // A well-formed id of a task that does not exist: only the core can tell.
    QTest::keyClicks(dialog.taskField(), u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s);
    QVERIFY(dialog.createButton()->isEnabled());
    QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
    // Busy: nothing can be edited or cancelled until the core answers.
    QVERIFY(dialog.isCreating() || !dialog.errorText().isEmpty());
    if (dialog.isCreating()) {
        QVERIFY(!dialog.taskField()->isEnabled());
        QVERIFY(!dialog.createButton()->isEnabled());
        dialog.reject();
        QVERIFY(dialog.isVisible());
    }
    QTRY_VERIFY(!dialog.errorText().isEmpty());
    QVERIFY2(dialog.errorText().contains(u"task"_s), qPrintable(dialog.errorText()));
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.taskField()->isEnabled());
    QVERIFY(dialog.createButton()->isEnabled());
    QCOMPARE(created.size(), 0);
}

void tst_CreateSandboxDialog::successfulCreateCloses()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {m_backend->defaultTemplate()});
    dialog.show();
    QSignalSpy created(&dialog, &CreateSandboxDialog::created);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::keyClicks(dialog.repoField(), u"https://github.com/acme/widgets.git"_s);
    QTest::keyClick(dialog.repoField(), Qt::Key_Return); // Create is the default button
    QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 20000);
    QCOMPARE(accepted.size(), 1);
    QVERIFY(!dialog.isVisible());
    const auto record = created.first().first().value<SandboxRecord>();
    QCOMPARE(record.templateId, m_backend->defaultTemplate());
    QCOMPARE(record.repoUrl, u"https://github.com/acme/widgets.git"_s);
    QCOMPARE(record.status, SandboxStatus::Running);
}

QTEST_MAIN(tst_CreateSandboxDialog)
#include "tst_createsandboxdialog.moc"
