// SPDX-License-Identifier: MIT
// What GitOps accepts before anything runs: remotes, folders, branch names, conventional commit
// messages, authors; and the profile's git author.
#include "testsupport.h"

#include "accounts/profilestore.h"
#include "git/gitinput.h"
#include "git/gitops.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_GitInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void remotes_data();
    void remotes();
    void credentialsInUrlAreNotEchoed();
    void defaultFolder_data();
    void defaultFolder();
    void folders_data();
    void folders();
    void branchNames_data();
    void branchNames();
    void conventionalCommits_data();
    void conventionalCommits();
    void parsedParts();
    void identities_data();
    void identities();
    void gitHubOrigin_data();
    void gitHubOrigin();
    void profileKeepsTheAuthor();
};

void tst_GitInput::remotes_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("local");  // the sandbox is a local one
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("message");  // part of the refusal

    QTest::newRow("https") << u"https://github.com/owner/repo.git"_s << false << true << QString();
    QTest::newRow("https without .git") << u"https://github.com/owner/repo"_s << false << true
                                        << QString();
    QTest::newRow("https enterprise port") << u"https://git.example.com:8443/team/app"_s << false
                                           << true << QString();
    QTest::newRow("ssh") << u"ssh://git@github.com/owner/repo.git"_s << false << true << QString();
    QTest::newRow("ssh port") << u"ssh://git@host:2222/owner/repo"_s << false << true << QString();
    QTest::newRow("scp-like") << u"git@github.com:owner/repo.git"_s << false << true << QString();
    QTest::newRow("http loopback") << u"http://127.0.0.1:8080/repo.git"_s << false << true
                                   << QString();
    QTest::newRow("http localhost") << u"http://localhost/repo.git"_s << false << true << QString();
    QTest::newRow("local path, local sandbox")
        << u"/srv/git/app.git"_s << true << true << QString();
    QTest::newRow("surrounding spaces trimmed") << u"  https://github.com/o/r  "_s << false << true
                                                << QString();

    QTest::newRow("local path, E2B sandbox") << u"/srv/git/app.git"_s << false << false
                                             << u"only a remote for local sandboxes"_s;
    QTest::newRow("relative path") << u"repos/app"_s << true << false
                                   << u"not a repository URL"_s;
    QTest::newRow("file url") << u"file:///srv/git/app.git"_s << true << false
                              << u"absolute path instead"_s;
    QTest::newRow("ext helper") << u"ext::sh -c touch% /tmp/pwned"_s << false << false
                                << u"space or a control"_s;
    QTest::newRow("ext helper no space") << u"ext::sh"_s << true << false << u"ext::"_s;
    QTest::newRow("fd helper") << u"fd::3"_s << true << false << u"remote helpers"_s;
    QTest::newRow("any helper") << u"foo::https://github.com/o/r"_s << false << false
                                << u"remote helpers"_s;
    QTest::newRow("option") << u"--upload-pack=touch /tmp/x"_s << true << false
                            << u"space or a control"_s;
    QTest::newRow("option no space") << u"-oProxyCommand=x"_s << true << false
                                     << u"starts with '-'"_s;
    QTest::newRow("ssh option host") << u"ssh://-oProxyCommand=x/repo"_s << false << false
                                     << u"not a repository URL"_s;
    QTest::newRow("newline") << u"https://github.com/o/r\nx"_s << false << false
                             << u"control character"_s;
    QTest::newRow("tab") << u"https://github.com/o/\tr"_s << false << false
                         << u"control character"_s;
    QTest::newRow("NUL") << u"https://github.com/o/r"_s + QChar(0) + u"x"_s << false << false
                         << u"control character"_s;
    QTest::newRow("user and token") << u"https://me:ghp_abcdefghijklmnop@github.com/o/r"_s << false
                                    << false << u"keychain"_s;
    QTest::newRow("token as user") << u"https://ghp_abcdefghijklmnop@github.com/o/r"_s << false
                                   << false << u"keychain"_s;
    QTest::newRow("ssh password") << u"ssh://git:secret@github.com/o/r"_s << false << false
                                  << u"keychain"_s;
    QTest::newRow("scp-like password") << u"git:secret@github.com:o/r"_s << false << false
                                       << u"keychain"_s;
    QTest::newRow("http to the internet") << u"http://github.com/o/r"_s << false << false
                                          << u"in clear"_s;
    QTest::newRow("git protocol") << u"git://github.com/o/r"_s << false << false
                                  << u"not supported"_s;
    QTest::newRow("ftp") << u"ftp://host/o/r"_s << false << false << u"not supported"_s;
    QTest::newRow("host only") << u"https://github.com"_s << false << false
                               << u"not a repository URL"_s;
    QTest::newRow("host without user") << u"github.com:o/r"_s << false << false
                                       << u"not a repository URL"_s;
    QTest::newRow("empty") << QString() << true << false << u"No repository"_s;
}

