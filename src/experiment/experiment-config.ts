import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, isNode, parseDocument, visit } from 'yaml';
import { SEED_LOG_SCHEMA, validateSchema, type LogSchema } from '../events/log-schema.js';
import { isS3Uri, parseS3Uri, resolveLocation } from '../events/s3-uri.js';
import type { OperatingRule } from '../eval/operating-point.js';
import { DEFAULT_FEATURES, type FeatureGroups } from '../sessions/feature-schema.js';
import { ORIGINAL_JOB_NAMES, standardJobs, type Job } from '../sessions/job-grid.js';
import { validateTruncation, type Truncation } from '../sessions/truncation.js';
import { SEED_HYPERPARAMETERS } from '../train/default-hyperparameters.js';
import { earlyStoppingIgnored } from '../train/container-early-stopping.js';
import type { Hyperparameters } from '../train/hyperparameters.js';
import { type SearchSpace, SearchSpaceError, resolveSearchSpace } from '../tune/search-space.js';
import type { SearchStrategy } from '../tune/search-strategy.js';
import type { TuneObjective } from '../tune/tune-hyperparameters.js';
import { ExperimentConfigError } from './experiment-errors.js';
import type { BackendSpec, ExperimentSpec } from './experiment-spec.js';

/**
 * The user's training files, as the synthetic generator names them.
 *
 * @example
 * ```ts
 * DEFAULT_TRAIN_FILES.map((f) => path.join('data', f));
 * ```
 */
export const DEFAULT_TRAIN_FILES: readonly string[] = Object.freeze([
  'known-attacker.txt',
  'mixed-1.txt',
  'mixed-2.txt',
  'mixed-3.txt',
]);
/**
 * The user's separate test day.
 *
 * @example
 * ```ts
 * path.join('data', DEFAULT_TEST_FILE); // 'data/single.txt'
 * ```
 */
export const DEFAULT_TEST_FILE = 'single.txt';
/**
 * The operating points of the demo: at most 5% and at most 0.5% false positives, chosen on validation data.
 *
 * @example
 * ```ts
 * DEFAULT_OPERATING_POINTS[0]; // { maxFalsePositiveRate: 0.05 }
 * ```
 */
export const DEFAULT_OPERATING_POINTS: readonly OperatingRule[] = Object.freeze([
  { maxFalsePositiveRate: 0.05 },
  { maxFalsePositiveRate: 0.005 },
]);
/**
 * Session prefixes of the "caught after n events" curves.
 *
 * @example
 * ```ts
 * parseExperimentConfig({}).eventsSeen === DEFAULT_EVENTS_SEEN; // true
 * ```
 */
export const DEFAULT_EVENTS_SEEN: readonly number[] = Object.freeze([1, 2, 3, 5, 10, 15, 20, 30, 50]);

/**
 * The default live section of an experiment: policies calibrated for at most 10 innocent sessions
 * ever alerted per 10 000.
 *
 * @example
 * ```ts
 * parseExperimentConfig({}).live; // { maxFalseAlertsPer10k: 10, calibration: 'holdout' }
 * ```
 */
export const DEFAULT_LIVE: { readonly maxFalseAlertsPer10k: number; readonly calibration: 'holdout' } = Object.freeze({
  maxFalseAlertsPer10k: 10,
  calibration: 'holdout',
});

/** Options of {@link parseExperimentConfig}. */
export interface ParseExperimentConfigOptions {
  /** Folder relative paths (data files, `output`) are resolved against. Default: the current folder. */
  readonly baseDir?: string;
  /** The file the document came from, named in errors. */
  readonly file?: string;
  /** Finds the line and column of a key path in the source, for errors. */
  readonly locate?: (
    keyPath: readonly (string | number)[],
  ) => { readonly line: number; readonly column: number } | undefined;
}

const TOP_KEYS = [
  'name',
  'data',
  'schema',
  'truncations',
  'features',
  'split',
  'hyperparameters',
  'backend',
  'operatingPoints',
  'eventsSeen',
  'live',
  'tune',
  'output',
] as const;

