// SPDX-License-Identifier: MIT
#pragma once

#include "core/timestamp.h"

#include <QDateTime>
#include <QMetaType>
#include <QUuid>
#include <QVariant>

// Values as the stores bind and read them, the same for SQLite and PostgreSQL.
namespace squad::sql {

// A typed NULL for empty text, so both drivers bind it.
inline QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

inline QVariant nullableInt(int value)
{
    return value == 0 ? QVariant(QMetaType::fromType<int>()) : QVariant(value);
}

inline QVariant timestampValue(const QDateTime &at)
{
    return at.isValid() ? QVariant(formatTimestamp(at)) : QVariant(QMetaType::fromType<QString>());
}

// PostgreSQL hands back UUID and timestamptz columns as QUuid/QDateTime or text depending on
// the driver version; SQLite always as text.
inline QString idText(const QVariant &value)
{
    if (value.isNull())
        return {};
    if (value.metaType() == QMetaType::fromType<QUuid>())
        return value.toUuid().toString(QUuid::WithoutBraces);
    return value.toString();
}

inline QDateTime timestampFrom(const QVariant &value)
{
    if (value.isNull())
        return {};
    if (value.metaType() == QMetaType::fromType<QDateTime>())
        return value.toDateTime().toUTC();
    return parseTimestamp(value.toString());
}

} // namespace squad::sql
