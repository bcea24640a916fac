// SPDX-License-Identifier: MIT
#include "workflowwizard.h"

#include "abortchoices.h"

#include "console/consolebackend.h"
#include "diffpane.h"
#include "fieldhint.h"
#include "git/gitinput.h"
#include "github/githubapi.h"
#include "github/githubremote.h"
#include "github/pullrequestwatch.h"
#include "pullrequestcard.h"
#include "pullrequestpresentation.h"
#include "workflow/workflowengine.h"
#include "workflow/workflowservices.h"
#include "workflowrunpresentation.h"

#include <QApplication>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSplitter>
#include <QStringDecoder>
#include <QTextBlock>
#include <QTime>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int LogLines = 5000;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor dimColour(const QPalette &palette)
{
    return palette.color(QPalette::PlaceholderText);
}

// "a, b  c" → {"a", "b", "c"}.
QStringList splitList(const QString &text)
{
    static const QRegularExpression separators(u"[,\\s]+"_s);
    return text.split(separators, Qt::SkipEmptyParts);
}

// A glyph in its colour and a text, as rich text.
QString glyphText(const StatusPresentation &p, const QString &text, bool bold = false)
{
    const QString body = text.toHtmlEscaped();
    return u"<span style=\"color:%1\">%2</span>&nbsp;&nbsp;%3"_s.arg(
        p.colour.name(), p.symbol, bold ? u"<b>"_s + body + u"</b>"_s : body);
}

QString seconds(const QDateTime &from, const QDateTime &to)
{
    if (!from.isValid() || !to.isValid())
        return {};
    const double s = double(from.msecsTo(to)) / 1000.0;
    return s < 10 ? QString::number(s, 'f', 1) : QString::number(qRound(s));
}

// A word-wrapped line under a field whose height follows its width: the layouts a wizard page
// sits in ask a wrapped label for one size only, and a QLabel guesses it for a narrower width
// than it gets, which leaves a gap under the field.
class HintLabel : public QLabel
{
public:
    using QLabel::QLabel;

    QSize sizeHint() const override
    {
        const int guess = std::min(QLabel::sizeHint().width(), fontMetrics().averageCharWidth() * 40);
        return {guess, QLabel::heightForWidth(width() > 1 ? width() : guess)};
    }
    QSize minimumSizeHint() const override
    {
        return {fontMetrics().averageCharWidth() * 16, sizeHint().height()};
    }
    // The height is in sizeHint(), for the width the label has: a layout that asked for a
    // height at another width (a form's minimum one) would reserve too much.
    bool hasHeightForWidth() const override { return false; }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QLabel::resizeEvent(event);
        // Another width, another height: the layouts above ask again (a same width ends it).
        if (event->size().width() != event->oldSize().width())
            updateGeometry();
    }
};

QLabel *makeHint(QWidget *parent, const QString &name)
{
    auto *hint = new HintLabel(parent);
    hint->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    hint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    hint->setObjectName(name);
    hint->setWordWrap(true);
    hint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont small = hint->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    hint->setFont(small);
    return hint;
}

// A field and, on a row of its own under it, its hint line.
void addField(QFormLayout *form, const QString &label, QWidget *editor, QLabel *hint = nullptr)
{
    form->addRow(label, editor);
    if (hint)
        form->addRow(static_cast<QWidget *>(nullptr), hint);
}

QPlainTextEdit *makeLog(QWidget *parent)
{
    auto *log = new QPlainTextEdit(parent);
    log->setObjectName(u"stepLog"_s);
    log->setReadOnly(true);
    log->setMaximumBlockCount(LogLines);
    // Errors are long lines, and are read whole.
    log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    log->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    log->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    log->setPlaceholderText(WorkflowWizard::tr("What the step does is logged here as it runs."));
    return log;
}

} // namespace

// --- the list of steps beside the pages ----------------------------------------------------

class WorkflowStepList : public QWidget
{
    Q_OBJECT
public:
    explicit WorkflowStepList(QWidget *parent)
        : QWidget(parent)
    {
        setObjectName(u"workflowStepList"_s);
        auto *layout = new QVBoxLayout(this);
        const int unit = fontMetrics().averageCharWidth();
        layout->setContentsMargins(unit * 2, unit * 2, unit * 2, unit * 2);
        layout->setSpacing(fontMetrics().height() / 2);
        const auto add = [&](const QString &text) {
            auto *row = new QLabel(this);
            row->setTextFormat(Qt::RichText);
            row->setProperty("title", text);
            layout->addWidget(row);
            m_rows << row;
        };
        add(WorkflowWizard::tr("Inputs"));
        for (int i = 0; i < WorkflowStepCount; ++i)
            add(workflowStepTitle(WorkflowStepKind(i)));
        add(WorkflowWizard::tr("Summary"));
        layout->addStretch();
        QFont bold = font();
        bold.setBold(true);
        setMinimumWidth(QFontMetrics(bold).horizontalAdvance(u"○  Wait for the agent's changes"_s)
                        + unit * 6);
        setAutoFillBackground(true);
        setRun(std::nullopt, WorkflowWizard::InputsPageId);
    }

    void setRun(const std::optional<WorkflowRun> &run, int currentId)
    {
        for (int i = 0; i < m_rows.size(); ++i) {
            QLabel *row = m_rows.at(i);
            const QString title = row->property("title").toString();
            StatusPresentation p = presentationOf(WorkflowStepState::Pending);
            if (i == WorkflowWizard::InputsPageId) {
                if (run)
                    p = presentationOf(WorkflowStepState::Succeeded);
            } else if (i == WorkflowWizard::SummaryPageId) {
                if (run && run->state == WorkflowRunState::Succeeded)
                    p = presentationOf(WorkflowStepState::Succeeded);
            } else if (run) {
                const WorkflowStep &step = run->steps[size_t(i - WorkflowWizard::FirstStepPageId)];
                p = presentationOf(step.state);
                if (step.kind == WorkflowStepKind::WaitForAgent
                    && run->state == WorkflowRunState::Waiting) {
                    p = presentationOf(WorkflowRunState::Waiting);
                }
            }
            QPalette pal = row->palette();
            pal.setColor(QPalette::WindowText, i == currentId ? palette().color(QPalette::WindowText)
                                                               : dimColour(palette()));
            row->setPalette(pal);
            row->setText(glyphText(p, title, i == currentId));
            row->setToolTip(p.label);
        }
    }

private:
    QList<QLabel *> m_rows;
};

// --- inputs ----------------------------------------------------------------------------------

class WorkflowInputsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WorkflowInputsPage(WorkflowWizard *wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setObjectName(u"inputsPage"_s);
        setTitle(WorkflowWizard::tr("New Workflow Run"));
        setSubTitle(WorkflowWizard::tr(
            "A sandbox clones the repository onto a new branch, the agent makes its changes "
            "there, and they go to GitHub as a pull request. Nothing runs before Next."));

        m_repoUrl = lineEdit(u"repoUrlField"_s, tr("https://github.com/owner/repo.git"));
        m_baseBranch = lineEdit(u"baseBranchField"_s, tr("The default branch"));
        m_branch = lineEdit(u"branchField"_s, tr("e.g. agent/login-page"));
        m_commit = new QPlainTextEdit(this);
        m_commit->setObjectName(u"commitMessageField"_s);
        m_commit->setTabChangesFocus(true);
        m_commit->setPlaceholderText(tr("feat(login): add the login page"));
        m_commit->setFixedHeight(textHeight(3));
        m_prTitle = lineEdit(u"prTitleField"_s, tr("The commit's first line"));
        m_prBody = new QPlainTextEdit(this);
        m_prBody->setObjectName(u"prBodyField"_s);
        m_prBody->setTabChangesFocus(true);
        m_prBody->setPlaceholderText(tr("What the change does and why (optional)"));
        m_prBody->setFixedHeight(textHeight(4));
        m_prRepo = lineEdit(u"prRepoField"_s, tr("OWNER/REPO"));
        m_reviewers = lineEdit(u"reviewersField"_s, tr("octocat, acme/reviewers (optional)"));
        m_labels = lineEdit(u"labelsField"_s, tr("enhancement, agent (optional)"));
        m_draft = new QCheckBox(tr("Open it as a &draft"), this);
        m_draft->setObjectName(u"draftField"_s);
        m_provider = new QComboBox(this);
        m_provider->setObjectName(u"providerField"_s);
        m_template = lineEdit(u"templateField"_s, tr("The profile's default"));
        m_keep = new QCheckBox(tr("&Keep the sandbox when a step fails"), this);
        m_keep->setObjectName(u"keepSandboxField"_s);
        m_keep->setToolTip(tr("Also the first choice when the run is cancelled or aborted."));

        m_repoHint = makeHint(this, u"repoUrlHint"_s);
        m_commitHint = makeHint(this, u"commitMessageHint"_s);
        m_prRepoHint = makeHint(this, u"prRepoHint"_s);

        const auto form = [this](QGroupBox *group) {
            auto *layout = new QFormLayout(group);
            layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            layout->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
            layout->setVerticalSpacing(fontMetrics().height() * 2 / 5);
            layout->setRowWrapPolicy(QFormLayout::DontWrapRows);
            return layout;
        };
        auto *repository = new QGroupBox(tr("Repository"), this);
        QFormLayout *repoForm = form(repository);
        addField(repoForm, tr("&URL:"), m_repoUrl, m_repoHint);
        addField(repoForm, tr("&Base branch:"), m_baseBranch);
        addField(repoForm, tr("B&ranch:"), m_branch);
        addField(repoForm, tr("&Commit:"), m_commit, m_commitHint);

        auto *sandbox = new QGroupBox(tr("Sandbox"), this);
        QFormLayout *sandboxForm = form(sandbox);
        sandboxForm->addRow(tr("&Provider:"), m_provider);
        sandboxForm->addRow(tr("&Template:"), m_template);
        sandboxForm->addRow(QString(), m_keep);

        auto *pull = new QGroupBox(tr("Pull request"), this);
        QFormLayout *pullForm = form(pull);
        addField(pullForm, tr("T&itle:"), m_prTitle);
        addField(pullForm, tr("D&escription:"), m_prBody);
        addField(pullForm, tr("Rep&ository:"), m_prRepo, m_prRepoHint);
        addField(pullForm, tr("Re&viewers:"), m_reviewers);
        addField(pullForm, tr("&Labels:"), m_labels);
        pullForm->addRow(QString(), m_draft);

        // Labels of the three forms share one width, so the fields line up across them.
        int labelWidth = 0;
        for (QFormLayout *f : {repoForm, sandboxForm, pullForm}) {
            for (int row = 0; row < f->rowCount(); ++row) {
                if (QLayoutItem *item = f->itemAt(row, QFormLayout::LabelRole))
                    labelWidth = std::max(labelWidth, item->widget()->sizeHint().width());
            }
        }

        for (QFormLayout *f : {repoForm, sandboxForm, pullForm}) {
            for (int row = 0; row < f->rowCount(); ++row) {
                if (QLayoutItem *item = f->itemAt(row, QFormLayout::LabelRole))
                    item->widget()->setMinimumWidth(labelWidth);
            }
        }

        m_error = makeHint(this, u"inputsError"_s);
        m_error->setFont(font());
        m_busy = new QProgressBar(this);
        m_busy->setObjectName(u"inputsBusy"_s);
        m_busy->setRange(0, 0);
        m_busy->setTextVisible(false);
        m_busy->setMaximumWidth(fontMetrics().averageCharWidth() * 16);
        m_busy->setMaximumHeight(fontMetrics().height() * 2 / 3);
        m_busy->hide();
        auto *status = new QHBoxLayout;
        status->addWidget(m_busy);
        status->addWidget(m_error, 1);

        // Each group as tall as its rows; the columns' stretch takes what is left.
        for (QGroupBox *group : {repository, sandbox, pull})
            group->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
        auto *left = new QVBoxLayout;
        left->addWidget(repository);
        left->addWidget(sandbox);
        left->addStretch();
        auto *right = new QVBoxLayout;
        right->addWidget(pull);
        right->addStretch();
        auto *columns = new QHBoxLayout;
        columns->setSpacing(fontMetrics().averageCharWidth() * 2);
        columns->addLayout(left, 1);
        columns->addLayout(right, 1);
        auto *layout = new QVBoxLayout(this);
        layout->addLayout(columns, 1);
        layout->addLayout(status);

        for (QLineEdit *edit : {m_repoUrl, m_baseBranch, m_branch, m_prTitle, m_prRepo, m_reviewers,
                                m_labels, m_template}) {
            connect(edit, &QLineEdit::textChanged, this, &WorkflowInputsPage::validateFields);
        }
        connect(m_commit, &QPlainTextEdit::textChanged, this, [this] {
            // The title follows the commit's first line until the operator writes one.
            if (!m_titleEdited && !m_locked) {
                const QSignalBlocker quiet(m_prTitle);
                m_prTitle->setText(m_commit->toPlainText().section(u'\n', 0, 0).trimmed());
            }
            validateFields();
        });
        connect(m_prTitle, &QLineEdit::textEdited, this, [this] { m_titleEdited = true; });
        connect(m_prBody, &QPlainTextEdit::textChanged, this, &WorkflowInputsPage::validateFields);
        setDefaults({});
    }

    void setDefaults(const WorkflowInputs &in)
    {
        m_defaults = in;
        m_provider->clear();
        m_provider->addItem(tr("Default"), QString());
        m_provider->addItem(tr("Local (this computer)"), u"local"_s);
        if ((m_wizard->backend() && m_wizard->backend()->hasE2b()) || in.provider == u"e2b")
            m_provider->addItem(tr("E2B (cloud)"), u"e2b"_s);
        setInputs(in);
    }

    void setInputs(const WorkflowInputs &in)
    {
        m_profile = in.profile;
        m_agentWait = in.agentWait;
        m_agentCommand = in.agentCommand;
        m_taskId = in.taskId;
        m_agentId = in.agentId;
        m_repoUrl->setText(in.repoUrl);
        m_baseBranch->setText(in.baseBranch);
        m_branch->setText(in.branch);
        m_commit->setPlainText(in.commitMessage);
        m_prTitle->setText(in.prTitle);
        m_titleEdited = !in.prTitle.isEmpty()
                        && in.prTitle != in.commitMessage.section(u'\n', 0, 0).trimmed();
        m_prBody->setPlainText(in.prBody);
        m_prRepo->setText(in.prRepo);
        m_reviewers->setText(in.reviewers.join(u", "_s));
        m_labels->setText(in.labels.join(u", "_s));
        m_draft->setChecked(in.draft);
        int provider = m_provider->findData(in.provider);
        if (provider < 0) {
            m_provider->addItem(in.provider, in.provider);
            provider = m_provider->count() - 1;
        }
        m_provider->setCurrentIndex(provider);
        m_template->setText(in.templateId);
        m_keep->setChecked(in.keepSandboxOnFailure);
        validateFields();
    }

    WorkflowInputs inputs() const
    {
        WorkflowInputs in;
        in.profile = m_profile;
        in.provider = m_provider->currentData().toString();
        in.templateId = m_template->text().trimmed();
        in.taskId = m_taskId;
        in.agentId = m_agentId;
        in.repoUrl = m_repoUrl->text().trimmed();
        in.baseBranch = m_baseBranch->text().trimmed();
        in.branch = m_branch->text().trimmed();
        in.commitMessage = m_commit->toPlainText().trimmed();
        in.prTitle = m_prTitle->text().trimmed();
        in.prBody = m_prBody->toPlainText().trimmed();
        in.prRepo = m_prRepo->text().trimmed();
        in.draft = m_draft->isChecked();
        in.reviewers = splitList(m_reviewers->text());
        in.labels = splitList(m_labels->text());
        in.keepSandboxOnFailure = m_keep->isChecked();
        in.agentWait = m_agentWait;
        in.agentCommand = m_agentCommand;
        return in;
    }

    // Once the run exists its inputs are what it was made with: shown, not edited.
    void setLocked(bool locked)
    {
        m_locked = locked;
        for (QLineEdit *edit : {m_repoUrl, m_baseBranch, m_branch, m_prTitle, m_prRepo, m_reviewers,
                                m_labels, m_template}) {
            edit->setReadOnly(locked);
            edit->setClearButtonEnabled(!locked);
        }
        m_commit->setReadOnly(locked);
        m_prBody->setReadOnly(locked);
        for (QWidget *w : {static_cast<QWidget *>(m_draft), static_cast<QWidget *>(m_keep),
                           static_cast<QWidget *>(m_provider)}) {
            w->setEnabled(!locked);
        }
        setSubTitle(locked ? tr("What this run was started with. Its steps follow.")
                           : WorkflowWizard::tr(
                                 "A sandbox clones the repository onto a new branch, the agent makes "
                                 "its changes there, and they go to GitHub as a pull request. Nothing "
                                 "runs before Next."));
        validateFields();
    }

    void setBusy(const QString &text)
    {
        m_busyNow = !text.isEmpty();
        m_busy->setVisible(m_busyNow);
        if (m_busyNow)
            setStatus(text, false);
        else
            validateFields();
        Q_EMIT completeChanged();
    }

    void showError(const QString &message)
    {
        m_failure = message;
        setStatus(message, true);
    }

    bool isComplete() const override
    {
        return !m_busyNow && (m_locked || m_valid);
    }

    bool validatePage() override
    {
        if (m_wizard->run())
            return true;
        if (!m_valid || m_busyNow)
            return false;
        // Storing the run takes the database: asked for here, answered later, and the wizard
        // goes on to the first step when it is in.
        m_wizard->createRun();
        return false;
    }

