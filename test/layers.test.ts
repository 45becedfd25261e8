import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, lowest first: a module imports from its own layer or from layers below,
 * never above, so each area can be read and tested with only what is beneath it. The endpoint
 * server (serve) is the container the local backend (train) starts, so serve sits below train.
 * Entry files (src/index.ts and each folder's index.ts) gather names for the package and are
 * exempt.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'async-dispose.ts', 'package-info.ts'],
  ['frame', 'random'],
  ['events'],
  ['sessions'],
  ['split', 'synth'],
  ['model'],
  ['eval'],
  ['serve'],
  ['train'],
  ['live', 'sagemaker', 'tune'],
  ['experiment', 'danfo'],
  ['cli'],
];

const srcRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function layerOf(relative: string): number {
  const top = relative.split('/')[0]!;
  const layer = LAYERS.findIndex((names) => names.includes(top));
  if (layer < 0) throw new Error(`src/${relative} is in no layer: add ${top} to LAYERS in test/layers.test.ts`);
  return layer;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('imports run down the layers', () => {
  it('no module of src/ imports from a layer above its own (entry files aside)', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(srcRoot)) {
      const relative = path.relative(srcRoot, file).split(path.sep).join('/');
      if (relative === 'index.ts' || /^[a-z-]+\/index\.ts$/.test(relative)) continue;
      const from = layerOf(relative);
      // Static imports and re-exports, and dynamic `import('…')` (a lazy load is a dependency too).
      for (const [, staticSpecifier, dynamicSpecifier] of readFileSync(file, 'utf8').matchAll(
        /^(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm,
      )) {
        const specifier = (staticSpecifier ?? dynamicSpecifier)!;
        const target = path
          .relative(srcRoot, path.resolve(path.dirname(file), specifier))
          .split(path.sep)
          .join('/')
          .replace(/\.js$/, '.ts');
        if (target === 'index.ts' || layerOf(target) > from) upward.push(`src/${relative} imports src/${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the layer table names every folder of src/', () => {
    const folders = readdirSync(srcRoot, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    for (const folder of folders) expect(() => layerOf(`${folder}/x.ts`), folder).not.toThrow();
  });
});
