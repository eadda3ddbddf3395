// Fast conversions between bytes and latin1 strings (one char per byte) for the request and reply hot paths. Node's
// Buffer#toString/#write dispatch on the encoding name on every call; for the short strings that dominate Redis
// traffic a plain loop is several times faster, and V8 builds strings under 13 chars flat anyway.

/** Strings up to this length are converted byte by byte. */
const SHORT = 12;

/** Node's encoding-specific Buffer methods (present since Node 0.x, not in the public typings). */
interface Latin1Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

/** Reads bytes `start..end` of `buf` as a latin1 string. */
export function latin1String(buf: Buffer, start: number, end: number): string {
  if (end - start <= SHORT) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    return s;
  }
  return (buf as unknown as Latin1Buffer).latin1Slice(start, end);
}

/** Writes latin1 string `s` into `buf` at `offset` (the caller has made room). */
export function writeLatin1At(buf: Buffer, s: string, offset: number): void {
  const n = s.length;
  if (n <= SHORT) {
    for (let i = 0; i < n; i++) buf[offset + i] = s.charCodeAt(i);
    return;
  }
  (buf as unknown as Latin1Buffer).latin1Write(s, offset, n);
}