void tst_GitInput::remotes()
{
    QFETCH(QString, url);
    QFETCH(bool, local);
    QFETCH(bool, accepted);
    QFETCH(QString, message);
    const Result<QString> checked = validateGitRemote(url, local);
    if (accepted) {
        QVERIFY_RESULT(checked);
        QCOMPARE(*checked, url.trimmed());
        return;
    }
    QVERIFY_ERROR(checked, ErrorCode::InvalidArgument);
    QVERIFY2(checked.error().message().contains(message), qPrintable(checked.error().message()));
}

void tst_GitInput::credentialsInUrlAreNotEchoed()
{
    for (const QString &url : {u"https://me:ghp_abcdefghijklmnop@github.com/o/r"_s,
                               u"https://ghp_abcdefghijklmnop@github.com/o/r"_s,
                               u"git:ghp_abcdefghijklmnop@github.com:o/r"_s}) {
        const Result<QString> checked = validateGitRemote(url, true);
        QVERIFY(!checked);
        QVERIFY2(!checked.error().toString().contains(u"ghp_abcdefghijklmnop"_s),
                 qPrintable(checked.error().toString()));
    }
}

void tst_GitInput::defaultFolder_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("folder");
    QTest::newRow("https .git") << u"https://github.com/owner/app.git"_s << u"repos/app"_s;
    QTest::newRow("trailing slash") << u"https://github.com/owner/app/"_s << u"repos/app"_s;
    QTest::newRow("scp-like") << u"git@github.com:owner/my.repo.git"_s << u"repos/my.repo"_s;
    QTest::newRow("scp-like at top") << u"git@host:app.git"_s << u"repos/app"_s;
    QTest::newRow("local") << u"/srv/git/remote.git"_s << u"repos/remote"_s;
    QTest::newRow("odd characters") << u"https://h/o/a%20b+c.git"_s << u"repos/a-20b-c"_s;
    QTest::newRow("dots only") << u"https://h/o/..git"_s << u"repos/repo"_s;
    QTest::newRow("leading dash") << u"https://h/o/-x.git"_s << u"repos/x"_s;
}

void tst_GitInput::defaultFolder()
{
    QFETCH(QString, url);
    QFETCH(QString, folder);
    QCOMPARE(defaultRepoFolder(url), folder);
    QVERIFY_RESULT(validateRepoFolder(defaultRepoFolder(url)));
}

void tst_GitInput::folders_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("expected");  // empty: refused
    QTest::newRow("repos/app") << u"repos/app"_s << u"repos/app"_s;
    QTest::newRow("trailing slash") << u"repos/app/"_s << u"repos/app"_s;
    QTest::newRow("one part") << u"work"_s << u"work"_s;
    QTest::newRow("dots inside") << u"repos/my.app_v2-x"_s << u"repos/my.app_v2-x"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("absolute") << u"/etc"_s << QString();
    QTest::newRow("dot dot") << u"../outside"_s << QString();
    QTest::newRow("dot dot inside") << u"repos/../../x"_s << QString();
    QTest::newRow("dot") << u"."_s << QString();
    QTest::newRow("hidden") << u"repos/.git"_s << QString();
    QTest::newRow("option") << u"-C"_s << QString();
    QTest::newRow("option part") << u"repos/--upload-pack=x"_s << QString();
    QTest::newRow("space") << u"repos/my app"_s << QString();
    QTest::newRow("double slash") << u"repos//app"_s << QString();
    QTest::newRow("control") << u"repos/a\nb"_s << QString();
    QTest::newRow("too deep") << u"a/b/c/d/e/f/g/h/i"_s << QString();
}

