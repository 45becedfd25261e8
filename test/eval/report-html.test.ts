import { existsSync, mkdirSync, readFileSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { chooseOperatingPoint } from '../../src/eval/operating-point.js';
import { precisionAtRecallLevels, renderReport, writeReport, type ReportOptions } from '../../src/eval/report-html.js';
import { averagePrecision, precisionRecallCurve } from '../../src/eval/pr-curve.js';
import { createRandom } from '../../src/random/random.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`skipping the browser rendering test: ${CHROMIUM} is not installed (apt-get install chromium)`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Six truncation experiments of rising quality, chosen on validation and measured on test. */
function experiments(): ReportOptions['experiments'] {
  const random = createRandom(77);
  const simulate = (n: number, separation: number) => {
    const labels = Uint8Array.from({ length: n }, () => (random.next() < 0.02 ? 1 : 0));
    const scores = Float32Array.from(labels, (y) => 1 / (1 + Math.exp(-random.normal(y * separation - 4, 1.3))));
    return { labels, scores };
  };
  return ['first1', 'first2', 'first5', 'first10', 'first20', 'all'].map((name, i) => {
    const separation = 1.2 + i * 0.9;
    const validation = simulate(1500, separation);
    const test = simulate(3000, separation);
    return {
      name,
      labels: test.labels,
      scores: test.scores,
      operatingPoint: chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 0.05 }),
    };
  });
}

const withExtras: Partial<ReportOptions> = {
  jobNotes: { first10: 'trained and tested on the first 10 events of each session' },
  provenance: {
    createdAt: new Date('2026-03-04T05:06:07Z'),
    package: 'sessionsentry 9.9.9',
    seeds: { split: 42 },
    dataFiles: ['data/mixed-1.txt'],
    hyperparameters: { max_depth: '5', num_round: '50' },
  },
};

const partialSessions = ['first1', 'first2', 'first5', 'first10', 'first20', 'all'].map((name, i) => {
  const eventsSeen = Array.from({ length: 20 }, (_, k) => k + 1);
  return {
    name,
    eventsSeen,
    recall: eventsSeen.map((e) => Math.min(1, (1 - Math.exp(-e / (3 + i))) * (0.55 + i * 0.07))),
    fpr: eventsSeen.map((e) => 0.004 + 0.03 * Math.exp(-e / (2 + i))),
  };
});

