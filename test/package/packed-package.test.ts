/**
 * The package as a user gets it: `npm pack` (which builds through the `prepare` script), the
 * tarball installed into a new project, then used the way a user would — every entry of
 * `exports` imported as ESM and required as CommonJS, a strict TypeScript consumer type-checked
 * against the shipped declarations, the `sessionsentry` command run through `npx`, and a small
 * pipeline (generate → flatten → split → train → score) run from the installed copy.
 *
 * The install uses npm's cache first (`--prefer-offline`); with no registry at all it falls back
 * to linking the declared dependencies from this repository's node_modules, and says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(path.join(tmpdir(), 'ss-packed-'));
const project = path.join(work, 'consumer');
let tarball = '';
let packedFiles: string[] = [];

interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Asynchronous, so the test worker stays responsive through a minute-long build.
function run(command: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<RunResult> {
  // npm_config_* of the test runner's own npm (vitest under `npm test`) must not leak into the consumer.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return new Promise((resolve) => {
    const child = spawn(command, [...args], {
      cwd,
      env: { ...env, NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => {
      stderr += err.message;
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function ok(result: RunResult, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The subpath specifiers of the `exports` map (`sessionsentry`, `sessionsentry/danfo`, …), package.json excluded. */
const entries = Object.keys(pkg.exports)
  .filter((k) => k !== './package.json')
  .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));

