import { describe, expect, test } from 'vitest';
import { checkConfigSources } from '../../src/config/index.ts';

const FILE = 'connectors/orders.yaml';
const BATCH_KEYS = 'expected one of the keys maxSize, keyField, keyFields, keySeparator, many, keyStyle, answer, acrossRequests';

/** A YAML string in, the exact list of errors out (file:line:col, config path, message). */
function errorsOf(text: string) {
  const { errors } = checkConfigSources({ connectorFiles: [{ file: FILE, text }], schemaFiles: [] }, {});
  return errors.map((e) => ({ code: e.code, at: `${e.source?.file}:${e.source?.line}:${e.source?.column}`, path: e.configPath, message: e.message }));
}

/** One batched operation whose `batch:` block is `lines` (line 7 onwards). */
const withBatch = (...lines: string[]) =>
  ['baseUrl: http://127.0.0.1:4102', 'operations:', '  ordersOf:', '    path: /orders', '    query: { ids: "{keys}" }', '    batch:', ...lines.map((l) => `      ${l}`)].join('\n') + '\n';
const AT = 'connectors.orders.operations.ordersOf.batch';

describe('batch answer layouts and composite keys: every bad key or value, with its position', () => {
  test.for([
    {
      name: 'a misspelt answer key and kind, with suggestions',
      text: withBatch('maxSize: 10', 'answr: { kind: grouped }', 'keyField: id'),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', at: `${FILE}:8:7`, path: `${AT}.answr`, message: `${BATCH_KEYS}; got "answr". Did you mean "answer"?` }],
    },
    {
      name: 'a misspelt kind and a misspelt key inside answer',
      text: withBatch('maxSize: 10', 'answer:', '  kind: gruoped', '  valuePth: orders'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:15`, path: `${AT}.answer.kind`, message: 'expected one of list, grouped, map; got "gruoped". Did you mean "grouped"?' },
        { code: 'CONFIG_UNKNOWN_KEY', at: `${FILE}:10:9`, path: `${AT}.answer.valuePth`, message: 'expected one of the keys kind, keyPath, valuePath; got "valuePth". Did you mean "valuePath"?' },
      ],
    },
    {
      name: 'answer of the wrong type',
      text: withBatch('maxSize: 10', 'keyField: id', 'answer: grouped'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:15`, path: `${AT}.answer`, message: 'expected a mapping such as { kind: grouped, keyPath: customerId, valuePath: orders }; got "grouped"' }],
    },
    {
      name: 'a grouped answer without its paths, and paths of the wrong type',
      text: withBatch('maxSize: 10', 'answer: { kind: grouped }'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: `${FILE}:8:7`, path: `${AT}.answer.valuePath`, message: 'expected key "valuePath" (the dot path in each group to its list of items or its one item, e.g. "orders"); it is missing' },
        { code: 'CONFIG_MISSING_KEY', at: `${FILE}:8:7`, path: `${AT}.answer.keyPath`, message: 'expected key "keyPath" (the dot path in each group that equals its key), or batch.keyFields; it is missing' },
      ],
    },
    {
      name: 'valuePath of the wrong type',
      text: withBatch('maxSize: 10', 'answer: { kind: grouped, keyPath: id, valuePath: 3 }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:56`, path: `${AT}.answer.valuePath`, message: 'expected a dot path, e.g. "orders" or "data.items"; got 3' }],
    },
    {
      name: 'keyPath on a map answer, valuePath on a list answer',
      text: withBatch('maxSize: 10', 'answer: { kind: map, keyPath: id }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:28`, path: `${AT}.answer.keyPath`, message: 'expected keyPath only with kind: grouped (a map answer is keyed by its property names)' }],
    },
    {
      name: 'valuePath on a list answer',
      text: withBatch('maxSize: 10', 'keyField: id', 'answer: { kind: list, valuePath: x }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:29`, path: `${AT}.answer.valuePath`, message: "expected valuePath only with kind: grouped or map (a list answer's items are the values)" }],
    },
    {
      name: 'keyFields: one field, a string, a bad name and a repeated one',
      text: withBatch('maxSize: 10', 'keyFields: [tenantId]'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:18`, path: `${AT}.keyFields`, message: 'expected a list of two or more field names, e.g. [tenantId, customerId] (use keyField for one); got a list of 1' }],
    },
    {
      name: 'keyFields as a string',
      text: withBatch('maxSize: 10', 'keyFields: tenantId'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:18`, path: `${AT}.keyFields`, message: 'expected a list of two or more field names, e.g. [tenantId, customerId] (use keyField for one); got "tenantId"' }],
    },
    {
      name: 'keyFields with a dotted name and a repeated one',
      text: withBatch('maxSize: 10', 'keyFields: [a.b, c, c]'),
      errors: [
        { code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:19`, path: `${AT}.keyFields.0`, message: 'expected a field name (a letter or _, then letters, digits or _); got "a.b"' },
        { code: 'CONFIG_INVALID_VALUE', at: `${FILE}:8:27`, path: `${AT}.keyFields.2`, message: 'expected each key field once; got "c" twice' },
      ],
    },
    {
      name: 'keyField and keyFields together',
      text: withBatch('maxSize: 10', 'keyField: id', 'keyFields: [a, b]'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:7`, path: `${AT}.keyFields`, message: 'expected either keyField (one key field) or keyFields (a composite key), not both' }],
    },
    {
      name: 'keySeparator without keyFields, and an empty one',
      text: withBatch('maxSize: 10', 'keyField: id', 'keySeparator: "|"'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:7`, path: `${AT}.keySeparator`, message: 'expected keySeparator only with keyFields: it separates the parts of a composite key' }],
    },
    {
      name: 'an empty keySeparator',
      text: withBatch('maxSize: 10', 'keyFields: [a, b]', 'keySeparator: ""'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:21`, path: `${AT}.keySeparator`, message: 'expected a non-empty string, e.g. ":"; got ""' }],
    },
    {
      name: 'a misspelt keySeparator',
      text: withBatch('maxSize: 10', 'keyFields: [a, b]', 'keySeperator: "|"'),
      errors: [{ code: 'CONFIG_UNKNOWN_KEY', at: `${FILE}:9:7`, path: `${AT}.keySeperator`, message: `${BATCH_KEYS}; got "keySeperator". Did you mean "keySeparator"?` }],
    },
    {
      name: 'a misspelt keyFields leaves the list answer without a key',
      text: withBatch('maxSize: 10', 'keyFeilds: [a, b]'),
      errors: [
        { code: 'CONFIG_MISSING_KEY', at: `${FILE}:6:5`, path: `${AT}.keyField`, message: 'expected key "keyField" (the dot path in each returned item that equals its key); it is missing' },
        { code: 'CONFIG_UNKNOWN_KEY', at: `${FILE}:8:7`, path: `${AT}.keyFeilds`, message: `${BATCH_KEYS}; got "keyFeilds". Did you mean "keyFields" or "keyField"?` },
      ],
    },
    {
      name: 'keyPath and keyFields together on a grouped answer',
      text: withBatch('maxSize: 10', 'keyFields: [a, b]', 'answer: { kind: grouped, keyPath: id, valuePath: v }'),
      errors: [{ code: 'CONFIG_INVALID_VALUE', at: `${FILE}:9:32`, path: `${AT}.answer.keyPath`, message: 'expected either answer.keyPath or batch.keyFields, not both' }],
    },
  ])('$name', ({ text, errors }) => {
    expect(errorsOf(text)).toEqual(errors);
  });

  test.for([
    ['a grouped answer', 'answer: { kind: grouped, keyPath: customerId, valuePath: orders }'],
    ['a map answer', 'answer: { kind: map }'],
    ['a map answer with a value path', 'answer: { kind: map, valuePath: data }'],
    ['a composite key', 'keyFields: [tenantId, customerId]'],
    ['a composite key with its separator, grouped', 'keyFields: [tenantId, customerId]\n      keySeparator: "|"\n      answer: { kind: grouped, valuePath: orders }'],
  ])('%s needs no keyField', ([, lines]) => {
    expect(errorsOf(withBatch('maxSize: 10', lines!))).toEqual([]);
  });
});
