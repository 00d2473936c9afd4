import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import path from 'node:path';
import thriftParser, { type FieldDefinition, type FunctionType, type ThriftDocument, type ThriftStatement } from '@creditkarma/thrift-parser';
import thrift, { Thrift, TBinaryProtocol, TBufferedTransport, TCompactProtocol, TFramedTransport, type TProtocol } from 'thrift';

const { SyntaxType } = thriftParser;
const T = Thrift.Type;

/** One call as the fake upstream saw it: its arguments read by this file's own reader (not the gateway's), i64 as bigint, binary as Buffer. */
export interface RecordedThriftCall {
  method: string;
  args: Record<string, unknown>;
}

/** What a handler may answer: a value, or a thrown thriftException(...) / applicationException(...). */
export type ThriftHandler = (args: Record<string, unknown>) => unknown;

export interface ThriftUpstream {
  address: string;
  port: number;
  calls: RecordedThriftCall[];
  /** Connections accepted since start: a pool that reuses its connections keeps this low. */
  connections(): number;
  /** Stops listening and drops every connection at once. */
  close(): Promise<void>;
}

/** Makes a handler answer one of the function's declared exceptions (`throws`), by its type name. */
export function thriftException(type: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(type), { thriftException: type, fields });
}

/** Makes a handler answer a TApplicationException of this type (e.g. Thrift.TApplicationExceptionType.INTERNAL_ERROR). */
export function applicationException(type: number, message: string): Error {
  return Object.assign(new Error(message), { applicationException: type });
}

/**
 * A real Thrift server on 127.0.0.1 (port 0 unless given), made with the thrift package's own
 * createServer, protocols and framings, around a processor that reads the IDL at run time with
 * @creditkarma/thrift-parser. Its reader and writer are written here, apart from the gateway's
 * codec, so a round trip through both checks one against the other. Handlers may return promises.
 */
