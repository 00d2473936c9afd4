import type { IncomingHttpHeaders } from 'node:http';
import type { IsolationConfig } from '../config/types.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import type { Refusal } from './admission.ts';
import { createMayMark, type MayMark } from './may-mark.ts';

/**
 * Reads a request's traffic mark (`x-tessera-traffic: stress`), once, before either door: the
 * mark then lives in the request context and both doors hand it to the executor. Unmarked
 * requests, nearly all, pay one header lookup. A mark that is not one of the configured ones is
 * a 400 (a load test with a typo must not quietly run as production traffic); a mark from a
 * caller that may not send one is refused (403) or ignored, as gateway.yaml says.
 */
export class TrafficMarks {
  readonly header: string;
  readonly #marks: readonly string[];
  readonly #mayMark: MayMark;
  readonly #refuse: boolean;

  constructor(settings: IsolationConfig) {
    this.header = settings.header;
    this.#marks = settings.marks;
    this.#mayMark = createMayMark(settings);
    this.#refuse = settings.unallowed === 'refuse';
  }

  /** The request's mark; undefined for production traffic; a Refusal to answer at once. */
  read(headers: IncomingHttpHeaders, callerId: string | undefined): string | undefined | Refusal {
    const value = headers[this.header];
    if (value === undefined) return undefined;
    const mark = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (!this.#marks.includes(mark)) {
      const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : 'several values';
      const hint = typeof value === 'string' ? didYouMean(mark, this.#marks) : '';
      return refusal(400, ErrorCodes.ISOLATION_UNKNOWN_MARK, `The ${this.header} header must be one of ${this.#marks.join(', ')}; got ${shown}.${hint}`);
    }
    if (this.#mayMark(callerId, mark)) return mark;
    if (!this.#refuse) return undefined;
    return refusal(403, ErrorCodes.ISOLATION_MARK_REFUSED, `This caller may not send ${mark} traffic (the ${this.header} header).`);
  }
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status, headers: {}, body: { errors: [{ message, extensions: { code } }] } };
}
