// SPDX-License-Identifier: MIT
#include "keychainsecretstore.h"

#include "core/redaction.h"

#include <QPromise>
#include <qt6keychain/keychain.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

// Turns a failed job into the operator's terms. The job's own text names the D-Bus or
// platform problem; it never contains the secret, but is redacted all the same.
static Error keychainError(const QKeychain::Job &job, const QString &what)
{
    const QString detail = redactSecrets(job.errorString());
    switch (job.error()) {
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return Error(ErrorCode::PermissionDenied,
                     u"The keychain refused to %1: unlock it (or allow Squad Console access) and "
                     "try again"_s.arg(what),
                     detail);
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
    default:
        return Error(ErrorCode::Unavailable,
                     u"No keychain is available to %1. On Linux install and start a Secret "
                     "Service keyring (gnome-keyring or KWallet) in your desktop session and "
                     "unlock it; until then secrets are kept in memory for this run only"_s.arg(
                         what),
                     detail);
    }
}

KeychainSecretStore::KeychainSecretStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{}

QFuture<Result<std::optional<QString>>> KeychainSecretStore::read(const SecretRef &ref)
{
    auto promise = std::make_shared<QPromise<Result<std::optional<QString>>>>();
    promise->start();
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(ref.key());
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [promise, job, ref] {
        if (job->error() == QKeychain::NoError)
            promise->addResult(std::optional<QString>(job->textData()));
        else if (job->error() == QKeychain::EntryNotFound)
            promise->addResult(std::optional<QString>());
        else
            promise->addResult(fail(keychainError(*job, u"read the %1"_s.arg(
                                                             secretKindLabel(ref.kind)))));
        promise->finish();
    });
    job->start();
    return promise->future();
}

QFuture<Result<void>> KeychainSecretStore::write(const SecretRef &ref, const QString &value)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(ref.key());
    job->setInsecureFallback(false);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [promise, job, ref] {
        if (job->error() == QKeychain::NoError)
            promise->addResult(Result<void>());
        else
            promise->addResult(fail(keychainError(*job, u"store the %1"_s.arg(
                                                             secretKindLabel(ref.kind)))));
        promise->finish();
    });
    job->start();
    return promise->future();
}

QFuture<Result<void>> KeychainSecretStore::remove(const SecretRef &ref)
{
    auto promise = std::make_shared<QPromise<Result<void>>>();
    promise->start();
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(ref.key());
    job->setInsecureFallback(false);
    connect(job, &QKeychain::Job::finished, this, [promise, job, ref] {
        if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound)
            promise->addResult(Result<void>());
        else
            promise->addResult(fail(keychainError(*job, u"delete the %1"_s.arg(
                                                             secretKindLabel(ref.kind)))));
        promise->finish();
    });
    job->start();
    return promise->future();
}

} // namespace squad
