// SPDX-License-Identifier: MIT
// `squadctl diff` as scripts use it: a real process on a real working tree, and on a local
// sandbox's repository through the sandbox's command runner; its output against git's.
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using squad::test::ScratchDatabase;

using Outcome = squad::test::ProcessOutcome;

class tst_SquadctlDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void pathFormatsMatchGit();
    void pathPatchIsGitShaped();
    void sandboxMatchesPath();
    void usageAndErrors_data();
    void usageAndErrors();

private:
    QProcessEnvironment gitEnvironment() const;
    QByteArray git(const QString &dir, const QStringList &arguments) const;
    // Makes <dir> a repository with a commit, then changes of every kind.
    void makeChanges(const QString &dir);
    QByteArray reference(const QString &dir, const QStringList &arguments) const;
    Outcome squadctl(const QStringList &arguments);

    std::unique_ptr<ScratchDatabase> m_scratch;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<QTemporaryDir> m_work;
};

void tst_SquadctlDiff::init()
{
    m_scratch = std::make_unique<ScratchDatabase>();
    QVERIFY2(!m_scratch->text().isEmpty(), qPrintable(m_scratch->error()));
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_work = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid() && m_work->isValid());
}

void tst_SquadctlDiff::cleanup()
{
    m_work.reset();
    m_dataDir.reset();
    m_scratch.reset();
}

QProcessEnvironment tst_SquadctlDiff::gitEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.startsWith(u"GIT_"_s))
            env.remove(name);
    }
    env.insert(u"GIT_CONFIG_NOSYSTEM"_s, u"1"_s);
    env.insert(u"HOME"_s, m_work->path());
    env.insert(u"GIT_AUTHOR_NAME"_s, u"Test"_s);
    env.insert(u"GIT_AUTHOR_EMAIL"_s, u"test@example.com"_s);
    env.insert(u"GIT_COMMITTER_NAME"_s, u"Test"_s);
    env.insert(u"GIT_COMMITTER_EMAIL"_s, u"test@example.com"_s);
    env.insert(u"LC_ALL"_s, u"C"_s);
    return env;
}

QByteArray tst_SquadctlDiff::git(const QString &dir, const QStringList &arguments) const
{
    QProcess process;
    process.setProcessEnvironment(gitEnvironment());
    process.setWorkingDirectory(dir);
    process.start(u"git"_s, arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        QTest::qFail(qPrintable(u"git %1: %2"_s.arg(arguments.join(u' '),
                                                   QString::fromUtf8(process.readAllStandardError()))),
                     __FILE__, __LINE__);
    }
    return process.readAllStandardOutput();
}

void tst_SquadctlDiff::makeChanges(const QString &dir)
{
    QDir().mkpath(dir);
    const auto write = [&](const QString &name, const QByteArray &data) {
        QDir().mkpath(QFileInfo(dir + u'/' + name).absolutePath());
        QFile file(dir + u'/' + name);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(data);
    };
    const auto indented = [](QByteArray text) { return "    " + text.replace("\n", "\n    ").chopped(4); };
    QByteArray numbers;
    for (int i = 1; i <= 40; ++i)
        numbers += "line " + QByteArray::number(i) + '\n';
    git(dir, {u"init"_s, u"-q"_s});
    write(u"src/main.c"_s, "int main(void)\n{\n" + indented(numbers) + "}\n");
    write(u"old name.txt"_s, numbers);
    write(u"gone.txt"_s, "bye\n");
    write(u"image.bin"_s, QByteArray("\x89PNG\0\0\0", 7) + QByteArray(100, 'x'));
    write(u"caf\u00e9.txt"_s, "1\n");
    git(dir, {u"add"_s, u"-A"_s});
    git(dir, {u"commit"_s, u"-q"_s, u"-m"_s, u"base"_s});

    QByteArray code = "int main(void)\n{\n" + indented(numbers) + "}\n";
    code.replace("    line 20\n", "    line twenty\n");
    write(u"src/main.c"_s, code);
    git(dir, {u"mv"_s, u"old name.txt"_s, u"new name.txt"_s});
    QFile::remove(dir + u"/gone.txt"_s);
    write(u"image.bin"_s, QByteArray("\x89PNG\0\0\0", 7) + QByteArray(300, 'y'));
    write(u"caf\u00e9.txt"_s, "2\n");
    write(u"untracked/new.txt"_s, "fresh\nlines\n");
    write(u"empty"_s, {});
}

