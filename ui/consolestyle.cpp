// SPDX-License-Identifier: MIT
#include "consolestyle.h"

#include "icons.h"

#include <QApplication>
#include <QProxyStyle>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

class ConsoleStyle final : public QProxyStyle
{
public:
    QIcon standardIcon(StandardPixmap icon, const QStyleOption *option,
                       const QWidget *widget) const override
    {
        switch (icon) {
        case SP_ToolBarHorizontalExtensionButton:
            return consoleIcon(u"overflow-horizontal"_s);
        case SP_ToolBarVerticalExtensionButton:
            return consoleIcon(u"overflow-vertical"_s);
        default:
            return QProxyStyle::standardIcon(icon, option, widget);
        }
    }
};

} // namespace

void installConsoleStyle()
{
    // Without a base style, QProxyStyle builds the one QApplication would have chosen
    // (the platform's, or the one named by -style / QT_STYLE_OVERRIDE).
    QApplication::setStyle(new ConsoleStyle);
}

} // namespace squad
