export { Executor, type ExecutorOptions, type ExecuteRequest, type GatewayResult, type UpstreamCalls } from './create-executor.ts';
export type { UpstreamCallStats } from './loaders.ts';
