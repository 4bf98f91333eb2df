// The playground's 2-D data sets, in the spirit of TensorFlow Playground's: points in [−5, 5]² with
// a 0/1 label, drawn from our seeded generator so a page shows the same points every time.
import { Prng } from "../kernels/prng.js";

/** A 2-D classification data set. */
export interface PlaneData {
  /** n × 2 coordinates, row-major. */
  points: Float64Array;
  labels: number[];
}

/** The data set names of the playground. */
export type PlaneDataName = "circle" | "xor" | "blobs" | "spiral";

/** Standard normal draws (Box–Muller) from a generator. */
function normal(rng: Prng): number {
  const u = Math.max(rng.nextFloat(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}

/** n points of a named data set, with Gaussian noise of this standard deviation added to each coordinate. */
export function planeData(name: PlaneDataName, n: number, noise: number, seed = 1): PlaneData {
  const rng = new Prng(seed);
  const points = new Float64Array(2 * n);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let x: number;
    let y: number;
    let label: number;
    if (name === "circle") {
      // Inside radius 2 (label 1) or in the ring 3.5 .. 5 (label 0).
      label = i % 2;
      const r = label === 1 ? 2 * Math.sqrt(rng.nextFloat()) : 3.5 + 1.5 * rng.nextFloat();
      const t = 2 * Math.PI * rng.nextFloat();
      x = r * Math.cos(t);
      y = r * Math.sin(t);
    } else if (name === "xor") {
      // Quadrants, kept 0.3 away from the axes: label 1 where x and y share a sign.
      const pad = (v: number): number => (v >= 0 ? v + 0.3 : v - 0.3);
      x = pad(rng.nextFloat() * 9.4 - 4.7);
      y = pad(rng.nextFloat() * 9.4 - 4.7);
      label = x * y > 0 ? 1 : 0;
    } else if (name === "blobs") {
      label = i % 2;
      const c = label === 1 ? 2 : -2;
      x = c + normal(rng);
      y = c + normal(rng);
    } else {
      // Two interleaved spirals.
      label = i % 2;
      const k = Math.floor(i / 2) / Math.ceil(n / 2);
      const r = 5 * k;
      const t = 1.75 * 2 * Math.PI * k + (label === 1 ? Math.PI : 0);
      x = r * Math.sin(t);
      y = r * Math.cos(t);
    }
    points[2 * i] = x + noise * normal(rng);
    points[2 * i + 1] = y + noise * normal(rng);
    labels.push(label);
  }
  return { points, labels };
}
