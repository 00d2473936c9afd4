import {
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLInterfaceType,
  type GraphQLSchema,
  type GraphQLUnionType,
} from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { locateNode } from './graphql-location.ts';
import type { AbstractTypeIR } from './ir.ts';

export const DISCRIMINATOR_DIRECTIVE = 'discriminator';

/** `@discriminator` sits on the interface or union: one rule for every field that returns it. */
export const DISCRIMINATOR_DIRECTIVE_SDL = /* GraphQL */ `
directive @discriminator(field: String!, map: _TesseraParams!) on INTERFACE | UNION
`;

/**
 * Compiles the `@discriminator(field:, map:)` of every interface and union: which field of an
 * upstream item names its concrete type, and which value names which object type. Every mapped
 * type must exist, be an object type and belong to the abstract type; a possible type that no
 * value maps to is a warning (it can only come back where it is returned directly).
 */
export function compileDiscriminators(schema: GraphQLSchema, bindingNames: ReadonlySet<string>, errors: ConfigError[], warnings: ConfigError[]): Map<string, AbstractTypeIR> {
  const out = new Map<string, AbstractTypeIR>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    if (isInterfaceType(type)) checkInterfaceFields(type, bindingNames, errors);
    const compiled = compileOne(schema, type, errors, warnings);
    if (compiled) out.set(type.name, compiled);
  }
  return out;
}

function compileOne(schema: GraphQLSchema, type: GraphQLInterfaceType | GraphQLUnionType, errors: ConfigError[], warnings: ConfigError[]): AbstractTypeIR | undefined {
  const kind = isUnionType(type) ? 'union' : 'interface';
  const configPath = `schemas.${type.name}.@${DISCRIMINATOR_DIRECTIVE}`;
  const fail = (code: ErrorCode, message: string, node: Parameters<typeof locateNode>[0], severity: 'error' | 'warning' = 'error') =>
    (severity === 'error' ? errors : warnings).push(new ConfigError(code, message, { source: locateNode(node), configPath, severity }));
  const directives = [type.astNode, ...type.extensionASTNodes].flatMap((n) => (n?.directives ?? []) as ConstDirectiveNode[]).filter((d) => d.name.value === DISCRIMINATOR_DIRECTIVE);
  const possible = schema.getPossibleTypes(type).map((t) => t.name);
  if (directives.length === 0) {
    fail(
      ErrorCodes.CONFIG_INVALID_VALUE,
      `expected @discriminator(field: "<upstream field>", map: { <value>: "<Type>" }) on ${kind} ${type.name}: the gateway picks each upstream item's type by one of its fields (possible types: ${possible.join(', ') || 'none'})`,
      type.astNode,
    );
    return undefined;
  }
  const directive = directives[0]!;
  if (directives.length > 1) fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected one @discriminator on ${kind} ${type.name}; got ${directives.length}`, directives[1]);
  const fieldArg = directive.arguments?.find((a) => a.name.value === 'field');
  const mapArg = directive.arguments?.find((a) => a.name.value === 'map');
  let path: string[] | undefined;
  if (fieldArg?.value.kind === Kind.STRING && fieldArg.value.value !== '' && !fieldArg.value.value.split('.').includes('')) path = fieldArg.value.value.split('.');
  else fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected field to name the upstream field that holds the type, e.g. "kind" or "meta.type"; got ${fieldArg?.value.kind === Kind.STRING ? `"${fieldArg.value.value}"` : 'no string'}`, fieldArg?.value ?? directive);
  if (mapArg?.value.kind !== Kind.OBJECT || mapArg.value.fields.length === 0) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected map to be an object of discriminator value → type name, e.g. { ${possible.slice(0, 2).map((p) => `${p.toLowerCase()}: "${p}"`).join(', ') || 'person: "Person"'} }`, mapArg?.value ?? directive);
    return undefined;
  }
  const types = new Map<string, string>();
  let ok = path !== undefined;
  for (const entry of mapArg.value.fields) {
    const value = entry.value;
    if (value.kind !== Kind.STRING) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected map.${entry.name.value} to be a type name in quotes, e.g. "${possible[0] ?? 'Person'}"`, value);
      ok = false;
      continue;
    }
    const mapped = schema.getType(value.value);
    if (!mapped) {
      fail(ErrorCodes.CONFIG_UNKNOWN_REFERENCE, `expected a type of the schema for map.${entry.name.value}; got "${value.value}".${didYouMean(value.value, possible)}`, value);
      ok = false;
    } else if (!isObjectType(mapped)) {
      fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected map.${entry.name.value} to name an object type; ${value.value} is not one`, value);
      ok = false;
    } else if (!schema.isSubType(type, mapped)) {
      const what = kind === 'union' ? `a member of union ${type.name} (${possible.join(', ')})` : `a type that implements interface ${type.name} (${possible.join(', ') || 'none does'})`;
      fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected map.${entry.name.value} to name ${what}; got "${value.value}"`, value);
      ok = false;
    } else {
      types.set(entry.name.value, mapped.name);
    }
  }
  const mappedNames = new Set(types.values());
  for (const name of possible) {
    if (ok && !mappedNames.has(name)) {
      fail(ErrorCodes.CONFIG_UNMAPPED_TYPE, `${name} is a possible type of ${kind} ${type.name} but no discriminator value maps to it: a ${type.name} field never answers a ${name}. Add it to map.`, mapArg.value, 'warning');
    }
  }
  return ok ? Object.freeze({ typeName: type.name, path: Object.freeze(path!), types }) : undefined;
}

/** Bindings belong on the object types' fields: an interface's field is only their common contract. */
function checkInterfaceFields(type: GraphQLInterfaceType, bindingNames: ReadonlySet<string>, errors: ConfigError[]): void {
  for (const field of Object.values(type.getFields())) {
    for (const directive of field.astNode?.directives ?? []) {
      if (!bindingNames.has(directive.name.value)) continue;
      errors.push(
        new ConfigError(
          ErrorCodes.CONFIG_UNSUPPORTED,
          `expected @${directive.name.value} on the fields of the object types that implement ${type.name}, not on the interface field ${type.name}.${field.name}: each concrete type binds its own`,
          { source: locateNode(directive), configPath: `schemas.${type.name}.${field.name}` },
        ),
      );
    }
  }
}