private:
    QLineEdit *lineEdit(const QString &name, const QString &placeholder)
    {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        edit->setClearButtonEnabled(true);
        return edit;
    }

    int textHeight(int lines) const
    {
        const QFontMetrics fm(font());
        return fm.lineSpacing() * lines + fm.height() / 2 + 8;
    }

    void setStatus(const QString &text, bool error)
    {
        m_error->setText(text);
        QPalette pal = m_error->palette();
        pal.setColor(QPalette::WindowText,
                     error ? errorColour(palette()) : dimColour(palette()));
        m_error->setPalette(pal);
    }

    void validateFields()
    {
        const WorkflowInputs in = inputs();
        const auto problem = [](const auto &result) {
            return result ? QString() : result.error().message();
        };
        QString repoError;
        if (!in.repoUrl.isEmpty())
            repoError = problem(validateGitRemote(in.repoUrl, true));
        showFieldHint(m_repoHint, m_repoUrl,
                      tr("https, ssh or git@host:owner/repo; a local path for local sandboxes."),
                      repoError);
        // Fields without a hint line of their own say what is wrong in the status line.
        QString fieldError;
        const auto check = [&fieldError](QWidget *editor, const QString &error) {
            editor->setToolTip(error);
            editor->setAccessibleDescription(error);
            if (fieldError.isEmpty())
                fieldError = error;
        };
        QString branchError;
        if (!in.branch.isEmpty())
            branchError = problem(validateBranchName(in.branch));
        check(m_branch, branchError);
        QString baseError;
        if (!in.baseBranch.isEmpty()) {
            baseError = problem(validateBranchName(in.baseBranch, tr("base branch")));
            if (baseError.isEmpty() && in.baseBranch == in.branch)
                baseError = tr("The changes need a branch of their own: not the base.");
        }
        check(m_baseBranch, baseError);
        QString commitError;
        if (!in.commitMessage.isEmpty())
            commitError = problem(parseConventionalCommit(in.commitMessage));
        showFieldHint(m_commitHint, m_commit,
                      tr("A conventional commit: type(scope): subject, e.g. fix(api): retry on 503."),
                      commitError);
        QString prRepoError;
        if (!in.prRepo.isEmpty()) {
            prRepoError = problem(gitHubRepoFromSlug(in.prRepo, u"github.com"_s));
        } else if (!in.repoUrl.isEmpty() && repoError.isEmpty() && !gitHubRepoFromRemote(in.repoUrl)) {
            prRepoError = tr("The repository is not on GitHub: name the pull request's repository "
                             "as OWNER/REPO.");
        }
        showFieldHint(m_prRepoHint, m_prRepo,
                      tr("Empty: the repository's own, when it is on GitHub."), prRepoError);
        QString reviewerError;
        for (const QString &reviewer : in.reviewers) {
            for (const QString &part : reviewer.split(u'/')) {
                if (reviewerError.isEmpty())
                    reviewerError = problem(validateGitHubName(part, tr("reviewer")));
            }
        }
        check(m_reviewers, reviewerError);
        if (fieldError.isEmpty() && !repoError.isEmpty())
            fieldError = repoError;
        if (fieldError.isEmpty() && !commitError.isEmpty())
            fieldError = commitError;
        if (fieldError.isEmpty() && !prRepoError.isEmpty())
            fieldError = prRepoError;

        const auto valid = WorkflowEngine::validate(in);
        m_valid = bool(valid);
        if (!m_busyNow) {
            if (m_locked)
                setStatus(QString(), false);
            else if (!m_failure.isEmpty())
                setStatus(m_failure, true);
            else if (!fieldError.isEmpty())
                setStatus(fieldError, true);
            else if (!valid)
                setStatus(tr("To go on: %1").arg(valid.error().message()), false);
            else
                setStatus(tr("Next creates the run and starts its first step."), false);
        }
        m_failure.clear();
        Q_EMIT completeChanged();
    }

    WorkflowWizard *m_wizard;
    QLineEdit *m_repoUrl = nullptr;
    QLineEdit *m_baseBranch = nullptr;
    QLineEdit *m_branch = nullptr;
    QPlainTextEdit *m_commit = nullptr;
    QLineEdit *m_prTitle = nullptr;
    QPlainTextEdit *m_prBody = nullptr;
    QLineEdit *m_prRepo = nullptr;
    QLineEdit *m_reviewers = nullptr;
    QLineEdit *m_labels = nullptr;
    QCheckBox *m_draft = nullptr;
    QComboBox *m_provider = nullptr;
    QLineEdit *m_template = nullptr;
    QCheckBox *m_keep = nullptr;
    QLabel *m_repoHint = nullptr;
    QLabel *m_commitHint = nullptr;
    QLabel *m_prRepoHint = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_busy = nullptr;
    WorkflowInputs m_defaults;
    QString m_profile;
    QString m_taskId;
    QString m_agentId;
    QString m_agentCommand;
    QString m_failure;  // the last error, shown until the next edit
    AgentWait m_agentWait = AgentWait::Operator;
    bool m_titleEdited = false;
    bool m_valid = false;
    bool m_locked = false;
    bool m_busyNow = false;
};

// --- one step --------------------------------------------------------------------------------

