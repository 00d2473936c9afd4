import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

/** Why a set of `.proto` files could not be loaded, and where (a proto file and line when known). */
export interface ProtoProblem {
  message: string;
  /** The proto file at fault; undefined when the fault is the list of files itself. */
  file: string | undefined;
  line: number;
  column: number;
}

/** A protobufjs syntax error ends with `(file, line N)`. */
const SYNTAX_POSITION = /\s*\((?:(.+), )?line (\d+)\)$/;
/** resolveAll's unresolved type reference: `no such Type or Enum 'Foo' in Type .pkg.Bar`. */
const NO_SUCH_TYPE = /^no such (?:type|Type|Enum)(?: or Enum)?:? '?([\w.]+)'?/;

/**
 * Loads `.proto` files at run time with protobufjs, keeping field names as written (`keepCase`).
 * Imports resolve against the importing file's folder, then `importPaths`; `google/protobuf/*`
 * well-known types come bundled with protobufjs. Returns the root, or the first problem with the
 * proto file and line it points at (protobufjs stops at the first one).
 */
export function loadProtos(files: readonly string[], importPaths: readonly string[]): { root: protobuf.Root | undefined; problem: ProtoProblem | undefined } {
  const root = new protobuf.Root();
  const importedBy = new Map<string, string>();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target) || origin === '') return path.resolve(target);
    const candidates = [path.resolve(path.dirname(origin), target), ...importPaths.map((dir) => path.resolve(dir, target))];
    const found = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
    if (!importedBy.has(found)) importedBy.set(found, origin);
    return found;
  };
  try {
    root.loadSync([...files], { keepCase: true });
    root.resolveAll();
    return { root, problem: undefined };
  } catch (error) {
    return { root: undefined, problem: describeProblem(error, root, importedBy) };
  }
}

function describeProblem(error: unknown, root: protobuf.Root, importedBy: ReadonlyMap<string, string>): ProtoProblem {
  const err = error as NodeJS.ErrnoException & { path?: string };
  if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES') {
    const missing = err.path ?? '';
    const origin = importedBy.get(missing);
    if (origin) {
      const imported = path.basename(missing);
      const line = lineOf(origin, (text) => text.includes(imported)) ?? 1;
      return { message: `expected the imported file "${imported}" next to this file or in importPaths; it cannot be read (${err.code})`, file: origin, line, column: 1 };
    }
    return { message: `expected a readable .proto file "${path.basename(missing)}"; it cannot be read (${err.code})`, file: undefined, line: 1, column: 1 };
  }
  const message = err instanceof Error ? err.message : String(error);
  const syntax = SYNTAX_POSITION.exec(message);
  if (syntax) {
    return { message: `expected valid proto syntax; ${message.slice(0, syntax.index)}`, file: syntax[1] ?? root.files.at(-1), line: Number(syntax[2]), column: 1 };
  }
  const unresolved = NO_SUCH_TYPE.exec(message);
  if (unresolved) {
    const name = unresolved[1]!.split('.').at(-1)!;
    const token = new RegExp(`(^|[\\s(<,.])${name}([\\s>,)]|$)`);
    for (const file of root.files) {
      if (!path.isAbsolute(file)) continue;
      const line = lineOf(file, (text) => !/^\s*(\/\/|message|enum|service)\b/.test(text) && token.test(text));
      if (line !== undefined) return { message: `expected a defined message or enum type; got "${unresolved[1]!}" (an import may be missing)`, file, line, column: 1 };
    }
    return { message: `expected a defined message or enum type; got "${unresolved[1]!}" (an import may be missing)`, file: root.files[0], line: 1, column: 1 };
  }
  return { message: `expected valid proto definitions; ${message}`, file: root.files.find((f) => path.isAbsolute(f)), line: 1, column: 1 };
}

/** The 1-based number of the first line of `file` that `test` accepts. */
function lineOf(file: string, test: (line: string) => boolean): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const index = text.split('\n').findIndex(test);
  return index === -1 ? undefined : index + 1;
}
