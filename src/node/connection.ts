// The transport a client session talks through; each runtime supplies one per accepted connection.

/** A byte pipe to one client. */
export interface Connection {
  /** Sends bytes, in order. */
  write(data: Buffer): void;
  /** Closes the connection once pending writes are sent. */
  close(): void;
  /** `ip:port` of the peer, as CLIENT LIST prints it. */
  readonly remoteAddress: string;
  /** `ip:port` of our end. */
  readonly localAddress: string;
  /** Whether the peer is on this machine (loopback or a Unix socket), for protected mode and `local` options. */
  readonly isLocal: boolean;
}
