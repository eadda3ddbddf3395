// The directives redis-sim knows: every entry of Redis 7.0.15's standardConfig table (config.c), with the same names,
// aliases, defaults, bounds, flags and error texts. Values are kept as the canonical string CONFIG GET prints; each
// definition also knows how CONFIG REWRITE writes it back. Most directives are stored and reported only; the node
// reads the ones it implements through Config.get.

import { formatKeyspaceEvents, parseKeyspaceEvents } from './keyspace-events.js';
import { parseDouble, parseInt64 } from './args.js';
import { ConfigError } from './config-error.js';

/** What a definition's parser may consult besides its own words. */
export interface ConfigContext {
  /** Whether the words come from a config file / command line (`file`) or from CONFIG SET (`runtime`). */
  readonly source: 'file' | 'runtime';
  /** A later `save` line of the same config file: it adds to the earlier ones instead of replacing them. */
  readonly accumulate: boolean;
  /** The current value of any directive. */
  get(name: string): string;
  /** Resolves a `dir` value to the absolute directory it names (chdir); throws ConfigError when it cannot. */
  resolveDir(path: string): string;
}

/** One line CONFIG REWRITE wants in the file; `force` appends it even when the file never mentioned the option. */
export interface RewriteLine {
  readonly line: string;
  readonly force: boolean;
}

/** One directive. */
export interface ConfigDefinition {
  readonly name: string;
  readonly alias?: string;
  /** The value CONFIG GET prints before anything sets it. */
  readonly defaultValue: string;
  /** Only settable from the config file or command line (IMMUTABLE_CONFIG). */
  readonly immutable?: boolean;
  /** CONFIG SET needs `enable-protected-configs` (PROTECTED_CONFIG). */
  readonly protected?: boolean;
  /** Left out of CONFIG GET patterns; only an exact name finds it (HIDDEN_CONFIG). */
  readonly hidden?: boolean;
  /** Takes several words (MULTI_ARG_CONFIG): CONFIG SET splits its value at spaces. */
  readonly multiArg?: boolean;
  /** Turns argument words into the canonical value, or throws ConfigError with Redis's reason. */
  parse(words: readonly string[], ctx: ConfigContext): string;
  /** The lines CONFIG REWRITE writes for `value`; none means "drop the option's lines from the file". */
  rewrite(value: string, get: (name: string) => string): readonly RewriteLine[];
}

/** Quotes a string the way sdscatrepr does, so redis.conf parsing reads it back byte for byte. */
export function reprQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const escaped = _REPR_ESCAPES[c];
    if (escaped !== undefined) out += escaped;
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** Formats bytes the way redis.conf likes them: `1gb`, `64mb`, `512kb` when exact (rewriteConfigFormatMemory). */
export function formatMemory(bytes: bigint): string {
  if (bytes !== 0n && bytes % _GB === 0n) return `${bytes / _GB}gb`;
  if (bytes !== 0n && bytes % _MB === 0n) return `${bytes / _MB}mb`;
  if (bytes !== 0n && bytes % _KB === 0n) return `${bytes / _KB}kb`;
  return String(bytes);
}

// --- internal ---

const _KB = 1024n;
const _MB = 1024n * 1024n;
const _GB = 1024n * 1024n * 1024n;
const _INT_MIN = -(2n ** 31n);
const _INT_MAX = 2n ** 31n - 1n;
const _UINT_MAX = 2n ** 32n - 1n;
const _LLONG_MIN = -(2n ** 63n);
const _LLONG_MAX = 2n ** 63n - 1n;
const _ULLONG_MAX = 2n ** 64n - 1n;

const _REPR_ESCAPES: Record<number, string> = {
  0x5c: '\\\\',
  0x22: '\\"',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x07: '\\a',
  0x08: '\\b',
};

/** Options shared by every kind of definition. */
interface _Opts {
  alias?: string;
  immutable?: boolean;
  protected?: boolean;
  hidden?: boolean;
  /** An is_valid_fn: returns Redis's error text for a value it refuses. */
  check?: (value: string, ctx: ConfigContext) => string | null;
}

/** Options of numeric definitions: how the text is read (numericParseString) and bounds are checked. */
interface _NumOpts extends _Opts {
  /** Compares bounds as unsigned (uint, unsigned long long and size_t configs). */
  unsigned?: boolean;
  memory?: boolean;
  percent?: boolean;
  octal?: boolean;
  /** Silently brings the value into this range after the bounds check (hz's updateHZ). */
  clamp?: readonly [bigint, bigint];
}

const IMMUTABLE: _Opts = { immutable: true };
const HIDDEN: _Opts = { hidden: true };

function _fail(name: string, message: string): never {
  throw new ConfigError(name, message);
}

