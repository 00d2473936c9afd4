export { Executor, type ExecutorOptions, type ExecuteRequest, type GatewayResult, type UpstreamCalls } from './create-executor.ts';
export type { UpstreamCallStats } from './loaders.ts';
export { OPERATION_SHARED_CHANNEL, type OperationSharingSettings } from './shared-operations.ts';
