// SPDX-License-Identifier: MIT
#include "fakegithub.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrl>

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace squad::test {

namespace {

const QString RestDocs = u"https://docs.github.com/rest"_s;
const QString RateLimitDocs = u"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"_s;
const QString SecondaryDocs =
    u"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"_s;
const QString RepoDocs = u"https://docs.github.com/rest/repos/repos#get-a-repository"_s;
const QString CreatePullDocs = u"https://docs.github.com/rest/pulls/pulls#create-a-pull-request"_s;
const QString ListPullsDocs = u"https://docs.github.com/rest/pulls/pulls#list-pull-requests"_s;
const QString GetPullDocs = u"https://docs.github.com/rest/pulls/pulls#get-a-pull-request"_s;
const QString RequestReviewersDocs =
    u"https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request"_s;
const QString ListRequestedDocs =
    u"https://docs.github.com/rest/pulls/review-requests#get-all-requested-reviewers-for-a-pull-request"_s;
const QString RemoveReviewersDocs =
    u"https://docs.github.com/rest/pulls/review-requests#remove-requested-reviewers-from-a-pull-request"_s;
const QString ReviewsDocs = u"https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request"_s;
const QString AddLabelsDocs = u"https://docs.github.com/rest/issues/labels#add-labels-to-an-issue"_s;
const QString SetLabelsDocs = u"https://docs.github.com/rest/issues/labels#set-labels-for-an-issue"_s;
const QString ListLabelsDocs = u"https://docs.github.com/rest/issues/labels#list-labels-for-an-issue"_s;
const QString RemoveLabelDocs = u"https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue"_s;
const QString StatusDocs =
    u"https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference"_s;
const QString CheckRunsDocs = u"https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference"_s;
const QString UserDocs = u"https://docs.github.com/rest/users/users#get-the-authenticated-user"_s;
const QString RateLimitStatusDocs =
    u"https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user"_s;
const QString AccessTokenDocs =
    u"https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"_s;
const QString InstallationReposDocs =
    u"https://docs.github.com/rest/apps/installations#list-repositories-accessible-to-the-app-installation"_s;
const QString AppDocs = u"https://docs.github.com/rest/apps/apps#get-the-authenticated-app"_s;
const QString InstallationsDocs =
    u"https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app"_s;
const QString InstallationDocs =
    u"https://docs.github.com/rest/apps/apps#get-an-installation-for-the-authenticated-app"_s;
const QString RepoInstallationDocs =
    u"https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app"_s;
const QString OrgInstallationDocs =
    u"https://docs.github.com/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app"_s;
const QString UserInstallationDocs =
    u"https://docs.github.com/rest/apps/apps#get-a-user-installation-for-the-authenticated-app"_s;

HttpResponse jsonResponse(int status, const QJsonValue &value)
{
    HttpResponse response;
    response.status = status;
    response.body = value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                    : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    response.headers.append({"Content-Type"_ba, "application/json; charset=utf-8"_ba});
    return response;
}

HttpResponse error(int status, const QString &message, const QString &docs)
{
    return jsonResponse(status, QJsonObject{{u"message"_s, message}, {u"documentation_url"_s, docs}});
}

// "Validation Failed" with its errors list, GitHub's answer to a well-formed request it refuses.
HttpResponse validationFailed(const QJsonArray &errors, const QString &docs)
{
    return jsonResponse(422, QJsonObject{{u"message"_s, u"Validation Failed"_s},
                                         {u"errors"_s, errors},
                                         {u"documentation_url"_s, docs}});
}

QJsonValue iso(const QDateTime &when)
{
    if (!when.isValid())
        return QJsonValue::Null;
    return when.toUTC().toString(Qt::ISODate);  // "2026-11-27T06:00:00Z", as GitHub writes them
}

QJsonValue nullable(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QString lower(const QString &text)
{
    return text.toLower();
}

QString randomAlnum(int length)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    out.reserve(length);
    for (int i = 0; i < length; ++i)
        out.append(QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)]));
    return out;
}

QStringList decodedSegments(const QByteArray &path)
{
    QStringList segments;
    for (const QByteArray &piece : path.split('/'))
        segments.append(QUrl::fromPercentEncoding(piece));
    return segments;
}

QByteArray encodedPath(const QStringList &segments)
{
    QList<QByteArray> pieces;
    for (const QString &segment : segments)
        pieces.append(QUrl::toPercentEncoding(segment));
    return pieces.join('/');
}

// The server's own pattern language: "{x}" is one non-empty segment, a last "{x*}" the rest.
bool matchSegments(const QStringList &pattern, const QStringList &segments, QHash<QString, QString> *params)
{
    QHash<QString, QString> captured;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &piece = pattern[i];
        const bool capture = piece.size() > 2 && piece.startsWith(u'{') && piece.endsWith(u'}');
        if (capture && piece.endsWith(u"*}")) {
            if (i != pattern.size() - 1 || i >= segments.size())
                return false;
            captured.insert(piece.mid(1, piece.size() - 3), segments.mid(i).join(u'/'));
            if (params)
                *params = captured;
            return true;
        }
        if (i >= segments.size())
            return false;
        if (capture) {
            if (segments[i].isEmpty())
                return false;
            captured.insert(piece.mid(1, piece.size() - 2), segments[i]);
        } else if (segments[i] != piece) {
            return false;
        }
    }
    if (segments.size() != pattern.size())
        return false;
    if (params)
        *params = captured;
    return true;
}

// How GitHub's schema validator prints the offending value in "Invalid request" messages.
QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

HttpResponse invalidRequest(const QString &detail, const QString &docs)
{
    return error(422, u"Invalid request.\n\n"_s + detail, docs);
}

// The body as a JSON object, or GitHub's 400 for a body it cannot read.
std::optional<HttpResponse> parseObject(const QByteArray &body, QJsonObject &out, const QString &docs)
{
    if (body.trimmed().isEmpty()) {
        out = {};
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return error(400, u"Problems parsing JSON"_s, docs);
    if (!document.isObject())
        return error(400, u"Body should be a JSON object"_s, docs);
    out = document.object();
    return std::nullopt;
}

// Type checks GitHub's request schema makes before any business rule.
std::optional<HttpResponse> checkType(const QJsonObject &body, const QString &field, QJsonValue::Type type,
                                      const QString &docs, bool nullAllowed = false)
{
    if (!body.contains(field))
        return std::nullopt;
    const QJsonValue value = body.value(field);
    if (value.type() == type || (nullAllowed && value.isNull()))
        return std::nullopt;
    const QString name = type == QJsonValue::String ? u"string"_s
        : type == QJsonValue::Bool                  ? u"boolean"_s
        : type == QJsonValue::Array                 ? u"array"_s
        : type == QJsonValue::Object                ? u"object"_s
                                                    : u"integer"_s;
    return invalidRequest(u"For 'properties/%1', %2 is not %3 %4."_s.arg(
                              field, jsonText(value), name.startsWith(u'a') || name.startsWith(u'i') || name.startsWith(u'o') ? u"an"_s : u"a"_s, name),
                          docs);
}

bool isHex40(const QString &text)
{
    if (text.size() != 40)
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
    });
}

QByteArray bioText(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, size);
}

} // namespace

RsaKeyPair generateRsaKeyPair(int bits)
{
    RsaKeyPair pair;
    EVP_PKEY *key = EVP_RSA_gen(static_cast<unsigned int>(bits));
    if (!key)
        return pair;
    BIO *privateBio = BIO_new(BIO_s_mem());
    BIO *publicBio = BIO_new(BIO_s_mem());
    // The "traditional" writer gives PKCS#1, the "BEGIN RSA PRIVATE KEY" file GitHub lets an
    // App owner download, so a client's key loading is tested on the format it will meet.
    if (PEM_write_bio_PrivateKey_traditional(privateBio, key, nullptr, nullptr, 0, nullptr, nullptr) == 1)
        pair.privatePem = bioText(privateBio);
    if (PEM_write_bio_PUBKEY(publicBio, key) == 1)
        pair.publicPem = bioText(publicBio);
    BIO_free(privateBio);
    BIO_free(publicBio);
    EVP_PKEY_free(key);
    return pair;
}

struct FakeGitHub::Call
{
    const HttpRequest &request;
    QHash<QString, QString> params;
    QStringList segments;  // decoded, after the prefix, /repositories/{id} already rewritten
    QByteArray requestId;
    Token *token = nullptr;  // the caller's bucket: a token, m_anonymous or m_appCaller
    bool anonymous = false;
    FakeRepo *repo = nullptr;
    Access access = Access::None;
    const Endpoint *endpoint = nullptr;
};

FakeGitHub::FakeGitHub(LoopbackHttpServer &server, QString pathPrefix)
    : m_server(server)
{
    m_clock.start();
    QString prefix = pathPrefix.trimmed();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    if (!prefix.isEmpty() && !prefix.startsWith(u'/'))
        prefix.prepend(u'/');
    m_prefix = prefix;

    const QDateTime hourAhead = QDateTime::currentDateTimeUtc().addSecs(3600);
    m_anonymous.limit = m_anonymous.remaining = 60;
    m_anonymous.resetAt = hourAhead;
    m_appCaller.resetAt = hourAhead;

    addEndpoints();
    // One route takes everything under the prefix: the checks GitHub makes on every request
    // (User-Agent, version, token, limits, conditional GETs) live in one place that way, and
    // a test can still override a single path with its own server.route() afterwards.
    server.route("*", m_prefix + u"/{rest*}"_s,
                 LoopbackHttpServer::Handler([this](const HttpRequest &request, HttpResponder responder) {
                     handle(request, std::move(responder));
                 }));
}

QString FakeGitHub::apiUrl() const
{
    QString url = m_server.url().toString();
    while (url.endsWith(u'/'))
        url.chop(1);
    return url + m_prefix;
}

// ---- test-side API ------------------------------------------------------------------------

void FakeGitHub::addToken(const QString &token, const QString &login, std::optional<QStringList> classicScopes,
                          const QDateTime &expiresAt)
{
    Token &entry = m_tokens[token];
    entry = Token{};
    entry.token = token;
    entry.login = login;
    entry.scopes = std::move(classicScopes);
    entry.expiresAt = expiresAt;
    entry.resetAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    userId(login);
}

