// SPDX-License-Identifier: MIT
#include "error.h"

using namespace Qt::StringLiterals;

namespace squad {

QString Error::toString() const
{
    if (m_detail.isEmpty() || m_message.contains(m_detail))
        return m_message;
    return m_message + u" ("_s + m_detail + u')';
}

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return u"invalid_argument"_s;
    case ErrorCode::NotFound: return u"not_found"_s;
    case ErrorCode::AlreadyDone: return u"already_done"_s;
    case ErrorCode::Conflict: return u"conflict"_s;
    case ErrorCode::PermissionDenied: return u"permission_denied"_s;
    case ErrorCode::Unauthenticated: return u"unauthenticated"_s;
    case ErrorCode::RateLimited: return u"rate_limited"_s;
    case ErrorCode::Unavailable: return u"unavailable"_s;
    case ErrorCode::Timeout: return u"timeout"_s;
    case ErrorCode::Cancelled: return u"cancelled"_s;
    case ErrorCode::Storage: return u"storage"_s;
    case ErrorCode::SchemaTooNew: return u"schema_too_new"_s;
    case ErrorCode::Provider: return u"provider"_s;
    case ErrorCode::Internal: return u"internal"_s;
    }
    return u"internal"_s;
}

} // namespace squad
