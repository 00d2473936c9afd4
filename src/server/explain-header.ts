/** Asks for `extensions.tessera` (plan + upstream calls); honoured only in dev/demo mode. */
export const EXPLAIN_HEADER = 'x-tessera-explain';
