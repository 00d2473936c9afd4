import type { SendFn } from '../transports/transport.ts';
import type { ConnectorPipeline, ConnectorState } from './connector-pipeline.ts';
import type { ConnectorPolicy } from './policy.ts';

/**
 * One connector's pipelines: production's, and one per traffic mark (stress, preview), built on
 * the mark's first call. Marked traffic so never shares a circuit breaker, retry budget,
 * bulkhead, response cache or coalesced call with production: a stress run that trips a
 * breaker opens only its own, and its cached answers (from a shadow upstream, say) never reach
 * production callers. Production's pipeline is built at once and its `send` is the one the hot
 * path calls, so unmarked traffic pays nothing for this.
 */
export class TrafficPipelines implements ConnectorPipeline {
  readonly #build: (traffic: string | undefined) => ConnectorPipeline;
  readonly #production: ConnectorPipeline;
  readonly #marked = new Map<string, ConnectorPipeline>();

  constructor(build: (traffic: string | undefined) => ConnectorPipeline) {
    this.#build = build;
    this.#production = build(undefined);
  }

  get policy(): ConnectorPolicy {
    return this.#production.policy;
  }

  /** Production's send. */
  get send(): SendFn {
    return this.#production.send;
  }

  /** The send of `traffic`'s pipeline (production's when undefined). */
  sendFor(traffic: string | undefined): SendFn {
    if (traffic === undefined) return this.#production.send;
    let pipeline = this.#marked.get(traffic);
    if (!pipeline) {
      pipeline = this.#build(traffic);
      this.#marked.set(traffic, pipeline);
    }
    return pipeline.send;
  }

  /** Production's state: what health pages and the breaker gauge show. */
  state(): ConnectorState {
    return this.#production.state();
  }

  /** When production's breaker entered its current state (epoch ms). */
  breakerSince(): number {
    return this.#production.breakerSince();
  }

  /** Each marked traffic's state, for the marks that have made a call. */
  markedStates(): Record<string, ConnectorState> {
    return Object.fromEntries([...this.#marked].map(([traffic, pipeline]) => [traffic, pipeline.state()]));
  }

  close(): void {
    this.#production.close();
    for (const pipeline of this.#marked.values()) pipeline.close();
  }
}
