// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

#include <QString>

namespace squad {

// A warning when `value` does not look like a secret of `kind` (an E2B key is "e2b_" + hex;
// GitHub tokens start with ghp_, github_pat_, gho_, ghu_, ghs_ or ghr_; an App key is a PEM
// private key), or empty when it does. A warning, never a refusal: formats change.
QString secretFormatWarning(SecretKind kind, const QString &value);

} // namespace squad
