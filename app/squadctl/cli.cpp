// SPDX-License-Identifier: MIT
#include "cli.h"

#include "accounts/e2baccess.h"
#include "accounts/profilestore.h"
#include "console/consolecore.h"
#include "console/consolesettings.h"
#include "core/futures.h"
#include "core/ids.h"
#include "core/timestamp.h"
#include "core/validation.h"
#include "e2b/e2bprovider.h"
#include "ops/cleanup.h"
#include "ops/warmpool.h"
#include "ops/cost.h"
#include "output.h"
#include "sandbox/sandboxjson.h"
#include "sandbox/sandboxservice.h"
#include "secrets/keychainsecretstore.h"
#include "secrets/secretvault.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/taskstore.h"
#include "workflow/workflowengine.h"
#include "workflow/workflowservices.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QRegularExpression>

#include <charconv>
#include <cstring>

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

struct CommandInfo
{
    QString group;
    QString verb;
    QString synopsis;
    QString description;
};

const QList<CommandInfo> &commands()
{
    static const QList<CommandInfo> all = {
        {u"sandboxes"_s, u"list"_s, u"[--status S] [--task ID] [--remote] [--json]"_s,
         u"List sandboxes, newest first (--remote: as E2B lists them, running and paused)."_s},
        {u"sandboxes"_s, u"create"_s,
         u"[--template T] [--task ID] [--agent ID] [--repo URL] [--provider P] [--json]"_s,
         u"Create a sandbox and wait until it runs."_s},
        {u"sandboxes"_s, u"get"_s, u"ID [--json]"_s, u"Show one sandbox."_s},
        {u"sandboxes"_s, u"terminate"_s, u"ID... [--json]"_s,
         u"Terminate sandboxes; already terminated ones are left as they are."_s},
        {u"sandboxes"_s, u"reconcile"_s, u"[--json]"_s,
         u"Compare the store with E2B's live list: close rows E2B no longer has, list orphans."_s},
        {u"sandboxes"_s, u"timeout"_s, u"ID SECONDS"_s,
         u"Make an E2B sandbox end SECONDS from now."_s},
        {u"sandboxes"_s, u"pause"_s, u"ID"_s, u"Pause an E2B sandbox (it stops costing compute)."_s},
        {u"sandboxes"_s, u"resume"_s, u"ID [--timeout SECONDS]"_s,
         u"Resume a paused E2B sandbox."_s},
        {u"sandboxes"_s, u"exec"_s,
         u"ID [--timeout SECONDS] [--cwd DIR] [--env NAME=VALUE]... [--shell] -- CMD [ARGS...]"_s,
         u"Run a command in a running sandbox, stream its output and exit with its exit code "
         "(124 when the timeout ended it)."_s},
        {u"git"_s, u"clone"_s, u"ID URL [--dir DIR] [--json]"_s,
         u"Clone a repository into the sandbox (repos/<name> by default); an existing clone "
         "there is fetched and fast-forwarded instead."_s},
        {u"git"_s, u"branch"_s, u"ID DIR NAME [--base BASE] [--json]"_s,
         u"Create branch NAME from BASE and check it out; an existing branch is checked out."_s},
        {u"git"_s, u"commit"_s,
         u"ID DIR -m MESSAGE|--message-file FILE [--author-name N --author-email E] [--json]"_s,
         u"Stage everything and commit; the message must be a conventional commit "
         "(type(scope): subject). Nothing to commit is not an error."_s},
        {u"git"_s, u"push"_s, u"ID DIR [--branch B] [--json]"_s,
         u"Push a branch to origin and set its upstream; the profile's GitHub token is used, "
         "never put on a command line."_s},
        {u"audit"_s, u"list"_s, u"[--target ID] [--limit N] [--json]"_s,
         u"Show the audit log, newest first."_s},
        {u"tasks"_s, u"create"_s, u"--title TITLE [--agent ID] [--json]"_s,
         u"Record a task that sandboxes can belong to."_s},
        {u"agents"_s, u"create"_s, u"--name NAME [--json]"_s,
         u"Record an agent that sandboxes can belong to."_s},
        {u"auth"_s, u"set"_s, u"e2b|github|github-app-key [--profile P]"_s,
         u"Store a secret, read from standard input, in the OS keychain."_s},
        {u"auth"_s, u"status"_s, u"[--profile P] [--json]"_s,
         u"Say where each secret comes from (keychain, environment, none); never its value."_s},
        {u"auth"_s, u"clear"_s, u"[e2b|github|github-app-key...] [--profile P]"_s,
         u"Delete secrets from the keychain (all of the profile's when none is named)."_s},
        {u"profiles"_s, u"list"_s, u"[--json]"_s, u"List the profiles; * marks the active one."_s},
        {u"profiles"_s, u"add"_s,
         u"NAME [--e2b-domain D] [--e2b-api-url URL] [--template T] [--github-api-url URL] "
         "[--git-author-name N --git-author-email E] "
         "[--github-app-client-id ID --github-app-installation-id N]"_s,
         u"Add a profile. With a GitHub App, store its private key with `auth set github-app-key`."_s},
        {u"profiles"_s, u"remove"_s, u"NAME"_s, u"Remove a profile and delete its secrets."_s},
        {u"profiles"_s, u"use"_s, u"NAME"_s, u"Make a profile the active one."_s},
        {u"templates"_s, u"list"_s, u"[--json]"_s, u"List the E2B templates the profile's key can use."_s},
        {u"auth"_s, u"test"_s, u"e2b|github [--repo OWNER/REPO] [--json]"_s,
         u"Make one cheap authenticated call to E2B or GitHub: ok (for GitHub: who, which scopes "
         "or permissions, the rate limit left, and with --repo whether it can push), or why not."_s},
        {u"pr"_s, u"create"_s,
         u"[ID DIR] [--repo OWNER/REPO] [--head B] [--base B] --title T [--body B|--body-file F] "
         "[--draft] [--no-maintainer-edit] [--reviewer R]... [--label L]... [--json]"_s,
         u"Open a pull request from a sandbox repository's branch (its origin gives the "
         "repository) or from --repo/--head; an open one for the same branch is found and "
         "returned instead. Reviewers (users or ORG/TEAM) and labels are added after it."_s},
        {u"pr"_s, u"status"_s, u"URL|NUMBER [--repo OWNER/REPO] [--json]"_s,
         u"Show a pull request's state (open, draft, merged, closed), review decision and "
         "checks."_s},
        {u"workflow"_s, u"run"_s,
         u"--repo URL --branch B --message MSG --title T [--body B] [--base B] "
         "[--pr-repo OWNER/REPO] [--draft] [--reviewer R]... [--label L]... "
         "[--agent-command CMD | --no-wait] [--keep-sandbox] [--provider P] [--template T] "
         "[--task ID] [--agent ID] [-v] [--json]"_s,
         u"Run the guided workflow: create a sandbox, clone, branch, let the agent work "
         "(--agent-command runs CMD in the clone, exit 0 = done; --no-wait commits what is there; "
         "neither asks on the terminal), commit, push, open the pull request, terminate the "
         "sandbox. Progress on stderr, the pull request's URL on stdout; exit 0 only when it "
         "exists. A failed step ends the sandbox unless --keep-sandbox."_s},
        {u"workflow"_s, u"list"_s, u"[--limit N] [--json]"_s,
         u"List workflow runs, newest first: state, repository, branch, pull request."_s},
        {u"workflow"_s, u"show"_s, u"ID [--json]"_s,
         u"Show a workflow run and each of its steps (state, attempts, times, output, error)."_s},
        {u"workflow"_s, u"resume"_s, u"ID [-v] [--json]"_s,
         u"Go on with an unfinished run: from its first unfinished step (a run whose process "
         "died is taken over), its failed step again, or past the wait for the agent."_s},
        {u"workflow"_s, u"abort"_s, u"ID [--keep-sandbox] [--json]"_s,
         u"Stop a run for good; its sandbox is terminated unless --keep-sandbox."_s},
        {u"cleanup"_s, {}, u"[--dry-run] [--older-than DURATION] [--json]"_s,
         u"Terminate sandboxes RUNNING or in ERROR for longer than DURATION (24h, 90m, 2d; "
         "default SANDBOX_CLEANUP_AGE_HOURS, else the console's setting, else 24h), and E2B "
         "orphans as old; never a sandbox of a workflow run in progress. Each is listed with "
         "why; --dry-run ends nothing. Exit 1 when a termination failed."_s},
        {u"pool"_s, u"status"_s, u"[--json]"_s,
         u"Show the warm pool per template: its size, the sandboxes ready and starting."_s},
        {u"pool"_s, u"fill"_s, u"[--template T] [--size N] [--json]"_s,
         u"Create what the warm pool lacks up to its size (--size N: of the default template, "
         "or --template T; else the console's settings and SANDBOX_POOL_SIZE) and wait until "
         "they run. Exit 1 when one could not be made."_s},
        {u"pool"_s, u"drain"_s, u"[--template T] [--json]"_s,
         u"Terminate every pooled sandbox no workflow run has taken (of T only, with --template)."_s},
        {u"diff"_s, {}, u"SANDBOX|PATH [--stat|--numstat|--json|--patch] [--repo-dir DIR] [-U N] [-w]"_s,
         u"Show a working tree's changes against its HEAD, untracked files included (a sandbox's "
         "repository: --repo-dir, else the one in its home)."_s},
    };
    return all;
}

