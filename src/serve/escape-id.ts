/** Ids printed as they are: letters, digits and `._:@/+-`, none of which can start a new field or line. */
const PLAIN = /^[A-Za-z0-9._:@/+-]+$/;

/**
 * A session, customer or other id as it may be printed on a human-readable line (alerts, reports
 * on a terminal): plain ids unchanged; anything else as a double-quoted string with `"`, `\`,
 * control characters (C0, DEL, C1 — newline, carriage return, ESC…), Unicode line separators,
 * bidirectional overrides and lone surrogates escaped (`\n`, `\r`, `\t`, `\"`, `\\`, `\u001b`).
 * So an id cannot forge a line (`"x\nalert session=FORGED"`), split a line into fields, or send
 * terminal escape sequences; the printed form reads back with `JSON.parse` when quoted.
 *
 * @example
 * ```ts
 * escapeId('10001');                    // 10001
 * escapeId('x\nalert session=FORGED');  // "x\nalert session=FORGED"
 * escapeId('\u001b[2J');                 // "\u001b[2J"
 * ```
 */
export function escapeId(id: string): string {
  if (PLAIN.test(id)) return id;
  let out = '"';
  for (const ch of id) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (unsafe(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function unsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}
