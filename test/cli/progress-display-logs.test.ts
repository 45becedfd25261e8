import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../src/cli/progress-display.js';
import { captureIO } from './capture-io.js';

/** A SageMaker job's log lines, status transitions and final metrics on the CLI's progress display. */
describe('progress display of training logs', () => {
  it('prints log lines with their instance, status transitions with their message, and final metrics with training and billable seconds', () => {
    const io = captureIO('/');
    const display = new ProgressDisplay(io, 1);
    const base = {
      job: 'first10',
      resource: 'TrainingLog',
      name: 'x-first10',
      state: 'InProgress',
      elapsedMs: 0,
    } as const;
    display.progress({
      ...base,
      log: { kind: 'status', status: 'Starting', message: 'Launching requested ML instances', timestamp: 0 },
    });
    display.progress({
      ...base,
      log: {
        kind: 'log',
        stream: 'x-first10/algo-2-1700000000',
        instance: 1,
        timestamp: 1,
        message: '[0]#011train-auc:0.91#011validation-auc:0.88',
      },
    });
    display.progress({
      ...base,
      log: { kind: 'metrics', metrics: { 'validation:auc': 0.8812345678 }, trainingSeconds: 240, billableSeconds: 236 },
    });
    display.done();
    const lines = io.err().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ *[\d.]+ s {2}first10: Starting - Launching requested ML instances$/);
    expect(lines[1]).toMatch(/first10 \[algo-2\] \[0\] {2}train-auc:0\.91 {2}validation-auc:0\.88$/);
    expect(lines[2]).toMatch(/first10: final metrics validation:auc 0\.881235 \(training 240 s, billable 236 s\)$/);
  });

  it('does not count a log event as a finished job', () => {
    const io = captureIO('/', { tty: true });
    const display = new ProgressDisplay(io, 1, { tty: true });
    display.progress({ job: 'a', resource: 'TrainingJob', name: 'x-a', state: 'InProgress', elapsedMs: 0 });
    display.progress({
      job: 'a',
      resource: 'TrainingLog',
      name: 'x-a',
      state: 'InProgress',
      elapsedMs: 0,
      log: { kind: 'metrics', metrics: {} },
    });
    display.done();
    expect(io.err()).toContain('0/1 jobs');
    expect(io.err()).not.toContain('1/1 jobs');
    expect(io.err()).toContain('a: final metrics none reported');
  });
});
