import { getNamedType, isLeafType, Kind, type FieldNode } from 'graphql';
import type { CelInput } from '@bufbuild/cel';
import type { Blueprint, FieldIR } from '../blueprint/index.ts';
import { objectView, OPERATOR_LIMITS, toCel, type ShapeField } from '../expr/index.ts';
import { applyListTransform, applyValuePipeline, type ListTransform } from '../postprocess/index.ts';
import { compileCallerTransform } from './compile-caller-transform.ts';
import type { FetchTransform, PlanField, PostContext, PostProcess, TransformStep } from './plan.ts';
import { readPath } from '../util/read-path.ts';
import type { ArgumentReader } from './argument-reader.ts';

/** The two closures of a planned field; either may be absent. */
export interface PlannedPost {
  post: PostProcess | undefined;
  fetchTransform: FetchTransform | undefined;
}

/**
 * Builds the post-processing of one planned field: computed value, operator transform, value
 * directives, then the caller's transform. Everything is compiled here, once per cached plan;
 * the closures only evaluate.
 *
 * On a bound list of objects, both transforms run as soon as the list is fetched
 * (`fetchTransform`), so fields below fetch only for the items kept: a caller asking for
 * `tickets @transform(limit: 1) { agent { name } }` costs one agent lookup, not one per ticket.
 * Such lists carry no value directives, so running them early changes nothing else.
 */
export function planPost(
  blueprint: Blueprint,
  ir: FieldIR,
  fieldNodes: readonly FieldNode[],
  readArgs: ArgumentReader,
  dependencies: ReadonlyMap<string, PlanField>,
  describe: { path: string; transforms: TransformStep[]; itemReads: Set<string> },
  /** The caller's scopes (undefined: authentication off): a mask whose unmaskScope it holds is left out. */
  scopes?: ReadonlySet<string> | undefined,
): PlannedPost {
  const post = withoutLiftedMasks(ir.post, scopes);
  const caller = compileCallerTransform(blueprint, ir, fieldNodes);
  if (!post && !caller) return NOTHING;
  // Item fields the transforms read: the planner asks trimming upstreams for them too.
  for (const f of [...(post?.transform?.itemFields ?? []), ...(caller?.itemFields ?? [])]) describe.itemReads.add(f.name);
  const where = `${ir.typeName}.${ir.fieldName}`;
  if (post && post.labels.length > 0) describe.transforms.push({ path: describe.path, field: where, by: 'operator', steps: post.labels });
  if (caller) describe.transforms.push({ path: describe.path, field: where, by: 'caller', steps: [caller.label] });

  const argsOf = (variables: PostContext['variables']): Record<string, unknown> => readArgs(variables) as Record<string, unknown>;

  const computed = post?.computed;
  const computedArgFields = computed ? pick(computed.args, computed.expr.reads.get('args')) : [];
  const requestReads = computed?.expr.reads.get('request') ?? [];
  const inputs = computed?.inputs.map((input) => ({ ...input, dependency: input.bound ? dependencies.get(input.name) : undefined })) ?? [];
  const operatorTransform = post?.transform;
  const transformArgFields = operatorTransform ? pick(post.transformArgs, readsOf(operatorTransform, 'args')) : [];
  const pipeline = post?.pipeline;
  const transformArgs = (variables: PostContext['variables']): CelInput =>
    transformArgFields.length > 0 ? objectView(argsOf(variables), transformArgFields, OPERATOR_LIMITS) : EMPTY;

  if (ir.binding && !pipeline && !isLeafType(getNamedType(ir.definition.type))) {
    return {
      post: undefined,
      fetchTransform: (value, variables) => {
        if (!Array.isArray(value)) return value;
        let out: unknown[] = value;
        if (operatorTransform) out = applyListTransform(out, operatorTransform, transformArgs(variables));
        if (caller) out = caller.run(out);
        return out;
      },
    };
  }

  const postProcess: PostProcess = (value, parent, ctx) => {
    let out = value;
    if (computed) {
      const parentView = new Map<string, CelInput>();
      for (const input of inputs) {
        const raw = input.dependency ? ctx.readDependency(input.dependency, parent) : readPath(parent, input.from);
        parentView.set(input.name, toCel(raw, input.shape, OPERATOR_LIMITS, 1));
      }
      let request = EMPTY;
      if (requestReads.length > 0) {
        const view = new Map<string, CelInput>();
        for (const name of requestReads) view.set(name, name === 'id' ? ctx.request.id : BigInt(ctx.request.nowMs));
        request = view;
      }
      out = computed.expr.evaluate({
        parent: parentView,
        args: computedArgFields.length > 0 ? objectView(argsOf(ctx.variables), computedArgFields, OPERATOR_LIMITS) : EMPTY,
        request,
      });
    }
    if (operatorTransform && Array.isArray(out)) out = applyListTransform(out, operatorTransform, transformArgs(ctx.variables));
    if (pipeline) out = applyValuePipeline(out, pipeline);
    if (caller && Array.isArray(out)) out = caller.run(out);
    return out;
  };
  return { post: postProcess, fetchTransform: undefined };
}

/**
 * The field's post-processing for this caller: a `@mask(unmaskScope:)` step goes when the
 * caller holds that scope. Decided here, once per cached plan (plans are cached per scope set).
 */
function withoutLiftedMasks(post: FieldIR['post'], scopes: ReadonlySet<string> | undefined): FieldIR['post'] {
  const pipeline = post?.pipeline;
  if (!pipeline || !scopes || !pipeline.steps.some((s) => s.unmaskScope !== undefined && scopes.has(s.unmaskScope))) return post;
  const steps = pipeline.steps.filter((s) => s.unmaskScope === undefined || !scopes.has(s.unmaskScope));
  const lifted = new Set(pipeline.steps.filter((s) => !steps.includes(s)).map((s) => s.label));
  return {
    ...post,
    pipeline: steps.length > 0 || pipeline.hasDefault ? { ...pipeline, steps } : undefined,
    labels: post.labels.filter((label) => !lifted.has(label)),
  };
}

const EMPTY: CelInput = new Map();
const NOTHING: PlannedPost = { post: undefined, fetchTransform: undefined };

function pick(fields: readonly ShapeField[], names: readonly string[] | undefined): ShapeField[] {
  if (!names || names.length === 0) return [];
  return fields.filter((f) => names.includes(f.name));
}

function readsOf(t: ListTransform, variable: string): string[] {
  return [t.filter, t.map, t.sortBy].flatMap((e) => e?.reads.get(variable) ?? []);
}


/** A synthetic selection of a field with no arguments (its defaults apply): how dependencies are planned. */
export function dependencyNode(name: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } };
}
