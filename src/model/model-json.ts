import { formatFloat32, formatG } from './float32.js';
import type { BoosterModel, RegTree } from './model-types.js';
import { type ModelFormat, ModelFormatError } from './model-errors.js';

/** The XGBoost version whose format the writers produce. */
const WRITER_VERSION = [1, 7, 4] as const;

/** Options of {@link readModelJSON} and {@link modelFromDocument}. */
export interface ReadModelOptions {
  /** File name for error messages. */
  readonly file?: string;
}

/**
 * Reads an XGBoost JSON model (`Booster.save_model('model.json')`, 1.x to 3.x) into a
 * {@link BoosterModel}. Accepts what XGBoost itself accepts: the required fields of its schema,
 * dmlc parameters as strings (numbers tolerated), `default_left` as 0/1 or booleans, the root parent
 * as 2147483647 or −1, `base_score` as `"5E-1"` or the 3.x vector form `"[5E-1]"`; trees are placed
 * by `id`. Throws {@link ModelFormatError} naming the JSON path of the first bad field. The result is
 * not yet validated for cycles or ranges (the {@link sessionsentry!Booster} constructor does that).
 *
 * @example
 * ```ts
 * const model = readModelJSON(await readFile('model.json', 'utf8'));
 * model.trees.length; // 10
 * ```
 */
export function readModelJSON(json: string | object, options: ReadModelOptions = {}): BoosterModel {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (cause) {
      throw new ModelFormatError('json', 'text', `not valid JSON (${(cause as Error).message})`, {
        cause,
        file: options.file,
      });
    }
  }
  return modelFromDocument(doc, 'json', options);
}

/** A JSON-like value: what `JSON.parse` or the UBJSON reader produce (typed arrays for optimised arrays). */
type Doc = unknown;

class Reader {
  constructor(
    readonly format: ModelFormat,
    readonly file: string | undefined,
  ) {}

  fail(path: string, problem: string): never {
    throw new ModelFormatError(this.format, path, problem, { file: this.file });
  }

  object(value: Doc, path: string): Record<string, Doc> {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
      this.fail(path, `found ${kindOf(value)} (expected an object)`);
    }
    return value as Record<string, Doc>;
  }

  field(obj: Record<string, Doc>, key: string, path: string): Doc {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) this.fail(`${path}.${key}`, 'missing (required field)');
    return obj[key];
  }

  string(value: Doc, path: string): string {
    if (typeof value !== 'string') this.fail(path, `found ${kindOf(value)} (expected a string)`);
    return value;
  }

  /** A dmlc parameter: a string holding a number (XGBoost's form), or a number. */
  paramNumber(value: Doc, path: string): number {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      const text = value.trim().replace(/^\[(.*)\]$/, '$1');
      n = text === '' ? Number.NaN : Number(text);
    } else this.fail(path, `found ${kindOf(value)} (expected a number as a string)`);
    if (Number.isNaN(n)) this.fail(path, `found ${JSON.stringify(value)} (expected a number)`);
    return n;
  }

  paramInt(value: Doc, path: string, min: number, max: number): number {
    const n = this.paramNumber(value, path);
    if (!Number.isInteger(n) || n < min || n > max)
      this.fail(path, `found ${JSON.stringify(value)} (expected an integer in [${min}, ${max}])`);
    return n;
  }

  numbers(value: Doc, path: string): ArrayLike<number> {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Float64Array.from(value, Number);
      return value as unknown as ArrayLike<number>;
    }
    if (!Array.isArray(value)) this.fail(path, `found ${kindOf(value)} (expected an array of numbers)`);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'boolean') return value.map((x) => (x === true ? 1 : x === false ? 0 : (x as number)));
      if (typeof v !== 'number') this.fail(`${path}[${i}]`, `found ${kindOf(v)} (expected a number)`);
    }
    return value as number[];
  }

  ints(value: Doc, path: string, length: number, min: number, max: number): ArrayLike<number> {
    const array = this.numbers(value, path);
    if (array.length !== length) this.fail(path, `has ${array.length} entries (expected num_nodes = ${length})`);
    for (let i = 0; i < array.length; i++) {
      const v = array[i]!;
      if (!Number.isInteger(v) || v < min || v > max)
        this.fail(`${path}[${i}]`, `found ${v} (expected an integer in [${min}, ${max}])`);
    }
    return array;
  }

  floats(value: Doc, path: string, length: number): Float32Array {
    const array = this.numbers(value, path);
    if (array.length !== length) this.fail(path, `has ${array.length} entries (expected num_nodes = ${length})`);
    return Float32Array.from(array);
  }

  strings(value: Doc, path: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(path, `found ${kindOf(value)} (expected an array of strings)`);
    return value.map((v, i) => this.string(v, `${path}[${i}]`));
  }
}

