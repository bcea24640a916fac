// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>

namespace squad {

// Timestamps are stored and printed as fixed-width UTC ISO 8601 with milliseconds
// ("2026-11-27T03:28:52.123Z"): sortable as text, readable in sqlite3, accepted by PostgreSQL's
// timestamptz. These converters are hand-rolled because listing 100,000 rows formats and
// parses hundreds of thousands of them, where QDateTime's general parser dominates.
QString formatTimestamp(const QDateTime &utc);
// The same 24 characters written as ASCII into `out`, for writers that produce UTF-8 directly.
// Returns false (and writes nothing) for years outside 0000–9999.
bool formatTimestampAscii(qint64 msecsSinceEpoch, char *out);
// Accepts the fixed form above (fast path) and any ISO 8601 text QDateTime understands,
// including PostgreSQL's "2026-11-27 03:28:52.123+00". A null QDateTime for empty/invalid text.
QDateTime parseTimestamp(QStringView text);

QDateTime nowUtc();

} // namespace squad
