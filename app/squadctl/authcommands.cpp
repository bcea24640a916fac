// SPDX-License-Identifier: MIT
// squadctl auth … and profiles …: secrets in the OS keychain, accounts profiles in the settings.
#include "cli.h"

#include "accounts/profilestore.h"
#include "console/consolesettings.h"
#include "github/githubjwt.h"
#include "output.h"
#include "sandbox/sandboxjson.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/secretformat.h"
#include "secrets/secretvault.h"

#include <QCommandLineParser>
#include <QFile>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace squad::cli {

static std::optional<SecretKind> kindArgument(const QString &word)
{
    return secretKindFromName(word.toLower());
}

// The secret, from standard input: never from argv, where other users' `ps` could read it.
// On a terminal the typing is not echoed.
static QString readSecretFromStdin(SecretKind kind)
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
#ifdef Q_OS_UNIX
    const bool terminal = ::isatty(STDIN_FILENO);
    termios saved{};
    if (terminal) {
        writeErr(u"Paste the %1 and press Enter (it is not shown):"_s.arg(secretKindLabel(kind)));
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        const QByteArray line = in.readLine();
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        writeErr(QString());
        return QString::fromUtf8(line).trimmed();
    }
#endif
    // From a pipe: everything (a PEM key spans lines), without the trailing newline.
    QString text = QString::fromUtf8(in.readAll());
    while (text.endsWith(u'\n') || text.endsWith(u'\r'))
        text.chop(1);
    return kind == SecretKind::GitHubAppKey ? text : text.trimmed();
}

Result<QString> Cli::resolveProfile() const
{
    ConsoleSettings settings;
    ProfileStore profiles(settings);
    const QString name = m_options.profile.isEmpty() ? profiles.activeName() : m_options.profile;
    if (auto found = profiles.get(name); !found)
        return fail(ErrorCode::NotFound,
                    u"There is no profile \"%1\": see 'squadctl profiles list'"_s.arg(name));
    return name;
}

SecretVault &Cli::vault()
{
    if (!m_vault) {
        m_keychain = std::make_unique<KeychainSecretStore>();
        m_vault = std::make_unique<SecretVault>(m_keychain.get());
    }
    return *m_vault;
}

QFuture<int> Cli::authSet(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"'auth set' takes one of e2b, github, github-app-key"_s);
    const std::optional<SecretKind> kind = kindArgument(words.first());
    if (!kind)
        return usageError(u"unknown secret '%1': use e2b, github or github-app-key"_s.arg(
            words.first()));
    auto profile = resolveProfile();
    if (!profile)
        return failure(profile.error());
    const QString secret = readSecretFromStdin(*kind);
    if (secret.isEmpty())
        return usageError(u"no %1 on standard input: pipe it in, e.g. "
                           "'squadctl auth set %2 < key.txt'"_s.arg(secretKindLabel(*kind),
                                                                    secretKindName(*kind)));
    if (const QString warning = secretFormatWarning(*kind, secret); !warning.isEmpty())
        writeErr(u"squadctl: warning: %1"_s.arg(warning));
    // A key that cannot sign would only fail later, at the first pull request.
    if (*kind == SecretKind::GitHubAppKey) {
        if (auto usable = validateGitHubAppKey(secret.toUtf8()); !usable)
            return failure(usable.error());
    }

    const SecretRef ref{*profile, *kind};
    return vault().save(ref, secret).then(this, [ref](const Result<SecretSource> &saved) {
        if (!saved)
        {
            (void)failure(saved.error());
            return exitCodeFor(saved.error());
        }
        if (*saved != SecretSource::Keychain) {
            // squadctl ends right away: a secret kept in memory would be gone with it.
            writeErr(u"squadctl: the %1 was NOT saved: no keychain is available. Install and "
                      "unlock a Secret Service keyring (gnome-keyring or KWallet), or pass it "
                      "to scripts as %2"_s.arg(secretKindLabel(ref.kind),
                                              QString::fromLatin1(SecretVault::environmentVariable(
                                                  ref.kind))));
            return int(Failure);
        }
        writeErr(u"Saved the %1 of profile %2 in the keychain"_s.arg(secretKindLabel(ref.kind),
                                                                    ref.profile));
        return int(Success);
    });
}

QFuture<int> Cli::authStatus(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    auto profile = resolveProfile();
    if (!profile)
        return failure(profile.error());
    const bool json = parser.isSet(u"json"_s);
    const QString name = *profile;
    return vault().status(name).then(this, [this, json, name](
                                               const Result<QMap<SecretKind, SecretSource>> &s) {
        if (!s) {
            (void)failure(s.error());
            return exitCodeFor(s.error());
        }
        const QString problem = vault().keychainProblem();
        if (json) {
            QByteArray out = "{\"profile\":";
            appendJsonString(out, name);
            out.append(",\"keychain\":");
            appendJsonString(out, problem.isEmpty() ? u"available"_s : u"unavailable"_s);
            out.append(",\"secrets\":{");
            bool first = true;
            for (SecretKind kind : AllSecretKinds) {
                out.append(first ? "" : ",");
                first = false;
                appendJsonString(out, secretKindName(kind));
                out.append(':');
                appendJsonString(out, secretSourceName(s->value(kind)));
            }
            out.append("}}\n");
            writeOut(out);
        } else {
            QString text = u"profile: %1\n"_s.arg(name);
            for (SecretKind kind : AllSecretKinds)
                text += u"%1 %2\n"_s.arg(secretKindLabel(kind) + u':', -24)
                            .arg(secretSourceName(s->value(kind)));
            writeOut(text);
        }
        if (!problem.isEmpty())
            writeErr(u"squadctl: %1"_s.arg(problem));
        return int(Success);
    });
}

