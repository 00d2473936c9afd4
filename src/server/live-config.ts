import type { GraphQLSchema } from 'graphql';
import type { Executor } from '../execute/index.ts';
import type { Authenticator } from '../callers/authenticator.ts';
import type { TrafficMarks } from './traffic-mark.ts';
import { LimitPolicy } from '../limits/operation-limits.ts';
import type { FrontDoorPolicy } from './admit-document.ts';

/** One loaded config, as requests are served on it: its schema and its executor (plans, loaders). */
export interface ServingConfig {
  readonly version: string;
  readonly schema: GraphQLSchema;
  readonly executor: Executor;
  /** callers.yaml's authentication; undefined when it is off (no file, or mode off). */
  readonly authenticator?: Authenticator | undefined;
  /** How requests are marked as stress or preview traffic (gateway.yaml `isolation:`); absent = the defaults. */
  readonly marks?: TrafficMarks | undefined;
  /** Operation limits (and trusted documents): the rules admission holds each document to. */
  readonly front: FrontDoorPolicy;
}

/** The limits' defaults, for a server built without a gateway.yaml. */
export const DEFAULT_FRONT_DOOR: FrontDoorPolicy = { limits: new LimitPolicy() };

/**
 * The config being served now. A request reads `current` once, when it arrives, and runs on that
 * config to its end; a reload swaps in the next one with one assignment, so a request never sees
 * half of each and none waits for the swap.
 */
export class LiveConfig {
  #current: ServingConfig;

  constructor(initial: ServingConfig) {
    this.#current = initial;
  }

  get current(): ServingConfig {
    return this.#current;
  }

  swap(next: ServingConfig): ServingConfig {
    const previous = this.#current;
    this.#current = next;
    return previous;
  }
}
