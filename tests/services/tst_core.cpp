// SPDX-License-Identifier: MIT
#include "testsupport.h"

#include "core/ids.h"
#include "core/redaction.h"
#include "core/timestamp.h"
#include "core/validation.h"
#include "sandbox/sandboxjson.h"
#include "store/databaselocation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace squad;

class tst_Core : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseId_data();
    void parseId();
    void templateId_data();
    void templateId();
    void repoUrl_data();
    void repoUrl();
    void redaction_data();
    void redaction();
    void timestampRoundTrip_data();
    void timestampRoundTrip();
    void timestampParsesOtherForms_data();
    void timestampParsesOtherForms();
    void databaseLocation_data();
    void databaseLocation();
    void sandboxJsonIsValidAndStable();
    void metadataPassesThroughOnlyWhenAnObject_data();
    void metadataPassesThroughOnlyWhenAnObject();
};

void tst_Core::parseId_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("canonical");
    const QString id = u"0b0e5d1c-3f0a-4c57-9d0e-6d2f3e4a5b6c"_s;
    QTest::newRow("canonical") << id << true << id;
    QTest::newRow("upper case") << id.toUpper() << true << id;
    QTest::newRow("braces") << u"{"_s + id + u"}"_s << true << id;
    QTest::newRow("spaces around") << u"  "_s + id + u" "_s << true << id;
    QTest::newRow("empty") << QString() << false << QString();
    QTest::newRow("word") << u"abc"_s << false << QString();
    QTest::newRow("too short") << id.chopped(1) << false << QString();
    QTest::newRow("path") << u"../etc/passwd"_s << false << QString();
    QTest::newRow("sql") << u"x' OR '1'='1"_s << false << QString();
    QTest::newRow("nil uuid") << u"00000000-0000-0000-0000-000000000000"_s << false << QString();
}

void tst_Core::parseId()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, canonical);
    const auto parsed = squad::parseId(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, canonical);
    else
        QCOMPARE(parsed.error().code(), ErrorCode::InvalidArgument);
}

void tst_Core::templateId_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("base") << u"base"_s << true;
    QTest::newRow("e2b style") << u"rki5dems9wqfm4r03t7g"_s << true;
    QTest::newRow("with tag") << u"team/python-3.12:latest"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("space") << u"my template"_s << false;
    QTest::newRow("leading dash") << u"-rf"_s << false;
    QTest::newRow("too long") << QString(129, u'a') << false;
    QTest::newRow("shell") << u"base;rm"_s << false;
}

void tst_Core::templateId()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(validateTemplateId(text).has_value(), valid);
}

void tst_Core::repoUrl_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("https") << u"https://github.com/acme/widgets.git"_s << true;
    QTest::newRow("https no .git") << u"https://github.com/acme/widgets"_s << true;
    QTest::newRow("ssh") << u"ssh://git@github.com/acme/widgets.git"_s << true;
    QTest::newRow("scp-like") << u"git@github.com:acme/widgets.git"_s << true;
    QTest::newRow("enterprise") << u"https://git.example.com/team/repo"_s << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("no scheme") << u"github.com/acme/widgets"_s << false;
    QTest::newRow("ftp") << u"ftp://example.com/repo"_s << false;
    QTest::newRow("no path") << u"https://github.com"_s << false;
    QTest::newRow("token in url") << u"https://x-access-token:ghp_abcdefghijklmnop@github.com/a/b"_s
                                  << false;
    QTest::newRow("user in https") << u"https://bob@github.com/a/b"_s << false;
    QTest::newRow("space") << u"https://github.com/a b/c"_s << false;
    QTest::newRow("local path") << u"/tmp/repo"_s << false;
}

void tst_Core::repoUrl()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const auto result = validateRepoUrl(text);
    QCOMPARE(result.has_value(), valid);
    if (!valid)
        QVERIFY(!result.error().message().contains(u"ghp_"_s));
}

