import { describe, expect, it } from 'vitest';
import { parseEventLog } from '../../src/events/read-event-log.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { prepareJobs } from '../../src/sessions/prepare-jobs.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { ORIGINAL_JOB_NAMES, standardJobs } from '../../src/sessions/job-grid.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { formatLogTsv, syntheticEventLog } from '../../src/synth/synthetic-log.js';
import { referenceFeatures } from './reference-features.js';

describe('flattening a log read from TSV text', () => {
  const synthetic = generateEvents({ seed: 19, sessions: 800 });
  const read = parseEventLog({ name: 'synthetic.txt', text: formatLogTsv(synthetic) });
  const direct = syntheticEventLog(synthetic);

  it("gives every job of the original experiment the same rows, per session id, as the generator's own log", () => {
    const vocabulary = ActionVocabulary.fromLogs([read, direct]);
    const flattener = new SessionFlattener({ vocabulary });
    const jobs = standardJobs({ names: ORIGINAL_JOB_NAMES, seed: 3 });
    const fromText = prepareJobs(read, jobs, flattener);
    const fromGenerator = prepareJobs(direct, jobs, flattener);
    for (const job of jobs) {
      const byId = (rows: Record<string, unknown>[]): Map<unknown, Record<string, unknown>> =>
        new Map(rows.map((r) => [r.SessionNo, r]));
      const a = byId(fromText.get(job.name)!.toRows());
      const b = byId(fromGenerator.get(job.name)!.toRows());
      expect(a.size).toBe(direct.sessionCount);
      expect(a).toEqual(b);
    }
  });

  it('matches the plain-array reference on the read log', () => {
    const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(read) });
    const frame = flattener.flatten(read);
    const expected = referenceFeatures(read, {
      vocabulary: flattener.vocabulary.codes,
      counts: true,
      timing: true,
      bigrams: false,
      shares: false,
    });
    for (const [name, values] of expected) expect(Array.from(frame.numbers(name)), name).toEqual(values);
  });
});
