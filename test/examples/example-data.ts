import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLogs } from '../../src/synth/generate-logs.js';

/** A temporary folder with the user's five synthetic files at a small scale, for fast example runs. */
export function smallDataSet(
  seed: number,
  scale = 0.1,
): { dir: string; data: string; logs: ReturnType<typeof generateLogs> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-example-'));
  const data = path.join(dir, 'data');
  return { dir, data, logs: generateLogs({ seed, scale, outDir: data }) };
}
