// SPDX-License-Identifier: MIT
#include "sandboxfiltermodel.h"

#include "sandboxstatuspresentation.h"
#include "sandboxtablemodel.h"

#include <QChar>
#include <QHash>

#include <algorithm>
#include <bit>
#include <cstring>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

// Below this many rows every sort compares records directly: the sort index would not pay off.
constexpr int SortIndexMinRows = 2048;
// A filter change that shows or hides at most this many rows is applied row by row (views see
// rows inserted and removed); beyond it the mapping is rebuilt in one go, because the base class
// makes a pass over every row for each block of adjacent rows it shows or hides.
constexpr int IncrementalFilterMaxFlips = 64;
// Below this many rows a filter change goes straight to the base class.
constexpr int DirectFilterMaxRows = 1024;

constexpr auto AsciiFold = [] {
    std::array<char16_t, 128> table{};
    for (char16_t c = 0; c < 128; ++c)
        table[c] = (c >= u'A' && c <= u'Z') ? char16_t(c + (u'a' - u'A')) : c;
    return table;
}();

inline char32_t foldUnit(char16_t c)
{
    return c < 128 ? AsciiFold[c] : QChar::toCaseFolded(char32_t(c));
}

// Qt's case-insensitive search folds both strings through the Unicode tables for every
// character compared. A search term is folded once up front, and for the usual ASCII term this
// scan folds only the field, ASCII through a table, which keeps a keystroke over 100,000 rows
// well within 50 ms. Same answers as QStringView::contains(term, Qt::CaseInsensitive).
bool containsFolded(QStringView field, QStringView foldedAscii)
{
    const qsizetype n = field.size();
    const qsizetype m = foldedAscii.size();
    if (m > n)
        return false;
    const char16_t *hay = field.utf16();
    const char16_t *needle = foldedAscii.utf16();
    const char32_t head = needle[0];
    for (qsizetype i = 0, last = n - m; i <= last; ++i) {
        if (foldUnit(hay[i]) != head)
            continue;
        qsizetype k = 1;
        while (k < m && foldUnit(hay[i + k]) == needle[k])
            ++k;
        if (k == m)
            return true;
    }
    return false;
}

// Strings ignoring case as QString::compare(…, Qt::CaseInsensitive) orders them. Sorting spends
// most of its time here, largely in prefixes the two strings share ("https://github.com/…"), so
// identical units are skipped eight bytes at a time and ASCII is folded through a table.
int compareText(QStringView a, QStringView b)
{
    const char16_t *pa = a.utf16();
    const char16_t *pb = b.utf16();
    if (pa == pb && a.size() == b.size())
        return 0;
    const qsizetype n = std::min(a.size(), b.size());
    qsizetype i = 0;
    while (i + 4 <= n && std::memcmp(pa + i, pb + i, 4 * sizeof(char16_t)) == 0)
        i += 4;
    for (; i < n; ++i) {
        const char16_t ca = pa[i];
        const char16_t cb = pb[i];
        if (ca == cb)
            continue;
        if (ca >= 128 || cb >= 128) {
            // Let Qt fold the rest; start at a surrogate pair's first half so it stays whole.
            if (i > 0 && QChar::isHighSurrogate(pa[i - 1]))
                --i;
            return a.sliced(i).compare(b.sliced(i), Qt::CaseInsensitive);
        }
        const int diff = int(AsciiFold[ca]) - int(AsciiFold[cb]);
        if (diff != 0)
            return diff;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

template<class T>
int compareValues(const T &a, const T &b)
{
    return (b < a) - (a < b);
}

using TextField = const QString &(*)(const SandboxRecord &);

// The text a column sorts by, or null for the columns that sort by a number.
TextField textField(int column)
{
    switch (column) {
    case SandboxTableModel::IdColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.id;
        };
    case SandboxTableModel::ProviderColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.provider;
        };
    case SandboxTableModel::TemplateColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.templateId;
        };
    case SandboxTableModel::TaskColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.taskId;
        };
    case SandboxTableModel::AgentColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.agentId;
        };
    case SandboxTableModel::RepoColumn:
        return [](const SandboxRecord &r) -> const QString & {
            return r.repoUrl;
        };
    default:
        return nullptr;
    }
}

