import type { Blueprint } from '../../blueprint/index.ts';
import type { Completion, PlanField } from '../plan.ts';

/**
 * For operations that can trim their answer (`{fields}` in a template), names the upstream
 * fields the plan needs from their items: what the selection reads, what bound children read
 * from their parent (`{parent.id}`), and the batch key. All fetches of one operation in a plan
 * get the union, so they still share one batch per request.
 *
 * A field that reads its parent's whole upstream object (`@map(from: "")`) makes the list
 * impossible to state: that operation then gets no list and the upstream answers in full.
 */
export function selectFields(blueprint: Blueprint, rootFields: readonly PlanField[]): void {
  const byOperation = new Map<string, { names: Set<string>; whole: boolean; fields: PlanField[] }>();
  const visit = (fields: readonly PlanField[]): void => {
    for (const field of fields) {
      const op = field.ir?.binding?.operation;
      if (op?.selectsFields && field.fetch) {
        let entry = byOperation.get(op.id);
        if (!entry) byOperation.set(op.id, (entry = { names: new Set(), whole: false, fields: [] }));
        entry.fields.push(field);
        // The fields each item is matched by: a grouped or map answer's groups carry the key, not the items.
        if (op.batch?.answer.kind === 'list') {
          for (const name of op.batch.keyFields ?? [op.batch.keyField.split('.')[0]!]) entry.names.add(name);
        }
        const children = objectFields(field.completion);
        if (children && !neededNames(blueprint, children, entry.names)) entry.whole = true;
        // An interface or union item needs its discriminator to be shaped at all.
        const discriminator = abstractOf(field.completion)?.discriminator[0];
        if (discriminator !== undefined) entry.names.add(discriminator);
        // Fields a list transform reads from each item (its filter or sort key), selected or not.
        const itemType = objectTypeName(field.completion);
        for (const name of field.itemReads ?? []) {
          const from = itemType ? blueprint.fields.get(itemType)?.get(name)?.from[0] : undefined;
          if (from) entry.names.add(from);
          else entry.whole = true;
        }
      }
      const children = objectFields(field.completion);
      if (children) visit(children);
    }
  };
  visit(rootFields);
  for (const { names, whole, fields } of byOperation.values()) {
    if (whole) continue;
    const list = Object.freeze([...names].sort());
    for (const field of fields) field.fetch!.fields = list;
  }
}

/** Adds the top-level upstream names a selection reads; false if it reads the whole object. */
function neededNames(blueprint: Blueprint, fields: readonly PlanField[], out: Set<string>): boolean {
  for (const field of fields) {
    // Dependencies (bound fields a computed field reads) need their own parent fields too.
    if ((field.kind !== 'value' && field.kind !== 'dependency') || !field.ir) continue;
    const computed = field.ir.post?.computed;
    if (computed) {
      // A computed field reads no upstream name of its own: it needs the plain fields its
      // expression reads (bound ones arrive through their dependency fields).
      for (const input of computed.inputs) {
        if (input.bound) continue;
        if (!input.from[0]) return false;
        out.add(input.from[0]);
      }
      continue;
    }
    const binding = field.ir.binding;
    const reads = binding ? binding.parentFields.map((name) => blueprint.fields.get(field.parentType)?.get(name)) : [field.ir];
    for (const ir of reads) {
      if (!ir || ir.binding) continue;
      if (!ir.from[0]) return false;
      out.add(ir.from[0]!);
    }
  }
  return true;
}

function objectTypeName(completion: Completion): string | undefined {
  if (completion.kind === 'list') return objectTypeName(completion.of);
  return completion.kind === 'object' ? completion.typeName : undefined;
}

/** The fields below a completion; for an interface or union, those of every concrete type. */
function objectFields(completion: Completion): readonly PlanField[] | undefined {
  if (completion.kind === 'list') return objectFields(completion.of);
  if (completion.kind === 'abstract') return [...new Set(completion.byValue.values())].flatMap((entry) => entry.fields);
  return completion.kind === 'object' ? completion.fields : undefined;
}

function abstractOf(completion: Completion): Extract<Completion, { kind: 'abstract' }> | undefined {
  if (completion.kind === 'list') return abstractOf(completion.of);
  return completion.kind === 'abstract' ? completion : undefined;
}
