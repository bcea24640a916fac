// SPDX-License-Identifier: MIT
#include "githubremote.h"

#include <QRegularExpression>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

QString stripGitSuffix(QString name)
{
    if (name.endsWith(u".git"_s, Qt::CaseInsensitive))
        name.chop(4);
    return name;
}

Result<GitHubRepo> repoFromPath(const QString &host, QString path, const QString &remoteUrl)
{
    while (path.startsWith(u'/'))
        path.remove(0, 1);
    while (path.endsWith(u'/'))
        path.chop(1);
    const QStringList parts = path.split(u'/');
    if (host.isEmpty() || parts.size() != 2) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a GitHub repository URL: expected https://HOST/OWNER/REPO, "
                    "git@HOST:OWNER/REPO or ssh://git@HOST/OWNER/REPO."_s.arg(remoteUrl));
    }
    GitHubRepo repo{host.toLower(), parts.at(0), stripGitSuffix(parts.at(1))};
    if (auto valid = validateGitHubName(repo.owner, u"owner"_s); !valid)
        return fail(valid.error());
    if (auto valid = validateGitHubName(repo.name, u"repository"_s); !valid)
        return fail(valid.error());
    return repo;
}

} // namespace

Result<void> validateGitHubName(const QString &name, const QString &what)
{
    static const QRegularExpression allowed(u"^[A-Za-z0-9_.-]{1,100}$"_s);
    if (!allowed.match(name).hasMatch() || name == u"."_s || name == u".."_s) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid GitHub %2 name: use letters, digits, '-', '_' and '.'."_s
                        .arg(name, what));
    }
    return {};
}

Result<GitHubRepo> gitHubRepoFromRemote(const QString &remoteUrl)
{
    const QString text = remoteUrl.trimmed();
    // scp-like: [user@]host:owner/repo — no scheme, and the colon comes before any slash.
    static const QRegularExpression scpLike(u"^(?:[^@/:\\s]+@)?([^@/:\\s]+):(?!//)([^\\s]+)$"_s);
    if (!text.contains(u"://"_s)) {
        const auto match = scpLike.match(text);
        if (!match.hasMatch()) {
            return fail(ErrorCode::InvalidArgument,
                        u"\"%1\" is not a GitHub repository URL: expected https://HOST/OWNER/REPO, "
                        "git@HOST:OWNER/REPO or ssh://git@HOST/OWNER/REPO."_s.arg(text));
        }
        return repoFromPath(match.captured(1), match.captured(2), text);
    }
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid()
        || !(scheme == u"https"_s || scheme == u"http"_s || scheme == u"ssh"_s
             || scheme == u"git"_s || scheme == u"git+ssh"_s)) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a GitHub repository URL: use https, ssh or git@HOST:OWNER/REPO."_s
                        .arg(url.toDisplayString(QUrl::RemoveUserInfo)));
    }
    // The user part is dropped: it may carry a token.
    return repoFromPath(url.host(), url.path(), url.toDisplayString(QUrl::RemoveUserInfo));
}

Result<GitHubRepo> gitHubRepoFromSlug(const QString &slug, const QString &defaultHost)
{
    const QStringList parts = slug.trimmed().split(u'/');
    if (parts.size() == 2)
        return repoFromPath(defaultHost, slug.trimmed(), slug);
    if (parts.size() == 3)
        return repoFromPath(parts.at(0), parts.at(1) + u'/' + parts.at(2), slug);
    return fail(ErrorCode::InvalidArgument,
                u"\"%1\" is not a repository: write OWNER/REPO (or HOST/OWNER/REPO)."_s.arg(slug));
}

Result<PullRequestRef> pullRequestFromUrl(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QStringList parts = url.path().split(u'/', Qt::SkipEmptyParts);
    bool numeric = false;
    const int number = parts.size() >= 4 ? parts.at(3).toInt(&numeric) : 0;
    if (!url.isValid() || url.host().isEmpty() || parts.size() < 4 || parts.at(2) != u"pull"_s
        || !numeric || number <= 0) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a pull request URL: expected https://HOST/OWNER/REPO/pull/NUMBER."_s
                        .arg(text));
    }
    auto repo = repoFromPath(url.host(), parts.at(0) + u'/' + parts.at(1), text);
    if (!repo)
        return fail(repo.error());
    return PullRequestRef{*repo, number};
}

QString gitHubApiUrlForHost(const QString &host)
{
    const QString lower = host.toLower();
    if (lower == u"github.com"_s || lower == u"www.github.com"_s)
        return u"https://api.github.com"_s;
    return u"https://%1/api/v3"_s.arg(lower);
}

QString gitHubWebHostOfApi(const QString &apiUrl)
{
    const QUrl url(apiUrl);
    const QString host = url.host().toLower();
    if (host == u"api.github.com"_s)
        return u"github.com"_s;
    if (host.startsWith(u"api."_s) && host.endsWith(u".ghe.com"_s))
        return host.mid(4);  // GHE.com data residency: api.SUBDOMAIN.ghe.com
    return host;
}

} // namespace squad
