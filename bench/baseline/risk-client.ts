import { credentials, loadPackageDefinition, type Client, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { RISK_PROTO } from '../../src/demo/risk.ts';

type Row = Record<string, unknown>;

/** The Risk service as a team calls it: a grpc-js client from proto-loader, one channel for the process. */
export interface RiskClient {
  scores(customerIds: readonly string[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * Built the way the grpc-js docs show: proto-loader reads risk.proto (64-bit integers and
 * enums as strings, names as written), loadPackageDefinition makes a client constructor.
 */
export function createRiskClient(address: string): RiskClient {
  const definition = loadSync(RISK_PROTO, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = loadPackageDefinition(definition) as GrpcObject;
  const RiskService = (((pkg.tessera as GrpcObject).risk as GrpcObject).v1 as GrpcObject).RiskService as ServiceClientConstructor;
  const client = new RiskService(address, credentials.createInsecure()) as unknown as Client & {
    GetRiskScores(request: { customer_ids: readonly string[] }, options: { deadline: number }, callback: (error: ServiceError | null, answer?: { scores: Row[] }) => void): void;
  };
  return {
    scores: (customerIds) =>
      new Promise((resolve, reject) =>
        // The same 2 s the gateway's risk connector allows.
        client.GetRiskScores({ customer_ids: customerIds }, { deadline: Date.now() + 2_000 }, (error, answer) => (error ? reject(error) : resolve(answer!.scores))),
      ),
    close: async () => client.close(),
  };
}
