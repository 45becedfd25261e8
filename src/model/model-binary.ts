import type { BoosterModel, RegTree } from './model-types.js';
import { ByteCursor } from './byte-cursor.js';
import type { ModelFormatError } from './model-errors.js';
import { setOwn, type ReadModelOptions } from './model-json.js';
import { formatG } from './float32.js';

const HEADER = [0x62, 0x69, 0x6e, 0x66]; // 'binf'
const LEARNER_PARAM_BYTES = 136;
const GBTREE_PARAM_BYTES = 160;
const TREE_PARAM_BYTES = 148;
const NODE_BYTES = 20;
const STAT_BYTES = 16;
const ROOT_PARENT = 0x7fffffff;

/** The little-endian fields of the legacy binary format, every length checked before use. */
class Cursor extends ByteCursor {
  constructor(bytes: Uint8Array, file: string | undefined) {
    super(bytes, 'binary', file);
  }

  i32(what: string): number {
    return this.view.getInt32(this.need(4, what), true);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }

  f32(what: string): number {
    return this.view.getFloat32(this.need(4, what), true);
  }

  u64(what: string): number {
    const at = this.need(8, what);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(this.remaining)) this.fail(at, `${what} is ${value} but only ${this.remaining} bytes remain`);
    return Number(value);
  }

  string(what: string): string {
    const n = this.u64(`${what} length`);
    const at = this.need(n, what);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(at, at + n));
    } catch (cause) {
      return this.fail(at, `${what} is not valid UTF-8`, cause);
    }
  }
}

/**
 * True when the bytes start with the `binf` magic that XGBoost ≥ 1.1 writes at the head of a
 * legacy binary model.
 *
 * @example
 * ```ts
 * hasBinfHeader(new TextEncoder().encode('binf…')); // true
 * ```
 */
export function hasBinfHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && HEADER.every((b, i) => bytes[i] === b);
}

/**
 * Reads an XGBoost legacy binary model: what SageMaker's 1.3-1 … 1.7-1 containers save as
 * `xgboost-model` (with the `binf` magic), or a 1.0.x file without it. Every count is checked
 * against the bytes that remain before anything is allocated, every byte must be consumed, and
 * failures are {@link ModelFormatError}s naming the byte offset. The internal `objective`
 * attribute the format stores is folded back into the model (it is not a user attribute).
 *
 * @example
 * ```ts
 * const model = readModelBinary(new Uint8Array(await readFile('xgboost-model')));
 * ```
 */
export function readModelBinary(bytes: Uint8Array, options: ReadModelOptions = {}): BoosterModel {
  const c = new Cursor(bytes, options.file);
  if (hasBinfHeader(bytes)) c.offset = 4;
  const lmpAt = c.offset;
  c.need(LEARNER_PARAM_BYTES, 'LearnerModelParam');
  const v = c.view;
  const baseScore = v.getFloat32(lmpAt, true);
  const numFeature = v.getUint32(lmpAt + 4, true);
  const numClass = v.getInt32(lmpAt + 8, true);
  const containExtraAttrs = v.getInt32(lmpAt + 12, true);
  const containEvalMetrics = v.getInt32(lmpAt + 16, true);
  const major = v.getUint32(lmpAt + 20, true);
  const minor = v.getUint32(lmpAt + 24, true);
  const numTarget = v.getUint32(lmpAt + 28, true);
  const boostFromAverage = v.getInt32(lmpAt + 32, true);
  if (major === 0)
    c.fail(lmpAt + 20, 'major_version is 0, a pre-1.0 model (expected a model saved by XGBoost 1.0 or later)');
  if (numFeature > 0x7fffffff) c.fail(lmpAt + 4, `num_feature is ${numFeature} (expected below 2^31)`);
  if (numClass > 1 || numClass < 0)
    c.fail(lmpAt + 8, `num_class is ${numClass} (expected 0: only binary:logistic is supported)`);
  if (numTarget > 1)
    c.fail(lmpAt + 28, `num_target is ${numTarget} (expected 1: multi-target models are not supported)`);
  const objectiveAt = c.offset;
  const objective = c.string('objective name');
  if (objective !== 'binary:logistic')
    c.fail(
      objectiveAt,
      `objective is ${JSON.stringify(objective)} (expected "binary:logistic", the only objective supported)`,
    );
  const boosterAt = c.offset;
  const booster = c.string('booster name');
  if (booster !== 'gbtree')
    c.fail(boosterAt, `booster is ${JSON.stringify(booster)} (expected "gbtree", the only booster supported)`);

  const gbAt = c.need(GBTREE_PARAM_BYTES, 'GBTreeModelParam');
  const numTrees = v.getInt32(gbAt, true);
  const numParallelTree = v.getInt32(gbAt + 4, true);
  const sizeLeafVector = v.getInt32(gbAt + 28, true);
  const minTreeBytes = TREE_PARAM_BYTES + NODE_BYTES + STAT_BYTES + 4;
  if (numTrees < 0 || numTrees > c.remaining / minTreeBytes) {
    c.fail(
      gbAt,
      `num_trees is ${numTrees} but only ${c.remaining} bytes remain (expected at most ` +
        `${Math.floor(c.remaining / minTreeBytes)} trees)`,
    );
  }
  if (numParallelTree > 1)
    c.fail(gbAt + 4, `num_parallel_tree is ${numParallelTree} (expected 1: random forests are not supported)`);
  if (sizeLeafVector > 1)
    c.fail(gbAt + 28, `size_leaf_vector is ${sizeLeafVector} (expected 0: vector leaves are not supported)`);

  const trees: RegTree[] = [];
  for (let t = 0; t < numTrees; t++) trees.push(readTree(c, t));
  const infoAt = c.need(4 * numTrees, 'tree_info');
  const treeInfo = new Int32Array(numTrees);
  for (let t = 0; t < numTrees; t++) treeInfo[t] = v.getInt32(infoAt + 4 * t, true);

  const attributes: Record<string, string> = {};
  let scalePosWeight = 1;
  if (containExtraAttrs !== 0) {
    const countAt = c.offset;
    const count = c.u64('attribute count');
    if (count > c.remaining / 16) c.fail(countAt, `attribute count is ${count} but only ${c.remaining} bytes remain`);
    for (let i = 0; i < count; i++) {
      const key = c.string(`attribute ${i} key`);
      const valueAt = c.offset;
      const value = c.string(`attribute ${key} value`);
      if (key === 'objective') scalePosWeight = objectiveScalePosWeight(c, valueAt, value);
      else setOwn(attributes, key, value);
    }
  }
  if (containEvalMetrics !== 0) {
    const countAt = c.offset;
    const count = c.u64('metric count');
    if (count > c.remaining / 8) c.fail(countAt, `metric count is ${count} but only ${c.remaining} bytes remain`);
    for (let i = 0; i < count; i++) c.string(`metric ${i}`);
  }
  if (c.remaining !== 0) c.fail(c.offset, `${c.remaining} bytes follow the end of the model (expected none)`);

  return {
    version: [major, minor, 0],
    objective: 'binary:logistic',
    scalePosWeight,
    baseScore,
    boostFromAverage: boostFromAverage !== 0,
    numFeature,
    trees,
    treeInfo,
    attributes,
    featureNames: [],
    featureTypes: [],
  };
}

