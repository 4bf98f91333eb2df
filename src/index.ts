// Public entry point of `descent`: the estimators, transformers and functions, and the types a
// user writes or reads (options, results, tables). Kernel internals (backends, ids, buffers, the
// generator) are not part of it.
export type { BackendName } from "./backend/create-backend.js";
export { Dataset, type DatasetOptions } from "./data/dataset.js";
export { DescentError, type DescentErrorCode } from "./errors.js";
export type { OnnxExportOptions } from "./io/onnx-export.js";
export type { RatingOnnxOptions } from "./io/onnx-ratings.js";
export type { LinearLoss, LossId } from "./kernels/losses.js";
export type { ActivationName, MlpActivation } from "./kernels/mlp-net.js";
export {
  type ArrowTableLike,
  type DType,
  type DTypeOption,
  isMatrix,
  type Matrix,
  type MatrixLike,
  toMatrix,
} from "./matrix.js";
export {
  type AccuracyOptions,
  type Average,
  accuracyScore,
  balancedAccuracyScore,
  type ConfusionOptions,
  confusionMatrix,
  f1Score,
  type LogLossOptions,
  logLoss,
  matthewsCorrcoef,
  type PrfOptions,
  precisionScore,
  type RocAucOptions,
  recallScore,
  rocAucScore,
} from "./metrics/classification-metrics.js";
export {
  averagePrecisionScore,
  type BinaryScoreOptions,
  brierScoreLoss,
  type PrecisionRecallCurve,
  precisionRecallCurve,
  type RocCurve,
  type RocCurveOptions,
  rocCurve,
} from "./metrics/probability-metrics.js";
export {
  explainedVarianceScore,
  type MetricOptions,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogError,
  medianAbsoluteError,
  rootMeanSquaredError,
  type ScoreOptions,
} from "./metrics/regression-metrics.js";
export { getScorer, SCORER_NAMES, type Scorable, type Scorer, type Targets } from "./metrics/scorers.js";
export type { Params } from "./model-selection/clone-estimator.js";
export {
  type CrossValPredictOptions,
  crossValPredict,
  type PredictMethod,
} from "./model-selection/cross-val-predict.js";
export {
  type CrossValidateOptions,
  cloneEstimator,
  crossValidate,
  crossValScore,
  type FoldScores,
  isClassifier,
  type SelectableEstimator,
} from "./model-selection/cross-validate.js";
export {
  type CurveOptions,
  type CurveScores,
  type LearningCurve,
  type LearningCurveOptions,
  learningCurve,
  trainSizesOf,
  validationCurve,
} from "./model-selection/learning-curves.js";
export {
  type CandidateResult,
  type Distribution,
  gridSearch,
  logUniform,
  parameterGrid,
  type RandomSearchOptions,
  randomSearch,
  type ScorerResult,
  type SearchOptions,
  type SearchResult,
  uniform,
} from "./model-selection/search.js";
export {
  KFold,
  type KFoldOptions,
  type Split,
  type Splitter,
  StratifiedKFold,
  TimeSeriesSplit,
  type TimeSeriesSplitOptions,
  type TrainTestSplitOptions,
  trainTestIndices,
} from "./model-selection/splitters.js";
export { type TrainTestParts, trainTestSplit } from "./model-selection/train-test-split.js";
export type { ClassWeight, Label } from "./models/labels.js";
export { type ClassifierOptions, LinearClassifier, type PartialFitOptions } from "./models/linear-classifier.js";
export type { FitOptions } from "./models/linear-model.js";
export { LinearRegression, type LinearRegressionOptions, type RegressionLoss } from "./models/linear-regression.js";
export { LinearSVM, type LinearSVMOptions, type MarginLoss } from "./models/linear-svm.js";
export { LogisticRegression, type LogisticRegressionOptions } from "./models/logistic-regression.js";
export {
  type Id,
  MatrixFactorization,
  type MatrixFactorizationOptions,
  type RatingTriples,
} from "./models/matrix-factorization.js";
export { accuracy, r2Score } from "./models/metrics.js";
export { MultiLayerPerceptron } from "./models/mlp.js";
export { type ClassificationTargets, MLPClassifier } from "./models/mlp-classifier.js";
export type { InitialWeights, MLPOptions, MLPSchedule } from "./models/mlp-options.js";
export { MLPRegressor, type RegressionTargets } from "./models/mlp-regressor.js";
export {
  type AdagradSpec,
  type AdamSpec,
  type AdamwSpec,
  adagrad,
  adam,
  adamw,
  type MomentumSpec,
  momentum,
  type NesterovSpec,
  type OptimizerSpec,
  type RmspropSpec,
  rmsprop,
  type SgdSpec,
  sgd,
} from "./optim/optimizer-spec.js";
export type { ScheduleSpec } from "./optim/schedules.js";
export type { GradientShard, LocalEpochRequest, LocalSgdShard, ShardGradient } from "./parallel/gradient-shard.js";
export {
  type ColumnPart,
  type ColumnSelector,
  type ColumnSelectorOptions,
  type ColumnSpec,
  ColumnTransformer,
  type ColumnTransformerOptions,
  type FittedPart,
  makeColumnSelector,
} from "./preprocess/column-transformer.js";
export { DateFeatures } from "./preprocess/date-features.js";
export { MinMaxScaler, type MinMaxScalerOptions } from "./preprocess/min-max-scaler.js";
export {
  type Category,
  type HandleUnknown,
  OneHotEncoder,
  type OneHotEncoderOptions,
} from "./preprocess/one-hot-encoder.js";
export { makePipeline, Pipeline, type PipelineEstimator, type PipelineStep } from "./preprocess/pipeline.js";
export { PolynomialFeatures, type PolynomialFeaturesOptions } from "./preprocess/polynomial-features.js";
export {
  type Fill,
  type ImputeStrategy,
  SimpleImputer,
  type SimpleImputerOptions,
} from "./preprocess/simple-imputer.js";
export { StandardScaler } from "./preprocess/standard-scaler.js";
export type { FloatOutput, TableStep, TableTransformer } from "./preprocess/transformer.js";
export { setWasmLocation } from "./runtime/wasm-location.js";
export { DEFAULT_MISSING, typeRows } from "./table/column-builder.js";
export {
  type ArrowTableView,
  type ArrowVectorView,
  type BooleanColumn,
  type Column,
  type ColumnKind,
  type ColumnTable,
  type DateColumn,
  type NumberColumn,
  type StringColumn,
  type TableLike,
  type TableRecord,
  toColumnTable,
} from "./table/column-table.js";
export type { EpochInfo, History, StopReason } from "./train/history.js";
export { type DifferentiableFunction, type MinimizeOptions, type MinimizeResult, minimize } from "./train/minimize.js";
export type {
  OptimizerName,
  Penalty,
  ResolvedSgdOptions,
  ScheduleName,
  SgdOptions,
  ShuffleMode,
} from "./train/options.js";
export type { ShardedCheckpoint, ShardedFitOptions } from "./train/sharded-checkpoint.js";
export { findLearningRate, type RangeTestable } from "./tuning/find-learning-rate.js";
export type { FindLearningRateOptions, LearningRateCurve } from "./tuning/range-test.js";
export { fitInWorker, type WorkerFitOptions, type WorkerModelKind } from "./web/fit-in-worker.js";
export { fitMatrixFactorizationInWorker, type WorkerMfOptions } from "./web/fit-mf-in-worker.js";
