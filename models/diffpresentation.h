// SPDX-License-Identifier: MIT
#pragma once

#include "git/diff.h"

#include <QChar>
#include <QColor>
#include <QString>

namespace squad {

// How a file's status is shown in the file list and the view's file headers: a letter that
// reads without colour (as `git status --short` has it), a word, and a colour that reads on
// light and dark backgrounds alike.
struct DiffStatusPresentation
{
    QChar letter;  // A M D R C T
    QString label; // "Added"
    QColor colour;
};
DiffStatusPresentation diffStatusPresentation(git::FileStatus status);

// What the file list and the headers need of a file: everything but its lines, so that a list
// row does not keep (or copy) a file's text.
struct DiffFileSummary
{
    git::FileStatus status = git::FileStatus::Modified;
    QString oldPath;
    QString newPath;
    quint32 oldMode = 0;
    quint32 newMode = 0;
    int similarity = 0;
    bool binary = false;
    qint64 oldSize = -1;
    qint64 newSize = -1;
    int additions = 0;
    int deletions = 0;
    bool hasHunks = false;

    static DiffFileSummary of(const git::DiffFile &file);
    const QString &path() const { return newPath.isEmpty() ? oldPath : newPath; }
    bool isMove() const
    {
        return (status == git::FileStatus::Renamed || status == git::FileStatus::Copied)
               && !oldPath.isEmpty() && oldPath != newPath;
    }
    friend bool operator==(const DiffFileSummary &, const DiffFileSummary &) = default;
};

// "src/app.cpp", or "src/old.cpp → src/new.cpp" for a rename or a copy.
QString diffFileTitle(const DiffFileSummary &file);
// "renamed, 95% similar", "copied, 100% similar", "mode 100644 → 100755", or empty: what the
// header adds after the title.
QString diffFileNote(const DiffFileSummary &file);
// "Binary file, 12.3 KiB → 14.0 KiB"; "Binary file added, 14.0 KiB"; "Binary file deleted,
// 12.3 KiB"; "Binary file changed" when the engine could not tell the sizes.
QString binarySummary(const DiffFileSummary &file);
// What a file without hunks shows: "File renamed without changes.", "File mode changed from
// 100644 to 100755.", "Empty file added.", …
QString noContentSummary(const DiffFileSummary &file);
// "12.3 KiB", "1.2 MiB", "512 bytes" in the default locale.
QString diffSizeText(qint64 bytes);
// "+1,204 −87" in the default locale (a real minus sign, as GitHub writes it).
QString changeCountText(int additions, int deletions);
// A line of a multi-line tooltip for the file list: status, title, note, counts or sizes.
QString diffFileToolTip(const DiffFileSummary &file);

} // namespace squad
