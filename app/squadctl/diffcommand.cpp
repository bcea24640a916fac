// SPDX-License-Identifier: MIT
// squadctl diff SANDBOX|PATH: a working tree's changes against its HEAD, as git shows them.
//
// PATH: a local working tree, diffed with libgit2 on a worker thread (diffWorkingTree()).
// SANDBOX: one of our sandbox ids; git runs inside the sandbox through the provider's command
// runner (sandboxDiffCommand(): the agent's index is not touched) and its output is parsed
// here (parsePatch()). Both give the same values, so every format reads the same either way.
#include "cli.h"

#include "core/ids.h"
#include "git/diffformat.h"
#include "git/gitdiffengine.h"
#include "git/sandboxchanges.h"
#include "git/sandboxdiff.h"
#include "output.h"
#include "sandbox/sandboxservice.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent>

#ifdef Q_OS_UNIX
#include <sys/ioctl.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace squad::cli {

namespace {

enum class DiffFormat { Patch, Stat, Numstat, Json };

// git's term_columns(): COLUMNS, else the terminal's width, else 80.
int statWidth()
{
    bool ok = false;
    const int columns = qEnvironmentVariableIntValue("COLUMNS", &ok);
    if (ok && columns > 0)
        return columns;
#ifdef Q_OS_UNIX
    struct winsize size = {};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
#endif
    return 80;
}

void printDiff(const git::Diff &diff, DiffFormat format)
{
    switch (format) {
    case DiffFormat::Numstat:
        writeOut(git::formatNumstat(diff));
        break;
    case DiffFormat::Stat:
        writeOut(git::formatStat(diff, statWidth()));
        break;
    case DiffFormat::Json:
        writeOut(git::formatJson(diff));
        break;
    case DiffFormat::Patch:
        writeOut(git::formatPatch(diff));
        break;
    }
    flushOut();
}

// A diff's failure ends the command with 1 (130 when interrupted): a damaged patch or a
// folder that is no repository is not a usage error.
int diffFailed(const Error &error)
{
    writeErr(u"squadctl: %1"_s.arg(error.toString()));
    return error.code() == ErrorCode::Cancelled ? 130 : int(Failure);
}

} // namespace

void Cli::addDiffOptions(QCommandLineParser &parser)
{
    parser.addOption({u"stat"_s, u"A line per file with a +/- graph, and a summary."_s});
    parser.addOption({u"numstat"_s, u"Added and deleted lines per file, as git --numstat."_s});
    parser.addOption({u"json"_s, u"Files, hunks and lines as JSON."_s});
    parser.addOption({u"patch"_s, u"The patch text (the default)."_s});
    parser.addOption({u"repo-dir"_s,
                      u"SANDBOX: the repository's folder, relative to the sandbox's home."_s,
                      u"DIR"_s});
    parser.addOption(
        {QStringList{u"U"_s, u"unified"_s}, u"Lines of context (default 3)."_s, u"N"_s});
    parser.addOption({QStringList{u"w"_s, u"ignore-all-space"_s}, u"Ignore whitespace."_s});
}

QFuture<int> Cli::diff(const QCommandLineParser &parser)
{
    const QStringList words = parser.positionalArguments();
    if (words.size() != 1)
        return usageError(u"'diff' takes one sandbox id or working-tree path"_s);
    DiffFormat format = DiffFormat::Patch;
    int formats = 0;
    for (const auto &[name, value] :
         {std::pair(u"stat"_s, DiffFormat::Stat), std::pair(u"numstat"_s, DiffFormat::Numstat),
          std::pair(u"json"_s, DiffFormat::Json), std::pair(u"patch"_s, DiffFormat::Patch)}) {
        if (parser.isSet(name)) {
            format = value;
            ++formats;
        }
    }
    if (formats > 1)
        return usageError(u"choose one of --stat, --numstat, --json and --patch"_s);
    int context = 3;
    if (parser.isSet(u"U"_s)) {
        bool ok = false;
        context = parser.value(u"U"_s).toInt(&ok);
        if (!ok || context < 0 || context > 100000)
            return usageError(u"-U takes a number of lines, got '%1'"_s.arg(parser.value(u"U"_s)));
    }
    const bool ignoreWhitespace = parser.isSet(u"w"_s);
    const QString target = words.first();

    // A path that exists is a path, even if it happens to look like an id.
    const bool sandbox = !QFileInfo::exists(target) && parseId(target, {}).has_value();
    if (!sandbox) {
        if (parser.isSet(u"repo-dir"_s))
            return usageError(u"--repo-dir applies to a sandbox, not to a local path"_s);
        git::DiffOptions options;
        options.contextLines = context;
        options.ignoreWhitespace = ignoreWhitespace;
        options.statsOnly = format == DiffFormat::Numstat || format == DiffFormat::Stat;
        auto cancel = std::make_shared<std::atomic<bool>>(false);
        options.cancel = cancel.get();
        m_diffCancel = cancel;
        return QtConcurrent::run(
                   [target, options, cancel] { return git::diffWorkingTree(target, options); })
            .then(this, [this, format](const Result<git::Diff> &diff) {
                m_diffCancel.reset();
                if (!diff)
                    return diffFailed(diff.error());
                printDiff(*diff, format);
                return int(Success);
            });
    }

    git::SandboxDiffRequest request;
    request.repoDir = parser.value(u"repo-dir"_s);
    request.contextLines = context;
    request.ignoreWhitespace = ignoreWhitespace;
    const QString id = *parseId(target);
    auto [exitCode, finish] = pendingExit();
    // The sandbox may be an E2B one: its key is read first, as for `sandboxes exec`.
    loadE2bAccess().then(this, [this, id, request, format, finish]() mutable {
        if (auto code = openCore())
            return finish(*code);
        auto record = m_core->sandboxes().get(id);
        if (!record)
            return finish(diffFailed(record.error()));
        request.repoUrl = record->repoUrl;
        git::sandboxPatch(m_core->sandboxes(), id, request, this)
            .then(this, [this, format, finish](const Result<QByteArray> &patch) {
                if (!patch)
                    return finish(diffFailed(patch.error()));
                if (format == DiffFormat::Patch) {
                    writeOut(git::patchText(*patch).toByteArray());
                    flushOut();
                    return finish(Success);
                }
                // Parsing a large patch takes a while: off the event loop.
                QtConcurrent::run([text = *patch] { return git::parsePatch(text); })
                    .then(this, [format, finish](const Result<git::Diff> &diff) {
                        if (!diff)
                            return finish(diffFailed(diff.error()));
                        printDiff(*diff, format);
                        finish(Success);
                    });
            });
    });
    return exitCode;
}

} // namespace squad::cli
