import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import thriftParser, { type ConstValue, type EnumDefinition, type ExceptionDefinition, type FieldDefinition, type FunctionType, type StructDefinition, type ThriftDocument, type ThriftError, type ThriftStatement, type UnionDefinition } from '@creditkarma/thrift-parser';
import type { Requiredness, ThriftEnum, ThriftField, ThriftFunction, ThriftIdl, ThriftService, ThriftStruct, ThriftType } from './thrift-idl.ts';

const { SyntaxType, createParser, createScanner } = thriftParser;

/** Why an IDL could not be used, and where: a `.thrift` file, line and column. */
export interface IdlProblem {
  message: string;
  /** The file at fault; undefined when it is the connector's `idl:` itself that cannot be read. */
  file: string | undefined;
  line: number;
  column: number;
}

const BASE_TYPES: Readonly<Record<string, ThriftType>> = {
  [SyntaxType.BoolKeyword]: { kind: 'bool' },
  [SyntaxType.ByteKeyword]: { kind: 'byte' },
  [SyntaxType.I8Keyword]: { kind: 'byte' },
  [SyntaxType.I16Keyword]: { kind: 'i16' },
  [SyntaxType.I32Keyword]: { kind: 'i32' },
  [SyntaxType.I64Keyword]: { kind: 'i64' },
  [SyntaxType.DoubleKeyword]: { kind: 'double' },
  [SyntaxType.StringKeyword]: { kind: 'string' },
  [SyntaxType.BinaryKeyword]: { kind: 'binary' },
};

/** One parsed file: its definitions by bare name and its includes by the name they are referred to (`common`). */
interface IdlFile {
  path: string;
  doc: ThriftDocument;
  includes: Map<string, IdlFile>;
  definitions: Map<string, ThriftStatement>;
  /** How another file's names read from the connector's file (`common.`), '' for the root. */
  prefix: string;
}

/**
 * Reads a `.thrift` file and everything it includes, at run time (no `thrift --gen`), and resolves
 * it into the types calls are encoded with. Includes resolve against the including file's folder,
 * then `includePaths`; an included file's names are written `file.Name`, as Thrift says. Returns
 * every problem found, each at the file, line and column it is about.
 */
export function loadThriftIdl(file: string, includePaths: readonly string[]): { idl: ThriftIdl | undefined; problems: IdlProblem[] } {
  const problems: IdlProblem[] = [];
  const files = new Map<string, IdlFile>();
  const root = readIdlFile(file, '', files, includePaths, problems, undefined);
  if (!root || problems.length > 0) return { idl: undefined, problems };
  const resolver = new Resolver(problems);
  const services = new Map<string, ThriftService>();
  for (const idlFile of files.values()) {
    for (const [name, statement] of idlFile.definitions) {
      if (statement.type === SyntaxType.ServiceDefinition) services.set(`${idlFile.prefix}${name}`, resolver.service(idlFile, name));
      // Every type is resolved, used or not, so a misspelt name anywhere is reported at once.
      else if (statement.type !== SyntaxType.ConstDefinition) resolver.definition(idlFile, name, statement.loc.start);
    }
  }
  return problems.length > 0 ? { idl: undefined, problems } : { idl: { services }, problems };
}

function readIdlFile(file: string, prefix: string, files: Map<string, IdlFile>, includePaths: readonly string[], problems: IdlProblem[], includedAt: IdlProblem | undefined): IdlFile | undefined {
  const known = files.get(file);
  if (known) return known;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    if (includedAt) problems.push({ ...includedAt, message: `expected the included file "${path.basename(file)}" next to this file or in includePaths; it cannot be read (${code})` });
    else problems.push({ message: `expected a readable .thrift file "${path.basename(file)}"; it cannot be read (${code})`, file: undefined, line: 1, column: 1 });
    return undefined;
  }
  const errors: ThriftError[] = [];
  const doc = parseQuietly(source, errors);
  for (const e of errors) problems.push({ message: `expected valid Thrift IDL; ${e.message}`, file, line: e.loc.start.line, column: e.loc.start.column });
  if (!doc) return undefined;
  const idlFile: IdlFile = { path: file, doc, includes: new Map(), definitions: new Map(), prefix };
  files.set(file, idlFile);
  for (const statement of doc.body) {
    if (statement.type === SyntaxType.IncludeDefinition) {
      const target = statement.path.value;
      const candidates = [path.resolve(path.dirname(file), target), ...includePaths.map((dir) => path.resolve(dir, target))];
      const found = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
      const name = path.basename(target).replace(/\.thrift$/, '');
      const at = { message: '', file, line: statement.loc.start.line, column: statement.loc.start.column };
      const included = readIdlFile(found, prefix === '' ? `${name}.` : prefix, files, includePaths, problems, at);
      if (included) idlFile.includes.set(name, included);
    } else if (
      statement.type === SyntaxType.StructDefinition ||
      statement.type === SyntaxType.UnionDefinition ||
      statement.type === SyntaxType.ExceptionDefinition ||
      statement.type === SyntaxType.EnumDefinition ||
      statement.type === SyntaxType.TypedefDefinition ||
      statement.type === SyntaxType.ServiceDefinition ||
      statement.type === SyntaxType.ConstDefinition
    ) {
      idlFile.definitions.set(statement.name.value, statement);
    }
  }
  return idlFile;
}

