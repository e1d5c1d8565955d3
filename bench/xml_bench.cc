// XML answers into variables (flow/xml_value.h): what a SOAP or REST XML answer costs the
// worker that parses it. Figures in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <string>

#include "flow/soap_module.h"
#include "flow/web_request.h"
#include "flow/xml_value.h"

namespace {

// A SOAP answer with `items` order lines (about 110 bytes each).
std::string soap_answer(int items) {
  std::string body =
      R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>)"
      R"(<m:GetOrderResponse xmlns:m="urn:orders"><Order id="A-17"><Status>shipped</Status>)";
  for (int i = 0; i < items; ++i)
    body += "<Line sku=\"SKU-" + std::to_string(i) +
            "\"><Name>Widget</Name><Qty>2</Qty><Price>9.99</Price></Line>";
  body += "</Order></m:GetOrderResponse></s:Body></s:Envelope>";
  return body;
}

void BM_SoapAnswer(benchmark::State& state) {
  keyline::flow::WebResponse response;
  response.status = 200;
  response.body = soap_answer(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto result = keyline::flow::read_soap_response(response, false);
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(response.body.size()));
}
BENCHMARK(BM_SoapAnswer)->Arg(1)->Arg(20)->Arg(500);

void BM_MalformedXml(benchmark::State& state) {
  std::string body = soap_answer(20);
  body.resize(body.size() / 2);  // cut in the middle
  for (auto _ : state) {
    auto result = keyline::flow::parse_xml_value(body, false);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_MalformedXml);

}  // namespace

BENCHMARK_MAIN();
