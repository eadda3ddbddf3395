// IP address text as clusterStartHandshake treats it: parsed like inet_pton (IPv4 dotted quad, or IPv6) and written
// back like glibc's inet_ntop, so `CLUSTER MEET 127.000.0.1 …` is refused and `::FFFF:7F00:1` becomes
// `::ffff:127.0.0.1`. Pure functions, no sockets.

/** The normalized text of an IPv4 or IPv6 address, or null when inet_pton would reject it. */
export function normalizeIp(text: string): string | null {
  const v4 = _parseV4(text);
  if (v4 !== null) return v4.join('.');
  const v6 = _parseV6(text);
  return v6 === null ? null : _formatV6(v6);
}

/** The host part of an `ip:port` address (IPv6 without brackets, as Link addresses are written). */
export function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = colon === -1 ? address : address.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

// --- internal ---

/** inet_pton4: exactly four decimal parts 0-255, no leading zeros, nothing else. */
function _parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** inet_pton6: eight 16-bit groups, one `::` allowed, an IPv4 tail allowed. */
function _parseV6(text: string): number[] | null {
  if (text.length === 0 || text.length > 45) return null;
  const double = text.indexOf('::');
  if (double !== -1 && text.indexOf('::', double + 1) !== -1) return null;
  const parseSide = (side: string, allowV4: boolean): number[] | null => {
    if (side === '') return [];
    const groups = side.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = _parseV4(g);
        if (v4 === null) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  if (double === -1) {
    const all = parseSide(text, true);
    return all !== null && all.length === 8 ? all : null;
  }
  const head = parseSide(text.slice(0, double), false);
  const tail = parseSide(text.slice(double + 2), true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** inet_ntop6: lowercase hex, the longest run (≥2) of zero groups as `::`, IPv4 tail for mapped/compatible forms. */
function _formatV6(words: number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}
