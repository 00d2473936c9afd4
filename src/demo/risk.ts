import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type Metadata, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { isCustomerId } from './customers.ts';
import { seededRandom } from './seeded-random.ts';

/** The proto the gateway's risk connector also reads: one definition, two readers. */
export const RISK_PROTO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../connectors/protos/risk.proto');

export interface RiskScore {
  customer_id: string;
  fraud_score: number;
  level: 'LOW' | 'MEDIUM' | 'HIGH';
  flags: string[];
  /** int64 as a decimal string; some customers' pass 2^53 so the exact-string rule is visible in the demo. */
  exposure_micros: string;
  assessed_at: { seconds: string; nanos: number };
}

/** One GetRiskScores call as the Risk service saw it. */
export interface RecordedRiskCall {
  customerIds: string[];
  metadata: Record<string, string>;
  time: number;
}

const FLAGS = ['chargeback', 'new_device', 'velocity', 'geo_mismatch', 'disposable_email'] as const;
/** 2026-01-01T00:00:00Z: every assessment happened in the following 30 days. */
const ASSESSED_FROM_S = 1_767_225_600;

/** The deterministic risk score of a demo customer; undefined for an id the CRM does not know. */
export function riskOfCustomer(id: string): RiskScore | undefined {
  if (!isCustomerId(id)) return undefined;
  const random = seededRandom(`risk:${id}`);
  const fraudScore = random.int(0, 100);
  const flags = FLAGS.filter(() => random.chance(fraudScore / 250));
  // Every 97th customer has an exposure past 2^53 micro-units: the int64 arrives as an exact string.
  const exposure = Number(id) % 97 === 0 ? 9_007_199_254_740_993n + BigInt(id) : BigInt(random.int(0, 5_000_000_000));
  return {
    customer_id: id,
    fraud_score: fraudScore,
    level: fraudScore >= 70 ? 'HIGH' : fraudScore >= 30 ? 'MEDIUM' : 'LOW',
    flags,
    exposure_micros: exposure.toString(),
    assessed_at: { seconds: String(ASSESSED_FROM_S + random.int(0, 30 * 86_400)), nanos: 0 },
  };
}

export interface RiskServiceOptions {
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Added before every answer. */
  delayMs: number;
  /** Receives every call on arrival; when absent, calls are only counted. */
  record: ((call: RecordedRiskCall) => void) | undefined;
  count(): void;
}

export interface RiskService {
  /** `host:port`, what the connector's `address` takes. */
  address: string;
  close(): Promise<void>;
}

/**
 * The demo's gRPC upstream: a plain @grpc/grpc-js server built at run time from risk.proto with
 * @grpc/proto-loader, the way a team writes one. Unknown customer ids are left out of the answer.
 */
export async function startRiskService(options: RiskServiceOptions): Promise<RiskService> {
  const definition = loadSync(RISK_PROTO, { keepCase: true, longs: String, enums: String, defaults: false });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const service = ((pkg.tessera as GrpcObject).risk as GrpcObject).v1 as GrpcObject;
  const server = new Server();
  server.addService((service.RiskService as unknown as { service: ServiceDefinition }).service, {
    GetRiskScores: (call: { request: { customer_ids?: string[] }; metadata: Metadata }, callback: (error: ServiceError | null, value?: unknown) => void) => {
      options.count();
      const ids = call.request.customer_ids ?? [];
      options.record?.({ customerIds: ids, metadata: Object.fromEntries(Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)])), time: Date.now() });
      const answer = () => callback(null, { scores: ids.flatMap((id) => riskOfCustomer(id) ?? []) });
      if (options.delayMs > 0) setTimeout(answer, options.delayMs);
      else answer();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Finish calls in flight, but never wait on a client that keeps its channel open.
        const force = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
