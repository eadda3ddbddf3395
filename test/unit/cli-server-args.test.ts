import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseServerArgs } from '../../src/cli/server-args.js';
import { CliError } from '../../src/cli/cli-io.js';

/** The directives of a run as `name word word` strings. */
function directives(args: string[]): string[] {
  const parsed = parseServerArgs(args);
  if (parsed.kind !== 'run') throw new Error(`not a run: ${parsed.kind}`);
  return parsed.options.map((d) => [d.name, ...d.words.map((w) => JSON.stringify(w))].join(' '));
}

describe('parseServerArgs', () => {
  it('takes an optional config file first, then --directive values', () => {
    const parsed = parseServerArgs(['redis.conf', '--port', '7000', '--cluster-enabled', 'yes']);
    expect(parsed).toEqual({
      kind: 'run',
      configFile: 'redis.conf',
      options: [
        { name: 'port', words: ['7000'], where: { option: '--port' } },
        { name: 'cluster-enabled', words: ['yes'], where: { option: '--cluster-enabled' } },
      ],
    });
    expect(parseServerArgs([])).toEqual({ kind: 'run', configFile: null, options: [] });
  });

  it('keeps every word up to the next --option, including ones starting with a dash', () => {
    expect(directives(['--bind', '127.0.0.1', '-::1', '--save', '900', '1', '--SAVE', '300 10'])).toEqual([
      'bind "127.0.0.1" "-::1"',
      'save "900" "1"',
      'save "300 10"',
    ]);
  });

  it('reads "--name value" given as one argument', () => {
    expect(directives(['--port 7000', 'extra'])).toEqual(['port "7000" "extra"']);
    expect(directives(['--save "" '])).toEqual(['save ""']);
  });

  it('treats a bare --save as save ""', () => {
    expect(directives(['--save', '--port', '1'])).toEqual(['save ""', 'port "1"']);
    expect(directives(['--port', '1', '--save'])).toEqual(['port "1"', 'save ""']);
    expect(directives(['--save', ''])).toEqual(['save ""']);
  });

  it('gives a bare --name the next word as its value even when it starts with --', () => {
    expect(directives(['--requirepass', '--secret', '--port', '1'])).toEqual(['requirepass "--secret"', 'port "1"']);
    expect(directives(['--port'])).toEqual(['port']);
  });

  it('answers --version and --help only as the first argument', () => {
    expect(parseServerArgs(['-v'])).toEqual({ kind: 'version' });
    expect(parseServerArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseServerArgs(['-h'])).toEqual({ kind: 'help' });
    expect(directives(['--port', '1', '--help'])).toEqual(['port "1"', 'help']);
  });

  it('rejects what redis-sim cannot do, with a hint', () => {
    for (const args of [['-'], ['a.conf', '-'], ['--test-memory', '10'], ['a.conf', 'b'], ['--']]) {
      expect(() => parseServerArgs(args), args.join(' ')).toThrow(CliError);
    }
  });

  it('never loses a value word (property)', () => {
    const word = fc.stringMatching(/^[a-z0-9:. ]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z-]{0,8}$/), fc.array(word, { minLength: 1, maxLength: 3 })), {
          maxLength: 5,
        }),
        (opts) => {
          const args = opts.flatMap(([name, words]) => [`--${name}`, ...words]);
          const parsed = parseServerArgs(args);
          if (parsed.kind !== 'run') throw new Error('not a run');
          expect(parsed.options.map((d) => [d.name, d.words])).toEqual(opts.map(([n, w]) => [n, w]));
        },
      ),
    );
  });
});
