// SPDX-License-Identifier: MIT
#include "diffpresentation.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace squad {

using git::FileStatus;

DiffStatusPresentation diffStatusPresentation(FileStatus status)
{
    // GitHub's status colours, a shade lighter than its light-theme text colours so that the
    // white letter on them and the badge on a dark background both keep their contrast.
    switch (status) {
    case FileStatus::Added: return {u'A', u"Added"_s, QColor(0x2d, 0xa4, 0x4e)};
    case FileStatus::Modified: return {u'M', u"Modified"_s, QColor(0xbf, 0x87, 0x00)};
    case FileStatus::Deleted: return {u'D', u"Deleted"_s, QColor(0xcf, 0x22, 0x2e)};
    case FileStatus::Renamed: return {u'R', u"Renamed"_s, QColor(0x21, 0x8b, 0xff)};
    case FileStatus::Copied: return {u'C', u"Copied"_s, QColor(0x82, 0x50, 0xdf)};
    case FileStatus::TypeChanged: return {u'T', u"Type changed"_s, QColor(0x6e, 0x77, 0x81)};
    }
    return {u'?', u"Changed"_s, QColor(0x6e, 0x77, 0x81)};
}

DiffFileSummary DiffFileSummary::of(const git::DiffFile &file)
{
    DiffFileSummary s;
    s.status = file.status;
    s.oldPath = file.oldPath;
    s.newPath = file.newPath;
    s.oldMode = file.oldMode;
    s.newMode = file.newMode;
    s.similarity = file.similarity;
    s.binary = file.binary;
    s.oldSize = file.oldSize;
    s.newSize = file.newSize;
    s.additions = file.additions;
    s.deletions = file.deletions;
    s.hasHunks = !file.hunks.isEmpty();
    return s;
}

QString diffFileTitle(const DiffFileSummary &file)
{
    if (file.isMove())
        return file.oldPath + u" → "_s + file.newPath;
    return file.path();
}

static QString modeText(quint32 mode)
{
    return QString::number(mode, 8).rightJustified(6, u'0');
}

static bool modeChanged(const DiffFileSummary &file)
{
    return file.oldMode != 0 && file.newMode != 0 && file.oldMode != file.newMode;
}

QString diffFileNote(const DiffFileSummary &file)
{
    QStringList parts;
    if (file.status == FileStatus::Renamed)
        parts << u"renamed, %1% similar"_s.arg(file.similarity);
    else if (file.status == FileStatus::Copied)
        parts << u"copied, %1% similar"_s.arg(file.similarity);
    if (modeChanged(file))
        parts << u"mode %1 → %2"_s.arg(modeText(file.oldMode), modeText(file.newMode));
    return parts.join(u", "_s);
}

QString diffSizeText(qint64 bytes)
{
    if (bytes < 1024)
        return QLocale().toString(bytes) + (bytes == 1 ? u" byte"_s : u" bytes"_s);
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString binarySummary(const DiffFileSummary &file)
{
    const bool oldKnown = file.oldSize >= 0;
    const bool newKnown = file.newSize >= 0;
    if (file.status == FileStatus::Added && newKnown)
        return u"Binary file added, "_s + diffSizeText(file.newSize);
    if (file.status == FileStatus::Deleted && oldKnown)
        return u"Binary file deleted, "_s + diffSizeText(file.oldSize);
    if (oldKnown && newKnown)
        return u"Binary file, %1 → %2"_s.arg(diffSizeText(file.oldSize),
                                              diffSizeText(file.newSize));
    if (newKnown)
        return u"Binary file, "_s + diffSizeText(file.newSize);
    return u"Binary file changed"_s;
}

QString noContentSummary(const DiffFileSummary &file)
{
    switch (file.status) {
    case FileStatus::Added: return u"Empty file added."_s;
    case FileStatus::Deleted: return u"Empty file deleted."_s;
    case FileStatus::Renamed: return u"File renamed without changes."_s;
    case FileStatus::Copied: return u"File copied without changes."_s;
    case FileStatus::TypeChanged: return u"File type changed."_s;
    case FileStatus::Modified: break;
    }
    if (modeChanged(file)) {
        return u"File mode changed from %1 to %2."_s.arg(modeText(file.oldMode),
                                                         modeText(file.newMode));
    }
    return u"No changes to show."_s;
}

QString changeCountText(int additions, int deletions)
{
    const QLocale locale;
    return u"+"_s + locale.toString(additions) + u" −"_s + locale.toString(deletions);
}

QString diffFileToolTip(const DiffFileSummary &file)
{
    QString text = diffStatusPresentation(file.status).label + u": "_s + diffFileTitle(file);
    const QString note = diffFileNote(file);
    if (!note.isEmpty())
        text += u"\n"_s + note.at(0).toUpper() + note.mid(1);
    if (file.binary)
        text += u"\n"_s + binarySummary(file);
    else
        text += u"\n"_s + changeCountText(file.additions, file.deletions);
    return text;
}

} // namespace squad
