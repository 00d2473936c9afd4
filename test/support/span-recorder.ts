import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanKind } from '@opentelemetry/api';

/**
 * The OpenTelemetry SDK's in-memory exporter, plus a way to wait for spans by event rather than
 * by time: `waitFor` resolves when the spans exported so far satisfy a predicate (checked on
 * every export). The gateway exports each span as it ends when an exporter is given in code.
 */
export class SpanRecorder extends InMemorySpanExporter {
  #waiters: { until: (spans: ReadableSpan[]) => boolean; resolve: (spans: ReadableSpan[]) => void }[] = [];

  override export(spans: ReadableSpan[], done: Parameters<InMemorySpanExporter['export']>[1]): void {
    super.export(spans, done);
    const all = this.getFinishedSpans();
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.until(all)) return true;
      w.resolve(all);
      return false;
    });
  }

  /** Resolves with every span exported so far, once `until` holds for them. */
  waitFor(until: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
    const all = this.getFinishedSpans();
    if (until(all)) return Promise.resolve(all);
    return new Promise((resolve) => this.#waiters.push({ until, resolve }));
  }

  /** Resolves with the spans of one trace once its server span (the request's, which ends last) is exported. */
  async trace(traceId: string): Promise<ReadableSpan[]> {
    const spans = await this.waitFor((all) => all.some((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId));
    return spans.filter((s) => s.spanContext().traceId === traceId);
  }

  /** Resolves with the trace of the n-th server span exported (0-based), once it is. */
  async nthTrace(n: number): Promise<ReadableSpan[]> {
    const spans = await this.waitFor((all) => all.filter((s) => s.kind === SpanKind.SERVER).length > n);
    return this.trace(spans.filter((s) => s.kind === SpanKind.SERVER)[n]!.spanContext().traceId);
  }
}
