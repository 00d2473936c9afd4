import type { CompiledOperation } from '../blueprint/index.ts';
import { UpstreamError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { describeAnswerPart, formatLocation, quoteNames } from './describe-answer.ts';

/**
 * The value at an operation's result path (`result:`) in an answer body. A path that is absent
 * means the declaration does not fit what the upstream sends, so it is UPSTREAM_BAD_RESPONSE,
 * never a silent null: the message names the path, the diagnosis (dev mode, the log) the keys
 * the body does have. A path present with null is an answer (there is nothing), and so is null
 * on the way down and an empty body (204).
 */
export function readResult(op: CompiledOperation, body: unknown): unknown {
  const path = op.resultPath;
  let current = body;
  for (let i = 0; i < path.length; i++) {
    if (current === null) return null;
    // JSON.parse never yields undefined, so undefined is a missing key.
    const next = typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>)[path[i]!] : undefined;
    if (next === undefined) throw missingResult(op, i, current);
    current = next;
  }
  return current;
}

/** The error for a result path that stops at step `missingAt`, where the answer holds `reached`. */
function missingResult(op: CompiledOperation, missingAt: number, reached: unknown): UpstreamError {
  const resultPath = op.resultPath.join('.');
  const missing = op.resultPath[missingAt]!;
  const at = missingAt === 0 ? 'The body' : `"${op.resultPath.slice(0, missingAt).join('.')}"`;
  const { kind, keys } = describeAnswerPart(reached);
  const found = keys ? `${at} has no "${missing}"; its keys are ${quoteNames(keys)}.${didYouMean(missing, keys)}` : `${at} is ${kind}, not an object with "${missing}".`;
  return new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered without its result path "${resultPath}".`, {
    details: { connector: op.connector, operation: op.name },
    diagnosis: {
      text: `${found} (result: ${resultPath} at ${formatLocation(op.declaredAt.result)})`,
      facts: { resultPath, missing, ...(keys ? { keys } : { found: kind }), declaredAt: formatLocation(op.declaredAt.result) },
    },
  });
}

/**
 * The list of items at a batched operation's result path. null is no items; anything else that
 * is not a list is UPSTREAM_BAD_RESPONSE, with what was there in the diagnosis.
 */
export function readResultItems(op: CompiledOperation, body: unknown): readonly unknown[] {
  const items = readResult(op, body);
  if (Array.isArray(items)) return items;
  if (items === null) return [];
  const resultPath = op.resultPath.join('.');
  const { kind, keys } = describeAnswerPart(items);
  const where = resultPath === '' ? 'The body' : `"${resultPath}"`;
  return badList(op, `${where} is ${kind}${keys ? ` with keys ${quoteNames(keys)}` : ''}.`, { resultPath, found: kind, ...(keys ? { keys } : {}) });
}

function badList(op: CompiledOperation, text: string, facts: Record<string, unknown>): never {
  throw new UpstreamError(ErrorCodes.UPSTREAM_BAD_RESPONSE, `Upstream ${op.id} answered without a list of items.`, {
    details: { connector: op.connector, operation: op.name },
    diagnosis: { text: `${text} (result: ${String(facts.resultPath) || '(the whole body)'} at ${formatLocation(op.declaredAt.result)})`, facts: { ...facts, declaredAt: formatLocation(op.declaredAt.result) } },
  });
}