/**
 * Validates an experiment document (parsed JSON or YAML) and fills its defaults, giving an
 * {@link ExperimentSpec}. Every key is checked; an unknown key or a bad value is an
 * {@link ExperimentConfigError} naming the key path, the value, what was expected and, with
 * `locate`, the line. Keys and defaults:
 *
 * | key | default |
 * |---|---|
 * | `name` | `'partial-sessions'` (letters, digits, hyphens) |
 * | `data.dir` | the config's folder; `data.train` and `data.test` are relative to it |
 * | `data.train` | `[known-attacker.txt, mixed-1.txt, mixed-2.txt, mixed-3.txt]` |
 * | `data.test` | `single.txt` |
 * | `schema` | `{ session: SessionNo, time: LogTime, action: Act, label: BadActor }` (see `LogSchema`) |
 * | `truncations` | `[drop0, drop20, first5, first10, last5, last10]`: names of `standardJobs`, or `{ name, truncation: { kind, … } }` |
 * | `features` | `{ counts: true, timing: true, bigrams: false, shares: false }` (`bigrams: { topK: 20 }`) |
 * | `split` | `{ train: 0.8, validation: 0.2, seed: 42 }` (of the training sessions) |
 * | `hyperparameters` | the seed notebook's (`max_depth: 5, eta: 0.2, …, num_round: 50`), merged under these; `early_stopping_rounds` (with `eval_metric`) stops each job on its validation part as SageMaker's container does |
 * | `backend` | `{ kind: local }`, or `{ kind: sagemaker, role, bucket, region?, prefix?, instanceType?, endpointInstanceType? }` |
 * | `operatingPoints` | `[{ maxFalsePositiveRate: 0.05 }, { maxFalsePositiveRate: 0.005 }]`; also `{ threshold }`, `{ bestF1: true }` |
 * | `eventsSeen` | `[1, 2, 3, 5, 10, 15, 20, 30, 50]` |
 * | `live` | `{ maxFalseAlertsPer10k: 10, calibration: holdout }` (or `calibration: { folds: 5 }`, out of fold): live policies and the live detector (`false` turns them off) |
 * | `tune` | none; `{ space, strategy?, trials?, objective?, nfold?, rounds?, earlyStoppingRounds?, seed? }`: a hyperparameter search by cross-validation before training, its best hyperparameters used by every job (`objective`: `logloss` (default), `auc`, `error` or `{ recallAtFalsePositiveRate: 0.001 }`) |
 * | `output` | `out` |
 *
 * @example
 * ```ts
 * const spec = parseExperimentConfig(
 *   { data: { dir: '.demo/data' }, truncations: ['drop0', 'first10'], hyperparameters: { num_round: 20 } },
 * );
 * spec.jobs.map((j) => j.name); // ['drop0', 'first10']
 * ```
 */
