// Small canvas drawing helpers for the lab: a banded colour map of a 2-D function, paths on it, and
// line charts of per-epoch values.

/** A rectangle of the (x, y) plane shown on a canvas. */
export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Canvas pixel of a point of the view (y grows upwards). */
export function toPixel(view: View, c: HTMLCanvasElement, x: number, y: number): [number, number] {
  return [((x - view.x0) / (view.x1 - view.x0)) * c.width, (1 - (y - view.y0) / (view.y1 - view.y0)) * c.height];
}

/** Point of the view under a canvas pixel. */
export function fromPixel(view: View, c: HTMLCanvasElement, px: number, py: number): [number, number] {
  return [view.x0 + (px / c.width) * (view.x1 - view.x0), view.y0 + (1 - py / c.height) * (view.y1 - view.y0)];
}

const PALETTE = [
  "#0b1e3f",
  "#133a6b",
  "#1d5a93",
  "#2b7bb0",
  "#4a9bc4",
  "#74b8d3",
  "#a5d2df",
  "#d4e9e6",
  "#f3f0d6",
  "#f7dca4",
  "#f2b872",
  "#e58b4c",
  "#cc5d36",
  "#a33629",
];

/**
 * Fills the canvas with f over the view as colour bands of log(f − min + ε) (so valleys show as
 * contours at every scale) and draws the band edges as thin lines.
 */
export function drawContours(
  c: HTMLCanvasElement,
  view: View,
  f: (x: number, y: number) => number,
): { min: number; max: number } {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  const W = c.width;
  const H = c.height;
  const step = 2;
  const gw = Math.ceil(W / step);
  const gh = Math.ceil(H / step);
  const grid = new Float64Array(gw * gh);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const [x, y] = fromPixel(view, c, i * step + step / 2, j * step + step / 2);
      const v = f(x, y);
      grid[j * gw + i] = v;
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  const span = Math.max(max - min, 1e-12);
  const band = (v: number): number => {
    const t = Math.log1p((v - min) / (span * 1e-4)) / Math.log1p(1e4);
    return Math.min(PALETTE.length - 1, Math.max(0, Math.floor(t * PALETTE.length)));
  };
  const bands = new Int32Array(gw * gh);
  for (let k = 0; k < grid.length; k++) bands[k] = band(grid[k] as number);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const b = bands[j * gw + i] as number;
      const edge = (i + 1 < gw && bands[j * gw + i + 1] !== b) || (j + 1 < gh && bands[(j + 1) * gw + i] !== b);
      ctx.fillStyle = edge ? "rgba(255,255,255,0.55)" : (PALETTE[b] as string);
      ctx.fillRect(i * step, j * step, step, step);
    }
  }
  return { min, max };
}

/** Draws a path (polyline with a start ring and an end dot) of points in view coordinates. */
export function drawPath(
  c: HTMLCanvasElement,
  view: View,
  points: ReadonlyArray<readonly [number, number]>,
  color: string,
  upto = points.length,
): void {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  if (points.length === 0) return;
  ctx.lineWidth = 2;
  ctx.strokeStyle = color;
  ctx.beginPath();
  points.slice(0, upto).forEach(([x, y], k) => {
    const [px, py] = toPixel(view, c, x, y);
    if (k === 0) ctx.moveTo(px, py);
    else ctx.lineTo(px, py);
  });
  ctx.stroke();
  const [sx, sy] = toPixel(view, c, ...(points[0] as [number, number]));
  ctx.beginPath();
  ctx.arc(sx, sy, 6, 0, 2 * Math.PI);
  ctx.stroke();
  const last = points[Math.min(upto, points.length) - 1] as [number, number];
  const [ex, ey] = toPixel(view, c, ...last);
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(ex, ey, 4, 0, 2 * Math.PI);
  ctx.fill();
}

/** Marks a point with a cross. */
export function drawCross(c: HTMLCanvasElement, view: View, x: number, y: number, color: string): void {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  const [px, py] = toPixel(view, c, x, y);
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(px - 7, py - 7);
  ctx.lineTo(px + 7, py + 7);
  ctx.moveTo(px + 7, py - 7);
  ctx.lineTo(px - 7, py + 7);
  ctx.stroke();
}

function short(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : Number(v.toPrecision(4)).toString();
}

/**
 * A line chart of one or two series over epochs: the second on its own right-hand scale, or with
 * `sharedScale` both on the left-hand one (for series in the same unit).
 */
export function drawLines(
  c: HTMLCanvasElement,
  series: ReadonlyArray<{ values: readonly number[]; color: string; label: string }>,
  sharedScale = false,
): void {
  const ctx = c.getContext("2d") as CanvasRenderingContext2D;
  const W = c.width;
  const H = c.height;
  const m = { l: 56, r: 56, t: 16, b: 28 };
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  ctx.strokeStyle = "#d1d5db";
  ctx.strokeRect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  ctx.font = "12px system-ui, sans-serif";
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  series.forEach((s, k) => {
    const vals = sharedScale ? all : s.values.filter(Number.isFinite);
    if (vals.length === 0) return;
    let lo = Math.min(...vals);
    let hi = Math.max(...vals);
    if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
    const n = Math.max(2, s.values.length);
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      const x = m.l + ((W - m.l - m.r) * i) / (n - 1);
      const y = m.t + (H - m.t - m.b) * (1 - (v - lo) / (hi - lo));
      if (pen) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      pen = true;
    });
    ctx.stroke();
    ctx.fillStyle = s.color;
    const x = k === 0 ? 4 : W - m.r + 4;
    if (k === 0 || !sharedScale) {
      ctx.fillText(short(hi), x, m.t + 10);
      ctx.fillText(short(lo), x, H - m.b);
    }
    ctx.fillText(s.label, k === 0 ? m.l + 6 : W - m.r - 6 - ctx.measureText(s.label).width, m.t + 14);
  });
  ctx.fillStyle = "#6b7280";
  ctx.fillText("epoch", W / 2 - 16, H - 8);
}
