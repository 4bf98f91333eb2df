/** Every error code a `DescentError` can carry (see the error table in docs/command-line.md). */
export type DescentErrorCode =
  | "E_SHAPE"
  | "E_NONFINITE"
  | "E_EMPTY"
  | "E_LABELS"
  | "E_OPTION"
  | "E_DIVERGED"
  | "E_MEMORY"
  | "E_FORMAT"
  | "E_STATE";

/** The one error type the library throws; `code` says what went wrong, the message says where. */
export class DescentError extends Error {
  /** Machine-readable category of the failure. */
  readonly code: DescentErrorCode;
  /**
   * Set by the worker fits (fitInWorker, fitMatrixFactorizationInWorker) when training stopped
   * after it began (a divergence, say): the model as it stood, usable (narrow it with instanceof).
   * A fit on the calling thread keeps its estimator usable instead.
   */
  readonly model?: unknown;

  constructor(code: DescentErrorCode, message: string, options?: { cause?: unknown; model?: unknown }) {
    super(message, options);
    this.name = "DescentError";
    this.code = code;
    if (options?.model !== undefined) this.model = options.model;
  }
}
