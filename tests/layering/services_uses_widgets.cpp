// SPDX-License-Identifier: MIT
// Must NOT compile: services/ never reaches for widgets (see tests/layering/CMakeLists.txt).
#include "sandbox/sandboxservice.h"

#include <QMessageBox>

void reportFromTheCore()
{
    QMessageBox::information(nullptr, QString(), QString());
}