function objectiveScalePosWeight(c: Cursor, at: number, text: string): number {
  try {
    const doc = JSON.parse(text) as { reg_loss_param?: { scale_pos_weight?: string } };
    const value = doc.reg_loss_param?.scale_pos_weight;
    return value === undefined ? 1 : Number(value);
  } catch (cause) {
    c.fail(at, `attribute objective is not JSON: ${JSON.stringify(text.slice(0, 60))}`, cause);
  }
}

function readTree(c: Cursor, t: number): RegTree {
  const at = c.need(TREE_PARAM_BYTES, `tree ${t} TreeParam`);
  const v = c.view;
  const numRoots = v.getInt32(at, true);
  const numNodes = v.getInt32(at + 4, true);
  const numDeleted = v.getInt32(at + 8, true);
  const numFeature = v.getUint32(at + 16, true);
  const sizeLeafVector = v.getInt32(at + 20, true);
  if (numRoots !== 1) c.fail(at, `tree ${t}: num_roots is ${numRoots} (expected 1)`);
  const perNode = NODE_BYTES + STAT_BYTES;
  if (numNodes < 1 || numNodes > c.remaining / perNode) {
    c.fail(
      at + 4,
      `tree ${t}: num_nodes is ${numNodes} but only ${c.remaining} bytes remain (expected 1 to ` +
        `${Math.floor(c.remaining / perNode)} nodes)`,
    );
  }
  if (numDeleted < 0 || numDeleted > numNodes)
    c.fail(at + 8, `tree ${t}: num_deleted is ${numDeleted} (expected 0 to num_nodes = ${numNodes})`);
  if (sizeLeafVector > 1) c.fail(at + 20, `tree ${t}: size_leaf_vector is ${sizeLeafVector} (expected 0)`);
  const leftChildren = new Int32Array(numNodes);
  const rightChildren = new Int32Array(numNodes);
  const parents = new Int32Array(numNodes);
  const splitIndices = new Uint32Array(numNodes);
  const splitConditions = new Float32Array(numNodes);
  const defaultLeft = new Uint8Array(numNodes);
  const nodesAt = c.need(numNodes * NODE_BYTES, `tree ${t} nodes`);
  for (let i = 0; i < numNodes; i++) {
    const o = nodesAt + i * NODE_BYTES;
    const parent = v.getUint32(o, true);
    parents[i] = parent === 0xffffffff ? ROOT_PARENT : parent & 0x7fffffff;
    leftChildren[i] = v.getInt32(o + 4, true);
    rightChildren[i] = v.getInt32(o + 8, true);
    const sindex = v.getUint32(o + 12, true);
    splitIndices[i] = sindex & 0x7fffffff;
    defaultLeft[i] = sindex >>> 31;
    splitConditions[i] = v.getFloat32(o + 16, true);
  }
  const lossChanges = new Float32Array(numNodes);
  const sumHessian = new Float32Array(numNodes);
  const baseWeights = new Float32Array(numNodes);
  const statsAt = c.need(numNodes * STAT_BYTES, `tree ${t} node statistics`);
  for (let i = 0; i < numNodes; i++) {
    const o = statsAt + i * STAT_BYTES;
    lossChanges[i] = v.getFloat32(o, true);
    sumHessian[i] = v.getFloat32(o + 4, true);
    baseWeights[i] = v.getFloat32(o + 8, true);
  }
  return {
    numNodes,
    numDeleted,
    numFeature,
    leftChildren,
    rightChildren,
    parents,
    splitIndices,
    splitConditions,
    defaultLeft,
    baseWeights,
    lossChanges,
    sumHessian,
  };
}