export async function startThriftUpstream(options: {
  idl: string;
  service: string;
  handlers: Record<string, ThriftHandler>;
  protocol?: 'binary' | 'compact';
  framing?: 'framed' | 'buffered';
  port?: number;
}): Promise<ThriftUpstream> {
  const model = new IdlModel(options.idl);
  const service = model.service(options.service);
  const calls: RecordedThriftCall[] = [];
  let connections = 0;
  const processor = {
    process(input: TProtocol, output: TProtocol): void {
      const { fname, rseqid: seqid } = input.readMessageBegin();
      const fn = service.get(fname);
      if (!fn) {
        input.skip(T.STRUCT);
        input.readMessageEnd();
        writeApplicationException(output, fname, seqid, Thrift.TApplicationExceptionType.UNKNOWN_METHOD, `unknown method ${fname}`);
        return;
      }
      const args = model.readStruct(input, fn.file, fn.def.fields);
      input.readMessageEnd();
      calls.push({ method: fname, args });
      const handler = options.handlers[fname];
      Promise.resolve()
        .then(() => {
          if (!handler) throw applicationException(Thrift.TApplicationExceptionType.UNKNOWN_METHOD, `no handler for ${fname}`);
          return handler(args);
        })
        .then(
          (value) => {
            if (fn.def.oneway) return;
            output.writeMessageBegin(fname, Thrift.MessageType.REPLY, seqid);
            output.writeStructBegin(`${fname}_result`);
            if (fn.def.returnType.type !== SyntaxType.VoidKeyword) {
              output.writeFieldBegin('success', model.wireType(fn.file, fn.def.returnType), 0);
              model.write(output, fn.file, fn.def.returnType, value);
              output.writeFieldEnd();
            }
            output.writeFieldStop();
            output.writeStructEnd();
            output.writeMessageEnd();
            output.flush();
          },
          (error: { thriftException?: string; fields?: Record<string, unknown>; applicationException?: number; message: string }) => {
            const declared = error.thriftException !== undefined ? fn.def.throws.find((t) => t.fieldType.type === SyntaxType.Identifier && t.fieldType.value.split('.').at(-1) === error.thriftException) : undefined;
            if (!declared) {
              writeApplicationException(output, fname, seqid, error.applicationException ?? Thrift.TApplicationExceptionType.INTERNAL_ERROR, error.message);
              return;
            }
            output.writeMessageBegin(fname, Thrift.MessageType.REPLY, seqid);
            output.writeStructBegin(`${fname}_result`);
            output.writeFieldBegin(declared.name.value, T.STRUCT, declared.fieldID!.value);
            model.write(output, fn.file, declared.fieldType, error.fields ?? {});
            output.writeFieldEnd();
            output.writeFieldStop();
            output.writeStructEnd();
            output.writeMessageEnd();
            output.flush();
          },
        );
    },
  };
  const server = thrift.createServer(function Processor() {
    return processor;
  } as never, {}, {
    protocol: options.protocol === 'compact' ? TCompactProtocol : TBinaryProtocol,
    transport: options.framing === 'buffered' ? TBufferedTransport : TFramedTransport,
  }) as unknown as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A peer that resets is not a test failure; the server reports it as an 'error' event.
  server.on('error', () => {});
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    calls,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function writeApplicationException(output: TProtocol, fname: string, seqid: number, type: number, message: string): void {
  const error = new Thrift.TApplicationException(type, message);
  // write() sends `code`; the constructor sets `type`.
  (error as unknown as { code: number }).code = type;
  output.writeMessageBegin(fname, Thrift.MessageType.EXCEPTION, seqid);
  error.write(output);
  output.writeMessageEnd();
  output.flush();
}

interface IdlFile {
  doc: ThriftDocument;
  includes: Map<string, IdlFile>;
  defs: Map<string, ThriftStatement>;
}

/** A small, independent reading of the IDL: enough to read arguments and write answers by the syntax tree. */
class IdlModel {
  readonly root: IdlFile;

  constructor(file: string) {
    this.root = this.#load(file);
  }

  #load(file: string): IdlFile {
    const doc = thriftParser.parse(readFileSync(file, 'utf8'));
    if (doc.type !== SyntaxType.ThriftDocument) throw new Error(`test IDL ${file} does not parse`);
    const idl: IdlFile = { doc, includes: new Map(), defs: new Map() };
    for (const s of doc.body) {
      if (s.type === SyntaxType.IncludeDefinition) idl.includes.set(path.basename(s.path.value, '.thrift'), this.#load(path.resolve(path.dirname(file), s.path.value)));
      else if ('name' in s && s.type !== SyntaxType.NamespaceDefinition) idl.defs.set(s.name.value, s);
    }
    return idl;
  }

  service(name: string): Map<string, { file: IdlFile; def: Extract<ThriftStatement, { type: typeof SyntaxType.ServiceDefinition }>['functions'][number] }> {
    const def = this.root.defs.get(name);
    if (def?.type !== SyntaxType.ServiceDefinition) throw new Error(`no service ${name}`);
    return new Map(def.functions.map((fn) => [fn.name.value, { file: this.root, def: fn }]));
  }

  /** Follows a name to its definition (typedefs too), with the file it is in. */
  #resolve(file: IdlFile, type: FunctionType): { file: IdlFile; type: FunctionType | ThriftStatement } {
    if (type.type !== SyntaxType.Identifier) return { file, type };
    const [prefix, name] = type.value.includes('.') ? type.value.split('.') : [undefined, type.value];
    const owner = prefix ? file.includes.get(prefix)! : file;
    const def = owner.defs.get(name!)!;
    if (def.type === SyntaxType.TypedefDefinition) return this.#resolve(owner, def.definitionType);
    return { file: owner, type: def };
  }

  wireType(file: IdlFile, type: FunctionType): Thrift.Type {
    const { type: t } = this.#resolve(file, type);
    switch (t.type) {
      case SyntaxType.BoolKeyword:
        return T.BOOL;
      case SyntaxType.ByteKeyword:
      case SyntaxType.I8Keyword:
        return T.BYTE;
      case SyntaxType.I16Keyword:
        return T.I16;
      case SyntaxType.I32Keyword:
      case SyntaxType.EnumDefinition:
        return T.I32;
      case SyntaxType.I64Keyword:
        return T.I64;
      case SyntaxType.DoubleKeyword:
        return T.DOUBLE;
      case SyntaxType.StringKeyword:
      case SyntaxType.BinaryKeyword:
        return T.STRING;
      case SyntaxType.ListType:
        return T.LIST;
      case SyntaxType.SetType:
        return T.SET;
      case SyntaxType.MapType:
        return T.MAP;
      default:
        return T.STRUCT;
    }
  }

  readStruct(input: TProtocol, file: IdlFile, fields: readonly FieldDefinition[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    input.readStructBegin();
    for (;;) {
      const { ftype, fid } = input.readFieldBegin();
      if (ftype === T.STOP) break;
      const field = fields.find((f) => f.fieldID?.value === fid);
      if (field) out[field.name.value] = this.read(input, file, field.fieldType);
      else input.skip(ftype);
      input.readFieldEnd();
    }
    input.readStructEnd();
    return out;
  }

  read(input: TProtocol, file: IdlFile, type: FunctionType): unknown {
    const { file: at, type: t } = this.#resolve(file, type);
    switch (t.type) {
      case SyntaxType.BoolKeyword:
        return input.readBool();
      case SyntaxType.ByteKeyword:
      case SyntaxType.I8Keyword:
        return input.readByte();
      case SyntaxType.I16Keyword:
        return input.readI16();
      case SyntaxType.I32Keyword:
      case SyntaxType.EnumDefinition:
        return input.readI32();
      case SyntaxType.I64Keyword:
        return thrift.toBigInt(input.readI64());
      case SyntaxType.DoubleKeyword:
        return input.readDouble();
      case SyntaxType.StringKeyword:
        return input.readString();
      case SyntaxType.BinaryKeyword:
        return input.readBinary();
      case SyntaxType.ListType:
      case SyntaxType.SetType: {
        const { size } = t.type === SyntaxType.ListType ? input.readListBegin() : input.readSetBegin();
        const items = Array.from({ length: size }, () => this.read(input, at, t.valueType));
        if (t.type === SyntaxType.ListType) input.readListEnd();
        else input.readSetEnd();
        return items;
      }
      case SyntaxType.MapType: {
        const { size } = input.readMapBegin();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const key = this.read(input, at, t.keyType);
          out[String(key)] = this.read(input, at, t.valueType);
        }
        input.readMapEnd();
        return out;
      }
      case SyntaxType.StructDefinition:
      case SyntaxType.UnionDefinition:
      case SyntaxType.ExceptionDefinition:
        return this.readStruct(input, at, t.fields);
      default:
        throw new Error(`cannot read ${t.type}`);
    }
  }

  write(output: TProtocol, file: IdlFile, type: FunctionType, value: unknown): void {
    const { file: at, type: t } = this.#resolve(file, type);
    switch (t.type) {
      case SyntaxType.BoolKeyword:
        return output.writeBool(value as boolean);
      case SyntaxType.ByteKeyword:
      case SyntaxType.I8Keyword:
        return output.writeByte(value as number);
      case SyntaxType.I16Keyword:
        return output.writeI16(value as number);
      case SyntaxType.I32Keyword:
        return output.writeI32(value as number);
      case SyntaxType.EnumDefinition: {
        const members = t.members.map((m, i) => [m.name.value, m.initializer ? Number(m.initializer.value.value) : i] as const);
        return output.writeI32(typeof value === 'string' ? members.find(([name]) => name === value)![1] : (value as number));
      }
      case SyntaxType.I64Keyword:
        return output.writeI64(thrift.fromBigInt(value as bigint | string | number));
      case SyntaxType.DoubleKeyword:
        return output.writeDouble(value as number);
      case SyntaxType.StringKeyword:
        return output.writeString(value as string);
      case SyntaxType.BinaryKeyword:
        return output.writeBinary(value as Buffer);
      case SyntaxType.ListType:
      case SyntaxType.SetType: {
        const items = value as unknown[];
        if (t.type === SyntaxType.ListType) output.writeListBegin(this.wireType(at, t.valueType), items.length);
        else output.writeSetBegin(this.wireType(at, t.valueType), items.length);
        for (const item of items) this.write(output, at, t.valueType, item);
        if (t.type === SyntaxType.ListType) output.writeListEnd();
        else output.writeSetEnd();
        return;
      }
      case SyntaxType.MapType: {
        const entries = Object.entries(value as Record<string, unknown>);
        output.writeMapBegin(this.wireType(at, t.keyType), this.wireType(at, t.valueType), entries.length);
        const keyWire = this.wireType(at, t.keyType);
        for (const [k, v] of entries) {
          this.write(output, at, t.keyType, keyWire === T.STRING ? k : keyWire === T.I64 ? BigInt(k) : Number(k));
          this.write(output, at, t.valueType, v);
        }
        output.writeMapEnd();
        return;
      }
      case SyntaxType.StructDefinition:
      case SyntaxType.UnionDefinition:
      case SyntaxType.ExceptionDefinition: {
        const struct = value as Record<string, unknown>;
        output.writeStructBegin(t.name.value);
        for (const field of t.fields) {
          const v = struct[field.name.value];
          if (v === undefined || v === null) continue;
          output.writeFieldBegin(field.name.value, this.wireType(at, field.fieldType), field.fieldID!.value);
          this.write(output, at, field.fieldType, v);
          output.writeFieldEnd();
        }
        output.writeFieldStop();
        output.writeStructEnd();
        return;
      }
      default:
        throw new Error(`cannot write ${t.type}`);
    }
  }
}
