import { describe, expect, test } from 'vitest';
import { compileDateFormat, compileUnitConversion, maskEmail, maskKeepLast } from '../../src/postprocess/index.ts';

describe('mask', () => {
  test.for([
    { text: '+1-555-0123456', keep: 4, out: '**********3456' },
    { text: '12', keep: 4, out: '12' },
    { text: '', keep: 4, out: '' },
    { text: 'secret', keep: 0, out: '******' },
    { text: '电话号码１２３４', keep: 2, out: '******３４' },
    { text: '😀😀😀', keep: 1, out: '**😀' },
  ])('keepLast($keep) of "$text" → "$out"', ({ text, keep, out }) => {
    expect(maskKeepLast(text, keep)).toBe(out);
  });
  test.for([
    { text: 'ada@example.com', out: 'a**@example.com' },
    { text: 'a@b.c', out: 'a@b.c' },
    { text: 'no-at-sign', out: '**********' },
    { text: '@example.com', out: '************' },
    { text: 'x@y@example.com', out: 'x**@example.com' },
  ])('email "$text" → "$out"', ({ text, out }) => {
    expect(maskEmail(text)).toBe(out);
  });
});

describe('date format', () => {
  test.for([
    { value: '2024-01-31T18:30:05Z', pattern: 'YYYY-MM-DD HH:mm:ss', tz: 'UTC', out: '2024-01-31 18:30:05' },
    { value: '2024-01-31T18:30:05Z', pattern: 'DD/MM/YYYY HH:mm', tz: 'Asia/Shanghai', out: '01/02/2024 02:30' },
    { value: '2024-07-01T00:30:00Z', pattern: 'YYYY-MM-DD', tz: 'America/New_York', out: '2024-06-30' },
    { value: 0, pattern: 'YYYY', tz: 'UTC', out: '1970' },
    { value: 'not a date', pattern: 'YYYY', tz: 'UTC', out: null },
    { value: true, pattern: 'YYYY', tz: 'UTC', out: null },
  ])('$value as "$pattern" in $tz → $out', ({ value, pattern, tz, out }) => {
    expect(compileDateFormat(pattern, tz)(value)).toBe(out);
  });
  test('an unknown time zone fails when compiled, not per value', () => {
    expect(() => compileDateFormat('YYYY', 'Nowhere/Land')).toThrow(RangeError);
  });
});

describe('unit conversion', () => {
  test.for([
    { from: 'mm', to: 'cm', value: 1655, out: 165.5 },
    { from: 'km', to: 'mi', value: 42.195, decimals: 2, out: 26.22 },
    { from: 'C', to: 'F', value: 100, out: 212 },
    { from: 'F', to: 'C', value: 32, decimals: 6, out: 0 },
    { from: 'K', to: 'C', value: 0, decimals: 2, out: -273.15 },
    { from: 'minor', to: 'major', value: -5, out: -0.05 },
    { from: 'MiB', to: 'KiB', value: 1, out: 1024 },
    { from: 'h', to: 'min', value: 0, out: 0 },
  ])('$value $from → $to = $out', ({ from, to, value, decimals, out }) => {
    const convert = compileUnitConversion(from, to, decimals);
    expect(typeof convert).toBe('function');
    expect((convert as (v: number) => number)(value)).toBeCloseTo(out, 9);
  });
  test.for([
    { from: 'C', to: 'kg', message: 'expected two units of the same kind; C is a temperature unit, kg is a mass unit' },
    { from: 'kg', to: 'km', message: 'expected two units of the same kind; kg is a mass unit, km is a length unit' },
    { from: 'm', to: 'parsec', message: 'expected a known unit (mm, cm, m, km, in, ft, mi, g, kg, lb, oz, ms, s, min, h, d, B, KB, MB, GB, KiB, MiB, GiB, minor, major, C, F, K); got "parsec"' },
  ])('$from → $to is refused', ({ from, to, message }) => {
    expect(compileUnitConversion(from, to, undefined)).toBe(message);
  });
});
