import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPackage } from './cli/built-package.js';

type Root = typeof import('../src/index.js');
type ModelEntry = typeof import('../src/model/index.js');

const BAD_TIME_LOG = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n1\tyesterday\t1\t1\t1\t111\t0\n';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

// A tslab notebook loads the CommonJS build; code it calls may run the ESM build. The package's
// error classes are then two sets of objects, and plain `instanceof` would miss.
describe('typed errors are recognised across the ESM and CommonJS builds', () => {
  const require = createRequire(import.meta.url);
  let esm: Root;
  let cjs: Root;
  let esmModel: ModelEntry;
  let cjsModel: ModelEntry;
  const entries = ['index', 'model', 'serve', 'live', 'sagemaker', 'danfo', 'tune', 'synth'] as const;
  const loaded: Record<string, { esm: Record<string, unknown>; cjs: Record<string, unknown> }> = {};

  beforeAll(async () => {
    const dist = await builtPackage();
    for (const entry of entries) {
      loaded[entry] = {
        esm: (await import(pathToFileURL(path.join(dist, `${entry}.js`)).href)) as Record<string, unknown>,
        cjs: require(path.join(dist, `${entry}.cjs`)) as Record<string, unknown>,
      };
    }
    esm = loaded.index!.esm as unknown as Root;
    cjs = loaded.index!.cjs as unknown as Root;
    esmModel = loaded.model!.esm as unknown as ModelEntry;
    cjsModel = loaded.model!.cjs as unknown as ModelEntry;
  }, 180_000);

  it('the two builds hold different class objects (so the check below is not trivially true)', () => {
    expect(esm.ParseError).not.toBe(cjs.ParseError);
    expect(Object.getPrototypeOf(thrown(() => esm.parseEventLog(BAD_TIME_LOG)))).not.toBe(cjs.ParseError.prototype);
  });

  it('a ParseError thrown by the ESM build is an instance of the CommonJS ParseError and SessionSentryError, not of other classes', () => {
    const err = thrown(() => esm.parseEventLog(BAD_TIME_LOG));
    expect(err instanceof cjs.ParseError).toBe(true);
    expect(err instanceof cjs.SessionSentryError).toBe(true);
    expect(err instanceof Error).toBe(true);
    expect(err instanceof cjs.InvalidArgumentError).toBe(false);
    expect(err instanceof cjsModel.ModelFormatError).toBe(false);
    expect((err as { code: string }).code).toBe('ERR_PARSE');
  });

  it('an InvalidArgumentError thrown by the CommonJS build is an instance of the ESM class, not of ParseError', () => {
    const err = thrown(() => cjs.Truncators.firstN(-1));
    expect(err instanceof esm.InvalidArgumentError).toBe(true);
    expect(err instanceof esm.SessionSentryError).toBe(true);
    expect(err instanceof esm.ParseError).toBe(false);
  });

  it("an error thrown through a subpath entry (sessionsentry/model, CommonJS) matches that entry's ESM class and the root's SessionSentryError", () => {
    const err = thrown(() => cjsModel.loadModel(new Uint8Array([1, 2, 3])));
    expect(err instanceof esmModel.ModelFormatError).toBe(true);
    expect(err instanceof esm.SessionSentryError).toBe(true);
    expect(err instanceof esmModel.InvalidModelError).toBe(false);
    expect(thrown(() => esmModel.loadModel(new Uint8Array([1, 2, 3]))) instanceof cjsModel.ModelFormatError).toBe(true);
  });

  it("values that are not the library's errors are not instances", () => {
    for (const value of [
      new Error('x'),
      new TypeError('x'),
      {},
      null,
      undefined,
      'ParseError',
      { name: 'ParseError', code: 'ERR_PARSE' },
    ]) {
      expect(value instanceof esm.ParseError, String(value)).toBe(false);
      expect(value instanceof cjs.SessionSentryError, String(value)).toBe(false);
    }
  });

  it('every error class of every entry keeps its exported name in both builds (the brand is the class name)', () => {
    let classes = 0;
    for (const entry of entries) {
      for (const build of ['esm', 'cjs'] as const) {
        for (const [name, value] of Object.entries(loaded[entry]![build])) {
          if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
          classes++;
          expect(value.name, `${entry}.${build === 'esm' ? 'js' : 'cjs'} ${name}`).toBe(name);
          const base = loaded.index![build].SessionSentryError as typeof Error;
          expect(value === base || value.prototype instanceof base, `${name} extends SessionSentryError`).toBe(true);
        }
      }
    }
    expect(classes).toBeGreaterThanOrEqual(2 * 30);
  });
});