beforeAll(async () => {
  // npm pack runs the prepare script (the build), whose log shares standard output with the JSON.
  const out = ok(await run(npm, ['pack', '--json', '--pack-destination', work], repoRoot, 600_000), 'npm pack');
  const packed = JSON.parse(out.slice(out.search(/^\[\s*\{/m))) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  const install = await run(
    npm,
    ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    project,
    300_000,
  );
  if (install.status !== 0) {
    if (!/ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(install.stderr))
      ok(install, 'npm install <tarball>');
    console.warn(
      'packed-package test: no npm registry or cache; unpacking the tarball and linking its declared dependencies from this repository',
    );
    await linkInstall();
  }
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// What npm does without a registry: the package unpacked into node_modules, its declared
// dependencies (only those, so an undeclared import still fails) linked, its bin linked.
async function linkInstall(): Promise<void> {
  const modules = path.join(project, 'node_modules');
  const target = path.join(modules, pkg.name);
  mkdirSync(target, { recursive: true });
  ok(await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], project), 'tar');
  for (const dep of Object.keys(pkg.dependencies)) {
    const link = path.join(modules, dep);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules', dep), link, 'dir');
  }
  mkdirSync(path.join(modules, '.bin'), { recursive: true });
  for (const [name, file] of Object.entries(pkg.bin))
    symlinkSync(path.join('..', pkg.name, file), path.join(modules, '.bin', name));
}

describe('the packed tarball', () => {
  it('ships the built code, declarations, the command, the worker threads, README and LICENSE, and nothing from the sources or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'dist/cli.js',
      'dist/training-worker.js',
      'dist/training-worker.cjs',
      'dist/live-section-worker.js',
      'dist/live-section-worker.cjs',
    ]) {
      expect(packedFiles, file).toContain(file);
    }
    expect(packedFiles.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const targets = JSON.stringify(pkg.exports).match(/"\.\/dist\/[^"]+"/g) ?? [];
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(packedFiles, target).toContain(JSON.parse(target).slice(2));
    for (const file of Object.values(pkg.bin)) expect(packedFiles).toContain(file.replace(/^\.\//, ''));
  });

  it('states a Node range that includes the Node running the tests', () => {
    const floor = Number(/^>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(floor);
  });
});

describe('the installed package', () => {
  it(`imports every entry of package.json "exports" as ESM (${entries.join(', ')})`, async () => {
    const script = `for (const spec of ${JSON.stringify(entries)}) { const m = await import(spec); if (Object.keys(m).length === 0) throw new Error(spec + ' exports nothing'); console.log(spec, Object.keys(m).length); }`;
    const out = ok(await run(process.execPath, ['--input-type=module', '-e', script], project), 'ESM import');
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]),
    ).toEqual(entries);
  });

  it('requires every entry of package.json "exports" as CommonJS, as tslab notebooks load it', async () => {
    const script = `for (const spec of ${JSON.stringify(entries)}) { const m = require(spec); if (Object.keys(m).length === 0) throw new Error(spec + ' exports nothing'); console.log(spec); }`;
    const out = ok(await run(process.execPath, ['-e', script], project), 'CommonJS require');
    expect(out.trim().split('\n')).toEqual(entries);
  });

  it('without danfojs-node installed, sessionsentry/danfo loads and toDanfo says how to install it (a typed error, not "Cannot find module")', async () => {
    const script = `const { toDanfo, DanfoNotInstalledError } = require('sessionsentry/danfo'); const { Frame } = require('sessionsentry');
try { toDanfo(Frame.fromColumns({ a: [1] })); console.log('no error'); } catch (e) { console.log(e instanceof DanfoNotInstalledError, e.code, e.message); }`;
    const out = ok(await run(process.execPath, ['-e', script], project), 'danfo');
    expect(out).toMatch(
      /^true ERR_DANFO_NOT_INSTALLED sessionsentry\/danfo needs the optional peer dependency danfojs-node/,
    );
    expect(out).toContain('npm install danfojs-node@1.2.0');
  });

  it('type-checks a strict TypeScript consumer (ESM and CommonJS) against the shipped declarations, library checks included', async () => {
    writeFileSync(
      path.join(project, 'consumer.ts'),
      `import { generateLogs, readEventLog, SessionFlattener, ActionVocabulary, ConfusionMatrix, SessionSentryError, type Truncation } from 'sessionsentry';
import type { SageMakerBackend } from 'sessionsentry/sagemaker';
const truncation: Truncation = { kind: 'firstN', n: 10 };
const { files } = generateLogs({ seed: 1, scale: 0.01 });
const log = await readEventLog({ text: files['single.txt'].text, name: 'single.txt' });
const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) }).fit(log);
const cm: ConfusionMatrix = ConfusionMatrix.fromScores([0, 1], [0.2, 0.9], { threshold: 0.5 });
const recall: number | undefined = cm.recall;
const backend: SageMakerBackend | undefined = undefined;
export const used = [truncation, flattener.featureNames.length, recall, backend, SessionSentryError];
`,
    );
    writeFileSync(
      path.join(project, 'consumer-cjs.cts'),
      `import lib = require('sessionsentry');
import synth = require('sessionsentry/synth');
export const sessions: number = lib.parseEventLog(synth.formatLogTsv(synth.generateEvents({ seed: 1, events: 100 }))).sessionCount;
`,
    );
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            types: ['node'],
            typeRoots: [path.join(repoRoot, 'node_modules/@types')],
          },
          files: ['consumer.ts', 'consumer-cjs.cts'],
        },
        null,
        2,
      ),
    );
    ok(
      await run(
        process.execPath,
        [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        project,
        300_000,
      ),
      'tsc',
    );
  });

  it('runs `npx sessionsentry --help` and `--version`', async () => {
    const help = ok(await run('npx', ['--no-install', 'sessionsentry', '--help'], project), 'npx sessionsentry --help');
    expect(help).toMatch(/^Usage: sessionsentry <command> \[options\]/);
    expect(
      ok(
        await run('npx', ['--no-install', 'sessionsentry', '--version'], project),
        'npx sessionsentry --version',
      ).trim(),
    ).toBe(pkg.version);
  });

  it('runs generate → flatten → split → train (worker threads) → score from the installed copy, with nothing on stderr but progress', async () => {
    const cli = async (...args: string[]): Promise<RunResult> => {
      const r = await run('npx', ['--no-install', 'sessionsentry', ...args], project, 300_000);
      ok(r, `sessionsentry ${args.join(' ')}`);
      expect(r.stderr, args[0]).not.toMatch(/Warning|Error/);
      return r;
    };
    await cli('generate', '--out', 'data', '--scale', '0.03', '--seed', '3');
    await cli(
      'flatten',
      'data/known-attacker.txt',
      'data/mixed-1.txt',
      'data/mixed-2.txt',
      '--truncation',
      'first10',
      '--out',
      'feat/first10.csv',
    );
    await cli('split', 'feat/first10.csv', '--out', 'csv', '--train', '0.7', '--validation', '0.3');
    const train = await cli('train', 'csv/first10', '--out', 'models', '--hp', 'num_round=3', '--workers', '1');
    expect(train.stdout).toMatch(/^models\/first10\ttrained in/m);
    const score = await cli('score', '--model', 'models/first10', 'data/single.txt', '--out', 'single.csv');
    expect(score.stderr).toMatch(/sessions scored \(sessions cut as firstN\(10\)\)/);
    expect(readFileSync(path.join(project, 'single.csv'), 'utf8').split('\n')[0]).toBe('SessionNo,label,score,alert');
    expect(existsSync(path.join(project, 'models/first10/manifest.json'))).toBe(true);
  });
});
