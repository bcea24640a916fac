// SPDX-License-Identifier: MIT
#include "createsandboxdialog.h"

#include "console/consolebackend.h"
#include "core/ids.h"
#include "core/validation.h"
#include "fieldhint.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

enum FieldIndex { TemplateField, TaskField, AgentField, RepoField };

} // namespace

CreateSandboxDialog::CreateSandboxDialog(ConsoleBackend *backend, const QStringList &templates,
                                         QWidget *parent)
    : QDialog(parent)
    , m_backend(backend)
{
    setObjectName(u"createSandboxDialog"_s);
    setWindowTitle(tr("New Sandbox"));

    auto *intro = new QLabel(tr("Start a sandbox from a template. A task and an agent link it "
                                "to the work it is for; a repository is cloned into it."),
                             this);
    intro->setWordWrap(true);

    m_template = new QComboBox(this);
    m_template->setObjectName(u"templateField"_s);
    m_template->setEditable(true);
    m_template->setInsertPolicy(QComboBox::NoInsert);
    m_template->addItems(templates);
    m_template->setCurrentIndex(templates.isEmpty() ? -1 : 0);
    m_template->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_task = new QLineEdit(this);
    m_task->setObjectName(u"taskField"_s);
    m_task->setPlaceholderText(tr("Task id (optional)"));
    m_task->setClearButtonEnabled(true);
    m_agent = new QLineEdit(this);
    m_agent->setObjectName(u"agentField"_s);
    m_agent->setPlaceholderText(tr("Agent id (optional)"));
    m_agent->setClearButtonEnabled(true);
    m_repo = new QLineEdit(this);
    m_repo->setObjectName(u"repoField"_s);
    m_repo->setPlaceholderText(tr("https://github.com/owner/repo.git (optional)"));
    m_repo->setClearButtonEnabled(true);

    m_fields[TemplateField]
        = {m_template, nullptr, tr("The image the sandbox starts from, e.g. base."), true};
    m_fields[TaskField] = {m_task, nullptr, tr("The UUID of an existing task."), true};
    m_fields[AgentField] = {m_agent, nullptr, tr("The UUID of an existing agent."), true};
    m_fields[RepoField]
        = {m_repo, nullptr, tr("https, ssh or git@host:owner/repo; no credentials in it."), true};

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("&Template:"), wrap(m_fields[TemplateField]));
    form->addRow(tr("Tas&k:"), wrap(m_fields[TaskField]));
    form->addRow(tr("A&gent:"), wrap(m_fields[AgentField]));
    form->addRow(tr("&Repository:"), wrap(m_fields[RepoField]));

    m_error = new QLabel(this);
    m_error->setObjectName(u"createError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette errorPalette = m_error->palette();
    errorPalette.setColor(QPalette::WindowText, errorColour(palette()));
    m_error->setPalette(errorPalette);
    m_error->hide();

    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(fontMetrics().height() / 2 + 2);
    m_busyText = new QLabel(tr("Creating the sandbox…"), this);
    auto *busyRow = new QHBoxLayout;
    busyRow->addWidget(m_busyText);
    busyRow->addWidget(m_busy, 1);
    m_busy->hide();
    m_busyText->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_createButton = m_buttons->addButton(tr("&Create"), QDialogButtonBox::AcceptRole);
    m_createButton->setObjectName(u"createButton"_s);
    m_createButton->setDefault(true);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &CreateSandboxDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &CreateSandboxDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addSpacing(fontMetrics().height() / 2);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addLayout(busyRow);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_template, &QComboBox::currentTextChanged, this, &CreateSandboxDialog::validate);
    for (QLineEdit *edit : {m_task, m_agent, m_repo})
        connect(edit, &QLineEdit::textChanged, this, &CreateSandboxDialog::validate);

    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    validate();
    m_template->setFocus();
}

