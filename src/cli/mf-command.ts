import { readFile, writeFile } from "node:fs/promises";
import { stringify } from "csv-stringify/sync";
import type { BackendName } from "../backend/create-backend.js";
import { DescentError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { numberCell, parseCsv } from "../io/csv.js";
import { idColumn, idFromText } from "../io/id-column.js";
import { lossPlotSvg } from "../io/loss-svg.js";
import type { DType } from "../matrix.js";
import {
  type Id,
  MatrixFactorization,
  type MatrixFactorizationOptions,
  type RatingTriples,
} from "../models/matrix-factorization.js";
import { progressReporter } from "./progress.js";
import { checkValidationFraction, isValidationRow } from "./validation-rows.js";

/** Format tag of a matrix-factorisation model file written by the CLI. */
export const MF_BUNDLE_FORMAT = "descent-cli-mf";

/** Flags of `descent fit --model mf`. */
export interface MfFitFlags {
  target: string;
  user?: string;
  item?: string;
  factors?: number;
  epochs?: number;
  lr?: number;
  regularization?: number;
  seed?: number;
  backend?: string;
  dtype?: DType;
  threads?: number;
  /** Fraction of the rows held out (seeded by position) and scored after every epoch. */
  validation?: number;
  plot?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** What a matrix-factorisation fit reports. */
export interface MfFitReport {
  file: string;
  model: "MatrixFactorization";
  rows: number;
  users: number;
  items: number;
  /** Training RMSE at the end (on the rows trained on). */
  rmse: number;
  /** Held-out rows and their RMSE at the end (with --validation). */
  validationRows?: number;
  validationRmse?: number;
  epochs: number;
  seconds: number;
  out?: string;
  plot?: string;
}

/** (user, item, rating) columns of a CSV (in memory): ids stay strings unless every id of a column is a number. */
async function readTriples(file: string, userCol: string, itemCol: string, ratingCol: string | null) {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new DescentError("E_FORMAT", `cannot read '${file}': no such file`);
  }
  const { header, rows } = parseCsv(text);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new DescentError("E_FORMAT", `the CSV has no column '${name}' (columns: ${header.join(", ")})`);
    return i;
  };
  const ui = col(userCol);
  const ii = col(itemCol);
  const ri = ratingCol === null ? -1 : header.indexOf(ratingCol);
  const ids = (i: number): Id[] => idColumn(rows.map((r) => r[i] as string));
  const ratings = ri < 0 ? null : rows.map((r, line) => numberCell(r[ri] as string, line + 2, ratingCol as string));
  return { users: ids(ui), items: ids(ii), ratings };
}

/** The ratings of a CSV's --user, --item and --target columns (E_FORMAT when the target column is missing). */
export async function readRatings(
  file: string,
  f: Pick<MfFitFlags, "user" | "item" | "target">,
): Promise<{ users: Id[]; items: Id[]; ratings: number[] }> {
  const t = await readTriples(file, f.user ?? "user", f.item ?? "item", f.target);
  if (t.ratings === null) throw new DescentError("E_FORMAT", `the CSV has no rating column '${f.target}'`);
  return { users: t.users, items: t.items, ratings: t.ratings };
}

/** The model options of the matrix-factorisation flags the user gave (the library fills the rest). */
export function mfModelOptions(
  f: Pick<MfFitFlags, "factors" | "lr" | "regularization" | "seed" | "backend" | "dtype" | "threads">,
): MatrixFactorizationOptions {
  return {
    ...(f.factors === undefined ? {} : { factors: f.factors }),
    ...(f.lr === undefined ? {} : { learningRate: f.lr }),
    ...(f.regularization === undefined ? {} : { regularization: f.regularization }),
    ...(f.seed === undefined ? {} : { seed: f.seed }),
    ...(f.backend === undefined ? {} : { backend: f.backend as BackendName }),
    ...(f.dtype === undefined ? {} : { dtype: f.dtype }),
    ...(f.threads === undefined ? {} : { threads: f.threads }),
  };
}

