// Splits an inline request line into arguments with the quoting rules of Redis's sdssplitargs (sds.c).

const SPACE = 0x20;

/** Whether a byte is C `isspace` in the C locale. */
function _isSpace(c: number): boolean {
  return c === SPACE || (c >= 0x09 && c <= 0x0d);
}

function _hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

/**
 * Splits `line` (latin1: one char per byte) into arguments, or returns null for unbalanced quotes or a closing quote
 * followed by something other than a space. Like the C original, the line ends at the first NUL byte.
 */
export function splitArgs(line: string): string[] | null {
  const nul = line.indexOf('\0');
  if (nul !== -1) line = line.slice(0, nul);
  const args: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && _isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = p < n ? line.charCodeAt(p) : 0;
      if (inDouble) {
        if (c === 0x5c && p + 3 < n + 0 && line.charCodeAt(p + 1) === 0x78) {
          const hi = _hexValue(line.charCodeAt(p + 2));
          const lo = _hexValue(line.charCodeAt(p + 3));
          if (hi >= 0 && lo >= 0) {
            current += String.fromCharCode(hi * 16 + lo);
            p += 4;
            continue;
          }
        }
        if (c === 0x5c && p + 1 < n) {
          p++;
          const e = line.charCodeAt(p);
          current += String.fromCharCode(ESCAPES[e] ?? e);
        } else if (c === 0x22) {
          if (p + 1 < n && !_isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else if (p >= n) {
          return null;
        } else {
          current += line[p];
        }
      } else if (inSingle) {
        if (c === 0x5c && p + 1 < n && line.charCodeAt(p + 1) === 0x27) {
          p++;
          current += "'";
        } else if (c === 0x27) {
          if (p + 1 < n && !_isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else if (p >= n) {
          return null;
        } else {
          current += line[p];
        }
      } else if (p >= n || c === SPACE || c === 0x0a || c === 0x0d || c === 0x09) {
        if (p < n) p++;
        break;
      } else if (c === 0x22) {
        inDouble = true;
      } else if (c === 0x27) {
        inSingle = true;
      } else {
        current += line[p];
      }
      p++;
    }
    args.push(current);
  }
}
