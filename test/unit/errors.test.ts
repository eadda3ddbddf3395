// Error texts that quote client input: Redis prints the names and arguments with `%.128s`, as C strings.

import { describe, expect, it } from 'vitest';
import { Errors } from '../../src/node/errors.js';

describe('errors quoting client input', () => {
  it('cut each argument of an unknown command at its first NUL byte', () => {
    expect(Errors.unknownCommand(['NOSUCHCOMMAND', 'a\u0000b', 'c']).s).toBe(
      "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'c' ",
    );
    expect(Errors.unknownCommand(['NOSUCH\u0000COMMAND', '\u0000']).s).toBe(
      "ERR unknown command 'NOSUCH', with args beginning with: '' ",
    );
  });

  it('keep at most 128 bytes of the name and of the quoted arguments together', () => {
    const reply = Errors.unknownCommand(['x'.repeat(200), 'a'.repeat(10), 'b\u0000'.repeat(100), 'c'.repeat(200), 'd']);
    expect(reply.s).toBe(
      `ERR unknown command '${'x'.repeat(128)}', with args beginning with: ` +
        `'${'a'.repeat(10)}' 'b' '${'c'.repeat(128 - 17)}' `,
    );
  });

  it('cut subcommand names the same way', () => {
    expect(Errors.unknownSubcommand('object', 'x\u0000y').s).toBe("ERR unknown subcommand 'x'. Try OBJECT HELP.");
    expect(Errors.unknownSubcommand('config', 's'.repeat(300)).s).toBe(
      `ERR unknown subcommand '${'s'.repeat(128)}'. Try CONFIG HELP.`,
    );
    expect(Errors.subcommandSyntax(['debug', 'a\u0000b']).s).toBe(
      "ERR unknown subcommand or wrong number of arguments for 'a'. Try DEBUG HELP.",
    );
  });
});
