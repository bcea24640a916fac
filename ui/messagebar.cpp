// SPDX-License-Identifier: MIT
#include "messagebar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// Light washes on light themes, deep ones on dark themes: blue is news, amber a deadline,
// red an error.
QColor washOf(MessageBar::Kind kind, bool dark)
{
    switch (kind) {
    case MessageBar::Kind::Information:
        return dark ? QColor(0x12, 0x2d, 0x4f) : QColor(0xdd, 0xf4, 0xff);
    case MessageBar::Kind::Warning:
        return dark ? QColor(0x4a, 0x38, 0x0c) : QColor(0xff, 0xf4, 0xd6);
    case MessageBar::Kind::Error:
        break;
    }
    return dark ? QColor(0x5c, 0x1a, 0x1f) : QColor(0xff, 0xeb, 0xe9);
}

} // namespace

MessageBar::MessageBar(Kind kind, QWidget *parent)
    : QFrame(parent)
    , m_kind(kind)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_close = new QToolButton(this);
    m_close->setText(u"✕"_s);
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss"));

    m_layout = new QHBoxLayout(this);
    const int m = fontMetrics().averageCharWidth();
    m_layout->setContentsMargins(m, m / 2, m / 2, m / 2);
    // An error's text may run to several lines; its icon stays by the first.
    m_layout->addWidget(m_icon, 0, kind == Kind::Error ? Qt::AlignTop : Qt::AlignVCenter);
    m_layout->addWidget(m_text, 1);
    m_layout->addWidget(m_close, 0, Qt::AlignVCenter);

    connect(m_close, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT dismissed();
    });
    QPalette pal = palette();
    pal.setColor(QPalette::Window, washOf(kind, pal.color(QPalette::Window).lightness() < 128));
    setPalette(pal);
    hide();
}

QString MessageBar::text() const
{
    return m_text->text();
}

QPushButton *MessageBar::addButton(const QString &text)
{
    auto *button = new QPushButton(text, this);
    m_layout->insertWidget(m_layout->indexOf(m_close), button, 0, Qt::AlignVCenter);
    return button;
}

void MessageBar::reveal(const QString &text)
{
    // The icon is looked up when the bar first shows: the desktop's icon theme costs more than
    // the rest of the window's start-up, for a bar rarely seen.
    if (m_icon->pixmap().isNull()) {
        const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
        const auto icon = m_kind == Kind::Information ? QStyle::SP_MessageBoxInformation
                                                      : QStyle::SP_MessageBoxWarning;
        m_icon->setPixmap(style()->standardIcon(icon, nullptr, this).pixmap(size, size));
    }
    if (m_text->text() != text)
        m_text->setText(text);
    show();
}

} // namespace squad
