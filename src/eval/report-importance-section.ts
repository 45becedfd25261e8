import { InvalidArgumentError } from '../errors.js';
import type { Booster } from '../model/booster.js';
import { IMPORTANCE_TYPES, type ImportanceType, rankFeatures } from '../model/feature-importance.js';
import { escapeXml } from './svg-chart.js';

/** The report's feature-importance section (`renderReport({ importance })`): each model's top features. */
export interface ImportanceReportSection {
  /** The importance type the scores are (XGBoost's `get_score` type). */
  readonly type: ImportanceType;
  /** Per model, its top features, highest first, as `[feature, score]`. */
  readonly models: readonly { readonly name: string; readonly features: readonly (readonly [string, number])[] }[];
}

/** Options of `importanceSection`. */
export interface ImportanceSectionOptions {
  /** Importance type; default `'gain'` (mean gain of the splits on each feature). */
  readonly type?: ImportanceType;
  /** Features shown per model; default 8. */
  readonly top?: number;
}

/**
 * The importance section of the report from trained models: each model's `top` features by
 * {@link Booster.importance}, named by `featureNames` when given (a feature schema's names) else
 * by the model's own. Models without trees are left out.
 *
 * @example
 * ```ts
 * renderReport({ title, experiments, importance: importanceSection([{ name: 'first10', booster }]) });
 * ```
 */
export function importanceSection(
  models: readonly { readonly name: string; readonly booster: Booster; readonly featureNames?: readonly string[] }[],
  options: ImportanceSectionOptions = {},
): ImportanceReportSection {
  const { type = 'gain', top = 8 } = options;
  if (!IMPORTANCE_TYPES.includes(type))
    throw new InvalidArgumentError('importanceSection', 'options.type', type, `one of ${IMPORTANCE_TYPES.join(', ')}`);
  if (!Number.isInteger(top) || top < 1)
    throw new InvalidArgumentError('importanceSection', 'options.top', top, 'a positive integer');
  return {
    type,
    models: models
      .filter((m) => m.booster.numTrees > 0)
      .map((m) => ({
        name: m.name,
        features: rankFeatures(m.booster.importance({ type, featureNames: m.featureNames }), top),
      })),
  };
}

/** Cells in the report's `.matrix` cards, without the confusion matrices' fixed square cells. */
const CELL = 'width:auto;height:auto;padding:1px 6px;text-align:left;font-weight:400';

/**
 * The HTML of the importance section: per model, its top features with a bar scaled to the model's
 * highest score.
 *
 * @example
 * ```ts
 * renderImportanceSection({ type: 'gain', models: [{ name: 'first10', features: [['downloads', 41.3], ['gap_cv', 12.9]] }] });
 * ```
 */
export function renderImportanceSection(section: ImportanceReportSection): string {
  const cards = section.models.map(({ name, features }) => {
    const max = Math.max(...features.map(([, s]) => s), Number.MIN_VALUE);
    const rows = features
      .map(([feature, score]) => {
        const width = Math.max(1, Math.round((score / max) * 120));
        return (
          `<tr><td style="${CELL}">${escapeXml(feature)}</td><td ` +
          `style="${CELL};text-align:right">${escapeXml(String(Number(score.toPrecision(4))))}</td><td ` +
          `style="${CELL}"><span ` +
          `style="display:inline-block;height:9px;width:${width}px;background:#4e79a7;border-radius:2px"></span></td></tr>`
        );
      })
      .join('');
    return `<div class="matrix"><h3>${escapeXml(name)}</h3><table>${rows}</table></div>`;
  });
  return `<section id="feature-importance"><h2>Top features per model (${escapeXml(section.type)}, as XGBoost's get_score)</h2><div class="matrices">
${cards.join('\n')}
</div></section>`;
}
