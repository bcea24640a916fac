// SPDX-License-Identifier: MIT
#include "diffpane.h"

#include "difffiledelegate.h"
#include "difffilemodel.h"
#include "diffpresentation.h"
#include "diffview.h"

#include <QAction>
#include <QActionGroup>
#include <QEvent>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

DiffPane::DiffPane(QWidget *parent)
    : QWidget(parent)
    , m_model(new DiffFileModel(this))
{
    setObjectName(u"diffPane"_s);

    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(u"diffToolBar"_s);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolBar->setIconSize(QSize(16, 16));

    auto *modes = new QActionGroup(this);
    m_unified = m_toolBar->addAction(u"Unified"_s);
    m_unified->setObjectName(u"diffUnifiedAction"_s);
    m_unified->setToolTip(u"Old and new lines one under the other"_s);
    m_sideBySide = m_toolBar->addAction(u"Side by side"_s);
    m_sideBySide->setObjectName(u"diffSideBySideAction"_s);
    m_sideBySide->setToolTip(u"The old file on the left, the new on the right"_s);
    for (QAction *action : {m_unified, m_sideBySide}) {
        action->setCheckable(true);
        modes->addAction(action);
    }
    m_unified->setChecked(true);
    m_toolBar->addSeparator();
    m_hideWhitespace = m_toolBar->addAction(u"Hide whitespace"_s);
    m_hideWhitespace->setObjectName(u"diffHideWhitespaceAction"_s);
    m_hideWhitespace->setCheckable(true);
    m_hideWhitespace->setToolTip(u"Show lines that changed only in spaces and tabs as "
                                 u"unchanged, and highlight only real edits within lines"_s);
    m_toolBar->addSeparator();

    QAction *previousFile = addShortcutAction(u"diffPreviousFileAction"_s, u"Previous file"_s,
                                              {QKeySequence(Qt::Key_BracketLeft),
                                               QKeySequence(Qt::AltModifier | Qt::Key_Up)});
    QAction *nextFile = addShortcutAction(u"diffNextFileAction"_s, u"Next file"_s,
                                          {QKeySequence(Qt::Key_BracketRight),
                                           QKeySequence(Qt::AltModifier | Qt::Key_Down)});
    QAction *previousHunk = addShortcutAction(u"diffPreviousHunkAction"_s, u"Previous change"_s,
                                              {QKeySequence(Qt::Key_P),
                                               QKeySequence(Qt::ControlModifier | Qt::Key_Up)});
    QAction *nextHunk = addShortcutAction(u"diffNextHunkAction"_s, u"Next change"_s,
                                          {QKeySequence(Qt::Key_N),
                                           QKeySequence(Qt::ControlModifier | Qt::Key_Down)});
    m_toolBar->addAction(previousFile);
    m_toolBar->addAction(nextFile);

    auto *spacer = new QWidget(m_toolBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_toolBar->addWidget(spacer);
    m_counter = new QLabel(m_toolBar);
    m_counter->setObjectName(u"diffFileCounter"_s);
    m_toolBar->addWidget(m_counter);
    m_summary = new QLabel(m_toolBar);
    m_summary->setObjectName(u"diffSummary"_s);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setContentsMargins(12, 0, 6, 0);
    m_toolBar->addWidget(m_summary);

    m_list = new QListView(this);
    m_list->setObjectName(u"diffFileList"_s);
    m_list->setModel(m_model);
    m_list->setItemDelegate(new DiffFileDelegate(m_list));
    m_list->setUniformItemSizes(true); // thousands of files: no per-row size queries
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setTextElideMode(Qt::ElideLeft);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_view = new DiffView(this);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(u"diffSplitter"_s);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_list);
    m_splitter->addWidget(m_view);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({280, 800});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_splitter, 1);

    connect(m_unified, &QAction::triggered, this, [this] { setMode(DiffMode::Unified); });
    connect(m_sideBySide, &QAction::triggered, this, [this] { setMode(DiffMode::SideBySide); });
    connect(m_hideWhitespace, &QAction::toggled, this, &DiffPane::setHideWhitespace);
    connect(previousFile, &QAction::triggered, m_view, &DiffView::previousFile);
    connect(nextFile, &QAction::triggered, m_view, &DiffView::nextFile);
    connect(previousHunk, &QAction::triggered, m_view, &DiffView::previousHunk);
    connect(nextHunk, &QAction::triggered, m_view, &DiffView::nextHunk);
    // The view may be switched directly (by whoever embeds it): the tool bar follows.
    connect(m_view, &DiffView::modeChanged, this, [this](DiffMode mode) {
        (mode == DiffMode::Unified ? m_unified : m_sideBySide)->setChecked(true);
    });
    connect(m_view, &DiffView::hideWhitespaceChanged, m_hideWhitespace, &QAction::setChecked);
    connect(m_view, &DiffView::currentFileChanged, this, &DiffPane::viewFileChanged);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (m_syncing || !current.isValid())
                    return;
                m_view->setCurrentFile(current.row());
            });
    // A click on the file already current brings its header back into sight too.
    connect(m_list, &QListView::clicked, this, [this](const QModelIndex &index) {
        if (index.isValid())
            m_view->setCurrentFile(index.row());
    });

    updateCounter();
    updateSummary();
}

