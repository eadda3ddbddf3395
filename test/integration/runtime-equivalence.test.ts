// The same node code runs under both runtimes (DESIGN.md), so the same script must get the same replies over real TCP
// (realtime runtime) and over simulated links (simulation runtime). Commands not implemented yet answer the
// unknown-command error on both sides, which still has to match.

import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import type { Reply } from '../../src/protocol/reply.js';
import { formatReply } from '../../src/sim/sim-client.js';
import { Simulation } from '../../src/sim/simulation.js';
import { startServer } from '../../src/index.js';
import { RespClient, startSimServer, tempDir } from '../helpers/servers.js';

/** One step: a command's arguments, or raw bytes sent as they are (inline commands). */
type Step = readonly string[] | { raw: string };

const SCRIPT: readonly Step[] = [
  ['PING'],
  ['PING', 'hello'],
  ['ping', 'a', 'b'],
  ['ECHO', 'hi there'],
  ['ECHO'],
  ['ECHO', 'bin\x00\xff\r\n'],
  { raw: 'PING\r\n' },
  { raw: 'ECHO "inline  quoted"\r\n' },
  ['NOSUCHCOMMAND', 'x', 'y'],
  ['GET'],
  ['SET', 'k'],
  ['SET', 'k1', 'v1'],
  ['GET', 'k1'],
  ['GET', 'missing'],
  ['EXISTS', 'k1', 'missing', 'k1'],
  ['SET', 'k1', 'v2', 'NX'],
  ['SET', 'k1', 'v2', 'XX', 'GET'],
  ['SET', 'k1', 'v3', 'NX', 'XX'],
  ['DEL', 'k1', 'missing'],
  ['GET', 'k1'],
  ['SET', 'n', '10'],
  ['INCR', 'n'],
  ['INCR', 'n'],
  ['SET', 'word', 'abc'],
  ['INCR', 'word'],
  ['APPEND', 's', 'abc'],
  ['APPEND', 's', 'def'],
  ['GET', 's'],
  ['MSET', 'a', '1', 'b', '2', 'c', '3'],
  ['MSET', 'a'],
  ['MGET', 'a', 'b', 'missing', 'c'],
  ['TTL', 'a'],
  ['TTL', 'missing'],
  ['TYPE', 'a'],
  ['SELECT', '1'],
  ['GET', 'a'],
  ['SET', 'a', 'db1'],
  ['DBSIZE'],
  ['SELECT', '0'],
  ['GET', 'a'],
  ['SELECT', '99'],
  ['SELECT', 'x'],
  ['MULTI'],
  ['SET', 't', '1'],
  ['INCR', 't'],
  ['GET', 't'],
  ['EXEC'],
  ['MULTI'],
  ['NOSUCHCOMMAND'],
  ['EXEC'],
  ['HELLO', '3'],
  ['GET', 'a'],
  ['GET', 'missing'],
  ['MGET', 'a', 'missing'],
  ['INCR', 'n'],
  ['EXISTS', 'a', 'b'],
  ['HELLO', '4'],
  ['NOSUCHCOMMAND'],
  ['HELLO', '2'],
  ['GET', 'missing'],
  ['DEL', 'a', 'b', 'c', 'n', 's', 'word', 't'],
];

/** The step as text for diffs. */
function describeStep(step: Step): string {
  return 'raw' in step ? `raw ${JSON.stringify(step.raw)}` : step.map((a) => JSON.stringify(a)).join(' ');
}

describe('runtime equivalence', () => {
  let server: Awaited<ReturnType<typeof startSimServer>>;
  let client: RespClient;

  beforeAll(async () => {
    server = await startSimServer();
    client = await RespClient.connect(server.port);
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('answers the same script identically over real TCP and in the simulation', async () => {
    const realtime: string[] = [];
    for (const step of SCRIPT) {
      const reply: Reply =
        'raw' in step ? await client.callRaw(Buffer.from(step.raw, 'latin1')) : await client.call(...step);
      realtime.push(`${describeStep(step)} => ${formatReply(reply)}`);
    }

    const sim = new Simulation({ seed: 42 });
    sim.addNode('node');
    const simClient = sim.client('node');
    const simulated: string[] = [];
    for (const step of SCRIPT) {
      const call = 'raw' in step ? simClient.callRaw(step.raw) : simClient.call(...step);
      sim.runUntil(() => call.done, 1000);
      simulated.push(`${describeStep(step)} => ${formatReply(call.value())}`);
    }

    expect(simulated).toEqual(realtime);
    // Anchor a few replies, so two runtimes broken the same way still fail.
    expect(simulated[0]).toBe('"PING" => +PONG');
    expect(simulated[2]).toBe(`"ping" "a" "b" => -ERR wrong number of arguments for 'ping' command`);
    expect(simulated[6]).toBe('raw "PING\\r\\n" => +PONG');
    expect(simulated[8]).toBe(
      '"NOSUCHCOMMAND" "x" "y" => -ERR unknown command \'NOSUCHCOMMAND\', with args beginning with: \'x\' \'y\' ',
    );
    expect(simulated.find((line) => line.startsWith('"HELLO" "3"'))).toMatch(/"proto" => :3/);
  });

  it('the library startServer listens on an ephemeral port and stops cleanly', async () => {
    const { dir, cleanup } = tempDir();
    const host = await startServer({
      directives: [
        ['dir', [dir]],
        ['save', ['']],
      ],
    });
    let c: RespClient | null = null;
    try {
      expect(host.port).toBeGreaterThan(0);
      // `port 0` becomes the port it got, so the node announces a reachable port (REPLCONF listening-port, hellos).
      expect(host.node.config.get('port')).toBe(String(host.port));
      c = await RespClient.connect(host.port, host.host);
      expect(await c.run('ECHO', 'library')).toBe('library');
    } finally {
      await c?.close();
      await host.stop('nosave');
      cleanup();
    }
  });
});
