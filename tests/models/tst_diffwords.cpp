// SPDX-License-Identifier: MIT
// The word highlight's token diff: tokens, the sequence matcher (checked against a plain
// dynamic-programming LCS) and the changed spans of line pairs.
#include "diffwords.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace squad;

namespace {

QStringList texts(QStringView text, const TextSpans &spans)
{
    QStringList out;
    for (const TextSpan &span : spans)
        out << text.mid(span.start, span.length).toString();
    return out;
}

// The length of the longest common subsequence, the slow and obvious way.
int lcsLength(const QString &a, const QString &b)
{
    std::vector<std::vector<int>> table(std::size_t(a.size() + 1),
                                        std::vector<int>(std::size_t(b.size() + 1), 0));
    for (qsizetype i = 1; i <= a.size(); ++i) {
        for (qsizetype j = 1; j <= b.size(); ++j) {
            table[i][j] = a.at(i - 1) == b.at(j - 1)
                              ? table[i - 1][j - 1] + 1
                              : std::max(table[i - 1][j], table[i][j - 1]);
        }
    }
    return table[a.size()][b.size()];
}

} // namespace

class tst_DiffWords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens_data();
    void tokens();
    void matchesAreALongestCommonSubsequence_data();
    void matchesAreALongestCommonSubsequence();
    void matchingGivesUpBeyondItsCost();
    void changedWords_data();
    void changedWords();
};

void tst_DiffWords::tokens_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("call") << u"foo(bar, 2)"_s
                          << QStringList{u"foo"_s, u"("_s, u"bar"_s, u","_s, u" "_s, u"2"_s,
                                         u")"_s};
    QTest::newRow("operators one by one")
        << u"  x_1 += 0x1F;"_s
        << QStringList{u"  "_s, u"x_1"_s, u" "_s, u"+"_s, u"="_s, u" "_s, u"0x1F"_s, u";"_s};
    QTest::newRow("tabs are blanks") << u"\t\tname"_s << QStringList{u"\t\t"_s, u"name"_s};
    QTest::newRow("letters beyond ASCII") << u"größe = ü"_s
                                          << QStringList{u"größe"_s, u" "_s, u"="_s, u" "_s,
                                                         u"ü"_s};
    QTest::newRow("an emoji stays whole") << u"a😀b"_s
                                          << QStringList{u"a"_s, u"😀"_s, u"b"_s};
    QTest::newRow("empty") << QString() << QStringList();
}

void tst_DiffWords::tokens()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QCOMPARE(texts(text, diffTokens(text)), expected);
}

void tst_DiffWords::matchesAreALongestCommonSubsequence_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::newRow("equal") << u"abcdef"_s << u"abcdef"_s;
    QTest::newRow("one empty") << u""_s << u"abc"_s;
    QTest::newRow("both empty") << u""_s << u""_s;
    QTest::newRow("nothing common") << u"abc"_s << u"xyz"_s;
    QTest::newRow("insert in the middle") << u"abcdef"_s << u"abcXYdef"_s;
    QTest::newRow("classic") << u"ABCABBA"_s << u"CBABAC"_s;
    QTest::newRow("repeats") << u"aaaabaaa"_s << u"aabaaaaa"_s;
    // Random strings over a small alphabet: many equal items, many ways to match them.
    QRandomGenerator random(20260301);
    for (int round = 0; round < 40; ++round) {
        QString a, b;
        const int n = random.bounded(0, 40);
        const int m = random.bounded(0, 40);
        for (int i = 0; i < n; ++i)
            a += QChar(u'a' + random.bounded(4));
        for (int i = 0; i < m; ++i)
            b += QChar(u'a' + random.bounded(4));
        QTest::addRow("random %d", round) << a << b;
    }
}

