// SPDX-License-Identifier: MIT
// The New Sandbox dialog: validation as the operator types, and what a failed or successful
// create does to it (over a real ConsoleBackend on a scratch database); with E2B (a loopback
// server playing its control plane) the provider choice and the template catalog.
#include "loopbackhttpserver.h"
#include "testsupport.h"

#include "console/consolebackend.h"
#include "console/consolecore.h"
#include "createsandboxdialog.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace squad;
using squad::test::await;
using squad::test::HttpRequest;
using squad::test::HttpResponse;
using squad::test::LoopbackHttpServer;
using squad::test::scratchOptions;

namespace {

// One template of GET /v2/templates.
QJsonObject templateJson(const QString &id, const QStringList &aliases, int cpus, int memoryMb,
                         int diskMb)
{
    return {{u"templateID"_s, id},
            {u"buildID"_s, QString(u"b-"_s + id)},
            {u"cpuCount"_s, cpus},
            {u"memoryMB"_s, memoryMb},
            {u"diskSizeMB"_s, diskMb},
            {u"public"_s, false},
            {u"aliases"_s, QJsonArray::fromStringList(aliases)},
            {u"names"_s, QJsonArray::fromStringList(aliases)},
            {u"createdAt"_s, u"2026-01-05T10:00:00Z"_s},
            {u"updatedAt"_s, u"2026-01-05T10:00:00Z"_s},
            {u"createdBy"_s, QJsonValue(QJsonValue::Null)},
            {u"lastSpawnedAt"_s, QJsonValue(QJsonValue::Null)},
            {u"spawnCount"_s, 0},
            {u"buildCount"_s, 1},
            {u"envdVersion"_s, u"0.2.0"_s},
            {u"buildStatus"_s, u"ready"_s}};
}

} // namespace

class tst_CreateSandboxDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validatesAsTyped_data();
    void validatesAsTyped();
    void failedCreateKeepsDialogOpen();
    void successfulCreateCloses();
    void offersE2bCatalogAndCreatesThere();
    void catalogFailureLeavesTheFieldFree();
    void localChoiceCreatesLocally();
    void noProviderChoiceWithoutE2b();

private:
    void openBackend();
    // A loopback E2B for the backend, answering the templates with `templates`.
    void enableE2b(const HttpResponse &templates);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ConsoleBackend> m_backend;
    std::unique_ptr<LoopbackHttpServer> m_server;
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

void tst_CreateSandboxDialog::enableE2b(const HttpResponse &templates)
{
    m_server = std::make_unique<LoopbackHttpServer>();
    QVERIFY(m_server->isListening());
    m_server->route("GET", u"/v2/templates"_s, templates);
    m_server->route("POST", u"/v2/sandboxes"_s, [](const HttpRequest &request) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        return HttpResponse::json(201, QJsonObject{{u"sandboxID"_s, u"sbx-1"_s},
                                                   {u"templateID"_s, body.value("templateID"_L1)},
                                                   {u"clientID"_s, u"x"_s},
                                                   {u"envdVersion"_s, u"0.2.0"_s},
                                                   {u"envdAccessToken"_s, u"t"_s}});
    });
    const QString url = m_server->url().toString();
    QVERIFY_RESULT(await(m_backend->enableE2b({{}, url, url},
                                              u"e2b_00112233445566778899aabbccddeeff00112233"_s)));
    QVERIFY(m_backend->hasE2b());
}

