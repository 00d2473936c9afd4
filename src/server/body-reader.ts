import type { IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate, type Gunzip } from 'node:zlib';
import { ErrorCodes } from '../errors/codes.ts';

/** Why a body was not read: the status, stable code and message the caller gets, and the log's reason. */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  code: string;
  message: string;
  /** A short reason for the access log. */
  reason: string;
}

/** A body read whole, a refusal, or a client that went away before sending it all. */
export type BodyOutcome = { body: Buffer } | { refusal: BodyRefusal } | { aborted: true };

type Decoder = Gunzip | ReturnType<typeof createInflate> | ReturnType<typeof createBrotliDecompress>;

const DECODERS: Readonly<Record<string, () => Decoder>> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

/**
 * Reads a request body for both doors, holding it to `limitBytes` while it streams: a declared
 * `content-length` over the limit is refused before a byte is read, a chunked body as soon as it
 * passes the limit, and a compressed one (`content-encoding: gzip`, `deflate`, `br`) as soon as
 * either its bytes on the wire or its decompressed bytes do, so a gzip bomb costs at most the
 * limit plus one decompressed chunk (16 KiB) of memory. The rest of a refused body is never read:
 * the server answers and closes the connection.
 */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<BodyOutcome> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) return Promise.resolve({ refusal: tooLarge(limitBytes, 'declared') });
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  const makeDecoder = encoding === undefined || encoding === '' || encoding === 'identity' ? undefined : DECODERS[encoding];
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity' && !makeDecoder) {
    return Promise.resolve({
      refusal: {
        status: 415,
        code: ErrorCodes.REQUEST_UNSUPPORTED_MEDIA_TYPE,
        message: `Content-Encoding ${JSON.stringify(encoding)} is not supported: send the body as is, or with gzip, deflate or br.`,
        reason: 'unsupported content-encoding',
      },
    });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let decodedBytes = 0;
    let wireBytes = 0;
    let settled = false;
    const decoder = makeDecoder?.();
    const finish = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      if (!('body' in outcome)) {
        chunks.length = 0;
        req.unpipe();
        decoder?.destroy();
        req.pause();
      }
      resolve(outcome);
    };
    const onDecoded = (chunk: Buffer): void => {
      decodedBytes += chunk.length;
      if (decodedBytes > limitBytes) return finish({ refusal: tooLarge(limitBytes, decoder ? 'decompressed' : 'streamed') });
      chunks.push(chunk);
    };
    const done = (): void => finish({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
    if (decoder) {
      req.on('data', (chunk: Buffer) => {
        wireBytes += chunk.length;
        if (wireBytes > limitBytes) finish({ refusal: tooLarge(limitBytes, 'streamed') });
      });
      decoder.on('data', onDecoded);
      decoder.on('end', done);
      decoder.on('error', () =>
        finish({ refusal: { status: 400, code: ErrorCodes.REQUEST_INVALID, message: `The request body is not valid ${encoding} data.`, reason: `bad ${encoding} body` } }),
      );
      req.pipe(decoder);
    } else {
      req.on('data', onDecoded);
      req.on('end', done);
    }
    req.on('error', () => finish({ aborted: true }));
    req.on('close', () => {
      if (!req.complete) finish({ aborted: true });
    });
  });
}

function tooLarge(limitBytes: number, how: 'declared' | 'streamed' | 'decompressed'): BodyRefusal {
  return {
    status: 413,
    code: ErrorCodes.REQUEST_INVALID,
    message: `Request body is larger than ${limitBytes} bytes${how === 'decompressed' ? ' once decompressed' : ''}.`,
    reason: `body over ${limitBytes} bytes (${how})`,
  };
}
