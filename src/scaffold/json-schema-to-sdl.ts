import { fieldName, isEnumValueName, pascalCase, uniqueName } from './names.ts';

/** A JSON Schema object as OpenAPI documents hold it (after bundling: `$ref`s point inside the document). */
export type JsonSchema = Record<string, unknown>;

/** A GraphQL type for a schema, or why there is none (the operator then adds it by hand). */
export type TypeResult = { type: string } | { skipped: string };

const ID_LIKE = /^(id|.*[a-z0-9](_id|Id|ID))$/;

/**
 * Turns JSON Schemas into GraphQL SDL: output object types, input object types and enums, named
 * after their `$ref` (`#/components/schemas/Order` → `Order`) or, inline, after where they
 * appear (`ListOrdersResponse`). Every named schema becomes one type however often it is used,
 * and recursive schemas terminate. What GraphQL cannot say (free-form objects, oneOf/anyOf) is
 * left out with a reason rather than guessed.
 */
export class SdlTypes {
  readonly #resolveRef: (ref: string) => unknown;
  readonly #byRef = new Map<string, string>();
  readonly #taken = new Set(['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID']);
  readonly #printed: string[] = [];

  constructor(resolveRef: (ref: string) => unknown) {
    this.#resolveRef = resolveRef;
  }

  /** The output type of a response or a field: `Order`, `[LineItem]`, `String`, … */
  outputType(schema: unknown, nameHint: string, propName = ''): TypeResult {
    return this.#typeOf(schema, nameHint, propName, 'output');
  }

  /** The input type of a param or a body property: scalars, enums, lists, and `…Input` objects. */
  inputType(schema: unknown, nameHint: string, propName = ''): TypeResult {
    return this.#typeOf(schema, nameHint, propName, 'input');
  }

  /** A param's type for the connector: scalars and lists of them only (query, path and header values are text). */
  paramType(schema: unknown, propName: string): TypeResult {
    const s = this.#resolve(schema).schema;
    const kind = typeOf(s);
    if (kind === 'array') {
      const item = this.paramType(s.items, propName);
      return 'type' in item ? { type: `[${item.type}]` } : item;
    }
    const scalar = scalarOf(s, propName);
    return scalar ? { type: scalar } : { skipped: `a ${kind ?? 'schema without a type'} cannot travel in a query, path or header` };
  }

  /** Every type built so far, in the order first met. */
  print(): string {
    return this.#printed.join('\n\n');
  }

