// The lab's Train tab as a student meets it, in Chromium: the default form trains every bundled
// dataset to a sensible score, a 120,000-row upload trains and plots a sample, changing the data
// clears what the last one left, a malformed field is an error that names it, and the charts read
// the right way round (confusion colours, coefficient names, log-axis ticks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabPage, openLab } from "./helpers/lab-page.js";

let lab: LabPage;
beforeAll(async () => {
  lab = await openLab();
  await lab.page.click("#tab-train");
}, 60_000);
afterAll(async () => {
  await lab?.close();
});

/** Picks a bundled dataset and waits until its target is chosen. */
async function pick(name: string, target: string): Promise<void> {
  await lab.page.selectOption("#train-dataset", name);
  await lab.page.waitForFunction(
    (t) => (document.getElementById("train-target") as HTMLSelectElement).value === t,
    target,
  );
}

/** Presses Train and waits for the result; its score, or its error text. */
async function train(): Promise<{ state: string; score: number; text: string }> {
  await lab.page.click("#train-run");
  await lab.page.waitForSelector("#train-result[data-state='done'], #train-result[data-state='error']", {
    timeout: 60_000,
  });
  return {
    state: (await lab.page.getAttribute("#train-result", "data-state")) ?? "",
    score: Number(await lab.page.getAttribute("#train-result", "data-score")),
    text: (await lab.page.textContent("#train-result")) ?? "",
  };
}

describe("the Train tab's defaults", () => {
  it.each([
    ["diabetes", "progression", 0.45],
    ["breast_cancer", "benign", 0.9],
    ["iris", "species", 0.9],
  ])("%s with the default form trains to a sensible score", async (name, target, least) => {
    await pick(name, target);
    // The form as the page sets it: Adam, rate 0.01, batch 32, 200 epochs, standardised features.
    expect(await lab.page.inputValue("#train-lr")).toBe("0.01");
    expect(await lab.page.inputValue("#train-batch")).toBe("32");
    const r = await train();
    expect(r.state).toBe("done");
    expect(r.score).toBeGreaterThanOrEqual(least);
    if (name === "diabetes") expect(r.text).toMatch(/standardised for training \(mean 152\.1, std 77\.0\d\)/);
    expect(lab.errors).toEqual([]);
  });
});

describe("large uploads", () => {
  it("a 120,000-row regression file trains, keeps its score and download, and plots 5,000 sampled rows", async () => {
    const lines = ["a,b,when,y"];
    for (let i = 0; i < 120_000; i++) {
      const a = (i % 997) / 997;
      const b = ((i * 7) % 101) / 101;
      lines.push(`${a},${b},2024-01-${String(1 + (i % 28)).padStart(2, "0")},${3 * a - 2 * b + ((i * 13) % 17) / 170}`);
    }
    await lab.page.setInputFiles("#train-file", {
      name: "big.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`${lines.join("\n")}\n`),
    });
    await lab.page.waitForFunction(() =>
      /120000 rows/.test(document.getElementById("train-result")?.textContent ?? ""),
    );
    await lab.page.fill("#train-epochs", "3");
    // A numeric target of many values: the model switches to linear regression by itself.
    expect(await lab.page.inputValue("#train-model")).toBe("linear");
    const r = await train();
    expect(r.state).toBe("done");
    expect(r.score).toBeGreaterThan(0.9);
    expect(await lab.page.isVisible("#train-download")).toBe(true);
    expect(await lab.page.getAttribute("#train-diagnostic", "data-points")).toBe("5000");
    expect(await lab.page.getAttribute("#train-diagnostic", "data-rows")).toBe("120000");
    expect(await lab.page.textContent("#train-diagnostic .gtitle")).toMatch(/5,000 of 120,000 training rows, sampled/);
    expect(lab.errors).toEqual([]);
    await lab.page.fill("#train-epochs", "200");
  }, 120_000);
});

