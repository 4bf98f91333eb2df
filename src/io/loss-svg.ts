/** One curve of a loss plot. */
export interface PlotSeries {
  name: string;
  values: readonly number[];
  color: string;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : Number(v.toPrecision(4)).toString();
}

/** A horizontal axis other than the epoch: one x value per point, on a log scale when `log`, with a marked x. */
export interface PlotXAxis {
  name: string;
  values: readonly number[];
  log: boolean;
  mark?: { at: number; label: string };
}

/**
 * A self-contained SVG line chart of per-epoch values (the training objective, and the validation
 * score on its own right-hand axis when given), or of values against `xAxis` (a learning-rate
 * sweep: rate on a log axis). Non-finite values are left out of the lines.
 */
export function lossPlotSvg(
  title: string,
  loss: PlotSeries,
  secondary: PlotSeries | null = null,
  xAxis: PlotXAxis | null = null,
): string {
  const W = 720;
  const H = 420;
  const m = { left: 80, right: secondary ? 80 : 30, top: 48, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const n = Math.max(loss.values.length, secondary?.values.length ?? 0, 2);
  const xs = xAxis === null ? null : xAxis.values.map((v) => (xAxis.log ? Math.log10(v) : v));
  const x0 = xs === null ? 0 : Math.min(...xs);
  const x1 = xs === null ? n - 1 : Math.max(...xs);
  const xAt = (u: number): number => m.left + (pw * (u - x0)) / (x1 > x0 ? x1 - x0 : 1);
  const x = (i: number): number => xAt(xs === null ? i : (xs[i] as number));
  const axis = (values: readonly number[]): { lo: number; hi: number } => {
    const finite = values.filter(Number.isFinite);
    let lo = Math.min(...finite);
    let hi = Math.max(...finite);
    if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
    if (lo === hi) [lo, hi] = [lo - 0.5 * Math.abs(lo || 1), hi + 0.5 * Math.abs(hi || 1)];
    return { lo, hi };
  };
  const path = (values: readonly number[], lo: number, hi: number): string => {
    let d = "";
    let pen = false;
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      const py = m.top + ph - ((v - lo) / (hi - lo)) * ph;
      d += `${pen ? "L" : "M"}${x(i).toFixed(2)},${py.toFixed(2)}`;
      pen = true;
    });
    return d;
  };
  const a = axis(loss.values);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${W / 2}" y="26" text-anchor="middle" font-size="16" font-weight="600">${escapeXml(title)}</text>`,
  );
  for (const t of niceTicks(a.lo, a.hi, 5)) {
    const py = m.top + ph - ((t - a.lo) / (a.hi - a.lo)) * ph;
    parts.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${py.toFixed(2)}" y2="${py.toFixed(2)}" stroke="#e5e7eb"/>`,
    );
    parts.push(
      `<text x="${m.left - 8}" y="${(py + 4).toFixed(2)}" text-anchor="end" fill="${loss.color}">${label(t)}</text>`,
    );
  }
  if (xAxis === null) {
    for (const t of niceTicks(1, n, 6)) {
      if (!Number.isInteger(t)) continue;
      parts.push(`<text x="${x(t - 1).toFixed(2)}" y="${m.top + ph + 20}" text-anchor="middle">${t}</text>`);
    }
  } else {
    const ticks = xAxis.log
      ? Array.from({ length: Math.floor(x1) - Math.ceil(x0) + 1 }, (_, k) => Math.ceil(x0) + k)
      : niceTicks(x0, x1, 6);
    for (const t of ticks) {
      const text = xAxis.log ? `1e${t}` : label(t);
      parts.push(`<text x="${xAt(t).toFixed(2)}" y="${m.top + ph + 20}" text-anchor="middle">${text}</text>`);
    }
    if (xAxis.mark !== undefined) {
      const px = xAt(xAxis.log ? Math.log10(xAxis.mark.at) : xAxis.mark.at).toFixed(2);
      parts.push(
        `<line x1="${px}" x2="${px}" y1="${m.top}" y2="${m.top + ph}" stroke="#dc2626" stroke-dasharray="4 3"/>`,
      );
      parts.push(
        `<text x="${px}" y="${m.top - 6}" text-anchor="middle" fill="#dc2626">${escapeXml(xAxis.mark.label)}</text>`,
      );
    }
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#9ca3af"/>`);
  parts.push(
    `<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle">${escapeXml(xAxis === null ? "epoch" : xAxis.name)}</text>`,
  );
  parts.push(
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="${loss.color}">${escapeXml(loss.name)}</text>`,
  );
  parts.push(`<path d="${path(loss.values, a.lo, a.hi)}" fill="none" stroke="${loss.color}" stroke-width="2"/>`);
  if (secondary !== null) {
    const b = axis(secondary.values);
    for (const t of niceTicks(b.lo, b.hi, 5)) {
      const py = m.top + ph - ((t - b.lo) / (b.hi - b.lo)) * ph;
      parts.push(
        `<text x="${m.left + pw + 8}" y="${(py + 4).toFixed(2)}" fill="${secondary.color}">${label(t)}</text>`,
      );
    }
    parts.push(
      `<text transform="translate(${W - 14} ${m.top + ph / 2}) rotate(90)" text-anchor="middle" fill="${secondary.color}">${escapeXml(secondary.name)}</text>`,
    );
    parts.push(
      `<path d="${path(secondary.values, b.lo, b.hi)}" fill="none" stroke="${secondary.color}" stroke-width="2" stroke-dasharray="6 4"/>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