int compareBy(const SandboxRecord &a, const SandboxRecord &b, int column,
              const SandboxTableModel &model)
{
    if (const TextField field = textField(column))
        return compareText(field(a), field(b));
    switch (column) {
    case SandboxTableModel::StatusColumn:
        return compareValues(SandboxTableModel::statusSortKey(a.status),
                             SandboxTableModel::statusSortKey(b.status));
    case SandboxTableModel::AgeColumn:
        return compareValues(SandboxTableModel::timeSortKey(a.createdAt),
                             SandboxTableModel::timeSortKey(b.createdAt));
    case SandboxTableModel::LastUsedColumn:
        return compareValues(SandboxTableModel::timeSortKey(a.lastUsedAt),
                             SandboxTableModel::timeSortKey(b.lastUsedAt));
    case SandboxTableModel::TimeLeftColumn:
        return compareValues(SandboxTableModel::timeLeftSortKey(a),
                             SandboxTableModel::timeLeftSortKey(b));
    case SandboxTableModel::CpuColumn:
        return compareValues(a.cpuCount, b.cpuCount);
    case SandboxTableModel::MemoryColumn:
        return compareValues(a.memoryMb, b.memoryMb);
    case SandboxTableModel::CpuUsedColumn:
        return compareValues(model.cpuUsedSortKey(a), model.cpuUsedSortKey(b));
    case SandboxTableModel::MemoryUsedColumn:
        return compareValues(model.memoryUsedSortKey(a), model.memoryUsedSortKey(b));
    case SandboxTableModel::CostColumn:
        return compareValues(model.costSortKey(a), model.costSortKey(b));
    default:
        return 0;
    }
}

// The whole order: the column's value, then age, then id — total, so sorting is deterministic.
int compareRecords(const SandboxRecord &a, const SandboxRecord &b, int column,
                   const SandboxTableModel &model)
{
    int order = compareBy(a, b, column, model);
    if (order == 0)
        order = compareValues(SandboxTableModel::timeSortKey(a.createdAt),
                              SandboxTableModel::timeSortKey(b.createdAt));
    if (order == 0)
        order = a.id.compare(b.id);
    return order;
}

// For each of `values`, its place among them in compareText() order; values equal ignoring
// case share a place. Most comparisons are settled by 128-bit keys of the folded text after the
// prefix all values share (a URL's "https://github.com/acme/"), so the strings themselves,
// scattered over the heap, are read only for near-ties.
std::vector<int> rankTexts(const std::vector<QStringView> &values)
{
    struct Key
    {
        quint64 high = 0;
        quint64 low = 0;
        qsizetype tail = 0; // units after the shared prefix
        bool exact = true;  // the eight keyed units are ASCII, so the key orders them
        int value = 0;
    };
    if (values.empty())
        return {};

    const QStringView first = values.front();
    qsizetype shared = first.size();
    for (QStringView v : values) {
        qsizetype k = 0;
        const qsizetype limit = std::min(shared, v.size());
        while (k < limit && v[k].unicode() < 128 && first[k].unicode() < 128
               && AsciiFold[v[k].unicode()] == AsciiFold[first[k].unicode()])
            ++k;
        shared = k;
        if (shared == 0)
            break;
    }

    std::vector<Key> keys(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const QStringView v = values[i];
        Key &key = keys[i];
        key.value = int(i);
        key.tail = v.size() - shared;
        for (qsizetype k = 0; k < 8; ++k) {
            const qsizetype at = shared + k;
            const char16_t unit = at < v.size() ? v[at].unicode() : 0;
            if (unit >= 128)
                key.exact = false;
            const quint64 folded = unit < 128 ? AsciiFold[unit] : 0;
            quint64 &word = k < 4 ? key.high : key.low;
            word = (word << 16) | folded;
        }
    }
    const auto compare = [&values](const Key &a, const Key &b) {
        if (a.exact && b.exact) {
            if (a.high != b.high)
                return a.high < b.high ? -1 : 1;
            if (a.low != b.low)
                return a.low < b.low ? -1 : 1;
            // Both wholly keyed: the same units but for trailing NULs, so the shorter first.
            if (a.tail <= 8 && b.tail <= 8)
                return compareValues(a.tail, b.tail);
        }
        return compareText(values[std::size_t(a.value)], values[std::size_t(b.value)]);
    };
    std::sort(keys.begin(), keys.end(),
              [&compare](const Key &a, const Key &b) { return compare(a, b) < 0; });

    std::vector<int> place(values.size());
    int current = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i > 0 && compare(keys[i - 1], keys[i]) != 0)
            ++current;
        place[std::size_t(keys[i].value)] = current;
    }
    return place;
}

} // namespace

