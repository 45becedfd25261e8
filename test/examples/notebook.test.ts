import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtPackage, repoRoot } from '../cli/built-package.js';

const binDir = path.join(repoRoot, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
const nbconvert = spawnSync('jupyter-nbconvert', ['--version'], { encoding: 'utf8', env });
// Debian's Jupyter has no `jupyter kernelspec`; ask jupyter_client, as nbconvert will.
const kernels = spawnSync(
  '/usr/bin/python3',
  [
    '-c',
    'import json; from jupyter_client.kernelspec import KernelSpecManager; print(json.dumps(KernelSpecManager().find_kernel_specs()))',
  ],
  { encoding: 'utf8', env },
);
const hasKernel = kernels.status === 0 && 'tslab' in (JSON.parse(kernels.stdout) as Record<string, string>);
const skip =
  nbconvert.status !== 0
    ? 'jupyter-nbconvert is not installed (apt-get install jupyter-nbconvert python3-ipykernel)'
    : !hasKernel
      ? 'the tslab kernel is not installed (npx tslab install --python=/usr/bin/python3)'
      : '';
if (skip !== '') console.warn(`examples/notebook.ipynb test skipped: ${skip}`);

interface NotebookOutput {
  readonly output_type: string;
  readonly name?: string;
  readonly text?: string | string[];
  readonly ename?: string;
  readonly data?: Readonly<Record<string, string | string[]>>;
}

describe.skipIf(skip !== '')('examples/notebook.ipynb executed by jupyter-nbconvert with the tslab kernel', () => {
  it('runs every cell without error on the built CommonJS package and shows danfo tables, the comparison, the live replay, feature importance and an explained alert', async () => {
    const dist = await builtPackage();
    const out = mkdtempSync(path.join(tmpdir(), 'ss-notebook-'));
    try {
      // Asynchronous, so the test worker's event loop stays free while the notebook runs (a minute
      // blocked in spawnSync makes vitest's worker miss its own heartbeat).
      const run = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(
          'jupyter-nbconvert',
          [
            '--to',
            'notebook',
            '--execute',
            path.join(repoRoot, 'examples', 'notebook.ipynb'),
            '--output-dir',
            out,
            '--output',
            'executed.ipynb',
            '--ExecutePreprocessor.timeout=300',
            '--ExecutePreprocessor.kernel_name=tslab',
          ],
          {
            env: { ...env, SESSIONSENTRY_DIST: dist, SESSIONSENTRY_NOTEBOOK_SCALE: '0.15' },
            timeout: 300_000,
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stderr }));
      });
      // nbconvert exits non-zero on the first cell error (CellExecutionError), naming the cell.
      expect(run.stderr).not.toMatch(/CellExecutionError/);
      expect(run.status).toBe(0);
      const executed = JSON.parse(readFileSync(path.join(out, 'executed.ipynb'), 'utf8')) as {
        cells: { cell_type: string; outputs?: NotebookOutput[] }[];
      };
      const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
      expect(outputs.filter((o) => o.output_type === 'error' || o.name === 'stderr')).toEqual([]);
      const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))).join('\n');
      // Tables and the report display as HTML (display_data with text/html), as Jupyter renders them.
      const html = outputs
        .filter((o) => o.output_type === 'display_data')
        .map((o) => {
          const h = o.data?.['text/html'] ?? '';
          return Array.isArray(h) ? h.join('') : h;
        })
        .join('\n');
      expect(text).toContain('sessionsentry loaded from');
      expect(html).toMatch(/<table class="sessionsentry"><tr><th>file<\/th>.*<td>known-attacker\.txt<\/td>/);
      for (const job of ['drop0', 'drop20', 'first5', 'first10', 'last5', 'last10'])
        expect(text).toMatch(new RegExp(`${job} {2}TrainingJob {2}Completed`));
      expect(text).toContain('6 jobs scored');
      expect(html).toContain('<td>baseline (no attacks)</td>');
      expect(text).toMatch(/caught \d+ of \d+ attacks; median/);
      // Importance (five get_score types) and one alert's explanation, as danfo tables.
      expect(html).toMatch(
        /<tr><th>feature<\/th><th>weight<\/th><th>gain<\/th><th>cover<\/th><th>total_gain<\/th><th>total_cover<\/th><\/tr>/,
      );
      expect(text).toMatch(/alert on session \S+ after \d+ events, score [\d.]+, because [\w.]+: [+-][\d.e-]+, /);
      expect(html).toMatch(/<tr><th>feature<\/th><th>value<\/th><th>contribution<\/th><\/tr>/);
      expect(text).toMatch(/report: .*report\.html \(\d+ bytes\)/);
      // The report inline, its charts included.
      expect(html).toMatch(/<iframe [^>]*srcdoc="&lt;!DOCTYPE html&gt;[^"]*&lt;svg /);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 400_000);
});
