// The lab's Recommend panel: matrix factorisation on a seeded low-rank rating set (or the user's
// ratings CSV), a held-out share scored after every epoch, live train / held-out RMSE curves, and
// top-k recommendations for any user (next to the true rating when the data is synthetic).
import { syntheticRatings } from "../datasets/synthetic-ratings.js";
import { idColumn, idFromText } from "../io/id-column.js";
import { Prng } from "../kernels/prng.js";
import { type Id, MatrixFactorization } from "../models/matrix-factorization.js";
import type { EpochInfo } from "../train/history.js";
import { findLearningRate } from "../tuning/find-learning-rate.js";
import { fitMatrixFactorizationInWorker } from "../web/fit-mf-in-worker.js";
import { lineChart } from "./charts.js";
import { byId, numberOf, parseCsvText, showPairs } from "./dom.js";
import { setupRateFinder } from "./rate-finder.js";

/** Ratings to train on, and the noise-free rating of any cell when the data is synthetic. */
interface RatingSet {
  name: string;
  users: Id[];
  items: Id[];
  ratings: number[];
  expected: ((user: Id, item: Id) => number) | null;
}

const SYNTHETIC_NAME = "synthetic rank-5 ratings (1,000 users × 1,000 items, noise σ 0.1)";

/** The synthetic set the panel starts with: 1,000 × 1,000, rank 5, 100,000 ratings, noise σ 0.1. */
function syntheticSet(): RatingSet {
  const s = syntheticRatings({ users: 1000, items: 1000, rank: 5, observed: 100_000, noise: 0.1, seed: 1 });
  return {
    name: SYNTHETIC_NAME,
    users: s.users,
    items: s.items,
    ratings: s.ratings,
    expected: (u, i) => s.expected(Number(u), Number(i)),
  };
}

/**
 * (user, item, rating) from a CSV: the columns named user, item and rating when present, else the
 * first three. Ids stay strings unless every id of the column is a number.
 */
async function csvSet(file: File): Promise<RatingSet> {
  const { header, rows } = await parseCsvText(await file.text());
  const named = ["user", "item", "rating"].map((n) => header.findIndex((h) => h.toLowerCase() === n));
  const cols = named.every((c) => c >= 0) ? named : [0, 1, 2];
  if (header.length < 3) throw new Error(`the CSV needs user, item and rating columns (it has ${header.length})`);
  const ids = (c: number): Id[] => idColumn(rows.map((r) => r[c] ?? ""));
  const rc = cols[2] as number;
  const ratings = rows.map((r, line) => {
    const v = Number(r[rc]);
    if (r[rc] === undefined || r[rc] === "" || !Number.isFinite(v))
      throw new Error(`line ${line + 2}, column '${header[rc]}': '${r[rc] ?? ""}' is not a number`);
    return v;
  });
  return { name: file.name, users: ids(cols[0] as number), items: ids(cols[1] as number), ratings, expected: null };
}

