// SPDX-License-Identifier: MIT
// The diff pane over a 200,000-line diff (2,000 files × 100 lines), against its limits and
// against a bare QPlainTextEdit holding the same diff as text:
//  (a) setDiff + show to the end of the first paint with lines in it (limit 100 ms);
//  (b) a jump to the end, End key or scroll bar to its maximum, to the end of its paint
//      (limit 50 ms); also a page down and a live refresh with the same diff, for reference;
//  (c) peak resident memory (getrusage ru_maxrss; limit 300 MB).
// Each figure is the median over runs of child processes of this same program, the pane and
// the reference alternately, so both see the same machine state.
//
//   xvfb-run -a build/bench/bench_diffview       (or QT_QPA_PLATFORM=offscreen)
#include "consoleapplication.h"
#include "diffpane.h"
#include "diffview.h"
#include "git/diff.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMap>
#include <QPlainTextEdit>
#include <QProcess>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sys/resource.h>

using namespace Qt::StringLiterals;
using namespace squad;

static constexpr int Files = 2000;
static constexpr int LinesPerFile = 100;
static constexpr int Runs = 7;
static constexpr int ReferenceRuns = 3; // the reference is slow; its figures vary little

static long peakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

static void say(const char *name, double value)
{
    std::printf("%s %.2f\n", name, value);
    std::fflush(stdout);
}

// 2,000 files of two hunks of 50 lines: in every 10 lines 6 unchanged, 2 deleted, 2 added.
static git::Diff benchmarkDiff()
{
    git::Diff diff;
    diff.files.reserve(Files);
    for (int f = 0; f < Files; ++f) {
        git::DiffFile file;
        file.oldPath = file.newPath = u"src/module%1/component_%2.cpp"_s.arg(f / 50).arg(f);
        file.content.reserve(LinesPerFile * 48);
        file.lines.reserve(LinesPerFile);
        int oldLine = 10;
        int newLine = 10;
        for (int h = 0; h < 2; ++h) {
            git::DiffHunk hunk;
            hunk.firstLine = int(file.lines.size());
            hunk.lineCount = LinesPerFile / 2;
            hunk.oldStart = oldLine;
            hunk.newStart = newLine;
            hunk.header = u"void Component%1::update(int step)"_s.arg(f);
            for (int i = 0; i < LinesPerFile / 2; ++i) {
                git::DiffLine line;
                const int phase = i % 10;
                QByteArray text;
                if (phase < 6) {
                    text = "    total += weights[" + QByteArray::number(i) + "] * values.at("
                           + QByteArray::number(oldLine) + ");";
                    line.oldLine = oldLine++;
                    line.newLine = newLine++;
                } else if (phase < 8) {
                    text = "    const double ratio" + QByteArray::number(i)
                           + " = compute(values, " + QByteArray::number(phase) + ");";
                    line.kind = git::DiffLine::Kind::Deleted;
                    line.oldLine = oldLine++;
                    ++file.deletions;
                } else {
                    text = "    const double ratio" + QByteArray::number(i - 2)
                           + " = compute(values, options, " + QByteArray::number(phase) + ");";
                    line.kind = git::DiffLine::Kind::Added;
                    line.newLine = newLine++;
                    ++file.additions;
                }
                line.offset = quint32(file.content.size());
                line.length = quint32(text.size());
                file.content += text;
                file.lines.push_back(line);
            }
            hunk.oldLines = oldLine - hunk.oldStart;
            hunk.newLines = newLine - hunk.newStart;
            file.hunks.append(hunk);
            oldLine += 40;
            newLine += 40;
        }
        diff.files.append(std::move(file));
    }
    return diff;
}

// The same diff as `git diff` would print it: the reference's text.
static QString diffText(const git::Diff &diff)
{
    QString text;
    text.reserve(diff.lineCount() * 50);
    for (const git::DiffFile &file : diff.files) {
        text += u"diff --git a/"_s + file.oldPath + u" b/"_s + file.newPath + u"\n--- a/"_s
                + file.oldPath + u"\n+++ b/"_s + file.newPath + u'\n';
        for (const git::DiffHunk &hunk : file.hunks) {
            text += u"@@ -%1,%2 +%3,%4 @@ %5\n"_s.arg(hunk.oldStart)
                        .arg(hunk.oldLines)
                        .arg(hunk.newStart)
                        .arg(hunk.newLines)
                        .arg(hunk.header);
            for (int i = hunk.firstLine; i < hunk.firstLine + hunk.lineCount; ++i) {
                const git::DiffLine &line = file.lines[std::size_t(i)];
                text += line.kind == git::DiffLine::Kind::Added     ? u'+'
                        : line.kind == git::DiffLine::Kind::Deleted ? u'-'
                                                                    : u' ';
                text += QString::fromUtf8(file.text(line));
                text += u'\n';
            }
        }
    }
    return text;
}

