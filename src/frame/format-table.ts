import type { Frame } from './frame.js';

/** Formats a frame as an aligned text table: numbers right-aligned, strings left-aligned. */
export function formatTable(frame: Frame, { maxRows = 10, maxColumns = 12 }: { maxRows?: number; maxColumns?: number } = {}): string {
  const shownRows = Math.min(frame.rowCount, maxRows);
  const allNames = frame.columnNames;
  const names = allNames.length > maxColumns ? allNames.slice(0, maxColumns) : allNames;
  const columns = names.map((name) => {
    const numeric = frame.kind(name) === 'number';
    const cells = [name];
    for (let r = 0; r < shownRows; r++) cells.push(formatCell(frame.value(name, r)));
    const width = Math.max(...cells.map((c) => c.length));
    return cells.map((cell, i) => (numeric && i > 0 ? cell.padStart(width) : cell.padEnd(width)));
  });
  const lines: string[] = [];
  for (let i = 0; i <= shownRows; i++) lines.push(columns.map((cells) => cells[i]).join('  ').trimEnd());
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
