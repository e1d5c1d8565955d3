// Internal to the expression files: the parsed tree.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

struct ExprNode;
using ExprPtr = std::shared_ptr<const ExprNode>;

// One step after a variable's root: `.name` or `[expression]`.
struct PathStep {
  std::string name;  // for `.name`
  ExprPtr index;     // for `[expression]`
};

struct ExprNode {
  enum class Kind {
    kLiteral,   // value
    kVariable,  // steps: leading names form the variable name, the rest is a path into it
    kNot,       // children[0]
    kNegate,    // children[0]
    kBinary,    // op, children[0], children[1]
    kAnd,       // children[0], children[1] (short-circuit)
    kOr,        // children[0], children[1] (short-circuit)
    kCall,      // name, children = arguments
    kList,      // children = items
    kMap,       // keys[i] -> children[i]
  };
  Kind kind = Kind::kLiteral;
  Value value;
  std::string name;  // function name, or the operator of a kBinary ("+", "==", ...)
  std::vector<PathStep> steps;
  std::vector<std::string> keys;
  std::vector<ExprPtr> children;
};

// Parses a whole expression; errors say "at character N: ...".
Result<ExprPtr> parse_expression_tree(std::string_view text);

// Calls a built-in function on evaluated arguments (expression_functions.cc).
Result<Value> call_function(const std::string& name, const std::vector<Value>& args);
// True when `name` is a built-in function taking `count` arguments.
bool is_known_function(std::string_view name, std::size_t count, std::string* problem);

}  // namespace keyline::flow
