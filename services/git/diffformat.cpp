// SPDX-License-Identifier: MIT
// The text forms of a Diff, ported from git's diff.c (show_numstat, show_stats,
// pprint_rename) and quote.c (quote_c_style) so scripts that read git's output read ours.
#include "diffformat.h"

#include <QString>

#include <algorithm>
#include <charconv>

namespace squad::git {

namespace {

// git's cq_lookup with core.quotePath true: 0 = as is, else the escape letter or 1 (octal).
char escapeFor(unsigned char c)
{
    switch (c) {
    case '\a':
        return 'a';
    case '\b':
        return 'b';
    case '\t':
        return 't';
    case '\n':
        return 'n';
    case '\v':
        return 'v';
    case '\f':
        return 'f';
    case '\r':
        return 'r';
    case '"':
        return '"';
    case '\\':
        return '\\';
    default:
        return (c < 0x20 || c >= 0x7f) ? 1 : 0;
    }
}

bool needsQuotes(QByteArrayView path)
{
    return std::any_of(path.begin(), path.end(), [](char c) { return escapeFor(uchar(c)) != 0; });
}

void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end - digits);
}

int decimalWidth(qint64 number)
{
    int width = 1;
    for (; number >= 10; ++width)
        number /= 10;
    return width;
}

bool isRename(const DiffFile &file)
{
    return (file.status == FileStatus::Renamed || file.status == FileStatus::Copied)
           && file.oldPath != file.newPath;
}

// fill_print_name(): the name numstat and stat print.
QByteArray printName(const DiffFile &file)
{
    if (isRename(file))
        return renameName(file.oldPath.toUtf8(), file.newPath.toUtf8());
    return quotedPath(file.path().toUtf8());
}

// git counts a binary file's sides in bytes; unknown sizes show as a bare "Bin".
qint64 statAdded(const DiffFile &file)
{
    return file.binary ? qMax<qint64>(file.newSize, 0) : file.additions;
}

qint64 statDeleted(const DiffFile &file)
{
    return file.binary ? qMax<qint64>(file.oldSize, 0) : file.deletions;
}

int scaleLinear(qint64 it, int width, qint64 maxChange)
{
    if (!it)
        return 0;
    // At least one '+' or '-' for any change: scale as if one column shorter, then add 1.
    return int(1 + (it * (width - 1) / maxChange));
}

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    out.append('"');
    const auto plain = [](uchar c) {
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    };
    if (std::all_of(utf8.begin(), utf8.end(), [&](char c) { return plain(uchar(c)); })) {
        out.append(utf8);
        out.append('"');
        return;
    }
    // Round-trips valid UTF-8 and replaces what is not.
    const QString text = QString::fromUtf8(utf8);
    QByteArray encoded = text.toUtf8();
    static const char hex[] = "0123456789abcdef";
    for (char ch : encoded) {
        const auto c = uchar(ch);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (c < 0x20) {
                out.append("\\u00");
                out.append(hex[c >> 4]);
                out.append(hex[c & 15]);
            } else {
                out.append(char(c));
            }
        }
    }
    out.append('"');
}

void appendMode(QByteArray &out, quint32 mode)
{
    if (mode == 0) {
        out.append("null");
        return;
    }
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, mode, 8).ptr;
    out.append('"');
    out.append(digits, end - digits);
    out.append('"');
}

void appendNullable(QByteArray &out, qint64 value, qint64 none)
{
    if (value == none)
        out.append("null");
    else
        appendNumber(out, value);
}

} // namespace

QByteArray quotedPath(QByteArrayView path)
{
    if (!needsQuotes(path))
        return path.toByteArray();
    QByteArray out;
    out.reserve(path.size() + 8);
    out.append('"');
    for (char ch : path) {
        const auto c = uchar(ch);
        const char escape = escapeFor(c);
        if (!escape) {
            out.append(ch);
        } else if (escape != 1) {
            out.append('\\');
            out.append(escape);
        } else {
            out.append('\\');
            out.append(char('0' + ((c >> 6) & 3)));
            out.append(char('0' + ((c >> 3) & 7)));
            out.append(char('0' + (c & 7)));
        }
    }
    out.append('"');
    return out;
}

