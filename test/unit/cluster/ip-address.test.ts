// normalizeIp against the C library itself: Python's socket.inet_pton/inet_ntop call glibc's, which is what
// clusterStartHandshake uses to accept and normalize CLUSTER MEET addresses.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hostOf, normalizeIp } from '../../../src/cluster/ip-address.js';

const INPUTS = [
  '127.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '127.0.0.01',
  '127.0.0',
  '127.0.0.1.5',
  ' 127.0.0.1',
  '1.2.3.-4',
  '+1.2.3.4',
  'localhost',
  '',
  '::',
  '::1',
  '1::',
  '::FFFF:7F00:1',
  '::ffff:127.0.0.1',
  '::127.0.0.1',
  '::0:127.0.0.1',
  '0:0:0:0:0:0:0:1',
  '2001:DB8:0:0:1:0:0:1',
  '2001:db8::1:0:0:1',
  '2001:0db8:0000:0000:0000:0000:0002:0001',
  'fe80::1:2:3:4:5:6',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7::',
  '1::2::3',
  ':1:2:3:4:5:6:7',
  '12345::1',
  '1:2:3:4:5:6:1.2.3.4',
  '1:0:0:2:0:0:0:3',
  'g::1',
];

/** What glibc makes of each input: the normalized text, or null when inet_pton rejects it. */
function glibc(inputs: readonly string[]): (string | null)[] {
  const script = `
import json, socket, sys
out = []
for s in json.loads(sys.stdin.read()):
    r = None
    for fam in (socket.AF_INET, socket.AF_INET6):
        try:
            r = socket.inet_ntop(fam, socket.inet_pton(fam, s))
            break
        except (OSError, ValueError):
            pass
    out.append(r)
print(json.dumps(out))
`;
  const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(inputs), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as (string | null)[];
}

describe('normalizeIp', () => {
  it('accepts and writes addresses exactly as inet_pton + inet_ntop do', () => {
    const expected = glibc(INPUTS);
    expect(INPUTS.map((s) => normalizeIp(s))).toEqual(expected);
  });

  it('hostOf takes the host part of ip:port addresses', () => {
    expect(hostOf('127.0.0.1:6379')).toBe('127.0.0.1');
    expect(hostOf('::1:6379')).toBe('::1');
    expect(hostOf('[::1]:6379')).toBe('::1');
    expect(hostOf('')).toBe('');
  });
});
