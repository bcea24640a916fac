// SPDX-License-Identifier: MIT
#include "poolmarker.h"

using namespace Qt::StringLiterals;

namespace squad {

bool isPoolMetadata(QStringView metadataJson)
{
    if (metadataJson.size() < 16)
        return false;
    return metadataJson.contains(u"\"squad.pool\":"_s) && !metadataJson.contains(u"\"squad.run\":"_s)
           && !metadataJson.contains(u"\"squad.drain\":"_s);
}

} // namespace squad
