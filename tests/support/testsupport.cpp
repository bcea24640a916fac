// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include "core/ids.h"
#include "store/databaselocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace squad::test {

QString postgresAdminUrl()
{
    const QString direct = qEnvironmentVariable("SQUAD_TEST_PG_URL");
    if (!direct.isEmpty())
        return direct;
    QFile file(qEnvironmentVariable("SQUAD_TEST_PG_URL_FILE",
                                    QStringLiteral(SQUAD_BINARY_DIR "/postgres-fixture/url")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

static Result<void> runAdmin(const QString &sql)
{
    const QString url = postgresAdminUrl();
    if (url.isEmpty()) {
        return fail(ErrorCode::Unavailable,
                    u"No PostgreSQL test server: run the tests through ctest (the postgres "
                    "fixture starts one) or set SQUAD_TEST_PG_URL"_s);
    }
    auto location = DatabaseLocation::parse(url, {});
    if (!location)
        return fail(location.error());
    const QString name = u"squad-test-admin-"_s + newId();
    Result<void> outcome;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setHostName(location->host);
        db.setPort(location->port);
        db.setUserName(location->user);
        db.setPassword(location->password);
        db.setDatabaseName(location->databaseName);
        if (!db.open()) {
            outcome = fail(ErrorCode::Unavailable, u"cannot reach the test server"_s,
                           db.lastError().text());
        } else {
            QSqlQuery query(db);
            if (!query.exec(sql))
                outcome = fail(ErrorCode::Storage, sql, query.lastError().text());
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return outcome;
}

Result<QString> createPostgresDatabase()
{
    const QString admin = postgresAdminUrl();
    const QString name = u"squad_t_"_s + newId().remove(u'-');
    if (auto created = runAdmin(u"CREATE DATABASE %1"_s.arg(name)); !created)
        return fail(created.error());
    const qsizetype slash = admin.lastIndexOf(u'/');
    return admin.left(slash + 1) + name;
}

void dropPostgresDatabase(const QString &url)
{
    const QString name = url.mid(url.lastIndexOf(u'/') + 1);
    (void)runAdmin(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(name));
}

ProcessOutcome runProgram(const QString &program, const QStringList &arguments,
                          const QProcessEnvironment &environment, const QByteArray &input,
                          int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    process.write(input);
    process.closeWriteChannel();
    ProcessOutcome outcome;
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return outcome;
    }
    outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    outcome.out = process.readAllStandardOutput();
    outcome.err = process.readAllStandardError();
    return outcome;
}

QString runGit(const QString &dir, const QStringList &arguments, const QString &home)
{
    QProcess process;
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    for (const char *role : {"AUTHOR", "COMMITTER"}) {
        env.insert(QStringLiteral("GIT_%1_NAME").arg(QLatin1String(role)), QStringLiteral("Fixture"));
        env.insert(QStringLiteral("GIT_%1_EMAIL").arg(QLatin1String(role)),
                   QStringLiteral("fixture@example.com"));
    }
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(dir);
    process.start(QStringLiteral("/usr/bin/git"), arguments);
    process.waitForFinished(60000);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return {};
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

bool makeBareRepository(const QString &path, const QString &home)
{
    const QString work = path + QStringLiteral("-work");
    const QString parent = QFileInfo(path).absolutePath();
    runGit(parent, {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("--bare"),
                    QStringLiteral("-b"), QStringLiteral("main"), path}, home);
    runGit(parent, {QStringLiteral("clone"), QStringLiteral("-q"), path, work}, home);
    QFile readme(work + QStringLiteral("/README.md"));
    if (!readme.open(QIODevice::WriteOnly))
        return false;
    readme.write("hello\n");
    readme.close();
    runGit(work, {QStringLiteral("add"), QStringLiteral("-A")}, home);
    runGit(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                  QStringLiteral("chore: start")}, home);
    runGit(work, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"),
                  QStringLiteral("HEAD:refs/heads/main")}, home);
    QDir(work).removeRecursively();
    return !runGit(path, {QStringLiteral("rev-parse"), QStringLiteral("main")}, home).isEmpty();
}

bool ScratchDatabase::backendIsPostgres()
{
    return qEnvironmentVariable("SQUAD_TEST_BACKEND") == u"postgres";
}

ScratchDatabase::ScratchDatabase()
{
    QTemporaryDir dir;
    dir.setAutoRemove(false);
    m_tempRoot = dir.path();
    m_folder = m_tempRoot;
    if (!backendIsPostgres()) {
        m_text = QDir(m_tempRoot).filePath(u"squad.db"_s);
        return;
    }
    auto url = createPostgresDatabase();
    if (url)
        m_text = *url;
    else
        m_error = url.error().toString();
}

ScratchDatabase::~ScratchDatabase()
{
    if (backendIsPostgres() && !m_text.isEmpty())
        dropPostgresDatabase(m_text);
    if (!m_tempRoot.isEmpty())
        QDir(m_tempRoot).removeRecursively();
}

} // namespace squad::test