class WorkflowStepPage : public QWizardPage
{
    Q_OBJECT
public:
    WorkflowStepPage(WorkflowStepKind kind, WorkflowWizard *wizard)
        : QWizardPage(wizard)
        , m_kind(kind)
        , m_wizard(wizard)
        , m_backend(wizard->backend())
    {
        setObjectName(u"stepPage_"_s + workflowStepName(kind));
        setTitle(workflowStepTitle(kind));
        const int unit = fontMetrics().averageCharWidth();

        m_state = new QLabel(this);
        m_state->setObjectName(u"stepState"_s);
        m_state->setTextFormat(Qt::RichText);
        m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_progress = new QProgressBar(this);
        m_progress->setObjectName(u"stepProgress"_s);
        m_progress->setTextVisible(false);
        m_progress->setMaximumHeight(fontMetrics().height() * 2 / 3);
        m_progress->setMaximumWidth(unit * 24);
        auto *stateRow = new QHBoxLayout;
        stateRow->addWidget(m_state, 1);
        stateRow->addWidget(m_progress);

        m_log = makeLog(this);

        // What went wrong and what can be done about it.
        m_actions = new QFrame(this);
        m_actions->setObjectName(u"stepActions"_s);
        m_actions->setFrameShape(QFrame::StyledPanel);
        m_actions->setAutoFillBackground(true);
        m_error = new QLabel(m_actions);
        m_error->setObjectName(u"stepError"_s);
        m_error->setWordWrap(true);
        m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_error->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        m_resume = new QPushButton(WorkflowWizard::tr("&Resume"), m_actions);
        m_resume->setObjectName(u"resumeButton"_s);
        m_resume->setToolTip(WorkflowWizard::tr("Run the steps on from here"));
        m_retry = new QPushButton(WorkflowWizard::tr("&Retry"), m_actions);
        m_retry->setObjectName(u"retryButton"_s);
        m_retry->setToolTip(WorkflowWizard::tr("Run the failed step again"));
        m_skip = new QPushButton(WorkflowWizard::tr("S&kip"), m_actions);
        m_skip->setObjectName(u"skipButton"_s);
        m_abort = new QPushButton(WorkflowWizard::tr("&Abort…"), m_actions);
        m_abort->setObjectName(u"abortButton"_s);
        m_abort->setToolTip(WorkflowWizard::tr("Stop the run for good"));
        auto *actionsLayout = new QHBoxLayout(m_actions);
        actionsLayout->setContentsMargins(unit, unit / 2, unit, unit / 2);
        actionsLayout->addWidget(m_error, 1);
        for (QPushButton *button : {m_resume, m_retry, m_skip, m_abort}) {
            button->setAutoDefault(false);
            actionsLayout->addWidget(button, 0, Qt::AlignVCenter);
        }
        connect(m_resume, &QPushButton::clicked, m_wizard, &WorkflowWizard::startRun);
        connect(m_retry, &QPushButton::clicked, m_wizard, &WorkflowWizard::retryStep);
        connect(m_skip, &QPushButton::clicked, m_wizard, &WorkflowWizard::skipStep);
        connect(m_abort, &QPushButton::clicked, m_wizard, [this] { m_wizard->askAbort(false); });
        m_actions->hide();

        auto *layout = new QVBoxLayout(this);
        layout->setSpacing(unit);
        layout->addLayout(stateRow);
        if (kind == WorkflowStepKind::WaitForAgent) {
            layout->addWidget(buildAgentArea(), 1);
        } else {
            layout->addWidget(m_log, 1);
        }
        layout->addWidget(m_actions);
    }

    ~WorkflowStepPage() override
    {
        watch(false);
    }

    WorkflowStepKind kind() const { return m_kind; }

    bool isComplete() const override
    {
        const auto &run = m_wizard->run();
        if (!run)
            return false;
        const WorkflowStepState state = run->step(m_kind).state;
        return state == WorkflowStepState::Succeeded || state == WorkflowStepState::Skipped;
    }

