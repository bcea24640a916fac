// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QLatin1StringView>
#include <QStringView>

namespace squad {

// A warm pool's sandbox is an ordinary row whose metadata says so: squad.pool = its template.
// Taking it for a workflow run adds squad.run (the key stays, because E2B keeps the metadata
// a sandbox was created with and reconciling merges it back), so "pooled" means squad.pool
// without squad.run. Kept beside the value types: the models derive the "Pooled" badge from it.
inline constexpr QLatin1StringView PoolMetadataKey{"squad.pool"};
inline constexpr QLatin1StringView RunMetadataKey{"squad.run"};
// Added by a drain before it terminates the sandbox, so a taker cannot claim it meanwhile.
inline constexpr QLatin1StringView DrainMetadataKey{"squad.drain"};

// Whether metadata (compact JSON object text, as the service writes it) marks a sandbox waiting
// in a pool. A text scan, not a parse: the table asks it for every row it shows.
bool isPoolMetadata(QStringView metadataJson);
// A live sandbox waiting in a pool, unclaimed.
inline bool isPooledSandbox(const SandboxRecord &record)
{
    return record.isLive() && !record.orphan && isPoolMetadata(record.metadata);
}

} // namespace squad
