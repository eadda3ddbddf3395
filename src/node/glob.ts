// Glob matching with the semantics of Redis's stringmatchlen (util.c): `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes,
// optional case folding. Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE and CLIENT KILL patterns.

/** Whether `text` matches `pattern` (both latin1 strings). */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return _match(pattern, 0, text, 0, nocase, 0);
}

// --- internal ---

/** Nesting bound for `*` backtracking, like Redis's (it gives up rather than recurse without limit). */
const MAX_NESTING = 1000;

function _fold(c: number, nocase: boolean): number {
  return nocase && c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function _match(p: string, pi: number, s: string, si: number, nocase: boolean, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < p.length && si <= s.length) {
    const pc = p.charCodeAt(pi);
    if (pc === 0x2a) {
      while (pi + 1 < p.length && p.charCodeAt(pi + 1) === 0x2a) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (_match(p, pi + 1, s, k, nocase, nesting + 1)) return true;
      return false;
    }
    if (si >= s.length) return false;
    const sc = s.charCodeAt(si);
    if (pc === 0x3f) {
      si++;
      pi++;
      continue;
    }
    if (pc === 0x5b) {
      pi++;
      const not = p.charCodeAt(pi) === 0x5e;
      if (not) pi++;
      let matched = false;
      for (;;) {
        if (pi >= p.length) {
          pi--;
          break;
        }
        const c = p.charCodeAt(pi);
        if (c === 0x5c && pi + 2 < p.length + 1 && pi + 1 < p.length) {
          pi++;
          if (p.charCodeAt(pi) === sc) matched = true;
        } else if (c === 0x5d) {
          break;
        } else if (pi + 2 < p.length && p.charCodeAt(pi + 1) === 0x2d) {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          const cs = _fold(sc, nocase);
          if (_fold(start, nocase) <= cs && cs <= _fold(end, nocase)) matched = true;
        } else if (_fold(c, nocase) === _fold(sc, nocase)) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++;
      pi++;
      continue;
    }
    if (pc === 0x5c && pi + 1 < p.length) pi++;
    if (_fold(p.charCodeAt(pi), nocase) !== _fold(sc, nocase)) return false;
    si++;
    pi++;
  }
  if (si < s.length) return false;
  while (pi < p.length && p.charCodeAt(pi) === 0x2a) pi++;
  return pi === p.length;
}
