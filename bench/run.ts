/**
 * Runs every benchmark in this folder (`*.bench.ts`) one after another, each in its own process so
 * they do not disturb each other, saves each one's Markdown output in `bench/results/<name>.md`,
 * and writes them all, with the machine they ran on, to `bench/RESULTS.md`.
 *
 *   npm run bench                 # all benchmarks
 *   npm run bench -- read-log     # only those whose name contains "read-log"
 *   npm run bench -- --collect    # rebuild RESULTS.md from bench/results/ without running anything
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(benchDir, 'results');
const args = process.argv.slice(2);
const collectOnly = args.includes('--collect');
const filters = args.filter((a) => !a.startsWith('--'));

/** A section's text names the commit it measured (`commit 1a2b3c4`, `Commit …`). */
const NAMES_COMMIT = /\bcommit [0-9a-f]{7,40}\b/i;

mkdirSync(resultsDir, { recursive: true });
const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)));

if (!collectOnly) {
  for (const file of benches) {
    const name = file.replace(/\.bench\.ts$/, '');
    process.stderr.write(`bench: ${name} …\n`);
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(benchDir, file)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) {
      process.stderr.write(`bench: ${name} failed (exit ${run.status})\n`);
      process.exitCode = 1;
      continue;
    }
    writeFileSync(path.join(resultsDir, `${name}.md`), withProvenance(run.stdout.trim(), measuredAt()) + '\n');
    process.stderr.write(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

const sections = readdirSync(resultsDir)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => {
    const text = readFileSync(path.join(resultsDir, f), 'utf8').trim();
    return NAMES_COMMIT.test(text) ? text : withProvenance(text, committedIn(path.join(resultsDir, f)));
  });
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '# Benchmark results',
  '',
  'Written by `npm run bench` (bench/run.ts) from the latest run of each benchmark in `bench/`.',
  'Each benchmark measures its anchor (XGBoost, danfo, papaparse, or the figure DESIGN.md gives) in the',
  'same run where one can be run here, and prints ratios; absolute times on this shared machine are noisy.',
  '',
  `Collected ${new Date().toISOString().slice(0, 10)} on ${os.availableParallelism()} cores (${cpu}), Node ${process.version}. ` +
    'The sections come from different runs: each names the commit it was measured on (in its own text, ' +
    'or, for a benchmark that does not print it, the commit that last changed its results file).',
  '',
].join('\n');
if (existsSync(resultsDir)) writeFileSync(path.join(benchDir, 'RESULTS.md'), `${header}\n${sections.join('\n\n')}\n`);

/** The section with a line under its heading saying where it was measured, unless it says so itself. */
function withProvenance(text: string, where: string): string {
  if (NAMES_COMMIT.test(text)) return text;
  const lines = text.split('\n');
  const at = lines[0]?.startsWith('#') ? 1 : 0;
  lines.splice(at, 0, ...(at === 1 ? [''] : []), `_${where}_`);
  return lines.join('\n');
}

function git(...argv: string[]): string {
  const run = spawnSync('git', argv, { cwd: benchDir, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : '';
}

/** This run's commit and time (with a mark when the working tree has changes). */
function measuredAt(): string {
  const head = git('rev-parse', '--short', 'HEAD') || 'an unknown commit';
  // Results written earlier in the same run are not changes to what is measured.
  const dirty =
    git('status', '--porcelain', '--', '../src', '.', ':(exclude)results', ':(exclude)RESULTS.md') !== ''
      ? ' with uncommitted changes'
      : '';
  return `Measured at commit ${head}${dirty} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
}

/** The commit that last changed a results file, or the working tree's HEAD when it has uncommitted results. */
function committedIn(file: string): string {
  if (git('status', '--porcelain', '--', file) !== '')
    return `Results not yet committed; measured on the working tree at commit ${git('rev-parse', '--short', 'HEAD')}.`;
  const last = git('log', '-1', '--format=%h %cs', '--', file);
  return last === ''
    ? 'Commit unknown (not in git).'
    : `Results committed in ${last.replace(' ', ' on ')}; the benchmark does not print the commit it measured.`;
}
