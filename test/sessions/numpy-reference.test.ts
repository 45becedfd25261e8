import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { TIMING_FEATURES } from '../../src/sessions/timing-features.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents, makeLog, plainSessions } from './make-log.js';

// Debian's python3 (with numpy, a dependency of python3-xgboost), not the pyenv python on PATH.
const PYTHON = '/usr/bin/python3';
const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

const SCRIPT = String.raw`
import json, sys, collections
import numpy as np
data = json.load(sys.stdin)
vocab = data["vocabulary"]
out = []
for s in data["sessions"]:
    t = np.array(s["times"], dtype=np.float64)
    n = len(t)
    gaps = np.diff(t) / 1000.0
    duration = (t[-1] - t[0]) / 1000.0 if n else 0.0
    c = collections.Counter(s["actions"])
    row = [float(c.get(code, 0)) for code in vocab] + [float(sum(v for k, v in c.items() if k not in vocab))]
    if len(gaps):
        mean = float(np.mean(gaps)); std = float(np.std(gaps))  # np.std: ddof=0, the population std
        row += [n, duration, mean, float(np.median(gaps)), float(gaps.min()), float(gaps.max()), std,
                std / mean if mean > 0 else 0.0, float(np.mean(gaps < 1.0)), 60.0 * n / max(duration, 1.0)]
    else:
        row += [n, duration, 0, 0, 0, 0, 0, 0, 0, 60.0 * n / max(duration, 1.0) if n else 0.0]
    out.append(row)
json.dump(out, sys.stdout)
`;

describe('SessionFlattener against numpy (outside reference)', () => {
  it.skipIf(!hasNumpy)(
    'matches collections.Counter counts and numpy diff/mean/median/std(ddof=0) timing on a generated log (skipped without /usr/bin/python3 + numpy)',
    () => {
      const log = Truncators.apply(
        makeLog(generateEvents({ seed: 77, sessions: 800 })),
        Truncators.dropPercent(0.2, { seed: 1 }),
      );
      const vocabulary = ActionVocabulary.fromLogs(log);
      const flattener = new SessionFlattener({ vocabulary: vocabulary.codes.slice(0, 30) });
      const frame = flattener.flatten(log);
      const input = JSON.stringify({
        vocabulary: flattener.vocabulary.codes,
        sessions: plainSessions(log).map((s) => ({ actions: s.actions, times: s.times })),
      });
      const run = spawnSync(PYTHON, ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(run.status, run.stderr).toBe(0);
      const expected = JSON.parse(run.stdout) as number[][];
      const names = flattener.featureNames;
      expect(names.slice(-TIMING_FEATURES.length)).toEqual([...TIMING_FEATURES]);
      expect(expected.length).toBe(frame.rowCount);
      let otherSeen = 0;
      for (let r = 0; r < frame.rowCount; r++) {
        names.forEach((name, j) => {
          const ours = frame.number(name, r);
          const theirs = expected[r]![j]!;
          // numpy sums with pairwise summation (and np.median averages via np.mean), so means can differ
          // from a left-to-right sum in the last bits: a relative tolerance of 1e-12 covers that.
          if (Number.isInteger(theirs)) expect(ours, `${name} row ${r}`).toBe(theirs);
          else
            expect(Math.abs(ours - theirs), `${name} row ${r}: ${ours} vs ${theirs}`).toBeLessThanOrEqual(
              1e-12 * Math.abs(theirs),
            );
        });
        otherSeen += frame.number('other_actions', r);
      }
      expect(otherSeen).toBeGreaterThan(0);
    },
  );
});