void FakeGitHub::grant(const QString &token, const QString &fullName, const QString &access)
{
    if (!m_tokens.contains(token))
        return;
    const Access level = access == u"admin" ? Access::Admin
        : access == u"write"               ? Access::Write
        : access == u"read"                ? Access::Read
                                           : Access::None;
    m_tokens[token].grants.insert(lower(fullName), level);
}

void FakeGitHub::revokeToken(const QString &token)
{
    if (m_tokens.contains(token))
        m_tokens[token].revoked = true;
}

void FakeGitHub::setRateLimit(const QString &token, int remaining, int resetInSeconds, int limit)
{
    if (!m_tokens.contains(token))
        return;
    Token &entry = m_tokens[token];
    entry.limit = limit;
    entry.remaining = std::clamp(remaining, 0, limit);
    entry.resetAt = QDateTime::currentDateTimeUtc().addSecs(resetInSeconds);
}

int FakeGitHub::rateLimitRemaining(const QString &token) const
{
    const auto it = m_tokens.constFind(token);
    if (it == m_tokens.cend())
        return -1;
    return QDateTime::currentDateTimeUtc() >= it->resetAt ? it->limit : it->remaining;
}

void FakeGitHub::injectSecondaryLimit(int count, std::optional<int> retryAfterSeconds, int status)
{
    m_secondaryCount = count;
    m_secondaryRetryAfter = retryAfterSeconds;
    m_secondaryStatus = status;
}

void FakeGitHub::failNext(const QByteArray &method, const QString &pathPattern, const HttpResponse &response,
                          int times)
{
    m_injections.append(Injection{method, pathPattern.split(u'/'), response, times});
}

FakeRepo &FakeGitHub::addRepo(const QString &owner, const QString &name, const QString &defaultBranch,
                              bool isPrivate)
{
    FakeRepo &repo = m_repos[lower(owner + u'/' + name)];
    repo = FakeRepo{};
    repo.id = nextId();
    repo.owner = owner;
    repo.name = name;
    repo.defaultBranch = defaultBranch;
    repo.isPrivate = isPrivate;
    repo.branches.insert(defaultBranch, FakeBranch{randomSha(), 0});
    userId(owner);
    return repo;
}

FakeRepo *FakeGitHub::repo(const QString &fullName)
{
    const auto it = m_repos.find(lower(fullName));
    return it == m_repos.end() ? nullptr : &it.value();
}

QString FakeGitHub::addBranch(const QString &fullName, const QString &branch, int aheadCommits)
{
    FakeRepo *target = repo(fullName);
    if (!target)
        return {};
    const QString sha = randomSha();
    target->branches.insert(branch, FakeBranch{sha, aheadCommits});
    return sha;
}

FakePull *FakeGitHub::pull(const QString &fullName, int number)
{
    FakeRepo *target = repo(fullName);
    return target ? target->pull(number) : nullptr;
}

void FakeGitHub::touch(FakePull &pull)
{
    // GitHub's timestamps have whole seconds; a change within the same second as the last one
    // still moves updated_at, so a client comparing it sees every change.
    QDateTime now = QDateTime::currentDateTimeUtc();
    now.setTime(QTime(now.time().hour(), now.time().minute(), now.time().second()));
    pull.updatedAt = std::max(now, pull.updatedAt.isValid() ? pull.updatedAt.addSecs(1) : now);
}

void FakeGitHub::merge(const QString &fullName, int number)
{
    if (FakePull *target = pull(fullName, number)) {
        touch(*target);
        target->state = u"closed"_s;
        target->merged = true;
        target->mergedAt = target->closedAt = target->updatedAt;
        target->mergeCommitSha = randomSha();
    }
}

void FakeGitHub::close(const QString &fullName, int number)
{
    if (FakePull *target = pull(fullName, number)) {
        touch(*target);
        target->state = u"closed"_s;
        target->closedAt = target->updatedAt;
    }
}

void FakeGitHub::reopen(const QString &fullName, int number)
{
    if (FakePull *target = pull(fullName, number); target && !target->merged) {
        touch(*target);
        target->state = u"open"_s;
        target->closedAt = {};
    }
}

void FakeGitHub::setDraft(const QString &fullName, int number, bool draft)
{
    if (FakePull *target = pull(fullName, number)) {
        touch(*target);
        target->draft = draft;
    }
}

QString FakeGitHub::pushToHead(const QString &fullName, int number)
{
    FakePull *target = pull(fullName, number);
    if (!target)
        return {};
    touch(*target);
    target->headSha = randomSha();
    target->commits += 1;
    if (FakeRepo *head = repo(target->headRepo); head && head->branches.contains(target->headRef)) {
        FakeBranch &branch = head->branches[target->headRef];
        branch.sha = target->headSha;
        branch.commitsAheadOfDefault += 1;
    }
    return target->headSha;
}

qint64 FakeGitHub::addReview(const QString &fullName, int number, const QString &login, const QString &state,
                             const QString &body)
{
    FakePull *target = pull(fullName, number);
    if (!target)
        return 0;
    FakeReview review;
    review.id = nextId();
    review.login = login;
    review.state = state;
    review.body = body;
    review.commitId = target->headSha;
    review.submittedAt = QDateTime::currentDateTimeUtc();
    target->reviews.append(review);
    // Submitting a review answers the request: GitHub drops the reviewer from the pending list.
    target->requestedReviewers.removeIf([&](const QString &requested) {
        return requested.compare(login, Qt::CaseInsensitive) == 0;
    });
    touch(*target);
    userId(login);
    return review.id;
}

void FakeGitHub::setStatus(const QString &fullName, const QString &sha, const QString &context,
                           const QString &state, const QString &description, const QString &targetUrl)
{
    FakeRepo *target = repo(fullName);
    if (!target)
        return;
    FakeStatus status;
    status.id = nextId();
    status.context = context;
    status.state = state;
    status.description = description;
    status.targetUrl = targetUrl;
    status.createdAt = status.updatedAt = QDateTime::currentDateTimeUtc();
    target->statuses[sha].append(status);
}

qint64 FakeGitHub::addCheckRun(const QString &fullName, const QString &sha, const QString &name,
                               const QString &status, const QString &conclusion)
{
    FakeRepo *target = repo(fullName);
    if (!target)
        return 0;
    FakeCheckRun run;
    run.id = nextId();
    run.name = name;
    run.headSha = sha;
    run.status = status;
    run.conclusion = conclusion;
    run.startedAt = QDateTime::currentDateTimeUtc();
    if (status == u"completed")
        run.completedAt = run.startedAt;
    target->checkRuns[sha].append(run);
    return run.id;
}

void FakeGitHub::setApp(const QString &clientId, const QByteArray &publicKeyPem, const QString &installationId,
                        const QString &accountLogin, const QJsonObject &permissions)
{
    m_app.id = m_app.id ? m_app.id : nextId();
    m_app.clientId = clientId;
    m_app.publicKeyPem = publicKeyPem;
    m_app.installationId = installationId;
    m_app.accountLogin = accountLogin;
    m_app.permissions = permissions;
    m_hasApp = true;
    userId(accountLogin);
}

void FakeGitHub::expireInstallationTokens()
{
    for (Token &token : m_tokens) {
        if (token.installation)
            token.revoked = true;
    }
}

// ---- helpers -----------------------------------------------------------------------------

qint64 FakeGitHub::userId(const QString &login)
{
    const QString key = lower(login);
    if (!m_userIds.contains(key))
        m_userIds.insert(key, m_userIds.size() + 1);  // the first login seen is user ID 1
    return m_userIds.value(key);
}

