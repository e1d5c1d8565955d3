#include "api/router.h"

#include <gtest/gtest.h>

namespace keyline::api {
namespace {

Response text(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

TEST(RouterTest, MatchesParametersAndSeparatesMethodsFromPaths) {
  Router router;
  router.add("GET", "/v1/apps", [](Request&) { return text("list"); });
  router.add("GET", "/v1/apps/{name}", [](Request& r) { return text("get " + r.params["name"]); });
  router.add("PUT", "/v1/apps/{name}", [](Request& r) { return text("put " + r.params["name"]); });
  Request req;
  req.method = "GET";
  req.path = "/v1/apps/";
  EXPECT_EQ(router.dispatch(req).body, "list");
  req.path = "/v1/apps/sales%2Dline";
  EXPECT_EQ(router.dispatch(req).body, "get sales-line");
  req.method = "PUT";
  EXPECT_EQ(router.dispatch(req).body, "put sales-line");
  req.method = "DELETE";
  auto r = router.dispatch(req);
  EXPECT_EQ(r.status, 405);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "GET, PUT");
  req.method = "GET";
  req.path = "/v1/apps/a/b";
  EXPECT_EQ(router.dispatch(req).status, 404);
  req.path = "/v1/apps/a%2Fb";
  EXPECT_EQ(router.dispatch(req).status, 400) << "an encoded '/' must not split or join segments";
  req.path = "/v1/apps/%4";
  EXPECT_EQ(router.dispatch(req).status, 400);
}

TEST(RouterTest, ListsItsRoutes) {
  Router router;
  router.add("GET", "/a", [](Request&) { return text(""); });
  router.add("POST", "/b/{x}", [](Request&) { return text(""); });
  auto routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].pattern, "/b/{x}");
}

}  // namespace
}  // namespace keyline::api
