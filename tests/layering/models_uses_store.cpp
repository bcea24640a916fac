// SPDX-License-Identifier: MIT
// Must NOT compile: models/ never does I/O, so the store's SQL is out of its reach.
#include "sandboxstatuspresentation.h"
#include "store/database.h"

void loadFromTheModel(const squad::Database &db)
{
    (void)db.exec(QStringLiteral("SELECT 1"));
}
