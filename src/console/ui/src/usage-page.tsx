import { usePoll } from './use-poll.ts';

interface UsageAnswer {
  since: string;
  until: string;
  callers: Record<string, { requests: number; fields: Record<string, number> }>;
  fields: Record<string, number>;
  unused: string[];
}

/** Page (c): which fields each caller used over the window, and the fields nobody used (candidates to retire). */
export function UsagePage() {
  const { data, error } = usePoll<UsageAnswer>('/admin/api/usage');
  if (!data) return <p class="muted">{error ?? 'Loading…'}</p>;
  const callers = Object.entries(data.callers);
  return (
    <section>
      <h2>Field usage</h2>
      <p class="muted">
        Since {new Date(data.since).toLocaleString()} (<code>POST /admin/usage/reset</code> starts a new window).
      </p>
      {callers.length === 0 ? <p class="muted">No requests yet.</p> : null}
      {callers.map(([caller, usage]) => (
        <details key={caller} data-usage-caller={caller} open={callers.length <= 3}>
          <summary>
            <strong>{caller}</strong> <span class="muted">{usage.requests} requests, {Object.keys(usage.fields).length} fields</span>
          </summary>
          <table>
            <tbody>
              {Object.entries(usage.fields).map(([field, n]) => (
                <tr key={field}>
                  <td>
                    <code>{field}</code>
                  </td>
                  <td class="num">{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
      <h3>Unused over the window ({data.unused.length})</h3>
      <ul id="unused-fields" class="unused">
        {data.unused.map((field) => (
          <li key={field}>
            <code>{field}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
