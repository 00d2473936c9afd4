import {
  buildASTSchema,
  concatAST,
  GraphQLError,
  Kind,
  parse,
  Source,
  validateSchema,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SchemaFile } from '../config/types.ts';
import { locateGraphQLError, locateNode } from './graphql-location.ts';
import { POST_DIRECTIVE_NAMES, POST_DIRECTIVES_SDL } from './compile-post.ts';
import { CALLER_TRANSFORM_SDL } from './caller-transform-sdl.ts';
import { FALLBACK_DIRECTIVE, FALLBACK_DIRECTIVE_SDL, FALLBACK_PRELUDE_TYPE } from './compile-fallback.ts';
import { DISCRIMINATOR_DIRECTIVE, DISCRIMINATOR_DIRECTIVE_SDL } from './compile-discriminator.ts';
import { ACCESS_DIRECTIVE, ACCESS_DIRECTIVE_SDL } from './compile-access.ts';

/** The binding directives, declared by the gateway so schema files need not repeat them. */
export const BINDING_DIRECTIVES_SDL = /* GraphQL */ `
directive @source(connector: String!, operation: String!, key: _TesseraKey, keys: String, params: _TesseraParams) on FIELD_DEFINITION
directive @map(from: String!) on FIELD_DEFINITION
scalar _TesseraParams
scalar _TesseraKey
${DISCRIMINATOR_DIRECTIVE_SDL}
${ACCESS_DIRECTIVE_SDL}
${POST_DIRECTIVES_SDL}`;
/** Field directives that bind or post-process: an interface's fields may not carry them. */
export const FIELD_BINDING_NAMES: ReadonlySet<string> = new Set<string>(['source', 'map', ...POST_DIRECTIVE_NAMES, FALLBACK_DIRECTIVE]);
const BINDING_NAMES = new Set<string>([...FIELD_BINDING_NAMES, DISCRIMINATOR_DIRECTIVE, ACCESS_DIRECTIVE]);
const PRELUDE_TYPES = new Set(['_TesseraParams', '_TesseraKey', '_TesseraValue', FALLBACK_PRELUDE_TYPE]);

export interface CompiledSchemas {
  /** With binding directives: what blueprint/ reads bindings from. */
  bindingSchema: GraphQLSchema;
  /** Without them: what callers see. */
  publicSchema: GraphQLSchema;
}

/** Parses and validates all schema files; reports every syntax and SDL error with its position. */
export function compileSchemas(files: readonly SchemaFile[], errors: ConfigError[]): CompiledSchemas | undefined {
  const documents: DocumentNode[] = [];
  for (const file of files) {
    try {
      documents.push(parse(new Source(file.text, file.file)));
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      errors.push(
        new ConfigError(ErrorCodes.CONFIG_GRAPHQL_SYNTAX, error.message.replace(/^Syntax Error: /, 'expected valid GraphQL: '), {
          source: locateGraphQLError(error, file.file),
          configPath: 'schemas',
        }),
      );
    }
  }
  if (documents.length !== files.length) return undefined;
  if (documents.length === 0) {
    errors.push(new ConfigError(ErrorCodes.CONFIG_FILE_UNREADABLE, 'expected at least one schemas/*.graphql file; found none', { configPath: 'schemas' }));
    return undefined;
  }

  const full = concatAST([parse(new Source(BINDING_DIRECTIVES_SDL + FALLBACK_DIRECTIVE_SDL, '<tessera prelude>')), ...documents]);
  const sdlErrors = validateSDL(full);
  for (const error of sdlErrors) {
    errors.push(new ConfigError(ErrorCodes.CONFIG_SCHEMA_INVALID, error.message, { source: locateGraphQLError(error, files[0]!.file), configPath: 'schemas' }));
  }
  if (sdlErrors.length > 0) return undefined;

  const bindingSchema = buildASTSchema(full, { assumeValidSDL: true });
  const schemaErrors = validateSchema(bindingSchema);
  for (const error of schemaErrors) {
    errors.push(new ConfigError(ErrorCodes.CONFIG_SCHEMA_INVALID, error.message, { source: locateGraphQLError(error, files[0]!.file), configPath: 'schemas' }));
  }
  if (schemaErrors.length > 0) return undefined;
  checkSupported(full, errors);

  // Callers see one gateway directive: @transform on list fields of their queries.
  const publicDocument = concatAST([stripBindings(concatAST(documents)), parse(CALLER_TRANSFORM_SDL)]);
  return { bindingSchema, publicSchema: buildASTSchema(publicDocument, { assumeValidSDL: true }) };
}

/** Rejects what the engine cannot execute yet, at config time rather than at request time. */
function checkSupported(document: DocumentNode, errors: ConfigError[]): void {
  for (const def of document.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of def.operationTypes ?? []) {
        if (op.operation === 'subscription') {
          errors.push(new ConfigError(ErrorCodes.CONFIG_UNSUPPORTED, 'expected a query and optionally a mutation root; subscription is not supported yet', { source: locateNode(op), configPath: 'schemas.schema' }));
        }
      }
    }
    if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.name.value === 'Subscription') {
      errors.push(new ConfigError(ErrorCodes.CONFIG_UNSUPPORTED, 'expected Query and Mutation roots only; Subscription is not supported yet', { source: locateNode(def), configPath: `schemas.${def.name.value}` }));
    }
  }
}

/** Removes the binding directives and the prelude: they are the gateway's business, not callers'. */
function stripBindings(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive: (node) => (BINDING_NAMES.has(node.name.value) ? null : undefined),
    DirectiveDefinition: (node) => (BINDING_NAMES.has(node.name.value) ? null : undefined),
    ScalarTypeDefinition: (node) => (PRELUDE_TYPES.has(node.name.value) ? null : undefined),
  });
}
