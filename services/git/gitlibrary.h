// SPDX-License-Identifier: MIT
#pragma once

namespace squad::git {

// Holds libgit2 initialised (git_libgit2_init/shutdown are reference counted). A main may
// keep one for the program's lifetime; the diff engine calls ensureGitLibrary() itself.
class GitLibrary
{
public:
    GitLibrary();
    ~GitLibrary();
    GitLibrary(const GitLibrary &) = delete;
    GitLibrary &operator=(const GitLibrary &) = delete;
};

// Initialises libgit2 once per process, on first use from any thread; it is shut down when
// the process exits. Cheap after the first call.
void ensureGitLibrary();

} // namespace squad::git
