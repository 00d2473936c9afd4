import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.ts';

export const POLL_MS = 2_000;

/**
 * Polls an admin API path while the page shows it: one request at a time (the next starts
 * `POLL_MS` after the last answer), paused while the tab is hidden, stopped on unmount.
 */
export function usePoll<T>(path: string): { data: T | undefined; error: string | undefined } {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined }>({ data: undefined, error: undefined });
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const data = await getJson<T>(path, controller.signal);
          setState({ data, error: undefined });
        } catch (error) {
          if (controller.signal.aborted) return;
          setState((s) => ({ data: s.data, error: (error as Error).message }));
        }
      }
      if (!controller.signal.aborted) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [path]);
  return state;
}
