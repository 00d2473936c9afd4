import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { checkConfigSources } from '../../../src/config/index.ts';
import { compileThriftConnector } from '../../../src/transports/thrift/compile-thrift-connector.ts';
import { createThriftTransport } from '../../../src/transports/thrift/thrift-transport.ts';
import type { ConfigError } from '../../../src/errors/gateway-error.ts';
import type { UpstreamError } from '../../../src/errors/gateway-error.ts';
import type { Transport, UpstreamRequest } from '../../../src/transports/transport.ts';
import { REPO_ROOT } from '../../support/gateway.ts';
import { startThriftUpstream, type ThriftUpstream } from '../../support/thrift-upstream.ts';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/thrift');
const releases: (() => void)[] = [];
let upstream: ThriftUpstream;
let transport: Transport;
let request: (id: string) => UpstreamRequest;

beforeAll(async () => {
  upstream = await startThriftUpstream({
    idl: path.join(FIXTURES, 'types.thrift'),
    service: 'TypesService',
    // Every call waits until the test releases it, so the pool's one connection stays busy.
    handlers: { getItems: (args) => new Promise((resolve) => releases.push(() => resolve((args.ids as string[]).map((id) => ({ id }))))) },
    // (Item.plain reads as its IDL default, 7, in every answer.)
  });
  const text = ['name: pool', 'transport: thrift', `address: ${upstream.address}`, 'idl: types.thrift', 'service: TypesService', 'maxConnections: 1', 'timeoutMs: 60000', 'operations:', '  getItems:', '    rpc: getItems', '    request: { ids: "{keys}" }', '    batch: { maxSize: 10, keyField: id }', ''].join('\n');
  // Named as if beside the fixtures, so `idl:` resolves to them.
  const { errors, config } = checkConfigSources({ connectorFiles: [{ file: path.join(FIXTURES, 'pool.yaml'), text }], schemaFiles: [] }, {});
  expect(errors).toEqual([]);
  const compileErrors: ConfigError[] = [];
  const [op] = compileThriftConnector(config.connectors[0]!, compileErrors);
  expect(compileErrors).toEqual([]);
  request = (id) => op!.render!({}, [id], {});
  transport = createThriftTransport({ maxWaiting: 1 });
});

afterAll(async () => {
  for (const release of releases) release();
  await transport?.close();
  await upstream?.close();
});

describe('the Thrift connection pool', () => {
  test('one connection, one call waiting for it, and a third call refused at once with OVERLOADED; the waiting call gets the connection when it frees', async () => {
    const first = transport.send(request('1'), {});
    const second = transport.send(request('2'), {});
    await expect(transport.send(request('3'), {})).rejects.toMatchObject({ code: 'OVERLOADED', message: 'Upstream pool.getItems has every connection busy and too many calls waiting' } satisfies Partial<UpstreamError>);
    await vi.waitFor(() => expect(upstream.calls.length).toBe(1));
    releases.shift()!();
    expect((await first).body).toEqual([{ id: '1', plain: 7 }]);
    await vi.waitFor(() => expect(upstream.calls.length).toBe(2));
    releases.shift()!();
    expect((await second).body).toEqual([{ id: '2', plain: 7 }]);
    expect(upstream.calls.map((c) => c.args.ids)).toEqual([['1'], ['2']]);
    expect(upstream.connections()).toBe(1);
  });

  test('a waiting call whose caller gives up leaves the queue: the next call takes its place', async () => {
    const busy = transport.send(request('4'), {});
    await vi.waitFor(() => expect(upstream.calls.length).toBe(3));
    const controller = new AbortController();
    const gaveUp = transport.send(request('5'), { signal: controller.signal });
    controller.abort();
    await expect(gaveUp).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'Upstream pool.getItems call was aborted' });
    const next = transport.send(request('6'), {});
    releases.shift()!();
    expect((await busy).body).toEqual([{ id: '4', plain: 7 }]);
    await vi.waitFor(() => expect(upstream.calls.length).toBe(4));
    releases.shift()!();
    expect((await next).body).toEqual([{ id: '6', plain: 7 }]);
    expect(upstream.calls.map((c) => c.args.ids).slice(2)).toEqual([['4'], ['6']]);
  });

  test('close() refuses the calls still waiting and drops the connections', async () => {
    const own = createThriftTransport({ maxWaiting: 1 });
    const busy = own.send(request('7'), {});
    await vi.waitFor(() => expect(upstream.calls.length).toBe(5));
    const waiting = own.send(request('8'), {});
    await own.close();
    await expect(waiting).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    await expect(busy).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
