import type { ReadinessReport } from '../server/readiness.ts';
import type { LastReload } from '../server/reload.ts';

/** One problem of a refused reload, split out of `file:line:col: CODE message` for the page. */
export interface ReloadProblem {
  file: string | null;
  line: number | null;
  column: number | null;
  code: string | null;
  message: string;
  /** The line as `/readyz` and the log give it. */
  text: string;
}

export interface ConfigReport {
  version: string | undefined;
  status: ReadinessReport['status'];
  reason: string | null;
  /** The last reload attempt since start (null before the first): result, trigger, when, how long. */
  lastReload: (Omit<LastReload, 'errors'> & { problems: ReloadProblem[] }) | null;
  /** The last refused reload, kept until a later one succeeds (as /readyz reports it). */
  lastReloadError: { at: string; problems: ReloadProblem[] } | null;
  connectors: ReadinessReport['connectors'];
}

const PROBLEM_LINE = /^(?<file>[^\s:][^:]*):(?<line>\d+):(?<column>\d+): (?<code>[A-Z][A-Z0-9_]+) (?<message>[\s\S]*)$/;

/** The `GET /admin/api/config` answer. */
export function configReport(readiness: ReadinessReport, lastReload: LastReload | undefined): ConfigReport {
  const last = lastReload ? (({ errors, ...rest }) => ({ ...rest, problems: (errors ?? []).map(parseProblem) }))(lastReload) : null;
  return {
    version: readiness.configVersion,
    status: readiness.status,
    reason: readiness.reason ?? null,
    lastReload: last,
    lastReloadError: readiness.lastReloadError ? { at: readiness.lastReloadError.at, problems: readiness.lastReloadError.errors.map(parseProblem) } : null,
    connectors: readiness.connectors,
  };
}

/** `connectors/crm.yaml:4:3: CONFIG_UNKNOWN_KEY expected …` → its parts; a line without a position keeps only its text. */
export function parseProblem(text: string): ReloadProblem {
  const m = PROBLEM_LINE.exec(text);
  if (!m?.groups) return { file: null, line: null, column: null, code: null, message: text, text };
  const g = m.groups;
  return { file: g.file!, line: Number(g.line), column: Number(g.column), code: g.code!, message: g.message!, text };
}
