// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QUrl>

#include <utility>

namespace squad {

// Where E2B is for one profile, as the profile's settings name it. Empty fields take the
// defaults the official SDKs use.
struct E2bLocation
{
    QString domain;      // "e2b.app" when empty
    QString apiUrl;      // an explicit control-plane URL (self-hosted deployments, tests)
    QString sandboxUrl;  // one base URL for every sandbox's envd (with the routing headers)
};

// The control plane's URL and the way to each sandbox's envd, resolved as the official SDKs
// resolve them (`ConnectionConfig` in e2b-dev/E2B): E2B_DOMAIN, E2B_API_URL, E2B_SANDBOX_URL
// and E2B_DEBUG from the environment, so a script written for the SDKs and the console point
// at the same place. The environment wins over the profile, as E2B_API_KEY does over the
// keychain.
class E2bEndpoint
{
public:
    static constexpr int EnvdPort = 49983;
    static constexpr QLatin1StringView DefaultDomain{"e2b.app"};

    // Refuses a URL that is not http(s), has no host, or carries credentials, naming the
    // setting or variable it came from.
    [[nodiscard]] static Result<E2bEndpoint> resolve(
        const E2bLocation &profile,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

    const QString &domain() const { return m_domain; }
    // "https://api.<domain>", E2B_API_URL, or the profile's API URL.
    const QUrl &apiUrl() const { return m_apiUrl; }
    bool debug() const { return m_debug; }

    // How to reach one sandbox's envd: a base URL plus the headers the proxy routes by.
    struct EnvdRoute
    {
        QUrl baseUrl;
        QList<std::pair<QByteArray, QByteArray>> headers;
    };
    // `sandboxDomain` is the domain E2B reported for the sandbox, when it reported one.
    EnvdRoute envdRoute(const QString &sandboxId, const QString &sandboxDomain = {}) const;

private:
    QString m_domain;
    QUrl m_apiUrl;
    QUrl m_sandboxUrl;
    bool m_debug = false;
};

} // namespace squad