function _def(
  name: string,
  defaultValue: string,
  opts: _Opts,
  parse: ConfigDefinition['parse'],
  rewrite: ConfigDefinition['rewrite'],
  multiArg = false,
): ConfigDefinition {
  const check = opts.check;
  return {
    name,
    ...(opts.alias !== undefined ? { alias: opts.alias } : {}),
    defaultValue,
    immutable: opts.immutable === true,
    protected: opts.protected === true,
    hidden: opts.hidden === true,
    multiArg,
    parse:
      check === undefined
        ? parse
        : (words, ctx) => {
            const value = parse(words, ctx);
            const err = check(value, ctx);
            if (err !== null) _fail(name, err);
            return value;
          },
    rewrite,
  };
}

/** A rewrite line forced when the value differs from the default. */
function _line(name: string, text: string, value: string, defaultValue: string): RewriteLine[] {
  return [{ line: `${name} ${text}`, force: value !== defaultValue }];
}

function _bool(name: string, defaultValue: 'yes' | 'no', opts: _Opts = {}): ConfigDefinition {
  return _def(
    name,
    defaultValue,
    opts,
    (words) => {
      const v = words[0]!.toLowerCase();
      return v === 'yes' || v === 'no' ? v : _fail(name, "argument must be 'yes' or 'no'");
    },
    (value) => _line(name, value, value, defaultValue),
  );
}

/**
 * A string directive. `nullable` ones (EMPTY_STRING_IS_NULL) treat "" as unset: CONFIG REWRITE then drops their
 * lines; a null default (`defaultValue` undefined) makes every set value count as changed.
 */
function _string(
  name: string,
  defaultValue: string | null,
  opts: _Opts & { nullable?: boolean } = {},
): ConfigDefinition {
  return _def(
    name,
    defaultValue ?? '',
    opts,
    (words) => words[0]!,
    (value) => {
      if (opts.nullable === true && value === '') return [];
      return [{ line: `${name} ${reprQuote(value)}`, force: defaultValue === null || value !== defaultValue }];
    },
  );
}

/** An enum; `values` pairs names with numbers because some names are synonyms (oom-score-adj `relative` = `yes`). */
function _enum(
  name: string,
  values: readonly (readonly [string, number])[],
  defaultValue: number,
  opts: _Opts = {},
): ConfigDefinition {
  const nameOf = (v: number) => values.find(([, n]) => n === v)?.[0] ?? 'unknown';
  const defaultName = nameOf(defaultValue);
  return _def(
    name,
    defaultName,
    opts,
    (words) => {
      const found = words.length === 1 ? values.find(([n]) => n === words[0]!.toLowerCase()) : undefined;
      return found === undefined ? _fail(name, _enumError(values)) : nameOf(found[1]);
    },
    (value) => _line(name, value, value, defaultName),
  );
}

/** A bit-flag enum taking several words (shutdown-on-sigint); configEnumGetName spells the combination. */
function _flagsEnum(name: string, values: readonly (readonly [string, number])[], opts: _Opts = {}): ConfigDefinition {
  const spell = (flags: number): string => {
    const exact = values.find(([, n]) => n === flags);
    if (exact !== undefined) return exact[0];
    const names = values.filter(([, n]) => n !== 0 && (flags & n) === n).map(([s]) => s);
    return names.length === 0 ? 'unknown' : names.join(' ');
  };
  return _def(
    name,
    spell(0),
    opts,
    (words) => {
      let flags = 0;
      for (const w of words) {
        const found = values.find(([n]) => n === w.toLowerCase());
        if (found === undefined) _fail(name, _enumError(values));
        flags |= found[1];
      }
      return words.length === 0 ? _fail(name, _enumError(values)) : spell(flags);
    },
    (value) => _line(name, value, value, spell(0)),
    true,
  );
}

function _enumError(values: readonly (readonly [string, number])[]): string {
  return `argument(s) must be one of the following: ${values.map(([n]) => n).join(', ')}`.slice(0, 255);
}

/** A numeric directive; the value is checked with Redis's parse order and bound rules (numericConfigSet). */
function _num(name: string, defaultValue: bigint, min: bigint, max: bigint, opts: _NumOpts = {}): ConfigDefinition {
  const show = (v: bigint): string => {
    if (opts.percent === true && v < 0n) return `${-v}%`;
    if (opts.memory === true) return String(BigInt.asUintN(64, v));
    if (opts.octal === true) return BigInt.asUintN(64, v).toString(8);
    return String(v);
  };
  const raw = (value: string): bigint => {
    if (value.endsWith('%')) return -BigInt(value.slice(0, -1));
    if (opts.octal === true) return BigInt(`0o${value}`);
    return BigInt.asIntN(64, BigInt(value));
  };
  return _def(
    name,
    show(defaultValue),
    opts,
    (words) => {
      let v = _parseNumber(name, words[0]!, opts);
      _checkBounds(name, v, min, max, opts);
      if (opts.clamp !== undefined) v = v < opts.clamp[0] ? opts.clamp[0] : v > opts.clamp[1] ? opts.clamp[1] : v;
      return show(v);
    },
    (value) => {
      const v = raw(value);
      let text: string;
      if (opts.percent === true && v < 0n) text = `${-v}%`;
      else if (opts.memory === true) text = formatMemory(v);
      else if (opts.octal === true) text = BigInt.asUintN(64, v).toString(8);
      else text = String(v);
      return [{ line: `${name} ${text}`, force: v !== defaultValue }];
    },
  );
}

