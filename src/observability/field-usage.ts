import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Completion, Plan, PlanField } from '../plan/index.ts';

/** The caller id usage is counted under when a request names none. */
export const ANONYMOUS_CALLER = 'anonymous';
/** Plans counted separately before they are folded into field counts (bounds the memory). */
const MAX_PLANS = 5_000;

/** Field usage over one window, as `GET /admin/usage` and `tessera usage` show it. */
export interface UsageReport {
  /** ISO times the window started and was read. */
  since: string;
  until: string;
  /** Per caller id: requests executed and how many of them requested each field (`Type.field`). */
  callers: Record<string, { requests: number; fields: Record<string, number> }>;
  /** Each field's requests, all callers together. */
  fields: Record<string, number>;
  /** Fields of the schema served now that no caller requested in the window (production traffic only). */
  unused: string[];
  /** Marked traffic (stress, preview), counted apart per mark: a load test never makes a field look used. Absent when none came. */
  marked?: Record<string, Pick<UsageReport, 'callers' | 'fields'>>;
}

/**
 * Counts which fields each caller requests, at the cost of two map updates per request: a plan
 * is counted per (plan, caller), and only turned into field counts (the plan knows its fields)
 * when the usage is read, or when too many plans are held.
 */
export class FieldUsage {
  #since = new Date();
  #byPlan = new Map<Plan, Map<string, number>>();
  #fields = new Map<string, Map<string, number>>();
  #requests = new Map<string, number>();
  readonly #fieldsOf = new WeakMap<Plan, readonly string[]>();
  readonly #now: () => Date;
  /** Per traffic mark, its own counts (a bounded set: gateway.yaml's marks). */
  readonly #marked = new Map<string, FieldUsage>();

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
    this.#since = now();
  }

  /** One execution of `plan` for a caller; `traffic` (a mark) is counted apart from production. */
  record(plan: Plan, callerId: string | undefined, traffic?: string): void {
    if (traffic !== undefined) {
      let marked = this.#marked.get(traffic);
      if (!marked) this.#marked.set(traffic, (marked = new FieldUsage(this.#now)));
      return marked.record(plan, callerId);
    }
    let callers = this.#byPlan.get(plan);
    if (callers === undefined) {
      if (this.#byPlan.size >= MAX_PLANS) this.#fold();
      callers = new Map();
      this.#byPlan.set(plan, callers);
    }
    const caller = callerId ?? ANONYMOUS_CALLER;
    callers.set(caller, (callers.get(caller) ?? 0) + 1);
  }

  /** The window so far, with the fields of `schema` nobody used; `reset` starts a new window. */
  report(schema: GraphQLSchema, reset = false): UsageReport {
    this.#fold();
    const until = this.#now();
    const callers: UsageReport['callers'] = {};
    const totals = new Map<string, number>();
    for (const [caller, fields] of [...this.#fields].sort(([a], [b]) => a.localeCompare(b))) {
      const counts: Record<string, number> = {};
      for (const [field, count] of [...fields].sort(([a], [b]) => a.localeCompare(b))) {
        counts[field] = count;
        totals.set(field, (totals.get(field) ?? 0) + count);
      }
      callers[caller] = { requests: this.#requests.get(caller) ?? 0, fields: counts };
    }
    const unused: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.keys(type.getFields())) if (!totals.has(`${type.name}.${field}`)) unused.push(`${type.name}.${field}`);
    }
    const report: UsageReport = {
      since: this.#since.toISOString(),
      until: until.toISOString(),
      callers,
      fields: Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b))),
      unused: unused.sort(),
    };
    if (this.#marked.size > 0) {
      report.marked = {};
      for (const [mark, usage] of [...this.#marked].sort(([a], [b]) => a.localeCompare(b))) {
        const { callers: markedCallers, fields } = usage.report(schema, reset);
        report.marked[mark] = { callers: markedCallers, fields };
      }
    }
    if (reset) {
      this.#since = until;
      this.#fields = new Map();
      this.#requests = new Map();
    }
    return report;
  }

  #fold(): void {
    for (const [plan, callers] of this.#byPlan) {
      const fields = this.#planFields(plan);
      for (const [caller, executions] of callers) {
        this.#requests.set(caller, (this.#requests.get(caller) ?? 0) + executions);
        let counts = this.#fields.get(caller);
        if (!counts) this.#fields.set(caller, (counts = new Map()));
        for (const field of fields) counts.set(field, (counts.get(field) ?? 0) + executions);
      }
    }
    this.#byPlan = new Map();
  }

  /** The fields a plan requests (`Type.field`, each once), as the caller asked for them. */
  #planFields(plan: Plan): readonly string[] {
    let fields = this.#fieldsOf.get(plan);
    if (!fields) {
      const found = new Set<string>();
      const walkFields = (list: readonly PlanField[]): void => {
        for (const field of list) {
          if (field.kind !== 'value') continue;
          found.add(`${field.parentType}.${field.fieldName}`);
          walkCompletion(field.completion);
        }
      };
      const walkCompletion = (completion: Completion): void => {
        if (completion.kind === 'list') walkCompletion(completion.of);
        else if (completion.kind === 'object') walkFields(completion.fields);
        else if (completion.kind === 'abstract') for (const concrete of completion.byValue.values()) walkFields(concrete.fields);
      };
      walkFields(plan.rootFields);
      fields = [...found];
      this.#fieldsOf.set(plan, fields);
    }
    return fields;
  }
}
