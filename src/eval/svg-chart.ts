import { InvalidArgumentError } from '../errors.js';

/**
 * Ten distinguishable colours (Tableau 10), used in order for series without a colour.
 *
 * @example
 * ```ts
 * lineChart({ title: 'ROC', xLabel: 'FPR', yLabel: 'TPR', series: [{ name: 'first5', x, y, color: PALETTE[3] }] }); // the fourth colour, green
 * ```
 */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

/**
 * Dash patterns (SVG `stroke-dasharray`) that tell overlapping lines apart beside their colour,
 * used in order by series position when a chart sets `distinguish`: solid, dashed, dotted,
 * dash-dot, long dash, dash-dot-dot.
 *
 * @example
 * ```ts
 * lineChart({ title: 'ROC', xLabel: 'FPR', yLabel: 'TPR', series, distinguish: true }); // the second series dashed '7 4', the third '2 3', …
 * ```
 */
export const DASHES = ['', '7 4', '2 3', '9 3 2 3', '14 4', '6 3 2 3 2 3'] as const;

/** One line of a chart. */
export interface ChartSeries {
  /** Shown in the legend and as the path's `data-series`. */
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** A CSS colour (default: the palette, by series position). */
  readonly color?: string;
  /** Draw dashed (default `false`). */
  readonly dashed?: boolean;
  /** Draw as steps that hold each y until the next x (matplotlib's `steps-post`). Default `false`. */
  readonly steps?: boolean;
  /** An explicit dash pattern (`stroke-dasharray`), overriding `dashed` and `distinguish`. */
  readonly dash?: string;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Width of the SVG in CSS pixels (default 440). */
  readonly width?: number;
  /** Height of the plot area and axes, before the legend, in CSS pixels (default 340). */
  readonly height?: number;
  /** The x range (default: the data's range, widened to nice ticks). */
  readonly xDomain?: readonly [number, number];
  /** The y range (default: the data's range, widened to nice ticks). */
  readonly yDomain?: readonly [number, number];
  /** Draw the dashed chance diagonal from (0, 0) to (1, 1), for ROC curves (default `false`). */
  readonly diagonal?: boolean;
  /** An id unique in the page, used for the clip path (default: from the title). */
  readonly id?: string;
  /** Format of the x tick labels (default: up to 3 significant digits). */
  readonly xTickFormat?: (value: number) => string;
  /** Format of the y tick labels (default: up to 3 significant digits). */
  readonly yTickFormat?: (value: number) => string;
  /**
   * `'log'`: a base-10 logarithmic x axis with ticks at powers of ten (the domain must be positive;
   * x values below it, zeros included, are drawn at its lower end). Default `'linear'`.
   */
  readonly xScale?: 'linear' | 'log';
  /**
   * Give each series its own dash pattern ({@link DASHES}) as well as its colour, so overlapping lines stay apart.
   * Default `false`.
   */
  readonly distinguish?: boolean;
}

/**
 * Escapes text for XML and HTML (`&`, `<`, `>`, `"`, `'`).
 *
 * @example
 * ```ts
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * About `count` evenly spaced round tick values (steps of 1, 2 or 5 × 10^k) covering
 * `[min, max]`, as chart libraries choose them.
 *
 * @example
 * ```ts
 * niceTicks(0, 1);    // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * niceTicks(0, 37);   // [0, 10, 20, 30, 40]
 * ```
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max))
    throw new InvalidArgumentError('niceTicks', 'range', `[${min}, ${max}]`, 'finite numbers');
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const start = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 1e-9 || ticks.length < 2; v += step)
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  if (ticks[ticks.length - 1]! < max - step * 1e-9)
    ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

function extent(series: readonly ChartSeries[], axis: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const values = s[axis];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

const num = (v: number) => String(Math.round(v * 100) / 100);

/**
 * Renders a line chart as a self-contained SVG string: axes with ticks and grid lines, axis
 * labels, a title, one `<path class="series">` per series (carrying `data-series`), and a legend
 * under the plot. No scripts, fonts or external references, so it can be inlined in any HTML.
 *
 * @example
 * ```ts
 * const roc = rocCurve(labels, scores);
 * const svg = lineChart({
 *   title: 'ROC', xLabel: 'false positive rate', yLabel: 'true positive rate',
 *   xDomain: [0, 1], yDomain: [0, 1], diagonal: true,
 *   series: [{ name: 'first10', x: roc.fpr, y: roc.tpr }],
 * });
 * ```
 */
