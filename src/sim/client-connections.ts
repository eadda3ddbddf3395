// The connections of a simulated client model (the cluster client, the Sentinel-aware client): one per server
// address, each an endpoint `<client>.<port>`, reopened when it was lost.

import type { SimClient } from './sim-client.js';
import type { Simulation } from './simulation.js';

/** A client model's connections, one per server address. */
export class ClientConnections {
  private readonly conns = new Map<string, SimClient>();

  /** `name` is the client's name, the first part of its endpoints' names. */
  constructor(
    private readonly sim: Simulation,
    private readonly name: string,
  ) {}

  /** The connection to `address` (`host:port`): opened the first time, reconnected when it is no longer connected. */
  get(address: string): SimClient {
    let conn = this.conns.get(address);
    if (conn === undefined) {
      const port = address.slice(address.lastIndexOf(':') + 1);
      conn = this.sim.client(address, { name: `${this.name}.${port}` });
      this.conns.set(address, conn);
    } else if (!conn.connected) {
      conn.reconnect();
    }
    return conn;
  }

  /** Closes every connection. */
  closeAll(): void {
    for (const conn of this.conns.values()) conn.close();
  }
}
