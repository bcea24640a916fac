// SPDX-License-Identifier: MIT
#include "statuscounts.h"

#include "sandboxstatuspresentation.h"

#include <QLocale>
#include <QPainter>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

const QString Separator = u"  ·  "_s;

} // namespace

StatusCounts::StatusCounts(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
    setCounts({});
}

void StatusCounts::setCounts(const QMap<SandboxStatus, int> &counts)
{
    const QLocale locale;
    QList<Part> parts;
    for (const SandboxStatus status : {SandboxStatus::Running, SandboxStatus::Created,
                                       SandboxStatus::Error, SandboxStatus::Terminated}) {
        const StatusPresentation p = presentationOf(status);
        parts.append({p.symbol,
                      u" %1 %2"_s.arg(locale.toString(counts.value(status)), p.label.toLower()),
                      p.colour});
    }
    m_parts = std::move(parts);
    setAccessibleName(text());
    updateGeometry();
    update();
}

QString StatusCounts::text() const
{
    QStringList parts;
    for (const Part &part : m_parts)
        parts << part.symbol + part.words;
    return parts.join(Separator);
}

QSize StatusCounts::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    return {fm.horizontalAdvance(text()) + 2, fm.height()};
}

void StatusCounts::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QFontMetrics fm = fontMetrics();
    const int baseline = (height() - fm.height()) / 2 + fm.ascent();
    const QColor words = palette().color(QPalette::WindowText);
    const QColor separator = palette().color(QPalette::PlaceholderText);
    int x = 0;
    for (qsizetype i = 0; i < m_parts.size(); ++i) {
        const Part &part = m_parts.at(i);
        if (i > 0) {
            painter.setPen(separator);
            painter.drawText(x, baseline, Separator);
            x += fm.horizontalAdvance(Separator);
        }
        painter.setPen(part.colour);
        painter.drawText(x, baseline, part.symbol);
        x += fm.horizontalAdvance(part.symbol);
        painter.setPen(words);
        painter.drawText(x, baseline, part.words);
        x += fm.horizontalAdvance(part.words);
    }
}

} // namespace squad
