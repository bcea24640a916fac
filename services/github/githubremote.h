// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"
#include "github/githubtypes.h"

#include <QString>

namespace squad {

// The GitHub repository a git remote URL points at: https://HOST/OWNER/REPO(.git),
// ssh://git@HOST(:PORT)/OWNER/REPO(.git), the scp-like git@HOST:OWNER/REPO(.git), and
// git://. Credentials in the URL are ignored, never kept. Enterprise hosts are kept as they are.
[[nodiscard]] Result<GitHubRepo> gitHubRepoFromRemote(const QString &remoteUrl);

// "OWNER/REPO" (as `--repo` takes it), or "HOST/OWNER/REPO"; `defaultHost` fills in the host.
[[nodiscard]] Result<GitHubRepo> gitHubRepoFromSlug(const QString &slug, const QString &defaultHost);

// A pull request's web URL (https://HOST/OWNER/REPO/pull/N) → its repository and number.
struct PullRequestRef
{
    GitHubRepo repo;
    int number = 0;
};
[[nodiscard]] Result<PullRequestRef> pullRequestFromUrl(const QString &url);

// The REST base URL of a GitHub web host: github.com → https://api.github.com, any other host
// → https://HOST/api/v3 (Enterprise Server).
QString gitHubApiUrlForHost(const QString &host);
// The web host an API base URL serves: https://api.github.com → github.com,
// https://HOST/api/v3 → HOST, anything else → its host.
QString gitHubWebHostOfApi(const QString &apiUrl);

// Owner and repository names as GitHub allows them (letters, digits, '-', '_', '.').
[[nodiscard]] Result<void> validateGitHubName(const QString &name, const QString &what);

} // namespace squad