void tst_Core::redaction_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("kept");
    QTest::newRow("url password") << u"clone https://bob:hunter22@github.com/a/b failed"_s
                                  << u"hunter22"_s << u"https://bob:***@github.com/a/b"_s;
    QTest::newRow("pg url") << u"postgresql://squad:s3cret@db:5432/ops"_s << u"s3cret"_s
                            << u"postgresql://squad:***@db:5432/ops"_s;
    QTest::newRow("token as user") << u"https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/a"_s
                                   << u"ghp_abcdefghij"_s << u"https://***@github.com/a"_s;
    QTest::newRow("bearer header") << u"Authorization: Bearer abc.def.ghi"_s << u"abc.def.ghi"_s
                                   << u"Authorization: Bearer ***"_s;
    QTest::newRow("api key header") << u"X-API-Key: e2b_0123456789abcdef0123"_s
                                    << u"0123456789abcdef"_s << u"X-API-Key: ***"_s;
    QTest::newRow("access token header") << u"x-access-token=topsecretvalue"_s
                                         << u"topsecretvalue"_s << u"x-access-token=***"_s;
    QTest::newRow("bare github token") << u"token ghp_abcdefghijklmnopqrstuvwx was refused"_s
                                       << u"ghp_abcdef"_s << u"token *** was refused"_s;
    QTest::newRow("fine-grained") << u"github_pat_11ABCDEFG0123456789_abcdefXYZ"_s
                                  << u"11ABCDEFG"_s << u"***"_s;
    QTest::newRow("app jwt") << u"sent eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJJdjIzIn0.c2lnbmF0dXJlX2J5dGVz ok"_s
                             << u"eyJpc3MiOiJJdjIzIn0"_s << u"sent *** ok"_s;
    QTest::newRow("pem key") << u"key: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY----- end"_s
                             << u"MIIEpAIBAAKCAQEA"_s
                             << u"key: -----BEGIN RSA PRIVATE KEY----- *** -----END RSA PRIVATE KEY----- end"_s;
    QTest::newRow("cut pem key") << u"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq"_s
                                 << u"MIIEvQIBADANBgkq"_s << u"-----BEGIN PRIVATE KEY----- ***"_s;
    QTest::newRow("plain text") << u"nothing secret here"_s << u"\x01"_s
                                << u"nothing secret here"_s;
}

void tst_Core::redaction()
{
    QFETCH(QString, text);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString redacted = redactSecrets(text);
    QVERIFY2(!redacted.contains(secret), qPrintable(redacted));
    QVERIFY2(redacted.contains(kept), qPrintable(redacted));
}

void tst_Core::timestampRoundTrip_data()
{
    QTest::addColumn<qint64>("msecs");
    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("now-ish") << qint64(1795000000123);
    QTest::newRow("leap day") << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999),
                                           QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("y2k") << QDateTime(QDate(2000, 1, 1), QTime(0, 0), QTimeZone::utc())
                                .toMSecsSinceEpoch();
    QTest::newRow("before epoch") << qint64(-86400000 * 3 - 1);
}

void tst_Core::timestampRoundTrip()
{
    QFETCH(qint64, msecs);
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(msecs, QTimeZone::utc());
    const QString text = formatTimestamp(at);
    QCOMPARE(text, QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC).toString(Qt::ISODateWithMs));
    QCOMPARE(parseTimestamp(text), at);
}

void tst_Core::timestampParsesOtherForms_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("postgres") << u"2026-11-27 03:28:52.123+00"_s << u"2026-11-27T03:28:52.123Z"_s;
    QTest::newRow("no millis") << u"2026-11-27T03:28:52Z"_s << u"2026-11-27T03:28:52.000Z"_s;
    QTest::newRow("offset") << u"2026-11-27T05:28:52.000+02:00"_s << u"2026-11-27T03:28:52.000Z"_s;
    QTest::newRow("garbage") << u"yesterday"_s << QString();
    QTest::newRow("bad month") << u"2026-13-27T03:28:52.123Z"_s << QString();
}

void tst_Core::timestampParsesOtherForms()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(formatTimestamp(parseTimestamp(text)), expected);
}

void tst_Core::databaseLocation_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("display");
    QTest::newRow("default") << QString() << true << false << u"/data/squad.db"_s;
    QTest::newRow("file") << u"/tmp/x.db"_s << true << false << u"/tmp/x.db"_s;
    QTest::newRow("pg") << u"postgresql://ops@db.internal:5433/squad"_s << true << true
                        << u"postgresql://ops@db.internal:5433/squad"_s;
    QTest::newRow("pg password hidden") << u"postgresql://ops:pw123@db:5432/squad"_s << true
                                        << true << u"postgresql://ops:***@db:5432/squad"_s;
    QTest::newRow("postgres scheme") << u"postgres://ops@db/squad"_s << true << true
                                     << u"postgresql://ops@db:5432/squad"_s;
    QTest::newRow("mysql") << u"mysql://ops@db/squad"_s << false << false << QString();
    QTest::newRow("no host") << u"postgresql://ops@:5432/squad"_s << false << false << QString();
    QTest::newRow("no user") << u"postgresql://db:5432/squad"_s << false << false << QString();
    QTest::newRow("no db") << u"postgresql://ops@db:5432/"_s << false << false << QString();
    QTest::newRow("bad port") << u"postgresql://ops@db:port/squad"_s << false << false << QString();
    QTest::newRow("port 0") << u"postgresql://ops@db:0/squad"_s << false << false << QString();
    QTest::newRow("query") << u"postgresql://ops@db/squad?sslmode=disable"_s << false << false
                           << QString();
}

