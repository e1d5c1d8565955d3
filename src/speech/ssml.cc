#include "speech/ssml.h"

#include <algorithm>
#include <array>
#include <optional>

#include "speech/say_as.h"
#include "speech/ssml_values.h"
#include "speech/wipe.h"

namespace keyline::speech {
namespace {

// The pause between a telephone number's digit groups.
constexpr int kGroupPauseMs = 300;
constexpr std::size_t kMaxDepth = 32;
// Speaking rates beyond these are unintelligible on a phone line.
constexpr double kMinRate = 0.5, kMaxRate = 2.0;

enum class Kind { kSpeak, kBreak, kProsody, kSayAs, kAudio, kP, kS, kSub, kEmphasis, kMark };

// Element names, in the order of Kind.
constexpr std::array<std::string_view, 10> kNames = {
    "speak", "break", "prosody", "say-as", "audio", "p", "s", "sub", "emphasis", "mark"};

std::string_view name_of(Kind k) { return kNames[static_cast<std::size_t>(k)]; }

std::optional<Kind> kind_of(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Kind>(i);
  return std::nullopt;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':';
}

struct Attr {
  std::string_view name;
  std::string value;
};

struct Frame {
  Kind kind;
  std::size_t pos;  // where the start tag began, for errors
  double rate;
  SayAs say_as = SayAs::kDigits;
  std::string format;
  std::string content;          // say-as text, collected until the end tag
  std::size_t audio_index = 0;  // <audio>: its segment in the output
};

class Parser {
 public:
  Parser(std::string_view doc, bool english) : doc_(doc), english_(english) {}
  ~Parser() {
    wipe(pending_);
    for (auto& f : stack_) wipe(f.content);
    for (auto& s : out_) wipe(s.text);  // empty unless parsing failed
  }
  Result<std::vector<Segment>> run();

 private:
  Error error_at(std::size_t pos, std::string_view what) const;
  Status text(std::size_t end);
  Status markup();
  Status start_tag();
  Status end_tag();
  Status open(Frame frame, const std::vector<Attr>& attrs, bool self_closing);
  Status close(Frame& frame);
  Result<std::string> decode(std::string_view raw, std::size_t at) const;
  std::string_view read_name();
  void skip_space() {
    while (pos_ < doc_.size() && space(doc_[pos_])) ++pos_;
  }

  void add_words(std::string_view words, double rate);
  void add_pause(int ms);
  void flush();

  std::string_view doc_;
  bool english_;
  std::size_t pos_ = 0;
  std::vector<Frame> stack_;
  bool root_seen_ = false;
  std::vector<Segment> out_;
  std::string pending_;  // words not yet made into a segment
  double pending_rate_ = 1.0;
  bool word_break_ = false;  // a space is due before the next word
  // Pauses merge only with segments from here on: never across an <audio>
  // boundary, since a clip's fallback may be skipped.
  std::size_t merge_from_ = 0;
};

Error Parser::error_at(std::size_t pos, std::string_view what) const {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < pos && i < doc_.size(); ++i) {
    column = doc_[i] == '\n' ? 1 : column + 1;
    line += doc_[i] == '\n' ? 1 : 0;
  }
  return make_error("ssml", "line " + std::to_string(line) + ", column " + std::to_string(column) +
                                ": " + std::string(what));
}

Result<std::vector<Segment>> Parser::run() {
  if (doc_.size() > kMaxSsmlBytes) return error_at(0, "document too large");
  while (pos_ < doc_.size()) {
    if (doc_[pos_] == '<') {
      if (auto s = markup(); !s) return s.error();
      continue;
    }
    std::size_t end = doc_.find('<', pos_);
    if (end == std::string_view::npos) end = doc_.size();
    if (auto s = text(end); !s) return s.error();
    pos_ = end;
  }
  if (!stack_.empty())
    return error_at(stack_.back().pos,
                    "<" + std::string(name_of(stack_.back().kind)) + "> is never closed");
  if (!root_seen_) return error_at(0, "no <speak> element");
  flush();
  return std::move(out_);
}

Status Parser::markup() {
  const std::size_t at = pos_;
  auto rest = doc_.substr(pos_);
  auto skip_to = [&](std::string_view close, std::string_view what) -> Status {
    auto end = doc_.find(close, pos_);
    if (end == std::string_view::npos)
      return error_at(at, std::string("unterminated ") + std::string(what));
    pos_ = end + close.size();
    return Ok{};
  };
  if (rest.starts_with("<!--")) return skip_to("-->", "comment");
  if (rest.starts_with("<?")) return skip_to("?>", "processing instruction");
  if (rest.starts_with("<!")) return error_at(at, "DOCTYPE and CDATA are not supported");
  if (rest.starts_with("</")) return end_tag();
  return start_tag();
}

std::string_view Parser::read_name() {
  const std::size_t start = pos_;
  if (pos_ < doc_.size() && name_start(doc_[pos_]))
    while (pos_ < doc_.size() && name_char(doc_[pos_])) ++pos_;
  return doc_.substr(start, pos_ - start);
}

Status Parser::start_tag() {
  const std::size_t at = pos_++;
  const auto name = read_name();
  if (name.empty()) return error_at(at, "expected an element name after '<'");
  const auto kind = kind_of(name);
  if (!kind)
    return error_at(at,
                    "unsupported element (the subset is speak, break, prosody, say-as, audio, p, "
                    "s, sub, emphasis, mark)");
  std::vector<Attr> attrs;
  bool self_closing = false;
  for (;;) {
    skip_space();
    if (pos_ >= doc_.size()) return error_at(at, "unterminated tag");
    if (doc_.substr(pos_).starts_with("/>")) {
      self_closing = true;
      pos_ += 2;
      break;
    }
    if (doc_[pos_] == '>') {
      ++pos_;
      break;
    }
    const std::size_t attr_at = pos_;
    const auto attr = read_name();
    skip_space();
    if (attr.empty() || pos_ >= doc_.size() || doc_[pos_] != '=')
      return error_at(attr_at, "malformed attribute (expected name=\"value\")");
    ++pos_;
    skip_space();
    if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\''))
      return error_at(pos_, "attribute value must be quoted");
    const char quote = doc_[pos_++];
    const auto end = doc_.find(quote, pos_);
    if (end == std::string_view::npos) return error_at(attr_at, "unterminated attribute value");
    const auto raw = doc_.substr(pos_, end - pos_);
    if (raw.find('<') != std::string_view::npos) return error_at(pos_, "'<' in attribute value");
    auto value = decode(raw, pos_);
    if (!value) return value.error();
    for (const auto& a : attrs)
      if (a.name == attr) return error_at(attr_at, "duplicate attribute");
    attrs.push_back({attr, std::move(*value)});
    pos_ = end + 1;
  }
  const double rate = stack_.empty() ? 1.0 : stack_.back().rate;
  return open(Frame{*kind, at, rate}, attrs, self_closing);
}

