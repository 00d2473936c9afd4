import { readPath } from '../util/read-path.ts';

/** An item's discriminator as a map key: a string, or a number as text; anything else names no type. */
export function discriminatorValue(item: object, path: readonly string[]): string | undefined {
  const value = readPath(item, path);
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : undefined;
}
