import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

describe('documentation that cannot drift from the code', () => {
  it("docs/cli.md shows every command's current --help text verbatim", () => {
    const doc = read('docs/cli.md');
    for (const command of COMMANDS) expect(doc, `sessionsentry ${command.name} --help`).toContain(commandHelp(command));
  });

  it('the README keeps the two set-up commands: npm ci && npm run demo, and npm test', () => {
    const readme = read('README.md');
    expect(readme).toContain('```sh\nnpm ci && npm run demo\n```');
    expect(readme).toContain('```sh\nnpm test\n```');
  });

  it('every relative link of the README and docs/*.md points to a file or folder that exists', () => {
    for (const file of [
      'README.md',
      'docs/README.md',
      'docs/getting-started.md',
      'docs/concepts.md',
      'docs/cli.md',
      'docs/model-format.md',
    ]) {
      const dir = path.dirname(path.join(repoRoot, file));
      for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        expect(existsSync(path.resolve(dir, target!)), `${file} links to ${target}`).toBe(true);
      }
    }
  });
});