QString usageText()
{
    QString text = u"Usage: squadctl [--db DB] [--data-dir DIR] COMMAND [OPTIONS]\n\n"
                    "Squad Console's core on the command line.\n\nCommands:\n"_s;
    for (const CommandInfo &c : commands())
        text += u"  %1 %2\n      %3\n"_s.arg(c.verb.isEmpty() ? c.group : c.group + u' ' + c.verb,
                                               c.synopsis, c.description);
    text += u"\nOptions everywhere:\n"
             "  --db DB          SQLite file or postgresql://user@host:port/dbname "
             "(default: SQUAD_DB, else squad.db in the data folder)\n"
             "  --data-dir DIR   data folder (default: SQUAD_DATA_DIR, else the platform's "
             "app-data folder)\n"
             "  --profile NAME   accounts profile (default: SQUAD_PROFILE, else the active one)\n"
             "  --help, -h       show help\n"
             "  --version        show the version\n\n"
             "Exit codes: 0 success, 1 the operation failed, 2 usage error.\n"_s;
    return text;
}

const QCommandLineOption DbOption(u"db"_s, u"Database."_s, u"DB"_s);
const QCommandLineOption DataDirOption(u"data-dir"_s, u"Data folder."_s, u"DIR"_s);
const QCommandLineOption ProfileOption(u"profile"_s, u"Accounts profile."_s, u"NAME"_s);
const QCommandLineOption HelpOption(QStringList{u"help"_s, u"h"_s}, u"Show help."_s);
const QCommandLineOption VersionOption(u"version"_s, u"Show the version."_s);
const QCommandLineOption JsonOption(u"json"_s, u"Print JSON."_s);

QString ageText(const QDateTime &since)
{
    if (!since.isValid())
        return u"-"_s;
    const qint64 seconds = since.secsTo(QDateTime::currentDateTimeUtc());
    if (seconds < 60)
        return u"%1s"_s.arg(qMax<qint64>(seconds, 0));
    if (seconds < 3600)
        return u"%1m"_s.arg(seconds / 60);
    if (seconds < 86400)
        return u"%1h"_s.arg(seconds / 3600);
    return u"%1d"_s.arg(seconds / 86400);
}

void printRecordText(const SandboxRecord &r)
{
    auto line = [](const QString &key, const QString &value) {
        return u"%1 %2\n"_s.arg(key + u':', -15).arg(value.isEmpty() ? u"-"_s : value);
    };
    QString text = line(u"id"_s, r.id) + line(u"status"_s, sandboxStatusName(r.status))
                   + line(u"status detail"_s, r.statusDetail) + line(u"provider"_s, r.provider)
                   + line(u"provider id"_s, r.providerId) + line(u"template"_s, r.templateId)
                   + line(u"task"_s, r.taskId) + line(u"agent"_s, r.agentId)
                   + line(u"repo"_s, r.repoUrl)
                   + line(u"cpus"_s, r.cpuCount ? QString::number(r.cpuCount) : QString())
                   + line(u"memory MiB"_s, r.memoryMb ? QString::number(r.memoryMb) : QString())
                   + line(u"metadata"_s, r.metadata)
                   + line(u"created"_s, formatTimestamp(r.createdAt))
                   + line(u"updated"_s, formatTimestamp(r.updatedAt))
                   + line(u"last used"_s, formatTimestamp(r.lastUsedAt))
                   + line(u"ended"_s, formatTimestamp(r.endedAt));
    writeOut(text);
}

