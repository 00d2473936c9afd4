import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { CallersPage } from './callers-page.tsx';
import { ConfigPage } from './config-page.tsx';
import { ConnectorsPage } from './connectors-page.tsx';
import { ExplainPage } from './explain-page.tsx';
import { UsagePage } from './usage-page.tsx';

const PAGES = [
  { id: 'connectors', title: 'Connectors', Page: ConnectorsPage },
  { id: 'callers', title: 'Callers', Page: CallersPage },
  { id: 'usage', title: 'Field usage', Page: UsagePage },
  { id: 'config', title: 'Config', Page: ConfigPage },
  { id: 'explain', title: 'Plan explorer', Page: ExplainPage },
] as const;

function currentPage(): string {
  const id = location.hash.replace(/^#/, '');
  return PAGES.some((p) => p.id === id) ? id : 'connectors';
}

/** The console: one page at a time, chosen by the address's #fragment (so each page has a link). */
function App() {
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    const onHash = () => setPage(currentPage());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const { Page } = PAGES.find((p) => p.id === page)!;
  return (
    <>
      <header>
        <h1>Tessera</h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p.id} href={`#${p.id}`} class={p.id === page ? 'current' : undefined} data-page-link={p.id}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      <main data-page={page}>
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
