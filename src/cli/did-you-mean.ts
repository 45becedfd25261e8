/**
 * The candidate closest to a mistyped word (Damerau–Levenshtein distance, adjacent swaps counting
 * one), when it is close enough to be what was meant: at most 1 edit for words up to 4
 * characters, 2 up to 8, 3 beyond. Case is ignored.
 *
 * @example
 * ```ts
 * closestMatch('max_dept', ['max_depth', 'eta']); // 'max_depth'
 * closestMatch('tarin', ['train', 'split']);      // 'train'
 * closestMatch('xyz', ['train']);                 // undefined
 * ```
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(w, candidate.toLowerCase());
    if (d < bestDistance && d <= limit) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * ` (did you mean "x"?)` for a mistyped word, or `''`.
 *
 * @example
 * ```ts
 * `unknown command "tarin"${didYouMean('tarin', names)}`; // unknown command "tarin" (did you mean "train"?)
 * ```
 */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  format: (match: string) => string = (m) => JSON.stringify(m),
): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : ` (did you mean ${format(match)}?)`;
}

function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}