/** `descent fit --model mf`: trains on a ratings CSV (in memory) and writes the model file. */
export async function runFitMf(file: string, f: MfFitFlags, tty: boolean): Promise<MfFitReport> {
  const started = performance.now();
  checkValidationFraction(f.validation);
  const userCol = f.user ?? "user";
  const itemCol = f.item ?? "item";
  const epochs = f.epochs ?? 20;
  const progress = progressReporter(epochs, f.json || f.quiet ? "quiet" : tty ? "bar" : "lines");
  const all = await readRatings(file, f);
  const { train, validation } = splitRows(all, f.seed ?? 0, f.validation);
  const { users, items, ratings } = train;
  if (ratings.length === 0)
    throw new DescentError("E_EMPTY", "no training rows left after holding out --validation rows");
  const model = new MatrixFactorization({
    ...mfModelOptions(f),
    epochs,
    ...(validation === null ? {} : { validationData: validation }),
    onEpoch: (info) => {
      progress.update(info);
      return undefined;
    },
  });
  try {
    await model.fit(users, items, ratings);
  } finally {
    progress.stop();
  }
  const report: MfFitReport = {
    file,
    model: "MatrixFactorization",
    rows: ratings.length,
    users: new Set(users).size,
    items: new Set(items).size,
    rmse: model.score(users, items, ratings),
    epochs: model.nEpochs,
    seconds: (performance.now() - started) / 1000,
  };
  if (validation !== null) {
    report.validationRows = validation.ratings.length;
    report.validationRmse = model.history.valScore?.at(-1);
  }
  if (f.plot !== undefined) {
    const valRmse = model.history.valScore;
    const svg = lossPlotSvg(
      `MatrixFactorization on ${file.split("/").pop() ?? file}`,
      { name: "training RMSE (during the epoch)", values: model.history.loss.map(Math.sqrt), color: "#2563eb" },
      valRmse === undefined ? null : { name: "validation RMSE", values: valRmse, color: "#ea580c" },
    );
    await writeFile(f.plot, svg);
    report.plot = f.plot;
  }
  if (f.out !== undefined) {
    const bundle = {
      format: MF_BUNDLE_FORMAT,
      version: 1,
      user: userCol,
      item: itemCol,
      target: f.target,
      model: model.toJSON(),
    };
    await writeFileAtomic(f.out, `${JSON.stringify(bundle)}\n`);
    report.out = f.out;
  }
  return report;
}

/** The rows split by --validation (none held out without it), in file order. */
function splitRows(
  t: { users: Id[]; items: Id[]; ratings: number[] },
  seed: number,
  fraction: number | undefined,
): { train: { users: Id[]; items: Id[]; ratings: number[] }; validation: RatingTriples | null } {
  if (fraction === undefined) return { train: t, validation: null };
  const train = { users: [] as Id[], items: [] as Id[], ratings: [] as number[] };
  const val = { users: [] as Id[], items: [] as Id[], ratings: [] as number[] };
  for (let i = 0; i < t.ratings.length; i++) {
    const to = isValidationRow(i, seed, fraction) ? val : train;
    to.users.push(t.users[i] as Id);
    to.items.push(t.items[i] as Id);
    to.ratings.push(t.ratings[i] as number);
  }
  if (val.ratings.length === 0)
    throw new DescentError("E_EMPTY", `--validation ${fraction} holds out no row of ${t.ratings.length}`);
  return { train, validation: val };
}

/** `descent predict` for a matrix-factorisation model file: one predicted rating per CSV row. */
export async function runPredictMf(
  bundle: Record<string, unknown>,
  file: string,
): Promise<{ predictions: Float64Array; rmse?: number }> {
  const model = MatrixFactorization.fromJSON(bundle.model);
  const { users, items, ratings } = await readTriples(
    file,
    String(bundle.user),
    String(bundle.item),
    String(bundle.target),
  );
  const predictions = model.predict(users, items);
  return ratings === null ? { predictions } : { predictions, rmse: model.score(users, items, ratings) };
}

/** One user's top items, as `descent recommend` prints them. */
export interface UserRecommendations {
  user: Id;
  /** False when the model never saw this user: the items are then ranked by mean + item bias. */
  known: boolean;
  items: Array<{ item: Id; score: number }>;
}

/**
 * `descent recommend`: the k best unseen items of each user named on the command line. Ids are
 * matched as the model stores them: a numeric argument names a numeric id when the model's user ids
 * are numbers.
 */
export function runRecommendMf(bundle: Record<string, unknown>, users: string[], k: number): UserRecommendations[] {
  if (bundle.format !== MF_BUNDLE_FORMAT)
    throw new DescentError("E_FORMAT", "recommend needs a matrix-factorisation model (descent fit --model mf --out)");
  const model = MatrixFactorization.fromJSON(bundle.model);
  const stored = (bundle.model as { users: Id[] }).users;
  const numeric = stored.length > 0 && stored.every((u) => typeof u === "number");
  const known = new Set<Id>(stored);
  return users.map((raw) => {
    const user = idFromText(raw, numeric);
    return { user, known: known.has(user), items: model.recommend(user, k) };
  });
}

/** Recommendations as CSV (user, rank, item, score), best first; ids quoted where CSV needs it. */
export function formatRecommendations(rs: readonly UserRecommendations[]): string {
  const rows: Array<Array<Id | number>> = [["user", "rank", "item", "score"]];
  for (const r of rs) {
    for (const [i, it] of r.items.entries()) rows.push([r.user, i + 1, it.item, it.score]);
  }
  return stringify(rows);
}

/** The human summary of a matrix-factorisation fit. */
export function formatMfReport(r: MfFitReport): string {
  return [
    `MatrixFactorization on ${r.file}: ${r.rows} ratings, ${r.users} users × ${r.items} items`,
    `training RMSE ${r.rmse.toFixed(6)}${r.validationRmse === undefined ? "" : `  validation RMSE ${r.validationRmse.toFixed(6)} (${r.validationRows} rows)`}  epochs ${r.epochs}  time ${r.seconds.toFixed(2)} s`,
    ...(r.out ? [`model written to ${r.out}`] : []),
    ...(r.plot ? [`loss plot written to ${r.plot}`] : []),
  ].join("\n");
}
