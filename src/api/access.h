// Who may see and change an app or a deployment (issue 9: ownership and
// sharing). The rule, in one place so every route applies the same one:
//   - admin: everything;
//   - the owner: read, write, delete and share it;
//   - a user it is shared with (directly, or through a team they belong to):
//     read it, and write it when their role allows writes (developer);
//     never delete or re-share it (403);
//   - anyone else: it does not exist for them (404, the same answer as for
//     a name nobody uses, so names are not disclosed), and lists leave it out.
// Without a team repository (ApiDependencies::teams null) everything is
// visible, as before sharing existed.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "api/api_service.h"

namespace keyline::api {

enum class Need { kRead, kWrite, kManage };

// "app" or "deployment": the kind column of the shares table.
inline constexpr const char* kAppKind = "app";
inline constexpr const char* kDeploymentKind = "deployment";

// What `who` may do with one record it names. kHidden: answer 404.
enum class Grant { kHidden, kRead, kWrite, kManage };
Result<Grant> grant_for(const ApiService& api, const Principal& who, const std::string& kind,
                        const std::string& target, const std::string& owner);

// The answer when `who` lacks `need` on the record: 404 when it is hidden,
// 403 when it is visible but not enough; nullopt when allowed. `what` names
// the record in the 404's detail ("no app named 'x'").
std::optional<Response> deny(const ApiService& api, const Principal& who, const std::string& kind,
                             const std::string& target, const std::string& owner, Need need,
                             const std::string& not_found_detail);

// Loads the app and applies deny(); an absent app is allowed through, so the
// route answers its own 404.
std::optional<Response> deny_app(const ApiService& api, const Principal& who,
                                 const std::string& name, Need need);

// For lists: whether `who` sees everything (admin, or no team repository),
// else the targets of `kind` shared with them. Records they own are visible too.
struct Visibility {
  bool all = false;
  std::set<std::string> shared;
  std::string email;
  bool sees(const std::string& target, const std::string& owner) const {
    return all || owner == email || shared.count(target) > 0;
  }
};
Result<Visibility> visibility(const ApiService& api, const Principal& who, const std::string& kind);

}  // namespace keyline::api
