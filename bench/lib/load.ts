import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  /**
   * Requests sent in turn, one after the other across all connections (path and body each),
   * instead of `url`'s path and `body` every time: consecutive requests, which are the ones in
   * flight together, differ.
   */
  requests?: readonly LoadRequest[];
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests per second across all connections; unlimited when absent (saturation). */
  overallRate?: number;
  /** Headers sent with every request besides content-type: the gateway's API key (`--auth`), the traffic mark (`--mark`). */
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface LoadRequest {
  path: string;
  body?: string;
}

export interface LoadResult {
  /** Requests answered. */
  requests: number;
  /** Requests sent, including those cut off in flight when the run stopped (the server still served them). */
  sent: number;
  rps: number;
  /** Each run's own RPS, in the order the runs were made: how far the machine's speed moved during the row. */
  runRps: number[];
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * One autocannon run kept unaggregated (its latencies still a histogram), so that several runs
 * of the same row can be merged into one result: see `summarize`.
 */
export interface LoadSlice {
  readonly duration: number;
  readonly totalCompletedRequests: number;
  /** Requests sent, answered or not: those still in flight when the run stops were sent too. */
  readonly totalRequests: number;
}

// autocannon ships aggregateResult (for runs made with skipAggregateResult), but its types omit it.
const aggregateResult = (autocannon as unknown as { aggregateResult(results: LoadSlice[], opts: { url: string; connections: number }): autocannon.Result }).aggregateResult;

/** Drives one autocannon run against 127.0.0.1 and keeps it unaggregated. */
export async function runSlice(options: LoadOptions): Promise<LoadSlice> {
  const raw = await autocannon({
    url: options.url,
    method: options.method,
    ...(options.body === undefined ? (options.headers ? { headers: { ...options.headers } } : {}) : { body: options.body, headers: { 'content-type': 'application/json', ...options.headers } }),
    ...(options.requests === undefined ? {} : { requests: [{ setupRequest: inTurn(options.requests) }] }),
    connections: options.connections,
    duration: options.duration,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    skipAggregateResult: true,
    // autocannon stops on its sampling tick: at the default 1 s a 1.7 s slice would run 2 s.
    sampleInt: 100,
  });
  return raw as unknown as LoadSlice;
}

/** An autocannon setupRequest that gives each request the next of `requests`, shared by every connection. */
function inTurn(requests: readonly LoadRequest[]): (request: autocannon.Request) => autocannon.Request {
  let next = 0;
  return (request) => {
    const { path, body } = requests[next]!;
    next = (next + 1) % requests.length;
    return body === undefined ? { ...request, path } : { ...request, path, body };
  };
}

/**
 * One result for runs of the same load: requests and errors summed, latency percentiles from
 * the merged histograms (not averaged percentiles), RPS over the runs' total time.
 */
export function summarize(slices: readonly LoadSlice[], options: Pick<LoadOptions, 'url' | 'connections'>): LoadResult {
  if (slices.length === 0) throw new Error('summarize needs at least one run');
  const merged = aggregateResult([...slices], { url: options.url, connections: options.connections });
  const requests = slices.reduce((sum, slice) => sum + slice.totalCompletedRequests, 0);
  const sent = slices.reduce((sum, slice) => sum + slice.totalRequests, 0);
  const seconds = slices.reduce((sum, slice) => sum + slice.duration, 0);
  return {
    requests,
    sent,
    rps: requests / seconds,
    runRps: slices.map((slice) => slice.totalCompletedRequests / slice.duration),
    p50: merged.latency.p50,
    p90: merged.latency.p90,
    p99: merged.latency.p99,
    errors: merged.errors + merged.timeouts,
    non2xx: merged.non2xx,
  };
}

/** Drives one autocannon run against 127.0.0.1 and keeps the figures the report needs. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  return summarize([await runSlice(options)], options);
}
