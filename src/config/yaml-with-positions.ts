import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';
import type { SourceLocation } from '../errors/gateway-error.ts';
import type { ConfigPath, SourceMap } from './types.ts';

/** One YAML file, parsed: its plain value, a map back to positions, and any syntax errors. */
export interface ParsedYaml {
  /** The file as plain JSON-like data; `undefined` when the YAML had errors. */
  value: unknown;
  sourceMap: SourceMap;
  errors: ConfigError[];
}

/**
 * Parses one YAML file and keeps the document tree, so any later stage can turn a path such as
 * `['operations', 'getCustomer', 'method']` back into `file:line:column`. `configPath` labels
 * syntax errors (e.g. `connectors.crm`).
 */
export function parseYamlWithPositions(file: string, text: string, configPath?: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // prettyErrors off: we print our own excerpt, and want the bare message without one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const sourceMap = createSourceMap(file, text, doc, at);
  const syntaxError = (message: string, offset: number, severity: 'error' | 'warning' = 'error') =>
    new ConfigError(ErrorCodes.CONFIG_YAML_SYNTAX, `expected valid YAML; ${lowerFirst(message)}`, {
      source: at(offset),
      configPath,
      severity,
    });

  const errors = doc.errors.map((e) => syntaxError(e.message, e.pos[0]));
  errors.push(...doc.warnings.map((w) => syntaxError(w.message, w.pos[0], 'warning')));
  if (errors.some((e) => e.severity === 'error')) return { value: undefined, sourceMap, errors };

  // The parser accepts an alias to an anchor that is never defined; toJS then throws, so find it first.
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        errors.push(syntaxError(`expected the anchor "&${alias.source}" to be defined before this alias; it is not`, alias.range?.[0] ?? 0));
      }
    },
  });
  if (errors.some((e) => e.severity === 'error')) return { value: undefined, sourceMap, errors };
  try {
    return { value: doc.toJS(), sourceMap, errors };
  } catch (error) {
    // e.g. "Excessive alias count": the yaml package's guard against alias bombs.
    const message = error instanceof Error ? error.message : String(error);
    errors.push(syntaxError(message, doc.contents?.range?.[0] ?? 0));
    return { value: undefined, sourceMap, errors };
  }
}

/** Builds the SourceMap over a parsed document; lookups walk the tree, so they cost nothing until an error. */
function createSourceMap(file: string, text: string, doc: Document, at: (offset: number) => SourceLocation): SourceMap {
  let lines: string[] | undefined;
  return {
    file,
    locate(path: ConfigPath, part: 'key' | 'value' = 'value'): SourceLocation {
      return at(locateOffset(doc, path, part));
    },
    lineText(line: number): string {
      lines ??= text.split(/\r?\n/);
      return lines[line - 1] ?? '';
    },
  };
}

/**
 * The offset of the node at `path`. A missing step falls back to the nearest existing ancestor,
 * pointing at its key: for a missing required key, that is the mapping that should hold it.
 */
function locateOffset(doc: Document, path: ConfigPath, part: 'key' | 'value'): number {
  const root = doc.contents;
  let keyOffset = start(root) ?? 0;
  let node: Node | null | undefined = root;
  for (const segment of path) {
    const child = childOf(doc, node, segment);
    if (!child) return keyOffset;
    keyOffset = child.keyOffset;
    node = child.node;
  }
  if (part === 'key') return keyOffset;
  // An empty value (`method:`) has a zero-width range; its key is the useful place to point.
  const range = node?.range;
  return range && range[1] > range[0] ? range[0] : keyOffset;
}

/** One step down the tree: a mapping entry by key, or a sequence item by index. */
function childOf(doc: Document, parent: Node | null | undefined, segment: string | number): { node: Node | null; keyOffset: number } | undefined {
  const container = isAlias(parent) ? parent.resolve(doc) : parent;
  if (isMap(container)) {
    for (const pair of container.items) {
      if (!isPair(pair)) continue;
      const key = pair.key as Node | null;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (name === String(segment)) return { node: (pair.value as Node | null) ?? null, keyOffset: start(key) ?? 0 };
    }
    return undefined;
  }
  if (isSeq(container) && typeof segment === 'number') {
    const item = container.items[segment] as Node | null | undefined;
    const offset = start(item);
    return item && offset !== undefined ? { node: item, keyOffset: offset } : undefined;
  }
  return undefined;
}

function start(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

/** Lower-cases the first letter of a library message so it reads as part of our sentence, keeping acronyms. */
function lowerFirst(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}
