import type { Booster } from '../model/booster.js';
import { sigmoidF32 } from '../model/expf.js';
import { flattenModel } from '../model/predict.js';

/** Largest forest compiled (total nodes); beyond it the generated code would be too large to pay off. */
const MAX_COMPILED_NODES = 100_000;
/** Deepest tree compiled: nested conditionals beyond this stress the parser's recursion. */
const MAX_COMPILED_DEPTH = 24;

/**
 * A Booster's one-row prediction compiled into a JavaScript function: each tree becomes nested
 * conditionals with its float32 thresholds and leaf values as literals, so scoring a row reads
 * each feature once and walks no node arrays. The result is bit-identical to
 * `Booster.predictRow` (same float32 comparisons, the same missing-value directions, leaves added
 * to the margin in tree order in float32, the same sigmoid), and about twice as fast, which is
 * what live scoring (one prediction per event) spends most of its time on.
 *
 * The code is generated from numbers only (feature indices, thresholds, leaf values), never from
 * strings of the model file. Returns `null` when the forest is too large or too deep to pay off
 * (over 100 000 nodes or depth 24), or when the runtime forbids code generation
 * (`--disallow-code-generation-from-strings`); callers then use `predictRow`. Uses the trees
 * `predictRow` uses by default (`best_ntree_limit` when set, else all). A Booster is compiled once:
 * later calls return the same function (or `null`).
 *
 * @example
 * ```ts
 * const score = compileForest(booster) ?? ((row) => booster.predictRow(row));
 * score(new Float64Array(booster.numFeature)) === booster.predictRow(new Float64Array(booster.numFeature)); // true
 * ```
 */
export function compileForest(booster: Booster): ((row: ArrayLike<number>) => number) | null {
  let compiled = COMPILED.get(booster);
  if (compiled === undefined) {
    compiled = compile(booster);
    COMPILED.set(booster, compiled);
  }
  return compiled;
}

/**
 * The function compiled for each Booster (a Booster's trees are fixed when it is built: it
 * flattens them once, as this does). Every scorer over the same model shares one function, so
 * the engine optimizes it once rather than once per scorer.
 */
const COMPILED = new WeakMap<Booster, ((row: ArrayLike<number>) => number) | null>();

function compile(booster: Booster): ((row: ArrayLike<number>) => number) | null {
  const forest = flattenModel(booster.model);
  const best = booster.bestNtreeLimit;
  const trees = best !== undefined && best > 0 && best <= forest.numTrees ? best : forest.numTrees;
  if (forest.nodeOffset[trees]! > MAX_COMPILED_NODES) return null;
  const { left, right, feature, threshold, defaultLeft, numFeature } = forest;
  const used = new Uint8Array(numFeature);
  const literal = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  const emit = (n: number, depth: number): string | null => {
    const l = left[n]!;
    if (l === -1) return literal(threshold[n]!);
    if (depth >= MAX_COMPILED_DEPTH) return null;
    const f = feature[n]!;
    used[f] = 1;
    const th = literal(threshold[n]!);
    // `<` goes left; a missing value (NaN) goes the default direction, as in XGBoost.
    const test = defaultLeft[n] === 1 ? `(x${f} < ${th} || x${f} !== x${f})` : `x${f} < ${th}`;
    const a = emit(l, depth + 1);
    const b = a === null ? null : emit(right[n]!, depth + 1);
    return b === null ? null : `(${test} ? ${a} : ${b})`;
  };
  const body: string[] = [];
  for (let t = 0; t < trees; t++) {
    const tree = emit(forest.nodeOffset[t]!, 0);
    if (tree === null) return null;
    body.push(`m = fround(m + ${tree});`);
  }
  const reads: string[] = [];
  for (let j = 0; j < numFeature; j++) if (used[j] === 1) reads.push(`const x${j} = fround(row[${j}]);`);
  // A row shorter than numFeature has the rest missing, as predictRow reads it: it is scored
  // padded with NaN. Checking the length once, rather than guarding every read, keeps the
  // reads plain and the function about 40% faster.
  const source =
    `return function compiledForest(row) {\nif (row.length < ${numFeature}) return compiledForest(pad(row));\n` +
    `${reads.join('\n')}\nlet m = ${literal(forest.baseMargin)};\n${body.join('\n')}\nreturn sigmoid(m);\n};`;
  const pad = (row: ArrayLike<number>): Float64Array => {
    const padded = new Float64Array(numFeature).fill(Number.NaN);
    for (let j = 0; j < row.length; j++) padded[j] = row[j]!;
    return padded;
  };
  try {
    return new Function('fround', 'sigmoid', 'pad', source)(Math.fround, sigmoidF32, pad) as (
      row: ArrayLike<number>,
    ) => number;
  } catch {
    return null;
  }
}
