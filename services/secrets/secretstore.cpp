// SPDX-License-Identifier: MIT
#include "secretstore.h"

#include "core/futures.h"

using namespace Qt::StringLiterals;

namespace squad {

QString secretKindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::E2bApiKey: return u"e2b"_s;
    case SecretKind::GitHubToken: return u"github"_s;
    case SecretKind::GitHubAppKey: return u"github-app-key"_s;
    }
    return u"e2b"_s;
}

std::optional<SecretKind> secretKindFromName(QStringView name)
{
    for (SecretKind kind : AllSecretKinds) {
        if (name == secretKindName(kind))
            return kind;
    }
    return std::nullopt;
}

QString secretKindLabel(SecretKind kind)
{
    switch (kind) {
    case SecretKind::E2bApiKey: return u"E2B API key"_s;
    case SecretKind::GitHubToken: return u"GitHub token"_s;
    case SecretKind::GitHubAppKey: return u"GitHub App private key"_s;
    }
    return {};
}

SecretStore::~SecretStore() = default;

QFuture<Result<std::optional<QString>>> MemorySecretStore::read(const SecretRef &ref)
{
    const auto it = m_values.constFind(ref.key());
    return readyFuture<Result<std::optional<QString>>>(
        it == m_values.cend() ? std::optional<QString>() : std::optional<QString>(*it));
}

QFuture<Result<void>> MemorySecretStore::write(const SecretRef &ref, const QString &value)
{
    m_values.insert(ref.key(), value);
    return readyFuture<Result<void>>({});
}

QFuture<Result<void>> MemorySecretStore::remove(const SecretRef &ref)
{
    m_values.remove(ref.key());
    return readyFuture<Result<void>>({});
}

} // namespace squad