/**
 * Builds a {@link BoosterModel} from a parsed XGBoost model document, the shared back end of the
 * JSON and UBJSON readers (`format` only labels errors).
 *
 * @example
 * ```ts
 * modelFromDocument(JSON.parse(text), 'json');
 * ```
 */
export function modelFromDocument(doc: unknown, format: ModelFormat, options: ReadModelOptions = {}): BoosterModel {
  const r: Reader = new Reader(format, options.file);
  const root = r.object(doc, '$');
  let version: [number, number, number] = [1, 7, 4];
  if (root.version !== undefined) {
    const v = r.numbers(root.version, '$.version');
    if (v.length !== 3) r.fail('$.version', `has ${v.length} entries (expected [major, minor, patch])`);
    version = [v[0]!, v[1]!, v[2]!];
  }
  const learner = r.object(r.field(root, 'learner', '$'), '$.learner');
  const attrsDoc = r.object(r.field(learner, 'attributes', '$.learner'), '$.learner.attributes');
  const attributes: Record<string, string> = {};
  for (const key of Object.keys(attrsDoc))
    setOwn(attributes, key, r.string(attrsDoc[key], `$.learner.attributes.${key}`));
  const featureNames = r.strings(learner.feature_names, '$.learner.feature_names');
  const featureTypes = r.strings(learner.feature_types, '$.learner.feature_types');

  const lmpPath = '$.learner.learner_model_param';
  const lmp = r.object(r.field(learner, 'learner_model_param', '$.learner'), lmpPath);
  const baseScore = Math.fround(r.paramNumber(r.field(lmp, 'base_score', lmpPath), `${lmpPath}.base_score`));
  const numClass = r.paramInt(r.field(lmp, 'num_class', lmpPath), `${lmpPath}.num_class`, 0, 0x7fffffff);
  if (numClass > 1)
    r.fail(`${lmpPath}.num_class`, `found ${numClass} (expected 0 or 1: only binary:logistic is supported)`);
  const numFeature = r.paramInt(r.field(lmp, 'num_feature', lmpPath), `${lmpPath}.num_feature`, 0, 0x7fffffff);
  if (lmp.num_target !== undefined) {
    const numTarget = r.paramInt(lmp.num_target, `${lmpPath}.num_target`, 0, 0x7fffffff);
    if (numTarget > 1)
      r.fail(`${lmpPath}.num_target`, `found ${numTarget} (expected 1: multi-target models are not supported)`);
  }
  const boostFromAverage =
    lmp.boost_from_average === undefined
      ? true
      : r.paramNumber(lmp.boost_from_average, `${lmpPath}.boost_from_average`) !== 0;

  const objPath = '$.learner.objective';
  const objective = r.object(r.field(learner, 'objective', '$.learner'), objPath);
  const objectiveName = r.string(r.field(objective, 'name', objPath), `${objPath}.name`);
  if (objectiveName !== 'binary:logistic')
    r.fail(
      `${objPath}.name`,
      `found ${JSON.stringify(objectiveName)} (expected "binary:logistic", the only objective supported)`,
    );
  const regLoss = r.object(r.field(objective, 'reg_loss_param', objPath), `${objPath}.reg_loss_param`);
  const scalePosWeight =
    regLoss.scale_pos_weight === undefined
      ? 1
      : r.paramNumber(regLoss.scale_pos_weight, `${objPath}.reg_loss_param.scale_pos_weight`);

  const gbPath = '$.learner.gradient_booster';
  const gb = r.object(r.field(learner, 'gradient_booster', '$.learner'), gbPath);
  const gbName = r.string(r.field(gb, 'name', gbPath), `${gbPath}.name`);
  if (gbName !== 'gbtree')
    r.fail(`${gbPath}.name`, `found ${JSON.stringify(gbName)} (expected "gbtree", the only booster supported)`);
  const modelPath = `${gbPath}.model`;
  const gbModel = r.object(r.field(gb, 'model', gbPath), modelPath);
  const gbParam = r.object(r.field(gbModel, 'gbtree_model_param', modelPath), `${modelPath}.gbtree_model_param`);
  const treesDoc = r.field(gbModel, 'trees', modelPath);
  if (!Array.isArray(treesDoc)) r.fail(`${modelPath}.trees`, `found ${kindOf(treesDoc)} (expected an array of trees)`);
  const numTrees = r.paramInt(
    r.field(gbParam, 'num_trees', `${modelPath}.gbtree_model_param`),
    `${modelPath}.gbtree_model_param.num_trees`,
    0,
    treesDoc.length,
  );
  if (numTrees !== treesDoc.length) {
    r.fail(
      `${modelPath}.gbtree_model_param.num_trees`,
      `is ${numTrees} but the model has ${treesDoc.length} trees (expected equal)`,
    );
  }
  const treeInfo = Int32Array.from(
    r.ints(r.field(gbModel, 'tree_info', modelPath), `${modelPath}.tree_info`, numTrees, 0, 0x7fffffff),
  );

  const trees: (RegTree | undefined)[] = new Array(numTrees).fill(undefined);
  treesDoc.forEach((treeDoc, i) => {
    const path = `${modelPath}.trees[${i}]`;
    const t = r.object(treeDoc, path);
    const id = r.paramInt(r.field(t, 'id', path), `${path}.id`, 0, numTrees - 1);
    if (trees[id] !== undefined) r.fail(`${path}.id`, `found ${id} again (expected each tree id once)`);
    trees[id] = readTree(r, t, path);
  });

  return {
    version,
    objective: 'binary:logistic',
    scalePosWeight,
    baseScore,
    boostFromAverage,
    numFeature,
    trees: trees as RegTree[],
    treeInfo,
    attributes,
    featureNames,
    featureTypes,
  };
}

