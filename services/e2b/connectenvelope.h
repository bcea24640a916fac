// SPDX-License-Identifier: MIT
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

class QIODevice;

namespace squad::connect {

// The Connect protocol's streaming envelope: one flag byte, a 4-byte big-endian payload
// length, the payload. envd streams `process.Process/Start` and `WatchDir` this way with the
// JSON codec; the last envelope carries the end-of-stream flag and the call's error, if any.
constexpr quint8 CompressedFlag = 0x01;
constexpr quint8 EndStreamFlag = 0x02;
constexpr qsizetype EnvelopeHeaderSize = 5;

[[nodiscard]] QByteArray encodeEnvelope(QByteArrayView payload, quint8 flags = 0);

struct Envelope
{
    quint8 flags = 0;
    QByteArray payload;

    bool endOfStream() const { return flags & EndStreamFlag; }
};

// An envelope whose payload points into the reader's buffer: no copy, valid until the reader
// is next fed or read from. For hot loops (a command's output); Envelope otherwise.
struct EnvelopeView
{
    quint8 flags = 0;
    QByteArrayView payload;

    bool endOfStream() const { return flags & EndStreamFlag; }
};

// Cuts envelopes out of a byte stream as it arrives. Network reads split and merge envelopes
// arbitrarily (a read may even end inside the 5-byte header), so bytes are buffered until a
// whole envelope is there.
class EnvelopeReader
{
public:
    // Envelopes larger than this are refused rather than buffered: a corrupt length field must
    // not make the console allocate gigabytes. envd's frames are far smaller.
    static constexpr qsizetype DefaultMaxPayload = 16 * 1024 * 1024;

    explicit EnvelopeReader(qsizetype maxPayload = DefaultMaxPayload)
        : m_maxPayload(maxPayload)
    {}

    void feed(QByteArrayView bytes);
    // Appends what `device` has ready straight into the buffer, without the intermediate
    // array readAll() would allocate; returns the bytes read (-1 when the device failed).
    qint64 readFrom(QIODevice &device);

    // The next whole envelope; nullopt while one is still incomplete. An error when the stream
    // is corrupt (compressed though nothing was negotiated, or an impossible length); the
    // reader is then unusable.
    [[nodiscard]] Result<std::optional<Envelope>> next();
    // The same, without copying the payload out (see EnvelopeView for how long it lives).
    [[nodiscard]] Result<std::optional<EnvelopeView>> nextView();

    // Bytes of an envelope that has not arrived whole. At the end of the body this means the
    // stream was cut.
    bool hasPartial() const { return m_buffer.size() > m_offset; }

private:
    // Drops the envelopes already handed out; called before new bytes arrive, so views stay
    // valid until then and only the unread tail (at most one partial envelope) is moved.
    void compact();

    QByteArray m_buffer;
    qsizetype m_offset = 0;  // where the next envelope starts in m_buffer
    qsizetype m_maxPayload;
};

// The outcome the end-of-stream envelope reports: success, or the Connect error it carries,
// mapped to the Error vocabulary. A payload that is not the documented JSON is an error too.
[[nodiscard]] Result<void> endOfStreamOutcome(QByteArrayView payload);

// A Connect error (`{"code":"not_found","message":…}`, as unary calls return it with a non-200
// status and the end-of-stream envelope carries it) as an Error. `what` names the call for the
// message ("Running the command").
[[nodiscard]] Error errorFromConnect(QStringView code, const QString &message, const QString &what);

} // namespace squad::connect
