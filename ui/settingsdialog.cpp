// SPDX-License-Identifier: MIT
#include "settingsdialog.h"

#include "warmpoolsettings.h"

#include "core/redaction.h"
#include "e2b/e2bapi.h"
#include "fieldhint.h"
#include "github/githubapi.h"
#include "github/githubjwt.h"
#include "notificationsettings.h"
#include "secrets/secretformat.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// A cost rate as typed: a plain decimal number (an exponent is accepted too), 0 or more.
std::optional<double> parseRate(const QString &text)
{
    bool ok = false;
    const double rate = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok || !std::isfinite(rate) || rate < 0)
        return std::nullopt;
    return rate;
}

// A rate as a decimal without an exponent or trailing zeros: 0.0000045, not 4.5e-06.
QString rateText(double rate)
{
    QString text = QString::number(rate, 'f', 12);
    while (text.endsWith(u'0'))
        text.chop(1);
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

constexpr int RefreshIntervals[] = {0, 2000, 5000, 10000, 30000, 60000};
// A PEM private key is a few kilobytes; anything much larger is the wrong file.
constexpr qint64 MaxKeyFileBytes = 64 * 1024;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor warningColour(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xd2, 0x99, 0x22) : QColor(0x9a, 0x67, 0x00);
}

QFont smallFont(QFont font)
{
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 0.9);
    return font;
}

// Object-name stem of a secret's widgets: "e2bApiKey" → e2bApiKeyEdit, e2bApiKeySource, …
QString kindKey(SecretKind kind)
{
    switch (kind) {
    case SecretKind::E2bApiKey:
        return u"e2bApiKey"_s;
    case SecretKind::GitHubToken:
        return u"githubToken"_s;
    case SecretKind::GitHubAppKey:
        return u"githubAppKey"_s;
    }
    return u"secret"_s;
}

QString kindLabelText(SecretKind kind)
{
    switch (kind) {
    case SecretKind::E2bApiKey:
        return SettingsDialog::tr("E2B API &key:");
    case SecretKind::GitHubToken:
        return SettingsDialog::tr("GitHub t&oken:");
    case SecretKind::GitHubAppKey:
        return SettingsDialog::tr("GitHub App private ke&y:");
    }
    return {};
}

// What GitHub's tokens start with (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).
bool looksLikeToken(const QString &text)
{
    static const QRegularExpression token(u"^(gh[pousr]_|github_pat_)"_s);
    return token.match(text).hasMatch();
}

// When a token ends: the time alone today, else the date too.
QString whenText(const QDateTime &at)
{
    const QDateTime local = at.toLocalTime();
    const QLocale locale;
    return local.date() == QDate::currentDate()
               ? locale.toString(local.time(), QLocale::ShortFormat)
               : locale.toString(local, QLocale::ShortFormat);
}

// What GitHub said about the credentials, in one sentence.
QString describeIdentity(const GitHubIdentity &identity)
{
    const QLocale locale;
    QStringList parts;
    switch (identity.kind) {
    case GitHubIdentity::Kind::ClassicToken:
        parts << SettingsDialog::tr("GitHub accepted the classic token of %1 (%2)")
                     .arg(
                         identity.login,
                         identity.scopes.isEmpty()
                             ? SettingsDialog::tr("no scopes")
                             : SettingsDialog::tr("scopes: %1").arg(identity.scopes.join(u", "_s)));
        break;
    case GitHubIdentity::Kind::FineGrainedToken:
        parts << SettingsDialog::tr("GitHub accepted the fine-grained token of %1")
                     .arg(identity.login);
        break;
    case GitHubIdentity::Kind::AppInstallation: {
        QStringList permissions;
        for (auto it = identity.permissions.begin(); it != identity.permissions.end(); ++it)
            permissions << it.key() + u'=' + it.value();
        const QString granted
            = permissions.isEmpty()
                  ? SettingsDialog::tr("no permissions")
                  : SettingsDialog::tr("permissions: %1").arg(permissions.join(u", "_s));
        parts << (identity.login.isEmpty()
                      ? SettingsDialog::tr("GitHub accepted the GitHub App installation (%1)")
                            .arg(granted)
                      : SettingsDialog::tr(
                            "GitHub accepted the GitHub App installation for %1 (%2)")
                            .arg(identity.login, granted));
        break;
    }
    }
    if (identity.expiresAt.isValid()) {
        parts << (identity.kind == GitHubIdentity::Kind::AppInstallation
                      ? SettingsDialog::tr("its token is valid until %1")
                      : SettingsDialog::tr("it is valid until %1"))
                     .arg(whenText(identity.expiresAt));
    }
    const GitHubRateLimit &limit = identity.rateLimit;
    if (limit.limit >= 0 && limit.remaining >= 0) {
        parts << SettingsDialog::tr("%1 of %2 requests left this hour")
                     .arg(locale.toString(limit.remaining), locale.toString(limit.limit));
    }
    return parts.join(u"; "_s) + u'.';
}

QString intervalText(int ms)
{
    if (ms <= 0)
        return SettingsDialog::tr("Off");
    if (ms % 1000 == 0)
        return SettingsDialog::tr("Every %1 s").arg(ms / 1000);
    return SettingsDialog::tr("Every %1 s").arg(QLocale().toString(ms / 1000.0));
}

} // namespace

// Qt 6.4's QFuture::then(context, f) Q_ASSERTs (in debug builds) when the context is destroyed
// before the future finishes — the dialog closing on a pending keychain call. So the context is
// the vault, which outlives the dialog by contract, and a QPointer tells whether the dialog is
// still there when the result arrives.
template<class T, class F>
void SettingsDialog::after(QFuture<T> future, F function)
{
    future.then(m_vault, [dialog = QPointer<SettingsDialog>(this),
                          function = std::move(function)](const T &result) mutable {
        if (dialog)
            function(result);
    });
}

SettingsDialog::SettingsDialog(SecretVault *vault, QSettings *settings, QWidget *parent)
    : QDialog(parent)
    , m_vault(vault)
    , m_settings(settings)
    , m_profiles(*settings)
{
    Q_ASSERT(vault && settings);
    setObjectName(u"settingsDialog"_s);
    setWindowTitle(tr("Preferences"));

    buildBanner();
    // Widgets are created in reading order, which is also the Tab order.
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"settingsTabs"_s);
    m_tabs->addTab(buildProfilesPage(), tr("&Profiles"));
    m_tabs->addTab(buildGeneralPage(), tr("&General"));

    m_buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Close, this);
    m_okButton = m_buttons->button(QDialogButtonBox::Ok);
    m_okButton->setObjectName(u"okButton"_s);
    m_applyButton = m_buttons->button(QDialogButtonBox::Apply);
    m_applyButton->setObjectName(u"applyButton"_s);
    m_buttons->button(QDialogButtonBox::Close)->setObjectName(u"closeButton"_s);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_applyButton, &QPushButton::clicked, this, &SettingsDialog::apply);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_buttons);

    connect(m_vault, &SecretVault::keychainUnavailable, this, &SettingsDialog::showKeychainProblem);
    if (!m_vault->keychainProblem().isEmpty())
        showKeychainProblem(m_vault->keychainProblem());

    reloadAll();
    m_list->setFocus();
}

SettingsDialog::~SettingsDialog()
{
    // Pasted secrets are not kept in the line edits' memory longer than needed.
    discardPendingSecrets();
}

// --- building ----------------------------------------------------------------------------------

void SettingsDialog::buildBanner()
{
    m_banner = new QFrame(this);
    m_banner->setObjectName(u"keychainBanner"_s);
    m_banner->setFrameShape(QFrame::StyledPanel);
    m_banner->setAutoFillBackground(true);
    m_banner->setAccessibleName(tr("No keychain"));
    QPalette pal = m_banner->palette();
    pal.setColor(QPalette::Window,
                 isDark(pal) ? QColor(0x3d, 0x30, 0x00) : QColor(0xff, 0xf8, 0xc5));
    m_banner->setPalette(pal);

    m_bannerIcon = new QLabel(m_banner);
    m_bannerText = new QLabel(m_banner);
    m_bannerText->setObjectName(u"keychainBannerText"_s);
    m_bannerText->setWordWrap(true);
    m_bannerText->setTextFormat(Qt::RichText);
    m_bannerText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bannerText->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    auto *layout = new QHBoxLayout(m_banner);
    const int m = fontMetrics().averageCharWidth();
    layout->setContentsMargins(m, m / 2, m, m / 2);
    layout->addWidget(m_bannerIcon, 0, Qt::AlignTop);
    layout->addWidget(m_bannerText, 1);
    m_banner->hide();
}

