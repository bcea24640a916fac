// SPDX-License-Identifier: MIT
#pragma once

#include "diffpresentation.h"
#include "git/diff.h"

#include <QAbstractListModel>
#include <QHash>
#include <QIcon>

#include <array>

namespace squad {

// One row per changed file of a diff: its status, its path ("old → new" for a rename), its
// +/− counts, whether it is binary. A new diff is applied row by row, by path: files that
// stay keep their rows (dataChanged where their counts or status changed), vanished files are
// removed and new ones inserted, so a view keeps its selection, current index and scroll
// position across a live refresh. It keeps a summary per file, never the files' text.
// GUI thread only.
class DiffFileModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        StatusRole = Qt::UserRole + 1, // int(git::FileStatus)
        StatusLetterRole,              // QString: "A", "M", "D", "R", "C", "T"
        StatusColourRole,              // QColor of the status badge
        PathRole,                      // QString: the file's key, DiffFile::path()
        OldPathRole,                   // QString, empty for an added file
        NewPathRole,                   // QString, empty for a deleted file
        AdditionsRole,                 // int
        DeletionsRole,                 // int
        BinaryRole,                    // bool
        SimilarityRole,                // int, 0..100 (renames and copies)
        ChangeTextRole,                // QString: "+12 −3", or the binary summary
    };

    explicit DiffFileModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Replaces the rows with the files of `diff`, with the fewest model signals (see above).
    // When the files that stay changed their relative order, the model resets instead.
    void setDiff(const git::Diff &diff);

    const DiffFileSummary &file(int row) const { return m_files.at(row); }
    // The row of the file whose key path is `path`, or -1.
    int rowOfPath(const QString &path) const;
    QString pathAt(int row) const;
    int totalAdditions() const { return m_additions; }
    int totalDeletions() const { return m_deletions; }

private:
    QIcon statusIcon(git::FileStatus status) const;
    void rebuildIndex();

    QList<DiffFileSummary> m_files;
    QHash<QString, int> m_rowByPath;
    int m_additions = 0;
    int m_deletions = 0;
    mutable std::array<QIcon, 6> m_icons;
};

} // namespace squad
