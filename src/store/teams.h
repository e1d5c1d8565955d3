// Teams and sharing (issue 9): a team is a named set of user emails; an app or
// a deployment is shared with a user or a team. Who may see or change what is
// decided in api/access.h from these rows and the record's owner; this
// repository only keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::store {

struct TeamRecord {
  std::string name;
  std::string created_by;  // the creator's email: may manage it like an admin
  std::int64_t created_unix_ms = 0;
  std::vector<std::string> members;  // emails, sorted
};

// What is shared ("app" or "deployment") and with whom ("user" or "team").
struct ShareRecord {
  std::string kind;
  std::string target;
  std::string grantee_kind;
  std::string grantee;
  std::int64_t created_unix_ms = 0;
};

class TeamRepository {
 public:
  virtual ~TeamRepository() = default;
  virtual Result<std::vector<TeamRecord>> list() = 0;
  virtual Result<std::optional<TeamRecord>> get(const std::string& name) = 0;
  // Fails with kind "conflict" when the name is taken.
  virtual Status create(const TeamRecord& team) = 0;
  // Removes the team, its members and every share granted to it; false when absent.
  virtual Result<bool> remove(const std::string& name) = 0;
  // False when there is no such team. Adding a present member is not an error.
  virtual Result<bool> add_member(const std::string& team, const std::string& email) = 0;
  // False when the email was not a member.
  virtual Result<bool> remove_member(const std::string& team, const std::string& email) = 0;

  // Granting twice is not an error.
  virtual Status share(const ShareRecord& share) = 0;
  // False when there was no such share.
  virtual Result<bool> unshare(const ShareRecord& share) = 0;
  virtual Result<std::vector<ShareRecord>> shares_of(const std::string& kind,
                                                     const std::string& target) = 0;
  // The targets of `kind` shared with `email`, directly or through any team it belongs to.
  virtual Result<std::vector<std::string>> shared_with(const std::string& kind,
                                                       const std::string& email) = 0;
  // Drops every share of one target (the app or deployment was deleted).
  virtual Status remove_shares(const std::string& kind, const std::string& target) = 0;
};

}  // namespace keyline::store
