// SPDX-License-Identifier: MIT
#include "gitops.h"

#include "core/futures.h"
#include "core/platform.h"
#include "core/redaction.h"
#include "git/gitinput.h"
#include "sandbox/sandboxservice.h"
#include "store/auditlog.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QRegularExpression>
#include <QUrl>

#include <type_traits>

Q_LOGGING_CATEGORY(lcGit, "squad.git")

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int LocalTimeoutMs = 2 * 60 * 1000;
constexpr int NetworkTimeoutMs = 10 * 60 * 1000;
constexpr qsizetype MaxCapturedBytes = 1024 * 1024;  // per stream and command
constexpr qsizetype MaxDetailChars = 4000;

template<class>
struct FutureValue;
template<class T>
struct FutureValue<QFuture<T>>
{
    using type = T;
};

// The next step of an operation, taken only when the previous one succeeded; a failure skips
// to the end unchanged. Steps run on `context`'s thread.
template<class T, class Step>
auto andThen(QObject *context, QFuture<Result<T>> future, Step step)
{
    using Next = std::invoke_result_t<Step, T>;
    using NextResult = typename FutureValue<Next>::type;
    return future
        .then(context,
              [step = std::move(step)](Result<T> done) mutable -> Next {
                  if (!done)
                      return readyFuture<NextResult>(fail(done.error()));
                  return step(std::move(*done));
              })
        .unwrap();
}

template<class T>
QFuture<Result<T>> failed(Error error)
{
    return readyFuture<Result<T>>(fail(std::move(error)));
}

// scheme://host[:port], lower case, without the default port: the form git's URL matching and
// this class compare.
QString originOf(const QString &url)
{
    const QUrl parsed(url);
    const QString scheme = parsed.scheme().toLower();
    if (!parsed.isValid() || parsed.host().isEmpty() || (scheme != u"https" && scheme != u"http"))
        return {};
    QString origin = scheme + u"://"_s + parsed.host().toLower();
    if (const int port = parsed.port(); port > 0 && port != (scheme == u"https" ? 443 : 80))
        origin += u':' + QString::number(port);
    return origin;
}

QString firstLine(const QString &text)
{
    return text.section(u'\n', 0, 0).trimmed();
}

QString shortSha(const QString &sha)
{
    return sha.isEmpty() ? u"(no commits)"_s : sha.left(12);
}

// ANSI sequences and carriage returns that remote progress output carries.
QString plainLine(QString line)
{
    static const QRegularExpression ansi(uR"(\x1b\[[0-9;]*[A-Za-z])"_s);
    line.remove(ansi);
    line.remove(u'\r');
    return line.trimmed();
}

} // namespace

QString GitCredential::originOfGitHubApi(const QString &apiUrl)
{
    const QUrl url(apiUrl.trimmed());
    const QString host = url.host().toLower();
    if (!url.isValid() || host.isEmpty())
        return {};
    if (host == u"api.github.com")
        return u"https://github.com"_s;
    // Enterprise Server serves the API under /api/v3 of the host git talks to.
    QUrl web = url;
    web.setPath({});
    web.setQuery(QString());
    web.setFragment({});
    return originOf(web.toString());
}

struct GitOps::Operation
{
    QString action;     // git.clone, ...
    QString sandboxId;
    QString folder;     // relative to the sandbox's home
    bool localProvider = false;
    QString remoteUrl;  // the remote the network commands talk to; scopes the credential
    QString log;
};

struct GitOps::Ran
{
    QString command;  // for messages: argv joined
    int exitCode = 0;
    QString out;  // masked
    QString err;  // masked
};

