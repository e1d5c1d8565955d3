// Reader for a SOAP module's WSDL (docs/apps.md, "soap", WSDL). A WSDL file beside the app is
// read and checked when the app loads, so `keyline validate` reports a bad one; an https URL is
// fetched when a call first needs it (interpreter_soap.cc), cached per worker.
#include <cstdio>

#include "flow/app_module_readers.h"
#include "flow/soap_wsdl.h"

namespace keyline::flow {
namespace {

// A file name in the app's folder: no folders, nothing hidden (it must not reach other files).
bool is_local_wsdl_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  return name.find_first_of("/\\") == std::string_view::npos;
}

// stdio, not iostreams or <filesystem>: they bring std::quoted, which ADL would pick over the
// readers' own single_quoted().
Result<std::string> read_local_file(const std::string& app_file, const std::string& name) {
  const auto slash = app_file.rfind('/');
  const std::string path = (slash == std::string::npos ? "" : app_file.substr(0, slash + 1)) + name;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Error{"wsdl", "cannot read " + path};
  std::string text;
  char chunk[8192];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0 && text.size() <= kMaxWsdlBytes)
    text.append(chunk, got);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Error{"wsdl", "cannot read " + path};
  if (text.size() > kMaxWsdlBytes) return Error{"wsdl", path + " is larger than 2 MiB"};
  return text;
}

}  // namespace

void read_soap_wsdl(ValueReader& r, ObjectReader& obj, const YAML::Node& wsdl, bool has_version,
                    SoapSettings& out) {
  std::string where;
  if (!r.read_string(wsdl, "wsdl", where)) return;
  if (auto n = obj.required("operation")) r.read_string(*n, "operation", out.operation);
  if (auto n = obj.get("parameters")) read_header_pairs(r, *n, "parameters", out.parameters);
  if (where.rfind("https://", 0) == 0) {
    // Fetched by the call; its problems take the module's error exit then.
    out.wsdl_url = where;
    out.wsdl_version = has_version;
    return;
  }
  if (!is_local_wsdl_name(where)) {
    r.diagnostics().add(pos_of(wsdl),
                        "'wsdl' must be an https:// URL or a file name in the app's folder");
    return;
  }
  auto text = read_local_file(r.diagnostics().file_name(), where);
  auto parsed = text ? parse_wsdl(*text) : Result<Wsdl>(text.error());
  if (!parsed) {
    r.diagnostics().add(pos_of(wsdl), "'wsdl': " + parsed.error().message);
    return;
  }
  if (out.operation.empty()) return;  // reported above
  const auto version = has_version ? std::optional(out.version) : std::nullopt;
  const WsdlOperation* op = parsed->find(out.operation, version);
  if (!op) {
    r.diagnostics().add(pos_of(wsdl), "'wsdl' has no SOAP operation '" + out.operation + "'" +
                                          (has_version ? " in a binding of that version" : ""));
    return;
  }
  if (auto applied = apply_wsdl_operation(*op, out); !applied)
    r.diagnostics().add(pos_of(wsdl), "'wsdl': " + applied.error().message);
}

}  // namespace keyline::flow