void tst_GitInput::folders()
{
    QFETCH(QString, folder);
    QFETCH(QString, expected);
    const Result<QString> checked = validateRepoFolder(folder);
    if (expected.isEmpty()) {
        QVERIFY_ERROR(checked, ErrorCode::InvalidArgument);
        return;
    }
    QVERIFY_RESULT(checked);
    QCOMPARE(*checked, expected);
}

void tst_GitInput::branchNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("simple") << u"main"_s << true;
    QTest::newRow("slashes") << u"feature/login-form"_s << true;
    QTest::newRow("dots and digits") << u"release/1.2.3"_s << true;
    QTest::newRow("unicode") << u"fix/café"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("leading dash") << u"-f"_s << false;
    QTest::newRow("option") << u"--delete"_s << false;
    QTest::newRow("HEAD") << u"HEAD"_s << false;
    QTest::newRow("at") << u"@"_s << false;
    QTest::newRow("double dot") << u"a..b"_s << false;
    QTest::newRow("space") << u"a b"_s << false;
    QTest::newRow("tilde") << u"a~1"_s << false;
    QTest::newRow("caret") << u"a^"_s << false;
    QTest::newRow("colon") << u"a:b"_s << false;
    QTest::newRow("question") << u"a?"_s << false;
    QTest::newRow("star") << u"a*"_s << false;
    QTest::newRow("bracket") << u"a[b"_s << false;
    QTest::newRow("backslash") << u"a\\b"_s << false;
    QTest::newRow("at brace") << u"a@{1}"_s << false;
    QTest::newRow("lock") << u"topic.lock"_s << false;
    QTest::newRow("trailing slash") << u"topic/"_s << false;
    QTest::newRow("trailing dot") << u"topic."_s << false;
    QTest::newRow("leading dot part") << u"a/.hidden"_s << false;
    QTest::newRow("double slash") << u"a//b"_s << false;
    QTest::newRow("newline") << u"a\nb"_s << false;
    QTest::newRow("DEL") << u"a\x7f"_s << false;
    QTest::newRow("too long") << QString(201, u'a') << false;
}

void tst_GitInput::branchNames()
{
    QFETCH(QString, name);
    QFETCH(bool, accepted);
    const Result<QString> checked = validateBranchName(name);
    if (accepted) {
        QVERIFY_RESULT(checked);
        QCOMPARE(*checked, name);
    } else {
        QVERIFY_ERROR(checked, ErrorCode::InvalidArgument);
    }
}

