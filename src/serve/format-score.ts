/**
 * Writes a prediction the way the SageMaker XGBoost container does: Python's `str()` of the
 * float64 value of XGBoost's float32 output, the shortest text that reads back to the same number
 * (`0.8764215111732483`, `1e-05`, `1.0`). Parsing the text with `Number()` returns the exact value
 * the model produced.
 *
 * @example
 * ```ts
 * formatScore(Math.fround(0.1)); // "0.10000000149011612"
 * formatScore(0.00001);          // "1e-05"
 * formatScore(1);                // "1.0"
 * ```
 */
export function formatScore(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  // Python switches to exponent notation below 1e-4 and from 1e16 up; JavaScript at 1e-7 and 1e21.
  if (magnitude < 1e-4 || magnitude >= 1e16) {
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}
