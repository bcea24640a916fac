// SPDX-License-Identifier: MIT
// squadctl auth and profiles as a real process against the real keychain (scripts/test.sh runs
// the suite inside a private D-Bus session with an unlocked throw-away gnome-keyring), and the
// promise that secrets end up nowhere but the keychain.
#include "testsupport.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

using Outcome = squad::test::ProcessOutcome;

namespace {

// Distinctive values that cannot occur by chance anywhere else.
const QString E2bKey = u"e2b_5eac0ffee5eac0ffee5eac0ffee5eac0ff"_s;
const QString GitHubToken = u"ghp_SquadLeakCanary0123456789abcdefABCD"_s;

} // namespace

class tst_SquadctlAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void profilesLifecycle();
    void profileErrors_data();
    void profileErrors();
    void setStatusClear();
    void environmentOverridesAndIsNamed();
    void removingAProfileDeletesItsSecrets();
    void secretsAreNeverTakenFromArguments();
    void noKeychainSaysSoAndSavesNothing();
    void secretsLeakNowhere();

private:
    Outcome squadctl(const QStringList &arguments, const QByteArray &input = {},
                     const QProcessEnvironment &extra = {});

    std::unique_ptr<QTemporaryDir> m_home;
    QByteArrayList m_transcript;  // every byte squadctl printed in this test
};

void tst_SquadctlAuth::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
    m_transcript.clear();
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "No D-Bus session: run through scripts/test.sh, which starts one with gnome-keyring");
}

void tst_SquadctlAuth::cleanup()
{
    // Leave the shared test keyring as it was found.
    squadctl({u"auth"_s, u"clear"_s});
    squadctl({u"auth"_s, u"clear"_s, u"--profile"_s, u"staging"_s});
    m_home.reset();
}

Outcome tst_SquadctlAuth::squadctl(const QStringList &arguments, const QByteArray &input,
                                   const QProcessEnvironment &extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_CONFIG_HOME"_s, m_home->filePath(u"config"_s));
    env.insert(u"SQUAD_DATA_DIR"_s, m_home->filePath(u"data"_s));
    for (const char *name : {"E2B_API_KEY", "GITHUB_TOKEN", "GITHUB_APP_PRIVATE_KEY", "SQUAD_DB",
                             "SQUAD_PROFILE"})
        env.remove(QString::fromLatin1(name));
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    const Outcome outcome = squad::test::runProgram(QStringLiteral(SQUADCTL_PATH), arguments,
                                                    env, input);
    m_transcript << outcome.out << outcome.err;
    return outcome;
}

void tst_SquadctlAuth::profilesLifecycle()
{
    const Outcome initial = squadctl({u"profiles"_s, u"list"_s, u"--json"_s});
    QCOMPARE(initial.exitCode, 0);
    QCOMPARE(initial.json().array().size(), 1);
    QCOMPARE(initial.json().array().first()[u"name"_s].toString(), u"default"_s);
    QVERIFY(initial.json().array().first()[u"active"_s].toBool());

    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"staging"_s, u"--e2b-domain"_s,
                       u"e2b.staging.example"_s, u"--github-api-url"_s,
                       u"https://git.example.com/api/v3"_s, u"--template"_s, u"py312"_s,
                       u"--git-author-name"_s, u"Squad Bot"_s, u"--git-author-email"_s,
                       u"bot@example.com"_s})
                 .exitCode,
             0);
    QCOMPARE(squadctl({u"profiles"_s, u"use"_s, u"staging"_s}).exitCode, 0);
    const Outcome listed = squadctl({u"profiles"_s, u"list"_s, u"--json"_s});
    QCOMPARE(listed.json().array().size(), 2);
    const QJsonObject staging = listed.json().array().at(1).toObject();
    QCOMPARE(staging[u"name"_s].toString(), u"staging"_s);
    QVERIFY(staging[u"active"_s].toBool());
    QCOMPARE(staging[u"e2b_api_url"_s].toString(), u"https://api.e2b.staging.example"_s);
    QCOMPARE(staging[u"github_api_url"_s].toString(), u"https://git.example.com/api/v3"_s);
    QCOMPARE(staging[u"default_template"_s].toString(), u"py312"_s);
    QCOMPARE(staging[u"git_author_name"_s].toString(), u"Squad Bot"_s);
    QCOMPARE(staging[u"git_author_email"_s].toString(), u"bot@example.com"_s);

    // The active profile is what auth acts on without --profile.
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--json"_s});
    QCOMPARE(status.json().object()[u"profile"_s].toString(), u"staging"_s);

    QCOMPARE(squadctl({u"profiles"_s, u"remove"_s, u"staging"_s}).exitCode, 0);
    const Outcome after = squadctl({u"profiles"_s, u"list"_s, u"--json"_s});
    QCOMPARE(after.json().array().size(), 1);
    QVERIFY(after.json().array().first()[u"active"_s].toBool());
}

