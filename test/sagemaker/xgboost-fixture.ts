/**
 * The golden XGBoost 1.7.4 fixture the SageMaker tests use: `exact_gamma1/model.tar.gz` holds
 * `xgboost-model` in XGBoost's legacy binary format, exactly what SageMaker's `1.7-1` image writes
 * as a training artifact; `predictions.csv` holds XGBoost's own probabilities for `data.csv`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost');

export interface SageMakerArtifactFixture {
  /** The bytes of `model.tar.gz`. */
  readonly tarGz: Uint8Array;
  /** Feature rows (f0..f3) as CSV lines, no header, no label. */
  readonly rows: readonly string[];
  /** Labelled rows, label first, as SageMaker's CSV channels want them. */
  readonly labelledRows: readonly string[];
  /** XGBoost 1.7.4's probability for each row. */
  readonly prob: Float64Array;
}

export function loadArtifactFixture(): SageMakerArtifactFixture {
  const tarGz = new Uint8Array(readFileSync(path.join(fixtures, 'exact_gamma1/model.tar.gz')));
  const data = readFileSync(path.join(fixtures, 'data.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = data.map((line) => line.split(',').slice(0, 4).join(','));
  const labelledRows = data.map((line) => {
    const fields = line.split(',');
    return [fields[4], ...fields.slice(0, 4)].join(',');
  });
  const predictions = readFileSync(path.join(fixtures, 'exact_gamma1/predictions.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const prob = Float64Array.from(predictions, (line) => Number(line.split(',')[1]));
  return { tarGz, rows, labelledRows, prob };
}
