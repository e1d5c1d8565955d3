// Evaluating a parsed expression. Every result carries the taint of every operand that
// produced it; every failure is a Result error whose message names types, never values.
#include <cmath>

#include "flow/expression.h"
#include "flow/expression_ast.h"
#include "flow/variables.h"

namespace keyline::flow {
namespace {

// Longer expressions are refused when the app is loaded: they are not hand-written
// conditions, and the cap bounds the evaluator's recursion.
constexpr std::size_t kMaxExpressionLength = 4096;

Error type_error(std::string_view op, const Value& a, const Value& b) {
  return make_error("expression", "'" + std::string(op) + "' cannot combine a " +
                                      std::string(a.kind_name()) + " and a " +
                                      std::string(b.kind_name()));
}

// Numbers for arithmetic and ordering: numbers as they are, numeric strings (keys the caller
// pressed) converted, booleans as 0/1. Anything else is not a number.
std::optional<double> numeric(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNumber:
      return v.as_number();
    case Value::Kind::kBool:
      return v.as_bool() ? 1.0 : 0.0;
    case Value::Kind::kString:
      if (v.as_string().empty()) return std::nullopt;  // "" + 1 is a mistake, not 1
      return parse_number(v.as_string());
    default:
      return std::nullopt;
  }
}

// == between different kinds: a number equals a string holding that number (so a collected
// "42" == 42); everything else compares by kind and data.
bool loosely_equal(const Value& a, const Value& b) {
  if (a.kind() == b.kind()) return a == b;
  const bool num_str = (a.kind() == Value::Kind::kNumber && b.kind() == Value::Kind::kString) ||
                       (a.kind() == Value::Kind::kString && b.kind() == Value::Kind::kNumber);
  if (!num_str) return false;
  auto x = numeric(a);
  auto y = numeric(b);
  return x && y && *x == *y;
}

Result<Value> binary(const std::string& op, const Value& a, const Value& b) {
  const bool tainted = a.is_private() || b.is_private();
  if (op == "==") return Value::boolean(loosely_equal(a, b), tainted);
  if (op == "!=") return Value::boolean(!loosely_equal(a, b), tainted);
  if (op == "+" && (a.kind() == Value::Kind::kString || b.kind() == Value::Kind::kString)) {
    if (a.kind() == Value::Kind::kList || a.kind() == Value::Kind::kMap ||
        b.kind() == Value::Kind::kList || b.kind() == Value::Kind::kMap)
      return type_error(op, a, b);
    return Value::string(a.to_text() + b.to_text(), tainted);
  }
  if (op == "<" || op == ">" || op == "<=" || op == ">=") {
    int cmp = 0;
    if (a.kind() == Value::Kind::kString && b.kind() == Value::Kind::kString) {
      cmp = a.as_string().compare(b.as_string());
    } else {
      auto x = numeric(a);
      auto y = numeric(b);
      if (!x || !y) return type_error(op, a, b);
      if (std::isnan(*x) || std::isnan(*y)) return Value::boolean(false, tainted);
      cmp = *x < *y ? -1 : (*x > *y ? 1 : 0);
    }
    const bool r = op == "<" ? cmp < 0 : op == ">" ? cmp > 0 : op == "<=" ? cmp <= 0 : cmp >= 0;
    return Value::boolean(r, tainted);
  }
  auto x = numeric(a);
  auto y = numeric(b);
  if (!x || !y) return type_error(op, a, b);
  if (op == "+") return Value::number(*x + *y, tainted);
  if (op == "-") return Value::number(*x - *y, tainted);
  if (op == "*") return Value::number(*x * *y, tainted);
  if (*y == 0) return make_error("expression", "division by zero");
  if (op == "/") return Value::number(*x / *y, tainted);
  return Value::number(std::fmod(*x, *y), tainted);  // "%"
}

class Evaluator {
 public:
  explicit Evaluator(const Variables& variables) : variables_(variables) {}

