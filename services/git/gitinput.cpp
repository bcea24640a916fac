// SPDX-License-Identifier: MIT
#include "gitinput.h"

#include "git/gitlibrary.h"

#include <QRegularExpression>
#include <QUrl>

#include <git2/refs.h>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr qsizetype MaxMessageBytes = 64 * 1024;  // the message travels in one environment value

bool hasControlOrSpace(QStringView text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSpace())
            return true;
    }
    return false;
}

bool isLoopbackHost(const QString &host)
{
    static const QRegularExpression ipv4Loopback(uR"(^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$)"_s);
    const QString lower = host.toLower();
    return lower == u"localhost" || lower == u"::1" || ipv4Loopback.match(lower).hasMatch();
}

// The URL is printed back in messages; a URL refused for its credentials must not show them.
QString shown(const QString &url)
{
    const QUrl parsed(url);
    if (parsed.isValid() && !parsed.userInfo().isEmpty())
        return parsed.toString(QUrl::RemoveUserInfo).left(200);
    return url.left(200);
}

Error refusedRemote(const QString &url, const QString &why)
{
    return Error(ErrorCode::InvalidArgument,
                 u"Refused the repository \"%1\": %2"_s.arg(shown(url), why));
}

Error credentialsInUrl()
{
    return Error(ErrorCode::InvalidArgument,
                 u"The repository URL must not contain credentials: remove the user name and "
                 "token from it and store the token in the keychain (squadctl auth set github, "
                 "or Settings → Accounts)"_s);
}

} // namespace

Result<QString> validateGitRemote(const QString &text, bool allowLocalPaths)
{
    const QString url = text.trimmed();
    if (url.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"No repository was given: name one such as https://github.com/owner/repo"_s);
    }
    if (hasControlOrSpace(url))
        return fail(refusedRemote(url, u"it contains a space or a control character"_s));
    if (url.startsWith(u'-'))
        return fail(refusedRemote(url, u"it starts with '-', which git would read as an option"_s));
    // "<helper>::<address>" hands the address to a remote helper; ext:: runs it as a command.
    static const QRegularExpression helper(uR"(^[A-Za-z][A-Za-z0-9+.-]*::)"_s);
    if (helper.match(url).hasMatch()) {
        return fail(refusedRemote(url, u"remote helpers such as ext:: and fd:: are not allowed; "
                                        "use https://, ssh:// or user@host:path"_s));
    }
    if (url.startsWith(u'/')) {
        if (!allowLocalPaths) {
            return fail(refusedRemote(url, u"a local path is only a remote for local sandboxes; "
                                            "use https://, ssh:// or user@host:path"_s));
        }
        return url;
    }

    const qsizetype schemeEnd = url.indexOf(u"://"_s);
    if (schemeEnd > 0) {
        const QString scheme = url.left(schemeEnd).toLower();
        const QUrl parsed(url, QUrl::StrictMode);
        if (scheme == u"file") {
            return fail(refusedRemote(url, allowLocalPaths
                                               ? u"give the folder's absolute path instead of a "
                                                 "file:// URL"_s
                                               : u"a local path is only a remote for local "
                                                 "sandboxes"_s));
        }
        if (scheme != u"https" && scheme != u"http" && scheme != u"ssh") {
            return fail(refusedRemote(url, u"the scheme %1:// is not supported; use https://, "
                                            "ssh:// or user@host:path"_s.arg(scheme)));
        }
        if (!parsed.isValid() || parsed.host().isEmpty() || parsed.host().startsWith(u'-')
            || parsed.path().size() < 2) {
            return fail(refusedRemote(url,
                                      u"it is not a repository URL; expected "
                                      "https://host/owner/repo or ssh://git@host/owner/repo"_s));
        }
        if (!parsed.password().isEmpty() || (scheme != u"ssh" && !parsed.userName().isEmpty()))
            return fail(credentialsInUrl());
        if (scheme == u"http" && !isLoopbackHost(parsed.host())) {
            return fail(refusedRemote(url, u"plain http:// would carry the token in clear; use "
                                            "https://"_s));
        }
        return url;
    }

    static const QRegularExpression scpLike(
        uR"(^([A-Za-z0-9._-]+)@([A-Za-z0-9][A-Za-z0-9.-]*):([^:].*)$)"_s);
    if (scpLike.match(url).hasMatch())
        return url;
    const qsizetype at = url.indexOf(u'@');
    if (at > 0 && url.left(at).contains(u':'))
        return fail(credentialsInUrl());
    return fail(refusedRemote(url, u"it is not a repository URL; expected https://host/owner/repo, "
                                    "ssh://git@host/owner/repo or git@host:owner/repo"_s));
}

