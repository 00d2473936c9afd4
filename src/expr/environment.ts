import { celEnv, type CelEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from 're2js';
import type { ExprLimits } from './limits.ts';

/**
 * The string extension functions we offer. `replace`, `format` and `quote` are left out: replace
 * can grow a string quadratically per call, and the other two add nothing a gateway needs.
 */
const STRING_FUNCTIONS = new Set(['charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'split', 'substring', 'trim', 'join']);

/** Compiled RE2 programs by pattern; bounded, since patterns may come from data. */
const PATTERN_CACHE_MAX = 256;

/**
 * Builds the CEL environment for one set of limits. Regular expressions run on re2js, an RE2
 * port: matching time is linear in the input, so no pattern can backtrack catastrophically.
 */
export function createEnvironment(limits: ExprLimits): CelEnv {
  const patterns = new Map<string, { test(text: string): boolean }>();
  return celEnv({
    funcs: strings.filter((f) => STRING_FUNCTIONS.has(f.name)),
    re2: {
      compile(pattern: string) {
        let matcher = patterns.get(pattern);
        if (matcher) return matcher;
        if (!limits.allowRegex) throw new Error('regular expressions are not allowed here');
        if (pattern.length > limits.maxRegexLength) throw new Error(`pattern longer than ${limits.maxRegexLength} characters`);
        const re = RE2JS.compile(pattern);
        // CEL's matches() is a search (any part of the text), which is what RE2JS test() does.
        matcher = { test: (text: string) => re.test(text) };
        if (patterns.size >= PATTERN_CACHE_MAX) patterns.clear();
        patterns.set(pattern, matcher);
        return matcher;
      },
    },
  });
}
