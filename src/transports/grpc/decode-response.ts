import protobuf from 'protobufjs';

/**
 * How an answer becomes plain data (docs/config.md, "gRPC type coercion"): 64-bit integers as
 * decimal strings (never a rounded number), enums by name, bytes as base64, unset proto3 scalars
 * as their defaults, unset repeated fields as [] and unset `optional`, oneof and message fields
 * absent (so null in GraphQL).
 */
const ANSWER_OPTIONS: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: true, arrays: true, objects: true };

/** Compiles the decoder of one response message: bytes → plain object; throws on malformed bytes. */
export function compileResponseDecoder(type: protobuf.Type): (bytes: Uint8Array) => Record<string, unknown> {
  return (bytes) => type.toObject(type.decode(bytes), ANSWER_OPTIONS);
}

/**
 * Makes google.protobuf.Timestamp answer RFC 3339 text (as the protobuf JSON mapping does),
 * once per loaded root. protobufjs' generated converters call `types[i].toObject` at run time,
 * so replacing it on the Timestamp type (after its own setup, which would overwrite it) is enough.
 */
export function installWellKnownConversions(root: protobuf.Root): void {
  const timestamp = root.lookup('.google.protobuf.Timestamp');
  if (!(timestamp instanceof protobuf.Type)) return;
  timestamp.setup();
  timestamp.toObject = (message: protobuf.Message) => formatTimestamp(message as unknown as { seconds: unknown; nanos: number }) as never;
}

/** `{ seconds, nanos }` → `2026-01-31T12:00:00Z`, with 3, 6 or 9 fraction digits when nanos is not 0. */
export function formatTimestamp({ seconds, nanos }: { seconds: unknown; nanos: number }): string {
  const s = typeof seconds === 'number' ? seconds : Number(String(seconds));
  const whole = new Date(s * 1000).toISOString().slice(0, 19);
  if (!nanos) return `${whole}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction = digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits;
  return `${whole}.${fraction}Z`;
}
