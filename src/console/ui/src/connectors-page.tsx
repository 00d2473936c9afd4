import type { ConnectorsAnswer } from './api.ts';
import { ms, percent, rate, since } from './format.ts';
import { Sparkline } from './sparkline.tsx';
import { usePoll } from './use-poll.ts';

const BREAKER_WORDS = { closed: 'closed', open: 'open', halfOpen: 'half-open', disabled: 'off' } as const;

/** Page (a): every connector's health, breaker, traffic, latency, batching, cache and concurrency. */
export function ConnectorsPage() {
  const { data, error } = usePoll<ConnectorsAnswer>('/admin/api/connectors');
  if (!data) return <p class="muted">{error ?? 'Loading…'}</p>;
  return (
    <section>
      <h2>Connectors</h2>
      <p class="muted">Over the last {Math.round(data.windowSeconds)} s. {error ? <span class="warn">({error}; showing the last answer)</span> : null}</p>
      <table id="connectors">
        <thead>
          <tr>
            <th>Connector</th>
            <th>Health</th>
            <th>Breaker</th>
            <th>Calls/s</th>
            <th>Errors</th>
            <th>p50 / p99</th>
            <th>Latency</th>
            <th>Batch size</th>
            <th>Retries</th>
            <th>Cache hits</th>
            <th>In use / cap</th>
          </tr>
        </thead>
        <tbody>
          {data.connectors.map((c) => (
            <tr key={c.name} data-connector={c.name} data-breaker={c.breaker.state} data-health={c.health}>
              <td>
                <strong>{c.name}</strong>
                <div class="muted small">{c.transport} · {c.operations.length} operation{c.operations.length === 1 ? '' : 's'}</div>
              </td>
              <td>
                <span class={`badge ${c.health}`}>{c.health}</span>
              </td>
              <td class="breaker">
                <span class={`badge breaker-${c.breaker.state}`}>{BREAKER_WORDS[c.breaker.state]}</span>
                <div class="muted small" title={c.breaker.since}>for {since(c.breaker.since)}</div>
              </td>
              <td class="num">{rate(c.window.callsPerSecond)}</td>
              <td class="num">
                {percent(c.window.errorRate)}
                <div class="muted small">
                  {Object.entries(c.window.errorsByKind)
                    .map(([kind, n]) => `${kind} ${n}`)
                    .join(', ')}
                </div>
              </td>
              <td class="num">
                {ms(c.window.latencyMs.p50)} / {ms(c.window.latencyMs.p99)}
              </td>
              <td>
                <Sparkline series={c.series} label={`${c.name} latency p50 and p99 per 10 s`} />
              </td>
              <td class="num">{c.window.batches.meanSize === null ? '–' : c.window.batches.meanSize.toFixed(1)}</td>
              <td class="num">{c.window.retries}</td>
              <td class="num">{percent(c.window.cache.hitRate)}</td>
              <td class="num">
                {c.concurrency.inFlight} / {c.concurrency.maxConcurrent}
                <div class="muted small">
                  queued {c.concurrency.queued} / {c.concurrency.maxQueue}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
