#!/usr/bin/env node
// The `descent` command.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { formatLadder, type LadderLoss, runGradientLadder } from "../bench/gradient-ladder.js";
import { DescentError } from "../errors.js";
import { OPTIMIZER_NAMES } from "../optim/optimizer-spec.js";
import { SCHEDULE_NAMES } from "../optim/schedules.js";
import { DEFAULT_MAX_CATEGORIES } from "../preprocess/column-plan.js";
import { runWorker } from "../worker/shard-worker.js";
import { startDemoServer } from "./demo-server.js";
import { formatDemoTable, runDiabetesDemo } from "./diabetes-demo.js";
import { runExport } from "./export-command.js";
import { type FitFlags, runFit } from "./fit-command.js";
import { formatFitReport } from "./fit-report.js";
import { formatLrFindReport, type LrFindFlags, runLrFind } from "./lr-find-command.js";
import { machineInfo } from "./machine-info.js";
import { relaunchUnderBudget } from "./memory-budget.js";
import {
  formatMfReport,
  formatRecommendations,
  MF_BUNDLE_FORMAT,
  type MfFitFlags,
  runFitMf,
  runPredictMf,
  runRecommendMf,
} from "./mf-command.js";
import { parseBundle, readModelFile } from "./model-bundle.js";
import { runPredict } from "./predict-command.js";
import { formatCvReport, formatTuneReport, runCv, runTune, type SelectFlags } from "./select-command.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

function number(name: string, check: (v: number) => boolean, range: string) {
  return (text: string): number => {
    const v = Number(text);
    if (text.trim() === "" || !Number.isFinite(v) || !check(v))
      throw new InvalidArgumentError(`${name} must be ${range}.`);
    return v;
  };
}
const positive = (name: string) => number(name, (v) => v > 0, "a number > 0");
const nonNegative = (name: string) => number(name, (v) => v >= 0, "a number >= 0");
const count = (name: string) => number(name, (v) => Number.isInteger(v) && v >= 1, "a whole number >= 1");
const integer = (name: string) => number(name, Number.isSafeInteger, "a whole number");
const list = (text: string, prev: string[] = []): string[] => [
  ...prev,
  ...text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Prints one clear line for a failure and sets a non-zero exit code. */
function report(err: unknown): void {
  const msg = err instanceof DescentError ? err.message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`descent: ${msg}\n`);
  process.exitCode = err instanceof DescentError && err.code === "E_OPTION" ? 2 : 1;
}

/** `descent fit` flags (option key, flag) that only the linear models take. */
const LINEAR_ONLY_FLAGS: ReadonlyArray<[string, string]> = [
  ["loss", "--loss"],
  ["optimizer", "--optimizer"],
  ["schedule", "--schedule"],
  ["batchSize", "--batch-size"],
  ["penalty", "--penalty"],
  ["alpha", "--alpha"],
  ["l1Ratio", "--l1-ratio"],
  ["average", "--average"],
  ["epsilon", "--epsilon"],
  ["scale", "--scale"],
  ["shuffle", "--shuffle"],
  ["earlyStopping", "--early-stopping"],
  ["drop", "--drop"],
  ["categorical", "--categorical"],
  ["numeric", "--numeric"],
  ["impute", "--impute"],
  ["maxCategories", "--max-categories"],
  ["missing", "--missing"],
  ["memory", "--memory"],
  ["shuffleBuffer", "--shuffle-buffer"],
  ["checkpoint", "--checkpoint"],
  ["every", "--every"],
  ["resume", "--resume"],
];

/** `descent fit` flags (option key, flag) that the MLPs do not take. */
const NOT_MLP_FLAGS: ReadonlyArray<[string, string]> = [
  ["loss", "--loss"],
  ["penalty", "--penalty"],
  ["l1Ratio", "--l1-ratio"],
  ["average", "--average"],
  ["epsilon", "--epsilon"],
  ["threads", "--threads"],
];

/** `descent fit` flags (option key, flag) that only the MLPs take. */
const MLP_ONLY_FLAGS: ReadonlyArray<[string, string]> = [
  ["hidden", "--hidden"],
  ["activation", "--activation"],
];

