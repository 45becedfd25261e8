import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { writeModelDirectory } from '../../src/experiment/model-directory.js';
import { parseEventLog } from '../../src/events/read-event-log.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { WEIGHT_COLUMN } from '../../src/sessions/flatten-prefixes.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { captureIO } from './capture-io.js';

describe('sessionsentry score with a model of session prefixes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-score-prefix-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores each session as it stands at its end, and says so', async () => {
    const { files } = generateLogs({ seed: 4, scale: 0.05 });
    writeFileSync(path.join(dir, 'single.txt'), files['single.txt'].text);
    const log = parseEventLog(files['mixed-1.txt'].text);
    const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) }).fit(log);
    const truncation = Truncators.prefixes({ max: 20 });
    const rows = flattener.flatten(log, { truncation });
    const data = TrainingData.fromFrame(rows, {
      label: 'BadActor',
      features: flattener.featureNames,
      weight: WEIGHT_COLUMN,
    });
    const { booster } = train(data, { num_round: 5, max_depth: 3, objective: 'binary:logistic', tree_method: 'hist' });
    await writeModelDirectory(path.join(dir, 'prefix'), {
      name: 'prefix',
      model: booster,
      schema: flattener.toSchema(),
      truncation,
    });
    const io = captureIO(dir);
    expect(await runCli(['score', '--model', 'prefix', 'single.txt', '--threshold', '0.5'], io)).toBe(0);
    const lines = io.out().trim().split('\n');
    const test = parseEventLog(files['single.txt'].text);
    expect(lines).toHaveLength(test.sessionCount + 1);
    // The score of a session is the model's score of its whole-session row.
    const whole = booster.predict(flattener.flatten(test).select(flattener.featureNames));
    expect(Number(lines[1]!.split(',')[2])).toBe(whole[0]);
    expect(io.err()).toMatch(
      /sessions scored \(whole sessions; the model learned from prefixes\(1\.\.20\), each session scored at its last event/,
    );
  });
});
