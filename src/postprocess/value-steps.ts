/** One built-in transform of a leaf value (mask, format, unit, value map), compiled at boot. */
export interface ValueStep {
  /** How explain shows it: `mask(keepLast: 4)`. */
  label: string;
  apply(value: unknown): unknown;
  /** `@mask(unmaskScope:)`: callers holding this scope get the value without this step. */
  unmaskScope?: string | undefined;
}

/** The value directives of one field, in the order they run. */
export interface ValuePipeline {
  steps: readonly ValueStep[];
  /** `@default(value:)`: replaces null after the steps (a default is config, never masked). */
  defaultValue: unknown;
  hasDefault: boolean;
}

/**
 * Runs the steps on a value; lists are walked so every leaf is transformed (a masked
 * `[String]` is masked item by item). Null stays null, then the default fills it in.
 */
export function applyValuePipeline(value: unknown, pipeline: ValuePipeline): unknown {
  if (value === null || value === undefined) return pipeline.hasDefault ? pipeline.defaultValue : value;
  if (Array.isArray(value)) return value.map((item) => applyValuePipeline(item, pipeline));
  let out: unknown = value;
  const steps = pipeline.steps;
  for (let i = 0; i < steps.length && out !== null && out !== undefined; i++) out = steps[i]!.apply(out);
  return out ?? (pipeline.hasDefault ? pipeline.defaultValue : out);
}
