// The expression parser: a hand-written lexer and precedence-climbing parser. Hand-written so
// that every error is a value with a position and so that nothing in it can recurse without
// bound (nesting is capped).
#include <cctype>

#include "flow/expression_ast.h"

namespace keyline::flow {
namespace {

// Deeper nesting than this is refused: it protects the evaluator's stack from a hostile or
// generated document, and no hand-written condition comes near it.
constexpr int kMaxDepth = 64;

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ExprPtr> parse() {
    ExprPtr root = parse_or();
    skip_blanks();
    if (!failed() && pos_ < text_.size()) fail("unexpected character '" + safe_char() + "'");
    if (failed()) return make_error("expression", error_);
    return root;
  }

 private:
  bool failed() const { return !error_.empty(); }

  void fail(std::string message) {
    if (failed()) return;  // the first problem is the one to fix
    error_ = "at character " + std::to_string(pos_ + 1) + ": " + std::move(message);
  }

  // Operators and brackets may be quoted in messages; other characters could be part of a
  // private literal typed into the app, so they are not.
  std::string safe_char() const {
    const char c = text_[pos_];
    if (std::ispunct(static_cast<unsigned char>(c))) return std::string(1, c);
    return "?";
  }

  void skip_blanks() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(std::string_view token) {
    skip_blanks();
    if (text_.substr(pos_, token.size()) != token) return false;
    // "=" must not match the start of "==", nor "<" of "<=", nor "!" of "!=".
    if (token.size() == 1 && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=' &&
        (token == "<" || token == ">" || token == "!" || token == "="))
      return false;
    pos_ += token.size();
    return true;
  }

  void expect(std::string_view token) {
    if (!accept(token)) fail("expected '" + std::string(token) + "'");
  }

  static ExprPtr binary(std::string op, ExprPtr l, ExprPtr r, ExprNode::Kind kind) {
    auto node = std::make_shared<ExprNode>();
    node->kind = kind;
    node->name = std::move(op);
    node->children = {std::move(l), std::move(r)};
    return node;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (!failed() && accept("||")) left = binary("||", left, parse_and(), ExprNode::Kind::kOr);
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_equality();
    while (!failed() && accept("&&"))
      left = binary("&&", left, parse_equality(), ExprNode::Kind::kAnd);
    return left;
  }

  ExprPtr parse_equality() {
    ExprPtr left = parse_relational();
    while (!failed()) {
      if (accept("==")) {
        left = binary("==", left, parse_relational(), ExprNode::Kind::kBinary);
      } else if (accept("!=")) {
        left = binary("!=", left, parse_relational(), ExprNode::Kind::kBinary);
      } else {
        break;
      }
    }
    return left;
  }

