// SPDX-License-Identifier: MIT
#include "warmpoolsettings.h"

#include "ops/warmpool.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace squad {

WarmPoolSettingsBox::WarmPoolSettingsBox(QWidget *parent)
    : QGroupBox(tr("Warm pool"), parent)
    , m_size(new QSpinBox(this))
    , m_others(new QLineEdit(this))
    , m_keep(new QCheckBox(tr("&Keep the pool when Squad Console quits"), this))
    , m_hint(new QLabel(this))
{
    setObjectName(u"warmPoolBox"_s);
    m_size->setObjectName(u"poolSizeSpin"_s);
    m_size->setRange(0, WarmPoolConfig::MaxSize);
    m_size->setSpecialValueText(tr("Off"));
    m_size->setAccessibleName(tr("Ready sandboxes of the default template"));
    m_others->setObjectName(u"poolOtherSizesEdit"_s);
    m_others->setPlaceholderText(u"python=2, node=1"_s);
    m_others->setAccessibleName(tr("Ready sandboxes of other templates"));
    m_keep->setObjectName(u"poolKeepCheck"_s);
    m_hint->setWordWrap(true);
    m_hint->setFont([f = m_hint->font()]() mutable {
        f.setPointSizeF(f.pointSizeF() * 0.9);
        return f;
    }());

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(tr("Ready sandboxes of the &default template:"), m_size);
    form->addRow(tr("Other &templates:"), m_others);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_keep);
    layout->addWidget(m_hint);

    connect(m_size, &QSpinBox::valueChanged, this, &WarmPoolSettingsBox::check);
    connect(m_others, &QLineEdit::textChanged, this, &WarmPoolSettingsBox::check);
    connect(m_keep, &QCheckBox::toggled, this, &WarmPoolSettingsBox::changed);
    check();
}

void WarmPoolSettingsBox::load(const QSettings &settings)
{
    // The fields show the settings, not SANDBOX_POOL_SIZE's override (the hint names it).
    m_loadedSize = std::clamp(settings.value(u"pool/size"_s, 0).toInt(), 0, WarmPoolConfig::MaxSize);
    m_loadedOthers = settings.value(u"pool/otherSizes"_s).toString();
    m_loadedKeep = settings.value(u"pool/keepOnExit"_s, false).toBool();
    const QSignalBlocker sizeBlocker(m_size);
    const QSignalBlocker othersBlocker(m_others);
    const QSignalBlocker keepBlocker(m_keep);
    m_size->setValue(m_loadedSize);
    m_others->setText(m_loadedOthers);
    m_keep->setChecked(m_loadedKeep);
    check();
}

bool WarmPoolSettingsBox::valid() const
{
    return WarmPoolConfig::parseSizes(m_others->text()).has_value();
}

bool WarmPoolSettingsBox::dirty() const
{
    return valid()
           && (m_size->value() != m_loadedSize || m_others->text().trimmed() != m_loadedOthers
               || m_keep->isChecked() != m_loadedKeep);
}

void WarmPoolSettingsBox::save(QSettings &settings)
{
    auto others = WarmPoolConfig::parseSizes(m_others->text());
    if (!others)
        return;
    m_loadedSize = m_size->value();
    m_loadedOthers = WarmPoolConfig::sizesText(*others);
    m_loadedKeep = m_keep->isChecked();
    settings.setValue(u"pool/size"_s, m_loadedSize);
    settings.setValue(u"pool/otherSizes"_s, m_loadedOthers);
    settings.setValue(u"pool/keepOnExit"_s, m_loadedKeep);
    const QSignalBlocker blocker(m_others);
    m_others->setText(m_loadedOthers);
}

void WarmPoolSettingsBox::check()
{
    auto others = WarmPoolConfig::parseSizes(m_others->text());
    if (!others) {
        m_hint->setText(others.error().message());
    } else {
        QString hint = tr("Workflow runs take a ready sandbox from the pool instead of waiting "
                          "for a new one; the pool is refilled in the background and filled "
                          "at start.");
        if (auto fromEnvironment = WarmPoolConfig::environmentSize()) {
            hint += u' ' + tr("SANDBOX_POOL_SIZE sets the default template's size to %1 while it "
                              "is set.").arg(*fromEnvironment);
        }
        m_hint->setText(hint);
    }
    Q_EMIT changed();
}

} // namespace squad