    void appendLog(const QString &text, const QColor &colour = {}, bool bold = false)
    {
        if (text.isEmpty())
            return;
        QScrollBar *bar = m_log->verticalScrollBar();
        const bool atEnd = bar->value() >= bar->maximum() - 2;
        QTextCharFormat format;
        format.setForeground(colour.isValid() ? colour : palette().color(QPalette::Text));
        if (bold)
            format.setFontWeight(QFont::Bold);
        QTextCursor cursor(m_log->document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(text, format);
        if (atEnd)
            bar->setValue(bar->maximum());
    }

    // A line of its own: after what is there, without leaving an empty line at the end.
    void appendLine(const QString &line, const QColor &colour = {})
    {
        if (!m_log->document()->lastBlock().text().isEmpty())
            appendLog(u"\n"_s);
        appendLog(line, colour);
    }

    // Follows the sandbox's files while the page is in sight (step 4 only).
    void setShown(bool shown)
    {
        m_shown = shown;
        if (m_kind == WorkflowStepKind::WaitForAgent)
            updateWatch();
    }

    void refresh()
    {
        const auto &maybeRun = m_wizard->run();
        if (!maybeRun)
            return;
        const WorkflowRun &run = *maybeRun;
        const WorkflowStep &step = run.step(m_kind);
        setSubTitle(WorkflowWizard::tr("Step %1 of %2. %3")
                        .arg(int(m_kind) + 1)
                        .arg(WorkflowStepCount)
                        .arg(workflowStepDescription(m_kind, run.inputs)));

        const bool active = m_wizard->isDriving() || m_wizard->backend()->isRunActive(run.id);
        const bool waiting = m_kind == WorkflowStepKind::WaitForAgent
                             && run.state == WorkflowRunState::Waiting
                             && step.state == WorkflowStepState::Running;
        const bool isNext = run.nextStep() == m_kind;
        StatusPresentation p = presentationOf(step.state);
        QString text;
        switch (step.state) {
        case WorkflowStepState::Pending:
            text = isNext && !active && run.state != WorkflowRunState::Aborted
                       ? WorkflowWizard::tr("Not started")
                       : WorkflowWizard::tr("Starts when the steps before it are done");
            break;
        case WorkflowStepState::Running:
            if (waiting) {
                p = presentationOf(WorkflowRunState::Waiting);
                text = WorkflowWizard::tr("Waiting for you: confirm when the agent's changes are "
                                          "ready");
            } else if (!active && run.state != WorkflowRunState::Running) {
                text = WorkflowWizard::tr("Stopped while running");
            } else {
                text = step.attempts > 1
                           ? WorkflowWizard::tr("Running… (attempt %1)").arg(step.attempts)
                           : WorkflowWizard::tr("Running…");
            }
            break;
        case WorkflowStepState::Succeeded: {
            const QString took = seconds(step.startedAt, step.finishedAt);
            text = took.isEmpty() ? WorkflowWizard::tr("Done")
                                  : WorkflowWizard::tr("Done in %1 s").arg(took);
            const QString outcome = workflowStepOutcome(step);
            if (!outcome.isEmpty())
                text += u" · "_s + outcome;
            break;
        }
        case WorkflowStepState::Failed:
            text = WorkflowWizard::tr("Failed");
            if (step.attempts > 1)
                text = WorkflowWizard::tr("Failed after %1 attempts").arg(step.attempts);
            break;
        case WorkflowStepState::Skipped:
            text = WorkflowWizard::tr("Skipped");
            break;
        }
        m_state->setText(glyphText(p, text));

        const bool running = step.state == WorkflowStepState::Running && !waiting
                             && (active || run.state == WorkflowRunState::Running);
        // Busy while the step runs; its outcome is in the state line once it ended.
        m_progress->setRange(0, 0);
        m_progress->setVisible(running);

        // The actions: a failed step (retry, skip, abort), a run that stopped here (resume,
        // abort), an aborted run (nothing), a call that failed (its error).
        QString message;
        bool error = false;
        bool showResume = false;
        bool showRetry = false;
        bool showSkip = false;
        bool showAbort = false;
        if (run.state == WorkflowRunState::Aborted) {
            if (isNext || (m_kind == WorkflowStepKind::CreateSandbox && !run.nextStep())) {
                message = run.error.isEmpty() ? WorkflowWizard::tr("The run was aborted.")
                                              : WorkflowWizard::tr("The run was aborted: %1").arg(run.error);
            }
        } else if (m_wizard->abortPending() && isNext) {
            message = WorkflowWizard::tr("The run is aborted when the running step ends…");
        } else if (step.state == WorkflowStepState::Failed && run.state == WorkflowRunState::Failed) {
            message = step.error.isEmpty() ? run.error : step.error;
            error = true;
            showRetry = showAbort = !active;
            showSkip = !active && workflowStepSkippable(m_kind);
        } else if (isNext && !active
                   && (run.state == WorkflowRunState::Pending
                       || run.state == WorkflowRunState::Running)) {
            message = WorkflowWizard::tr("The run stopped before this step: resume it to go on.");
            showResume = showAbort = true;
        }
        if (isNext && m_wizard->lastError() && !active) {
            if (!message.isEmpty())
                message += u"\n"_s;
            message += m_wizard->lastError()->message();
            error = true;
        }
        m_error->setText(message);
        QPalette pal = m_actions->palette();
        const bool dark = isDark(palette());
        pal.setColor(QPalette::Window, error ? (dark ? QColor(0x5c, 0x1a, 0x1f) : QColor(0xff, 0xeb, 0xe9))
                                             : palette().color(QPalette::AlternateBase));
        m_actions->setPalette(pal);
        m_resume->setVisible(showResume);
        m_retry->setVisible(showRetry);
        m_skip->setVisible(showSkip);
        m_abort->setVisible(showAbort);
        m_actions->setVisible(!message.isEmpty());

        if (m_kind == WorkflowStepKind::WaitForAgent)
            refreshAgentArea(run, waiting, active);
        Q_EMIT completeChanged();
    }

private:
    QWidget *buildAgentArea()
    {
        auto *area = new QWidget(this);
        const int unit = fontMetrics().averageCharWidth();
        m_diff = new DiffPane(area);
        m_changesStatus = new QLabel(area);
        m_changesStatus->setObjectName(u"changesStatus"_s);
        m_changesStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
        QPalette dim = m_changesStatus->palette();
        dim.setColor(QPalette::WindowText, dimColour(dim));
        m_changesStatus->setPalette(dim);

        m_command = new QLineEdit(area);
        m_command->setObjectName(u"commandField"_s);
        m_command->setPlaceholderText(
            WorkflowWizard::tr("A command to run in the sandbox's repository, e.g. npm test"));
        m_command->setClearButtonEnabled(true);
        m_command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_run = new QPushButton(WorkflowWizard::tr("R&un"), area);
        m_run->setObjectName(u"runButton"_s);
        m_run->setAutoDefault(false);
        m_confirm = new QPushButton(WorkflowWizard::tr("&The Changes Are Ready"), area);
        m_confirm->setObjectName(u"confirmButton"_s);
        m_confirm->setAutoDefault(false);
        m_confirm->setToolTip(WorkflowWizard::tr("Commit the changes shown and go on"));
        QFont strong = m_confirm->font();
        strong.setBold(true);
        m_confirm->setFont(strong);

        auto *commandRow = new QHBoxLayout;
        auto *prompt = new QLabel(u"$"_s, area);
        prompt->setFont(m_command->font());
        commandRow->addWidget(prompt);
        commandRow->addWidget(m_command, 1);
        commandRow->addWidget(m_run);
        auto *bottom = new QWidget(area);
        auto *bottomLayout = new QVBoxLayout(bottom);
        bottomLayout->setContentsMargins(0, 0, 0, 0);
        bottomLayout->setSpacing(unit / 2);
        bottomLayout->addLayout(commandRow);
        bottomLayout->addWidget(m_log, 1);
        m_log->setPlaceholderText(WorkflowWizard::tr(
            "Commands run here, and what the step logs, show here as they run."));

        auto *top = new QWidget(area);
        auto *topLayout = new QVBoxLayout(top);
        topLayout->setContentsMargins(0, 0, 0, 0);
        topLayout->setSpacing(unit / 2);
        topLayout->addWidget(m_diff, 1);
        topLayout->addWidget(m_changesStatus);

        m_splitter = new QSplitter(Qt::Vertical, area);
        m_splitter->setObjectName(u"agentSplitter"_s);
        m_splitter->addWidget(top);
        m_splitter->addWidget(bottom);
        m_splitter->setChildrenCollapsible(false);
        m_splitter->setStretchFactor(0, 3);
        m_splitter->setStretchFactor(1, 1);

        auto *confirmRow = new QHBoxLayout;
        m_confirmHint = new QLabel(area);
        m_confirmHint->setObjectName(u"confirmHint"_s);
        m_confirmHint->setWordWrap(true);
        m_confirmHint->setPalette(dim);
        confirmRow->addWidget(m_confirmHint, 1);
        confirmRow->addWidget(m_confirm);

        auto *layout = new QVBoxLayout(area);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(m_splitter, 1);
        layout->addLayout(confirmRow);

        connect(m_command, &QLineEdit::returnPressed, this, [this] {
            if (!m_commandRun)
                runCommand();
        });
        connect(m_command, &QLineEdit::textChanged, this, [this] { updateCommandControls(); });
        connect(m_run, &QPushButton::clicked, this, [this] {
            if (m_commandRun)
                m_commandRun->cancel();
            else
                runCommand();
        });
        connect(m_confirm, &QPushButton::clicked, m_wizard, &WorkflowWizard::confirmAgentDone);
        connect(m_wizard->backend(), &ConsoleBackend::filesChanged, this, [this](const QString &id) {
            if (!m_watched.isEmpty() && id == m_watched)
                loadChanges();
        });
        return area;
    }

    QString sandboxId() const
    {
        const auto &run = m_wizard->run();
        return run ? run->sandboxId() : QString();
    }

    QString repoFolder() const
    {
        const auto &run = m_wizard->run();
        if (!run)
            return {};
        const QString cloned = run->step(WorkflowStepKind::Clone).output.value("folder"_L1).toString();
        return cloned.isEmpty() ? WorkflowServices::repoFolder(run->inputs) : cloned;
    }

    // The sandbox's repository can be looked at: cloned, and the sandbox not ended.
    bool sandboxReady() const
    {
        const auto &run = m_wizard->run();
        return run && !run->sandboxId().isEmpty()
               && run->step(WorkflowStepKind::Clone).state == WorkflowStepState::Succeeded
               && run->step(WorkflowStepKind::TerminateSandbox).state != WorkflowStepState::Succeeded
               && run->state != WorkflowRunState::Aborted;
    }

    void refreshAgentArea(const WorkflowRun &run, bool waiting, bool active)
    {
        m_confirm->setEnabled(waiting && !active);
        const WorkflowStep &step = run.step(m_kind);
        if (step.state == WorkflowStepState::Succeeded || step.state == WorkflowStepState::Skipped)
            m_confirmHint->setText(WorkflowWizard::tr("Confirmed: the changes go on to be committed."));
        else if (waiting)
            m_confirmHint->setText(WorkflowWizard::tr(
                "When the diff above holds what should be committed, confirm to commit, push and "
                "open the pull request."));
        else
            m_confirmHint->setText(WorkflowWizard::tr("The changes can be confirmed once the run "
                                                      "waits for them."));
        updateCommandControls();
        updateWatch();
    }

    void updateCommandControls()
    {
        if (!m_command)
            return;
        const bool ready = sandboxReady();
        m_command->setEnabled(ready || m_commandRun);
        m_run->setText(m_commandRun ? WorkflowWizard::tr("Cancel") : WorkflowWizard::tr("R&un"));
        m_run->setEnabled(m_commandRun || (ready && !m_command->text().trimmed().isEmpty()));
    }

    void updateWatch() { watch(m_shown && sandboxReady()); }

    void watch(bool on)
    {
        if (!m_diff)
            return;
        const QString id = on ? sandboxId() : QString();
        if (id == m_watched)
            return;
        m_watched = id;
        ++m_diffSerial;
        m_diffLoading = m_diffPending = false;
        if (m_backend)
            m_backend->watchChanges(watchKey(), id, id.isEmpty() ? QString() : repoFolder());
        if (id.isEmpty() && !on && !m_shown)
            return;
        if (!id.isEmpty())
            loadChanges();
        else if (!sandboxReady())
            m_changesStatus->setText(WorkflowWizard::tr("The diff shows once the repository is cloned."));
    }

    QString watchKey() const
    {
        return u"workflowWizard:%1"_s.arg(quintptr(this), 0, 16);
    }

    void loadChanges()
    {
        if (m_watched.isEmpty())
            return;
        if (m_diffLoading) {
            // One more once this one is in: a change made during it may be missing from it.
            m_diffPending = true;
            return;
        }
        m_diffLoading = true;
        if (m_diff->diff().files.isEmpty())
            m_changesStatus->setText(WorkflowWizard::tr("Reading the sandbox's changes…"));
        const int serial = m_diffSerial;
        m_wizard->backend()->diff(m_watched, repoFolder()).then(this, [this, serial](const Result<git::Diff> &diff) {
            if (serial != m_diffSerial)
                return;  // another sandbox, or the page left meanwhile
            m_diffLoading = false;
            const QString at = QTime::currentTime().toString(u"HH:mm:ss"_s);
            if (diff) {
                m_diff->setDiff(*diff);
                const qsizetype files = diff->files.size();
                m_changesStatus->setText(
                    files == 0 ? WorkflowWizard::tr("No changes yet · updated %1 · watching the "
                                                    "sandbox's repository").arg(at)
                               : (files == 1 ? WorkflowWizard::tr("1 file changed")
                                             : WorkflowWizard::tr("%1 files changed").arg(files))
                                     + u" · %1 · "_s.arg(m_diff->summaryText())
                                     + WorkflowWizard::tr("updated %1").arg(at));
            } else {
                m_changesStatus->setText(WorkflowWizard::tr("Could not read the changes: %1")
                                             .arg(diff.error().message()));
            }
            if (m_diffPending) {
                m_diffPending = false;
                loadChanges();
            }
        });
    }

    void runCommand()
    {
        const QString line = m_command->text().trimmed();
        if (line.isEmpty() || m_commandRun || !sandboxReady())
            return;
        m_stdout = QStringDecoder(QStringDecoder::Utf8);
        m_stderr = QStringDecoder(QStringDecoder::Utf8);
        appendLine(u"$ "_s + line, dimColour(palette()));
        appendLog(u"\n"_s);  // the output starts on a line of its own
        CommandSpec spec;
        spec.argv = {u"sh"_s, u"-c"_s, line};
        spec.workingDirectory = repoFolder();
        m_commandRun = m_wizard->backend()->run(sandboxId(), spec, this);
        m_commandClock.start();
        connect(m_commandRun, &CommandRun::output, this,
                [this](CommandRun::Channel channel, const QByteArray &data) {
                    if (channel == CommandRun::Channel::Stderr)
                        appendLog(m_stderr.decode(data), errorColour(palette()));
                    else
                        appendLog(m_stdout.decode(data));
                });
        connect(m_commandRun, &CommandRun::finished, this, [this] { commandFinished(); });
        updateCommandControls();
    }

    void commandFinished()
    {
        CommandRun *run = m_commandRun.data();
        if (!run)
            return;
        const QString took = QString::number(double(m_commandClock.elapsed()) / 1000.0, 'f', 1);
        const Result<CommandOutcome> &result = run->result();
        QString status;
        bool bad = true;
        if (!result) {
            status = result.error().code() == ErrorCode::Cancelled
                         ? WorkflowWizard::tr("Cancelled after %1 s").arg(took)
                         : WorkflowWizard::tr("Failed: %1").arg(result.error().message());
        } else if (result->timedOut) {
            status = WorkflowWizard::tr("Timed out after %1 s").arg(took);
        } else {
            status = WorkflowWizard::tr("Exit code %1 · %2 s").arg(result->exitCode).arg(took);
            bad = result->exitCode != 0;
        }
        appendLine(u"— "_s + status, bad ? errorColour(palette()) : dimColour(palette()));
        m_commandRun = nullptr;
        run->deleteLater();
        updateCommandControls();
        // The watch tells too, a moment later; the operator expects to see it now.
        loadChanges();
        Q_EMIT commandDone();
    }

Q_SIGNALS:
    void commandDone();

private:
    const WorkflowStepKind m_kind;
    WorkflowWizard *m_wizard;
    QPointer<ConsoleBackend> m_backend;  // outlives the page; not read through the wizard when it goes
    QLabel *m_state = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QFrame *m_actions = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_resume = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_skip = nullptr;
    QPushButton *m_abort = nullptr;

    // Step 4.
    DiffPane *m_diff = nullptr;
    QLabel *m_changesStatus = nullptr;
    QSplitter *m_splitter = nullptr;
    QLineEdit *m_command = nullptr;
    QPushButton *m_run = nullptr;
    QPushButton *m_confirm = nullptr;
    QLabel *m_confirmHint = nullptr;
    QPointer<CommandRun> m_commandRun;
    QElapsedTimer m_commandClock;
    QStringDecoder m_stdout{QStringDecoder::Utf8};
    QStringDecoder m_stderr{QStringDecoder::Utf8};
    QString m_watched;
    int m_diffSerial = 0;
    bool m_diffLoading = false;
    bool m_diffPending = false;
    bool m_shown = false;
};

// --- summary ---------------------------------------------------------------------------------

class WorkflowSummaryPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WorkflowSummaryPage(WorkflowWizard *wizard)
        : QWizardPage(wizard)
        , m_wizard(wizard)
    {
        setObjectName(u"summaryPage"_s);
        setTitle(WorkflowWizard::tr("Summary"));
        setSubTitle(WorkflowWizard::tr("The run is done. The pull request's state is followed "
                                       "here as reviews and checks come in."));
        setFinalPage(true);
        const int unit = fontMetrics().averageCharWidth();

        m_headline = new QLabel(this);
        m_headline->setObjectName(u"summaryHeadline"_s);
        m_headline->setWordWrap(true);
        QFont big = m_headline->font();
        big.setPointSizeF(big.pointSizeF() * 1.15);
        big.setBold(true);
        m_headline->setFont(big);

        m_card = new PullRequestCard(this);
        m_note = new QLabel(this);
        m_note->setObjectName(u"summaryNote"_s);
        m_note->setWordWrap(true);
        m_note->setTextFormat(Qt::RichText);
        m_note->setOpenExternalLinks(true);
        QPalette dim = m_note->palette();
        dim.setColor(QPalette::WindowText, dimColour(dim));
        m_note->setPalette(dim);

        auto *stepsBox = new QGroupBox(WorkflowWizard::tr("Steps"), this);
        m_steps = new QGridLayout(stepsBox);
        m_steps->setHorizontalSpacing(unit * 2);
        m_steps->setVerticalSpacing(unit / 2 + 1);
        m_steps->setColumnStretch(2, 1);
        stepsBox->setObjectName(u"summarySteps"_s);
        for (int i = 0; i < WorkflowStepCount; ++i) {
            auto *glyph = new QLabel(stepsBox);
            glyph->setTextFormat(Qt::RichText);
            auto *title = new QLabel(workflowStepTitle(WorkflowStepKind(i)), stepsBox);
            auto *outcome = new QLabel(stepsBox);
            outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
            outcome->setPalette(dim);
            m_steps->addWidget(glyph, i, 0);
            m_steps->addWidget(title, i, 1);
            m_steps->addWidget(outcome, i, 2);
            m_rows.push_back({glyph, outcome});
        }

        auto *layout = new QVBoxLayout(this);
        layout->setSpacing(unit * 3 / 2);
        layout->addWidget(m_headline);
        layout->addWidget(m_card);
        layout->addWidget(m_note);
        layout->addWidget(stepsBox);
        layout->addStretch();
    }

