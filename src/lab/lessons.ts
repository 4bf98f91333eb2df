// The cost-surface lessons: each one click that sets the surface, the rate, the optimizer and the
// starts, then runs. Each caption is written from what the runs did (steps to the minimum, the
// distance left, divergence), so it says what the chart shows, in the articles' terms.
import type { OptimizerName } from "../train/options.js";
import type { BatchMode, Surface } from "./surfaces.js";

/** One descent of a lesson: where it starts (as fractions of the view), how it steps, its legend name. */
export interface LessonRun {
  /** Start as fractions of the view: [0, 0] is the bottom-left corner, [1, 1] the top-right. */
  at: readonly [number, number] | ((s: Surface) => readonly [number, number]);
  mode: BatchMode;
  optimizer: OptimizerName;
  /** The learning rate, or how to pick it from the surface (its curvature, say); rounded to 3 digits. */
  rate: number | ((s: Surface) => number);
  name: string;
}

/** How close to a minimum counts as at it (in the surface's units). */
export const AT_MINIMUM = 0.01;

/** What one run did, as the captions and the status list report it. */
export interface RunFacts {
  name: string;
  rate: number;
  /** Steps taken (the path's points less the start). */
  steps: number;
  diverged: boolean;
  /** The first step from which the path stays within AT_MINIMUM of a minimum to its end; null if it never does. */
  settledAt: number | null;
  /** The minimum (index into Surface.minima) nearest the end. */
  minimum: number;
  /** How far the end is from that minimum. */
  distance: number;
  /** Whether the cost was still falling over the last steps (by more than 0.1% over 5 steps). */
  stillFalling: boolean;
  /** The median factor the gap J − J* shrank by per step while the run approached the minimum. */
  gapRatio: number;
  /** Where the run started, the gradient there, and its first move (end of step 1 less the start). */
  start: readonly [number, number];
  slope0: readonly [number, number];
  move0: readonly [number, number];
  /** The lengths of the first and the last step, and whether no step was longer than the one before. */
  stepFirst: number;
  stepLast: number;
  shrinking: boolean;
  /** Points of the path within 0.25 of the surface's saddle point (null: the surface has none). */
  nearSaddle: number | null;
}

/** A lesson: the surface, the runs, the step budget and the caption written from the runs' facts. */
export interface Lesson {
  id: string;
  title: string;
  kind: "regression" | "bumpy" | "rosenbrock" | "saddle" | "house";
  /** Only w moves, b stays at its best value: the one-parameter picture J(w) with the tangent. */
  oneParameter?: boolean;
  /** Regression surfaces: whether the feature is standardised. */
  scaled: boolean;
  steps: number;
  runs: LessonRun[];
  /** Also draw the standardised surface beside the unscaled one, with the same runs on it. */
  compareScaled?: boolean;
  /** The caption: `facts` of the runs in order, `compare` those on the standardised surface. */
  caption(facts: RunFacts[], surface: Surface, compare: RunFacts[] | null): string;
}

/** A number as a caption prints it: 2 significant digits. */
export function short(x: number): string {
  return String(Number(x.toPrecision(2)));
}