/** thrift-parser's `parse`, without its printing every error to the console: we report them ourselves. */
function parseQuietly(source: string, errors: ThriftError[]): ThriftDocument | undefined {
  const scanner = createScanner(source, (error) => {
    errors.push(error);
    scanner.syncronize();
  });
  const tokens = scanner.scan();
  const parser = createParser(tokens, (error) => {
    errors.push(error);
    parser.synchronize();
  });
  const doc = parser.parse();
  return errors.length > 0 ? undefined : doc;
}

/** Turns syntax into resolved types, each definition once, problems at the reference's position. */
class Resolver {
  readonly #problems: IdlProblem[];
  readonly #structs = new Map<ThriftStatement, ThriftStruct>();
  readonly #enums = new Map<ThriftStatement, ThriftEnum>();

  constructor(problems: IdlProblem[]) {
    this.#problems = problems;
  }

  service(file: IdlFile, name: string): ThriftService {
    const statement = file.definitions.get(name)!;
    if (statement.type !== SyntaxType.ServiceDefinition) throw new Error('Tessera invariant failed: not a service');
    const functions = new Map<string, ThriftFunction>();
    if (statement.extends) {
      const base = this.#lookup(file, statement.extends.value);
      if (base?.statement.type === SyntaxType.ServiceDefinition) {
        for (const [fname, fn] of this.service(base.file, base.statement.name.value).functions) functions.set(fname, fn);
      } else {
        this.#problem(file, statement.extends.loc.start, `expected a service to extend; got "${statement.extends.value}"`);
      }
    }
    for (const fn of statement.functions) {
      const args: ThriftStruct = { name: `${fn.name.value}_args`, kind: 'struct', fields: [], byName: new Map(), byId: new Map() };
      this.#fillFields(file, args, fn.fields);
      const throws = this.#fields(file, fn.throws);
      functions.set(fn.name.value, {
        name: fn.name.value,
        oneway: fn.oneway,
        returns: this.#functionType(file, fn.returnType),
        args,
        throws,
        line: fn.loc.start.line,
      });
    }
    return { name: `${file.prefix}${name}`, functions };
  }

  definition(file: IdlFile, name: string, at: { line: number; column: number }): void {
    this.#named(file, name, at);
  }