QByteArray tst_SquadctlDiff::reference(const QString &dir, const QStringList &arguments) const
{
    // git's view with untracked files: intent-to-add on a copy of the index (same time, so
    // git's racy-clean check sees what it would on the original).
    QTemporaryDir scratch;
    const QString index = scratch.filePath(u"index"_s);
    QFile::copy(dir + u"/.git/index"_s, index);
    QFile copy(index);
    copy.open(QIODevice::ReadWrite);
    copy.setFileTime(QFileInfo(dir + u"/.git/index"_s).lastModified(),
                     QFileDevice::FileModificationTime);
    QProcess process;
    QProcessEnvironment env = gitEnvironment();
    env.insert(u"GIT_INDEX_FILE"_s, index);
    env.insert(u"COLUMNS"_s, u"80"_s);
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(dir);
    process.start(u"git"_s, {u"add"_s, u"-N"_s, u"."_s});
    process.waitForFinished();
    process.start(u"git"_s, QStringList{u"diff"_s, u"HEAD"_s, u"-M"_s, u"-C"_s} + arguments);
    process.waitForFinished();
    return process.readAllStandardOutput();
}

Outcome tst_SquadctlDiff::squadctl(const QStringList &arguments)
{
    QProcessEnvironment env = gitEnvironment();
    env.insert(u"SQUAD_DATA_DIR"_s, m_dataDir->path());
    env.remove(u"SQUAD_DB"_s);
    env.remove(u"E2B_API_KEY"_s);
    env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent/bus"_s);
    env.insert(u"COLUMNS"_s, u"80"_s);
    return squad::test::runProgram(QStringLiteral(SQUADCTL_PATH),
                                   QStringList{u"--db"_s, m_scratch->text()} + arguments, env);
}

