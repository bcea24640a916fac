// SPDX-License-Identifier: MIT
#include "ids.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace squad {

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Result<QString> parseId(const QString &text, const QString &what)
{
    const QString trimmed = text.trimmed();
    const QUuid uuid = QUuid::fromString(trimmed);
    // QUuid also accepts braces; require the 36-character form (or its braced variant) only.
    if (uuid.isNull() || (trimmed.size() != 36 && trimmed.size() != 38)) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid %2: expected a UUID such as "
                    "0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s.arg(text.left(64), what));
    }
    return uuid.toString(QUuid::WithoutBraces);
}

} // namespace squad
