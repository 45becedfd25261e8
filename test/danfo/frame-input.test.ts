import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { asFrame, frameFromDanfoLike, isDanfoLikeFrame, isFrameLike } from '../../src/frame/frame-input.js';

// These tests use plain objects shaped like danfojs-node 1.2.0's DataFrame (its `columns`,
// `dtypes`, `getColumnData`, `column(name).values` and row-major `values`), so they run without
// loading danfo; test/danfo/danfo.test.ts checks the same paths on real DataFrames.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('isDanfoLikeFrame', () => {
  it('recognises each way a DataFrame exposes its values', () => {
    expect(isDanfoLikeFrame({ columns: ['a'], dtypes: ['int32'], getColumnData: [[1, 2]] })).toBe(true);
    expect(isDanfoLikeFrame({ columns: ['a'], dtypes: ['int32'], column: () => ({ values: [1, 2] }) })).toBe(true);
    expect(isDanfoLikeFrame({ columns: ['a'], dtypes: ['int32'], values: [[1], [2]] })).toBe(true);
    expect(isDanfoLikeFrame({ columns: ['a', 'b'], dtypes: [], values: [] })).toBe(true); // danfo's empty frame
  });

  it('rejects a Series shape, missing dtypes, non-string names and non-objects', () => {
    expect(isDanfoLikeFrame({ columns: ['a'], dtypes: ['int32'], values: [1, 2], getColumnData: [1, 2] })).toBe(false);
    expect(isDanfoLikeFrame({ columns: ['a'], values: [[1]] })).toBe(false);
    expect(isDanfoLikeFrame({ columns: [1], dtypes: ['int32'], values: [[1]] })).toBe(false);
    expect(isDanfoLikeFrame({ columns: ['a', 'b'], dtypes: ['int32'], values: [[1, 2]] })).toBe(false);
    for (const junk of [null, undefined, 3, 'frame', [[1]], new Map()]) expect(isDanfoLikeFrame(junk)).toBe(false);
  });
});