// Where every source row sits in the ascending order of one text column (as lessThan() orders
// rows), so that sorting and re-filtering 100,000 rows compare two ints instead of two strings
// scattered over the heap. Built in one go by interning the column's distinct values, then kept
// current cheaply: rows that changed or arrived wait aside and are merged in on the next use.
class SandboxFilterModel::SortIndex
{
public:
    int column() const { return m_column; }
    // Usable for `column`: built for it, nothing waiting to be merged in.
    bool ready(int column) const { return column >= 0 && m_column == column && m_pending.empty(); }
    bool less(int left, int right) const
    {
        return m_rank[std::size_t(left)] < m_rank[std::size_t(right)];
    }

    void clear()
    {
        m_column = -1;
        m_order = {};
        m_rank = {};
        m_pending = {};
    }

    void prepare(const SandboxTableModel &model, int column)
    {
        if (m_column != column || m_pending.size() > m_order.size() / 8)
            rebuild(model, column);
        else if (!m_pending.empty())
            merge(model);
    }

    void rowsChanged(int first, int last)
    {
        for (int row = first; row <= last; ++row) {
            if (m_rank[std::size_t(row)] >= 0) {
                m_rank[std::size_t(row)] = -1;
                m_pending.push_back(row);
            }
        }
    }

    void rowsInserted(int first, int last)
    {
        const int count = last - first + 1;
        if (first < int(m_rank.size())) {
            for (int &row : m_order) {
                if (row >= first)
                    row += count;
            }
            for (int &row : m_pending) {
                if (row >= first)
                    row += count;
            }
        }
        m_rank.insert(m_rank.begin() + first, std::size_t(count), -1);
        for (int row = first; row <= last; ++row)
            m_pending.push_back(row);
    }

    void rowsRemoved(int first, int last)
    {
        const int count = last - first + 1;
        const auto gone = [first, last](int row) {
            return row >= first && row <= last;
        };
        // Waiting rows leave the order as well, so that renumbering below does not rank them.
        std::erase_if(m_order, [&](int row) { return gone(row) || m_rank[std::size_t(row)] < 0; });
        std::erase_if(m_pending, gone);
        for (int &row : m_order) {
            if (row > last)
                row -= count;
        }
        for (int &row : m_pending) {
            if (row > last)
                row -= count;
        }
        m_rank.erase(m_rank.begin() + first, m_rank.begin() + last + 1);
        renumber();
    }

private:
    void rebuild(const SandboxTableModel &model, int column)
    {
        const TextField field = textField(column);
        Q_ASSERT(field);
        const int rows = model.rowCount();
        m_column = column;
        m_pending.clear();

        // Each distinct text once (a column of 100,000 rows may hold a few hundred repositories),
        // found through a flat open-addressing table over the rows' own strings: QHash allocates
        // as it grows, which for 100,000 distinct ids costs more than the rest of the ranking.
        std::vector<QStringView> values;
        std::vector<std::size_t> hashes;
        std::vector<int> valueOfRow(std::size_t(rows), 0);
        const std::size_t mask = std::bit_ceil(std::size_t(rows) * 2 + 1) - 1;
        std::vector<int> table(mask + 1, -1);
        for (int row = 0; row < rows; ++row) {
            const QStringView text = field(model.record(row));
            const std::size_t hash = qHash(text);
            std::size_t at = hash & mask;
            while (table[at] >= 0
                   && (hashes[std::size_t(table[at])] != hash
                       || values[std::size_t(table[at])] != text))
                at = (at + 1) & mask;
            if (table[at] < 0) {
                table[at] = int(values.size());
                values.push_back(text);
                hashes.push_back(hash);
            }
            valueOfRow[std::size_t(row)] = table[at];
        }
        const std::vector<int> place = rankTexts(values);

        struct RowKey
        {
            int place;
            int row;
            qint64 created;
        };
        std::vector<RowKey> keys(static_cast<std::size_t>(rows));
        for (int row = 0; row < rows; ++row) {
            keys[std::size_t(row)] = {place[std::size_t(valueOfRow[std::size_t(row)])], row,
                                      SandboxTableModel::timeSortKey(model.record(row).createdAt)};
        }
        std::sort(keys.begin(), keys.end(), [&model](const RowKey &a, const RowKey &b) {
            if (a.place != b.place)
                return a.place < b.place;
            if (a.created != b.created)
                return a.created < b.created;
            return model.record(a.row).id.compare(model.record(b.row).id) < 0;
        });

        m_order.resize(std::size_t(rows));
        for (std::size_t i = 0; i < keys.size(); ++i)
            m_order[i] = keys[i].row;
        m_rank.assign(std::size_t(rows), -1);
        renumber();
    }