    PullRequestCard *card() const { return m_card; }

    void initializePage() override
    {
        refresh();
    }

    void refresh()
    {
        const auto &maybeRun = m_wizard->run();
        if (!maybeRun)
            return;
        const WorkflowRun &run = *maybeRun;
        for (int i = 0; i < WorkflowStepCount; ++i) {
            const WorkflowStep &step = run.steps[size_t(i)];
            m_rows[size_t(i)].glyph->setText(glyphText(presentationOf(step.state), QString()));
            m_rows[size_t(i)].outcome->setText(workflowStepOutcome(step));
        }
        const QString url = run.pullRequestUrl();
        const int number = workflowRunPullRequestNumber(run);
        if (url.isEmpty() || number <= 0) {
            m_card->hide();
            m_headline->setText(run.state == WorkflowRunState::Succeeded
                                    ? WorkflowWizard::tr("The run is done; it opened no pull request.")
                                    : WorkflowWizard::tr("The run is not done yet."));
            m_note->clear();
            m_note->hide();
            return;
        }
        m_card->show();
        updateHeadline(m_card->status());
        if (m_watch)
            return;
        const QString slug
            = run.step(WorkflowStepKind::OpenPullRequest).output.value("repository"_L1).toString();
        GitHubApi *api = m_wizard->github();
        std::optional<GitHubRepo> repo;
        if (api) {
            if (auto parsed = gitHubRepoFromSlug(slug, api->webHost()))
                repo = *parsed;
        }
        if (!repo) {
            m_note->show();
            m_note->setText(WorkflowWizard::tr("<a href=\"%1\">%1</a><br>Set a GitHub token or app for "
                                               "the profile in Preferences to follow its state here.")
                                .arg(url.toHtmlEscaped()));
            return;
        }
        m_note->clear();
        m_note->hide();
        m_watch = new PullRequestWatch(api, *repo, number, this);
        connect(m_watch, &PullRequestWatch::statusChanged, this,
                [this](const PullRequestStatus &status) { updateHeadline(status); });
        m_card->setWatch(m_watch);
        m_watch->start();
    }

private:
    void updateHeadline(const std::optional<PullRequestStatus> &status)
    {
        const auto &run = m_wizard->run();
        if (!run)
            return;
        const int number = workflowRunPullRequestNumber(*run);
        if (!status) {
            m_headline->setText(WorkflowWizard::tr("Pull request #%1 is open.").arg(number));
            return;
        }
        switch (status->state) {
        case PullRequestStatus::State::Open:
            m_headline->setText(WorkflowWizard::tr("Pull request #%1 is open for review.").arg(number));
            break;
        case PullRequestStatus::State::Draft:
            m_headline->setText(WorkflowWizard::tr("Pull request #%1 is open as a draft.").arg(number));
            break;
        case PullRequestStatus::State::Merged:
            m_headline->setText(WorkflowWizard::tr("Pull request #%1 is merged.").arg(number));
            break;
        case PullRequestStatus::State::Closed:
            m_headline->setText(WorkflowWizard::tr("Pull request #%1 was closed.").arg(number));
            break;
        }
    }

