import { channel } from 'node:diagnostics_channel';
import type { Plan } from '../plan/index.ts';
import type { GatewayResult } from './create-executor.ts';
import { ChurningMap } from '../util/churning-map.ts';

/** Published when a request joins an identical query in flight: `{ requestId, sharedWith, via }` (`body`: joined unparsed; `plan`: once planned). */
export const OPERATION_SHARED_CHANNEL = 'tessera:operation:shared';
const sharedChannel = channel(OPERATION_SHARED_CHANNEL);

/** Larger bodies never join by their bytes (the key would copy them); they still share once parsed. */
const MAX_JOINING_BODY_BYTES = 16 * 1024;

/** gateway.yaml `sharing:` with its defaults applied. */
export interface OperationSharingSettings {
  /** false: every request runs on its own. */
  operations: boolean;
  exceptOperations: readonly string[];
  exceptCallers: readonly string[];
}

/** The serialized answer of one shared execution: written by the first request that sends it, reused by the others. */
export interface SharedAnswer {
  text?: string;
}

/** What the identity of one request is made of, beyond its plan (which stands for document, operation and relevant scopes). */
export interface SharingIdentity {
  plan: Plan;
  operationName: string | undefined;
  /** Coerced variables: the same values give the same text (the coercion builds them in declaration order). */
  variables: Readonly<Record<string, unknown>>;
  callerId: string | undefined;
  scopeKey: string | undefined;
  traffic: string | undefined;
  callerHeaders: Readonly<Record<string, string | string[] | undefined>> | undefined;
  deadlineAt: number | undefined;
  requestId: string;
  /**
   * The fast path's request body, when this request came that way: identical bodies from the same
   * caller (see `bodyKey`) may then join before they are parsed (`joinByBody`).
   */
  body?: Buffer | undefined;
}

/** Who sends a body, for `bodyKey`: everything besides the body that the answer depends on. */
export interface BodySender {
  callerId: string | undefined;
  scopeKey: string | undefined;
  traffic: string | undefined;
  callerHeaders: Readonly<Record<string, string | string[] | undefined>> | undefined;
}

interface InFlightOperation {
  result: Promise<GatewayResult>;
  deadlineAt: number | undefined;
  requestId: string;
  answer: SharedAnswer;
  /** The leader's plan: a request that joins by its body counts its field usage with it. */
  plan: Plan;
}

/**
 * Identical queries in flight share one execution and one serialized answer. Two requests are
 * identical when they have the same plan (document, operation, @skip/@include values and the
 * caller's relevant scopes), the same coerced variables, the same verified caller, the same
 * traffic mark and the same values of every caller header a connector forwards upstream: then
 * the answer one would get is exactly the answer the other gets, so the second waits for the
 * first instead of running it again. Each request keeps its own id, access-log line, metrics
 * and field-usage count (admission, limits and planning stay per request; only execution and
 * serialization are shared). Never for mutations, whose second run is a second effect, nor for
 * requests that want their own account of the calls (explain, a sampled trace).
 *
 * A request joins only an execution that will end no later than its own deadline would have
 * ended it; otherwise it runs on its own. Nothing is kept once the execution settles.
 */
export class SharedOperations {
  readonly #settings: OperationSharingSettings;
  readonly #exceptOperations: ReadonlySet<string>;
  readonly #exceptCallers: ReadonlySet<string>;
  /** The caller headers some connector forwards, sorted: their values are part of a request's identity. */
  readonly #forwarded: readonly string[];
  readonly #inFlight = new ChurningMap<string, InFlightOperation>();
  /** The same executions, by the fast path's request body and sender: identical requests join before parsing. */
  readonly #byBody = new ChurningMap<string, InFlightOperation>();
  /**
   * The body key `joinByBody` took last, for the body it took it of: a request that found no one
   * to join leads right after, and its key is then not built (and hashed) a second time. Checked
   * by the body's identity, so a request in between only costs the reuse.
   */
  #lastBodyKey: { body: Buffer; key: string } | undefined;
  /** A plan's short id in keys: plans are cached objects, one per (document, operation, directives, scopes). */
  readonly #planIds = new WeakMap<Plan, string>();
  #nextPlanId = 0;

  constructor(settings: OperationSharingSettings, forwardedHeaders: Iterable<string>) {
    this.#settings = settings;
    this.#exceptOperations = new Set(settings.exceptOperations);
    this.#exceptCallers = new Set(settings.exceptCallers);
    this.#forwarded = [...new Set(forwardedHeaders)].sort();
  }

  get enabled(): boolean {
    return this.#settings.operations;
  }