QString FakeGitHub::randomSha()
{
    QByteArray bytes(20, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(bytes.toHex());
}

FakeRepo *FakeGitHub::findRepo(const QString &owner, const QString &name)
{
    return repo(owner + u'/' + name);
}

FakeRepo *FakeGitHub::repoById(qint64 id)
{
    for (FakeRepo &candidate : m_repos) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

FakePull *FakeGitHub::pullOf(FakeRepo &repo, const QString &number)
{
    bool ok = false;
    const int value = number.toInt(&ok);
    return ok ? repo.pull(value) : nullptr;
}

// A branch name or a full sha this repository knows; empty when it is neither.
QString FakeGitHub::resolveRef(FakeRepo &repo, const QString &ref) const
{
    QString name = ref;
    if (name.startsWith(u"refs/heads/"))
        name = name.mid(11);
    else if (name.startsWith(u"heads/"))
        name = name.mid(6);
    if (repo.branches.contains(name))
        return repo.branches.value(name).sha;
    // Any full sha is taken as a commit: the fake has no object store to say otherwise.
    if (isHex40(ref.toLower()))
        return ref.toLower();
    return {};
}

FakeGitHub::Access FakeGitHub::accessFor(const Token *token, const FakeRepo &repo) const
{
    Access level = Access::None;
    if (token && token->installation) {
        if (!token->installationRepos || token->installationRepos->contains(lower(repo.fullName())))
            level = Access::Write;
    } else if (token) {
        if (token->scopes) {
            if (token->scopes->contains(u"repo"_s))
                level = token->login.compare(repo.owner, Qt::CaseInsensitive) == 0 ? Access::Admin : Access::Write;
            else if (token->scopes->contains(u"public_repo"_s) && !repo.isPrivate)
                level = Access::Write;
        }
        level = std::max(level, token->grants.value(lower(repo.fullName()), Access::None));
    }
    if (!repo.isPrivate)
        level = std::max(level, Access::Read);
    return level;
}

QJsonObject FakeGitHub::userObject(const QString &login, const QString &type)
{
    const qint64 id = userId(login);
    return {{u"login"_s, login},
            {u"id"_s, id},
            {u"node_id"_s, QString(u"U_kgDO"_s + QString::fromLatin1(QByteArray::number(id).toBase64()))},
            {u"avatar_url"_s, u"https://avatars.githubusercontent.com/u/%1?v=4"_s.arg(id)},
            {u"url"_s, QString(apiUrl() + u"/users/"_s + login)},
            {u"html_url"_s, u"https://%1/%2"_s.arg(webHost(), login)},
            {u"type"_s, type},
            {u"site_admin"_s, false}};
}

QJsonObject FakeGitHub::repoObject(const FakeRepo &repo, std::optional<Access> permissions)
{
    QJsonObject object{
        {u"id"_s, repo.id},
        {u"node_id"_s, QString(u"R_kgDO"_s + QString::fromLatin1(QByteArray::number(repo.id).toBase64()))},
        {u"name"_s, repo.name},
        {u"full_name"_s, repo.fullName()},
        {u"owner"_s, userObject(repo.owner, repo.ownerType)},
        {u"private"_s, repo.isPrivate},
        {u"html_url"_s, u"https://%1/%2"_s.arg(webHost(), repo.fullName())},
        {u"description"_s, QJsonValue::Null},
        {u"fork"_s, false},
        {u"url"_s, QString(apiUrl() + u"/repos/"_s + repo.fullName())},
        {u"clone_url"_s, u"https://%1/%2.git"_s.arg(webHost(), repo.fullName())},
        {u"visibility"_s, repo.isPrivate ? u"private"_s : u"public"_s},
        {u"default_branch"_s, repo.defaultBranch},
        {u"archived"_s, false},
        {u"disabled"_s, false}};
    if (permissions) {
        const Access level = *permissions;
        object.insert(u"permissions"_s, QJsonObject{{u"admin"_s, level >= Access::Admin},
                                                    {u"maintain"_s, level >= Access::Admin},
                                                    {u"push"_s, level >= Access::Write},
                                                    {u"triage"_s, level >= Access::Write},
                                                    {u"pull"_s, level >= Access::Read}});
    }
    return object;
}

QJsonObject FakeGitHub::labelObject(const FakeRepo &repo, const FakeLabel &label) const
{
    return {{u"id"_s, label.id},
            {u"node_id"_s, QString(u"LA_kwDO"_s + QString::fromLatin1(QByteArray::number(label.id).toBase64()))},
            {u"url"_s, QString(apiUrl() + u"/repos/%1/labels/%2"_s.arg(repo.fullName(),
                                                                QString::fromLatin1(QUrl::toPercentEncoding(label.name))))},
            {u"name"_s, label.name},
            {u"color"_s, label.color},
            {u"default"_s, label.isDefault},
            {u"description"_s, label.description ? QJsonValue(*label.description) : QJsonValue(QJsonValue::Null)}};
}

QJsonObject FakeGitHub::pullObject(const FakeRepo &repo, const FakePull &pull, bool full, bool justCreated)
{
    const QString base = apiUrl() + u"/repos/"_s + repo.fullName();
    const QString url = base + u"/pulls/%1"_s.arg(pull.number);
    const QString html = u"https://%1/%2/pull/%3"_s.arg(webHost(), repo.fullName()).arg(pull.number);
    const FakeRepo *headRepo = this->repo(pull.headRepo);

    QJsonArray labels;
    for (const QString &name : pull.labels) {
        if (repo.labels.contains(lower(name)))
            labels.append(labelObject(repo, repo.labels.value(lower(name))));
    }
    QJsonArray reviewers;
    for (const QString &login : pull.requestedReviewers)
        reviewers.append(userObject(login));
    QJsonArray teams;
    for (const QString &slug : pull.requestedTeams) {
        teams.append(QJsonObject{{u"id"_s, userId(u"team:"_s + repo.owner + u'/' + slug)},
                                 {u"slug"_s, slug},
                                 {u"name"_s, slug},
                                 {u"privacy"_s, u"closed"_s},
                                 {u"permission"_s, u"pull"_s}});
    }
    const QString authorType = pull.author.endsWith(u"[bot]") ? u"Bot"_s : u"User"_s;
    const QString association = pull.author.compare(repo.owner, Qt::CaseInsensitive) == 0 ? u"OWNER"_s
        : repo.collaborators.contains(pull.author, Qt::CaseInsensitive)                    ? u"COLLABORATOR"_s
                                                                                             : u"CONTRIBUTOR"_s;
    QJsonObject head{{u"label"_s, QString(pull.headOwner + u':' + pull.headRef)},
                     {u"ref"_s, pull.headRef},
                     {u"sha"_s, pull.headSha},
                     {u"user"_s, userObject(pull.headOwner, headRepo ? headRepo->ownerType : u"User"_s)},
                     {u"repo"_s, headRepo ? QJsonValue(repoObject(*headRepo)) : QJsonValue(QJsonValue::Null)}};
    const QString baseSha = repo.branches.contains(pull.baseRef) ? repo.branches.value(pull.baseRef).sha : pull.baseSha;
    QJsonObject baseRef{{u"label"_s, QString(repo.owner + u':' + pull.baseRef)},
                        {u"ref"_s, pull.baseRef},
                        {u"sha"_s, baseSha},
                        {u"user"_s, userObject(repo.owner, repo.ownerType)},
                        {u"repo"_s, repoObject(repo)}};

    QJsonObject object{
        {u"url"_s, url},
        {u"id"_s, pull.id},
        {u"node_id"_s, QString(u"PR_kwDO"_s + QString::fromLatin1(QByteArray::number(pull.id).toBase64()))},
        {u"html_url"_s, html},
        {u"diff_url"_s, QString(html + u".diff"_s)},
        {u"patch_url"_s, QString(html + u".patch"_s)},
        {u"issue_url"_s, QString(base + u"/issues/%1"_s.arg(pull.number))},
        {u"commits_url"_s, QString(url + u"/commits"_s)},
        {u"review_comments_url"_s, QString(url + u"/comments"_s)},
        {u"comments_url"_s, QString(base + u"/issues/%1/comments"_s.arg(pull.number))},
        {u"statuses_url"_s, QString(base + u"/statuses/"_s + pull.headSha)},
        {u"number"_s, pull.number},
        {u"state"_s, pull.state},
        {u"locked"_s, pull.locked},
        {u"title"_s, pull.title},
        {u"user"_s, userObject(pull.author, authorType)},
        {u"body"_s, pull.body ? QJsonValue(*pull.body) : QJsonValue(QJsonValue::Null)},
        {u"labels"_s, labels},
        {u"milestone"_s, QJsonValue::Null},
        {u"active_lock_reason"_s, QJsonValue::Null},
        {u"created_at"_s, iso(pull.createdAt)},
        {u"updated_at"_s, iso(pull.updatedAt)},
        {u"closed_at"_s, iso(pull.closedAt)},
        {u"merged_at"_s, iso(pull.mergedAt)},
        {u"merge_commit_sha"_s, nullable(pull.mergeCommitSha)},
        {u"assignee"_s, QJsonValue::Null},
        {u"assignees"_s, QJsonArray{}},
        {u"requested_reviewers"_s, reviewers},
        {u"requested_teams"_s, teams},
        {u"head"_s, head},
        {u"base"_s, baseRef},
        {u"author_association"_s, association},
        {u"auto_merge"_s, QJsonValue::Null},
        {u"draft"_s, pull.draft}};
    if (full) {
        // Only "Get" and "Create" answer with the full pull request; the list gives the
        // documented "pull-request-simple", which has none of these.
        QJsonValue mergeable = QJsonValue::Null;
        QString mergeableState = u"unknown"_s;
        if (!justCreated && pull.state == u"open" && pull.mergeable) {
            mergeable = *pull.mergeable;
            mergeableState = pull.draft ? u"draft"_s : *pull.mergeable ? u"clean"_s : u"dirty"_s;
        }
        object.insert(u"merged"_s, pull.merged);
        object.insert(u"mergeable"_s, mergeable);
        object.insert(u"rebaseable"_s, mergeable);
        object.insert(u"mergeable_state"_s, mergeableState);
        object.insert(u"merged_by"_s, pull.merged ? QJsonValue(userObject(repo.owner)) : QJsonValue(QJsonValue::Null));
        object.insert(u"comments"_s, 0);
        object.insert(u"review_comments"_s, 0);
        object.insert(u"maintainer_can_modify"_s, pull.maintainerCanModify);
        object.insert(u"commits"_s, pull.commits);
        object.insert(u"additions"_s, pull.commits * 10);
        object.insert(u"deletions"_s, pull.commits * 2);
        object.insert(u"changed_files"_s, pull.commits);
    }
    return object;
}

QJsonObject FakeGitHub::installationObject()
{
    return {{u"id"_s, m_app.installationId.toLongLong()},
            {u"account"_s, userObject(m_app.accountLogin)},
            {u"app_id"_s, m_app.id},
            {u"client_id"_s, m_app.clientId},
            {u"app_slug"_s, appSlug},
            {u"target_type"_s, u"User"_s},
            {u"repository_selection"_s, u"all"_s},
            {u"permissions"_s, m_app.permissions},
            {u"events"_s, QJsonArray{}},
            {u"access_tokens_url"_s,
             QString(apiUrl() + u"/app/installations/%1/access_tokens"_s.arg(m_app.installationId))}};
}

// One page of `all` by the request's per_page and page, with GitHub's Link header. Links use
// /repositories/{id}/… for repository endpoints, as github.com does: a client has to follow
// them as given rather than rebuild them.
HttpResponse FakeGitHub::paginate(const Call &call, const QJsonArray &all,
                                  const std::function<QJsonValue(const QJsonArray &page)> &wrap)
{
    const QUrlQuery &query = call.request.query;
    bool ok = false;
    int perPage = query.queryItemValue(u"per_page"_s).toInt(&ok);
    if (!ok || perPage < 1)
        perPage = 30;
    perPage = std::min(perPage, 100);
    int page = query.queryItemValue(u"page"_s).toInt(&ok);
    if (!ok || page < 1)
        page = 1;
    const int total = int(all.size());
    const int last = std::max(1, (total + perPage - 1) / perPage);

    QJsonArray slice;
    for (qsizetype i = qsizetype(page - 1) * perPage; i < total && i < qsizetype(page) * perPage; ++i)
        slice.append(all.at(i));
    HttpResponse response = jsonResponse(200, wrap ? wrap(slice) : QJsonValue(slice));

    if (last > 1 || page > 1) {
        QStringList linkSegments = call.segments;
        if (call.repo && linkSegments.size() >= 4 && linkSegments[1] == u"repos")
            linkSegments = QStringList{QString(), u"repositories"_s, QString::number(call.repo->id)} + linkSegments.mid(4);
        QString base = m_server.url().toString();
        while (base.endsWith(u'/'))
            base.chop(1);
        base += m_prefix + QString::fromLatin1(encodedPath(linkSegments));
        const auto link = [&](int target, const char *rel) {
            QUrlQuery rest(query);
            rest.removeAllQueryItems(u"page"_s);
            rest.addQueryItem(u"page"_s, QString::number(target));
            return u"<%1?%2>; rel=\"%3\""_s.arg(base, rest.toString(QUrl::FullyEncoded), QLatin1String(rel));
        };
        QStringList links;
        if (page > 1)
            links << link(page - 1, "prev");
        if (page < last) {
            links << link(page + 1, "next");
            links << link(last, "last");
        }
        if (page > 1)
            links << link(1, "first");
        response.withHeader("Link", links.join(u", "_s).toUtf8());
    }
    return response;
}

// ---- request pipeline --------------------------------------------------------------------

void FakeGitHub::endpoint(const QByteArray &method, const QString &pattern, Endpoint options)
{
    options.method = method;
    options.segments = pattern.split(u'/');
    m_endpoints.append(std::move(options));
}

void FakeGitHub::handle(const HttpRequest &request, HttpResponder responder)
{
    Seen seen;
    seen.method = request.method;
    seen.path = request.path;
    seen.query = request.query;
    seen.atMs = m_clock.elapsed();
    seen.authorization = request.header("Authorization");
    seen.accept = request.header("Accept");
    seen.apiVersion = request.header("X-GitHub-Api-Version");
    seen.userAgent = request.header("User-Agent");
    seen.ifNoneMatch = request.header("If-None-Match");
    seen.body = request.body;
    const HttpResponse response = answer(request, request.path.mid(m_prefix.toUtf8().size()), seen);
    seen.status = response.status;
    m_seen.append(seen);
    responder.send(response);
}

HttpResponse FakeGitHub::answer(const HttpRequest &request, const QByteArray &apiPath, Seen &seen)
{
    ++m_requestSerial;
    auto *random = QRandomGenerator::global();
    const QByteArray requestId = u"%1:%2:%3:%4:%5"_s
                                     .arg(qulonglong(random->bounded(0x10000)), 4, 16, QLatin1Char('0'))
                                     .arg(qulonglong(random->bounded(0x10000)), 4, 16, QLatin1Char('0'))
                                     .arg(qulonglong(random->bounded(0x1000000)), 6, 16, QLatin1Char('0'))
                                     .arg(qulonglong(random->bounded(0x1000000)), 6, 16, QLatin1Char('0'))
                                     .arg(qulonglong(m_requestSerial), 8, 16, QLatin1Char('0'))
                                     .toUpper()
                                     .toLatin1();

    const QStringList sent = decodedSegments(apiPath);
    QStringList segments = sent;
    // github.com answers /repositories/{id}/… like /repos/{owner}/{repo}/… (its Link headers
    // point there).
    if (segments.size() >= 3 && segments[1] == u"repositories") {
        bool ok = false;
        if (FakeRepo *byId = repoById(segments[2].toLongLong(&ok)); ok && byId)
            segments = QStringList{QString(), u"repos"_s, byId->owner, byId->name} + segments.mid(3);
    }
    seen.apiPath = encodedPath(segments);

    const QByteArray authorization = request.header("Authorization").trimmed();
    QString presented;
    if (const qsizetype space = authorization.indexOf(' '); space > 0) {
        const QByteArray scheme = authorization.left(space).toLower();
        const QByteArray credential = authorization.mid(space + 1).trimmed();
        if (scheme == "bearer" || scheme == "token") {
            presented = QString::fromUtf8(credential);
        } else if (scheme == "basic") {
            // git-style basic auth: the token is the password.
            const QByteArray pair = QByteArray::fromBase64(credential);
            presented = QString::fromUtf8(pair.mid(pair.indexOf(':') + 1));
        }
    }

    // The endpoint, if any; paths GitHub does not have still need a token, then get 404.
    const Endpoint *endpoint = nullptr;
    QHash<QString, QString> params;
    for (const Endpoint &candidate : std::as_const(m_endpoints)) {
        if (candidate.method == request.method && matchSegments(candidate.segments, segments, &params)) {
            endpoint = &candidate;
            break;
        }
    }

    Token *bucket = nullptr;
    const auto finish = [&](HttpResponse response) {
        Token *headerBucket = bucket ? bucket : &m_anonymous;
        const auto has = [&](const QByteArray &name) {
            return std::any_of(response.headers.cbegin(), response.headers.cend(),
                               [&](const auto &header) { return header.first.compare(name, Qt::CaseInsensitive) == 0; });
        };
        if (response.status == 304) {
            response.headers.removeIf([](const auto &header) {
                return header.first.compare("Content-Type", Qt::CaseInsensitive) == 0;
            });
        }
        if (!has("X-GitHub-Request-Id"))
            response.withHeader("X-GitHub-Request-Id", requestId);
        const QByteArray version = request.header("X-GitHub-Api-Version");
        response.withHeader("X-GitHub-Api-Version-Selected",
                            supportedApiVersions.contains(QString::fromUtf8(version)) ? version : QByteArray(ApiVersion));
        response.withHeader("X-GitHub-Media-Type", "github.v3; format=json");
        if (!has("x-ratelimit-limit")) {
            response.withHeader("x-ratelimit-limit", QByteArray::number(headerBucket->limit));
            response.withHeader("x-ratelimit-remaining", QByteArray::number(headerBucket->remaining));
            response.withHeader("x-ratelimit-used", QByteArray::number(headerBucket->limit - headerBucket->remaining));
            response.withHeader("x-ratelimit-reset", QByteArray::number(headerBucket->resetAt.toSecsSinceEpoch()));
            response.withHeader("x-ratelimit-resource", "core");
        }
        if (bucket && bucket != &m_anonymous && bucket != &m_appCaller) {
            if (bucket->scopes) {
                response.withHeader("X-OAuth-Scopes", bucket->scopes->join(u", "_s).toUtf8());
                if (endpoint)
                    response.withHeader("X-Accepted-OAuth-Scopes", endpoint->acceptedScopes);
            } else if (endpoint && !endpoint->acceptedPermissions.isEmpty()
                       && !has("X-Accepted-GitHub-Permissions")) {
                response.withHeader("X-Accepted-GitHub-Permissions", endpoint->acceptedPermissions);
            }
            if (!bucket->installation && bucket->expiresAt.isValid()) {
                response.withHeader("github-authentication-token-expiration",
                                    bucket->expiresAt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s).toUtf8());
            }
        }
        return response;
    };
    const auto refresh = [](Token &token) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        if (now >= token.resetAt) {
            token.remaining = token.limit;
            token.resetAt = now.addSecs(3600);
        }
    };

    // Injected failures come first: they stand for whatever GitHub might do.
    for (Injection &injection : m_injections) {
        if (injection.times <= 0)
            continue;
        if (injection.method != "*" && injection.method != request.method)
            continue;
        if (!matchSegments(injection.segments, sent, nullptr) && !matchSegments(injection.segments, segments, nullptr))
            continue;
        --injection.times;
        if (m_tokens.contains(presented))
            bucket = &m_tokens[presented];
        return finish(injection.response);
    }

    if (request.header("User-Agent").trimmed().isEmpty()) {
        return finish(HttpResponse::text(
            403,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header "
            "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).\n"));
    }
    if (request.hasHeader("X-GitHub-Api-Version")) {
        const QString version = QString::fromUtf8(request.header("X-GitHub-Api-Version"));
        if (!supportedApiVersions.contains(version)) {
            return finish(error(400, u"API version '%1' is not supported."_s.arg(version),
                                u"https://docs.github.com/rest/overview/api-versions"_s));
        }
    }

    Call call{request, params, segments, requestId};
    call.endpoint = endpoint;

    // Authentication: the App's JWT on /app endpoints, a token everywhere else.
    if (endpoint && endpoint->jwt) {
        bucket = &m_appCaller;
        refresh(m_appCaller);
        if (std::optional<HttpResponse> refused = checkJwt(request))
            return finish(*refused);
        call.token = &m_appCaller;
    } else if (authorization.isEmpty()) {
        const bool anonymousOk = anonymousReads && request.method == "GET"
            && (!endpoint || endpoint->needsRepo || endpoint->segments.value(1) == u"rate_limit");
        if (!anonymousOk) {
            refresh(m_anonymous);
            m_anonymous.remaining = std::max(0, m_anonymous.remaining - 1);
            return finish(error(401, u"Requires authentication"_s, RestDocs));
        }
        bucket = &m_anonymous;
        call.token = &m_anonymous;
        call.anonymous = true;
    } else {
        const auto it = m_tokens.find(presented);
        const bool valid = it != m_tokens.end() && !it->revoked
            && (!it->expiresAt.isValid() || QDateTime::currentDateTimeUtc() < it->expiresAt);
        if (!valid) {
            refresh(m_anonymous);
            m_anonymous.remaining = std::max(0, m_anonymous.remaining - 1);
            return finish(error(401, u"Bad credentials"_s, RestDocs));
        }
        bucket = &it.value();
        call.token = bucket;
    }

    if (m_secondaryCount > 0) {
        --m_secondaryCount;
        HttpResponse refused = error(
            m_secondaryStatus,
            u"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
            "If you reach out to GitHub Support for help, please include the request ID %1."_s.arg(QString::fromLatin1(requestId)),
            SecondaryDocs);
        if (m_secondaryRetryAfter)
            refused.withHeader("retry-after", QByteArray::number(*m_secondaryRetryAfter));
        return finish(refused);
    }

    const bool counts = !endpoint || endpoint->counts;
    refresh(*bucket);
    if (counts && bucket->remaining <= 0) {
        const QString who = bucket->installation ? u"installation ID %1"_s.arg(m_app.installationId)
            : call.anonymous                      ? u"127.0.0.1"_s
                                                  : u"user ID %1"_s.arg(userId(bucket->login));
        return finish(error(
            403,
            u"API rate limit exceeded for %1. If you reach out to GitHub Support for help, please include the "
            "request ID %2 and timestamp %3."_s.arg(who, QString::fromLatin1(requestId),
                                                     QDateTime::currentDateTimeUtc().toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s)),
            RateLimitDocs));
    }

    HttpResponse response;
    if (!endpoint) {
        response = error(404, u"Not Found"_s, RestDocs);
    } else if (endpoint->needsRepo) {
        FakeRepo *target = findRepo(params.value(u"owner"_s), params.value(u"repo"_s));
        const Access level = target ? accessFor(call.anonymous || endpoint->jwt ? nullptr : call.token, *target)
                                    : Access::None;
        if (!target || level == Access::None) {
            // GitHub does not reveal that a private repository exists to someone who cannot see it.
            response = error(404, u"Not Found"_s, endpoint->docs);
        } else if (endpoint->write && level < Access::Write) {
            response = error(403,
                             call.token->installation ? u"Resource not accessible by integration"_s
                                                      : u"Resource not accessible by personal access token"_s,
                             endpoint->docs);
            if (!endpoint->acceptedPermissions.isEmpty())
                response.withHeader("X-Accepted-GitHub-Permissions", endpoint->acceptedPermissions);
        } else {
            call.repo = target;
            call.access = level;
            response = endpoint->handler(call);
        }
    } else {
        response = endpoint->handler(call);
    }

    // Conditional requests: a GET whose answer has not changed costs nothing.
    if (request.method == "GET" && response.status == 200) {
        const QByteArray etag = "W/\"" + QCryptographicHash::hash(response.body, QCryptographicHash::Sha1).toHex() + '"';
        response.withHeader("ETag", etag);
        response.withHeader("Cache-Control", "private, max-age=60, s-maxage=60");
        response.withHeader("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP");
        const auto bare = [](QByteArray tag) {
            tag = tag.trimmed();
            return tag.startsWith("W/") ? tag.mid(2) : tag;
        };
        const QList<QByteArray> candidates = request.header("If-None-Match").split(',');
        const bool matches = std::any_of(candidates.cbegin(), candidates.cend(), [&](const QByteArray &candidate) {
            return candidate.trimmed() == "*" || (!candidate.trimmed().isEmpty() && bare(candidate) == bare(etag));
        });
        if (matches) {
            HttpResponse notModified = HttpResponse::empty(304);
            for (const auto &header : std::as_const(response.headers)) {
                if (header.first != "Content-Type")
                    notModified.headers.append(header);
            }
            return finish(notModified);
        }
    }
    if (counts)
        bucket->remaining = std::max(0, bucket->remaining - 1);
    return finish(response);
}