void tst_GitInput::conventionalCommits_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("message_part");  // of the refusal

    QTest::newRow("type and subject") << u"fix: handle empty lists"_s << true << QString();
    QTest::newRow("scope") << u"feat(api): add paging"_s << true << QString();
    QTest::newRow("scope with slash") << u"build(deps/npm): bump"_s << true << QString();
    QTest::newRow("breaking bang") << u"refactor(core)!: drop v1"_s << true << QString();
    QTest::newRow("bang without scope") << u"chore!: drop node 14"_s << true << QString();
    QTest::newRow("body") << u"docs: explain setup\n\nLonger text.\nMore."_s << true << QString();
    QTest::newRow("body and footers")
        << u"fix(ui): keep focus\n\nBody.\n\nReviewed-by: Z\nRefs #123"_s << true << QString();
    QTest::newRow("footer only") << u"perf: faster\n\nCloses: #9"_s << true << QString();
    QTest::newRow("breaking footer")
        << u"feat: new config\n\nBREAKING CHANGE: the old keys are gone"_s << true << QString();
    QTest::newRow("breaking-change footer")
        << u"feat: new config\n\nBREAKING-CHANGE: gone"_s << true << QString();
    QTest::newRow("every type")
        << u"style: a\n"_s << true << QString();
    QTest::newRow("test") << u"test: cover it"_s << true << QString();
    QTest::newRow("ci") << u"ci: cache"_s << true << QString();
    QTest::newRow("revert") << u"revert: feat: add paging\n\nRefs: 676104e"_s << true << QString();
    QTest::newRow("crlf") << u"fix: a\r\n\r\nbody\r\n"_s << true << QString();
    QTest::newRow("trailing blank lines") << u"fix: a\n\n\n"_s << true << QString();
    QTest::newRow("tab in body") << u"fix: a\n\n\tcode"_s << true << QString();

    QTest::newRow("empty") << QString() << false << u"empty"_s;
    QTest::newRow("blank") << u"  \n \n"_s << false << u"empty"_s;
    QTest::newRow("no type") << u"handle empty lists"_s << false << u"type(scope): subject"_s;
    QTest::newRow("unknown type") << u"feature: add"_s << false << u"not a commit type"_s;
    QTest::newRow("capital type") << u"Fix: add"_s << false << u"lower case"_s;
    QTest::newRow("no space after colon") << u"fix:add"_s << false << u"type(scope): subject"_s;
    QTest::newRow("empty subject") << u"fix: "_s << false << u"subject"_s;
    QTest::newRow("colon only") << u"fix:"_s << false << u"type(scope): subject"_s;
    QTest::newRow("empty scope") << u"fix(): a"_s << false << u"scope"_s;
    QTest::newRow("padded scope") << u"fix( ui ): a"_s << false << u"scope"_s;
    QTest::newRow("nested parens") << u"fix(a(b)): c"_s << false << u"type(scope): subject"_s;
    QTest::newRow("no blank line before body") << u"fix: a\nbody"_s << false << u"blank line"_s;
    QTest::newRow("lower-case breaking change")
        << u"feat: a\n\nbreaking change: x"_s << false << u"capital"_s;
    QTest::newRow("breaking without text")
        << u"feat: a\n\nBREAKING CHANGE: "_s << false << u"description"_s;
    QTest::newRow("NUL") << u"fix: a"_s + QChar(0) << false << u"control"_s;
    QTest::newRow("escape") << u"fix: a\x1b[31m"_s << false << u"control"_s;
    QTest::newRow("huge") << u"fix: a\n\n"_s + QString(70 * 1024, u'x') << false << u"64 KiB"_s;
}

void tst_GitInput::conventionalCommits()
{
    QFETCH(QString, message);
    QFETCH(bool, accepted);
    QFETCH(QString, message_part);
    const Result<ConventionalCommit> parsed = parseConventionalCommit(message);
    if (accepted) {
        QVERIFY_RESULT(parsed);
        return;
    }
    QVERIFY_ERROR(parsed, ErrorCode::InvalidArgument);
    QVERIFY2(parsed.error().message().contains(message_part),
             qPrintable(parsed.error().message()));
}

void tst_GitInput::parsedParts()
{
    auto parsed = parseConventionalCommit(
        u"feat(api)!: add paging\n\nFirst paragraph.\n\nSecond one.\n\nRefs #12\nBREAKING CHANGE: "
        "pages start at 1\n  and not 0\nReviewed-by: Ann"_s);
    QVERIFY_RESULT(parsed);
    QCOMPARE(parsed->type, u"feat"_s);
    QCOMPARE(parsed->scope, u"api"_s);
    QCOMPARE(parsed->subject, u"add paging"_s);
    QVERIFY(parsed->breaking);
    QCOMPARE(parsed->body, u"First paragraph.\n\nSecond one."_s);
    QCOMPARE(parsed->footers.size(), 3);
    QCOMPARE(parsed->footers.at(0), std::pair(u"Refs"_s, u"12"_s));
    QCOMPARE(parsed->footers.at(1),
             std::pair(u"BREAKING CHANGE"_s, u"pages start at 1\n  and not 0"_s));
    QCOMPARE(parsed->footers.at(2), std::pair(u"Reviewed-by"_s, u"Ann"_s));

    auto plain = parseConventionalCommit(u"fix: a\n\nJust a body: with a colon"_s);
    QVERIFY_RESULT(plain);
    QVERIFY(!plain->breaking);
    // "Just a body" has spaces, so it is no token: the paragraph is body, not footers.
    QCOMPARE(plain->body, u"Just a body: with a colon"_s);
    QVERIFY(plain->footers.isEmpty());

    auto footerBreaking = parseConventionalCommit(u"fix: a\n\nBREAKING CHANGE: b"_s);
    QVERIFY_RESULT(footerBreaking);
    QVERIFY(footerBreaking->breaking);
}

