/**
 * SageMaker `model.tar.gz` artifacts: read what GNU tar, Python's tarfile and SageMaker write; write
 * what they read; refuse hostile archives (path traversal, links, oversized members, gzip bombs)
 * with typed errors and bounded memory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { ModelFormatError, ModelSizeLimitError } from '../../src/model/model-errors.js';
import { extractModelMember, readTar, writeTarGz } from '../../src/model/model-tarball.js';
import {
  expectModelsBitwiseEqual,
  fixtureBytes,
  numpyUnavailable,
  runPython,
  thrown,
} from './model-fixture-helpers.js';

const binary = fixtureBytes('hist_basic', 'xgboost-model');
const reference = Booster.load(binary).model;

/** One raw ustar header + data, for archives no well-behaved tool would write. */
function rawEntry(
  name: string,
  data: Uint8Array,
  options: { type?: string; size?: number; linkname?: string } = {},
): Uint8Array {
  const header = new Uint8Array(512);
  const enc = new TextEncoder();
  header.set(enc.encode(name).subarray(0, 100), 0);
  const octal = (at: number, width: number, value: number): void =>
    header.set(enc.encode(`${value.toString(8).padStart(width - 1, '0')}\0`), at);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, options.size ?? data.length);
  octal(136, 12, 0);
  header[156] = (options.type ?? '0').charCodeAt(0);
  if (options.linkname) header.set(enc.encode(options.linkname), 157);
  header.set(enc.encode('ustar\u000000'), 257);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((a, b) => a + b, 0);
  header.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  const out = new Uint8Array(512 + padded.length);
  out.set(header);
  out.set(padded, 512);
  return out;
}

function tarGz(...entries: Uint8Array[]): Uint8Array {
  const total = entries.reduce((n, e) => n + e.length, 0) + 1024;
  const tar = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    tar.set(e, at);
    at += e.length;
  }
  return new Uint8Array(gzipSync(tar));
}

const hasTar = spawnSync('tar', ['--version']).status === 0;

describe('reading model.tar.gz', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tarball-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the fixture artifact (a pax-headed archive holding xgboost-model, as SageMaker packs it)', () => {
    expectModelsBitwiseEqual(Booster.fromTarGz(fixtureBytes('hist_basic', 'model.tar.gz')).model, reference, 'fixture');
  });

  it.skipIf(!hasTar)('reads archives made by GNU tar: ./ prefixes, directories, long names, several files', () => {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'code', 'a'.repeat(90), 'b'.repeat(40)), { recursive: true });
    writeFileSync(path.join(src, 'xgboost-model'), binary);
    writeFileSync(path.join(src, 'code', 'a'.repeat(90), 'b'.repeat(40), 'notes.txt'), 'hello');
    for (const format of ['gnu', 'pax', 'ustar']) {
      const out = path.join(dir, `${format}.tar.gz`);
      const run = spawnSync('tar', ['-czf', out, `--format=${format}`, '-C', src, '.'], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const bytes = new Uint8Array(readFileSync(out));
      expect(extractModelMember(bytes).name).toBe('xgboost-model');
      expectModelsBitwiseEqual(Booster.load(bytes).model, reference, format);
    }
  });

  it('finds model.json (or model.ubj) when there is no xgboost-model, and a lone file of any name', () => {
    const json = new TextEncoder().encode(Booster.load(binary).toJSON());
    expectModelsBitwiseEqual(
      Booster.fromTarGz(tarGz(rawEntry('README', new Uint8Array(3)), rawEntry('model.json', json))).model,
      reference,
      'model.json',
    );
    expectModelsBitwiseEqual(
      Booster.fromTarGz(tarGz(rawEntry('xgboost-model-0', binary))).model,
      reference,
      'lone file',
    );
  });

  it('names the files when no model is found', () => {
    const err = thrown(() =>
      Booster.fromTarGz(tarGz(rawEntry('a.txt', new Uint8Array(1)), rawEntry('b.txt', new Uint8Array(1)))),
    );
    expect(err).toMatchObject({ code: 'ERR_MODEL_FORMAT', message: expect.stringContaining('"a.txt", "b.txt"') });
  });

  it('refuses entries with .. or an absolute path (path traversal)', () => {
    for (const name of ['../xgboost-model', 'models/../../etc/passwd', '/etc/xgboost-model', 'a/./../../x']) {
      const err = thrown(() => Booster.fromTarGz(tarGz(rawEntry(name, binary))));
      expect(err, name).toBeInstanceOf(ModelFormatError);
      expect((err as Error).message, name).toMatch(/path traversal/);
    }
  });

  it('refuses symbolic and hard links, even named xgboost-model', () => {
    expect(
      thrown(() =>
        Booster.fromTarGz(tarGz(rawEntry('xgboost-model', new Uint8Array(0), { type: '2', linkname: '/etc/passwd' }))),
      ),
    ).toMatchObject({
      message: expect.stringContaining('symbolic link'),
    });
    expect(
      thrown(() =>
        Booster.fromTarGz(tarGz(rawEntry('xgboost-model', new Uint8Array(0), { type: '1', linkname: 'other' }))),
      ),
    ).toMatchObject({
      message: expect.stringContaining('hard link'),
    });
  });

  it.skipIf(!hasTar)('refuses a symlink archived by GNU tar', () => {
    const src = path.join(dir, 'links');
    mkdirSync(src, { recursive: true });
    symlinkSync('/etc/hostname', path.join(src, 'xgboost-model'));
    const out = path.join(dir, 'link.tar.gz');
    expect(spawnSync('tar', ['-czf', out, '-C', src, 'xgboost-model']).status).toBe(0);
    expect(thrown(() => Booster.fromTarGz(new Uint8Array(readFileSync(out))))).toBeInstanceOf(ModelFormatError);
  });

  it('refuses members larger than the member limit, and sizes that run past the archive', () => {
    const err = thrown(() => Booster.fromTarGz(tarGz(rawEntry('xgboost-model', binary)), { maxMemberBytes: 4096 }));
    expect(err).toBeInstanceOf(ModelSizeLimitError);
    expect((err as ModelSizeLimitError).limit).toBe(4096);
    const lying = tarGz(rawEntry('xgboost-model', binary, { size: 2 ** 33 }));
    expect(thrown(() => Booster.fromTarGz(lying))).toMatchObject({
      code: 'ERR_MODEL_FORMAT',
      message: expect.stringContaining('runs past the end'),
    });
  });

  it('stops a gzip bomb at the decompression limit (64 MiB of zeros against a 1 MiB limit)', () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 * 2 ** 20), { level: 9 }));
    expect(bomb.length).toBeLessThan(200_000);
    const err = thrown(() => Booster.fromTarGz(bomb, { maxDecompressedBytes: 2 ** 20 }));
    expect(err).toBeInstanceOf(ModelSizeLimitError);
    expect((err as Error).message).toContain('decompressed size exceeds the limit of 1048576 bytes');
  });

  it('refuses corrupt archives: bad header checksum, truncated gzip, a gzip that is not a tar', () => {
    const entry = rawEntry('xgboost-model', binary);
    entry[0] = 0x59; // name changed, checksum not
    expect(thrown(() => Booster.fromTarGz(tarGz(entry)))).toMatchObject({
      message: expect.stringContaining('checksum'),
    });
    const good = fixtureBytes('hist_basic', 'model.tar.gz');
    expect(thrown(() => Booster.fromTarGz(good.subarray(0, good.length - 20)))).toBeInstanceOf(ModelFormatError);
    expect(thrown(() => Booster.fromTarGz(new Uint8Array(gzipSync(binary))))).toBeInstanceOf(ModelFormatError);
    expect(thrown(() => Booster.fromTarGz(binary))).toMatchObject({ message: expect.stringContaining('gzip magic') });
  });

  it('refuses a gzip inside the tarball instead of unpacking it recursively', () => {
    const inner = fixtureBytes('hist_basic', 'model.tar.gz');
    expect(thrown(() => Booster.fromTarGz(tarGz(rawEntry('xgboost-model', inner))))).toBeInstanceOf(ModelFormatError);
  });
});

