import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPackage } from './built-package.js';

// The package as npm would ship it: built with the project's tsup configuration.
describe('the built sessionsentry command and CommonJS entry', () => {
  let dist = '';
  beforeAll(async () => {
    dist = await builtPackage();
  }, 180_000);

  it('node dist/cli.js --help lists the commands and exits 0', () => {
    const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: sessionsentry <command> \[options\]/);
    for (const name of [
      'generate',
      'flatten',
      'split',
      'train',
      'evaluate',
      'report',
      'serve',
      'score',
      'replay',
      'run',
      'demo',
    ])
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('the built command exits 2 on a usage error and 1 on a missing file, with the message on stderr', () => {
    const usage = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'score'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^sessionsentry score: at least one log file is required/);
    const missing = spawnSync(
      process.execPath,
      [path.join(dist, 'cli.js'), 'flatten', 'no-such-log.txt', '--out', 'x.csv'],
      { encoding: 'utf8', cwd: dist },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no-such-log\.txt/);
  });

  it('the CommonJS build loads with require, as tslab notebooks load it, and trains a model', () => {
    const require = createRequire(import.meta.url);
    const lib = require(path.join(dist, 'index.cjs')) as typeof import('../../src/index.js');
    expect(typeof lib.runPartialSessionExperiment).toBe('function');
    const { files } = lib.generateLogs({ seed: 1, scale: 0.02 });
    expect(files['single.txt'].summary.sessions).toBeGreaterThan(0);
    const danfo = require(path.join(dist, 'danfo.cjs')) as typeof import('../../src/danfo/index.js');
    expect(typeof danfo.toDanfo).toBe('function');
  });
});
