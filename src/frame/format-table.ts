import type { Frame } from './frame.js';

/**
 * Formats a frame as an aligned text table: numbers right-aligned, strings left-aligned, at most
 * `maxRows` rows (default 10) and `maxColumns` columns (default 12), cells cut to `maxWidth`
 * characters (default 40) with `…`, line breaks and tabs shown as `\n` and `\t`, then the shape.
 *
 * @example
 * ```ts
 * formatTable(Frame.fromColumns({ id: ['a', 'b'], x: [1, 2.5] }));
 * // id    x
 * // a     1
 * // b   2.5
 * // [2 rows × 2 columns]
 * ```
 */
export function formatTable(
  frame: Frame,
  { maxRows = 10, maxColumns = 12, maxWidth = 40 }: { maxRows?: number; maxColumns?: number; maxWidth?: number } = {},
): string {
  const shownRows = Math.min(frame.rowCount, maxRows);
  const allNames = frame.columnNames;
  const names = allNames.length > maxColumns ? allNames.slice(0, maxColumns) : allNames;
  const columns = names.map((name) => {
    const numeric = frame.kind(name) === 'number';
    const cells = [clip(name, maxWidth)];
    for (let r = 0; r < shownRows; r++) cells.push(clip(formatCell(frame.value(name, r)), maxWidth));
    const width = Math.max(...cells.map((c) => c.length));
    // Numeric columns align right, header included (as pandas prints them), so digits line up under it.
    return cells.map((cell) => (numeric ? cell.padStart(width) : cell.padEnd(width)));
  });
  const lines: string[] = [];
  for (let i = 0; i <= shownRows; i++)
    lines.push(
      columns
        .map((cells) => cells[i])
        .join('  ')
        .trimEnd(),
    );
  if (shownRows < frame.rowCount) lines.push('…');
  const hidden = allNames.length - names.length;
  lines.push(`[${frame.rowCount} rows × ${allNames.length} columns${hidden > 0 ? `, ${hidden} not shown` : ''}]`);
  return lines.join('\n');
}

function formatCell(value: number | string | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function clip(text: string, maxWidth: number): string {
  const shown = text.replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
  return shown.length > maxWidth ? `${shown.slice(0, Math.max(1, maxWidth - 1))}…` : shown;
}
