// The longest common subsequence of two strings (LCS command, t_string.c lcsCommand): the classic dynamic
// programming table, walked back from the end to recover the subsequence and its matching ranges in the order and
// grouping Redis reports them.

/** One run of consecutive matching bytes: inclusive ranges in both strings. */
export interface LcsRange {
  readonly aStart: number;
  readonly aEnd: number;
  readonly bStart: number;
  readonly bEnd: number;
}

/** The LCS of two strings: its length, and when asked for, the subsequence and its ranges (last range first). */
export interface LcsResult {
  readonly length: number;
  readonly text: string;
  readonly ranges: LcsRange[];
}

/** Bytes the LCS table of two strings needs: 4 per cell, (alen+1) x (blen+1) cells. */
export function lcsTableBytes(alen: number, blen: number): number {
  return (alen + 1) * (blen + 1) * 4;
}

/** Computes the LCS; `walk` recovers the subsequence and ranges (skipped for LEN, which needs only the length). */
export function computeLcs(a: string, b: string, walk: boolean): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  const table = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1]! + 1;
      else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const length = table[alen * width + blen]!;
  if (!walk) return { length, text: '', ranges: [] };

  const chars = new Uint8Array(length);
  const ranges: LcsRange[] = [];
  let idx = length;
  let i = alen;
  let j = blen;
  // The open range is tracked backwards: `aStart === -1` means no range is open.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--idx] = a.charCodeAt(i - 1);
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      // A range touching the start of either string is the last one: report it now.
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      ranges.push({ aStart, aEnd, bStart, bEnd });
      aStart = -1;
    }
  }
  return { length, text: Buffer.from(chars.buffer, chars.byteOffset, chars.length).toString('latin1'), ranges };
}
