import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_CODES } from '../../src/synth/action-codes.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import type { SyntheticLog } from '../../src/synth/synthetic-log.js';

// The generated signal must be learnable but not trivial. The judge is real XGBoost 1.7.4
// (Debian's python3-xgboost at /usr/bin/python3; the pyenv python first on PATH has no xgboost)
// with scikit-learn's stratified split, on bag-of-actions counts of whole sessions and of their
// first five events.

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import xgboost, sklearn; print(xgboost.__version__, sklearn.__version__)'], {
  encoding: 'utf8',
});
const versions = probe.status === 0 ? probe.stdout.trim() : undefined;
if (versions === undefined) {
  console.log(
    `synth learnability: SKIPPED — XGBoost and scikit-learn are not installed at ${PYTHON} (apt-get install python3-xgboost python3-sklearn)`,
  );
}

const SCRIPT = `
import json, sys
import numpy as np, xgboost as xgb
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score
out = {}
for name in ['whole', 'first5']:
    d = np.loadtxt(sys.argv[1] + '/' + name + '.csv', delimiter=',')
    y, X = d[:, 0], d[:, 1:]
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    model = xgb.XGBClassifier(n_estimators=50, max_depth=5, learning_rate=0.2, tree_method='hist', n_jobs=1, random_state=0)
    model.fit(Xtr, ytr)
    p = model.predict_proba(Xte)[:, 1]
    threshold = np.quantile(p[yte == 0], 0.95)
    out[name] = {'recall': float((p[yte == 1] > threshold).mean()), 'fpr': float((p[yte == 0] > threshold).mean()), 'auc': float(roc_auc_score(yte, p))}
print(json.dumps(out))
`;

/** Label, then counts of each action code among the first `firstN` events of each session. */
function bagOfActions(logs: readonly SyntheticLog[], firstN: number): string {
  const lines: string[] = [];
  const n = ACTION_CODES.length;
  for (const log of logs) {
    const counts = new Float64Array(log.sessionCount * n);
    const seen = new Uint32Array(log.sessionCount);
    for (let i = 0; i < log.eventCount; i++) {
      const s = log.eventSession[i]!;
      if (seen[s]! >= firstN) continue;
      seen[s]!++;
      counts[s * n + log.eventAction[i]!]!++;
    }
    for (let s = 0; s < log.sessionCount; s++)
      lines.push(`${log.sessionLabel[s]},${counts.subarray(s * n, (s + 1) * n).join(',')}`);
  }
  return lines.join('\n');
}

describe.skipIf(versions === undefined)(
  `generated logs are learnable but not trivial (XGBoost, scikit-learn ${versions ?? 'not installed'})`,
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synth-learn-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reaches 0.75–0.97 recall at 5% FPR on whole sessions, clearly less on the first five events, never perfect', () => {
      const { files } = generateLogs({ seed: 2019 });
      const training = (['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const).map(
        (name) => files[name].log,
      );
      writeFileSync(path.join(dir, 'whole.csv'), bagOfActions(training, Infinity));
      writeFileSync(path.join(dir, 'first5.csv'), bagOfActions(training, 5));
      const run = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8' });
      expect(run.stderr.includes('Traceback') ? run.stderr : '').toBe('');
      console.log(`synth learnability: ${run.stdout.trim()}`);
      const result = JSON.parse(run.stdout) as Record<'whole' | 'first5', { recall: number; fpr: number; auc: number }>;
      expect(result.whole.fpr).toBeLessThanOrEqual(0.055); // ties at the threshold may add a hair
      expect(result.whole.recall).toBeGreaterThanOrEqual(0.75);
      expect(result.whole.recall).toBeLessThanOrEqual(0.97);
      expect(result.whole.auc).toBeLessThan(0.995);
      expect(result.first5.recall).toBeLessThan(result.whole.recall - 0.05);
      expect(result.first5.recall).toBeGreaterThan(0.3);
    });
  },
);
