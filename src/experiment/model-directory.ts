import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SessionSentryError } from '../errors.js';
import type { ConfusionMatrixJSON } from '../eval/confusion-matrix.js';
import type { OperatingPoint, OperatingPointSource, OperatingRule } from '../eval/operating-point.js';
import { Booster } from '../model/booster.js';
import type { TarGzLimits } from '../model/model-tarball.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import { parseFeatureSchema, type FeatureSchema } from '../sessions/feature-schema.js';
import { validateTruncation, type Truncation } from '../sessions/truncation.js';
import type { TrainingSummary } from '../train/backend.js';
import { toHyperparameterStrings, type Hyperparameters } from '../train/hyperparameters.js';

/** The `format` value of every `manifest.json` of a model directory. */
export const MODEL_DIRECTORY_FORMAT = 'sessionsentry-model';
/** The manifest version this library writes and reads. */
export const MODEL_DIRECTORY_VERSION = 1;
/** The manifest's file name inside a model directory. */
export const MODEL_MANIFEST_FILE = 'manifest.json';

/** The standard file names of a model directory (the manifest's `files`). */
export const MODEL_DIRECTORY_FILES = Object.freeze({
  model: 'model.tar.gz',
  features: 'features.json',
  operatingPoints: 'operating-points.json',
  livePolicy: 'live-policy.json',
});

// JSON files of a model directory are small; a bigger one is not ours (or is hostile).
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A model directory that cannot be written or read: a missing or malformed manifest, a file the
 * manifest names that is missing or bad, a feature schema whose width is not the model's, a
 * directory that already holds a model (without `overwrite`). The message starts with the file.
 *
 * @example
 * ```ts
 * try { await readModelDirectory('models/first10'); }
 * catch (err) { if (err instanceof ModelDirectoryError) console.error(err.file, err.key, err.message); }
 * // models/first10/manifest.json: truncation.n must be an integer ≥ 1, got 0
 * ```
 */
export class ModelDirectoryError extends SessionSentryError {
  declare readonly code: 'ERR_MODEL_DIRECTORY';
  /** The file (or directory) at fault. */
  readonly file: string;
  /** The offending key of the manifest as a dotted path (`files.model`), when one is at fault. */
  readonly key: string | undefined;