/** `descent fit` flags (option key, flag) that only `--model mf` takes. */
const MF_ONLY_FLAGS: ReadonlyArray<[string, string]> = [
  ["user", "--user"],
  ["item", "--item"],
  ["factors", "--factors"],
  ["regularization", "--regularization"],
];

/** Flags of another model family given on the command line are refused (E_OPTION), not ignored. */
function refuseForeignFlags(model: string, cmd: Command): void {
  const mlp = model === "mlp" || model === "mlp-regressor";
  const foreign =
    model === "mf"
      ? [...LINEAR_ONLY_FLAGS, ...MLP_ONLY_FLAGS]
      : mlp
        ? [...MF_ONLY_FLAGS, ...NOT_MLP_FLAGS]
        : [...MF_ONLY_FLAGS, ...MLP_ONLY_FLAGS];
  for (const [key, flag] of foreign) {
    if (cmd.getOptionValueSource(key) === "cli")
      throw new DescentError("E_OPTION", `${flag} does not apply to --model ${model}`);
  }
}

/** The column flags of descent fit, cv and tune: which columns to drop, one-hot, read as numbers, how to fill. */
function columnOptions(cmd: Command): Command {
  return cmd
    .option("--drop <columns>", "comma-separated columns to ignore", list)
    .option("--categorical <columns>", "comma-separated columns to one-hot encode whatever they hold", list)
    .option("--numeric <columns>", "comma-separated columns to read as numbers (a text cell is an error)", list)
    .addOption(
      new Option("--impute <how>", "fill missing feature cells (default median), or drop their rows").choices([
        "median",
        "mean",
        "mostFrequent",
        "drop-rows",
      ]),
    )
    .option(
      "--max-categories <n>",
      `one-hot columns per text column at most; rarer categories share one 'infrequent' column (default ${DEFAULT_MAX_CATEGORIES})`,
      count("--max-categories"),
    )
    .option(
      "--missing <texts>",
      "comma-separated cell texts read as missing (default: empty, NA, NaN, null, N/A)",
      list,
    );
}

/** The model flags descent lr-find, cv and tune take as descent fit does: network shape, loss, optimizer. */
/** --solver of the MLPs: scikit-learn's names. */
function solverOption(): Option {
  return new Option("--solver <name>", "mlp: scikit-learn's solver (lbfgs: full-batch L-BFGS, for small data)").choices(
    ["sgd", "adam", "lbfgs"],
  );
}

function modelShapeOptions(cmd: Command): Command {
  return cmd
    .option("--hidden <sizes>", "mlp: hidden layer sizes, e.g. 64,32 (default 100)")
    .addOption(
      new Option("--activation <name>", "mlp: hidden activation").choices(["relu", "tanh", "logistic", "identity"]),
    )
    .addOption(solverOption())
    .option("--loss <loss>", "as for descent fit")
    .option("--epsilon <e>", "as for descent fit", nonNegative("--epsilon"))
    .addOption(new Option("--optimizer <name>", "update rule").choices(OPTIMIZER_NAMES));
}

const program = new Command()
  .name("descent")
  .description("Train linear models and neural networks by gradient descent (WebAssembly SIMD kernels)")
  .version(pkg.version)
  .showHelpAfterError("(run with --help for usage)")
  // Usage errors (an unknown option, a value outside its choices) exit with 2 like every other
  // bad option, instead of commander's own exit code 1.
  .exitOverride();