    struct Row
    {
        QLabel *glyph;
        QLabel *outcome;
    };
    WorkflowWizard *m_wizard;
    QLabel *m_headline = nullptr;
    PullRequestCard *m_card = nullptr;
    QLabel *m_note = nullptr;
    QGridLayout *m_steps = nullptr;
    std::vector<Row> m_rows;
    QPointer<PullRequestWatch> m_watch;
};

// --- the wizard ------------------------------------------------------------------------------

WorkflowWizard::WorkflowWizard(ConsoleBackend *backend, GitHubApi *github, QWidget *parent)
    : QWizard(parent)
    , m_backend(backend)
    , m_github(github)
{
    Q_ASSERT(backend);
    setObjectName(u"workflowWizard"_s);
    setWindowTitle(tr("New Workflow Run"));
    setWizardStyle(QWizard::ModernStyle);
    // Pages read the run; nothing is reset on Back and nothing is redone on Next.
    setOptions(QWizard::IndependentPages | QWizard::NoBackButtonOnStartPage
               | QWizard::NoCancelButtonOnLastPage);
    setButtonText(QWizard::NextButton, tr("&Next"));
    setButtonText(QWizard::BackButton, tr("&Back"));
    setButtonText(QWizard::FinishButton, tr("&Done"));

    m_inputsPage = new WorkflowInputsPage(this);
    setPage(InputsPageId, m_inputsPage);
    for (int i = 0; i < WorkflowStepCount; ++i) {
        m_stepPages[size_t(i)] = new WorkflowStepPage(WorkflowStepKind(i), this);
        setPage(FirstStepPageId + i, m_stepPages[size_t(i)]);
    }
    m_summaryPage = new WorkflowSummaryPage(this);
    setPage(SummaryPageId, m_summaryPage);

    m_stepList = new WorkflowStepList(this);
    setSideWidget(m_stepList);

    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        for (WorkflowStepPage *page : m_stepPages)
            page->setShown(currentPage() == page);
        m_stepList->setRun(m_run, id);
        if (id == SummaryPageId)
            m_summaryPage->refresh();
    });
    connect(m_backend, &ConsoleBackend::runChanged, this, &WorkflowWizard::onRunChanged);
    connect(m_backend, &ConsoleBackend::stepLog, this, &WorkflowWizard::onStepLog);

    // Room for step 4's diff beside its file list, and for the inputs' two columns.
    const QFontMetrics fm = fontMetrics();
    QSize size(fm.averageCharWidth() * 200, fm.height() * 50);
    if (const QScreen *screen = this->screen())
        size = size.boundedTo(screen->availableSize() * 0.9);
    setMinimumSize(QSize(fm.averageCharWidth() * 130, fm.height() * 34).boundedTo(size));
    resize(size);
}

WorkflowWizard::~WorkflowWizard()
{
    // The pages stop following the sandbox while the wizard is still whole.
    for (WorkflowStepPage *page : m_stepPages)
        page->setShown(false);
}

void WorkflowWizard::setDefaults(const WorkflowInputs &inputs)
{
    m_inputsPage->setDefaults(inputs);
}

WorkflowInputs WorkflowWizard::inputs() const
{
    return m_inputsPage->inputs();
}

WorkflowWizard *WorkflowWizard::find(const QString &runId)
{
    if (runId.isEmpty())
        return nullptr;
    const QWidgetList windows = QApplication::topLevelWidgets();
    for (QWidget *window : windows) {
        auto *wizard = qobject_cast<WorkflowWizard *>(window);
        if (wizard && wizard->runId() == runId)
            return wizard;
    }
    return nullptr;
}

QWizardPage *WorkflowWizard::stepPage(WorkflowStepKind kind) const
{
    return m_stepPages[size_t(kind)];
}

void WorkflowWizard::createRun()
{
    if (m_run)
        return;
    m_lastError.reset();
    m_inputsPage->setBusy(tr("Creating the run…"));
    m_backend->createRun(m_inputsPage->inputs()).then(this, [this](const Result<WorkflowRun> &made) {
        m_inputsPage->setBusy(QString());
        if (!made) {
            m_inputsPage->showError(tr("Could not create the run: %1").arg(made.error().message()));
            Q_EMIT failed(made.error());
            return;
        }
        setRun(*made);
        m_inputsPage->setLocked(true);
        startRun();
        // Not from inside validatePage(), which an answer already in can get to run this in.
        QMetaObject::invokeMethod(this, [this] {
            if (currentId() == InputsPageId)
                next();
        }, Qt::QueuedConnection);
    });
}

