/**
 * Score text in and out of endpoints: the container writes Python's `str()` of each float32
 * probability; clients read newline- or comma-separated output (SAGEMAKER_CONTRACT.md §2).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatScore } from '../../src/serve/format-score.js';

const PYTHON = '/usr/bin/python3';
const hasPython = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import struct'], { encoding: 'utf8' }).status === 0;

// float32 values across every magnitude a probability can take, both notations and the edges.
const VALUES = [
  0, 1, 0.5, 0.1, 1e-4, 9.99e-5, 1e-5, 3.2e-7, 1.4e-45, 0.9999999, 0.123456789, 2.5e-3, 7e-20, 0.99999994,
];

describe('formatScore', () => {
  it.skipIf(!hasPython)(
    "writes float32 probabilities exactly as Python's str(float(p)) (what the container sends; skipped without /usr/bin/python3)",
    () => {
      const script = [
        'import struct, sys',
        'for line in sys.stdin.read().split():',
        "    print(str(struct.unpack('f', struct.pack('f', float(line)))[0]))",
      ].join('\n');
      const run = spawnSync(PYTHON, ['-c', script], { input: VALUES.join('\n'), encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const python = run.stdout.trim().split('\n');
      expect(VALUES.map((v) => formatScore(Math.fround(v)))).toEqual(python);
    },
  );

  it('writes text that reads back to the identical number', () => {
    for (const v of VALUES) expect(Number(formatScore(Math.fround(v)))).toBe(Math.fround(v));
  });
});
