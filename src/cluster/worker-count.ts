import { availableParallelism } from 'node:os';

/**
 * `--workers N|auto`: how many gateway processes to run. `auto` is one per core the process may
 * use (`os.availableParallelism()`, which honours CPU affinity). Undefined input means one
 * process and no cluster at all.
 */
export function parseWorkerCount(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  if (!/^[1-9][0-9]{0,2}$/.test(value)) {
    throw new Error(`tessera: --workers takes a whole number from 1 to 999 or "auto", got "${value}"`);
  }
  return Number(value);
}