    // Takes the waiting rows out of the order, sorts them, and puts each where it belongs.
    void merge(const SandboxTableModel &model)
    {
        std::erase_if(m_order, [this](int row) { return m_rank[std::size_t(row)] < 0; });
        const auto less = [&model, column = m_column](int a, int b) {
            return compareRecords(model.record(a), model.record(b), column, model) < 0;
        };
        std::sort(m_pending.begin(), m_pending.end(), less);
        std::vector<int> merged;
        merged.reserve(m_order.size() + m_pending.size());
        auto from = m_order.cbegin();
        for (int row : m_pending) {
            const auto at = std::upper_bound(from, m_order.cend(), row, less);
            merged.insert(merged.end(), from, at);
            merged.push_back(row);
            from = at;
        }
        merged.insert(merged.end(), from, m_order.cend());
        m_order = std::move(merged);
        m_pending.clear();
        renumber();
    }

    void renumber()
    {
        for (std::size_t i = 0; i < m_order.size(); ++i)
            m_rank[std::size_t(m_order[i])] = int(i);
    }

    int m_column = -1;
    std::vector<int> m_order;   // ranked source rows, ascending
    std::vector<int> m_rank;    // source row → its index in m_order; -1 while waiting
    std::vector<int> m_pending; // rows changed or inserted since, not in m_order's ranks
};

SandboxFilterModel::SandboxFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_sortIndex(std::make_unique<SortIndex>())
{
    setDynamicSortFilter(true);
    // lessThan() does not read it, but views and scripts that ask get the raw-value role.
    setSortRole(SandboxTableModel::SortRole);
}

SandboxFilterModel::~SandboxFilterModel() = default;

void SandboxFilterModel::setSandboxModel(SandboxTableModel *model)
{
    setSourceModel(model);
}

void SandboxFilterModel::setSourceModel(QAbstractItemModel *model)
{
    auto *sandboxes = qobject_cast<SandboxTableModel *>(model);
    Q_ASSERT_X(sandboxes || !model, "SandboxFilterModel::setSourceModel",
               "the source must be a SandboxTableModel");
    for (const QMetaObject::Connection &connection : std::as_const(m_sourceConnections))
        disconnect(connection);
    m_sourceConnections.clear();
    m_sortIndex->clear();
    m_model = sandboxes;
    // Before the base class connects its own: the sort index must have seen a change before
    // the base class sorts by it.
    if (sandboxes)
        connectSource(sandboxes);
    QSortFilterProxyModel::setSourceModel(model);
}

void SandboxFilterModel::connectSource(SandboxTableModel *model)
{
    m_sourceConnections << connect(
        model, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
            const int column = m_sortIndex->column();
            if (column >= 0 && column >= topLeft.column() && column <= bottomRight.column())
                m_sortIndex->rowsChanged(topLeft.row(), bottomRight.row());
        });
    m_sourceConnections << connect(model, &QAbstractItemModel::rowsInserted, this,
                                   [this](const QModelIndex &parent, int first, int last) {
                                       if (parent.isValid())
                                           return;
                                       if (m_sortIndex->column() >= 0)
                                           m_sortIndex->rowsInserted(first, last);
                                       // A big batch (the first load): rank it now, before the base
                                       // class sorts it in.
                                       if (last - first + 1 >= SortIndexMinRows)
                                           prepareSortIndex(sortColumn());
                                   });
    m_sourceConnections << connect(model, &QAbstractItemModel::rowsRemoved, this,
                                   [this](const QModelIndex &parent, int first, int last) {
                                       if (!parent.isValid() && m_sortIndex->column() >= 0)
                                           m_sortIndex->rowsRemoved(first, last);
                                   });
    const auto forget = [this] {
        m_sortIndex->clear();
    };
    m_sourceConnections << connect(model, &QAbstractItemModel::modelReset, this, forget);
    m_sourceConnections << connect(model, &QAbstractItemModel::layoutChanged, this, forget);
    m_sourceConnections << connect(model, &QAbstractItemModel::rowsMoved, this, forget);
}