// What `tasks create` and `agents create` print: the new id, or {"id": …, key: value}.
void printCreated(const QString &id, const QString &key, const QString &value, bool json)
{
    if (!json) {
        writeOut(id + u'\n');
        return;
    }
    QByteArray out = "{\"id\":";
    appendJsonString(out, id);
    out.append(",\"" + key.toUtf8() + "\":");
    appendJsonString(out, value);
    out.append("}\n");
    writeOut(out);
}


// One sandbox's JSON row written by bumping a pointer through room made for it up front:
// 10,000 sandboxes are 200,000 small appends otherwise, each a call into QByteArray. Text
// that is printable ASCII is copied as is; anything else goes through appendJsonString.
class JsonRowWriter
{
public:
    JsonRowWriter(QByteArray &out, qsizetype textSize, const QMap<QString, QString> &metadata)
        : m_out(out)
    {
        // Escaping makes at most 6 bytes of a UTF-16 unit; the rest is names, numbers, stamps.
        qsizetype room = 320 + 6 * textSize;
        for (auto it = metadata.begin(); it != metadata.end(); ++it)
            room += 8 + 6 * (it.key().size() + it.value().size());
        const qsizetype at = out.size();
        out.resize(at + room);
        m_end = at + room;
        m_at = out.data() + at;
    }
    ~JsonRowWriter() { m_out.resize(m_at - m_out.data()); }  // keeps the allocation

    template<size_t N>
    void raw(const char (&text)[N])
    {
        std::memcpy(m_at, text, N - 1);
        m_at += N - 1;
    }

    void string(QStringView text)
    {
        char *at = m_at;
        *at++ = '"';
        for (const QChar c : text) {
            const char16_t unit = c.unicode();
            if (unit < 0x20 || unit > 0x7e || unit == u'"' || unit == u'\\') {
                escaped(text);
                return;
            }
            *at++ = char(unit);
        }
        *at++ = '"';
        m_at = at;
    }

    void timestamp(const QDateTime &at)
    {
        if (at.isValid() && formatTimestampAscii(at.toMSecsSinceEpoch(), m_at + 1)) {
            m_at[0] = '"';
            m_at[25] = '"';
            m_at += 26;
        } else {
            string(formatTimestamp(at));  // "" when there is none, as the store writes it
        }
    }

    void number(int value) { m_at = std::to_chars(m_at, m_at + 11, value).ptr; }

private:
    void escaped(QStringView text)
    {
        m_out.resize(m_at - m_out.data());
        appendJsonString(m_out, text);
        const qsizetype at = m_out.size();
        m_out.resize(m_end);  // the room made for the row covers the escaped text too
        m_at = m_out.data() + at;
    }

    QByteArray &m_out;
    qsizetype m_end;
    char *m_at;
};

} // namespace

struct Cli::Invocation
{
    QString group;
    QString verb;
    QStringList rest;  // the verb's own arguments
    QString db;
    QString dataDir;
    QString profile;
};

Cli::Cli(QObject *parent)
    : QObject(parent)
{}

Cli::~Cli()
{
    // A run still going (Ctrl+C) ends with the engine, which settles its future: the
    // continuation must find the Cli whole, and say nothing more.
    m_closing = true;
    m_workflow.reset();
    m_workflowActions.reset();
}

void Cli::interrupt()
{
    if (m_diffCancel) {
        writeErr(u"squadctl: interrupted; stopping the diff"_s);
        m_diffCancel->store(true);
        return;
    }
    if (m_activeRun) {
        writeErr(u"squadctl: interrupted; stopping the command"_s);
        m_activeRun->cancel();
        return;
    }
    if (!m_workflowRunId.isEmpty()) {
        // The run is stored after every step: it stops here and resumes where it was (the
        // step cut off runs again, each being safe to repeat). Its sandbox stays for that.
        writeErr(u"squadctl: interrupted; run %1 stops here: `squadctl workflow resume %1` goes on"_s
                     .arg(m_workflowRunId));
    }
    QCoreApplication::exit(130);
}

QFuture<int> Cli::run(const QStringList &arguments)
{
    // First pass: global options up to the first word; everything after it is the command's.
    QCommandLineParser global;
    global.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    global.addOptions({DbOption, DataDirOption, ProfileOption, HelpOption, VersionOption});
    if (!global.parse(arguments))
        return usageError(global.errorText());
    if (global.isSet(VersionOption)) {
        writeOut(u"squadctl %1\n"_s.arg(QCoreApplication::applicationVersion()));
        return done(Success);
    }
    const QStringList words = global.positionalArguments();
    if (global.isSet(HelpOption) || words.isEmpty()) {
        if (words.isEmpty() && !global.isSet(HelpOption)) {
            writeErr(usageText());
            return done(Usage);
        }
        writeOut(usageText());
        return done(Success);
    }
    const bool verbless = words.first() == u"diff" || words.first() == u"cleanup";
    if (!verbless && (words.size() < 2 || words.at(1).startsWith(u'-')))
        return usageError(u"'%1' needs a subcommand"_s.arg(words.first()));

    Invocation invocation;
    invocation.group = words.at(0);
    invocation.verb = verbless ? QString() : words.at(1);
    invocation.rest = words.mid(verbless ? 1 : 2);
    invocation.db = global.value(DbOption);
    invocation.dataDir = global.value(DataDirOption);
    invocation.profile = global.value(ProfileOption);
    return dispatch(invocation);
}

