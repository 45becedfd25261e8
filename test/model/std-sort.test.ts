import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stdSortByValue } from '../../src/model/std-sort.js';

// The reference is libstdc++'s std::sort itself, compiled here with g++ (Debian's g++, which
// .ci/run installs): XGBoost 1.7.4's quantile sketch sorts its queue with it, and the order it
// leaves equal values in decides float32 weight sums. Under CI=true a missing g++ fails the test.
const gxx = spawnSync('g++', ['--version'], { encoding: 'utf8' }).status === 0;
if (!gxx) console.log('std-sort: SKIPPED — g++ is not installed (apt-get install g++)');

const PROGRAM = String.raw`
#include <algorithm>
#include <cstdio>
#include <vector>
struct Q { float value; int index; bool operator<(const Q& b) const { return value < b.value; } };
int main() {
  int n;
  while (std::scanf("%d", &n) == 1) {
    std::vector<Q> q(n);
    for (int i = 0; i < n; i++) { std::scanf("%f", &q[i].value); q[i].index = i; }
    std::sort(q.begin(), q.end());
    for (int i = 0; i < n; i++) std::printf(i ? " %d" : "%d", q[i].index);
    std::printf("\n");
  }
}
`;

describe.runIf(gxx || process.env.CI === 'true')('stdSortByValue', () => {
  it("leaves equal values in exactly the order libstdc++'s std::sort (g++) leaves them, for short, long, sorted, reversed and tie-heavy inputs", () => {
    let seed = 11;
    const u = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
    const inputs: number[][] = [];
    for (let c = 0; c < 240; c++) {
      const n = [1, 2, 3, 15, 16, 17, 33, 257, 1000, 8194][c % 10]!;
      const distinct = [2, 3, 10, 100, 100000][Math.floor(u() * 5)]!;
      const shape = Math.floor(c / 10) % 4;
      inputs.push(
        Array.from({ length: n }, (_, i) =>
          shape === 0
            ? Math.floor(u() * distinct)
            : shape === 1
              ? n - i
              : shape === 2
                ? i % distinct
                : Math.floor(u() * 3) / 4,
        ),
      );
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-stdsort-'));
    try {
      writeFileSync(path.join(dir, 'sort.cc'), PROGRAM);
      execFileSync('g++', ['-O1', '-o', path.join(dir, 'sort'), path.join(dir, 'sort.cc')]);
      const input = inputs.map((a) => `${a.length} ${a.join(' ')}`).join('\n') + '\n';
      const expected = execFileSync(path.join(dir, 'sort'), { input, encoding: 'utf8', maxBuffer: 1 << 26 })
        .trim()
        .split('\n');
      const differing = inputs.filter((a, k) => {
        const values = Float64Array.from(a);
        const order = Float64Array.from(a, (_, i) => i);
        stdSortByValue(values, order, a.length);
        return Array.from(order).join(' ') !== expected[k];
      });
      expect(differing.length).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
