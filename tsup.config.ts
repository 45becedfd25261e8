import { defineConfig } from 'tsup';

/**
 * Builds the library as ESM and CommonJS with type declarations for each (tslab notebooks load
 * CommonJS), one entry per public subpath plus the CLI and the two worker threads (training, an experiment's live
 * section).
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    model: 'src/model/index.ts',
    serve: 'src/serve/index.ts',
    live: 'src/live/index.ts',
    danfo: 'src/danfo/index.ts',
    sagemaker: 'src/sagemaker/index.ts',
    tune: 'src/tune/index.ts',
    synth: 'src/synth/index.ts',
    cli: 'src/cli/main.ts',
    // Started by TrainingPool as a worker thread, resolved beside the chunk that starts it.
    'training-worker': 'src/train/training-worker.ts',
    // Started by LiveSectionThread (an experiment's live section), resolved the same way.
    'live-section-worker': 'src/experiment/live-section-worker.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // p-limit ships ESM only; bundling it keeps the CommonJS build loadable everywhere.
  noExternal: ['p-limit'],
  external: ['danfojs-node'],
});
