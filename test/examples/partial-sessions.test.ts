import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/partial-sessions.js';
import { smallDataSet } from './example-data.js';

describe('examples/partial-sessions.ts (the notebook as a script, local backend)', () => {
  const { dir, data, logs } = smallDataSet(21);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains the six truncation jobs and prints their test-day comparison with the baseline', async () => {
    const lines: string[] = [];
    const rows = await main({ dataDir: data, outDir: path.join(dir, 'out'), numRound: 8, log: (l) => lines.push(l) });
    expect(rows.map((r) => r.name)).toEqual([
      'drop0',
      'drop20',
      'first5',
      'first10',
      'last5',
      'last10',
      'baseline (no attacks)',
    ]);
    const single = logs.files['single.txt'].summary;
    for (const row of rows) expect([row.sessions, row.positives]).toEqual([single.sessions, single.attackerSessions]);
    expect(lines.filter((l) => /^\w+ {2}TrainingJob {2}Completed/.test(l))).toHaveLength(6);
    expect(lines.join('\n')).toMatch(/^experiment\s+sessions\s+positives\s+AUC/m);
    expect(existsSync(path.join(dir, 'out', 'report.html'))).toBe(true);
    expect(readFileSync(path.join(dir, 'out', 'csv', 'first5', 'train.csv'), 'utf8').length).toBeGreaterThan(0);
  });
});
