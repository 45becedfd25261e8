/**
 * Hostile experiment files (issue 14, point 11): a YAML alias bomb ("billion laughs") fails at once
 * with the documented ExperimentConfigError naming file, line and column, instead of a bare
 * ReferenceError from the YAML reader; files using aliases sensibly still read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentConfigError } from '../../src/experiment/experiment-errors.js';
import {
  MAX_YAML_ALIAS_COUNT,
  parseExperimentText,
  readExperimentConfig,
} from '../../src/experiment/experiment-config.js';

/** `levels` lines, each a list of `width` aliases of the line above: width^levels strings once expanded. */
function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${new Array(width).fill('"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${new Array(width).fill(`*l${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('YAML alias bombs', () => {
  it.each([
    ['the classic billion laughs (9 levels of 9: 387M strings)', 9, 9],
    ['a deep one (40 levels of 2: 2^40 strings)', 40, 2],
  ])('%s: ExperimentConfigError at the first alias, in bounded time and memory', (_label, levels, width) => {
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const err = thrown(() =>
      parseExperimentText(aliasBomb(levels, width), { file: 'bomb.yaml' }),
    ) as ExperimentConfigError;
    const ms = performance.now() - start;
    expect(err).toBeInstanceOf(ExperimentConfigError);
    expect(err).toMatchObject({ code: 'ERR_EXPERIMENT_CONFIG', file: 'bomb.yaml', line: 2, column: 10, key: '' });
    expect(err.message).toBe(
      `bomb.yaml:2:10: expands YAML aliases (*name) beyond the limit of ${MAX_YAML_ALIAS_COUNT} (an alias bomb?); the first alias is here`,
    );
    expect(err.cause).toBeInstanceOf(ReferenceError);
    expect(ms).toBeLessThan(2000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 << 20);
  });

  it('readExperimentConfig names the file path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hostile-exp-'));
    const file = path.join(dir, 'bomb.yaml');
    try {
      writeFileSync(file, aliasBomb(9, 9));
      await expect(readExperimentConfig(file)).rejects.toThrow(`${file}:2:10: expands YAML aliases`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file sharing settings through a few aliases still reads, equal to the same file written out', () => {
    const withAliases = 'name: shared\nfeatures: &f { counts: true, timing: true }\nsplit: &s { seed: 7 }\n';
    const writtenOut = 'name: shared\nfeatures: { counts: true, timing: true }\nsplit: { seed: 7 }\n';
    expect(parseExperimentText(withAliases, { file: 'a.yaml' })).toEqual(
      parseExperimentText(writtenOut, { file: 'a.yaml' }),
    );
    const reused = 'name: reuse\ntruncations: &t [drop0, first5]\nsplit: { seed: 7 }\n';
    expect(parseExperimentText(reused, { file: 'r.yaml' }).name).toBe('reuse');
  });
});
