import { KEYS_REF } from '../../blueprint/compile-connector.ts';
import { renderTemplate } from '../../blueprint/template.ts';
import { renderBody } from '../../blueprint/render-body.ts';
import type { CompiledOperation } from '../../blueprint/ir.ts';
import type { UpstreamRequest } from '../transport.ts';
import { RequestError } from '../../errors/gateway-error.ts';
import { ErrorCodes } from '../../errors/codes.ts';
import { RequestValueError } from './request-value-error.ts';
import type { EncodingRpcCall } from './rpc-call.ts';

/**
 * Renders one RPC call (gRPC, Thrift): the request template filled from params and keys, checked
 * against the request type and encoded (EncodingRpcCall.encode). A value the type cannot carry
 * (`"abc"` for a 64-bit integer) is the caller's mistake, so it fails the field with
 * REQUEST_INVALID before any call.
 */
export function renderRpcRequest(
  op: CompiledOperation,
  call: EncodingRpcCall,
  params: Readonly<Record<string, unknown>>,
  keys: readonly unknown[] | undefined,
  headers: Readonly<Record<string, string>>,
): UpstreamRequest {
  const resolve = (ref: { path: readonly string[] }): unknown => {
    const name = ref.path[0]!;
    return name === KEYS_REF && op.batch ? keys : params[name];
  };
  let payload: Buffer;
  try {
    payload = call.encode(renderBody(op.body!, resolve));
  } catch (error) {
    if (!(error instanceof RequestValueError)) throw error;
    throw new RequestError(ErrorCodes.REQUEST_INVALID, `Cannot call ${op.id}: request field ${error.message}.`, {
      details: { connector: op.connector, operation: op.name },
      cause: error,
    });
  }
  let allHeaders: Record<string, string> = headers;
  if (op.headers.length > 0) {
    allHeaders = { ...headers };
    for (const [name, template] of op.headers) {
      const value = renderTemplate(template, resolve);
      if (value !== null && value !== undefined) allHeaders[name] = String(value);
    }
  }
  return {
    connector: op.connector,
    operation: op.name,
    method: op.method,
    origin: op.origin,
    path: call.path,
    headers: allHeaders,
    body: undefined,
    timeoutMs: op.timeoutMs,
    policy: op.policy,
    rpc: call,
    payload,
  };
}
