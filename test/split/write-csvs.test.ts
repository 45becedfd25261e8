import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { FrameSplitter } from '../../src/split/frame-splitter.js';
import { csvNames, writeCsvs, type CsvManifest } from '../../src/split/write-csvs.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'write-csvs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function frame(n: number, shift: number): Frame {
  return Frame.fromColumns({
    SessionNo: Array.from({ length: n }, (_, i) => `s${i}`),
    BadActor: Uint8Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0)),
    '111': Float64Array.from({ length: n }, (_, i) => i + shift),
    '201': Float64Array.from({ length: n }, (_, i) => (i * shift) / 4),
  });
}

const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
const jobs = [
  {
    name: 'first10',
    source: 'mixed-1.txt, first 10 events',
    split: splitter.split(frame(100, 1), { train: 0.7, validation: 0.15, test: 0.15, seed: 7 }),
  },
  { name: 'all', split: splitter.split(frame(60, 3), { train: 0.8, validation: 0, test: 0.2, seed: 8 }) },
];

describe('csvNames', () => {
  it("lists each job's train, validation and test CSVs and manifest, relative when no directory is given", () => {
    expect(csvNames(jobs)).toEqual([
      {
        name: 'first10',
        dir: 'first10',
        train: 'first10/train.csv',
        validation: 'first10/validation.csv',
        test: 'first10/test.csv',
        manifest: 'first10/manifest.json',
      },
      {
        name: 'all',
        dir: 'all',
        train: 'all/train.csv',
        validation: 'all/validation.csv',
        test: 'all/test.csv',
        manifest: 'all/manifest.json',
      },
    ]);
    expect(csvNames(jobs, 'out')[1]!.test).toBe(path.join('out', 'all', 'test.csv'));
  });

  it('rejects unsafe and duplicate job names', () => {
    expect(() => csvNames([{ ...jobs[0]!, name: '../x' }])).toThrow(/jobs\[0\].name must be letters, digits/);
    expect(() => csvNames([jobs[0]!, jobs[0]!])).toThrow(InvalidArgumentError);
  });
});

describe('writeCsvs', () => {
  it('with no jobs, creates the folder and writes a manifest listing none (an experiment with no jobs of one kind)', async () => {
    const dir = path.join(tmp, 'empty', 'csv');
    expect(await writeCsvs([], dir)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toEqual({ jobs: [] });
  });

  it('writes label-first headerless CSVs whose rows are exactly the split parts, and a manifest per job', async () => {
    const out = path.join(tmp, 'csv');
    const files = await writeCsvs(jobs, out);
    expect(files).toEqual(
      ['first10', 'all'].map((name) => ({
        name,
        dir: path.join(out, name),
        train: path.join(out, name, 'train.csv'),
        validation: path.join(out, name, 'validation.csv'),
        test: path.join(out, name, 'test.csv'),
        manifest: path.join(out, name, 'manifest.json'),
      })),
    );
    for (const [j, job] of jobs.entries()) {
      const manifest = JSON.parse(readFileSync(files[j]!.manifest, 'utf8')) as CsvManifest;
      expect(manifest.job).toBe(job.name);
      expect(manifest.featureNames).toEqual(['111', '201']);
      expect(manifest.label).toBe('BadActor');
      expect(manifest.seed).toBe(job.split.seed);
      expect(manifest.source).toBe(job.source ?? null);
      expect(manifest.format).toEqual({
        contentType: 'text/csv',
        labelColumn: 0,
        weightColumn: null,
        header: false,
        precision: 'float32',
      });
      expect(manifest.weight).toBeNull();
      for (const part of ['train', 'validation', 'test'] as const) {
        const text = readFileSync(files[j]![part], 'utf8');
        const rows =
          text === ''
            ? []
            : text
                .trimEnd()
                .split('\n')
                .map((line) => line.split(',').map(Number));
        const frame = job.split[part];
        expect(rows).toEqual(
          Array.from({ length: frame.rowCount }, (_, r) => [
            frame.number('BadActor', r),
            frame.number('111', r),
            frame.number('201', r),
          ]),
        );
        const positives = rows.filter((row) => row[0] === 1).length;
        expect(manifest.parts[part]).toEqual({
          file: `${part}.csv`,
          rows: rows.length,
          positives,
          negatives: rows.length - positives,
          bytes: Buffer.byteLength(text),
          inexactValues: 0,
        });
      }
    }
    expect(
      JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).jobs.map((m: CsvManifest) => m.job),
    ).toEqual(['first10', 'all']);
    // the zero-fraction validation part is an empty file
    expect(readFileSync(files[1]!.validation, 'utf8')).toBe('');
  });
});

describe('writeCsvs with instance weights', () => {
  it('writes label, weight, features in every part and records the weight column in the manifest', async () => {
    const weighted = (n: number) =>
      Frame.fromColumns({
        SessionNo: Array.from({ length: n }, (_, i) => `s${i}`),
        BadActor: Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
        '111': Float64Array.from({ length: n }, (_, i) => i),
        weight: Float64Array.from({ length: n }, (_, i) => 1 / (1 + (i % 40))),
      });
    const split = splitter.split(weighted(50), { train: 0.6, validation: 0.2, test: 0.2, seed: 3 });
    expect(split.featureNames).toEqual(['111']);
    const out = path.join(tmp, 'weighted');
    const [files] = await writeCsvs([{ name: 'prefixes', split }], out, { weight: 'weight' });
    const manifest = JSON.parse(readFileSync(files!.manifest, 'utf8')) as CsvManifest;
    expect(manifest.featureNames).toEqual(['111']);
    expect(manifest.weight).toBe('weight');
    expect(manifest.format).toEqual({
      contentType: 'text/csv',
      labelColumn: 0,
      weightColumn: 1,
      header: false,
      precision: 'float32',
    });
    for (const part of ['train', 'validation', 'test'] as const) {
      const lines = readFileSync(files![part], 'utf8').trim().split('\n');
      const frame = split[part];
      expect(lines.length).toBe(frame.rowCount);
      lines.forEach((line, r) => {
        const [label, w, x, ...rest] = line.split(',');
        expect(rest).toEqual([]);
        expect(Number(label)).toBe(frame.number('BadActor', r));
        expect(Math.fround(Number(w))).toBe(Math.fround(frame.number('weight', r)));
        expect(Number(x)).toBe(frame.number('111', r));
      });
    }
    await expect(writeCsvs([{ name: 'p2', split }], out, { weight: 'w8' })).rejects.toThrow(
      /weight must be a column of every part/,
    );
    await expect(writeCsvs([{ name: 'p3', split }], out, { weight: 'BadActor' })).rejects.toThrow(InvalidArgumentError);
  });
});
