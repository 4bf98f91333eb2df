// Every kind of step a saved pipeline may hold, registered for stepFromJSON: the transformers,
// the ColumnTransformer and the estimators. (Pipeline registers itself, in its own module.)
import { LinearRegression } from "../models/linear-regression.js";
import { LinearSVM } from "../models/linear-svm.js";
import { LogisticRegression } from "../models/logistic-regression.js";
import { MLPClassifier } from "../models/mlp-classifier.js";
import { MLPRegressor } from "../models/mlp-regressor.js";
import { ColumnTransformer } from "./column-transformer.js";
import { DateFeatures } from "./date-features.js";
import { MinMaxScaler } from "./min-max-scaler.js";
import { OneHotEncoder } from "./one-hot-encoder.js";
import { PolynomialFeatures } from "./polynomial-features.js";
import { SimpleImputer } from "./simple-imputer.js";
import { StandardScaler } from "./standard-scaler.js";
import { registerStep } from "./transformer.js";

for (const [kind, fromJSON] of [
  ["SimpleImputer", SimpleImputer.fromJSON],
  ["OneHotEncoder", OneHotEncoder.fromJSON],
  ["PolynomialFeatures", PolynomialFeatures.fromJSON],
  ["MinMaxScaler", MinMaxScaler.fromJSON],
  ["StandardScaler", StandardScaler.fromJSON],
  ["DateFeatures", DateFeatures.fromJSON],
  ["ColumnTransformer", ColumnTransformer.fromJSON],
  ["LinearRegression", LinearRegression.fromJSON],
  ["LogisticRegression", LogisticRegression.fromJSON],
  ["LinearSVM", LinearSVM.fromJSON],
  ["MLPClassifier", MLPClassifier.fromJSON],
  ["MLPRegressor", MLPRegressor.fromJSON],
] as const)
  registerStep(kind, fromJSON as (json: unknown) => unknown);
