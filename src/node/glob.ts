// Glob matching with the exact semantics of Redis's stringmatchlen (util.c, 7.0.15): `*`, `?`, `[abc]`, `[^a-z]`,
// `\x` escapes, optional ASCII case folding, and its edge cases: an unterminated `[abc` class runs to the end of the
// pattern, a trailing `\` is literal, range bounds compare as signed chars, an escape inside a class ignores nocase,
// and a non-empty pattern never matches the empty string (not even `*`).
// Used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE and CLIENT KILL patterns.

/** Whether `text` matches `pattern` (both latin1 strings), as stringmatchlen(pattern, text, nocase) answers. */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  const plen = pattern.length;
  const slen = text.length;
  let pi = 0;
  let si = 0;
  // Redis recurses at each `*`, but a shared "skip longer matches" flag means that once a later `*` is reached an
  // earlier one is never retried. So one backtrack point — the latest `*` and where its match would end — is exact.
  let starPi = -1;
  let starSi = 0;
  for (;;) {
    let failed = false;
    while (pi < plen && si < slen) {
      const pc = pattern.charCodeAt(pi);
      if (pc === _STAR) {
        while (pi + 1 < plen && pattern.charCodeAt(pi + 1) === _STAR) pi++;
        if (pi === plen - 1) return true;
        starPi = pi;
        starSi = si;
        pi++;
        continue;
      }
      const sc = text.charCodeAt(si);
      if (pc === _OPEN) {
        const end = _matchClass(pattern, pi, sc, nocase);
        if (end < 0) {
          failed = true;
          break;
        }
        pi = end;
      } else if (pc !== _QUESTION) {
        if (pc === _BACKSLASH && plen - pi >= 2) pi++;
        const c = pattern.charCodeAt(pi);
        if (nocase ? _lower(c) !== _lower(sc) : c !== sc) {
          failed = true;
          break;
        }
      }
      si++;
      pi++;
      if (si === slen) {
        // Redis reads the NUL terminator past the end here, so only real `*` bytes are skipped.
        while (pi < plen && pattern.charCodeAt(pi) === _STAR) pi++;
        break;
      }
    }
    if (!failed && pi === plen && si === slen) return true;
    if (starPi < 0) return false;
    starSi++;
    if (starSi >= slen) return false;
    pi = starPi + 1;
    si = starSi;
  }
}

// --- internal ---

const _STAR = 0x2a;
const _QUESTION = 0x3f;
const _OPEN = 0x5b;
const _CLOSE = 0x5d;
const _CARET = 0x5e;
const _DASH = 0x2d;
const _BACKSLASH = 0x5c;

/**
 * Matches one text byte against the `[...]` class opening at `open`. Returns the index of the class's last byte (its
 * `]`, or the pattern's last byte when unterminated) on a match, or -1.
 */
function _matchClass(pattern: string, open: number, sc: number, nocase: boolean): number {
  const plen = pattern.length;
  let pi = open + 1;
  const not = pi < plen && pattern.charCodeAt(pi) === _CARET;
  if (not) pi++;
  let match = false;
  for (;;) {
    const c = pi < plen ? pattern.charCodeAt(pi) : 0;
    if (c === _BACKSLASH && plen - pi >= 2) {
      pi++;
      if (pattern.charCodeAt(pi) === sc) match = true;
    } else if (c === _CLOSE) {
      break;
    } else if (pi === plen) {
      pi--;
      break;
    } else if (plen - pi >= 3 && pattern.charCodeAt(pi + 1) === _DASH) {
      let start = _signed(c);
      let end = _signed(pattern.charCodeAt(pi + 2));
      let ch = _signed(sc);
      if (start > end) [start, end] = [end, start];
      if (nocase) {
        start = _lower(start);
        end = _lower(end);
        ch = _lower(ch);
      }
      pi += 2;
      if (ch >= start && ch <= end) match = true;
    } else if (nocase ? _lower(c) === _lower(sc) : c === sc) {
      match = true;
    }
    pi++;
  }
  return match !== not ? pi : -1;
}

/** tolower in the C locale: ASCII letters only. */
function _lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** A byte as C's (signed) char, which is how Redis compares range bounds. */
function _signed(c: number): number {
  return c >= 0x80 ? c - 0x100 : c;
}
