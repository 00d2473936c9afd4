/**
 * One key of an entity keyed by several fields (`tenantId` + `customerId`). Loaders name a key
 * by `String(key)`, so a composite key's string form is a stable, unambiguous text of its tuple
 * (`["1","7"]`): two keys with the same parts, whatever their JSON types, name the same entity,
 * as one-field keys do. In a JSON body it is the object of its fields (`toJSON`); in a query or
 * path, its parts joined by the operation's separator (`1:7`).
 */
export class CompositeKey {
  readonly names: readonly string[];
  readonly parts: readonly unknown[];
  readonly id: string;

  constructor(names: readonly string[], parts: readonly unknown[]) {
    this.names = names;
    this.parts = parts;
    this.id = tupleId(parts);
  }

  /** The key's name in loader caches and answer matching. */
  toString(): string {
    return this.id;
  }

  /** `{ "tenantId": "1", "customerId": "7" }`, for POST bodies that take objects. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i]!] = this.parts[i];
    return out;
  }

  /** `1:7`: the parts as text, for a query parameter, a path or a map answer's property names. */
  text(separator: string): string {
    return this.parts.map(String).join(separator);
  }
}

/** The stable string form of a key tuple: the same for a composite key and for the item that answers it. */
export function tupleId(parts: readonly unknown[]): string {
  return JSON.stringify(parts.map(String));
}