void tst_Core::databaseLocation()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, postgres);
    QFETCH(QString, display);
    const auto location = DatabaseLocation::parse(text, u"/data"_s);
    QCOMPARE(location.has_value(), valid);
    if (!valid) {
        QCOMPARE(location.error().code(), ErrorCode::InvalidArgument);
        QVERIFY(location.error().message().contains(u"database URL"_s));
        QVERIFY(!location.error().message().contains(u"pw123"_s));
        return;
    }
    QCOMPARE(location->kind == DatabaseLocation::Kind::Postgres, postgres);
    QCOMPARE(location->displayName(), display);
}

void tst_Core::sandboxJsonIsValidAndStable()
{
    SandboxRecord r;
    r.id = newId();
    r.provider = u"local"_s;
    r.templateId = u"base"_s;
    r.status = SandboxStatus::Error;
    r.statusDetail = u"quote \" backslash \\ newline \n tab \t bell \x07 é 😀"_s;
    r.metadata = u"{\"k\": [1, 2]}"_s;
    r.createdAt = QDateTime::fromMSecsSinceEpoch(1795000000123, QTimeZone::utc());
    r.updatedAt = r.createdAt;
    QByteArray out;
    appendSandboxJson(out, r);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    QVERIFY2(doc.isObject(), qPrintable(error.errorString()));
    const QJsonObject o = doc.object();
    const QStringList keys = {u"id"_s, u"e2b_id"_s, u"provider"_s, u"template_id"_s,
                              u"status"_s, u"status_detail"_s, u"task_id"_s, u"agent_id"_s,
                              u"repo_url"_s, u"cpu_count"_s, u"memory_mb"_s, u"metadata"_s,
                              u"created_at"_s, u"updated_at"_s, u"last_used_at"_s, u"ended_at"_s,
                              u"disk_mb"_s, u"provider_state"_s, u"started_at"_s, u"ends_at"_s};
    QCOMPARE(o.keys().size(), keys.size());
    for (const QString &key : keys)
        QVERIFY2(o.contains(key), qPrintable(key));
    QCOMPARE(o.value(u"status_detail"_s).toString(), r.statusDetail);
    QCOMPARE(o.value(u"status"_s).toString(), u"ERROR"_s);
    QCOMPARE(o.value(u"created_at"_s).toString(), u"2026-11-18T11:06:40.123Z"_s);
    QVERIFY(o.value(u"ended_at"_s).isNull());
    QVERIFY(o.value(u"task_id"_s).isNull());
    QVERIFY(o.value(u"provider_state"_s).isNull());
    QVERIFY(o.value(u"ends_at"_s).isNull());
    QCOMPARE(o.value(u"metadata"_s).toObject().value(u"k"_s).toArray().size(), 2);

    // A hand-edited metadata value that is not an object still gives valid JSON.
    r.metadata = u"not json"_s;
    out.clear();
    appendSandboxJson(out, r);
    QVERIFY(QJsonDocument::fromJson(out).object().value(u"metadata"_s).isObject());
}

void tst_Core::metadataPassesThroughOnlyWhenAnObject_data()
{
    QTest::addColumn<QString>("metadata");
    QTest::addColumn<bool>("kept");
    QTest::newRow("empty object") << u"{}"_s << true;
    QTest::newRow("flat") << u"{\"team\":\"ops\",\"run\":\"7\"}"_s << true;
    QTest::newRow("nested and spaced") << u" { \"a\" : [1, -2.5e3, true, false, null, {\"b\": \"\\u00e9\\n\"}] } "_s
                                       << true;
    QTest::newRow("unicode") << u"{\"name\":\"café ☕\"}"_s << true;
    QTest::newRow("array") << u"[1,2]"_s << false;
    QTest::newRow("string") << u"\"x\""_s << false;
    QTest::newRow("trailing comma") << u"{\"a\":1,}"_s << false;
    QTest::newRow("single quotes") << u"{'a':1}"_s << false;
    QTest::newRow("unterminated") << u"{\"a\":\"b}"_s << false;
    QTest::newRow("two objects") << u"{}{}"_s << false;
    QTest::newRow("bad escape") << u"{\"a\":\"\\x\"}"_s << false;
    QTest::newRow("leading zero") << u"{\"a\":01}"_s << false;
    QTest::newRow("raw newline in string") << u"{\"a\":\"x\ny\"}"_s << false;
    QTest::newRow("too deep") << QString(100, u'[').prepend(u"{\"a\":"_s) << false;
}

void tst_Core::metadataPassesThroughOnlyWhenAnObject()
{
    QFETCH(QString, metadata);
    QFETCH(bool, kept);
    SandboxRecord r;
    r.id = newId();
    r.metadata = metadata;
    QByteArray out;
    appendSandboxJson(out, r);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    QVERIFY2(doc.isObject(), qPrintable(error.errorString() + u": "_s + QString::fromUtf8(out)));
    const QJsonObject written = doc.object().value(u"metadata"_s).toObject();
    if (kept)
        QCOMPARE(written, QJsonDocument::fromJson(metadata.toUtf8()).object());
    else
        QVERIFY(written.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Core)
#include "tst_core.moc"
