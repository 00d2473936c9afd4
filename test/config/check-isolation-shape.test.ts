import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';
import { compileBlueprint } from '../../src/blueprint/index.ts';

const FILE = 'connectors/crm.yaml';
const GATEWAY = 'gateway.yaml';
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const connector = (...lines: string[]) => yaml('baseUrl: http://127.0.0.1:4101', ...lines, 'operations:', '  getCustomer:', '    path: /customers/{id}', '    params:', '      id: ID!');

function errorsOf(sources: { connector?: string; gateway?: string; file?: string }) {
  const { errors } = checkConfigSources(
    {
      connectorFiles: sources.connector === undefined ? [] : [{ file: sources.file ?? FILE, text: sources.connector }],
      schemaFiles: [],
      gatewayFile: sources.gateway === undefined ? undefined : { file: GATEWAY, text: sources.gateway },
    },
    {},
  );
  return errors.map((e) => ({ code: e.code, at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, path: e.configPath, message: e.message }));
}

describe('isolation settings: every bad value with its position and a way out', () => {
  test.for([
    {
      name: 'gateway.yaml: a misspelt key, a mark that would pass as production, a bad mode',
      gateway: yaml('isolation:', '  marks: [stress, production, Bad Mark]', '  unalowed: refuse', '  unshadowed:', '    writes: forwad'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:2:19', path: 'gateway.isolation.marks.1', message: 'expected a mark other than "production": that is the label of unmarked traffic' },
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:2:31', path: 'gateway.isolation.marks.2', message: 'expected a mark name of 1 to 32 lowercase letters, digits, "_" or "-", starting with a letter; got "Bad Mark"' },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'gateway.yaml:3:3', path: 'gateway.isolation.unalowed', message: 'expected one of the keys header, marks, allowedCallers, unallowed, unshadowed; got "unalowed". Did you mean "unallowed" or "unshadowed"?' },
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:5:13', path: 'gateway.isolation.unshadowed.writes', message: 'expected one of required, forward; got "forwad". Did you mean "forward"?' },
      ],
    },
    {
      name: 'gateway.yaml: a header the gateway already owns, a bad unallowed value, callers not a list',
      gateway: yaml('isolation:', '  header: X-Request-Id', '  unallowed: drop', '  allowedCallers: loadtest'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:2:11', path: 'gateway.isolation.header', message: 'expected a header of its own; "x-request-id" already means something to the gateway' },
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:3:14', path: 'gateway.isolation.unallowed', message: 'expected one of refuse, ignore; got "drop"' },
        { code: 'CONFIG_INVALID_VALUE', at: 'gateway.yaml:4:19', path: 'gateway.isolation.allowedCallers', message: 'expected a list of caller ids allowed to send a mark, e.g. [loadtest]; got "loadtest"' },
      ],
    },
    {
      name: 'connector: a bad isolation mode, a shadow URL that is production, a shadow for an unknown operation',
      connector: connector('isolation: requird', 'shadow:', '  baseUrl: http://127.0.0.1:4101', '  operations:', '    getCustomr:', '      path: /x'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: 'connectors/crm.yaml:2:12', path: 'connectors.crm.isolation', message: 'expected one of required, forward; got "requird". Did you mean "required"?' },
        { code: 'CONFIG_INVALID_VALUE', at: 'connectors/crm.yaml:4:12', path: 'connectors.crm.shadow.baseUrl', message: "expected a shadow baseUrl other than production's; \"http://127.0.0.1:4101\" is the connector's own baseUrl" },
        { code: 'CONFIG_UNKNOWN_OPERATION', at: 'connectors/crm.yaml:6:5', path: 'connectors.crm.shadow.operations.getCustomr', message: 'expected an operation of this connector (getCustomer); got "getCustomr". Did you mean "getCustomer"?' },
      ],
    },
    {
      name: 'connector: a shadow with no target, an unknown shadow key, a mutates flag that is not a boolean',
      connector: yaml('baseUrl: http://127.0.0.1:4101', 'shadow:', '  baseUlr: http://127.0.0.1:5101', 'operations:', '  get:', '    path: /x', '    mutates: "yes"'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: 'connectors/crm.yaml:2:1', path: 'connectors.crm.shadow', message: 'expected key "baseUrl" (where marked traffic goes instead of production) or per-operation targets under operations; both are missing' },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'connectors/crm.yaml:3:3', path: 'connectors.crm.shadow.baseUlr', message: 'expected one of the keys baseUrl, operations; got "baseUlr". Did you mean "baseUrl"?' },
        { code: 'CONFIG_INVALID_VALUE', at: 'connectors/crm.yaml:7:14', path: 'connectors.crm.operations.get.mutates', message: 'expected true or false; got "yes"' },
      ],
    },
    {
      name: 'gRPC connector: a shadow address with a scheme, and a path override it cannot have',
      file: 'connectors/risk.yaml',
      connector: yaml('transport: grpc', 'address: 127.0.0.1:4105', 'protos: risk.proto', 'service: risk.Risk', 'shadow:', '  address: grpc://127.0.0.1:5105', '  operations:', '    score:', '      path: /x', 'operations:', '  score:', '    rpc: Score'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: 'connectors/risk.yaml:6:12', path: 'connectors.risk.shadow.address', message: "expected the shadow upstream's host:port, e.g. \"127.0.0.1:5105\"; got \"grpc://127.0.0.1:5105\"" },
        { code: 'CONFIG_UNKNOWN_KEY', at: 'connectors/risk.yaml:9:7', path: 'connectors.risk.shadow.operations.score.path', message: 'expected one of the keys address; got "path"' },
      ],
    },
  ])('$name', (c) => {
    expect(errorsOf(c)).toEqual(c.errors);
  });

  test('a shadow path template that names an undeclared param is reported at its column, with a suggestion', () => {
    const { config, errors } = checkConfigSources(
      {
        connectorFiles: [{ file: FILE, text: connector('shadow:', '  operations:', '    getCustomer:', '      path: /shadow/{idd}') }],
        schemaFiles: [{ file: 'schemas/s.graphql', text: 'type Query { c(id: ID!): C @source(connector: "crm", operation: "getCustomer", params: { id: "{args.id}" }) }\ntype C { id: ID! }\n' }],
      },
      {},
    );
    expect(errors).toEqual([]);
    const compiled = compileBlueprint(config);
    expect(compiled.errors.map((e) => ({ code: e.code, at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, path: e.configPath, message: e.message }))).toEqual([
      {
        code: 'CONFIG_UNKNOWN_REFERENCE',
        at: 'connectors/crm.yaml:5:21',
        path: 'connectors.crm.shadow.operations.getCustomer.path',
        message: 'expected a declared param (id); got {idd}. Did you mean "id"?',
      },
    ]);
  });
});