  #functionType(file: IdlFile, type: FunctionType): ThriftType | undefined {
    return type.type === SyntaxType.VoidKeyword ? undefined : this.#type(file, type);
  }

  #type(file: IdlFile, type: FunctionType): ThriftType {
    const base = BASE_TYPES[type.type];
    if (base) return base;
    switch (type.type) {
      case SyntaxType.ListType:
        return { kind: 'list', item: this.#type(file, type.valueType) };
      case SyntaxType.SetType:
        return { kind: 'set', item: this.#type(file, type.valueType) };
      case SyntaxType.MapType:
        return { kind: 'map', key: this.#type(file, type.keyType), value: this.#type(file, type.valueType) };
      case SyntaxType.Identifier:
        return this.#named(file, type.value, type.loc.start);
      default:
        this.#problem(file, type.loc.start, 'expected a field type; got void');
        return { kind: 'bool' };
    }
  }

  #named(file: IdlFile, name: string, at: { line: number; column: number }): ThriftType {
    const found = this.#lookup(file, name);
    if (!found) {
      this.#problem(file, at, `expected a defined type; got "${name}"${name.includes('.') ? ' (is its file included?)' : ''}`);
      return { kind: 'bool' };
    }
    const { statement } = found;
    switch (statement.type) {
      case SyntaxType.TypedefDefinition:
        return this.#type(found.file, statement.definitionType);
      case SyntaxType.EnumDefinition:
        return { kind: 'enum', def: this.#enum(found.file, statement) };
      case SyntaxType.StructDefinition:
      case SyntaxType.UnionDefinition:
      case SyntaxType.ExceptionDefinition:
        return { kind: 'struct', def: this.#struct(found.file, statement) };
      default:
        this.#problem(file, at, `expected a type; "${name}" is a ${statement.type === SyntaxType.ServiceDefinition ? 'service' : 'constant'}`);
        return { kind: 'bool' };
    }
  }

  #lookup(file: IdlFile, name: string): { file: IdlFile; statement: ThriftStatement } | undefined {
    const dot = name.lastIndexOf('.');
    if (dot === -1) {
      const statement = file.definitions.get(name);
      return statement && { file, statement };
    }
    const included = file.includes.get(name.slice(0, dot));
    const statement = included?.definitions.get(name.slice(dot + 1));
    return included && statement && { file: included, statement };
  }

  #struct(file: IdlFile, statement: StructDefinition | UnionDefinition | ExceptionDefinition): ThriftStruct {
    const known = this.#structs.get(statement);
    if (known) return known;
    const kind = statement.type === SyntaxType.UnionDefinition ? 'union' : statement.type === SyntaxType.ExceptionDefinition ? 'exception' : 'struct';
    const struct: ThriftStruct = { name: `${file.prefix}${statement.name.value}`, kind, fields: [], byName: new Map(), byId: new Map() };
    // Registered before its fields resolve, so a struct may hold itself (a tree) or a struct that holds it.
    this.#structs.set(statement, struct);
    this.#fillFields(file, struct, statement.fields);
    return struct;
  }

  #fillFields(file: IdlFile, struct: ThriftStruct, fields: readonly FieldDefinition[]): void {
    for (const field of this.#fields(file, fields)) {
      struct.fields.push(field);
      struct.byName.set(field.name, field);
      struct.byId.set(field.id, field);
    }
  }

  #fields(file: IdlFile, fields: readonly FieldDefinition[]): ThriftField[] {
    const out: ThriftField[] = [];
    // Thrift numbers a field without an id from -1 down, as the Apache compiler does.
    let implicitId = 0;
    for (const field of fields) {
      const id = field.fieldID ? field.fieldID.value : --implicitId;
      const type = this.#type(file, field.fieldType);
      const requiredness: Requiredness = field.requiredness ?? 'default';
      out.push({ id, name: field.name.value, type, requiredness, defaultValue: field.defaultValue ? this.#constant(file, field.defaultValue, type) : undefined });
    }
    return out;
  }

  #enum(file: IdlFile, statement: EnumDefinition): ThriftEnum {
    const known = this.#enums.get(statement);
    if (known) return known;
    const values = new Map<string, number>();
    const names = new Map<number, string>();
    let next = 0;
    for (const member of statement.members) {
      const value = member.initializer ? Number(member.initializer.value.value) : next;
      values.set(member.name.value, value);
      if (!names.has(value)) names.set(value, member.name.value);
      next = value + 1;
    }
    const def: ThriftEnum = { name: `${file.prefix}${statement.name.value}`, values, names };
    this.#enums.set(statement, def);
    return def;
  }

  /** A default value in the form answers take (i64 as decimal text, enums by name, binary as base64). */
  #constant(file: IdlFile, value: ConstValue, type: ThriftType): unknown {
    switch (value.type) {
      case SyntaxType.IntConstant: {
        const n = BigInt(value.value.value);
        if (type.kind === 'enum') return type.def.names.get(Number(n)) ?? Number(n);
        if (type.kind === 'bool') return n !== 0n;
        return type.kind === 'i64' ? n.toString() : Number(n);
      }
      case SyntaxType.DoubleConstant:
        return Number(value.value.value);
      case SyntaxType.StringLiteral:
        return type.kind === 'binary' ? Buffer.from(value.value).toString('base64') : value.value;
      case SyntaxType.BooleanLiteral:
        return value.value;
      case SyntaxType.ConstList: {
        const item = type.kind === 'list' || type.kind === 'set' ? type.item : type;
        return value.elements.map((element) => this.#constant(file, element, item));
      }
      case SyntaxType.ConstMap: {
        const out: Record<string, unknown> = {};
        const valueType = type.kind === 'map' ? type.value : type;
        for (const property of value.properties) out[String(this.#constant(file, property.name, type.kind === 'map' ? type.key : type))] = this.#constant(file, property.initializer, valueType);
        return out;
      }
      case SyntaxType.Identifier: {
        // An enum member (`Level.GOLD`) or a constant of this file.
        if (type.kind === 'enum') {
          const member = value.value.split('.').at(-1)!;
          if (type.def.values.has(member)) return member;
        }
        const constant = this.#lookup(file, value.value);
        if (constant?.statement.type === SyntaxType.ConstDefinition) return this.#constant(constant.file, constant.statement.initializer, type);
        this.#problem(file, value.loc.start, `expected a constant or a member of ${type.kind === 'enum' ? type.def.name : 'an enum'}; got "${value.value}"`);
        return undefined;
      }
    }
  }

  #problem(file: IdlFile, at: { line: number; column: number }, message: string): void {
    this.#problems.push({ message, file: file.path, line: at.line, column: at.column });
  }
}