function _int(name: string, defaultValue: number, min: bigint, max: bigint, opts: _NumOpts = {}): ConfigDefinition {
  return _num(name, BigInt(defaultValue), min, max, opts);
}

function _mem(name: string, defaultValue: number, min: bigint, max: bigint, opts: _NumOpts = {}): ConfigDefinition {
  return _num(name, BigInt(defaultValue), min, max, { ...opts, memory: true });
}

/** numericParseString: memory units, then percent, then octal, then a plain integer; the error names what failed. */
function _parseNumber(name: string, s: string, opts: _NumOpts): bigint {
  if (opts.memory === true) {
    const v = _memtoull(s);
    if (v !== null) return BigInt.asIntN(64, v);
  }
  if (opts.percent === true && s.length > 1 && s.endsWith('%')) {
    const v = parseInt64(s.slice(0, -1));
    if (v !== null && v >= 0n) return -v;
  }
  if (opts.octal === true) {
    const v = _strtoll(s, 8);
    if (v !== null) return v;
  }
  if (opts.memory !== true && opts.percent !== true && opts.octal !== true) {
    const v = parseInt64(s);
    if (v !== null) return v;
  }
  if (opts.memory === true && opts.percent === true) _fail(name, 'argument must be a memory or percent value');
  if (opts.memory === true) _fail(name, 'argument must be a memory value');
  if (opts.octal === true) _fail(name, "argument couldn't be parsed as an octal number");
  return _fail(name, "argument couldn't be parsed into an integer");
}

/** numericBoundaryCheck: unsigned types compare as unsigned; percent values (negative) only against the lower bound. */
function _checkBounds(name: string, v: bigint, min: bigint, max: bigint, opts: _NumOpts): void {
  if (opts.unsigned === true) {
    const u = BigInt.asUintN(64, v);
    if (u > max || u < min) {
      const [lo, hi] = opts.octal === true ? [min.toString(8), max.toString(8)] : [String(min), String(max)];
      _fail(name, `argument must be between ${lo} and ${hi} inclusive`);
    }
  } else if (opts.percent === true && v < 0n) {
    if (v < min) _fail(name, `percentage argument must be less or equal to ${-min}`);
  } else if (v > max || v < min) {
    _fail(name, `argument must be between ${min} and ${max} inclusive`);
  }
}

/** memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb; any case); wraps like the C original. */
function _memtoull(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  const mul = _UNITS[s.slice(i).toLowerCase()];
  if (mul === undefined || i >= 128) return null;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > _ULLONG_MAX) v = _ULLONG_MAX;
  return BigInt.asUintN(64, v * mul);
}

const _UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: _KB,
  m: 1000000n,
  mb: _MB,
  g: 1000000000n,
  gb: _GB,
};

/** strtoll with an end-of-string check: leading spaces and a sign allowed, "" reads as 0, overflow saturates. */
function _strtoll(s: string, base: 8 | 10 = 10): bigint | null {
  if (s === '') return 0n;
  const m = (base === 8 ? /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/ : /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/).exec(s);
  if (m === null) return null;
  const magnitude = base === 8 ? BigInt(`0o${m[2]!}`) : BigInt(m[2]!);
  const v = m[1] === '-' ? -magnitude : magnitude;
  if (base === 8 && (v > _LLONG_MAX || v < _LLONG_MIN)) return null;
  return v > _LLONG_MAX ? _LLONG_MAX : v < _LLONG_MIN ? _LLONG_MIN : v;
}

function _isBaseName(path: string): boolean {
  return !path.includes('/') && !path.includes('\\');
}

