// SPDX-License-Identifier: MIT
#pragma once

#include <QFuture>
#include <QPromise>

namespace squad {

// A future that is already finished with `value`: for early returns (validation errors) from
// functions that otherwise continue asynchronously.
template<class T>
QFuture<T> readyFuture(T value)
{
    QPromise<T> promise;
    promise.start();
    promise.addResult(std::move(value));
    promise.finish();
    return promise.future();
}

} // namespace squad
