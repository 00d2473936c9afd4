import thrift, { Thrift, TCompactProtocol, TFramedTransport, type TProtocol, type TTransport } from 'thrift';

type Row = Record<string, unknown>;
type Callback = (error: unknown, accounts?: Row[]) => void;

/** The Loyalty service as a team calls it: the thrift package's connection and client, one connection for the process. */
export interface LoyaltyClient {
  accounts(customerIds: readonly string[]): Promise<Row[]>;
  close(): Promise<void>;
}

const T = Thrift.Type;
const LEVELS = ['', 'BRONZE', 'SILVER', 'GOLD', 'PLATINUM'];

/**
 * What `thrift --gen js:node loyalty.thrift` writes for LoyaltyService's client, by hand: a
 * `send_`/`recv_` pair per function that thrift.createClient and its Connection drive (sequence
 * ids, callbacks in `_reqs`). Values come out as a team would expose them: the enum by name, the
 * i64 as exact text.
 */
class LoyaltyServiceClient {
  readonly output: TTransport;
  readonly pClass: new (transport: TTransport) => TProtocol;
  readonly _reqs: Record<number, Callback> = {};
  #seqid = 0;

  constructor(output: TTransport, pClass: new (transport: TTransport) => TProtocol) {
    this.output = output;
    this.pClass = pClass;
  }

  getAccounts(customerIds: readonly string[], callback: Callback): void {
    const seqid = (this.#seqid += 1);
    this._reqs[seqid] = callback;
    const output = new this.pClass(this.output);
    output.writeMessageBegin('getAccounts', Thrift.MessageType.CALL, seqid);
    output.writeStructBegin('getAccounts_args');
    output.writeFieldBegin('customerIds', T.LIST, 1);
    output.writeListBegin(T.STRING, customerIds.length);
    for (const id of customerIds) output.writeString(id);
    output.writeListEnd();
    output.writeFieldEnd();
    output.writeFieldStop();
    output.writeStructEnd();
    output.writeMessageEnd();
    output.flush();
  }

  recv_getAccounts(input: TProtocol, mtype: number, rseqid: number): void {
    const callback = this._reqs[rseqid] ?? (() => {});
    delete this._reqs[rseqid];
    if (mtype === Thrift.MessageType.EXCEPTION) {
      const error = new Thrift.TApplicationException();
      error.read(input);
      input.readMessageEnd();
      callback(error);
      return;
    }
    let accounts: Row[] | undefined;
    let failure: Row | undefined;
    input.readStructBegin();
    for (;;) {
      const { ftype, fid } = input.readFieldBegin();
      if (ftype === T.STOP) break;
      if (fid === 0 && ftype === T.LIST) {
        const { size } = input.readListBegin();
        accounts = Array.from({ length: size }, () => readAccount(input));
        input.readListEnd();
      } else if (fid === 1 && ftype === T.STRUCT) {
        failure = readStruct(input);
      } else {
        input.skip(ftype);
      }
      input.readFieldEnd();
    }
    input.readStructEnd();
    input.readMessageEnd();
    if (failure) callback(Object.assign(new Error('LoyaltyUnavailable'), failure));
    else if (accounts) callback(null, accounts);
    else callback(new Thrift.TApplicationException(Thrift.TApplicationExceptionType.MISSING_RESULT, 'getAccounts failed: unknown result'));
  }
}

function readAccount(input: TProtocol): Row {
  const account: Row = {};
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === T.STOP) break;
    if (fid === 1 && ftype === T.STRING) account.customerId = input.readString();
    else if (fid === 2 && ftype === T.I32) account.level = LEVELS[input.readI32()];
    else if (fid === 3 && ftype === T.I64) account.pointsBalance = thrift.toBigInt(input.readI64()).toString();
    else if (fid === 4 && ftype === T.STRING) account.pointsExpireOn = input.readString();
    else input.skip(ftype);
    input.readFieldEnd();
  }
  input.readStructEnd();
  return account;
}

function readStruct(input: TProtocol): Row {
  const out: Row = {};
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === T.STOP) break;
    if (fid === 1 && ftype === T.STRING) out.reason = input.readString();
    else input.skip(ftype);
    input.readFieldEnd();
  }
  input.readStructEnd();
  return out;
}

/** thrift.createConnection + thrift.createClient, as the thrift package's README shows: compact protocol, framed, as the demo server speaks. */
export function createLoyaltyClient(address: string): LoyaltyClient {
  const colon = address.lastIndexOf(':');
  const connection = thrift.createConnection(address.slice(0, colon), Number(address.slice(colon + 1)), { transport: TFramedTransport, protocol: TCompactProtocol });
  connection.on('error', () => {});
  const client = thrift.createClient(LoyaltyServiceClient as never, connection) as unknown as LoyaltyServiceClient;
  return {
    accounts: (customerIds) => new Promise((resolve, reject) => client.getAccounts(customerIds, (error, accounts) => (error ? reject(error) : resolve(accounts!)))),
    close: async () => connection.end(),
  };
}
