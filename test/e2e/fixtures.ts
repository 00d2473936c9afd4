/** A small two-connector config used by the e2e tests that need fake upstreams they control. */
export const USERS_YAML = `
baseUrl: \${USERS_URL}
timeoutMs: 2000
operations:
  getUser:
    path: /users/{id}
    params:
      id: ID!
    result: user
  getUsers:
    path: /users
    query:
      ids: "{keys}"
    batch:
      maxSize: 3
      keyField: id
    result: items
`;

export const POSTS_YAML = `
baseUrl: \${POSTS_URL}
operations:
  postsByUser:
    path: /posts
    query:
      userIds: "{keys}"
      tag: "{tag}"
    params:
      tag: String
    batch:
      maxSize: 10
      keyField: user_id
      many: true
    result: items
`;

export const USERS_SCHEMA = `
type Query {
  user(id: ID!): User @source(connector: "users", operation: "getUser", params: { id: "{args.id}" })
  users(ids: [ID!]!): [User] @source(connector: "users", operation: "getUsers", keys: "{args.ids}")
  userB(id: ID!): User @source(connector: "users", operation: "getUsers", key: "{args.id}")
}

type User {
  id: ID!
  name: String! @map(from: "full_name")
  city: String @map(from: "address.city")
  posts(tag: String): [Post!] @source(connector: "posts", operation: "postsByUser", key: "{parent.id}", params: { tag: "{args.tag}" })
  "Posts tagged with the user's city: a param read from each parent, so parents share a call only when it is the same."
  postsFromCity: [Post!] @source(connector: "posts", operation: "postsByUser", key: "{parent.id}", params: { tag: "{parent.city}" })
}

type Post {
  id: ID!
  title: String
}
`;

/** Users "1".."9" exist; user "5" has a null name (to exercise non-null propagation). */
export function userRecord(id: string): Record<string, unknown> | undefined {
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1 || n > 9) return undefined;
  return { id, full_name: n === 5 ? null : `User ${id}`, address: { city: `City ${id}` } };
}
