// SPDX-License-Identifier: MIT
#include "secretformat.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace squad {

QString secretFormatWarning(SecretKind kind, const QString &value)
{
    const QString trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (trimmed != value && kind != SecretKind::GitHubAppKey)
        return u"It starts or ends with spaces: check that nothing else was copied with it"_s;
    switch (kind) {
    case SecretKind::E2bApiKey: {
        static const QRegularExpression e2b(u"^e2b_[0-9a-f]{16,}$"_s);
        if (!e2b.match(trimmed).hasMatch())
            return u"E2B API keys look like e2b_ followed by hexadecimal digits"_s;
        return {};
    }
    case SecretKind::GitHubToken: {
        static const QRegularExpression github(
            u"^(ghp_|gho_|ghu_|ghs_|ghr_)[A-Za-z0-9]{20,}$|^github_pat_[A-Za-z0-9_]{20,}$"_s);
        if (!github.match(trimmed).hasMatch())
            return u"GitHub tokens start with ghp_, github_pat_, gho_, ghu_, ghs_ or ghr_"_s;
        return {};
    }
    case SecretKind::GitHubAppKey:
        if (!trimmed.startsWith(u"-----BEGIN "_s) || !trimmed.contains(u"PRIVATE KEY-----"_s))
            return u"A GitHub App private key is a PEM file starting with -----BEGIN RSA "
                   "PRIVATE KEY-----"_s;
        return {};
    }
    return {};
}

} // namespace squad
