/**
 * Counts the rows of a CSV payload: its non-empty lines.
 *
 * @example
 * ```ts
 * countCsvRows('1,2\n3,4\n'); // 2
 * ```
 */
export function countCsvRows(csv: string): number {
  let rows = 0;
  let start = 0;
  while (start < csv.length) {
    let end = csv.indexOf('\n', start);
    if (end === -1) end = csv.length;
    if (csv.slice(start, end).trim() !== '') rows++;
    start = end + 1;
  }
  return rows;
}

/**
 * Splits a CSV payload at line boundaries into pieces of at most `maxBytes` UTF-8 bytes, so a
 * large scoring request fits InvokeEndpoint's 6 MB limit. Empty lines are dropped; a single line
 * longer than `maxBytes` is its own piece.
 *
 * @example
 * ```ts
 * splitCsvPayload('1,2\n3,4\n5,6\n', 8); // ['1,2\n3,4\n', '5,6\n']
 * ```
 */
export function splitCsvPayload(csv: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let currentBytes = 0;
  for (const line of csv.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (currentBytes > 0 && currentBytes + bytes > maxBytes) {
      pieces.push(current);
      current = '';
      currentBytes = 0;
    }
    current += `${line}\n`;
    currentBytes += bytes;
  }
  if (currentBytes > 0) pieces.push(current);
  return pieces;
}
