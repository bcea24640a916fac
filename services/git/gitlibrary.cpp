// SPDX-License-Identifier: MIT
#include "gitlibrary.h"

#include <git2.h>

namespace squad::git {

GitLibrary::GitLibrary()
{
    git_libgit2_init();
}

GitLibrary::~GitLibrary()
{
    git_libgit2_shutdown();
}

void ensureGitLibrary()
{
    // A function-local static: thread-safe first initialisation, shutdown at exit.
    static const GitLibrary library;
}

} // namespace squad::git