  /** A schema with its `$ref` followed (and its name, if it had one) and `allOf` merged into one object. */
  #resolve(schema: unknown): { schema: JsonSchema; ref: string | undefined } {
    let ref: string | undefined;
    let s = isObject(schema) ? schema : {};
    for (let hops = 0; typeof s.$ref === 'string' && hops < 32; hops++) {
      ref = s.$ref;
      const target = this.#resolveRef(ref);
      s = isObject(target) ? target : {};
    }
    if (Array.isArray(s.allOf)) {
      const properties: Record<string, unknown> = {};
      const required: unknown[] = [];
      for (const part of [s, ...(s.allOf as unknown[])]) {
        const p = part === s ? s : this.#resolve(part).schema;
        Object.assign(properties, isObject(p.properties) ? p.properties : {});
        if (Array.isArray(p.required)) required.push(...(p.required as unknown[]));
      }
      s = { ...s, allOf: undefined, type: 'object', properties, required };
    }
    return { schema: s, ref };
  }

  #typeOf(schema: unknown, nameHint: string, propName: string, kind: 'output' | 'input'): TypeResult {
    const { schema: s, ref } = this.#resolve(schema);
    if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return { skipped: 'oneOf/anyOf has no GraphQL equivalent Tessera serves yet (unions are not supported)' };
    const type = typeOf(s);
    if (type === 'array') {
      const item = this.#typeOf(s.items, nameHint.replace(/s$/, '') || nameHint, propName, kind);
      return 'type' in item ? { type: `[${item.type}]` } : item;
    }
    if (Array.isArray(s.enum) && type === 'string') return { type: this.#enum(s.enum, ref, nameHint) };
    if (type === 'object') return this.#object(s, ref, nameHint, kind);
    const scalar = scalarOf(s, propName);
    return scalar ? { type: scalar } : { skipped: `a schema without a type GraphQL can express (${type ?? 'none'})` };
  }

  #enum(values: unknown[], ref: string | undefined, nameHint: string): string {
    if (!values.every((v) => typeof v === 'string' && isEnumValueName(v))) return 'String';
    const key = `enum:${ref ?? JSON.stringify(values)}`;
    const known = this.#byRef.get(key);
    if (known) return known;
    const name = uniqueName(pascalCase(ref ? refName(ref) : nameHint), this.#taken);
    this.#byRef.set(key, name);
    this.#printed.push(`enum ${name} {\n${(values as string[]).map((v) => `  ${v}`).join('\n')}\n}`);
    return name;
  }

  #object(s: JsonSchema, ref: string | undefined, nameHint: string, kind: 'output' | 'input'): TypeResult {
    const properties = isObject(s.properties) ? s.properties : {};
    if (Object.keys(properties).length === 0) return { skipped: 'a free-form object (no declared properties)' };
    const key = ref === undefined ? undefined : `${kind}:${ref}`;
    const known = key ? this.#byRef.get(key) : undefined;
    if (known) return { type: known };
    const base = pascalCase(ref ? refName(ref) : nameHint);
    const name = uniqueName(kind === 'input' ? `${base}Input` : base, this.#taken);
    // Registered before its fields are built, so a schema that contains itself ends here.
    if (key) this.#byRef.set(key, name);
    const slot = this.#printed.push('') - 1;
    const required = new Set(Array.isArray(s.required) ? s.required : []);
    const lines: string[] = [];
    const names = new Set<string>();
    for (const [prop, propSchema] of Object.entries(properties)) {
      const field = uniqueName(fieldName(prop), names);
      const result = this.#typeOf(propSchema, `${base}${pascalCase(prop)}`, prop, kind);
      if ('skipped' in result) {
        lines.push(`  # ${prop}: left out, ${result.skipped}`);
        continue;
      }
      const bang = required.has(prop) ? '!' : '';
      // Input fields take the upstream's names as they are: a body template would need them anyway.
      const map = field !== prop && kind === 'output' ? ` @map(from: ${JSON.stringify(prop)})` : '';
      lines.push(`  ${field}: ${result.type}${bang}${map}`);
    }
    if (!lines.some((l) => !l.trimStart().startsWith('#'))) {
      this.#printed.splice(slot, 1);
      if (key) this.#byRef.delete(key);
      return { skipped: 'an object none of whose properties GraphQL can express' };
    }
    this.#printed[slot] = `${kind === 'input' ? 'input' : 'type'} ${name} {\n${lines.join('\n')}\n}`;
    return { type: name };
  }
}

/** The schema's type: `type` (the first non-null of an OpenAPI 3.1 list), else guessed from its keys. */
function typeOf(s: JsonSchema): string | undefined {
  const t = Array.isArray(s.type) ? (s.type as unknown[]).find((x) => x !== 'null') : s.type;
  if (typeof t === 'string') return t;
  if (isObject(s.properties)) return 'object';
  if (s.items !== undefined) return 'array';
  return undefined;
}

/** integer → Int, number → Float, boolean → Boolean, string → String; ids (by name or uuid format) → ID. */
function scalarOf(s: JsonSchema, propName: string): string | undefined {
  const type = typeOf(s);
  const idLike = ID_LIKE.test(propName) || s.format === 'uuid';
  if (type === 'string') return idLike ? 'ID' : 'String';
  if (type === 'integer') return idLike ? 'ID' : 'Int';
  if (type === 'number') return 'Float';
  if (type === 'boolean') return 'Boolean';
  return undefined;
}

/** `#/components/schemas/Order` → `Order`. */
function refName(ref: string): string {
  return decodeURIComponent(ref.slice(ref.lastIndexOf('/') + 1)).replace(/~1/g, '/').replace(/~0/g, '~');
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
