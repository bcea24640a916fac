// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace squad {

// A small, closed set of failure kinds: callers branch on the code, operators read the message.
enum class ErrorCode {
    InvalidArgument,   // the caller's input is malformed; nothing was attempted
    NotFound,          // the thing named does not exist
    AlreadyDone,       // the operation was already carried out (e.g. already terminated)
    Conflict,          // the current state forbids the operation
    PermissionDenied,  // a file, folder or account refused access
    Unauthenticated,   // credentials are missing or were rejected (a wrong API key)
    RateLimited,       // the service asked the caller to slow down; retrying later can work
    Unavailable,       // a service, database or process could not be reached or started
    Timeout,           // the operation ran past its deadline
    Cancelled,         // the operator or a shutdown cancelled it
    Storage,           // the database reported an error
    SchemaTooNew,      // the database was written by a newer build
    Provider,          // the sandbox provider reported an error
    Internal,          // a broken invariant: a bug
};

class Error
{
public:
    Error() = default;
    Error(ErrorCode code, QString message, QString detail = {})
        : m_code(code)
        , m_message(std::move(message))
        , m_detail(std::move(detail))
    {}

    ErrorCode code() const { return m_code; }
    // One sentence for the operator: what failed and, when known, what to do.
    const QString &message() const { return m_message; }
    // Technical detail (driver text, errno) for logs and "details" expanders.
    const QString &detail() const { return m_detail; }

    // "message (detail)" — the form used on stderr and in status lines.
    QString toString() const;

    friend bool operator==(const Error &, const Error &) = default;

private:
    ErrorCode m_code = ErrorCode::Internal;
    QString m_message;
    QString m_detail;
};

// Stable machine-readable name of a code ("not_found"), used in --json output.
QString errorCodeName(ErrorCode code);

} // namespace squad
