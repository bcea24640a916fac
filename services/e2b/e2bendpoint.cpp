// SPDX-License-Identifier: MIT
#include "e2bendpoint.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// Domains whose proxy serves the shared host `sandbox.<domain>`; others are reached through
// the per-sandbox host `<port>-<id>.<domain>` (the SDKs' list).
bool servesSharedSandboxHost(const QString &domain)
{
    static const QStringList domains
        = {u"e2b.app"_s, u"e2b.dev"_s, u"e2b.pro"_s, u"e2b-staging.dev"_s};
    return domains.contains(domain, Qt::CaseInsensitive);
}

// `text` as a base URL, or an error that names `source`.
Result<QUrl> baseUrl(const QString &text, const QString &source)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"http" && scheme != u"https") || url.host().isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"%1 is not an http(s) URL: %2"_s.arg(source, url.toDisplayString()));
    }
    if (!url.userInfo().isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"%1 must not carry credentials; the API key is sent as a header."_s.arg(
                        source));
    }
    if (!url.query().isEmpty() || !url.fragment().isEmpty())
        return fail(ErrorCode::InvalidArgument, u"%1 must be a base URL, without a query."_s.arg(source));
    QUrl base = url.adjusted(QUrl::StripTrailingSlash);
    if (base.path() == u"/")
        base.setPath({});
    base.setScheme(scheme);
    return base;
}

bool isDomain(const QString &text)
{
    static const QRegularExpression pattern(
        u"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+(:[0-9]{1,5})?$"_s);
    return pattern.match(text).hasMatch();
}

} // namespace

Result<E2bEndpoint> E2bEndpoint::resolve(const E2bLocation &profile,
                                         const QProcessEnvironment &environment)
{
    // One setting: the environment's value when set, else the profile's, with its source.
    const auto pick = [&](const QString &variable, const QString &fromProfile,
                          const QString &setting) -> std::pair<QString, QString> {
        const QString value = environment.value(variable).trimmed();
        if (!value.isEmpty())
            return {value, variable};
        return {fromProfile.trimmed(), setting};
    };

    E2bEndpoint endpoint;
    endpoint.m_debug = environment.value(u"E2B_DEBUG"_s).trimmed().compare(u"true"_s, Qt::CaseInsensitive) == 0;

    const auto [domain, domainSource] = pick(u"E2B_DOMAIN"_s, profile.domain, u"The profile's E2B domain"_s);
    endpoint.m_domain = domain.isEmpty() ? QString(DefaultDomain) : domain.toLower();
    if (!isDomain(endpoint.m_domain)) {
        return fail(ErrorCode::InvalidArgument,
                    u"%1 is not a domain name: %2"_s.arg(domainSource, endpoint.m_domain));
    }

    const auto [api, apiSource] = pick(u"E2B_API_URL"_s, profile.apiUrl, u"The profile's E2B API URL"_s);
    if (!api.isEmpty()) {
        auto url = baseUrl(api, apiSource);
        if (!url)
            return fail(url.error());
        endpoint.m_apiUrl = *url;
    } else {
        endpoint.m_apiUrl = endpoint.m_debug ? QUrl(u"http://localhost:3000"_s)
                                             : QUrl(u"https://api."_s + endpoint.m_domain);
    }

    const auto [sandbox, sandboxSource]
        = pick(u"E2B_SANDBOX_URL"_s, profile.sandboxUrl, u"The profile's E2B sandbox URL"_s);
    if (!sandbox.isEmpty()) {
        auto url = baseUrl(sandbox, sandboxSource);
        if (!url)
            return fail(url.error());
        endpoint.m_sandboxUrl = *url;
    }
    return endpoint;
}

E2bEndpoint::EnvdRoute E2bEndpoint::envdRoute(const QString &sandboxId,
                                              const QString &sandboxDomain) const
{
    const QString domain = sandboxDomain.isEmpty() ? m_domain : sandboxDomain.toLower();
    const QString host = u"%1-%2.%3"_s.arg(EnvdPort).arg(sandboxId, domain);
    EnvdRoute route;
    if (!m_sandboxUrl.isEmpty())
        route.baseUrl = m_sandboxUrl;
    else if (m_debug)
        route.baseUrl = QUrl(u"http://localhost:%1"_s.arg(EnvdPort));
    else if (servesSharedSandboxHost(domain))
        route.baseUrl = QUrl(u"https://sandbox."_s + domain);
    else
        route.baseUrl = QUrl(u"https://"_s + host);
    // Sent whichever form the URL takes, as the JS SDK does: the shared host and a configured
    // sandbox URL route by them, and a per-sandbox host ignores them.
    route.headers = {{"E2b-Sandbox-Id", sandboxId.toUtf8()},
                     {"E2b-Sandbox-Port", QByteArray::number(EnvdPort)}};
    return route;
}

} // namespace squad
