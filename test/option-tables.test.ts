// The guides' option tables are the estimators' option tables, printed: every guide holds each
// table it marks exactly as renderOptionTables prints it, and every table is in some guide.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPTION_GUIDES, OPTION_TABLES, renderOptionTables } from "../src/cli/option-docs.js";
import { checkOptions, describeRule, optionTableMarkdown } from "../src/options/option-table.js";

const guides = OPTION_GUIDES.map((g) => ({ name: g, text: readFileSync(new URL(`../${g}`, import.meta.url), "utf8") }));

describe("option tables in the guides", () => {
  it.each(guides)("$name holds its tables as printed from the option tables (npm run docs:options)", ({ text }) => {
    expect(renderOptionTables(text)).toBe(text);
  });

  it("every option table is printed in a guide", () => {
    for (const name of Object.keys(OPTION_TABLES))
      expect(
        guides.some((g) => g.text.includes(`<!-- option-table: ${name} -->`)),
        name,
      ).toBe(true);
  });

  it("every default is accepted by its own rule, and every row says what the option accepts", () => {
    for (const [name, table] of Object.entries(OPTION_TABLES)) {
      const all = checkOptions(table, {}, "");
      for (const [key, entry] of Object.entries(table)) {
        expect(describeRule(entry.rule).length, `${name}.${key}`).toBeGreaterThan(0);
        const value = all[key];
        // A default passes its own check (a null default of a nullable rule included).
        expect(() => checkOptions(table, { [key]: value }, ""), `${name}.${key}`).not.toThrow();
      }
      expect(optionTableMarkdown(table).split("\n").length).toBe(Object.keys(table).length + 2);
    }
  });
});