export function lineChart(options: LineChartOptions): string {
  const { title, xLabel, yLabel, series, width = 440, height = 340, diagonal = false } = options;
  const id = (options.id ?? title).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const plain = (v: number) => String(Number(v.toPrecision(3)));
  const { xTickFormat = plain, yTickFormat = plain } = options;
  series.forEach((s, i) => {
    if (s.x.length !== s.y.length)
      throw new InvalidArgumentError('lineChart', `series[${i}].y.length`, s.y.length, `${s.x.length} (one per x)`);
    for (const axis of ['x', 'y'] as const) {
      for (let k = 0; k < s[axis].length; k++) {
        if (!Number.isFinite(s[axis][k]!))
          throw new InvalidArgumentError('lineChart', `series[${i}].${axis}[${k}]`, s[axis][k], 'a finite number');
      }
    }
  });
  const log = options.xScale === 'log';
  if (
    log &&
    (options.xDomain === undefined || !(options.xDomain[0] > 0) || !(options.xDomain[1] > options.xDomain[0]))
  ) {
    throw new InvalidArgumentError(
      'lineChart',
      'xDomain',
      options.xDomain,
      'a positive [min, max] range for a log x axis',
    );
  }
  const xTicks = log
    ? logTicks(options.xDomain![0], options.xDomain![1])
    : niceTicks(...(options.xDomain ?? extent(series, 'x')));
  const yTicks = niceTicks(...(options.yDomain ?? extent(series, 'y')));
  const [x0, x1] = options.xDomain ?? [xTicks[0]!, xTicks[xTicks.length - 1]!];
  const [y0, y1] = options.yDomain ?? [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const margin = { left: 58, right: 18, top: 36, bottom: 48 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sx = log
    ? (v: number) =>
        margin.left + ((Math.log10(Math.max(v, x0)) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * plotW
    : (v: number) => margin.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (v: number) => margin.top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;

  // Legend: items flow in rows under the plot.
  const legendItems = series.map((s, i) => ({
    name: s.name,
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    dash: s.dash ?? (s.dashed === true ? '6 4' : options.distinguish === true ? DASHES[i % DASHES.length]! : ''),
  }));
  const itemWidth = (name: string) => 30 + Math.min(name.length, 28) * 6.6 + 14;
  const legendRows: { name: string; color: string; dash: string; x: number }[][] = [];
  let row: { name: string; color: string; dash: string; x: number }[] = [];
  let cursor = margin.left;
  for (const item of legendItems) {
    const w = itemWidth(item.name);
    if (row.length > 0 && cursor + w > width - margin.right) {
      legendRows.push(row);
      row = [];
      cursor = margin.left;
    }
    row.push({ ...item, x: cursor });
    cursor += w;
  }
  if (row.length > 0) legendRows.push(row);
  const totalHeight = height + legendRows.length * 18 + (legendRows.length > 0 ? 6 : 0);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${totalHeight}" width="${width}" ` +
      `height="${totalHeight}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, -apple-system, ` +
      `'Segoe UI', Roboto, 'DejaVu Sans', sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${totalHeight}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600" ` +
      `fill="#222">${escapeXml(title)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="none"/>`,
  );
  const grid: string[] = [];
  const labels: string[] = [];
  for (const t of xTicks) {
    if (t < x0 - 1e-12 || t > x1 + 1e-12) continue;
    const x = num(sx(t));
    grid.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}"/>`);
    labels.push(`<line x1="${x}" y1="${margin.top + plotH}" x2="${x}" y2="${margin.top + plotH + 5}" stroke="#444"/>`);
    labels.push(
      `<text x="${x}" y="${margin.top + plotH + 17}" text-anchor="middle" ` +
        `fill="#444">${escapeXml(xTickFormat(t))}</text>`,
    );
  }
  for (const t of yTicks) {
    if (t < y0 - 1e-12 || t > y1 + 1e-12) continue;
    const y = num(sy(t));
    grid.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}"/>`);
    labels.push(`<line x1="${margin.left - 5}" y1="${y}" x2="${margin.left}" y2="${y}" stroke="#444"/>`);
    labels.push(
      `<text x="${margin.left - 8}" y="${y}" dy="0.32em" text-anchor="end" ` +
        `fill="#444">${escapeXml(yTickFormat(t))}</text>`,
    );
  }
  parts.push(`<g class="grid" stroke="#e3e3e3" stroke-width="1">${grid.join('')}</g>`);
  if (diagonal && !log) {
    parts.push(
      `<line class="chance" x1="${num(sx(0))}" y1="${num(sy(0))}" x2="${num(sx(1))}" y2="${num(sy(1))}" ` +
        `stroke="#999" stroke-width="1" stroke-dasharray="4 4"/>`,
    );
  } else if (diagonal) {
    // y = x is a curve on a log x axis.
    const points: string[] = [];
    for (let k = 0; k <= 60; k++) {
      const v = 10 ** (Math.log10(x0) + ((Math.log10(x1) - Math.log10(x0)) * k) / 60);
      points.push(`${k === 0 ? 'M' : 'L'}${num(sx(v))},${num(sy(v))}`);
    }
    parts.push(
      `<path class="chance" d="${points.join('')}" fill="none" stroke="#999" stroke-width="1" stroke-dasharray="4 4"/>`,
    );
  }
  parts.push(
    `<g class="axes" stroke="#444" stroke-width="1" fill="none"><path ` +
      `d="M${margin.left},${margin.top}V${margin.top + plotH}H${margin.left + plotW}"/></g>`,
  );
  parts.push(`<g class="ticks">${labels.join('')}</g>`);
  parts.push(
    `<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 36}" text-anchor="middle" font-size="12" ` +
      `fill="#222">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" ` +
      `fill="#222">${escapeXml(yLabel)}</text>`,
  );
  parts.push(
    `<clipPath id="clip-${id}"><rect x="${margin.left - 2}" y="${margin.top - 2}" width="${plotW + 4}" ` +
      `height="${plotH + 4}"/></clipPath>`,
  );
  parts.push(`<g class="series-group" clip-path="url(#clip-${id})">`);
  series.forEach((s, i) => {
    const item = legendItems[i]!;
    parts.push(
      `<path class="series" data-series="${escapeXml(s.name)}" d="${pathData(s, sx, sy)}" fill="none" ` +
        `stroke="${escapeXml(item.color)}" stroke-width="2" ` +
        `stroke-linejoin="round"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`,
    );
  });
  parts.push('</g>');
  legendRows.forEach((items, r) => {
    const y = height + 4 + r * 18;
    for (const item of items) {
      parts.push(
        `<g class="legend-item"><line x1="${num(item.x)}" y1="${y}" x2="${num(item.x + 22)}" y2="${y}" ` +
          `stroke="${escapeXml(item.color)}" ` +
          `stroke-width="3"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>` +
          (`<text x="${num(item.x + 28)}" y="${y}" dy="0.32em" ` +
            `fill="#222">${escapeXml(item.name.length > 28 ? `${item.name.slice(0, 27)}…` : item.name)}</text></g>`),
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Tick values of a base-10 log axis over `[min, max]`: the powers of ten inside it, plus the ends
 * when fewer than two powers fall inside.
 *
 * @example
 * ```ts
 * logTicks(1e-4, 1); // [0.0001, 0.001, 0.01, 0.1, 1]
 * ```
 */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++)
    ticks.push(Number((10 ** e).toPrecision(12)));
  if (ticks.length < 2) return [min, max];
  return ticks;
}

function pathData(s: ChartSeries, sx: (v: number) => number, sy: (v: number) => number): string {
  const out: string[] = [];
  let last = '';
  const push = (cmd: string, x: number, y: number) => {
    const point = `${num(sx(x))},${num(sy(y))}`;
    if (point === last) return;
    out.push(`${out.length === 0 ? 'M' : cmd}${point}`);
    last = point;
  };
  for (let i = 0; i < s.x.length; i++) {
    if (s.steps === true && i > 0) push('L', s.x[i]!, s.y[i - 1]!);
    push('L', s.x[i]!, s.y[i]!);
  }
  return out.join('');
}
