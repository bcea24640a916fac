// SPDX-License-Identifier: MIT
#pragma once

#include "difflayout.h"
#include "git/diff.h"

#include <QWidget>

class QAction;
class QLabel;
class QListView;
class QSplitter;
class QToolBar;

namespace squad {

class DiffFileModel;
class DiffView;

// A diff to read: the changed files listed on the left (or on top), the diff on the right, and
// a tool bar with Unified / Side by side, Hide whitespace, previous/next file, the file counter
// ("3 of 12 files") and the summary ("+1,204 −87"). The list follows the view (the file at the
// top of the view is selected) and the view follows the list (a click scrolls to the file).
//
// Shortcuts, anywhere in the pane: ] or Alt+Down next file, [ or Alt+Up previous file, n or
// Ctrl+Down next hunk, p or Ctrl+Up previous hunk; the view's own keys when it has the focus
// (see DiffView).
//
// Object names: diffPane, diffToolBar, diffSplitter, diffFileList, diffView, diffFileCounter,
// diffSummary, and the actions diffUnifiedAction, diffSideBySideAction,
// diffHideWhitespaceAction, diffPreviousFileAction, diffNextFileAction,
// diffPreviousHunkAction, diffNextHunkAction.
class DiffPane : public QWidget
{
    Q_OBJECT
public:
    explicit DiffPane(QWidget *parent = nullptr);
    ~DiffPane() override;

    // Shows `diff`. A refresh that still has the current file keeps it selected and keeps the
    // view on the same line of it; list and view are updated in place, painted once.
    void setDiff(const git::Diff &diff);
    const git::Diff &diff() const;

    // Qt::Horizontal: the list left of the view (the default); Qt::Vertical: above it, for
    // narrow places.
    void setOrientation(Qt::Orientation orientation);

    void setMode(DiffMode mode);
    DiffMode mode() const;
    void setHideWhitespace(bool hide);
    bool hideWhitespace() const;

    // The current file's path (DiffFile::path()), empty without one.
    QString currentPath() const;
    void setCurrentPath(const QString &path);

    QString fileCounterText() const;
    QString summaryText() const; // "+1,204 −87"

    DiffView *view() const { return m_view; }
    QListView *fileList() const { return m_list; }
    DiffFileModel *fileModel() const { return m_model; }
    QToolBar *toolBar() const { return m_toolBar; }

Q_SIGNALS:
    void currentPathChanged(const QString &path);

protected:
    void changeEvent(QEvent *event) override;

private:
    QAction *addShortcutAction(const QString &name, const QString &text,
                               const QList<QKeySequence> &keys);
    void selectListRow(int row);
    void viewFileChanged(int file);
    void updateCounter();
    void updateSummary();

    DiffFileModel *m_model = nullptr;
    DiffView *m_view = nullptr;
    QListView *m_list = nullptr;
    QSplitter *m_splitter = nullptr;
    QToolBar *m_toolBar = nullptr;
    QAction *m_unified = nullptr;
    QAction *m_sideBySide = nullptr;
    QAction *m_hideWhitespace = nullptr;
    QLabel *m_counter = nullptr;
    QLabel *m_summary = nullptr;
    QString m_summaryText;
    QString m_currentPath;
    bool m_syncing = false;
};

} // namespace squad
