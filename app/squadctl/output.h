// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QFuture>
#include <QString>

#include <cstdio>
#include <functional>
#include <optional>

class QCommandLineParser;

namespace squad::cli {

enum ExitCode : int { Success = 0, Failure = 1, Usage = 2 };

// A finished future with an exit code.
QFuture<int> done(int code);

// An exit code given later, from a continuation: return `future` now and call `settle` once.
struct PendingExit
{
    QFuture<int> future;
    std::function<void(int)> settle;
};
PendingExit pendingExit();
// Prints "squadctl: message" and a hint to stderr; exit 2.
QFuture<int> usageError(const QString &message);
// Prints the error to stderr; exit 2 for malformed input, else 1.
QFuture<int> failure(const Error &error);
int exitCodeFor(const Error &error);
// Prints "squadctl: <error>" on stderr and returns its exit code: the end of a failed command
// inside a continuation.
int reported(const Error &error);
// Positional words a verb does not take are usage errors, not silently ignored.
std::optional<QString> unexpectedArguments(const QCommandLineParser &parser, int allowed);

// Data goes to stdout, messages to stderr; both unbuffered enough to interleave sensibly.
void writeOut(const QByteArray &data);
void writeOut(const QString &text);
void writeErr(const QString &text);
void flushOut();
// Bytes that must reach `stream` (stdout or stderr) now, such as a command's output as it
// streams: whatever stdio holds is flushed first, then the bytes go out in one write(2)
// rather than through stdio's small buffer.
void writeNow(std::FILE *stream, QByteArrayView bytes);

// Accumulates output and hands it to stdout in large blocks: listing 100,000 rows should not
// pay for 100,000 writes, nor hold the whole document in memory.
class BufferedOut
{
public:
    BufferedOut();
    ~BufferedOut();
    QByteArray &buffer() { return m_buffer; }
    void flushIfLarge();

private:
    QByteArray m_buffer;
};

} // namespace squad::cli
