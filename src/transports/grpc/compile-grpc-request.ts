import protobuf from 'protobufjs';
import type { RequestShape, ResultShape } from '../rpc/request-shape.ts';
import { compileRequestCoercion } from './coerce-request.ts';

/**
 * A protobuf message as the shared request template check sees it (rpc/compile-rpc-request.ts):
 * repeated fields hold lists, map fields mappings, message fields nested mappings; a literal is
 * checked by the message's own coercion (coerce-request.ts).
 */
export function protoRequestShape(type: protobuf.Type): RequestShape {
  return {
    fullName: type.fullName.slice(1),
    pathPrefix: type.name,
    fieldNames: () => Object.keys(type.fields),
    field(name) {
      const field = type.fields[name]?.resolve();
      if (!field) return undefined;
      const map = field instanceof protobuf.MapField;
      const message = field.resolvedType instanceof protobuf.Type && !map ? protoRequestShape(field.resolvedType) : undefined;
      return { name: field.name, typeLabel: field.type, repeated: field.repeated, map, message };
    },
    checkLiteral: (name, value) => void compileRequestCoercion(type)({ [name]: value }),
  };
}

/** A protobuf message as `result:` and `batch.keyField` are checked against. */
export function protoResultShape(type: protobuf.Type): ResultShape {
  return {
    name: type.name,
    fieldNames: () => Object.keys(type.fields),
    field(name) {
      const field = type.fields[name]?.resolve();
      if (!field) return undefined;
      return { repeated: field.repeated, message: field.resolvedType instanceof protobuf.Type ? protoResultShape(field.resolvedType) : undefined };
    },
  };
}
