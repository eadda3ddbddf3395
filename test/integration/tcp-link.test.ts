import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Link, LinkCloseReason } from '../../src/env/env.js';
import { LinkSet } from '../../src/runtime/tcp-link.js';
import { freePort, waitFor } from '../helpers/servers.js';

/** A loopback server that records what its accepted sockets receive. */
async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

/** Records a link's data and its close reason. */
function watch(link: Link): { data: string[]; closed: LinkCloseReason[] } {
  const seen = { data: [] as string[], closed: [] as LinkCloseReason[] };
  link.onData = (chunk) => seen.data.push(chunk.toString('latin1'));
  link.onClose = (reason) => seen.closed.push(reason);
  return seen;
}

const servers: Server[] = [];
const sets: LinkSet[] = [];
afterEach(async () => {
  for (const set of sets.splice(0)) set.destroyAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('realtime links', () => {
  it('carries bytes both ways once connected, written before the connection is up', async () => {
    const { server, port } = await listen((socket) => socket.on('data', (d) => socket.write(`echo:${d}`)));
    servers.push(server);
    const set = new LinkSet();
    sets.push(set);
    const link = set.network().connect('127.0.0.1', port);
    const seen = watch(link);
    link.write(Buffer.from('hello'));
    await waitFor(() => seen.data.join('') === 'echo:hello', { message: 'echo' });
    expect(link.remoteAddress).toBe(`127.0.0.1:${port}`);
    expect(link.isLocal).toBe(true);
    expect(link.closed).toBe(false);
  });

  it('reports a refused connection once, as refused', async () => {
    const set = new LinkSet();
    sets.push(set);
    const seen = watch(set.network().connect('127.0.0.1', await freePort()));
    await waitFor(() => seen.closed.length > 0, { message: 'close' });
    expect(seen.closed).toEqual(['refused']);
  });

  it('reports a peer close as closed, and a local close not at all', async () => {
    let accepted: Socket | null = null;
    const { server, port } = await listen((socket) => (accepted = socket));
    servers.push(server);
    const set = new LinkSet();
    sets.push(set);
    const a = watch(set.network().connect('127.0.0.1', port));
    await waitFor(() => accepted !== null, { message: 'accept' });
    accepted!.end();
    await waitFor(() => a.closed.length > 0, { message: 'close' });
    expect(a.closed).toEqual(['closed']);

    accepted = null;
    const link = set.network().connect('127.0.0.1', port);
    const b = watch(link);
    await waitFor(() => accepted !== null, { message: 'second accept' });
    const peerSawEnd = new Promise((r) => accepted!.on('end', r));
    accepted!.on('data', () => {});
    link.close();
    expect(link.closed).toBe(true);
    await peerSawEnd;
    expect(b.closed).toEqual([]);
  });

  it('destroyAll drops every tracked socket without calling back into the core', async () => {
    const peers: Socket[] = [];
    const { server, port } = await listen((socket) => peers.push(socket));
    servers.push(server);
    const set = new LinkSet();
    const links = [watch(set.network().connect('127.0.0.1', port)), watch(set.network().connect('127.0.0.1', port))];
    await waitFor(() => peers.length === 2, { message: 'accepts' });
    const peerClosed = peers.map((p) => new Promise((r) => p.on('close', r)));
    for (const p of peers) p.on('error', () => {});
    set.destroyAll();
    await Promise.all(peerClosed);
    expect(links.map((l) => l.closed)).toEqual([[], []]);
  });
});