std::optional<HttpResponse> FakeGitHub::checkJwt(const HttpRequest &request)
{
    const QString undecodable = u"A JSON web token could not be decoded"_s;
    const QByteArray authorization = request.header("Authorization").trimmed();
    if (authorization.isEmpty())
        return error(401, u"Requires authentication"_s, RestDocs);
    // JWTs only travel as Bearer; "token <jwt>" is read as a (bad) token.
    if (!authorization.toLower().startsWith("bearer "))
        return error(401, undecodable, RestDocs);
    const QByteArray text = authorization.mid(7).trimmed();
    const QList<QByteArray> parts = text.split('.');

    JwtSeen seen;
    if (parts.size() == 3) {
        const auto decode = [](const QByteArray &part) {
            return QJsonDocument::fromJson(
                       QByteArray::fromBase64(part, QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                .object();
        };
        const QJsonObject header = decode(parts[0]);
        const QJsonObject claims = decode(parts[1]);
        seen.alg = header.value("alg"_L1).toString();
        const QJsonValue iss = claims.value("iss"_L1);
        seen.iss = iss.isString() ? iss.toString() : iss.isDouble() ? QString::number(iss.toInteger()) : QString();
        seen.iat = claims.value("iat"_L1).toInteger();
        seen.exp = claims.value("exp"_L1).toInteger();
        if (m_hasApp && !m_app.publicKeyPem.isEmpty()) {
            jwt_t *decoded = nullptr;
            const int rc = jwt_decode(&decoded, text.constData(),
                                      reinterpret_cast<const unsigned char *>(m_app.publicKeyPem.constData()),
                                      int(m_app.publicKeyPem.size()));
            // The alg check matters: with a public key, "HS256" would otherwise verify an HMAC
            // keyed by the PEM text, and "none" would need no signature at all.
            seen.signatureValid = rc == 0 && decoded && jwt_get_alg(decoded) == JWT_ALG_RS256;
            jwt_free(decoded);
        }
        m_lastJwt = seen;

        if (seen.signatureValid) {
            const bool issOk = (iss.isString() && (iss.toString() == m_app.clientId || iss.toString() == QString::number(m_app.id)))
                || (iss.isDouble() && iss.toInteger() == m_app.id);
            if (!issOk)
                return error(401, u"The 'iss' claim is invalid"_s, RestDocs);
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            const QJsonValue iat = claims.value("iat"_L1);
            if (!iat.isDouble() || iat.toDouble() != std::floor(iat.toDouble())) {
                return error(401, u"'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"_s,
                             RestDocs);
            }
            if (seen.iat > now + 60)
                return error(401, u"'Issued at' claim ('iat') must be an Integer representing a time in the past"_s, RestDocs);
            const QJsonValue exp = claims.value("exp"_L1);
            if (!exp.isDouble() || seen.exp <= now) {
                return error(401, u"'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"_s,
                             RestDocs);
            }
            if (seen.exp > now + 600 || seen.exp - seen.iat > 660)
                return error(401, u"'Expiration time' claim ('exp') is too far in the future"_s, RestDocs);
            return std::nullopt;
        }
    } else {
        m_lastJwt = seen;
    }
    return error(401, undecodable, RestDocs);
}

// ---- endpoints ---------------------------------------------------------------------------

void FakeGitHub::addEndpoints()
{
    const auto repoRoute = [](QByteArray scopes, QByteArray permissions, QString docs, bool write,
                              std::function<HttpResponse(Call &)> handler) {
        Endpoint e;
        e.needsRepo = true;
        e.write = write;
        e.acceptedScopes = std::move(scopes);
        e.acceptedPermissions = std::move(permissions);
        e.docs = std::move(docs);
        e.handler = std::move(handler);
        return e;
    };
    const auto plain = [](QString docs, std::function<HttpResponse(Call &)> handler, bool jwt = false) {
        Endpoint e;
        e.jwt = jwt;
        e.docs = std::move(docs);
        e.handler = std::move(handler);
        return e;
    };

    endpoint("GET", u"/user"_s, plain(UserDocs, [this](Call &call) {
        if (call.token->installation)
            return error(403, u"Resource not accessible by integration"_s, UserDocs);
        const QString login = call.token->login;
        QJsonObject user = userObject(login);
        user.insert(u"name"_s, login);
        user.insert(u"email"_s, QJsonValue::Null);
        return jsonResponse(200, user);
    }));

    {
        Endpoint rateLimit = plain(RateLimitStatusDocs, [this](Call &call) {
            Token &bucket = *call.token;
            const QJsonObject core{{u"limit"_s, bucket.limit},
                                   {u"remaining"_s, bucket.remaining},
                                   {u"reset"_s, bucket.resetAt.toSecsSinceEpoch()},
                                   {u"used"_s, bucket.limit - bucket.remaining},
                                   {u"resource"_s, u"core"_s}};
            const qint64 minute = QDateTime::currentDateTimeUtc().addSecs(60).toSecsSinceEpoch();
            const QJsonObject search{{u"limit"_s, 30}, {u"remaining"_s, 30}, {u"reset"_s, minute},
                                     {u"used"_s, 0}, {u"resource"_s, u"search"_s}};
            QJsonObject graphql = core;
            graphql.insert(u"remaining"_s, bucket.limit);
            graphql.insert(u"used"_s, 0);
            graphql.insert(u"resource"_s, u"graphql"_s);
            return jsonResponse(200, QJsonObject{
                {u"resources"_s, QJsonObject{{u"core"_s, core}, {u"search"_s, search}, {u"graphql"_s, graphql}}},
                {u"rate"_s, core}});
        });
        rateLimit.counts = false;  // documented: checking the limit does not spend it
        endpoint("GET", u"/rate_limit"_s, rateLimit);
    }

    endpoint("GET", u"/repos/{owner}/{repo}"_s, repoRoute("repo", "metadata=read", RepoDocs, false, [this](Call &call) {
        return jsonResponse(200, repoObject(*call.repo, call.access));
    }));

    endpoint("GET", u"/repos/{owner}/{repo}/pulls"_s,
             repoRoute("repo", "pull_requests=read", ListPullsDocs, false, [this](Call &call) { return listPulls(call); }));
    endpoint("POST", u"/repos/{owner}/{repo}/pulls"_s,
             repoRoute("repo", "pull_requests=write", CreatePullDocs, true, [this](Call &call) { return createPull(call); }));
    endpoint("GET", u"/repos/{owner}/{repo}/pulls/{number}"_s,
             repoRoute("repo", "pull_requests=read", GetPullDocs, false, [this](Call &call) {
                 FakePull *target = pullOf(*call.repo, call.params.value(u"number"_s));
                 if (!target)
                     return error(404, u"Not Found"_s, GetPullDocs);
                 return jsonResponse(200, pullObject(*call.repo, *target, true));
             }));

    endpoint("GET", u"/repos/{owner}/{repo}/pulls/{number}/requested_reviewers"_s,
             repoRoute("repo", "pull_requests=read", ListRequestedDocs, false, [this](Call &call) {
                 FakePull *target = pullOf(*call.repo, call.params.value(u"number"_s));
                 if (!target)
                     return error(404, u"Not Found"_s, ListRequestedDocs);
                 const QJsonObject object = pullObject(*call.repo, *target, false);
                 return jsonResponse(200, QJsonObject{{u"users"_s, object.value("requested_reviewers"_L1)},
                                                      {u"teams"_s, object.value("requested_teams"_L1)}});
             }));
    endpoint("POST", u"/repos/{owner}/{repo}/pulls/{number}/requested_reviewers"_s,
             repoRoute("repo", "pull_requests=write", RequestReviewersDocs, true,
                       [this](Call &call) { return requestReviewers(call); }));
    endpoint("DELETE", u"/repos/{owner}/{repo}/pulls/{number}/requested_reviewers"_s,
             repoRoute("repo", "pull_requests=write", RemoveReviewersDocs, true,
                       [this](Call &call) { return removeReviewers(call); }));

    endpoint("GET", u"/repos/{owner}/{repo}/pulls/{number}/reviews"_s,
             repoRoute("repo", "pull_requests=read", ReviewsDocs, false, [this](Call &call) {
                 FakePull *target = pullOf(*call.repo, call.params.value(u"number"_s));
                 if (!target)
                     return error(404, u"Not Found"_s, ReviewsDocs);
                 const QString pullUrl = apiUrl() + u"/repos/%1/pulls/%2"_s.arg(call.repo->fullName()).arg(target->number);
                 QJsonArray all;
                 for (const FakeReview &review : std::as_const(target->reviews)) {
                     all.append(QJsonObject{
                         {u"id"_s, review.id},
                         {u"node_id"_s, QString(u"PRR_kwDO"_s + QString::fromLatin1(QByteArray::number(review.id).toBase64()))},
                         {u"user"_s, userObject(review.login)},
                         {u"body"_s, review.body},
                         {u"state"_s, review.state},
                         {u"html_url"_s, u"https://%1/%2/pull/%3#pullrequestreview-%4"_s.arg(webHost(), call.repo->fullName())
                                             .arg(target->number)
                                             .arg(review.id)},
                         {u"pull_request_url"_s, pullUrl},
                         {u"author_association"_s,
                          call.repo->collaborators.contains(review.login, Qt::CaseInsensitive) ? u"COLLABORATOR"_s
                                                                                               : u"CONTRIBUTOR"_s},
                         {u"submitted_at"_s, iso(review.submittedAt)},
                         {u"commit_id"_s, review.commitId}});
                 }
                 return paginate(call, all);
             }));

    const QByteArray labelPermissions = "issues=write; pull_requests=write";
    endpoint("GET", u"/repos/{owner}/{repo}/issues/{number}/labels"_s,
             repoRoute("repo", "issues=read; pull_requests=read", ListLabelsDocs, false, [this](Call &call) {
                 FakePull *target = pullOf(*call.repo, call.params.value(u"number"_s));
                 if (!target)
                     return error(404, u"Not Found"_s, ListLabelsDocs);
                 QJsonArray all;
                 for (const QString &name : std::as_const(target->labels))
                     all.append(labelObject(*call.repo, call.repo->labels.value(lower(name))));
                 return paginate(call, all);
             }));
    endpoint("POST", u"/repos/{owner}/{repo}/issues/{number}/labels"_s,
             repoRoute("repo", labelPermissions, AddLabelsDocs, true, [this](Call &call) { return changeLabels(call); }));
    endpoint("PUT", u"/repos/{owner}/{repo}/issues/{number}/labels"_s,
             repoRoute("repo", labelPermissions, SetLabelsDocs, true, [this](Call &call) { return changeLabels(call); }));
    endpoint("DELETE", u"/repos/{owner}/{repo}/issues/{number}/labels/{name}"_s,
             repoRoute("repo", labelPermissions, RemoveLabelDocs, true, [this](Call &call) {
                 FakePull *target = pullOf(*call.repo, call.params.value(u"number"_s));
                 if (!target)
                     return error(404, u"Not Found"_s, RemoveLabelDocs);
                 const QString name = call.params.value(u"name"_s);
                 const qsizetype removed = target->labels.removeIf(
                     [&](const QString &label) { return label.compare(name, Qt::CaseInsensitive) == 0; });
                 if (removed == 0)
                     return error(404, u"Label does not exist"_s, RemoveLabelDocs);
                 touch(*target);
                 QJsonArray remaining;
                 for (const QString &label : std::as_const(target->labels))
                     remaining.append(labelObject(*call.repo, call.repo->labels.value(lower(label))));
                 return jsonResponse(200, remaining);
             }));

    endpoint("GET", u"/repos/{owner}/{repo}/commits/{ref}/status"_s,
             repoRoute("repo", "statuses=read", StatusDocs, false, [this](Call &call) {
                 const QString ref = call.params.value(u"ref"_s);
                 const QString sha = resolveRef(*call.repo, ref);
                 if (sha.isEmpty())
                     return error(422, u"No commit found for SHA: %1"_s.arg(ref), StatusDocs);
                 // The combined status shows the newest status of each context.
                 QList<FakeStatus> latest;
                 for (const FakeStatus &status : call.repo->statuses.value(sha)) {
                     const auto same = std::find_if(latest.begin(), latest.end(), [&](const FakeStatus &other) {
                         return other.context == status.context;
                     });
                     if (same != latest.end())
                         *same = status;
                     else
                         latest.append(status);
                 }
                 bool failing = false;
                 bool pending = latest.isEmpty();
                 QJsonArray statuses;
                 for (const FakeStatus &status : std::as_const(latest)) {
                     failing = failing || status.state == u"error" || status.state == u"failure";
                     pending = pending || status.state == u"pending";
                     statuses.append(QJsonObject{
                         {u"url"_s, QString(apiUrl() + u"/repos/%1/statuses/%2"_s.arg(call.repo->fullName(), sha))},
                         {u"avatar_url"_s, QJsonValue::Null},
                         {u"id"_s, status.id},
                         {u"node_id"_s, QString(u"SC_kwDO"_s + QString::fromLatin1(QByteArray::number(status.id).toBase64()))},
                         {u"state"_s, status.state},
                         {u"description"_s, nullable(status.description)},
                         {u"target_url"_s, nullable(status.targetUrl)},
                         {u"context"_s, status.context},
                         {u"created_at"_s, iso(status.createdAt)},
                         {u"updated_at"_s, iso(status.updatedAt)}});
                 }
                 const QString state = failing ? u"failure"_s : pending ? u"pending"_s : u"success"_s;
                 return jsonResponse(200, QJsonObject{
                     {u"state"_s, state},
                     {u"statuses"_s, statuses},
                     {u"sha"_s, sha},
                     {u"total_count"_s, statuses.size()},
                     {u"repository"_s, repoObject(*call.repo)},
                     {u"commit_url"_s, QString(apiUrl() + u"/repos/%1/commits/%2"_s.arg(call.repo->fullName(), sha))},
                     {u"url"_s, QString(apiUrl() + u"/repos/%1/commits/%2/status"_s.arg(call.repo->fullName(), sha))}});
             }));

    endpoint("GET", u"/repos/{owner}/{repo}/commits/{ref}/check-runs"_s,
             repoRoute("repo", "checks=read", CheckRunsDocs, false, [this](Call &call) {
                 const QString ref = call.params.value(u"ref"_s);
                 const QString sha = resolveRef(*call.repo, ref);
                 if (sha.isEmpty())
                     return error(422, u"No commit found for SHA: %1"_s.arg(ref), CheckRunsDocs);
                 const QUrlQuery &query = call.request.query;
                 const QString nameFilter = query.queryItemValue(u"check_name"_s, QUrl::FullyDecoded);
                 const QString statusFilter = query.queryItemValue(u"status"_s);
                 const bool latestOnly = query.queryItemValue(u"filter"_s) != u"all";
                 QList<FakeCheckRun> runs;
                 const QList<FakeCheckRun> stored = call.repo->checkRuns.value(sha);
                 // filter=latest (the default) keeps the newest run of each name.
                 for (auto it = stored.crbegin(); it != stored.crend(); ++it) {
                     if (latestOnly && std::any_of(runs.cbegin(), runs.cend(),
                                                   [&](const FakeCheckRun &kept) { return kept.name == it->name; }))
                         continue;
                     runs.append(*it);
                 }
                 std::reverse(runs.begin(), runs.end());
                 QJsonArray all;
                 for (const FakeCheckRun &run : std::as_const(runs)) {
                     if (!nameFilter.isEmpty() && run.name != nameFilter)
                         continue;
                     if (!statusFilter.isEmpty() && run.status != statusFilter)
                         continue;
                     const QString html = u"https://%1/%2/runs/%3"_s.arg(webHost(), call.repo->fullName()).arg(run.id);
                     all.append(QJsonObject{
                         {u"id"_s, run.id},
                         {u"node_id"_s, QString(u"CR_kwDO"_s + QString::fromLatin1(QByteArray::number(run.id).toBase64()))},
                         {u"name"_s, run.name},
                         {u"head_sha"_s, run.headSha},
                         {u"external_id"_s, QString()},
                         {u"url"_s, QString(apiUrl() + u"/repos/%1/check-runs/%2"_s.arg(call.repo->fullName()).arg(run.id))},
                         {u"html_url"_s, html},
                         {u"details_url"_s, html},
                         {u"status"_s, run.status},
                         {u"conclusion"_s, nullable(run.conclusion)},
                         {u"started_at"_s, iso(run.startedAt)},
                         {u"completed_at"_s, iso(run.completedAt)},
                         {u"output"_s, QJsonObject{{u"title"_s, QJsonValue::Null},
                                                   {u"summary"_s, QJsonValue::Null},
                                                   {u"text"_s, QJsonValue::Null},
                                                   {u"annotations_count"_s, 0}}},
                         {u"check_suite"_s, QJsonObject{{u"id"_s, run.id + 1}}},
                         {u"pull_requests"_s, QJsonArray{}}});
                 }
                 const qsizetype total = all.size();
                 return paginate(call, all, [total](const QJsonArray &page) {
                     return QJsonValue(QJsonObject{{u"total_count"_s, total}, {u"check_runs"_s, page}});
                 });
             }));

    endpoint("GET", u"/installation/repositories"_s, plain(InstallationReposDocs, [this](Call &call) {
        if (!call.token->installation) {
            return error(403, u"You must authenticate with an installation access token in order to list repositories for an installation."_s,
                         InstallationReposDocs);
        }
        QJsonArray all;
        for (const FakeRepo &candidate : std::as_const(m_repos)) {
            if (!call.token->installationRepos || call.token->installationRepos->contains(lower(candidate.fullName())))
                all.append(repoObject(candidate, accessFor(call.token, candidate)));
        }
        const qsizetype total = all.size();
        const QString selection = call.token->installationRepos ? u"selected"_s : u"all"_s;
        return paginate(call, all, [total, selection](const QJsonArray &page) {
            return QJsonValue(QJsonObject{{u"total_count"_s, total},
                                          {u"repository_selection"_s, selection},
                                          {u"repositories"_s, page}});
        });
    }));

    // The App's own endpoints, authenticated with its JWT.
    endpoint("POST", u"/app/installations/{installation_id}/access_tokens"_s,
             plain(AccessTokenDocs, [this](Call &call) { return createInstallationToken(call); }, true));
    endpoint("GET", u"/app"_s, plain(AppDocs, [this](Call &) {
        return jsonResponse(200, QJsonObject{{u"id"_s, m_app.id},
                                             {u"slug"_s, appSlug},
                                             {u"client_id"_s, m_app.clientId},
                                             {u"name"_s, appSlug},
                                             {u"owner"_s, userObject(m_app.accountLogin)},
                                             {u"permissions"_s, m_app.permissions},
                                             {u"events"_s, QJsonArray{}},
                                             {u"installations_count"_s, 1}});
    }, true));
    endpoint("GET", u"/app/installations"_s, plain(InstallationsDocs, [this](Call &call) {
        return paginate(call, QJsonArray{installationObject()});
    }, true));
    endpoint("GET", u"/app/installations/{installation_id}"_s, plain(InstallationDocs, [this](Call &call) {
        if (call.params.value(u"installation_id"_s) != m_app.installationId)
            return error(404, u"Not Found"_s, InstallationDocs);
        return jsonResponse(200, installationObject());
    }, true));
    const auto installationOf = [this](const QString &account, const QString &docs) {
        if (account.compare(m_app.accountLogin, Qt::CaseInsensitive) != 0)
            return error(404, u"Not Found"_s, docs);
        return jsonResponse(200, installationObject());
    };
    endpoint("GET", u"/repos/{owner}/{repo}/installation"_s, plain(RepoInstallationDocs, [this, installationOf](Call &call) {
        if (!findRepo(call.params.value(u"owner"_s), call.params.value(u"repo"_s)))
            return error(404, u"Not Found"_s, RepoInstallationDocs);
        return installationOf(call.params.value(u"owner"_s), RepoInstallationDocs);
    }, true));
    endpoint("GET", u"/orgs/{org}/installation"_s, plain(OrgInstallationDocs, [installationOf](Call &call) {
        return installationOf(call.params.value(u"org"_s), OrgInstallationDocs);
    }, true));
    endpoint("GET", u"/users/{username}/installation"_s, plain(UserInstallationDocs, [installationOf](Call &call) {
        return installationOf(call.params.value(u"username"_s), UserInstallationDocs);
    }, true));
}

HttpResponse FakeGitHub::createPull(Call &call)
{
    FakeRepo &repo = *call.repo;
    QJsonObject body;
    if (std::optional<HttpResponse> refused = parseObject(call.request.body, body, CreatePullDocs))
        return *refused;
    for (const QString &field : {u"title"_s, u"head"_s, u"base"_s, u"head_repo"_s}) {
        if (auto refused = checkType(body, field, QJsonValue::String, CreatePullDocs))
            return *refused;
    }
    if (auto refused = checkType(body, u"body"_s, QJsonValue::String, CreatePullDocs, true))
        return *refused;
    for (const QString &field : {u"draft"_s, u"maintainer_can_modify"_s}) {
        if (auto refused = checkType(body, field, QJsonValue::Bool, CreatePullDocs))
            return *refused;
    }
    // head and base are required by the request schema, so their absence is an "Invalid
    // request"; a missing title is a model validation ("Validation Failed").
    for (const QString &field : {u"head"_s, u"base"_s}) {
        if (!body.contains(field))
            return invalidRequest(u"\"%1\" wasn't supplied."_s.arg(field), CreatePullDocs);
    }
    if (body.contains("issue"_L1)) {
        return validationFailed(QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                                       {u"code"_s, u"invalid"_s},
                                                       {u"field"_s, u"issue"_s}}},
                                CreatePullDocs);
    }
    const QString title = body.value("title"_L1).toString();
    if (title.trimmed().isEmpty()) {
        return validationFailed(QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                                       {u"code"_s, u"missing_field"_s},
                                                       {u"field"_s, u"title"_s}}},
                                CreatePullDocs);
    }

    const QString headText = body.value("head"_L1).toString();
    const QString base = body.value("base"_L1).toString();
    QString headOwner = repo.owner;
    QString headBranch = headText;
    if (const qsizetype colon = headText.indexOf(u':'); colon >= 0) {
        headOwner = headText.left(colon);
        headBranch = headText.mid(colon + 1);
    }
    FakeRepo *headRepo = nullptr;
    if (const QString headRepoText = body.value("head_repo"_L1).toString(); !headRepoText.isEmpty()) {
        headRepo = headRepoText.contains(u'/') ? this->repo(headRepoText) : findRepo(headOwner, headRepoText);
    } else if (headOwner.compare(repo.owner, Qt::CaseInsensitive) == 0) {
        headRepo = &repo;
    } else {
        headRepo = findRepo(headOwner, repo.name);  // the usual fork keeps the name
    }

    QJsonArray errors;
    if (!repo.branches.contains(base)) {
        errors.append(QJsonObject{{u"resource"_s, u"PullRequest"_s}, {u"field"_s, u"base"_s}, {u"code"_s, u"invalid"_s}});
    }
    if (!headRepo || !headRepo->branches.contains(headBranch)) {
        errors.append(QJsonObject{{u"resource"_s, u"PullRequest"_s}, {u"field"_s, u"head"_s}, {u"code"_s, u"invalid"_s}});
    }
    if (!errors.isEmpty())
        return validationFailed(errors, CreatePullDocs);

    for (const FakePull &existing : std::as_const(repo.pulls)) {
        if (existing.state == u"open" && existing.headRepo.compare(headRepo->fullName(), Qt::CaseInsensitive) == 0
            && existing.headRef == headBranch && existing.baseRef == base) {
            return validationFailed(
                QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                       {u"code"_s, u"custom"_s},
                                       {u"message"_s, u"A pull request already exists for %1:%2."_s.arg(headRepo->owner, headBranch)}}},
                CreatePullDocs);
        }
    }
    const FakeBranch &branch = headRepo->branches[headBranch];
    if ((headRepo == &repo && headBranch == base) || branch.commitsAheadOfDefault <= 0) {
        return validationFailed(QJsonArray{QJsonObject{{u"resource"_s, u"PullRequest"_s},
                                                       {u"code"_s, u"custom"_s},
                                                       {u"message"_s, u"No commits between %1 and %2"_s.arg(base, headText)}}},
                                CreatePullDocs);
    }
    const bool draft = body.value("draft"_L1).toBool();
    if (draft && !repo.draftSupported)
        return error(422, u"Draft pull requests are not supported in this repository."_s, CreatePullDocs);

    FakePull created;
    created.number = repo.nextNumber++;
    created.id = nextId();
    created.title = title;
    if (body.value("body"_L1).isString())
        created.body = body.value("body"_L1).toString();
    created.author = call.token->installation ? appSlug + u"[bot]"_s : call.token->login;
    created.headOwner = headRepo->owner;
    created.headRepo = headRepo->fullName();
    created.headRef = headBranch;
    created.headSha = branch.sha;
    created.baseRef = base;
    created.baseSha = repo.branches.value(base).sha;
    created.draft = draft;
    created.maintainerCanModify = body.value("maintainer_can_modify"_L1).toBool(headRepo != &repo);
    created.commits = branch.commitsAheadOfDefault;
    touch(created);
    created.createdAt = created.updatedAt;
    FakePull &stored = repo.pulls[created.number];
    stored = created;

    HttpResponse response = jsonResponse(201, pullObject(repo, stored, true, true));
    response.withHeader("Location", (apiUrl() + u"/repos/%1/pulls/%2"_s.arg(repo.fullName()).arg(stored.number)).toUtf8());
    return response;
}

