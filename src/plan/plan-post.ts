import { getArgumentValues, Kind, type FieldNode } from 'graphql';
import type { CelInput } from '@bufbuild/cel';
import type { Blueprint, FieldIR } from '../blueprint/index.ts';
import { objectView, OPERATOR_LIMITS, toCel, type ShapeField } from '../expr/index.ts';
import { applyListTransform, applyValuePipeline, type ListTransform } from '../postprocess/index.ts';
import { compileCallerTransform } from './compile-caller-transform.ts';
import type { PlanField, PostContext, PostProcess, TransformStep } from './plan.ts';

/**
 * Builds the post-processing closure of one planned field: computed value, operator transform,
 * value directives, then the caller's transform. Everything is compiled here, once per cached
 * plan; the closure only evaluates. Returns undefined when the field has nothing to do.
 */
export function planPost(
  blueprint: Blueprint,
  ir: FieldIR,
  fieldNodes: readonly FieldNode[],
  constantArgs: Readonly<Record<string, unknown>> | undefined,
  dependencies: ReadonlyMap<string, PlanField>,
  describe: { path: string; transforms: TransformStep[]; itemReads: Set<string> },
): PostProcess | undefined {
  const post = ir.post;
  const caller = compileCallerTransform(blueprint, ir, fieldNodes);
  if (!post && !caller) return undefined;
  // Item fields the transforms read: the planner asks trimming upstreams for them too.
  for (const f of [...(post?.transform?.itemFields ?? []), ...(caller?.itemFields ?? [])]) describe.itemReads.add(f.name);
  const where = `${ir.typeName}.${ir.fieldName}`;
  if (post && post.labels.length > 0) describe.transforms.push({ path: describe.path, field: where, by: 'operator', steps: post.labels });
  if (caller) describe.transforms.push({ path: describe.path, field: where, by: 'caller', steps: [caller.label] });

  const definition = ir.definition;
  const firstNode = fieldNodes[0]!;
  const argsOf = (ctx: PostContext): Record<string, unknown> =>
    (constantArgs ?? getArgumentValues(definition, firstNode, ctx.variables as Record<string, unknown>)) as Record<string, unknown>;

  const computed = post?.computed;
  const computedArgFields = computed ? pick(computed.args, computed.expr.reads.get('args')) : [];
  const requestReads = computed?.expr.reads.get('request') ?? [];
  const inputs = computed?.inputs.map((input) => ({ ...input, dependency: input.bound ? dependencies.get(input.name) : undefined })) ?? [];
  const operatorTransform = post?.transform;
  const transformArgFields = operatorTransform ? pick(post.transformArgs, readsOf(operatorTransform, 'args')) : [];
  const pipeline = post?.pipeline;

  return (value, parent, ctx) => {
    let out = value;
    if (computed) {
      const parentView = new Map<string, CelInput>();
      for (const input of inputs) {
        const raw = input.dependency ? ctx.readDependency(input.dependency, parent) : readFrom(parent, input.from);
        parentView.set(input.name, toCel(raw, input.shape, OPERATOR_LIMITS, 1));
      }
      const request = new Map<string, CelInput>();
      for (const name of requestReads) request.set(name, name === 'id' ? ctx.request.id : BigInt(ctx.request.nowMs));
      out = computed.expr.evaluate({
        parent: parentView,
        args: computedArgFields.length > 0 ? objectView(argsOf(ctx), computedArgFields, OPERATOR_LIMITS) : EMPTY,
        request,
      });
    }
    if (operatorTransform && Array.isArray(out)) {
      out = applyListTransform(out, operatorTransform, transformArgFields.length > 0 ? objectView(argsOf(ctx), transformArgFields, operatorTransform.limits) : EMPTY);
    }
    if (pipeline) out = applyValuePipeline(out, pipeline);
    if (caller && Array.isArray(out)) out = caller.run(out);
    return out;
  };
}

const EMPTY: CelInput = new Map();

function pick(fields: readonly ShapeField[], names: readonly string[] | undefined): ShapeField[] {
  if (!names || names.length === 0) return [];
  return fields.filter((f) => names.includes(f.name));
}

function readsOf(t: ListTransform, variable: string): string[] {
  return [t.filter, t.map, t.sortBy].flatMap((e) => e?.reads.get(variable) ?? []);
}

function readFrom(raw: object, path: readonly string[]): unknown {
  let current: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[path[i]!];
  }
  return current;
}

/** A synthetic selection of a field with no arguments (its defaults apply): how dependencies are planned. */
export function dependencyNode(name: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } };
}