Status Parser::end_tag() {
  const std::size_t at = pos_;
  pos_ += 2;
  const auto name = read_name();
  skip_space();
  if (pos_ >= doc_.size() || doc_[pos_] != '>') return error_at(at, "malformed end tag");
  ++pos_;
  if (stack_.empty()) return error_at(at, "end tag without a start tag");
  if (kind_of(name) != stack_.back().kind)
    return error_at(at, "expected </" + std::string(name_of(stack_.back().kind)) + ">");
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  return close(frame);
}

Status Parser::text(std::size_t end) {
  const auto raw = doc_.substr(pos_, end - pos_);
  const bool blank = std::all_of(raw.begin(), raw.end(), space);
  if (stack_.empty()) {
    if (!blank) return error_at(pos_, root_seen_ ? "text after </speak>" : "text before <speak>");
    return Ok{};
  }
  Frame& top = stack_.back();
  if (top.kind == Kind::kBreak || top.kind == Kind::kMark) {
    if (!blank) return error_at(pos_, "<" + std::string(name_of(top.kind)) + "> cannot hold text");
    return Ok{};
  }
  if (top.kind == Kind::kSub) return Ok{};  // the alias is said instead
  auto decoded = decode(raw, pos_);
  if (!decoded) return decoded.error();
  if (top.kind == Kind::kSayAs)
    top.content += *decoded;
  else
    add_words(*decoded, top.rate);
  wipe(*decoded);
  return Ok{};
}

Result<std::string> Parser::decode(std::string_view raw, std::size_t at) const {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    const auto semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10 ||
        !decode_entity(raw.substr(i + 1, semi - i - 1), out))
      return error_at(at + i, "unknown or malformed entity");
    i = semi;
  }
  return out;
}

