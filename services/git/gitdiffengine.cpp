// SPDX-License-Identifier: MIT
#include "gitdiffengine.h"

#include "diffbuild.h"
#include "gitlibrary.h"
#include "gitsimilarity.h"
#include "libgit2handles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace squad::git {

namespace {

bool cancelled(const DiffOptions &options)
{
    return options.cancel && options.cancel->load(std::memory_order_relaxed);
}

Error cancelledError()
{
    return Error(ErrorCode::Cancelled, u"The diff was cancelled"_s);
}

struct ProgressState
{
    const DiffOptions &options;
    int examined = 0;
};

int onProgress(const git_diff *, const char *, const char *, void *payload)
{
    auto *state = static_cast<ProgressState *>(payload);
    ++state->examined;
    if (state->options.progress)
        state->options.progress(state->examined);
    return cancelled(state->options) ? GIT_EUSER : 0;
}

Result<RepositoryHandle> openRepository(const QString &path)
{
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists())
        return fail(ErrorCode::NotFound, u"%1 does not exist"_s.arg(path));
    const QByteArray native = QFile::encodeName(info.absoluteFilePath());
    git_repository *raw = nullptr;
    const int rc = git_repository_open_ext(&raw, native.constData(), 0, nullptr);
    RepositoryHandle repo(raw);
    if (rc == GIT_ENOTFOUND) {
        return fail(
            ErrorCode::NotFound,
            u"%1 is not in a git repository (no .git here or in a folder above)"_s.arg(path));
    }
    if (rc == GIT_EOWNER) {
        return fail(gitError(ErrorCode::PermissionDenied,
                             u"The git repository at %1 belongs to another user, so git "
                             "refuses to read it: add it to safe.directory"_s.arg(path),
                             rc));
    }
    if (rc < 0) {
        return fail(gitError(ErrorCode::Unavailable,
                             u"Could not open the git repository at %1"_s.arg(path), rc));
    }
    if (git_repository_is_bare(repo.get())) {
        return fail(ErrorCode::InvalidArgument,
                    u"%1 is a bare repository: it has no working tree to diff"_s.arg(path));
    }
    return repo;
}

// HEAD's tree, or none when the branch has no commit yet (the diff is then against the
// empty tree, as `git diff` with an empty tree object shows it).
Result<TreeHandle> headTree(git_repository *repo, const QString &path)
{
    const int unborn = git_repository_head_unborn(repo);
    if (unborn == 1)
        return TreeHandle();
    git_object *raw = nullptr;
    const int rc = git_revparse_single(&raw, repo, "HEAD^{tree}");
    ObjectHandle object(raw);
    if (rc < 0) {
        return fail(gitError(ErrorCode::Unavailable,
                             u"Could not read HEAD of the repository at %1"_s.arg(path), rc));
    }
    return TreeHandle(reinterpret_cast<git_tree *>(object.release()));
}

FileStatus statusOf(git_delta_t status)
{
    switch (status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_UNTRACKED:
        return FileStatus::Added;
    case GIT_DELTA_DELETED:
        return FileStatus::Deleted;
    case GIT_DELTA_RENAMED:
        return FileStatus::Renamed;
    case GIT_DELTA_COPIED:
        return FileStatus::Copied;
    case GIT_DELTA_TYPECHANGE:
        return FileStatus::TypeChanged;
    default:
        return FileStatus::Modified;
    }
}

bool sameContent(const git_diff_delta *delta)
{
    return (delta->old_file.flags & GIT_DIFF_FLAG_VALID_ID)
           && (delta->new_file.flags & GIT_DIFF_FLAG_VALID_ID)
           && git_oid_equal(&delta->old_file.id, &delta->new_file.id);
}

DiffFile fileOf(const git_diff_delta *delta)
{
    DiffFile file;
    file.status = statusOf(delta->status);
    if (file.status != FileStatus::Added)
        file.oldPath = QString::fromUtf8(delta->old_file.path);
    if (file.status != FileStatus::Deleted)
        file.newPath = QString::fromUtf8(delta->new_file.path);
    if (file.status != FileStatus::Added)
        file.oldMode = delta->old_file.mode;
    if (file.status != FileStatus::Deleted)
        file.newMode = delta->new_file.mode;
    if (file.status == FileStatus::Renamed || file.status == FileStatus::Copied)
        file.similarity = delta->similarity;
    return file;
}