void tst_SquadctlDiff::pathFormatsMatchGit()
{
    const QString dir = m_work->filePath(u"repo"_s);
    makeChanges(dir);
    const QByteArray indexBefore = [&] {
        QFile f(dir + u"/.git/index"_s);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();

    const Outcome numstat = squadctl({u"diff"_s, dir, u"--numstat"_s});
    QCOMPARE(numstat.exitCode, 0);
    QCOMPARE(numstat.out, reference(dir, {u"--numstat"_s}));
    QVERIFY(numstat.out.contains("-\t-\timage.bin\n"));
    QVERIFY(numstat.out.contains("1\t1\t\"caf\\303\\251.txt\"\n"));
    QVERIFY(numstat.out.contains("0\t0\told name.txt => new name.txt\n"));

    const Outcome stat = squadctl({u"diff"_s, dir, u"--stat"_s});
    QCOMPARE(stat.exitCode, 0);
    QCOMPARE(stat.out, reference(dir, {u"--stat"_s}));

    // From inside the tree, the whole repository, as git does.
    const Outcome fromSub = squadctl({u"diff"_s, dir + u"/src"_s, u"--numstat"_s});
    QCOMPARE(fromSub.out, numstat.out);

    const Outcome json = squadctl({u"diff"_s, dir, u"--json"_s});
    QCOMPARE(json.exitCode, 0);
    QJsonParseError error;
    const QJsonObject root = QJsonDocument::fromJson(json.out, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QJsonArray files = root.value(u"files"_s).toArray();
    QCOMPARE(files.size(), 7);
    QCOMPARE(root.value(u"additions"_s).toInt(), 4);
    bool sawRename = false;
    bool sawBinary = false;
    for (const QJsonValue &value : files) {
        const QJsonObject file = value.toObject();
        for (const char *key : {"status", "old_path", "new_path", "old_mode", "new_mode",
                                "similarity", "binary", "old_size", "new_size", "additions",
                                "deletions", "hunks"}) {
            QVERIFY2(file.contains(QLatin1String(key)), key);
        }
        if (file.value(u"status"_s) == u"renamed"_s) {
            sawRename = true;
            QCOMPARE(file.value(u"old_path"_s).toString(), u"old name.txt"_s);
            QCOMPARE(file.value(u"similarity"_s).toInt(), 100);
        }
        if (file.value(u"new_path"_s) == u"image.bin"_s) {
            sawBinary = true;
            QCOMPARE(file.value(u"binary"_s).toBool(), true);
            QCOMPARE(file.value(u"old_size"_s).toInt(), 107);
            QCOMPARE(file.value(u"new_size"_s).toInt(), 307);
        }
        if (file.value(u"new_path"_s) == u"src/main.c"_s) {
            const QJsonObject hunk = file.value(u"hunks"_s).toArray().first().toObject();
            QCOMPARE(hunk.value(u"header"_s).toString(), u"int main(void)"_s);
            const QJsonArray lines = hunk.value(u"lines"_s).toArray();
            QCOMPARE(lines.at(3).toObject().value(u"kind"_s).toString(), u"deleted"_s);
            QCOMPARE(lines.at(3).toObject().value(u"text"_s).toString(), u"    line 20"_s);
            QCOMPARE(lines.at(3).toObject().value(u"old_line"_s).toInt(), 22);
            QVERIFY(lines.at(3).toObject().value(u"new_line"_s).isNull());
        }
    }
    QVERIFY(sawRename && sawBinary);

    QFile index(dir + u"/.git/index"_s);
    QVERIFY(index.open(QIODevice::ReadOnly));
    QCOMPARE(index.readAll(), indexBefore);
}

void tst_SquadctlDiff::pathPatchIsGitShaped()
{
    const QString dir = m_work->filePath(u"repo"_s);
    makeChanges(dir);
    // The default format is the patch, in git's shape.
    const Outcome patch = squadctl({u"diff"_s, dir});
    QCOMPARE(patch.exitCode, 0);
    QVERIFY(patch.out.startsWith("diff --git "));
    QVERIFY(patch.out.contains("@@ -19,7 +19,7 @@ int main(void)\n"));
    QVERIFY(patch.out.contains("rename from old name.txt\nrename to new name.txt\n"));
    QVERIFY(patch.out.contains("Binary files a/image.bin and b/image.bin differ\n"));
    const Outcome same = squadctl({u"diff"_s, dir, u"--patch"_s});
    QCOMPARE(same.out, patch.out);
}

void tst_SquadctlDiff::sandboxMatchesPath()
{
    const Outcome created = squadctl({u"sandboxes"_s, u"create"_s, u"--provider"_s, u"local"_s,
                                      u"--json"_s});
    QCOMPARE(created.exitCode, 0);
    const QString id = created.json().object().value(u"id"_s).toString();
    QVERIFY(!id.isEmpty());
    const QString home = m_dataDir->filePath(u"sandboxes/%1/home"_s.arg(id));
    QVERIFY2(QFileInfo::exists(home), qPrintable(home));
    const QString dir = home + u"/project"_s;
    makeChanges(dir);
    QFile indexFile(dir + u"/.git/index"_s);
    QVERIFY(indexFile.open(QIODevice::ReadOnly));
    const QByteArray indexBefore = indexFile.readAll();
    indexFile.close();

    // The one repository in the home is found without --repo-dir.
    const Outcome numstat = squadctl({u"diff"_s, id, u"--numstat"_s});
    QVERIFY2(numstat.exitCode == 0, numstat.err.constData());
    QCOMPARE(numstat.out, reference(dir, {u"--numstat"_s}));

    const Outcome stat = squadctl({u"diff"_s, id, u"--stat"_s, u"--repo-dir"_s, u"project"_s});
    QCOMPARE(stat.exitCode, 0);
    QCOMPARE(stat.out, reference(dir, {u"--stat"_s}));

    // Both paths give the same values, so the same JSON.
    const Outcome sandboxJson = squadctl({u"diff"_s, id, u"--json"_s});
    const Outcome pathJson = squadctl({u"diff"_s, dir, u"--json"_s});
    QCOMPARE(sandboxJson.exitCode, 0);
    QCOMPARE(sandboxJson.out, pathJson.out);

    // --patch is git's own text, binary data included.
    const Outcome patch = squadctl({u"diff"_s, id, u"--patch"_s});
    QCOMPARE(patch.exitCode, 0);
    QVERIFY(patch.out.startsWith("diff --git "));
    QVERIFY(patch.out.contains("GIT binary patch\n"));
    QVERIFY(!patch.out.contains('\0'));

    QVERIFY(indexFile.open(QIODevice::ReadOnly));
    QCOMPARE(indexFile.readAll(), indexBefore);

    const Outcome noRepo = squadctl({u"diff"_s, id, u"--repo-dir"_s, u"nowhere"_s});
    QCOMPARE(noRepo.exitCode, 1);
    QVERIFY2(noRepo.err.contains("no folder nowhere"), noRepo.err.constData());
}

void tst_SquadctlDiff::usageAndErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no target") << QStringList{u"diff"_s} << 2 << QByteArray("one sandbox id");
    QTest::newRow("two formats") << QStringList{u"diff"_s, u"."_s, u"--stat"_s, u"--json"_s} << 2
                                 << QByteArray("choose one");
    QTest::newRow("bad -U") << QStringList{u"diff"_s, u"."_s, u"-U"_s, u"many"_s} << 2
                            << QByteArray("-U takes");
    QTest::newRow("not a repository") << QStringList{u"diff"_s, u"/"_s} << 1
                                      << QByteArray("not in a git repository");
    QTest::newRow("unknown sandbox")
        << QStringList{u"diff"_s, u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s} << 1
        << QByteArray("0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c");
    QTest::newRow("--repo-dir with a path") << QStringList{u"diff"_s, u"/"_s, u"--repo-dir"_s, u"x"_s}
                                            << 2 << QByteArray("applies to a sandbox");
}

void tst_SquadctlDiff::usageAndErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const Outcome outcome = squadctl(arguments);
    QCOMPARE(outcome.exitCode, exitCode);
    QVERIFY2(outcome.err.contains(message), outcome.err.constData());
    QVERIFY(outcome.out.isEmpty());
}

QTEST_GUILESS_MAIN(tst_SquadctlDiff)
#include "tst_squadctldiff.moc"
