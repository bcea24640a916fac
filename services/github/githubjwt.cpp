// SPDX-License-Identifier: MIT
#include "githubjwt.h"

#include <QByteArrayView>

#include <jwt.h>

#include <cstdlib>
#include <memory>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

struct JwtFree
{
    void operator()(jwt_t *jwt) const { jwt_free(jwt); }
};
using JwtHandle = std::unique_ptr<jwt_t, JwtFree>;

struct MallocFree
{
    void operator()(char *text) const { std::free(text); }
};

constexpr qint64 IssuedBeforeSecs = 60;
constexpr qint64 LifetimeSecs = 9 * 60;

} // namespace

Result<void> validateGitHubAppKey(const QByteArray &privateKeyPem)
{
    const QByteArray trimmed = privateKeyPem.trimmed();
    if (trimmed.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"The GitHub App private key is empty."_s);
    if (!trimmed.startsWith("-----BEGIN ") || !trimmed.contains("PRIVATE KEY-----")) {
        return fail(ErrorCode::InvalidArgument,
                    u"The GitHub App private key is not a PEM private key: use the .pem file "
                    "GitHub offered when the key was generated (it starts with "
                    "\"-----BEGIN RSA PRIVATE KEY-----\")."_s);
    }
    // Signing once proves the key is an RSA key libjwt can use, before anything is stored.
    return gitHubAppJwt(u"validation"_s, trimmed, 1'700'000'000).transform([](auto &&) {});
}

Result<QByteArray> gitHubAppJwt(const QString &clientId, const QByteArray &privateKeyPem,
                                qint64 nowSecs)
{
    if (clientId.trimmed().isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"The GitHub App has no client ID: set it in Settings → Accounts."_s);
    }
    jwt_t *raw = nullptr;
    if (jwt_new(&raw) != 0)
        return fail(ErrorCode::Internal, u"Could not create a JSON Web Token."_s);
    JwtHandle jwt(raw);
    const QByteArray issuer = clientId.trimmed().toUtf8();
    const QByteArray key = privateKeyPem.trimmed() + '\n';
    if (jwt_add_grant(jwt.get(), "iss", issuer.constData()) != 0
        || jwt_add_grant_int(jwt.get(), "iat", long(nowSecs - IssuedBeforeSecs)) != 0
        || jwt_add_grant_int(jwt.get(), "exp", long(nowSecs + LifetimeSecs)) != 0
        || jwt_set_alg(jwt.get(), JWT_ALG_RS256,
                       reinterpret_cast<const unsigned char *>(key.constData()),
                       int(key.size())) != 0) {
        return fail(ErrorCode::Internal, u"Could not fill in the GitHub App's JSON Web Token."_s);
    }
    const std::unique_ptr<char, MallocFree> encoded(jwt_encode_str(jwt.get()));
    if (!encoded) {
        return fail(ErrorCode::InvalidArgument,
                    u"The GitHub App private key could not sign a token: it is not an RSA private "
                    "key in PEM form. Import the .pem file GitHub gave for the app again."_s);
    }
    return QByteArray(encoded.get());
}

} // namespace squad
