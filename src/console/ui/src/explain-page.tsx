import { useState } from 'preact/hooks';
import { explain, type ExplainAnswer } from './api.ts';

/** The README's panel query: what an agent's console asks for. */
export const PANEL_QUERY = `query Panel($id: ID!) {
  customer(id: $id) {
    id name tier points
    risk { level fraudScore }
    orders(limit: 3) { id createdAt totalCents status }
    tickets(status: "open") { id subject agent { name team } }
  }
}`;

/** Page (e): paste an operation, see its plan, the same text `tessera explain` prints. No upstream is called. */
export function ExplainPage() {
  const [query, setQuery] = useState(PANEL_QUERY);
  const [variables, setVariables] = useState('{ "id": "52" }');
  const [answer, setAnswer] = useState<ExplainAnswer | { error: { code: string; message: string } } | undefined>(undefined);
  const run = async (event: Event) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = variables.trim() === '' ? {} : JSON.parse(variables);
    } catch {
      setAnswer({ error: { code: 'VARIABLES', message: 'Variables must be a JSON object, e.g. { "id": "52" }.' } });
      return;
    }
    try {
      setAnswer(await explain(query, parsed, undefined));
    } catch (error) {
      setAnswer({ error: { code: 'NETWORK', message: (error as Error).message } });
    }
  };
  return (
    <section>
      <h2>Plan explorer</h2>
      <form onSubmit={(e) => void run(e)} class="explain">
        <label>
          Operation
          <textarea id="explain-query" rows={9} spellcheck={false} value={query} onInput={(e) => setQuery((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          Variables (JSON)
          <textarea id="explain-variables" rows={2} spellcheck={false} value={variables} onInput={(e) => setVariables((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" id="explain-run">
          Explain
        </button>
      </form>
      {answer === undefined ? null : 'text' in answer ? (
        <pre id="plan" data-plan>
          {answer.text}
        </pre>
      ) : 'problems' in answer ? (
        <ul id="plan-problems" class="problems">
          {answer.problems.map((p, i) => (
            <li key={i}>
              {p.location ? <code class="at">{`${p.location.line}:${p.location.column}`}</code> : null} {p.text}
            </li>
          ))}
        </ul>
      ) : (
        <p class="warn" id="plan-problems">
          {answer.error.message}
        </p>
      )}
    </section>
  );
}
