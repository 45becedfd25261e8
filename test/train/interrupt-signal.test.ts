/**
 * Ctrl-C aborts a run through an AbortSignal instead of killing the process, so clean-up can still
 * delete what the run created; the listeners go away when disposed.
 */
import { describe, expect, it } from 'vitest';
import { interruptSignal } from '../../src/train/interrupt-signal.js';

describe('interruptSignal', () => {
  it('aborts on the first SIGINT with a reason naming the signal, and counts the next ones', () => {
    const before = process.listenerCount('SIGINT');
    const beforeTerm = process.listenerCount('SIGTERM');
    const seen: string[] = [];
    const interrupt = interruptSignal({ forceAfter: 10, onSignal: (signal, count) => seen.push(`${signal}#${count}`) });
    try {
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
      expect(interrupt.signal.aborted).toBe(false);
      process.emit('SIGINT', 'SIGINT');
      expect(interrupt.signal.aborted).toBe(true);
      expect((interrupt.signal.reason as Error).message).toBe('interrupted by SIGINT');
      process.emit('SIGINT', 'SIGINT');
      expect(seen).toEqual(['SIGINT#1', 'SIGINT#2']);
    } finally {
      interrupt.dispose();
    }
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(process.listenerCount('SIGTERM')).toBe(beforeTerm);
  });

  it('removes its listeners when a `using` block ends', () => {
    const before = process.listenerCount('SIGTERM');
    {
      using interrupt = interruptSignal({ signals: ['SIGTERM'] });
      expect(process.listenerCount('SIGTERM')).toBe(before + 1);
      expect(interrupt.signal.aborted).toBe(false);
    }
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