QFuture<int> Cli::dispatch(Invocation &invocation)
{
    auto it = std::find_if(commands().cbegin(), commands().cend(), [&](const CommandInfo &c) {
        return c.group == invocation.group && c.verb == invocation.verb;
    });
    if (it == commands().cend()) {
        return usageError(u"unknown command '%1 %2'"_s.arg(invocation.group, invocation.verb));
    }

    auto parserHolder = std::make_shared<QCommandLineParser>();
    QCommandLineParser &parser = *parserHolder;
    parser.addOptions({DbOption, DataDirOption, ProfileOption, HelpOption, VersionOption});
    parser.setApplicationDescription(it->description);

    using Handler = QFuture<int> (Cli::*)(const QCommandLineParser &);
    Handler handler = nullptr;
    const QString key = invocation.verb.isEmpty() ? invocation.group
                                                  : invocation.group + u' ' + invocation.verb;
    if (key == u"sandboxes list") {
        parser.addOption({u"status"_s, u"Only sandboxes in this status."_s, u"S"_s});
        parser.addOption({u"task"_s, u"Only sandboxes of this task."_s, u"ID"_s});
        parser.addOption({u"remote"_s, u"E2B's live list instead of the store."_s});
        parser.addOption(JsonOption);
        handler = &Cli::sandboxesList;
    } else if (key == u"sandboxes create") {
        parser.addOption({u"template"_s, u"Template id."_s, u"T"_s});
        parser.addOption({u"task"_s, u"Task id."_s, u"ID"_s});
        parser.addOption({u"agent"_s, u"Agent id."_s, u"ID"_s});
        parser.addOption({u"repo"_s, u"Repository URL."_s, u"URL"_s});
        parser.addOption({u"provider"_s,
                          u"local or e2b (default: e2b when the profile has an E2B key, else "
                          "local)."_s,
                          u"P"_s});
        parser.addOption(JsonOption);
        handler = &Cli::sandboxesCreate;
    } else if (key == u"sandboxes get") {
        parser.addOption(JsonOption);
        handler = &Cli::sandboxesGet;
    } else if (key == u"sandboxes terminate") {
        parser.addOption(JsonOption);
        handler = &Cli::sandboxesTerminate;
    } else if (key == u"sandboxes exec") {
        parser.addOption({u"timeout"_s, u"Seconds before the command is ended."_s, u"SECONDS"_s});
        parser.addOption({u"cwd"_s, u"Working directory inside the sandbox."_s, u"DIR"_s});
        parser.addOption({u"env"_s, u"Environment variable for the command."_s, u"NAME=VALUE"_s});
        parser.addOption({u"shell"_s, u"Run CMD through sh -c."_s});
        handler = &Cli::sandboxesExec;
    } else if (key == u"audit list") {
        parser.addOption({u"target"_s, u"Only entries about this id."_s, u"ID"_s});
        parser.addOption({u"limit"_s, u"At most N entries."_s, u"N"_s});
        parser.addOption(JsonOption);
        handler = &Cli::auditList;
    } else if (key == u"tasks create") {
        parser.addOption({u"title"_s, u"Title."_s, u"TITLE"_s});
        parser.addOption({u"agent"_s, u"Agent id."_s, u"ID"_s});
        parser.addOption(JsonOption);
        handler = &Cli::tasksCreate;
    } else if (key == u"agents create") {
        parser.addOption({u"name"_s, u"Name."_s, u"NAME"_s});
        parser.addOption(JsonOption);
        handler = &Cli::agentsCreate;
    } else if (key == u"auth set") {
        handler = &Cli::authSet;
    } else if (key == u"auth status") {
        parser.addOption(JsonOption);
        handler = &Cli::authStatus;
    } else if (key == u"auth clear") {
        handler = &Cli::authClear;
    } else if (key == u"profiles list") {
        parser.addOption(JsonOption);
        handler = &Cli::profilesList;
    } else if (key == u"profiles add") {
        parser.addOption({u"e2b-domain"_s, u"E2B domain."_s, u"D"_s});
        parser.addOption({u"e2b-api-url"_s, u"E2B API URL."_s, u"URL"_s});
        parser.addOption({u"template"_s, u"Default template."_s, u"T"_s});
        parser.addOption({u"github-api-url"_s, u"GitHub API URL."_s, u"URL"_s});
        parser.addOption({u"git-author-name"_s, u"Who commits made in sandboxes are by."_s, u"N"_s});
        parser.addOption({u"git-author-email"_s, u"Their e-mail address."_s, u"E"_s});
        parser.addOption({u"github-app-client-id"_s,
                          u"Act as this GitHub App (its client ID or app ID) instead of a token."_s,
                          u"ID"_s});
        parser.addOption({u"github-app-installation-id"_s, u"The app's installation to act for."_s,
                          u"N"_s});
        handler = &Cli::profilesAdd;
    } else if (key == u"profiles remove") {
        handler = &Cli::profilesRemove;
    } else if (key == u"profiles use") {
        handler = &Cli::profilesUse;
    } else if (key == u"sandboxes reconcile") {
        parser.addOption(JsonOption);
        handler = &Cli::sandboxesReconcile;
    } else if (key == u"sandboxes timeout" || key == u"sandboxes pause") {
        handler = &Cli::sandboxesE2bAction;
    } else if (key == u"sandboxes resume") {
        parser.addOption({u"timeout"_s, u"Seconds it may then run (default 300)."_s, u"SECONDS"_s});
        handler = &Cli::sandboxesE2bAction;
    } else if (invocation.group == u"git") {
        addGitOptions(invocation.verb, parser);
        handler = &Cli::gitCommand;
    } else if (key == u"templates list") {
        parser.addOption(JsonOption);
        handler = &Cli::templatesList;
    } else if (key == u"auth test") {
        parser.addOption({u"repo"_s, u"GitHub: also check this repository."_s, u"OWNER/REPO"_s});
        parser.addOption(JsonOption);
        handler = &Cli::authTest;
    } else if (invocation.group == u"pr") {
        addPrOptions(invocation.verb, parser);
        handler = &Cli::prCommand;
    } else if (invocation.group == u"workflow") {
        addWorkflowOptions(invocation.verb, parser);
        handler = &Cli::workflowCommand;
    } else if (key == u"diff") {
        addDiffOptions(parser);
        handler = &Cli::diff;
    } else if (key == u"cleanup") {
        addCleanupOptions(parser);
        handler = &Cli::cleanup;
    } else if (invocation.group == u"pool") {
        addPoolOptions(invocation.verb, parser);
        handler = &Cli::poolCommand;
    }

    QStringList args = invocation.rest;
    args.prepend(u"squadctl %1"_s.arg(key));
    if (!parser.parse(args))
        return usageError(parser.errorText());
    if (parser.isSet(HelpOption)) {
        writeOut(u"Usage: squadctl %1 %2\n\n%3\n"_s.arg(key, it->synopsis, it->description));
        return done(Success);
    }
    if (parser.isSet(VersionOption)) {
        writeOut(u"squadctl %1\n"_s.arg(QCoreApplication::applicationVersion()));
        return done(Success);
    }
    // Global options may come before or after the command words; the later one wins.
    m_options.database = parser.isSet(DbOption) ? parser.value(DbOption) : invocation.db;
    m_options.dataDir = parser.isSet(DataDirOption) ? parser.value(DataDirOption)
                                                    : invocation.dataDir;
    m_options.profile = parser.isSet(ProfileOption) ? parser.value(ProfileOption)
                                                    : invocation.profile;
    // Commands that may reach E2B read its key first (the keychain answers asynchronously).
    static const QStringList needE2b
        = {u"sandboxes create"_s,    u"sandboxes get"_s,   u"sandboxes terminate"_s,
           u"sandboxes exec"_s,      u"sandboxes reconcile"_s, u"sandboxes timeout"_s,
           u"sandboxes pause"_s,     u"sandboxes resume"_s,    u"templates list"_s,
           u"auth test"_s,           u"cleanup"_s,             u"pool status"_s,
           u"pool fill"_s,           u"pool drain"_s};
    m_verb = invocation.verb;
    const bool remoteList = key == u"sandboxes list" && parser.isSet(u"remote"_s);
    // git runs in the sandbox, which may be an E2B one; so does a workflow run's every step.
    const bool workflowInSandbox = invocation.group == u"workflow"
        && (invocation.verb == u"run" || invocation.verb == u"resume" || invocation.verb == u"abort");
    if (!needE2b.contains(key) && !remoteList && invocation.group != u"git"
        && invocation.group != u"pr" && !workflowInSandbox)
        return (this->*handler)(parser);
    auto promise = std::make_shared<QPromise<int>>();
    promise->start();
    loadE2bAccess().then(this, [this, promise, parserHolder, handler] {
        (this->*handler)(*parserHolder).then(this, [promise](int code) {
            promise->addResult(code);
            promise->finish();
        });
    });
    return promise->future();
}

