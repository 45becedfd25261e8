import { describe, expect, it } from 'vitest';
import { abortable } from '../../src/train/abortable.js';
import { RunAbortedError } from '../../src/train/train-errors.js';

describe('abortable', () => {
  it('resolves with the work when the signal does not abort', async () => {
    expect(await abortable(Promise.resolve(7), new AbortController().signal, 'waiting')).toBe(7);
  });

  it('rejects with RunAbortedError naming the wait as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = abortable(new Promise<number>(() => undefined), controller.signal, 'waiting for job j1');
    controller.abort(new Error('Ctrl-C'));
    await expect(waiting).rejects.toThrow(RunAbortedError);
    await expect(waiting).rejects.toThrow(/waiting for job j1/);
  });

  it('with a signal already aborted, rejects and leaves no unhandled rejection of the work behind', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const controller = new AbortController();
      controller.abort(new Error('Ctrl-C'));
      await expect(
        abortable(Promise.reject(new Error('the work failed too')), controller.signal, 'waiting'),
      ).rejects.toThrow(RunAbortedError);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