HttpResponse FakeGitHub::listPulls(Call &call)
{
    const QUrlQuery &query = call.request.query;
    QString state = query.queryItemValue(u"state"_s);
    if (state.isEmpty())
        state = u"open"_s;
    // "user:ref-name" filters; a bare branch name is silently ignored, as github.com does.
    const QString head = query.queryItemValue(u"head"_s, QUrl::FullyDecoded);
    QString headOwner;
    QString headRef;
    if (const qsizetype colon = head.indexOf(u':'); colon >= 0) {
        headOwner = head.left(colon);
        headRef = head.mid(colon + 1);
    }
    const QString base = query.queryItemValue(u"base"_s, QUrl::FullyDecoded);
    const QString sort = query.queryItemValue(u"sort"_s);
    const bool byUpdate = sort == u"updated";
    QString direction = query.queryItemValue(u"direction"_s);
    if (direction.isEmpty())
        direction = sort.isEmpty() || sort == u"created" ? u"desc"_s : u"asc"_s;

    QList<const FakePull *> matching;
    for (const FakePull &candidate : std::as_const(call.repo->pulls)) {
        if (state != u"all" && candidate.state != state)
            continue;
        if (!headOwner.isEmpty()
            && (candidate.headOwner.compare(headOwner, Qt::CaseInsensitive) != 0 || candidate.headRef != headRef))
            continue;
        if (!base.isEmpty() && candidate.baseRef != base)
            continue;
        matching.append(&candidate);
    }
    std::stable_sort(matching.begin(), matching.end(), [&](const FakePull *a, const FakePull *b) {
        const auto key = [&](const FakePull *pull) {
            return std::make_pair(byUpdate ? pull->updatedAt : pull->createdAt, pull->number);
        };
        return direction == u"asc" ? key(a) < key(b) : key(b) < key(a);
    });
    QJsonArray all;
    for (const FakePull *candidate : std::as_const(matching))
        all.append(pullObject(*call.repo, *candidate, false));
    return paginate(call, all);
}

