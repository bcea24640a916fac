// SPDX-License-Identifier: MIT
#include "redaction.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace squad {

template<class Replacement>
static QString replaceMatches(const QString &text, const QRegularExpression &re,
                              Replacement replacement)
{
    QString out;
    qsizetype last = 0;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += replacement(m);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QString redactSecrets(const QString &text)
{
    static const QRegularExpression urlCredentials(
        uR"(([a-zA-Z][a-zA-Z0-9+.-]*://)([^/\s:@]+):([^/\s@]+)@)"_s);
    static const QRegularExpression urlToken(
        uR"(([a-zA-Z][a-zA-Z0-9+.-]*://)((?:gh[pousr]_|github_pat_|e2b_)[^/\s@]+)@)"_s);
    static const QRegularExpression header(
        uR"(((?:authorization|proxy-authorization|x-api-key|x-access-token)\s*[:=]\s*)(?:(bearer|basic|token)\s+)?([^\s,;"']+))"_s,
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tokens(
        uR"(\b(gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,}|e2b_[A-Za-z0-9]{8,}|sk_e2b_[A-Za-z0-9]{8,}))"_s);

    // A JSON Web Token (a GitHub App's, signed with its private key) and a PEM private key.
    static const QRegularExpression jwt(
        uR"(\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"_s);
    static const QRegularExpression pem(
        uR"(-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$))"_s);

    QString out = text;
    out.replace(pem, u"-----BEGIN \\1PRIVATE KEY----- *** -----END \\1PRIVATE KEY-----"_s);
    out.replace(jwt, u"***"_s);
    out.replace(urlCredentials, u"\\1\\2:***@"_s);
    out.replace(urlToken, u"\\1***@"_s);
    out = replaceMatches(out, header, [](const QRegularExpressionMatch &m) -> QString {
        const QString scheme = m.captured(2);
        return m.captured(1) + (scheme.isEmpty() ? QString() : scheme + u' ') + u"***"_s;
    });
    out.replace(tokens, u"***"_s);
    return out;
}

QString redactUrl(const QString &url)
{
    return redactSecrets(url);
}

} // namespace squad
