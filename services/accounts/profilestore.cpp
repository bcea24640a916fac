// SPDX-License-Identifier: MIT
#include "profilestore.h"

#include "core/redaction.h"
#include "core/validation.h"
#include "git/gitinput.h"

#include <QRegularExpression>
#include <QSettings>
#include <QUrl>

#include <cmath>
#include <tuple>

using namespace Qt::StringLiterals;

namespace squad {

static const QString Group = u"profiles"_s;
static const QString ActiveKey = u"activeProfile"_s;

QString Profile::effectiveE2bApiUrl() const
{
    return e2bApiUrl.isEmpty() ? u"https://api."_s + e2bDomain : e2bApiUrl;
}

Result<QString> ProfileStore::validateName(const QString &name)
{
    static const QRegularExpression allowed(uR"(^[A-Za-z0-9._-]{1,64}$)"_s);
    const QString trimmed = name.trimmed();
    if (!allowed.match(trimmed).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid profile name: use letters, digits, '.', '_' or '-' "
                    "(at most 64)"_s.arg(name.left(80)));
    }
    return trimmed;
}

static Result<QString> validateHttpUrl(const QString &text, const QString &what)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || (scheme != u"https" && scheme != u"http") || url.host().isEmpty()
        || !url.userInfo().isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid %2: expected https://host[/path], without "
                    "credentials"_s.arg(redactUrl(text.left(200)), what));
    }
    QString normalised = url.toString(QUrl::StripTrailingSlash);
    return normalised;
}

Result<Profile> ProfileStore::validate(Profile profile)
{
    auto name = validateName(profile.name);
    if (!name)
        return fail(name.error());
    profile.name = *name;
    static const QRegularExpression domain(uR"(^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$)"_s);
    profile.e2bDomain = profile.e2bDomain.trimmed();
    if (!domain.match(profile.e2bDomain).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid E2B domain: expected a host name such as e2b.app"_s.arg(
                        profile.e2bDomain.left(100)));
    }
    if (!profile.e2bApiUrl.trimmed().isEmpty()) {
        auto url = validateHttpUrl(profile.e2bApiUrl, u"E2B API URL"_s);
        if (!url)
            return fail(url.error());
        profile.e2bApiUrl = *url;
    } else {
        profile.e2bApiUrl.clear();
    }
    auto templateId = validateTemplateId(profile.defaultTemplate);
    if (!templateId)
        return fail(templateId.error());
    profile.defaultTemplate = *templateId;
    auto github = validateHttpUrl(profile.githubApiUrl, u"GitHub API URL"_s);
    if (!github)
        return fail(github.error());
    profile.githubApiUrl = *github;
    auto author = validateGitIdentity(profile.gitAuthorName, profile.gitAuthorEmail);
    if (!author)
        return fail(author.error());
    std::tie(profile.gitAuthorName, profile.gitAuthorEmail) = *author;
    for (const double rate : {profile.costRates.vcpuPerSecond, profile.costRates.gibPerSecond}) {
        if (!std::isfinite(rate) || rate < 0) {
            return fail(ErrorCode::InvalidArgument,
                        u"A cost rate must be a number of dollars per second, 0 or more (not %1)."_s
                            .arg(rate));
        }
    }
    profile.githubAppClientId = profile.githubAppClientId.trimmed();
    profile.githubAppInstallationId = profile.githubAppInstallationId.trimmed();
    static const QRegularExpression clientId(uR"(^[A-Za-z0-9._-]{1,100}$)"_s);
    if (!profile.githubAppClientId.isEmpty() && !clientId.match(profile.githubAppClientId).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a GitHub App client ID: copy it from the app's settings page "
                    "(it looks like Iv23li…), or give the numeric app ID."_s.arg(
                        profile.githubAppClientId.left(100)));
    }
    static const QRegularExpression installation(uR"(^[1-9][0-9]{0,19}$)"_s);
    if (!profile.githubAppInstallationId.isEmpty()
        && !installation.match(profile.githubAppInstallationId).hasMatch()) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a GitHub App installation ID: it is the number at the end of "
                    "the installation's settings URL."_s.arg(profile.githubAppInstallationId.left(100)));
    }
    if (profile.githubAppClientId.isEmpty() != profile.githubAppInstallationId.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"A GitHub App needs both its client ID and its installation ID."_s);
    }
    return profile;
}

bool ProfileStore::exists(const QString &name) const
{
    if (name == QLatin1String(DefaultProfile))
        return true;
    m_settings.beginGroup(Group);
    const bool found = m_settings.childGroups().contains(name);
    m_settings.endGroup();
    return found;
}

QList<Profile> ProfileStore::list() const
{
    m_settings.beginGroup(Group);
    QStringList names = m_settings.childGroups();
    m_settings.endGroup();
    if (!names.contains(QLatin1String(DefaultProfile)))
        names.prepend(QLatin1String(DefaultProfile));
    names.sort();
    QList<Profile> profiles;
    for (const QString &name : std::as_const(names)) {
        if (auto profile = get(name))
            profiles << *profile;
    }
    return profiles;
}

