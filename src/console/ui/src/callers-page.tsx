import type { CallersAnswer } from './api.ts';
import { rate } from './format.ts';
import { usePoll } from './use-poll.ts';

/** Page (b): who is calling, how much, how many errors and rate-limit refusals, and what. */
export function CallersPage() {
  const { data, error } = usePoll<CallersAnswer>('/admin/api/callers');
  if (!data) return <p class="muted">{error ?? 'Loading…'}</p>;
  return (
    <section>
      <h2>Callers</h2>
      <p class="muted">
        Over the last {Math.round(data.windowSeconds)} s, by verified caller (<code>callers.yaml</code>): declared callers by name, any other as <code>other</code>, none as <code>anonymous</code>.
      </p>
      {data.callers.length === 0 ? (
        <p class="muted">No requests yet.</p>
      ) : (
        <table id="callers">
          <thead>
            <tr>
              <th>Caller</th>
              <th>Requests</th>
              <th>Req/s</th>
              <th>Errors</th>
              <th>Rate-limited</th>
              <th>Top operations</th>
            </tr>
          </thead>
          <tbody>
            {data.callers.map((c) => (
              <tr key={c.caller} data-caller={c.caller}>
                <td>
                  <strong>{c.caller}</strong>
                </td>
                <td class="num">{c.requests}</td>
                <td class="num">{rate(c.requestsPerSecond)}</td>
                <td class="num">{c.errors}</td>
                <td class="num">{c.rateLimited}</td>
                <td>
                  {c.topOperations.map((o) => (
                    <div key={o.operation}>
                      <code>{o.operation}</code> <span class="muted">{o.requests}</span>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
