// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QSettings>

namespace squad {

// The settings both faces share, in the user's scope: <config>/squad-console/squad-console.conf on
// Linux. The organisation is deliberately empty (setApplicationIdentity), which QSettings would
// file under "Unknown Organization"; the application name stands in for it. Create after the
// application's names are set.
class ConsoleSettings : public QSettings
{
public:
    ConsoleSettings()
        : QSettings(QSettings::UserScope, QCoreApplication::applicationName(),
                    QCoreApplication::applicationName())
    {}
};

} // namespace squad
