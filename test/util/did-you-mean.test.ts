import { describe, expect, test } from 'vitest';
import { didYouMean } from '../../src/util/did-you-mean.ts';
import { suggestionList } from '../../src/util/suggestion-list.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OPERATION_KEYS = ['method', 'path', 'query', 'headers', 'body', 'params', 'batch', 'result', 'timeoutMs'];

describe('didYouMean', () => {
  test.for([
    { input: 'GTE', candidates: METHODS, expected: ' Did you mean "GET"?' },
    { input: 'get', candidates: METHODS, expected: ' Did you mean "GET"?' },
    { input: 'methdo', candidates: OPERATION_KEYS, expected: ' Did you mean "method"?' },
    { input: 'timeout', candidates: OPERATION_KEYS, expected: ' Did you mean "timeoutMs"?' },
    { input: 'pat', candidates: ['path', 'part', 'zzz'], expected: ' Did you mean "part" or "path"?' },
    { input: 'ab', candidates: ['abc', 'abd', 'abe', 'xyz'], expected: ' Did you mean "abc", "abd", or "abe"?' },
    { input: 'a', candidates: ['b', 'c', 'd', 'e', 'f', 'g'], expected: ' Did you mean "b", "c", "d", "e", or "f"?' },
    { input: 'FETCH', candidates: METHODS, expected: ' Did you mean "PATCH" or "GET"?' },
    { input: 'CONNECT', candidates: METHODS, expected: '' },
    { input: 'anything', candidates: [], expected: '' },
  ])('didYouMean($input) → "$expected"', ({ input, candidates, expected }) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });
});

describe('suggestionList', () => {
  test.for([
    // Nearest first; equal distances in code-unit order so output never depends on the locale.
    { input: 'GTE', options: METHODS, expected: ['GET'] },
    { input: 'Get', options: ['GET', 'Get', 'get'], expected: ['Get', 'GET', 'get'] },
    { input: 'cat', options: ['cats', 'bat', 'cat_', 'dog'], expected: ['bat', 'cat_', 'cats'] },
    { input: 'keyfeild', options: ['keyField', 'keyStyle', 'maxSize'], expected: ['keyField', 'keyStyle'] },
    { input: 'x', options: ['abcdef'], expected: [] },
    { input: 'same', options: ['same', 'same'], expected: ['same'] },
  ])('suggestionList($input)', ({ input, options, expected }) => {
    expect(suggestionList(input, options)).toEqual(expected);
  });
});
