export { runPrimary, type PrimaryOptions } from './primary.ts';
export { joinCluster, tellPrimaryAdminReloaded } from './worker.ts';
export { parseWorkerCount } from './worker-count.ts';