export function parseExperimentConfig(document: unknown, options: ParseExperimentConfigOptions = {}): ExperimentSpec {
  const { baseDir = '.', file, locate } = options;
  const fail = (keyPath: readonly (string | number)[], problem: string, cause?: unknown): never => {
    const at = locate?.(keyPath);
    throw new ExperimentConfigError(
      {
        key: keyName(keyPath),
        problem,
        ...(file !== undefined ? { file } : {}),
        ...(at ? { line: at.line, column: at.column } : {}),
      },
      cause === undefined ? undefined : { cause },
    );
  };
  const doc = document ?? {};
  if (!isRecord(doc)) return fail([], `must be a mapping of keys (${TOP_KEYS.join(', ')}), got ${kindOf(doc)}`);
  checkKeys(doc, TOP_KEYS, [], fail);

  const name = optional(doc, 'name', 'partial-sessions', (v) =>
    typeof v === 'string' && /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(v)
      ? v
      : fail(['name'], `must be 1–32 letters, digits or hyphens (alphanumeric at both ends), got ${show(v)}`),
  );

  const data = optional(doc, 'data', {}, (v) =>
    isRecord(v) ? v : fail(['data'], `must be a mapping with train, test and dir, got ${kindOf(v)}`),
  );
  checkKeys(data, ['dir', 'train', 'test'], ['data'], fail);
  // A location is a local path or an S3 URI (a log object, or a prefix ending in / for every object under it).
  const location = (v: unknown, at: readonly (string | number)[], what: string): string => {
    if (typeof v !== 'string' || v === '') return fail([...at], `must be ${what}, got ${show(v)}`);
    if (isS3Uri(v)) {
      try {
        parseS3Uri(v);
      } catch (err) {
        return fail([...at], `must be ${what}: ${v} is not of the form s3://bucket/key`, err);
      }
    }
    return v;
  };
  const dataDir = resolveLocation(
    baseDir,
    optional(data, 'dir', '.', (v) => location(v, ['data', 'dir'], 'a folder path or an S3 prefix')),
  );
  const trainFiles = optional(data, 'train', DEFAULT_TRAIN_FILES, (v) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0)
      return fail(['data', 'train'], `must be a file path or a non-empty list of them, got ${show(v)}`);
    return list.map((f, i) => location(f, ['data', 'train', i], 'a file path or an S3 URI'));
  });
  const testFile = optional(data, 'test', DEFAULT_TEST_FILE, (v) =>
    location(v, ['data', 'test'], 'a file path or an S3 URI'),
  );

  const schema = optional(doc, 'schema', SEED_LOG_SCHEMA, (v): LogSchema => {
    if (!isRecord(v))
      return fail(['schema'], `must be a mapping (session, action, time, label, keep, order), got ${kindOf(v)}`);
    checkKeys(v, ['session', 'action', 'time', 'label', 'labelValues', 'keep', 'order'], ['schema'], fail);
    try {
      return validateSchema(v as unknown as LogSchema, 'schema');
    } catch (err) {
      return fail(['schema'], err instanceof Error ? err.message.replace(/^schema: /, '') : String(err), err);
    }
  });

  const jobs =
    optional(doc, 'truncations', undefined, (v): Job[] => {
      if (!Array.isArray(v) || v.length === 0)
        return fail(
          ['truncations'],
          `must be a non-empty list of job names or { name, truncation } mappings, got ${show(v)}`,
        );
      const seen = new Set<string>();
      return v.map((item, i): Job => {
        let job: Job;
        if (typeof item === 'string') {
          try {
            job = standardJobs({ names: [item], seed: 0 })[0]!;
          } catch (err) {
            return fail(
              ['truncations', i],
              `must be a standard job name (${standardJobs()
                .map((j) => j.name)
                .join(', ')}) or { name, truncation }, got ${show(item)}`,
              err,
            );
          }
        } else if (isRecord(item)) {
          checkKeys(item, ['name', 'truncation'], ['truncations', i], fail);
          if (typeof item.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(item.name))
            return fail(['truncations', i, 'name'], `must be letters, digits or hyphens, got ${show(item.name)}`);
          try {
            validateTruncation(item.truncation as Truncation, 'truncation');
          } catch (err) {
            return fail(
              ['truncations', i, 'truncation'],
              `is not a truncation: ${err instanceof Error ? err.message : String(err)}`,
              err,
            );
          }
          job = { name: item.name, truncation: item.truncation as Truncation };
        } else {
          return fail(['truncations', i], `must be a job name or { name, truncation }, got ${kindOf(item)}`);
        }
        if (seen.has(job.name)) return fail(['truncations', i], `repeats the job name ${show(job.name)}`);
        seen.add(job.name);
        return job;
      });
    }) ?? standardJobs({ names: ORIGINAL_JOB_NAMES });

  const features = optional(doc, 'features', DEFAULT_FEATURES, (v): FeatureGroups => {
    if (!isRecord(v))
      return fail(['features'], `must be a mapping (counts, timing, bigrams, shares), got ${kindOf(v)}`);
    checkKeys(v, ['counts', 'timing', 'bigrams', 'shares'], ['features'], fail);
    const flag = (key: 'counts' | 'timing' | 'shares'): boolean =>
      optional(v, key, DEFAULT_FEATURES[key], (x) =>
        typeof x === 'boolean' ? x : fail(['features', key], `must be true or false, got ${show(x)}`),
      );
    const bigrams = optional(v, 'bigrams', DEFAULT_FEATURES.bigrams, (x): FeatureGroups['bigrams'] => {
      if (x === false) return false;
      if (isRecord(x) && Number.isInteger(x.topK) && (x.topK as number) > 0 && Object.keys(x).length === 1)
        return { topK: x.topK as number };
      return fail(['features', 'bigrams'], `must be false or { topK: <positive integer> }, got ${show(x)}`);
    });
    return { counts: flag('counts'), timing: flag('timing'), bigrams, shares: flag('shares') };
  });

  const split = optional(doc, 'split', { train: 0.8, validation: 0.2, seed: 42 }, (v) => {
    if (!isRecord(v)) return fail(['split'], `must be a mapping (train, validation, seed), got ${kindOf(v)}`);
    checkKeys(v, ['train', 'validation', 'seed'], ['split'], fail);
    const fraction = (key: 'train' | 'validation', fallback: number): number =>
      optional(v, key, fallback, (x) =>
        typeof x === 'number' && x > 0 && x < 1
          ? x
          : fail(['split', key], `must be a number in (0, 1), got ${show(x)}`),
      );
    const train = fraction('train', v.validation === undefined ? 0.8 : 1 - (v.validation as number));
    const validation = fraction('validation', 1 - train);
    if (Math.abs(train + validation - 1) > 1e-9)
      fail(['split'], `train + validation must be 1, got ${train} + ${validation}`);
    const seed = optional(v, 'seed', 42, (x) =>
      Number.isSafeInteger(x) ? (x as number) : fail(['split', 'seed'], `must be an integer, got ${show(x)}`),
    );
    return { train, validation, seed };
  });

  const hyperparameters = optional(doc, 'hyperparameters', {}, (v): Hyperparameters => {
    if (!isRecord(v))
      return fail(['hyperparameters'], `must be a mapping of XGBoost hyperparameters, got ${kindOf(v)}`);
    for (const [key, value] of Object.entries(v)) {
      if (
        !(
          typeof value === 'string' ||
          typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isFinite(value))
        )
      )
        fail(['hyperparameters', key], `must be a number, string or boolean, got ${show(value)}`);
    }
    // Every job has a validation part (split.validation > 0), so only the metric can be missing.
    const ignored = earlyStoppingIgnored(v as Hyperparameters, true);
    if (ignored !== undefined)
      fail(['hyperparameters', 'early_stopping_rounds'], ignored.replace(/^early_stopping_rounds /, ''));
    return v as Hyperparameters;
  });

  const backend = optional(doc, 'backend', { kind: 'local' } as BackendSpec, (v): BackendSpec => {
    const spec = typeof v === 'string' ? { kind: v } : v;
    if (!isRecord(spec)) return fail(['backend'], `must be local, sagemaker, or a mapping with kind, got ${kindOf(v)}`);
    if (spec.kind === 'local') {
      checkKeys(spec, ['kind', 'workers'], ['backend'], fail);
      if (spec.workers === undefined) return { kind: 'local' };
      if (!Number.isInteger(spec.workers) || (spec.workers as number) < 1)
        return fail(['backend', 'workers'], `must be a positive integer, got ${show(spec.workers)}`);
      return { kind: 'local', workers: spec.workers as number };
    }
    if (spec.kind === 'sagemaker') {
      checkKeys(
        spec,
        ['kind', 'role', 'bucket', 'region', 'prefix', 'instanceType', 'endpointInstanceType'],
        ['backend'],
        fail,
      );
      const text = (key: string, required: boolean): string | undefined => {
        const x = spec[key];
        if (x === undefined && !required) return undefined;
        return typeof x === 'string' && x !== ''
          ? x
          : fail(
              ['backend', key],
              `must be a non-empty string${required ? ' (required for sagemaker)' : ''}, got ${show(x)}`,
            );
      };
      const out: Record<string, string> = {
        kind: 'sagemaker',
        role: text('role', true)!,
        bucket: text('bucket', true)!,
      };
      for (const key of ['region', 'prefix', 'instanceType', 'endpointInstanceType']) {
        const x = text(key, false);
        if (x !== undefined) out[key] = x;
      }
      return out as unknown as BackendSpec;
    }
    return fail(['backend', 'kind'], `must be local or sagemaker, got ${show(spec.kind)}`);
  });

  const operatingPoints = optional(doc, 'operatingPoints', DEFAULT_OPERATING_POINTS, (v): OperatingRule[] => {
    if (!Array.isArray(v) || v.length === 0)
      return fail(['operatingPoints'], `must be a non-empty list of rules, got ${show(v)}`);
    return v.map((rule, i): OperatingRule => {
      if (isRecord(rule) && Object.keys(rule).length === 1) {
        if (
          typeof rule.maxFalsePositiveRate === 'number' &&
          rule.maxFalsePositiveRate >= 0 &&
          rule.maxFalsePositiveRate <= 1
        )
          return { maxFalsePositiveRate: rule.maxFalsePositiveRate };
        if (typeof rule.threshold === 'number' && rule.threshold >= 0 && rule.threshold <= 1)
          return { threshold: rule.threshold };
        if (rule.bestF1 === true) return { bestF1: true };
      }
      return fail(
        ['operatingPoints', i],
        `must be { maxFalsePositiveRate: <0..1> }, { threshold: <0..1> } or { bestF1: true }, got ${show(rule)}`,
      );
    });
  });

  const eventsSeen = optional(doc, 'eventsSeen', DEFAULT_EVENTS_SEEN, (v): number[] => {
    if (!Array.isArray(v)) return fail(['eventsSeen'], `must be a list of positive integers, got ${show(v)}`);
    return v.map((n, i) =>
      Number.isInteger(n) && (n as number) > 0
        ? (n as number)
        : fail(['eventsSeen', i], `must be a positive integer, got ${show(n)}`),
    );
  });
  const live = optional(doc, 'live', DEFAULT_LIVE, (v): ExperimentSpec['live'] => {
    if (v === false || v === null) return null;
    if (!isRecord(v)) return fail(['live'], `must be { maxFalseAlertsPer10k } or false, got ${show(v)}`);
    checkKeys(v, ['maxFalseAlertsPer10k', 'calibration'], ['live'], fail);
    const budget = optional(v, 'maxFalseAlertsPer10k', DEFAULT_LIVE.maxFalseAlertsPer10k, (x) =>
      typeof x === 'number' && x > 0 && x <= 10_000
        ? x
        : fail(
            ['live', 'maxFalseAlertsPer10k'],
            `must be a number of false alerts per 10 000 innocent sessions in (0, 10 000], got ${show(x)}`,
          ),
    );
    const calibration = optional(v, 'calibration', DEFAULT_LIVE.calibration, (x): 'holdout' | { folds: number } => {
      if (x === 'holdout') return x;
      if (
        isRecord(x) &&
        Object.keys(x).length === 1 &&
        Number.isInteger(x.folds) &&
        (x.folds as number) >= 2 &&
        (x.folds as number) <= 20
      )
        return { folds: x.folds as number };
      return fail(['live', 'calibration'], `must be holdout or { folds: <2..20> }, got ${show(x)}`);
    });
    return { maxFalseAlertsPer10k: budget, calibration };
  });
  const tune = optional(doc, 'tune', null, (v): ExperimentSpec['tune'] => {
    if (v === false || v === null) return null;
    if (!isRecord(v))
      return fail(
        ['tune'],
        `must be { space, strategy?, trials?, objective?, nfold?, rounds?, earlyStoppingRounds?, seed? }, got ${show(v)}`,
      );
    checkKeys(
      v,
      ['space', 'strategy', 'trials', 'objective', 'nfold', 'rounds', 'earlyStoppingRounds', 'seed'],
      ['tune'],
      fail,
    );
    if (!isRecord(v.space))
      return fail(['tune', 'space'], `must be a mapping of hyperparameter → list or range, got ${show(v.space)}`);
    const space = v.space as SearchSpace;
    try {
      resolveSearchSpace(space, 'space');
    } catch (err) {
      if (!(err instanceof SearchSpaceError)) throw err;
      const key = err.hyperparameter === '' ? ['tune', 'space'] : ['tune', 'space', err.hyperparameter];
      return fail(key, err.message.replace(/^space(\.[^:]*)?: /, ''), err);
    }
    const strategy = optional(
      v,
      'strategy',
      undefined,
      (x): SearchStrategy =>
        x === 'grid' || x === 'random' ? x : fail(['tune', 'strategy'], `must be grid or random, got ${show(x)}`),
    );
    const range = Object.entries(space).find(([, d]) => !Array.isArray(d));
    if (strategy === 'grid' && range)
      fail(['tune', 'space', range[0]], 'must be a list of values for strategy grid (ranges are for random)');
    const positive = (key: string, fallback: number | undefined, min = 1): number | undefined =>
      optional(v, key, fallback, (x) =>
        Number.isSafeInteger(x) && (x as number) >= min
          ? (x as number)
          : fail(['tune', key], `must be an integer ≥ ${min}, got ${show(x)}`),
      );
    const objective = optional(v, 'objective', 'logloss' as TuneObjective, (x): TuneObjective => {
      if (x === 'logloss' || x === 'auc' || x === 'error') return x;
      if (
        isRecord(x) &&
        Object.keys(x).length === 1 &&
        typeof x.recallAtFalsePositiveRate === 'number' &&
        x.recallAtFalsePositiveRate >= 0 &&
        x.recallAtFalsePositiveRate <= 1
      )
        return { recallAtFalsePositiveRate: x.recallAtFalsePositiveRate };
      return fail(
        ['tune', 'objective'],
        `must be logloss, auc, error or { recallAtFalsePositiveRate: <0..1> }, got ${show(x)}`,
      );
    });
    return {
      space,
      strategy,
      trials: positive('trials', undefined),
      objective,
      nfold: positive('nfold', 5, 2)!,
      rounds: positive('rounds', undefined),
      earlyStoppingRounds: positive('earlyStoppingRounds', 10)!,
      seed: positive('seed', 0, 0)!,
    };
  });
  const outDir = resolveLocation(
    baseDir,
    optional(doc, 'output', 'out', (v) => location(v, ['output'], 'a folder path or an S3 prefix')),
  );

  return {
    name,
    train: trainFiles.map((f) => resolveLocation(dataDir, f)),
    test: resolveLocation(dataDir, testFile),
    schema,
    jobs,
    features,
    split,
    hyperparameters: { ...SEED_HYPERPARAMETERS, ...hyperparameters },
    backend,
    operatingPoints,
    eventsSeen,
    live,
    tune,
    outDir,
  };
}

