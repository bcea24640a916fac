// SPDX-License-Identifier: MIT
#include "benchdata.h"

#include "core/ids.h"
#include "core/timestamp.h"
#include "sandbox/sandboxrecord.h"
#include "store/database.h"

#include <QSqlQuery>
#include <QTimeZone>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace squad {

bool populateSandboxes(const Database &db, int rows)
{
    const auto done = db.transaction([&]() -> Result<void> {
        QSqlQuery insert(db.connection());
        insert.prepare(u"INSERT INTO sandboxes (id, e2b_id, provider, template_id, status, "
                        "status_detail, task_id, agent_id, repo_url, cpu_count, memory_mb, "
                        "metadata, created_at, updated_at, last_used_at, ended_at) VALUES "
                        "(?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        const qint64 base = QDateTime(QDate(2026, 1, 1), QTime(0, 0), QTimeZone::utc())
                                .toMSecsSinceEpoch();
        for (int i = 0; i < rows; ++i) {
            const SandboxStatus status = AllSandboxStatuses[i % 4];
            const QDateTime created = QDateTime::fromMSecsSinceEpoch(base + qint64(i) * 97'003,
                                                                     Qt::UTC);
            insert.addBindValue(newId());
            insert.addBindValue(u"i%1x9q2"_s.arg(i, 8, 36, QLatin1Char('0')));
            insert.addBindValue(i % 3 ? u"e2b"_s : u"local"_s);
            insert.addBindValue(i % 5 ? u"base"_s : u"python-3.12"_s);
            insert.addBindValue(sandboxStatusName(status));
            insert.addBindValue(status == SandboxStatus::Error ? u"template build failed"_s
                                                               : QString());
            insert.addBindValue(u"https://github.com/acme/service-%1.git"_s.arg(i % 250));
            insert.addBindValue(2);
            insert.addBindValue(512 * (1 + i % 4));
            insert.addBindValue(u"{\"team\":\"ops\",\"run\":\"%1\"}"_s.arg(i));
            insert.addBindValue(formatTimestamp(created));
            insert.addBindValue(formatTimestamp(created.addSecs(30)));
            insert.addBindValue(formatTimestamp(created.addSecs(600)));
            insert.addBindValue(status == SandboxStatus::Terminated
                                    ? QVariant(formatTimestamp(created.addSecs(3600)))
                                    : QVariant(QMetaType::fromType<QString>()));
            if (!insert.exec())
                return fail(ErrorCode::Storage, u"insert failed"_s);
        }
        return {};
    });
    return done.has_value();
}

bool createBenchmarkDatabase(const QString &path, int rows)
{
    DatabaseLocation location;
    location.sqlitePath = path;
    auto db = Database::open(location);
    if (!db || !populateSandboxes(**db, rows)) {
        std::fprintf(stderr, "could not create the benchmark database %s\n", qPrintable(path));
        return false;
    }
    return true;
}

} // namespace squad
