// SPDX-License-Identifier: MIT
#include "difffilemodel.h"

#include <QFont>
#include <QPainter>
#include <QPixmap>

using namespace Qt::StringLiterals;

namespace squad {

DiffFileModel::DiffFileModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int DiffFileModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_files.size());
}

QVariant DiffFileModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DiffFileSummary &file = m_files.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return diffFileTitle(file);
    case Qt::ToolTipRole: return diffFileToolTip(file);
    case Qt::DecorationRole: return statusIcon(file.status);
    case StatusRole: return int(file.status);
    case StatusLetterRole: return QString(diffStatusPresentation(file.status).letter);
    case StatusColourRole: return diffStatusPresentation(file.status).colour;
    case PathRole: return file.path();
    case OldPathRole: return file.oldPath;
    case NewPathRole: return file.newPath;
    case AdditionsRole: return file.additions;
    case DeletionsRole: return file.deletions;
    case BinaryRole: return file.binary;
    case SimilarityRole: return file.similarity;
    case ChangeTextRole:
        return file.binary ? binarySummary(file) : changeCountText(file.additions, file.deletions);
    default: return {};
    }
}

QHash<int, QByteArray> DiffFileModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(StatusRole, "status");
    names.insert(StatusLetterRole, "statusLetter");
    names.insert(StatusColourRole, "statusColour");
    names.insert(PathRole, "path");
    names.insert(OldPathRole, "oldPath");
    names.insert(NewPathRole, "newPath");
    names.insert(AdditionsRole, "additions");
    names.insert(DeletionsRole, "deletions");
    names.insert(BinaryRole, "binary");
    names.insert(SimilarityRole, "similarity");
    names.insert(ChangeTextRole, "changeText");
    return names;
}

void DiffFileModel::setDiff(const git::Diff &diff)
{
    QList<DiffFileSummary> next;
    next.reserve(diff.files.size());
    m_additions = 0;
    m_deletions = 0;
    for (const git::DiffFile &file : diff.files) {
        next.append(DiffFileSummary::of(file));
        m_additions += file.additions;
        m_deletions += file.deletions;
    }

    QHash<QString, int> nextRowByPath;
    nextRowByPath.reserve(next.size());
    for (int row = 0; row < next.size(); ++row)
        nextRowByPath.insert(next.at(row).path(), row);

    // Incremental only when the files that stay keep their relative order (the engine lists
    // them by path, so they do) and no path is listed twice.
    bool incremental = nextRowByPath.size() == next.size()
                       && m_rowByPath.size() == m_files.size();
    for (int row = 0, last = -1; incremental && row < m_files.size(); ++row) {
        const auto found = nextRowByPath.constFind(m_files.at(row).path());
        if (found == nextRowByPath.cend())
            continue;
        incremental = *found > last;
        last = *found;
    }
    if (!incremental) {
        beginResetModel();
        m_files = next;
        rebuildIndex();
        endResetModel();
        return;
    }

    // Vanished files, bottom up, a contiguous range at a time.
    for (int row = int(m_files.size()) - 1; row >= 0; --row) {
        if (nextRowByPath.contains(m_files.at(row).path()))
            continue;
        const int last = row;
        while (row > 0 && !nextRowByPath.contains(m_files.at(row - 1).path()))
            --row;
        beginRemoveRows({}, row, last);
        m_files.remove(row, last - row + 1);
        endRemoveRows();
    }
    // The rows left are the staying files in the new order: new files go in between.
    const QHash<QString, int> previousRowByPath = m_rowByPath;
    for (int row = 0; row < next.size(); ++row) {
        if (previousRowByPath.contains(next.at(row).path()))
            continue;
        int last = row;
        while (last + 1 < next.size() && !previousRowByPath.contains(next.at(last + 1).path()))
            ++last;
        beginInsertRows({}, row, last);
        m_files.insert(row, last - row + 1, DiffFileSummary());
        for (int r = row; r <= last; ++r)
            m_files[r] = next.at(r);
        endInsertRows();
        row = last;
    }
    // The staying files' new status and counts, in one signal over the span that changed.
    int firstChanged = -1;
    int lastChanged = -1;
    for (int row = 0; row < next.size(); ++row) {
        if (m_files.at(row) == next.at(row))
            continue;
        m_files[row] = next.at(row);
        if (firstChanged < 0)
            firstChanged = row;
        lastChanged = row;
    }
    rebuildIndex();
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged), index(lastChanged));
}

int DiffFileModel::rowOfPath(const QString &path) const
{
    return m_rowByPath.value(path, -1);
}

QString DiffFileModel::pathAt(int row) const
{
    return row >= 0 && row < m_files.size() ? m_files.at(row).path() : QString();
}

void DiffFileModel::rebuildIndex()
{
    m_rowByPath.clear();
    m_rowByPath.reserve(m_files.size());
    for (int row = 0; row < m_files.size(); ++row)
        m_rowByPath.insert(m_files.at(row).path(), row);
}

QIcon DiffFileModel::statusIcon(git::FileStatus status) const
{
    QIcon &icon = m_icons[std::size_t(status)];
    if (!icon.isNull())
        return icon;
    // A rounded square in the status colour with its letter, as GitHub Desktop marks files.
    const DiffStatusPresentation look = diffStatusPresentation(status);
    for (int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(look.colour);
        painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size / 5.0, size / 5.0);
        QFont font;
        font.setBold(true);
        font.setPixelSize(size * 11 / 16);
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(QRect(0, 0, size, size), Qt::AlignCenter, QString(look.letter));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace squad