QWidget *SettingsDialog::buildProfilesPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(u"profilesPage"_s);
    const int charWidth = fontMetrics().averageCharWidth();

    // Left: the profiles and what can be done to them.
    auto *listLabel = new QLabel(tr("Pro&files:"), page);
    m_list = new QListWidget(page);
    m_list->setObjectName(u"profileList"_s);
    m_list->setAccessibleName(tr("Profiles"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setMinimumWidth(charWidth * 20);
    m_list->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    listLabel->setBuddy(m_list);
    connect(m_list, &QListWidget::currentItemChanged, this,
            &SettingsDialog::onCurrentProfileChanged);

    m_addButton = new QPushButton(tr("&Add…"), page);
    m_addButton->setObjectName(u"addProfileButton"_s);
    m_addButton->setToolTip(tr("Add a profile for another E2B team or GitHub host"));
    m_renameButton = new QPushButton(tr("Re&name…"), page);
    m_renameButton->setObjectName(u"renameProfileButton"_s);
    m_removeButton = new QPushButton(tr("&Remove"), page);
    m_removeButton->setObjectName(u"removeProfileButton"_s);
    m_removeButton->setToolTip(tr("Remove the profile and delete its secrets"));
    m_activateButton = new QPushButton(tr("Make Ac&tive"), page);
    m_activateButton->setObjectName(u"activateProfileButton"_s);
    m_activateButton->setToolTip(tr("Use this profile in the console and in squadctl"));
    connect(m_addButton, &QPushButton::clicked, this, &SettingsDialog::addProfile);
    connect(m_renameButton, &QPushButton::clicked, this, &SettingsDialog::renameProfile);
    connect(m_removeButton, &QPushButton::clicked, this, &SettingsDialog::confirmRemoveProfile);
    connect(m_activateButton, &QPushButton::clicked, this, &SettingsDialog::makeActive);

    auto *buttonGrid = new QGridLayout;
    buttonGrid->addWidget(m_addButton, 0, 0);
    buttonGrid->addWidget(m_renameButton, 0, 1);
    buttonGrid->addWidget(m_removeButton, 1, 0);
    buttonGrid->addWidget(m_activateButton, 1, 1);

    auto *left = new QVBoxLayout;
    left->addWidget(listLabel);
    left->addWidget(m_list, 1);
    left->addLayout(buttonGrid);

    // Right: the selected profile's connection and secrets.
    m_connectionBox = new QGroupBox(page);
    m_connectionBox->setObjectName(u"connectionBox"_s);
    const auto makeEdit = [this](const QString &name, const QString &placeholder) {
        auto *edit = new QLineEdit(m_connectionBox);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validateFields);
        return edit;
    };
    m_fields[DomainField] = {makeEdit(u"e2bDomainField"_s, u"e2b.app"_s), nullptr,
                             tr("The E2B domain: e2b.app, or your self-hosted one."), true};
    m_fields[ApiUrlField]
        = {makeEdit(u"e2bApiUrlField"_s, u"https://api.e2b.app"_s), nullptr,
           tr("Optional: only when the API is not at https://api.<domain>."), true};
    m_fields[TemplateField]
        = {makeEdit(u"defaultTemplateField"_s, u"base"_s), nullptr,
           tr("What a new sandbox starts from unless another template is chosen."), true};
    m_fields[GitHubField]
        = {makeEdit(u"githubApiUrlField"_s, u"https://api.github.com"_s), nullptr,
           tr("Empty for github.com; GitHub Enterprise Server: https://HOST/api/v3."), true};
    // Both empty: the profile uses its GitHub token.
    m_fields[AppClientIdField]
        = {makeEdit(u"githubAppClientIdField"_s, tr("None: use the GitHub token")), nullptr,
           tr("To act as a GitHub App: its client ID (Iv23li…) or numeric app ID."), true};
    m_fields[AppClientIdField].edit->setToolTip(
        tr("The app's client ID from its settings page (Iv23li…) or its numeric app ID. "
           "Leave it and the installation ID empty to use the GitHub token."));
    m_fields[AppInstallationIdField]
        = {makeEdit(u"githubAppInstallationIdField"_s, tr("None")), nullptr,
           tr("The number at the end of the installation's settings URL."), true};
    m_fields[AppInstallationIdField].edit->setToolTip(
        tr("The number at the end of the installation's settings URL "
           "(…/settings/installations/12345678)."));
    m_fields[AuthorNameField]
        = {makeEdit(u"gitAuthorNameField"_s, tr("Squad Bot")), nullptr,
           tr("Who the commits made in sandboxes are by; empty: git's own setting there."), true};
    m_fields[AuthorEmailField]
        = {makeEdit(u"gitAuthorEmailField"_s, u"bot@example.com"_s), nullptr,
           tr("Their e-mail address, as GitHub should see it."), true};
    const CostRates published;
    m_fields[CostVcpuField]
        = {makeEdit(u"costVcpuField"_s, rateText(published.vcpuPerSecond)), nullptr,
           tr("US dollars per vCPU per second, for the cost estimates; empty: E2B's published "
              "rate."), true};
    m_fields[CostGibField]
        = {makeEdit(u"costGibField"_s, rateText(published.gibPerSecond)), nullptr,
           tr("US dollars per GiB of memory per second; empty: E2B's published rate."), true};

    // A grid rather than a form: QFormLayout (6.4) gives a field less height than its wrapped
    // hint needs, and the dialog would clip it.
    auto *form = new QGridLayout(m_connectionBox);
    form->setColumnStretch(1, 1);
    // The labels lead to the fields themselves, not to the boxes that also hold their hints.
    int rows = 0;
    const auto addField = [this, form, &rows](const QString &text, Field &field) {
        auto *label = new QLabel(text, m_connectionBox);
        label->setBuddy(field.edit);
        label->setMinimumHeight(field.edit->sizeHint().height());
        const int row = rows++;
        form->addWidget(label, row, 0, Qt::AlignLeft | Qt::AlignTop);
        form->addWidget(wrapField(field, m_connectionBox), row, 1);
    };
    addField(tr("E2B &domain:"), m_fields[DomainField]);
    addField(tr("E2B API &URL:"), m_fields[ApiUrlField]);
    addField(tr("Default te&mplate:"), m_fields[TemplateField]);
    addField(tr("Git&Hub API URL:"), m_fields[GitHubField]);
    addField(tr("GitHub App &client ID:"), m_fields[AppClientIdField]);
    addField(tr("In&stallation ID:"), m_fields[AppInstallationIdField]);
    addField(tr("Commit &author:"), m_fields[AuthorNameField]);
    addField(tr("Author e-ma&il:"), m_fields[AuthorEmailField]);
    addField(tr("Cost per &vCPU ($/s):"), m_fields[CostVcpuField]);
    addField(tr("Cost per Gi&B ($/s):"), m_fields[CostGibField]);

    auto *right = new QVBoxLayout;
    right->addWidget(m_connectionBox);
    right->addWidget(buildSecretsBox(page));
    right->addStretch();

    m_profileMessage = new QLabel(page);
    m_profileMessage->setObjectName(u"profileMessage"_s);
    m_profileMessage->setWordWrap(true);
    m_profileMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_profileMessage->hide();

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 0);
    columns->addSpacing(charWidth);
    columns->addLayout(right, 1);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(columns, 1);
    layout->addWidget(m_profileMessage);
    return page;
}

QWidget *SettingsDialog::wrapField(Field &field, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    field.hint = new QLabel(box);
    field.hint->setObjectName(field.edit->objectName() + u"Hint"_s);
    field.hint->setWordWrap(true);
    field.hint->setFont(smallFont(field.hint->font()));
    field.edit->setParent(box);
    layout->addWidget(field.edit);
    layout->addWidget(field.hint);
    return box;
}

