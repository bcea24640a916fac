// SPDX-License-Identifier: MIT
#include "output.h"

#include "core/futures.h"

#include <QCommandLineParser>
#include <QPromise>

#include <cerrno>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace squad::cli {

using namespace Qt::StringLiterals;

static constexpr qsizetype FlushThreshold = 1 << 20;

QFuture<int> done(int code)
{
    return readyFuture(code);
}

PendingExit pendingExit()
{
    auto promise = std::make_shared<QPromise<int>>();
    promise->start();
    return {promise->future(), [promise](int code) {
                promise->addResult(code);
                promise->finish();
            }};
}

QFuture<int> usageError(const QString &message)
{
    writeErr(u"squadctl: %1\nRun 'squadctl --help' for usage."_s.arg(message));
    return done(Usage);
}

int exitCodeFor(const Error &error)
{
    return error.code() == ErrorCode::InvalidArgument ? Usage : Failure;
}

int reported(const Error &error)
{
    writeErr(u"squadctl: %1"_s.arg(error.toString()));
    return exitCodeFor(error);
}

QFuture<int> failure(const Error &error)
{
    return done(reported(error));
}

std::optional<QString> unexpectedArguments(const QCommandLineParser &parser, int allowed)
{
    const QStringList words = parser.positionalArguments();
    if (allowed >= 0 && words.size() > allowed)
        return u"unexpected argument '%1'"_s.arg(words.at(allowed));
    return std::nullopt;
}

void writeOut(const QByteArray &data)
{
    std::fwrite(data.constData(), 1, size_t(data.size()), stdout);
}

void writeOut(const QString &text)
{
    writeOut(text.toUtf8());
}

void writeErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    if (!text.endsWith(u'\n'))
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

void flushOut()
{
    std::fflush(stdout);
}

void writeNow(std::FILE *stream, QByteArrayView bytes)
{
    std::fflush(stream);
#ifdef Q_OS_UNIX
    const int fd = ::fileno(stream);
    const char *data = bytes.data();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(fd, data, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;  // a closed or failing output: as with stdio, the command carries on
        data += written;
        left -= written;
    }
#else
    std::fwrite(bytes.data(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
#endif
}

BufferedOut::BufferedOut()
{
    m_buffer.reserve(FlushThreshold + FlushThreshold / 4);
}

BufferedOut::~BufferedOut()
{
    writeOut(m_buffer);
    flushOut();
}

void BufferedOut::flushIfLarge()
{
    if (m_buffer.size() >= FlushThreshold) {
        writeOut(m_buffer);
        m_buffer.truncate(0);  // keeps the allocation for the next block
    }
}

} // namespace squad::cli
