// SPDX-License-Identifier: MIT
// parsePatch(): git's patch text into Diff values, through libgit2's parser.
//
// libgit2 1.5.1's git_diff_from_buffer() rejects some patches git itself prints. Each gap
// found, and what is done about it (tests/services/tst_gitdiff.cpp has a case for each):
//
//  1. A file added or deleted empty (`new file mode` + `index 0000000..e69de29` and nothing
//     else) fails with "unexpected header line": its header state machine only lets a
//     patch end after `---`/`+++`, a binary marker, or mode lines (fixed upstream in 2026,
//     libgit2 PR #7331). The same for an empty file last in the text.
//  2. `rename from`/`rename to`/`copy from`/`copy to` with a space in the path fail with
//     "trailing data": those lines are read as a path that ends at the first space.
//  3. A binary patch of a path with a space fails with "git diff header lacks old / new
//     paths": the `diff --git` line's unquoted paths are dropped when they contain spaces,
//     and binary patches have no `---`/`+++` lines to take them from.
//  4. `dissimilarity index` (git -B) is followed by an `index` line the state machine does
//     not allow there ("invalid patch header").
//  5. Object ids longer than 40 hex digits (SHA-256 repositories, --full-index) fail
//     "invalid hex formatted object id".
//
// So each file's header is read here (it is a few short lines), and libgit2 is given only
// bodies it parses: a file without a body (1, pure renames, mode changes, "Binary files
// differ") never reaches it; a file whose header it would trip over (2-5) reaches it behind
// a stand-in header; all others go through in large runs of the original text. Paths,
// status, modes and similarity always come from the header read here; hunks, lines and
// binary data from libgit2.

#include "gitdiffengine.h"

#include "diffbuild.h"
#include "gitlibrary.h"
#include "libgit2handles.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

using namespace Qt::StringLiterals;