/**
 * Reads an experiment file (`.yaml`, `.yml` or `.json`; YAML is read by the `yaml` package, which
 * also reads JSON) and validates it with {@link parseExperimentConfig}: relative paths are
 * resolved against the file's folder, and errors name the file, line, column and key.
 *
 * @throws ExperimentConfigError for a syntax error (with its line) or a bad key.
 * @example
 * ```ts
 * const spec = await readExperimentConfig('experiments/partial-sessions.yaml');
 * const result = await runPartialSessionExperiment(spec);
 * ```
 */
export async function readExperimentConfig(file: string): Promise<ExperimentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ExperimentConfigError(
      { key: '', problem: `cannot be read: ${err instanceof Error ? err.message : String(err)}`, file },
      { cause: err },
    );
  }
  return parseExperimentText(text, { file, baseDir: path.dirname(path.resolve(file)) });
}

/**
 * Parses and validates experiment text (YAML or JSON) with {@link parseExperimentConfig}, locating
 * errors in the text.
 *
 * @example
 * ```ts
 * parseExperimentText('truncations: [drop0, first5]\nsplit: { seed: 7 }\n', { file: 'inline.yaml' });
 * ```
 */
export function parseExperimentText(
  text: string,
  options: { readonly file?: string; readonly baseDir?: string } = {},
): ExperimentSpec {
  const { file = 'experiment config', baseDir = '.' } = options;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ExperimentConfigError(
      {
        key: '',
        problem: `is not valid YAML/JSON: ${first.message.split('\n')[0]}`,
        file,
        line: pos.line,
        column: pos.col,
      },
      { cause: first },
    );
  }
  const locate = (keyPath: readonly (string | number)[]): { line: number; column: number } | undefined => {
    for (let n = keyPath.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(keyPath.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return undefined;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (err) {
    // The yaml package refuses an alias bomb with a bare ReferenceError, before expanding it.
    if (!(err instanceof ReferenceError)) throw err;
    let at: { line: number; col: number } | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (node.range) at = lineCounter.linePos(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new ExperimentConfigError(
      {
        key: '',
        problem:
          `expands YAML aliases (*name) beyond the limit of ${MAX_YAML_ALIAS_COUNT} (an alias bomb?); the first ` +
          `alias is here`,
        file,
        line: at?.line,
        column: at?.col,
      },
      { cause: err },
    );
  }
  return parseExperimentConfig(value, { file, baseDir, locate });
}

/**
 * How many aliases (`*name`) an experiment file may expand, counting nested ones as often as they
 * are copied (the `yaml` package's `maxAliasCount`). A "billion laughs" file fails at once with an
 * {@link ExperimentConfigError} instead of expanding.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return Array.isArray(v)
    ? 'a list'
    : v === null
      ? 'null'
      : typeof v === 'object'
        ? 'a mapping'
        : `${typeof v} ${show(v)}`;
}

function show(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function keyName(keyPath: readonly (string | number)[]): string {
  return keyPath.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function optional<T>(record: Record<string, unknown>, key: string, fallback: T, check: (value: unknown) => T): T {
  return record[key] === undefined ? fallback : check(record[key]);
}

function checkKeys(
  record: Record<string, unknown>,
  allowed: readonly string[],
  at: readonly (string | number)[],
  fail: (keyPath: readonly (string | number)[], problem: string) => never,
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) fail([...at, key], `is not a known key (known: ${allowed.join(', ')})`);
  }
}
