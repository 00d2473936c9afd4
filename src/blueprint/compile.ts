import { isObjectType, type GraphQLObjectType } from 'graphql';
import type { Config } from '../config/types.ts';
import type { ConfigError } from '../errors/gateway-error.ts';
import type { Blueprint, CompiledOperation, FieldIR } from './ir.ts';
import { compileConnector } from './compile-connector.ts';
import { withIsolation } from './compile-isolation.ts';
import { ISOLATION_DEFAULTS } from '../config/index.ts';
import { TRANSPORT_KINDS } from '../transports/index.ts';
import { compileSchemas, FIELD_BINDING_NAMES } from './compile-schema.ts';
import { compileMutationField } from './compile-mutation.ts';
import { compileDiscriminators } from './compile-discriminator.ts';
import { compileField } from './compile-field.ts';
import { checkNPlusOne } from './check-n-plus-one.ts';
import { compilePost } from './compile-post.ts';
import { compileAccess, scopesOf } from './compile-access.ts';
import { createExprViews } from './expr-views.ts';

export interface CompileResult {
  /** Present only when there is no error (warnings allowed). */
  blueprint: Blueprint | undefined;
  errors: ConfigError[];
  warnings: ConfigError[];
}

/**
 * Turns shape-checked config into the frozen Blueprint. Every step appends to one error list
 * instead of throwing, so an operator sees every problem in one run (tailcall's approach).
 */
export function compileBlueprint(config: Config, options: { brokenConnectors?: ReadonlySet<string> } = {}): CompileResult {
  const errors: ConfigError[] = [];
  const operations = new Map<string, CompiledOperation>();
  const byConnector: Map<string, Map<string, CompiledOperation>> & { brokenConnectors?: ReadonlySet<string> } = new Map();
  const broken = new Set(options.brokenConnectors);
  byConnector.brokenConnectors = broken;
  const isolation = config.gateway.isolation ?? ISOLATION_DEFAULTS;
  for (const connector of config.connectors) {
    const ops = new Map<string, CompiledOperation>();
    const errorsBefore = errors.length;
    const ownCompiler = TRANSPORT_KINDS[connector.transport]?.compileConnector;
    const compiledOps = ownCompiler ? ownCompiler(connector, errors) : compileConnector(connector, errors);
    // A connector whose IDL or names are wrong has been reported; its bindings are not checked again.
    if (ownCompiler && errors.length > errorsBefore) {
      broken.add(connector.name);
      continue;
    }
    for (const compiled of compiledOps) {
      const op = withIsolation(compiled, connector, isolation, errors);
      ops.set(op.name, op);
      operations.set(op.id, op);
    }
    byConnector.set(connector.name, ops);
  }

  const schemas = compileSchemas(config.schemaFiles, errors);
  if (!schemas) return { blueprint: undefined, errors, warnings: [] };

  const fields = new Map<string, Map<string, FieldIR>>();
  const queryType = schemas.bindingSchema.getQueryType();
  const mutationType = schemas.bindingSchema.getMutationType();
  const objectTypes = Object.values(schemas.bindingSchema.getTypeMap()).filter(
    (type) => isObjectType(type) && !type.name.startsWith('__') && isObjectType(schemas.publicSchema.getType(type.name)),
  ) as GraphQLObjectType[];
  for (const type of objectTypes) {
    const publicType = schemas.publicSchema.getType(type.name) as GraphQLObjectType;
    const byName = new Map<string, FieldIR>();
    for (const field of Object.values(type.getFields())) {
      const computed = field.astNode?.directives?.some((d) => d.name.value === 'computed') ?? false;
      // A computed field needs no binding, even on Query: its value comes from its expression.
      const isRoot = type === queryType || type === mutationType;
      let ir = compileField(type, field, byConnector, isRoot && !computed, errors);
      if (type === mutationType) ir = compileMutationField(type, field, ir, config.connectors, errors);
      // The engine completes values against the public schema's field, so keep that one.
      byName.set(field.name, { ...ir, definition: publicType.getFields()[field.name]! });
    }
    fields.set(type.name, byName);
  }
  // Second pass: post-processing needs every field's binding (a computed field's inputs may be bound).
  const views = createExprViews(fields);
  const scopeNames = new Set<string>();
  for (const type of objectTypes) {
    const byName = fields.get(type.name)!;
    for (const field of Object.values(type.getFields())) {
      const post = compilePost(type, field, { fields, views, errors });
      const access = compileAccess(schemas.bindingSchema, type, field.name, errors);
      for (const scope of access ? scopesOf(access) : []) scopeNames.add(scope);
      for (const step of post?.pipeline?.steps ?? []) if (step.unmaskScope !== undefined) scopeNames.add(step.unmaskScope);
      byName.set(field.name, Object.freeze({ ...byName.get(field.name)!, post, ...(access ? { access } : {}) }));
    }
  }

  const warnings = checkNPlusOne(schemas.bindingSchema, fields);
  const abstractTypes = compileDiscriminators(schemas.bindingSchema, FIELD_BINDING_NAMES, errors, warnings);
  if (errors.length > 0) return { blueprint: undefined, errors, warnings };
  const blueprint: Blueprint = Object.freeze({
    schema: schemas.publicSchema,
    fields,
    abstractTypes,
    operations,
    connectors: config.connectors,
    warnings,
    views,
    scopeNames: [...scopeNames].sort(),
  });
  return { blueprint, errors, warnings };
}
