import type { CallerCounters, TrafficSnapshot } from './traffic-snapshot.ts';
import { callerDelta } from './traffic-window.ts';

export interface CallerReport {
  /** A declared verified caller id (metrics.callers or a rate limit of its own), `other`, or `anonymous` (no caller). */
  caller: string;
  requests: number;
  requestsPerSecond: number;
  /** Answers with an HTTP status of 400 or more, rate-limit refusals (429) apart. */
  errors: number;
  /** Refused by the caller's rate limit (429). */
  rateLimited: number;
  byStatus: Record<string, number>;
  /** The caller's most frequent operation names, most first (at most 5). */
  topOperations: { operation: string; requests: number }[];
}

const TOP_OPERATIONS = 5;

/** The `GET /admin/api/callers` answer: callers with at least one request in the window, busiest first. */
export function callersReport(snapshots: readonly TrafficSnapshot[]): { windowSeconds: number; callers: CallerReport[] } {
  const first = snapshots[0]!;
  const last = snapshots[snapshots.length - 1]!;
  const windowSeconds = Math.max(0.001, (last.at - first.at) / 1000);
  const callers: CallerReport[] = [];
  for (const [caller, counters] of Object.entries(last.callers)) {
    const d: CallerCounters = callerDelta(first.callers[caller], counters);
    let requests = 0;
    let errors = 0;
    const byStatus: Record<string, number> = {};
    for (const [status, n] of Object.entries(d.byStatus)) {
      if (n === 0) continue;
      byStatus[status] = n;
      requests += n;
      if (Number(status) >= 400 && status !== '429') errors += n;
    }
    if (requests === 0) continue;
    const topOperations = Object.entries(d.byOperation)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, TOP_OPERATIONS)
      .map(([operation, n]) => ({ operation, requests: n }));
    callers.push({ caller, requests, requestsPerSecond: Math.round((requests / windowSeconds) * 1000) / 1000, errors, rateLimited: byStatus['429'] ?? 0, byStatus, topOperations });
  }
  callers.sort((a, b) => b.requests - a.requests || (a.caller < b.caller ? -1 : 1));
  return { windowSeconds, callers };
}
