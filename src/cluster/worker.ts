import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Gateway } from '../index.ts';
import { isPrimaryToWorker, type WorkerToPrimary } from './messages.ts';

/**
 * Makes a gateway running as a `--workers` worker answer its primary: reloads the primary asks
 * for, and prom-client's requests for this worker's metrics (which the primary sums). Returns the
 * function to call once the gateway has closed: it drops the IPC channel to the primary, which
 * would otherwise keep the process alive.
 */
export function joinCluster(gateway: Gateway): () => void {
  if (gateway.metrics) {
    // Constructing one installs prom-client's worker-side listener; setRegistries says which
    // registry answers (ours, not prom-client's global one).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([gateway.metrics.registry]);
  }
  const onMessage = (message: unknown) => {
    if (isPrimaryToWorker(message)) void gateway.reload(message.trigger);
  };
  process.on('message', onMessage);
  return () => {
    process.off('message', onMessage);
    cluster.worker?.disconnect();
  };
}

/** After this worker served POST /admin/reload: the primary has the other workers reload too. */
export function tellPrimaryAdminReloaded(): void {
  process.send?.({ type: 'tessera:admin-reloaded' } satisfies WorkerToPrimary);
}
