// SPDX-License-Identifier: MIT
#include "consoleapplication.h"

#include "console/consolecore.h"

#include "icons.h"

#include <QAccessible>
#include <QApplication>
#include <QFontDatabase>
#include <QProxyStyle>
#include <QThreadPool>

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

void setUpConsoleApplication()
{
    // Two slow initialisations every window pays before its first paint run side by side: the
    // font database (fontconfig reads its configuration and caches) on a pool thread, while
    // this thread connects the accessibility bridge to the session bus, which waits on D-Bus.
    QThreadPool::globalInstance()->start([] { (void)QFontDatabase::families(); });
    (void)QAccessible::isActive();

    setApplicationIdentity();
    QApplication::setApplicationDisplayName(u"Squad Console"_s);
    QApplication::setWindowIcon(consoleWindowIcon());
    // Without a base style, QProxyStyle builds the one QApplication would have chosen
    // (the platform's, or the one named by -style / QT_STYLE_OVERRIDE).
    QApplication::setStyle(new ConsoleStyle);
}

} // namespace squad
