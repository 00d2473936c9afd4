import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { ErrorCodes } from '../errors/codes.ts';
import { MAX_NESTING } from './operation-limits.ts';

/** What a document scan learnt: its token count (within the cap). */
export interface DocumentScan {
  tokens: number;
}

/**
 * Lexes a document once before it is parsed, counting tokens and bracket nesting, and stops at the
 * first token over `tokenCap` or the first bracket nested past MAX_NESTING. So a 100 000-token
 * document costs `tokenCap` tokens of lexing and no parse, and a 20 000-deep one never reaches
 * graphql-js's recursive parser. Syntax errors are left to the parser, which reports them better.
 */
export function scanDocument(text: string, tokenCap: number): DocumentScan | GraphQLError {
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > tokenCap) return limitError(ErrorCodes.TOKEN_LIMIT, `The document has more than ${tokenCap} tokens; the limit is ${tokenCap}.`);
      const kind = token.kind;
      if (kind === TokenKind.BRACE_L || kind === TokenKind.BRACKET_L || kind === TokenKind.PAREN_L) {
        nesting += 1;
        if (nesting > MAX_NESTING) return limitError(ErrorCodes.DEPTH_LIMIT, `The document nests more than ${MAX_NESTING} brackets deep; the limit is ${MAX_NESTING}.`);
      } else if (kind === TokenKind.BRACE_R || kind === TokenKind.BRACKET_R || kind === TokenKind.PAREN_R) {
        nesting -= 1;
      }
    }
  } catch (error) {
    if (error instanceof GraphQLError) return { tokens }; // a syntax error: parse() reports it
    throw error;
  }
  return { tokens };
}

/** A refusal by one of the operation limits: HTTP 400 on both doors, with a stable code. */
export function limitError(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const LIMIT_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.DOCUMENT_TOO_LARGE,
  ErrorCodes.TOKEN_LIMIT,
  ErrorCodes.DEPTH_LIMIT,
  ErrorCodes.ALIAS_LIMIT,
  ErrorCodes.ROOT_FIELD_LIMIT,
  ErrorCodes.DIRECTIVE_LIMIT,
  ErrorCodes.COST_LIMIT,
]);

/** True for an error one of the limits raised (as opposed to a syntax or validation error). */
export function isLimitError(error: GraphQLError): boolean {
  const code = error.extensions.code;
  return typeof code === 'string' && LIMIT_CODES.has(code);
}