function readTree(r: Reader, t: Record<string, Doc>, path: string): RegTree {
  const paramPath = `${path}.tree_param`;
  const param = r.object(r.field(t, 'tree_param', path), paramPath);
  const n = r.paramInt(r.field(param, 'num_nodes', paramPath), `${paramPath}.num_nodes`, 1, 0x7fffffff);
  const numDeleted =
    param.num_deleted === undefined ? 0 : r.paramInt(param.num_deleted, `${paramPath}.num_deleted`, 0, n);
  const numFeature =
    param.num_feature === undefined ? 0 : r.paramInt(param.num_feature, `${paramPath}.num_feature`, 0, 0x7fffffff);
  if (
    param.size_leaf_vector !== undefined &&
    r.paramNumber(param.size_leaf_vector, `${paramPath}.size_leaf_vector`) > 1
  ) {
    r.fail(
      `${paramPath}.size_leaf_vector`,
      'is greater than 1 (expected scalar leaves: vector leaves are not supported)',
    );
  }
  const get = (key: string): Doc => r.field(t, key, path);
  const I32_MAX = 0x7fffffff;
  const parentsIn = r.ints(get('parents'), `${path}.parents`, n, -1, I32_MAX);
  const parents = Int32Array.from(parentsIn, (p) => (p === -1 ? I32_MAX : p));
  const tree: RegTree = {
    numNodes: n,
    numDeleted,
    numFeature,
    leftChildren: Int32Array.from(r.ints(get('left_children'), `${path}.left_children`, n, -1, I32_MAX)),
    rightChildren: Int32Array.from(r.ints(get('right_children'), `${path}.right_children`, n, -1, I32_MAX)),
    parents,
    splitIndices: Uint32Array.from(r.ints(get('split_indices'), `${path}.split_indices`, n, 0, I32_MAX)),
    splitConditions: r.floats(get('split_conditions'), `${path}.split_conditions`, n),
    defaultLeft: Uint8Array.from(r.ints(get('default_left'), `${path}.default_left`, n, 0, 1)),
    baseWeights: r.floats(get('base_weights'), `${path}.base_weights`, n),
    lossChanges: r.floats(get('loss_changes'), `${path}.loss_changes`, n),
    sumHessian: r.floats(get('sum_hessian'), `${path}.sum_hessian`, n),
  };
  if (t.split_type !== undefined) {
    const splitType = r.ints(t.split_type, `${path}.split_type`, n, 0, 1);
    for (let i = 0; i < n; i++) {
      if (splitType[i] === 1 && tree.leftChildren[i] !== -1) {
        r.fail(
          `${path}.split_type[${i}]`,
          'is 1, a categorical split (expected 0: categorical splits are not supported)',
        );
      }
    }
  }
  return tree;
}

/**
 * Sets an own property even for keys like `__proto__`, which plain assignment would treat as the
 * prototype (model attributes come from untrusted files).
 *
 * @example
 * ```ts
 * setOwn(attributes, '__proto__', 'x'); // Object.keys(attributes) includes '__proto__'
 * ```
 */
