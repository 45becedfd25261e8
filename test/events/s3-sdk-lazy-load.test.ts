import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Module hooks that refuse to resolve any `@aws-sdk/…` package, so loading one is an error that names it. */
const BLOCK_AWS_SDK = `
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/')) throw new Error('blocked: ' + specifier + ' was loaded');
  return next(specifier, context);
}`;

describe('the AWS SDK is loaded only when S3 is used', () => {
  it('importing the root entry loads no @aws-sdk package; reading an s3:// log is what loads @aws-sdk/client-s3', async () => {
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(BLOCK_AWS_SDK)}));
      const root = await import(${JSON.stringify(path.join(repoRoot, 'src/index.ts'))});
      const local = root.parseEventLog('SessionNo\\tAct\\tBadActor\\n1\\t111\\t0\\n', { schema: { session: 'SessionNo', action: 'Act', label: 'BadActor' } });
      const s3 = await root.readEventLog('s3://some-bucket/logs/x.txt').then(() => 'read', (e) => e.message);
      console.log(JSON.stringify({ exports: Object.keys(root).length, events: local.eventCount, s3 }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    const result = JSON.parse(stdout) as { exports: number; events: number; s3: string };
    expect(result.exports).toBeGreaterThan(50);
    expect(result.events).toBe(1);
    expect(result.s3).toContain('blocked: @aws-sdk/client-s3 was loaded');
  });
});