QWidget *SettingsDialog::buildSecretsBox(QWidget *parent)
{
    m_secretsBox = new QGroupBox(parent);
    m_secretsBox->setObjectName(u"secretsBox"_s);
    // A grid rather than a form: QFormLayout (6.4) gives a field less height than its wrapped
    // notes need.
    auto *grid = new QGridLayout(m_secretsBox);
    grid->setColumnStretch(1, 1);
    // Each row is two or three lines: keep the rows apart.
    grid->setVerticalSpacing(fontMetrics().height() * 2 / 3);
    const int charWidth = fontMetrics().averageCharWidth();

    // Reserved once: the rows' addresses stay valid for the dialog's life.
    m_rows.reserve(std::size(AllSecretKinds));
    for (SecretKind kind : AllSecretKinds) {
        const std::size_t index = m_rows.size();
        SecretRow &row = m_rows.emplace_back();
        row.kind = kind;
        const QString key = kindKey(kind);
        const QString label = secretKindLabel(kind);

        row.label = new QLabel(kindLabelText(kind), m_secretsBox);
        auto *box = new QWidget(m_secretsBox);
        row.source = new QLabel(tr("Source: checking…"), box);
        row.source->setObjectName(key + u"Source"_s);

        row.edit = new QLineEdit(box);
        row.edit->setObjectName(key + u"Edit"_s);
        row.edit->setEchoMode(QLineEdit::Password);
        row.edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData
                                      | Qt::ImhNoPredictiveText | Qt::ImhNoAutoUppercase);
        row.edit->setPlaceholderText(kind == SecretKind::GitHubAppKey
                                         ? tr("Paste the PEM key")
                                         : tr("Paste a new %1").arg(label));
        row.edit->setAccessibleName(label);
        row.edit->setMinimumWidth(charWidth * 30);
        row.edit->installEventFilter(this);
        row.label->setBuddy(row.edit);

        row.show = new QToolButton(box);
        row.show->setObjectName(key + u"ShowButton"_s);
        row.show->setCheckable(true);
        row.show->setText(tr("Show"));
        row.show->setToolTip(
            tr("Show or hide what was typed (a saved %1 is never shown)").arg(label));
        row.show->setAccessibleName(tr("Show the typed %1").arg(label));
        row.show->setFocusPolicy(Qt::StrongFocus);
        connect(row.show, &QToolButton::toggled, this, [this, index](bool shown) {
            SecretRow &r = m_rows[index];
            r.edit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
            r.show->setText(shown ? tr("Hide") : tr("Show"));
        });

        row.save = new QPushButton(tr("Save"), box);
        row.save->setObjectName(key + u"SaveButton"_s);
        row.save->setAutoDefault(false);
        row.save->setAccessibleName(tr("Save the %1").arg(label));
        row.clear = new QPushButton(tr("Clear…"), box);
        row.clear->setObjectName(key + u"ClearButton"_s);
        row.clear->setAutoDefault(false);
        row.clear->setAccessibleName(tr("Clear the %1").arg(label));
        connect(row.save, &QPushButton::clicked, this,
                [this, index] { saveSecret(m_rows[index]); });
        connect(row.clear, &QPushButton::clicked, this,
                [this, index] { confirmClearSecret(m_rows[index]); });
        connect(row.edit, &QLineEdit::textChanged, this,
                [this, index] { onSecretEdited(m_rows[index]); });
        // A PEM key is several lines: loading its file beats pasting it.
        if (kind == SecretKind::GitHubAppKey) {
            row.load = new QPushButton(tr("&Load from File…"), box);
            row.load->setObjectName(key + u"LoadButton"_s);
            row.load->setAutoDefault(false);
            connect(row.load, &QPushButton::clicked, this,
                    [this, index] { loadSecretFile(m_rows[index]); });
        }

        // Only the first has a mnemonic: a shared one would only cycle the focus.
        row.test = new QPushButton(
            kind == SecretKind::E2bApiKey ? tr("&Test Connection") : tr("Test Connection"), box);
        row.test->setObjectName(key + u"TestButton"_s);
        row.test->setAutoDefault(false);
        row.test->setAccessibleName(tr("Test the saved %1").arg(label));
        switch (kind) {
        case SecretKind::E2bApiKey:
            row.test->setToolTip(tr("One authenticated call to E2B with this profile's saved key"));
            connect(row.test, &QPushButton::clicked, this,
                    [this, index] { testE2b(m_rows[index]); });
            break;
        case SecretKind::GitHubToken:
            row.test->setToolTip(tr("Ask GitHub, at the API URL above, whose saved token this is "
                                    "and what it may do"));
            connect(row.test, &QPushButton::clicked, this,
                    [this, index] { testGitHub(m_rows[index]); });
            break;
        case SecretKind::GitHubAppKey:
            row.test->setToolTip(tr("Sign in as the GitHub App above with its saved key and ask "
                                    "what its installation may do"));
            connect(row.test, &QPushButton::clicked, this,
                    [this, index] { testGitHub(m_rows[index]); });
            break;
        }
        row.note = new QLabel(box);
        row.note->setObjectName(key + u"Note"_s);
        row.message = new QLabel(box);
        row.message->setObjectName(key + u"Message"_s);
        for (QLabel *small : {row.note, row.message}) {
            small->setWordWrap(true);
            small->setFont(smallFont(small->font()));
            small->hide();
        }
        QPalette notePalette = row.note->palette();
        notePalette.setColor(QPalette::WindowText, notePalette.color(QPalette::PlaceholderText));
        row.note->setPalette(notePalette);

        // The field first, level with the row's label; where the secret comes from under it.
        auto *editRow = new QHBoxLayout;
        editRow->setContentsMargins(0, 0, 0, 0);
        editRow->addWidget(row.edit, 1);
        editRow->addWidget(row.show);
        editRow->addWidget(row.save);
        editRow->addWidget(row.clear);
        auto *sourceRow = new QHBoxLayout;
        sourceRow->setContentsMargins(0, 0, 0, 0);
        sourceRow->addWidget(row.source, 1);
        if (row.load)
            sourceRow->addWidget(row.load);
        sourceRow->addWidget(row.test);
        auto *column = new QVBoxLayout(box);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        column->addLayout(editRow);
        column->addLayout(sourceRow);
        column->addWidget(row.note);
        column->addWidget(row.message);
        const int gridRow = int(index);
        // Level with the field's first line.
        grid->addWidget(row.label, gridRow, 0, Qt::AlignLeft | Qt::AlignTop);
        row.label->setMinimumHeight(row.edit->sizeHint().height());
        grid->addWidget(box, gridRow, 1);
    }
    return m_secretsBox;
}

QWidget *SettingsDialog::buildGeneralPage()
{
    auto *page = new QWidget(this);
    page->setObjectName(u"generalPage"_s);

    auto *listBox = new QGroupBox(tr("Sandbox list"), page);
    m_refreshCombo = new QComboBox(listBox);
    m_refreshCombo->setObjectName(u"refreshIntervalCombo"_s);
    for (const int ms : RefreshIntervals)
        m_refreshCombo->addItem(intervalText(ms), ms);
    auto *refreshHint = new QLabel(tr("How often the sandbox list is read again while the window "
                                      "is open. F5 reads it at once."),
                                   listBox);
    auto *listForm = new QFormLayout;
    listForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    listForm->addRow(tr("Auto-&refresh:"), m_refreshCombo);
    auto *listLayout = new QVBoxLayout(listBox);
    listLayout->addLayout(listForm);
    listLayout->addWidget(refreshHint);

    auto *cleanupBox = new QGroupBox(tr("Cleanup"), page);
    m_cleanupAge = new QSpinBox(cleanupBox);
    m_cleanupAge->setObjectName(u"cleanupAgeSpin"_s);
    m_cleanupAge->setRange(1, 24 * 30);
    m_cleanupAge->setSuffix(tr(" h"));
    m_cleanupAge->setAccessibleName(tr("Clean up sandboxes older than, in hours"));
    m_cleanupInterval = new QSpinBox(cleanupBox);
    m_cleanupInterval->setObjectName(u"cleanupIntervalSpin"_s);
    m_cleanupInterval->setRange(1, 24 * 7);
    m_cleanupInterval->setSuffix(tr(" h"));
    m_cleanupInterval->setAccessibleName(tr("Run the cleanup every, in hours"));
    auto *cleanupHint = new QLabel(tr("Sandboxes running longer than this are terminated by the "
                                      "cleanup, which runs at this interval."),
                                   cleanupBox);
    auto *cleanupForm = new QFormLayout;
    cleanupForm->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    cleanupForm->addRow(tr("Clean up sandboxes &older than:"), m_cleanupAge);
    cleanupForm->addRow(tr("Run the cleanup &every:"), m_cleanupInterval);
    auto *cleanupLayout = new QVBoxLayout(cleanupBox);
    cleanupLayout->addLayout(cleanupForm);
    cleanupLayout->addWidget(cleanupHint);

    for (QLabel *hint : {refreshHint, cleanupHint}) {
        hint->setWordWrap(true);
        hint->setFont(smallFont(hint->font()));
        QPalette pal = hint->palette();
        pal.setColor(QPalette::WindowText, pal.color(QPalette::PlaceholderText));
        hint->setPalette(pal);
    }

    connect(m_refreshCombo, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateButtons);
    connect(m_cleanupAge, &QSpinBox::valueChanged, this, &SettingsDialog::updateButtons);
    connect(m_cleanupInterval, &QSpinBox::valueChanged, this, &SettingsDialog::updateButtons);
    m_notifications = new NotificationSettingsBox(page);
    connect(m_notifications, &NotificationSettingsBox::edited, this, &SettingsDialog::updateButtons);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(listBox);
    layout->addWidget(cleanupBox);
    layout->addWidget(m_notifications);
    m_poolBox = new WarmPoolSettingsBox(page);
    connect(m_poolBox, &WarmPoolSettingsBox::changed, this, &SettingsDialog::updateButtons);
    layout->addWidget(m_poolBox);
    layout->addStretch();
    return page;
}

// --- pages -------------------------------------------------------------------------------------

void SettingsDialog::selectProfile(const QString &name)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toString() == name) {
            m_tabs->setCurrentIndex(0);
            m_list->setCurrentRow(i);
            return;
        }
    }
}

