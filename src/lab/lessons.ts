// The cost-surface lessons: each one click that sets the surface, the rate, the optimizer and the
// starts, then runs, with a caption saying what to look at in the articles' terms.
import type { OptimizerName } from "../train/options.js";
import type { BatchMode, Surface } from "./surfaces.js";

/** One descent of a lesson: where it starts (as fractions of the view), how it steps, its legend name. */
export interface LessonRun {
  /** Start as fractions of the view: [0, 0] is the bottom-left corner, [1, 1] the top-right. */
  at: readonly [number, number];
  mode: BatchMode;
  optimizer: OptimizerName;
  /** The learning rate, or how to pick it from the surface (its curvature, say). */
  rate: number | ((s: Surface) => number);
  name: string;
}

/** A lesson: the surface, the runs, the step budget and the caption. */
export interface Lesson {
  id: string;
  title: string;
  kind: "regression" | "bumpy" | "rosenbrock";
  /** Regression surfaces: whether the feature is standardised. */
  scaled: boolean;
  steps: number;
  runs: LessonRun[];
  /** Also draw the standardised surface beside the unscaled one, with the same runs on it. */
  compareScaled?: boolean;
  caption: string;
}

const CORNER = [0.08, 0.92] as const;

/** The lessons, in the order the panel lists them. */
export const LESSONS: readonly Lesson[] = [
  {
    id: "too-small",
    title: "Rate too small",
    kind: "regression",
    scaled: true,
    steps: 60,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: 0.02, name: "η = 0.02" }],
    caption:
      "Baby steps downhill: each step moves only 2% of the way the gradient points, so after 60 steps the ball is still on the slope, far from the × at the bottom of the bowl, and the cost curve is still falling when the steps run out. Too small a rate is safe but slow.",
  },
  {
    id: "just-right",
    title: "Rate just right",
    kind: "regression",
    scaled: true,
    steps: 60,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: 0.6, name: "η = 0.6" }],
    caption:
      "A rate matched to the surface: the steps are long on the steep slope and shrink by themselves as the gradient flattens near the minimum, so the ball settles at the × within a few dozen steps and the cost drops by decades (log axis).",
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
    caption:
      "Too large a step overshoots the minimum to the far side of the valley. Just under 2/λ (λ the surface's steepest curvature) the zig-zag still narrows and ends at the ×; just over it every step lands higher than the last, the cost grows without bound, and descent's estimators stop such a run with E_DIVERGED (the message is in the list below).",
  },
  {
    id: "scaling",
    title: "Unscaled vs standardised",
    kind: "regression",
    scaled: false,
    steps: 80,
    compareScaled: true,
    runs: [{ at: CORNER, mode: "batch", optimizer: "sgd", rate: (s) => 1.6 / (s.curvature ?? 1), name: "η = 1.6/λ" }],
    caption:
      "Features on different scales stretch the bowl into a long, narrow valley. The rate has to suit the steepest direction (here 1.6/λ, λ its curvature), so the path zig-zags across the valley and then crawls along its flat floor, far from the × after 80 steps. Beside it, the same feature standardised (mean 0, variance 1) gives round contours, and the same rule for the rate walks to the minimum in a few steps.",
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
    caption:
      "Three ways to estimate the gradient from the same start. The batch gradient uses every row: a smooth path. A mini-batch of 32 rows is a noisy estimate: the path wanders a little. One row per step is noisier still: the path jitters around the minimum instead of settling, which is why a constant rate never lets stochastic descent stop exactly at the ×.",
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
    caption:
      "Rosenbrock's banana-shaped valley: the floor is almost flat along the curve and very steep across it. Plain gradient descent drops into the valley and then inches along it; momentum keeps a running velocity so it builds up speed along the floor; Adam scales each coordinate's step by its own gradient history and heads for the minimum at (1, 1).",
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
    caption:
      "A surface with three wells. Gradient descent only knows the slope where it stands, so each start rolls into the nearest valley: different starts end in different minima, and only one of them is the deepest. On a non-convex cost the starting point decides the answer.",
  },
];