std::optional<int> Cli::openCore()
{
    auto core = ConsoleCore::open(m_options);
    if (!core) {
        return reported(core.error());
    }
    m_core = std::move(*core);
    if (m_e2b) {
        if (auto enabled = m_core->enableE2b(m_e2b->location, m_e2b->apiKey); !enabled) {
            return reported(enabled.error());
        }
    }
    return std::nullopt;
}

QFuture<void> Cli::loadE2bAccess()
{
    auto profileName = resolveProfile();
    if (!profileName)
        return QtFuture::makeReadyFuture();  // the command itself reports the profile problem
    ConsoleSettings settings;
    return resolveE2bAccess(vault(), settings, *profileName)
        .then(this, [this](const std::optional<E2bAccess> &access) { m_e2b = access; });
}

CostRates Cli::costRates() const
{
    ConsoleSettings settings;
    ProfileStore profiles(settings);
    const QString name = m_options.profile.isEmpty() ? profiles.activeName() : m_options.profile;
    auto profile = profiles.get(name);
    return profile ? profile->costRates : CostRates{};
}

QFuture<int> Cli::sandboxesList(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    if (parser.isSet(u"remote"_s))
        return remoteList(parser.isSet(JsonOption));
    SandboxFilter filter;
    if (parser.isSet(u"status"_s)) {
        const QString status = parser.value(u"status"_s);
        filter.status = sandboxStatusFromName(status);
        if (!filter.status) {
            return usageError(u"unknown status '%1': use created, running, terminated or error"_s
                                  .arg(status));
        }
    }
    if (parser.isSet(u"task"_s)) {
        auto task = parseId(parser.value(u"task"_s), u"task id"_s);
        if (!task)
            return failure(task.error());
        filter.taskId = *task;
    }
    if (auto code = openCore())
        return done(*code);

    BufferedOut out;
    const bool json = parser.isSet(JsonOption);
    bool first = true;
    if (json) {
        out.buffer().append('[');
    } else {
        out.buffer().append(u"%1  %2  %3  %4  %5  %6  %7\n"_s.arg(u"ID"_s, -36)
                                .arg(u"STATUS"_s, -10)
                                .arg(u"PROVIDER"_s, -8)
                                .arg(u"TEMPLATE"_s, -16)
                                .arg(u"AGE"_s, -5)
                                .arg(u"COST"_s, -9)
                                .arg(u"REPO"_s)
                                .toUtf8());
    }
    // The estimate at the profile's rates (E2B's by default); paused time is not billed.
    const CostRates rates = costRates();
    const QDateTime now = nowUtc();
    auto listed = m_core->sandboxes().forEach(filter, [&](const SandboxRecord &r) {
        const std::optional<double> cost = estimateCostUsd(r, rates, now);
        if (json) {
            out.buffer().append(first ? "\n" : ",\n");
            appendSandboxJson(out.buffer(), r);
            // One more field before the object's closing brace: null when the resources are
            // unknown.
            out.buffer().chop(1);
            out.buffer().append(",\"cost_usd\":");
            out.buffer().append(cost ? QByteArray::number(*cost, 'f', 6) : QByteArray("null"));
            out.buffer().append('}');
        } else {
            out.buffer().append(u"%1  %2  %3  %4  %5  %6  %7\n"_s.arg(r.id, -36)
                                    .arg(sandboxStatusName(r.status), -10)
                                    .arg(r.provider, -8)
                                    .arg(r.templateId, -16)
                                    .arg(ageText(r.createdAt), -5)
                                    .arg(formatUsd(cost), -9)
                                    .arg(r.repoUrl.isEmpty() ? u"-"_s : r.repoUrl)
                                    .toUtf8());
        }
        first = false;
        out.flushIfLarge();
    });
    if (!listed) {
        // Whatever was already written is incomplete: say so and fail.
        out.buffer().clear();
        return failure(listed.error());
    }
    if (json)
        out.buffer().append(first ? "]\n" : "\n]\n");
    return done(Success);
}