// Watches a viewport's paints: `await()` returns once a paint has been delivered since
// `arm()` (the filter delivers it itself, so the figure includes the drawing).
class PaintProbe : public QObject
{
public:
    explicit PaintProbe(QWidget *viewport, std::function<bool()> ready = {})
        : QObject(viewport)
        , m_ready(std::move(ready))
    {
        viewport->installEventFilter(this);
    }
    void arm() { m_painted = false; }
    bool painted() const { return m_painted; }
    // False when nothing was painted within 20 s (the action changed nothing on screen).
    bool await()
    {
        QElapsedTimer waited;
        waited.start();
        while (!m_painted && waited.elapsed() < 20'000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
        return m_painted;
    }
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::Paint || m_painted || m_delivering || (m_ready && !m_ready()))
            return QObject::eventFilter(watched, event);
        m_delivering = true;
        QCoreApplication::sendEvent(watched, event);
        m_delivering = false;
        m_painted = true;
        return true;
    }

private:
    std::function<bool()> m_ready;
    bool m_painted = false;
    bool m_delivering = false;
};

static double msSince(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

static double median(QList<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// Times `action` to the end of the paint it causes.
static double untilPainted(PaintProbe *probe, const std::function<void()> &action)
{
    QCoreApplication::processEvents(); // nothing else pending in the figure
    probe->arm();
    QElapsedTimer timer;
    timer.start();
    action();
    if (!probe->await()) {
        std::fprintf(stderr, "no paint followed the action\n");
        std::exit(4);
    }
    return msSince(timer);
}

static void pressKey(QWidget *widget, int key, Qt::KeyboardModifiers modifiers = {})
{
    QKeyEvent press(QEvent::KeyPress, key, modifiers);
    QCoreApplication::sendEvent(widget, &press);
    QKeyEvent release(QEvent::KeyRelease, key, modifiers);
    QCoreApplication::sendEvent(widget, &release);
}

static int runPane(int argc, char *argv[])
{
    QApplication app(argc, argv);
    setUpConsoleApplication();
    QElapsedTimer timer;
    timer.start();
    const git::Diff diff = benchmarkDiff();
    say("build_ms", msSince(timer));

    timer.restart();
    DiffPane pane;
    pane.resize(1400, 900);
    say("construct_ms", msSince(timer));
    DiffView *view = pane.view();
    auto *probe = new PaintProbe(view->viewport(), [view] { return view->layout().rowCount() > 0; });

    // (a) setDiff and show, to the end of the first paint with lines.
    timer.restart();
    pane.setDiff(diff);
    pane.show();
    probe->await();
    say("painted", msSince(timer));
    say("rows", view->layout().rowCount());

    // Let the window settle (the first frame's expose, scroll bar polish) before the jumps.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);

    // (b) End key, then the scroll bar dragged to its maximum (from the top each time).
    view->setFocus();
    say("end_ms", untilPainted(probe, [view] { pressKey(view, Qt::Key_End); }));
    if (view->topRow() != view->verticalScrollBar()->maximum())
        return 3;
    untilPainted(probe, [view] { pressKey(view, Qt::Key_Home); });
    say("scrollbar_end_ms", untilPainted(probe, [view] {
            view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
        }));
    untilPainted(probe, [view] { pressKey(view, Qt::Key_Home); });

    // Pages down through fresh text (nothing shaped yet), and a refresh with the same diff.
    QList<double> pages;
    for (int i = 0; i < 40; ++i)
        pages << untilPainted(probe, [view] { pressKey(view, Qt::Key_PageDown); });
    say("page_ms", median(pages));
    say("refresh_ms", untilPainted(probe, [&] { pane.setDiff(diff); }));
    say("rss_kb", double(peakRssKb()));
    return 0;
}

static int runReference(int argc, char *argv[])
{
    QApplication app(argc, argv);
    setUpConsoleApplication();
    const QString text = diffText(benchmarkDiff());
    QPlainTextEdit edit;
    edit.setReadOnly(true);
    edit.setLineWrapMode(QPlainTextEdit::NoWrap);
    edit.setUndoRedoEnabled(false);
    // A reader's set-up: keys move through the text (read-only alone ignores Ctrl+End).
    edit.setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    edit.setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit.resize(1400, 900);
    auto *probe = new PaintProbe(edit.viewport(), [&edit] { return edit.blockCount() > 1; });

    QElapsedTimer timer;
    timer.start();
    edit.setPlainText(text);
    edit.show();
    probe->await();
    say("painted", msSince(timer));
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    edit.setFocus();
    say("end_ms", untilPainted(probe, [&edit] { pressKey(&edit, Qt::Key_End, Qt::ControlModifier); }));
    untilPainted(probe, [&edit] { pressKey(&edit, Qt::Key_Home, Qt::ControlModifier); });
    say("scrollbar_end_ms", untilPainted(probe, [&edit] {
            edit.verticalScrollBar()->setValue(edit.verticalScrollBar()->maximum());
        }));
    untilPainted(probe, [&edit] { pressKey(&edit, Qt::Key_Home, Qt::ControlModifier); });
    QList<double> pages;
    for (int i = 0; i < 40; ++i)
        pages << untilPainted(probe, [&edit] { pressKey(&edit, Qt::Key_PageDown); });
    say("page_ms", median(pages));
    say("refresh_ms", untilPainted(probe, [&] { edit.setPlainText(text); }));
    say("rss_kb", double(peakRssKb()));
    return 0;
}

static QMap<QString, double> runChild(const QString &which)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {u"--child"_s, which});
    child.waitForFinished(600'000);
    QMap<QString, double> figures;
    for (const QByteArray &line : child.readAllStandardOutput().split('\n')) {
        const QList<QByteArray> words = line.split(' ');
        if (words.size() == 2)
            figures.insert(QString::fromLatin1(words.at(0)), words.at(1).toDouble());
    }
    if (child.exitCode() != 0 || !figures.contains(u"painted"_s)) {
        std::fprintf(stderr, "child %s failed (exit %d)\n", qPrintable(which), child.exitCode());
        std::exit(1);
    }
    return figures;
}

int main(int argc, char *argv[])
{
    if (argc >= 3 && qstrcmp(argv[1], "--child") == 0) {
        if (qstrcmp(argv[2], "pane") == 0)
            return runPane(argc, argv);
        if (qstrcmp(argv[2], "reference") == 0)
            return runReference(argc, argv);
        return 2;
    }

    QCoreApplication app(argc, argv);
    QMap<QString, QList<double>> pane;
    QMap<QString, QList<double>> reference;
    runChild(u"pane"_s); // warm-up: caches, fonts
    for (int run = 0; run < Runs; ++run) {
        const QMap<QString, double> figures = runChild(u"pane"_s);
        for (auto it = figures.cbegin(); it != figures.cend(); ++it)
            pane[it.key()] << it.value();
        if (run < ReferenceRuns) {
            const QMap<QString, double> ref = runChild(u"reference"_s);
            for (auto it = ref.cbegin(); it != ref.cend(); ++it)
                reference[it.key()] << it.value();
        }
    }
    auto m = [](const QMap<QString, QList<double>> &figures, const char *name) {
        return median(figures.value(QString::fromLatin1(name)));
    };
    auto verdict = [](double value, double limit) { return value <= limit ? "met" : "NOT met"; };
    QStringList samples;
    for (double v : pane.value(u"painted"_s))
        samples << QString::number(v, 'f', 1);

    std::printf("bench_diffview: %d files x %d lines = %.0f lines (%.0f rows), medians of %d "
                "runs (reference: %d runs)\n",
                Files, LinesPerFile, double(Files) * LinesPerFile, m(pane, "rows"), Runs,
                ReferenceRuns);
    std::printf("  building the Diff value (not timed below): %.1f ms; DiffPane construction "
                "%.1f ms\n",
                m(pane, "build_ms"), m(pane, "construct_ms"));
    std::printf("  (a) setDiff + show to first paint: %7.1f ms (limit 100: %s)   "
                "QPlainTextEdit setPlainText + show: %7.1f ms\n",
                m(pane, "painted"), verdict(m(pane, "painted"), 100), m(reference, "painted"));
    std::printf("      samples: %s\n", qPrintable(samples.join(u' ')));
    std::printf("  (b) End key to painted:           %7.2f ms (limit 50: %s)    "
                "QPlainTextEdit Ctrl+End:            %7.2f ms\n",
                m(pane, "end_ms"), verdict(m(pane, "end_ms"), 50), m(reference, "end_ms"));
    std::printf("      scroll bar to max to painted: %7.2f ms (limit 50: %s)    "
                "QPlainTextEdit:                     %7.2f ms\n",
                m(pane, "scrollbar_end_ms"), verdict(m(pane, "scrollbar_end_ms"), 50),
                m(reference, "scrollbar_end_ms"));
    std::printf("      page down to painted:         %7.2f ms                    "
                "QPlainTextEdit:                     %7.2f ms\n",
                m(pane, "page_ms"), m(reference, "page_ms"));
    std::printf("      live refresh, same diff:      %7.2f ms                    "
                "QPlainTextEdit setPlainText again:  %7.2f ms\n",
                m(pane, "refresh_ms"), m(reference, "refresh_ms"));
    const double rss = m(pane, "rss_kb") / 1024;
    std::printf("  (c) peak RSS: %6.1f MiB (limit 300 MB = %.1f MiB: %s)   QPlainTextEdit: "
                "%6.1f MiB\n",
                rss, 300e6 / 1048576.0, verdict(rss, 300e6 / 1048576.0),
                m(reference, "rss_kb") / 1024);
    return 0;
}
