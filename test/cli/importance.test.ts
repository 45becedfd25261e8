import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { writeModelDirectory } from '../../src/experiment/model-directory.js';
import { IMPORTANCE_TYPES } from '../../src/model/feature-importance.js';
import { insightImportance } from '../model/insight-fixture-helpers.js';
import { fixturePath } from '../model/model-fixture-helpers.js';
import { liveFixture } from '../serve/live-fixture.js';
import { captureIO } from './capture-io.js';

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const root = mkdtempSync(path.join(tmpdir(), 'ss-importance-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixture = liveFixture({ seed: 11, sessions: 300, features: { timing: true }, rounds: 6 });

describe('sessionsentry importance', () => {
  beforeAll(async () => {
    // model.tar.gz holds the legacy binary, which stores no feature names: they come from features.json.
    await writeModelDirectory(path.join(root, 'models/first10'), {
      name: 'first10',
      model: fixture.booster.toTarGz(),
      schema: fixture.schema,
      truncation: { kind: 'firstN', n: 10 },
    });
  });

  it("prints get_score of a bare XGBoost 1.7.4 model for every type with --json, equal to XGBoost's own (f0.. keys, feature order)", async () => {
    const expected = insightImportance('hist_regularized');
    for (const type of IMPORTANCE_TYPES) {
      const { code, out } = await cli(
        root,
        'importance',
        '--model',
        fixturePath('hist_regularized', 'model.tar.gz'),
        '--type',
        type,
        '--json',
      );
      expect(code).toBe(0);
      const printed = JSON.parse(out) as { model: string; type: string; scores: Record<string, number> };
      expect(printed.model).toBe('hist_regularized');
      expect(printed.type).toBe(type);
      expect(Object.entries(printed.scores)).toEqual(Object.entries(expected[type]!).map(([k, [v]]) => [k, v]));
    }
  });

  it("keys a model directory's scores by its feature schema's names and ranks them highest first (default type gain)", async () => {
    const { code, out } = await cli(root, 'importance', '--model', 'models/first10');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    const scores = fixture.booster.importance({ type: 'gain' }); // the trained booster carries the schema's names
    expect(lines[0]).toBe(
      `first10: gain (mean gain of its splits), ${Object.keys(scores).length} of ${fixture.booster.numFeature} features used by 6 trees`,
    );
    expect(lines[1]).toMatch(/^rank {2}feature +gain$/);
    const rows = lines.slice(2).map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => r[1])).toEqual(
      Object.entries(scores)
        .sort((a, b) => b[1] - a[1])
        .map(([k]) => k),
    );
    expect(rows.map((r) => r[0])).toEqual(rows.map((_, i) => String(i + 1)));
    for (const [, feature, value] of rows) expect(Number(value)).toBeCloseTo(scores[feature!]!, 4);
    expect(fixture.schema.featureNames).toEqual(expect.arrayContaining(rows.map((r) => r[1])));
  });

  it('--top n keeps the n most important features and says so', async () => {
    const { code, out } = await cli(root, 'importance', '--model', 'models/first10', '--type', 'weight', '--top', '3');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/, top 3 shown$/);
    expect(lines).toHaveLength(5);
  });

  it('exits 2 naming the option for a missing --model, an unknown --type (suggesting the closest) and a --top below 1', async () => {
    const missing = await cli(root, 'importance');
    expect([missing.code, missing.err.split('\n')[0]]).toEqual([2, 'sessionsentry importance: --model is required']);
    const type = await cli(root, 'importance', '--model', 'models/first10', '--type', 'cvoer');
    expect([type.code, type.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry importance: --type must be one of weight, gain, cover, total_gain, total_cover, got "cvoer" (did you mean "cover"?)',
    ]);
    const top = await cli(root, 'importance', '--model', 'models/first10', '--top', '0');
    expect(top.code).toBe(2);
    expect(top.err.split('\n')[0]).toMatch(/^sessionsentry importance: --top must be an integer ≥ 1/);
  });
});
