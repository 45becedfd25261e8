import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The package's public entries: the subpath a user imports and the source file it is built from
 * (package.json `exports`, tsup.config.ts `entry` and typedoc.json `entryPoints` list the same).
 */
const ENTRIES = [
  { subpath: '.', specifier: 'sessionsentry', source: 'src/index.ts', build: 'index' },
  { subpath: './model', specifier: 'sessionsentry/model', source: 'src/model/index.ts', build: 'model' },
  { subpath: './serve', specifier: 'sessionsentry/serve', source: 'src/serve/index.ts', build: 'serve' },
  { subpath: './live', specifier: 'sessionsentry/live', source: 'src/live/index.ts', build: 'live' },
  {
    subpath: './sagemaker',
    specifier: 'sessionsentry/sagemaker',
    source: 'src/sagemaker/index.ts',
    build: 'sagemaker',
  },
  { subpath: './danfo', specifier: 'sessionsentry/danfo', source: 'src/danfo/index.ts', build: 'danfo' },
  { subpath: './tune', specifier: 'sessionsentry/tune', source: 'src/tune/index.ts', build: 'tune' },
  { subpath: './synth', specifier: 'sessionsentry/synth', source: 'src/synth/index.ts', build: 'synth' },
] as const;

/** The root entry is the workflow; machinery goes to a subpath. Raise deliberately, if ever. */
const ROOT_VALUE_BUDGET = 80;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

interface Surface {
  readonly values: Map<string, string>;
  readonly types: Map<string, string>;
}

function kindOf(symbol: ts.Symbol): string {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Enum) return 'enum';
  if (f & ts.SymbolFlags.Variable) return 'const';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

/** Every entry's exports as the compiler sees them (what the declaration files will hold). */
function compileSurfaces(): Map<string, Surface> {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
  const program = ts.createProgram(
    ENTRIES.map((e) => path.join(repoRoot, e.source)),
    options,
  );
  const checker = program.getTypeChecker();
  const surfaces = new Map<string, Surface>();
  for (const entry of ENTRIES) {
    const sourceFile = program.getSourceFile(path.join(repoRoot, entry.source));
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) throw new Error(`${entry.source} is not a module`);
    const values = new Map<string, string>();
    const types = new Map<string, string>();
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      // `export type { SomeClass }` exports the class's type only: no value at run time.
      const typeOnly = (exported.declarations ?? []).some(
        (d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly),
      );
      (target.flags & ts.SymbolFlags.Value && !typeOnly ? values : types).set(exported.name, kindOf(target));
    }
    surfaces.set(entry.specifier, { values, types });
  }
  return surfaces;
}

/** The API report: every entry's values and types with their kind, sorted, one a line. */
function apiReport(surfaces: Map<string, Surface>): string {
  const lines = [
    '# Public API of sessionsentry',
    '',
    'Every name each entry exports, checked by test/public-surface.test.ts. Adding or removing an export',
    'changes this file: review it, then run `npx vitest run test/public-surface.test.ts -u`.',
  ];
  const list = (names: Map<string, string>): string[] =>
    [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, kind]) => `${kind} ${name}`);
  for (const [specifier, { values, types }] of surfaces) {
    lines.push(
      '',
      `## ${specifier}`,
      '',
      `### values (${values.size})`,
      '',
      '```',
      ...list(values),
      '```',
      '',
      `### types (${types.size})`,
      '',
      '```',
      ...list(types),
      '```',
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('the public surface', () => {
  let surfaces: Map<string, Surface>;
  beforeAll(() => {
    surfaces = compileSurfaces();
  }, 120_000);

  it('matches the committed API report (test/public-surface.api.md): no export is added or removed unnoticed', async () => {
    await expect(apiReport(surfaces)).toMatchFileSnapshot('./public-surface.api.md');
  });

  it(`the root entry is the workflow: at most ${ROOT_VALUE_BUDGET} values`, () => {
    expect(surfaces.get('sessionsentry')!.values.size).toBeLessThanOrEqual(ROOT_VALUE_BUDGET);
  });

  it('each entry exports at run time exactly the values its declarations name', async () => {
    for (const entry of ENTRIES) {
      const module = (await import(path.join(repoRoot, entry.source))) as Record<string, unknown>;
      expect(Object.keys(module).sort(), entry.specifier).toEqual(
        [...surfaces.get(entry.specifier)!.values.keys()].sort(),
      );
    }
  });

  it('no name is exported by two entries, so each has one home in the reference', () => {
    const home = new Map<string, string>();
    const twice: string[] = [];
    for (const [specifier, { values, types }] of surfaces) {
      for (const name of [...values.keys(), ...types.keys()]) {
        if (home.has(name)) twice.push(`${name} (${home.get(name)} and ${specifier})`);
        else home.set(name, specifier);
      }
    }
    expect(twice).toEqual([]);
  });

  it('package.json exports, tsup.config.ts and typedoc.json list the same entries (import and require, with types each)', () => {
    const pkg = JSON.parse(read('package.json')) as { exports: Record<string, unknown> };
    const tsup = read('tsup.config.ts');
    const typedoc = JSON.parse(read('typedoc.json')) as { entryPoints: string[] };
    expect(
      Object.keys(pkg.exports)
        .filter((k) => k !== './package.json')
        .sort(),
    ).toEqual(ENTRIES.map((e) => e.subpath).sort());
    expect([...typedoc.entryPoints].sort()).toEqual(ENTRIES.map((e) => e.source).sort());
    for (const entry of ENTRIES) {
      expect(pkg.exports[entry.subpath], entry.subpath).toEqual({
        import: { types: `./dist/${entry.build}.d.ts`, default: `./dist/${entry.build}.js` },
        require: { types: `./dist/${entry.build}.d.cts`, default: `./dist/${entry.build}.cjs` },
      });
      expect(tsup, entry.source).toMatch(new RegExp(`\\b'?${entry.build}'?: '${entry.source}'`));
    }
  });

  it('every name the README and docs import from an entry is exported by that entry', () => {
    const missing: string[] = [];
    for (const file of [
      'README.md',
      'docs/getting-started.md',
      'docs/concepts.md',
      'docs/sagemaker.md',
      'docs/model-format.md',
      'docs/cli.md',
    ]) {
      for (const [, names, specifier] of read(file).matchAll(
        /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(sessionsentry(?:\/[a-z]+)?)'/g,
      )) {
        const surface = surfaces.get(specifier!);
        for (const raw of names!.split(',')) {
          const name = raw
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0]!;
          if (name && !surface?.values.has(name) && !surface?.types.has(name))
            missing.push(`${file}: ${name} from '${specifier}'`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
