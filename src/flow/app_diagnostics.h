// Internal to the app loader: collects every problem found in a document so the builder sees
// them all at once, each as "file:line:col: message".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "flow/app_document.h"

namespace keyline::flow {

class AppDiagnostics {
 public:
  explicit AppDiagnostics(std::string_view file_name) : file_name_(file_name) {}

  void add(SourcePos pos, std::string message);
  bool empty() const { return problems_.empty(); }
  // All problems in document order, one per line.
  std::string text() const;
  // The document's file name as given to parse_app (a SOAP module's local WSDL is beside it).
  const std::string& file_name() const { return file_name_; }

 private:
  struct Problem {
    SourcePos pos;
    std::string message;
  };
  std::string file_name_;
  std::vector<Problem> problems_;
};

// Cross-reference checks once every module is read: unique names, exit targets that exist,
// a start page that exists. Fills in Target::module for page-only targets.
void check_app_links(AppDocument& app, AppDiagnostics& diagnostics);

}  // namespace keyline::flow