HttpResponse FakeGitHub::requestReviewers(Call &call)
{
    FakeRepo &repo = *call.repo;
    FakePull *target = pullOf(repo, call.params.value(u"number"_s));
    if (!target)
        return error(404, u"Not Found"_s, RequestReviewersDocs);
    QJsonObject body;
    if (std::optional<HttpResponse> refused = parseObject(call.request.body, body, RequestReviewersDocs))
        return *refused;
    for (const QString &field : {u"reviewers"_s, u"team_reviewers"_s}) {
        if (auto refused = checkType(body, field, QJsonValue::Array, RequestReviewersDocs))
            return *refused;
    }
    if (!body.contains("reviewers"_L1) && !body.contains("team_reviewers"_L1)) {
        return invalidRequest(u"No subschema in \"anyOf\" matched.\n\"reviewers\" wasn't supplied.\n"
                              "\"team_reviewers\" wasn't supplied."_s,
                              RequestReviewersDocs);
    }
    QStringList logins;
    for (const QJsonValue &value : body.value("reviewers"_L1).toArray())
        logins.append(value.toString());
    QStringList slugs;
    for (const QJsonValue &value : body.value("team_reviewers"_L1).toArray())
        slugs.append(value.toString());

    if (logins.contains(target->author, Qt::CaseInsensitive))
        return error(422, u"Review cannot be requested from pull request author."_s, RequestReviewersDocs);
    QStringList addLogins;
    for (const QString &login : std::as_const(logins)) {
        const auto it = std::find_if(repo.collaborators.cbegin(), repo.collaborators.cend(),
                                     [&](const QString &c) { return c.compare(login, Qt::CaseInsensitive) == 0; });
        if (it == repo.collaborators.cend()) {
            return error(422,
                         u"Reviews may only be requested from collaborators. One or more of the users or teams you "
                         "specified is not a collaborator of the %1 repository."_s.arg(repo.fullName()),
                         RequestReviewersDocs);
        }
        addLogins.append(*it);
    }
    QStringList addSlugs;
    for (const QString &slug : std::as_const(slugs)) {
        const auto it = std::find_if(repo.teams.cbegin(), repo.teams.cend(),
                                     [&](const QString &t) { return t.compare(slug, Qt::CaseInsensitive) == 0; });
        if (it == repo.teams.cend()) {
            return error(422,
                         u"Reviews may only be requested from collaborators. One or more of the users or teams you "
                         "specified is not a collaborator of the %1 repository."_s.arg(repo.fullName()),
                         RequestReviewersDocs);
        }
        addSlugs.append(*it);
    }
    // Additive: asking again for someone already asked changes nothing.
    for (const QString &login : std::as_const(addLogins)) {
        if (!target->requestedReviewers.contains(login, Qt::CaseInsensitive))
            target->requestedReviewers.append(login);
    }
    for (const QString &slug : std::as_const(addSlugs)) {
        if (!target->requestedTeams.contains(slug, Qt::CaseInsensitive))
            target->requestedTeams.append(slug);
    }
    touch(*target);
    return jsonResponse(201, pullObject(repo, *target, true));
}

