import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Booster } from '../model/booster.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { parseFeatureSchema } from '../sessions/feature-schema.js';
import { UsageError } from './cli-io.js';

/** A model ready to score logs: the booster, the feature schema it was trained on, and its saved thresholds. */
export interface ModelBundle {
  readonly booster: Booster;
  /** `undefined` only when loaded with `schema: 'optional'` and no schema was found. */
  readonly schema: FeatureSchema | undefined;
  /** The first saved operating point's threshold (`operating-points.json`), when there is one. */
  readonly threshold: number | undefined;
  readonly modelFile: string;
}

/**
 * Loads a model for scoring: either a job folder as the experiment writes it
 * (`models/<job>/{model.tar.gz, features.json, operating-points.json}`), or a model file (any
 * format) with `featuresFile` naming its `features.json`.
 *
 * @example
 * ```ts
 * const { booster, schema, threshold } = await loadModelBundle('.demo/out/models/first10');
 * ```
 */
export async function loadModelBundle(modelPath: string, featuresFile?: string, options: { readonly schema?: 'required' | 'optional' } = {}): Promise<ModelBundle> {
  const { schema: need = 'required' } = options;
  if (!existsSync(modelPath)) throw new UsageError(`--model ${JSON.stringify(modelPath)} does not exist`);
  const isDir = statSync(modelPath).isDirectory();
  const dir = isDir ? modelPath : path.dirname(modelPath);
  const modelFile = isDir ? ['model.tar.gz', 'model.json', 'xgboost-model', 'model.ubj'].map((f) => path.join(modelPath, f)).find((f) => existsSync(f)) : modelPath;
  if (modelFile === undefined) throw new UsageError(`--model ${JSON.stringify(modelPath)}: no model.tar.gz, model.json, xgboost-model or model.ubj in the folder`);
  const features = featuresFile ?? path.join(dir, 'features.json');
  if (!existsSync(features) && need === 'required') throw new UsageError(`no feature schema: ${JSON.stringify(features)} does not exist (pass --features <features.json>)`);
  const schema = existsSync(features) ? parseFeatureSchema(JSON.parse(await readFile(features, 'utf8'))) : undefined;
  const booster = await Booster.loadFile(modelFile);
  let threshold: number | undefined;
  const points = path.join(dir, 'operating-points.json');
  if (existsSync(points)) {
    const saved = JSON.parse(await readFile(points, 'utf8')) as unknown;
    const first = Array.isArray(saved) ? (saved[0] as { threshold?: unknown } | undefined) : undefined;
    if (typeof first?.threshold === 'number') threshold = first.threshold;
  }
  return { booster, schema, threshold, modelFile };
}
