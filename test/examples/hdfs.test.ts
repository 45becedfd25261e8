import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOGLIZER_PUBLISHED, liveReplay, main } from '../../examples/hdfs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.resolve(repoRoot, '../shared/data/hdfs100k');
const present =
  existsSync(path.join(dataDir, 'hdfs100k_events_long.csv')) && existsSync(path.join(dataDir, 'hdfs100k_sessions.csv'));
if (!present) console.warn(`examples/hdfs.ts test skipped: the HDFS_100k data folder ${dataDir} is absent`);

describe.skipIf(!present)('examples/hdfs.ts on the real HDFS_100k log (loglizer_uniform_0.5 split)', () => {
  it("uses loglizer's split (train 3,969 blocks with 156 anomalies, test 3,971 with 157) and prints the comparison", async () => {
    const lines: string[] = [];
    const results = await main(dataDir, { log: (l) => lines.push(l) });
    // loglizer's split counts, from the data set's README.
    for (const r of results) expect([r.trainSessions, r.testSessions, r.testAnomalies]).toEqual([3969, 3971, 157]);
    const text = lines.join('\n');
    expect(text).toContain('train 3969 (156 anomalies), test 3971 (157 anomalies)');
    for (const published of LOGLIZER_PUBLISHED) expect(text).toContain(`loglizer (published): ${published.model}`);
    // Event counts carry the information loglizer's count-matrix models see: at least their best
    // count-based supervised result (decision tree: P 0.985, R 0.427, F1 0.596) is reached.
    const counts = results.find((r) => r.model === 'sessionsentry: event counts')!;
    expect(counts.f1).toBeGreaterThanOrEqual(0.596 - 0.005);
    expect(counts.precision).toBeGreaterThanOrEqual(0.95);
  });

  it('replays the test half live in log order at a policy calibrated on held-out train blocks, within its false-alert budget', async () => {
    const lines: string[] = [];
    const live = await liveReplay(dataDir, { log: (l) => lines.push(l), numRound: 20 });
    expect(live.validationFalseAlertsPer10k).toBeLessThanOrEqual(10);
    // The test half is other blocks: a calibrated policy may overspend a little there, not by much.
    expect(live.falseAlertsPer10k).toBeLessThanOrEqual(30);
    expect(lines.join('\n')).toMatch(/test half: \d+ of 157 anomalous blocks alerted/);
  });
});
