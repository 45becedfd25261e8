import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { Booster } from '../model/booster.js';
import { type FeatureSchema, parseFeatureSchema } from '../sessions/feature-schema.js';
import { LiveScorer, type LiveScorerOptions } from '../serve/live-scorer.js';
import { type LivePolicy, type LivePolicyFigures, checkLivePolicy } from './live-policy.js';

/** One model of a {@link LiveDetector}: its name (carried by alerts), the booster and what it was trained on. */
export interface LiveDetectorModel {
  readonly name: string;
  readonly booster: Booster;
  /** What it was trained on, in words (`every prefix of 1–40 events, each session weighing 1`). */
  readonly trainedOn: string;
}

/** The parts of a {@link LiveDetector}. */
export interface LiveDetectorParts {
  readonly schema: FeatureSchema;
  readonly models: readonly LiveDetectorModel[];
  readonly policy: LivePolicy;
  /** The policy's figures on the held-out validation sessions it was chosen on. */
  readonly validation: LivePolicyFigures;
}

/**
 * Options of {@link LiveDetector.createScorer}: the scorer's run-time behaviour; the models, schema and policy come
 * from the detector.
 */
export type DetectorScorerOptions = Omit<
  LiveScorerOptions,
  'model' | 'models' | 'schema' | 'threshold' | 'sustain' | 'minEvents'
>;

/** The file a saved detector is described by. */
export const DETECTOR_FILE = 'detector.json';
const FORMAT = 'sessionsentry-live-detector';

/**
 * Models and the live alert policy calibrated for them: what `trainLiveDetector` returns and the
 * recommended way to go live. `createScorer()` gives a {@link LiveScorer} at the policy;
 * `replay(testLog, detector.createScorer())` is the honest test on sessions neither the models nor
 * the policy saw. `save(dir)` / `LiveDetector.load(dir)` keep it as a folder: `detector.json`
 * (the policy, its validation figures, the models' files), `features.json` (the schema) and one
 * XGBoost JSON model per model (`<name>.json`, loadable by XGBoost itself).
 *
 * @example
 * ```ts
 * const detector = await trainLiveDetector(trainLog, { maxFalseAlertsPer10k: 10 });
 * detector.validation; // { recall: 0.97, falseAlertsPer10k: 8.1, eventsToFirstAlert: { median: 3, … }, … }
 * const report = replay(testLog, detector.createScorer());
 * await detector.save('models/live');
 * const again = await LiveDetector.load('models/live');
 * ```
 */
export class LiveDetector implements LiveDetectorParts {
  readonly schema: FeatureSchema;
  readonly models: readonly LiveDetectorModel[];
  readonly policy: LivePolicy;
  readonly validation: LivePolicyFigures;

  constructor(parts: LiveDetectorParts) {
    const where = 'LiveDetector';
    const { schema, models, policy, validation } = parts;
    checkLivePolicy(policy, where);
    if (!Array.isArray(models) || models.length !== policy.models.length)
      throw new InvalidArgumentError(
        where,
        'models',
        models,
        `${policy.models.length} models, one per model of the policy`,
      );
    models.forEach((m, i) => {
      if (m.name !== policy.models[i]!.name)
        throw new InvalidArgumentError(where, `models[${i}].name`, m.name, JSON.stringify(policy.models[i]!.name));
      if (m.booster.numFeature !== schema.featureNames.length)
        throw new InvalidArgumentError(
          where,
          `models[${i}].booster.numFeature`,
          m.booster.numFeature,
          `${schema.featureNames.length}, the schema's feature count`,
        );
    });
    this.schema = schema;
    this.models = models;
    this.policy = policy;
    this.validation = validation;
  }

  /**
   * A fresh {@link LiveScorer} holding the detector's models at its policy.
   *
   * @example
   * ```ts
   * const scorer = detector.createScorer({ onAlert: (a) => block(a.customer) });
   * ```
   */
  createScorer(options: DetectorScorerOptions = {}): LiveScorer {
    const { policy } = this;
    return new LiveScorer({
      ...options,
      schema: this.schema,
      sustain: policy.sustain,
      minEvents: policy.minEvents,
      models: this.models.map((m, i) => ({ name: m.name, model: m.booster, threshold: policy.models[i]!.threshold })),
    });
  }

  /**
   * Writes the detector into a folder (created if needed).
   *
   * @example
   * ```ts
   * await detector.save('.demo/out/live');
   * ```
   */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const files = this.models.map((m) => ({ name: m.name, file: `${fileSafe(m.name)}.json`, trainedOn: m.trainedOn }));
    await Promise.all(this.models.map((m, i) => writeFile(path.join(dir, files[i]!.file), m.booster.toJSON())));
    await writeFile(path.join(dir, 'features.json'), `${JSON.stringify(this.schema, null, 2)}\n`);
    const description = {
      format: FORMAT,
      version: 1,
      features: 'features.json',
      models: files,
      policy: this.policy,
      validation: this.validation,
    };
    await writeFile(
      path.join(dir, DETECTOR_FILE),
      `${JSON.stringify(description, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    );
  }

  /**
   * Reads a detector saved by {@link LiveDetector.save}. Every file is checked (the policy, the
   * schema, each model as an untrusted model file, and that they fit together).
   *
   * @example
   * ```ts
   * const detector = await LiveDetector.load('models/live');
   * const scorer = detector.createScorer();
   * ```
   */
  static async load(dir: string): Promise<LiveDetector> {
    const where = `LiveDetector.load(${JSON.stringify(dir)})`;
    const file = path.join(dir, DETECTOR_FILE);
    let description: {
      format?: unknown;
      version?: unknown;
      features?: unknown;
      models?: unknown;
      policy?: unknown;
      validation?: unknown;
    };
    try {
      description = JSON.parse(await readFile(file, 'utf8')) as typeof description;
    } catch (cause) {
      throw new InvalidArgumentError(where, DETECTOR_FILE, file, 'a readable detector description (JSON)', { cause });
    }
    if (description?.format !== FORMAT || description.version !== 1)
      throw new InvalidArgumentError(
        where,
        `${DETECTOR_FILE} format`,
        `${String(description?.format)} v${String(description?.version)}`,
        `"${FORMAT}" version 1`,
      );
    const inside = (name: unknown, what: string): string => {
      if (typeof name !== 'string' || name.length === 0 || path.isAbsolute(name) || name.split(/[\\/]/).includes('..'))
        throw new InvalidArgumentError(where, what, name, 'a file name inside the folder');
      return path.join(dir, name);
    };
    const schema = parseFeatureSchema(JSON.parse(await readFile(inside(description.features, 'features'), 'utf8')));
    const policy = checkLivePolicy(description.policy as LivePolicy, where);
    if (!Array.isArray(description.models))
      throw new InvalidArgumentError(where, 'models', description.models, 'an array of { name, file, trainedOn }');
    const models = await Promise.all(
      (description.models as { name?: unknown; file?: unknown; trainedOn?: unknown }[]).map(async (m, i) => ({
        name: String(m?.name),
        booster: await Booster.loadFile(inside(m?.file, `models[${i}].file`)),
        trainedOn: typeof m?.trainedOn === 'string' ? m.trainedOn : '',
      })),
    );
    return new LiveDetector({ schema, models, policy, validation: reviveFigures(description.validation) });
  }
}

/** Validation figures as saved: JSON has no NaN (a quantile of nothing), so `null` comes back as NaN. */
function reviveFigures(saved: unknown): LivePolicyFigures {
  return JSON.parse(JSON.stringify(saved ?? {}), (_, v: unknown) => (v === null ? Number.NaN : v)) as LivePolicyFigures;
}

function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
