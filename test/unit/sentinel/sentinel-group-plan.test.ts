// The pure plan of a Sentinel group: layout of data nodes and Sentinels, the directives each starts from, and the
// config text the realtime host writes.

import { describe, expect, it } from 'vitest';
import {
  SENTINEL_GROUP_DEFAULTS,
  dataNodeDirectives,
  defaultQuorum,
  directivesText,
  groupMasterName,
  planDataNodes,
  sentinelDirectives,
  sentinelPortOf,
  type SentinelGroupSpec,
} from '../../../src/sentinel/sentinel-group.js';

const spec = (over: Partial<SentinelGroupSpec> = {}): SentinelGroupSpec => ({
  ...SENTINEL_GROUP_DEFAULTS,
  quorum: 2,
  ...over,
});

describe('Sentinel group plan', () => {
  it('names masters mymaster, mymaster2, … and takes a majority as the default quorum', () => {
    expect([0, 1, 2].map(groupMasterName)).toEqual(['mymaster', 'mymaster2', 'mymaster3']);
    expect([1, 2, 3, 4, 5].map(defaultQuorum)).toEqual([1, 2, 2, 3, 3]);
  });

  it('puts each master before its replicas on consecutive ports, or every node on an ephemeral port', () => {
    expect(planDataNodes(spec({ masters: 2, replicas: 1, port: 7000 }))).toEqual([
      { index: 0, group: 'mymaster', role: 'master', port: 7000 },
      { index: 1, group: 'mymaster', role: 'replica', port: 7001 },
      { index: 2, group: 'mymaster2', role: 'master', port: 7002 },
      { index: 3, group: 'mymaster2', role: 'replica', port: 7003 },
    ]);
    expect(planDataNodes(spec({ replicas: 0, port: 0 }))).toEqual([
      { index: 0, group: 'mymaster', role: 'master', port: 0 },
    ]);
    expect(sentinelPortOf(spec({ sentinelPort: 26379 }), 2)).toBe(26381);
    expect(sentinelPortOf(spec({ sentinelPort: 0 }), 2)).toBe(0);
  });

  it('gives replicas replicaof their master and Sentinels monitor lines with the group timing', () => {
    const s = spec({ appendonly: true, downAfterMs: 1000, failoverTimeoutMs: 9000, parallelSyncs: 2 });
    const [master, replica] = planDataNodes(s);
    expect(dataNodeDirectives(s, master!, 6379)).toEqual([
      ['port', ['6379']],
      ['appendonly', ['yes']],
      ['repl-diskless-sync-delay', ['0']],
    ]);
    expect(dataNodeDirectives(s, replica!, 6379)).toContainEqual(['replicaof', ['127.0.0.1', '6379']]);
    expect(directivesText(sentinelDirectives(s, 26379, [{ name: 'mymaster', port: 6379 }]))).toBe(
      'port 26379\n' +
        'sentinel monitor mymaster 127.0.0.1 6379 2\n' +
        'sentinel down-after-milliseconds mymaster 1000\n' +
        'sentinel failover-timeout mymaster 9000\n' +
        'sentinel parallel-syncs mymaster 2\n',
    );
  });

  it('quotes empty words and words with spaces in config text', () => {
    expect(
      directivesText([
        ['save', ['']],
        ['dir', ['/tmp/a b']],
      ]),
    ).toBe('save ""\ndir "/tmp/a b"\n');
  });
});