// Sizes of a binary file's sides: what git's --stat shows as "Bin 12 -> 34 bytes". Patch
// text carries them only when the content changed (in the binary patch), so they stay
// unknown otherwise here too: both paths give one answer.
void setBinarySizes(DiffFile &file, const git_diff_delta *delta)
{
    if (sameContent(delta))
        return;
    file.oldSize = file.status == FileStatus::Added ? 0 : qint64(delta->old_file.size);
    file.newSize = file.status == FileStatus::Deleted ? 0 : qint64(delta->new_file.size);
}

// A file with a merge conflict. libgit2 makes a delta without content or old mode of it;
// `git diff HEAD` shows the file as it is now (conflict markers and all) against HEAD's.
Result<std::optional<DiffFile>> conflictedFile(git_repository *repo, git_tree *head,
                                               const char *path, const git_diff_options &options,
                                               bool statsOnly)
{
    BlobHandle oldBlob;
    quint32 oldMode = 0;
    if (head) {
        git_tree_entry *rawEntry = nullptr;
        if (git_tree_entry_bypath(&rawEntry, head, path) == 0) {
            TreeEntryHandle entry(rawEntry);
            git_blob *blob = nullptr;
            if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry.get())) == 0)
                oldBlob.reset(blob);
            oldMode = git_tree_entry_filemode(entry.get());
        }
    }
    const QString workdirPath
        = QString::fromUtf8(git_repository_workdir(repo)) + QString::fromUtf8(path);
    const QFileInfo info(workdirPath);
    const bool exists = info.exists() || info.isSymLink();
    if (!oldBlob && !exists)
        return std::optional<DiffFile>();

    GitBuffer content;
    quint32 newMode = 0;
    if (info.isSymLink()) {
        newMode = GIT_FILEMODE_LINK;
        const QByteArray target = QFile::encodeName(info.symLinkTarget());
        git_buf_set(content.get(), target.constData(), size_t(target.size()));
    } else if (exists) {
        newMode = info.isExecutable() ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
        // The content as git would store it: through the path's filters (CRLF, ...).
        git_filter_list *rawFilters = nullptr;
        int rc = git_filter_list_load(&rawFilters, repo, nullptr, path, GIT_FILTER_TO_ODB,
                                      GIT_FILTER_DEFAULT);
        FilterListHandle filters(rawFilters);
        if (rc == 0)
            rc = git_filter_list_apply_to_file(content.get(), filters.get(), repo, path);
        if (rc < 0) {
            return fail(gitError(ErrorCode::Unavailable,
                                 u"Could not read %1"_s.arg(QString::fromUtf8(path)), rc));
        }
    }

    git_patch *rawPatch = nullptr;
    const int rc = git_patch_from_blob_and_buffer(&rawPatch, oldBlob.get(), path,
                                                  exists ? content.data() : nullptr,
                                                  exists ? content.size() : 0, path, &options);
    PatchHandle patch(rawPatch);
    if (rc < 0) {
        return fail(gitError(ErrorCode::Unavailable,
                             u"Could not diff %1"_s.arg(QString::fromUtf8(path)), rc));
    }
    DiffFile file;
    file.status = !oldBlob  ? FileStatus::Added
                  : !exists ? FileStatus::Deleted
                            : FileStatus::Modified;
    if (oldBlob) {
        file.oldPath = QString::fromUtf8(path);
        file.oldMode = oldMode;
    }
    if (exists) {
        file.newPath = QString::fromUtf8(path);
        file.newMode = newMode;
    }
    const git_diff_delta *delta = patch ? git_patch_get_delta(patch.get()) : nullptr;
    file.binary = delta && (delta->flags & GIT_DIFF_FLAG_BINARY);
    if (file.binary) {
        file.oldSize = oldBlob ? qint64(git_blob_rawsize(oldBlob.get())) : 0;
        file.newSize = exists ? qint64(content.size()) : 0;
    } else if (patch) {
        readPatch(patch.get(), file, statsOnly);
    }
    return std::optional<DiffFile>(std::move(file));
}

// git leaves out a modified file whose changes all vanished (under -w, for example).
bool nothingChanged(const DiffFile &file)
{
    return file.status == FileStatus::Modified && file.oldMode == file.newMode && !file.binary
           && file.additions == 0 && file.deletions == 0;
}

} // namespace