void tst_GitInput::identities_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("email");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("both") << u"Ada Lovelace"_s << u"ada@example.com"_s << true;
    QTest::newRow("none") << QString() << QString() << true;
    QTest::newRow("name only") << u"Ada"_s << QString() << false;
    QTest::newRow("email only") << QString() << u"ada@example.com"_s << false;
    QTest::newRow("angle in name") << u"Ada <x>"_s << u"ada@example.com"_s << false;
    QTest::newRow("newline in name") << u"Ada\nEvil"_s << u"ada@example.com"_s << false;
    QTest::newRow("no at") << u"Ada"_s << u"ada.example.com"_s << false;
    QTest::newRow("space in email") << u"Ada"_s << u"ada @example.com"_s << false;
    QTest::newRow("angle in email") << u"Ada"_s << u"<ada@example.com>"_s << false;
}

void tst_GitInput::identities()
{
    QFETCH(QString, name);
    QFETCH(QString, email);
    QFETCH(bool, accepted);
    const auto checked = validateGitIdentity(name, email);
    if (accepted)
        QVERIFY_RESULT(checked);
    else
        QVERIFY_ERROR(checked, ErrorCode::InvalidArgument);
}

void tst_GitInput::gitHubOrigin_data()
{
    QTest::addColumn<QString>("apiUrl");
    QTest::addColumn<QString>("origin");
    QTest::newRow("github.com") << u"https://api.github.com"_s << u"https://github.com"_s;
    QTest::newRow("github.com slash") << u"https://api.github.com/"_s << u"https://github.com"_s;
    QTest::newRow("enterprise") << u"https://ghe.example.com/api/v3"_s
                                << u"https://ghe.example.com"_s;
    QTest::newRow("enterprise port") << u"https://ghe.example.com:8443/api/v3"_s
                                     << u"https://ghe.example.com:8443"_s;
    QTest::newRow("loopback") << u"http://127.0.0.1:4567/api/v3"_s << u"http://127.0.0.1:4567"_s;
    QTest::newRow("default port dropped") << u"https://GHE.example.com:443/api/v3"_s
                                          << u"https://ghe.example.com"_s;
    QTest::newRow("malformed") << u"not a url"_s << QString();
}

void tst_GitInput::gitHubOrigin()
{
    QFETCH(QString, apiUrl);
    QFETCH(QString, origin);
    QCOMPARE(GitCredential::originOfGitHubApi(apiUrl), origin);
}

void tst_GitInput::profileKeepsTheAuthor()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    ProfileStore store(settings);
    Profile profile;
    profile.name = u"work"_s;
    profile.gitAuthorName = u" Ada Lovelace "_s;
    profile.gitAuthorEmail = u"ada@example.com"_s;
    QVERIFY_RESULT(store.add(profile));
    auto read = store.get(u"work"_s);
    QVERIFY_RESULT(read);
    QCOMPARE(read->gitAuthorName, u"Ada Lovelace"_s);
    QCOMPARE(read->gitAuthorEmail, u"ada@example.com"_s);

    profile.gitAuthorEmail = u"not an address"_s;
    QVERIFY_ERROR(store.update(profile), ErrorCode::InvalidArgument);
    profile.gitAuthorName.clear();
    profile.gitAuthorEmail.clear();
    QVERIFY_RESULT(store.update(profile));
    QCOMPARE(store.get(u"work"_s)->gitAuthorName, QString());
}

QTEST_GUILESS_MAIN(tst_GitInput)
#include "tst_gitinput.moc"
