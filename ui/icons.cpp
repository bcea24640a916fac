// SPDX-License-Identifier: MIT
#include "icons.h"

#include <QFile>
#include <QHash>
#include <QPixmap>

using namespace Qt::StringLiterals;

namespace squad {

QIcon consoleIcon(const QString &name)
{
    static QHash<QString, QIcon> cache;
    if (const auto it = cache.constFind(name); it != cache.cend())
        return *it;
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        const QString file = u":/icons/%1-%2.png"_s.arg(name).arg(size);
        // Decoded as PNG by name: QIcon::addFile() would have every image plugin probe it.
        if (QFile::exists(file))
            icon.addPixmap(QPixmap(file, "PNG"));
    }
    cache.insert(name, icon);
    return icon;
}

} // namespace squad