/** A number to 3 significant digits (prices in the house example). */
function three(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** "settles at the × after k steps", or where it stopped. */
function arrival(f: RunFacts, budget: number): string {
  if (f.diverged) return `diverges after ${f.steps} steps`;
  if (f.settledAt !== null) return `settles at the × after ${f.settledAt} steps`;
  return `is still ${short(f.distance)} from the × after ${budget} steps`;
}

const CORNER = [0.08, 0.92] as const;

/** The lessons, in the order the panel lists them. */
export const LESSONS: readonly Lesson[] = [
  {
    id: "one-parameter",
    title: "One parameter: the slope decides the step",
    kind: "regression",
    scaled: true,
    steps: 40,
    oneParameter: true,
    runs: [
      {
        at: (s) => [(s.minima[0]?.[0] ?? 0) + 1.2, s.minima[0]?.[1] ?? 0],
        mode: "batch",
        optimizer: "sgd",
        rate: 0.3,
        name: "from the right",
      },
      {
        at: (s) => [(s.minima[0]?.[0] ?? 0) - 1.2, s.minima[0]?.[1] ?? 0],
        mode: "batch",
        optimizer: "sgd",
        rate: 0.3,
        name: "from the left",
      },
    ],
    caption: ([right, left], s) => {
      const r = right as RunFacts;
      const l = left as RunFacts;
      const sign = (v: number) => (v > 0 ? `+${short(v)}` : short(v));
      return `J(w) for one weight, b held at its best value. The dashed tangent at the current w has the slope dJ/dw, and the step w − α·dJ/dw goes against it: from w = ${short(r.start[0])} the slope is ${sign(r.slope0[0])}, so w moves ${r.move0[0] < 0 ? "left" : "right"}; from w = ${short(l.start[0])} it is ${sign(l.slope0[0])}, so w moves ${l.move0[0] < 0 ? "left" : "right"}. α stays 0.3, yet the steps ${r.shrinking ? "shrink by themselves" : "change"}, from ${short(r.stepFirst)} to ${short(r.stepLast)}, because the slope flattens near the minimum: the runs end at w* = ${short(s.minima[0]?.[0] ?? 0)}${r.settledAt !== null && l.settledAt !== null ? ` (at it from steps ${r.settledAt} and ${l.settledAt})` : ""}.`;
    },
  },
  {
    id: "too-small",
    title: "Rate too small",
    kind: "regression",
    scaled: true,
    steps: 60,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: 0.02, name: "η = 0.02" }],
    caption: ([f]) =>
      `Baby steps downhill: each step moves only 2% of the way the gradient points, so the ball ${arrival(f as RunFacts, 60)}${(f as RunFacts).stillFalling ? ", and the cost curve is still falling when the steps run out" : ""}. Too small a rate is safe but slow.`,
  },
  {
    id: "just-right",
    title: "Rate just right",
    kind: "regression",
    scaled: true,
    steps: 60,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: 0.6, name: "η = 0.6" }],
    caption: ([f]) =>
      `A rate matched to the surface (η = 0.6): the steps are long on the steep slope and shrink by themselves as the slope flattens, so the ball ${arrival(f as RunFacts, 60)}. Each step leaves about ${short((f as RunFacts).gapRatio)} of the gap to the lowest cost, J − J*: the same factor every step, so the gap falls as a straight line on the log axis.`,
  },
  {
    id: "too-large",
    title: "Rate too large",
    kind: "regression",
    scaled: true,
    steps: 60,
    runs: [
      { at: CORNER, mode: "batch", optimizer: "sgd", rate: (s) => 1.8 / (s.curvature ?? 1), name: "η just under 2/λ" },
      { at: [0.2, 0.8], mode: "batch", optimizer: "sgd", rate: (s) => 2.4 / (s.curvature ?? 1), name: "η over 2/λ" },
    ],
    caption: ([under, over], s) =>
      `Too large a step overshoots the minimum to the far side of the valley. Here 2/λ = ${short(2 / (s.curvature ?? 1))} (λ the surface's steepest curvature). At η = ${short((under as RunFacts).rate)}, just under it, the zig-zag still narrows: the ball ${arrival(under as RunFacts, 60)}. At η = ${short((over as RunFacts).rate)}, over it, ${(over as RunFacts).diverged ? `every step lands farther out than the last and the run diverges after ${(over as RunFacts).steps} steps` : `the run ${arrival(over as RunFacts, 60)}`}. An estimator started at w = b = 0 stops such a rate with E_DIVERGED (in the list below).`,
  },
  {
    id: "scaling",
    title: "Unscaled vs standardised",
    kind: "regression",
    scaled: false,
    steps: 80,
    compareScaled: true,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: (s) => 1.6 / (s.curvature ?? 1), name: "η = 1.6/λ" }],
    caption: ([f], _s, compare) =>
      `Features on different scales stretch the bowl into a long, narrow valley. The rate has to suit the steepest direction (here 1.6/λ), so the path zig-zags across the valley and then crawls along its flat floor: it ${arrival(f as RunFacts, 80)}. Beside it, the same feature standardised (mean 0, variance 1) gives round contours, and the same rule for the rate ${compare?.[0] === undefined ? "walks to the minimum" : arrival(compare[0], 80)}.`,
  },
  {
    id: "batch-modes",
    title: "Batch, mini-batch, stochastic",
    kind: "regression",
    scaled: true,
    steps: 120,
    runs: [
      { at: CORNER, mode: "batch", optimizer: "sgd", rate: 0.1, name: "batch (all rows)" },
      { at: CORNER, mode: "minibatch", optimizer: "sgd", rate: 0.1, name: "mini-batch (32 rows)" },
      { at: CORNER, mode: "stochastic", optimizer: "sgd", rate: 0.1, name: "stochastic (1 row)" },
    ],
    caption: ([batch, mini, one]) =>
      `Three ways to estimate the gradient from the same start. The batch gradient uses every row: a smooth path that ${arrival(batch as RunFacts, 120)}. A mini-batch of 32 rows is a noisy estimate: the path wanders and ${arrival(mini as RunFacts, 120)}. One row per step is noisier still: it ${arrival(one as RunFacts, 120)}${(one as RunFacts).settledAt === null ? ", jittering around the minimum: a constant rate never lets stochastic descent stop exactly at the ×" : ""}.`,
  },
  {
    id: "momentum",
    title: "Momentum and Adam on Rosenbrock",
    kind: "rosenbrock",
    scaled: true,
    steps: 3000,
    runs: [
      { at: [0.12, 0.85], mode: "batch", optimizer: "sgd", rate: 0.001, name: "sgd η = 0.001" },
      { at: [0.12, 0.85], mode: "batch", optimizer: "momentum", rate: 0.001, name: "momentum η = 0.001" },
      { at: [0.12, 0.85], mode: "batch", optimizer: "adam", rate: 0.02, name: "adam η = 0.02" },
    ],
    caption: ([sgd, momentum, adam]) =>
      `Rosenbrock's banana-shaped valley: the floor is almost flat along the curve and very steep across it. Plain gradient descent drops into the valley and then inches along it (${(sgd as RunFacts).settledAt === null ? `${short((sgd as RunFacts).distance)} from (1, 1) after 3000 steps` : `at (1, 1) only after ${(sgd as RunFacts).settledAt} steps`}); momentum keeps a running velocity, so it builds up speed along the floor (${(momentum as RunFacts).settledAt === null ? `${short((momentum as RunFacts).distance)} from it` : `at it after ${(momentum as RunFacts).settledAt} steps`}); Adam scales each coordinate's step by its own gradient history (${(adam as RunFacts).settledAt === null ? `${short((adam as RunFacts).distance)} from it` : `at it after ${(adam as RunFacts).settledAt} steps`}).`,
  },
  {
    id: "saddle",
    title: "Flat regions: a saddle",
    kind: "saddle",
    scaled: true,
    steps: 300,
    runs: [
      { at: [0.05, (1.6 + 0.002) / 3.2], mode: "batch", optimizer: "sgd", rate: 0.05, name: "sgd η = 0.05" },
      { at: [0.05, (1.6 + 0.002) / 3.2], mode: "batch", optimizer: "momentum", rate: 0.05, name: "momentum η = 0.05" },
      { at: [0.05, (1.6 + 0.002) / 3.2], mode: "batch", optimizer: "adam", rate: 0.05, name: "adam η = 0.05" },
    ],
    caption: ([sgd, momentum, adam]) => {
      const [g, m, a] = [sgd, momentum, adam] as [RunFacts, RunFacts, RunFacts];
      return `All three start just off the ridge line y = 0, where the slope towards the two valleys is almost nil. Plain gradient descent follows the slope down to the saddle point (0, 0), where the gradient is zero and the surface flat in every direction, and crawls there: it spends ${g.nearSaddle} steps within 0.25 of the saddle before the slope towards a valley builds up, and ${arrival(g, 300)}. Momentum carries its speed through the flat stretch (${m.nearSaddle} steps near the saddle) and ${arrival(m, 300)}. Adam divides each coordinate's step by that coordinate's recent gradient size, so the tiny slope in y moves it as fast as the steep one in x: ${a.nearSaddle === 0 ? "it never comes near the saddle" : `${a.nearSaddle} steps near the saddle`}, and it ${arrival(a, 300)}.`;
    },
  },
  {
    id: "house",
    title: "House prices: J(w, b) from w = b = 0",
    kind: "house",
    scaled: false,
    steps: 600,
    runs: [{ at: () => [0, 0] as const, mode: "batch", optimizer: "sgd", rate: 0.3, name: "α = 0.3 from w = b = 0" }],
    caption: ([f], s) => {
      const r = f as RunFacts;
      const [w, b] = s.minima[0] ?? [0, 0];
      return `The articles' example: a house's price from its size, price ≈ w·size + b (size in 1,000 sq ft, price in $1,000), and the cost J(w, b) = (1/2m)·Σ(w·size + b − price)² over ten houses. Its surface is a long, tilted valley: its contours are stretched ellipses, tilted because w and b trade off (a steeper line with a lower intercept fits almost as well). Starting from w = b = 0, where J = ${short(s.value(0, 0))}, gradient descent with α = 0.3 ${r.settledAt !== null ? `reaches the best line, w = ${three(w)}, b = ${three(b)} (J = ${short(s.lowest)}), from step ${r.settledAt} on` : `is ${short(r.distance)} from the best line (w = ${three(w)}, b = ${three(b)}) after 600 steps`}.`;
    },
  },
  {
    id: "local-minima",
    title: "Local minima",
    kind: "bumpy",
    scaled: true,
    steps: 400,
    runs: [
      { at: [0.85, 0.9], mode: "batch", optimizer: "sgd", rate: 0.1, name: "start 1" },
      { at: [0.1, 0.3], mode: "batch", optimizer: "sgd", rate: 0.1, name: "start 2" },
      { at: [0.75, 0.1], mode: "batch", optimizer: "sgd", rate: 0.1, name: "start 3" },
      { at: [0.5, 0.55], mode: "batch", optimizer: "sgd", rate: 0.1, name: "start 4" },
      { at: [0.2, 0.9], mode: "batch", optimizer: "sgd", rate: 0.1, name: "start 5" },
    ],
    caption: (facts, s) => {
      const ended = new Set(facts.filter((f) => f.settledAt !== null).map((f) => f.minimum));
      const deepest = facts.filter((f) => f.settledAt !== null && f.minimum === 0).length;
      return `A surface with ${s.minima.length} wells; their minima, found by a solver, are marked ×. Gradient descent only knows the slope where it stands, so each start rolls into the valley it starts in: the ${facts.length} starts end in ${ended.size} different minima, ${deepest} of them in the deepest (J = ${short(s.lowest)}). On a non-convex cost the starting point decides the answer.`;
    },
  },
];