void tst_DiffWords::matchesAreALongestCommonSubsequence()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    std::vector<std::pair<int, int>> matches;
    QVERIFY(matchSequences(
        int(a.size()), int(b.size()), [&](int i, int j) { return a.at(i) == b.at(j); },
        int(a.size() + b.size()), &matches));
    QCOMPARE(int(matches.size()), lcsLength(a, b));
    for (std::size_t k = 0; k < matches.size(); ++k) {
        const auto [i, j] = matches[k];
        QCOMPARE(a.at(i), b.at(j));
        if (k > 0) {
            QVERIFY(i > matches[k - 1].first);
            QVERIFY(j > matches[k - 1].second);
        }
    }
}

void tst_DiffWords::matchingGivesUpBeyondItsCost()
{
    const QString a = u"abcdefghij"_s;
    const QString b = u"klmnopqrst"_s; // 20 edits apart
    auto same = [&](int i, int j) { return a.at(i) == b.at(j); };
    std::vector<std::pair<int, int>> matches{{0, 0}};
    QVERIFY(!matchSequences(int(a.size()), int(b.size()), same, 19, &matches));
    QVERIFY(matches.empty());
    QVERIFY(matchSequences(int(a.size()), int(b.size()), same, 20, &matches));
    QVERIFY(matches.empty());
}

void tst_DiffWords::changedWords_data()
{
    QTest::addColumn<QString>("oldText");
    QTest::addColumn<QString>("newText");
    QTest::addColumn<bool>("ignoreWhitespace");
    QTest::addColumn<QStringList>("oldChanged");
    QTest::addColumn<QStringList>("newChanged");

    QTest::newRow("an argument added")
        << u"int x = compute(a);"_s << u"int x = compute(a, b);"_s << false << QStringList()
        << QStringList{u", b"_s};
    QTest::newRow("two words replaced apart")
        << u"let total = price * count;"_s << u"let total = cost * amount;"_s << false
        << QStringList{u"price"_s, u"count"_s} << QStringList{u"cost"_s, u"amount"_s};
    QTest::newRow("neighbours merge across a blank")
        << u"call(alpha beta)"_s << u"call(gamma delta)"_s << false
        << QStringList{u"alpha beta"_s} << QStringList{u"gamma delta"_s};
    QTest::newRow("equal lines") << u"same();"_s << u"same();"_s << false << QStringList()
                                 << QStringList();
    QTest::newRow("a rewritten line is left alone")
        << u"return a;"_s << u"throw b;"_s << false << QStringList() << QStringList();
    QTest::newRow("re-indented and edited") << u"    foo(x);"_s << u"\tfoo(y);"_s << false
                                            << QStringList{u"    "_s, u"x"_s}
                                            << QStringList{u"\t"_s, u"y"_s};
    QTest::newRow("re-indented and edited, ignoring whitespace")
        << u"    foo(x);"_s << u"\tfoo(y);"_s << true << QStringList{u"x"_s}
        << QStringList{u"y"_s};
    QTest::newRow("blanks only") << u"a  b"_s << u"a b"_s << false << QStringList{u"  "_s}
                                 << QStringList{u" "_s};
    QTest::newRow("blanks only, ignoring whitespace")
        << u"a  b"_s << u"a b"_s << true << QStringList() << QStringList();
    QTest::newRow("text beyond ASCII") << u"name = \"größe\""_s << u"name = \"weite\""_s
                                       << false << QStringList{u"größe"_s}
                                       << QStringList{u"weite"_s};
}

void tst_DiffWords::changedWords()
{
    QFETCH(QString, oldText);
    QFETCH(QString, newText);
    QFETCH(bool, ignoreWhitespace);
    QFETCH(QStringList, oldChanged);
    QFETCH(QStringList, newChanged);
    const WordDiff diff = diffWords(oldText, newText, ignoreWhitespace);
    QCOMPARE(texts(oldText, diff.oldChanged), oldChanged);
    QCOMPARE(texts(newText, diff.newChanged), newChanged);
}

QTEST_GUILESS_MAIN(tst_DiffWords)
#include "tst_diffwords.moc"
