import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readModelDirectory, type SavedOperatingPoint } from '../experiment/model-directory.js';
import { Booster } from '../model/booster.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { parseFeatureSchema } from '../sessions/feature-schema.js';
import type { Truncation } from '../sessions/truncation.js';
import { parseSavedLivePolicy, type SavedLivePolicy } from '../experiment/live-section.js';
import { UsageError } from './cli-io.js';

/**
 * A model ready to score logs: the booster, the feature schema it was trained on, its truncation and saved thresholds.
 */
export interface ModelBundle {
  readonly booster: Booster;
  /** `undefined` only when a model file was loaded with `schema: 'optional'` and no schema was given. */
  readonly schema: FeatureSchema | undefined;
  /** The truncation the model was trained on (from a model directory's manifest); `undefined` for a bare model file. */
  readonly truncation: Truncation | undefined;
  /** The first saved operating point's threshold (`Infinity` = flag nothing), when there is one. */
  readonly threshold: number | undefined;
  /** The saved operating points (a model directory's; none for a bare model file). */
  readonly operatingPoints: readonly SavedOperatingPoint[];
  readonly modelFile: string;
  /** The model's name: the manifest's, or the model file's folder name. */
  readonly name: string;
  /** The live alert policy saved beside the model (`live-policy.json`), when there is one. */
  readonly livePolicy: SavedLivePolicy | undefined;
}

/**
 * Loads a model for scoring: a model directory as `run`, `demo` and `train` write it (read with
 * `readModelDirectory`: manifest, model, schema, truncation, operating points), or a bare model
 * file in any format with `featuresFile` naming its feature schema.
 *
 * @example
 * ```ts
 * const { booster, schema, truncation, threshold } = await loadModelBundle('.demo/out/models/first10');
 * ```
 */
export async function loadModelBundle(
  modelPath: string,
  featuresFile?: string,
  options: { readonly schema?: 'required' | 'optional' } = {},
): Promise<ModelBundle> {
  const { schema: need = 'required' } = options;
  if (!existsSync(modelPath)) throw new UsageError(`--model ${JSON.stringify(modelPath)} does not exist`);
  if (statSync(modelPath).isDirectory()) {
    if (featuresFile !== undefined)
      throw new UsageError(
        '--features applies to a bare model file only: a model directory carries its own feature schema',
      );
    const dir = await readModelDirectory(modelPath, { parseLivePolicy: parseSavedLivePolicy });
    return {
      booster: dir.booster,
      schema: dir.schema,
      truncation: dir.truncation,
      threshold: dir.operatingPoints[0]?.threshold,
      operatingPoints: dir.operatingPoints,
      modelFile: dir.paths.model!,
      name: dir.name,
      livePolicy: dir.livePolicy,
    };
  }
  const features = featuresFile ?? path.join(path.dirname(modelPath), 'features.json');
  if (!existsSync(features) && need === 'required')
    throw new UsageError(
      `no feature schema: ${JSON.stringify(features)} does not exist (pass --features <features.json>, or --model ` +
        `a model directory)`,
    );
  const schema = existsSync(features) ? parseFeatureSchema(JSON.parse(await readFile(features, 'utf8'))) : undefined;
  const booster = await Booster.loadFile(modelPath);
  if (schema !== undefined && schema.featureNames.length !== booster.numFeature) {
    throw new UsageError(
      `${path.basename(features)} has ${schema.featureNames.length} features but ${path.basename(modelPath)} ` +
        `takes ${booster.numFeature}: not the schema the model was trained on`,
    );
  }
  return {
    booster,
    schema,
    truncation: undefined,
    threshold: undefined,
    operatingPoints: [],
    modelFile: modelPath,
    name: path.basename(path.dirname(path.resolve(modelPath))),
    livePolicy: undefined,
  };
}
