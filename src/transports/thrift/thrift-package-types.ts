import type Int64 from 'node-int64';
import type { TTransport } from 'thrift';

// The thrift package (0.22 on) converts i64 to and from a bigint; @types/thrift, written for 0.10,
// does not declare it yet.
declare module 'thrift' {
  /** An i64 as read by a protocol's readI64 → an exact bigint. */
  export function toBigInt(i64: Int64): bigint;
  /** A bigint (or a decimal string, or a safe integer) → what a protocol's writeI64 takes. */
  export function fromBigInt(value: bigint | string | number): Int64;
  /** A read past the bytes received so far: with unframed (buffered) messages, "wait for more". */
  export class InputBufferUnderrunError extends Error {}
}

/**
 * `TFramedTransport.receiver` / `TBufferedTransport.receiver` as 0.24 has them: a third argument
 * bounds a frame (a message) in bytes, so a peer cannot make us buffer without limit.
 */
export type Receiver = <T extends TTransport>(callback: (transport: T, seqid: number) => void, seqid: number, maxLength: number) => (data: Buffer) => void;

export {};
