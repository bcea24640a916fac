// SPDX-License-Identifier: MIT
#include "createsandboxdialog.h"

#include "console/consolebackend.h"
#include "core/ids.h"
#include "core/validation.h"
#include "fieldhint.h"
#include "sandboxtablemodel.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShowEvent>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

enum FieldIndex { TemplateField, TaskField, AgentField, RepoField };

const QString E2bProviderName = u"e2b"_s;
const QString LocalProviderName = u"local"_s;

// "2 vCPU · 512 MiB · 1 GiB disk": what a template gives a sandbox, as far as E2B said.
QString resourcesText(const E2bTemplate &entry)
{
    QStringList parts;
    if (entry.cpuCount > 0)
        parts << CreateSandboxDialog::tr("%1 vCPU").arg(entry.cpuCount);
    if (entry.memoryMb > 0)
        parts << SandboxTableModel::memoryText(entry.memoryMb);
    if (entry.diskSizeMb > 0)
        parts << CreateSandboxDialog::tr("%1 disk")
                     .arg(SandboxTableModel::memoryText(entry.diskSizeMb));
    return parts.join(u" · "_s);
}

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

    m_provider = new QComboBox(this);
    m_provider->setObjectName(u"providerField"_s);
    m_provider->addItem(tr("E2B (cloud)"), E2bProviderName);
    m_provider->addItem(tr("Local (this computer)"), LocalProviderName);
    m_provider->setToolTip(tr("Where the sandbox runs"));

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
    // The provider comes first: the templates on offer depend on it.
    form->addRow(tr("&Provider:"), m_provider);
    // With local sandboxes only there is nothing to choose.
    m_offerProvider = m_backend && m_backend->hasE2b();
    form->setRowVisible(m_provider, m_offerProvider);
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
    connect(m_provider, &QComboBox::currentIndexChanged, this, &CreateSandboxDialog::validate);
    for (QLineEdit *edit : {m_task, m_agent, m_repo})
        connect(edit, &QLineEdit::textChanged, this, &CreateSandboxDialog::validate);

    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    validate();
    m_template->setFocus();
}

void CreateSandboxDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    // Read when the operator opens the dialog, not when a window merely builds one.
    if (!m_templatesRequested)
        loadTemplates();
}

bool CreateSandboxDialog::isProviderChoiceShown() const
{
    return m_offerProvider;
}

QString CreateSandboxDialog::selectedProvider() const
{
    return isProviderChoiceShown() ? m_provider->currentData().toString() : QString();
}

void CreateSandboxDialog::loadTemplates()
{
    m_templatesRequested = true;
    if (!m_backend || !m_backend->hasE2b())
        return;
    m_loadingTemplates = true;
    validate();
    m_backend->templates().then(this, [this](const Result<QList<E2bTemplate>> &templates) {
        m_loadingTemplates = false;
        if (templates)
            addCatalog(*templates);
        else
            m_templatesError = templates.error().message();
        validate();
        Q_EMIT templatesLoaded();
    });
}

void CreateSandboxDialog::addCatalog(const QList<E2bTemplate> &templates)
{
    // Adding to an empty combo would select its first item over what the operator typed.
    const QString typed = m_template->currentText();
    QList<std::pair<QString, E2bTemplate>> added;
    for (const E2bTemplate &entry : templates) {
        const QString name = entry.aliases.isEmpty() ? entry.templateId : entry.aliases.first();
        if (name.isEmpty() || m_catalog.contains(name))
            continue;
        m_catalog.insert(name, entry);
        // Another name of the same template finds it too, when typed.
        for (const QString &alias : entry.aliases)
            m_catalog.insert(alias, entry);
        m_catalog.insert(entry.templateId, entry);
        added.append({name, entry});
    }
    std::sort(added.begin(), added.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    bool separated = m_template->count() == 0;
    for (const auto &[name, entry] : std::as_const(added)) {
        QString tip = resourcesText(entry);
        if (name != entry.templateId)
            tip += (tip.isEmpty() ? QString() : u" · "_s) + entry.templateId;
        const int known = m_template->findText(name, Qt::MatchFixedString);
        if (known >= 0) {
            m_template->setItemData(known, tip, Qt::ToolTipRole);
            continue;
        }
        // The known templates (used before) stay on top, the rest of the catalog below them.
        if (!separated) {
            m_template->insertSeparator(m_template->count());
            separated = true;
        }
        m_template->addItem(name);
        m_template->setItemData(m_template->count() - 1, tip, Qt::ToolTipRole);
    }
    if (m_template->currentText() != typed)
        m_template->setEditText(typed);
}

QString CreateSandboxDialog::templateHelp() const
{
    const QString fallback = tr("The image the sandbox starts from, e.g. base.");
    if (selectedProvider() == LocalProviderName)
        return fallback;
    if (m_loadingTemplates)
        return tr("Loading E2B's templates…");
    if (!m_templatesError.isEmpty())
        return tr("Type a template name or id: E2B's list is unavailable. %1")
            .arg(m_templatesError);
    const auto found = m_catalog.constFind(m_template->currentText().trimmed());
    if (found != m_catalog.cend()) {
        const QString resources = resourcesText(*found);
        return resources.isEmpty() ? tr("E2B template %1.").arg(found->templateId)
                                   : tr("E2B template: %1.").arg(resources);
    }
    if (!m_catalog.isEmpty())
        return tr("A template of E2B's catalog, or the name or id of another one.");
    return fallback;
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
    m_fields[TemplateField].help = templateHelp();
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
    // Empty when there is no choice: the service's default provider.
    request.provider = selectedProvider();
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
    m_provider->setEnabled(!creating);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!creating);
    m_busy->setVisible(creating);
    m_busyText->setVisible(creating);
    m_createButton->setEnabled(!creating && isInputValid());
    if (!creating)
        m_template->setFocus();
}

} // namespace squad
