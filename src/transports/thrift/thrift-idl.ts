/**
 * A Thrift IDL resolved into the types a call is encoded and decoded by: typedefs followed,
 * names from included files resolved, enums with their values. Built once per connector by
 * load-thrift-idl.ts from @creditkarma/thrift-parser's syntax tree; shared by every call.
 */
export type ThriftType =
  | { kind: 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary' }
  | { kind: 'list' | 'set'; item: ThriftType }
  | { kind: 'map'; key: ThriftType; value: ThriftType }
  | { kind: 'enum'; def: ThriftEnum }
  | { kind: 'struct'; def: ThriftStruct };

export type Requiredness = 'required' | 'optional' | 'default';

export interface ThriftField {
  id: number;
  name: string;
  type: ThriftType;
  requiredness: Requiredness;
  /** The IDL's default value in answer form (i64 as text, enums by name), when it declares one. */
  defaultValue: unknown;
}

export interface ThriftStruct {
  /** As the IDL names it from the connector's file: `Account`, `common.Money`. */
  name: string;
  kind: 'struct' | 'union' | 'exception';
  /** Filled after every definition exists, so structs may refer to each other (and themselves). */
  fields: ThriftField[];
  byName: Map<string, ThriftField>;
  byId: Map<number, ThriftField>;
}

export interface ThriftEnum {
  name: string;
  values: ReadonlyMap<string, number>;
  names: ReadonlyMap<number, string>;
}

export interface ThriftFunction {
  name: string;
  oneway: boolean;
  /** undefined for `void`. */
  returns: ThriftType | undefined;
  /** The argument list as the struct it travels as (`<name>_args`). */
  args: ThriftStruct;
  /** The declared exceptions: fields of the reply struct next to the success field 0. */
  throws: ThriftField[];
  /** Where the function is declared, for messages. */
  line: number;
}

export interface ThriftService {
  name: string;
  /** Its own functions and those of the services it extends. */
  functions: ReadonlyMap<string, ThriftFunction>;
}

export interface ThriftIdl {
  /** Services by the name the connector's `service:` uses: own ones bare, included ones `file.Service`. */
  services: ReadonlyMap<string, ThriftService>;
}

/** `list<i64>`, `map<string, Account>`: how messages show a type. */
export function typeLabel(type: ThriftType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
      return `${type.kind}<${typeLabel(type.item)}>`;
    case 'map':
      return `map<${typeLabel(type.key)}, ${typeLabel(type.value)}>`;
    case 'enum':
    case 'struct':
      return type.def.name;
    default:
      return type.kind;
  }
}