Result<Profile> ProfileStore::get(const QString &name) const
{
    if (!exists(name))
        return fail(ErrorCode::NotFound, u"There is no profile \"%1\""_s.arg(name));
    Profile profile;
    profile.name = name;
    m_settings.beginGroup(Group + u'/' + name);
    profile.e2bDomain = m_settings.value(u"e2bDomain"_s, profile.e2bDomain).toString();
    profile.e2bApiUrl = m_settings.value(u"e2bApiUrl"_s).toString();
    profile.defaultTemplate = m_settings.value(u"defaultTemplate"_s, profile.defaultTemplate)
                                  .toString();
    profile.githubApiUrl = m_settings.value(u"githubApiUrl"_s, profile.githubApiUrl).toString();
    profile.gitAuthorName = m_settings.value(u"gitAuthorName"_s).toString();
    profile.gitAuthorEmail = m_settings.value(u"gitAuthorEmail"_s).toString();
    profile.githubAppClientId = m_settings.value(u"githubAppClientId"_s).toString();
    profile.githubAppInstallationId = m_settings.value(u"githubAppInstallationId"_s).toString();
    // Rates not set (or not numbers) stay E2B's; validate() refuses negative ones on writing.
    bool ok = false;
    if (const double rate = m_settings.value(u"costVcpuPerSecond"_s).toDouble(&ok); ok && rate >= 0)
        profile.costRates.vcpuPerSecond = rate;
    if (const double rate = m_settings.value(u"costGibPerSecond"_s).toDouble(&ok); ok && rate >= 0)
        profile.costRates.gibPerSecond = rate;
    m_settings.endGroup();
    return profile;
}

void ProfileStore::write(const Profile &profile)
{
    m_settings.beginGroup(Group + u'/' + profile.name);
    m_settings.setValue(u"e2bDomain"_s, profile.e2bDomain);
    m_settings.setValue(u"e2bApiUrl"_s, profile.e2bApiUrl);
    m_settings.setValue(u"defaultTemplate"_s, profile.defaultTemplate);
    m_settings.setValue(u"githubApiUrl"_s, profile.githubApiUrl);
    m_settings.setValue(u"gitAuthorName"_s, profile.gitAuthorName);
    m_settings.setValue(u"gitAuthorEmail"_s, profile.gitAuthorEmail);
    m_settings.setValue(u"githubAppClientId"_s, profile.githubAppClientId);
    m_settings.setValue(u"githubAppInstallationId"_s, profile.githubAppInstallationId);
    m_settings.setValue(u"costVcpuPerSecond"_s, profile.costRates.vcpuPerSecond);
    m_settings.setValue(u"costGibPerSecond"_s, profile.costRates.gibPerSecond);
    m_settings.endGroup();
    m_settings.sync();
}

Result<void> ProfileStore::add(const Profile &profile)
{
    auto valid = validate(profile);
    if (!valid)
        return fail(valid.error());
    if (exists(valid->name))
        return fail(ErrorCode::Conflict, u"A profile named \"%1\" already exists"_s.arg(valid->name));
    write(*valid);
    return {};
}

Result<void> ProfileStore::update(const Profile &profile)
{
    auto valid = validate(profile);
    if (!valid)
        return fail(valid.error());
    if (!exists(valid->name))
        return fail(ErrorCode::NotFound, u"There is no profile \"%1\""_s.arg(valid->name));
    write(*valid);
    return {};
}

Result<void> ProfileStore::rename(const QString &from, const QString &to)
{
    auto newName = validateName(to);
    if (!newName)
        return fail(newName.error());
    if (from == QLatin1String(DefaultProfile))
        return fail(ErrorCode::InvalidArgument, u"The default profile cannot be renamed"_s);
    auto profile = get(from);
    if (!profile)
        return fail(profile.error());
    if (exists(*newName))
        return fail(ErrorCode::Conflict, u"A profile named \"%1\" already exists"_s.arg(*newName));
    const bool wasActive = activeName() == from;
    m_settings.remove(Group + u'/' + from);
    profile->name = *newName;
    write(*profile);
    if (wasActive)
        m_settings.setValue(ActiveKey, *newName);
    m_settings.sync();
    return {};
}

Result<void> ProfileStore::remove(const QString &name)
{
    if (name == QLatin1String(DefaultProfile))
        return fail(ErrorCode::InvalidArgument, u"The default profile cannot be removed"_s);
    if (!exists(name))
        return fail(ErrorCode::NotFound, u"There is no profile \"%1\""_s.arg(name));
    m_settings.remove(Group + u'/' + name);
    if (activeName() == name)
        m_settings.remove(ActiveKey);
    m_settings.sync();
    return {};
}

QString ProfileStore::activeName() const
{
    const QString name = m_settings.value(ActiveKey).toString();
    return !name.isEmpty() && exists(name) ? name : QLatin1String(DefaultProfile);
}

Result<void> ProfileStore::setActive(const QString &name)
{
    if (!exists(name))
        return fail(ErrorCode::NotFound, u"There is no profile \"%1\""_s.arg(name));
    m_settings.setValue(ActiveKey, name);
    m_settings.sync();
    return {};
}

Profile ProfileStore::active() const
{
    if (auto profile = get(activeName()))
        return *profile;
    Profile fallback;
    fallback.name = QLatin1String(DefaultProfile);
    return fallback;
}

} // namespace squad
