/**
 * The golden XGBoost 1.7.4 fixture the endpoint tests score: the `hist_nan` model, its input rows
 * (features f0..f3 with blanks = missing) and XGBoost's own probabilities for them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Booster } from '../../src/model/booster.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost');

export interface EndpointFixture {
  readonly booster: Booster;
  /** Feature rows as CSV lines (no header, no label), blanks kept. */
  readonly rows: readonly string[];
  /** XGBoost 1.7.4's probability for each row, as Python printed it. */
  readonly probText: readonly string[];
  /** The same probabilities as numbers. */
  readonly prob: Float64Array;
}

export function loadEndpointFixture(): EndpointFixture {
  const booster = Booster.load(readFileSync(path.join(fixtures, 'hist_nan/model.json')));
  const data = readFileSync(path.join(fixtures, 'data_with_nan.csv'), 'utf8').trim().split('\n').slice(1);
  // label is the last column of the fixture CSV; endpoints take features only.
  const rows = data.map((line) => line.split(',').slice(0, 4).join(','));
  const predictions = readFileSync(path.join(fixtures, 'hist_nan/predictions.csv'), 'utf8').trim().split('\n').slice(1);
  const probText = predictions.map((line) => line.split(',')[1] as string);
  return { booster, rows, probText, prob: Float64Array.from(probText, Number) };
}
