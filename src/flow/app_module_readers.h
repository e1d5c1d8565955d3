// Internal to the app loader: readers for the settings of each module type added beside the
// first six (those stay in app_parser.cc). Each reports every problem through the reader.
#pragma once

#include "flow/app_document.h"
#include "flow/app_object_reader.h"
#include "flow/app_value_reader.h"

namespace keyline::flow {

SetVariableSettings read_set_variable(ValueReader& r, ObjectReader& obj);
CounterSettings read_counter(ValueReader& r, ObjectReader& obj);
CallLogSettings read_call_log(ValueReader& r, ObjectReader& obj);

NumberSettings read_number(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
YesNoSettings read_yes_no(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
DateTimeSettings read_date_time(ValueReader& r, ObjectReader& obj, const AppSettings& settings);
CustomFieldSettings read_custom_field(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings);
DynamicMenuSettings read_dynamic_menu(ValueReader& r, ObjectReader& obj,
                                      const AppSettings& settings);
LanguageSettings read_language(ValueReader& r, ObjectReader& obj, const AppSettings& settings);

// Evaluate JS (app_js_modules.cc): scripts are compiled (not run) here, so a syntax error is
// reported at load time with its place in the document.
EvaluateJsSettings read_evaluate_js(ValueReader& r, ObjectReader& obj);
void read_js_libraries(ValueReader& r, const YAML::Node& node, std::vector<JsLibrary>& out);

}  // namespace keyline::flow
