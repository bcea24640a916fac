// SPDX-License-Identifier: MIT
#pragma once

#include "core/error.h"

#include <QByteArrayView>

#include <optional>

namespace squad {

// An HTTP failure from E2B's control plane (body `{code, message, error_code?}`) as an Error
// that says what to do. `what` names the operation ("Listing the E2B sandboxes");
// `retryAfterSeconds` is the Retry-After header of a 429, when it had one.
[[nodiscard]] Error e2bApiError(int httpStatus, QByteArrayView body, const QString &what,
                                std::optional<int> retryAfterSeconds = {});

// An HTTP failure on the way to a sandbox's envd, before its Connect handler answered: the
// E2B proxy (502 not found / port not open, 409 transitioning, 429) or envd's token check (401).
[[nodiscard]] Error envdHttpError(int httpStatus, QByteArrayView body, const QString &what);

// The message E2B put in an error body, or empty when the body is not E2B's error JSON.
[[nodiscard]] QString e2bErrorMessage(QByteArrayView body);

} // namespace squad