void SettingsDialog::showGeneralPage()
{
    m_tabs->setCurrentIndex(1);
}

void SettingsDialog::reloadAll()
{
    discardPendingSecrets();
    m_profileMessage->hide();
    // The profile may be the same one, edited elsewhere (squadctl) since: read it again.
    const QString select = m_loaded.isEmpty() ? m_profiles.activeName() : m_loaded;
    m_loaded.clear();
    reloadProfiles(select);
    loadGeneral();
    updateButtons();
}

void SettingsDialog::reloadProfiles(const QString &select)
{
    const QString active = m_profiles.activeName();
    QString current;
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        int row = -1;
        int activeRow = 0;
        const QList<Profile> profiles = m_profiles.list();
        for (const Profile &profile : profiles) {
            const bool isActive = profile.name == active;
            auto *item = new QListWidgetItem(
                isActive ? tr("%1 (active)").arg(profile.name) : profile.name, m_list);
            item->setData(Qt::UserRole, profile.name);
            if (isActive) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setToolTip(tr("The active profile: the console and squadctl use it"));
                activeRow = m_list->count() - 1;
            }
            if (profile.name == select)
                row = m_list->count() - 1;
        }
        m_list->setCurrentRow(row >= 0 ? row : activeRow);
        if (QListWidgetItem *item = m_list->currentItem())
            current = item->data(Qt::UserRole).toString();
    }
    if (current != m_loaded)
        loadProfile(current);
    updateButtons();
}

void SettingsDialog::onCurrentProfileChanged()
{
    const QListWidgetItem *item = m_list->currentItem();
    const QString name = item ? item->data(Qt::UserRole).toString() : QString();
    if (name.isEmpty() || name == m_loaded)
        return;
    // Leaving a profile keeps what was typed for it.
    commitPending();
    loadProfile(name);
}

void SettingsDialog::loadProfile(const QString &name)
{
    m_loaded = name;
    Profile profile;
    profile.name = name;
    if (auto stored = m_profiles.get(name))
        profile = *stored;
    else if (!name.isEmpty())
        showProfileMessage(stored.error().message(), Tone::Error);
    m_loadedProfile = ProfileStore::validate(profile).value_or(profile);

    const auto texts = fieldTexts(profile);
    for (int i = 0; i < FieldCount; ++i) {
        const QSignalBlocker blocker(m_fields[i].edit);
        m_fields[i].edit->setText(texts[i]);
    }
    m_connectionBox->setTitle(tr("Connection of “%1”").arg(name));
    m_secretsBox->setTitle(tr("Secrets of “%1”").arg(name));

    discardPendingSecrets();
    for (SecretRow &row : m_rows) {
        row.known = false;
        row.current = SecretSource::None;
        // A test of the profile left behind answers nowhere.
        row.testRun = 0;
        row.source->setText(tr("Source: checking…"));
        row.source->setPalette(palette());
        row.note->hide();
        setRowMessage(row, {}, Tone::Plain);
    }
    validateFields();
    refreshSecretStatus();
}

std::array<QString, SettingsDialog::FieldCount> SettingsDialog::fieldTexts(const Profile &profile)
{
    // github.com's API URL is shown as the empty field that stands for it.
    return {profile.e2bDomain,
            profile.e2bApiUrl,
            profile.defaultTemplate,
            profile.githubApiUrl == Profile().githubApiUrl ? QString() : profile.githubApiUrl,
            profile.githubAppClientId,
            profile.githubAppInstallationId,
            profile.gitAuthorName,
            profile.gitAuthorEmail,
            // E2B's published rates are shown as the empty fields that stand for them.
            profile.costRates.vcpuPerSecond == CostRates().vcpuPerSecond
                ? QString() : rateText(profile.costRates.vcpuPerSecond),
            profile.costRates.gibPerSecond == CostRates().gibPerSecond
                ? QString() : rateText(profile.costRates.gibPerSecond)};
}

void SettingsDialog::setHint(Field &field, const QString &error)
{
    field.valid = showFieldHint(field.hint, field.edit, field.help, error);
}

void SettingsDialog::validateFields()
{
    // Each field is checked alone against otherwise valid values, so its error goes under it.
    Profile base;
    base.name = u"check"_s;
    const auto check
        = [this, &base](FieldIndex index, QString Profile::*member, const QString &emptyError) {
              const QString text = m_fields[index].edit->text();
              if (text.trimmed().isEmpty() && !emptyError.isEmpty()) {
                  setHint(m_fields[index], emptyError);
                  return;
              }
              Profile candidate = base;
              candidate.*member
                  = text.trimmed().isEmpty() && index == GitHubField ? base.githubApiUrl : text;
              auto valid = ProfileStore::validate(candidate);
              // The message quotes what was typed: a token pasted into a URL stays masked.
              setHint(m_fields[index], valid ? QString() : redactSecrets(valid.error().message()));
          };
    check(DomainField, &Profile::e2bDomain, tr("Required, e.g. e2b.app."));
    check(ApiUrlField, &Profile::e2bApiUrl, {});
    check(TemplateField, &Profile::defaultTemplate, tr("Required, e.g. base."));
    check(GitHubField, &Profile::githubApiUrl, {});

    // The author's name and address go together: each hint says what its own field lacks.
    const QString authorName = m_fields[AuthorNameField].edit->text().trimmed();
    const QString authorEmail = m_fields[AuthorEmailField].edit->text().trimmed();
    const auto authorError = [&base](const QString &name, const QString &email) {
        Profile candidate = base;
        candidate.gitAuthorName = name;
        candidate.gitAuthorEmail = email;
        auto valid = ProfileStore::validate(candidate);
        return valid ? QString() : valid.error().message();
    };
    QString nameError, emailError;
    if (!authorName.isEmpty())
        nameError = authorError(authorName, u"author@example.com"_s);
    else if (!authorEmail.isEmpty())
        nameError = tr("Needed when an e-mail address is given.");
    if (!authorEmail.isEmpty())
        emailError = authorError(u"Author"_s, authorEmail);
    else if (!authorName.isEmpty())
        emailError = tr("Needed when a name is given.");
    setHint(m_fields[AuthorNameField], nameError);
    setHint(m_fields[AuthorEmailField], emailError);

    // So do the App's client ID and installation ID.
    const QString clientId = m_fields[AppClientIdField].edit->text().trimmed();
    const QString installationId = m_fields[AppInstallationIdField].edit->text().trimmed();
    const auto appError = [&base](const QString &client, const QString &installation) {
        Profile candidate = base;
        candidate.githubAppClientId = client;
        candidate.githubAppInstallationId = installation;
        auto valid = ProfileStore::validate(candidate);
        return valid ? QString() : redactSecrets(valid.error().message());
    };
    QString clientError, installationError;
    if (looksLikeToken(clientId)) {
        // The profile is stored in plain text: a token must not land there.
        clientError = tr("This looks like a token, not a client ID: paste tokens into the "
                         "GitHub token field below.");
    } else if (!clientId.isEmpty()) {
        clientError = appError(clientId, u"1"_s);
    } else if (!installationId.isEmpty()) {
        clientError = tr("Needed when an installation ID is given.");
    }
    if (!installationId.isEmpty())
        installationError = appError(u"Iv1.check"_s, installationId);
    else if (!clientId.isEmpty())
        installationError = tr("Needed when a client ID is given.");
    setHint(m_fields[AppClientIdField], clientError);
    setHint(m_fields[AppInstallationIdField], installationError);

    for (const FieldIndex index : {CostVcpuField, CostGibField}) {
        const QString text = m_fields[index].edit->text().trimmed();
        QString error;
        if (!text.isEmpty() && !parseRate(text))
            error = tr("Not a rate: give dollars per second as a number, 0 or more (e.g. %1), "
                       "or leave it empty for E2B's published rate.")
                        .arg(m_fields[index].edit->placeholderText());
        setHint(m_fields[index], error);
    }

    const QString domain = m_fields[DomainField].edit->text().trimmed();
    m_fields[ApiUrlField].edit->setPlaceholderText(u"https://api."_s
                                                   + (domain.isEmpty() ? tr("<domain>") : domain));
    updateButtons();
}

bool SettingsDialog::hasInvalidFields() const
{
    for (const Field &field : m_fields) {
        if (!field.valid)
            return true;
    }
    return false;
}

