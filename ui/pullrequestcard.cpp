// SPDX-License-Identifier: MIT
#include "pullrequestcard.h"

#include "fieldhint.h"
#include "icons.h"
#include "pullrequestpresentation.h"
#include "statusbadgedelegate.h"

#include <QDesktopServices>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QShortcut>
#include <QToolButton>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace squad {

// The small coloured disc before the review and checks lines. It says nothing the line's text
// does not, so it is left out of the accessibility tree's names; its tone is a property for
// tests ("success", "pending", ...).
class ToneDot : public QWidget
{
public:
    explicit ToneDot(QWidget *parent)
        : QWidget(parent)
    {
        setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
        setTone(PullRequestTone::None);
    }

    void setTone(PullRequestTone tone)
    {
        m_tone = tone;
        setProperty("tone", checksStateName(tone));
        update();
    }

    QSize sizeHint() const override
    {
        const int side = fontMetrics().height();
        return {side * 3 / 4, side};
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        QColor colour = toneColour(m_tone);
        // The badge colours are GitHub's light-theme ones: on a dark base they are lifted so
        // the dot does not sink into it.
        if (palette().color(QPalette::Base).lightness() < 128)
            colour = colour.lighter(150);
        const qreal diameter = fontMetrics().height() * 0.5;
        const QRectF disc(0, (height() - diameter) / 2.0, diameter, diameter);
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawEllipse(disc);
    }

private:
    PullRequestTone m_tone = PullRequestTone::None;
};

namespace {

// "12:04:31" today; with the date on other days (a status read yesterday and stored).
QString checkedTime(const QDateTime &at)
{
    const QDateTime local = at.toLocalTime();
    return local.date() == QDate::currentDate() ? local.toString(u"HH:mm:ss"_s)
                                                : local.toString(u"yyyy-MM-dd HH:mm"_s);
}

// The link's text: the address without its scheme, which says nothing people need.
QString linkText(const QString &url)
{
    const QUrl parsed(url);
    return parsed.isValid() ? parsed.toString(QUrl::RemoveScheme | QUrl::StripTrailingSlash)
                                  .mid(2) // the "//" left by RemoveScheme
                            : url;
}

void setForeground(QLabel *label, const QColor &colour)
{
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, colour);
    label->setPalette(pal);
}

} // namespace

