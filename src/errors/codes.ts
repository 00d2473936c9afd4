/**
 * The catalogue of stable error codes. A code is a contract with callers and operators:
 * never rename one, never reuse a retired one. docs/errors.md lists every code, and
 * test/errors/codes.test.ts fails if the two drift apart in either direction.
 */
export const ErrorCodes = {
  // Config: raised while loading and compiling schemas/ and connectors/ (file:line:col attached).
  CONFIG_FILE_UNREADABLE: 'CONFIG_FILE_UNREADABLE',
  CONFIG_YAML_SYNTAX: 'CONFIG_YAML_SYNTAX',
  CONFIG_GRAPHQL_SYNTAX: 'CONFIG_GRAPHQL_SYNTAX',
  CONFIG_SCHEMA_INVALID: 'CONFIG_SCHEMA_INVALID',
  CONFIG_MISSING_KEY: 'CONFIG_MISSING_KEY',
  CONFIG_UNKNOWN_KEY: 'CONFIG_UNKNOWN_KEY',
  CONFIG_INVALID_VALUE: 'CONFIG_INVALID_VALUE',
  CONFIG_DUPLICATE_NAME: 'CONFIG_DUPLICATE_NAME',
  CONFIG_UNKNOWN_CONNECTOR: 'CONFIG_UNKNOWN_CONNECTOR',
  CONFIG_UNKNOWN_OPERATION: 'CONFIG_UNKNOWN_OPERATION',
  CONFIG_INVALID_TEMPLATE: 'CONFIG_INVALID_TEMPLATE',
  CONFIG_UNKNOWN_REFERENCE: 'CONFIG_UNKNOWN_REFERENCE',
  CONFIG_TYPE_MISMATCH: 'CONFIG_TYPE_MISMATCH',
  CONFIG_MISSING_PARAM: 'CONFIG_MISSING_PARAM',
  CONFIG_UNSUPPORTED: 'CONFIG_UNSUPPORTED',
  CONFIG_UNBOUND_ROOT_FIELD: 'CONFIG_UNBOUND_ROOT_FIELD',
  CONFIG_N_PLUS_ONE: 'CONFIG_N_PLUS_ONE',
  CONFIG_UNDEFINED_ENV: 'CONFIG_UNDEFINED_ENV',
  CONFIG_INVALID_EXPRESSION: 'CONFIG_INVALID_EXPRESSION',

  // Request: the caller's document or variables cannot be served.
  REQUEST_INVALID: 'REQUEST_INVALID',
  REQUEST_OPERATION_NOT_SUPPORTED: 'REQUEST_OPERATION_NOT_SUPPORTED',
  REQUEST_EXPLAIN_FORBIDDEN: 'REQUEST_EXPLAIN_FORBIDDEN',
  REQUEST_UNKNOWN_OPERATION: 'REQUEST_UNKNOWN_OPERATION',
  REQUEST_INVALID_VARIABLES: 'REQUEST_INVALID_VARIABLES',

  // Upstream: a connector call failed; only the fields that depend on it are nulled.
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_HTTP_ERROR: 'UPSTREAM_HTTP_ERROR',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  UPSTREAM_ENTITY_NOT_FOUND: 'UPSTREAM_ENTITY_NOT_FOUND',
  // Resilience: the gateway refused a call or a request to protect an upstream or itself.
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  OVERLOADED: 'OVERLOADED',
  RATE_LIMITED: 'RATE_LIMITED',

  // Result: the upstream answered, but its value does not fit the public schema.
  RESULT_INVALID_VALUE: 'RESULT_INVALID_VALUE',
  RESULT_NON_NULL_VIOLATION: 'RESULT_NON_NULL_VIOLATION',

  // Expressions (CEL): why an expression was refused or failed. Operator expressions fail at
  // config load (as CONFIG_INVALID_EXPRESSION) or per field at run time; caller expressions
  // surface as BAD_EXPRESSION with one of these as `extensions.reason`.
  EXPR_SYNTAX: 'EXPR_SYNTAX',
  EXPR_UNKNOWN_REFERENCE: 'EXPR_UNKNOWN_REFERENCE',
  EXPR_FORBIDDEN: 'EXPR_FORBIDDEN',
  EXPR_TOO_COMPLEX: 'EXPR_TOO_COMPLEX',
  EXPR_LIMIT_EXCEEDED: 'EXPR_LIMIT_EXCEEDED',
  EXPR_TYPE_MISMATCH: 'EXPR_TYPE_MISMATCH',
  EXPR_EVALUATION_FAILED: 'EXPR_EVALUATION_FAILED',
  BAD_EXPRESSION: 'BAD_EXPRESSION',

  // Scaffold: `tessera scaffold` could not turn an OpenAPI document into config files.
  SCAFFOLD_INVALID_SPEC: 'SCAFFOLD_INVALID_SPEC',
  SCAFFOLD_OUTPUT_EXISTS: 'SCAFFOLD_OUTPUT_EXISTS',

  // Ours: anything unexpected is masked to this code; details go to the log only.
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
