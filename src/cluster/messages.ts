/**
 * What the primary and its workers tell each other over the cluster's IPC channel. prom-client's
 * own metrics messages travel on the same channel under their own `type`s.
 */
export type PrimaryToWorker = { type: 'tessera:reload'; trigger: 'SIGHUP' | 'admin' };
export type WorkerToPrimary = { type: 'tessera:admin-reloaded' };

export function isPrimaryToWorker(message: unknown): message is PrimaryToWorker {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'tessera:reload';
}

export function isWorkerToPrimary(message: unknown): message is WorkerToPrimary {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'tessera:admin-reloaded';
}