void WorkflowWizard::openRun(const QString &runId, bool resume)
{
    m_opening = runId;
    m_inputsPage->setBusy(tr("Reading the run…"));
    m_backend->workflowRun(runId).then(this, [this, resume](const Result<WorkflowRun> &found) {
        m_inputsPage->setBusy(QString());
        if (!found) {
            m_inputsPage->showError(tr("Could not read the run: %1").arg(found.error().message()));
            Q_EMIT failed(found.error());
            return;
        }
        m_inputsPage->setInputs(found->inputs);
        m_inputsPage->setLocked(true);
        setRun(*found);
        goToRunPage();
        const WorkflowRunState state = found->state;
        const bool stale = state == WorkflowRunState::Pending
                           || (state == WorkflowRunState::Running && !m_backend->isRunActive(found->id));
        if (resume && stale)
            startRun();
    });
}

void WorkflowWizard::goToRunPage()
{
    if (!m_run)
        return;
    const auto next = m_run->nextStep();
    const int target = next ? pageIdOf(*next)
                            : (m_run->state == WorkflowRunState::Succeeded ? SummaryPageId
                                                                           : pageIdOf(WorkflowStepKind::TerminateSandbox));
    // Walked page by page, so Back can show every page before it.
    if (currentId() != InputsPageId)
        restart();
    while (currentId() >= 0 && currentId() < target) {
        const int before = currentId();
        QWizard::next();
        if (currentId() == before)
            break;
    }
}

void WorkflowWizard::setRun(const WorkflowRun &run)
{
    // Answers and signals may arrive out of step: an older write never replaces a newer one.
    if (m_run && m_run->id == run.id && run.updatedAt.isValid() && m_run->updatedAt.isValid()
        && run.updatedAt < m_run->updatedAt) {
        return;
    }
    m_run = run;
    setWindowTitle(tr("Workflow Run — %1").arg(run.inputs.prTitle));
    refreshPages();
    maybeAbortPending();
    Q_EMIT runUpdated(run);
}

void WorkflowWizard::onRunChanged(const WorkflowRun &run)
{
    if (m_run && run.id == m_run->id)
        setRun(run);
}

void WorkflowWizard::onStepLog(const QString &runId, WorkflowStepKind step, const QString &line)
{
    if (!m_run || runId != m_run->id)
        return;
    auto *page = m_stepPages[size_t(step)];
    const bool bad = line.startsWith(workflowStepTitle(step) + u" failed: "_s);
    page->appendLine(line, bad ? errorColour(palette()) : QColor());
}

void WorkflowWizard::refreshPages()
{
    for (WorkflowStepPage *page : m_stepPages)
        page->refresh();
    if (currentId() == SummaryPageId)
        m_summaryPage->refresh();
    m_stepList->setRun(m_run, currentId());
}

void WorkflowWizard::drive(QFuture<Result<WorkflowRun>> call)
{
    ++m_driving;
    m_lastError.reset();
    refreshPages();
    call.then(this, [this](const Result<WorkflowRun> &answer) {
        --m_driving;
        if (answer) {
            setRun(*answer);
        } else {
            m_lastError = answer.error();
            Q_EMIT failed(answer.error());
        }
        refreshPages();
        maybeAbortPending();
    });
}

void WorkflowWizard::startRun()
{
    if (m_run)
        drive(m_backend->startRun(m_run->id));
}

void WorkflowWizard::confirmAgentDone()
{
    if (m_run)
        drive(m_backend->confirmAgentDone(m_run->id));
}

void WorkflowWizard::retryStep()
{
    if (m_run)
        drive(m_backend->retryRun(m_run->id));
}

void WorkflowWizard::skipStep()
{
    if (m_run)
        drive(m_backend->skipStep(m_run->id));
}

void WorkflowWizard::reject()
{
    if (!m_run || workflowRunFinished(m_run->state)) {
        QWizard::reject();
        return;
    }
    askAbort(true);
}

void WorkflowWizard::askAbort(bool closing)
{
    if (!m_run)
        return;
    if (m_question) {
        m_question->raise();
        return;
    }
    const WorkflowRun &run = *m_run;
    const bool hasSandbox = !run.sandboxId().isEmpty()
                            && run.step(WorkflowStepKind::TerminateSandbox).state
                                   != WorkflowStepState::Succeeded;
    const bool running = isDriving() || m_backend->isRunActive(run.id);

    auto *box = new QMessageBox(this);
    box->setObjectName(u"cancelQuestion"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Question);
    box->setWindowTitle(closing ? tr("Cancel the Run") : tr("Abort the Run"));
    box->setTextFormat(Qt::RichText);
    box->setText(tr("<b>Abort “%1”?</b>").arg(run.inputs.prTitle.toHtmlEscaped()));
    QStringList facts;
    facts << (hasSandbox ? tr("Aborting stops the run for good. Its sandbox can keep running with "
                              "the changes made so far, or be terminated.")
                         : tr("Aborting stops the run for good."));
    if (running)
        facts << tr("A step is running: the run is aborted when it ends.");
    if (closing) {
        facts << tr("<b>Resume Later</b> only closes this window: the run %1, is listed in "
                    "Workflow → Runs and is offered again when Squad Console starts.")
                     .arg(running ? tr("goes on until it needs you") : tr("stays where it is"));
    }
    box->setInformativeText(facts.join(u"<br><br>"_s));

    const AbortChoices choices = addAbortChoices(box, hasSandbox);
    QPushButton *later = nullptr;
    if (closing) {
        later = box->addButton(tr("&Resume Later"), QMessageBox::ActionRole);
        later->setObjectName(u"resumeLaterButton"_s);
    }
    QPushButton *dont = box->addButton(closing ? tr("&Don't Cancel") : tr("&Don't Abort"),
                                       QMessageBox::RejectRole);
    dont->setObjectName(u"dontCancelButton"_s);
    box->setEscapeButton(dont);
    // What the run asked for when a step fails is the first choice; else nothing is lost.
    box->setDefaultButton(hasSandbox && run.inputs.keepSandboxOnFailure ? choices.keep
                          : later                                    ? later
                                                                     : dont);

    connect(box, &QMessageBox::buttonClicked, this,
            [this, choices, later, closing](QAbstractButton *clicked) {
                if (choices.aborts(clicked))
                    abortRun(choices.keepsSandbox(clicked), closing);
                else if (clicked == later && clicked)
                    QWizard::reject();
            });
    m_question = box;
    box->open();
}

void WorkflowWizard::abortRun(bool keepSandbox, bool closeAfter)
{
    if (!m_run || m_aborting)
        return;
    if (m_driving > 0 || m_backend->isRunActive(m_run->id)) {
        m_pendingAbort = PendingAbort{keepSandbox, closeAfter};
        refreshPages();
        return;
    }
    m_pendingAbort.reset();
    m_aborting = true;
    m_lastError.reset();
    refreshPages();
    m_backend->abortRun(m_run->id, keepSandbox).then(this, [this, closeAfter](const Result<WorkflowRun> &ended) {
        m_aborting = false;
        if (!ended) {
            m_lastError = ended.error();
            refreshPages();
            Q_EMIT failed(ended.error());
            Q_EMIT aborted();
            return;
        }
        setRun(*ended);
        Q_EMIT aborted();
        if (closeAfter)
            QWizard::reject();
    });
}

void WorkflowWizard::maybeAbortPending()
{
    if (!m_pendingAbort || !m_run || m_driving > 0 || m_backend->isRunActive(m_run->id))
        return;
    const PendingAbort pending = *m_pendingAbort;
    m_pendingAbort.reset();
    if (workflowRunFinished(m_run->state)) {
        if (pending.closeAfter)
            QWizard::reject();
        return;
    }
    abortRun(pending.keepSandbox, pending.closeAfter);
}

} // namespace squad

#include "workflowwizard.moc"