columnOptions(program.command("fit"))
  .description("train a model on a CSV file with a header row")
  .argument("<data.csv>", "training data")
  .requiredOption(
    "--target <column>",
    "the column to predict; with --model mlp-regressor or mlp, several separated by commas (multi-output, multi-label)",
  )
  .addOption(
    new Option("--model <kind>", "model (mf: matrix factorisation of a ratings CSV)")
      .choices(["linear", "logistic", "svm", "mlp", "mlp-regressor", "mf"])
      .default("linear"),
  )
  .option("--hidden <sizes>", "mlp: hidden layer sizes, e.g. 64,32 (default 100)")
  .addOption(
    new Option("--activation <name>", "mlp: hidden activation").choices(["relu", "tanh", "logistic", "identity"]),
  )
  .addOption(solverOption())
  .option("--user <column>", "mf: the user id column", "user")
  .option("--item <column>", "mf: the item id column", "item")
  .option("--factors <n>", "mf: latent factors", count("--factors"))
  .option("--regularization <r>", "mf: L2 regularisation", nonNegative("--regularization"))
  .option(
    "--loss <loss>",
    "linear: squared|huber|epsilonInsensitive|squaredEpsilonInsensitive; svm: hinge|squaredHinge|modifiedHuber|perceptron",
  )
  .option(
    "--epsilon <e>",
    "linear: Huber's threshold or the epsilon-insensitive tube's half-width",
    nonNegative("--epsilon"),
  )
  .addOption(new Option("--optimizer <name>", "update rule").choices(OPTIMIZER_NAMES))
  .option("--lr <rate>", "learning rate", positive("--lr"))
  .addOption(new Option("--schedule <name>", "learning-rate schedule").choices(SCHEDULE_NAMES))
  .option("--batch-size <n|full>", "rows per step (1 = stochastic, full = batch)")
  .option(
    "--epochs <n>",
    "maximum passes over the data (streaming: exactly this many; default 10 there)",
    count("--epochs"),
  )
  .addOption(new Option("--penalty <name>", "regulariser").choices(["l2", "l1", "elasticnet", "none"]))
  .option("--alpha <a>", "regularisation strength", nonNegative("--alpha"))
  .option("--l1-ratio <r>", "share of L1 in the elasticnet penalty, in [0, 1]", nonNegative("--l1-ratio"))
  .option("--average <true|k>", "averaged SGD (optimizer sgd): from the first step, or from step k")
  .addOption(new Option("--scale <how>", "feature scaling").choices(["standard", "none"]).default("standard"))
  .option("--seed <n>", "seed of shuffling and the validation split", integer("--seed"))
  .addOption(
    new Option("--shuffle <mode>", "row order: reshuffle every epoch, shuffle once when staged, or as given").choices([
      "true",
      "once",
      "false",
    ]),
  )
  .addOption(new Option("--backend <name>", "kernels").choices(["wasm", "wasm-simd", "wasm-scalar", "js"]))
  .addOption(new Option("--dtype <type>", "element type").choices(["float64", "float32"]))
  .option(
    "--threads <n>",
    "worker threads (large gradients; --model mf: k rounds of k rating blocks)",
    count("--threads"),
  )
  .option("--validation <fraction>", "hold out this fraction of rows and report their score", positive("--validation"))
  .option("--early-stopping", "stop when the validation score stops improving (in memory only)")
  .option("--memory <size>", "memory budget, e.g. 512MB; larger files are streamed through partialFit")
  .option(
    "--shuffle-buffer <rows>",
    "streaming: rows shuffled together in memory (default: what a quarter of --memory holds)",
    count("--shuffle-buffer"),
  )
  .option("--out <model.json>", "write the model (with its scaler and labels) here")
  .option(
    "--checkpoint <ck.json>",
    "train epoch by epoch, writing the whole state here (atomically) every --every epochs",
  )
  .option("--every <n>", "epochs between checkpoints (default 1)", count("--every"))
  .option("--resume <ck.json>", "continue from a checkpoint, to the same bits as a run never interrupted")
  .option("--plot <loss.svg>", "write the loss (and validation) curve as SVG")
  .option("--json", "print the result as JSON")
  .option("--quiet", "no progress output")
  .action(
    async (
      file: string,
      flags: Omit<FitFlags, "model"> & MfFitFlags & { model: FitFlags["model"] | "mf" },
      cmd: Command,
    ) => {
      try {
        refuseForeignFlags(flags.model, cmd);
        if (flags.model === "mf") {
          const r = await runFitMf(file, flags, Boolean(process.stderr.isTTY));
          process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatMfReport(r)}\n`);
          return;
        }
        const r = await runFit(file, { ...flags, model: flags.model }, Boolean(process.stderr.isTTY));
        process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatFitReport(r)}\n`);
      } catch (err) {
        report(err);
      }
    },
  );

