import { InvalidArgumentError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import type { ColumnInput } from '../frame/column.js';
import { type FrameInput, asFrame, isDanfoLikeFrame, isFrameLike } from '../frame/frame-input.js';
import type { BoosterModel } from './model-types.js';
import { validateModel } from './model-validate.js';
import { readModelJSON, writeModelJSON } from './model-json.js';
import { writeModelBinary } from './model-binary.js';
import { writeModelUBJSON } from './model-ubjson.js';
import { writeTarGz, type TarGzLimits, type WriteTarGzOptions } from './model-tarball.js';
import { loadModel, loadModelFile, loadTarGzModel, type LoadModelOptions } from './model-format.js';
import { dumpModel, type DumpOptions } from './tree-dump.js';
import { sigmoidF32 } from './expf.js';
import { type FeatureScores, type ImportanceOptions, featureImportance } from './feature-importance.js';
import { type Contributions, predictContributionsMatrix } from './tree-shap.js';
import {
  type FlatForest,
  type Matrix,
  flattenModel,
  marginsToProbabilities,
  predictLeafMatrix,
  predictMarginMatrix,
  predictRowMarginFlat,
  resolveTreeLimit,
} from './predict.js';

/** Columns as {@link Frame.fromColumns} takes them: name → typed array, number array or column. */
export type PredictColumns = Record<string, ColumnInput>;

/**
 * What prediction accepts: a {@link Frame} or a danfo.js DataFrame (recognised structurally,
 * danfo is never imported), columns as {@link PredictColumns}, or a row-major matrix
 * (`data[r * columns + c]`, NaN = missing).
 */
export type PredictInput = FrameInput | PredictColumns | Matrix;

/** Options of the prediction methods. */
export interface PredictOptions {
  /**
   * Use only the first `ntreeLimit` trees (0 = all). Default: the model's `best_ntree_limit`
   * attribute when present — what SageMaker's XGBoost container does at serving time — else all.
   */
  readonly ntreeLimit?: number;
  /**
   * Which Frame columns feed the model, in feature order. Default: the model's feature names when
   * it has them, else every numeric column in frame order. Ignored for matrices.
   */
  readonly columns?: readonly string[];
}

/** Options of {@link Booster.contributions}. */
export interface ContributionsOptions extends PredictOptions {
  /**
   * `false` (default): exact TreeSHAP values, as `predict(pred_contribs=True)`; `true`: the Saabas
   * approximation, as `predict(pred_contribs=True, approx_contribs=True)`.
   */
  readonly approximate?: boolean;
}

/** Options of {@link Booster.predictRow} and {@link Booster.predictRowMargin}. */
export interface PredictRowOptions {
  /** As {@link PredictOptions.ntreeLimit}. */
  readonly ntreeLimit?: number;
}

/**
 * An XGBoost-compatible gradient-boosted tree model for `binary:logistic`: load it from any format
 * XGBoost or SageMaker writes, predict exactly as XGBoost 1.7.4 does (bit for bit), save it in
 * every format. Construction validates the trees (children in range, no cycles), so a hostile
 * model file cannot make prediction loop or read out of bounds, and builds the prediction tables
 * once: treat `model` and its typed arrays as read-only (make a new Booster for a changed model).
 *
 * @example
 * ```ts
 * const booster = await Booster.loadFile('model.tar.gz');          // SageMaker artifact
 * const p = booster.predict({ data: new Float64Array([3, 0, 1, 7]), rows: 1, columns: 4 });
 * const live = booster.predictRow([3, 0, 1, 7]);                   // one row, no allocation
 * await writeFile('model.json', booster.toJSON());                  // loads in XGBoost (checked against 1.7.4)
 * ```
 */
export class Booster {
  /** The model, as XGBoost stores it. */
  readonly model: BoosterModel;
  readonly #forest: FlatForest;
  readonly #defaultLimit: number;

  /**
   * Wraps a model after validating it; throws {@link "sessionsentry/model"!InvalidModelError} (naming `options.file`
   * when given) when it is inconsistent.
   */
  constructor(model: BoosterModel, options: { readonly file?: string } = {}) {
    this.model = validateModel(model, options);
    this.#forest = flattenModel(model);
    const best = this.bestNtreeLimit;
    this.#defaultLimit = best !== undefined && best > 0 && best <= model.trees.length ? best : model.trees.length;
  }

  /** Number of input features the model expects. */
  get numFeature(): number {
    return this.model.numFeature;
  }

  /** Number of trees stored (with early stopping, more than {@link Booster.bestNtreeLimit}). */
  get numTrees(): number {
    return this.model.trees.length;
  }

  /** The `best_ntree_limit` attribute, when the model has a valid one. */
  get bestNtreeLimit(): number | undefined {
    const text = this.model.attributes.best_ntree_limit;
    if (text === undefined) return undefined;
    const n = Number(text);
    return Number.isInteger(n) && n >= 0 ? n : undefined;
  }

  /**
   * Reads an XGBoost JSON model (text or parsed object).
   *
   * @example
   * ```ts
   * const booster = Booster.fromJSON(await readFile('model.json', 'utf8'));
   * ```
   */
  static fromJSON(json: string | object): Booster {
    return new Booster(readModelJSON(json));
  }

  /**
   * Reads a model in any format, detected from its first bytes: JSON, UBJSON, legacy binary (with
   * or without `binf`) or a gzip `model.tar.gz`. A string is JSON text.
   *
   * @example
   * ```ts
   * const booster = Booster.load(new Uint8Array(await readFile('xgboost-model')));
   * ```
   */
  static load(bytes: Uint8Array | string, options: LoadModelOptions = {}): Booster {
    return new Booster(loadModel(bytes, options), { file: options.file });
  }

  /**
   * Reads a model file in any format, `model.tar.gz` included.
   *
   * @example
   * ```ts
   * const booster = await Booster.loadFile('output/model.tar.gz');
   * ```
   */
  static async loadFile(path: string, options: LoadModelOptions = {}): Promise<Booster> {
    return new Booster(await loadModelFile(path, options), { file: options.file ?? path });
  }

  /**
   * Reads a SageMaker `model.tar.gz` holding `xgboost-model` (or `model.json` / `model.ubj`), with
   * bounded memory whatever the archive claims.
   *
   * @example
   * ```ts
   * const booster = Booster.fromTarGz(new Uint8Array(await readFile('model.tar.gz')));
   * ```
   */
  static fromTarGz(bytes: Uint8Array, limits: TarGzLimits = {}): Booster {
    return new Booster(loadTarGzModel(bytes, limits), { file: limits.file });
  }

  /**
   * XGBoost JSON text, as XGBoost 1.7.4's `save_model('model.json')` writes it, under the writer
   * rules XGBoost 1.7 and 3.x require (string parameters, floats with an exponent); XGBoost 1.7.4
   * loads it with bit-identical predictions. (`JSON.stringify(booster)` therefore gives this text as a
   * JSON string literal.)
   *
   * @example
   * ```ts
   * await writeFile('model.json', booster.toJSON());
   * ```
   */
  toJSON(): string {
    return writeModelJSON(this.model);
  }

  /**
   * The legacy binary format, byte-identical to what XGBoost 1.7.4 (and so SageMaker 1.7-1)
   * writes for `xgboost-model`.
   *
   * @example
   * ```ts
   * await writeFile('xgboost-model', booster.toLegacyBinary());
   * ```
   */
  toLegacyBinary(): Uint8Array {
    return writeModelBinary(this.model);
  }

  /**
   * UBJSON, as XGBoost 1.7.4's `save_model('model.ubj')` writes it.
   *
   * @example
   * ```ts
   * await writeFile('model.ubj', booster.toUBJSON());
   * ```
   */
  toUBJSON(): Uint8Array {
    return writeModelUBJSON(this.model);
  }

  /**
   * A SageMaker-shaped `model.tar.gz`: `xgboost-model` (legacy binary) at the root, as the 1.7-1
   * container writes it.
   *
   * @example
   * ```ts
   * await writeFile('model.tar.gz', booster.toTarGz());
   * ```
   */
  toTarGz(options: WriteTarGzOptions = {}): Uint8Array {
    return writeTarGz([{ name: 'xgboost-model', data: this.toLegacyBinary() }], options);
  }

  /**
   * Probabilities for every row, bit-identical to XGBoost 1.7.4's `predict` (float32 inputs and
   * thresholds, float32 margin sums in tree order, glibc-exact sigmoid).
   *
   * @example
   * ```ts
   * booster.predict(frame, { columns: featureNames }); // Float32Array, one probability per row
   * ```
   */
  predict(input: PredictInput, options: PredictOptions = {}): Float32Array {
    return marginsToProbabilities(this.predictMargin(input, options));
  }

  /**
   * Raw margins (log-odds) for every row, as `predict(output_margin=True)`.
   *
   * @example
   * ```ts
   * booster.predictMargin({ data, rows, columns });
   * ```
   */
  predictMargin(input: PredictInput, options: PredictOptions = {}): Float32Array {
    const limit = this.#limit(options.ntreeLimit, 'Booster.predictMargin');
    return predictMarginMatrix(
      this.#forest,
      this.#matrix(input, options.columns, 'Booster.predictMargin'),
      limit,
      'Booster.predictMargin',
    );
  }

  /**
   * The leaf (node id) each row reaches in each tree, rows × trees row-major, as
   * `predict(pred_leaf=True)`.
   *
   * @example
   * ```ts
   * const leaves = booster.predictLeaf(matrix); // leaves[r * trees + t]
   * ```
   */
  predictLeaf(input: PredictInput, options: PredictOptions = {}): Int32Array {
    const limit = this.#limit(options.ntreeLimit, 'Booster.predictLeaf');
    return predictLeafMatrix(
      this.#forest,
      this.#matrix(input, options.columns, 'Booster.predictLeaf'),
      limit,
      'Booster.predictLeaf',
    );
  }

  /**
   * The probability of one row (features in model order; missing = NaN; fewer values than
   * `numFeature` = the rest missing). Allocates nothing: the live-scoring path.
   *
   * @example
   * ```ts
   * booster.predictRow(new Float64Array([3, 0, 1, 7])); // 0.33256
   * ```
   */
  predictRow(row: ArrayLike<number>, options?: PredictRowOptions): number {
    return sigmoidF32(this.predictRowMargin(row, options));
  }

  /**
   * The margin of one row; see {@link Booster.predictRow}.
   *
   * @example
   * ```ts
   * booster.predictRowMargin([3, 0, 1, 7]);
   * ```
   */
  predictRowMargin(row: ArrayLike<number>, options?: PredictRowOptions): number {
    const ntreeLimit = options?.ntreeLimit;
    const limit = ntreeLimit === undefined ? this.#defaultLimit : this.#limit(ntreeLimit, 'Booster.predictRowMargin');
    return predictRowMarginFlat(this.#forest, row, limit);
  }

  /**
   * Feature importance, bit-equal to XGBoost 1.7.4's `get_score(importance_type=type)`: `weight`
   * (default; splits per feature), `gain` / `cover` (mean split gain / cover), `total_gain` /
   * `total_cover`. Keys are `options.featureNames` (a feature schema's names, for a model file that
   * stores none), else the model's feature names, else `f0`, `f1`, …; features no split uses are
   * absent. Every tree counts, as in `get_score`. Throws `InvalidArgumentError` for an unknown
   * type or a model without trees.
   *
   * @example
   * ```ts
   * booster.importance({ type: 'gain' }); // { downloads: 41.3, gap_cv: 12.9, ... }
   * ```
   */
  importance(options: ImportanceOptions = {}): FeatureScores {
    return featureImportance(this.model, options, 'Booster.importance');
  }

  /**
   * Per-row feature contributions to the margin (SHAP values), bit-equal to XGBoost 1.7.4's
   * `predict(pred_contribs=True)` (exact TreeSHAP) or, with `approximate: true`,
   * `approx_contribs=True` (Saabas): rows × (`numFeature` + 1), one column per feature then the
   * bias. Each row sums to {@link Booster.predictMargin}'s margin up to float32 rounding. Uses the
   * same trees as `predict` (`best_ntree_limit` when the model has it; `ntreeLimit: 0` for all, as
   * XGBoost's `Booster.predict` does by default). Inputs as for {@link Booster.predict}.
   *
   * @example
   * ```ts
   * const c = booster.contributions(frame, { columns: featureNames });
   * c.data[r * c.columns + j]; // feature j's contribution to row r; c.names[j] names it, the last is 'bias'
   * ```
   */
  contributions(input: PredictInput, options: ContributionsOptions = {}): Contributions {
    const where = 'Booster.contributions';
    const treeLimit = this.#limit(options.ntreeLimit, where);
    return predictContributionsMatrix(
      this.model,
      this.#matrix(input, options.columns, where),
      { treeLimit, approximate: options.approximate },
      where,
    );
  }

  /**
   * Text dump of each tree, as XGBoost's `get_dump(with_stats=…)`.
   *
   * @example
   * ```ts
   * console.log(booster.dump({ withStats: true })[0]);
   * ```
   */
  dump(options: DumpOptions = {}): string[] {
    return dumpModel(this.model, options);
  }

  #limit(ntreeLimit: number | undefined, where: string): number {
    if (ntreeLimit === undefined) return this.#defaultLimit;
    return resolveTreeLimit(this.#forest, ntreeLimit, where);
  }

  #matrix(input: PredictInput, columns: readonly string[] | undefined, where: string): Matrix {
    if (isMatrix(input)) return input;
    const frame =
      isFrameLike(input) || isDanfoLikeFrame(input)
        ? asFrame(input, 'input', where)
        : Frame.fromColumns(input as PredictColumns);
    let names = columns;
    if (names === undefined) {
      const featureNames = this.model.featureNames;
      names = featureNames.length > 0 ? featureNames : frame.columnNames.filter((n) => frame.kind(n) === 'number');
    }
    if (names.length > this.numFeature) {
      throw new InvalidArgumentError(
        where,
        'columns',
        `${names.length} columns`,
        `at most num_feature = ${this.numFeature} columns (XGBoost rejects wider input)`,
      );
    }
    return frame.toMatrix(names);
  }
}

function isMatrix(input: PredictInput): input is Matrix {
  const m = input as Partial<Matrix>;
  return (
    !isFrameLike(input) && ArrayBuffer.isView(m.data) && typeof m.rows === 'number' && typeof m.columns === 'number'
  );
}
