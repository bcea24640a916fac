// SPDX-License-Identifier: MIT
#include "terminatebatch.h"

#include "console/consolebackend.h"
#include "sandboxstatuspresentation.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QProgressDialog>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

TerminateBatch::TerminateBatch(ConsoleBackend *backend, QStringList ids, QWidget *window,
                               QObject *parent)
    : QObject(parent)
    , m_backend(backend)
    , m_ids(std::move(ids))
{
    m_results.reserve(m_ids.size());
    for (const QString &id : std::as_const(m_ids))
        m_results.append({id, TerminateResult::Kind::Skipped, tr("Stopped before its turn")});

    m_progress = new QProgressDialog(window);
    m_progress->setObjectName(u"terminateProgress"_s);
    m_progress->setWindowTitle(tr("Terminate"));
    m_progress->setLabelText(tr("Terminating %1 sandboxes…").arg(m_ids.size()));
    m_progress->setCancelButtonText(tr("&Stop"));
    m_progress->setRange(0, int(m_ids.size()));
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setMinimumDuration(400);
    m_progress->setAutoClose(true);
    m_progress->setAutoReset(false);
    connect(m_progress, &QProgressDialog::canceled, this, &TerminateBatch::cancel);
}

TerminateBatch::~TerminateBatch()
{
    delete m_progress;
}

void TerminateBatch::start()
{
    m_progress->setValue(0);
    startNext();
}

void TerminateBatch::cancel()
{
    if (m_cancelled || m_finished)
        return;
    m_cancelled = true;
    // Everything not yet started keeps its "skipped" result.
    m_nextIndex = int(m_ids.size());
    if (m_inFlight == 0) {
        m_finished = true;
        if (m_progress)
            m_progress->reset();
        Q_EMIT finished();
    } else if (m_progress) {
        m_progress->setLabelText(tr("Stopping after the terminations under way…"));
    }
}

void TerminateBatch::startNext()
{
    while (!m_cancelled && m_inFlight < Concurrency && m_nextIndex < m_ids.size()) {
        const int index = m_nextIndex++;
        const QString id = m_ids.at(index);
        ++m_inFlight;
        m_backend->terminate(id).then(this, [this, index,
                                             id](const Result<TerminateOutcome> &outcome) {
            TerminateResult result{id, TerminateResult::Kind::Failed, {}};
            if (outcome) {
                result.message = outcome->message;
                result.kind = outcome->kind == TerminateOutcome::Kind::Terminated
                                  ? TerminateResult::Kind::Terminated
                                  : TerminateResult::Kind::AlreadyGone;
            } else if (outcome.error().code() == ErrorCode::NotFound) {
                result.kind = TerminateResult::Kind::AlreadyGone;
                result.message = tr("No longer in the database: %1").arg(outcome.error().message());
            } else {
                result.message = outcome.error().toString();
            }
            finishOne(index, std::move(result));
        });
    }
    updateProgress();
}

void TerminateBatch::finishOne(int index, TerminateResult result)
{
    --m_inFlight;
    ++m_done;
    m_results[index] = std::move(result);
    Q_EMIT sandboxDone(m_results.at(index));
    startNext();
    if (m_inFlight == 0 && m_nextIndex >= m_ids.size() && !m_finished) {
        m_finished = true;
        if (m_progress)
            m_progress->reset();
        Q_EMIT finished();
    }
}

void TerminateBatch::updateProgress()
{
    if (!m_progress || m_cancelled)
        return;
    m_progress->setValue(m_done);
    if (m_done < m_ids.size()) {
        m_progress->setLabelText(tr("Terminating %1 of %2: %3…")
                                     .arg(m_done + 1)
                                     .arg(m_ids.size())
                                     .arg(m_ids.at(std::min<qsizetype>(m_done, m_ids.size() - 1))));
    }
}

// --- TerminateReportDialog ---------------------------------------------------------------------

