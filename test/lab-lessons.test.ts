// The cost-surface lessons in Chromium: every caption's claim is checked against what the charts
// and the status list show (steps to the minimum, distances, divergence, the log axis, the minima a
// solver finds), the 3D paths are drawn to be seen, the panel resets when the surface changes, bad
// input is an error on the page, and the other tabs' slips (Recommend's notices, the spiral's hint,
// a phone-width screen) are mended.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabPage, openLab } from "./helpers/lab-page.js";

let lab: LabPage;
beforeAll(async () => {
  lab = await openLab();
  await lab.page.click("#tab-surface");
  await lab.page.waitForSelector("#surface-map .nsewdrag");
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

/** What one status line of a run says, from its data attributes. */
interface Status {
  text: string;
  cls: string;
  steps: number;
  settled: number | null;
  distance: number;
  minimum: number;
  x: number;
  y: number;
}

/** Clicks a lesson and waits until its paths are drawn; the caption and the status lines. */
async function runLesson(id: string): Promise<{ caption: string; status: Status[] }> {
  await lab.page.click(`button[data-lesson='${id}']`);
  await lab.page.waitForFunction(
    (i) =>
      document.getElementById("lesson-caption")?.dataset.lesson === i &&
      document.getElementById("surface-map")?.dataset.drawn !== "0",
    id,
    { timeout: 30_000 },
  );
  const status = await lab.page.$$eval("#surface-status li", (ls) =>
    ls.map((l) => {
      const d = (l as HTMLElement).dataset;
      return {
        text: l.textContent ?? "",
        cls: l.className,
        steps: Number(d.steps),
        settled: d.settled === "" ? null : Number(d.settled),
        distance: Number(d.distance),
        minimum: Number(d.minimum),
        x: Number(d.x),
        y: Number(d.y),
      };
    }),
  );
  return { caption: (await lab.page.textContent("#lesson-caption")) ?? "", status };
}

/** The map's traces: name, and x / y points. */
async function mapTraces(sel = "#surface-map"): Promise<Array<{ name: string; x: number[]; y: number[] }>> {
  return lab.page.$eval(sel, (el) =>
    (el as unknown as { data: Array<{ name: string; x: number[]; y: number[] }> }).data.map((t) => ({
      name: t.name,
      x: Array.from(t.x ?? []),
      y: Array.from(t.y ?? []),
    })),
  );
}

const short = (x: number) => String(Number(x.toPrecision(2)));

describe("each lesson's caption is true of its charts", () => {
  it("rate too small: still short of the minimum when the steps run out, the cost still falling", async () => {
    const { caption, status } = await runLesson("too-small");
    const [s] = status as [Status];
    expect(s.settled).toBeNull();
    expect(caption).toContain(`still ${short(s.distance)} from the × after 60 steps`);
    const gaps = await lab.page.$eval(
      "#surface-loss",
      (el) => (el as unknown as { data: Array<{ y: number[] }> }).data[0]?.y ?? [],
    );
    expect(gaps.at(-1) as number).toBeLessThan(0.999 * (gaps.at(-6) as number));
    expect(caption).toContain("still falling");
  });

  it("rate just right: at the minimum in a handful of steps, the gap a straight line on a log axis", async () => {
    const { caption, status } = await runLesson("just-right");
    const [s] = status as [Status];
    expect(s.settled).not.toBeNull();
    expect(s.settled as number).toBeLessThanOrEqual(10);
    expect(caption).toContain(`settles at the × after ${s.settled} steps`);
    expect(await lab.page.getAttribute("#surface-loss", "data-log")).toBe("true");
    expect(await lab.page.textContent("#surface-loss .g-ytitle")).toMatch(/log scale/);
    // A constant factor per step: successive ratios of the gap agree while it is far above rounding.
    const gaps = await lab.page.$eval(
      "#surface-loss",
      (el) => (el as unknown as { data: Array<{ y: number[] }> }).data[0]?.y ?? [],
    );
    const ratios = gaps.slice(0, 8).map((g, t) => (gaps[t + 1] as number) / g);
    for (const r of ratios.slice(1, 6)) expect(Math.abs(r - (ratios[1] as number))).toBeLessThan(0.02);
    expect(caption).toContain(`about ${short(ratios[3] as number)} of the gap`);
  });

  it("rate too large: the converging zig-zag drawn over the diverging run; both numbers as the list says", async () => {
    const { caption, status } = await runLesson("too-large");
    const [under, over] = status as [Status, Status];
    expect(under.settled).not.toBeNull();
    expect(over.cls).toBe("diverged");
    expect(caption).toContain(`settles at the × after ${under.settled} steps`);
    expect(caption).toContain(`diverges after ${over.steps} steps`);
    expect(caption).toMatch(/At η = 1\.8, just under it/);
    expect(caption).toMatch(/At η = 2\.4, over it/);
    expect(over.text).toMatch(/An estimator started at w = b = 0 says: E_DIVERGED/);
    // Numbers printed as they matter: no 2.3999999999999897.
    expect(`${caption} ${over.text}`).not.toMatch(/\d\.\d{6,}/);
    const names = (await mapTraces()).map((t) => t.name);
    expect(names.indexOf("η just under 2/λ")).toBeGreaterThan(names.indexOf("η over 2/λ"));
  });

  it("unscaled vs standardised: far from the minimum unscaled, at it in a few steps standardised", async () => {
    const { caption, status } = await runLesson("scaling");
    const [s] = status as [Status];
    expect(s.settled).toBeNull();
    expect(caption).toContain(`still ${short(s.distance)} from the × after 80 steps`);
    const facts = JSON.parse((await lab.page.getAttribute("#lesson-caption", "data-facts")) as string);
    expect(facts[0].distance).toBe(s.distance);
    expect(caption).toMatch(/the same rule for the rate settles at the × after \d+ steps/);
  });

  it("batch, mini-batch, stochastic: the batch path settles, one row per step never does", async () => {
    const { caption, status } = await runLesson("batch-modes");
    const [batch, , one] = status as [Status, Status, Status];
    expect(batch.settled).not.toBeNull();
    expect(caption).toContain(`settles at the × after ${batch.settled} steps`);
    expect(one.settled).toBeNull();
    expect(caption).toContain(`still ${short(one.distance)} from the × after 120 steps, jittering`);
  });

  it("Rosenbrock: plain descent still short of (1, 1), momentum and Adam at it, as the caption counts", async () => {
    const { caption, status } = await runLesson("momentum");
    const [sgd, momentum, adam] = status as [Status, Status, Status];
    expect(sgd.settled).toBeNull();
    expect(caption).toContain(`${short(sgd.distance)} from (1, 1) after 3000 steps`);
    for (const s of [momentum, adam]) {
      expect(s.settled).not.toBeNull();
      expect(caption).toContain(`at it after ${s.settled} steps`);
    }
  });

  it("local minima: the marked minima are where descents stop, and the caption counts them right", async () => {
    const { caption, status } = await runLesson("local-minima");
    const minima = (await mapTraces()).find((t) => t.name === "minima");
    expect(minima?.x.length).toBe(3);
    // Every start that stopped (its gradient below 1e-7) stopped on a marked minimum.
    for (const s of status) {
      const d = Math.min(...(minima?.x ?? []).map((x, k) => Math.hypot(x - s.x, (minima?.y[k] as number) - s.y)));
      expect(d).toBeLessThan(1e-3);
      expect(s.text).toMatch(/at minimum \d from step \d+/);
    }
    const distinct = new Set(status.map((s) => s.minimum)).size;
    const deepest = status.filter((s) => s.minimum === 0).length;
    expect(caption).toContain(`the 5 starts end in ${distinct} different minima, ${deepest} of them in the deepest`);
    expect(lab.errors).toEqual([]);
  });
});

describe("the lessons the articles teach", () => {
  it("one parameter: the tangent's slope is dJ/dw, the step goes against it, and the steps shrink at a fixed rate", async () => {
    const { caption, status } = await runLesson("one-parameter");
    expect(await lab.page.isVisible("#surface-1d")).toBe(true);
    const plot = await lab.page.$eval("#surface-1d", (el) => {
      const e = el as unknown as { data: Array<{ name: string; x: number[]; y: number[] }> };
      return e.data.map((t) => ({ name: t.name, x: Array.from(t.x), y: Array.from(t.y) }));
    });
    const curve = plot[0] as { x: number[]; y: number[] };
    // J(w) at a point of the curve, interpolated, for a numerical slope.
    const J = (w: number) => {
      const i = curve.x.findIndex((x) => x >= w);
      const t = (w - (curve.x[i - 1] as number)) / ((curve.x[i] as number) - (curve.x[i - 1] as number));
      return (curve.y[i - 1] as number) + t * ((curve.y[i] as number) - (curve.y[i - 1] as number));
    };
    for (const name of ["from the right", "from the left"]) {
      const path = plot.find((t) => t.name === name) as { x: number[] };
      const tangent = plot.find((t) => t.name === `${name}: tangent`) as { x: number[]; y: number[] };
      const slope =
        ((tangent.y[1] as number) - (tangent.y[0] as number)) / ((tangent.x[1] as number) - (tangent.x[0] as number));
      const w = path.x.at(-1) as number;
      const h = 1e-2;
      expect(Math.abs(slope - (J(w + h) - J(w - h)) / (2 * h))).toBeLessThan(2e-3);
      // Right of the minimum the slope is positive and w moves left; left of it, the reverse.
      const moves = path.x.slice(1).map((x, t) => x - (path.x[t] as number));
      if (name === "from the right") expect(moves.every((m) => m <= 0)).toBe(true);
      else expect(moves.every((m) => m >= 0)).toBe(true);
      const sizes = moves.map(Math.abs).filter((m) => m > 1e-12);
      for (let t = 1; t < sizes.length; t++)
        expect(sizes[t] as number).toBeLessThanOrEqual((sizes[t - 1] as number) * (1 + 1e-9));
    }
    for (const s of status) expect(s.settled).not.toBeNull();
    expect(caption).toMatch(/the slope is \+[\d.]+, so w moves left/);
    expect(caption).toMatch(/it is -[\d.]+, so w moves right/);
    expect(caption).toContain("shrink by themselves");
    expect(lab.errors).toEqual([]);
  });

  it("a saddle: plain descent crawls near the flat point, momentum and Adam get through sooner", async () => {
    const { caption } = await runLesson("saddle");
    const facts = JSON.parse((await lab.page.getAttribute("#lesson-caption", "data-facts")) as string) as Array<{
      nearSaddle: number;
    }>;
    // Counted again from the drawn paths: points within 0.25 of (0, 0).
    const traces = (await mapTraces()).filter((t) => / η = 0\.05$/.test(t.name));
    const near = (name: string) => {
      const t = traces.find((x) => x.name === name) as { x: number[]; y: number[] };
      return t.x.filter((x, i) => Math.hypot(x, t.y[i] as number) < 0.25).length;
    };
    const [sgd, momentum, adam] = facts as [{ nearSaddle: number }, { nearSaddle: number }, { nearSaddle: number }];
    expect(near("sgd η = 0.05")).toBe(sgd.nearSaddle);
    expect(momentum.nearSaddle).toBeLessThan(sgd.nearSaddle);
    expect(adam.nearSaddle).toBeLessThan(sgd.nearSaddle);
    expect(caption).toContain(`it spends ${sgd.nearSaddle} steps within 0.25 of the saddle`);
    expect(caption).toContain(`(${momentum.nearSaddle} steps near the saddle)`);
    expect(caption).toContain(
      adam.nearSaddle === 0 ? "it never comes near the saddle" : `${adam.nearSaddle} steps near`,
    );
  });

  it("house prices: J(w, b) of size → price, from w = b = 0 to the least-squares line", async () => {
    const { caption, status } = await runLesson("house");
    const [s] = status as [Status];
    const traces = await mapTraces();
    const path = traces.find((t) => t.name.startsWith("α = 0.3")) as { x: number[]; y: number[] };
    expect([path.x[0], path.y[0]]).toEqual([0, 0]);
    // The least-squares line of the ten houses, by the normal equations.
    const size = [0.85, 1.1, 1.25, 1.4, 1.6, 1.75, 1.9, 2.1, 2.4, 2.7];
    const price = [180, 215, 240, 260, 300, 315, 340, 365, 410, 450];
    const mx = size.reduce((a, b) => a + b) / 10;
    const my = price.reduce((a, b) => a + b) / 10;
    const w =
      size.reduce((t, x, i) => t + (x - mx) * ((price[i] as number) - my), 0) /
      size.reduce((t, x) => t + (x - mx) ** 2, 0);
    const b = my - w * mx;
    expect(Math.hypot(s.x - w, s.y - b)).toBeLessThan(0.01);
    expect(caption).toContain(`w = ${Number(w.toPrecision(3))}, b = ${Number(b.toPrecision(3))}`);
    expect(caption).toContain(`from step ${s.settled} on`);
  });
});

describe("the 3D view", () => {
  it("draws each path wide, with a marker a step and a ball, in a box that keeps the bowl's shape", async () => {
    await runLesson("too-large");
    const scene = await lab.page.$eval("#surface-3d", (el) => {
      const e = el as unknown as {
        data: Array<{
          type: string;
          name: string;
          line?: { width: number; dash?: string };
          marker?: { size: number | number[] };
          z?: number[];
        }>;
        layout: { scene: { zaxis: { range: [number, number] }; camera: { eye: { x: number; y: number } } } };
      };
      return { data: e.data, scene: e.layout.scene };
    });
    const paths = scene.data.filter(
      (t) => t.type === "scatter3d" && !t.name.endsWith("(ball)") && !t.name.startsWith("minim"),
    );
    const balls = scene.data.filter((t) => t.name.endsWith("(ball)"));
    expect(paths.length).toBe(2);
    expect(balls.length).toBe(2);
    for (const p of paths) expect(p.line?.width).toBeGreaterThanOrEqual(5);
    // The diverging run does not stretch the z axis: it ends near the surface's own highest value.
    const [lo, hi] = scene.scene.zaxis.range;
    expect(hi - lo).toBeLessThan(10);
    // The camera looks across the lessons' start-to-minimum diagonal, not along it.
    const { x, y } = scene.scene.camera.eye;
    const cos = Math.abs(x * 1 + y * -1) / (Math.hypot(x, y) * Math.SQRT2);
    expect(cos).toBeLessThan(0.5);
  });

  it("tells overlapping paths apart by dash and marker", async () => {
    await runLesson("batch-modes");
    const traces = await lab.page.$eval("#surface-map", (el) =>
      (el as unknown as { data: Array<{ name: string; line?: { dash?: string }; marker?: { symbol?: string } }> }).data
        .filter((t) => t.line !== undefined)
        .map((t) => `${t.line?.dash}/${t.marker?.symbol}`),
    );
    expect(new Set(traces).size).toBe(traces.length);
  });
});

describe("the cost surface's state and input", () => {
  it("changing the surface clears the last lesson's cost chart, highlight and caption", async () => {
    await runLesson("just-right");
    await lab.page.selectOption("#surface-kind", "bumpy");
    expect(await lab.page.locator("#surface-loss .main-svg").count()).toBe(0);
    expect(await lab.page.locator("#lessons button.active").count()).toBe(0);
    expect(await lab.page.textContent("#lesson-caption")).toBe("");
  });

  it("a negative rate is an error in the list, not a page error", async () => {
    await lab.page.fill("#surface-lr", "-1");
    await lab.page.click("#surface-run");
    expect(await lab.page.textContent("#surface-status")).toMatch(/Learning rate: -1 must be above 0/);
    expect(lab.errors).toEqual([]);
    await lab.page.fill("#surface-lr", "0.1");
  });

  it("a click by the bottom edge of the contour map places a start there", async () => {
    await lab.page.click("#surface-clear");
    const box = await lab.page.locator("#surface-map .nsewdrag").first().boundingBox();
    if (box === null) throw new Error("no plotting area");
    await lab.page.mouse.click(box.x + 0.5 * box.width, box.y + box.height - 2);
    const starts = (await mapTraces()).filter((t) => t.name.startsWith("start"));
    expect(starts.length).toBe(1);
    // Near the bottom of the view (y from −3 to 3 on the three-wells surface).
    expect(starts[0]?.y[0] as number).toBeLessThan(-2.9);
  });
});

describe("the other tabs' slips", () => {
  it("Recommend: Top 10 before training, and an unknown user, each say why there is no list", async () => {
    await lab.page.click("#tab-recommend");
    await lab.page.click("#recommend-go");
    expect(await lab.page.getAttribute("#recommend-list", "data-notice")).toMatch(/Train a model first/);
    await lab.page.fill("#recommend-epochs", "3");
    await lab.page.click("#recommend-run");
    await lab.page.waitForSelector("#recommend-result[data-state='done']", { timeout: 60_000 });
    await lab.page.fill("#recommend-user", "no-such-user");
    await lab.page.click("#recommend-go");
    expect(await lab.page.getAttribute("#recommend-list", "data-notice")).toMatch(
      /User 'no-such-user' has no ratings in the training share/,
    );
    expect(await lab.page.textContent("#recommend-list")).not.toMatch(/NaN/);
  });

  it("Playground: the spiral's hint appears with it, and what it says works", async () => {
    await lab.page.click("#tab-playground");
    await lab.page.selectOption("#play-dataset", "spiral");
    expect(await lab.page.isVisible("#play-hint")).toBe(true);
    const accuracy = async () => {
      await lab.page.click("#play-train");
      await lab.page.waitForSelector("#play-result[data-state='done']", { timeout: 120_000 });
      const a = Number(await lab.page.getAttribute("#play-result", "data-accuracy"));
      await lab.page.evaluate(() => {
        delete (document.getElementById("play-result") as HTMLElement).dataset.state;
      });
      return a;
    };
    expect(await accuracy()).toBeLessThan(0.9);
    await lab.page.fill("#play-hidden", "16,16");
    await lab.page.fill("#play-epochs", "1500");
    expect(await accuracy()).toBeGreaterThanOrEqual(0.95);
    await lab.page.selectOption("#play-dataset", "xor");
    expect(await lab.page.isHidden("#play-hint")).toBe(true);
  }, 180_000);
});

describe("a phone-width screen", () => {
  it("shows every tab inside the screen", async () => {
    const phone = await openLab(390, 844);
    try {
      const boxes = await phone.page.$$eval("nav .tab", (ts) => ts.map((t) => t.getBoundingClientRect().right));
      expect(boxes.length).toBe(5);
      for (const right of boxes) expect(right).toBeLessThanOrEqual(390);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 60_000);
});

describe("the whole visit", () => {
  it("left no page error and no console error, on any lesson or tab", () => {
    expect(lab.errors).toEqual([]);
  });
});
