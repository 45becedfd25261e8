/**
 * Ids that try to forge alert lines or drive the terminal (issue 14, point 5): every id printed on
 * a human-readable line goes through escapeId.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeModelDirectory } from '../../src/experiment/model-directory.js';
import { escapeId } from '../../src/serve/escape-id.js';
import { liveFixture } from '../serve/live-fixture.js';
import { repoRoot } from '../model/model-fixture-helpers.js';

const FORGED_SESSION = 'x\nalert session=FORGED score 0.9999 after 9 events\u001b[2J';
const FORGED_CUSTOMER = 'c\r\u001b]0;pwned\u0007\u009b2J';

describe('escapeId', () => {
  it('prints plain ids unchanged', () => {
    for (const id of ['10001', 'a-b_c.d', 'user@example.com', 'tenant/7:42', '+1']) expect(escapeId(id)).toBe(id);
  });

  it('quotes anything else, escaping line breaks, ESC and other control characters so the line cannot be forged', () => {
    expect(escapeId(FORGED_SESSION)).toBe('"x\\nalert session=FORGED score 0.9999 after 9 events\\u001b[2J"');
    expect(escapeId(FORGED_CUSTOMER)).toBe('"c\\r\\u001b]0;pwned\\u0007\\u009b2J"');
    expect(escapeId('a b')).toBe('"a b"');
    expect(escapeId('')).toBe('""');
  });

  it('escapes Unicode line separators, bidirectional overrides and lone surrogates; keeps other text', () => {
    expect(escapeId('a\u2028b\u202ec\u2066d\ud800')).toBe('"a\\u2028b\\u202ec\\u2066d\\ud800"');
    expect(escapeId('Zoë 北京 😀')).toBe('"Zoë 北京 😀"');
  });

  it('is reversible: a quoted id reads back with JSON.parse, so nothing is lost', () => {
    for (const id of [FORGED_SESSION, FORGED_CUSTOMER, 'say "hi" \\ bye', 'tab\there', 'Zoë 😀'])
      expect(JSON.parse(escapeId(id))).toBe(id);
  });

  it('never lets a control character or line break through, for every code point below 0xA0', () => {
    for (let c = 0; c < 0xa0; c++) {
      const printed = escapeId(`id${String.fromCharCode(c)}`);
      expect(/[\u0000-\u001f\u007f-\u009f]/.test(printed), `U+${c.toString(16)}`).toBe(false);
    }
  });
});

describe('sessionsentry serve --live prints forged ids escaped', () => {
  it('one alert line per alert, whatever the session and customer ids hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-alert-'));
    const { booster, schema } = liveFixture({ seed: 3, sessions: 60, features: { counts: true, timing: true } });
    await writeModelDirectory(dir, { name: 'alerts', model: booster, schema }, { overwrite: true });
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        path.join(repoRoot, 'src/cli/main.ts'),
        'serve',
        '--live',
        '--model',
        dir,
        '--port',
        '0',
        '--threshold',
        '0',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /on (http:\/\/[\d.:]+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
      });
      const event = {
        SessionNo: FORGED_SESSION,
        LogTime: '2019-07-01 12:00:00.000',
        CustID: FORGED_CUSTOMER,
        Act: schema.vocabulary[0],
      };
      const res = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify(event)}\n`,
      });
      expect(res.status).toBe(200);
      // Wait for the alert line itself, however long a busy machine takes to write it.
      await new Promise<void>((resolve) => {
        const whenAlerted = (): void => {
          if (!out.includes('after 1 events\n')) return;
          child.stdout.off('data', whenAlerted);
          resolve();
        };
        child.stdout.on('data', whenAlerted);
        whenAlerted();
      });
      const lines = out.split('\n').filter((l) => l.length > 0);
      expect(lines).toHaveLength(2); // the startup line and one alert: no forged second alert
      expect(lines[1]).toMatch(
        /^alert session "x\\nalert session=FORGED score 0\.9999 after 9 events\\u001b\[2J" customer "c\\r\\u001b\]0;pwned\\u0007\\u009b2J" score \d\.\d{4} after 1 events$/,
      );
      expect(out).not.toContain('\u001b');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exit = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exit;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
