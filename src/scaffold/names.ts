/**
 * Name conversions for scaffolding: OpenAPI names are free text, Tessera's and GraphQL's are
 * identifiers. Each converter returns a valid identifier for any input.
 */

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The words of a name: split on anything but letters and digits, and on lower→upper case changes. */
function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `list-orders` → `listOrders`; `find pet by id` → `findPetById`; a leading digit gets a `_`. */
export function camelCase(text: string): string {
  const words = wordsOf(text);
  const joined = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return identifier(joined);
}

/** `line_item` → `LineItem`: GraphQL type names. */
export function pascalCase(text: string): string {
  const joined = wordsOf(text)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return identifier(joined);
}

/** A name GraphQL accepts as it is (`customer_id` stays), else its camelCase form. */
export function fieldName(text: string): string {
  return GRAPHQL_NAME.test(text) && !text.startsWith('__') ? text : camelCase(text);
}

/** True if `text` is a GraphQL name usable as an enum value. */
export function isEnumValueName(text: string): boolean {
  return GRAPHQL_NAME.test(text) && !['true', 'false', 'null'].includes(text) && !text.startsWith('__');
}

/** `ORDERS` from `orders`, `ORDERS_V2` from `orders-v2`: the environment variable prefix. */
export function envName(connector: string): string {
  return connector.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function identifier(text: string): string {
  if (text === '') return '_';
  return /^[0-9]/.test(text) ? `_${text}` : text;
}

/** `name`, or `name2`, `name3`, … : the first not in `taken`, which it is then added to. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}${i}`;
  taken.add(candidate);
  return candidate;
}