GitOps::GitOps(const Database &db, SandboxService &sandboxes, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_sandboxes(sandboxes)
{}

GitOps::~GitOps() = default;

void GitOps::setCredential(const GitCredential &credential)
{
    m_credential = credential;
    m_credential.origin = originOf(credential.origin);
    m_secretForms.clear();
    if (credential.token.isEmpty())
        return;
    // Every shape the token takes on its way to git, so none of them survives in kept output.
    const QByteArray token = credential.token.toUtf8();
    m_secretForms << credential.token
                  << QString::fromLatin1(QByteArray("x-access-token:" + token).toBase64())
                  << QString::fromLatin1(token.toBase64());
}

QString GitOps::scrub(QString text) const
{
    for (const QString &secret : m_secretForms)
        text.replace(secret, u"***"_s);
    return redactSecrets(text);
}

Result<GitOps::OperationPtr> GitOps::begin(const QString &action, const QString &sandboxId,
                                           const QString &folder)
{
    auto sandbox = m_sandboxes.get(sandboxId);
    if (!sandbox)
        return fail(sandbox.error());
    auto op = std::make_shared<Operation>();
    op->action = action;
    op->sandboxId = sandbox->id;
    op->folder = folder;
    op->localProvider = sandbox->provider == u"local";
    return op;
}

QMap<QString, QString> GitOps::environmentFor(const OperationPtr &op, Access access) const
{
    QMap<QString, QString> env;
    // git's messages are parsed (rejections, "nothing to commit"): they must be in English.
    env.insert(u"LC_ALL"_s, u"C"_s);
    env.insert(u"GIT_TERMINAL_PROMPT"_s, u"0"_s);
    env.insert(u"GIT_TRACE_REDACT"_s, u"1"_s);
    env.insert(u"GIT_TRACE_CURL"_s, u"0"_s);

    // Command-line scope: it outranks the repository's own config, which whoever works in the
    // sandbox controls. Hooks and helpers the repository names would run with this
    // environment, the credential included.
    QList<std::pair<QString, QString>> config{
        {u"core.hooksPath"_s, u"/dev/null"_s},
        {u"core.fsmonitor"_s, u"false"_s},
        {u"credential.helper"_s, QString()},  // empty: forget the helpers configured so far
        {u"protocol.ext.allow"_s, u"never"_s},
    };
    if (access == Access::Network && !m_credential.isEmpty()
        && originOf(op->remoteUrl) == m_credential.origin) {
        const QByteArray basic
            = QByteArray("x-access-token:" + m_credential.token.toUtf8()).toBase64();
        config.append({u"http.%1/.extraheader"_s.arg(m_credential.origin),
                       u"Authorization: Basic "_s + QString::fromLatin1(basic)});
    }
    env.insert(u"GIT_CONFIG_COUNT"_s, QString::number(config.size()));
    for (qsizetype i = 0; i < config.size(); ++i) {
        env.insert(u"GIT_CONFIG_KEY_%1"_s.arg(i), config.at(i).first);
        env.insert(u"GIT_CONFIG_VALUE_%1"_s.arg(i), config.at(i).second);
    }
    return env;
}

QFuture<Result<GitOps::Ran>> GitOps::run(const OperationPtr &op, const QStringList &argv,
                                         QMap<QString, QString> environment, Access access,
                                         bool inHome)
{
    const QMap<QString, QString> base = environmentFor(op, access);
    for (auto it = base.cbegin(); it != base.cend(); ++it)
        environment.insert(it.key(), it.value());
    CommandSpec spec;
    spec.argv = argv;
    spec.workingDirectory = inHome ? QString() : op->folder;
    spec.environment = environment;
    spec.timeoutMs = access == Access::Network ? NetworkTimeoutMs : LocalTimeoutMs;

    struct Capture
    {
        QByteArray out;
        QByteArray err;
        QPromise<Result<Ran>> promise;
    };
    auto capture = std::make_shared<Capture>();
    capture->promise.start();
    const QString command = argv.join(u' ');
    CommandRun *commandRun = m_sandboxes.run(op->sandboxId, spec, this);
    connect(commandRun, &CommandRun::output, this,
            [capture](CommandRun::Channel channel, const QByteArray &data) {
                QByteArray &buffer = channel == CommandRun::Channel::Stdout ? capture->out
                                                                            : capture->err;
                buffer.append(data.left(MaxCapturedBytes - buffer.size()));
            });
    connect(commandRun, &CommandRun::finished, this,
            [this, op, capture, commandRun, command, timeoutMs = spec.timeoutMs] {
                commandRun->deleteLater();
                const Result<CommandOutcome> &result = commandRun->result();
                Ran ran;
                ran.command = scrub(command);
                ran.out = scrub(QString::fromUtf8(capture->out));
                ran.err = scrub(QString::fromUtf8(capture->err));
                op->log += u"$ "_s + ran.command + u'\n' + ran.err;
                if (!ran.err.isEmpty() && !ran.err.endsWith(u'\n'))
                    op->log += u'\n';
                if (!result) {
                    const Error &error = result.error();
                    capture->promise.addResult(fail(error.code(), scrub(error.message()),
                                                    scrub(error.detail())));
                } else if (result->timedOut) {
                    capture->promise.addResult(fail(
                        ErrorCode::Timeout,
                        u"%1 in %2 did not finish within %3 s and was ended"_s.arg(
                            ran.command, op->folder.isEmpty() ? u"the home"_s : op->folder)
                            .arg(timeoutMs / 1000)));
                } else {
                    ran.exitCode = result->exitCode;
                    capture->promise.addResult(std::move(ran));
                }
                capture->promise.finish();
            });
    return capture->promise.future();
}

QFuture<Result<GitOps::Ran>> GitOps::git(const OperationPtr &op, const QStringList &args,
                                         Access access, bool inHome)
{
    return run(op, QStringList{u"git"_s} + args, {}, access, inHome);
}

Error GitOps::failure(const OperationPtr &op, const QString &what, const Ran &ran) const
{
    const QString text = ran.err + u'\n' + ran.out;
    // git says what went wrong in its last "fatal:" or "error:" line.
    QString said;
    const QStringList lines = text.split(u'\n');
    for (auto it = lines.crbegin(); it != lines.crend() && said.isEmpty(); ++it) {
        const QString line = plainLine(*it);
        if (line.startsWith(u"fatal: "_s) || line.startsWith(u"error: "_s))
            said = line.mid(line.indexOf(u' ') + 1);
    }
    if (said.isEmpty()) {
        for (auto it = lines.crbegin(); it != lines.crend() && said.isEmpty(); ++it)
            said = plainLine(*it);
    }
    if (said.isEmpty())
        said = u"exit code %1"_s.arg(ran.exitCode);
    const QString where = op->folder.isEmpty() ? u"the sandbox"_s : op->folder;
    const QString detail = u"%1: exit %2\n%3"_s.arg(ran.command).arg(ran.exitCode).arg(
        text.trimmed().right(MaxDetailChars));
    const QString remote = redactUrl(op->remoteUrl);

    const auto has = [&](const char *needle) {
        return text.contains(QLatin1String(needle), Qt::CaseInsensitive);
    };
    if (has("could not read Username") || has("terminal prompts disabled")
        || has("Authentication failed") || has("returned error: 401")) {
        const QString origin = originOf(op->remoteUrl);
        QString message;
        if (m_credential.isEmpty() || origin != m_credential.origin) {
            message = u"%1 asks for credentials and there is no GitHub token for it: store one "
                       "with `squadctl auth set github` (or Settings → Accounts) or set "
                       "GITHUB_TOKEN, and check the profile's GitHub URL"_s.arg(remote);
        } else {
            message = u"%1 refused the GitHub token: it may be expired, revoked or lack access "
                       "to this repository; store a valid one with `squadctl auth set github`"_s
                          .arg(remote);
        }
        return Error(ErrorCode::Unauthenticated, u"git %1 failed: %2"_s.arg(what, message), detail);
    }
    if (has("returned error: 403") || (has("Permission to") && has("denied"))) {
        return Error(ErrorCode::PermissionDenied,
                     u"git %1 failed: %2 denied access (%3); the token needs write access to "
                     "the repository"_s.arg(what, remote, said),
                     detail);
    }
    if (has("Repository not found") || has("returned error: 404")
        || has("does not appear to be a git repository")) {
        return Error(ErrorCode::NotFound,
                     u"git %1 failed: there is no repository at %2 (%3); check the URL, or the "
                     "token's access to a private repository"_s.arg(what, remote, said),
                     detail);
    }
    if (has("Could not resolve host") || has("Failed to connect") || has("Connection refused")
        || has("Connection timed out") || has("unable to access")) {
        return Error(ErrorCode::Unavailable,
                     u"git %1 failed: %2 could not be reached from the sandbox (%3)"_s.arg(
                         what, remote, said),
                     detail);
    }
    if (has("Please tell me who you are") || has("Author identity unknown")
        || has("empty ident name")) {
        return Error(
            ErrorCode::InvalidArgument,
            u"git %1 failed in %2: no author is set; give the profile a git author "
            "name and e-mail (or pass --author-name and --author-email)"_s.arg(what, where),
            detail);
    }
    return Error(ErrorCode::Conflict, u"git %1 failed in %2: %3"_s.arg(what, where, said), detail);
}

QFuture<Result<RepoFacts>> GitOps::describe(const QString &sandboxId, const QString &folder)
{
    auto valid = validateRepoFolder(folder);
    if (!valid)
        return readyFuture<Result<RepoFacts>>(tl::unexpected(valid.error()));
    auto op = begin(u"git.describe"_s, sandboxId, *valid);
    if (!op)
        return readyFuture<Result<RepoFacts>>(tl::unexpected(op.error()));
    return facts(*op);
}

QFuture<Result<GitOps::Facts>> GitOps::facts(const OperationPtr &op)
{
    auto facts = std::make_shared<Facts>();
    facts->folder = op->folder;
    auto branch = git(op, {u"symbolic-ref"_s, u"--short"_s, u"-q"_s, u"HEAD"_s});
    auto sha = andThen(this, branch, [this, op, facts](Ran ran) {
        // 1: HEAD is detached, which is a fact rather than a failure.
        if (ran.exitCode > 1)
            return failed<Ran>(failure(op, u"symbolic-ref"_s, ran));
        facts->branch = ran.exitCode == 0 ? firstLine(ran.out) : QString();
        return git(op, {u"rev-parse"_s, u"-q"_s, u"--verify"_s, u"HEAD"_s});
    });
    auto remote = andThen(this, sha, [this, op, facts](Ran ran) {
        // 1: no commit yet (an empty repository).
        if (ran.exitCode > 1)
            return failed<Ran>(failure(op, u"rev-parse"_s, ran));
        facts->sha = ran.exitCode == 0 ? firstLine(ran.out) : QString();
        return git(op, {u"remote"_s, u"get-url"_s, u"origin"_s});
    });
    return andThen(this, remote, [facts](Ran ran) {
        // No origin (2) leaves the URL empty.
        facts->remoteUrl = ran.exitCode == 0 ? firstLine(ran.out) : QString();
        return readyFuture<Result<Facts>>(*facts);
    });
}

void GitOps::audit(const OperationPtr &op, bool ok, const QString &detail) const
{
    const QString text = scrub(detail).left(MaxDetailChars);
    auto appended = AuditLog(m_db).append(
        {0, {}, osUserName(), op->action, op->sandboxId, ok ? u"ok"_s : u"failed"_s, text});
    if (!appended)
        qCWarning(lcGit) << "audit of" << op->action << "failed:" << appended.error().toString();
}

template<class T>
QFuture<Result<T>> GitOps::finish(const OperationPtr &op, QFuture<Result<T>> work,
                                  std::function<QString(const T &)> describe)
{
    return work.then(this, [this, op, describe](Result<T> done) -> Result<T> {
        if (!done) {
            audit(op, false, u"%1: %2"_s.arg(op->folder, done.error().toString()));
            return done;
        }
        done->log = op->log;
        audit(op, true, describe(*done));
        return done;
    });
}

QFuture<Result<CloneOutcome>> GitOps::clone(const QString &sandboxId, const QString &repoUrl,
                                            const QString &folderText)
{
    auto op = begin(u"git.clone"_s, sandboxId, {});
    if (!op)
        return failed<CloneOutcome>(op.error());
    auto url = validateGitRemote(repoUrl, (*op)->localProvider);
    if (!url)
        return failed<CloneOutcome>(url.error());
    auto folder = validateRepoFolder(folderText.isEmpty() ? defaultRepoFolder(*url) : folderText);
    if (!folder)
        return failed<CloneOutcome>(folder.error());
    const OperationPtr operation = *op;
    operation->folder = *folder;
    operation->remoteUrl = *url;

    auto outcome = std::make_shared<CloneOutcome>();
    outcome->folder = *folder;
    // A folder that is the top of a repository answers ".git"; one inside another repository
    // (or no repository) answers otherwise or fails.
    auto probed = git(operation, {u"-C"_s, *folder, u"rev-parse"_s, u"--git-dir"_s},
                      Access::Local, true);
    auto updated = andThen(this, probed, [this, operation, outcome, url = *url](Ran ran) {
        if (ran.exitCode != 0 || firstLine(ran.out) != u".git") {
            return andThen(this,
                           git(operation, {u"clone"_s, u"--"_s, url, operation->folder},
                               Access::Network, true),
                           [this, operation](Ran cloned) {
                               if (cloned.exitCode != 0)
                                   return failed<Ran>(failure(operation, u"clone"_s, cloned));
                               return readyFuture<Result<Ran>>(cloned);
                           });
        }
        outcome->updated = true;
        auto origin = git(operation, {u"remote"_s, u"get-url"_s, u"origin"_s});
        auto fetched = andThen(this, origin, [this, operation, url](Ran ran) {
            const QString existing = firstLine(ran.out);
            const auto bare = [](QString u) {
                while (u.endsWith(u'/'))
                    u.chop(1);
                if (u.endsWith(u".git"_s))
                    u.chop(4);
                return u;
            };
            if (ran.exitCode != 0 || bare(existing) != bare(url)) {
                return failed<Ran>(Error(
                    ErrorCode::Conflict,
                    u"%1 already holds a clone of %2, not of %3: clone into another folder"_s.arg(
                        operation->folder,
                        ran.exitCode == 0 ? redactUrl(existing) : u"a repository without origin"_s,
                        redactUrl(url))));
            }
            return git(operation, {u"fetch"_s, u"--prune"_s, u"origin"_s}, Access::Network);
        });
        auto upstream = andThen(this, fetched, [this, operation](Ran ran) {
            if (ran.exitCode != 0)
                return failed<Ran>(failure(operation, u"fetch"_s, ran));
            return git(operation, {u"rev-parse"_s, u"-q"_s, u"--abbrev-ref"_s,
                                   u"--symbolic-full-name"_s, u"@{upstream}"_s});
        });
        return andThen(this, upstream, [this, operation, outcome](Ran ran) {
            // A branch without an upstream (made here, never pushed) has nothing to pull.
            if (ran.exitCode != 0)
                return readyFuture<Result<Ran>>(ran);
            return andThen(this, git(operation, {u"merge"_s, u"--ff-only"_s, u"@{upstream}"_s}),
                           [this, operation, outcome](Ran merged) {
                               if (merged.exitCode != 0) {
                                   Error error = failure(operation, u"pull"_s, merged);
                                   return failed<Ran>(Error(
                                       ErrorCode::Conflict,
                                       error.message()
                                           + u" (the branch and its upstream have diverged, or "
                                             "local changes are in the way)"_s,
                                       error.detail()));
                               }
                               outcome->pulled = true;
                               return readyFuture<Result<Ran>>(merged);
                           });
        });
    });
    auto described = andThen(this, updated, [this, operation, outcome](Ran) {
        return andThen(this, facts(operation), [outcome](Facts facts) {
            outcome->branch = facts.branch;
            outcome->sha = facts.sha;
            outcome->remoteUrl = facts.remoteUrl;
            return readyFuture<Result<CloneOutcome>>(*outcome);
        });
    });
    return finish<CloneOutcome>(operation, described, [](const CloneOutcome &done) {
        return u"%1 %2 into %3: %4 at %5"_s.arg(done.updated ? u"updated"_s : u"cloned"_s,
                                                 done.remoteUrl, done.folder,
                                                 done.branch.isEmpty() ? u"HEAD"_s : done.branch,
                                                 shortSha(done.sha));
    });
}

QFuture<Result<BranchOutcome>> GitOps::branch(const QString &sandboxId, const QString &folderText,
                                              const QString &name, const QString &base)
{
    auto folder = validateRepoFolder(folderText);
    if (!folder)
        return failed<BranchOutcome>(folder.error());
    auto branchName = validateBranchName(name);
    if (!branchName)
        return failed<BranchOutcome>(branchName.error());
    if (!base.isEmpty() && base != u"HEAD") {
        if (auto valid = validateBranchName(base, u"base"_s); !valid)
            return failed<BranchOutcome>(valid.error());
    }
    auto op = begin(u"git.branch"_s, sandboxId, *folder);
    if (!op)
        return failed<BranchOutcome>(op.error());
    const OperationPtr operation = *op;
    auto outcome = std::make_shared<BranchOutcome>();
    outcome->folder = *folder;
    outcome->branch = *branchName;

    const QString ref = u"refs/heads/"_s + *branchName;
    auto exists = git(operation, {u"rev-parse"_s, u"-q"_s, u"--verify"_s, ref});
    auto switched = andThen(this, exists, [this, operation, outcome, base](Ran ran) {
        if (ran.exitCode == 0) {
            return andThen(this, git(operation, {u"switch"_s, outcome->branch}),
                           [this, operation](Ran done) {
                               if (done.exitCode != 0)
                                   return failed<Ran>(failure(operation, u"switch"_s, done));
                               return readyFuture<Result<Ran>>(done);
                           });
        }
        outcome->created = true;
        const auto create = [this, operation, outcome](const QString &start) {
            QStringList args{u"switch"_s, u"--no-track"_s, u"-c"_s, outcome->branch};
            if (!start.isEmpty())
                args << start;
            return andThen(this, git(operation, args), [this, operation](Ran done) {
                if (done.exitCode != 0)
                    return failed<Ran>(failure(operation, u"switch -c"_s, done));
                return readyFuture<Result<Ran>>(done);
            });
        };
        if (base.isEmpty())
            return create({});
        // A base the clone only knows as origin/<base> (a fresh clone has one local branch).
        auto local
            = git(operation, {u"rev-parse"_s, u"-q"_s, u"--verify"_s, base + u"^{commit}"_s});
        return andThen(this, local, [this, operation, base, create](Ran found) {
            if (found.exitCode == 0)
                return create(firstLine(found.out));
            auto remote = git(operation, {u"rev-parse"_s, u"-q"_s, u"--verify"_s,
                                          u"refs/remotes/origin/%1^{commit}"_s.arg(base)});
            return andThen(this, remote, [operation, base, create](Ran there) {
                if (there.exitCode != 0) {
                    return failed<Ran>(Error(
                        ErrorCode::NotFound,
                        u"There is no branch, tag or commit \"%1\" in %2 (nor origin/%1): "
                        "fetch it first by cloning again, or name another base"_s.arg(
                            base, operation->folder)));
                }
                return create(firstLine(there.out));
            });
        });
    });
    auto described = andThen(this, switched, [this, operation, outcome](Ran) {
        return andThen(this, facts(operation), [outcome](Facts facts) {
            outcome->sha = facts.sha;
            return readyFuture<Result<BranchOutcome>>(*outcome);
        });
    });
    return finish<BranchOutcome>(operation, described, [](const BranchOutcome &done) {
        return u"%1 branch %2 in %3 at %4"_s.arg(done.created ? u"created"_s : u"checked out"_s,
                                                  done.branch, done.folder, shortSha(done.sha));
    });
}

QFuture<Result<CommitOutcome>> GitOps::commit(const QString &sandboxId, const QString &folderText,
                                              const QString &message)
{
    auto folder = validateRepoFolder(folderText);
    if (!folder)
        return failed<CommitOutcome>(folder.error());
    auto parsed = parseConventionalCommit(message);
    if (!parsed)
        return failed<CommitOutcome>(parsed.error());
    auto identity = validateGitIdentity(m_identity.name, m_identity.email);
    if (!identity)
        return failed<CommitOutcome>(identity.error());
    auto op = begin(u"git.commit"_s, sandboxId, *folder);
    if (!op)
        return failed<CommitOutcome>(op.error());
    const OperationPtr operation = *op;
    auto outcome = std::make_shared<CommitOutcome>();
    outcome->folder = *folder;
    QString text = message;
    text.replace(u"\r\n"_s, u"\n"_s);

    auto added = git(operation, {u"add"_s, u"-A"_s});
    auto staged = andThen(this, added, [this, operation](Ran ran) {
        if (ran.exitCode != 0)
            return failed<Ran>(failure(operation, u"add"_s, ran));
        return git(operation, {u"diff"_s, u"--cached"_s, u"--quiet"_s});
    });
    auto committed = andThen(this, staged, [this, operation, outcome, text,
                                            identity = *identity](Ran ran) {
        if (ran.exitCode == 0)
            return readyFuture<Result<Ran>>(ran);  // nothing staged: nothing to commit
        if (ran.exitCode != 1)
            return failed<Ran>(failure(operation, u"diff --cached"_s, ran));
        outcome->committed = true;
        // CommandSpec has no standard input, so the message goes by the environment to sh,
        // which pipes it to git: never on a command line, whatever it contains.
        QMap<QString, QString> env{{u"SQUAD_COMMIT_MESSAGE"_s, text}};
        if (!identity.first.isEmpty()) {
            for (const char *role : {"AUTHOR", "COMMITTER"}) {
                env.insert(u"GIT_%1_NAME"_s.arg(QLatin1String(role)), identity.first);
                env.insert(u"GIT_%1_EMAIL"_s.arg(QLatin1String(role)), identity.second);
            }
        }
        const QStringList argv{
            u"sh"_s, u"-c"_s,
            u"printf '%s\\n' \"$SQUAD_COMMIT_MESSAGE\""
            " | git commit --quiet --cleanup=whitespace -F -"_s};
        return andThen(this, run(operation, argv, env, Access::Local), [this, operation](Ran done) {
            if (done.exitCode != 0)
                return failed<Ran>(failure(operation, u"commit"_s, done));
            return readyFuture<Result<Ran>>(done);
        });
    });
    auto described = andThen(this, committed, [this, operation, outcome](Ran) {
        return andThen(this, facts(operation), [outcome](Facts facts) {
            outcome->branch = facts.branch;
            outcome->sha = facts.sha;
            return readyFuture<Result<CommitOutcome>>(*outcome);
        });
    });
    return finish<CommitOutcome>(operation, described, [](const CommitOutcome &done) {
        if (!done.committed)
            return u"nothing to commit in %1 (%2)"_s.arg(done.folder, shortSha(done.sha));
        return u"committed %1 on %2 in %3"_s.arg(shortSha(done.sha),
                                                  done.branch.isEmpty() ? u"HEAD"_s : done.branch,
                                                  done.folder);
    });
}

QFuture<Result<PushOutcome>> GitOps::push(const QString &sandboxId, const QString &folderText,
                                          const QString &branchName)
{
    auto folder = validateRepoFolder(folderText);
    if (!folder)
        return failed<PushOutcome>(folder.error());
    if (!branchName.isEmpty()) {
        if (auto valid = validateBranchName(branchName); !valid)
            return failed<PushOutcome>(valid.error());
    }
    auto op = begin(u"git.push"_s, sandboxId, *folder);
    if (!op)
        return failed<PushOutcome>(op.error());
    const OperationPtr operation = *op;
    auto outcome = std::make_shared<PushOutcome>();
    outcome->folder = *folder;
    outcome->branch = branchName;

    auto current = branchName.isEmpty()
                       ? git(operation, {u"symbolic-ref"_s, u"--short"_s, u"-q"_s, u"HEAD"_s})
                       : readyFuture<Result<Ran>>(Ran{});
    auto origin = andThen(this, current, [this, operation, outcome](Ran ran) {
        if (outcome->branch.isEmpty()) {
            if (ran.exitCode != 0 || firstLine(ran.out).isEmpty()) {
                return failed<Ran>(Error(ErrorCode::Conflict,
                                         u"HEAD is detached in %1: name the branch to push"_s.arg(
                                             operation->folder)));
            }
            outcome->branch = firstLine(ran.out);
        }
        return git(operation, {u"remote"_s, u"get-url"_s, u"origin"_s});
    });
    auto head = andThen(this, origin, [this, operation, outcome](Ran ran) {
        if (ran.exitCode != 0) {
            return failed<Ran>(Error(ErrorCode::NotFound,
                                     u"%1 has no remote named origin to push to"_s.arg(
                                         operation->folder)));
        }
        // Whoever works in the sandbox can point origin anywhere: it is checked as a clone's
        // URL would be before anything is sent to it.
        auto remote = validateGitRemote(firstLine(ran.out), operation->localProvider);
        if (!remote) {
            return failed<Ran>(
                Error(ErrorCode::Conflict,
                      u"origin of %1 is not a remote this console pushes to: %2"_s.arg(
                          operation->folder, remote.error().message())));
        }
        operation->remoteUrl = *remote;
        outcome->remoteUrl = *remote;
        return git(operation, {u"rev-parse"_s, u"-q"_s, u"--verify"_s,
                               u"refs/heads/"_s + outcome->branch});
    });
    auto pushed = andThen(this, head, [this, operation, outcome](Ran ran) {
        if (ran.exitCode != 0) {
            return failed<Ran>(Error(ErrorCode::NotFound,
                                     u"There is no local branch \"%1\" in %2 to push"_s.arg(
                                         outcome->branch, operation->folder)));
        }
        outcome->sha = firstLine(ran.out);
        const QString ref = u"refs/heads/"_s + outcome->branch;
        return git(operation, {u"push"_s, u"--porcelain"_s, u"-u"_s, u"origin"_s, ref + u':' + ref},
                   Access::Network);
    });
    auto reported = andThen(this, pushed, [this, operation, outcome](Ran ran) {
        static const QRegularExpression progress(
            uR"(^(Enumerating|Counting|Compressing|Writing|Resolving|Total|Delta|Unpacking)\b)"_s);
        for (const QString &line : ran.err.split(u'\n')) {
            if (!line.startsWith(u"remote:"_s))
                continue;
            const QString words = plainLine(line.mid(7));
            if (!words.isEmpty() && !progress.match(words).hasMatch())
                outcome->remoteMessages << words;
        }
        // --porcelain: "<flag>\t<from>:<to>\t<summary> (<reason>)" per ref; '!' = rejected.
        QString rejection;
        for (const QString &line : ran.out.split(u'\n')) {
            const QStringList fields = line.split(u'\t');
            if (fields.size() < 3)
                continue;
            if (fields.at(0) == u"!")
                rejection = fields.at(2).trimmed();
            else if (fields.at(0) == u"=")
                outcome->upToDate = true;
        }
        if (ran.exitCode == 0 && rejection.isEmpty()) {
            outcome->upstream = u"origin/"_s + outcome->branch;
            return readyFuture<Result<Ran>>(ran);
        }
        if (rejection.isEmpty())
            return failed<Ran>(failure(operation, u"push"_s, ran));

        const QString said = outcome->remoteMessages.isEmpty()
                                 ? QString()
                                 : u" The remote said: \"%1\""_s.arg(
                                       outcome->remoteMessages.join(u" / "_s));
        const QString detail = u"%1: exit %2\n%3"_s.arg(ran.command).arg(ran.exitCode).arg(
            QString(ran.err + u'\n' + ran.out).trimmed().right(MaxDetailChars));
        const QString where = redactUrl(operation->remoteUrl);
        if (rejection.contains(u"non-fast-forward"_s) || rejection.contains(u"fetch first"_s)
            || rejection.contains(u"stale info"_s)) {
            return failed<Ran>(Error(
                ErrorCode::Conflict,
                u"%1 rejected the push of %2: %3 — the remote branch has commits this clone "
                "lacks; clone again to pull them, then push.%4"_s.arg(where, outcome->branch,
                                                                       rejection, said),
                detail));
        }
        return failed<Ran>(Error(ErrorCode::PermissionDenied,
                                 u"%1 rejected the push of %2: %3.%4"_s.arg(where, outcome->branch,
                                                                             rejection, said),
                                 detail));
    });
    auto done = andThen(this, reported, [outcome](Ran) {
        return readyFuture<Result<PushOutcome>>(*outcome);
    });
    return finish<PushOutcome>(operation, done, [](const PushOutcome &pushed) {
        return u"%1 %2 (%3) to %4"_s.arg(pushed.upToDate ? u"up to date:"_s : u"pushed"_s,
                                          pushed.branch, shortSha(pushed.sha), pushed.remoteUrl);
    });
}

} // namespace squad
