/**
 * Where the training time goes, before and after a change: `node --cpu-prof` of `train()` on the
 * training benchmark's data at the user's size (24,000 rows × 38 count features, the seed's
 * hyperparameters, 50 rounds), for `hist` and `exact`, at two commits of this repository. Each
 * commit's `src` is taken with `git archive` (nothing is checked out), bundled with esbuild with
 * one small driver, and run in a fresh process: one warm-up `train()`, then RUNS more on the same
 * data (so the index the data keeps is built once, as XGBoost's DMatrix keeps it), each timed in
 * CPU time; the profile covers all of them. Printed: the median CPU time per `train()` with its
 * min–max, and the five functions with the most self time (idle time excluded), followed by the
 * hand-kept account of what changed (bench/train-profile.notes.md), so that a rerun keeps it.
 *
 *   npx tsx bench/train-profile.bench.ts                      (before = PROFILE_BEFORE, default d5161aa; after = HEAD)
 *   PROFILE_BEFORE=<commit> PROFILE_AFTER=<commit> npx tsx bench/train-profile.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BEFORE = process.env.PROFILE_BEFORE ?? 'd5161aa';
const AFTER = process.env.PROFILE_AFTER ?? 'HEAD';
const RUNS = { hist: 20, exact: 4 } as const;
const METHODS = ['hist', 'exact'] as const;
/** What changed between the two commits, in words: kept by hand beside this file and printed after the table. */
const NOTES = path.join(repo, 'bench', 'train-profile.notes.md');
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

/** The driver: the training benchmark's data generator and a timed loop over `train()`. */
const DRIVER = String.raw`
import { train } from './src/model/train.js';
import { TrainingData } from './src/model/training-data.js';
import { SEED_HYPERPARAMETERS } from './src/train/default-hyperparameters.js';
const COLUMNS = 38;
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function makeData(rows) {
  const u = rng(42);
  const poisson = (lambda) => { const l = Math.exp(-lambda); let k = 0; let p = 1; do { k++; p *= u(); } while (p > l); return k - 1; };
  const rates = Array.from({ length: COLUMNS }, () => (u() < 0.5 ? 0.2 + u() : 1 + u() * 6));
  const labels = new Float32Array(rows);
  const values = new Float32Array(rows * COLUMNS);
  for (let i = 0; i < rows; i++) {
    const bad = u() < 0.01;
    labels[i] = bad ? 1 : 0;
    for (let j = 0; j < COLUMNS; j++) values[i * COLUMNS + j] = poisson(bad && j % 7 === 0 ? rates[j] * (2 + u() * 3) : rates[j]);
  }
  return { values, labels };
}
const [method, runs] = [process.argv[2], Number(process.argv[3])];
const { objective, num_round, ...seed } = SEED_HYPERPARAMETERS;
const { values, labels } = makeData(24000);
const data = TrainingData.fromRowMajor(values, COLUMNS, labels);
const params = { ...seed, seed: '0', num_round, tree_method: method };
train(data, params);
const cpu = [];
for (let k = 0; k < runs; k++) {
  const c = process.cpuUsage();
  train(data, params);
  const u = process.cpuUsage(c);
  cpu.push((u.user + u.system) / 1000);
}
console.log(JSON.stringify(cpu));
`;

interface Profile {
  nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function inside `train()` (not the data generation), as percentages of train()'s time. WebAssembly
 * functions are named by their module: the histogram kernel (hist) or the column partition kernel (exact).
 */
function topFunctions(file: string, count: number, method: (typeof METHODS)[number]): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inTrain = new Map<number, boolean>();
  const underTrain = (id: number): boolean => {
    const known = inTrain.get(id);
    if (known !== undefined) return known;
    const up = parent.get(id);
    const yes = byId.get(id)?.callFrame.functionName === 'train' || (up !== undefined && underTrain(up));
    inTrain.set(id, yes);
    return yes;
  };
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const name = byId.get(id)?.callFrame.functionName || '(anonymous)';
    // The collector runs outside any JavaScript stack; it is counted, as the work of the process.
    if (name !== '(garbage collector)' && !underTrain(id)) return;
    const dt = p.timeDeltas[i] ?? 0;
    const label =
      name === '(garbage collector)'
        ? 'garbage collector'
        : name.startsWith('wasm-function')
          ? method === 'hist'
            ? 'WebAssembly histogram kernel'
            : 'WebAssembly partition kernel'
          : name;
    self.set(label, (self.get(label) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, t]) => `${name} ${Math.round((100 * t) / total)}%`)
    .join('; ');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const root = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-train-profile-'));
const esbuild = path.join(repo, 'node_modules', '.bin', 'esbuild');
const loadStart = os.loadavg()[0]!;
const rows: string[] = [];
try {
  const commits = [BEFORE, AFTER].map((ref) => git('rev-parse', '--short', ref));
  for (const [k, commit] of commits.entries()) {
    const tree = path.join(root, commit);
    mkdirSync(tree, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} src | tar -x -C "${tree}"`], { cwd: repo });
    writeFileSync(path.join(tree, 'driver.ts'), DRIVER);
    execFileSync(
      esbuild,
      ['driver.ts', '--bundle', '--platform=node', '--format=esm', '--outfile=driver.mjs', '--log-level=error'],
      {
        cwd: tree,
      },
    );
    for (const method of METHODS) {
      process.stderr.write(`train-profile: ${commit} ${method} …\n`);
      const profDir = path.join(tree, `prof-${method}`);
      const out = execFileSync(
        process.execPath,
        [
          '--cpu-prof',
          `--cpu-prof-dir=${profDir}`,
          '--cpu-prof-interval=250',
          'driver.mjs',
          method,
          String(RUNS[method]),
        ],
        { cwd: tree, encoding: 'utf8' },
      );
      const cpu = JSON.parse(out) as number[];
      const file = path.join(profDir, readdirSync(profDir)[0]!);
      const when = k === 0 ? 'before' : 'after';
      rows.push(
        `| ${method} | ${when} (${commit}) | ${median(cpu).toFixed(0)} ms (${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}) | ${topFunctions(file, 5, method)} |`,
      );
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
rows.sort((a, b) => (a.split('|')[1]! < b.split('|')[1]! ? 1 : a.split('|')[1]! > b.split('|')[1]! ? -1 : 0));

console.log(
  [
    '## Training profile: where the time goes, before and after (issue 18)',
    '',
    "`node --cpu-prof` of `train()` on the training benchmark's data at the user's size (24,000 rows × 38 count features,",
    "the seed's hyperparameters, 50 rounds), each commit's `src` bundled with esbuild and run in a fresh process: one",
    `warm-up, then ${RUNS.hist} (hist) or ${RUNS.exact} (exact) timed runs on the same data; CPU time per \`train()\` is their median (min–max);`,
    'self time per function inside `train()` (and the garbage collector), top five (written by bench/train-profile.bench.ts,',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; 1-minute load average ${loadStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end, on ${os.availableParallelism()} cores).`,
    '',
    '| tree_method | commit | CPU per train() | top five by self time |',
    '|---|---|---|---|',
    ...rows,
    ...(existsSync(NOTES) ? ['', readFileSync(NOTES, 'utf8').trim()] : []),
  ].join('\n'),
);
