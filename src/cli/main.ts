#!/usr/bin/env node
// The `redis-sim` command line.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startServerHost } from '../runtime/server-host.js';

await yargs(hideBin(process.argv))
  .scriptName('redis-sim')
  .command(
    'server [config]',
    'run one Redis node',
    (y) => y.positional('config', { type: 'string' }),
    async (argv) => {
      void argv;
      const host = await startServerHost({ directives: [['port', ['6399']]] });
      process.on('SIGINT', () => void host.stop().then(() => process.exit(0)));
    },
  )
  .demandCommand(1)
  .strict()
  .parse();