void tst_CreateSandboxDialog::offersE2bCatalogAndCreatesThere()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    enableE2b(HttpResponse::json(
        200, QJsonArray{templateJson(u"rki5dems9wqfm4r03t7g"_s, {u"base"_s}, 2, 512, 1024),
                        templateJson(u"x7kq2c9d0pl3"_s, {u"python-3.12"_s, u"py"_s}, 4, 2048, 4096),
                        templateJson(u"tpl0noalias"_s, {}, 1, 256, 0)}));
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {u"base"_s, u"node-20"_s});
    QSignalSpy loaded(&dialog, &CreateSandboxDialog::templatesLoaded);
    QSignalSpy created(&dialog, &CreateSandboxDialog::created);
    dialog.show();
    // Asked for when it opens; meanwhile the field says so and stays usable.
    QVERIFY(dialog.isLoadingTemplates());
    QVERIFY2(dialog.hintText(dialog.templateField()).contains(u"Loading"_s),
             qPrintable(dialog.hintText(dialog.templateField())));
    QVERIFY(dialog.createButton()->isEnabled());
    QVERIFY(loaded.wait());
    QVERIFY(!dialog.isLoadingTemplates());
    QVERIFY(dialog.templatesError().isEmpty());

    QComboBox *field = dialog.templateField();
    // The known ones first and once each, then the catalog's others by name (an id when they
    // have no alias); what was selected stays selected.
    QStringList names;
    for (int i = 0; i < field->count(); ++i) {
        if (!field->itemText(i).isEmpty())
            names << field->itemText(i);
    }
    QCOMPARE(names, (QStringList{u"base"_s, u"node-20"_s, u"python-3.12"_s, u"tpl0noalias"_s}));
    QCOMPARE(field->currentText(), u"base"_s);
    const QString baseTip = field->itemData(field->findText(u"base"_s), Qt::ToolTipRole).toString();
    QVERIFY2(baseTip.startsWith(u"2 vCPU · 512 MiB"_s), qPrintable(baseTip));
    const QString pythonTip
        = field->itemData(field->findText(u"python-3.12"_s), Qt::ToolTipRole).toString();
    QVERIFY2(pythonTip.startsWith(u"4 vCPU · 2 GiB · 4 GiB disk"_s), qPrintable(pythonTip));
    QVERIFY2(pythonTip.contains(u"x7kq2c9d0pl3"_s), qPrintable(pythonTip));
    QVERIFY(field->itemData(field->findText(u"node-20"_s), Qt::ToolTipRole).isNull());

    QVERIFY(dialog.isProviderChoiceShown());
    QVERIFY(dialog.providerField()->isVisible());
    QCOMPARE(dialog.providerField()->currentData().toString(), u"e2b"_s);

    field->setCurrentIndex(field->findText(u"python-3.12"_s));
    QVERIFY2(dialog.hintText(field).contains(u"4 vCPU · 2 GiB · 4 GiB disk"_s),
             qPrintable(dialog.hintText(field)));
    QCOMPARE(dialog.request().provider, u"e2b"_s);
    QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 20000);
    const auto record = created.first().first().value<SandboxRecord>();
    QCOMPARE(record.provider, u"e2b"_s);
    QCOMPARE(record.providerId, u"sbx-1"_s);
    const HttpRequest sent = m_server->lastRequest();
    QCOMPARE(sent.path, QByteArray("/v2/sandboxes"));
    QCOMPARE(QJsonDocument::fromJson(sent.body).object().value("templateID"_L1).toString(),
             u"python-3.12"_s);
}

void tst_CreateSandboxDialog::catalogFailureLeavesTheFieldFree()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    enableE2b(HttpResponse::json(401, QJsonObject{{u"code"_s, 401},
                                                  {u"message"_s, u"Invalid API key"_s}}));
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {u"base"_s});
    QSignalSpy loaded(&dialog, &CreateSandboxDialog::templatesLoaded);
    dialog.show();
    QVERIFY(loaded.wait());
    QVERIFY(!dialog.templatesError().isEmpty());
    const QString hint = dialog.hintText(dialog.templateField());
    QVERIFY2(hint.contains(u"unavailable"_s) && hint.contains(u"401"_s), qPrintable(hint));
    QCOMPARE(dialog.templateField()->count(), 1);
    QVERIFY(dialog.templateField()->isEditable());
    // A hint, not an error: creating stays possible with a typed name.
    QVERIFY(dialog.isInputValid());
    QVERIFY(dialog.createButton()->isEnabled());
    dialog.templateField()->lineEdit()->clear();
    QTest::keyClicks(dialog.templateField()->lineEdit(), u"my-template"_s);
    QVERIFY(dialog.createButton()->isEnabled());
    QCOMPARE(dialog.request().templateId, u"my-template"_s);
}

void tst_CreateSandboxDialog::localChoiceCreatesLocally()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    enableE2b(HttpResponse::json(200, QJsonArray()));
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {m_backend->defaultTemplate()});
    QSignalSpy created(&dialog, &CreateSandboxDialog::created);
    dialog.show();
    QComboBox *provider = dialog.providerField();
    provider->setCurrentIndex(provider->findData(u"local"_s));
    QCOMPARE(dialog.request().provider, u"local"_s);
    QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(created.size(), 1, 20000);
    QCOMPARE(created.first().first().value<SandboxRecord>().provider, u"local"_s);
    for (const HttpRequest &request : m_server->requests())
        QVERIFY2(request.method != "POST", request.target.constData());
}

void tst_CreateSandboxDialog::noProviderChoiceWithoutE2b()
{
    openBackend();
    if (QTest::currentTestFailed())
        return;
    CreateSandboxDialog dialog(m_backend.get(), {m_backend->defaultTemplate()});
    QSignalSpy loaded(&dialog, &CreateSandboxDialog::templatesLoaded);
    dialog.show();
    QVERIFY(!dialog.isProviderChoiceShown());
    QVERIFY(!dialog.providerField()->isVisible());
    // Nothing to load: no "Loading…" and no catalog.
    QVERIFY(!dialog.isLoadingTemplates());
    QVERIFY(!dialog.hintText(dialog.templateField()).contains(u"Loading"_s));
    QCOMPARE(dialog.templateField()->count(), 1);
    QCOMPARE(loaded.size(), 0);
    // The service's default provider, which is local here.
    QVERIFY(dialog.request().provider.isEmpty());
}

QTEST_MAIN(tst_CreateSandboxDialog)
#include "tst_createsandboxdialog.moc"