export function setOwn(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'a typed array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Writes a model as XGBoost 1.7.4 writes JSON: keys sorted, no spaces, every dmlc parameter a
 * string, floats as shortest float32 text with an exponent (`5E-1`, `3E0`, never `3`), integers
 * plain — the rules XGBoost 1.7 and 3.x require. XGBoost 1.7.4 loads the result with bit-identical
 * predictions (the differential test checks it); for a model read from an
 * XGBoost 1.7.4 `model.json` the output is byte-identical to that file.
 *
 * @example
 * ```ts
 * await writeFile('model.json', writeModelJSON(booster.model));
 * ```
 */
export function writeModelJSON(model: BoosterModel): string {
  const floats = (a: ArrayLike<number>): string => `[${Array.from(a, formatFloat32).join(',')}]`;
  const ints = (a: ArrayLike<number>): string => `[${Array.from(a, (v) => String(v)).join(',')}]`;
  const str = (s: string): string => JSON.stringify(s);
  const param = (v: number): string => str(String(v));
  const attrs = Object.keys(model.attributes)
    .sort()
    .map((k) => `${str(k)}:${str(model.attributes[k]!)}`)
    .join(',');
  const trees = model.trees.map((t, id) => {
    const zeros = `[${new Array<string>(t.numNodes).fill('0').join(',')}]`;
    return (
      `{"base_weights":${floats(t.baseWeights)},"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],` +
      `"default_left":${ints(t.defaultLeft)},"id":${id},"left_children":${ints(t.leftChildren)},"loss_changes":${floats(t.lossChanges)},` +
      `"parents":${ints(t.parents)},"right_children":${ints(t.rightChildren)},"split_conditions":${floats(t.splitConditions)},` +
      `"split_indices":${ints(t.splitIndices)},"split_type":${zeros},"sum_hessian":${floats(t.sumHessian)},` +
      `"tree_param":{"num_deleted":${param(t.numDeleted)},"num_feature":${param(t.numFeature)},"num_nodes":${param(t.numNodes)},"size_leaf_vector":"0"}}`
    );
  });
  return (
    `{"learner":{"attributes":{${attrs}},"feature_names":[${model.featureNames.map(str).join(',')}],` +
    `"feature_types":[${model.featureTypes.map(str).join(',')}],` +
    `"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":${param(model.trees.length)},"size_leaf_vector":"0"},` +
    `"tree_info":${ints(model.treeInfo)},"trees":[${trees.join(',')}]},"name":"gbtree"},` +
    `"learner_model_param":{"base_score":${str(formatFloat32(model.baseScore))},"boost_from_average":${str(model.boostFromAverage ? '1' : '0')},` +
    `"num_class":"0","num_feature":${param(model.numFeature)},"num_target":"1"},` +
    `"objective":{"name":"binary:logistic","reg_loss_param":{"scale_pos_weight":${str(formatFloat32G(model.scalePosWeight))}}}},` +
    `"version":[${WRITER_VERSION.join(',')}]}`
  );
}

/** dmlc writes float parameters with `std::ostream <<`: `%g`, 6 significant digits. */
function formatFloat32G(x: number): string {
  return formatG(Math.fround(x), 6);
}

/**
 * The XGBoost 1.7.4 model document of a model as a plain object: dmlc parameters as strings, node
 * arrays as typed arrays of the types XGBoost uses (float32 values, int32 ids, uint8 flags, int64
 * category segments and sizes). The UBJSON writer
 * serialises it; `JSON.stringify` would lose the float markers, so JSON text goes through
 * {@link writeModelJSON}.
 *
 * @example
 * ```ts
 * modelToDocument(model).learner.learner_model_param.base_score; // '5E-1'
 * ```
 */
export function modelToDocument(model: BoosterModel): {
  learner: { learner_model_param: Record<string, string>; [key: string]: unknown };
  version: number[];
} {
  return {
    learner: {
      attributes: { ...model.attributes },
      feature_names: [...model.featureNames],
      feature_types: [...model.featureTypes],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: '1', num_trees: String(model.trees.length), size_leaf_vector: '0' },
          tree_info: Array.from(model.treeInfo),
          trees: model.trees.map((t, id) => ({
            base_weights: Float32Array.from(t.baseWeights),
            categories: new Int32Array(0),
            categories_nodes: new Int32Array(0),
            categories_segments: new BigInt64Array(0),
            categories_sizes: new BigInt64Array(0),
            default_left: Uint8Array.from(t.defaultLeft),
            id,
            left_children: Int32Array.from(t.leftChildren),
            loss_changes: Float32Array.from(t.lossChanges),
            parents: Int32Array.from(t.parents),
            right_children: Int32Array.from(t.rightChildren),
            split_conditions: Float32Array.from(t.splitConditions),
            split_indices: Int32Array.from(t.splitIndices),
            split_type: new Uint8Array(t.numNodes),
            sum_hessian: Float32Array.from(t.sumHessian),
            tree_param: {
              num_deleted: String(t.numDeleted),
              num_feature: String(t.numFeature),
              num_nodes: String(t.numNodes),
              size_leaf_vector: '0',
            },
          })),
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: formatFloat32(model.baseScore),
        boost_from_average: model.boostFromAverage ? '1' : '0',
        num_class: '0',
        num_feature: String(model.numFeature),
        num_target: '1',
      },
      objective: {
        name: 'binary:logistic',
        reg_loss_param: { scale_pos_weight: formatFloat32G(model.scalePosWeight) },
      },
    },
    version: [...WRITER_VERSION],
  };
}
