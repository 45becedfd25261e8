import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { renderReport } from '../../src/eval/report-html.js';
import { importanceSection, renderImportanceSection } from '../../src/eval/report-importance-section.js';
import { insightBooster, insightImportance } from '../model/insight-fixture-helpers.js';
import { thrown } from '../model/model-fixture-helpers.js';

describe("the report's feature-importance section", () => {
  it("takes each model's top features by XGBoost 1.7.4's get_score, highest first, named by the given feature names", () => {
    const section = importanceSection(
      [
        { name: 'deep', booster: insightBooster('deep_named') },
        {
          name: 'basic',
          booster: insightBooster('hist_basic'),
          featureNames: ['visits', 'clicks', 'purchases', 'tenure'],
        },
      ],
      { type: 'total_gain', top: 3 },
    );
    const xgb = insightImportance('deep_named').total_gain!;
    const expected = Object.entries(xgb)
      .map(([k, [v]]) => [k, v] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    expect(section.type).toBe('total_gain');
    expect(section.models[0]!.features).toEqual(expected);
    expect(
      section.models[1]!.features.map(([f]) => f).every((f) => ['visits', 'clicks', 'purchases', 'tenure'].includes(f)),
    ).toBe(true);
    expect(section.models[1]!.features).toHaveLength(3);
  });

  it("renders a card per model with escaped names and a bar scaled to the model's top score, and sits in the report only when given", () => {
    const html = renderImportanceSection({
      type: 'gain',
      models: [
        {
          name: 'm<1>',
          features: [
            ['a&b', 10],
            ['c', 5],
          ],
        },
      ],
    });
    expect(html).toContain('<section id="feature-importance">');
    expect(html).toContain('<h3>m&lt;1&gt;</h3>');
    expect(html).toContain('>a&amp;b</td>');
    expect(html).toContain('width:120px');
    expect(html).toContain('width:60px');
    const experiments = [
      {
        name: 'a',
        labels: Uint8Array.of(0, 1, 0, 1),
        scores: Float64Array.of(0.1, 0.9, 0.2, 0.8),
        operatingPoint: 0.5,
      },
    ];
    expect(renderReport({ title: 't', experiments, importance: { type: 'gain', models: [] } })).toContain(
      '<section id="feature-importance">',
    );
    expect(renderReport({ title: 't', experiments })).not.toContain('feature-importance');
  });

  it('rejects an unknown type or a top below 1 with InvalidArgumentError naming the option', () => {
    const booster = insightBooster('hist_basic');
    expect(
      (thrown(() => importanceSection([{ name: 'm', booster }], { type: 'gains' as never })) as InvalidArgumentError)
        .argument,
    ).toBe('options.type');
    expect(
      (thrown(() => importanceSection([{ name: 'm', booster }], { top: 0 })) as InvalidArgumentError).argument,
    ).toBe('options.top');
  });
});
