import { ConfigError } from '../errors/gateway-error.ts';
import { ErrorCodes } from '../errors/codes.ts';

/** A reference inside a template: `{args.id}` → `['args', 'id']`, `{keys}` → `['keys']`. */
export interface TemplateRef {
  path: readonly string[];
  /** 0-based offset of the `{` in the template text, for error positions. */
  offset: number;
}

/**
 * A template compiled once at config load. `whole` is set when the template is exactly one
 * reference (`"{limit}"`): then rendering keeps the value's JSON type instead of stringifying it.
 */
export interface Template {
  text: string;
  literals: readonly string[];
  refs: readonly TemplateRef[];
  whole: TemplateRef | undefined;
}

const REF_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parses `"/customers/{id}/orders"` into literals and references. Braces cannot be escaped:
 * upstream paths and parameters have no use for literal braces, and refusing them keeps typos loud.
 */
export function parseTemplate(text: string): { template: Template; errors: { offset: number; message: string }[] } {
  const literals: string[] = [];
  const refs: TemplateRef[] = [];
  const errors: { offset: number; message: string }[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '}') {
      errors.push({ offset: i, message: 'expected "{" before "}"; braces only delimit references like {args.id}' });
      i += 1;
      continue;
    }
    if (ch !== '{') {
      literal += ch;
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 1);
    if (close === -1) {
      errors.push({ offset: i, message: `expected "}" to close the reference opened here` });
      break;
    }
    const body = text.slice(i + 1, close).trim();
    if (!REF_PATTERN.test(body)) {
      errors.push({ offset: i, message: `expected a reference like {args.id} or {parent.id}; got "{${body}}"` });
    } else {
      literals.push(literal);
      literal = '';
      refs.push({ path: body.split('.'), offset: i });
    }
    i = close + 1;
  }
  literals.push(literal);
  const whole = refs.length === 1 && literals[0] === '' && literals[1] === '' ? refs[0] : undefined;
  return { template: { text, literals, refs, whole }, errors };
}

/** Renders a template; `resolve` gives each reference's value (already validated at load). */
export function renderTemplate(template: Template, resolve: (ref: TemplateRef) => unknown): unknown {
  if (template.whole) return resolve(template.whole);
  if (template.refs.length === 0) return template.text;
  let out = template.literals[0]!;
  for (let i = 0; i < template.refs.length; i++) {
    const value = resolve(template.refs[i]!);
    out += (value === null || value === undefined ? '' : String(value)) + template.literals[i + 1]!;
  }
  return out;
}

/** Builds the config error for a template problem, placed at the offending character. */
export function templateError(
  message: string,
  where: { file: string; line: number; column: number },
  offsetInValue: number,
  configPath: string,
  code: (typeof ErrorCodes)[keyof typeof ErrorCodes] = ErrorCodes.CONFIG_INVALID_TEMPLATE,
): ConfigError {
  return new ConfigError(code, message, {
    source: { file: where.file, line: where.line, column: where.column + offsetInValue },
    configPath,
  });
}