QByteArray renameName(QByteArrayView a, QByteArrayView b)
{
    if (needsQuotes(a) || needsQuotes(b))
        return quotedPath(a) + " => " + quotedPath(b);

    const qsizetype lenA = a.size();
    const qsizetype lenB = b.size();
    // The common prefix, up to and including its last '/'.
    qsizetype prefix = 0;
    for (qsizetype i = 0; i < lenA && i < lenB && a[i] == b[i]; ++i) {
        if (a[i] == '/')
            prefix = i + 1;
    }
    // The common suffix, from a '/'. With a common prefix the scan may run one into it to
    // see the same slash; without, it must not pass the start.
    qsizetype suffix = 0;
    const qsizetype adjust = prefix ? 1 : 0;
    // git walks back from the terminating NULs, so it starts one past the end.
    const auto at = [](QByteArrayView s, qsizetype i) {
        return i == s.size() ? '\0' : s[i];
    };
    for (qsizetype oa = lenA, ob = lenB; oa >= 0 && ob >= 0 && prefix - adjust <= oa
                                         && prefix - adjust <= ob && at(a, oa) == at(b, ob);
         --oa, --ob) {
        if (at(a, oa) == '/')
            suffix = lenA - oa;
    }
    const qsizetype midA = qMax<qsizetype>(lenA - prefix - suffix, 0);
    const qsizetype midB = qMax<qsizetype>(lenB - prefix - suffix, 0);

    QByteArray out;
    out.reserve(prefix + midA + midB + suffix + 7);
    if (prefix + suffix) {
        out.append(a.first(prefix));
        out.append('{');
    }
    out.append(a.sliced(prefix, midA));
    out.append(" => ");
    out.append(b.sliced(prefix, midB));
    if (prefix + suffix) {
        out.append('}');
        out.append(a.sliced(lenA - suffix));
    }
    return out;
}

QByteArray formatNumstat(const Diff &diff)
{
    QByteArray out;
    out.reserve(diff.files.size() * 48);
    for (const DiffFile &file : diff.files) {
        if (file.binary) {
            out.append("-\t-\t");
        } else {
            appendNumber(out, file.additions);
            out.append('\t');
            appendNumber(out, file.deletions);
            out.append('\t');
        }
        out.append(printName(file));
        out.append('\n');
    }
    return out;
}

QByteArray formatStat(const Diff &diff, int width)
{
    if (diff.files.isEmpty())
        return {};
    QList<QByteArray> names;
    names.reserve(diff.files.size());
    qint64 maxChange = 0;
    qsizetype maxLength = 0;
    int numberWidth = 0;
    int binWidth = 0;
    for (const DiffFile &file : diff.files) {
        names.append(printName(file));
        maxLength = qMax(maxLength, names.last().size());
        if (file.binary) {
            // "Bin XXX -> YYY bytes"
            const int w = 14 + decimalWidth(statAdded(file)) + decimalWidth(statDeleted(file));
            binWidth = qMax(binWidth, w);
            numberWidth = 3;
            continue;
        }
        maxChange = qMax<qint64>(maxChange, file.additions + file.deletions);
    }
    numberWidth = qMax(numberWidth, decimalWidth(maxChange));
    width = qMax(width, 16 + 6 + numberWidth);

    qint64 graphWidth = maxChange + 4 > binWidth ? maxChange : binWidth - 4;
    qint64 nameWidth = maxLength;
    if (nameWidth + numberWidth + 6 + graphWidth > width) {
        if (graphWidth > width * 3 / 8 - numberWidth - 6) {
            graphWidth = width * 3 / 8 - numberWidth - 6;
            if (graphWidth < 6)
                graphWidth = 6;
        }
        if (nameWidth > width - numberWidth - 6 - graphWidth)
            nameWidth = width - numberWidth - 6 - graphWidth;
        else
            graphWidth = width - numberWidth - 6 - nameWidth;
    }

    QByteArray out;
    int additions = 0;
    int deletions = 0;
    for (qsizetype f = 0; f < diff.files.size(); ++f) {
        const DiffFile &file = diff.files.at(f);
        QByteArrayView name = names.at(f);
        QByteArrayView prefix;
        qint64 length = nameWidth;
        if (nameWidth < name.size()) {
            prefix = "...";
            length -= 3;
            name = name.sliced(name.size() - length);
            const qsizetype slash = name.indexOf('/');
            if (slash >= 0)
                name = name.sliced(slash);
        }
        const QByteArray padding(qMax<qint64>(length - name.size(), 0), ' ');
        out.append(' ');
        out.append(prefix);
        out.append(name);
        out.append(padding);
        out.append(" | ");
        if (file.binary) {
            out.append(QByteArray(qMax(numberWidth - 3, 0), ' '));
            out.append("Bin");
            const qint64 added = statAdded(file);
            const qint64 deleted = statDeleted(file);
            if (added || deleted) {
                out.append(' ');
                appendNumber(out, deleted);
                out.append(" -> ");
                appendNumber(out, added);
                out.append(" bytes");
            }
            out.append('\n');
            continue;
        }
        additions += file.additions;
        deletions += file.deletions;
        qint64 add = file.additions;
        qint64 del = file.deletions;
        if (graphWidth <= maxChange) {
            int total = scaleLinear(add + del, int(graphWidth), maxChange);
            if (total < 2 && add && del)
                total = 2;
            if (add < del) {
                add = scaleLinear(add, int(graphWidth), maxChange);
                del = total - add;
            } else {
                del = scaleLinear(del, int(graphWidth), maxChange);
                add = total - del;
            }
        }
        const qint64 changes = qint64(file.additions) + file.deletions;
        QByteArray number;
        appendNumber(number, changes);
        out.append(QByteArray(qMax<qsizetype>(numberWidth - number.size(), 0), ' '));
        out.append(number);
        if (changes)
            out.append(' ');
        out.append(QByteArray(qMax<qint64>(add, 0), '+'));
        out.append(QByteArray(qMax<qint64>(del, 0), '-'));
        out.append('\n');
    }

    const qsizetype files = diff.files.size();
    out.append(' ');
    appendNumber(out, files);
    out.append(files == 1 ? " file changed" : " files changed");
    if (additions || deletions == 0) {
        out.append(", ");
        appendNumber(out, additions);
        out.append(additions == 1 ? " insertion(+)" : " insertions(+)");
    }
    if (deletions || additions == 0) {
        out.append(", ");
        appendNumber(out, deletions);
        out.append(deletions == 1 ? " deletion(-)" : " deletions(-)");
    }
    out.append('\n');
    return out;
}

