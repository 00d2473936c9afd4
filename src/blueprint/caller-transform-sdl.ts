/**
 * The one directive callers may use in queries: a filter/sort/limit on a list field, written in
 * CEL over `item`. Caller expressions are untrusted: see plan/compile-caller-transform.ts.
 */
export const CALLER_TRANSFORM_SDL = /* GraphQL */ `
"Filters, sorts and limits a list field after the gateway fetched it. Expressions are CEL over \`item\` (the list item; its fields by public name)."
directive @transform(
  "Keep items for which this is true, e.g. \\"item.status == 'open'\\"."
  filter: String
  "Sort by this key (numbers, strings or bools; nulls last), e.g. \\"item.createdAt\\"."
  sortBy: String
  "Sort from largest to smallest."
  descending: Boolean = false
  "Keep at most this many items (after filter and sort)."
  limit: Int
) on FIELD
`;