HttpResponse FakeGitHub::removeReviewers(Call &call)
{
    FakeRepo &repo = *call.repo;
    FakePull *target = pullOf(repo, call.params.value(u"number"_s));
    if (!target)
        return error(404, u"Not Found"_s, RemoveReviewersDocs);
    QJsonObject body;
    if (std::optional<HttpResponse> refused = parseObject(call.request.body, body, RemoveReviewersDocs))
        return *refused;
    for (const QString &field : {u"reviewers"_s, u"team_reviewers"_s}) {
        if (auto refused = checkType(body, field, QJsonValue::Array, RemoveReviewersDocs))
            return *refused;
    }
    if (!body.contains("reviewers"_L1))
        return invalidRequest(u"\"reviewers\" wasn't supplied."_s, RemoveReviewersDocs);
    for (const QJsonValue &value : body.value("reviewers"_L1).toArray()) {
        target->requestedReviewers.removeIf(
            [&](const QString &login) { return login.compare(value.toString(), Qt::CaseInsensitive) == 0; });
    }
    for (const QJsonValue &value : body.value("team_reviewers"_L1).toArray()) {
        target->requestedTeams.removeIf(
            [&](const QString &slug) { return slug.compare(value.toString(), Qt::CaseInsensitive) == 0; });
    }
    touch(*target);
    return jsonResponse(200, pullObject(repo, *target, false));
}