namespace {

void appendModeLine(QByteArray &out, const char *label, quint32 mode)
{
    out.append(label);
    char digits[16];
    const auto end = std::to_chars(digits, digits + sizeof digits, mode, 8).ptr;
    out.append(digits, end - digits);
    out.append('\n');
}

void appendHunks(QByteArray &out, const DiffFile &file, qsizetype from, qsizetype to)
{
    for (qsizetype h = from; h < to; ++h) {
        const DiffHunk &hunk = file.hunks.at(h);
        out.append("@@ -");
        appendNumber(out, hunk.oldStart);
        if (hunk.oldLines != 1) {
            out.append(',');
            appendNumber(out, hunk.oldLines);
        }
        out.append(" +");
        appendNumber(out, hunk.newStart);
        if (hunk.newLines != 1) {
            out.append(',');
            appendNumber(out, hunk.newLines);
        }
        out.append(" @@");
        if (!hunk.header.isEmpty()) {
            out.append(' ');
            out.append(hunk.header.toUtf8());
        }
        out.append('\n');
        for (int l = 0; l < hunk.lineCount; ++l) {
            const DiffLine &line = file.lines[size_t(hunk.firstLine + l)];
            out.append(line.kind == DiffLine::Kind::Added     ? '+'
                       : line.kind == DiffLine::Kind::Deleted ? '-'
                                                              : ' ');
            out.append(file.text(line));
            out.append('\n');
            if (line.noNewlineAtEnd)
                out.append("\\ No newline at end of file\n");
        }
    }
}

// One file's part, as git's builtin_diff() writes it; a type change is two of these.
void appendFilePatch(QByteArray &out, const DiffFile &file, FileStatus status, qsizetype from,
                     qsizetype to)
{
    const QByteArray oldName = (file.oldPath.isEmpty() ? file.newPath : file.oldPath).toUtf8();
    const QByteArray newName = (file.newPath.isEmpty() ? file.oldPath : file.newPath).toUtf8();
    const QByteArray oldLabel = quotedPath(QByteArray("a/" + oldName));
    const QByteArray newLabel = quotedPath(QByteArray("b/" + newName));
    out.append("diff --git ");
    out.append(oldLabel);
    out.append(' ');
    out.append(newLabel);
    out.append('\n');
    if (status == FileStatus::Added) {
        appendModeLine(out, "new file mode ", file.newMode);
    } else if (status == FileStatus::Deleted) {
        appendModeLine(out, "deleted file mode ", file.oldMode);
    } else if (file.oldMode && file.newMode && file.oldMode != file.newMode) {
        appendModeLine(out, "old mode ", file.oldMode);
        appendModeLine(out, "new mode ", file.newMode);
    }
    if (status == FileStatus::Renamed || status == FileStatus::Copied) {
        const char *verb = status == FileStatus::Renamed ? "rename" : "copy";
        out.append("similarity index ");
        appendNumber(out, file.similarity);
        out.append("%\n");
        out.append(verb);
        out.append(" from ");
        out.append(quotedPath(oldName));
        out.append('\n');
        out.append(verb);
        out.append(" to ");
        out.append(quotedPath(newName));
        out.append('\n');
    }
    const QByteArray minus = status == FileStatus::Added ? QByteArray("/dev/null") : oldLabel;
    const QByteArray plus = status == FileStatus::Deleted ? QByteArray("/dev/null") : newLabel;
    if (file.binary) {
        // Known sizes mean changed content (see DiffFile); unchanged binaries print no line.
        if (file.oldSize >= 0 || file.newSize >= 0 || status == FileStatus::Added
            || status == FileStatus::Deleted) {
            out.append("Binary files " + minus + " and " + plus + " differ\n");
        }
        return;
    }
    if (from == to)
        return;
    out.append("--- " + minus + (oldName.contains(' ') ? "\t" : "") + '\n');
    out.append("+++ " + plus + (newName.contains(' ') ? "\t" : "") + '\n');
    appendHunks(out, file, from, to);
}

} // namespace

