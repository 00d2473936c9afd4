import { SpanStatusCode, type Span } from '@opentelemetry/api';

/**
 * Marks a span failed: an `exception` event with the error's name, message and stable code,
 * `error.type` set to the code, and the span's status. No stack trace: a span says what failed
 * where; the stack of our own bugs is in the log, under the request id.
 */
export function recordFailure(span: Span, error: unknown): void {
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const message = error instanceof Error ? error.message : String(error);
  span.recordException({ name: error instanceof Error ? error.name : 'Error', message, ...(code === undefined ? {} : { code }) });
  if (code !== undefined) span.setAttribute('error.type', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code === undefined ? message : `${code}: ${message}` });
}
