// SPDX-License-Identifier: MIT
#pragma once

// Internal to services/git: nothing of libgit2 crosses this folder's public headers.

#include "core/result.h"

#include <git2.h>

#include <QString>

#include <memory>

namespace squad::git {

template<class T, void (*Free)(T *)>
struct GitFree
{
    void operator()(T *object) const noexcept { Free(object); }
};

// A move-only owner of one libgit2 object; the object lives on the thread that made it.
template<class T, void (*Free)(T *)>
using GitHandle = std::unique_ptr<T, GitFree<T, Free>>;

using RepositoryHandle = GitHandle<git_repository, git_repository_free>;
using DiffHandle = GitHandle<git_diff, git_diff_free>;
using PatchHandle = GitHandle<git_patch, git_patch_free>;
using TreeHandle = GitHandle<git_tree, git_tree_free>;
using ObjectHandle = GitHandle<git_object, git_object_free>;
using BlobHandle = GitHandle<git_blob, git_blob_free>;
using IndexHandle = GitHandle<git_index, git_index_free>;
using TreeEntryHandle = GitHandle<git_tree_entry, git_tree_entry_free>;
using FilterListHandle = GitHandle<git_filter_list, git_filter_list_free>;

// A git_buf that disposes of its memory.
class GitBuffer
{
public:
    GitBuffer() = default;
    ~GitBuffer() { git_buf_dispose(&m_buf); }
    GitBuffer(const GitBuffer &) = delete;
    GitBuffer &operator=(const GitBuffer &) = delete;

    git_buf *get() { return &m_buf; }
    const char *data() const { return m_buf.ptr; }
    size_t size() const { return m_buf.size; }

private:
    git_buf m_buf = GIT_BUF_INIT;
};

// libgit2's text for the call that just failed with `code`. libgit2 keeps it per thread, so
// this must run on the failing thread, right after the call.
inline QString lastGitError(int code)
{
    const git_error *error = git_error_last();
    if (error && error->message)
        return QString::fromUtf8(error->message).trimmed();
    return QStringLiteral("libgit2 error %1").arg(code);
}

// An Error for a failed libgit2 call: `message` says what we tried, the detail is libgit2's.
inline Error gitError(ErrorCode code, const QString &message, int gitCode)
{
    return Error(code, message, lastGitError(gitCode));
}

} // namespace squad::git
