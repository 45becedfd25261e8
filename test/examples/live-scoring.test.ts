import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/live-scoring.js';
import { smallDataSet } from './example-data.js';

describe('examples/live-scoring.ts (replay of the test day through the live scorer)', () => {
  const { dir, data, logs } = smallDataSet(33, 0.2);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays every event of the test day and reports time to first alert of the attacks it caught', async () => {
    const lines: string[] = [];
    const { sustain1, sustain2, threshold, firstAlerts } = await main({
      dataDir: data,
      numRound: 10,
      log: (l) => lines.push(l),
    });
    const single = logs.files['single.txt'].summary;
    for (const report of [sustain1, sustain2]) {
      expect([report.events, report.sessions, report.attackerSessions]).toEqual([
        single.events,
        single.sessions,
        single.attackerSessions,
      ]);
      expect(report.eventsToFirstAlert.count).toBe(report.caught);
      expect(report.timeToFirstAlertMs.count).toBe(report.caught);
    }
    expect(threshold).toBeGreaterThan(0);
    expect(lines.filter((l) => l.startsWith('sustain '))).toHaveLength(2);
    for (const alert of firstAlerts) expect(alert.score).toBeGreaterThanOrEqual(threshold);
  });

  it('trains the live detector first and replays the test day at its policy, calibrated within the budget on held-out sessions', async () => {
    const lines: string[] = [];
    const { detector, detectorValidation } = await main({ dataDir: data, numRound: 10, log: (l) => lines.push(l) });
    const single = logs.files['single.txt'].summary;
    expect([detector.events, detector.sessions]).toEqual([single.events, single.sessions]);
    expect(detectorValidation.falseAlertsPer10k).toBeLessThanOrEqual(10);
    expect(lines[0]).toMatch(/^live detector: prefix ≥ [\d.]+, whole ≥ [\d.]+, sustain \d, from event \d/);
    expect(lines.some((l) => l.startsWith('live detector on the test day: caught '))).toBe(true);
  });

  it('raises no more alerts when two consecutive events over the threshold are required than when one is', async () => {
    const { sustain1, sustain2 } = await main({ dataDir: data, numRound: 10, log: () => undefined });
    expect(sustain2.caught).toBeLessThanOrEqual(sustain1.caught);
    expect(sustain2.falseAlerts).toBeLessThanOrEqual(sustain1.falseAlerts);
    for (let s = 0; s < sustain1.alertAt.length; s++) {
      if (sustain2.alertAt[s]! > 0) expect(sustain1.alertAt[s]!).toBeGreaterThan(0);
      if (sustain2.alertAt[s]! > 0) expect(sustain2.alertAt[s]!).toBeGreaterThanOrEqual(sustain1.alertAt[s]!);
    }
  });
});