HttpResponse FakeGitHub::changeLabels(Call &call)
{
    FakeRepo &repo = *call.repo;
    const bool replace = call.request.method == "PUT";
    const QString docs = replace ? SetLabelsDocs : AddLabelsDocs;
    FakePull *target = pullOf(repo, call.params.value(u"number"_s));
    if (!target)
        return error(404, u"Not Found"_s, docs);

    // The documented bodies: {"labels":["a"]}, {"labels":[{"name":"a"}]} or a bare ["a"].
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(call.request.body, &parseError);
    if (!call.request.body.trimmed().isEmpty() && parseError.error != QJsonParseError::NoError)
        return error(400, u"Problems parsing JSON"_s, docs);
    QJsonArray names;
    if (document.isArray()) {
        names = document.array();
    } else {
        const QJsonObject body = document.object();
        if (auto refused = checkType(body, u"labels"_s, QJsonValue::Array, docs))
            return *refused;
        names = body.value("labels"_L1).toArray();
    }
    QStringList wanted;
    for (const QJsonValue &value : std::as_const(names)) {
        const QString name = value.isObject() ? value.toObject().value("name"_L1).toString() : value.toString();
        if (name.trimmed().isEmpty())
            return invalidRequest(u"For 'items', %1 is not a string."_s.arg(jsonText(value)), docs);
        wanted.append(name);
    }

    // "If you provide an empty array of labels, all labels are removed from the issue."
    if (replace || wanted.isEmpty())
        target->labels.clear();
    for (const QString &name : std::as_const(wanted)) {
        // Naming a label the repository lacks creates it, as GitHub does.
        if (!repo.labels.contains(lower(name))) {
            FakeLabel label;
            label.id = nextId();
            label.name = name;
            repo.labels.insert(lower(name), label);
        }
        const QString stored = repo.labels.value(lower(name)).name;
        if (!target->labels.contains(stored, Qt::CaseInsensitive))
            target->labels.append(stored);
    }
    touch(*target);
    QJsonArray result;
    for (const QString &name : std::as_const(target->labels))
        result.append(labelObject(repo, repo.labels.value(lower(name))));
    return jsonResponse(200, result);
}

HttpResponse FakeGitHub::createInstallationToken(Call &call)
{
    if (!m_hasApp || call.params.value(u"installation_id"_s) != m_app.installationId)
        return error(404, u"Not Found"_s, AccessTokenDocs);
    QJsonObject body;
    if (std::optional<HttpResponse> refused = parseObject(call.request.body, body, AccessTokenDocs))
        return *refused;

    Token token;
    token.installation = true;
    token.login = appSlug + u"[bot]"_s;
    token.installationPermissions = m_app.permissions;

    // Optional narrowing to some repositories of the installation's account...
    QJsonArray selected;
    if (body.contains("repositories"_L1) || body.contains("repository_ids"_L1)) {
        QSet<QString> names;
        for (const QJsonValue &value : body.value("repositories"_L1).toArray()) {
            FakeRepo *target = findRepo(m_app.accountLogin, value.toString());
            if (!target) {
                return error(422, u"There is at least one repository that does not exist or is not accessible to the parent installation."_s,
                             AccessTokenDocs);
            }
            names.insert(lower(target->fullName()));
            selected.append(repoObject(*target));
        }
        for (const QJsonValue &value : body.value("repository_ids"_L1).toArray()) {
            FakeRepo *target = repoById(value.toInteger());
            if (!target) {
                return error(422, u"There is at least one repository that does not exist or is not accessible to the parent installation."_s,
                             AccessTokenDocs);
            }
            names.insert(lower(target->fullName()));
            selected.append(repoObject(*target));
        }
        token.installationRepos = names;
    }
    // ... and to fewer permissions than it has, never more.
    if (body.contains("permissions"_L1)) {
        const auto rank = [](const QString &level) {
            return level == u"admin" ? 3 : level == u"write" ? 2 : level == u"read" ? 1 : 0;
        };
        const QJsonObject asked = body.value("permissions"_L1).toObject();
        for (auto it = asked.constBegin(); it != asked.constEnd(); ++it) {
            if (rank(it.value().toString()) > rank(m_app.permissions.value(it.key()).toString())) {
                return error(422, u"The permissions requested are not granted to this installation."_s, AccessTokenDocs);
            }
        }
        token.installationPermissions = asked;
    }

    token.token = u"ghs_"_s + randomAlnum(36);
    token.expiresAt = QDateTime::currentDateTimeUtc().addSecs(m_installationTokenLifetime);
    token.resetAt = QDateTime::currentDateTimeUtc().addSecs(3600);
    m_tokens.insert(token.token, token);
    ++m_installationTokensIssued;

    QJsonObject answer{{u"token"_s, token.token},
                       {u"expires_at"_s, iso(token.expiresAt)},
                       {u"permissions"_s, token.installationPermissions},
                       {u"repository_selection"_s, token.installationRepos ? u"selected"_s : u"all"_s}};
    if (token.installationRepos)
        answer.insert(u"repositories"_s, selected);
    return jsonResponse(201, answer);
}

bool FakeGitHub::acceptsInstallationToken(const QString &token) const
{
    const auto found = m_tokens.constFind(token);
    return found != m_tokens.cend() && found->installation && !found->revoked
        && (!found->expiresAt.isValid() || found->expiresAt > QDateTime::currentDateTimeUtc());
}

} // namespace squad::test
