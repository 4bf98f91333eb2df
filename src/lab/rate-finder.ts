// The lab's learning-rate finder widget: a button that runs findLearningRate on what a panel's form
// describes, the loss against the rate on a log axis with the suggestion marked, a short reading
// of the curve, and "Use this rate", which puts the suggestion in the form's rate field.
import type { LearningRateCurve } from "../tuning/range-test.js";
import { lineChart, markX } from "./charts.js";
import { byId, readNumber } from "./dom.js";

/** The rates a range test sweeps. */
export interface RateRange {
  min: number;
  max: number;
}

/**
 * The ids of a finder's elements: `${prefix}-lrfind`, `-lr-use`, `-lr-plot`, `-lr-note`, and the
 * sweep's range `-lr-min`, `-lr-max` (passed to `run`).
 */
export function setupRateFinder(
  prefix: string,
  rateInput: HTMLInputElement,
  lossName: string,
  run: (range: RateRange) => Promise<LearningRateCurve>,
): void {
  const minInput = byId(`${prefix}-lr-min`, HTMLInputElement);
  const maxInput = byId(`${prefix}-lr-max`, HTMLInputElement);
  const plot = byId(`${prefix}-lr-plot`, HTMLDivElement);
  const note = byId(`${prefix}-lr-note`, HTMLParagraphElement);
  const use = byId(`${prefix}-lr-use`, HTMLButtonElement);
  use.addEventListener("click", () => {
    const v = use.dataset.rate;
    if (v !== undefined) rateInput.value = v;
  });
  byId(`${prefix}-lrfind`, HTMLButtonElement).addEventListener("click", async () => {
    plot.dataset.state = "running";
    try {
      const min = readNumber(minInput, "Range test: from", { above: 0 });
      const max = readNumber(maxInput, "Range test: to", { above: min });
      const curve = await run({ min, max });
      const mark = markX(curve.suggestion, `suggested ${curve.suggestion.toPrecision(2)}`);
      plot.hidden = false;
      await lineChart(
        plot,
        "learning-rate range test",
        [
          { name: "loss after the step", x: curve.rates, y: curve.losses, color: "#93c5fd" },
          { name: "smoothed", x: curve.rates, y: curve.smoothed, color: "#1d4ed8" },
        ],
        {
          x: "learning rate",
          y: lossName,
          logX: true,
          logY: "auto",
          shapes: [mark.shape],
          annotations: [mark.annotation],
        },
      );
      const rate = Number(curve.suggestion.toPrecision(3));
      use.dataset.rate = String(rate);
      use.disabled = false;
      use.textContent = `Use this rate (${rate})`;
      plot.dataset.suggestion = String(curve.suggestion);
      plot.dataset.state = "done";
      note.textContent =
        `The loss is lowest near η = ${curve.minimumRate.toPrecision(2)} and the sweep ended ${curve.stopReason === "completed" ? "at the last rate (raise the range if the loss was still falling)" : "when the loss blew up"}. ` +
        "The suggestion is a tenth of the rate at the lowest point: fast, yet an order of magnitude below where the loss turns up.";
    } catch (err) {
      plot.dataset.state = "error";
      note.textContent = `cannot run the range test: ${(err as Error).message}`;
    }
  });
}