Profile SettingsDialog::profileFromFields() const
{
    Profile profile;
    profile.name = m_loaded;
    profile.e2bDomain = m_fields[DomainField].edit->text();
    profile.e2bApiUrl = m_fields[ApiUrlField].edit->text();
    profile.defaultTemplate = m_fields[TemplateField].edit->text();
    const QString github = m_fields[GitHubField].edit->text();
    if (!github.trimmed().isEmpty())
        profile.githubApiUrl = github;
    profile.githubAppClientId = m_fields[AppClientIdField].edit->text();
    profile.githubAppInstallationId = m_fields[AppInstallationIdField].edit->text();
    profile.gitAuthorName = m_fields[AuthorNameField].edit->text();
    profile.gitAuthorEmail = m_fields[AuthorEmailField].edit->text();
    // Not a rate: NaN, which ProfileStore refuses as well.
    const auto rate = [this](FieldIndex index, double published) {
        const QString text = m_fields[index].edit->text().trimmed();
        return text.isEmpty() ? published
                              : parseRate(text).value_or(std::numeric_limits<double>::quiet_NaN());
    };
    profile.costRates.vcpuPerSecond = rate(CostVcpuField, CostRates().vcpuPerSecond);
    profile.costRates.gibPerSecond = rate(CostGibField, CostRates().gibPerSecond);
    return profile;
}

bool SettingsDialog::profileDirty() const
{
    if (m_loaded.isEmpty())
        return false;
    auto valid = ProfileStore::validate(profileFromFields());
    return !valid || *valid != m_loadedProfile;
}

bool SettingsDialog::applyProfileFields()
{
    auto updated = m_profiles.update(profileFromFields());
    if (!updated) {
        showProfileMessage(tr("The connection of “%1” was not saved: %2")
                               .arg(m_loaded, redactSecrets(updated.error().message())),
                           Tone::Error);
        return false;
    }
    // Show the values as stored (trimmed, without a trailing slash).
    if (auto stored = m_profiles.get(m_loaded)) {
        m_loadedProfile = *stored;
        const auto texts = fieldTexts(*stored);
        for (int i = 0; i < FieldCount; ++i) {
            if (m_fields[i].edit->text() != texts[i]) {
                const QSignalBlocker blocker(m_fields[i].edit);
                m_fields[i].edit->setText(texts[i]);
            }
        }
        validateFields();
    }
    showProfileMessage(tr("Saved the connection of “%1”.").arg(m_loaded), Tone::Plain);
    Q_EMIT profileUpdated(m_loaded);
    return true;
}

void SettingsDialog::commitPending()
{
    if (m_loaded.isEmpty())
        return;
    if (profileDirty() && !hasInvalidFields())
        (void)applyProfileFields();
    for (SecretRow &row : m_rows) {
        const SecretRef ref{m_loaded, row.kind};
        const QString value = row.edit->text();
        if (!value.isEmpty() && !isBusy(ref) && row.refusal.isEmpty())
            startSave(ref, value);
    }
}

void SettingsDialog::discardPendingSecrets()
{
    for (SecretRow &row : m_rows) {
        const QSignalBlocker blocker(row.edit);
        // setText, not clear(): clear() keeps the text in the undo history.
        row.edit->setText(QString());
        row.refusal.clear();
        row.show->setChecked(false);
    }
}

// --- profile actions ---------------------------------------------------------------------------

void SettingsDialog::askProfileName(const QString &title, const QString &label,
                                    const QString &initial,
                                    std::function<void(const QString &)> done)
{
    auto *input = new QInputDialog(this);
    input->setObjectName(u"profileNameDialog"_s);
    input->setAttribute(Qt::WA_DeleteOnClose);
    input->setWindowTitle(title);
    input->setInputMode(QInputDialog::TextInput);
    input->setLabelText(label);
    input->setTextValue(initial);
    // Only the characters a profile name may hold can be typed.
    if (auto *edit = input->findChild<QLineEdit *>()) {
        edit->setValidator(
            new QRegularExpressionValidator(QRegularExpression(u"[A-Za-z0-9._-]{0,64}"_s), edit));
    }
    connect(input, &QInputDialog::textValueSelected, this,
            [done = std::move(done)](const QString &text) { done(text.trimmed()); });
    input->open();
}

void SettingsDialog::addProfile()
{
    commitPending();
    askProfileName(
        tr("Add Profile"), tr("Name of the new profile (letters, digits, '.', '_' or '-'):"),
        QString(), [this](const QString &name) {
            Profile profile;
            profile.name = name;
            auto added = m_profiles.add(profile);
            if (!added) {
                showProfileMessage(added.error().message(), Tone::Error);
                return;
            }
            reloadProfiles(name);
            showProfileMessage(
                tr("Added “%1”. Fill in its connection and paste its secrets.").arg(name),
                Tone::Plain);
            Q_EMIT profilesChanged();
            m_fields[DomainField].edit->setFocus();
        });
}

void SettingsDialog::renameProfile()
{
    const QString from = m_loaded;
    if (from.isEmpty() || from == QLatin1String(ProfileStore::DefaultProfile))
        return;
    commitPending();
    askProfileName(tr("Rename Profile"), tr("New name for “%1”:").arg(from), from,
                   [this, from](const QString &to) {
                       if (to == from || !m_profiles.get(from))
                           return;
                       if (m_pendingSaves > 0) {
                           showProfileMessage(tr("Secrets are still being saved; rename “%1” "
                                                 "again in a moment.")
                                                  .arg(from),
                                              Tone::Error);
                           return;
                       }
                       const bool wasActive = m_profiles.activeName() == from;
                       auto renamed = m_profiles.rename(from, to);
                       if (!renamed) {
                           showProfileMessage(renamed.error().message(), Tone::Error);
                           return;
                       }
                       reloadProfiles(to);
                       moveSecrets(from, to);
                       Q_EMIT profilesChanged();
                       if (wasActive)
                           Q_EMIT activeProfileChanged(to);
                   });
}

// Secrets are filed under the profile's name: a renamed profile takes them along, and none are
// left behind under the old name (a profile added later under it would inherit them). The
// keychain steps continue on the vault, so closing the dialog does not stop a move half-way;
// only the report needs the dialog.
void SettingsDialog::moveSecrets(const QString &from, const QString &to)
{
    struct Move
    {
        int remaining = 0;
        QStringList problems;
    };
    auto move = std::make_shared<Move>();
    move->remaining = int(std::size(AllSecretKinds));
    ++m_profileOps;
    for (SecretKind kind : AllSecretKinds)
        m_busy.insert(SecretRef{to, kind}.key());
    updateButtons();

    const auto finishOne = [dialog = QPointer<SettingsDialog>(this), move, from,
                            to](SecretKind kind) {
        if (!dialog)
            return;
        dialog->m_busy.remove(SecretRef{to, kind}.key());
        if (--move->remaining > 0)
            return;
        --dialog->m_profileOps;
        if (move->problems.isEmpty()) {
            dialog->showProfileMessage(
                tr("Renamed “%1” to “%2”; its secrets went with it.").arg(from, to), Tone::Plain);
        } else {
            dialog->showProfileMessage(
                tr("Renamed “%1” to “%2”, but: %3").arg(from, to, move->problems.join(u"; "_s)),
                Tone::Error);
        }
        Q_EMIT dialog->secretsChanged(to);
        if (dialog->m_loaded == to)
            dialog->refreshSecretStatus();
        dialog->updateButtons();
    };

    SecretVault *vault = m_vault;
    for (SecretKind kind : AllSecretKinds) {
        const SecretRef oldRef{from, kind};
        const SecretRef newRef{to, kind};
        const QString label = secretKindLabel(kind);
        const auto removeOld = [vault, move, oldRef, label, finishOne] {
            vault->clear(oldRef).then(
                vault, [move, oldRef, label, finishOne](const Result<void> &cleared) {
                    if (!cleared) {
                        move->problems << tr("the old copy of the %1 could not be deleted: %2")
                                              .arg(label, cleared.error().message());
                    }
                    finishOne(oldRef.kind);
                });
        };
        vault->resolve(oldRef).then(
            vault, [vault, move, oldRef, newRef, label, finishOne,
                    removeOld](const Result<ResolvedSecret> &found) {
                if (!found) {
                    move->problems
                        << tr("the %1 could not be read: %2").arg(label, found.error().message());
                    finishOne(oldRef.kind);
                    return;
                }
                switch (found->source) {
                case SecretSource::None:
                    finishOne(oldRef.kind);
                    return;
                case SecretSource::Environment:
                    // The variable hides what the keychain holds: it cannot be read to be moved.
                    move->problems
                        << tr("the saved %1 was not carried over because %2 overrides "
                              "it here; save it again")
                               .arg(label,
                                    QLatin1String(SecretVault::environmentVariable(oldRef.kind)));
                    removeOld();
                    return;
                case SecretSource::Keychain:
                case SecretSource::Memory:
                    break;
                }
                vault->save(newRef, found->value)
                    .then(vault, [move, label, finishOne, oldRef,
                                  removeOld](const Result<SecretSource> &saved) {
                        if (!saved) {
                            // The old copy stays: the secret is not lost.
                            move->problems << tr("the %1 could not be moved: %2")
                                                  .arg(label, saved.error().message());
                            finishOne(oldRef.kind);
                            return;
                        }
                        removeOld();
                    });
            });
    }
}

