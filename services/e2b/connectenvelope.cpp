// SPDX-License-Identifier: MIT
#include "connectenvelope.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

using namespace Qt::StringLiterals;

namespace squad::connect {

QByteArray encodeEnvelope(QByteArrayView payload, quint8 flags)
{
    QByteArray envelope(EnvelopeHeaderSize + payload.size(), Qt::Uninitialized);
    envelope[0] = char(flags);
    qToBigEndian(quint32(payload.size()), envelope.data() + 1);
    std::copy(payload.begin(), payload.end(), envelope.begin() + EnvelopeHeaderSize);
    return envelope;
}

void EnvelopeReader::compact()
{
    if (m_offset == 0)
        return;
    if (m_offset == m_buffer.size())
        m_buffer.truncate(0);  // keeps the allocation for the next read
    else
        m_buffer.remove(0, m_offset);  // Qt 6 moves the start, not the bytes
    m_offset = 0;
}

void EnvelopeReader::feed(QByteArrayView bytes)
{
    compact();
    m_buffer.append(bytes);
}

qint64 EnvelopeReader::readFrom(QIODevice &device)
{
    compact();
    const qint64 available = device.bytesAvailable();
    if (available <= 0)
        return 0;
    const qsizetype had = m_buffer.size();
    m_buffer.resize(had + available);
    const qint64 got = device.read(m_buffer.data() + had, available);
    m_buffer.resize(had + std::max<qint64>(got, 0));
    return got;
}

Result<std::optional<EnvelopeView>> EnvelopeReader::nextView()
{
    const qsizetype available = m_buffer.size() - m_offset;
    if (available < EnvelopeHeaderSize)
        return std::optional<EnvelopeView>();
    const char *header = m_buffer.constData() + m_offset;
    const auto flags = quint8(header[0]);
    const auto length = qsizetype(qFromBigEndian<quint32>(header + 1));
    if (flags & CompressedFlag) {
        return fail(ErrorCode::Provider,
                    u"The sandbox sent a compressed stream, which the console did not ask for."_s);
    }
    if (length > m_maxPayload) {
        return fail(ErrorCode::Provider,
                    u"The sandbox sent a stream frame of %1 bytes, more than the %2 allowed; "
                    "the stream is corrupt."_s.arg(length).arg(m_maxPayload));
    }
    if (available < EnvelopeHeaderSize + length)
        return std::optional<EnvelopeView>();
    m_offset += EnvelopeHeaderSize + length;
    return std::optional<EnvelopeView>(EnvelopeView{flags, QByteArrayView(header + EnvelopeHeaderSize, length)});
}

Result<std::optional<Envelope>> EnvelopeReader::next()
{
    auto view = nextView();
    if (!view)
        return tl::unexpected(view.error());
    if (!*view)
        return std::optional<Envelope>();
    return std::optional<Envelope>(Envelope{(*view)->flags, (*view)->payload.toByteArray()});
}

Result<void> endOfStreamOutcome(QByteArrayView payload)
{
    if (payload.trimmed().isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(payload.toByteArray(), &parseError);
    if (!document.isObject()) {
        return fail(ErrorCode::Provider,
                    u"The sandbox ended the stream with an unreadable status."_s,
                    parseError.errorString());
    }
    const QJsonValue error = document.object().value("error"_L1);
    if (error.isUndefined() || error.isNull())
        return {};
    const QJsonObject fields = error.toObject();
    return tl::unexpected(errorFromConnect(fields.value("code"_L1).toString(),
                                           fields.value("message"_L1).toString(),
                                           u"The call in the sandbox"_s));
}

Error errorFromConnect(QStringView code, const QString &message, const QString &what)
{
    const QString said = message.isEmpty() ? code.toString() : message;
    const auto error = [&](ErrorCode kind, const QString &text) {
        return Error(kind, text, u"%1: %2"_s.arg(code, said));
    };
    if (code == u"not_found")
        return error(ErrorCode::NotFound, u"%1 failed: not found (%2)."_s.arg(what, said));
    if (code == u"invalid_argument" || code == u"out_of_range")
        return error(ErrorCode::InvalidArgument, u"%1 was refused: %2."_s.arg(what, said));
    if (code == u"unauthenticated") {
        return error(ErrorCode::Unauthenticated,
                     u"%1 was refused: the sandbox's access token was not accepted (%2)."_s.arg(
                         what, said));
    }
    if (code == u"permission_denied")
        return error(ErrorCode::PermissionDenied, u"%1 was refused: %2."_s.arg(what, said));
    if (code == u"already_exists" || code == u"aborted" || code == u"failed_precondition")
        return error(ErrorCode::Conflict, u"%1 failed: %2."_s.arg(what, said));
    if (code == u"resource_exhausted") {
        return error(ErrorCode::RateLimited,
                     u"%1 was turned away for now (%2); try again shortly."_s.arg(what, said));
    }
    if (code == u"deadline_exceeded")
        return error(ErrorCode::Timeout, u"%1 ran out of time (%2)."_s.arg(what, said));
    if (code == u"canceled")
        return error(ErrorCode::Cancelled, u"%1 was cancelled."_s.arg(what));
    if (code == u"unavailable")
        return error(ErrorCode::Unavailable, u"%1 failed: the sandbox is unavailable (%2)."_s.arg(what, said));
    return error(ErrorCode::Provider, u"%1 failed: %2."_s.arg(what, said));
}

} // namespace squad::connect
