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
  // A decoded Timestamp's seconds is a Long: toNumber() is exact for every valid timestamp
  // (|seconds| < 2^38) and far cheaper than its decimal toString.
  const s = typeof seconds === 'number' ? seconds : typeof seconds === 'string' ? Number(seconds) : (seconds as { toNumber(): number }).toNumber();
  const whole = civilDateTime(s);
  if (!nanos) return `${whole}Z`;
  const digits = String(nanos).padStart(9, '0');
  const fraction = digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits;
  return `${whole}.${fraction}Z`;
}

/**
 * Seconds since the epoch → `YYYY-MM-DDTHH:MM:SS` (UTC) by integer arithmetic (Hinnant's
 * days-to-civil), about ten times cheaper than a Date and toISOString per value; answers can
 * hold a Timestamp per item.
 */
function civilDateTime(epochSeconds: number): string {
  const days = Math.floor(epochSeconds / 86_400);
  const secondsOfDay = epochSeconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(secondsOfDay / 3600);
  const mm = Math.floor((secondsOfDay % 3600) / 60);
  const ss = secondsOfDay % 60;
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hh)}:${two(mm)}:${two(ss)}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
