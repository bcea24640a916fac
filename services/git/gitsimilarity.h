// SPDX-License-Identifier: MIT
#pragma once

// Internal to services/git.

#include <git2.h>

#include <QByteArrayView>

namespace squad::git {

// git's own rename/copy similarity (diffcore-delta.c and estimate_similarity() in
// diffcore-rename.c) as a libgit2 metric. libgit2's default metric scores differently, so
// an edited rename would get another "similarity index" than `git diff -M` prints, and a
// pair near the 50% threshold could be paired by one and not the other.
git_diff_similarity_metric *gitSimilarityMetric();

// The score git gives `destination` as an edit of `source`, 0..100 (git's similarity
// index); for tests.
int gitSimilarity(QByteArrayView source, QByteArrayView destination);

} // namespace squad::git
