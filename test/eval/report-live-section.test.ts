import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { type LiveReportRow, renderLiveSection } from '../../src/eval/report-live-section.js';
import { renderReport } from '../../src/eval/report-html.js';

const row = (name: string, recall: number[]): LiveReportRow => ({
  name,
  policy: `${name} ≥ 0.93; sustain 1, from event 2`,
  validation: { recall: 0.9, falseAlertsPer10k: 8.5 },
  test: { recall: recall.at(-1)!, falseAlertsPer10k: 9.1, medianEvents: 3, p90Events: 7.5, medianTimeMs: 12_500 },
  eventsSeen: recall.map((_, i) => i + 1),
  recall,
  falseAlertsPer10k: recall.map((_, i) => i * 2),
});

describe("the report's live section", () => {
  const section = {
    budget: 10,
    about: 'Test log: 100 sessions <with> 5 attackers.',
    rows: [row('prefix', [0.2, 0.6, 0.8]), row('whole', [0, 0.4, 0.8])],
  };

  it('lists each detector with its policy, validation and test figures, escaped', () => {
    const html = renderLiveSection(section);
    expect(html).toContain('<section id="live">');
    expect(html).toContain('Test log: 100 sessions &lt;with&gt; 5 attackers.');
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('prefix ≥ 0.93; sustain 1, from event 2');
    for (const cell of ['0.900', '8.5', '0.800', '9.1', '3.0', '7.5', '13 s'])
      expect(rows[0]).toContain(`>${cell}</td>`);
  });

  it('draws recall and false alerts against events seen, with the budget as a line', () => {
    const html = renderLiveSection(section);
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('budget (10 per 10 000)');
  });

  it('is placed in the full report when given, and absent otherwise', () => {
    const experiments = [
      {
        name: 'a',
        labels: Uint8Array.of(0, 1, 0, 1),
        scores: Float64Array.of(0.1, 0.9, 0.2, 0.8),
        operatingPoint: 0.5,
      },
    ];
    expect(renderReport({ title: 't', experiments, live: section })).toContain('<section id="live">');
    expect(renderReport({ title: 't', experiments })).not.toContain('<section id="live">');
  });

  it('rejects series whose lengths differ from eventsSeen, and an empty list', () => {
    expect(() => renderLiveSection({ ...section, rows: [{ ...row('x', [0.1, 0.2]), recall: [0.1] }] })).toThrow(
      /rows\[0\]\.recall\.length/,
    );
    expect(() => renderLiveSection({ ...section, rows: [] })).toThrow(InvalidArgumentError);
  });
});
