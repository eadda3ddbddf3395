// Adapts node:net sockets to the core's Link: outbound connections (env.net.connect) and accepted cluster-bus
// connections. A LinkSet tracks a node's links so its host can drop them all when the node stops or crashes.

import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Link, LinkCloseReason, Network } from '../env/env.js';

/** The open links of one node, so they can be destroyed together. */
export class LinkSet {
  private readonly sockets = new Set<Socket>();

  /** Adds a socket; it leaves the set when it closes. */
  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Destroys every tracked socket without telling the core (the node is gone). */
  destroyAll(): void {
    for (const socket of this.sockets) {
      socket.removeAllListeners('data');
      socket.destroy();
    }
    this.sockets.clear();
  }

  /** A Network whose links are tracked in this set. */
  network(): Network {
    return {
      connect: (host, port) => {
        const socket = connect({ host, port, noDelay: true });
        this.track(socket);
        return linkFor(socket, false);
      },
    };
  }
}

/** A listening socket whose accepted connections become Links (the cluster bus port). */
export interface LinkListener {
  /** The port actually bound. */
  readonly port: number;
  /** Stops accepting; links already accepted stay (the LinkSet drops them). */
  close(): Promise<void>;
}

/** Listens on `host:port`; each accepted socket joins `links` and goes to `accept` as an established Link. */
export async function listenLinks(
  host: string,
  port: number,
  links: LinkSet,
  accept: (link: Link) => void,
): Promise<LinkListener> {
  const server: Server = createServer({ noDelay: true }, (socket) => {
    links.track(socket);
    accept(linkFor(socket, true));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: host.includes(':') }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Wraps a socket as a Link; `established` says whether it is already connected (accepted) or still connecting. */
export function linkFor(socket: Socket, established: boolean): Link {
  let connected = established;
  let closed = false;
  let refused = false;
  const link: Link = {
    write(data) {
      if (!closed && !socket.destroyed) writeCoalesced(socket, data, true);
    },
    close() {
      if (closed) return;
      closed = true;
      socket.end();
      // A peer that never reads would keep a half-closed socket alive; Redis closes the fd at once.
      socket.destroySoon();
    },
    get remoteAddress() {
      return `${stripMappedPrefix(socket.remoteAddress)}:${socket.remotePort ?? 0}`;
    },
    get localAddress() {
      return socket.localAddress === undefined
        ? ''
        : `${stripMappedPrefix(socket.localAddress)}:${socket.localPort ?? 0}`;
    },
    get isLocal() {
      const ip = stripMappedPrefix(socket.remoteAddress);
      return ip === '::1' || ip.startsWith('127.');
    },
    get closed() {
      return closed;
    },
    get bufferedBytes() {
      // Node's writable queue, including writes made before the connection is up; the kernel's buffer is not counted.
      return closed || socket.destroyed ? 0 : socket.writableLength;
    },
    onData: null,
    onClose: null,
  };
  socket.on('connect', () => (connected = true));
  socket.on('data', (chunk: Buffer) => {
    if (!closed) link.onData?.(chunk);
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    if (!connected && (e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH'))
      refused = true;
    socket.destroy();
  });
  socket.on('close', (hadError) => {
    if (closed) return;
    closed = true;
    const reason: LinkCloseReason = refused || !connected ? 'refused' : hadError ? 'reset' : 'closed';
    link.onClose?.(reason);
  });
  return link;
}

/**
 * Writes through a cork, so what is written to a socket in one go leaves in one system call, as Redis appends output
 * to a buffer and writes it once per event-loop iteration and builds MIGRATE's whole pipeline before writing. A
 * client's replies leave when the current tick ends (handleClientsWithPendingWrites in beforeSleep); a link's output
 * (`afterIo`) once this round of I/O callbacks is over, as the bus link's write handler fires after beforeSleep has
 * sent the replies: a node that answers CLUSTER SETSLOT and broadcasts a PONG sends the reply first.
 */
export function writeCoalesced(socket: Socket, data: Buffer | string, afterIo = false): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    if (afterIo) setImmediate(_uncork, socket);
    else process.nextTick(_uncork, socket);
  }
  socket.write(data);
}

function _uncork(socket: Socket): void {
  socket.uncork();
}

/** Strips the IPv4-mapped IPv6 prefix Node reports for dual-stack sockets. */
export function stripMappedPrefix(address: string | undefined): string {
  if (address === undefined) return '?';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