  /**
   * Runs `execute` for this request, or waits for an identical execution already in flight.
   * `execute` is called at most once, and only when this request leads.
   */
  run(identity: SharingIdentity, execute: () => Promise<GatewayResult>): Promise<GatewayResult> {
    if ((identity.operationName !== undefined && this.#exceptOperations.has(identity.operationName)) || (identity.callerId !== undefined && this.#exceptCallers.has(identity.callerId))) {
      return execute();
    }
    const key = this.#keyOf(identity);
    const shared = this.#inFlight.get(key);
    if (shared && endsInTime(shared.deadlineAt, identity.deadlineAt)) {
      const leader = shared.requestId;
      const answer = shared.answer;
      if (sharedChannel.hasSubscribers) sharedChannel.publish({ requestId: identity.requestId, sharedWith: leader, via: 'plan' });
      return shared.result.then((result) => joinedResult(result, leader, answer));
    }
    if (shared) return execute(); // it would have to wait past its own deadline
    const answer: SharedAnswer = {};
    const entry: InFlightOperation = { result: undefined as unknown as Promise<GatewayResult>, deadlineAt: identity.deadlineAt, requestId: identity.requestId, answer, plan: identity.plan };
    // The body's key is taken only now: this request passed every admission rule, and an
    // identical body from the same sender would pass them alike (they read nothing else).
    const body = identity.body;
    const last = this.#lastBodyKey;
    const bodyKey = body === undefined || body.length > MAX_JOINING_BODY_BYTES ? undefined : last !== undefined && last.body === body ? last.key : this.bodyKey(body, identity);
    this.#lastBodyKey = undefined;
    const settled = (): void => {
      this.#inFlight.delete(key);
      if (bodyKey !== undefined && this.#byBody.get(bodyKey) === entry) this.#byBody.delete(bodyKey);
    };
    entry.result = execute().then(
      (result) => {
        settled();
        Object.defineProperty(result, 'answer', { value: answer, enumerable: false });
        return result;
      },
      (error: unknown) => {
        settled();
        throw error;
      },
    );
    this.#inFlight.set(key, entry);
    if (bodyKey !== undefined && !this.#byBody.has(bodyKey)) this.#byBody.set(bodyKey, entry);
    return entry.result;
  }

  /**
   * Joins an execution in flight whose fast-path request had exactly these body bytes and this
   * sender, before the body is even parsed: the same bytes are the same document, operation,
   * variables and extensions, so admission, planning and the answer would all come out the same.
   * Returns undefined when there is none (or it would end past this request's deadline); the
   * request then goes the usual way. `onJoin` gets the leader's plan, to count field usage.
   */
  joinByBody(body: Buffer, sender: BodySender, deadlineAt: number | undefined, requestId: string, onJoin: (plan: Plan) => void): Promise<GatewayResult> | undefined {
    if (this.#byBody.size === 0 || body.length > MAX_JOINING_BODY_BYTES) return undefined;
    if (sender.callerId !== undefined && this.#exceptCallers.has(sender.callerId)) return undefined;
    const key = this.bodyKey(body, sender);
    const shared = this.#byBody.get(key);
    if (!shared || !endsInTime(shared.deadlineAt, deadlineAt)) {
      this.#lastBodyKey = { body, key };
      return undefined;
    }
    onJoin(shared.plan);
    const leader = shared.requestId;
    const answer = shared.answer;
    if (sharedChannel.hasSubscribers) sharedChannel.publish({ requestId, sharedWith: leader, via: 'body' });
    return shared.result.then((result) => joinedResult(result, leader, answer));
  }

  /** A request body's key: its bytes, and the sender's caller, scopes, mark and forwarded header values. */
  bodyKey(body: Buffer, sender: BodySender): string {
    const key = `${sender.callerId ?? ''}\n${sender.scopeKey ?? ''}\n${sender.traffic ?? ''}${this.#forwardedValues(sender.callerHeaders)}`;
    // latin1: one character per byte, so different bytes never make the same key.
    return `${key}\n${body.toString('latin1')}`;
  }

  #keyOf(identity: SharingIdentity): string {
    let planId = this.#planIds.get(identity.plan);
    if (planId === undefined) {
      planId = String(this.#nextPlanId++);
      this.#planIds.set(identity.plan, planId);
    }
    // Parts that cannot contain a newline are joined by one; JSON keeps the rest unambiguous.
    return `${planId}\n${identity.operationName ?? ''}\n${identity.callerId ?? ''}\n${identity.scopeKey ?? ''}\n${identity.traffic ?? ''}\n${JSON.stringify(identity.variables)}${this.#forwardedValues(identity.callerHeaders)}`;
  }

  /** The values of the forwarded caller headers, in name order: an absent header and an empty one differ. */
  #forwardedValues(headers: SharingIdentity['callerHeaders']): string {
    let part = '';
    for (const name of this.#forwarded) {
      const value = headers?.[name];
      part += value === undefined ? '\n-' : `\n=${JSON.stringify(value)}`;
    }
    return part;
  }
}

/** Whether an execution that must end by `leaderDeadline` ends in time for a request due by `ownDeadline`. */
function endsInTime(leaderDeadline: number | undefined, ownDeadline: number | undefined): boolean {
  if (leaderDeadline === undefined) return ownDeadline === undefined;
  return ownDeadline === undefined || leaderDeadline <= ownDeadline;
}

/**
 * A joining request's own result: the same answer (data, errors, extensions, in the same order),
 * none of the upstream calls (the leading request made and logged them), and whom it shared with.
 */
function joinedResult(shared: GatewayResult, leader: string, answer: SharedAnswer): GatewayResult {
  const own: GatewayResult = {};
  for (const key of Object.keys(shared) as (keyof GatewayResult)[]) (own as Record<string, unknown>)[key] = shared[key];
  Object.defineProperty(own, 'upstreamCalls', { value: {}, enumerable: false });
  if (shared.operationName !== undefined) Object.defineProperty(own, 'operationName', { value: shared.operationName, enumerable: false });
  Object.defineProperty(own, 'sharedWith', { value: leader, enumerable: false });
  Object.defineProperty(own, 'answer', { value: answer, enumerable: false });
  return own;
}
