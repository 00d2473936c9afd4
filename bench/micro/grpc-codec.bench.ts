/**
 * The gateway's gRPC codec against @grpc/proto-loader's, on the demo's Risk answer (50 scores):
 * the gateway loads protos with protobufjs directly (it needs the message types to check templates
 * at validate time) and decodes with its own conversions (Timestamp as RFC 3339); proto-loader
 * is what a hand-written grpc-js client uses. `node bench/micro/grpc-codec.bench.ts`.
 */
import { loadSync } from '@grpc/proto-loader';
import { loadProtos } from '../../src/transports/grpc/load-protos.ts';
import { compileRequestCoercion } from '../../src/transports/grpc/coerce-request.ts';
import { compileResponseDecoder, installWellKnownConversions } from '../../src/transports/grpc/decode-response.ts';
import { riskOfCustomer, RISK_PROTO } from '../../src/demo/risk.ts';
import { measure, printTable } from './harness.ts';

const { root } = loadProtos([RISK_PROTO], []);
installWellKnownConversions(root!);
const Response = root!.lookupType('tessera.risk.v1.GetRiskScoresResponse');
const Request = root!.lookupType('tessera.risk.v1.GetRiskScoresRequest');
const ids = Array.from({ length: 50 }, (_, i) => String(i + 1));
const answer = Response.encode(Response.fromObject({ scores: ids.map((id) => riskOfCustomer(id)!) })).finish();
const decode = compileResponseDecoder(Response);
const coerce = compileRequestCoercion(Request);

const method = loadSync(RISK_PROTO, { keepCase: true, longs: String, enums: String, defaults: true })['tessera.risk.v1.RiskService'] as Record<
  string,
  { requestSerialize(value: unknown): Buffer; responseDeserialize(bytes: Buffer): unknown }
>;
const loaderMethod = method.GetRiskScores!;

printTable(`gRPC codec, the Risk answer (50 scores, ${answer.length} bytes) and its request (50 ids)`, [
  measure('decode answer: gateway (protobufjs + RFC 3339 Timestamp)', () => decode(answer)),
  measure('decode answer: proto-loader (Timestamp left a message)', () => loaderMethod.responseDeserialize(answer as Buffer)),
  measure('encode request: gateway (checked coercion + encode)', () => Request.encode(coerce({ customer_ids: ids })).finish()),
  measure('encode request: proto-loader (fromObject + encode)', () => loaderMethod.requestSerialize({ customer_ids: ids })),
]);
