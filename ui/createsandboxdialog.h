// SPDX-License-Identifier: MIT
#pragma once

#include "e2b/e2bapi.h"
#include "sandbox/sandboxrecord.h"
#include "sandbox/sandboxservice.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace squad {

class ConsoleBackend;

// "New sandbox": template, task, agent and repository, each checked as it is typed (a hint
// under the field turns red and Create is disabled while anything is invalid). With E2B
// enabled it also offers the provider (E2B or Local) and, once it opens, E2B's template
// catalog beside the known templates; a catalog that cannot be read leaves the field free to
// type in. Create calls ConsoleBackend::create and shows progress; the dialog stays open with
// the message when it fails, and closes with created() when it succeeds. Creation cannot be
// cancelled half-way, so the dialog refuses to close while it runs.
class CreateSandboxDialog : public QDialog
{
    Q_OBJECT
public:
    // `templates` fills the template list (the default template comes first); E2B's catalog is
    // added to it when the dialog is first shown.
    CreateSandboxDialog(ConsoleBackend *backend, const QStringList &templates,
                        QWidget *parent = nullptr);

    QComboBox *templateField() const { return m_template; }
    QLineEdit *taskField() const { return m_task; }
    QLineEdit *agentField() const { return m_agent; }
    QLineEdit *repoField() const { return m_repo; }
    QPushButton *createButton() const { return m_createButton; }
    // E2B or Local; hidden when the backend has no E2B.
    QComboBox *providerField() const { return m_provider; }
    bool isProviderChoiceShown() const;

    // E2B's catalog is being read.
    bool isLoadingTemplates() const { return m_loadingTemplates; }
    // Why the catalog could not be read; empty when it was (or was not asked for).
    QString templatesError() const { return m_templatesError; }

    bool isCreating() const { return m_creating; }
    // True when every field holds an acceptable value.
    bool isInputValid() const;
    // The text of the error shown after a failed create; empty otherwise.
    QString errorText() const;
    // The hint shown under a field (its help or its error).
    QString hintText(QWidget *field) const;

    CreateSandboxRequest request() const;

    void accept() override;
    void reject() override;

Q_SIGNALS:
    void created(const squad::SandboxRecord &record);
    // E2B's catalog was read (or failed to be: see templatesError()).
    void templatesLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    struct Field
    {
        QWidget *editor = nullptr;
        QLabel *hint = nullptr;
        QString help;
        bool valid = true;
    };

    void loadTemplates();
    void addCatalog(const QList<E2bTemplate> &templates);
    QString templateHelp() const;
    QString selectedProvider() const;
    void validate();
    void setHint(Field &field, const QString &error);
    void setCreating(bool creating);
    QWidget *wrap(Field &field);

    ConsoleBackend *m_backend = nullptr;
    QComboBox *m_provider = nullptr;
    QComboBox *m_template = nullptr;
    QLineEdit *m_task = nullptr;
    QLineEdit *m_agent = nullptr;
    QLineEdit *m_repo = nullptr;
    Field m_fields[4];
    QLabel *m_error = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_busyText = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QPushButton *m_createButton = nullptr;
    bool m_creating = false;
    bool m_offerProvider = false;
    bool m_templatesRequested = false;
    bool m_loadingTemplates = false;
    QString m_templatesError;
    // E2B's templates by the name the list shows them under (alias, or id when they have none).
    QHash<QString, E2bTemplate> m_catalog;
};

} // namespace squad
