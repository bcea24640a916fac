// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QList>
#include <QString>

#include <utility>

namespace squad {

// The checks GitOps makes before anything runs in a sandbox. Each returns the value to use, or
// InvalidArgument with a sentence saying what to give instead. Pure functions: any thread.

// Where a remote may be: https://host/path; ssh://[user@]host[:port]/path; scp-like
// user@host:path; http:// only to a loopback host (a test or a local mirror: nothing crosses a
// network in clear); an absolute path only when `allowLocalPaths` (the local provider, whose
// commands run on this machine). Refused: other schemes (git://, file://, ext::, fd:: and any
// "<helper>::"), values starting with '-', control characters or spaces, and credentials in
// the URL (tokens belong in the keychain).
[[nodiscard]] Result<QString> validateGitRemote(const QString &url, bool allowLocalPaths);

// The folder a clone of `url` gets when none is named: repos/<last path segment without .git>,
// reduced to letters, digits, '.', '_' and '-'.
QString defaultRepoFolder(const QString &url);

// A folder relative to the sandbox's home, such as "repos/app": segments of letters, digits,
// '.', '_' and '-' that start with a letter, digit or '_' ("..", absolute paths and option-like
// names cannot pass). Returns it without a trailing '/'.
[[nodiscard]] Result<QString> validateRepoFolder(const QString &folder);

// A branch name git accepts for refs/heads/<name> (libgit2's ref-name rules: no "..", no
// "@{", no '~', '^', ':', '?', '*', '[', '\\', spaces or control characters, no ".lock" or '/'
// at the end), and not "HEAD" nor starting with '-'. `what` names it in the message.
[[nodiscard]] Result<QString> validateBranchName(const QString &name,
                                                 const QString &what = QStringLiteral("branch"));

// A conventional commit (https://www.conventionalcommits.org/en/v1.0.0/), as parsed.
struct ConventionalCommit
{
    QString type;     // feat, fix, docs, style, refactor, perf, test, build, ci, chore, revert
    QString scope;    // empty when none
    QString subject;  // the description after ": "
    QString body;     // the paragraphs between the header and the footers
    QList<std::pair<QString, QString>> footers;  // "Token: value" / "Token #value", in order
    bool breaking = false;  // '!' before the colon, or a BREAKING CHANGE footer

    static const QStringList &types();
};

// The header "type(scope)!: subject" (scope and '!' optional), then optionally a blank line and
// a body, then optionally footers ("Token: value", "Token #value", "BREAKING CHANGE: ..."). Line
// ends are normalised to "\n"; NUL and other control characters (but tabs) are refused, and so
// is a message longer than 64 KiB.
[[nodiscard]] Result<ConventionalCommit> parseConventionalCommit(const QString &message);

// A git author: a name without '<', '>' or control characters, and an e-mail address with an
// '@' and no spaces. Both empty means "none" and passes.
[[nodiscard]] Result<std::pair<QString, QString>> validateGitIdentity(const QString &name,
                                                                      const QString &email);

} // namespace squad