  ExprPtr parse_relational() {
    ExprPtr left = parse_additive();
    while (!failed()) {
      std::string op;
      for (std::string_view candidate : {"<=", ">=", "<", ">"}) {
        if (accept(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty()) break;
      left = binary(op, left, parse_additive(), ExprNode::Kind::kBinary);
    }
    return left;
  }

  ExprPtr parse_additive() {
    ExprPtr left = parse_multiplicative();
    while (!failed()) {
      if (accept("+")) {
        left = binary("+", left, parse_multiplicative(), ExprNode::Kind::kBinary);
      } else if (accept("-")) {
        left = binary("-", left, parse_multiplicative(), ExprNode::Kind::kBinary);
      } else {
        break;
      }
    }
    return left;
  }

  ExprPtr parse_multiplicative() {
    ExprPtr left = parse_unary();
    while (!failed()) {
      std::string op;
      for (std::string_view candidate : {"*", "/", "%"}) {
        if (accept(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op.empty()) break;
      left = binary(op, left, parse_unary(), ExprNode::Kind::kBinary);
    }
    return left;
  }

  ExprPtr parse_unary() {
    if (++depth_ > kMaxDepth) {
      fail("the expression is nested too deeply");
      return nullptr;
    }
    ExprPtr out;
    if (accept("!")) {
      auto node = std::make_shared<ExprNode>();
      node->kind = ExprNode::Kind::kNot;
      node->children.push_back(parse_unary());
      out = node;
    } else if (accept("-")) {
      auto node = std::make_shared<ExprNode>();
      node->kind = ExprNode::Kind::kNegate;
      node->children.push_back(parse_unary());
      out = node;
    } else {
      out = parse_primary();
    }
    --depth_;
    return out;
  }

  ExprPtr parse_primary() {
    skip_blanks();
    if (pos_ >= text_.size()) {
      fail("the expression ends too early");
      return nullptr;
    }
    const char c = text_[pos_];
    if (accept("(")) {
      ExprPtr inner = parse_or();
      expect(")");
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return parse_number_literal();
    if (c == '"' || c == '\'') return parse_string_literal();
    if (accept("[")) return parse_list();
    if (accept("{")) return parse_map();
    if (is_ident_start(c)) return parse_name();
    fail("unexpected character '" + safe_char() + "'");
    return nullptr;
  }

  ExprPtr literal(Value v) {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kLiteral;
    node->value = std::move(v);
    return node;
  }

  ExprPtr parse_number_literal() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    auto v = parse_number(text_.substr(start, pos_ - start));
    if (!v) {
      fail("bad number");
      return nullptr;
    }
    return literal(Value::number(*v));
  }

  ExprPtr parse_string_literal() {
    const char quote = text_[pos_++];
    std::string s;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char ch = text_[pos_++];
      if (ch == '\\' && pos_ < text_.size()) {
        const char esc = text_[pos_++];
        ch = esc == 'n' ? '\n' : esc == 't' ? '\t' : esc;
      }
      s += ch;
    }
    if (pos_ >= text_.size()) {
      fail("unterminated string");
      return nullptr;
    }
    ++pos_;  // closing quote
    return literal(Value::string(std::move(s)));
  }

  ExprPtr parse_list() {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kList;
    if (accept("]")) return node;
    do {
      node->children.push_back(parse_or());
    } while (!failed() && accept(","));
    expect("]");
    return node;
  }

  ExprPtr parse_map() {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kMap;
    if (accept("}")) return node;
    do {
      skip_blanks();
      std::string key;
      if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
        ExprPtr k = parse_string_literal();
        if (!k) return nullptr;
        key = k->value.as_string();
      } else {
        key = read_identifier();
        if (key.empty()) fail("expected a key");
      }
      expect(":");
      node->keys.push_back(std::move(key));
      node->children.push_back(parse_or());
    } while (!failed() && accept(","));
    expect("}");
    return node;
  }

  std::string read_identifier() {
    skip_blanks();
    const std::size_t start = pos_;
    if (pos_ < text_.size() && is_ident_start(text_[pos_])) {
      while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  ExprPtr parse_name() {
    std::string name = read_identifier();
    if (name == "true") return literal(Value::boolean(true));
    if (name == "false") return literal(Value::boolean(false));
    if (name == "null") return literal(Value());
    if (accept("(")) return parse_call(std::move(name));
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kVariable;
    node->steps.push_back(PathStep{std::move(name), nullptr});
    while (!failed()) {
      // A step must follow without blanks, so `a . b` is not a path (it is an error).
      if (pos_ < text_.size() && text_[pos_] == '.') {
        ++pos_;
        std::string step = read_identifier();
        if (step.empty()) fail("expected a name after '.'");
        node->steps.push_back(PathStep{std::move(step), nullptr});
      } else if (pos_ < text_.size() && text_[pos_] == '[') {
        ++pos_;
        ExprPtr index = parse_or();
        expect("]");
        node->steps.push_back(PathStep{"", std::move(index)});
      } else {
        break;
      }
    }
    return node;
  }

  ExprPtr parse_call(std::string name) {
    auto node = std::make_shared<ExprNode>();
    node->kind = ExprNode::Kind::kCall;
    if (!accept(")")) {
      do {
        node->children.push_back(parse_or());
      } while (!failed() && accept(","));
      expect(")");
    }
    std::string problem;
    if (!failed() && !is_known_function(name, node->children.size(), &problem)) fail(problem);
    node->name = std::move(name);
    return node;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
};

}  // namespace

Result<ExprPtr> parse_expression_tree(std::string_view text) { return Parser(text).parse(); }

}  // namespace keyline::flow
