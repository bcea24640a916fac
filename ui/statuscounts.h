// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QColor>
#include <QMap>
#include <QWidget>

namespace squad {

// "● 12 running · ○ 3 created · ▲ 1 error · ■ 40 terminated" for the status bar, each symbol in
// its status colour. Painted directly: a rich-text label lays out a document on every refresh.
class StatusCounts : public QWidget
{
    Q_OBJECT
public:
    explicit StatusCounts(QWidget *parent = nullptr);

    void setCounts(const QMap<SandboxStatus, int> &counts);
    // The same words without colour, as a screen reader or a tooltip has them.
    QString text() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Part
    {
        QString symbol;
        QString words;
        QColor colour;
    };
    QList<Part> m_parts;
};

} // namespace squad