describe("state and slips", () => {
  it("changing the dataset clears the last one's charts, result, download, rate and finder", async () => {
    await pick("diabetes", "progression");
    await lab.page.fill("#train-lr", "0.05");
    await lab.page.click("#train-lrfind");
    await lab.page.waitForSelector("#train-lr-plot[data-state='done']", { timeout: 30_000 });
    const r = await train();
    expect(r.state).toBe("done");
    await pick("iris", "species");
    expect(await lab.page.inputValue("#train-lr")).toBe("0.01");
    expect(await lab.page.isHidden("#train-lr-plot")).toBe(true);
    expect(await lab.page.isHidden("#train-coef-plot")).toBe(true);
    expect(await lab.page.isHidden("#train-diagnostic")).toBe(true);
    expect(await lab.page.isHidden("#train-download")).toBe(true);
    expect(await lab.page.locator("#train-chart .main-svg").count()).toBe(0);
    expect(await lab.page.getAttribute("#train-result", "data-score")).toBeNull();
    expect(await lab.page.textContent("#train-lr-note")).toBe("");
  });

  it.each([
    ["#train-batch", "64a", /Batch \(a row count or 'full'\): '64a' is not a number/],
    ["#train-batch", "0", /Batch .*: 0 must be at least 1/],
    ["#train-epochs", "2.5", /Epochs: 2\.5 is not a whole number/],
  ])("%s = %s is an error naming the field, and nothing trains", async (field, value, message) => {
    await pick("iris", "species");
    await lab.page.fill(field, value);
    const r = await train();
    expect(r.state).toBe("error");
    expect(r.text).toMatch(message);
    await lab.page.fill("#train-batch", "32");
    await lab.page.fill("#train-epochs", "200");
  });

  it("a classifier asked for on a target of thousands of numbers is an error that says to pick linear", async () => {
    await pick("diabetes", "progression");
    await lab.page.selectOption("#train-model", "logistic");
    const r = await train();
    expect(r.state).toBe("error");
    expect(r.text).toMatch(
      /'progression' holds 214 distinct values: a classifier needs a few classes; pick the linear model for a numeric target/,
    );
  });

  it("a rate the number field refuses is an error, not the default", async () => {
    await pick("iris", "species");
    await lab.page.fill("#train-lr", "-1");
    const r = await train();
    expect(r.text).toMatch(/Learning rate: -1 must be above 0/);
    await lab.page.fill("#train-lr", "0.01");
  });

  it("the finder's range can be changed, and its log axis labels every tick in full", async () => {
    await pick("diabetes", "progression");
    await lab.page.fill("#train-lr-min", "1e-4");
    await lab.page.fill("#train-lr-max", "1");
    await lab.page.click("#train-lrfind");
    await lab.page.waitForSelector("#train-lr-plot[data-state='done']", { timeout: 30_000 });
    const xs = await lab.page.$$eval("#train-lr-plot .xtick text", (ts) => ts.map((t) => t.textContent ?? ""));
    const values = xs.map(Number);
    expect(values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    // Labels rise left to right (no bare "5" after a "1" that means 10), within the range asked for.
    for (let i = 1; i < values.length; i++) expect(values[i] as number).toBeGreaterThan(values[i - 1] as number);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1e-4 / 10);
    expect(Math.max(...values)).toBeLessThanOrEqual(10);
    await lab.page.fill("#train-lr-min", "1");
    await lab.page.fill("#train-lr-max", "0.1");
    await lab.page.click("#train-lrfind");
    await lab.page.waitForSelector("#train-lr-plot[data-state='error']");
    expect(await lab.page.textContent("#train-lr-note")).toMatch(/Range test: to: 0\.1 must be above 1/);
    await lab.page.fill("#train-lr-min", "1e-7");
    await lab.page.fill("#train-lr-max", "10");
  });

  it("the confusion matrix is light where few rows fall and dark on a good model's diagonal", async () => {
    await pick("iris", "species");
    const r = await train();
    expect(r.state).toBe("done");
    const scale = await lab.page.evaluate(() => {
      const el = document.getElementById("train-diagnostic") as unknown as { data: Array<{ colorscale: unknown }> };
      return el.data[0]?.colorscale as Array<[number, string]>;
    });
    const lightness = (hex: string) =>
      [1, 3, 5].reduce((t, i) => t + Number.parseInt(hex.slice(i, i + 2), 16), 0) / (3 * 255);
    expect(lightness(scale[0]?.[1] as string)).toBeGreaterThan(0.9);
    expect(lightness(scale[scale.length - 1]?.[1] as string)).toBeLessThan(0.5);
  });

  it("30 coefficients are drawn as horizontal bars with every name, the legend clear of the axis title", async () => {
    await pick("breast_cancer", "benign");
    const r = await train();
    expect(r.state).toBe("done");
    expect(await lab.page.getAttribute("#train-coef-plot", "data-orientation")).toBe("h");
    const names = await lab.page.$$eval("#train-coef-plot .ytick text", (ts) => ts.map((t) => t.textContent ?? ""));
    expect(names.length).toBe(30);
    expect(lab.errors).toEqual([]);
  });
});
