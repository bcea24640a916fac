// SPDX-License-Identifier: MIT
#include "icons.h"

#include <QApplication>
#include <QFile>
#include <QHash>
#include <QIconEngine>
#include <QImageReader>
#include <QPainter>
#include <QPixmap>
#include <QStyle>
#include <QStyleOption>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

constexpr int RenderedSizes[] = {16, 24, 32, 48, 64, 128, 256};

// Straight to Qt's own PNG reader: left to detect the format, QImageReader loads every image
// plug-in there is to ask each whether it reads the file.
QPixmap readPng(const QString &path)
{
    QImageReader reader(path, "png");
    reader.setAutoDetectImageFormat(false);
    return QPixmap::fromImage(reader.read());
}

// Loads a size only when it is first drawn: decoding every rendered size of every icon up
// front (what QIcon::addFile does) was a visible part of the window's start-up.
class ConsoleIconEngine final : public QIconEngine
{
public:
    explicit ConsoleIconEngine(QString name) : m_name(std::move(name)) {}

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        Q_UNUSED(state)
        QPixmap base = load(std::max(size.width(), size.height()));
        if (base.isNull())
            return {};
        if (base.size() != size)
            base = base.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (mode == QIcon::Normal || mode == QIcon::Active)
            return base;
        QStyleOption option;
        option.palette = QApplication::palette();
        return QApplication::style()->generatedIconPixmap(mode, base, &option);
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode,
               QIcon::State state) override
    {
        const qreal ratio = painter->device()->devicePixelRatioF();
        QPixmap image = pixmap(rect.size() * ratio, mode, state);
        image.setDevicePixelRatio(ratio);
        painter->drawPixmap(rect.topLeft(), image);
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine *clone() const override { return new ConsoleIconEngine(m_name); }
    QString key() const override { return u"squad-console-icon"_s; }

    QList<QSize> availableSizes(QIcon::Mode, QIcon::State) override
    {
        QList<QSize> sizes;
        for (int size : RenderedSizes) {
            if (QFile::exists(fileFor(size)))
                sizes << QSize(size, size);
        }
        return sizes;
    }

private:
    QString fileFor(int size) const { return u":/icons/%1-%2.png"_s.arg(m_name).arg(size); }

    // The smallest rendered size at least `wanted`, else the largest there is.
    QPixmap load(int wanted)
    {
        int chosen = 0;
        for (int size : RenderedSizes) {
            if (!QFile::exists(fileFor(size)))
                continue;
            chosen = size;
            if (size >= wanted)
                break;
        }
        if (chosen == 0)
            return {};
        auto it = m_loaded.find(chosen);
        if (it == m_loaded.end())
            it = m_loaded.insert(chosen, readPng(fileFor(chosen)));
        return *it;
    }

    QString m_name;
    QHash<int, QPixmap> m_loaded;
};

} // namespace

QIcon consoleIcon(const QString &name)
{
    return QIcon(new ConsoleIconEngine(name));
}

QIcon consoleWindowIcon()
{
    QIcon icon;
    for (int size : {32, 64})
        icon.addPixmap(readPng(u":/icons/squad-console-%1.png"_s.arg(size)));
    return icon;
}

} // namespace squad
