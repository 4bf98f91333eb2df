import cliProgress from "cli-progress";
import type { EpochInfo } from "../train/history.js";

/** Reports training progress: a bar on a terminal, a few plain lines otherwise, nothing when quiet. */
export interface ProgressReporter {
  update(info: EpochInfo): void;
  /**
   * Within an epoch (after `done` whole epochs): the epoch's running objective so far. The bar
   * shows it; plain lines wait for the epoch's end.
   */
  running(done: number, loss: number, learningRate: number): void;
  stop(): void;
}

function fmt(v: number): string {
  // NaN is "no such number" (an L-BFGS iteration has no learning rate), shown as "-".
  return Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : Number.isNaN(v) ? "-" : String(v);
}

/** The epoch's validation score as "  validation v", or nothing when it has none. */
function validation(info: EpochInfo): string {
  return info.valScore === undefined ? "" : `  validation ${fmt(info.valScore)}`;
}

/** A reporter on stderr for `total` epochs. */
export function progressReporter(total: number, mode: "bar" | "lines" | "quiet"): ProgressReporter {
  if (mode === "quiet") return { update: () => undefined, running: () => undefined, stop: () => undefined };
  if (mode === "lines") {
    const every = Math.max(1, Math.ceil(total / 20));
    return {
      update(info) {
        if (info.epoch % every === 0 || info.epoch === 1) {
          process.stderr.write(
            `epoch ${info.epoch}/${total}  objective ${fmt(info.loss)}${validation(info)}  rate ${fmt(info.learningRate)}\n`,
          );
        }
      },
      running: () => undefined,
      stop: () => undefined,
    };
  }
  // Started on the first epoch, so a fit that fails while reading its input draws no bar.
  let bar: cliProgress.SingleBar | null = null;
  const reporter: ProgressReporter = {
    running(done, loss, learningRate) {
      reporter.update({ epoch: done, loss, gradNorm: Number.NaN, learningRate, ms: 0 });
      bar?.update(done, { loss: `${fmt(loss)} (this epoch so far)` });
    },
    update(info) {
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            format: "epoch {value}/{total} [{bar}] objective {loss}{validation}  rate {rate}",
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { loss: "-", validation: "", rate: "-" });
      }
      bar.update(info.epoch, { loss: fmt(info.loss), validation: validation(info), rate: fmt(info.learningRate) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
  return reporter;
}
