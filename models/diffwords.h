// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QStringView>

#include <algorithm>
#include <utility>
#include <vector>

namespace squad {

// A run of characters in a line's text, in UTF-16 code units.
struct TextSpan
{
    qsizetype start = 0;
    qsizetype length = 0;

    qsizetype end() const { return start + length; }
    friend bool operator==(const TextSpan &, const TextSpan &) = default;
};
using TextSpans = QList<TextSpan>;

// The tokens the word highlight compares: a run of letters, digits and '_' (an identifier or a
// number), a run of whitespace, or any other single character (an operator, a bracket): so
// "foo(bar, 2)" is foo ( bar , ␠ 2 ).
TextSpans diffTokens(QStringView text);

// The changed parts of a deleted line and the added line paired with it, for the word
// highlight. Empty (both sides) when the lines are equal, or when they share too little for a
// word highlight to help (under a third of their non-blank text): then the line's own colour
// says it all. Adjacent changed tokens merge, across the blanks between them.
// With `ignoreWhitespace` blanks never count as changed, so only real edits stand out in a
// line that was also re-indented.
struct WordDiff
{
    TextSpans oldChanged;
    TextSpans newChanged;

    bool isEmpty() const { return oldChanged.isEmpty() && newChanged.isEmpty(); }
    friend bool operator==(const WordDiff &, const WordDiff &) = default;
};
WordDiff diffWords(QStringView oldText, QStringView newText, bool ignoreWhitespace = false);

// Lines over this many tokens a side get no word highlight: the diff's cost grows with the
// product of the sides, and such lines (minified code, data) read no better for it.
inline constexpr int MaxWordDiffTokens = 1000;

// The longest common subsequence of two sequences of `n` and `m` items, by Myers' O(ND)
// algorithm (after trimming the common prefix and suffix): the matched index pairs, ascending.
// `same(i, j)` compares item i of the first with item j of the second. Returns false, and no
// pairs, when the sequences differ in more than `maxCost` insertions and deletions (the work
// and memory grow with its square).
template<class Same>
bool matchSequences(int n, int m, Same same, int maxCost, std::vector<std::pair<int, int>> *matches)
{
    matches->clear();
    int prefix = 0;
    while (prefix < n && prefix < m && same(prefix, prefix))
        ++prefix;
    int suffix = 0;
    while (suffix < n - prefix && suffix < m - prefix && same(n - 1 - suffix, m - 1 - suffix))
        ++suffix;
    const int rows = n - prefix - suffix;
    const int cols = m - prefix - suffix;
    for (int i = 0; i < prefix; ++i)
        matches->emplace_back(i, i);

    if (rows > 0 && cols > 0) {
        const int limit = std::min(rows + cols, maxCost);
        if (limit < std::abs(rows - cols)) {
            matches->clear();
            return false;
        }
        // v[k] = the furthest x on diagonal k; trace keeps v[-d..d] before each step d, so
        // its size is the square of the cost, not of the sequences.
        const int offset = limit + 1;
        std::vector<int> v(std::size_t(2 * limit + 3), 0);
        std::vector<int> trace;
        std::vector<std::size_t> traceStart;
        int cost = -1;
        for (int d = 0; d <= limit && cost < 0; ++d) {
            traceStart.push_back(trace.size());
            trace.insert(trace.end(), v.begin() + (offset - d), v.begin() + (offset + d + 1));
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                            ? v[offset + k + 1]
                            : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < rows && y < cols && same(prefix + x, prefix + y)) {
                    ++x;
                    ++y;
                }
                v[offset + k] = x;
                if (x >= rows && y >= cols) {
                    cost = d;
                    break;
                }
            }
        }
        if (cost < 0) {
            matches->clear();
            return false;
        }
        std::vector<std::pair<int, int>> middle;
        int x = rows;
        int y = cols;
        for (int d = cost; d > 0; --d) {
            // v as it was before step d: its entries for k in -(d-1)..d-1 are step d-1's.
            const int *before = trace.data() + traceStart[std::size_t(d)] + d; // index 0 = k 0
            const int k = x - y;
            const bool down = k == -d || (k != d && before[k - 1] < before[k + 1]);
            const int previousK = down ? k + 1 : k - 1;
            const int previousX = before[previousK];
            const int previousY = previousX - previousK;
            const int startX = down ? previousX : previousX + 1; // after the one edit
            while (x > startX) {
                --x;
                --y;
                middle.emplace_back(prefix + x, prefix + y);
            }
            x = previousX;
            y = previousY;
        }
        while (x > 0 && y > 0) { // the snake of step 0
            --x;
            --y;
            middle.emplace_back(prefix + x, prefix + y);
        }
        matches->insert(matches->end(), middle.rbegin(), middle.rend());
    }
    for (int i = 0; i < suffix; ++i)
        matches->emplace_back(n - suffix + i, m - suffix + i);
    return true;
}

} // namespace squad