void tst_SquadctlAuth::profileErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("bad name") << QStringList{u"profiles"_s, u"add"_s, u"a b"_s} << 2
                              << QByteArray("not a valid profile name");
    QTest::newRow("bad url") << QStringList{u"profiles"_s, u"add"_s, u"x"_s,
                                            u"--github-api-url"_s, u"ftp://x"_s}
                             << 2 << QByteArray("not a valid GitHub API URL");
    QTest::newRow("credentials in url")
        << QStringList{u"profiles"_s, u"add"_s, u"x"_s, u"--e2b-api-url"_s,
                       u"https://me:pw@api.example"_s}
        << 2 << QByteArray("without credentials");
    QTest::newRow("bad author e-mail")
        << QStringList{u"profiles"_s, u"add"_s, u"x"_s, u"--git-author-name"_s, u"Bot"_s,
                       u"--git-author-email"_s, u"not an address"_s}
        << 2 << QByteArray("e-mail");
    QTest::newRow("duplicate default") << QStringList{u"profiles"_s, u"add"_s, u"default"_s} << 1
                                       << QByteArray("already exists");
    QTest::newRow("remove default") << QStringList{u"profiles"_s, u"remove"_s, u"default"_s} << 2
                                    << QByteArray("cannot be removed");
    QTest::newRow("use unknown") << QStringList{u"profiles"_s, u"use"_s, u"nope"_s} << 1
                                 << QByteArray("no profile");
    QTest::newRow("auth unknown profile")
        << QStringList{u"auth"_s, u"status"_s, u"--profile"_s, u"nope"_s} << 1
        << QByteArray("no profile");
    QTest::newRow("auth unknown kind") << QStringList{u"auth"_s, u"set"_s, u"aws"_s} << 2
                                       << QByteArray("unknown secret");
}

void tst_SquadctlAuth::profileErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const Outcome outcome = squadctl(arguments);
    QCOMPARE(outcome.exitCode, exitCode);
    QVERIFY2(outcome.err.contains(message), outcome.err.constData());
    QCOMPARE(squadctl({u"profiles"_s, u"list"_s, u"--json"_s}).json().array().size(), 1);
}

void tst_SquadctlAuth::setStatusClear()
{
    const Outcome set = squadctl({u"auth"_s, u"set"_s, u"e2b"_s}, E2bKey.toUtf8() + '\n');
    QCOMPARE(set.exitCode, 0);
    QVERIFY(set.err.contains("keychain"));
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--json"_s});
    QCOMPARE(status.exitCode, 0);
    const QJsonObject secrets = status.json().object()[u"secrets"_s].toObject();
    QCOMPARE(secrets[u"e2b"_s].toString(), u"keychain"_s);
    QCOMPARE(secrets[u"github"_s].toString(), u"none"_s);
    QCOMPARE(status.json().object()[u"keychain"_s].toString(), u"available"_s);

    // A token that does not look like one: saved, with a warning that never shows the value.
    const Outcome odd = squadctl({u"auth"_s, u"set"_s, u"github"_s}, "not-a-github-token-value");
    QCOMPARE(odd.exitCode, 0);
    QVERIFY(odd.err.contains("warning"));
    QVERIFY(!odd.err.contains("not-a-github-token-value"));

    QCOMPARE(squadctl({u"auth"_s, u"clear"_s, u"e2b"_s}).exitCode, 0);
    const Outcome cleared = squadctl({u"auth"_s, u"status"_s, u"--json"_s});
    const QJsonObject after = cleared.json().object()[u"secrets"_s].toObject();
    QCOMPARE(after[u"e2b"_s].toString(), u"none"_s);
    QCOMPARE(after[u"github"_s].toString(), u"keychain"_s);

    const Outcome empty = squadctl({u"auth"_s, u"set"_s, u"github"_s}, "");
    QCOMPARE(empty.exitCode, 2);
    QVERIFY(empty.err.contains("standard input"));
}

void tst_SquadctlAuth::environmentOverridesAndIsNamed()
{
    QCOMPARE(squadctl({u"auth"_s, u"set"_s, u"github"_s}, GitHubToken.toUtf8()).exitCode, 0);
    QProcessEnvironment env;
    env.insert(u"GITHUB_TOKEN"_s, u"ghp_fromTheEnvironment000000000000000"_s);
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--json"_s}, {}, env);
    QCOMPARE(status.json().object()[u"secrets"_s].toObject()[u"github"_s].toString(),
             u"environment"_s);
    QVERIFY(!status.out.contains("fromTheEnvironment"));
    const Outcome text = squadctl({u"auth"_s, u"status"_s}, {}, env);
    QVERIFY(text.out.contains("environment"));
}