QFuture<int> Cli::sandboxesCreate(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    CreateSandboxRequest request;
    request.templateId = parser.value(u"template"_s);
    request.taskId = parser.value(u"task"_s);
    request.agentId = parser.value(u"agent"_s);
    request.repoUrl = parser.value(u"repo"_s);
    request.provider = parser.value(u"provider"_s);
    // Malformed input is refused before the database is even opened.
    for (const auto &[value, what] : {std::pair{request.taskId, u"task id"_s},
                                      std::pair{request.agentId, u"agent id"_s}}) {
        if (!value.isEmpty()) {
            if (auto id = parseId(value, what); !id)
                return failure(id.error());
        }
    }
    if (parser.isSet(u"template"_s)) {
        if (auto t = validateTemplateId(request.templateId); !t)
            return failure(t.error());
    }
    if (parser.isSet(u"repo"_s)) {
        if (auto url = validateRepoUrl(request.repoUrl); !url)
            return failure(url.error());
    }
    if (auto code = openCore())
        return done(*code);

    const bool json = parser.isSet(JsonOption);
    return m_core->sandboxes().create(request).then(this, [json](Result<SandboxRecord> created) {
        if (!created) {
            return reported(created.error());
        }
        if (json) {
            QByteArray out;
            appendSandboxJson(out, *created);
            out.append('\n');
            writeOut(out);
        } else {
            writeOut(created->id + u'\n');
            writeErr(u"Sandbox %1 is running (%2, template %3)"_s.arg(
                created->id, created->provider, created->templateId));
        }
        return int(Success);
    });
}

QFuture<int> Cli::sandboxesGet(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty())
        return usageError(u"'sandboxes get' needs a sandbox id"_s);
    if (auto extra = unexpectedArguments(parser, 1))
        return usageError(*extra);
    auto id = parseId(words.first(), u"sandbox id"_s);
    if (!id)
        return failure(id.error());
    if (auto code = openCore())
        return done(*code);
    auto record = m_core->sandboxes().get(*id);
    if (!record)
        return failure(record.error());
    if (parser.isSet(JsonOption)) {
        QByteArray out;
        appendSandboxJson(out, *record);
        out.append('\n');
        writeOut(out);
    } else {
        printRecordText(*record);
    }
    return done(Success);
}

QFuture<int> Cli::sandboxesTerminate(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty())
        return usageError(u"'sandboxes terminate' needs at least one sandbox id"_s);
    // Every id is checked before anything is terminated: a typo must not leave a half-run batch.
    QStringList ids;
    for (const QString &word : words) {
        auto id = parseId(word, u"sandbox id"_s);
        if (!id)
            return failure(id.error());
        if (!ids.contains(*id))
            ids << *id;
    }
    if (auto code = openCore())
        return done(*code);
    // Unknown ids are refused before anything is terminated, like malformed ones.
    for (const QString &id : ids) {
        if (auto found = m_core->sandboxes().get(id); !found)
            return failure(found.error());
    }

    // One at a time, in order: the output reads like the list the operator typed.
    struct Batch
    {
        QStringList ids;
        qsizetype next = 0;
        bool anyFailed = false;
        bool json = false;
        QByteArray jsonOut;
        QPromise<int> promise;
    };
    auto batch = std::make_shared<Batch>();
    batch->ids = ids;
    batch->json = parser.isSet(JsonOption);
    batch->promise.start();
    batch->jsonOut = "[";

    auto step = std::make_shared<std::function<void()>>();
    *step = [this, batch, step] {
        if (batch->next == batch->ids.size()) {
            if (batch->json) {
                batch->jsonOut.append("\n]\n");
                writeOut(batch->jsonOut);
            }
            batch->promise.addResult(batch->anyFailed ? int(Failure) : int(Success));
            batch->promise.finish();
            *step = nullptr;  // break the self-reference
            return;
        }
        const QString id = batch->ids.at(batch->next++);
        m_core->sandboxes().terminate(id).then(this, [batch, step, id](
                                                          Result<TerminateOutcome> outcome) {
            QByteArray row;
            row.append(batch->next > 1 ? ",\n{\"id\":" : "\n{\"id\":");
            appendJsonString(row, id);
            if (outcome) {
                static const char *const kinds[] = {"terminated", "already_terminated",
                                                    "gone_at_provider"};
                row.append(",\"result\":\"");
                row.append(kinds[int(outcome->kind)]);
                row.append("\",\"message\":");
                appendJsonString(row, outcome->message);
                if (!batch->json)
                    writeOut(outcome->message + u'\n');
            } else {
                batch->anyFailed = true;
                row.append(",\"result\":\"failed\",\"error\":");
                appendJsonString(row, errorCodeName(outcome.error().code()));
                row.append(",\"message\":");
                appendJsonString(row, outcome.error().toString());
                writeErr(u"squadctl: %1"_s.arg(outcome.error().toString()));
            }
            row.append('}');
            batch->jsonOut.append(row);
            (*step)();
        });
    };
    (*step)();
    return batch->promise.future();
}

QFuture<int> Cli::sandboxesExec(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.isEmpty())
        return usageError(u"'sandboxes exec' needs a sandbox id and a command after --"_s);
    if (words.size() < 2)
        return usageError(u"'sandboxes exec' needs a command: squadctl sandboxes exec ID -- CMD"_s);
    auto id = parseId(words.first(), u"sandbox id"_s);
    if (!id)
        return failure(id.error());

    CommandSpec spec;
    spec.argv = words.mid(1);
    if (parser.isSet(u"shell"_s))
        spec.argv = {u"sh"_s, u"-c"_s, spec.argv.join(u' ')};
    spec.workingDirectory = parser.value(u"cwd"_s);
    if (parser.isSet(u"timeout"_s)) {
        bool ok = false;
        const double seconds = parser.value(u"timeout"_s).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 7 * 24 * 3600) {
            return usageError(u"--timeout takes a number of seconds greater than 0, got '%1'"_s.arg(
                parser.value(u"timeout"_s)));
        }
        spec.timeoutMs = int(seconds * 1000);
    }
    static const QRegularExpression envName(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
    for (const QString &pair : parser.values(u"env"_s)) {
        const qsizetype eq = pair.indexOf(u'=');
        const QString name = pair.left(eq);
        if (eq <= 0 || !envName.match(name).hasMatch())
            return usageError(u"--env takes NAME=VALUE, got '%1'"_s.arg(name));
        spec.environment.insert(name, pair.mid(eq + 1));
    }
    if (auto code = openCore())
        return done(*code);

    auto promise = std::make_shared<QPromise<int>>();
    promise->start();
    CommandRun *run = m_core->sandboxes().run(*id, spec, this);
    m_activeRun = run;
    connect(run, &CommandRun::output, this, [](CommandRun::Channel channel, const QByteArray &data) {
        writeNow(channel == CommandRun::Channel::Stdout ? stdout : stderr, data);
    });
    connect(run, &CommandRun::finished, this, [this, run, promise] {
        m_activeRun = nullptr;
        const Result<CommandOutcome> &result = run->result();
        int code = Failure;
        if (!result) {
            writeErr(u"squadctl: %1"_s.arg(result.error().toString()));
            code = result.error().code() == ErrorCode::Cancelled ? 130
                   : result.error().code() == ErrorCode::InvalidArgument ? int(Usage)
                                                                         : int(Failure);
        } else {
            if (result->timedOut)
                writeErr(u"squadctl: the command timed out and was ended"_s);
            code = result->exitCode;
        }
        run->deleteLater();
        promise->addResult(code);
        promise->finish();
    });
    return promise->future();
}

