import { hashApiKey } from '../../src/callers/api-keys.ts';

/** A callers.yaml text: each caller's plaintext keys are written as their hashes, as an operator would. */
export function callersYaml(options: {
  mode?: 'required' | 'optional' | 'off';
  callers?: Record<string, string[] | { keys?: string[]; scopes?: string[] }>;
  anonymousScopes?: string[];
  /** Appended as is (a `jwt:` section). */
  extra?: string;
}): string {
  const lines: string[] = [];
  if (options.mode) lines.push(`mode: ${options.mode}`);
  if (options.anonymousScopes) lines.push('anonymous:', `  scopes: [${options.anonymousScopes.join(', ')}]`);
  const callers = Object.entries(options.callers ?? {});
  if (callers.length > 0) lines.push('callers:');
  for (const [id, entry] of callers) {
    const { keys = [], scopes = [] } = Array.isArray(entry) ? { keys: entry } : entry;
    lines.push(`  ${id}:`, `    keys: [${keys.map(hashApiKey).join(', ')}]`, `    scopes: [${scopes.join(', ')}]`);
  }
  if (options.extra) lines.push(options.extra);
  return `${lines.join('\n')}\n`;
}