PullRequestCard::PullRequestCard(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"pullRequestCard"_s);
    setAccessibleName(tr("Pull request"));
    // Clicking anywhere on the card focuses it, so F5 refreshes what the operator looks at.
    setFocusPolicy(Qt::ClickFocus);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    const int unit = fontMetrics().averageCharWidth();

    m_title = new QLabel(this);
    m_title->setObjectName(u"titleLabel"_s);
    m_title->setTextFormat(Qt::PlainText); // a title is the author's text, never markup
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    m_title->setFont(titleFont);

    m_refresh = new QToolButton(this);
    m_refresh->setObjectName(u"refreshButton"_s);
    m_refresh->setText(tr("Refresh"));
    m_refresh->setIcon(consoleIcon(u"refresh"_s));
    m_refresh->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_refresh->setToolTip(tr("Check the pull request on GitHub now (F5)"));
    m_refresh->setAccessibleName(tr("Refresh the pull request's status"));
    connect(m_refresh, &QToolButton::clicked, this, &PullRequestCard::refresh);
    m_refreshShortcut = new QShortcut(QKeySequence(Qt::Key_F5), this);
    m_refreshShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(m_refreshShortcut, &QShortcut::activated, this, &PullRequestCard::refresh);

    m_badge = new StatusBadge(this);
    m_badge->setObjectName(u"stateBadge"_s);
    m_branches = new QLabel(this);
    m_branches->setObjectName(u"branchesLabel"_s);
    m_branches->setTextFormat(Qt::PlainText);
    m_branches->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_branches->setAccessibleName(tr("Branches"));
    // Long branch names are elided rather than widening the card; the tooltip has them whole.
    m_branches->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_branches->setMinimumWidth(unit * 12);
    m_branches->installEventFilter(this);

    m_reviewDot = new ToneDot(this);
    m_reviewDot->setObjectName(u"reviewDot"_s);
    m_review = new QLabel(this);
    m_review->setObjectName(u"reviewLabel"_s);
    m_review->setTextFormat(Qt::PlainText);
    m_checksDot = new ToneDot(this);
    m_checksDot->setObjectName(u"checksDot"_s);
    m_checks = new QLabel(this);
    m_checks->setObjectName(u"checksLabel"_s);
    m_checks->setTextFormat(Qt::PlainText);
    // One line each rather than side by side: a narrow card (a wizard page, a split view)
    // keeps both whole.
    m_lines = new QWidget(this);
    auto *lines = new QGridLayout(m_lines);
    lines->setContentsMargins(0, 0, 0, 0);
    lines->setHorizontalSpacing(unit / 2);
    lines->setVerticalSpacing(unit / 4);
    lines->addWidget(m_reviewDot, 0, 0);
    lines->addWidget(m_review, 0, 1);
    lines->addWidget(m_checksDot, 1, 0);
    lines->addWidget(m_checks, 1, 1);
    lines->setColumnStretch(1, 1);

    m_link = new QLabel(this);
    m_link->setObjectName(u"linkLabel"_s);
    m_link->setTextFormat(Qt::RichText);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    // The link is elided to the card's width rather than widening it.
    m_link->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_link->setMinimumWidth(unit * 12);
    m_link->installEventFilter(this);
    connect(m_link, &QLabel::linkActivated, this,
            [](const QString &url) { QDesktopServices::openUrl(QUrl(url)); });

    m_checked = new QLabel(this);
    m_checked->setObjectName(u"checkedLabel"_s);
    m_checked->setTextFormat(Qt::PlainText);
    m_checked->setWordWrap(true);
    m_checked->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_link->setFont(small);
    m_checked->setFont(small);

    auto *header = new QHBoxLayout;
    header->setSpacing(unit);
    header->addWidget(m_title, 1, Qt::AlignTop);
    header->addWidget(m_refresh, 0, Qt::AlignTop);

    auto *stateRow = new QHBoxLayout;
    stateRow->setSpacing(unit);
    // The pill is drawn inset in its widget (it leaves room around it in a table cell): the
    // row starts that much to the left so the pill lines up with the title above it.
    stateRow->setContentsMargins(-(unit / 2 + 2), 0, 0, 0);
    stateRow->addWidget(m_badge);
    stateRow->addWidget(m_branches, 1);

    m_footer = new QGridLayout;
    m_footer->setHorizontalSpacing(unit * 2);
    m_footer->setVerticalSpacing(unit / 2);
    m_footer->setColumnStretch(0, 1);
    m_footer->addWidget(m_link, 0, 0);
    m_footer->addWidget(m_checked, 0, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(unit * 2, unit * 3 / 2, unit * 2, unit * 3 / 2);
    layout->setSpacing(unit * 3 / 4);
    layout->addLayout(header);
    layout->addLayout(stateRow);
    layout->addWidget(m_lines);
    layout->addSpacing(unit / 2);
    layout->addLayout(m_footer);

    applyColours();
    updateView();
}

void PullRequestCard::setWatch(PullRequestWatch *watch)
{
    if (m_watch)
        disconnect(m_watch, nullptr, this, nullptr);
    m_watch = watch;
    m_status.reset();
    m_error.reset();
    if (watch) {
        connect(watch, &PullRequestWatch::statusChanged, this,
                [this](const PullRequestStatus &status) { setStatus(status); });
        connect(watch, &PullRequestWatch::failed, this, &PullRequestCard::showError);
        // An unchanged answer still says when GitHub was last asked, and that it answers again.
        connect(watch, &PullRequestWatch::checked, this, [this](const QDateTime &at) {
            if (!m_status)
                return;
            m_checkedAt = at;
            m_error.reset();
            updateView();
        });
        // A watch deleted under the card leaves its last state shown, with nothing to refresh.
        connect(watch, &QObject::destroyed, this, &PullRequestCard::updateView);
        if (watch->status()) {
            setStatus(*watch->status());
            return;
        }
    }
    updateView();
}

void PullRequestCard::setStatus(const PullRequestStatus &status, const QDateTime &checkedAt)
{
    m_status = status;
    m_checkedAt = checkedAt;
    m_error.reset();
    updateView();
}

void PullRequestCard::showError(const Error &error)
{
    m_error = error;
    m_failedAt = QDateTime::currentDateTime();
    updateView();
}

void PullRequestCard::clear()
{
    setWatch(nullptr);
}

void PullRequestCard::refresh()
{
    if (m_watch)
        m_watch->refreshNow();
}

