import path from 'node:path';
import { once } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import thrift, { Thrift, TCompactProtocol, TFramedTransport, type TProtocol } from 'thrift';
import { isCustomerId } from './customers.ts';
import { DAY_MS, DEMO_NOW_MS, seededRandom } from './seeded-random.ts';

/** The IDL the gateway's loyalty connector parses; this server is written by hand against it, as `thrift --gen` output would be. */
export const LOYALTY_IDL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../connectors/thrift/loyalty.thrift');

export type LoyaltyLevel = 'BRONZE' | 'SILVER' | 'GOLD' | 'PLATINUM';
const LEVELS: readonly LoyaltyLevel[] = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'];

export interface LoyaltyAccount {
  customerId: string;
  level: LoyaltyLevel;
  /** i64 as exact decimal text; some customers' pass 2^53 so the exact-string rule is visible in the demo. */
  pointsBalance: string;
  /** YYYY-MM-DD, or undefined when the points never expire. */
  pointsExpireOn: string | undefined;
}

/** One getAccounts call as the Loyalty service saw it. */
export interface RecordedLoyaltyCall {
  customerIds: string[];
  time: number;
}

/** The deterministic loyalty account of a demo customer; undefined for an id the CRM does not know. */
export function loyaltyOfCustomer(id: string): LoyaltyAccount | undefined {
  if (!isCustomerId(id)) return undefined;
  const random = seededRandom(`loyalty:${id}`);
  const level = LEVELS[Math.min(3, Math.floor(random.next() ** 2 * 4))]!;
  // Every 89th customer has a balance past 2^53 points: the i64 arrives as an exact string.
  const points = Number(id) % 89 === 0 ? 9_007_199_254_740_993n + BigInt(id) : BigInt(random.int(0, 250_000));
  const expires = random.chance(0.8) ? new Date(DEMO_NOW_MS + random.int(1, 365) * DAY_MS).toISOString().slice(0, 10) : undefined;
  return { customerId: id, level, pointsBalance: points.toString(), pointsExpireOn: expires };
}

export interface LoyaltyServiceOptions {
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Added before every answer. */
  delayMs: number;
  /** Receives every call on arrival; when absent, calls are only counted. */
  record: ((call: RecordedLoyaltyCall) => void) | undefined;
  count(): void;
}

export interface LoyaltyService {
  /** `host:port`, what the connector's `address` takes. */
  address: string;
  close(): Promise<void>;
}

const T = Thrift.Type;

/**
 * The demo's Thrift upstream: the thrift package's own server (compact protocol, framed), with the
 * processor a team would get from `thrift --gen js:node` for loyalty.thrift, written out by hand.
 * Unknown customer ids are left out of the answer.
 */
export async function startLoyaltyService(options: LoyaltyServiceOptions): Promise<LoyaltyService> {
  function Processor(this: { process(input: TProtocol, output: TProtocol): void }) {
    this.process = (input, output) => {
      const { fname, rseqid } = input.readMessageBegin();
      if (fname !== 'getAccounts') {
        input.skip(T.STRUCT);
        input.readMessageEnd();
        const error = new Thrift.TApplicationException(Thrift.TApplicationExceptionType.UNKNOWN_METHOD, `Unknown function ${fname}`);
        (error as unknown as { code: number }).code = Thrift.TApplicationExceptionType.UNKNOWN_METHOD;
        output.writeMessageBegin(fname, Thrift.MessageType.EXCEPTION, rseqid);
        error.write(output);
        output.writeMessageEnd();
        output.flush();
        return;
      }
      const ids = readGetAccountsArgs(input);
      input.readMessageEnd();
      options.count();
      options.record?.({ customerIds: ids, time: Date.now() });
      const answer = (): void => writeGetAccountsResult(output, rseqid, ids.flatMap((id) => loyaltyOfCustomer(id) ?? []));
      if (options.delayMs > 0) setTimeout(answer, options.delayMs);
      else answer();
    };
  }
  const server = thrift.createServer(Processor as never, {}, { protocol: TCompactProtocol, transport: TFramedTransport }) as unknown as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A gateway that drops a connection mid-call is not the demo's problem.
  server.on('error', () => {});
  server.listen(options.port ?? 0, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `${host}:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `getAccounts_args`: field 1, `list<string> customerIds`. */
function readGetAccountsArgs(input: TProtocol): string[] {
  let ids: string[] = [];
  input.readStructBegin();
  for (;;) {
    const { ftype, fid } = input.readFieldBegin();
    if (ftype === T.STOP) break;
    if (fid === 1 && ftype === T.LIST) {
      const { size } = input.readListBegin();
      ids = Array.from({ length: size }, () => input.readString());
      input.readListEnd();
    } else {
      input.skip(ftype);
    }
    input.readFieldEnd();
  }
  input.readStructEnd();
  return ids;
}

/** `getAccounts_result`: field 0, `list<LoyaltyAccount> success`. */
function writeGetAccountsResult(output: TProtocol, seqid: number, accounts: readonly LoyaltyAccount[]): void {
  output.writeMessageBegin('getAccounts', Thrift.MessageType.REPLY, seqid);
  output.writeStructBegin('getAccounts_result');
  output.writeFieldBegin('success', T.LIST, 0);
  output.writeListBegin(T.STRUCT, accounts.length);
  for (const account of accounts) {
    output.writeStructBegin('LoyaltyAccount');
    output.writeFieldBegin('customerId', T.STRING, 1);
    output.writeString(account.customerId);
    output.writeFieldEnd();
    output.writeFieldBegin('level', T.I32, 2);
    output.writeI32(LEVELS.indexOf(account.level) + 1);
    output.writeFieldEnd();
    output.writeFieldBegin('pointsBalance', T.I64, 3);
    output.writeI64(thrift.fromBigInt(BigInt(account.pointsBalance)));
    output.writeFieldEnd();
    if (account.pointsExpireOn !== undefined) {
      output.writeFieldBegin('pointsExpireOn', T.STRING, 4);
      output.writeString(account.pointsExpireOn);
      output.writeFieldEnd();
    }
    output.writeFieldStop();
    output.writeStructEnd();
  }
  output.writeListEnd();
  output.writeFieldEnd();
  output.writeFieldStop();
  output.writeStructEnd();
  output.writeMessageEnd();
  output.flush();
}
