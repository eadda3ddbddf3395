// Accepts TCP clients for a node and pumps bytes between sockets and client sessions.

import { createServer, type Server, type Socket } from 'node:net';
import type { Connection } from '../node/connection.js';
import type { RedisNode } from '../node/node.js';
import type { ClientSession } from '../node/client-session.js';
import { stripMappedPrefix, writeCoalesced } from './tcp-link.js';

/** A listening socket bound to one node. */
export interface TcpListener {
  /** The port actually bound (useful when asked for port 0). */
  readonly port: number;
  /** Stops accepting and destroys every open client socket. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and connects each accepted socket to the node. With a `gate` (a hosted node that can be
 * paused or killed), the connection, its bytes and its close reach the node through the gate.
 */
export async function listenTcp(
  node: RedisNode,
  host: string,
  port: number,
  gate?: { run(task: () => void): void },
): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    if (gate !== undefined) {
      let gated: ClientSession | null = null;
      gate.run(() => (gated = node.connect(_connectionFor(socket))));
      socket.on('data', (chunk: Buffer) => gate.run(() => gated?.receive(chunk)));
      socket.on('close', () => {
        sockets.delete(socket);
        gate.run(() => gated?.disconnected());
      });
      return;
    }
    const session = node.connect(_connectionFor(socket));
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('close', () => {
      sockets.delete(socket);
      session.disconnected();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // IPv6 sockets are IPv6-only (as Redis sets IPV6_V6ONLY), so `bind * ::*` can take both families.
    server.listen({ port, host, ipv6Only: host.includes(':') }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// --- internal ---

function _connectionFor(socket: Socket): Connection {
  const remote = `${stripMappedPrefix(socket.remoteAddress)}:${socket.remotePort ?? 0}`;
  const local = `${stripMappedPrefix(socket.localAddress)}:${socket.localPort ?? 0}`;
  const ip = stripMappedPrefix(socket.remoteAddress);
  return {
    write: (data) => {
      if (!socket.destroyed) writeCoalesced(socket, data);
    },
    close: () => socket.end(),
    remoteAddress: remote,
    localAddress: local,
    isLocal: ip === '127.0.0.1' || ip === '::1' || ip.startsWith('127.'),
  };
}
