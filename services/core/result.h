// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <tl/expected.hpp>

namespace squad {

// The one result vocabulary of the project. tl::expected rather than std::expected: g++ 12 has
// no std::expected in C++20. Use and_then / transform / or_else only, so a later switch to std
// is a change of this alias.
template<class T = void>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, QString message, QString detail = {})
{
    return tl::unexpected<Error>(Error(code, std::move(message), std::move(detail)));
}

inline tl::unexpected<Error> fail(Error error)
{
    return tl::unexpected<Error>(std::move(error));
}

} // namespace squad