namespace {

constexpr TerminateResult::Kind ReportOrder[]
    = {TerminateResult::Kind::Terminated, TerminateResult::Kind::AlreadyGone,
       TerminateResult::Kind::Failed, TerminateResult::Kind::Skipped};

QColor kindColour(TerminateResult::Kind kind)
{
    switch (kind) {
    case TerminateResult::Kind::Terminated:
        return presentationOf(SandboxStatus::Running).colour;
    case TerminateResult::Kind::AlreadyGone:
        return presentationOf(SandboxStatus::Terminated).colour;
    case TerminateResult::Kind::Failed:
        return presentationOf(SandboxStatus::Error).colour;
    case TerminateResult::Kind::Skipped:
        return presentationOf(SandboxStatus::Created).colour;
    }
    return {};
}

QString kindSymbol(TerminateResult::Kind kind)
{
    switch (kind) {
    case TerminateResult::Kind::Terminated:
        return u"✓"_s;
    case TerminateResult::Kind::AlreadyGone:
        return u"–"_s;
    case TerminateResult::Kind::Failed:
        return u"✗"_s;
    case TerminateResult::Kind::Skipped:
        return u"»"_s;
    }
    return {};
}

} // namespace

QString TerminateReportDialog::sectionTitle(TerminateResult::Kind kind)
{
    switch (kind) {
    case TerminateResult::Kind::Terminated:
        return tr("Terminated");
    case TerminateResult::Kind::AlreadyGone:
        return tr("Already gone");
    case TerminateResult::Kind::Failed:
        return tr("Failed");
    case TerminateResult::Kind::Skipped:
        return tr("Skipped");
    }
    return {};
}

TerminateReportDialog::TerminateReportDialog(const QList<TerminateResult> &results, QWidget *parent)
    : QDialog(parent)
    , m_results(results)
{
    setObjectName(u"terminateReport"_s);
    setWindowTitle(tr("Terminate: Report"));

    m_summary = new QLabel(summary(), this);
    m_summary->setObjectName(u"terminateSummary"_s);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(u"terminateReportTree"_s);
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Sandbox"), tr("Result")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    for (const TerminateResult::Kind kind : ReportOrder) {
        const QStringList ids = this->ids(kind);
        if (ids.isEmpty())
            continue;
        auto *section = new QTreeWidgetItem(m_tree);
        section->setText(0,
                         u"%1 %2 (%3)"_s.arg(kindSymbol(kind), sectionTitle(kind)).arg(ids.size()));
        section->setForeground(0, kindColour(kind));
        QFont font = section->font(0);
        font.setBold(true);
        section->setFont(0, font);
        section->setFirstColumnSpanned(true);
        section->setData(0, Qt::UserRole, int(kind));
        for (const TerminateResult &result : std::as_const(m_results)) {
            if (result.kind != kind)
                continue;
            auto *item = new QTreeWidgetItem(section);
            item->setText(0, result.id);
            item->setText(1, result.message);
            item->setToolTip(1, result.message);
        }
        section->setExpanded(true);
    }
    const QFontMetrics fm = m_tree->fontMetrics();
    m_tree->header()->resizeSection(0,
                                    fm.horizontalAdvance(u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s)
                                        + m_tree->indentation() + fm.averageCharWidth() * 4);
    m_tree->header()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy Report"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(reportText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    resize(fm.averageCharWidth() * 110,
           fm.height() * (12 + std::min<int>(int(results.size()), 16)));
}

int TerminateReportDialog::count(TerminateResult::Kind kind) const
{
    return int(std::count_if(m_results.cbegin(), m_results.cend(),
                             [kind](const TerminateResult &r) { return r.kind == kind; }));
}

QStringList TerminateReportDialog::ids(TerminateResult::Kind kind) const
{
    QStringList ids;
    for (const TerminateResult &result : m_results) {
        if (result.kind == kind)
            ids << result.id;
    }
    return ids;
}

QString TerminateReportDialog::summary() const
{
    QStringList parts;
    for (const TerminateResult::Kind kind : ReportOrder) {
        const int n = count(kind);
        if (n > 0 || kind == TerminateResult::Kind::Terminated)
            parts << u"%1 %2"_s.arg(n).arg(sectionTitle(kind).toLower());
    }
    return parts.join(u" · "_s);
}

QString TerminateReportDialog::reportText() const
{
    QString text = summary() + u'\n';
    for (const TerminateResult::Kind kind : ReportOrder) {
        const int n = count(kind);
        if (n == 0)
            continue;
        text += u"\n%1 (%2):\n"_s.arg(sectionTitle(kind)).arg(n);
        for (const TerminateResult &result : m_results) {
            if (result.kind == kind)
                text += u"  %1  %2\n"_s.arg(result.id, result.message);
        }
    }
    return text;
}

} // namespace squad