namespace squad::git {

namespace {

constexpr QByteArrayView DiffGit = "diff --git ";
constexpr qsizetype RunBytes = 1 << 18;

Error damaged(const QString &what, const QString &detail = {})
{
    return Error(ErrorCode::InvalidArgument, what, detail);
}

// ---- the records before the patch (`git diff --raw --numstat -z -p`) -------------------

struct Record
{
    char status = 'M';
    quint32 oldMode = 0;
    quint32 newMode = 0;
    QByteArray oldPath;
    QByteArray newPath; // = oldPath unless renamed or copied
    bool binary = false;
    bool counted = false; // a numstat record was seen for it
};

struct Preamble
{
    std::vector<Record> records;
    qsizetype patchStart = 0; // where the patch text begins
};

std::optional<quint32> octal(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    quint32 value = 0;
    for (char c : text) {
        if (c < '0' || c > '7')
            return std::nullopt;
        value = value * 8 + quint32(c - '0');
    }
    return value;
}

// One NUL-terminated field from `at`; nullopt when the text ends first.
std::optional<QByteArrayView> field(QByteArrayView text, qsizetype &at)
{
    const qsizetype end = text.indexOf('\0', at);
    if (end < 0)
        return std::nullopt;
    QByteArrayView value = text.sliced(at, end - at);
    at = end + 1;
    return value;
}

Result<Preamble> readPreamble(QByteArrayView text)
{
    Preamble preamble;
    // Only what -z prints has records: a plain patch starts right away.
    const bool raw = text.startsWith(':');
    const bool numstat = !raw && !text.isEmpty()
                         && (text.front() == '-' || (text.front() >= '0' && text.front() <= '9'))
                         && text.indexOf('\0') >= 0 && text.indexOf('\t') >= 0
                         && text.indexOf('\t') < text.indexOf('\n');
    if (!raw && !numstat)
        return preamble;

    const auto bad = [] {
        return damaged(u"The records before the patch are damaged"_s,
                       u"expected what git diff --raw --numstat -z prints"_s);
    };
    qsizetype at = 0;
    // ":100644 100644 abc1234 def5678 R100\0old\0new\0"
    while (at < text.size() && text.at(at) == ':') {
        auto head = field(text, at);
        if (!head)
            return fail(bad());
        const QList<QByteArrayView> parts = [&] {
            QList<QByteArrayView> out;
            qsizetype from = 1;
            for (qsizetype i = 1; i <= head->size(); ++i) {
                if (i == head->size() || head->at(i) == ' ') {
                    out.append(head->sliced(from, i - from));
                    from = i + 1;
                }
            }
            return out;
        }();
        if (parts.size() != 5 || parts.at(4).isEmpty())
            return fail(bad());
        Record record;
        auto oldMode = octal(parts.at(0));
        auto newMode = octal(parts.at(1));
        if (!oldMode || !newMode)
            return fail(bad());
        record.oldMode = *oldMode;
        record.newMode = *newMode;
        record.status = parts.at(4).front();
        auto path = field(text, at);
        if (!path)
            return fail(bad());
        record.oldPath = path->toByteArray();
        record.newPath = record.oldPath;
        if (record.status == 'R' || record.status == 'C') {
            auto to = field(text, at);
            if (!to)
                return fail(bad());
            record.newPath = to->toByteArray();
        }
        preamble.records.push_back(std::move(record));
    }
    // "12\t3\tpath\0", "-\t-\tpath\0" or, renamed, "1\t0\t\0old\0new\0"; they come in the
    // order of the raw records, less files without a change to count (git -w).
    size_t next = 0;
    while (at < text.size() && text.at(at) != '\0') {
        auto counts = field(text, at);
        if (!counts)
            return fail(bad());
        const qsizetype tab = counts->indexOf('\t');
        const qsizetype tab2 = tab < 0 ? -1 : counts->indexOf('\t', tab + 1);
        if (tab2 < 0)
            return fail(bad());
        const bool binary = counts->first(tab) == "-";
        QByteArray path = counts->sliced(tab2 + 1).toByteArray();
        QByteArray oldPath = path;
        if (path.isEmpty()) {
            auto from = field(text, at);
            auto to = field(text, at);
            if (!from || !to)
                return fail(bad());
            oldPath = from->toByteArray();
            path = to->toByteArray();
        }
        size_t match = next;
        while (match < preamble.records.size()
               && (preamble.records[match].newPath != path
                   || preamble.records[match].oldPath != oldPath)) {
            ++match;
        }
        if (match < preamble.records.size()) {
            preamble.records[match].binary = binary;
            preamble.records[match].counted = true;
            next = match + 1;
        } else if (preamble.records.empty()) {
            Record record; // numstat without raw records
            record.oldPath = oldPath;
            record.newPath = path;
            record.binary = binary;
            record.counted = true;
            record.status = oldPath != path ? 'R' : 'M';
            preamble.records.push_back(std::move(record));
        }
    }
    if (at < text.size())
        ++at; // the NUL that ends the records
    preamble.patchStart = at;
    return preamble;
}

// Where the next "\ndiff --git " starts, or -1. glibc's memmem is some 4x faster than a
// Boyer-Moore-Horspool search here (and 10x faster than QByteArrayView::indexOf).
qsizetype findSeparator(QByteArrayView text, qsizetype from)
{
    static constexpr std::string_view Separator = "\ndiff --git ";
    const char *begin = text.data() + from;
    const size_t length = size_t(text.size() - from);
#if defined(__GLIBC__) || defined(__APPLE__)
    const void *found = ::memmem(begin, length, Separator.data(), Separator.size());
    return found ? static_cast<const char *>(found) - text.data() : -1;
#else
    static const std::boyer_moore_horspool_searcher searcher(Separator.begin(), Separator.end());
    const char *end = begin + length;
    const char *found = std::search(begin, end, searcher);
    return found == end ? -1 : found - text.data();
#endif
}

// ---- one file's header ------------------------------------------------------------------

enum class Body { None, Hunks, BinaryData, BinaryNoData };

struct Header
{
    FileStatus status = FileStatus::Modified;
    QByteArray oldPath;
    QByteArray newPath;
    quint32 oldMode = 0;
    quint32 newMode = 0;
    int similarity = 0;
    Body body = Body::None;
    qsizetype bodyStart = 0; // offset in the segment: the first "@@ -" or "GIT binary patch"
    bool libgit2Safe = true; // false: give libgit2 the body behind a stand-in header
};

QByteArrayView lineAt(QByteArrayView text, qsizetype at, qsizetype *next)
{
    qsizetype end = text.indexOf('\n', at);
    if (end < 0)
        end = text.size();
    *next = end < text.size() ? end + 1 : end;
    QByteArrayView line = text.sliced(at, end - at);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

// git's C-style quoting ("a\tb", "\303\251"), the inverse of quote_c_style().
std::optional<QByteArray> unquote(QByteArrayView quoted, qsizetype *consumed = nullptr)
{
    if (!quoted.startsWith('"'))
        return std::nullopt;
    QByteArray out;
    for (qsizetype i = 1; i < quoted.size(); ++i) {
        const char c = quoted.at(i);
        if (c == '"') {
            if (consumed)
                *consumed = i + 1;
            return out;
        }
        if (c != '\\') {
            out.append(c);
            continue;
        }
        if (++i >= quoted.size())
            return std::nullopt;
        const char e = quoted.at(i);
        switch (e) {
        case 'a':
            out.append('\a');
            break;
        case 'b':
            out.append('\b');
            break;
        case 't':
            out.append('\t');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'v':
            out.append('\v');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'r':
            out.append('\r');
            break;
        case '"':
            out.append('"');
            break;
        case '\\':
            out.append('\\');
            break;
        default:
            if (e >= '0' && e <= '3' && i + 2 < quoted.size()) {
                const auto digits = octal(quoted.sliced(i, 3));
                if (!digits)
                    return std::nullopt;
                out.append(char(*digits));
                i += 2;
                break;
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// A path as header lines write it: quoted, or as is (`---`/`+++` add a TAB after a path
// with a space).
std::optional<QByteArray> pathValue(QByteArrayView text, bool *hadSpace = nullptr)
{
    if (text.startsWith('"'))
        return unquote(text);
    if (text.endsWith('\t'))
        text.chop(1);
    if (hadSpace)
        *hadSpace = text.contains(' ') || text.contains('\t');
    if (text.isEmpty())
        return std::nullopt;
    return text.toByteArray();
}

// "a/dir/file" -> "dir/file": git -p1.
QByteArray stripPrefix(const QByteArray &path)
{
    const qsizetype slash = path.indexOf('/');
    return slash < 0 ? path : path.sliced(slash + 1);
}

// The two paths of "diff --git a/x b/x". Unquoted paths may hold spaces; then the line is
// only unambiguous because both are the same file (renames and copies name theirs in their
// own lines), so the split is where the two halves agree.
bool gitLinePaths(QByteArrayView rest, QByteArray *oldPath, QByteArray *newPath, bool *hadSpace)
{
    if (rest.startsWith('"')) {
        qsizetype used = 0;
        auto first = unquote(rest, &used);
        if (!first || used >= rest.size() || rest.at(used) != ' ')
            return false;
        auto second = pathValue(rest.sliced(used + 1));
        if (!second)
            return false;
        *oldPath = stripPrefix(*first);
        *newPath = stripPrefix(*second);
        return true;
    }
    for (qsizetype space = rest.indexOf(' '); space > 0; space = rest.indexOf(' ', space + 1)) {
        const QByteArray a = stripPrefix(rest.first(space).toByteArray());
        QByteArrayView b = rest.sliced(space + 1);
        if (b.startsWith('"')) {
            auto unquoted = unquote(b);
            if (!unquoted)
                return false;
            *oldPath = a;
            *newPath = stripPrefix(*unquoted);
            return true;
        }
        if (stripPrefix(b.toByteArray()) == a) {
            *oldPath = a;
            *newPath = a;
            *hadSpace = a.contains(' ') || a.contains('\t');
            return true;
        }
    }
    return false;
}

bool startsWith(QByteArrayView line, QByteArrayView prefix, QByteArrayView *rest)
{
    if (!line.startsWith(prefix))
        return false;
    *rest = line.sliced(prefix.size());
    return true;
}

std::optional<int> percent(QByteArrayView text)
{
    if (!text.endsWith('%'))
        return std::nullopt;
    bool ok = false;
    const int value = text.chopped(1).toInt(&ok);
    if (!ok || value < 0 || value > 100)
        return std::nullopt;
    return value;
}

Result<Header> readHeader(QByteArrayView segment)
{
    Header header;
    qsizetype next = 0;
    QByteArrayView rest;
    const QByteArrayView first = lineAt(segment, 0, &next);
    bool gitLineSpace = false;
    QByteArray gitOld, gitNew;
    const bool gitLineOk
        = gitLinePaths(first.sliced(DiffGit.size()), &gitOld, &gitNew, &gitLineSpace);
    QByteArray renameFrom, renameTo, minusPath, plusPath;
    bool headerSpace = false;
    bool minusNull = false, plusNull = false;
    const auto badLine = [&](QByteArrayView line) {
        return damaged(u"Could not read the header of a file in the patch"_s,
                       QString::fromUtf8(first) + u": "_s + QString::fromUtf8(line));
    };

    qsizetype at = next;
    while (at < segment.size()) {
        const qsizetype lineStart = at;
        const QByteArrayView line = lineAt(segment, at, &next);
        at = next;
        if (line.startsWith("@@ -")) {
            header.body = Body::Hunks;
            header.bodyStart = lineStart;
            break;
        }
        if (line == "GIT binary patch") {
            header.body = Body::BinaryData;
            header.bodyStart = lineStart;
            break;
        }
        if (line.startsWith("Binary files ") && line.endsWith(" differ")) {
            header.body = Body::BinaryNoData;
            break;
        }
        bool ok = true;
        if (startsWith(line, "old mode ", &rest)) {
            auto mode = octal(rest);
            ok = bool(mode);
            header.oldMode = mode.value_or(0);
        } else if (startsWith(line, "new mode ", &rest)) {
            auto mode = octal(rest);
            ok = bool(mode);
            header.newMode = mode.value_or(0);
        } else if (startsWith(line, "deleted file mode ", &rest)) {
            auto mode = octal(rest);
            ok = bool(mode);
            header.status = FileStatus::Deleted;
            header.oldMode = mode.value_or(0);
        } else if (startsWith(line, "new file mode ", &rest)) {
            auto mode = octal(rest);
            ok = bool(mode);
            header.status = FileStatus::Added;
            header.newMode = mode.value_or(0);
        } else if (startsWith(line, "similarity index ", &rest)) {
            auto value = percent(rest);
            ok = bool(value);
            header.similarity = value.value_or(0);
        } else if (startsWith(line, "dissimilarity index ", &rest)) {
            auto value = percent(rest);
            ok = bool(value);
            header.similarity = 100 - value.value_or(100);
            header.libgit2Safe = false; // gap 4
        } else if (startsWith(line, "rename from ", &rest)
                   || startsWith(line, "copy from ", &rest)) {
            header.status = line.startsWith("rename") ? FileStatus::Renamed : FileStatus::Copied;
            bool space = false;
            auto path = pathValue(rest, &space);
            ok = bool(path);
            renameFrom = path.value_or(QByteArray());
            headerSpace = headerSpace || space;
        } else if (startsWith(line, "rename to ", &rest) || startsWith(line, "copy to ", &rest)) {
            bool space = false;
            auto path = pathValue(rest, &space);
            ok = bool(path);
            renameTo = path.value_or(QByteArray());
            headerSpace = headerSpace || space;
        } else if (startsWith(line, "index ", &rest)) {
            const qsizetype dots = rest.indexOf("..");
            const qsizetype space = rest.indexOf(' ');
            const qsizetype idEnd = space < 0 ? rest.size() : space;
            ok = dots > 0 && dots < idEnd;
            if (ok && (dots > 40 || idEnd - dots - 2 > 40))
                header.libgit2Safe = false; // gap 5
            if (ok && space > 0) {
                auto mode = octal(rest.sliced(space + 1));
                ok = bool(mode);
                if (!header.oldMode)
                    header.oldMode = mode.value_or(0);
                if (!header.newMode)
                    header.newMode = mode.value_or(0);
            }
        } else if (startsWith(line, "--- ", &rest)) {
            minusNull = rest == "/dev/null";
            if (!minusNull) {
                auto path = pathValue(rest);
                ok = bool(path);
                minusPath = stripPrefix(path.value_or(QByteArray()));
            }
        } else if (startsWith(line, "+++ ", &rest)) {
            plusNull = rest == "/dev/null";
            if (!plusNull) {
                auto path = pathValue(rest);
                ok = bool(path);
                plusPath = stripPrefix(path.value_or(QByteArray()));
            }
        } else if (line.isEmpty() || line.startsWith("-- ")) {
            break; // the end of a format-patch mail, or of the text
        } else {
            ok = false;
        }
        if (!ok)
            return fail(badLine(line));
    }

    // Paths: rename/copy lines are exact, then ---/+++, then the diff --git line.
    QByteArray oldPath = !renameFrom.isEmpty()  ? renameFrom
                         : !minusPath.isEmpty() ? minusPath
                                                : gitOld;
    QByteArray newPath = !renameTo.isEmpty() ? renameTo : !plusPath.isEmpty() ? plusPath : gitNew;
    if (minusNull)
        header.status = FileStatus::Added;
    if (plusNull)
        header.status = FileStatus::Deleted;
    if (header.status == FileStatus::Added && newPath.isEmpty())
        newPath = oldPath;
    if (header.status == FileStatus::Deleted && oldPath.isEmpty())
        oldPath = newPath;
    if ((oldPath.isEmpty() || newPath.isEmpty()) && !gitLineOk)
        return fail(badLine(first));
    header.oldPath = header.status == FileStatus::Added ? QByteArray() : oldPath;
    header.newPath = header.status == FileStatus::Deleted ? QByteArray() : newPath;
    if (header.status == FileStatus::Added)
        header.oldMode = 0;
    if (header.status == FileStatus::Deleted)
        header.newMode = 0;
    if (header.status != FileStatus::Renamed && header.status != FileStatus::Copied)
        header.similarity = 0;
    // Gaps 2 and 3: libgit2 reads these paths up to the first space.
    if (headerSpace || (gitLineSpace && header.body == Body::BinaryData))
        header.libgit2Safe = false;
    return header;
}

// ---- binary sizes -----------------------------------------------------------------------

// A git delta starts with two varints: the size of its source, then of its result.
std::optional<std::pair<qint64, qint64>> deltaSizes(const git_diff_binary_file &side)
{
    if (!side.data || side.inflatedlen == 0)
        return std::nullopt;
    // qUncompress() wants the inflated size in front, big-endian.
    QByteArray framed(4, '\0');
    const auto size = quint32(side.inflatedlen);
    framed[0] = char(size >> 24);
    framed[1] = char(size >> 16);
    framed[2] = char(size >> 8);
    framed[3] = char(size);
    framed.append(side.data, qsizetype(side.datalen));
    const QByteArray delta = qUncompress(framed);
    qsizetype at = 0;
    const auto varint = [&]() -> std::optional<qint64> {
        qint64 value = 0;
        int shift = 0;
        while (at < delta.size()) {
            const auto byte = uchar(delta.at(at++));
            value |= qint64(byte & 0x7f) << shift;
            shift += 7;
            if (!(byte & 0x80))
                return value;
            if (shift > 56)
                break;
        }
        return std::nullopt;
    };
    const auto source = varint();
    const auto target = varint();
    if (!source || !target)
        return std::nullopt;
    return std::pair(*source, *target);
}

// From `GIT binary patch`: the forward half ends at the new content (its size, or a delta
// that names both), the reverse half at the old one.
void setBinarySizes(DiffFile &file, const git_diff_binary &binary)
{
    if (!binary.contains_data)
        return;
    const auto sizesOf = [](const git_diff_binary_file &side, qint64 *mine, qint64 *other) {
        if (side.type == GIT_DIFF_BINARY_LITERAL) {
            *mine = qint64(side.inflatedlen);
        } else if (side.type == GIT_DIFF_BINARY_DELTA) {
            if (auto sizes = deltaSizes(side)) {
                *mine = sizes->second;
                if (*other < 0)
                    *other = sizes->first;
            }
        }
    };
    sizesOf(binary.new_file, &file.newSize, &file.oldSize);
    sizesOf(binary.old_file, &file.oldSize, &file.newSize);
}

// ---- libgit2 over runs of segments ------------------------------------------------------

struct Segment
{
    qsizetype begin = 0;
    qsizetype end = 0;
    Header header;
    qsizetype fileIndex = -1; // its DiffFile in the result
};

// The binary halves git_diff_foreach() reports, by delta. They point into the diff: their
// sizes are read before it is freed.
struct BinaryPayload
{
    std::vector<const git_diff_delta *> deltas;
    std::vector<std::optional<git_diff_binary>> binaries;
};

int collectBinary(const git_diff_delta *delta, const git_diff_binary *binary, void *payload)
{
    auto *collected = static_cast<BinaryPayload *>(payload);
    for (size_t i = 0; i < collected->deltas.size(); ++i) {
        if (collected->deltas[i] == delta) {
            collected->binaries[i] = *binary;
            break;
        }
    }
    return 0;
}

// Parses `text` (the bodies of `count` files, each behind a header libgit2 accepts) and
// fills files[0..count) with their hunks, lines, binary flags and sizes. sizes[i] is the
// length of file i's part of the text: its lines' text fits in it.
Result<void> parseBodies(QByteArrayView text, DiffFile *const *files, const qsizetype *sizes,
                         size_t count)
{
    git_diff *raw = nullptr;
    const int rc = git_diff_from_buffer(&raw, text.data(), size_t(text.size()));
    DiffHandle diff(raw);
    if (rc < 0)
        return fail(
            Error(ErrorCode::InvalidArgument, u"libgit2 rejected the patch"_s, lastGitError(rc)));
    if (git_diff_num_deltas(diff.get()) != count) {
        return fail(Error(ErrorCode::InvalidArgument, u"libgit2 read another number of files"_s,
                          u"%1 instead of %2"_s.arg(git_diff_num_deltas(diff.get())).arg(count)));
    }
    BinaryPayload binaries;
    for (size_t i = 0; i < count; ++i) {
        const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
        if (delta->flags & GIT_DIFF_FLAG_BINARY) {
            binaries.deltas.push_back(delta);
        } else {
            git_patch *rawPatch = nullptr;
            const int patchRc = git_patch_from_diff(&rawPatch, diff.get(), i);
            PatchHandle patch(rawPatch);
            if (patchRc < 0 || !patch) {
                return fail(Error(ErrorCode::InvalidArgument, u"libgit2 rejected the patch"_s,
                                  lastGitError(patchRc)));
            }
            readPatch(patch.get(), *files[i], false, sizes[i]);
        }
    }
    if (binaries.deltas.empty())
        return {};
    binaries.binaries.resize(binaries.deltas.size());
    git_diff_foreach(diff.get(), nullptr, collectBinary, nullptr, nullptr, &binaries);
    for (size_t i = 0, b = 0; i < count && b < binaries.deltas.size(); ++i) {
        if (git_diff_get_delta(diff.get(), i) != binaries.deltas[b])
            continue;
        files[i]->binary = true;
        if (binaries.binaries[b])
            setBinarySizes(*files[i], *binaries.binaries[b]);
        ++b;
    }
    return {};
}

// The body of one file behind a header libgit2 surely accepts (gaps 2-5): the paths and
// everything else in it are thrown away, they came from readHeader().
QByteArray standIn(QByteArrayView segment, const Header &header)
{
    const QByteArrayView body = segment.sliced(header.bodyStart);
    QByteArray text;
    text.reserve(body.size() + 64);
    if (header.body == Body::BinaryData)
        text.append("diff --git a/f b/f\nindex 0000000..0000001\n");
    else
        text.append("diff --git a/f b/f\n--- a/f\n+++ b/f\n");
    text.append(body);
    if (!text.endsWith('\n'))
        text.append('\n');
    return text;
}

QString displayPath(const Header &header)
{
    return QString::fromUtf8(header.newPath.isEmpty() ? header.oldPath : header.newPath);
}

// One file: as it is when libgit2 takes its header, else (or when it fails after all) behind a
// stand-in header. The error names the file and carries libgit2's reason for the original.
Result<void> parseOne(QByteArrayView text, const Segment &segment, DiffFile *file)
{
    const QByteArrayView own = text.sliced(segment.begin, segment.end - segment.begin);
    const qsizetype size = own.size();
    std::optional<Error> firstError;
    if (segment.header.libgit2Safe) {
        Result<void> parsed = parseBodies(own, &file, &size, 1);
        if (parsed)
            return parsed;
        firstError = parsed.error();
    }
    DiffFile retry = *file;
    DiffFile *retryFile = &retry;
    Result<void> again = parseBodies(standIn(own, segment.header), &retryFile, &size, 1);
    if (!again) {
        const Error &why = firstError ? *firstError : again.error();
        return fail(damaged(u"Could not parse the patch of %1"_s.arg(displayPath(segment.header)),
                            why.detail()));
    }
    *file = std::move(retry);
    return {};
}

// Fills the files of a run of segments libgit2 takes as they are: in one call when it
// accepts them all, else one by one so the one it rejects is named.
Result<void> parseRun(QByteArrayView text, const std::vector<Segment> &segments, size_t first,
                      size_t last, QList<DiffFile> &files)
{
    std::vector<DiffFile *> targets;
    std::vector<qsizetype> sizes;
    targets.reserve(last - first);
    sizes.reserve(last - first);
    for (size_t s = first; s < last; ++s) {
        targets.push_back(&files[segments[s].fileIndex]);
        sizes.push_back(segments[s].end - segments[s].begin);
    }
    const QByteArrayView run
        = text.sliced(segments[first].begin, segments[last - 1].end - segments[first].begin);
    if (last - first > 1 && parseBodies(run, targets.data(), sizes.data(), targets.size()))
        return {};
    for (size_t s = first; s < last; ++s) {
        DiffFile &file = files[segments[s].fileIndex];
        const DiffFile blank = [&] {
            DiffFile copy = file;
            copy.hunks.clear();
            copy.lines.clear();
            copy.content.clear();
            copy.additions = copy.deletions = 0;
            return copy;
        }();
        file = blank; // a failed run may have filled some already
        if (auto parsed = parseOne(text, segments[s], &file); !parsed)
            return parsed;
    }
    return {};
}

DiffFile fileFromHeader(const Header &header)
{
    DiffFile file;
    file.status = header.status;
    file.oldPath = QString::fromUtf8(header.oldPath);
    file.newPath = QString::fromUtf8(header.newPath);
    file.oldMode = header.oldMode;
    file.newMode = header.newMode;
    file.similarity = header.similarity;
    file.binary = header.body == Body::BinaryNoData;
    return file;
}

// What the records know that the patch text does not say.
void applyRecords(Diff &diff, const std::vector<Record> &records)
{
    if (records.empty())
        return;
    QHash<QString, const Record *> byPath;
    for (const Record &record : records) {
        const bool deleted = record.status == 'D';
        byPath.insert(QString::fromUtf8(deleted ? record.oldPath : record.newPath), &record);
    }
    for (DiffFile &file : diff.files) {
        const Record *record = byPath.value(file.path());
        if (!record)
            continue;
        if (record->counted && record->binary)
            file.binary = true;
        if (file.status != FileStatus::Added && file.oldMode == 0)
            file.oldMode = record->oldMode;
        if (file.status != FileStatus::Deleted && file.newMode == 0)
            file.newMode = record->newMode;
    }
}

bool nothingChanged(const DiffFile &file)
{
    return file.status == FileStatus::Modified && file.oldMode == file.newMode && !file.binary
           && file.additions == 0 && file.deletions == 0;
}

} // namespace

QByteArrayView patchText(QByteArrayView text)
{
    auto preamble = readPreamble(text);
    if (!preamble)
        return {};
    return text.sliced(preamble->patchStart);
}

Result<Diff> parsePatch(QByteArrayView text)
{
    ensureGitLibrary();
    auto preamble = readPreamble(text);
    if (!preamble)
        return fail(preamble.error());

    // Each file's text runs from its "diff --git" line to the next one. Inside a file no
    // line starts with "diff --git ": hunk lines start with ' ', '+', '-' or '\', and
    // base85 has no space.
    std::vector<Segment> segments;
    const auto find = [&](qsizetype from) {
        return findSeparator(text, from);
    };
    qsizetype at = preamble->patchStart;
    if (!text.sliced(at).startsWith(DiffGit)) {
        const qsizetype found = find(at);
        at = found < 0 ? -1 : found + 1;
    }
    while (at >= 0) {
        const qsizetype next = find(at);
        Segment segment;
        segment.begin = at;
        segment.end = next < 0 ? text.size() : next + 1;
        segments.push_back(segment);
        at = next < 0 ? -1 : next + 1;
    }
    if (segments.empty()) {
        const QByteArrayView rest = text.sliced(preamble->patchStart).trimmed();
        if (rest.startsWith("--- ") || rest.contains("\n@@ -") || rest.startsWith("@@ -")) {
            return fail(damaged(u"This is not a git patch: it has no \"diff --git\" lines"_s,
                                u"plain diff -u output cannot say what happened to each file"_s));
        }
        return Diff();
    }

    Diff diff;
    diff.files.reserve(qsizetype(segments.size()));
    for (Segment &segment : segments) {
        auto header = readHeader(text.sliced(segment.begin, segment.end - segment.begin));
        if (!header)
            return fail(header.error());
        segment.header = std::move(*header);
        segment.fileIndex = diff.files.size();
        diff.files.append(fileFromHeader(segment.header));
    }

    // Runs of adjacent files libgit2 takes as they are; the others one by one.
    size_t s = 0;
    while (s < segments.size()) {
        const Header &header = segments[s].header;
        if (header.body == Body::None || header.body == Body::BinaryNoData) {
            ++s;
            continue;
        }
        if (!header.libgit2Safe) {
            if (auto parsed = parseOne(text, segments[s], &diff.files[segments[s].fileIndex]);
                !parsed) {
                return fail(parsed.error());
            }
            ++s;
            continue;
        }
        // Runs of some 256 KiB: libgit2 makes a copy and a record of every line it reads
        // (~100 bytes a line); freeing each run before the next keeps that memory in cache
        // and reused instead of growing to several times the patch (1.6x faster at 12 MB).
        size_t end = s + 1;
        qsizetype runBytes = segments[s].end - segments[s].begin;
        while (end < segments.size() && segments[end].header.libgit2Safe
               && segments[end].header.body != Body::None
               && segments[end].header.body != Body::BinaryNoData && runBytes < RunBytes) {
            runBytes += segments[end].end - segments[end].begin;
            ++end;
        }
        if (auto parsed = parseRun(text, segments, s, end, diff.files); !parsed)
            return fail(parsed.error());
        s = end;
    }

    applyRecords(diff, preamble->records);
    diff.files.removeIf(nothingChanged);
    finishDiff(diff);
    return diff;
}

} // namespace squad::git
