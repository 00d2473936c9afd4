import type { ConfigAnswer, ReloadProblem } from './api.ts';
import { since } from './format.ts';
import { usePoll } from './use-poll.ts';

function Problems({ problems }: { problems: ReloadProblem[] }) {
  return (
    <ul class="problems">
      {problems.map((p, i) => (
        <li key={i}>
          {p.file ? (
            <code class="at">
              {p.file}:{p.line}:{p.column}
            </code>
          ) : null}{' '}
          {p.code ? <code>{p.code}</code> : null} {p.message}
        </li>
      ))}
    </ul>
  );
}

/** Page (d): the config version served, the last reload and, if the last one failed, why, with file:line. */
export function ConfigPage() {
  const { data, error } = usePoll<ConfigAnswer>('/admin/api/config');
  if (!data) return <p class="muted">{error ?? 'Loading…'}</p>;
  const last = data.lastReload;
  return (
    <section>
      <h2>Config</h2>
      <dl id="config">
        <dt>Version</dt>
        <dd>
          <code data-config-version>{data.version ?? '–'}</code>
        </dd>
        <dt>Readiness</dt>
        <dd>
          <span class={`badge ${data.status === 'ready' ? 'ok' : 'degraded'}`}>{data.status}</span> {data.reason}
        </dd>
        <dt>Last reload</dt>
        <dd data-last-reload={last?.result ?? 'none'}>
          {last ? (
            <>
              <span class={`badge ${last.result === 'failed' ? 'down' : 'ok'}`}>{last.result}</span> {since(last.at)} ago, by {last.trigger}, in {last.durationMs} ms
            </>
          ) : (
            <span class="muted">none since start</span>
          )}
        </dd>
      </dl>
      {data.lastReloadError ? (
        <div class="error-box" data-reload-error>
          <h3>The last reload was refused ({since(data.lastReloadError.at)} ago); the config above keeps serving</h3>
          <Problems problems={data.lastReloadError.problems} />
        </div>
      ) : null}
      <h3>Connection checks</h3>
      <ul>
        {Object.entries(data.connectors).map(([name, state]) => (
          <li key={name}>
            <code>{name}</code> <span class="muted">{state}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
