// SPDX-License-Identifier: MIT
// squadctl git clone|branch|commit|push: git in a sandbox's repositories, through GitOps.
#include "cli.h"

#include "accounts/profilestore.h"
#include "console/consolesettings.h"
#include "core/ids.h"
#include "git/gitinput.h"
#include "git/gitops.h"
#include "github/githubapi.h"
#include "output.h"
#include "secrets/secretvault.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

const QCommandLineOption GitJsonOption(u"json"_s, u"Print JSON."_s);

void printJson(const QJsonObject &object)
{
    writeOut(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

// The message of `git commit`: -m, or a file ("-" = standard input). Never both.
Result<QString> commitMessage(const QCommandLineParser &parser)
{
    const bool inline_ = parser.isSet(u"message"_s);
    const bool fromFile = parser.isSet(u"message-file"_s);
    if (inline_ == fromFile) {
        return fail(ErrorCode::InvalidArgument,
                    u"'git commit' takes the message with -m MESSAGE or --message-file FILE "
                    "(- for standard input), one of them"_s);
    }
    if (inline_)
        return parser.value(u"message"_s);
    const QString path = parser.value(u"message-file"_s);
    QFile file;
    const bool opened = path == u"-" ? file.open(stdin, QIODevice::ReadOnly)
                                     : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        return fail(ErrorCode::NotFound, u"Cannot read the message file %1"_s.arg(path),
                    file.errorString());
    }
    return QString::fromUtf8(file.readAll());
}

} // namespace

void Cli::addGitOptions(const QString &verb, QCommandLineParser &parser)
{
    parser.addOption(GitJsonOption);
    if (verb == u"clone") {
        parser.addOption({u"dir"_s,
                          u"Folder in the sandbox's home (default: repos/<name from the URL>)."_s,
                          u"DIR"_s});
    } else if (verb == u"branch") {
        parser.addOption({u"base"_s, u"Start point of a new branch (default: HEAD)."_s, u"BASE"_s});
    } else if (verb == u"commit") {
        parser.addOption({{u"m"_s, u"message"_s}, u"Commit message."_s, u"MESSAGE"_s});
        parser.addOption(
            {u"message-file"_s, u"Commit message from a file; - = stdin."_s, u"FILE"_s});
        parser.addOption({u"author-name"_s, u"Author name (default: the profile's)."_s, u"NAME"_s});
        parser.addOption({u"author-email"_s, u"Author e-mail (default: the profile's)."_s,
                          u"EMAIL"_s});
    } else if (verb == u"push") {
        parser.addOption({u"branch"_s, u"Local branch to push (default: the checked-out one)."_s,
                          u"B"_s});
    }
}

