// Expressions: the small, safe language of Set Variable rows and conditions (docs/apps.md,
// "Expressions"). It has literals, variables with paths (`order.items[0].sku`), arithmetic,
// comparison, && || !, string concatenation with +, and a few functions — and nothing that can
// loop, call out or run code. Parsing happens once, when the app is loaded; evaluation returns
// errors as values. Taint: any private operand makes the result private, so a value derived
// from a card number is as private as the card number.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

class Variables;
struct ExprNode;  // expression_ast.h

class Expression {
 public:
  Expression() = default;  // evaluates to null
  // Parses `text`. Errors say where ("at character 7: ...") and never quote the text.
  static Result<Expression> parse(std::string_view text);

  // Never throws; errors (wrong types, division by zero, unknown function arguments) are
  // returned with kind "expression" and a message that names no value.
  Result<Value> evaluate(const Variables& variables) const;

  // Every variable name the expression may read, as written at its root: for
  // `order.items[0]` that is "order.items" (the longest dotted name) — the flow analysis of
  // `keyline validate` resolves these against module names.
  std::vector<std::string> variables_read() const;

  const std::string& text() const { return text_; }

 private:
  std::shared_ptr<const ExprNode> root_;  // shared: a parsed tree is immutable
  std::string text_;
};

}  // namespace keyline::flow