QString defaultRepoFolder(const QString &url)
{
    QString name = url.trimmed();
    while (name.endsWith(u'/'))
        name.chop(1);
    name = name.mid(qMax(name.lastIndexOf(u'/'), name.lastIndexOf(u':')) + 1);
    if (name.endsWith(u".git"_s, Qt::CaseInsensitive))
        name.chop(4);
    static const QRegularExpression unsafe(u"[^A-Za-z0-9._-]+"_s);
    name.replace(unsafe, u"-"_s);
    while (!name.isEmpty() && (name.front() == u'.' || name.front() == u'-'))
        name.remove(0, 1);
    name.truncate(100);
    return u"repos/"_s + (name.isEmpty() ? u"repo"_s : name);
}

Result<QString> validateRepoFolder(const QString &text)
{
    QString folder = text;
    while (folder.size() > 1 && folder.endsWith(u'/'))
        folder.chop(1);
    const auto refuse = [&](const QString &why) {
        return fail(ErrorCode::InvalidArgument,
                    u"Refused the folder \"%1\": %2. Give a path inside the sandbox's home such "
                    "as repos/app"_s.arg(text.left(200), why));
    };
    if (folder.isEmpty())
        return refuse(u"no folder was named"_s);
    if (folder.startsWith(u'/'))
        return refuse(u"it is an absolute path"_s);
    const QStringList segments = folder.split(u'/');
    if (segments.size() > 8)
        return refuse(u"it is more than 8 folders deep"_s);
    static const QRegularExpression segment(uR"(^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$)"_s);
    for (const QString &part : segments) {
        if (!segment.match(part).hasMatch()) {
            return refuse(u"each part must be letters, digits, '.', '_' or '-', not starting with "
                           "'.' or '-' (so no '..')"_s);
        }
    }
    return folder;
}

Result<QString> validateBranchName(const QString &name, const QString &what)
{
    const auto refuse = [&](const QString &why) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a valid %2 name: %3"_s.arg(name.left(200), what, why));
    };
    if (name.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"No %1 name was given"_s.arg(what));
    if (name.startsWith(u'-'))
        return refuse(u"it starts with '-', which git would read as an option"_s);
    if (name == u"HEAD" || name == u"@")
        return refuse(u"git reserves it"_s);
    if (name.size() > 200)
        return refuse(u"it is longer than 200 characters"_s);
    for (const QChar c : name) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return refuse(u"it contains a control character"_s);
    }
    const QByteArray ref = "refs/heads/" + name.toUtf8();
    // libgit2 owns the ref-name grammar.
    git::ensureGitLibrary();
    int valid = 0;
    if (git_reference_name_is_valid(&valid, ref.constData()) < 0)
        valid = 0;
    if (!valid) {
        return refuse(u"git refuses spaces, \"..\", \"@{\", '~', '^', ':', '?', '*', '[', '\\', "
                       "a '.' or '/' at the start or end of a part, and \".lock\" at the end"_s);
    }
    return name;
}

const QStringList &ConventionalCommit::types()
{
    static const QStringList all{u"feat"_s,     u"fix"_s,  u"docs"_s,  u"style"_s,
                                 u"refactor"_s, u"perf"_s, u"test"_s,  u"build"_s,
                                 u"ci"_s,       u"chore"_s, u"revert"_s};
    return all;
}