Result<Diff> diffWorkingTree(const QString &repoPath, const DiffOptions &options)
{
    ensureGitLibrary();
    if (cancelled(options))
        return fail(cancelledError());
    auto repo = openRepository(repoPath);
    if (!repo)
        return fail(repo.error());
    auto tree = headTree(repo->get(), repoPath);
    if (!tree)
        return fail(tree.error());

    ProgressState progress{options};
    git_diff_options diffOptions;
    git_diff_options_init(&diffOptions, GIT_DIFF_OPTIONS_VERSION);
    // No GIT_DIFF_INCLUDE_TYPECHANGE: a type change then comes as a deleted + added pair,
    // the way git prints it, and finishDiff() merges the pair. (libgit2's own TYPECHANGE
    // patch shows the old side only.) No GIT_DIFF_UPDATE_INDEX: the index is never written.
    diffOptions.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS
                        | GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INDENT_HEURISTIC;
    if (options.ignoreWhitespace)
        diffOptions.flags |= GIT_DIFF_IGNORE_WHITESPACE;
    diffOptions.context_lines = quint32(qMax(0, options.contextLines));
    diffOptions.progress_cb = onProgress;
    diffOptions.payload = &progress;

    git_diff *raw = nullptr;
    int rc = git_diff_tree_to_workdir_with_index(&raw, repo->get(), tree->get(), &diffOptions);
    DiffHandle diff(raw);
    if (cancelled(options))
        return fail(cancelledError());
    if (rc < 0) {
        return fail(gitError(ErrorCode::Unavailable,
                             u"Could not diff the working tree of %1"_s.arg(repoPath), rc));
    }

    git_diff_find_options findOptions;
    git_diff_find_options_init(&findOptions, GIT_DIFF_FIND_OPTIONS_VERSION);
    // Explicit flags: the default obeys diff.renames, which a repository may turn off.
    findOptions.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES | GIT_DIFF_FIND_FOR_UNTRACKED;
    findOptions.rename_threshold = 50;
    findOptions.copy_threshold = 50;
    findOptions.metric = gitSimilarityMetric();
    rc = git_diff_find_similar(diff.get(), &findOptions);
    if (rc < 0) {
        return fail(
            gitError(ErrorCode::Unavailable, u"Could not find renames in %1"_s.arg(repoPath), rc));
    }

    Diff result;
    const size_t count = git_diff_num_deltas(diff.get());
    result.files.reserve(qsizetype(count));
    for (size_t i = 0; i < count; ++i) {
        if (cancelled(options))
            return fail(cancelledError());
        const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
        if (delta->status == GIT_DELTA_UNMODIFIED || delta->status == GIT_DELTA_IGNORED
            || delta->status == GIT_DELTA_UNREADABLE || delta->new_file.mode == GIT_FILEMODE_TREE) {
            continue;
        }
        if (delta->status == GIT_DELTA_CONFLICTED) {
            auto conflicted = conflictedFile(repo->get(), tree->get(), delta->new_file.path,
                                             diffOptions, options.statsOnly);
            if (!conflicted)
                return fail(conflicted.error());
            if (*conflicted && !nothingChanged(**conflicted))
                result.files.append(std::move(**conflicted));
            continue;
        }
        git_patch *rawPatch = nullptr;
        rc = git_patch_from_diff(&rawPatch, diff.get(), i);
        PatchHandle patch(rawPatch);
        if (rc < 0) {
            return fail(gitError(
                ErrorCode::Unavailable,
                u"Could not diff %1 in %2"_s.arg(QString::fromUtf8(delta->new_file.path), repoPath),
                rc));
        }
        // The patch's copy of the delta knows what loading the content taught libgit2.
        if (patch)
            delta = git_patch_get_delta(patch.get());
        DiffFile file = fileOf(delta);
        file.binary = delta->flags & GIT_DIFF_FLAG_BINARY;
        if (file.binary)
            setBinarySizes(file, delta);
        else if (patch)
            readPatch(patch.get(), file, options.statsOnly);
        if (!nothingChanged(file))
            result.files.append(std::move(file));
    }
    finishDiff(result);
    return result;
}

} // namespace squad::git