modelShapeOptions(program.command("lr-find"))
  .description("learning-rate range test: sweep the rate up exponentially for one short pass and suggest one")
  .argument("<data.csv>", "training data (CSV, Parquet or Arrow)")
  .requiredOption("--target <column>", "the column to predict")
  .addOption(
    new Option("--model <kind>", "model (mf: matrix factorisation of a ratings CSV)")
      .choices(["linear", "logistic", "svm", "mlp", "mlp-regressor", "mf"])
      .default("linear"),
  )
  .option("--user <column>", "mf: the user id column", "user")
  .option("--item <column>", "mf: the item id column", "item")
  .option("--factors <n>", "mf: latent factors", count("--factors"))
  .option("--regularization <r>", "mf: L2 regularisation", nonNegative("--regularization"))
  .option("--batch-size <n|full>", "rows per step (the sweep takes one step per batch)")
  .addOption(new Option("--penalty <name>", "regulariser").choices(["l2", "l1", "elasticnet", "none"]))
  .option("--alpha <a>", "regularisation strength", nonNegative("--alpha"))
  .option("--l1-ratio <r>", "share of L1 in the elasticnet penalty, in [0, 1]", nonNegative("--l1-ratio"))
  .addOption(new Option("--scale <how>", "feature scaling").choices(["standard", "none"]).default("standard"))
  .option("--drop <columns>", "comma-separated columns to ignore", list)
  .option("--min <rate>", "first rate of the sweep (default 1e-7)", positive("--min"))
  .option("--max <rate>", "last rate of the sweep (default 10)", positive("--max"))
  .option("--steps <n>", "steps of the sweep (default 100)", count("--steps"))
  .option("--seed <n>", "seed of the row order and the model's initialisation", integer("--seed"))
  .addOption(new Option("--backend <name>", "kernels").choices(["wasm", "wasm-simd", "wasm-scalar", "js"]))
  .addOption(new Option("--dtype <type>", "element type").choices(["float64", "float32"]))
  .option("--plot <curve.svg>", "write the smoothed loss against the rate (log axis) as SVG, the suggestion marked")
  .option("--json", "print the result (with the whole curve) as JSON")
  .action(async (file: string, flags: LrFindFlags, cmd: Command) => {
    try {
      refuseForeignFlags(flags.model, cmd);
      const r = await runLrFind(file, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatLrFindReport(r)}\n`);
    } catch (err) {
      report(err);
    }
  });

/** The model flags `descent cv` and `descent tune` share with descent fit (in-memory ones). */
function selectionCommand(name: string, description: string): Command {
  return modelShapeOptions(columnOptions(program.command(name)))
    .description(description)
    .argument("<data.csv>", "training data (CSV, Parquet or Arrow), read whole")
    .requiredOption("--target <column>", "the column to predict")
    .addOption(
      new Option("--model <kind>", "model")
        .choices(["linear", "logistic", "svm", "mlp", "mlp-regressor"])
        .default("linear"),
    )
    .option(
      "--folds <n>",
      "folds: KFold for regressors, StratifiedKFold for classifiers, unshuffled (default 5)",
      count("--folds"),
    )
    .option("--scoring <names>", "scikit-learn scorer names, comma-separated (default r2 or accuracy)", list)
    .option(
      "--shuffle-folds",
      "shuffle the rows (seeded by --seed) before cutting the folds: for files sorted by class or time",
    )
    .option(
      "--time-series",
      "the rows are in time order: TimeSeriesSplit, each fold trained on the rows before its test rows",
    )
    .option("--lr <rate>", "learning rate", positive("--lr"))
    .addOption(new Option("--schedule <name>", "learning-rate schedule").choices(SCHEDULE_NAMES))
    .option("--batch-size <n|full>", "rows per step (1 = stochastic, full = batch)")
    .option("--epochs <n>", "maximum passes over the data", count("--epochs"))
    .addOption(new Option("--penalty <name>", "regulariser").choices(["l2", "l1", "elasticnet", "none"]))
    .option("--alpha <a>", "regularisation strength", nonNegative("--alpha"))
    .option("--l1-ratio <r>", "share of L1 in the elasticnet penalty, in [0, 1]", nonNegative("--l1-ratio"))
    .addOption(
      new Option("--scale <how>", "feature scaling (statistics of every row, shared by the folds)")
        .choices(["standard", "none"])
        .default("standard"),
    )
    .option("--seed <n>", "seed of shuffling", integer("--seed"))
    .addOption(new Option("--shuffle <mode>", "row order within each fit").choices(["true", "once", "false"]))
    .addOption(new Option("--backend <name>", "kernels").choices(["wasm", "wasm-simd", "wasm-scalar", "js"]))
    .addOption(new Option("--dtype <type>", "element type").choices(["float64", "float32"]))
    .option("--threads <n>", "worker threads of each fit's large gradients", count("--threads"))
    .option("--json", "print the result as JSON")
    .option("--quiet", "no progress output");
}

selectionCommand("cv", "cross-validate a model on a file: each fold's scores, their mean and spread").action(
  async (file: string, flags: SelectFlags) => {
    try {
      const r = await runCv(file, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatCvReport(r)}\n`);
    } catch (err) {
      report(err);
    }
  },
);

