// A fresh, unfitted copy of an estimator, a transformer or a pipeline of them, with some options
// changed: scikit-learn's clone and set_params, `step__option` reaching into pipelines and column
// transformers by step and part name.

import { DescentError } from "../errors.js";
import { ColumnTransformer } from "../preprocess/column-transformer.js";
import { Pipeline } from "../preprocess/pipeline.js";

/** Options as `name` → value, where `step__option` names an option of a pipeline step or part. */
export type Params = Record<string, unknown>;

/** Splits `step__option` keys by their first segment; own keys under "". */
function byStep(params: Params): Map<string, Params> {
  const out = new Map<string, Params>();
  for (const [key, value] of Object.entries(params)) {
    const at = key.indexOf("__");
    const step = at < 0 ? "" : key.slice(0, at);
    const rest = at < 0 ? key : key.slice(at + 2);
    let p = out.get(step);
    if (p === undefined) {
      p = {};
      out.set(step, p);
    }
    p[rest] = value;
  }
  return out;
}

/** E_OPTION for step names the container does not have. */
function checkSteps(groups: Map<string, Params>, names: readonly string[], what: string): void {
  for (const name of groups.keys())
    if (name !== "" && !names.includes(name))
      throw new DescentError(
        "E_OPTION",
        `option '${name}__…': the ${what} has no step '${name}' (it has ${names.join(", ")})`,
      );
}

/**
 * A new unfitted copy of `step` with `params` applied: a Pipeline or ColumnTransformer rebuilt from
 * copies of its steps (`name__option` for a step's options), anything else made anew by its own
 * class from its getOptions() (or with no options) and `params`. E_OPTION names an unknown step;
 * the copy's own constructor checks the options.
 */
export function cloneWith<T>(step: T, params: Params = {}): T {
  const groups = byStep(params);
  if (step instanceof Pipeline) {
    checkSteps(
      groups,
      step.steps.map(([n]) => n),
      "pipeline",
    );
    if ((groups.get("") ?? {}) && Object.keys(groups.get("") ?? {}).length > 0)
      throw new DescentError(
        "E_OPTION",
        `a Pipeline's options are its steps': name them as step__option (got '${Object.keys(groups.get("") ?? {})[0]}')`,
      );
    return new Pipeline(step.steps.map(([n, s]) => [n, cloneWith(s, groups.get(n))] as const)) as T;
  }
  if (step instanceof ColumnTransformer) {
    checkSteps(
      groups,
      step.transformers.map(([n]) => n),
      "column transformer",
    );
    const own = groups.get("") ?? {};
    const parts = step.transformers.map(
      ([n, s, cols]) => [n, typeof s === "string" ? s : cloneWith(s, groups.get(n)), cols] as const,
    );
    return new ColumnTransformer(parts, {
      remainder: step.remainder,
      verboseFeatureNamesOut: step.verboseFeatureNamesOut,
      ...own,
    }) as T;
  }
  if (typeof step === "string") return step;
  checkSteps(groups, [], "estimator");
  const s = step as { constructor: new (options?: Params) => T; getOptions?: () => Params };
  const given = groups.get("") ?? {};
  if (typeof s.getOptions !== "function" && Object.keys(given).length > 0)
    throw new DescentError("E_OPTION", `${s.constructor.name} takes no options (got '${Object.keys(given)[0]}')`);
  return new s.constructor({ ...(s.getOptions?.() ?? {}), ...given });
}
