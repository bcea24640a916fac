// SPDX-License-Identifier: MIT
// What only a SQLite file can get wrong: it is not a database, another writer holds it, its
// folder is missing or unwritable.
#include "testsupport.h"

#include "core/platform.h"
#include "store/database.h"
#include "store/sandboxstore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_SqliteFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notADatabaseIsNamedAndUntouched();
    void lockedByAnotherWriterIsNamed();
    void upToDateDatabaseOpensWhileAnotherProcessWrites();
    void missingFolderIsNamed();
    void unwritableDataFolderIsNamed();
};

static DatabaseLocation sqliteAt(const QString &path)
{
    DatabaseLocation location;
    location.sqlitePath = path;
    return location;
}

static QByteArray digestOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

void tst_SqliteFile::notADatabaseIsNamedAndUntouched()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"notes.txt"_s);
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("These are my notes, not a database.\n").repeated(200));
    }
    const QByteArray before = digestOf(path);
    auto db = Database::open(sqliteAt(path));
    QVERIFY(!db);
    QVERIFY2(db.error().message().contains(path), qPrintable(db.error().toString()));
    QVERIFY2(db.error().message().contains(u"not a Squad Console database"_s),
             qPrintable(db.error().toString()));
    QCOMPARE(digestOf(path), before);
    QVERIFY(!QFile::exists(path + u"-wal"_s) || QFile(path + u"-wal"_s).size() == 0);
}

void tst_SqliteFile::lockedByAnotherWriterIsNamed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"squad.db"_s);
    // A file that still needs migrating, held by another writer's open write transaction.
    const QString holder = u"holder"_s;
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, holder);
        other.setDatabaseName(path);
        QVERIFY(other.open());
        QSqlQuery query(other);
        QVERIFY(query.exec(u"PRAGMA journal_mode=WAL"_s));
        QVERIFY(query.exec(u"CREATE TABLE unrelated (x)"_s));
        QVERIFY(query.exec(u"BEGIN IMMEDIATE"_s));
        QVERIFY(query.exec(u"INSERT INTO unrelated VALUES (1)"_s));

        Database::Options options;
        options.busyTimeoutMs = 200;
        auto db = Database::open(sqliteAt(path), options);
        QVERIFY(!db);
        QCOMPARE(db.error().code(), ErrorCode::Unavailable);
        QVERIFY2(db.error().message().contains(path), qPrintable(db.error().toString()));
        QVERIFY2(db.error().message().contains(u"locked by another writer"_s),
                 qPrintable(db.error().toString()));

        QVERIFY(query.exec(u"ROLLBACK"_s));
        other.close();
    }
    QSqlDatabase::removeDatabase(holder);
    // Once the other writer is gone the same file opens and migrates.
    auto db = Database::open(sqliteAt(path));
    QVERIFY_RESULT(db);
}

void tst_SqliteFile::upToDateDatabaseOpensWhileAnotherProcessWrites()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"squad.db"_s);
    {
        auto first = Database::open(sqliteAt(path));
        QVERIFY_RESULT(first);
    }
    const QString holder = u"writer"_s;
    {
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, holder);
        other.setDatabaseName(path);
        QVERIFY(other.open());
        QSqlQuery query(other);
        QVERIFY(query.exec(u"BEGIN IMMEDIATE"_s));
        QVERIFY(query.exec(u"INSERT INTO agents (id, name, created_at) VALUES "
                           "('0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c', 'a', 'x')"_s));
        // Reading needs no write lock in WAL mode: a list works while another writer is busy.
        auto db = Database::open(sqliteAt(path));
        QVERIFY_RESULT(db);
        QVERIFY_RESULT(SandboxStore(**db).list());
        QVERIFY(query.exec(u"COMMIT"_s));
        other.close();
    }
    QSqlDatabase::removeDatabase(holder);
}

void tst_SqliteFile::missingFolderIsNamed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"no/such/folder/squad.db"_s);
    auto db = Database::open(sqliteAt(path));
    QVERIFY(!db);
    QVERIFY2(db.error().message().contains(dir.filePath(u"no/such/folder"_s)),
             qPrintable(db.error().toString()));
    QVERIFY(!QFile::exists(path));
}

void tst_SqliteFile::unwritableDataFolderIsNamed()
{
    // A folder "inside" a regular file cannot be created, even by root (CI runs as root, so
    // permission bits alone would not refuse anything).
    QTemporaryDir dir;
    const QString file = dir.filePath(u"plain-file"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    const QString folder = file + u"/data"_s;
    auto result = ensureDataDir(folder);
    QVERIFY(!result);
    QCOMPARE(result.error().code(), ErrorCode::PermissionDenied);
    QVERIFY2(result.error().message().contains(folder), qPrintable(result.error().toString()));

    auto isFile = ensureDataDir(file);
    QVERIFY(!isFile);
    QVERIFY2(isFile.error().message().contains(u"is a file"_s),
             qPrintable(isFile.error().toString()));
}

QTEST_GUILESS_MAIN(tst_SqliteFile)
#include "tst_sqlitefile.moc"
