import { DescentError } from "../errors.js";
import { MODEL_FORMAT, MODEL_VERSION, readEnvelope, readStrings } from "../io/model-json.js";
import type { ColumnTable } from "../table/column-table.js";
import { ColumnTransformerBase, type FloatOutput, notFitted } from "./transformer.js";

/** The numbers a date becomes, in output order, and their name suffixes. */
export const DATE_PARTS = ["epoch", "year", "month", "dayofweek", "hour"] as const;

/**
 * Turns each date or timestamp column into five numeric columns, all in UTC: `<name>_epoch`
 * (seconds since 1970-01-01T00:00:00Z), `<name>_year`, `<name>_month` (1–12), `<name>_dayofweek`
 * (0 = Monday … 6 = Sunday, as pandas) and `<name>_hour` (0–23). A missing date gives five missing
 * cells (NaN), for an imputer to fill. Numeric columns are read as epoch milliseconds.
 */
export class DateFeatures extends ColumnTransformerBase {
  private width: number | null = null;

  protected learn(t: ColumnTable): void {
    for (const c of t.columns)
      if (c.kind === "string")
        throw new DescentError("E_SHAPE", `DateFeatures: column '${c.name}' holds text, not dates`);
    this.width = t.columns.length * DATE_PARTS.length;
  }

  get nFeaturesOut(): number {
    if (this.width === null) throw notFitted("DateFeatures");
    return this.width;
  }

  protected namesOut(input: readonly string[]): string[] {
    return input.flatMap((name) => DATE_PARTS.map((p) => `${name}_${p}`));
  }

  protected writeColumns(t: ColumnTable, out: FloatOutput, stride: number, offset: number): void {
    t.columns.forEach((c, j) => {
      if (c.kind === "string")
        throw new DescentError("E_SHAPE", `DateFeatures: column '${c.name}' holds text, not dates`);
      const at = offset + j * DATE_PARTS.length;
      for (let r = 0; r < t.rows; r++) {
        const ms = c.values[r] as number;
        const o = r * stride + at;
        if (Number.isNaN(ms)) {
          for (let k = 0; k < DATE_PARTS.length; k++) out[o + k] = Number.NaN;
          continue;
        }
        out[o] = ms / 1000;
        calendarParts(ms, out, o + 1);
      }
    });
  }

  toJSON(): Record<string, unknown> {
    if (this.width === null) throw notFitted("DateFeatures");
    return { format: MODEL_FORMAT, version: MODEL_VERSION, model: "DateFeatures", featureNamesIn: this.featureNamesIn };
  }

  /** Rebuilds the transformer from toJSON() output. */
  static fromJSON(json: unknown): DateFeatures {
    const o = readEnvelope(json, "DateFeatures");
    const d = new DateFeatures();
    d.featureNamesIn = readStrings(o, "featureNamesIn");
    d.width = d.featureNamesIn.length * DATE_PARTS.length;
    return d;
  }
}

const DAY_MS = 86_400_000;

/**
 * Year, month (1–12), day of week (0 = Monday) and hour of an instant (UTC), written at out[at..],
 * by integer arithmetic on the day count (the proleptic Gregorian calendar, as Date's getUTC*
 * give; no Date object per cell).
 */
function calendarParts(ms: number, out: Float64Array | Float32Array, at: number): void {
  const days = Math.floor(ms / DAY_MS);
  // Howard Hinnant's days-to-civil: eras of 400 years, days counted from 0000-03-01.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  out[at] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out[at + 1] = month;
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  out[at + 2] = (((days + 3) % 7) + 7) % 7;
  out[at + 3] = Math.floor((ms - days * DAY_MS) / 3_600_000);
}
