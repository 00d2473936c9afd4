import { getNamedType, isLeafType, Kind, valueFromAST, valueFromASTUntyped, type ConstDirectiveNode, type ConstValueNode, type GraphQLInputType, type GraphQLOutputType } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import { compileDateFormat, compileUnitConversion, maskEmail, maskKeepLast, type ValueStep } from '../postprocess/index.ts';
import { argNode, fail, intArg, stringArg, type DirectiveContext } from './directive-args.ts';

// Compilers of the value directives (@mask, @format, @unit, @valueMap, @default): each checks
// its arguments against the field's type at boot and returns a step that only transforms.

/** `@mask(keepLast:)` / `@mask(email: true)` on String or ID fields. */
export function compileMask(c: DirectiveContext, directive: ConstDirectiveNode): ValueStep | undefined {
  if (!expectLeafType(c, directive, ['String', 'ID'])) return undefined;
  const keepLast = intArg(c, directive, 'keepLast');
  const email = argNode(directive, 'email');
  const isEmail = email?.kind === Kind.BOOLEAN && email.value;
  if (keepLast === null) return undefined;
  if ((keepLast === undefined) === !isEmail) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected exactly one of keepLast: <n> or email: true', directive);
    return undefined;
  }
  const unmask = argNode(directive, 'unmaskScope');
  let unmaskScope: string | undefined;
  if (unmask !== undefined && unmask.kind !== Kind.NULL) {
    if (unmask.kind === Kind.STRING && /^[\x21-\x7e]{1,128}$/.test(unmask.value)) unmaskScope = unmask.value;
    else {
      fail(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected unmaskScope to be a scope such as "pii:read" (printable, no spaces)', unmask);
      return undefined;
    }
  }
  const scopeLabel = unmaskScope === undefined ? '' : `, unmaskScope: "${unmaskScope}"`;
  if (isEmail) return { label: `mask(email${scopeLabel})`, apply: (v) => maskEmail(String(v)), unmaskScope };
  const n = keepLast!;
  return { label: `mask(keepLast: ${n}${scopeLabel})`, apply: (v) => maskKeepLast(String(v), n), unmaskScope };
}

/** `@format(date:, timeZone:)` or `@format(decimals:, locale:)` on String fields; time zone and locale checked at boot. */
export function compileFormat(c: DirectiveContext, directive: ConstDirectiveNode): ValueStep | undefined {
  if (!expectLeafType(c, directive, ['String'])) return undefined;
  const date = stringArg(directive, 'date');
  const decimals = intArg(c, directive, 'decimals');
  if (decimals === null) return undefined;
  const timeZone = stringArg(directive, 'timeZone')?.value ?? 'UTC';
  const locale = stringArg(directive, 'locale')?.value ?? 'en-US';
  if ((date === undefined) === (decimals === undefined)) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected exactly one of date: "<pattern>" or decimals: <n>', directive);
    return undefined;
  }
  if (date) {
    try {
      const format = compileDateFormat(date.value, timeZone);
      return { label: `format(date: "${date.value}", timeZone: "${timeZone}")`, apply: format };
    } catch {
      fail(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected an IANA time zone such as "UTC" or "Europe/Paris"; got "${timeZone}"`, argNode(directive, 'timeZone') ?? directive);
      return undefined;
    }
  }
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  } catch {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, `expected a BCP 47 locale such as "en-US"; got "${locale}"`, argNode(directive, 'locale') ?? directive);
    return undefined;
  }
  return {
    label: `format(decimals: ${decimals}, locale: "${locale}")`,
    apply: (v) => {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? format.format(n) : null;
    },
  };
}

/** `@unit(from:, to:, decimals:)` on Float or Int fields (Int results rounded). */
export function compileUnit(c: DirectiveContext, directive: ConstDirectiveNode): ValueStep | undefined {
  const typeName = getNamedType(c.field.type).name;
  if (!expectLeafType(c, directive, ['Float', 'Int'])) return undefined;
  const from = stringArg(directive, 'from');
  const to = stringArg(directive, 'to');
  const decimals = intArg(c, directive, 'decimals');
  if (!from || !to || decimals === null) return undefined;
  const convert = compileUnitConversion(from.value, to.value, decimals);
  if (typeof convert === 'string') {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, convert, from.node);
    return undefined;
  }
  const integer = typeName === 'Int';
  return {
    label: `unit(${from.value} → ${to.value})`,
    apply: (v) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) return null;
      const out = convert(n);
      return integer ? Math.round(out) : out;
    },
  };
}

/** `@valueMap(map:, fallback:)`: every value in the map checked against the field type. */
export function compileValueMap(c: DirectiveContext, directive: ConstDirectiveNode): ValueStep | undefined {
  const mapNode = argNode(directive, 'map');
  if (mapNode?.kind !== Kind.OBJECT) {
    fail(c, ErrorCodes.CONFIG_INVALID_VALUE, 'expected map to be an object like { bronze: "B", gold: "G" }', mapNode ?? directive);
    return undefined;
  }
  const table = new Map<string, unknown>();
  for (const entry of mapNode.fields) {
    const value = leafValue(c, entry.value, c.field.type);
    if (value === undefined) return undefined;
    table.set(entry.name.value, value);
  }
  const fallbackNode = argNode(directive, 'fallback');
  const fallback = fallbackNode ? leafValue(c, fallbackNode, c.field.type) : undefined;
  if (fallbackNode && fallback === undefined) return undefined;
  return {
    label: `valueMap(${[...table.keys()].join(', ')})`,
    apply: (v) => {
      const key = String(v);
      if (table.has(key)) return table.get(key);
      return fallbackNode ? fallback : v;
    },
  };
}

/** A directive literal as a value of the field's leaf type (checked at boot, like a default value). */
export function leafValue(c: DirectiveContext, node: ConstValueNode, type: GraphQLOutputType): unknown {
  const named = getNamedType(type);
  if (!isLeafType(named)) {
    fail(c, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected a field of scalar or enum type; ${c.parent.name}.${c.field.name} is ${String(type)}`, node);
    return undefined;
  }
  if (node.kind === Kind.NULL) return null;
  const value = valueFromAST(node, named as GraphQLInputType);
  if (value === undefined) {
    fail(c, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected a ${named.name} value; got ${JSON.stringify(valueFromASTUntyped(node))}`, node);
    return undefined;
  }
  return named.serialize(value);
}

function expectLeafType(c: DirectiveContext, directive: ConstDirectiveNode, allowed: readonly string[]): boolean {
  const name = getNamedType(c.field.type).name;
  if (allowed.includes(name)) return true;
  fail(c, ErrorCodes.CONFIG_TYPE_MISMATCH, `expected @${directive.name.value} on a field of type ${allowed.join(' or ')} (or a list of it); ${c.parent.name}.${c.field.name} is ${String(c.field.type)}`, directive);
  return false;
}