QFuture<int> Cli::auditList(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    AuditFilter filter;
    if (parser.isSet(u"limit"_s)) {
        bool ok = false;
        filter.limit = parser.value(u"limit"_s).toInt(&ok);
        if (!ok || filter.limit <= 0)
            return usageError(u"--limit takes a positive number, got '%1'"_s.arg(
                parser.value(u"limit"_s)));
    }
    filter.target = parser.value(u"target"_s);
    if (auto code = openCore())
        return done(*code);
    auto entries = AuditLog(m_core->database()).list(filter);
    if (!entries)
        return failure(entries.error());

    BufferedOut out;
    if (parser.isSet(JsonOption)) {
        out.buffer().append('[');
        bool first = true;
        for (const AuditEntry &e : *entries) {
            out.buffer().append(first ? "\n" : ",\n");
            first = false;
            appendAuditJson(out.buffer(), e);
            out.flushIfLarge();
        }
        out.buffer().append(first ? "]\n" : "\n]\n");
        return done(Success);
    }
    for (const AuditEntry &e : *entries) {
        out.buffer().append(u"%1  %2  %3  %4  %5  %6\n"_s.arg(formatTimestamp(e.at))
                                .arg(e.actor, -10)
                                .arg(e.action, -18)
                                .arg(e.outcome, -7)
                                .arg(e.target.isEmpty() ? u"-"_s : e.target, -36)
                                .arg(e.detail)
                                .toUtf8());
        out.flushIfLarge();
    }
    return done(Success);
}

QFuture<int> Cli::tasksCreate(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    if (parser.value(u"title"_s).trimmed().isEmpty())
        return usageError(u"'tasks create' needs --title"_s);
    QString agentId;
    if (parser.isSet(u"agent"_s)) {
        auto id = parseId(parser.value(u"agent"_s), u"agent id"_s);
        if (!id)
            return failure(id.error());
        agentId = *id;
    }
    if (auto code = openCore())
        return done(*code);
    auto task = TaskStore(m_core->database()).createTask(parser.value(u"title"_s), agentId);
    if (!task)
        return failure(task.error());
    printCreated(task->id, u"title"_s, task->title, parser.isSet(JsonOption));
    return done(Success);
}

QFuture<int> Cli::agentsCreate(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    if (parser.value(u"name"_s).trimmed().isEmpty())
        return usageError(u"'agents create' needs --name"_s);
    if (auto code = openCore())
        return done(*code);
    auto agent = TaskStore(m_core->database()).createAgent(parser.value(u"name"_s));
    if (!agent)
        return failure(agent.error());
    printCreated(agent->id, u"name"_s, agent->name, parser.isSet(JsonOption));
    return done(Success);
}

QFuture<int> Cli::templatesList(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    if (auto code = openE2b())
        return done(*code);
    const bool json = parser.isSet(JsonOption);
    return m_core->e2b()->api().listTemplates().then(this, [json](const Result<QList<E2bTemplate>> &templates) {
        if (!templates) {
            return reported(templates.error());
        }
        if (json) {
            QJsonArray array;
            for (const E2bTemplate &t : *templates) {
                array.append(QJsonObject{{u"templateID"_s, t.templateId},
                                         {u"aliases"_s, QJsonArray::fromStringList(t.aliases)},
                                         {u"cpuCount"_s, t.cpuCount},
                                         {u"memoryMB"_s, t.memoryMb},
                                         {u"diskSizeMB"_s, t.diskSizeMb},
                                         {u"public"_s, t.isPublic}});
            }
            writeOut(QJsonDocument(array).toJson(QJsonDocument::Compact) + '\n');
        } else {
            for (const E2bTemplate &t : *templates) {
                writeOut(u"%1  %2  %3 vCPU  %4 MB\n"_s.arg(t.templateId, t.aliases.join(u','))
                             .arg(t.cpuCount)
                             .arg(t.memoryMb));
            }
        }
        return int(Success);
    });
}

QFuture<int> Cli::authTest(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words == QStringList{u"github"_s})
        return authTestGitHub(parser);
    if (words != QStringList{u"e2b"_s})
        return usageError(u"auth test takes one word: e2b or github"_s);
    if (auto code = openE2b())
        return done(*code);
    return m_core->e2b()->api().checkHealth().then(this, [](const Result<void> &checked) {
        if (!checked) {
            return reported(checked.error());
        }
        writeErr(u"E2B accepted the key."_s);
        return int(Success);
    });
}

std::optional<int> Cli::openE2b()
{
    if (auto code = openCore())
        return code;
    if (!m_core->e2b()) {
        return reported(Error(ErrorCode::Unauthenticated,
                              u"No E2B API key for this profile: store one with `squadctl auth "
                              "set e2b` or set E2B_API_KEY."_s));
    }
    return std::nullopt;
}

