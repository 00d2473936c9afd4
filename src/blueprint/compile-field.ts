import {
  Kind,
  parseType,
  type ConstDirectiveNode,
  type ConstValueNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLType,
  type ObjectValueNode,
  GraphQLString,
} from 'graphql';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes, type ErrorCode } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import type { CompiledOperation, FieldBinding, FieldIR, ValueSource } from './ir.ts';
import { parseTemplate } from './template.ts';
import { locateNode } from './graphql-location.ts';
import { compileFallback } from './compile-fallback.ts';
import { isLeafValueType, isListLike, isListOfLeaves, isParamCompatible, printTypeNode } from './type-compat.ts';

/** Lookup of compiled operations by connector, used to resolve `@source(connector:, operation:)`. */
export type OperationIndex = ReadonlyMap<string, ReadonlyMap<string, CompiledOperation>> & {
  /** Connectors declared in files that failed to load: bindings to them are not checked further. */
  brokenConnectors?: ReadonlySet<string>;
};

/** Compiles one field's `@map` and `@source` directives into its IR, collecting every error. */
export function compileField(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  operations: OperationIndex,
  isRoot: boolean,
  errors: ConfigError[],
): FieldIR {
  const directives = field.astNode?.directives ?? [];
  const mapDirective = directives.find((d) => d.name.value === 'map');
  const sourceDirective = directives.find((d) => d.name.value === 'source');
  const fromArg = mapDirective && stringArg(mapDirective, 'from');
  const from = fromArg ? fromArg.value.split('.') : [field.name];
  const where = `${parent.name}.${field.name}`;

  let binding: FieldBinding | undefined;
  if (sourceDirective) binding = compileBinding(parent, field, sourceDirective, operations, errors);
  else if (isRoot) {
    errors.push(
      new ConfigError(ErrorCodes.CONFIG_UNBOUND_ROOT_FIELD, `expected ${where} to be bound to a connector operation with @source(connector:, operation:)`, {
        source: locateNode(field.astNode),
        configPath: `schemas.${where}`,
      }),
    );
  }
  const fallback = compileFallback(parent, field, binding !== undefined || sourceDirective !== undefined, errors);
  return { typeName: parent.name, fieldName: field.name, from, binding, definition: field, fallback };
}