/** Wires the Recommend panel. */
export function setupRecommendPanel(): void {
  const source = byId("recommend-data", HTMLSelectElement);
  const fileInput = byId("recommend-file", HTMLInputElement);
  const factors = byId("recommend-factors", HTMLInputElement);
  const epochs = byId("recommend-epochs", HTMLInputElement);
  const lr = byId("recommend-lr", HTMLInputElement);
  const reg = byId("recommend-reg", HTMLInputElement);
  const holdout = byId("recommend-holdout", HTMLInputElement);
  const threads = byId("recommend-threads", HTMLSelectElement);
  const inWorker = byId("recommend-worker", HTMLInputElement);
  const chart = byId("recommend-chart", HTMLDivElement);
  const result = byId("recommend-result", HTMLDListElement);
  const userInput = byId("recommend-user", HTMLInputElement);
  const list = byId("recommend-list", HTMLOListElement);
  const download = byId("recommend-download", HTMLAnchorElement);
  let data: RatingSet | null = null;
  let model: MatrixFactorization | null = null;
  /** The users the model was trained on (a user outside it gets no personal picks). */
  let trainedUsers: Set<Id> = new Set();

  const show = (pairs: Array<[string, string]>, bad = false): void => showPairs(result, pairs, bad);
  // null: the synthetic set, drawn when training starts rather than at page load.
  const use = (d: RatingSet | null): void => {
    data = d;
    model = null;
    list.replaceChildren();
    download.hidden = true;
    userInput.value = d === null ? "" : String(d.users[0] ?? "");
    show([["data", d === null ? SYNTHETIC_NAME : `${d.name}: ${d.ratings.length.toLocaleString("en")} ratings`]]);
  };
  source.addEventListener("change", () => {
    if (source.value === "file") fileInput.click();
    else use(null);
  });
  fileInput.addEventListener("change", async () => {
    const f = fileInput.files?.[0];
    if (f === undefined) return;
    try {
      use(await csvSet(f));
      source.value = "file";
    } catch (err) {
      show([["error", (err as Error).message]], true);
    }
  });

  /** One line in the list: a notice rather than an item. */
  const notice = (text: string): void => {
    const li = document.createElement("li");
    li.className = "notice";
    li.textContent = text;
    list.replaceChildren(li);
    list.dataset.notice = text;
  };
  const recommend = (): void => {
    delete list.dataset.notice;
    if (model === null || data === null) {
      notice("Train a model first: the top 10 come from its factors.");
      return;
    }
    const raw = userInput.value.trim();
    const user = idFromText(raw, typeof data.users[0] === "number");
    const expected = data.expected;
    list.dataset.user = raw;
    if (!trainedUsers.has(user)) {
      notice(
        `User '${raw}' has no ratings in the training share, so the model knows nothing of their taste: pick a user from the data (for example ${String(data.users[0])}).`,
      );
      return;
    }
    const top = model.recommend(user, 10);
    list.replaceChildren(
      ...top.map(({ item, score }) => {
        const li = document.createElement("li");
        li.dataset.score = String(score);
        const truth = expected === null ? Number.NaN : expected(user, item);
        li.textContent = `item ${item}: ${score.toFixed(3)}${Number.isFinite(truth) ? ` (true ${truth.toFixed(3)})` : ""}`;
        return li;
      }),
    );
  };
  byId("recommend-go", HTMLButtonElement).addEventListener("click", recommend);

  /** The ratings in a seeded order: a share held out (scored after every epoch) and the rest to train on. */
  const split = (d: RatingSet) => {
    const n = d.ratings.length;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    new Prng(0).shuffle(order);
    const fraction = Math.min(0.5, Math.max(0, numberOf(holdout, 10) / 100));
    const held = Math.floor(n * fraction);
    const pick = <T>(a: T[], from: number, to: number): T[] => Array.from(order.subarray(from, to), (i) => a[i] as T);
    const train = { users: pick(d.users, held, n), items: pick(d.items, held, n), ratings: pick(d.ratings, held, n) };
    const validationData =
      held > 0
        ? { users: pick(d.users, 0, held), items: pick(d.items, 0, held), ratings: pick(d.ratings, 0, held) }
        : undefined;
    return { train, validationData, held };
  };

  setupRateFinder("recommend", lr, "mean squared error", (range) => {
    const d = data ?? syntheticSet();
    if (data === null) use(d);
    const { train } = split(d);
    const model = new MatrixFactorization({
      factors: Math.max(1, Math.floor(numberOf(factors, 10))),
      regularization: numberOf(reg, 0.02),
      seed: 0,
    });
    return findLearningRate(model, train, range);
  });

  byId("recommend-run", HTMLButtonElement).addEventListener("click", async () => {
    const d = data ?? syntheticSet();
    if (data === null) use(d);
    result.dataset.state = "running";
    try {
      const { train, validationData, held } = split(d);
      const trainRmse: number[] = [];
      const heldRmse: number[] = [];
      let drawing: Promise<void> | null = null;
      const draw = (): void => {
        drawing ??= lineChart(
          chart,
          "root mean squared error by epoch",
          [
            { name: "training RMSE (during the epoch)", y: [...trainRmse], color: "#2563eb" },
            ...(heldRmse.length > 0 ? [{ name: "held-out RMSE", y: [...heldRmse], color: "#ea580c" }] : []),
          ],
          { x: "epoch", y: "RMSE", logY: "auto" },
        ).finally(() => {
          drawing = null;
        });
      };
      const onEpoch = (info: EpochInfo): undefined => {
        trainRmse.push(Math.sqrt(info.loss));
        if (info.valScore !== undefined) heldRmse.push(info.valScore);
        draw();
        return undefined;
      };
      const started = performance.now();
      const options = {
        factors: Math.max(1, Math.floor(numberOf(factors, 10))),
        epochs: Math.max(1, Math.floor(numberOf(epochs, 30))),
        learningRate: numberOf(lr, 0.02),
        regularization: numberOf(reg, 0.02),
        threads: Number(threads.value) || 1,
        seed: 0,
        ...(validationData === undefined ? {} : { validationData }),
      };
      const m = inWorker.checked
        ? await fitMatrixFactorizationInWorker(options, train.users, train.items, train.ratings, onEpoch)
        : await new MatrixFactorization({ ...options, onEpoch }).fit(train.users, train.items, train.ratings);
      const ms = performance.now() - started;
      model = m;
      trainedUsers = new Set(Array.from(train.users));
      await drawing;
      draw();
      await drawing;
      const heldScore = m.history.valScore?.at(-1);
      result.dataset.state = "done";
      result.dataset.heldRmse = String(heldScore ?? Number.NaN);
      show([
        ["ratings", `${train.ratings.length.toLocaleString("en")} to train, ${held.toLocaleString("en")} held out`],
        ["trained", inWorker.checked ? "in a Web Worker" : "on the page"],
        ["training RMSE", m.score(train.users, train.items, train.ratings).toFixed(4)],
        ["held-out RMSE", heldScore === undefined ? "-" : heldScore.toFixed(4)],
        ["epochs", String(m.nEpochs)],
        ["time", `${ms.toFixed(0)} ms (${((train.ratings.length * m.nEpochs) / ms / 1000).toFixed(1)} M ratings/s)`],
      ]);
      download.href = URL.createObjectURL(new Blob([JSON.stringify(m.toJSON())], { type: "application/json" }));
      download.hidden = false;
      recommend();
    } catch (err) {
      result.dataset.state = "error";
      show([["error", (err as Error).message]], true);
    }
  });
  use(null);
}
