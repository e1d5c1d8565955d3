// The test of one Compare Variable row, kept apart from the interpreter so the rules for
// numbers (which follow JavaScript's Number(), as Plum Fuse users expect) are tested directly.
#pragma once

#include <string_view>

#include "flow/app_document.h"

namespace keyline::flow {

// kString compares bytes ("9" > "100"). kNumber converts both sides like JavaScript's Number():
// surrounding blanks ignored, "" is 0, anything not a number is NaN — and every comparison with
// NaN is false except !=. kBoolean reads true/yes/1 and false/no/0/"" in any case.
bool compare_values(std::string_view left, CompareOp op, std::string_view right, CompareType type);

}  // namespace keyline::flow