QWidget *CreateSandboxDialog::wrap(Field &field)
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    field.hint = new QLabel(box);
    field.hint->setWordWrap(true);
    field.hint->setObjectName(field.editor->objectName() + u"Hint"_s);
    QFont small = field.hint->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    field.hint->setFont(small);
    layout->addWidget(field.editor);
    layout->addWidget(field.hint);
    field.editor->setParent(box);
    return box;
}

void CreateSandboxDialog::setHint(Field &field, const QString &error)
{
    field.valid = showFieldHint(field.hint, field.editor, field.help, error);
}

void CreateSandboxDialog::validate()
{
    const QString templateText = m_template->currentText().trimmed();
    if (templateText.isEmpty()) {
        setHint(m_fields[TemplateField],
                tr("Choose a template; \"%1\" is the default.")
                    .arg(m_backend ? m_backend->defaultTemplate() : u"base"_s));
    } else {
        auto valid = validateTemplateId(templateText);
        setHint(m_fields[TemplateField], valid ? QString() : valid.error().message());
    }
    const auto checkId = [this](Field &field, const QLineEdit *edit, const QString &what) {
        if (edit->text().trimmed().isEmpty()) {
            setHint(field, {});
            return;
        }
        auto id = parseId(edit->text(), what);
        setHint(field, id ? QString() : id.error().message());
    };
    checkId(m_fields[TaskField], m_task, tr("task id"));
    checkId(m_fields[AgentField], m_agent, tr("agent id"));
    if (m_repo->text().trimmed().isEmpty()) {
        setHint(m_fields[RepoField], {});
    } else {
        auto url = validateRepoUrl(m_repo->text());
        setHint(m_fields[RepoField], url ? QString() : url.error().message());
    }
    m_createButton->setEnabled(!m_creating && isInputValid());
    // A hint that wraps onto more lines needs room: grow rather than clip it.
    if (layout()) {
        const int needed = layout()->totalHeightForWidth(width());
        if (needed > height())
            resize(width(), needed);
    }
}

bool CreateSandboxDialog::isInputValid() const
{
    for (const Field &field : m_fields) {
        if (!field.valid)
            return false;
    }
    return true;
}

QString CreateSandboxDialog::errorText() const
{
    return m_error->isVisibleTo(this) ? m_error->text() : QString();
}

QString CreateSandboxDialog::hintText(QWidget *field) const
{
    for (const Field &f : m_fields) {
        if (f.editor == field)
            return f.hint->text();
    }
    return {};
}

CreateSandboxRequest CreateSandboxDialog::request() const
{
    CreateSandboxRequest request;
    request.templateId = m_template->currentText().trimmed();
    request.taskId = m_task->text().trimmed();
    request.agentId = m_agent->text().trimmed();
    request.repoUrl = m_repo->text().trimmed();
    return request;
}

void CreateSandboxDialog::accept()
{
    if (m_creating || !isInputValid() || !m_backend)
        return;
    m_error->hide();
    setCreating(true);
    m_backend->create(request()).then(this, [this](const Result<SandboxRecord> &result) {
        setCreating(false);
        if (!result) {
            m_error->setText(tr("The sandbox was not created: %1").arg(result.error().toString()));
            m_error->show();
            return;
        }
        Q_EMIT created(*result);
        QDialog::accept();
    });
}

void CreateSandboxDialog::reject()
{
    if (!m_creating)
        QDialog::reject();
}

void CreateSandboxDialog::closeEvent(QCloseEvent *event)
{
    if (m_creating)
        event->ignore();
    else
        QDialog::closeEvent(event);
}

void CreateSandboxDialog::setCreating(bool creating)
{
    m_creating = creating;
    for (const Field &field : m_fields)
        field.editor->setEnabled(!creating);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!creating);
    m_busy->setVisible(creating);
    m_busyText->setVisible(creating);
    m_createButton->setEnabled(!creating && isInputValid());
    if (!creating)
        m_template->setFocus();
}

} // namespace squad
