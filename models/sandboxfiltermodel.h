// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/sandboxrecord.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace squad {

class SandboxTableModel;

// Sorts by raw values, compared straight from the records rather than through QVariant so that
// 100,000 rows sort well within 150 ms, and filters by a search text (case-insensitive, over
// every column's text) and by status. Source must be a SandboxTableModel.
class SandboxFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit SandboxFilterModel(QObject *parent = nullptr);

    void setSandboxModel(SandboxTableModel *model);
    SandboxTableModel *sandboxModel() const { return m_model; }

    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    // std::nullopt = every status.
    void setStatusFilter(std::optional<SandboxStatus> status);
    std::optional<SandboxStatus> statusFilter() const { return m_status; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    SandboxTableModel *m_model = nullptr;
    QString m_search;
    std::optional<SandboxStatus> m_status;
};

} // namespace squad
