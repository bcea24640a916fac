// SPDX-License-Identifier: MIT
#include "diffwords.h"

namespace squad {

namespace {

enum class TokenClass { Word, Blank, Other };

TokenClass classOf(QChar c)
{
    if (c.isLetterOrNumber() || c == u'_')
        return TokenClass::Word;
    if (c.isSpace())
        return TokenClass::Blank;
    return TokenClass::Other;
}

bool isBlank(QStringView text)
{
    for (QChar c : text) {
        if (!c.isSpace())
            return false;
    }
    return true;
}

// The changed tokens of one side as spans, merged across the blanks between them.
TextSpans changedSpans(QStringView text, const TextSpans &tokens, const std::vector<int> &indexes,
                       const std::vector<bool> &matched)
{
    TextSpans spans;
    for (std::size_t i = 0; i < indexes.size(); ++i) {
        if (matched[i])
            continue;
        const TextSpan token = tokens.at(indexes[i]);
        if (!spans.isEmpty()) {
            TextSpan &last = spans.last();
            const QStringView gap = text.mid(last.end(), token.start - last.end());
            if (isBlank(gap)) {
                last.length = token.end() - last.start;
                continue;
            }
        }
        spans.append(token);
    }
    return spans;
}

qsizetype nonBlankLength(QStringView text)
{
    qsizetype count = 0;
    for (QChar c : text)
        count += c.isSpace() ? 0 : 1;
    return count;
}

} // namespace

TextSpans diffTokens(QStringView text)
{
    TextSpans tokens;
    const qsizetype size = text.size();
    qsizetype i = 0;
    while (i < size) {
        const qsizetype start = i;
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < size && text.at(i + 1).isLowSurrogate()) {
            i += 2; // an emoji or a rare letter: one token, never split
        } else {
            const TokenClass kind = classOf(c);
            ++i;
            if (kind != TokenClass::Other) {
                while (i < size && classOf(text.at(i)) == kind)
                    ++i;
            }
        }
        tokens.append({start, i - start});
    }
    return tokens;
}

WordDiff diffWords(QStringView oldText, QStringView newText, bool ignoreWhitespace)
{
    if (oldText == newText)
        return {};
    const TextSpans oldTokens = diffTokens(oldText);
    const TextSpans newTokens = diffTokens(newText);

    // The tokens that take part: all of them, or all but the blanks.
    auto select = [ignoreWhitespace](QStringView text, const TextSpans &tokens) {
        std::vector<int> indexes;
        indexes.reserve(std::size_t(tokens.size()));
        for (int i = 0; i < tokens.size(); ++i) {
            if (!ignoreWhitespace
                || !text.at(tokens.at(i).start).isSpace())
                indexes.push_back(i);
        }
        return indexes;
    };
    const std::vector<int> oldIndexes = select(oldText, oldTokens);
    const std::vector<int> newIndexes = select(newText, newTokens);
    const int n = int(oldIndexes.size());
    const int m = int(newIndexes.size());
    if (n > MaxWordDiffTokens || m > MaxWordDiffTokens)
        return {};

    auto tokenText = [](QStringView text, const TextSpan &span) {
        return text.mid(span.start, span.length);
    };
    std::vector<std::pair<int, int>> matches;
    const bool found = matchSequences(
        n, m,
        [&](int i, int j) {
            return tokenText(oldText, oldTokens.at(oldIndexes[std::size_t(i)]))
                   == tokenText(newText, newTokens.at(newIndexes[std::size_t(j)]));
        },
        // Beyond this many edits the lines are rewritten, not edited: no highlight.
        std::min(n + m, 400), &matches);
    if (!found)
        return {};

    std::vector<bool> oldMatched(std::size_t(n), false);
    std::vector<bool> newMatched(std::size_t(m), false);
    qsizetype common = 0;
    for (const auto &[i, j] : matches) {
        oldMatched[std::size_t(i)] = true;
        newMatched[std::size_t(j)] = true;
        common += nonBlankLength(tokenText(oldText, oldTokens.at(oldIndexes[std::size_t(i)])));
    }
    const qsizetype longer = std::max(nonBlankLength(oldText), nonBlankLength(newText));
    if (common * 3 < longer)
        return {};

    WordDiff result;
    result.oldChanged = changedSpans(oldText, oldTokens, oldIndexes, oldMatched);
    result.newChanged = changedSpans(newText, newTokens, newIndexes, newMatched);
    return result;
}

} // namespace squad
