// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QFuture>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace squad {

class Database;
class SandboxService;

// A token for git over HTTPS and the one origin it is sent to.
struct GitCredential
{
    QString origin;  // scheme://host[:port], e.g. https://github.com
    QString token;   // a secret: never logged, stored or put on a command line

    bool isEmpty() const { return origin.isEmpty() || token.isEmpty(); }
    // The web origin of a GitHub API URL: https://api.github.com → https://github.com,
    // https://HOST/api/v3 (Enterprise Server) → https://HOST. Empty for a malformed URL.
    static QString originOfGitHubApi(const QString &apiUrl);
};

// Who commits: passed as GIT_AUTHOR_* and GIT_COMMITTER_*. Empty = the sandbox's git config.
struct GitIdentity
{
    QString name;
    QString email;
};

struct CloneOutcome
{
    QString folder;     // relative to the sandbox's home, e.g. repos/app
    QString remoteUrl;  // origin, as git has it
    QString branch;     // checked out; empty when HEAD is detached
    QString sha;        // HEAD; empty for an empty repository
    bool updated = false;  // the folder already held this clone: it was fetched instead
    bool pulled = false;   // ... and its branch fast-forwarded to (or already at) its upstream
    QString log;        // the commands and what git said, secrets masked
};

struct BranchOutcome
{
    QString folder;
    QString branch;
    QString sha;
    bool created = false;  // false: it existed and was checked out (the base was not used)
    QString log;
};

struct CommitOutcome
{
    QString folder;
    QString branch;
    QString sha;             // the new commit, or HEAD when there was nothing to commit
    bool committed = false;  // false: the working tree matched HEAD
    QString log;
};

// Where a sandbox repository stands: its branch, HEAD and origin.
struct RepoFacts
{
    QString folder;
    QString branch;     // empty when HEAD is detached
    QString sha;        // empty for an empty repository
    QString remoteUrl;  // origin; empty when there is none
};

struct PushOutcome
{
    QString folder;
    QString branch;
    QString remoteUrl;
    QString sha;                 // what the remote branch now points at
    QString upstream;            // e.g. origin/feature-x, set by the push
    bool upToDate = false;       // the remote already had it
    QStringList remoteMessages;  // the remote's "remote:" lines, e.g. a pull-request link
    QString log;
};

// git inside a sandbox, through SandboxService::run: works with every provider (each command
// is audited there as "sandbox.exec"; each operation here as "git.clone", "git.branch",
// "git.commit", "git.push"). Repositories live in folders under the sandbox's home, several
// per sandbox (repos/<name> by default).
//
// Input is checked before anything runs (remote, folder, branch names, the commit message as a
// conventional commit); refused input runs nothing. The credential reaches git only through
// the environment of the commands that talk to its origin (an http.<origin>/.extraHeader in
// GIT_CONFIG_*), never through argv, a remote URL or a config file, and it is masked in all
// output kept. Every git command runs with repository hooks off and prompts disabled.
//
// Lives on the SandboxService's thread; futures finish on it. A failure is an Error whose
// message quotes git (or the remote) and says what to do.
class GitOps : public QObject
{
    Q_OBJECT
public:
    GitOps(const Database &db, SandboxService &sandboxes, QObject *parent = nullptr);
    ~GitOps() override;

    void setCredential(const GitCredential &credential);
    void setIdentity(const GitIdentity &identity) { m_identity = identity; }

    // Clones `repoUrl` into `folder` (empty = repos/<name from the URL>). A folder that already
    // holds a clone of the same URL is fetched and fast-forwarded to its upstream instead; a
    // clone of another URL there is a Conflict. Local paths are remotes for local sandboxes only.
    QFuture<Result<CloneOutcome>> clone(const QString &sandboxId, const QString &repoUrl,
                                        const QString &folder = {});
    // Creates branch `name` from `base` (a branch, origin/<branch>, tag or commit; empty =
    // HEAD) and checks it out; an existing branch is checked out as it is.
    QFuture<Result<BranchOutcome>> branch(const QString &sandboxId, const QString &folder,
                                          const QString &name, const QString &base = {});
    // Stages everything (git add -A) and commits with `message`, which must be a conventional
    // commit; it reaches git on standard input. Nothing to commit is a success with
    // committed = false.
    QFuture<Result<CommitOutcome>> commit(const QString &sandboxId, const QString &folder,
                                          const QString &message);
    // Pushes local branch `branch` (empty = the one checked out) to origin under the same name
    // and sets it as the upstream. A rejection (not a fast-forward, a hook, a protected branch,
    // no permission) fails with the remote's own words.
    QFuture<Result<PushOutcome>> push(const QString &sandboxId, const QString &folder,
                                      const QString &branch = {});
    // The repository's branch, HEAD and origin, read with git's read-only commands.
    QFuture<Result<RepoFacts>> describe(const QString &sandboxId, const QString &folder);

private:
    struct Operation;
    struct Ran;
    enum class Access { Local, Network };
    using OperationPtr = std::shared_ptr<Operation>;

    [[nodiscard]] Result<OperationPtr> begin(const QString &action, const QString &sandboxId,
                                             const QString &folder);
    // Runs argv in the operation's folder (or the home, `inHome`).
    QFuture<Result<Ran>> run(const OperationPtr &op, const QStringList &argv,
                             QMap<QString, QString> environment, Access access,
                             bool inHome = false);
    QFuture<Result<Ran>> git(const OperationPtr &op, const QStringList &args,
                             Access access = Access::Local, bool inHome = false);
    QMap<QString, QString> environmentFor(const OperationPtr &op, Access access) const;
    // Branch, HEAD and origin of the operation's repository.
    using Facts = RepoFacts;
    QFuture<Result<Facts>> facts(const OperationPtr &op);
    Error failure(const OperationPtr &op, const QString &what, const Ran &ran) const;
    QString scrub(QString text) const;
    template<class T>
    QFuture<Result<T>> finish(const OperationPtr &op, QFuture<Result<T>> work,
                              std::function<QString(const T &)> describe);
    void audit(const OperationPtr &op, bool ok, const QString &detail) const;

    const Database &m_db;
    SandboxService &m_sandboxes;
    GitCredential m_credential;
    QStringList m_secretForms;  // the token as it could appear: raw and in its header
    GitIdentity m_identity;
};

} // namespace squad