QFuture<int> Cli::sandboxesReconcile(const QCommandLineParser &parser)
{
    if (auto extra = unexpectedArguments(parser, 0))
        return usageError(*extra);
    if (auto code = openE2b())
        return done(*code);
    const bool json = parser.isSet(JsonOption);
    return m_core->sandboxes().reconcile(u"e2b"_s).then(this, [json](const Result<ReconcileReport> &report) {
        if (!report) {
            return reported(report.error());
        }
        if (json) {
            QJsonArray closed;
            for (const SandboxRecord &record : report->closed)
                closed.append(record.id);
            QJsonArray orphans;
            for (const ProviderSandbox &orphan : report->orphans) {
                orphans.append(QJsonObject{{u"providerId"_s, orphan.providerId},
                                           {u"template"_s, orphan.templateId},
                                           {u"running"_s, orphan.running}});
            }
            writeOut(QJsonDocument(QJsonObject{{u"live"_s, report->live},
                                               {u"closed"_s, closed},
                                               {u"orphans"_s, orphans},
                                               {u"paused"_s, QJsonArray::fromStringList(report->paused)}})
                         .toJson(QJsonDocument::Compact)
                     + '\n');
        } else {
            for (const SandboxRecord &record : report->closed)
                writeOut(u"closed  %1  (gone at E2B)\n"_s.arg(record.id));
            for (const ProviderSandbox &orphan : report->orphans)
                writeOut(u"orphan  %1  %2\n"_s.arg(orphan.providerId, orphan.templateId));
            writeErr(u"E2B lists %1 sandboxes: %2 rows closed, %3 orphans, %4 paused"_s.arg(report->live)
                         .arg(report->closed.size())
                         .arg(report->orphans.size())
                         .arg(report->paused.size()));
        }
        return int(Success);
    });
}

QFuture<int> Cli::sandboxesE2bAction(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    const bool timeout = m_verb == u"timeout";
    if (words.size() != (timeout ? 2 : 1))
        return usageError(timeout ? u"usage: sandboxes timeout ID SECONDS"_s : u"usage: sandboxes %1 ID"_s.arg(m_verb));
    int seconds = 300;
    if (timeout || parser.isSet(u"timeout"_s)) {
        bool ok = false;
        seconds = (timeout ? words.at(1) : parser.value(u"timeout"_s)).toInt(&ok);
        if (!ok || seconds <= 0)
            return usageError(u"SECONDS must be a positive whole number"_s);
    }
    if (auto code = openE2b())
        return done(*code);
    auto record = m_core->sandboxes().get(words.first());
    if (!record)
        return failure(record.error());
    if (record->provider != u"e2b" || record->providerId.isEmpty()) {
        return failure(Error(ErrorCode::InvalidArgument,
                             u"Sandbox %1 is not an E2B sandbox; %2 applies to E2B ones only"_s.arg(
                                 record->id, m_verb)));
    }
    E2bApi &api = m_core->e2b()->api();
    const QString providerId = record->providerId;
    const auto report = [this, id = record->id](const Result<void> &outcome) {
        if (!outcome) {
            return reported(outcome.error());
        }
        writeErr(u"Sandbox %1: %2 done"_s.arg(id, m_verb));
        return int(Success);
    };
    if (timeout)
        return api.setTimeout(providerId, seconds).then(this, report);
    if (m_verb == u"pause")
        return api.pauseSandbox(providerId).then(this, report);
    return api.connectSandbox(providerId, seconds).then(this, [report](const Result<E2bSandbox> &resumed) {
        return report(resumed ? Result<void>() : Result<void>(tl::unexpected(resumed.error())));
    });
}

QFuture<int> Cli::remoteList(bool json)
{
    // E2B's list needs no store: the API is reached without opening the database, which
    // (with its migrations) was a twentieth of this command's time. Without a key (or
    // without the profile) the usual path says what is missing.
    if (!m_e2b)
        return done(openE2b().value_or(int(Failure)));
    auto endpoint = E2bEndpoint::resolve(m_e2b->location);
    if (!endpoint)
        return failure(endpoint.error());
    // Kept by the continuation, and deleted from the event loop rather than from inside its
    // own reply handler, which is where the list finishes.
    const std::shared_ptr<E2bApi> api(new E2bApi(*endpoint, m_e2b->apiKey),
                                      [](E2bApi *done) { done->deleteLater(); });
    return api->listSandboxes().then(this, [json, api](const Result<QList<E2bSandbox>> &listed) {
        if (!listed) {
            return reported(listed.error());
        }
        QByteArray out;
        out.reserve(listed->size() * 384);
        if (json)
            out += '[';
        for (qsizetype i = 0; i < listed->size(); ++i) {
            const E2bSandbox &sandbox = listed->at(i);
            if (json) {
                JsonRowWriter row(out, sandbox.sandboxId.size() + sandbox.templateId.size()
                                           + sandbox.alias.size() + sandbox.state.size(),
                                  sandbox.metadata);
                if (i > 0)
                    row.raw(",");
                row.raw(R"({"sandbox_id":)");
                row.string(sandbox.sandboxId);
                row.raw(R"(,"template_id":)");
                row.string(sandbox.templateId);
                row.raw(R"(,"alias":)");
                row.string(sandbox.alias);
                row.raw(R"(,"state":)");
                row.string(sandbox.state);
                row.raw(R"(,"started_at":)");
                row.timestamp(sandbox.startedAt);
                row.raw(R"(,"end_at":)");
                row.timestamp(sandbox.endAt);
                row.raw(R"(,"cpu_count":)");
                row.number(sandbox.cpuCount);
                row.raw(R"(,"memory_mb":)");
                row.number(sandbox.memoryMb);
                row.raw(R"(,"metadata":{)");
                for (auto it = sandbox.metadata.begin(); it != sandbox.metadata.end(); ++it) {
                    if (it != sandbox.metadata.begin())
                        row.raw(",");
                    row.string(it.key());
                    row.raw(":");
                    row.string(it.value());
                }
                row.raw("}}");
            } else {
                out += u"%1  %2  %3  ends %4\n"_s.arg(sandbox.sandboxId, sandbox.state,
                                                      sandbox.alias.isEmpty() ? sandbox.templateId : sandbox.alias,
                                                      sandbox.endAt.toString(Qt::ISODate))
                           .toUtf8();
            }
        }
        if (json)
            out += "]\n";
        writeOut(out);
        return int(Success);
    });
}

} // namespace squad::cli