DiffPane::~DiffPane() = default;

void DiffPane::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateSummary(); // its colours follow the theme
}

QAction *DiffPane::addShortcutAction(const QString &name, const QString &text,
                                     const QList<QKeySequence> &keys)
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    action->setShortcuts(keys);
    // Inside the pane only: the window around it may use the same keys elsewhere.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QStringList names;
    for (const QKeySequence &key : keys)
        names << key.toString(QKeySequence::NativeText);
    action->setToolTip(text + u" ("_s + names.join(u", "_s) + u')');
    addAction(action);
    return action;
}

void DiffPane::setDiff(const git::Diff &diff)
{
    // Model first, then view: in between their file indexes disagree, so neither follows the
    // other until both hold the new diff.
    m_syncing = true;
    m_model->setDiff(diff);
    m_view->setDiff(diff);
    m_syncing = false;
    viewFileChanged(m_view->currentFile());
    updateSummary();
}

const git::Diff &DiffPane::diff() const
{
    return m_view->diff();
}

void DiffPane::setOrientation(Qt::Orientation orientation)
{
    m_splitter->setOrientation(orientation);
    m_splitter->setSizes(orientation == Qt::Horizontal ? QList<int>{280, 800}
                                                       : QList<int>{140, 600});
    // Growing or shrinking goes to the diff: the list keeps a few rows in sight.
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
}

void DiffPane::setMode(DiffMode mode)
{
    m_view->setMode(mode);
    (mode == DiffMode::Unified ? m_unified : m_sideBySide)->setChecked(true);
}

DiffMode DiffPane::mode() const
{
    return m_view->mode();
}

void DiffPane::setHideWhitespace(bool hide)
{
    m_view->setHideWhitespace(hide);
    m_hideWhitespace->setChecked(hide);
}

bool DiffPane::hideWhitespace() const
{
    return m_view->hideWhitespace();
}

QString DiffPane::currentPath() const
{
    return m_currentPath;
}

void DiffPane::setCurrentPath(const QString &path)
{
    const int file = m_view->fileOfPath(path);
    if (file >= 0)
        m_view->setCurrentFile(file);
}

void DiffPane::selectListRow(int row)
{
    QItemSelectionModel *selection = m_list->selectionModel();
    const QModelIndex index = m_model->index(row, 0);
    m_syncing = true;
    if (!index.isValid())
        selection->clear();
    else if (selection->currentIndex() != index || !selection->isSelected(index))
        selection->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_syncing = false;
    if (index.isValid())
        m_list->scrollTo(index);
}

void DiffPane::viewFileChanged(int file)
{
    if (m_syncing)
        return;
    selectListRow(file);
    updateCounter();
    const QString path = file >= 0 && file < m_view->fileCount()
                             ? m_view->diff().files.at(file).path()
                             : QString();
    if (path != m_currentPath) {
        m_currentPath = path;
        Q_EMIT currentPathChanged(path);
    }
}

QString DiffPane::fileCounterText() const
{
    return m_counter->text();
}

QString DiffPane::summaryText() const
{
    return m_summaryText;
}

void DiffPane::updateCounter()
{
    const int count = m_view->fileCount();
    const int current = m_view->currentFile();
    const QLocale locale;
    const QString files = count == 1 ? u"file"_s : u"files"_s;
    if (count == 0)
        m_counter->setText(u"No files"_s);
    else if (current < 0)
        m_counter->setText(locale.toString(count) + u' ' + files);
    else
        m_counter->setText(u"%1 of %2 %3"_s.arg(locale.toString(current + 1),
                                                locale.toString(count), files));
}

void DiffPane::updateSummary()
{
    const QLocale locale;
    const int additions = m_model->totalAdditions();
    const int deletions = m_model->totalDeletions();
    m_summaryText = changeCountText(additions, deletions);
    const bool dark = palette().color(QPalette::Base).lightnessF() < 0.5;
    const QString green = dark ? u"#3fb950"_s : u"#1a7f37"_s;
    const QString red = dark ? u"#f85149"_s : u"#cf222e"_s;
    m_summary->setText(u"<span style=\"color:%1\">+%2</span>&nbsp;<span style=\"color:%3\">"
                       u"−%4</span>"_s.arg(green, locale.toString(additions), red,
                                           locale.toString(deletions)));
    m_summary->setToolTip(u"%1 lines added, %2 deleted"_s.arg(locale.toString(additions),
                                                              locale.toString(deletions)));
}

} // namespace squad
