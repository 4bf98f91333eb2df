// Rewrites the option tables of the guides from the estimators' option tables (npm run
// docs:options; needs the build in dist/). test/option-tables.test.ts fails while they differ.
import { readFileSync, writeFileSync } from "node:fs";

const { OPTION_GUIDES, renderOptionTables } = await import("../dist/cli/option-docs.js");
for (const guide of OPTION_GUIDES) {
  const url = new URL(`../${guide}`, import.meta.url);
  const before = readFileSync(url, "utf8");
  const after = renderOptionTables(before);
  if (after !== before) {
    writeFileSync(url, after);
    console.log(`rewrote the option tables of ${guide}`);
  }
}
