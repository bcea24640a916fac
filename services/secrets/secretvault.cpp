// SPDX-License-Identifier: MIT
#include "secretvault.h"

#include "core/futures.h"

#include <QPromise>

#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

QString secretSourceName(SecretSource source)
{
    switch (source) {
    case SecretSource::None: return u"none"_s;
    case SecretSource::Environment: return u"environment"_s;
    case SecretSource::Keychain: return u"keychain"_s;
    case SecretSource::Memory: return u"memory (this run only)"_s;
    }
    return u"none"_s;
}

SecretVault::SecretVault(SecretStore *keychain, QObject *parent)
    : QObject(parent)
    , m_keychain(keychain)
    , m_environment([](const char *name) { return qEnvironmentVariable(name); })
{}

const char *SecretVault::environmentVariable(SecretKind kind)
{
    switch (kind) {
    case SecretKind::E2bApiKey: return "E2B_API_KEY";
    case SecretKind::GitHubToken: return "GITHUB_TOKEN";
    case SecretKind::GitHubAppKey: return "GITHUB_APP_PRIVATE_KEY";
    }
    return "";
}

void SecretVault::noteKeychainProblem(const Error &error)
{
    if (error.code() != ErrorCode::Unavailable)
        return;
    const bool first = m_keychainProblem.isEmpty();
    m_keychainProblem = error.toString();
    if (first)
        Q_EMIT keychainUnavailable(m_keychainProblem);
}

QFuture<Result<ResolvedSecret>> SecretVault::resolve(const SecretRef &ref)
{
    using Resolved = Result<ResolvedSecret>;
    if (const QString fromEnvironment = m_environment(environmentVariable(ref.kind));
        !fromEnvironment.isEmpty()) {
        return readyFuture<Resolved>(ResolvedSecret{fromEnvironment, SecretSource::Environment});
    }
    if (m_memory.contains(ref)) {
        return m_memory.read(ref).then([](const Result<std::optional<QString>> &value) -> Resolved {
            return ResolvedSecret{value->value_or(QString()), SecretSource::Memory};
        });
    }
    return m_keychain->read(ref).then(this, [this](const Result<std::optional<QString>> &value)
                                                -> Resolved {
        if (!value) {
            // No keychain: there is simply no secret this run (the operator was told why).
            noteKeychainProblem(value.error());
            if (value.error().code() == ErrorCode::Unavailable)
                return ResolvedSecret{};
            return fail(value.error());
        }
        if (!value->has_value())
            return ResolvedSecret{};
        return ResolvedSecret{**value, SecretSource::Keychain};
    });
}

QFuture<Result<QMap<SecretKind, SecretSource>>> SecretVault::status(const QString &profile)
{
    using Status = Result<QMap<SecretKind, SecretSource>>;
    struct Pending
    {
        QPromise<Status> promise;
        QMap<SecretKind, SecretSource> sources;
        int remaining = 0;
        std::optional<Error> error;
    };
    auto pending = std::make_shared<Pending>();
    pending->promise.start();
    pending->remaining = int(std::size(AllSecretKinds));
    for (SecretKind kind : AllSecretKinds) {
        resolve({profile, kind}).then(this, [pending, kind](const Result<ResolvedSecret> &r) {
            if (r)
                pending->sources.insert(kind, r->source);
            else if (!pending->error)
                pending->error = r.error();
            if (--pending->remaining == 0) {
                if (pending->error)
                    pending->promise.addResult(fail(*pending->error));
                else
                    pending->promise.addResult(pending->sources);
                pending->promise.finish();
            }
        });
    }
    return pending->promise.future();
}

QFuture<Result<SecretSource>> SecretVault::save(const SecretRef &ref, const QString &value)
{
    using Saved = Result<SecretSource>;
    if (value.isEmpty())
        return readyFuture<Saved>(fail(ErrorCode::InvalidArgument,
                                       u"The %1 is empty: nothing to save"_s.arg(
                                           secretKindLabel(ref.kind))));
    return m_keychain->write(ref, value).then(this, [this, ref, value](const Result<void> &written)
                                                        -> Saved {
        if (written) {
            (void)m_memory.remove(ref);
            return SecretSource::Keychain;
        }
        if (written.error().code() != ErrorCode::Unavailable)
            return fail(written.error());
        noteKeychainProblem(written.error());
        (void)m_memory.write(ref, value);
        return SecretSource::Memory;
    });
}

QFuture<Result<void>> SecretVault::clear(const SecretRef &ref)
{
    (void)m_memory.remove(ref);
    return m_keychain->remove(ref).then(this, [this](const Result<void> &removed) -> Result<void> {
        if (!removed && removed.error().code() == ErrorCode::Unavailable) {
            // Nothing can be in a keychain that cannot be reached; memory is already cleared.
            noteKeychainProblem(removed.error());
            return {};
        }
        return removed;
    });
}

QFuture<Result<void>> SecretVault::clearProfile(const QString &profile)
{
    struct Pending
    {
        QPromise<Result<void>> promise;
        int remaining = 0;
        std::optional<Error> error;
    };
    auto pending = std::make_shared<Pending>();
    pending->promise.start();
    pending->remaining = int(std::size(AllSecretKinds));
    for (SecretKind kind : AllSecretKinds) {
        clear({profile, kind}).then(this, [pending](const Result<void> &r) {
            if (!r && !pending->error)
                pending->error = r.error();
            if (--pending->remaining == 0) {
                pending->promise.addResult(pending->error ? Result<void>(fail(*pending->error))
                                                          : Result<void>());
                pending->promise.finish();
            }
        });
    }
    return pending->promise.future();
}

} // namespace squad