/** validateProcTitleTemplate: every `{var}` known and the expansion (with an empty title) not blank. */
function _procTitleError(template: string, ctx: ConfigContext): string | null {
  const invalid = 'template format is invalid or contains unknown variables';
  let out = '';
  let p = 0;
  while (p < template.length) {
    const open = template.indexOf('{', p);
    if (open === -1) {
      out += template.slice(p);
      break;
    }
    out += template.slice(p, open);
    if (open + 1 >= template.length) return invalid;
    if (template[open + 1] === '{') {
      out += '{';
      p = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close === -1) return invalid;
    const variable = template.slice(open + 1, close);
    const cluster = ctx.get('cluster-enabled') === 'yes';
    const values: Record<string, string> = {
      title: '',
      'listen-addr': `${ctx.get('bind').split(' ')[0] || '*'}:${ctx.get('port')}`,
      'server-mode': cluster ? '[cluster]' : '',
      'config-file': '-',
      port: ctx.get('port'),
      'tls-port': ctx.get('tls-port'),
      unixsocket: ctx.get('unixsocket'),
    };
    const value = values[variable];
    if (value === undefined) return invalid;
    out += value;
    p = close + 1;
  }
  return out.replace(/^ +| +$/g, '') === '' ? invalid : null;
}

/** isValidAnnouncedHostname. */
function _hostnameError(value: string): string | null {
  if (value.length >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(value) ? null : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** TLS needs certificates redis-sim never loads, so turning it on fails the way Redis's applyTlsCfg does without them. */
function _tlsCheck(off: string): (value: string, ctx: ConfigContext) => string | null {
  return (value, ctx) =>
    value === off
      ? null
      : ctx.source === 'runtime'
        ? 'Unable to update TLS configuration. Check server logs.'
        : 'TLS is not supported by redis-sim';
}

// --- special directives (createSpecialConfig) ---

function _dir(): ConfigDefinition {
  return _def(
    'dir',
    '',
    { protected: true },
    (words, ctx) => ctx.resolveDir(words[0]!),
    (value) => [{ line: `dir ${reprQuote(value)}`, force: true }],
  );
}

function _save(): ConfigDefinition {
  return _def(
    'save',
    '3600 1 300 100 60 10000',
    {},
    (words, ctx) => {
      const args = words.length === 1 && words[0] === '' ? [] : words;
      if (args.length % 2 !== 0) _fail('save', 'Invalid save parameters');
      const parts: string[] = [];
      for (let j = 0; j < args.length; j++) {
        const v = _strtoll(args[j]!);
        if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) _fail('save', 'Invalid save parameters');
        parts.push(String(j % 2 === 0 ? v : BigInt.asIntN(32, v)));
      }
      const value = parts.join(' ');
      const previous = ctx.get('save');
      return ctx.accumulate && args.length > 0 && previous !== '' ? `${previous} ${value}` : value;
    },
    (value) => {
      if (value === '') return [{ line: 'save ""', force: true }];
      const parts = value.split(' ');
      const lines: RewriteLine[] = [];
      for (let j = 0; j < parts.length; j += 2) lines.push({ line: `save ${parts[j]} ${parts[j + 1]}`, force: true });
      return lines;
    },
    true,
  );
}

const _OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
const _OBUF_DEFAULTS = ['0 0 0', '268435456 67108864 60', '33554432 8388608 60'];

function _clientOutputBufferLimit(): ConfigDefinition {
  const name = 'client-output-buffer-limit';
  const byClass = (value: string): string[][] => {
    const w = value.split(' ');
    return _OBUF_CLASSES.map((_, i) => w.slice(i * 4 + 1, i * 4 + 4));
  };
  return _def(
    name,
    _OBUF_CLASSES.map((c, i) => `${c} ${_OBUF_DEFAULTS[i]}`).join(' '),
    {},
    (words, ctx) => {
      if (words.length % 4 !== 0) _fail(name, 'Wrong number of arguments in buffer limit configuration.');
      const limits = byClass(ctx.get(name));
      for (let j = 0; j < words.length; j += 4) {
        const cls = words[j]!.toLowerCase();
        const index = cls === 'normal' ? 0 : cls === 'slave' || cls === 'replica' ? 1 : cls === 'pubsub' ? 2 : -1;
        if (index === -1) _fail(name, 'Invalid client class specified in buffer limit configuration.');
        const hard = _memtoull(words[j + 1]!);
        const soft = _memtoull(words[j + 2]!);
        const seconds = _strtoll(words[j + 3]!);
        if (hard === null || soft === null || seconds === null || BigInt.asIntN(32, seconds) < 0n) {
          _fail(name, 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
        }
        limits[index] = [String(hard), String(soft), String(BigInt.asIntN(32, seconds))];
      }
      return _OBUF_CLASSES.map((c, i) => `${c} ${limits[i]!.join(' ')}`).join(' ');
    },
    (value) =>
      byClass(value).map(([hard, soft, seconds], i) => ({
        line: `${name} ${i === 1 ? 'replica' : _OBUF_CLASSES[i]} ${formatMemory(BigInt.asIntN(64, BigInt(hard!)))} ${formatMemory(BigInt.asIntN(64, BigInt(soft!)))} ${seconds}`,
        force: `${hard} ${soft} ${seconds}` !== _OBUF_DEFAULTS[i],
      })),
    true,
  );
}

function _oomScoreAdjValues(): ConfigDefinition {
  const name = 'oom-score-adj-values';
  return _def(
    name,
    '0 200 800',
    {},
    (words) => {
      if (words.length !== 3) _fail(name, 'wrong number of arguments');
      return words
        .map((w) => {
          const v = _strtoll(w);
          if (v === null || v < -2000n || v > 2000n)
            _fail(name, 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
          return String(v);
        })
        .join(' ');
    },
    (value) => _line(name, value, value, '0 200 800'),
    true,
  );
}

function _notifyKeyspaceEvents(): ConfigDefinition {
  const name = 'notify-keyspace-events';
  return _def(
    name,
    '',
    {},
    (words) => {
      const flags = parseKeyspaceEvents(words[0]!);
      return flags === null
        ? _fail(name, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
        : formatKeyspaceEvents(flags);
    },
    (value) => [{ line: `${name} ${reprQuote(value)}`, force: value !== '' }],
  );
}

/**
 * redis-sim listens on loopback only unless told otherwise, unlike redis-server's `* -::*` (CONFIG_DEFAULT_BINDADDR).
 * CONFIG REWRITE drops a bind equal to this default, so a rewritten file restarts redis-sim with the same addresses.
 */
const _DEFAULT_BIND = '127.0.0.1 -::1';

function _bind(): ConfigDefinition {
  return _def(
    'bind',
    _DEFAULT_BIND,
    {},
    (words) => {
      if (words.length > 16) _fail('bind', 'Too many bind addresses specified.');
      return words.length === 1 && words[0] === '' ? '' : words.join(' ');
    },
    (value) => (value === _DEFAULT_BIND ? [] : [{ line: `bind ${value === '' ? '""' : value}`, force: true }]),
    true,
  );
}

function _replicaof(): ConfigDefinition {
  return _def(
    'replicaof',
    '',
    { alias: 'slaveof', immutable: true },
    (words) => {
      if (words.length !== 2) _fail('replicaof', 'wrong number of arguments');
      if (words[0]!.toLowerCase() === 'no' && words[1]!.toLowerCase() === 'one') return '';
      const port = _strtoll(words[1]!);
      if (port === null || port < 0n || port > 65535n) _fail('replicaof', 'Invalid master port');
      return `${words[0]} ${port}`;
    },
    (value, get) =>
      value === '' || get('cluster-enabled') === 'yes' ? [] : [{ line: `replicaof ${value}`, force: true }],
    true,
  );
}

function _latencyPercentiles(): ConfigDefinition {
  const name = 'latency-tracking-info-percentiles';
  const show = (p: number) => p.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return _def(
    name,
    '50 99 99.9',
    {},
    (words) => {
      const args = words.length === 1 && words[0] === '' ? [] : words;
      return args
        .map((w) => {
          const p = parseDouble(w);
          if (p === null) _fail(name, 'Invalid latency-tracking-info-percentiles parameters');
          if (p > 100 || p < 0)
            _fail(name, 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
          return show(p);
        })
        .join(' ');
    },
    (value) => [{ line: `${name} ${value === '' ? '""' : value}`, force: true }],
    true,
  );
}

const _PROTECTED_ACTION = [
  ['no', 0],
  ['yes', 1],
  ['local', 2],
] as const;
const _SHUTDOWN_FLAGS = [
  ['default', 0],
  ['save', 1],
  ['nosave', 2],
  ['now', 4],
  ['force', 8],
] as const;

function _shutdownFlagsCheck(value: string): string | null {
  const words = value.split(' ');
  return words.includes('save') && words.includes('nosave')
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;
}

function _enumList(...names: string[]): (readonly [string, number])[] {
  return names.map((n, i) => [n, i] as const);
}

/** Every directive, in config.c's table order (CONFIG REWRITE appends new lines in this order). */
export const CONFIG_DEFINITIONS: readonly ConfigDefinition[] = [
  _bool('rdbchecksum', 'yes', IMMUTABLE),
  _bool('daemonize', 'no', IMMUTABLE),
  _bool('io-threads-do-reads', 'no', IMMUTABLE),
  _bool('always-show-logo', 'no', IMMUTABLE),
  _bool('protected-mode', 'yes'),
  _bool('rdbcompression', 'yes'),
  _bool('rdb-del-sync-files', 'no'),
  _bool('activerehashing', 'yes'),
  _bool('stop-writes-on-bgsave-error', 'yes'),
  _bool('set-proc-title', 'yes', IMMUTABLE),
  _bool('dynamic-hz', 'yes'),
  _bool('lazyfree-lazy-eviction', 'no'),
  _bool('lazyfree-lazy-expire', 'no'),
  _bool('lazyfree-lazy-server-del', 'no'),
  _bool('lazyfree-lazy-user-del', 'no'),
  _bool('lazyfree-lazy-user-flush', 'no'),
  _bool('repl-disable-tcp-nodelay', 'no'),
  _bool('repl-diskless-sync', 'yes'),
  _bool('aof-rewrite-incremental-fsync', 'yes'),
  _bool('no-appendfsync-on-rewrite', 'no'),
  _bool('cluster-require-full-coverage', 'yes'),
  _bool('rdb-save-incremental-fsync', 'yes'),
  _bool('aof-load-truncated', 'yes'),
  _bool('aof-use-rdb-preamble', 'yes'),
  _bool('aof-timestamp-enabled', 'no'),
  _bool('cluster-replica-no-failover', 'no', { alias: 'cluster-slave-no-failover' }),
  _bool('replica-lazy-flush', 'no', { alias: 'slave-lazy-flush' }),
  _bool('replica-serve-stale-data', 'yes', { alias: 'slave-serve-stale-data' }),
  _bool('replica-read-only', 'yes', { alias: 'slave-read-only' }),
  _bool('replica-ignore-maxmemory', 'yes', { alias: 'slave-ignore-maxmemory' }),
  _bool('jemalloc-bg-thread', 'yes'),
  // Debian's build has no defragmenting allocator, so Redis refuses `activedefrag yes` with this text.
  _bool('activedefrag', 'no', {
    check: (v) =>
      v === 'yes'
        ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
        : null,
  }),
  _bool('syslog-enabled', 'no', IMMUTABLE),
  _bool('cluster-enabled', 'no', IMMUTABLE),
  _bool('appendonly', 'no'),
  _bool('cluster-allow-reads-when-down', 'no'),
  _bool('cluster-allow-pubsubshard-when-down', 'yes'),
  _bool('crash-log-enabled', 'yes'),
  _bool('crash-memcheck-enabled', 'yes'),
  _bool('use-exit-on-panic', 'no', HIDDEN),
  _bool('disable-thp', 'yes', IMMUTABLE),
  _bool('cluster-allow-replica-migration', 'yes'),
  _bool('replica-announced', 'yes'),
  _bool('latency-tracking', 'yes'),
  _bool('aof-disable-auto-gc', 'no'),
  _bool('replica-ignore-disk-write-errors', 'no'),

  _string('aclfile', '', IMMUTABLE),
  _string('unixsocket', null, { ...IMMUTABLE, nullable: true }),
  _string('pidfile', null, { ...IMMUTABLE, nullable: true }),
  _string('replica-announce-ip', null, { alias: 'slave-announce-ip', nullable: true }),
  _string('masteruser', null, { nullable: true }),
  _string('cluster-announce-ip', null, { nullable: true }),
  _string('cluster-config-file', 'nodes.conf', IMMUTABLE),
  _string('cluster-announce-hostname', null, { nullable: true, check: _hostnameError }),
  _string('syslog-ident', 'redis', IMMUTABLE),
  _string('dbfilename', 'dump.rdb', {
    protected: true,
    check: (v) => (_isBaseName(v) ? null : "dbfilename can't be a path, just a filename"),
  }),
  _string('appendfilename', 'appendonly.aof', {
    ...IMMUTABLE,
    check: (v) =>
      v === ''
        ? "appendfilename can't be empty"
        : _isBaseName(v)
          ? null
          : "appendfilename can't be a path, just a filename",
  }),
  _string('appenddirname', 'appendonlydir', {
    ...IMMUTABLE,
    check: (v) =>
      v === ''
        ? "appenddirname can't be empty"
        : _isBaseName(v)
          ? null
          : "appenddirname can't be a path, just a dirname",
  }),
  _string('server_cpulist', null, { ...IMMUTABLE, nullable: true }),
  _string('bio_cpulist', null, { ...IMMUTABLE, nullable: true }),
  _string('aof_rewrite_cpulist', null, { ...IMMUTABLE, nullable: true }),
  _string('bgsave_cpulist', null, { ...IMMUTABLE, nullable: true }),
  _string('ignore-warnings', ''),
  _string('proc-title-template', '{title} {listen-addr} {server-mode}', { check: _procTitleError }),
  _string('bind-source-addr', null, { nullable: true }),
  _string('logfile', '', IMMUTABLE),
  _string('masterauth', null, { nullable: true }),
  _string('requirepass', null, { nullable: true }),

  _enum(
    'supervised',
    [
      ['upstart', 1],
      ['systemd', 2],
      ['auto', 3],
      ['no', 0],
    ],
    0,
    IMMUTABLE,
  ),
  _enum(
    'syslog-facility',
    _enumList('user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'),
    1,
    IMMUTABLE,
  ),
  _enum('repl-diskless-load', _enumList('disabled', 'on-empty-db', 'swapdb'), 0),
  _enum('loglevel', _enumList('debug', 'verbose', 'notice', 'warning'), 2),
  _enum(
    'maxmemory-policy',
    _enumList(
      'volatile-lru',
      'volatile-lfu',
      'volatile-random',
      'volatile-ttl',
      'allkeys-lru',
      'allkeys-lfu',
      'allkeys-random',
      'noeviction',
    ),
    7,
  ),
  _enum('appendfsync', _enumList('everysec', 'always', 'no'), 0),
  _enum(
    'oom-score-adj',
    [
      ['no', 0],
      ['yes', 1],
      ['relative', 1],
      ['absolute', 2],
    ],
    0,
  ),
  _enum(
    'acl-pubsub-default',
    [
      ['allchannels', 8],
      ['resetchannels', 0],
    ],
    0,
  ),
  _enum('sanitize-dump-payload', _enumList('no', 'yes', 'clients'), 0),
  _enum('enable-protected-configs', _PROTECTED_ACTION, 0, IMMUTABLE),
  _enum('enable-debug-command', _PROTECTED_ACTION, 0, IMMUTABLE),
  _enum('enable-module-command', _PROTECTED_ACTION, 0, IMMUTABLE),
  _enum('cluster-preferred-endpoint-type', _enumList('ip', 'hostname', 'unknown-endpoint'), 0),
  _enum('propagation-error-behavior', _enumList('ignore', 'panic', 'panic-on-replicas'), 0),
  _flagsEnum('shutdown-on-sigint', _SHUTDOWN_FLAGS, { check: _shutdownFlagsCheck }),
  _flagsEnum('shutdown-on-sigterm', _SHUTDOWN_FLAGS, { check: _shutdownFlagsCheck }),

  _int('databases', 16, 1n, _INT_MAX, IMMUTABLE),
  _int('port', 6379, 0n, 65535n),
  _int('io-threads', 1, 1n, 128n, IMMUTABLE),
  _int('auto-aof-rewrite-percentage', 100, 0n, _INT_MAX),
  _int('cluster-replica-validity-factor', 10, 0n, _INT_MAX, { alias: 'cluster-slave-validity-factor' }),
  _int('list-max-listpack-size', -2, _INT_MIN, _INT_MAX, { alias: 'list-max-ziplist-size' }),
  _int('tcp-keepalive', 300, 0n, _INT_MAX),
  _int('cluster-migration-barrier', 1, 0n, _INT_MAX),
  _int('active-defrag-cycle-min', 1, 1n, 99n),
  _int('active-defrag-cycle-max', 25, 1n, 99n),
  _int('active-defrag-threshold-lower', 10, 0n, 1000n),
  _int('active-defrag-threshold-upper', 100, 0n, 1000n),
  _int('lfu-log-factor', 10, 0n, _INT_MAX),
  _int('lfu-decay-time', 1, 0n, _INT_MAX),
  _int('replica-priority', 100, 0n, _INT_MAX, { alias: 'slave-priority' }),
  _int('repl-diskless-sync-delay', 5, 0n, _INT_MAX),
  _int('maxmemory-samples', 5, 1n, _INT_MAX),
  _int('maxmemory-eviction-tenacity', 10, 0n, 100n),
  _int('timeout', 0, 0n, _INT_MAX),
  _int('replica-announce-port', 0, 0n, 65535n, { alias: 'slave-announce-port' }),
  _int('tcp-backlog', 511, 0n, _INT_MAX, IMMUTABLE),
  _int('cluster-port', 0, 0n, 65535n, IMMUTABLE),
  _int('cluster-announce-bus-port', 0, 0n, 65535n),
  _int('cluster-announce-port', 0, 0n, 65535n),
  _int('cluster-announce-tls-port', 0, 0n, 65535n),
  _int('repl-timeout', 60, 1n, _INT_MAX),
  _int('repl-ping-replica-period', 10, 1n, _INT_MAX, { alias: 'repl-ping-slave-period' }),
  _int('list-compress-depth', 0, 0n, _INT_MAX),
  _int('rdb-key-save-delay', 0, _INT_MIN, _INT_MAX, HIDDEN),
  _int('key-load-delay', 0, _INT_MIN, _INT_MAX, HIDDEN),
  _int('active-expire-effort', 1, 1n, 10n),
  // Out-of-range hz values are accepted and capped to 1..500 (updateHZ, and the same cap after loading the file).
  _int('hz', 10, 0n, _INT_MAX, { clamp: [1n, 500n] }),
  _int('min-replicas-to-write', 0, 0n, _INT_MAX, { alias: 'min-slaves-to-write' }),
  _int('min-replicas-max-lag', 10, 0n, _INT_MAX, { alias: 'min-slaves-max-lag' }),
  _int('watchdog-period', 0, 0n, _INT_MAX, HIDDEN),
  _int('shutdown-timeout', 10, 0n, _INT_MAX),
  _int('repl-diskless-sync-max-replicas', 0, 0n, _INT_MAX),
  _int('maxclients', 10000, 1n, _UINT_MAX, { unsigned: true }),
  _int('unixsocketperm', 0, 0n, 0o777n, { ...IMMUTABLE, unsigned: true, octal: true }),
  _int('socket-mark-id', 0, 0n, _UINT_MAX, { ...IMMUTABLE, unsigned: true }),
  _int('active-defrag-max-scan-fields', 1000, 1n, _LLONG_MAX),
  _int('slowlog-max-len', 128, 0n, _LLONG_MAX),
  _int('acllog-max-len', 128, 0n, _LLONG_MAX),
  _int('busy-reply-threshold', 5000, 0n, _LLONG_MAX, { alias: 'lua-time-limit' }),
  _int('cluster-node-timeout', 15000, 0n, _LLONG_MAX),
  _int('slowlog-log-slower-than', 10000, -1n, _LLONG_MAX),
  _int('latency-monitor-threshold', 0, 0n, _LLONG_MAX),
  _mem('proto-max-bulk-len', 512 * 1024 * 1024, _MB, _LLONG_MAX),
  _int('stream-node-max-entries', 100, 0n, _LLONG_MAX),
  _mem('repl-backlog-size', 1024 * 1024, 1n, _LLONG_MAX),
  _mem('maxmemory', 0, 0n, _ULLONG_MAX, { unsigned: true }),
  _mem('cluster-link-sendbuf-limit', 0, 0n, _ULLONG_MAX, { unsigned: true }),
  _int('hash-max-listpack-entries', 512, 0n, _LLONG_MAX, { alias: 'hash-max-ziplist-entries', unsigned: true }),
  _int('set-max-intset-entries', 512, 0n, _LLONG_MAX, { unsigned: true }),
  _int('zset-max-listpack-entries', 128, 0n, _LLONG_MAX, { alias: 'zset-max-ziplist-entries', unsigned: true }),
  _mem('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1n, _LLONG_MAX, { unsigned: true }),
  _mem('hash-max-listpack-value', 64, 0n, _LLONG_MAX, { alias: 'hash-max-ziplist-value', unsigned: true }),
  _mem('stream-node-max-bytes', 4096, 0n, _LLONG_MAX, { unsigned: true }),
  _mem('zset-max-listpack-value', 64, 0n, _LLONG_MAX, { alias: 'zset-max-ziplist-value', unsigned: true }),
  _mem('hll-sparse-max-bytes', 3000, 0n, _LLONG_MAX, { unsigned: true }),
  _int('tracking-table-max-keys', 1000000, 0n, _LLONG_MAX, { unsigned: true }),
  _mem('client-query-buffer-limit', 1024 * 1024 * 1024, _MB, _LLONG_MAX, { unsigned: true }),
  _mem('maxmemory-clients', 0, -100n, _LLONG_MAX, { percent: true }),
  _int('repl-backlog-ttl', 3600, 0n, _LLONG_MAX),
  _mem('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0n, _LLONG_MAX),
  _int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024n, _INT_MAX, HIDDEN),

  // Debian's redis-server is built with TLS, so its configs exist; redis-sim never serves TLS.
  _int('tls-port', 0, 0n, 65535n, { check: _tlsCheck('0') }),
  _int('tls-session-cache-size', 20 * 1024, 0n, _INT_MAX),
  _int('tls-session-cache-timeout', 300, 0n, _INT_MAX),
  _bool('tls-cluster', 'no', { check: _tlsCheck('no') }),
  _bool('tls-replication', 'no', { check: _tlsCheck('no') }),
  _enum('tls-auth-clients', _enumList('no', 'yes', 'optional'), 1),
  _bool('tls-prefer-server-ciphers', 'no'),
  _bool('tls-session-caching', 'yes'),
  ...[
    'tls-cert-file',
    'tls-key-file',
    'tls-key-file-pass',
    'tls-client-cert-file',
    'tls-client-key-file',
    'tls-client-key-file-pass',
    'tls-dh-params-file',
    'tls-ca-cert-file',
    'tls-ca-cert-dir',
    'tls-protocols',
    'tls-ciphers',
    'tls-ciphersuites',
  ].map((name) => _string(name, null, { nullable: true })),

  _dir(),
  _save(),
  _clientOutputBufferLimit(),
  _oomScoreAdjValues(),
  _notifyKeyspaceEvents(),
  _bind(),
  _replicaof(),
  _latencyPercentiles(),
];
