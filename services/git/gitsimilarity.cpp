// SPDX-License-Identifier: MIT
#include "gitsimilarity.h"

#include <QFile>

#include <algorithm>
#include <cstring>
#include <vector>

namespace squad::git {

namespace {

// git's MAX_SCORE and the 50% minimum of -M / -C.
constexpr double MaxScore = 60000.0;
constexpr double MinimumScore = 30000.0;
constexpr unsigned HashBase = 107927;
// git looks this far for a NUL byte to call content binary (FIRST_FEW_BYTES).
constexpr qsizetype BinaryProbe = 8000;

struct Span
{
    unsigned hash;
    unsigned count;
};

// What git's hash_chars() computes for one side, kept as a sorted run of (hash, count).
struct Signature
{
    bool regular = true;
    quint64 size = 0;
    std::vector<Span> spans;
};

Signature *makeSignature(const git_diff_file *file, QByteArrayView data)
{
    auto *signature = new Signature;
    signature->regular = (file->mode & 0170000) == 0100000;
    signature->size = quint64(data.size());
    const bool text
        = !QByteArrayView(data.data(), std::min(data.size(), BinaryProbe)).contains('\0');

    // Chunks end at LF or after 64 bytes; a CR before LF does not count in text.
    std::vector<Span> chunks;
    chunks.reserve(size_t(data.size() / 32 + 1));
    unsigned accum1 = 0, accum2 = 0;
    unsigned n = 0;
    const auto *at = reinterpret_cast<const unsigned char *>(data.data());
    const auto *end = at + data.size();
    while (at < end) {
        const unsigned c = *at++;
        const unsigned old1 = accum1;
        if (text && c == '\r' && at < end && *at == '\n')
            continue;
        accum1 = (accum1 << 7) ^ (accum2 >> 25);
        accum2 = (accum2 << 7) ^ (old1 >> 25);
        accum1 += c;
        if (++n < 64 && c != '\n')
            continue;
        chunks.push_back({(accum1 + accum2 * 0x61) % HashBase, n});
        n = 0;
        accum1 = accum2 = 0;
    }
    std::sort(chunks.begin(), chunks.end(),
              [](const Span &a, const Span &b) { return a.hash < b.hash; });
    for (const Span &chunk : chunks) {
        if (!signature->spans.empty() && signature->spans.back().hash == chunk.hash)
            signature->spans.back().count += chunk.count;
        else
            signature->spans.push_back(chunk);
    }
    return signature;
}

// diffcore_count_changes() and estimate_similarity(), as a percentage.
int score(const Signature &source, const Signature &destination)
{
    if (!source.regular || !destination.regular)
        return 0;
    const quint64 maxSize = std::max(source.size, destination.size);
    const quint64 baseSize = std::min(source.size, destination.size);
    const quint64 deltaSize = maxSize - baseSize;
    if (double(maxSize) * (MaxScore - MinimumScore) < double(deltaSize) * MaxScore)
        return 0;
    if (destination.size == 0)
        return 0;
    quint64 copied = 0;
    auto d = destination.spans.begin();
    for (const Span &s : source.spans) {
        while (d != destination.spans.end() && d->hash < s.hash)
            ++d;
        if (d != destination.spans.end() && d->hash == s.hash) {
            copied += std::min(s.count, d->count);
            ++d;
        }
    }
    const int gitScore = int(double(copied) * MaxScore / double(maxSize));
    return int(gitScore * 100 / MaxScore);
}

int fileSignature(void **out, const git_diff_file *file, const char *fullpath, void *)
{
    QFile f(QFile::decodeName(fullpath));
    if (!f.open(QIODevice::ReadOnly)) {
        *out = nullptr; // libgit2 then skips this file for similarity
        return 0;
    }
    *out = makeSignature(file, f.readAll());
    return 0;
}

int bufferSignature(void **out, const git_diff_file *file, const char *buf, size_t buflen, void *)
{
    *out = makeSignature(file, QByteArrayView(buf, qsizetype(buflen)));
    return 0;
}

void freeSignature(void *signature, void *)
{
    delete static_cast<Signature *>(signature);
}

int similarity(int *out, void *a, void *b, void *)
{
    *out = score(*static_cast<const Signature *>(a), *static_cast<const Signature *>(b));
    return 0;
}

} // namespace

git_diff_similarity_metric *gitSimilarityMetric()
{
    static git_diff_similarity_metric metric
        = {fileSignature, bufferSignature, freeSignature, similarity, nullptr};
    return &metric;
}

int gitSimilarity(QByteArrayView source, QByteArrayView destination)
{
    git_diff_file file;
    std::memset(&file, 0, sizeof file);
    file.mode = GIT_FILEMODE_BLOB;
    std::unique_ptr<Signature> a(makeSignature(&file, source));
    std::unique_ptr<Signature> b(makeSignature(&file, destination));
    return score(*a, *b);
}

} // namespace squad::git
