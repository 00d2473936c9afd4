import { Thrift, TFramedTransport, TBufferedTransport, type TProtocol } from 'thrift';
import type { ThriftFunction } from './thrift-idl.ts';
import { MalformedAnswer, readReply, writeStruct } from './thrift-codec.ts';
import type { WireStruct } from './coerce-thrift-request.ts';
import type { ThriftFraming } from './check-thrift-connector-shape.ts';
import type { ProtocolClass } from './thrift-call.ts';

/**
 * Every call goes out with this sequence id. A connection carries one call at a time and is
 * closed, never reused, when a call is abandoned, so a reply can only be the current call's; a
 * constant id also keeps the bytes of one message the same, which the response cache keys on.
 */
export const SEQUENCE_ID = 1;

/** A TApplicationException the upstream answered (unknown method, internal error, …), by its type's name. */
export class ApplicationException extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const APPLICATION_EXCEPTION_TYPES = new Map(Object.entries(Thrift.TApplicationExceptionType).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]));

/** Encodes a call of `fn` (its arguments already checked) as the bytes to write, framing included. */
export function encodeCall(fn: ThriftFunction, args: WireStruct, protocol: ProtocolClass, framing: ThriftFraming): Buffer {
  let bytes: Buffer | undefined;
  const Framing = framing === 'framed' ? TFramedTransport : TBufferedTransport;
  const out = new protocol(new Framing(undefined, (buffer?: Buffer) => void (bytes = buffer)));
  out.writeMessageBegin(fn.name, Thrift.MessageType.CALL, SEQUENCE_ID);
  writeStruct(out, args);
  out.writeMessageEnd();
  out.flush();
  return bytes!;
}

/** Reads one reply message to a call of `fn`: its value, or the exception it carries. */
export function readReplyMessage(input: TProtocol, fn: ThriftFunction): unknown {
  const { fname, mtype, rseqid } = input.readMessageBegin();
  if (mtype === Thrift.MessageType.EXCEPTION) {
    const error = new Thrift.TApplicationException();
    error.read(input);
    input.readMessageEnd();
    // read() sets `type` (the field on the wire); @types/thrift knows it as `code`, which write() sends.
    const type = (error as unknown as { type: number }).type;
    throw new ApplicationException(APPLICATION_EXCEPTION_TYPES.get(type) ?? 'UNKNOWN', error.message);
  }
  if (mtype !== Thrift.MessageType.REPLY || fname !== fn.name || rseqid !== SEQUENCE_ID) {
    throw new MalformedAnswer(`expected the reply to ${fn.name} #${SEQUENCE_ID}; got message type ${mtype} "${fname}" #${rseqid}`);
  }
  const value = readReply(input, fn);
  input.readMessageEnd();
  return value;
}