describe('writing model.tar.gz', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tarball-write-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes xgboost-model (the legacy binary, byte-identical to XGBoost 1.7.4) at the root', () => {
    const member = readTar(extractRaw(Booster.load(binary).toTarGz()));
    expect(member.map((m) => m.name)).toEqual(['xgboost-model']);
    expect(Buffer.from(member[0]!.data).equals(Buffer.from(binary))).toBe(true);
  });

  it('is deterministic for a given mtime', () => {
    const booster = Booster.load(binary);
    expect(
      Buffer.from(booster.toTarGz({ mtime: 1700000000 })).equals(Buffer.from(booster.toTarGz({ mtime: 1700000000 }))),
    ).toBe(true);
  });

  it.skipIf(!hasTar)('is listed and extracted by GNU tar', () => {
    const file = path.join(dir, 'model.tar.gz');
    writeFileSync(file, Booster.load(binary).toTarGz({ mtime: 1700000000 }));
    const list = spawnSync('tar', ['-tzvf', file], { encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^-rw-r--r-- .*6343 2023-11-1\d \d\d:\d\d xgboost-model\n$/);
    const out = path.join(dir, 'x');
    mkdirSync(out);
    expect(spawnSync('tar', ['-xzf', file, '-C', out]).status).toBe(0);
    expect(readFileSync(path.join(out, 'xgboost-model')).equals(Buffer.from(binary))).toBe(true);
  });

  it.skipIf(numpyUnavailable() !== null)("is read by Python's tarfile, the module SageMaker tooling uses", () => {
    const file = path.join(dir, 'py.tar.gz');
    writeFileSync(file, Booster.load(binary).toTarGz());
    const out = runPython(
      "import sys, tarfile\nt = tarfile.open(sys.argv[1], 'r:gz')\nm = t.getmembers()\nprint(len(m), m[0].name, m[0].size, m[0].isfile(), len(t.extractfile(m[0]).read()))",
      [file],
    );
    expect(out.trim()).toBe('1 xgboost-model 6343 True 6343');
  });

  it('writes members with their names and sizes, readable back', () => {
    const files = [
      { name: 'a.txt', data: new TextEncoder().encode('a') },
      { name: 'xgboost-model', data: binary },
    ];
    const members = readTar(extractRaw(writeTarGz(files)));
    expect(members.map((m) => [m.name, m.data.length])).toEqual([
      ['a.txt', 1],
      ['xgboost-model', 6343],
    ]);
  });
});

function extractRaw(gz: Uint8Array): Uint8Array {
  return new Uint8Array(gunzipSync(gz));
}