void SettingsDialog::confirmRemoveProfile()
{
    const QString name = m_loaded;
    if (name.isEmpty() || name == QLatin1String(ProfileStore::DefaultProfile))
        return;
    auto *box
        = new QMessageBox(QMessageBox::Warning, tr("Remove Profile"),
                          tr("Remove the profile “%1”?").arg(name), QMessageBox::Cancel, this);
    box->setObjectName(u"confirmRemoveDialog"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Its E2B API key, GitHub token and GitHub App private key are "
                               "deleted from the keychain. This cannot be undone."));
    QPushButton *remove = box->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    remove->setObjectName(u"confirmRemoveButton"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, remove, name] {
        if (box->clickedButton() == remove)
            removeProfile(name);
    });
    box->open();
}

void SettingsDialog::removeProfile(const QString &name)
{
    if (!m_profiles.get(name))
        return;
    const bool wasActive = m_profiles.activeName() == name;
    if (name == m_loaded)
        discardPendingSecrets();
    ++m_profileOps;
    updateButtons();
    showProfileMessage(tr("Removing “%1” and its secrets…").arg(name), Tone::Plain);
    // Secrets first: a profile whose secrets could not be deleted stays, so they can be. The
    // removal completes on the vault even if the dialog is closed meanwhile.
    QSettings *settings = m_settings;
    m_vault->clearProfile(name).then(m_vault, [dialog = QPointer<SettingsDialog>(this), settings,
                                               name, wasActive](const Result<void> &cleared) {
        Result<void> removed = cleared;
        if (cleared) {
            ProfileStore profiles(*settings);
            removed = profiles.remove(name);
        }
        if (!dialog)
            return;
        --dialog->m_profileOps;
        if (!cleared) {
            dialog->showProfileMessage(
                tr("“%1” was not removed: its secrets could not be deleted: %2")
                    .arg(name, cleared.error().message()),
                Tone::Error);
        } else if (!removed) {
            dialog->showProfileMessage(removed.error().message(), Tone::Error);
        } else {
            dialog->reloadProfiles(dialog->m_loaded == name ? dialog->m_profiles.activeName()
                                                            : dialog->m_loaded);
            dialog->showProfileMessage(tr("Removed “%1” and its secrets.").arg(name), Tone::Plain);
            Q_EMIT dialog->profilesChanged();
            if (wasActive)
                Q_EMIT dialog->activeProfileChanged(dialog->m_profiles.activeName());
            dialog->m_list->setFocus();
        }
        dialog->updateButtons();
    });
}

void SettingsDialog::makeActive()
{
    const QString name = m_loaded;
    if (name.isEmpty() || name == m_profiles.activeName())
        return;
    auto made = m_profiles.setActive(name);
    if (!made) {
        showProfileMessage(made.error().message(), Tone::Error);
        return;
    }
    reloadProfiles(name);
    showProfileMessage(tr("“%1” is now the active profile.").arg(name), Tone::Plain);
    Q_EMIT activeProfileChanged(name);
}

// --- secrets -----------------------------------------------------------------------------------

void SettingsDialog::refreshSecretStatus()
{
    const QString profile = m_loaded;
    if (profile.isEmpty())
        return;
    const int generation = ++m_statusGeneration;
    after(m_vault->status(profile),
          [this, profile, generation](const Result<QMap<SecretKind, SecretSource>> &status) {
              // A newer request, or another profile, has taken over.
              if (generation != m_statusGeneration || profile != m_loaded)
                  return;
              if (!status) {
                  for (SecretRow &row : m_rows) {
                      row.known = false;
                      row.source->setText(tr("Source: unknown"));
                  }
                  showProfileMessage(tr("Could not tell where the secrets of “%1” come from: %2")
                                         .arg(profile, status.error().message()),
                                     Tone::Error);
                  updateButtons();
                  return;
              }
              for (SecretRow &row : m_rows)
                  setSource(row, status->value(row.kind, SecretSource::None));
              updateButtons();
          });
}

void SettingsDialog::setSource(SecretRow &row, SecretSource source)
{
    row.current = source;
    row.known = true;
    row.source->setText(tr("Source: %1").arg(secretSourceName(source)));
    QPalette pal = palette();
    if (source == SecretSource::Memory)
        pal.setColor(QPalette::WindowText, warningColour(pal));
    row.source->setPalette(pal);
    if (source == SecretSource::Environment) {
        row.note->setText(tr("The environment variable %1 overrides what is saved here.")
                              .arg(QLatin1String(SecretVault::environmentVariable(row.kind))));
        row.note->show();
    } else {
        row.note->hide();
    }
}

void SettingsDialog::onSecretEdited(SecretRow &row)
{
    const QString value = row.edit->text();
    row.refusal.clear();
    // An App key that cannot sign would only fail later, at the first pull request.
    if (row.kind == SecretKind::GitHubAppKey && !value.isEmpty()) {
        if (auto usable = validateGitHubAppKey(value.toUtf8()); !usable)
            row.refusal = usable.error().message();
    }
    if (value.isEmpty()) {
        setRowMessage(row, {}, Tone::Plain);
    } else if (!row.refusal.isEmpty()) {
        setRowMessage(row, tr("%1 It cannot be saved.").arg(row.refusal), Tone::Error);
    } else if (const QString warning = secretFormatWarning(row.kind, value); !warning.isEmpty()) {
        setRowMessage(row, tr("%1. It can still be saved.").arg(warning), Tone::Warning);
    } else {
        setRowMessage(row, tr("Not saved yet: press Save, Apply or OK."), Tone::Plain);
    }
    updateButtons();
}

bool SettingsDialog::hasRefusedSecret() const
{
    return std::any_of(m_rows.begin(), m_rows.end(), [](const SecretRow &row) {
        return !row.refusal.isEmpty() && !row.edit->text().isEmpty();
    });
}

void SettingsDialog::finishTest(const SecretRef &ref, int run, const QString &text, Tone tone)
{
    SecretRow *row = rowFor(ref);
    if (!row || row->testRun != run)
        return;
    row->testRun = 0;
    setRowMessage(*row, text, tone);
    updateButtons();
}

void SettingsDialog::testE2b(SecretRow &row)
{
    const SecretRef ref{m_loaded, row.kind};
    if (ref.profile.isEmpty() || row.testRun != 0)
        return;
    // The profile's location as the fields show it now, saved or not; E2B_* still win.
    const E2bLocation location{m_fields[DomainField].edit->text(), m_fields[ApiUrlField].edit->text(), {}};
    const auto endpoint = E2bEndpoint::resolve(location);
    if (!endpoint) {
        setRowMessage(row, endpoint.error().message(), Tone::Error);
        return;
    }
    const int run = row.testRun = ++m_testRuns;
    setRowMessage(row, tr("Testing the connection to %1…").arg(endpoint->apiUrl().toDisplayString()),
                  Tone::Plain);
    updateButtons();
    after(m_vault->resolve(ref), [this, ref, run,
                                  endpoint = *endpoint](const Result<ResolvedSecret> &key) {
        if (!key || key->value.isEmpty()) {
            finishTest(ref, run,
                       key ? tr("There is no saved E2B API key to test.") : key.error().message(),
                       Tone::Error);
            return;
        }
        if (const SecretRow *target = rowFor(ref); !target || target->testRun != run)
            return;
        auto *api = new E2bApi(endpoint, key->value, this);
        after(api->checkHealth(), [this, api, ref, run](const Result<void> &checked) {
            api->deleteLater();
            finishTest(ref, run, checked ? tr("E2B accepted the key.") : checked.error().message(),
                       checked ? Tone::Plain : Tone::Error);
        });
    });
}