function compileBinding(
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  directive: ConstDirectiveNode,
  operations: OperationIndex,
  errors: ConfigError[],
): FieldBinding | undefined {
  const where = `${parent.name}.${field.name}`;
  const fail = (code: ErrorCode, message: string, node: { loc?: unknown } | null | undefined, column = 0) => {
    const at = locateNode(node as never);
    errors.push(new ConfigError(code, message, { source: { ...at, column: at.column + column }, configPath: `schemas.${where}.@source` }));
  };

  const connectorArg = stringArg(directive, 'connector');
  const operationArg = stringArg(directive, 'operation');
  if (!connectorArg || !operationArg) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, 'expected connector and operation to be strings, e.g. @source(connector: "crm", operation: "getCustomer")', directive);
    return undefined;
  }
  const byConnector = operations.get(connectorArg.value);
  // A connector whose file failed to load has already been reported; do not report it twice.
  if (!byConnector && operations.brokenConnectors?.has(connectorArg.value)) return undefined;
  if (!byConnector) {
    fail(ErrorCodes.CONFIG_UNKNOWN_CONNECTOR, `expected a connector declared in connectors/*.yaml; got "${connectorArg.value}".${didYouMean(connectorArg.value, [...operations.keys()])}`, connectorArg.node);
    return undefined;
  }
  const operation = byConnector.get(operationArg.value);
  if (!operation) {
    fail(
      ErrorCodes.CONFIG_UNKNOWN_OPERATION,
      `expected an operation of connector "${connectorArg.value}"; got "${operationArg.value}".${didYouMean(operationArg.value, [...byConnector.keys()])}`,
      operationArg.node,
    );
    return undefined;
  }

  const parentFields = new Set<string>();
  /** Compiles a template over args/parent and returns it with the type of what it yields. */
  const compileSource = (text: string, node: ConstValueNode): { source: ValueSource; type: GraphQLType | undefined } => {
    const { template, errors: syntax } = parseTemplate(text);
    for (const e of syntax) fail(ErrorCodes.CONFIG_INVALID_TEMPLATE, e.message, node, e.offset + 1);
    let wholeType: GraphQLType | undefined;
    for (const ref of template.refs) {
      const type = resolveRefType(ref.path, parent, field, (message) => fail(ErrorCodes.CONFIG_UNKNOWN_REFERENCE, message, node, ref.offset + 1));
      if (ref.path[0] === 'parent' && type) parentFields.add(ref.path[1]!);
      if (template.whole) wholeType = type;
    }
    return { source: { template }, type: template.whole ? wholeType : syntax.length ? undefined : GraphQLString };
  };

  const keyArg = stringArg(directive, 'key');
  const keysArg = stringArg(directive, 'keys');
  const key = keyArg && compileSource(keyArg.value, keyArg.node);
  const keys = keysArg && compileSource(keysArg.value, keysArg.node);
  const batch = operation.batch;
  const keyNode = directive.arguments?.find((a) => a.name.value === 'key')?.value;
  const keyObject = keyNode?.kind === Kind.OBJECT ? keyNode : undefined;
  let keyParts: ValueSource[] | undefined;
  if (keyNode && !keyArg && !keyObject) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, 'expected key to be a template string like "{parent.id}", or an object of them for a composite key', keyNode);
  }
  if (batch?.keyFields) {
    const names = batch.keyFields;
    const example = `key: { ${names.map((n) => `${n}: "{parent.${n}}"`).join(', ')} }`;
    if (keyArg) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected key to be an object with one template per key field of ${operation.id} (${names.join(', ')}), e.g. ${example}`, keyArg.node);
    if (keysArg) fail(ErrorCodes.CONFIG_UNSUPPORTED, `keys: with a composite key (${operation.id} is keyed by ${names.join(', ')}) is not supported; use ${example}`, keysArg.node);
    if (keyObject) keyParts = compileKeyParts(keyObject, names, operation.id, compileSource, fail);
    if (!keyArg && !keysArg && !keyObject) fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected ${example}: operation ${operation.id} is batched by a composite key`, directive);
    else if (keyObject && batch.many && !isListLike(field.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${where} to be a list: ${operation.id} returns many items per key; got ${String(field.type)}`, field.astNode);
    else if (keyObject && !batch.many && isListLike(field.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${where} not to be a list: ${operation.id} returns one item per key; got ${String(field.type)}`, field.astNode);
  } else if (keyObject) {
    fail(
      ErrorCodes.CONFIG_TYPE_MISMATCH,
      batch
        ? `expected key to be a template string like "{parent.id}": ${operation.id} has one key field (batch.keyField); an object key needs batch.keyFields`
        : `expected no key/keys: operation ${operation.id} has no batch section (keys are for batched operations)`,
      keyObject,
    );
  } else if (!batch && (keyArg || keysArg)) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected no key/keys: operation ${operation.id} has no batch section (keys are for batched operations)`, (keyArg ?? keysArg)!.node);
  } else if (batch && !keyArg && !keysArg) {
    fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected key: "{...}" or keys: "{...}": operation ${operation.id} is batched and needs the key of each entity`, directive);
  } else if (keyArg && keysArg) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, 'expected either key or keys, not both', keysArg.node);
  } else if (batch && key) {
    if (key.type && !isLeafValueType(key.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected key to be a scalar; got ${String(key.type)} (use keys: for a list)`, keyArg!.node, 1);
    if (batch.many && !isListLike(field.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${where} to be a list: ${operation.id} returns many items per key; got ${String(field.type)}`, field.astNode);
    if (!batch.many && isListLike(field.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${where} not to be a list: ${operation.id} returns one item per key (use keys: for a list of keys); got ${String(field.type)}`, field.astNode);
  } else if (batch && keys) {
    if (keys.type && !isListOfLeaves(keys.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected keys to be a list of scalars; got ${String(keys.type)}`, keysArg!.node, 1);
    if (!isListLike(field.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected ${where} to be a list because it is bound with keys:; got ${String(field.type)}`, field.astNode);
    if (batch.many) fail(ErrorCodes.CONFIG_UNSUPPORTED, `keys: with an operation that returns many items per key (${operation.id}) is not supported; use key:`, keysArg!.node);
  }

  const params: [string, ValueSource][] = [];
  const paramsArg = directive.arguments?.find((a) => a.name.value === 'params');
  const supplied = new Set<string>();
  if (paramsArg && paramsArg.value.kind !== Kind.OBJECT) {
    fail(ErrorCodes.CONFIG_INVALID_VALUE, 'expected params to be an object like { limit: "{args.limit}" }', paramsArg.value);
  }
  for (const entry of paramsArg?.value.kind === Kind.OBJECT ? paramsArg.value.fields : []) {
    const name = entry.name.value;
    const declared = operation.params.get(name);
    if (declared === undefined) {
      fail(ErrorCodes.CONFIG_UNKNOWN_REFERENCE, `expected a param of ${operation.id} (${[...operation.params.keys()].join(', ') || 'it declares none'}); got "${name}".${didYouMean(name, [...operation.params.keys()])}`, entry.name);
      continue;
    }
    if (entry.value.kind !== Kind.STRING) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected param "${name}" to be a template string like "{args.${name}}"`, entry.value);
      continue;
    }
    supplied.add(name);
    const compiled = compileSource(entry.value.value, entry.value);
    const paramType = parseType(declared);
    if (compiled.type && !isParamCompatible(paramType, compiled.type)) {
      fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected a value of type ${printTypeNode(paramType)} for param "${name}" of ${operation.id}; got ${String(compiled.type)}`, entry.value, 1);
    }
    params.push([name, compiled.source]);
  }
  for (const [name, type] of operation.params) {
    if (type.endsWith('!') && !supplied.has(name)) {
      fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected params.${name}: ${operation.id} requires param "${name}" (${type})`, directive);
    }
  }

  return Object.freeze({ operation, key: batch?.keyFields ? undefined : key?.source, keys: batch?.keyFields ? undefined : keys?.source, keyParts, params, parentFields: [...parentFields] });
}