  constructor(file: string, problem: string, options?: { readonly key?: string; readonly cause?: unknown }) {
    super(
      'ERR_MODEL_DIRECTORY',
      `${file}: ${options?.key !== undefined ? `${options.key} ` : ''}${problem}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.file = file;
    this.key = options?.key;
  }
}

/** The files of a model directory, by role: plain file names inside the directory. */
export interface ModelDirectoryFiles {
  /** `model.tar.gz` as SageMaker writes it. */
  readonly model: string;
  /** The {@link FeatureSchema} (`features.json`). */
  readonly features: string;
  /** The operating points chosen on validation data (`operating-points.json`). */
  readonly operatingPoints: string;
  /** The live alert policy (`live-policy.json`), when one was saved. */
  readonly livePolicy?: string;
  /** Further JSON files saved with {@link ModelDirectoryContents.extraFiles}, by key. */
  readonly [key: string]: string | undefined;
}

/** Where the data of a model came from, as far as the writer knows (all optional). */
export interface ModelProvenance {
  /** The data files, as given to the run (relative to its working folder or absolute). */
  readonly files?: readonly string[];
  /** Seeds of the run (`split`, `generate`, …). */
  readonly seeds?: Readonly<Record<string, number>>;
  readonly [key: string]: unknown;
}

/** `manifest.json` of a model directory, version 1. */
export interface ModelManifest {
  readonly format: typeof MODEL_DIRECTORY_FORMAT;
  readonly version: typeof MODEL_DIRECTORY_VERSION;
  /** The job name (`first10`). */
  readonly name: string;
  /** How sessions were cut before flattening, for training and so for scoring; `null` = whole sessions. */
  readonly truncation: Truncation | null;
  /** The hyperparameters the model was trained with, as strings (as SageMaker carries them). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly files: ModelDirectoryFiles;
  /** ISO 8601 time of writing. */
  readonly createdAt: string;
  /** The library that wrote the directory. */
  readonly package: { readonly name: string; readonly version: string };
  readonly data?: ModelProvenance;
  /**
   * How training ended, when the writer knew: trees kept, the best round and, with early stopping,
   * its metric, best score and the rounds trained. Optional (manifests before it lack it).
   */
  readonly training?: TrainingSummary;
}

/**
 * An operating point as `operating-points.json` holds it: the rule, the threshold (`null` in the
 * file when it is `Infinity`, i.e. flag nothing), and the validation matrix it gave.
 */
export interface SavedOperatingPoint {
  readonly rule: OperatingRule;
  /** Flag scores `>= threshold`; `Infinity` flags nothing. */
  readonly threshold: number;
  readonly chosenOn: OperatingPointSource;
  readonly validation: ConfusionMatrixJSON;
}

/** What {@link writeModelDirectory} writes. */
export interface ModelDirectoryContents {
  /** The job name (letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** The model: `model.tar.gz` bytes as a training job wrote them, or a Booster (saved as one). */
  readonly model: Uint8Array | Booster;
  /** The feature schema the model was trained on; its width must be the model's. */
  readonly schema: FeatureSchema;
  /** The truncation of training (and so of scoring). Default `null`: whole sessions. */
  readonly truncation?: Truncation | null;
  /** The hyperparameters of training (the merged set, defaults included). Default `{}`. */
  readonly hyperparameters?: Hyperparameters;
  /** Operating points chosen on validation data, the first being the default threshold. Default none. */
  readonly operatingPoints?: readonly (OperatingPoint | SavedOperatingPoint)[];
  /** A live alert policy (any JSON value; the live-detection code defines and validates it). */
  readonly livePolicy?: unknown;
  /** More JSON files, by manifest key: `{ detector: { file: 'detector.json', content } }`. */
  readonly extraFiles?: Readonly<Record<string, { readonly file: string; readonly content: unknown }>>;
  /** Provenance (data files, seeds). */
  readonly data?: ModelProvenance;
  /** How training ended (a `TrainedJob`'s `summary`); its `trees` must be the model's. Default: not recorded. */
  readonly training?: TrainingSummary;
  /** The time recorded as `createdAt`. Default: now. */
  readonly createdAt?: Date;
}

/** Options of {@link writeModelDirectory}. */
export interface WriteModelDirectoryOptions {
  /** Replace a model directory already there. Default `false`: that is an error. */
  readonly overwrite?: boolean;
}

/** A model directory as {@link readModelDirectory} returns it. */
export interface ModelDirectory<LivePolicy = unknown> {
  /** The directory (absolute). */
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly name: string;
  readonly booster: Booster;
  readonly schema: FeatureSchema;
  /** The truncation to apply before flattening (`{ kind: 'none' }` for whole sessions). */
  readonly truncation: Truncation;
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** How training ended (best round, early stopping), when the manifest records it. */
  readonly training: TrainingSummary | undefined;
  /** Saved operating points (possibly none); the first is the default threshold. */
  readonly operatingPoints: readonly SavedOperatingPoint[];
  /** The live policy, parsed by `parseLivePolicy` when given; `undefined` when none was saved. */
  readonly livePolicy: LivePolicy | undefined;
  /** Parsed JSON of the manifest's other files, by key (`detector`). */
  readonly extras: Readonly<Record<string, unknown>>;
  /** Absolute paths of the files, by role. */
  readonly paths: Readonly<Record<string, string>>;
}

/** Options of {@link readModelDirectory}. */
export interface ReadModelDirectoryOptions<LivePolicy> {
  /** Validates `live-policy.json` (parsed JSON) into its type; throw to reject it. Default: keep the JSON as it is. */
  readonly parseLivePolicy?: (json: unknown, file: string) => LivePolicy;
  /** Bounds on reading `model.tar.gz` (see `Booster.fromTarGz`). */
  readonly limits?: TarGzLimits;
}

/**
 * Writes a trained model as a model directory: `model.tar.gz`, `features.json`,
 * `operating-points.json`, optionally `live-policy.json` and further JSON files, and last
 * `manifest.json` (so a directory whose writing was interrupted has no manifest and is refused when
 * read). Checks before writing anything that the schema's width is the model's, the truncation
 * and hyperparameters are valid and the file names are plain names.
 *
 * @throws ModelDirectoryError when a check fails, or the directory already holds a model and
 *   `overwrite` is not set.
 * @example
 * ```ts
 * await writeModelDirectory('models/first10', {
 *   name: 'first10', model: tarGzBytes, schema: flattener.toSchema(),
 *   truncation: { kind: 'firstN', n: 10 }, hyperparameters: { ...SEED_HYPERPARAMETERS, tree_method: 'hist' },
 *   operatingPoints: [chooseOperatingPoint(valLabels, valScores, { maxFalsePositiveRate: 0.05 })],
 * });
 * ```
 */
export async function writeModelDirectory(
  dir: string,
  contents: ModelDirectoryContents,
  options: WriteModelDirectoryOptions = {},
): Promise<ModelManifest> {
  const manifestFile = path.join(dir, MODEL_MANIFEST_FILE);
  const {
    name,
    model,
    schema,
    truncation = null,
    hyperparameters = {},
    operatingPoints = [],
    livePolicy,
    extraFiles = {},
    data,
    training,
    createdAt = new Date(),
  } = contents;
  if (typeof name !== 'string' || !FILE_NAME.test(name))
    throw new ModelDirectoryError(
      manifestFile,
      `must be letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`,
      { key: 'name' },
    );
  const booster =
    model instanceof Uint8Array ? loadModelBytes(path.join(dir, MODEL_DIRECTORY_FILES.model), model) : model;
  const bytes = model instanceof Uint8Array ? model : model.toTarGz();
  const checkedSchema = checkSchema(
    path.join(dir, MODEL_DIRECTORY_FILES.features),
    JSON.parse(JSON.stringify(schema)) as unknown,
    booster,
  );
  if (truncation !== null) checkTruncation(manifestFile, truncation);
  if (training !== undefined) checkTraining(manifestFile, training, booster.numTrees);
  let hp: Readonly<Record<string, string>>;
  try {
    hp = toHyperparameterStrings(hyperparameters);
  } catch (err) {
    throw new ModelDirectoryError(manifestFile, (err as Error).message, { key: 'hyperparameters', cause: err });
  }
  const files: Record<string, string> = { ...MODEL_DIRECTORY_FILES };
  delete files.livePolicy;
  const json = new Map<string, unknown>([
    [files.features!, checkedSchema],
    [files.operatingPoints!, operatingPoints.map(toSavedJSON)],
  ]);
  if (livePolicy !== undefined) {
    files.livePolicy = MODEL_DIRECTORY_FILES.livePolicy;
    json.set(files.livePolicy, livePolicy);
  }
  for (const [key, extra] of Object.entries(extraFiles)) {
    if (key in files || key === 'livePolicy')
      throw new ModelDirectoryError(manifestFile, `is a standard file of a model directory; use another key`, {
        key: `files.${key}`,
      });
    if (
      !FILE_NAME.test(extra.file) ||
      !extra.file.endsWith('.json') ||
      extra.file === MODEL_MANIFEST_FILE ||
      [...json.keys()].includes(extra.file)
    ) {
      throw new ModelDirectoryError(
        manifestFile,
        `must be a new plain .json file name, got ${JSON.stringify(extra.file)}`,
        { key: `files.${key}` },
      );
    }
    files[key] = extra.file;
    json.set(extra.file, extra.content);
  }
  if (!options.overwrite && (existsSync(manifestFile) || existsSync(path.join(dir, MODEL_DIRECTORY_FILES.model)))) {
    throw new ModelDirectoryError(
      dir,
      'already holds a model (pass overwrite: true, or --force on the command line, to replace it)',
    );
  }
  const manifest: ModelManifest = {
    format: MODEL_DIRECTORY_FORMAT,
    version: MODEL_DIRECTORY_VERSION,
    name,
    truncation: truncation === null || truncation.kind === 'none' ? null : truncation,
    hyperparameters: hp,
    files: files as unknown as ModelDirectoryFiles,
    createdAt: createdAt.toISOString(),
    package: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
    ...(data !== undefined ? { data } : {}),
    ...(training !== undefined ? { training } : {}),
  };
  await mkdir(dir, { recursive: true });
  await writeAtomically(path.join(dir, files.model!), bytes);
  for (const [file, value] of json) await writeAtomically(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  await writeAtomically(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Reads a model directory written by {@link writeModelDirectory} (by `run`, `demo` or `train`):
 * checks the manifest (format, version, every field), that every file it names is a plain name
 * inside the directory, the feature schema, that the schema's width is the model's, and the
 * operating points; loads the model with bounded memory.
 *
 * @throws ModelDirectoryError naming the file (and the manifest key) at fault.
 * @example
 * ```ts
 * const model = await readModelDirectory('models/first10');
 * const log = truncateLog(await readEventLog('single.txt'), model.truncation);
 * const scores = model.booster.predict(SessionFlattener.fromSchema(model.schema).flatten(log));
 * const threshold = model.operatingPoints[0]?.threshold ?? 0.5;
 * ```
 */
export async function readModelDirectory<LivePolicy = unknown>(
  dir: string,
  options: ReadModelDirectoryOptions<LivePolicy> = {},
): Promise<ModelDirectory<LivePolicy>> {
  const root = path.resolve(dir);
  const manifest = await readModelManifest(root);
  const paths: Record<string, string> = {};
  for (const [key, file] of Object.entries(manifest.files)) if (file !== undefined) paths[key] = path.join(root, file);
  const modelFile = paths.model!;
  const bytes = await readBytes(modelFile, 'the model');
  const booster = loadModelBytes(modelFile, bytes, options.limits);
  if (manifest.training !== undefined)
    checkTraining(path.join(root, MODEL_MANIFEST_FILE), manifest.training, booster.numTrees);
  const schema = checkSchema(paths.features!, await readJSON(paths.features!, 'the feature schema'), booster);
  const operatingPoints = parseOperatingPoints(
    paths.operatingPoints!,
    await readJSON(paths.operatingPoints!, 'the operating points'),
  );
  let livePolicy: LivePolicy | undefined;
  if (paths.livePolicy !== undefined) {
    const raw = await readJSON(paths.livePolicy, 'the live policy');
    try {
      livePolicy = options.parseLivePolicy ? options.parseLivePolicy(raw, paths.livePolicy) : (raw as LivePolicy);
    } catch (err) {
      throw new ModelDirectoryError(paths.livePolicy, err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
  const extras: Record<string, unknown> = {};
  for (const key of Object.keys(paths)) {
    if (key in MODEL_DIRECTORY_FILES) continue;
    extras[key] = await readJSON(paths[key]!, `files.${key}`);
  }
  return {
    dir: root,
    manifest,
    name: manifest.name,
    booster,
    schema,
    truncation: manifest.truncation ?? { kind: 'none' },
    hyperparameters: manifest.hyperparameters,
    training: manifest.training,
    operatingPoints,
    livePolicy,
    extras,
    paths,
  };
}

/**
 * Reads and checks only `manifest.json` of a model directory (no model loading): for listings and
 * reports that need the truncation, hyperparameters or provenance.
 *
 * @throws ModelDirectoryError when the manifest is missing or malformed.
 * @example
 * ```ts
 * const { truncation, hyperparameters, createdAt } = await readModelManifest('models/first10');
 * ```
 */
export async function readModelManifest(dir: string): Promise<ModelManifest> {
  const file = path.join(path.resolve(dir), MODEL_MANIFEST_FILE);
  if (!existsSync(file)) {
    const isDir = existsSync(dir) && (await stat(dir)).isDirectory();
    const hint =
      isDir && (await readdir(dir)).includes(MODEL_DIRECTORY_FILES.model)
        ? ' (a model folder from an older sessionsentry: train it again, or pass the model file and --features)'
        : '';
    throw new ModelDirectoryError(
      file,
      `does not exist: ${isDir ? 'not a model directory' : 'no such directory'}${hint}`,
    );
  }
  return parseModelManifest(file, await readJSON(file, 'the manifest'));
}

/**
 * Whether a folder holds a model directory's manifest (cheap; does not check it).
 *
 * @example
 * ```ts
 * isModelDirectory('models/first10'); // true after train --out models
 * ```
 */
export function isModelDirectory(dir: string): boolean {
  return existsSync(path.join(dir, MODEL_MANIFEST_FILE));
}

/**
 * Checks a parsed `manifest.json` and returns it typed.
 *
 * @throws ModelDirectoryError naming `file` and the key at fault.
 * @example
 * ```ts
 * const manifest = parseModelManifest('models/first10/manifest.json', JSON.parse(text));
 * ```
 */
export function parseModelManifest(file: string, json: unknown): ModelManifest {
  const fail = (key: string, problem: string): never => {
    throw new ModelDirectoryError(file, problem, { key });
  };
  if (!isObject(json)) return fail('(root)', `must be an object, got ${describe(json)}`);
  if (json.format !== MODEL_DIRECTORY_FORMAT)
    fail('format', `must be ${JSON.stringify(MODEL_DIRECTORY_FORMAT)}, got ${describe(json.format)}`);
  if (json.version !== MODEL_DIRECTORY_VERSION) {
    fail(
      'version',
      typeof json.version === 'number' && json.version > MODEL_DIRECTORY_VERSION
        ? `is ${json.version}: written by a newer sessionsentry (this one reads version ${MODEL_DIRECTORY_VERSION})`
        : `must be ${MODEL_DIRECTORY_VERSION}, got ${describe(json.version)}`,
    );
  }
  if (typeof json.name !== 'string' || !FILE_NAME.test(json.name))
    fail('name', `must be a job name, got ${describe(json.name)}`);
  if (json.truncation !== null) {
    if (!isObject(json.truncation))
      fail('truncation', `must be a truncation object or null, got ${describe(json.truncation)}`);
    checkTruncation(file, json.truncation as Truncation);
  }
  if (!isObject(json.hyperparameters))
    fail('hyperparameters', `must be an object of strings, got ${describe(json.hyperparameters)}`);
  for (const [k, v] of Object.entries(json.hyperparameters as object))
    if (typeof v !== 'string') fail(`hyperparameters.${k}`, `must be a string, got ${describe(v)}`);
  if (!isObject(json.files)) fail('files', `must be an object of file names, got ${describe(json.files)}`);
  const files = json.files as Record<string, unknown>;
  for (const key of ['model', 'features', 'operatingPoints'] as const)
    if (files[key] === undefined) fail(`files.${key}`, 'is missing');
  const seen = new Set<string>();
  for (const [key, name] of Object.entries(files)) {
    if (typeof name !== 'string' || !FILE_NAME.test(name) || name === MODEL_MANIFEST_FILE)
      fail(`files.${key}`, `must be a plain file name inside the directory, got ${describe(name)}`);
    if (seen.has(name as string)) fail(`files.${key}`, `names ${JSON.stringify(name)} a second time`);
    seen.add(name as string);
  }
  if (typeof json.createdAt !== 'string' || Number.isNaN(Date.parse(json.createdAt)))
    fail('createdAt', `must be an ISO date, got ${describe(json.createdAt)}`);
  if (!isObject(json.package) || typeof json.package.name !== 'string' || typeof json.package.version !== 'string')
    fail('package', `must be { name, version }, got ${describe(json.package)}`);
  if (json.data !== undefined && !isObject(json.data)) fail('data', `must be an object, got ${describe(json.data)}`);
  if (json.training !== undefined) checkTraining(file, json.training);
  return json as unknown as ModelManifest;
}

function checkTruncation(file: string, truncation: Truncation): void {
  try {
    validateTruncation(truncation, 'truncation');
  } catch (err) {
    throw new ModelDirectoryError(file, (err as Error).message.replace(/^truncation: /, ''), {
      key: 'truncation',
      cause: err,
    });
  }
}

// A training record's fields; with `trees`, also that it describes a model of that many trees.
function checkTraining(file: string, training: unknown, trees?: number): void {
  const fail = (key: string, problem: string): never => {
    throw new ModelDirectoryError(file, problem, { key: `training${key}` });
  };
  const count = (value: unknown, key: string, min: number, max = Number.MAX_SAFE_INTEGER, what = ''): void => {
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max)
      fail(
        key,
        `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}${what}, got ` +
          `${describe(value)}`,
      );
  };
  if (!isObject(training)) return fail('', `must be an object, got ${describe(training)}`);
  count(training.trees, '.trees', 1);
  if (trees !== undefined && training.trees !== trees)
    fail('.trees', `must be the model's ${trees} trees, got ${describe(training.trees)}`);
  const kept = training.trees as number;
  count(training.bestIteration, '.bestIteration', 0, kept - 1, ` (a round of the ${kept} trees)`);
  const early = training.earlyStopping;
  if (early === undefined) return;
  if (!isObject(early)) return fail('.earlyStopping', `must be an object, got ${describe(early)}`);
  count(early.rounds, '.earlyStopping.rounds', 1);
  if (typeof early.metric !== 'string' || early.metric === '')
    fail('.earlyStopping.metric', `must be a metric name such as "validation-auc", got ${describe(early.metric)}`);
  if (!Number.isFinite(early.bestScore))
    fail('.earlyStopping.bestScore', `must be a finite number, got ${describe(early.bestScore)}`);
  count(early.roundsTrained, '.earlyStopping.roundsTrained', kept);
}

function checkSchema(file: string, json: unknown, booster: Booster): FeatureSchema {
  let schema: FeatureSchema;
  try {
    schema = parseFeatureSchema(json);
  } catch (err) {
    throw new ModelDirectoryError(file, (err as Error).message, { cause: err });
  }
  if (schema.featureNames.length !== booster.numFeature) {
    throw new ModelDirectoryError(
      file,
      `has ${schema.featureNames.length} features but the model takes ${booster.numFeature}: the schema is not ` +
        `the one the model was trained on`,
    );
  }
  return schema;
}

function loadModelBytes(file: string, bytes: Uint8Array, limits?: TarGzLimits): Booster {
  try {
    return Booster.fromTarGz(bytes, limits);
  } catch (err) {
    throw new ModelDirectoryError(file, `is not a readable model.tar.gz: ${(err as Error).message}`, { cause: err });
  }
}

function toSavedJSON(point: OperatingPoint | SavedOperatingPoint): unknown {
  const validation =
    typeof (point.validation as { toJSON?: unknown }).toJSON === 'function'
      ? (point.validation as { toJSON(): ConfusionMatrixJSON }).toJSON()
      : point.validation;
  return {
    rule: point.rule,
    threshold: Number.isFinite(point.threshold) ? point.threshold : null,
    chosenOn: point.chosenOn,
    validation,
  };
}

function parseOperatingPoints(file: string, json: unknown): SavedOperatingPoint[] {
  if (!Array.isArray(json))
    throw new ModelDirectoryError(file, `must be an array of operating points, got ${describe(json)}`);
  return json.map((raw: unknown, i) => {
    const fail = (key: string, problem: string): never => {
      throw new ModelDirectoryError(file, problem, { key: `[${i}]${key}` });
    };
    if (!isObject(raw)) return fail('', `must be an object, got ${describe(raw)}`);
    const rule = raw.rule;
    const ruleOk =
      isObject(rule) &&
      ((typeof rule.maxFalsePositiveRate === 'number' &&
        rule.maxFalsePositiveRate >= 0 &&
        rule.maxFalsePositiveRate <= 1) ||
        (typeof rule.threshold === 'number' && Number.isFinite(rule.threshold)) ||
        rule.bestF1 === true);
    if (!ruleOk)
      fail('.rule', `must be { maxFalsePositiveRate }, { threshold } or { bestF1: true }, got ${describe(rule)}`);
    const threshold = raw.threshold === null ? Infinity : raw.threshold;
    if (typeof threshold !== 'number' || Number.isNaN(threshold))
      fail('.threshold', `must be a number (null: flag nothing), got ${describe(raw.threshold)}`);
    if (raw.chosenOn !== 'validation' && raw.chosenOn !== 'out-of-fold')
      fail('.chosenOn', `must be "validation" or "out-of-fold", got ${describe(raw.chosenOn)}`);
    if (!isObject(raw.validation))
      fail('.validation', `must be a confusion matrix object, got ${describe(raw.validation)}`);
    return {
      rule: rule as OperatingRule,
      threshold: threshold as number,
      chosenOn: raw.chosenOn as OperatingPointSource,
      validation: raw.validation as unknown as ConfusionMatrixJSON,
    };
  });
}

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new ModelDirectoryError(
      file,
      `${what} cannot be read: ` +
        `${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is missing' : (err as Error).message}`,
      { cause: err },
    );
  }
}

async function readJSON(file: string, what: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new ModelDirectoryError(
      file,
      `${what} cannot be read: ` +
        `${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file is missing' : (err as Error).message}`,
      { cause: err },
    );
  }
  if (size > MAX_JSON_BYTES)
    throw new ModelDirectoryError(
      file,
      `is ${size} bytes, more than a model directory's JSON files may be (${MAX_JSON_BYTES})`,
    );
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelDirectoryError(
      `${file}${jsonPosition(text, (err as Error).message)}`,
      `is not valid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

// JSON.parse names a character offset ("at position 12"); the error names line:column instead.
function jsonPosition(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `:${lineColumn[1]}:${lineColumn[2]}`;
  const at = /position (\d+)/.exec(message);
  if (!at) return '';
  const offset = Number(at[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `:${line}:${offset - before.lastIndexOf('\n')}`;
}

async function writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.partial`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
