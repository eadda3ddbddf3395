// What the hosts that run many nodes in this process (a hosted cluster, a hosted Sentinel group) share about their
// members' lives: starting (or restarting) a member's server behind a gate on the host's fabric, noticing when every
// node has exited by itself, and shutting them all down.

import type { HostFabric, HostedMember } from './hosted-members.js';
import { NodeGate } from './node-gate.js';
import { startServerHost, type ServerHost, type ServerHostOptions } from './server-host.js';

/** What a member's server starts from; the host adds the gate, the log sink and the shutdown hook. */
export type MemberServerOptions = Omit<ServerHostOptions, 'gate' | 'logSink' | 'onShutdown'>;

/** The lives of a host's members: their starts and restarts, and the host's end. */
export class HostLifecycle {
  /** Resolves once stopAll() has finished, or once all `count` members have exited by themselves (SHUTDOWN). */
  readonly closed: Promise<void>;
  private closeHost: () => void = () => {};
  private stopping: Promise<void> | null = null;

  /**
   * `members` is the host's list (filled as members start), `count` how many it will hold, `logSink` where their log
   * lines go (by port; none: the nodes' own log files) and `afterStop` what stopAll() closes once every node is down.
   */
  constructor(
    private readonly members: readonly HostedMember[],
    private readonly fabric: HostFabric,
    private readonly count: number,
    private readonly logSink: ((port: number, line: string) => void) | undefined,
    private readonly afterStop: () => Promise<void> = async () => {},
  ) {
    this.closed = new Promise<void>((r) => (this.closeHost = r));
  }

  /** Starts (or restarts) `m`'s server and makes it the member's current incarnation, with its ports. */
  async start(m: HostedMember, options: MemberServerOptions): Promise<ServerHost> {
    const sink = this.logSink;
    // Lines logged before an ephemeral port is known wait, and then go out under the port bound.
    const early: string[] | null = m.port === 0 && sink !== undefined ? [] : null;
    const gate = new NodeGate((toHost, toPort) => this.fabric.route(this.members, m.index, toHost, toPort));
    const started = await startServerHost({
      ...options,
      gate,
      logSink: (line) => {
        if (m.port === 0 && early !== null) early.push(line);
        else sink?.(m.port, line);
      },
      onShutdown: () => {
        if (m.server !== started || m.state !== 'running') return;
        m.clearPauseTimer();
        m.state = 'stopped';
        if (this.members.length === this.count && this.members.every((x) => x.state === 'stopped')) this.closeHost();
      },
    });
    m.gate = gate;
    m.server = started;
    m.state = 'running';
    m.port = started.port;
    m.busPort = started.busPort;
    for (const line of early?.splice(0) ?? []) sink?.(started.port, line);
    return started;
  }

  /** Shuts every running node down as SHUTDOWN would (without saving when that fails), then closes the host. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.members.map(async (m) => {
          m.clearPauseTimer();
          m.gate.resume();
          if (m.state === 'running') await m.server.stop().catch(() => m.server.stop('nosave'));
          m.state = m.state === 'running' ? 'stopped' : m.state;
        }),
      );
      await this.afterStop();
      this.closeHost();
    })();
    return this.stopping;
  }
}
