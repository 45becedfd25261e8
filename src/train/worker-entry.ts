import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';

/** What `new Worker(filename, options)` needs to start a worker entry of the package. */
export interface WorkerEntry {
  readonly filename: string;
  readonly options: ConstructorParameters<typeof Worker>[1];
}

/**
 * How to start the worker entry `name` (such as `training-worker`) that lives beside the module
 * `here` (the caller's own file: `__filename` under CommonJS and vitest, `import.meta.url` under
 * ESM). From the built package it is the sibling `<name>.js` / `.cjs` (tsup puts every entry and
 * chunk in one folder); from the TypeScript sources (vitest, tsx) it is `<name>.ts`, started
 * through tsx's ESM loader.
 *
 * @example
 * ```ts
 * const { filename, options } = workerEntry(fileURLToPath(import.meta.url), 'training-worker');
 * const worker = new Worker(filename, options);
 * ```
 */
export function workerEntry(here: string, name: string): WorkerEntry {
  const ext = path.extname(here);
  const dir = path.dirname(here);
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
    // Running from sources: load the TypeScript worker through tsx's ESM loader.
    const tsxApi = pathToFileURL(tsxEsmApi(here)).href;
    const entry = pathToFileURL(path.join(dir, `${name}.ts`)).href;
    const code =
      `import(${JSON.stringify(tsxApi)}).then((api) => { (api.register ?? api.default.register)(); return ` +
      `import(${JSON.stringify(entry)}); }).catch((err) => { throw err; });`;
    return { filename: code, options: { eval: true } };
  }
  return { filename: path.join(dir, `${name}${ext}`), options: {} };
}

/** The ESM build of `tsx/esm/api` (its `require` build cannot be imported from a worker's ESM). */
function tsxEsmApi(from: string): string {
  const manifestPath = createRequire(from).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports?: Record<string, { import?: { default?: string } | string }>;
  };
  const entry = manifest.exports?.['./esm/api'];
  const relative = typeof entry === 'object' && typeof entry.import === 'object' ? entry.import.default : undefined;
  return path.join(path.dirname(manifestPath), relative ?? 'dist/esm/api/index.mjs');
}
