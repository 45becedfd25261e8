/**
 * What the benchmarks share to follow issue 18's protocol: the median of rounds, the commit measured
 * and where the time goes (self time per function from V8's sampling profiler).
 */
import { spawnSync } from 'node:child_process';

/** The median (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The commit measured (with `+changes` when the sources in the work tree differ from it), or 'unknown'. */
export function measuredCommit(): string {
  const git = (...args: string[]): string => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD');
  if (head === '') return 'unknown';
  return git('status', '--porcelain', '--untracked-files=no', '--', 'src') === '' ? head : `${head}+changes`;
}

/**
 * Self time per function over `runs` calls of `work` (awaited when it returns a promise), from the
 * V8 sampling profiler (what `node --cpu-prof` records): the top five, as shares of the time
 * sampled. Idle time (waiting for a file) and the first sample (its interval covers starting the
 * profiler, the inspector's `dispatch`) are left out.
 */
export async function selfTimeProfile(
  work: () => unknown,
  runs: number,
): Promise<{ totalMs: number; top: { name: string; share: number }[] }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  for (let r = 0; r < runs; r++) await work();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 1; i < samples.length; i++) {
    const frame = byId.get(samples[i]!)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const file = frame.url === '' ? '' : ` (${frame.url.split('/').slice(-2).join('/')})`;
    const name = `\`${frame.functionName || '(anonymous)'}\`${file}`;
    const dt = deltas[i] ?? 0;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  }
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([name, us]) => ({ name, share: (100 * us) / total }));
  return { totalMs: total / 1000, top };
}