QByteArray formatPatch(const Diff &diff)
{
    QByteArray out;
    out.reserve(diff.lineCount() * 48 + diff.files.size() * 128);
    for (const DiffFile &file : diff.files) {
        if (file.status != FileStatus::TypeChanged) {
            appendFilePatch(out, file, file.status, 0, file.hunks.size());
            continue;
        }
        // The deleted half's hunks end on the new side's line 0, the added half's start there.
        qsizetype split = 0;
        while (split < file.hunks.size() && file.hunks.at(split).newLines == 0
               && file.hunks.at(split).newStart == 0) {
            ++split;
        }
        DiffFile deleted = file;
        deleted.newMode = 0;
        deleted.newPath.clear();
        deleted.newSize = 0;
        appendFilePatch(out, deleted, FileStatus::Deleted, 0, split);
        DiffFile added = file;
        added.oldMode = 0;
        added.oldPath.clear();
        added.oldSize = 0;
        appendFilePatch(out, added, FileStatus::Added, split, file.hunks.size());
    }
    return out;
}

QByteArray formatJson(const Diff &diff)
{
    QByteArray out;
    out.reserve(256 + diff.lineCount() * 64);
    out.append("{\"files\":[");
    for (qsizetype f = 0; f < diff.files.size(); ++f) {
        const DiffFile &file = diff.files.at(f);
        if (f)
            out.append(',');
        out.append("{\"status\":");
        appendJsonString(out, fileStatusName(file.status).toUtf8());
        out.append(",\"old_path\":");
        if (file.oldPath.isEmpty())
            out.append("null");
        else
            appendJsonString(out, file.oldPath.toUtf8());
        out.append(",\"new_path\":");
        if (file.newPath.isEmpty())
            out.append("null");
        else
            appendJsonString(out, file.newPath.toUtf8());
        out.append(",\"old_mode\":");
        appendMode(out, file.oldMode);
        out.append(",\"new_mode\":");
        appendMode(out, file.newMode);
        out.append(",\"similarity\":");
        appendNumber(out, file.similarity);
        out.append(",\"binary\":");
        out.append(file.binary ? "true" : "false");
        out.append(",\"old_size\":");
        appendNullable(out, file.oldSize, -1);
        out.append(",\"new_size\":");
        appendNullable(out, file.newSize, -1);
        out.append(",\"additions\":");
        appendNumber(out, file.additions);
        out.append(",\"deletions\":");
        appendNumber(out, file.deletions);
        out.append(",\"hunks\":[");
        for (qsizetype h = 0; h < file.hunks.size(); ++h) {
            const DiffHunk &hunk = file.hunks.at(h);
            if (h)
                out.append(',');
            out.append("{\"old_start\":");
            appendNumber(out, hunk.oldStart);
            out.append(",\"old_lines\":");
            appendNumber(out, hunk.oldLines);
            out.append(",\"new_start\":");
            appendNumber(out, hunk.newStart);
            out.append(",\"new_lines\":");
            appendNumber(out, hunk.newLines);
            out.append(",\"header\":");
            appendJsonString(out, hunk.header.toUtf8());
            out.append(",\"lines\":[");
            for (int l = 0; l < hunk.lineCount; ++l) {
                const DiffLine &line = file.lines[size_t(hunk.firstLine + l)];
                if (l)
                    out.append(',');
                out.append("{\"kind\":");
                out.append(line.kind == DiffLine::Kind::Added     ? "\"added\""
                           : line.kind == DiffLine::Kind::Deleted ? "\"deleted\""
                                                                  : "\"context\"");
                out.append(",\"old_line\":");
                appendNullable(out, line.oldLine, -1);
                out.append(",\"new_line\":");
                appendNullable(out, line.newLine, -1);
                out.append(",\"text\":");
                appendJsonString(out, file.text(line));
                out.append(",\"no_newline_at_end\":");
                out.append(line.noNewlineAtEnd ? "true" : "false");
                out.append('}');
            }
            out.append("]}");
        }
        out.append("]}");
    }
    out.append("],\"additions\":");
    appendNumber(out, diff.additions());
    out.append(",\"deletions\":");
    appendNumber(out, diff.deletions());
    out.append("}\n");
    return out;
}

} // namespace squad::git
