// How redis-cli 7.0 prints a reply, byte for byte: the standard (TTY) form with `(integer) 1`, `1) "a"` and nested
// indentation (cliFormatReplyTTY), the raw form used when standard output is not a terminal (cliFormatReplyRaw) and
// the `--csv` form (cliFormatReplyCSV). Strings are latin1 JS strings, one char per byte.

import type { Reply } from '../protocol/reply.js';

/** redis-cli's output modes (config.output). */
export type CliOutput = 'standard' | 'raw' | 'csv';

/**
 * A reply as redis-cli prints it after one command (cliFormatReply): `rawStrings` is redis-cli's verbatim case for
 * INFO, CLUSTER NODES and the like, printed raw whatever the mode and with no delimiter after it.
 */
export function formatCliReply(reply: Reply, output: CliOutput, rawStrings: boolean): string {
  if (rawStrings) return formatRaw(reply);
  if (output === 'standard') return formatTty(reply, '');
  if (output === 'raw') return formatRaw(reply) + '\n';
  return formatCsv(reply) + '\n';
}

/** A string quoted and escaped as Redis's sdscatrepr does. */
export function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += c >= 0x20 && c <= 0x7e ? s[i] : `\\x${c.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

/** The standard form (cliFormatReplyTTY); `prefix` is the indentation of nested aggregates. */
export function formatTty(reply: Reply, prefix: string): string {
  switch (reply.t) {
    case 'error':
      return `(error) ${reply.s}\n`;
    case 'simple':
      return `${reply.s}\n`;
    case 'int':
      return `(integer) ${String(reply.n)}\n`;
    case 'double':
      return `(double) ${_doubleText(reply)}\n`;
    case 'bulk':
      return `${repr(reply.s)}\n`;
    case 'verbatim':
      return `${reply.s}\n`;
    case 'nil':
    case 'nilarray':
      return '(nil)\n';
    case 'bool':
      return reply.b ? '(true)\n' : '(false)\n';
    case 'array':
    case 'set':
    case 'push':
    case 'map':
      return _formatTtyAggregate(reply.t, reply.items, prefix);
    default:
      throw new Error(`redis-cli cannot print a ${reply.t} reply`);
  }
}

/** The raw form (cliFormatReplyRaw): strings as they are, aggregates one element per line. */
export function formatRaw(reply: Reply): string {
  switch (reply.t) {
    case 'nil':
    case 'nilarray':
      return '';
    case 'error':
      return `${reply.s}\n`;
    case 'simple':
    case 'bulk':
    case 'verbatim':
      return reply.s;
    case 'bool':
      return reply.b ? '(true)' : '(false)';
    case 'int':
      return String(reply.n);
    case 'double':
      return _doubleText(reply);
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map(formatRaw).join('\n');
    case 'map': {
      const pairs: string[] = [];
      for (let i = 0; i < reply.items.length; i += 2) {
        pairs.push(`${formatRaw(reply.items[i]!)} ${formatRaw(reply.items[i + 1]!)}`);
      }
      return pairs.join('\n');
    }
    default:
      throw new Error(`redis-cli cannot print a ${reply.t} reply`);
  }
}

/** The `--csv` form (cliFormatReplyCSV): one line, aggregates flattened with commas. */
export function formatCsv(reply: Reply): string {
  switch (reply.t) {
    case 'error':
      return `ERROR,${repr(reply.s)}`;
    case 'simple':
    case 'bulk':
    case 'verbatim':
      return repr(reply.s);
    case 'int':
      return String(reply.n);
    case 'double':
      return _doubleText(reply);
    case 'nil':
    case 'nilarray':
      return 'NULL';
    case 'bool':
      return reply.b ? 'true' : 'false';
    case 'array':
    case 'set':
    case 'push':
    case 'map':
      return reply.items.map(formatCsv).join(',');
    default:
      throw new Error(`redis-cli cannot print a ${reply.t} reply`);
  }
}

// --- internal ---

/** A double as the server wrote it (hiredis keeps the text). */
function _doubleText(reply: { n: number; text?: string }): string {
  return reply.text ?? String(reply.n);
}

/** Whether the standard form spreads a reply over several lines (cliIsMultilineValueTTY). */
function _isMultiline(reply: Reply): boolean {
  switch (reply.t) {
    case 'array':
    case 'set':
    case 'push':
      if (reply.items.length === 0) return false;
      return reply.items.length > 1 || _isMultiline(reply.items[0]!);
    case 'map':
      if (reply.items.length === 0) return false;
      return reply.items.length > 2 || _isMultiline(reply.items[1]!);
    default:
      return false;
  }
}

/** An aggregate in the standard form: `1) …` (`1~` for sets, `1#` for maps with `=>`), nested ones indented. */
function _formatTtyAggregate(type: 'array' | 'set' | 'push' | 'map', items: readonly Reply[], prefix: string): string {
  if (items.length === 0) {
    const empty = { array: 'array', map: 'hash', set: 'set', push: 'push' }[type];
    return `(empty ${empty})\n`;
  }
  const count = type === 'map' ? items.length / 2 : items.length;
  const width = String(count).length;
  const childPrefix = prefix + ' '.repeat(width + 2);
  const separator = type === 'set' ? '~' : type === 'map' ? '#' : ')';
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const index = (type === 'map' ? i / 2 : i) + 1;
    // The first entry's prefix is already written by the caller, before its own index.
    out += `${i === 0 ? '' : prefix}${String(index).padStart(width)}${separator} `;
    out += formatTty(items[i]!, childPrefix);
    if (type === 'map') {
      i++;
      out = out.slice(0, -1) + ' => ';
      const value = items[i]!;
      if (_isMultiline(value)) out += '\n' + childPrefix;
      out += formatTty(value, childPrefix);
    }
  }
  return out;
}
