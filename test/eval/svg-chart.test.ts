import { describe, expect, it } from 'vitest';
import { escapeXml, lineChart, niceTicks } from '../../src/eval/svg-chart.js';

describe('niceTicks', () => {
  it('chooses round steps of 1, 2 or 5 × 10^k covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(1, 20)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0, 0.034)).toEqual([0, 0.01, 0.02, 0.03, 0.04]);
    expect(niceTicks(3, 3)).toEqual([1, 2, 3, 4, 5]); // a single value is padded by half its size
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    title: 'ROC <1>',
    xLabel: 'false positive rate',
    yLabel: 'true positive rate',
    xDomain: [0, 1],
    yDomain: [0, 1],
    diagonal: true,
    series: [
      { name: 'a & b', x: [0, 0.5, 1], y: [0, 0.8, 1] },
      { name: 'c', x: [0, 1], y: [0, 1], dashed: true, steps: true },
    ],
  });

  it('draws one path per series, named, with palette colours, and escapes text', () => {
    expect(svg.match(/<path class="series"/g)).toHaveLength(2);
    expect(svg).toContain('data-series="a &amp; b"');
    expect(svg).toContain('stroke="#4e79a7"');
    expect(svg).toContain('stroke="#f28e2b"');
    expect(svg).toContain('<title>ROC &lt;1&gt;</title>');
    expect(svg).toContain('class="chance"');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('maps data to the plot area: (0,0) at the bottom-left corner and (1,1) at the top-right', () => {
    const d = /data-series="a &amp; b" d="([^"]+)"/.exec(svg)![1]!;
    // default size 440 × 340, margins left 58, right 18, top 36, bottom 48
    expect(d).toBe('M58,292L240,87.2L422,36'); // y 0.8 → 36 + 256 × 0.2
    const steps = /data-series="c" d="([^"]+)"/.exec(svg)![1]!;
    expect(steps).toBe('M58,292L422,292L422,36');
  });

  it('rejects series with unequal lengths or non-finite values', () => {
    expect(() =>
      lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, 1], y: [0] }] }),
    ).toThrow(/series\[0\].y.length must be 2/);
    expect(() =>
      lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, Number.NaN], y: [0, 1] }] }),
    ).toThrow(/series\[0\].x\[1\] must be a finite number/);
  });

  it('escapes XML special characters', () => {
    expect(escapeXml(`a < b & "c" 'd'`)).toBe('a &lt; b &amp; &quot;c&quot; &#39;d&#39;');
  });
});
