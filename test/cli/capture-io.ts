import type { CliIO } from '../../src/cli/cli-io.js';

/** A CliIO that records what a command writes. */
export function captureIO(cwd: string, options: { tty?: boolean } = {}): CliIO & { out(): string; err(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    cwd,
    env: {},
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text), isTTY: options.tty ?? false, columns: 120 },
    out: () => stdout.join(''),
    err: () => stderr.join(''),
  };
}