QFuture<int> Cli::authClear(const QCommandLineParser &parser)
{
    QList<SecretKind> kinds;
    for (const QString &word : parser.positionalArguments()) {
        const std::optional<SecretKind> kind = kindArgument(word);
        if (!kind)
            return usageError(u"unknown secret '%1': use e2b, github or github-app-key"_s.arg(word));
        kinds << *kind;
    }
    auto profile = resolveProfile();
    if (!profile)
        return failure(profile.error());
    auto report = [](const Result<void> &cleared) {
        if (!cleared) {
            (void)failure(cleared.error());
            return exitCodeFor(cleared.error());
        }
        return int(Success);
    };
    if (kinds.isEmpty())
        return vault().clearProfile(*profile).then(this, report);
    // One at a time, stopping at the first failure.
    auto chain = vault().clear({*profile, kinds.first()});
    for (qsizetype i = 1; i < kinds.size(); ++i) {
        const SecretRef ref{*profile, kinds.at(i)};
        chain = chain.then(this, [this, ref](const Result<void> &previous) {
            if (!previous) {
                QPromise<Result<void>> failed;
                failed.start();
                failed.addResult(previous);
                failed.finish();
                return failed.future();
            }
            return vault().clear(ref);
        }).unwrap();
    }
    return chain.then(this, report);
}

QFuture<int> Cli::profilesList(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    ConsoleSettings settings;
    ProfileStore profiles(settings);
    const QString active = profiles.activeName();
    if (parser.isSet(u"json"_s)) {
        QByteArray out = "[";
        bool first = true;
        for (const Profile &p : profiles.list()) {
            out.append(first ? "\n{\"name\":" : ",\n{\"name\":");
            first = false;
            appendJsonString(out, p.name);
            out.append(",\"active\":");
            out.append(p.name == active ? "true" : "false");
            out.append(",\"e2b_api_url\":");
            appendJsonString(out, p.effectiveE2bApiUrl());
            out.append(",\"default_template\":");
            appendJsonString(out, p.defaultTemplate);
            out.append(",\"github_api_url\":");
            appendJsonString(out, p.githubApiUrl);
            out.append(",\"git_author_name\":");
            appendJsonString(out, p.gitAuthorName);
            out.append(",\"git_author_email\":");
            appendJsonString(out, p.gitAuthorEmail);
            out.append(",\"github_app_client_id\":");
            appendJsonString(out, p.githubAppClientId);
            out.append(",\"github_app_installation_id\":");
            appendJsonString(out, p.githubAppInstallationId);
            out.append('}');
        }
        out.append(first ? "]\n" : "\n]\n");
        writeOut(out);
        return done(Success);
    }
    QString text;
    for (const Profile &p : profiles.list()) {
        text += u"%1 %2  %3  %4  %5\n"_s.arg(p.name == active ? u"*"_s : u" "_s)
                    .arg(p.name, -16)
                    .arg(p.effectiveE2bApiUrl(), -28)
                    .arg(p.defaultTemplate, -14)
                    .arg(p.githubApiUrl);
    }
    writeOut(text);
    return done(Success);
}

QFuture<int> Cli::profilesAdd(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"'profiles add' takes one profile name"_s);
    Profile profile;
    profile.name = words.first();
    if (parser.isSet(u"e2b-domain"_s))
        profile.e2bDomain = parser.value(u"e2b-domain"_s);
    profile.e2bApiUrl = parser.value(u"e2b-api-url"_s);
    if (parser.isSet(u"template"_s))
        profile.defaultTemplate = parser.value(u"template"_s);
    if (parser.isSet(u"github-api-url"_s))
        profile.githubApiUrl = parser.value(u"github-api-url"_s);
    profile.gitAuthorName = parser.value(u"git-author-name"_s);
    profile.gitAuthorEmail = parser.value(u"git-author-email"_s);
    profile.githubAppClientId = parser.value(u"github-app-client-id"_s);
    profile.githubAppInstallationId = parser.value(u"github-app-installation-id"_s);
    ConsoleSettings settings;
    if (auto added = ProfileStore(settings).add(profile); !added)
        return failure(added.error());
    writeErr(u"Added profile %1"_s.arg(profile.name.trimmed()));
    return done(Success);
}

QFuture<int> Cli::profilesRemove(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"'profiles remove' takes one profile name"_s);
    const QString name = words.first();
    {
        ConsoleSettings settings;
        ProfileStore profiles(settings);
        if (name == QLatin1String(ProfileStore::DefaultProfile))
            return failure(Error(ErrorCode::InvalidArgument,
                                 u"The default profile cannot be removed"_s));
        if (auto found = profiles.get(name); !found)
            return failure(found.error());
    }
    // Secrets first: a profile must not leave secrets behind that nothing names any more.
    return vault().clearProfile(name).then(this, [name](const Result<void> &cleared) {
        if (!cleared) {
            (void)failure(cleared.error());
            return exitCodeFor(cleared.error());
        }
        ConsoleSettings settings;
        if (auto removed = ProfileStore(settings).remove(name); !removed) {
            (void)failure(removed.error());
            return exitCodeFor(removed.error());
        }
        writeErr(u"Removed profile %1 and its secrets"_s.arg(name));
        return int(Success);
    });
}

QFuture<int> Cli::profilesUse(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"'profiles use' takes one profile name"_s);
    ConsoleSettings settings;
    if (auto used = ProfileStore(settings).setActive(words.first()); !used)
        return failure(used.error());
    writeErr(u"Profile %1 is now active"_s.arg(words.first()));
    return done(Success);
}

} // namespace squad::cli