void SettingsDialog::testGitHub(SecretRow &row)
{
    const SecretRef ref{m_loaded, row.kind};
    if (ref.profile.isEmpty() || row.testRun != 0)
        return;
    // As squadctl and the workflow will see it (resolveGitHubAccess), but with the fields as
    // they are now, saved or not: GITHUB_API_URL wins over the profile's URL.
    QString apiUrl = qEnvironmentVariable("GITHUB_API_URL").trimmed();
    if (apiUrl.isEmpty()) {
        if (!m_fields[GitHubField].valid) {
            setRowMessage(row, tr("Correct the GitHub API URL above first."), Tone::Error);
            return;
        }
        apiUrl = m_fields[GitHubField].edit->text().trimmed();
        if (apiUrl.isEmpty())
            apiUrl = Profile().githubApiUrl;
    }
    const QString clientId = m_fields[AppClientIdField].edit->text().trimmed();
    const QString installationId = m_fields[AppInstallationIdField].edit->text().trimmed();
    const bool appFilledIn = !clientId.isEmpty() && !installationId.isEmpty()
                             && m_fields[AppClientIdField].valid
                             && m_fields[AppInstallationIdField].valid;
    std::optional<GitHubAppCredentials> app;
    if (row.kind == SecretKind::GitHubAppKey) {
        if (!appFilledIn) {
            setRowMessage(row,
                          clientId.isEmpty() && installationId.isEmpty()
                              ? tr("Fill in the GitHub App client ID and installation ID above "
                                   "first.")
                              : tr("Correct the GitHub App client ID and installation ID above "
                                   "first."),
                          Tone::Error);
            return;
        }
        app = GitHubAppCredentials{clientId, installationId, {}};
    }

    const int run = row.testRun = ++m_testRuns;
    setRowMessage(row,
                  app ? tr("Signing in as the GitHub App at %1…").arg(redactUrl(apiUrl))
                      : tr("Testing the connection to %1…").arg(redactUrl(apiUrl)),
                  Tone::Plain);
    updateButtons();
    after(m_vault->resolve(ref), [this, ref, run, apiUrl, app,
                                  appFilledIn](const Result<ResolvedSecret> &secret) mutable {
        if (!secret) {
            finishTest(ref, run, secret.error().message(), Tone::Error);
            return;
        }
        if (secret->value.isEmpty()) {
            finishTest(ref, run,
                       app ? tr("There is no saved GitHub App private key to test.")
                           : tr("There is no saved GitHub token to test."),
                       Tone::Error);
            return;
        }
        if (const SecretRow *target = rowFor(ref); !target || target->testRun != run)
            return;
        GitHubAuth auth;
        if (app) {
            app->privateKeyPem = secret->value.toUtf8();
            auth.app = std::move(app);
        } else {
            auth.token = secret->value;
        }
        // GITHUB_TOKEN is used before the App; a saved token is not, while the App is set.
        const bool tokenUnused
            = !auth.app && appFilledIn && secret->source != SecretSource::Environment;
        auto *api = new GitHubApi(apiUrl, std::move(auth), this);
        // An answer now or a reason: no waiting out rate limits or retrying for minutes.
        GitHubApi::Options options;
        options.requestTimeoutMs = 15'000;
        options.maxAttempts = 2;
        options.maxRateLimitWaitMs = 0;
        api->setOptions(options);
        after(api->identity(), [this, api, ref, run,
                                tokenUnused](const Result<GitHubIdentity> &identity) {
            api->deleteLater();
            if (!identity) {
                finishTest(ref, run, redactSecrets(identity.error().message()), Tone::Error);
                return;
            }
            QString text = describeIdentity(*identity);
            if (tokenUnused) {
                text += u' '
                        + tr("It is not used while the GitHub App client ID and installation ID "
                             "are filled in.");
            }
            finishTest(ref, run, text, tokenUnused ? Tone::Warning : Tone::Plain);
        });
    });
}

void SettingsDialog::saveSecret(SecretRow &row)
{
    const QString value = row.edit->text();
    const SecretRef ref{m_loaded, row.kind};
    if (value.isEmpty() || ref.profile.isEmpty() || isBusy(ref))
        return;
    if (!row.refusal.isEmpty()) {
        setRowMessage(row, tr("%1 It cannot be saved.").arg(row.refusal), Tone::Error);
        return;
    }
    startSave(ref, value);
}

void SettingsDialog::startSave(const SecretRef &ref, const QString &value)
{
    m_busy.insert(ref.key());
    ++m_pendingSaves;
    if (SecretRow *row = rowFor(ref))
        setRowMessage(*row, tr("Saving…"), Tone::Plain);
    updateButtons();
    after(m_vault->save(ref, value), [this, ref, value](const Result<SecretSource> &saved) {
        m_busy.remove(ref.key());
        --m_pendingSaves;
        SecretRow *row = rowFor(ref);
        if (saved) {
            if (row) {
                // What is saved is never shown again, not even by Undo: setText, not clear(),
                // empties the undo history too.
                if (row->edit->text() == value) {
                    const QSignalBlocker blocker(row->edit);
                    row->edit->setText(QString());
                }
                row->show->setChecked(false);
                setSource(*row, *saved);
                setRowMessage(*row,
                              *saved == SecretSource::Memory
                                  ? tr("Kept in memory for this run only: there is no keychain.")
                                  : tr("Saved to the keychain."),
                              *saved == SecretSource::Memory ? Tone::Warning : Tone::Plain);
                // The environment may still override it: ask where it comes from now.
                refreshSecretStatus();
            }
            Q_EMIT secretsChanged(ref.profile);
        } else {
            m_closeWhenIdle = false;
            const QString message = tr("The %1 was not saved: %2")
                                        .arg(secretKindLabel(ref.kind), saved.error().message());
            if (row)
                setRowMessage(*row, message, Tone::Error);
            else
                showProfileMessage(tr("“%1”: %2").arg(ref.profile, message), Tone::Error);
        }
        updateButtons();
        finishCloseWhenIdle();
    });
}

void SettingsDialog::confirmClearSecret(SecretRow &row)
{
    const SecretRef ref{m_loaded, row.kind};
    if (ref.profile.isEmpty() || isBusy(ref))
        return;
    const QString label = secretKindLabel(row.kind);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Clear Secret"),
                                tr("Delete the %1 of “%2”?").arg(label, ref.profile),
                                QMessageBox::Cancel, this);
    box->setObjectName(u"confirmClearDialog"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("It is removed from the keychain; to use it again, paste it "
                               "again."));
    QPushButton *clear = box->addButton(tr("&Delete"), QMessageBox::DestructiveRole);
    clear->setObjectName(u"confirmClearButton"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, clear, ref] {
        if (box->clickedButton() == clear)
            clearSecret(ref);
    });
    box->open();
}

void SettingsDialog::clearSecret(const SecretRef &ref)
{
    if (isBusy(ref))
        return;
    m_busy.insert(ref.key());
    if (SecretRow *row = rowFor(ref))
        setRowMessage(*row, tr("Deleting…"), Tone::Plain);
    updateButtons();
    after(m_vault->clear(ref), [this, ref](const Result<void> &cleared) {
        m_busy.remove(ref.key());
        SecretRow *row = rowFor(ref);
        if (cleared) {
            if (row)
                setRowMessage(*row, tr("Deleted."), Tone::Plain);
            Q_EMIT secretsChanged(ref.profile);
        } else if (row) {
            setRowMessage(*row,
                          tr("The %1 was not deleted: %2")
                              .arg(secretKindLabel(ref.kind), cleared.error().message()),
                          Tone::Error);
        }
        if (row)
            refreshSecretStatus();
        updateButtons();
    });
}

void SettingsDialog::loadSecretFile(SecretRow &row)
{
    const SecretRef ref{m_loaded, row.kind};
    auto *files = new QFileDialog(this, tr("Load the %1").arg(secretKindLabel(row.kind)), QString(),
                                  tr("PEM files (*.pem);;All files (*)"));
    files->setObjectName(u"secretFileDialog"_s);
    files->setAttribute(Qt::WA_DeleteOnClose);
    files->setFileMode(QFileDialog::ExistingFile);
    files->setAcceptMode(QFileDialog::AcceptOpen);
    connect(files, &QFileDialog::fileSelected, this, [this, ref](const QString &path) {
        SecretRow *target = rowFor(ref);
        if (!target || isBusy(ref))
            return;
        QFile file(path);
        const QString shownPath = QDir::toNativeSeparators(path);
        if (file.size() > MaxKeyFileBytes) {
            setRowMessage(*target, tr("%1 is too large to be a private key.").arg(shownPath),
                          Tone::Error);
            return;
        }
        if (!file.open(QIODevice::ReadOnly)) {
            setRowMessage(*target, tr("Could not read %1: %2").arg(shownPath, file.errorString()),
                          Tone::Error);
            return;
        }
        QByteArray pem = file.read(MaxKeyFileBytes);
        if (auto usable = validateGitHubAppKey(pem); !usable) {
            // Not even into the field: a key that cannot sign is not saved.
            pem.fill('\0');
            setRowMessage(*target,
                          tr("%1 was not loaded: %2").arg(shownPath, usable.error().message()),
                          Tone::Error);
            return;
        }
        // Straight into the masked field: the key is not shown, logged or kept anywhere else.
        target->edit->setText(QString::fromUtf8(pem));
        pem.fill('\0');
        if (secretFormatWarning(target->kind, target->edit->text()).isEmpty()) {
            setRowMessage(*target,
                          tr("Loaded %1; not saved yet: press Save, Apply or OK.")
                              .arg(QFileInfo(path).fileName()),
                          Tone::Plain);
        }
        target->save->setFocus();
    });
    files->open();
}

SettingsDialog::SecretRow *SettingsDialog::rowFor(const SecretRef &ref)
{
    if (ref.profile != m_loaded)
        return nullptr;
    for (SecretRow &row : m_rows) {
        if (row.kind == ref.kind)
            return &row;
    }
    return nullptr;
}

void SettingsDialog::setRowMessage(SecretRow &row, const QString &text, Tone tone)
{
    row.message->setText(text);
    row.message->setVisible(!text.isEmpty());
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, tone == Tone::Error ? errorColour(pal)
                                       : tone == Tone::Warning
                                           ? warningColour(pal)
                                           : pal.color(QPalette::PlaceholderText));
    row.message->setPalette(pal);
    row.edit->setAccessibleDescription(text);
}