selectionCommand("tune", "grid search: cross-validate every combination of --grid values, best first")
  .option(
    "--grid <name=v1,v2>",
    "an option and its values (lr, alpha, l1-ratio, penalty, batch-size, epochs, ...); repeat",
    (v: string, prev: string[] = []) => [...prev, v],
  )
  .option("--out <best.json>", "refit the best on every row and write it (as descent fit --out)")
  .action(async (file: string, flags: SelectFlags) => {
    try {
      const r = await runTune(file, flags, Boolean(process.stderr.isTTY));
      process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `${formatTuneReport(r)}\n`);
    } catch (err) {
      report(err);
    }
  });

program
  .command("worker")
  .description(
    "serve one shard of rows for sharded training: gradient requests on stdin, answers on stdout (JSON lines)",
  )
  .argument("<shard>", "the shard's rows: .csv, .parquet or .arrow")
  .requiredOption("--target <column>", "the target column")
  .option("--classes <a,b>", "binary classification: the two labels, negative first (rows of b are +1)", list)
  .action(async (file: string, flags: { target: string; classes?: string[] }) => {
    try {
      await runWorker(file, flags);
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
      report(err);
    }
  });

program
  .command("export")
  .description(
    "write a model from `descent fit --out` as ONNX (its scaler folded in), for onnxruntime and other servers",
  )
  .argument("<model.json>", "model file")
  .requiredOption("--onnx <model.onnx>", "where to write the ONNX graph")
  .option("--float32", "a float32 graph (float64 by default)")
  .option("--json", "print a JSON summary")
  .action(async (modelPath: string, flags: { onnx: string; float32?: boolean; json?: boolean }) => {
    try {
      const r = await runExport(modelPath, flags.onnx, flags.float32 === true);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(r)}\n`
          : `${r.model} written to ${r.out} as ONNX (${r.dtype}, ${r.bytes} bytes${r.scaler ? ", scaler folded in" : ""})\n`,
      );
    } catch (err) {
      report(err);
    }
  });

program
  .command("predict")
  .description("predict with a model written by `descent fit --out`")
  .argument("<model.json>", "model file")
  .argument("<data.csv>", "rows to predict (columns by name; the target column is optional)")
  .option("--out <predictions.csv>", "write predictions here instead of stdout")
  .option("--proba", "add class probabilities (logistic, mlp, svm with loss modifiedHuber)")
  .option("--json", "print a JSON summary (rows, score) instead of the predictions")
  .action(async (modelPath: string, file: string, flags: { out?: string; proba?: boolean; json?: boolean }) => {
    try {
      const bundle = await readModelFile(modelPath);
      if (bundle.format === MF_BUNDLE_FORMAT) {
        if (flags.proba)
          throw new DescentError("E_OPTION", "--proba needs a logistic model (this one is MatrixFactorization)");
        const { predictions, rmse } = await runPredictMf(bundle, file);
        const text = `prediction\n${Array.from(predictions).join("\n")}\n`;
        if (flags.out !== undefined) await writeFile(flags.out, text);
        else if (!flags.json) process.stdout.write(text);
        if (flags.json) process.stdout.write(`${JSON.stringify({ rows: predictions.length, rmse })}\n`);
        else if (rmse !== undefined) process.stderr.write(`${predictions.length} ratings, RMSE ${rmse.toFixed(6)}\n`);
        return;
      }
      const r = await runPredict(parseBundle(bundle, modelPath), file, flags);
      if (flags.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else if (r.score !== undefined)
        process.stderr.write(`${r.rows} rows, ${r.scoreName === "r2" ? "R²" : "accuracy"} ${r.score.toFixed(6)}\n`);
    } catch (err) {
      report(err);
    }
  });

program
  .command("recommend")
  .description("the top unseen items of users, from a model written by `descent fit --model mf --out`")
  .argument("<model.json>", "matrix-factorisation model file")
  .argument("<user...>", "user ids")
  .option("--k <n>", "items per user", count("--k"), 10)
  .option("--json", "print JSON instead of CSV")
  .action(async (modelPath: string, users: string[], flags: { k: number; json?: boolean }) => {
    try {
      const rs = runRecommendMf(await readModelFile(modelPath), users, flags.k);
      for (const r of rs) {
        if (!r.known)
          process.stderr.write(`descent: user '${r.user}' was not seen at fit: items ranked by mean + item bias\n`);
      }
      process.stdout.write(flags.json ? `${JSON.stringify(rs)}\n` : formatRecommendations(rs));
    } catch (err) {
      report(err);
    }
  });

program
  .command("bench")
  .description("the JS-vs-WASM gradient ladder for your own problem size, as a table")
  .option("--n <rows>", "rows", count("--n"), 100_000)
  .option("--d <columns>", "columns", count("--d"), 32)
  .addOption(new Option("--dtype <type>", "element type").choices(["float64", "float32", "both"]).default("both"))
  .addOption(new Option("--loss <loss>", "loss").choices(["squared", "log", "hinge", "softmax"]).default("squared"))
  .option("--threads <n>", "workers of the threaded task", count("--threads"), 2)
  .option("--time <ms>", "measuring time per task", count("--time"), 500)
  .action(async (o: { n: number; d: number; dtype: string; loss: LadderLoss; threads: number; time: number }) => {
    try {
      const m = machineInfo();
      process.stdout.write(
        `${m.cpu}, ${m.cores} cores, Node ${m.node}; one full-batch ${o.loss} gradient over ${o.n} × ${o.d}\n\n`,
      );
      const dtypes = o.dtype === "both" ? (["float64", "float32"] as const) : ([o.dtype] as ["float64"] | ["float32"]);
      const results = await runGradientLadder([{ size: { n: o.n, d: o.d }, dtypes, losses: [o.loss] }], {
        timeMs: o.time,
        threads: o.threads,
      });
      process.stdout.write(`${formatLadder(results)}\n`);
      process.exit(0);
    } catch (err) {
      report(err);
    }
  });

program
  .command("demo")
  .description("serve the browser lab on 127.0.0.1 (cross-origin isolated, so threads work)")
  .option("--port <n>", "port (0 picks a free one)", integer("--port"), 8080)
  .action(async (o: { port: number }) => {
    try {
      const { url } = await startDemoServer(o.port);
      process.stdout.write(`descent lab at ${url} (Ctrl-C to stop)\n`);
    } catch (err) {
      report(err);
    }
  });

program
  .command("example")
  .description("train linear regression on the bundled diabetes data with the JS and WASM backends")
  .option(
    "--repeats <n>",
    "timed fits per backend and configuration, at least (fast fits get more)",
    count("--repeats"),
    5,
  )
  .action(async (opts: { repeats: number }) => {
    process.stdout.write(`${formatDemoTable(await runDiabetesDemo(opts.repeats))}\n`);
  });

const relaunched = await relaunchUnderBudget(process.argv);
if (relaunched !== null) process.exitCode = relaunched;
else
  try {
    await program.parseAsync();
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  }

// Every command but the lab's server is done here: exit once stdout and stderr are flushed rather
// than wait for Node's own shutdown, which can deadlock with a background compile waiting for a
// garbage collection (nodejs/node#54918; seen as an error printed and a process that never exited).
if (process.argv[2] !== "demo") {
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