  Result<Value> eval(const ExprNode& node) {
    using Kind = ExprNode::Kind;
    switch (node.kind) {
      case Kind::kLiteral:
        return node.value;
      case Kind::kVariable:
        return variable(node);
      case Kind::kNot: {
        auto v = eval(*node.children[0]);
        if (!v) return v;
        return Value::boolean(!v->truthy(), v->is_private());
      }
      case Kind::kNegate: {
        auto v = eval(*node.children[0]);
        if (!v) return v;
        auto x = numeric(*v);
        if (!x)
          return make_error("expression",
                            "'-' needs a number, not a " + std::string(v->kind_name()));
        return Value::number(-*x, v->is_private());
      }
      case Kind::kAnd:
      case Kind::kOr: {
        auto left = eval(*node.children[0]);
        if (!left) return left;
        const bool is_and = node.kind == Kind::kAnd;
        // Short-circuit: the right side is not evaluated, but the result still depends on
        // the left side, so it keeps the left side's taint.
        if (left->truthy() != is_and) return Value::boolean(!is_and, left->is_private());
        auto right = eval(*node.children[1]);
        if (!right) return right;
        return Value::boolean(right->truthy(), left->is_private() || right->is_private());
      }
      case Kind::kBinary: {
        auto left = eval(*node.children[0]);
        if (!left) return left;
        auto right = eval(*node.children[1]);
        if (!right) return right;
        return binary(node.name, *left, *right);
      }
      case Kind::kCall: {
        std::vector<Value> args;
        for (const auto& child : node.children) {
          auto v = eval(*child);
          if (!v) return v;
          args.push_back(std::move(*v));
        }
        return call_function(node.name, args);
      }
      case Kind::kList: {
        Value::List items;
        for (const auto& child : node.children) {
          auto v = eval(*child);
          if (!v) return v;
          items.push_back(std::move(*v));
        }
        return Value::list(std::move(items));
      }
      case Kind::kMap: {
        Value::Map members;
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          auto v = eval(*node.children[i]);
          if (!v) return v;
          members.emplace_back(node.keys[i], std::move(*v));
        }
        return Value::map(std::move(members));
      }
    }
    return Value();
  }

 private:
  // The longest run of leading names that is a stored variable is the variable ("session.
  // connection.ani" is one variable); the remaining steps walk into its value.
  Result<Value> variable(const ExprNode& node) {
    std::size_t names = 0;
    while (names < node.steps.size() && !node.steps[names].index) ++names;
    std::string name;
    std::vector<std::string> prefixes;
    for (std::size_t i = 0; i < names; ++i) {
      name += (i ? "." : "") + node.steps[i].name;
      prefixes.push_back(name);
    }
    std::size_t used = 0;
    const Value* root = nullptr;
    for (std::size_t i = names; i > 0 && !root; --i) {
      root = variables_.find(prefixes[i - 1]);
      used = i;
    }
    if (!root) return Value();  // unknown variables are null, as in {{placeholders}}
    Value current = *root;
    for (std::size_t i = used; i < node.steps.size(); ++i) {
      const PathStep& step = node.steps[i];
      if (!step.index) {
        current = current.member(step.name);
        continue;
      }
      auto index = eval(*step.index);
      if (!index) return index;
      Value next;
      if (index->kind() == Value::Kind::kNumber) {
        const double d = index->as_number();
        next = (d == std::floor(d) && std::abs(d) < 1e15) ? current.element(static_cast<long>(d))
                                                          : Value().taint(current.is_private());
      } else if (index->kind() == Value::Kind::kString) {
        next = current.member(index->as_string());
      } else {
        return make_error("expression", "an index must be a number or a string, not a " +
                                            std::string(index->kind_name()));
      }
      // Which element was chosen depends on the index: a private index taints the result.
      current = std::move(next.taint(index->is_private()));
    }
    return current;
  }

  const Variables& variables_;
};

void collect_variables(const ExprNode& node, std::vector<std::string>& out) {
  if (node.kind == ExprNode::Kind::kVariable) {
    std::string name;
    for (const auto& step : node.steps) {
      if (step.index) break;
      name += (name.empty() ? "" : ".") + step.name;
    }
    out.push_back(std::move(name));
  }
  for (const auto& step : node.steps) {
    if (step.index) collect_variables(*step.index, out);
  }
  for (const auto& child : node.children) collect_variables(*child, out);
}

}  // namespace

Result<Expression> Expression::parse(std::string_view text) {
  if (text.size() > kMaxExpressionLength)
    return make_error("expression", "an expression may have at most " +
                                        std::to_string(kMaxExpressionLength) + " characters");
  auto tree = parse_expression_tree(text);
  if (!tree) return tree.error();
  Expression e;
  e.root_ = std::move(*tree);
  e.text_ = std::string(text);
  return e;
}

Result<Value> Expression::evaluate(const Variables& variables) const {
  if (!root_) return Value();
  return Evaluator(variables).eval(*root_);
}

std::vector<std::string> Expression::variables_read() const {
  std::vector<std::string> out;
  if (root_) collect_variables(*root_, out);
  return out;
}

}  // namespace keyline::flow