void SandboxFilterModel::prepareSortIndex(int column) const
{
    const SandboxTableModel *model = m_model.data();
    if (!model || !textField(column) || model->rowCount() < SortIndexMinRows) {
        // Numbers compare as fast as ranks do; small models sort fast anyway.
        if (m_sortIndex->column() != column)
            m_sortIndex->clear();
        return;
    }
    m_sortIndex->prepare(*model, column);
}

void SandboxFilterModel::sort(int column, Qt::SortOrder order)
{
    prepareSortIndex(column);
    QSortFilterProxyModel::sort(column, order);
}

void SandboxFilterModel::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    QList<SearchTerm> terms = parseSearch(text);
    if (terms == m_terms)
        return; // only white space changed
    m_terms = std::move(terms);
    refilter();
}

void SandboxFilterModel::setStatusFilter(std::optional<SandboxStatus> status)
{
    if (status == m_status)
        return;
    m_status = status;
    refilter();
}

void SandboxFilterModel::refilter()
{
    const SandboxTableModel *model = m_model.data();
    const int rows = model ? model->rowCount() : 0;
    if (rows <= DirectFilterMaxRows) {
        invalidateRowsFilter();
        return;
    }
    // Decide every row once, and count the rows the change shows or hides.
    std::vector<char> accepted(static_cast<std::size_t>(rows));
    int flips = 0;
    for (int row = 0; row < rows; ++row) {
        const bool accept = accepts(model->record(row));
        accepted[std::size_t(row)] = accept;
        if (accept != mapFromSource(model->index(row, 0)).isValid())
            ++flips;
    }
    if (flips == 0)
        return;
    m_acceptedRows = &accepted;
    if (flips <= IncrementalFilterMaxFlips) {
        invalidateRowsFilter();
    } else {
        // Rebuilt as a layout change: selection and current index survive as they do a sort.
        prepareSortIndex(sortColumn());
        invalidate();
        rowCount(); // maps the rows now, while the answers are at hand
    }
    m_acceptedRows = nullptr;
}

QList<SandboxFilterModel::SearchTerm> SandboxFilterModel::parseSearch(const QString &text)
{
    QList<SearchTerm> terms;
    qsizetype start = -1;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        const bool space = i == text.size() || text.at(i).isSpace();
        if (!space && start < 0) {
            start = i;
        } else if (space && start >= 0) {
            SearchTerm term;
            term.folded = text.sliced(start, i - start).toCaseFolded();
            term.ascii = std::all_of(term.folded.cbegin(), term.folded.cend(),
                                     [](QChar c) { return c.unicode() < 128; });
            for (std::size_t badge = 0; badge < term.inStatusLabel.size(); ++badge) {
                term.inStatusLabel[badge] = presentationOf(SandboxBadge(badge))
                                                .label.contains(term.folded, Qt::CaseInsensitive);
            }
            // The same word twice narrows nothing.
            if (!terms.contains(term))
                terms.append(std::move(term));
            start = -1;
        }
    }
    return terms;
}

bool SandboxFilterModel::matches(const SandboxRecord &r, const SearchTerm &term)
{
    if (term.inStatusLabel[std::size_t(badgeOf(r))])
        return true;
    const auto in = [&term](const QString &field) {
        return term.ascii ? containsFolded(field, term.folded)
                          : QStringView(field).contains(term.folded, Qt::CaseInsensitive);
    };
    // Short, often-matching fields first.
    return in(r.provider) || in(r.templateId) || in(r.id) || in(r.repoUrl) || in(r.taskId)
           || in(r.agentId) || in(r.providerId) || in(r.statusDetail);
}

bool SandboxFilterModel::accepts(const SandboxRecord &record) const
{
    if (m_status && record.status != *m_status)
        return false;
    for (const SearchTerm &term : m_terms) {
        if (!matches(record, term))
            return false;
    }
    return true;
}

bool SandboxFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid())
        return false;
    if (m_acceptedRows && std::size_t(sourceRow) < m_acceptedRows->size())
        return (*m_acceptedRows)[std::size_t(sourceRow)] != 0;
    const SandboxTableModel *model = m_model.data();
    return !model || accepts(model->record(sourceRow));
}

bool SandboxFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const SandboxTableModel *model = m_model.data();
    if (!model || left.model() != model || right.model() != model)
        return QSortFilterProxyModel::lessThan(left, right);
    const int column = left.column();
    if (m_sortIndex->ready(column))
        return m_sortIndex->less(left.row(), right.row());
    return compareRecords(model->record(left.row()), model->record(right.row()), column, *model) < 0;
}

} // namespace squad