void tst_SquadctlAuth::removingAProfileDeletesItsSecrets()
{
    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"staging"_s}).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"set"_s, u"e2b"_s, u"--profile"_s, u"staging"_s},
                      E2bKey.toUtf8())
                 .exitCode,
             0);
    QCOMPARE(squadctl({u"profiles"_s, u"remove"_s, u"staging"_s}).exitCode, 0);
    // Re-created under the same name, it starts without secrets.
    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"staging"_s}).exitCode, 0);
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--profile"_s, u"staging"_s,
                                     u"--json"_s});
    QCOMPARE(status.json().object()[u"secrets"_s].toObject()[u"e2b"_s].toString(), u"none"_s);
}

void tst_SquadctlAuth::secretsAreNeverTakenFromArguments()
{
    const Outcome outcome = squadctl({u"auth"_s, u"set"_s, u"e2b"_s, E2bKey});
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY(!outcome.err.contains(E2bKey.toUtf8()));
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--json"_s});
    QCOMPARE(status.json().object()[u"secrets"_s].toObject()[u"e2b"_s].toString(), u"none"_s);
}

void tst_SquadctlAuth::noKeychainSaysSoAndSavesNothing()
{
    QProcessEnvironment noBus;
    noBus.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    noBus.insert(u"DISPLAY"_s, QString());
    const Outcome set = squadctl({u"auth"_s, u"set"_s, u"e2b"_s}, E2bKey.toUtf8(), noBus);
    QCOMPARE(set.exitCode, 1);
    QVERIFY2(set.err.contains("NOT saved"), set.err.constData());
    QVERIFY(set.err.contains("gnome-keyring"));
    const Outcome status = squadctl({u"auth"_s, u"status"_s, u"--json"_s}, {}, noBus);
    QCOMPARE(status.exitCode, 0);
    QCOMPARE(status.json().object()[u"keychain"_s].toString(), u"unavailable"_s);
    QVERIFY(status.err.contains("No keychain is available"));
}

void tst_SquadctlAuth::secretsLeakNowhere()
{
    // Every path that touches a secret today: set, status, override, clear, profiles, and the
    // sandbox commands run with the secrets in the environment.
    QProcessEnvironment env;
    env.insert(u"GITHUB_TOKEN"_s, GitHubToken);
    QCOMPARE(squadctl({u"auth"_s, u"set"_s, u"e2b"_s}, E2bKey.toUtf8()).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"set"_s, u"github"_s}, GitHubToken.toUtf8()).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"status"_s}, {}, env).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"status"_s, u"--json"_s}, {}, env).exitCode, 0);
    QCOMPARE(squadctl({u"profiles"_s, u"add"_s, u"staging"_s}).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"set"_s, u"github"_s, u"--profile"_s, u"staging"_s},
                      GitHubToken.toUtf8())
                 .exitCode,
             0);
    QCOMPARE(squadctl({u"profiles"_s, u"list"_s}).exitCode, 0);
    // Local: the E2B key stored above would otherwise send the create to E2B.
    const Outcome created
        = squadctl({u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s, u"--json"_s}, {}, env);
    QCOMPARE(created.exitCode, 0);
    const QString id = created.json().object()[u"id"_s].toString();
    // The command itself prints the token: that is the operator's doing, but the audit row and
    // the stored output must not keep it.
    QCOMPARE(squadctl({u"sandboxes"_s, u"exec"_s, id, u"--env"_s, u"TOKEN="_s + GitHubToken,
                       u"--"_s, u"sh"_s, u"-c"_s, u"echo using $TOKEN; curl -H 'Authorization: "
                                                  "Bearer "_s + GitHubToken + u"' x || true"_s},
                      {}, env)
                 .exitCode,
             0);
    QCOMPARE(squadctl({u"audit"_s, u"list"_s, u"--json"_s}).exitCode, 0);
    QCOMPARE(squadctl({u"sandboxes"_s, u"terminate"_s, id}).exitCode, 0);
    QCOMPARE(squadctl({u"auth"_s, u"clear"_s}).exitCode, 0);

    // No file under the test's data and config folders (database, WAL, settings, sandboxes)
    // holds either secret.
    QDirIterator files(m_home->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int seen = 0;
    while (files.hasNext()) {
        QFile file(files.next());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray content = file.readAll();
        QVERIFY2(!content.contains(E2bKey.toUtf8()), qPrintable(file.fileName()));
        QVERIFY2(!content.contains(GitHubToken.toUtf8()), qPrintable(file.fileName()));
        ++seen;
    }
    QVERIFY(seen >= 2);  // at least the database and the settings were looked at
    // Nothing squadctl printed of its own held them either (the exec's own output aside, which
    // the operator asked for: it went to stdout of that one call).
    int withSecret = 0;
    for (const QByteArray &text : std::as_const(m_transcript))
        withSecret += text.contains(GitHubToken.toUtf8()) || text.contains(E2bKey.toUtf8());
    QCOMPARE(withSecret, 1);
}

QTEST_GUILESS_MAIN(tst_SquadctlAuth)
#include "tst_squadctlauth.moc"
