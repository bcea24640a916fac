// SPDX-License-Identifier: MIT
#pragma once

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QToolButton;

namespace squad {

// A strip across the top of a window for something the operator may act on — an error, a
// deadline coming, an offer — in the manner of KDE's message widgets: an icon, a text, the
// bar's own buttons and a dismiss button, on a wash of its kind's colour. Hidden until reveal().
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };

    explicit MessageBar(Kind kind, QWidget *parent = nullptr);

    QString text() const;

Q_SIGNALS:
    // The operator closed the bar.
    void dismissed();

protected:
    QLabel *textLabel() const { return m_text; }
    QToolButton *dismissButton() const { return m_close; }
    // A button between the text and the dismiss button, in the order added.
    QPushButton *addButton(const QString &text);
    // Sets the text (when it differs) and shows the bar.
    void reveal(const QString &text);

private:
    Kind m_kind;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QToolButton *m_close = nullptr;
    QHBoxLayout *m_layout = nullptr;
};

} // namespace squad
