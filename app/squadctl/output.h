// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

namespace squad::cli {

// Data goes to stdout, messages to stderr; both unbuffered enough to interleave sensibly.
void writeOut(const QByteArray &data);
void writeOut(const QString &text);
void writeErr(const QString &text);
void flushOut();

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
