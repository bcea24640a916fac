// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include "core/ids.h"
#include "store/databaselocation.h"

#include <QDir>
#include <QFile>
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
