// SPDX-License-Identifier: MIT
#pragma once

#include <QGroupBox>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace squad {

// Preferences → General → "Warm pool": how many ready sandboxes to keep for workflow runs (the
// default template's, and others as "python=2, node=1"), and whether they stay when the
// console quits. Keys pool/size, pool/otherSizes, pool/keepOnExit (see WarmPoolConfig).
class WarmPoolSettingsBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit WarmPoolSettingsBox(QWidget *parent = nullptr);

    void load(const QSettings &settings);
    // Whether the fields differ from what was loaded (and are valid to save).
    bool dirty() const;
    bool valid() const;
    void save(QSettings &settings);

Q_SIGNALS:
    void changed();

private:
    void check();

    QSpinBox *m_size;
    QLineEdit *m_others;
    QCheckBox *m_keep;
    QLabel *m_hint;
    int m_loadedSize = 0;
    QString m_loadedOthers;
    bool m_loadedKeep = false;
};

} // namespace squad
