import type { ConnectorConfig, IsolationConfig } from '../config/types.ts';
import type { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { RpcCall, UpstreamRequest } from '../transports/transport.ts';
import type { CompiledOperation, MarkedTarget } from './ir.ts';
import { parseTemplate, templateError } from './template.ts';
import { locateScalarContent } from './locate-in-yaml.ts';
import { didYouMean } from '../util/did-you-mean.ts';
import { FIELDS_REF, KEYS_REF } from './compile-connector.ts';

/**
 * Decides, once per operation, where marked traffic goes (docs/config.md, "Stress and preview
 * isolation"): its shadow target when the connector declares one for it; otherwise the
 * connector's `isolation:` (required: no call; forward: production with the mark); otherwise
 * gateway.yaml's `isolation.unshadowed`, read-only operations (an HTTP GET, a gRPC method that is
 * idempotent) by `reads`, every other one (and any with `mutates: true`) by `writes`, which
 * fails closed unless the operator says otherwise. Returns the operation with `marked` set.
 */
export function withIsolation(op: CompiledOperation, connector: ConnectorConfig, settings: IsolationConfig, errors: ConfigError[]): CompiledOperation {
  return Object.freeze({ ...op, marked: markedTarget(op, connector, settings, errors) });
}

function markedTarget(op: CompiledOperation, connector: ConnectorConfig, settings: IsolationConfig, errors: ConfigError[]): MarkedTarget {
  const shadow = shadowOperation(op, connector, errors);
  if (shadow) return Object.freeze({ kind: 'shadow', operation: shadow, label: `shadow ${shadow.origin}${shadow.basePath}` });
  const mutates = connector.operations[op.name]?.mutates === true;
  const readOnly = !mutates && (op.render === undefined ? op.method === 'GET' : op.policy.idempotent);
  const mode = connector.isolation ?? (readOnly ? settings.unshadowed.reads : settings.unshadowed.writes);
  if (mode === 'forward') return Object.freeze({ kind: 'forward', label: 'production (mark forwarded)' });
  const why =
    connector.isolation === 'required'
      ? `connector ${connector.name} is declared isolation: required`
      : `${op.id} is not read-only (${mutates ? 'mutates: true' : op.render === undefined ? op.method : 'not idempotent'}) and isolation.unshadowed.writes is required`;
  return Object.freeze({ kind: 'refuse', label: 'refused: no shadow target', reason: `${op.id} has no shadow target and ${why}` });
}

/** The operation aimed at its shadow target, or undefined when the connector declares none for it. */
function shadowOperation(op: CompiledOperation, connector: ConnectorConfig, errors: ConfigError[]): CompiledOperation | undefined {
  const shadow = connector.shadow;
  if (!shadow) return undefined;
  const override = shadow.operations[op.name];
  const target = override?.target ?? shadow.target;
  const path = override?.path;
  if (target === undefined && path === undefined) return undefined;
  if (op.render !== undefined) return target === undefined ? undefined : shadowRpcOperation(op, target);
  const url = new URL(target ?? connector.baseUrl);
  return Object.freeze({
    ...op,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    path: path === undefined ? op.path : shadowPath(op, connector, path, errors),
    marked: undefined,
  });
}

/** A shadow path template may use the operation's params (and `{keys}`, `{fields}`), as its own path does. */
function shadowPath(op: CompiledOperation, connector: ConnectorConfig, text: string, errors: ConfigError[]): CompiledOperation['path'] {
  const at = ['shadow', 'operations', op.name, 'path'];
  const dotted = `connectors.${connector.name}.${at.join('.')}`;
  const where = locateScalarContent(connector.sourceMap, at);
  const { template, errors: syntax } = parseTemplate(text);
  for (const e of syntax) errors.push(templateError(e.message, where, e.offset, dotted));
  const declared = [...op.params.keys(), ...(op.batch ? [KEYS_REF] : [])];
  for (const ref of template.refs) {
    const name = ref.path.join('.');
    if (ref.path.length === 1 && (declared.includes(name) || name === FIELDS_REF)) continue;
    errors.push(templateError(`expected a declared param (${declared.join(', ')}); got {${name}}.${didYouMean(name, declared)}`, where, ref.offset, dotted, ErrorCodes.CONFIG_UNKNOWN_REFERENCE));
  }
  return template;
}

/** An RPC operation aimed at another address: the same method and messages, another channel. */
function shadowRpcOperation(op: CompiledOperation, address: string): CompiledOperation {
  const render = op.render!;
  let rpc: RpcCall | undefined;
  return Object.freeze({
    ...op,
    origin: address,
    marked: undefined,
    render: (params: Readonly<Record<string, unknown>>, keys: readonly unknown[] | undefined, headers: Readonly<Record<string, string>>): UpstreamRequest => {
      const request = render(params, keys, headers);
      // The call is the same for every request of this operation: re-aimed once, then reused.
      rpc ??= Object.freeze({ ...request.rpc!, address });
      request.origin = address;
      request.rpc = rpc;
      return request;
    },
  });
}
