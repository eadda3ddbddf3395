// `sentinel resolve-hostnames` / `announce-hostnames` on the realtime runtime: a redis-sim Sentinel and a real
// redis-sentinel 7.0.15 monitor the same real master as `localhost`; SENTINEL MASTER's ip, GET-MASTER-ADDR-BY-NAME,
// INFO's master line, the hello message, the rewritten monitor line and SENTINEL MONITOR's refusals must agree.
// Needs `npm run build`.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toPlain, type PlainReply } from '../../src/protocol/reply-text.js';
import {
  CLI_PATH,
  ClientPool,
  freePort,
  startProcessServer,
  startRealRedis,
  tempDir,
  waitFor,
  type ProcessServer,
  type RespClient,
} from '../helpers/servers.js';

type Kind = 'real' | 'sim';

const pool = new ClientPool();
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  await pool.closeAll();
  while (stops.length > 0) await stops.pop()!();
});

/** Starts a Sentinel of `kind` on a fresh config file; `stop` ends it and removes its directory. */
async function startSentinel(
  kind: Kind,
  lines: readonly string[],
): Promise<{ server: ProcessServer; conf: string; stop: () => Promise<void> }> {
  const { dir, cleanup } = tempDir(`redis-sim-hostnames-${kind}-`);
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const port = await freePort();
  try {
    const server =
      kind === 'real'
        ? await startProcessServer('redis-sentinel', [conf], { dir, port })
        : await startProcessServer(process.execPath, [CLI_PATH, 'sentinel-server', conf], { dir, port });
    const stop = async () => {
      await server.stop();
      cleanup();
    };
    stops.push(stop);
    return { server, conf, stop };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** The next hello message `port` publishes on the master, within 10 s. */
async function helloFrom(hello: RespClient, port: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no hello message from port ${port}`);
    const push = await Promise.race([
      hello.nextUnsolicited(),
      new Promise<null>((r) => setTimeout(() => r(null), left).unref()),
    ]);
    if (push === null) continue;
    const payload = (toPlain(push) as string[])[2]!;
    if (payload.split(',')[1] === String(port)) return payload;
  }
}

function field(reply: PlainReply, name: string): string | undefined {
  const flat = reply as string[];
  const at = flat.indexOf(name);
  return at === -1 ? undefined : flat[at + 1];
}

/** What a Sentinel shows of a master it monitors as `localhost`, with the port and its own identity hidden. */
async function observe(kind: Kind, master: ProcessServer, announce: boolean): Promise<Record<string, unknown>> {
  const { server, conf, stop } = await startSentinel(kind, [
    'sentinel resolve-hostnames yes',
    `sentinel announce-hostnames ${announce ? 'yes' : 'no'}`,
    `sentinel monitor m localhost ${master.port} 1`,
  ]);
  const hide = (text: string) =>
    text
      .replaceAll(String(master.port), 'MPORT')
      .replaceAll(String(server.port), 'SPORT')
      .replace(/[0-9a-f]{40}/g, 'ID');
  const c = await pool.connect(server);
  const hello = await pool.connect(master);
  await hello.run('SUBSCRIBE', '__sentinel__:hello');
  await waitFor(async () => field(await c.run('SENTINEL', 'MASTER', 'm'), 'num-slaves') === '1', {
    timeoutMs: 20_000,
    message: `${kind} Sentinel did not discover the replica`,
  });
  const payload = await helloFrom(hello, server.port);
  const master1 = await c.run('SENTINEL', 'MASTER', 'm');
  const info = ((await c.run('INFO', 'sentinel')) as string).split('\r\n').find((l) => l.startsWith('master0:'))!;
  const monitorLine = readFileSync(conf, 'latin1')
    .split('\n')
    .find((l) => l.startsWith('sentinel monitor '))!;
  const refusals = [
    await c.run('SENTINEL', 'MONITOR', 'm2', 'nosuchhost.invalid', '1234', '1'),
    await c.run('SENTINEL', 'CONFIG', 'SET', 'resolve-hostnames', 'no'),
    await c.run('SENTINEL', 'MONITOR', 'm3', 'localhost', '1234', '1'),
  ];
  const seen = {
    ip: field(master1, 'ip'),
    addr: hide(((await c.run('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'm')) as string[]).join(':')),
    replica: field(((await c.run('SENTINEL', 'REPLICAS', 'm')) as PlainReply[])[0]!, 'name')?.startsWith('127.0.0.1:'),
    info: hide(info),
    // Our own address, port, ID and epoch, then the master's name, host, port and config epoch.
    hello: hide(payload).split(',').slice(4).join(','),
    helloFrom: hide(payload).split(',').slice(0, 3).join(','),
    monitorLine: hide(monitorLine),
    refusals,
  };
  await stop();
  return seen;
}

describe('Sentinel hostnames beside a real redis-sentinel', () => {
  for (const announce of [false, true]) {
    it(`monitors a master given as localhost with announce-hostnames ${announce ? 'yes' : 'no'}`, async () => {
      const master = await startRealRedis();
      const replica = await startRealRedis(['--replicaof', '127.0.0.1', String(master.port)]);
      stops.push(
        () => master.stop(),
        () => replica.stop(),
      );
      const real = await observe('real', master, announce);
      const sim = await observe('sim', master, announce);
      const host = announce ? 'localhost' : '127.0.0.1';
      expect(sim.ip).toBe(host);
      expect(sim.addr).toBe(`${host}:MPORT`);
      expect(sim.hello).toBe(`m,${host},MPORT,0`);
      expect(sim.helloFrom).toBe('127.0.0.1,SPORT,ID');
      expect(sim.refusals).toEqual([
        { error: 'ERR Invalid IP address or hostname specified' },
        'OK',
        { error: 'ERR Invalid IP address or hostname specified' },
      ]);
      expect(sim).toEqual(real);
    }, 60_000);
  }
});
