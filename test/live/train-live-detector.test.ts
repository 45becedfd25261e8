import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { LiveDetector } from '../../src/live/live-detector.js';
import { CalibrationDataError } from '../../src/live/live-errors.js';
import { trainLiveDetector } from '../../src/live/train-live-detector.js';
import { selectSessions } from '../../src/sessions/select-sessions.js';
import { replay } from '../../src/serve/replay.js';
import { stratifiedSplit } from '../../src/split/stratified-split.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';

const log = syntheticEventLog(generateEvents({ seed: 8, sessions: 2500, attackerEventShare: 0.2 }));
const testLog = syntheticEventLog(
  generateEvents({ seed: 9, sessions: 1500, attackerEventShare: 0.2, firstSessionNo: 800_000_000 }),
);
const options = { maxFalseAlertsPer10k: 100, seed: 3, hyperparameters: { num_round: 10 } } as const;
const detector = await trainLiveDetector(log, options);
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('trainLiveDetector', () => {
  it('trains a prefix and a whole-session model and calibrates them together', () => {
    expect(detector.models.map((m) => m.name)).toEqual(['prefix', 'whole']);
    expect(detector.models[0]!.trainedOn).toBe('every prefix of 1–40 events, each session weighing 1');
    expect(detector.policy.maxFalseAlertsPer10k).toBe(100);
    // Shares chosen on validation among equal and three quarters to either model: each keeps a quarter at least.
    expect([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
    ]).toContainEqual(detector.policy.budgetShares);
    expect(detector.validation.falseAlertsPer10k).toBeLessThanOrEqual(100);
  });

  it('reports validation figures that a live replay of the held-out sessions reproduces (sessions the models never saw)', () => {
    const parts = stratifiedSplit(log.labels, { train: 0.7, validation: 0.3, test: 0 }, { seed: 3 });
    const heldOut = selectSessions(log, parts.validation);
    const trainIds = new Set(selectSessions(log, parts.train).sessionIds);
    expect(heldOut.sessionIds.some((id) => trainIds.has(id))).toBe(false);
    const report = replay(heldOut, detector.createScorer());
    expect(report.caught).toBe(detector.validation.caught);
    expect(report.falseAlerts).toBe(detector.validation.falseAlerts);
    expect(report.eventsToFirstAlert).toEqual(detector.validation.eventsToFirstAlert);
    expect(detector.validation.sessions).toBe(heldOut.sessionCount);
  });

  it('is deterministic for a seed', async () => {
    const again = await trainLiveDetector(log, options);
    expect(again.policy).toEqual(detector.policy);
    expect(again.models.map((m) => m.booster.toJSON())).toEqual(detector.models.map((m) => m.booster.toJSON()));
  });

  it('saves to a folder and loads back into a detector that alerts identically', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sessionsentry-detector-'));
    dirs.push(dir);
    await detector.save(dir);
    const loaded = await LiveDetector.load(dir);
    expect(loaded.policy).toEqual(detector.policy);
    expect(loaded.validation).toEqual(detector.validation);
    const a = replay(testLog, detector.createScorer());
    const b = replay(testLog, loaded.createScorer());
    expect(Array.from(b.alertAt)).toEqual(Array.from(a.alertAt));
  });

  it('refuses a saved detector whose files point outside its folder or whose policy is broken', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sessionsentry-detector-'));
    dirs.push(dir);
    await detector.save(dir);
    const description = {
      format: 'sessionsentry-live-detector',
      version: 1,
      features: '../features.json',
      models: [],
      policy: detector.policy,
    };
    await writeFile(path.join(dir, 'detector.json'), JSON.stringify(description));
    await expect(LiveDetector.load(dir)).rejects.toThrow(/inside the folder/);
    await writeFile(
      path.join(dir, 'detector.json'),
      JSON.stringify({ ...description, features: 'features.json', policy: { ...detector.policy, sustain: 0 } }),
    );
    await expect(LiveDetector.load(dir)).rejects.toThrow(InvalidArgumentError);
  });

  it('holds out the sessions it is given by id, and calibrates on exactly those', async () => {
    const ids = log.sessionIds.filter((_, s) => s % 3 === 0);
    const given = await trainLiveDetector(log, { ...options, models: ['whole'], validationSessions: ids });
    const report = replay(
      selectSessions(
        log,
        log.sessionIds.flatMap((_id, s) => (s % 3 === 0 ? [s] : [])),
      ),
      given.createScorer(),
    );
    expect(given.validation.sessions).toBe(ids.length);
    expect([report.caught, report.falseAlerts]).toEqual([given.validation.caught, given.validation.falseAlerts]);
    await expect(trainLiveDetector(log, { ...options, validationSessions: ['no-such-session'] })).rejects.toThrow(
      /validationSessions\[0\]/,
    );
  });

  it('calibrates out of fold on every session when asked, the returned models trained on all of them', async () => {
    const oof = await trainLiveDetector(log, { ...options, calibration: { folds: 3 } });
    expect(oof.validation.sessions).toBe(log.sessionCount);
    expect(oof.validation.falseAlertsPer10k).toBeLessThanOrEqual(100);
    // In-sample, the final models do at least as well on the sessions they trained on as out of fold.
    const inSample = replay(log, oof.createScorer());
    expect(inSample.caught).toBeGreaterThanOrEqual(oof.validation.caught);
    const again = await trainLiveDetector(log, { ...options, calibration: { folds: 3 } });
    expect(again.policy).toEqual(oof.policy);
    await expect(trainLiveDetector(log, { ...options, calibration: { folds: 1 } })).rejects.toThrow(
      /calibration\.folds/,
    );
    await expect(
      trainLiveDetector(log, { ...options, calibration: { folds: 3 }, validationSessions: [log.sessionIds[0]!] }),
    ).rejects.toThrow(/validationSessions/);
  });

  it('rejects a budget outside (0, 10 000], a bad validation fraction or model list, and a log with too few attackers', async () => {
    await expect(trainLiveDetector(log, { maxFalseAlertsPer10k: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(trainLiveDetector(log, { maxFalseAlertsPer10k: 20_000 })).rejects.toThrow(/maxFalseAlertsPer10k/);
    await expect(trainLiveDetector(log, { validationFraction: 1 })).rejects.toThrow(/validationFraction/);
    await expect(trainLiveDetector(log, { models: ['prefix', 'prefix'] })).rejects.toThrow(/models/);
    const innocentOnly: number[] = [];
    for (let s = 0; s < log.sessionCount; s++) if (log.labels[s] === 0) innocentOnly.push(s);
    await expect(trainLiveDetector(selectSessions(log, innocentOnly))).rejects.toThrow(CalibrationDataError);
  });
});