void SettingsDialog::showProfileMessage(const QString &text, Tone tone)
{
    m_profileMessage->setText(text);
    m_profileMessage->setVisible(!text.isEmpty());
    QPalette pal = palette();
    if (tone == Tone::Error)
        pal.setColor(QPalette::WindowText, errorColour(pal));
    else if (tone == Tone::Warning)
        pal.setColor(QPalette::WindowText, warningColour(pal));
    m_profileMessage->setPalette(pal);
}

void SettingsDialog::showKeychainProblem(const QString &message)
{
    if (m_bannerIcon->pixmap().isNull()) {
        const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
        m_bannerIcon->setPixmap(style()
                                    ->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this)
                                    .pixmap(iconSize, iconSize));
    }
    m_bannerText->setText(tr("<b>No keychain: secrets you save are kept in memory for this run "
                             "only</b> and are never written to disk.<br>%1")
                              .arg(message.toHtmlEscaped()));
    m_banner->show();
}

// --- general -----------------------------------------------------------------------------------

void SettingsDialog::loadGeneral()
{
    m_loadedRefreshMs = m_settings->value(RefreshIntervalKey, DefaultRefreshIntervalMs).toInt();
    if (m_loadedRefreshMs < 0)
        m_loadedRefreshMs = DefaultRefreshIntervalMs;
    m_loadedCleanupAge
        = std::clamp(m_settings->value(CleanupAgeKey, DefaultCleanupAgeHours).toInt(),
                     m_cleanupAge->minimum(), m_cleanupAge->maximum());
    m_loadedCleanupInterval
        = std::clamp(m_settings->value(CleanupIntervalKey, DefaultCleanupIntervalHours).toInt(),
                     m_cleanupInterval->minimum(), m_cleanupInterval->maximum());

    const QSignalBlocker comboBlocker(m_refreshCombo);
    const QSignalBlocker ageBlocker(m_cleanupAge);
    const QSignalBlocker intervalBlocker(m_cleanupInterval);
    int index = m_refreshCombo->findData(m_loadedRefreshMs);
    if (index < 0) {
        // A value set elsewhere (by hand in the file) is kept, not rounded.
        m_refreshCombo->addItem(intervalText(m_loadedRefreshMs), m_loadedRefreshMs);
        index = m_refreshCombo->count() - 1;
    }
    m_refreshCombo->setCurrentIndex(index);
    m_cleanupAge->setValue(m_loadedCleanupAge);
    m_cleanupInterval->setValue(m_loadedCleanupInterval);
    m_notifications->load(*m_settings);
    m_poolBox->load(*m_settings);
}

bool SettingsDialog::generalDirty() const
{
    return m_refreshCombo->currentData().toInt() != m_loadedRefreshMs
           || m_cleanupAge->value() != m_loadedCleanupAge
           || m_cleanupInterval->value() != m_loadedCleanupInterval
           || m_notifications->isDirty() || m_poolBox->dirty();
}

void SettingsDialog::applyGeneral()
{
    const int ms = m_refreshCombo->currentData().toInt();
    const int age = m_cleanupAge->value();
    const int interval = m_cleanupInterval->value();
    const bool refreshChanged = ms != m_loadedRefreshMs;
    const bool cleanupChanged = age != m_loadedCleanupAge || interval != m_loadedCleanupInterval;
    if (refreshChanged)
        m_settings->setValue(RefreshIntervalKey, ms);
    if (cleanupChanged) {
        m_settings->setValue(CleanupAgeKey, age);
        m_settings->setValue(CleanupIntervalKey, interval);
    }
    const bool notificationsChanged = m_notifications->save(*m_settings);
    if (m_poolBox->dirty())
        m_poolBox->save(*m_settings);
    m_settings->sync();
    m_loadedRefreshMs = ms;
    m_loadedCleanupAge = age;
    m_loadedCleanupInterval = interval;
    if (refreshChanged)
        Q_EMIT refreshIntervalChanged(ms);
    if (cleanupChanged)
        Q_EMIT cleanupSettingsChanged(age, interval);
    if (notificationsChanged)
        Q_EMIT notificationSettingsChanged();
}

// --- the dialog as a whole ---------------------------------------------------------------------

void SettingsDialog::apply()
{
    if (profileDirty() && !hasInvalidFields())
        (void)applyProfileFields();
    for (SecretRow &row : m_rows)
        saveSecret(row);
    if (generalDirty())
        applyGeneral();
    updateButtons();
}

void SettingsDialog::accept()
{
    if (m_closeWhenIdle)
        return;
    if (hasInvalidFields() || hasRefusedSecret()) {
        m_tabs->setCurrentIndex(0);
        QWidget *first = nullptr;
        for (const Field &field : m_fields) {
            if (!field.valid && !first)
                first = field.edit;
        }
        for (const SecretRow &row : m_rows) {
            if (!row.refusal.isEmpty() && !row.edit->text().isEmpty() && !first)
                first = row.edit;
        }
        if (first)
            first->setFocus();
        return;
    }
    if (profileDirty() && !applyProfileFields())
        return;
    for (SecretRow &row : m_rows)
        saveSecret(row);
    if (generalDirty())
        applyGeneral();
    // Close once the pasted secrets are saved (at once when there were none).
    m_closeWhenIdle = true;
    updateButtons();
    finishCloseWhenIdle();
}

void SettingsDialog::reject()
{
    m_closeWhenIdle = false;
    QDialog::reject();
}

void SettingsDialog::finishCloseWhenIdle()
{
    if (!m_closeWhenIdle || m_pendingSaves > 0)
        return;
    m_closeWhenIdle = false;
    QDialog::accept();
}

void SettingsDialog::updateButtons()
{
    if (!m_okButton)
        return; // still being built
    // A key that cannot be saved holds the profile like a field that cannot.
    const bool valid = !hasInvalidFields() && !hasRefusedSecret();
    const bool idle = m_profileOps == 0;
    const bool isDefault = m_loaded == QLatin1String(ProfileStore::DefaultProfile);
    m_list->setEnabled(valid && idle);
    m_addButton->setEnabled(valid && idle);
    m_renameButton->setEnabled(valid && idle && !isDefault && m_pendingSaves == 0);
    m_removeButton->setEnabled(idle && !isDefault && !m_loaded.isEmpty());
    m_activateButton->setEnabled(valid && idle && !m_loaded.isEmpty()
                                 && m_loaded != m_profiles.activeName());
    m_connectionBox->setEnabled(idle);
    m_secretsBox->setEnabled(idle);

    bool pendingSecret = false;
    for (SecretRow &row : m_rows) {
        const bool busy = isBusy({m_loaded, row.kind});
        const bool typed = !row.edit->text().isEmpty();
        row.edit->setReadOnly(busy);
        row.save->setEnabled(!busy && typed && row.refusal.isEmpty());
        row.clear->setEnabled(!busy && row.known && row.current != SecretSource::None);
        row.test->setEnabled(!busy && row.testRun == 0 && !m_loaded.isEmpty());
        if (row.load)
            row.load->setEnabled(!busy);
        pendingSecret = pendingSecret || (typed && !busy);
    }
    m_okButton->setEnabled(valid && !m_closeWhenIdle);
    m_applyButton->setEnabled(valid && !m_closeWhenIdle
                              && (profileDirty() || pendingSecret || generalDirty()));
}

void SettingsDialog::growToFit()
{
    // Wrapped hints and messages need more height than the layout's minimum size says (it
    // ignores height-for-width): grow rather than clip them.
    if (!isVisible() || !layout())
        return;
    const int needed = layout()->totalHeightForWidth(width());
    if (needed > height())
        resize(width(), needed);
}

bool SettingsDialog::event(QEvent *event)
{
    const bool handled = QDialog::event(event);
    // The dialog's own layout request comes last, once the boxes inside have settled.
    if (event->type() == QEvent::LayoutRequest)
        growToFit();
    return handled;
}

void SettingsDialog::showEvent(QShowEvent *event)
{
    if (m_reloadOnShow) {
        m_reloadOnShow = false;
        reloadAll();
    }
    QDialog::showEvent(event);
}

void SettingsDialog::hideEvent(QHideEvent *event)
{
    // Shown again, the dialog starts from what is stored; pasted text does not linger.
    if (!event->spontaneous()) {
        m_reloadOnShow = true;
        discardPendingSecrets();
    }
    QDialog::hideEvent(event);
}

bool SettingsDialog::eventFilter(QObject *watched, QEvent *event)
{
    // Enter in a secret field saves that secret instead of pressing OK.
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)
            && key->modifiers() == Qt::NoModifier) {
            for (SecretRow &row : m_rows) {
                // An empty field lets Enter through to OK.
                if (row.edit == watched && !row.edit->text().isEmpty()) {
                    saveSecret(row);
                    return true;
                }
            }
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace squad
