// SPDX-License-Identifier: MIT
#pragma once

#include "console/consolecore.h"
#include "core/result.h"

#include <QFuture>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QTest>

// Fails the test with the Error's text when `expr` (a Result) holds an error.
#define QVERIFY_RESULT(expr)                                                                      \
    do {                                                                                          \
        const auto &squadResult_ = (expr);                                                        \
        if (!squadResult_)                                                                        \
            QFAIL(qPrintable(QStringLiteral("%1 failed: %2").arg(QLatin1String(#expr),                        \
                                                     squadResult_.error().toString())));          \
    } while (false)

// Verifies that `expr` failed with ErrorCode `code`.
#define QVERIFY_ERROR(expr, expectedCode)                                                         \
    do {                                                                                          \
        const auto &squadResult_ = (expr);                                                        \
        QVERIFY2(!squadResult_, "expected an error, got success");                                \
        QCOMPARE(squadResult_.error().code(), expectedCode);                                      \
    } while (false)

namespace squad {
// Lets QCOMPARE print error codes by name.
inline char *toString(ErrorCode code)
{
    return QTest::toString(errorCodeName(code));
}
} // namespace squad

namespace squad::test {

// Where the PostgreSQL fixture wrote the URL of the throw-away server it started, if any.
QString postgresAdminUrl();

// Creates a fresh, empty PostgreSQL database on the fixture's server and returns its URL;
// dropDatabase() removes it. Both QFAIL-free: an error string comes back on failure.
Result<QString> createPostgresDatabase();
void dropPostgresDatabase(const QString &url);

// A fresh, empty database of the backend this test run is for (SQUAD_TEST_BACKEND=sqlite or
// postgres): a file in a temporary folder, or a new database on the fixture's server, dropped
// again when the object goes.
class ScratchDatabase
{
public:
    ScratchDatabase();
    ~ScratchDatabase();
    ScratchDatabase(const ScratchDatabase &) = delete;
    ScratchDatabase &operator=(const ScratchDatabase &) = delete;

    static bool backendIsPostgres();
    // Empty when the scratch database could not be made; error() says why.
    const QString &text() const { return m_text; }
    const QString &error() const { return m_error; }
    const QString &folder() const { return m_folder; }

private:
    QString m_text;
    QString m_error;
    QString m_folder;
    QString m_tempRoot;
};

// A database file and a data folder; everything else from the defaults.
inline StartupOptions scratchOptions(const QString &database, const QString &dataDir)
{
    StartupOptions options;
    options.database = database;
    options.dataDir = dataDir;
    return options;
}

// What a program run by a test printed and how it ended (exitCode -1: it crashed or hung).
struct ProcessOutcome
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
};

// Runs `program` to its end (killed after `timeoutMs`), feeding `input` on its stdin. The
// event loop keeps turning meanwhile, so a loopback server in the test can answer it.
ProcessOutcome runProgram(const QString &program, const QStringList &arguments,
                          const QProcessEnvironment &environment, const QByteArray &input = {},
                          int timeoutMs = 60000);

// The git CLI in `dir` with a clean environment (HOME = `home`, no system config, a fixture
// author): its trimmed stdout, or a null string when it failed.
QString runGit(const QString &dir, const QStringList &arguments, const QString &home);
// A bare repository at `path` whose main branch has one commit (README.md), as a forge holds
// one; false when git failed.
bool makeBareRepository(const QString &path, const QString &home);

// Runs `work` while the event loop turns until `future` finishes (or the timeout passes).
template<class Future>
bool waitFor(const Future &future, int timeoutMs = 30000)
{
    return QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs);
}

// The result of an asynchronous call once the event loop has carried it out; a call that
// hangs becomes an Internal error, so the test fails rather than stalls.
template<typename T>
Result<T> await(QFuture<Result<T>> future, int timeoutMs = 20000)
{
    if (!waitFor(future, timeoutMs))
        return tl::unexpected(Error(ErrorCode::Internal, QStringLiteral("the call did not finish")));
    return future.result();
}

} // namespace squad::test
