export { bufferedDestination, createLogger, logInfo, type Logger, type LoggerOptions } from './logger.ts';
export { currentRequestContext, isSafeIdentifier, newRequestId, requestIdFrom, runWithRequestContext, type RequestContext } from './request-context.ts';
