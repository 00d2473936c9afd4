// The demo's Loyalty service: levels and points per customer, reached by Thrift with no generated
// code (the gateway parses this file at run time; connectors/loyalty.yaml points at it).
namespace js tessera.loyalty.v1

enum LoyaltyLevel {
  BRONZE = 1,
  SILVER = 2,
  GOLD = 3,
  PLATINUM = 4,
}

struct LoyaltyAccount {
  1: required string customerId,
  2: required LoyaltyLevel level,
  // The points balance: an i64, so it may pass 2^53.
  3: required i64 pointsBalance,
  // The day the current points expire (YYYY-MM-DD); absent when they never do.
  4: optional string pointsExpireOn,
}

// The service cannot answer right now (a declared exception: the gateway names it to callers).
exception LoyaltyUnavailable {
  1: string reason,
}

service LoyaltyService {
  // One call answers many customers, in no particular order; unknown ids are left out.
  list<LoyaltyAccount> getAccounts(1: list<string> customerIds) throws (1: LoyaltyUnavailable unavailable),
}
