// SPDX-License-Identifier: MIT
#include "warmpoolcontrol.h"

#include "console/consolebackend.h"
#include "console/consolesettings.h"
#include "ops/warmpool.h"

#include <QAction>
#include <QMessageBox>
#include <QPushButton>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace squad {

namespace {

WarmPoolConfig configFrom(QSettings *settings, const ConsoleBackend *backend)
{
    const QString defaultTemplate = backend ? backend->defaultTemplate() : u"base"_s;
    if (settings)
        return WarmPoolConfig::fromSettings(*settings, defaultTemplate);
    return WarmPoolConfig::fromSettings(ConsoleSettings(), defaultTemplate);
}

} // namespace

WarmPoolControl::WarmPoolControl(ConsoleBackend *backend, QWidget *window)
    : QObject(window)
    , m_backend(backend)
    , m_window(window)
    , m_emptyAction(new QAction(tr("Empty &Warm Pool…"), window))
{
    m_emptyAction->setObjectName(u"emptyPoolAction"_s);
    m_emptyAction->setStatusTip(tr("Terminate the ready sandboxes the warm pool keeps for "
                                   "workflow runs"));
    m_emptyAction->setEnabled(backend != nullptr);
    connect(m_emptyAction, &QAction::triggered, this, &WarmPoolControl::confirmEmpty);
    if (backend) {
        connect(backend, &ConsoleBackend::poolRefilled, this, [this](const WarmPoolReport &report) {
            if (!report.created.isEmpty() || !report.succeeded())
                Q_EMIT message(report.summary());
        });
    }
}

void WarmPoolControl::start()
{
    if (m_started || !m_backend || !configFrom(m_settings, m_backend).enabled())
        return;
    m_started = true;
    m_backend->fillPool().then(this, [this](const Result<WarmPoolReport> &filled) {
        if (!filled)
            Q_EMIT message(tr("Warm pool: %1").arg(filled.error().message()));
        else if (!filled->created.isEmpty() || !filled->succeeded())
            Q_EMIT message(filled->summary());
    });
}

bool WarmPoolControl::readyToClose()
{
    if (m_closeAllowed || !m_backend || m_draining)
        return m_closeAllowed || !m_backend;
    // Only what this session filled is emptied: a pool never started here is left alone.
    if (!m_started || configFrom(m_settings, m_backend).keepOnExit)
        return true;
    empty(true);
    return false;
}

void WarmPoolControl::confirmEmpty()
{
    if (!m_backend || m_draining)
        return;
    m_backend->poolStatus().then(this, [this](const Result<QList<WarmPoolEntry>> &entries) {
        if (!entries) {
            Q_EMIT message(tr("Warm pool: %1").arg(entries.error().message()));
            return;
        }
        int count = 0;
        QStringList lines;
        for (const WarmPoolEntry &entry : *entries) {
            count += int(entry.ids.size());
            if (!entry.ids.isEmpty())
                lines << (entry.ids.size() == 1
                              ? tr("• %1: 1 sandbox at %2").arg(entry.templateId, entry.provider)
                              : tr("• %1: %2 sandboxes at %3")
                                    .arg(entry.templateId)
                                    .arg(entry.ids.size())
                                    .arg(entry.provider));
        }
        auto *box = new QMessageBox(m_window);
        box->setObjectName(u"emptyPoolConfirmation"_s);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::WindowModal);
        box->setWindowTitle(tr("Empty Warm Pool"));
        if (count == 0) {
            box->setIcon(QMessageBox::Information);
            box->setText(tr("The warm pool is empty."));
            box->setStandardButtons(QMessageBox::Ok);
            box->open();
            return;
        }
        box->setIcon(QMessageBox::Warning);
        box->setText(count == 1 ? tr("Terminate the 1 pooled sandbox?")
                                : tr("Terminate the %1 pooled sandboxes?").arg(count));
        box->setInformativeText(lines.join(u'\n') + u"\n\n"_s
                                + tr("Sandboxes workflow runs have taken are left running. The "
                                     "pool is refilled at the next start while a size is set."));
        box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
        box->button(QMessageBox::Yes)->setText(tr("&Terminate %1").arg(count));
        box->setDefaultButton(QMessageBox::Cancel);
        connect(box, &QMessageBox::buttonClicked, this, [this, box](QAbstractButton *button) {
            if (button == box->button(QMessageBox::Yes))
                empty(false);
        });
        box->open();
    });
}

void WarmPoolControl::empty(bool closing)
{
    m_draining = true;
    m_emptyAction->setEnabled(false);
    Q_EMIT message(tr("Emptying the warm pool…"));
    m_backend->drainPool().then(this, [this, closing](const Result<WarmPoolReport> &drained) {
        m_draining = false;
        m_emptyAction->setEnabled(true);
        // Emptied on request: not refilled again by this session until the next start.
        m_started = false;
        Q_EMIT message(drained ? drained->summary()
                               : tr("Warm pool: %1").arg(drained.error().message()));
        if (closing) {
            m_closeAllowed = true;
            m_window->close();
        }
    });
}

} // namespace squad