QFuture<int> Cli::gitCommand(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    const int wanted = m_verb == u"clone" ? 2 : m_verb == u"branch" ? 3 : 2;
    if (words.size() < wanted) {
        static const QHash<QString, QString> synopsis{
            {u"clone"_s, u"git clone ID URL [--dir DIR]"_s},
            {u"branch"_s, u"git branch ID DIR NAME [--base BASE]"_s},
            {u"commit"_s, u"git commit ID DIR -m MESSAGE | --message-file FILE"_s},
            {u"push"_s, u"git push ID DIR [--branch B]"_s}};
        return usageError(u"usage: squadctl %1"_s.arg(synopsis.value(m_verb)));
    }
    if (auto extra = unexpectedArguments(parser, wanted))
        return usageError(*extra);
    auto id = parseId(words.at(0), u"sandbox id"_s);
    if (!id)
        return failure(id.error());

    // Everything that can be checked without the sandbox is checked before the store is
    // opened; GitOps checks again, knowing the sandbox's provider.
    QString folder;
    if (m_verb != u"clone" || parser.isSet(u"dir"_s)) {
        auto checked
            = validateRepoFolder(m_verb == u"clone" ? parser.value(u"dir"_s) : words.at(1));
        if (!checked)
            return failure(checked.error());
        folder = *checked;
    }
    QString message;
    if (m_verb == u"clone") {
        if (auto url = validateGitRemote(words.at(1), true); !url)
            return failure(url.error());
    } else if (m_verb == u"branch") {
        if (auto name = validateBranchName(words.at(2)); !name)
            return failure(name.error());
        if (const QString base = parser.value(u"base"_s); !base.isEmpty() && base != u"HEAD") {
            if (auto valid = validateBranchName(base, u"base"_s); !valid)
                return failure(valid.error());
        }
    } else if (m_verb == u"commit") {
        auto text = commitMessage(parser);
        if (!text)
            return failure(text.error());
        if (auto parsed = parseConventionalCommit(*text); !parsed)
            return failure(parsed.error());
        message = *text;
    } else if (m_verb == u"push" && parser.isSet(u"branch"_s)) {
        if (auto name = validateBranchName(parser.value(u"branch"_s)); !name)
            return failure(name.error());
    }

    auto profileName = resolveProfile();
    if (!profileName)
        return failure(profileName.error());
    ConsoleSettings settings;
    auto profile = ProfileStore(settings).get(*profileName);
    if (!profile)
        return failure(profile.error());
    GitIdentity identity{profile->gitAuthorName, profile->gitAuthorEmail};
    if (m_verb == u"commit"
        && (parser.isSet(u"author-name"_s) || parser.isSet(u"author-email"_s))) {
        auto author = validateGitIdentity(parser.value(u"author-name"_s),
                                          parser.value(u"author-email"_s));
        if (!author)
            return failure(author.error());
        identity = {author->first, author->second};
    }
    if (auto code = openCore())
        return done(*code);

    // Parented to the Cli: it outlives the command, and nothing else needs it.
    auto *ops = new GitOps(m_core->database(), m_core->sandboxes(), this);
    ops->setIdentity(identity);
    const bool json = parser.isSet(GitJsonOption);
    const QString sandbox = *id;

    if (m_verb == u"branch") {
        return ops->branch(sandbox, folder, words.at(2), parser.value(u"base"_s))
            .then(this, [json, sandbox](const Result<BranchOutcome> &made) {
                if (!made)
                    return reported(made.error());
                if (json) {
                    printJson({{u"sandbox"_s, sandbox}, {u"folder"_s, made->folder},
                               {u"branch"_s, made->branch}, {u"sha"_s, made->sha},
                               {u"created"_s, made->created}});
                } else {
                    writeOut(made->branch + u'\n');
                    writeErr(made->created
                                 ? u"Created branch %1 in %2 at %3"_s.arg(made->branch,
                                                                          made->folder, made->sha)
                                 : u"Checked out the existing branch %1 in %2 (at %3)"_s.arg(
                                       made->branch, made->folder, made->sha));
                }
                return int(Success);
            });
    }
    if (m_verb == u"commit") {
        return ops->commit(sandbox, folder, message)
            .then(this, [json, sandbox](const Result<CommitOutcome> &made) {
                if (!made)
                    return reported(made.error());
                if (json) {
                    printJson({{u"sandbox"_s, sandbox}, {u"folder"_s, made->folder},
                               {u"branch"_s, made->branch}, {u"sha"_s, made->sha},
                               {u"committed"_s, made->committed}});
                } else {
                    writeOut(made->sha + u'\n');
                    writeErr(made->committed
                                 ? u"Committed %1 on %2 in %3"_s.arg(made->sha.left(12),
                                                                     made->branch, made->folder)
                                 : u"Nothing to commit in %1: the working tree matches %2"_s.arg(
                                       made->folder, made->sha.left(12)));
                }
                return int(Success);
            });
    }

    // clone and push talk to the remote: the profile's GitHub credentials go with them — its
    // token, or its GitHub App's installation token — for the GitHub (or Enterprise Server)
    // host the profile names and no other.
    const bool clone = m_verb == u"clone";
    const QString clonedUrl = clone ? words.at(1) : QString();
    const QString pushed = clone ? QString() : parser.value(u"branch"_s);
    const QString cloneFolder = clone && parser.isSet(u"dir"_s) ? folder : QString();
    return openGitHub()
        .then(this,
              [this](const Result<GitHubApi *> &api) -> QFuture<Result<GitCredential>> {
                  if (!api)
                      return QtFuture::makeReadyFuture<Result<GitCredential>>(tl::unexpected(api.error()));
                  return (*api)->gitCredential();
              })
        .unwrap()
        .then(this,
              [=, this](const Result<GitCredential> &credential) {
                  if (!credential) {
                      writeErr(u"squadctl: warning: no GitHub credentials (%1); going on without "
                                "them"_s.arg(credential.error().message()));
                  } else {
                      ops->setCredential(*credential);
                  }
                  if (clone) {
                      return ops->clone(sandbox, clonedUrl, cloneFolder)
                          .then(this, [json, sandbox](const Result<CloneOutcome> &made) {
                              if (!made)
                                  return reported(made.error());
                              if (json) {
                                  printJson({{u"sandbox"_s, sandbox},
                                             {u"folder"_s, made->folder},
                                             {u"remote_url"_s, made->remoteUrl},
                                             {u"branch"_s, made->branch},
                                             {u"sha"_s, made->sha},
                                             {u"updated"_s, made->updated},
                                             {u"pulled"_s, made->pulled}});
                              } else {
                                  writeOut(made->folder + u'\n');
                                  writeErr(
                                      (made->updated
                                           ? u"Updated the clone of %1 in %2: fetched%3; %4 at %5"_s
                                           : u"Cloned %1 into %2%3; %4 at %5"_s)
                                          .arg(made->remoteUrl, made->folder,
                                               made->updated && made->pulled ? u" and pulled"_s
                                                                             : QString(),
                                               made->branch.isEmpty() ? u"HEAD"_s : made->branch,
                                               made->sha.isEmpty() ? u"no commits"_s
                                                                   : made->sha.left(12)));
                              }
                              return int(Success);
                          });
                  }
                  return ops->push(sandbox, folder, pushed)
                      .then(this, [json, sandbox](const Result<PushOutcome> &made) {
                          if (!made)
                              return reported(made.error());
                          for (const QString &line : made->remoteMessages)
                              writeErr(u"remote: "_s + line);
                          if (json) {
                              printJson({{u"sandbox"_s, sandbox},
                                         {u"folder"_s, made->folder},
                                         {u"branch"_s, made->branch},
                                         {u"remote_url"_s, made->remoteUrl},
                                         {u"sha"_s, made->sha},
                                         {u"upstream"_s, made->upstream},
                                         {u"up_to_date"_s, made->upToDate}});
                          } else {
                              writeOut(made->upstream + u'\n');
                              writeErr(made->upToDate
                                           ? u"%1 already has %2 at %3"_s.arg(
                                                 made->remoteUrl, made->branch, made->sha.left(12))
                                           : u"Pushed %1 (%2) to %3; its upstream is %4"_s.arg(
                                                 made->branch, made->sha.left(12), made->remoteUrl,
                                                 made->upstream));
                          }
                          return int(Success);
                      });
              })
        .unwrap();
}

} // namespace squad::cli