void PullRequestCard::updateView()
{
    const bool following = !m_watch.isNull();
    m_refresh->setVisible(following);
    m_refreshShortcut->setEnabled(following);

    if (m_status) {
        const PullRequest &pr = m_status->pullRequest;
        m_title->setText(u'#' + QString::number(pr.number) + u' ' + pr.title);
        m_badge->setPresentation(presentationOf(m_status->state));
        m_badge->setAccessibleName(tr("State: %1").arg(presentationOf(m_status->state).label));
        m_branchesText = pullRequestBranches(pr);
        const PullRequestLine review = reviewLine(*m_status);
        m_review->setText(review.text);
        m_reviewDot->setTone(review.tone);
        const PullRequestLine checks = checksLine(m_status->checks);
        m_checks->setText(checks.text);
        m_checksDot->setTone(checks.tone);
        m_link->setToolTip(tr("%1\nOpens in your browser").arg(pr.url));
        m_link->setAccessibleName(tr("Open pull request #%1 in the browser").arg(pr.number));
        setAccessibleDescription(pullRequestSummary(*m_status));
    } else if (following) {
        m_title->setText(tr("Pull request #%1").arg(m_watch->number()));
        m_branchesText = m_watch->repo().slug();
        setAccessibleDescription({});
    } else {
        m_title->setText(tr("No pull request"));
        m_branchesText.clear();
        setAccessibleDescription({});
    }
    m_badge->setVisible(m_status.has_value());
    m_lines->setVisible(m_status.has_value());
    m_link->setVisible(m_status.has_value() && !m_status->pullRequest.url.isEmpty());
    updateElidedText();

    QString checked;
    QString checkedTip;
    if (m_error) {
        checked = tr("Check failed at %1: %2").arg(checkedTime(m_failedAt), m_error->message());
        checkedTip = m_error->toString();
        if (m_status) {
            checked += u' ' + tr("(showing the state of %1)").arg(checkedTime(m_checkedAt));
            checkedTip
                += u'\n' + tr("The state shown was read at %1.").arg(checkedTime(m_checkedAt));
        }
    } else if (m_status) {
        checked = m_checkedAt.isValid() ? tr("Last checked %1").arg(checkedTime(m_checkedAt))
                                        : QString();
    } else if (following) {
        checked = tr("Checking…");
    }
    m_checked->setText(checked);
    m_checked->setToolTip(checkedTip);
    m_checked->setVisible(!checked.isEmpty());
    // The time sits at the link's right; an error, longer, gets a line of its own below it.
    m_footer->removeWidget(m_checked);
    m_checked->setWordWrap(m_error.has_value());
    if (m_error || m_link->isHidden()) {
        m_footer->addWidget(m_checked, 1, 0, 1, 2);
        m_checked->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    } else {
        m_footer->addWidget(m_checked, 0, 1);
        m_checked->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    applyColours();
}

void PullRequestCard::updateElidedText()
{
    m_branches->setText(
        m_branches->fontMetrics().elidedText(m_branchesText, Qt::ElideMiddle, m_branches->width()));
    m_branches->setToolTip(m_branches->text() == m_branchesText ? QString() : m_branchesText);
    m_branches->setAccessibleDescription(m_branchesText);
    if (!m_status || m_status->pullRequest.url.isEmpty()) {
        m_link->clear();
        return;
    }
    const QString url = m_status->pullRequest.url;
    const int width = m_link->width();
    const QString shown = m_link->fontMetrics().elidedText(linkText(url), Qt::ElideMiddle, width);
    // The colour is spelt out: rich text otherwise takes the application's link colour, not
    // the card's, and a card given a dark palette would show a dark blue link.
    m_link->setText(u"<a href=\"%1\" style=\"color: %2\">%3</a>"_s.arg(
        url.toHtmlEscaped(), m_link->palette().color(QPalette::Link).name(),
        shown.toHtmlEscaped()));
}

void PullRequestCard::applyColours()
{
    const QPalette pal = palette();
    const QColor dim = pal.color(QPalette::PlaceholderText);
    setForeground(m_branches, dim);
    setForeground(m_checked, m_error ? errorColour(pal) : dim);
    setForeground(m_title, m_status || m_watch ? pal.color(QPalette::WindowText) : dim);
}

void PullRequestCard::paintEvent(QPaintEvent *)
{
    // A card: the view's base colour (what the badges are drawn over) inside a hairline
    // border, so it stands apart from the page it sits on in light and dark themes alike.
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    QColor border = pal.color(QPalette::WindowText);
    border.setAlphaF(0.18f);
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath path;
    path.addRoundedRect(box, 6, 6);
    painter.fillPath(path, pal.color(QPalette::Base));
    painter.setPen(QPen(border, 1.0));
    painter.drawPath(path);
}

void PullRequestCard::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyColours();
        updateElidedText();
    } else if (event->type() == QEvent::FontChange) {
        updateElidedText();
    }
}

bool PullRequestCard::eventFilter(QObject *watched, QEvent *event)
{
    // The elided labels follow their own width, which changes with the card's and also when
    // the pill beside the branches appears.
    if (event->type() == QEvent::Resize && (watched == m_link || watched == m_branches))
        updateElidedText();
    return QWidget::eventFilter(watched, event);
}

} // namespace squad