describe('renderReport', () => {
  const options: ReportOptions = {
    title: 'Truncation experiments <test>',
    description: 'Six truncations & the baseline.',
    experiments: experiments(),
    partialSessions,
  };

  it('is one self-contained HTML page: no scripts, no external URLs, no links to load', () => {
    const html = renderReport(options);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|@import|url\(http|src=|href=/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    expect(html).toContain('Truncation experiments &lt;test&gt;');
    expect(html).toContain('Six truncations &amp; the baseline.');
  });

  it('holds the comparison table with a row per experiment and the baseline, and a matrix for each', () => {
    const html = renderReport(options);
    expect(html.match(/<tr class="experiment">/g)).toHaveLength(6);
    expect(html.match(/<tr class="baseline">/g)).toHaveLength(1);
    expect(html.match(/<div class="matrix"/g)).toHaveLength(7);
    expect(html).toContain('chosen on validation');
  });

  it('draws one partial-session series (recall and FPR panels) when given a single series', () => {
    const html = renderReport({
      title: 'one',
      experiments: options.experiments.slice(0, 2),
      partialSessions: { eventsSeen: [1, 2, 5], recall: [0.2, 0.5, 0.8], fpr: [0.01, 0.02, 0.02] },
    });
    const panels = html.split('<svg').slice(1);
    expect(panels).toHaveLength(4);
    expect(panels.map((p) => (p.match(/<path class="series"/g) ?? []).length)).toEqual([2, 2, 1, 1]);
    expect(panels[2]).toContain('data-series="partial sessions"');
  });

  it('rejects partial-session series of unequal lengths or rates outside [0, 1]', () => {
    expect(() =>
      renderReport({ ...options, partialSessions: { eventsSeen: [1, 2], recall: [0.1], fpr: [0, 0] } }),
    ).toThrow(/partialSessions\[0\].recall.length must be 2/);
    expect(() => renderReport({ ...options, partialSessions: { eventsSeen: [1], recall: [1.5], fpr: [0] } })).toThrow(
      InvalidArgumentError,
    );
  });

  it('draws the ROC curve on a log false-positive-rate axis from one false positive of the test data up to 100%', () => {
    const html = renderReport(options);
    const roc = html.split('<svg').find((svg) => svg.includes('aria-label="ROC curve'))!;
    const ticks = [...roc.matchAll(/<text [^>]*text-anchor="middle" fill="#444">([^<]+)<\/text>/g)].map((m) => m[1]);
    // 3000 test sessions with ~2940 negatives: one false positive is ~0.034%, so the axis starts at 0.01%.
    expect(ticks).toEqual(['0.01%', '0.1%', '1%', '10%', '100%']);
  });

  it('draws precision-recall steps whose area is the average precision scikit-learn reports (no spikes at a recall level)', () => {
    for (const e of options.experiments) {
      const steps = precisionAtRecallLevels(precisionRecallCurve(e.labels, e.scores));
      let area = 0;
      for (let i = 1; i < steps.recall.length; i++)
        area += (steps.recall[i]! - steps.recall[i - 1]!) * steps.precision[i]!;
      expect(area).toBeCloseTo(averagePrecision(e.labels, e.scores)!, 12);
      // One precision per recall level: the curve never drops and climbs back at the same recall.
      for (let i = 2; i < steps.recall.length; i += 2) expect(steps.recall[i]).toBeGreaterThan(steps.recall[i - 2]!);
    }
  });

  it('gives each series its own dash pattern as well as its colour', () => {
    const roc = renderReport(options)
      .split('<svg')
      .find((svg) => svg.includes('aria-label="ROC curve'))!;
    const dashes = [...roc.matchAll(/<path class="series"[^>]*?(?:stroke-dasharray="([^"]+)")?\/>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(new Set(dashes).size).toBe(6);
  });

  it('shows a table for every operating point, what each job name means and provenance', () => {
    const html = renderReport({
      ...options,
      ...withExtras,
      moreOperatingPoints: [
        {
          heading: 'FPR ≤ 0.5% (chosen on validation data)',
          experiments: options.experiments.map((e) => ({ ...e, operatingPoint: 0.9 })),
        },
      ],
    });
    expect(html).toContain('Comparison at the operating point FPR ≤ 5% (chosen on validation data) (test data)');
    expect(html).toContain('Comparison at the operating point FPR ≤ 0.5% (chosen on validation data) (test data)');
    expect(html.match(/<table class="comparison">/g)).toHaveLength(2);
    expect(html).toContain('<dt>first10</dt><dd>trained and tested on the first 10 events of each session</dd>');
    expect(html).toContain('<tr><th>created</th><td>2026-03-04 05:06:07 UTC</td></tr>');
    expect(html).toContain('<tr><th>package</th><td>sessionsentry 9.9.9</td></tr>');
    expect(html).toContain('<tr><th>hyperparameters</th><td>max_depth=5, num_round=50</td></tr>');
  });

  it('notes when validation and test prevalence differ, and not when they match', () => {
    const rare = options.experiments[0]!;
    // Validation with 10× the attack share of the test data.
    const validationLabels = Uint8Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const validationScores = Float64Array.from(validationLabels, (y, i) => (y ? 0.6 + (i % 7) / 20 : (i % 11) / 20));
    const skewed = {
      ...rare,
      operatingPoint: chooseOperatingPoint(validationLabels, validationScores, { maxFalsePositiveRate: 0.05 }),
    };
    expect(renderReport({ title: 't', experiments: [skewed] })).toMatch(
      /<p class="note"><strong>Prevalence differs between validation and test<\/strong> \(first1: 20% of validation sessions are attacks, [\d.]+% of test sessions\)/,
    );
    expect(renderReport({ title: 't', experiments: [rare] })).not.toContain('Prevalence differs');
  });

  it('writes the page with writeReport', async () => {
    const file = path.join(tmp, 'nested', 'report.html');
    // The provenance's date defaults to now; fixed here so two renderings are equal.
    const fixed = { ...options, provenance: { createdAt: new Date('2026-01-01T00:00:00Z') } };
    await writeReport(file, fixed);
    expect(readFileSync(file, 'utf8')).toBe(renderReport(fixed));
  });

  it.skipIf(!hasChromium)(
    'renders in headless Chromium with sized charts, one path per experiment, no console errors and no requests',
    async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const consoleErrors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(m.text());
        });
        page.on('pageerror', (e) => consoleErrors.push(String(e)));
        page.on('request', (r) => requests.push(r.url()));
        await page.setContent(renderReport(options), { waitUntil: 'load' });

        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const paths = [...svg.querySelectorAll('path.series')].map((p) => {
              const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox();
              return { name: p.getAttribute('data-series'), width: b.width, height: b.height };
            });
            return {
              label: svg.getAttribute('aria-label'),
              width: box.width,
              height: box.height,
              paths,
              ticks: svg.querySelectorAll('.ticks text').length,
              legend: svg.querySelectorAll('.legend-item').length,
            };
          }),
        );
        expect(charts.map((c) => c.label)).toEqual([
          'ROC curve (test), false positive rate on a log scale',
          'Precision-recall curve (test)',
          'Recall against events seen',
          'False positive rate against events seen',
        ]);
        for (const chart of charts) {
          expect(chart.width).toBeGreaterThan(300);
          expect(chart.height).toBeGreaterThan(300);
          expect(chart.paths).toHaveLength(6);
          expect(chart.legend).toBe(6);
          expect(chart.ticks).toBeGreaterThanOrEqual(8);
          for (const p of chart.paths) expect(p.width + p.height, `${chart.label}: ${p.name}`).toBeGreaterThan(10);
        }
        expect(charts[0]!.paths.map((p) => p.name!.split(' ')[0])).toEqual([
          'first1',
          'first2',
          'first5',
          'first10',
          'first20',
          'all',
        ]);
        // The charts share the page width: two side by side fill the section.
        const section = await page.$eval('#curves', (el) => el.getBoundingClientRect().width);
        expect(charts[0]!.width + charts[1]!.width).toBeGreaterThan(section * 0.85);
        const table = await page.$eval('table.comparison', (t) => ({
          rows: t.querySelectorAll('tbody tr').length,
          width: t.getBoundingClientRect().width,
        }));
        expect(table.rows).toBe(7);
        expect(table.width).toBeGreaterThan(500);
        expect(consoleErrors).toEqual([]);
        expect(requests).toEqual([]);

        const artifacts = path.join(repoRoot, 'test-artifacts');
        mkdirSync(artifacts, { recursive: true });
        const png = await page.screenshot({ fullPage: true });
        writeFileSync(path.join(artifacts, 'report.png'), png);
        expect(png.subarray(1, 4).toString()).toBe('PNG');
      } finally {
        await browser.close();
      }
    },
  );
});