Result<ConventionalCommit> parseConventionalCommit(const QString &message)
{
    const auto refuse = [](const QString &why) {
        return fail(ErrorCode::InvalidArgument,
                    u"The commit message is not a conventional commit: %1"_s.arg(why));
    };
    if (message.toUtf8().size() > MaxMessageBytes)
        return refuse(u"it is longer than 64 KiB"_s);
    QString text = message;
    text.replace(u"\r\n"_s, u"\n"_s);
    for (const QChar c : std::as_const(text)) {
        if ((c.unicode() < 0x20 && c != u'\n' && c != u'\t') || c.unicode() == 0x7f)
            return refuse(u"it contains a control character"_s);
    }
    // git drops blank lines around the message too; they carry no meaning here.
    QStringList lines = text.split(u'\n');
    while (!lines.isEmpty() && lines.constFirst().trimmed().isEmpty())
        lines.removeFirst();
    while (!lines.isEmpty() && lines.constLast().trimmed().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return refuse(u"it is empty; write \"type(scope): subject\", e.g. \"fix(api): handle empty "
                       "lists\""_s);

    static const QRegularExpression header(
        uR"(^([A-Za-z]+)(?:\(([^()]*)\))?(!)?: (.*)$)"_s);
    const QString &first = lines.constFirst();
    const QRegularExpressionMatch m = header.match(first);
    const QString types = ConventionalCommit::types().join(u", "_s);
    if (!m.hasMatch()) {
        return refuse(u"the first line \"%1\" must read \"type(scope): subject\" or \"type: "
                      "subject\", e.g. \"fix(api): handle empty lists\", with type one of %2"_s.arg(
                          first.left(100), types));
    }
    ConventionalCommit commit;
    commit.type = m.captured(1);
    if (!ConventionalCommit::types().contains(commit.type)) {
        return refuse(u"\"%1\" is not a commit type; use one of %2 (in lower case)"_s.arg(
            commit.type, types));
    }
    if (m.capturedStart(2) >= 0) {
        commit.scope = m.captured(2);
        if (commit.scope.trimmed().isEmpty() || commit.scope != commit.scope.trimmed())
            return refuse(u"the scope in parentheses is empty or padded with spaces"_s);
    }
    commit.breaking = m.capturedStart(3) >= 0;
    commit.subject = m.captured(4).trimmed();
    if (commit.subject.isEmpty())
        return refuse(u"the subject after \"%1: \" is empty"_s.arg(first.section(u':', 0, 0)));

    if (lines.size() > 1 && !lines.at(1).trimmed().isEmpty())
        return refuse(u"leave a blank line between the first line and the body"_s);

    static const QRegularExpression miscasedBreaking(uR"(^breaking[ -]change\s*:)"_s,
                                                     QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression footer(
        uR"(^(BREAKING CHANGE|BREAKING-CHANGE|[A-Za-z][A-Za-z0-9-]*)(?:: | #)(.*)$)"_s);
    QList<QStringList> paragraphs;
    QStringList current;
    for (qsizetype i = 2; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        const QRegularExpressionMatch breaking = miscasedBreaking.match(line);
        if (breaking.hasMatch() && !line.startsWith(u"BREAKING CHANGE:"_s)
            && !line.startsWith(u"BREAKING-CHANGE:"_s)) {
            return refuse(u"write the footer as \"BREAKING CHANGE: <description>\", in capital "
                           "letters"_s);
        }
        if (line.trimmed().isEmpty()) {
            if (!current.isEmpty())
                paragraphs << current;
            current.clear();
        } else {
            current << line;
        }
    }
    if (!current.isEmpty())
        paragraphs << current;

    // Footers are the last paragraph when it starts like one; a value may continue on the
    // lines that follow until the next token.
    if (!paragraphs.isEmpty() && footer.match(paragraphs.constLast().constFirst()).hasMatch()) {
        const QStringList block = paragraphs.takeLast();
        for (const QString &line : block) {
            const QRegularExpressionMatch f = footer.match(line);
            if (f.hasMatch())
                commit.footers.append({f.captured(1), f.captured(2)});
            else
                commit.footers.last().second += u'\n' + line;
        }
        for (const auto &[token, value] : std::as_const(commit.footers)) {
            if (token.startsWith(u"BREAKING"_s)) {
                if (value.trimmed().isEmpty())
                    return refuse(u"the BREAKING CHANGE footer needs a description"_s);
                commit.breaking = true;
            }
        }
    }
    QStringList body;
    for (const QStringList &paragraph : std::as_const(paragraphs))
        body << paragraph.join(u'\n');
    commit.body = body.join(u"\n\n"_s);
    return commit;
}

Result<std::pair<QString, QString>> validateGitIdentity(const QString &nameText,
                                                        const QString &emailText)
{
    const QString name = nameText.trimmed();
    const QString email = emailText.trimmed();
    if (name.isEmpty() && email.isEmpty())
        return std::pair{name, email};
    if (name.isEmpty() || email.isEmpty()) {
        return fail(ErrorCode::InvalidArgument,
                    u"A git author needs both a name and an e-mail address"_s);
    }
    for (const QChar c : name) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == u'<' || c == u'>') {
            return fail(ErrorCode::InvalidArgument,
                        u"The git author name \"%1\" may not contain '<', '>' or control "
                        "characters"_s.arg(name.left(100)));
        }
    }
    static const QRegularExpression address(uR"(^[^\s<>@]+@[^\s<>@]+$)"_s);
    if (name.size() > 200 || email.size() > 254 || !address.match(email).hasMatch()
        || hasControlOrSpace(email)) {
        return fail(ErrorCode::InvalidArgument,
                    u"\"%1\" is not a usable git author e-mail address: expected name@host"_s.arg(
                        email.left(100)));
    }
    return std::pair{name, email};
}

} // namespace squad