/**
 * Writes the legacy binary format exactly as XGBoost 1.7.4's `save_model('xgboost-model')` does
 * (what SageMaker 1.7-1 puts in `model.tar.gz`): the `binf` magic, the learner parameters, the
 * trees, `tree_info`, then the attributes sorted by key with the saved objective configuration.
 * A model read from such a file is written back byte for byte.
 *
 * @example
 * ```ts
 * await writeFile('xgboost-model', writeModelBinary(booster.model));
 * ```
 */
export function writeModelBinary(model: BoosterModel): Uint8Array {
  const enc = new TextEncoder();
  const objective = enc.encode(model.objective);
  const booster = enc.encode('gbtree');
  const attributes: [Uint8Array, Uint8Array][] = Object.entries({
    ...model.attributes,
    objective: `{"name":"${model.objective}","reg_loss_param":{"scale_pos_weight":"${formatG(Math.fround(model.scalePosWeight), 6)}"}}`,
  })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, val]) => [enc.encode(k), enc.encode(val)]);
  let size = 4 + LEARNER_PARAM_BYTES + 8 + objective.length + 8 + booster.length + GBTREE_PARAM_BYTES;
  for (const tree of model.trees) size += TREE_PARAM_BYTES + tree.numNodes * (NODE_BYTES + STAT_BYTES);
  size += 4 * model.trees.length + 8;
  for (const [k, val] of attributes) size += 16 + k.length + val.length;

  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  let o = 0;
  out.set(HEADER, 0);
  o = 4;
  v.setFloat32(o, model.baseScore, true);
  v.setUint32(o + 4, model.numFeature, true);
  v.setInt32(o + 8, 0, true);
  v.setInt32(o + 12, 1, true); // contain_extra_attrs
  v.setInt32(o + 16, 0, true); // contain_eval_metrics
  v.setUint32(o + 20, 1, true);
  v.setUint32(o + 24, 7, true);
  v.setUint32(o + 28, 1, true); // num_target
  v.setInt32(o + 32, model.boostFromAverage ? 1 : 0, true);
  o += LEARNER_PARAM_BYTES;
  const putBytes = (b: Uint8Array): void => {
    v.setBigUint64(o, BigInt(b.length), true);
    out.set(b, o + 8);
    o += 8 + b.length;
  };
  putBytes(objective);
  putBytes(booster);
  v.setInt32(o, model.trees.length, true);
  v.setInt32(o + 4, 1, true); // num_parallel_tree
  o += GBTREE_PARAM_BYTES;
  for (const tree of model.trees) {
    const n = tree.numNodes;
    v.setInt32(o, 1, true); // num_roots
    v.setInt32(o + 4, n, true);
    v.setInt32(o + 8, tree.numDeleted, true);
    v.setUint32(o + 16, tree.numFeature, true);
    o += TREE_PARAM_BYTES;
    for (let i = 0; i < n; i++) {
      const p = tree.parents[i]!;
      // Bit 31 marks a left child; deleted (unlinked) nodes carry no mark, as XGBoost leaves them.
      const isLeft = i !== 0 && p !== ROOT_PARENT && p >= 0 && p < n && tree.leftChildren[p] === i;
      v.setUint32(o, p === ROOT_PARENT ? 0xffffffff : (p | (isLeft ? 0x80000000 : 0)) >>> 0, true);
      v.setInt32(o + 4, tree.leftChildren[i]!, true);
      v.setInt32(o + 8, tree.rightChildren[i]!, true);
      v.setUint32(o + 12, (tree.splitIndices[i]! | (tree.defaultLeft[i] ? 0x80000000 : 0)) >>> 0, true);
      v.setFloat32(o + 16, tree.splitConditions[i]!, true);
      o += NODE_BYTES;
    }
    for (let i = 0; i < n; i++) {
      v.setFloat32(o, tree.lossChanges[i]!, true);
      v.setFloat32(o + 4, tree.sumHessian[i]!, true);
      v.setFloat32(o + 8, tree.baseWeights[i]!, true);
      o += STAT_BYTES;
    }
  }
  for (let t = 0; t < model.trees.length; t++, o += 4) v.setInt32(o, model.treeInfo[t]!, true);
  v.setBigUint64(o, BigInt(attributes.length), true);
  o += 8;
  for (const [k, val] of attributes) {
    putBytes(k);
    putBytes(val);
  }
  return out;
}