/** `key: { tenantId: "{parent.tenantId}", customerId: "{parent.id}" }`: one scalar template per key field, each named once. */
function compileKeyParts(
  node: ObjectValueNode,
  names: readonly string[],
  operationId: string,
  compileSource: (text: string, node: ConstValueNode) => { source: ValueSource; type: GraphQLType | undefined },
  fail: (code: ErrorCode, message: string, node: { loc?: unknown } | null | undefined, column?: number) => void,
): ValueSource[] | undefined {
  const parts = new Map<string, ValueSource>();
  for (const entry of node.fields) {
    const name = entry.name.value;
    if (!names.includes(name)) {
      fail(ErrorCodes.CONFIG_UNKNOWN_REFERENCE, `expected a key field of ${operationId} (${names.join(', ')}); got "${name}".${didYouMean(name, names)}`, entry.name);
      continue;
    }
    if (parts.has(name)) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected each key field once; got "${name}" twice`, entry.name);
      continue;
    }
    if (entry.value.kind !== Kind.STRING) {
      fail(ErrorCodes.CONFIG_INVALID_VALUE, `expected key field "${name}" to be a template string like "{parent.${name}}"`, entry.value);
      continue;
    }
    const compiled = compileSource(entry.value.value, entry.value as ConstValueNode);
    if (compiled.type && !isLeafValueType(compiled.type)) fail(ErrorCodes.CONFIG_TYPE_MISMATCH, `expected key field "${name}" to be a scalar; got ${String(compiled.type)}`, entry.value, 1);
    parts.set(name, compiled.source);
  }
  const missing = names.filter((name) => !parts.has(name));
  if (missing.length > 0) {
    fail(ErrorCodes.CONFIG_MISSING_PARAM, `expected key to name every key field of ${operationId} (${names.join(', ')}); ${missing.join(', ')} missing`, node);
    return undefined;
  }
  return names.map((name) => parts.get(name)!);
}

/** Checks `args.x` / `parent.x` against the field's arguments and the parent's fields. */
function resolveRefType(
  path: readonly string[],
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  report: (message: string) => void,
): GraphQLType | undefined {
  const [scope, name, ...rest] = path;
  if ((scope !== 'args' && scope !== 'parent') || name === undefined || rest.length > 0) {
    report(`expected {args.<argument>} or {parent.<field>}; got {${path.join('.')}}`);
    return undefined;
  }
  if (scope === 'args') {
    const arg = field.args.find((a) => a.name === name);
    if (!arg) report(`expected an argument of ${parent.name}.${field.name}${field.args.length ? ` (${field.args.map((a) => a.name).join(', ')})` : ', which has none'}; got {args.${name}}.${didYouMean(name, field.args.map((a) => a.name))}`);
    return arg?.type;
  }
  const fields = parent.getFields();
  const parentField = fields[name];
  if (!parentField) {
    report(`expected a field of ${parent.name}; got {parent.${name}}.${didYouMean(name, Object.keys(fields))}`);
    return undefined;
  }
  if (parentField.astNode?.directives?.some((d) => d.name.value === 'source')) {
    report(`expected {parent.${name}} to be a plain field of ${parent.name}; it is itself bound with @source, which cannot feed another binding yet`);
    return undefined;
  }
  return parentField.type;
}

function stringArg(directive: ConstDirectiveNode, name: string): { value: string; node: ConstValueNode } | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  if (!arg || arg.value.kind !== Kind.STRING) return undefined;
  return { value: arg.value.value, node: arg.value };
}