describe('asFrame', () => {
  it('returns a Frame as is', () => {
    const frame = Frame.fromColumns({ a: [1, 2] });
    expect(asFrame(frame)).toBe(frame);
  });

  it('recognises a Frame made by another copy of the library structurally (no instanceof), and nothing else as one', () => {
    const frame = Frame.fromColumns({ a: [1, 2], s: ['x', 'y'] });
    // What a Frame from the CommonJS build looks like to the ESM build: same methods, another class.
    const foreign = Object.setPrototypeOf(
      {},
      {
        get columnNames() {
          return frame.columnNames;
        },
        kind: (n: string) => frame.kind(n),
        toMatrix: () => frame.toMatrix(['a']),
      },
    );
    expect(foreign instanceof Frame).toBe(false);
    expect(isFrameLike(foreign)).toBe(true);
    expect(asFrame(foreign as Frame)).toBe(foreign);
    expect(isFrameLike({ a: [1, 2] })).toBe(false);
    expect(isFrameLike({ columns: ['a'], dtypes: ['int32'], values: [[1]] })).toBe(false);
    expect(isFrameLike(null)).toBe(false);
  });

  it('converts a DataFrame-shaped object read column by column, by column() or by rows, to the same Frame', () => {
    const expected = [
      { s: 'x', n: 1, f: 0.5 },
      { s: null, n: 2, f: Number.NaN },
    ];
    const columns = ['s', 'n', 'f'];
    const dtypes = ['string', 'int32', 'float32'];
    const byColumn = {
      columns,
      dtypes,
      getColumnData: [
        ['x', null],
        [1, 2],
        [0.5, Number.NaN],
      ],
    };
    const byName = {
      columns,
      dtypes,
      column: (name: string) => ({ values: byColumn.getColumnData[columns.indexOf(name)]! }),
    };
    const byRow = {
      columns,
      dtypes,
      values: [
        ['x', 1, 0.5],
        [undefined, 2, null],
      ],
    };
    for (const input of [byColumn, byName, byRow]) {
      const frame = asFrame(input);
      expect(frame.toRows()).toEqual(expected);
      expect(frame.columnData('n').column).toMatchObject({ values: new Int32Array([1, 2]) });
      expect(frame.columnData('f').column).toMatchObject({ values: new Float64Array([0.5, Number.NaN]) });
      expect(frame.columnData('s').column).toMatchObject({ kind: 'string', codes: new Int32Array([0, -1]) });
    }
  });

  it("keeps an empty DataFrame's columns, as strings where danfo says so", () => {
    const frame = asFrame({ columns: ['a', 's'], dtypes: ['float32', 'string'], getColumnData: [[], []] });
    expect(frame.rowCount).toBe(0);
    expect(frame.kind('a')).toBe('number');
    expect(frame.kind('s')).toBe('string');
  });

  it('follows the values when danfo labels numeric-looking strings float32, and stores an int32 column with missing values as floats', () => {
    // danfojs-node 1.2.0 infers dtype float32 for ['1', '2', NaN] but keeps the strings.
    const frame = asFrame({
      columns: ['a', 'n'],
      dtypes: ['float32', 'int32'],
      getColumnData: [
        ['1', '2', Number.NaN],
        [1, 2, Number.NaN],
      ],
    });
    expect(frame.strings('a')).toEqual(['1', '2', null]);
    expect(frame.columnData('n').column).toMatchObject({ values: new Float64Array([1, 2, Number.NaN]) });
  });

  it('rejects junk and malformed frames with a typed error naming the argument, column, row and value', () => {
    expect(() => asFrame({} as never, 'features')).toThrow(
      /asFrame: features must be a Frame or a danfo DataFrame \(with columns, dtypes and column values\), got an object \(Object\)/,
    );
    expect(() => asFrame(null as never)).toThrow(InvalidArgumentError);
    expect(() => asFrame([[1, 2]] as never, 'rows', 'flatten')).toThrow(/^flatten: rows must be a Frame/);
    expect(() => asFrame({ columns: ['a'], dtypes: ['int32'], getColumnData: [[1, 'two', 3]] }, 'df')).toThrow(
      /asFrame: df column "a" row 1 must be a number like the rest of the column \(danfo dtype int32\), got "two"/,
    );
    expect(() => asFrame({ columns: ['a'], dtypes: ['object'], getColumnData: [[1]] })).toThrow(
      /frame\.dtypes\[0\] must be a danfo dtype/,
    );
    expect(() => asFrame({ columns: ['a'], dtypes: ['float32'], getColumnData: [[new Date(0)]] })).toThrow(
      /column "a" row 0 must be a number, string, boolean or missing value/,
    );
    expect(() => asFrame({ columns: ['a', 'b'], dtypes: ['int32', 'int32'], values: [[1, 2], [3]] })).toThrow(
      /frame\.values\[1\] must be a row of 2 values/,
    );
    expect(() => asFrame({ columns: ['a', 'a'], dtypes: ['int32', 'int32'], getColumnData: [[1], [2]] })).toThrow(
      /columns\[1\] must be a column name not used before, got "a"/,
    );
  });

  it('honours numberTypes and indexColumn when converting explicitly', () => {
    const df = { columns: ['label'], dtypes: ['int32'], getColumnData: [[0, 1, 1]], index: ['r0', 'r1', 'r2'] };
    const frame = frameFromDanfoLike(df, { numberTypes: { label: 'uint8' }, indexColumn: 'row' });
    expect(frame.columnNames).toEqual(['row', 'label']);
    expect(frame.strings('row')).toEqual(['r0', 'r1', 'r2']);
    expect(frame.columnData('label').column).toMatchObject({ values: new Uint8Array([0, 1, 1]) });
    expect(() => frameFromDanfoLike(df, { numberTypes: { label: 'float16' as never } })).toThrow(
      /numberTypes must be float64, float32/,
    );
  });
});

describe('the main entry does not load danfo', () => {
  it('imports danfojs-node from no module reachable from src/index.ts, and only statically from src/danfo', () => {
    const reachable = new Set<string>();
    const danfoImporters: string[] = [];
    const visit = (file: string): void => {
      if (reachable.has(file)) return;
      reachable.add(file);
      // Doc comments show imports of danfo in examples; only code counts.
      const source = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const match of source.matchAll(
        /(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const specifier = match[1] ?? match[2]!;
        if (specifier === 'danfojs-node') danfoImporters.push(path.relative(repoRoot, file));
        if (!specifier.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      }
    };
    visit(path.join(repoRoot, 'src/index.ts'));
    expect(reachable.size).toBeGreaterThan(5);
    expect(danfoImporters).toEqual([]);
    reachable.clear();
    visit(path.join(repoRoot, 'src/danfo/index.ts'));
    expect(danfoImporters.every((f) => f.startsWith(`src${path.sep}danfo${path.sep}`))).toBe(true);
    expect(danfoImporters.length).toBeGreaterThan(0);
  });
});
