// SPDX-License-Identifier: MIT
#include "output.h"

#include <cstdio>

namespace squad::cli {

static constexpr qsizetype FlushThreshold = 1 << 20;

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
