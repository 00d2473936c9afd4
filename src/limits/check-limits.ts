import type { GraphQLError } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import type { OperationLimits } from './operation-limits.ts';
import { costFor, type OperationMeasures } from './measure-operation.ts';
import { limitError } from './scan-document.ts';

/**
 * Compares an operation's measures (computed once per cached document) with one caller's limits:
 * a few comparisons per request, and the cost closure only when a list size is a variable.
 */
export function checkOperationLimits(measures: OperationMeasures, limits: Readonly<OperationLimits>, variables: Readonly<Record<string, unknown>> | undefined | null): GraphQLError | undefined {
  if (measures.depth > limits.maxDepth) return limitError(ErrorCodes.DEPTH_LIMIT, `The operation is ${measures.depth} fields deep; the limit is ${limits.maxDepth}.`);
  if (measures.aliases > limits.maxAliases) return limitError(ErrorCodes.ALIAS_LIMIT, `The operation uses ${measures.aliases} aliases; the limit is ${limits.maxAliases}.`);
  if (measures.rootFields > limits.maxRootFields) return limitError(ErrorCodes.ROOT_FIELD_LIMIT, `The operation selects ${measures.rootFields} root fields; the limit is ${limits.maxRootFields}.`);
  if (measures.directives > limits.maxDirectives) return limitError(ErrorCodes.DIRECTIVE_LIMIT, `The document uses ${measures.directives} directives; the limit is ${limits.maxDirectives}.`);
  const cost = costFor(measures.cost, variables);
  if (cost > limits.maxCost) return limitError(ErrorCodes.COST_LIMIT, `The operation's estimated cost is ${cost}; the limit is ${limits.maxCost}.`);
  return undefined;
}

/** The document size check, without counting bytes when the length alone decides. */
export function checkDocumentSize(text: string, limits: Readonly<OperationLimits>): GraphQLError | undefined {
  const max = limits.maxDocumentBytes;
  // A UTF-16 code unit is 1 to 3 UTF-8 bytes: most documents are decided by their length.
  if (text.length * 3 <= max) return undefined;
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return undefined;
  return limitError(ErrorCodes.DOCUMENT_TOO_LARGE, `The document is ${bytes} bytes; the limit is ${max}.`);
}
