import { describe, expect, test } from 'vitest';
import { formEncode } from '../../src/execute/render-request.ts';

/** What URLSearchParams itself writes for one value (the encoding upstreams always received). */
const viaUrlSearchParams = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);

const ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');

describe('render-request: query values are encoded exactly as URLSearchParams encodes them', () => {
  test.for([
    ['every ASCII character', ASCII],
    ['ids joined by commas', '1,2,3'],
    ['a plain id', 'c-42_x.y*z'],
    ['empty', ''],
    ['spaces and plus', 'a b+c  d'],
    ['reserved characters', "!'()~*&=?#/%:@;$[]"],
    ['accents and CJK', 'café 東京'],
    ['an emoji', 'a😀b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
  ])('%s', ([, text]) => {
    expect(formEncode(text!)).toBe(viaUrlSearchParams(text!));
  });
});
