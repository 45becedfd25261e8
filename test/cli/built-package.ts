import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// The project's tsup configuration with declarations and source maps off (tsup's CLI cannot turn
// a configured `dts` off).
const BUILD_SCRIPT = `
const { build } = await import('tsup');
const { default: config } = await import(process.argv[1]);
await build({ ...config, config: false, outDir: process.argv[2], dts: false, sourcemap: false, silent: true });
`;

/**
 * Builds the package with the project's tsup configuration (ESM + CommonJS, no declarations, to
 * stay fast) into `test-artifacts/dist` and returns that folder; reuses it when it is newer than
 * every source file. Test files running in parallel share one build through a lock folder.
 */
export async function builtPackage(): Promise<string> {
  const out = path.join(repoRoot, 'test-artifacts', 'dist');
  const lock = path.join(repoRoot, 'test-artifacts', 'dist.lock');
  mkdirSync(path.dirname(out), { recursive: true });
  const fresh = (): boolean =>
    existsSync(path.join(out, 'cli.js')) &&
    existsSync(path.join(out, 'index.cjs')) &&
    statSync(path.join(out, 'index.cjs')).mtimeMs >
      Math.max(newestSource(path.join(repoRoot, 'src')), statSync(path.join(repoRoot, 'tsup.config.ts')).mtimeMs);
  for (let waited = 0; ; waited += 250) {
    if (fresh() && !existsSync(lock)) return out;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a build that died.
      if (waited > 120_000 || (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000))
        rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!fresh()) {
      // Asynchronous, so the test worker's event loop stays free during the build (vitest's worker
      // heartbeat times out when the loop is blocked for a minute on a busy machine).
      const result = await new Promise<{ status: number | null; output: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            '--input-type=module',
            '-e',
            BUILD_SCRIPT,
            pathToFileURL(path.join(repoRoot, 'tsup.config.ts')).href,
            out,
          ],
          { cwd: repoRoot },
        );
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, output }));
      });
      if (result.status !== 0) throw new Error(`tsup build failed (${result.status}):\n${result.output}`);
    }
    return out;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
