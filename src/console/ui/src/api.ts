/** The admin API's answers, as the page reads them (docs/console.md describes every field). */
export interface ConnectorTraffic {
  calls: number;
  callsPerSecond: number;
  errors: number;
  errorRate: number;
  errorsByKind: Record<string, number>;
  latencyMs: { p50: number | null; p99: number | null };
  batches: { calls: number; keys: number; meanSize: number | null };
  retries: number;
  cache: { hits: number; misses: number; hitRate: number | null };
}

export interface ConnectorReport {
  name: string;
  transport: string;
  health: 'ok' | 'degraded' | 'recovering' | 'down';
  breaker: { state: 'closed' | 'open' | 'halfOpen' | 'disabled'; since: string };
  concurrency: { inFlight: number; queued: number; maxConcurrent: number; maxQueue: number };
  connectionCheck: string;
  operations: string[];
  window: ConnectorTraffic;
  series: { at: string; calls: number; errors: number; p50Ms: number | null; p99Ms: number | null }[];
}

export interface ConnectorsAnswer {
  windowSeconds: number;
  connectors: ConnectorReport[];
}

export interface CallerReport {
  caller: string;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  rateLimited: number;
  byStatus: Record<string, number>;
  topOperations: { operation: string; requests: number }[];
}

export interface CallersAnswer {
  windowSeconds: number;
  callers: CallerReport[];
}

export interface ReloadProblem {
  file: string | null;
  line: number | null;
  column: number | null;
  code: string | null;
  message: string;
  text: string;
}

export interface ConfigAnswer {
  version: string | undefined;
  status: 'ready' | 'not ready';
  reason: string | null;
  lastReload: { result: 'ok' | 'failed' | 'unchanged'; trigger: string; at: string; durationMs: number; configVersion: string; problems: ReloadProblem[] } | null;
  lastReloadError: { at: string; problems: ReloadProblem[] } | null;
  connectors: Record<string, string>;
}

export type ExplainAnswer = { text: string; plan: unknown } | { problems: { location?: { line: number; column: number }; text: string }[] } | { error: { code: string; message: string } };

/** GETs an admin API path with the session cookie; throws with the status on anything but 200. */
export async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** POSTs an operation to the plan explorer's endpoint. */
export async function explain(query: string, variables: unknown, operationName: string | undefined): Promise<ExplainAnswer> {
  const response = await fetch('/admin/api/explain', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return (await response.json()) as ExplainAnswer;
}
