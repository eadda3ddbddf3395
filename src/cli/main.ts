#!/usr/bin/env node
// The `redis-sim` command line: a thin registry of commands, and the one place that turns failures into a one-line
// message and an exit code.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { ClusterFormError } from '../cluster/cluster-former.js';
import { ClusterConfigError } from '../cluster/cluster.js';
import { ConfigError } from '../node/config-error.js';
import { ConfigFileError } from '../node/config-file.js';
import { ControlPortError } from '../runtime/control-port.js';
import { HostStartError } from '../runtime/server-host.js';
import { CliError, processIo, versionText, type CliCommand, type CliIo } from './cli-io.js';
import { clusterCommand } from './cluster-command.js';
import { ctlCommand } from './ctl-command.js';
import { redisCliCommand } from './redis-cli-command.js';
import { sentinelCommand } from './sentinel-command.js';
import { sentinelServerCommand, serverCommand } from './server-command.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly CliCommand[] = [
  serverCommand,
  clusterCommand,
  sentinelCommand,
  sentinelServerCommand,
  ctlCommand,
  redisCliCommand,
];

/** Runs the CLI with `argv` (without `node` and the script path) and resolves with the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    let exitCode = 0;
    const parser = yargs([...argv])
      .scriptName('redis-sim')
      .exitProcess(false)
      .strictCommands()
      .demandCommand(1, 'no command given')
      .version(versionText())
      .help()
      .wrap(100)
      .epilog('Each command has its own --help (redis-sim server --help).')
      .fail((message, error) => {
        throw error ?? new CliError(message, true);
      });
    for (const command of COMMANDS) {
      parser.command(
        command.usage,
        command.describe,
        // The command reads its own arguments, so yargs must not interpret them.
        (y) => y.parserConfiguration({ 'unknown-options-as-args': true }).help(false).version(false),
        async () => {
          exitCode = await command.run(argv.slice(argv.indexOf(command.name) + 1), io);
        },
      );
    }
    await parser.parseAsync([...argv], {}, (error, _parsed, output) => {
      if (error == null && output !== '') io.out(`${output}\n`);
    });
    return exitCode;
  } catch (e) {
    io.err(`redis-sim: ${_oneLine(e)}\n`);
    return 1;
  }
}

// --- internal ---

function _oneLine(e: unknown): string {
  if (e instanceof ConfigFileError || e instanceof ConfigError) return `${e.message} (see --help)`;
  if (e instanceof CliError) return e.hint ? `${e.message} (see --help)` : e.message;
  if (
    e instanceof HostStartError ||
    e instanceof ClusterConfigError ||
    e instanceof ClusterFormError ||
    e instanceof ControlPortError
  )
    return e.message;
  return `internal error: ${e instanceof Error ? e.message : String(e)}`;
}

function _isEntryPoint(): boolean {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? '')).href;
  } catch {
    return false;
  }
}

if (_isEntryPoint()) process.exit(await runCli(process.argv.slice(2)));
