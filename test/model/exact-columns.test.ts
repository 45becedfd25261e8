import { describe, expect, it } from 'vitest';
import { ExactColumns } from '../../src/model/exact-columns.js';
import { createPartitionKernel } from '../../src/model/exact-partition-kernel.js';
import { createExactWorkspace, growExactTree } from '../../src/model/grow-exact.js';
import { logisticGradient } from '../../src/model/logistic-gradient.js';
import { sortColumns } from '../../src/model/sorted-columns.js';
import { resolveTrainParams } from '../../src/model/train-params.js';
import { TrainingData } from '../../src/model/training-data.js';

// XGBoost 1.7.4's exact updater scans each feature's presorted entries and skips those of rows
// not being expanded; the working columns hand each node its own entries instead. The definition
// they must meet, for every node of every level: the node's entries are exactly the presorted
// entries of the rows in that node, in the presorted order (increasing value, ties in row order).

/** mulberry32: a small seeded generator for the test's own data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Count-like columns with long runs of ties, some missing values, one column of reals. */
function data(seed: number, rows: number, columns: number): TrainingData {
  const u = rng(seed);
  const values = new Float32Array(rows * columns);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = u() < 0.3 ? 1 : 0;
    for (let f = 0; f < columns; f++) {
      const missing = u() < (f % 2 === 0 ? 0.1 : 0);
      values[r * columns + f] = missing ? Number.NaN : f === columns - 1 ? u() * 100 - 50 : Math.floor(u() ** 2 * 6);
    }
  }
  return TrainingData.fromRowMajor(values, columns, labels);
}

/** The definition: the presorted entries of feature f whose row is in slot s, in presorted order. */
function expected(sorted: ReturnType<typeof sortColumns>, f: number, slotOfRow: Int32Array, s: number) {
  const rowIds: number[] = [];
  const values: number[] = [];
  for (let i = sorted.ptrs[f]!; i < sorted.ptrs[f + 1]!; i++) {
    const row = sorted.rowIds[i]!;
    if (slotOfRow[row] !== s) continue;
    rowIds.push(row);
    values.push(sorted.values[i]!);
  }
  return { rowIds, values };
}

function segment(columns: ExactColumns, f: number, s: number) {
  const lo = columns.bounds[f * columns.stride + s]!;
  const hi = columns.bounds[f * columns.stride + s + 1]!;
  return { rowIds: Array.from(columns.rowIds.subarray(lo, hi)), values: Array.from(columns.values.subarray(lo, hi)) };
}

/**
 * The next level of a random tree: each node of the level splits with probability 0.8, its rows
 * going left, right, or (a child too light to split) nowhere; returns the new slots and, per old
 * slot, its left child's slot.
 */
function nextLevel(u: () => number, slotOfRow: Int32Array, slots: number) {
  const childSlot = new Int32Array(64).fill(-1);
  let next = 0;
  for (let p = 0; p < slots; p++) {
    if (u() < 0.8) {
      childSlot[p] = next;
      next += 2;
    }
  }
  const deadChild = Array.from({ length: next }, () => u() < 0.15);
  const out = new Int32Array(slotOfRow.length);
  for (let r = 0; r < slotOfRow.length; r++) {
    const p = slotOfRow[r]!;
    const left = p < 0 ? -1 : childSlot[p]!;
    if (left < 0) out[r] = -1;
    else {
      const s = left + (u() < 0.5 ? 0 : 1);
      out[r] = deadChild[s] ? -1 : s;
    }
  }
  return { slotOfRow: out, slots: next, childSlot };
}

describe('the exact grower’s working columns', () => {
  it('move entries with WebAssembly on this Node, with the JavaScript kernel when asked', () => {
    const sorted = sortColumns(data(1, 20, 3));
    expect(createPartitionKernel(sorted, 20).kind).toBe('wasm');
    expect(createPartitionKernel(sorted, 20, { wasm: false }).kind).toBe('js');
  });

  for (const wasm of [true, false]) {
    it(`hand every node of every level exactly its rows' presorted entries, in presorted order (${wasm ? 'WebAssembly' : 'JavaScript'} kernel), whether a feature is partitioned at every level, skips levels, or first appears deep`, () => {
      const rows = 700;
      const d = data(wasm ? 7 : 8, rows, 5);
      const sorted = sortColumns(d);
      const columns = new ExactColumns(sorted, rows, 32, { wasm });
      expect(columns.kernel.kind).toBe(wasm ? 'wasm' : 'js');
      const u = rng(99);
      let checked = 0;
      for (let tree = 0; tree < 8; tree++) {
        columns.reset();
        // The root: a 70% subsample.
        let slotOfRow = Int32Array.from({ length: rows }, () => (u() < 0.7 ? 0 : -1));
        let slots = 1;
        let childSlot = new Int32Array(64).fill(-1);
        for (let depth = 0; depth < 5 && slots > 0; depth++) {
          columns.enterLevel(slotOfRow);
          // Feature 0 and 4: every level; 1: even levels only (regrouped); 2: from depth 2 on; 3: never at depth 1.
          const scanned = [
            0,
            4,
            ...(depth % 2 === 0 ? [1] : []),
            ...(depth >= 2 ? [2] : []),
            ...(depth !== 1 ? [3] : []),
          ];
          for (const f of scanned) {
            columns.partition(f, depth, slots, slotOfRow, childSlot);
            for (let s = 0; s < slots; s++) {
              expect(segment(columns, f, s), `tree ${tree} depth ${depth} feature ${f} slot ${s}`).toEqual(
                expected(sorted, f, slotOfRow, s),
              );
              checked++;
            }
          }
          ({ slotOfRow, slots, childSlot } = nextLevel(u, slotOfRow, slots));
        }
      }
      expect(checked).toBeGreaterThan(250);
    });
  }

  it('grow the same trees with either kernel, with missing values, ties and subsampling', () => {
    const rows = 3000;
    const d = data(11, rows, 9);
    const params = resolveTrainParams({ max_depth: '6', min_child_weight: '1', tree_method: 'exact' });
    const ctx = {
      data: d,
      sorted: sortColumns(d),
      params,
    };
    const grown = [true, false].map((wasm) => {
      const work = createExactWorkspace(ctx, { wasm });
      const u = rng(5);
      const margin = new Float32Array(rows);
      const grad = new Float32Array(rows);
      const hess = new Float32Array(rows);
      const active = new Uint8Array(rows);
      const trees: string[] = [];
      for (let k = 0; k < 5; k++) {
        logisticGradient(margin, d.labels, 1, grad, hess, undefined);
        for (let r = 0; r < rows; r++) active[r] = u() < 0.8 ? 1 : 0;
        const { tree, leafOf } = growExactTree(ctx, work, grad, hess, active);
        for (let r = 0; r < rows; r++) margin[r] = Math.fround(margin[r]! + tree.splitConditions[leafOf[r]!]!);
        trees.push(
          JSON.stringify(tree, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)),
        );
      }
      return { kind: work.columns.kernel.kind, trees };
    });
    expect(grown.map((g) => g.kind)).toEqual(['wasm', 'js']);
    expect(grown[0]!.trees.some((t) => t.includes('"leftChildren":[1,'))).toBe(true);
    expect(grown[0]!.trees).toEqual(grown[1]!.trees);
  });
});