Status Parser::open(Frame frame, const std::vector<Attr>& attrs, bool self_closing) {
  auto attr = [&](std::string_view name) -> const std::string* {
    for (const auto& a : attrs)
      if (a.name == name) return &a.value;
    return nullptr;
  };
  const std::size_t at = frame.pos;
  if (stack_.empty() && root_seen_) return error_at(at, "content after </speak>");
  if (stack_.empty() && frame.kind != Kind::kSpeak)
    return error_at(at, "the document must start with <speak>");
  if (!stack_.empty()) {
    const Kind parent = stack_.back().kind;
    if (frame.kind == Kind::kSpeak) return error_at(at, "<speak> cannot be nested");
    if (parent == Kind::kSayAs || parent == Kind::kSub || parent == Kind::kBreak ||
        parent == Kind::kMark)
      return error_at(at, "<" + std::string(name_of(parent)) + "> can hold only text");
  }
  if (stack_.size() >= kMaxDepth) return error_at(at, "elements nested too deeply");

  switch (frame.kind) {
    case Kind::kSpeak:
      root_seen_ = true;
      break;
    case Kind::kBreak: {
      std::optional<int> ms = 500;  // SSML's default break is "medium"
      if (const auto* strength = attr("strength")) {
        if (!(ms = parse_break_strength(*strength)))
          return error_at(at, "break strength must be none, x-weak ... x-strong");
      }
      if (const auto* time = attr("time")) {
        ms = parse_ssml_duration(*time);
        if (!ms || *ms > kMaxBreakMs) return error_at(at, "break time must be 0ms to 10s");
      }
      add_pause(*ms);
      break;
    }
    case Kind::kProsody:
      if (const auto* rate = attr("rate")) {
        auto r = parse_ssml_rate(*rate, frame.rate);
        if (!r)
          return error_at(
              at, "prosody rate must be x-slow, slow, medium, fast, x-fast or a percentage");
        frame.rate = std::clamp(*r, kMinRate, kMaxRate);
      }
      break;
    case Kind::kSayAs: {
      const auto* type = attr("interpret-as");
      if (type == nullptr) return error_at(at, "<say-as> needs interpret-as");
      auto parsed = parse_say_as(*type);
      if (!parsed)
        return error_at(at,
                        "interpret-as must be digits, characters, number, currency, date, "
                        "time or telephone");
      frame.say_as = *parsed;
      if (const auto* format = attr("format")) frame.format = *format;
      break;
    }
    case Kind::kAudio: {
      // The clip, then its content as the fallback (counted when it closes).
      const auto* src = attr("src");
      if (src == nullptr || src->empty()) return error_at(at, "<audio> needs src");
      flush();
      out_.push_back(Segment{"", 1.0, 0, *src, 0});
      frame.audio_index = out_.size() - 1;
      merge_from_ = out_.size();
      word_break_ = true;
      break;
    }
    case Kind::kSub: {
      const auto* alias = attr("alias");
      if (alias == nullptr) return error_at(at, "<sub> needs alias");
      word_break_ = true;
      add_words(*alias, frame.rate);
      word_break_ = true;
      break;
    }
    case Kind::kP:
    case Kind::kS:
      flush();  // a sentence boundary: each sentence is synthesized on its own
      break;
    case Kind::kEmphasis:
    case Kind::kMark:
      break;
  }
  if (self_closing) return close(frame);
  stack_.push_back(std::move(frame));
  return Ok{};
}

Status Parser::close(Frame& frame) {
  if (frame.kind == Kind::kP || frame.kind == Kind::kS || frame.kind == Kind::kSpeak) flush();
  if (frame.kind == Kind::kAudio) {
    flush();
    out_[frame.audio_index].fallback = out_.size() - frame.audio_index - 1;
    merge_from_ = out_.size();
    word_break_ = true;
    return Ok{};
  }
  if (frame.kind != Kind::kSayAs) return Ok{};
  auto groups = render_say_as(frame.say_as, frame.content, frame.format, english_);
  wipe(frame.content);
  if (!groups) return error_at(frame.pos, "<say-as> " + groups.error().message);
  word_break_ = true;
  for (std::size_t i = 0; i < groups->size(); ++i) {
    if (i > 0) add_pause(kGroupPauseMs);
    add_words((*groups)[i], frame.rate);
    wipe((*groups)[i]);
  }
  word_break_ = true;
  return Ok{};
}

void Parser::add_words(std::string_view words, double rate) {
  for (char c : words) {
    if (space(c)) {
      word_break_ = true;
      continue;
    }
    if (!pending_.empty() && rate != pending_rate_) flush();
    if (pending_.empty())
      pending_rate_ = rate;
    else if (word_break_)
      pending_ += ' ';
    word_break_ = false;
    pending_ += c;
  }
}

void Parser::add_pause(int ms) {
  flush();
  if (ms <= 0) return;
  // Adjacent pauses add up; a clip is not a pause, nor is a clip's fallback
  // pause the same as one after it.
  if (out_.size() > merge_from_ && out_.back().text.empty() && out_.back().audio.empty())
    out_.back().pause_ms += ms;
  else
    out_.push_back(Segment{"", 1.0, ms});
}

void Parser::flush() {
  if (!pending_.empty()) out_.push_back(Segment{pending_, pending_rate_, 0});
  wipe(pending_);
  word_break_ = false;
}

}  // namespace

bool looks_like_ssml(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && text.substr(start).starts_with("<speak");
}

Result<std::vector<Segment>> parse_ssml(std::string_view doc, bool english) {
  return Parser(doc, english).run();
}

}  // namespace keyline::speech
