/**
 * The insight fixtures (test/fixtures/xgboost-insight, made by its make_insight.py with Debian's
 * python3-xgboost 1.7.4): XGBoost's get_score and pred_contribs outputs for the five golden models
 * and two models the generator trains (deep_named, lossguide_hist).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Booster } from '../../src/model/booster.js';
import { fixtureDir, repoRoot } from './model-fixture-helpers.js';

export const insightDir = path.join(repoRoot, 'test/fixtures/xgboost-insight');
const GOLDEN = ['exact_gamma1', 'hist_basic', 'hist_nan', 'hist_regularized', 'hist_subsample0.8_seed7'] as const;
export const INSIGHT_MODELS = [...GOLDEN, 'deep_named', 'lossguide_hist'] as const;
export type InsightModel = (typeof INSIGHT_MODELS)[number];

/** The model of an insight fixture: a golden model's model.json, or the one trained by the generator. */
export function insightBooster(name: InsightModel): Booster {
  const file = (GOLDEN as readonly string[]).includes(name)
    ? path.join(fixtureDir, name, 'model.json')
    : path.join(insightDir, name, 'model.json');
  return Booster.fromJSON(readFileSync(file, 'utf8'));
}

/** XGBoost's get_score per type: feature → [value, float32 hex]. */
export function insightImportance(name: InsightModel): Record<string, Record<string, [number, string]>> {
  return JSON.parse(readFileSync(path.join(insightDir, name, 'importance.json'), 'utf8')) as Record<
    string,
    Record<string, [number, string]>
  >;
}

/** XGBoost's pred_contribs (or approx_contribs) on data_with_nan.csv: header and float32 hex cells per row. */
export function insightContributions(name: InsightModel, approximate: boolean): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path.join(insightDir, name, approximate ? 'approx_contribs.csv' : 'contribs.csv'), 'utf8')
    .trim()
    .split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}
