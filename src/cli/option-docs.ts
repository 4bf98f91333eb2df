// The option tables of the guides, printed from the estimators' option tables (the same ones that
// check options): each guide marks a table's place with `<!-- option-table: NAME -->` and
// `<!-- /option-table -->`, and `npm run docs:options` rewrites what stands between them.

import { CLASSIFIER_OPTION_TABLE } from "../models/linear-classifier.js";
import { LINEAR_REGRESSION_OPTION_TABLE } from "../models/linear-regression.js";
import { LINEAR_SVM_OPTION_TABLE } from "../models/linear-svm.js";
import { LOGISTIC_REGRESSION_OPTION_TABLE } from "../models/logistic-regression.js";
import { MF_OPTION_TABLE } from "../models/mf-options.js";
import { MLP_OPTION_TABLE } from "../models/mlp-options.js";
import { type OptionTable, optionTableMarkdown } from "../options/option-table.js";
import { SGD_OPTION_TABLE } from "../train/options.js";

/** Every option table by the name its guide marks it with. */
export const OPTION_TABLES: Readonly<Record<string, OptionTable>> = {
  sgd: SGD_OPTION_TABLE,
  "linear-regression": LINEAR_REGRESSION_OPTION_TABLE,
  classifiers: CLASSIFIER_OPTION_TABLE,
  "logistic-regression": LOGISTIC_REGRESSION_OPTION_TABLE,
  "linear-svm": LINEAR_SVM_OPTION_TABLE,
  "matrix-factorization": MF_OPTION_TABLE,
  mlp: MLP_OPTION_TABLE,
};

/** The guides that hold option tables, relative to the project root. */
export const OPTION_GUIDES: readonly string[] = ["docs/options.md", "docs/neural-networks.md"];

const BLOCK = /(<!-- option-table: ([a-z-]+) -->)[\s\S]*?(<!-- \/option-table -->)/g;

/**
 * A guide's text with every marked table rewritten from OPTION_TABLES; an unknown table name
 * throws (a guide naming a table that does not exist is a mistake to see at once).
 */
export function renderOptionTables(text: string): string {
  return text.replace(BLOCK, (_all, open: string, name: string, close: string) => {
    const table = OPTION_TABLES[name];
    if (table === undefined) throw new Error(`no option table named '${name}'`);
    return `${open}\n${optionTableMarkdown(table)}\n${close}`;
  });
}
