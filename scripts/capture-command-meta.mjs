#!/usr/bin/env node
// Captures factual command metadata (names, arities, flags, key specs, argument trees) from a private real
// redis-server over RESP2 and writes it to src/node/command-meta.json for redis-sim's command table.
// Free-text prose (summaries, complexity, history descriptions, key-spec notes) is deliberately not stored.
//
// Usage: node scripts/capture-command-meta.mjs [--redis-server /usr/bin/redis-server] [--out path] [--sentinel]
// With --sentinel it captures the command table of a sentinel-mode server (redis-sim's src/sentinel/ uses it):
// node scripts/capture-command-meta.mjs --sentinel --out src/sentinel/sentinel-command-meta.json

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(HERE, '..', 'src', 'node', 'command-meta.json');
const PRINT_WIDTH = 120; // matches .prettierrc.json so `prettier --check` accepts the generated file

// ---------------------------------------------------------------------------------------------------------
// Command-line options
// ---------------------------------------------------------------------------------------------------------

/** Parses `--redis-server` and `--out` from argv. */
function parseOptions(argv) {
  const options = { redisServer: '/usr/bin/redis-server', out: DEFAULT_OUT, sentinel: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--redis-server') options.redisServer = argv[++i];
    else if (arg === '--sentinel') options.sentinel = true;
    else if (arg === '--out') options.out = resolve(argv[++i]);
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// RESP2 reply parser producing tagged nodes:
//   { t: 'status', v: string } | { t: 'error', v: string } | { t: 'int', v: number }
//   { t: 'bulk', v: string }   | { t: 'array', v: node[] }  | { t: 'null' }
// ---------------------------------------------------------------------------------------------------------

/** Thrown internally when the buffer does not yet hold a complete reply. */
const INCOMPLETE = Symbol('incomplete');

/** Parses one reply starting at `pos`; returns [node, nextPos] or throws INCOMPLETE. */
function parseReply(buf, pos) {
  const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
  if (lineEnd < 0) throw INCOMPLETE;
  const kind = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, lineEnd);
  const after = lineEnd + 2;
  switch (kind) {
    case '+':
      return [{ t: 'status', v: line }, after];
    case '-':
      return [{ t: 'error', v: line }, after];
    case ':':
      return [{ t: 'int', v: Number(line) }, after];
    case '$': {
      const len = Number(line);
      if (len < 0) return [{ t: 'null' }, after];
      if (buf.length < after + len + 2) throw INCOMPLETE;
      return [{ t: 'bulk', v: buf.toString('utf8', after, after + len) }, after + len + 2];
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return [{ t: 'null' }, after];
      const items = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const [item, end] = parseReply(buf, next);
        items.push(item);
        next = end;
      }
      return [{ t: 'array', v: items }, next];
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(kind)} at offset ${pos}`);
  }
}

/** A minimal RESP2 client: one request in flight at a time. */
class RespClient {
  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.waiting = null;
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Sends a command as a RESP array of bulk strings and resolves with its tagged reply. */
  call(...args) {
    if (this.waiting) throw new Error('RespClient supports one request at a time');
    const parts = [`*${args.length}\r\n`];
    for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
    return new Promise((resolvePromise, rejectPromise) => {
      this.waiting = { resolve: resolvePromise, reject: rejectPromise };
      this.socket.write(parts.join(''));
    });
  }

  drain() {
    if (!this.waiting || this.buffer.length === 0) return;
    let parsed;
    try {
      parsed = parseReply(this.buffer, 0);
    } catch (err) {
      if (err === INCOMPLETE) return;
      this.fail(err);
      return;
    }
    const [node, end] = parsed;
    this.buffer = this.buffer.subarray(end);
    const { resolve: done } = this.waiting;
    this.waiting = null;
    done(node);
  }

  fail(err) {
    if (!this.waiting) return;
    const { reject } = this.waiting;
    this.waiting = null;
    reject(err);
  }

  close() {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server lifecycle
// ---------------------------------------------------------------------------------------------------------

/** Finds a free TCP port by binding an ephemeral listener and closing it. */
function findFreePort() {
  return new Promise((resolvePromise, rejectPromise) => {
    const server = net.createServer();
    server.once('error', rejectPromise);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

/** Opens a TCP connection to 127.0.0.1:port. */
function connect(port) {
  return new Promise((resolvePromise, rejectPromise) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.removeListener('error', rejectPromise);
      resolvePromise(socket);
    });
    socket.once('error', rejectPromise);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Retries connecting and PINGing until the server answers +PONG, or gives up after ~10s. */
async function connectWhenReady(port, deathReason) {
  let lastError;
  for (let attempt = 0; attempt < 200; attempt++) {
    const dead = deathReason();
    if (dead) throw new Error(`redis-server is not running: ${dead}`);
    try {
      const client = new RespClient(await connect(port));
      const pong = await client.call('PING');
      if (pong.t === 'status' && pong.v === 'PONG') return client;
      client.close();
      lastError = new Error(`unexpected PING reply ${JSON.stringify(pong)}`);
    } catch (err) {
      lastError = err;
    }
    await sleep(50);
  }
  throw new Error(`redis-server did not answer PING: ${lastError?.message}`);
}

// ---------------------------------------------------------------------------------------------------------
// Converting tagged nodes to the JSON data model
// ---------------------------------------------------------------------------------------------------------

/** Key-spec map keys whose values are free-text prose and are dropped. */
const KEY_SPEC_PROSE = new Set(['notes']);
/** COMMAND DOCS map keys (command level) whose values are free-text prose and are dropped. */
const DOCS_PROSE = new Set(['summary', 'complexity']);
/** COMMAND DOCS argument map keys whose values are free-text prose and are dropped. */
const ARGUMENT_PROSE = new Set(['summary']);

/**
 * Where prose was dropped, recorded so a re-encoder that supplies its own wording can reproduce Redis's reply
 * structure: summary is sent for every command, complexity for all but these, notes only for these key specs.
 */
const omittedProse = { commandsWithoutComplexity: [], keySpecsWithNotes: {} };

/** Asserts a node's tag and returns its value. */
function expect(node, tag, where) {
  if (node?.t !== tag) throw new Error(`${where}: expected ${tag}, got ${JSON.stringify(node)}`);
  return node.v;
}

/** Converts an array of status replies to plain strings, asserting every element is a status reply. */
function statusList(node, where) {
  return expect(node, 'array', where).map((item, i) => expect(item, 'status', `${where}[${i}]`));
}

/** Converts an array of bulk replies to plain strings, asserting every element is a bulk reply. */
function bulkList(node, where) {
  return expect(node, 'array', where).map((item, i) => expect(item, 'bulk', `${where}[${i}]`));
}

/**
 * Converts a generic tagged tree in which every string must be a bulk string (key-spec bodies): arrays become
 * JSON arrays, integers numbers, bulk strings strings. A status reply or null here would break the format
 * contract, so it is rejected rather than silently flattened.
 */
function bulkTree(node, where) {
  switch (node.t) {
    case 'bulk':
    case 'int':
      return node.v;
    case 'array':
      return node.v.map((item, i) => bulkTree(item, `${where}[${i}]`));
    default:
      throw new Error(`${where}: unexpected ${node.t} in a bulk-only position`);
  }
}

/** Splits a RESP2 flat map (array of alternating bulk keys and values) into [key, valueNode] pairs. */
function flatPairs(node, where) {
  const items = expect(node, 'array', where);
  if (items.length % 2 !== 0) throw new Error(`${where}: odd-length flat map`);
  const pairs = [];
  for (let i = 0; i < items.length; i += 2) pairs.push([expect(items[i], 'bulk', `${where} key`), items[i + 1]]);
  return pairs;
}

/**
 * Converts one key spec. Kept as the flat array Redis sends (key, value, key, value ...) minus the prose
 * `notes` pair; the values of `flags` are status replies, every other string is a bulk string.
 */
function convertKeySpec(node, where, name, index) {
  const out = [];
  for (const [key, value] of flatPairs(node, where)) {
    if (KEY_SPEC_PROSE.has(key)) {
      (omittedProse.keySpecsWithNotes[name] ??= []).push(index);
      continue;
    }
    out.push(key, key === 'flags' ? statusList(value, `${where}.flags`) : bulkTree(value, `${where}.${key}`));
  }
  return out;
}

/** Converts one COMMAND entry (a 10-element array) to the JSON entry shape, without docs. */
function convertCommandEntry(node, where) {
  const items = expect(node, 'array', where);
  if (items.length !== 10) throw new Error(`${where}: expected 10 fields, got ${items.length}`);
  const name = expect(items[0], 'bulk', `${where}.name`);
  const here = `${where}(${name})`;
  const entry = {
    arity: expect(items[1], 'int', `${here}.arity`),
    flags: statusList(items[2], `${here}.flags`),
    firstKey: expect(items[3], 'int', `${here}.firstKey`),
    lastKey: expect(items[4], 'int', `${here}.lastKey`),
    step: expect(items[5], 'int', `${here}.step`),
    aclCategories: statusList(items[6], `${here}.aclCategories`),
    tips: bulkList(items[7], `${here}.tips`),
    keySpecs: expect(items[8], 'array', `${here}.keySpecs`).map((spec, i) =>
      convertKeySpec(spec, `${here}.keySpecs[${i}]`, name, i),
    ),
  };
  const subs = expect(items[9], 'array', `${here}.subcommands`);
  if (subs.length > 0) {
    entry.subcommands = {};
    for (const [i, sub] of subs.entries()) {
      const subName = expect(expect(sub, 'array', `${here}.subcommands[${i}]`)[0], 'bulk', `${here} subname`);
      entry.subcommands[subName] = convertCommandEntry(sub, `${here}.subcommands[${i}]`).entry;
    }
  }
  return { name, entry };
}

/** Converts one argument map from COMMAND DOCS, keeping Redis's field order minus prose. */
function convertArgument(node, where) {
  const out = {};
  for (const [key, value] of flatPairs(node, where)) {
    if (ARGUMENT_PROSE.has(key)) continue;
    const at = `${where}.${key}`;
    if (key === 'flags') out.flags = statusList(value, at);
    else if (key === 'arguments') out.arguments = convertArguments(value, at);
    else if (value.t === 'bulk' || value.t === 'int') out[key] = value.v;
    else throw new Error(`${at}: unexpected ${value.t}`);
  }
  return out;
}

/** Converts an `arguments` array from COMMAND DOCS. */
function convertArguments(node, where) {
  return expect(node, 'array', where).map((arg, i) => convertArgument(arg, `${where}[${i}]`));
}

/**
 * Converts one command's COMMAND DOCS map, keeping Redis's field order minus prose. `history` keeps only the
 * version of each entry (the description is prose). Subcommand docs are returned separately so they can be
 * attached to the subcommand entries.
 */
function convertDocs(node, where, name) {
  const docs = {};
  let subcommands = null;
  const pairs = flatPairs(node, where);
  if (!pairs.some(([key]) => key === 'complexity')) omittedProse.commandsWithoutComplexity.push(name);
  for (const [key, value] of pairs) {
    const at = `${where}.${key}`;
    if (DOCS_PROSE.has(key)) continue;
    if (key === 'doc_flags') docs.doc_flags = statusList(value, at);
    else if (key === 'history')
      docs.history = expect(value, 'array', at).map((h, i) => expect(expect(h, 'array', `${at}[${i}]`)[0], 'bulk', at));
    else if (key === 'arguments') docs.arguments = convertArguments(value, at);
    else if (key === 'subcommands') subcommands = value;
    else if (value.t === 'bulk') docs[key] = value.v;
    else throw new Error(`${at}: unexpected ${value.t}`);
  }
  return { docs, subcommands };
}

/** Attaches the COMMAND DOCS flat map (name → docs) to the matching entries in `entries`. */
function attachDocs(entries, docsNode, where) {
  const seen = new Set();
  for (const [name, value] of flatPairs(docsNode, where)) {
    const entry = entries[name];
    if (!entry) throw new Error(`${where}: docs for unknown command ${name}`);
    const { docs, subcommands } = convertDocs(value, `${where}(${name})`, name);
    entry.docs = docs;
    if (subcommands) attachDocs(entry.subcommands ?? {}, subcommands, `${where}(${name}).subcommands`);
    seen.add(name);
  }
  for (const name of Object.keys(entries)) if (!seen.has(name)) throw new Error(`${where}: no docs for ${name}`);
}

/** Returns a copy of the command map with command names (and subcommand names) sorted alphabetically. */
function sortCommands(entries) {
  const out = {};
  for (const name of Object.keys(entries).sort()) {
    const entry = entries[name];
    // Fixed field order, independent of how the entry was assembled.
    const { arity, flags, firstKey, lastKey, step, aclCategories, tips, keySpecs, subcommands, docs } = entry;
    out[name] = { arity, flags, firstKey, lastKey, step, aclCategories, tips, keySpecs };
    if (subcommands) out[name].subcommands = sortCommands(subcommands);
    out[name].docs = docs;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Prettier-compatible JSON printer (so the generated file passes `prettier --check` without running prettier)
// ---------------------------------------------------------------------------------------------------------

/** The single-line rendering of a value, or null when prettier would never print it flat (non-empty object). */
function flat(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (forcesBreak(value)) return null;
    const parts = value.map(flat);
    return parts.includes(null) ? null : `[${parts.join(', ')}]`;
  }
  return Object.keys(value).length === 0 ? '{}' : null;
}

/** Prettier always breaks arrays of 2+ arrays (or 2+ objects) that each have more than one entry. */
function forcesBreak(array) {
  if (array.length < 2) return false;
  const isArr = Array.isArray(array[0]);
  return array.every((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item) !== isArr) return false;
    return (isArr ? item.length : Object.keys(item).length) > 1;
  });
}

/** Renders `value` at `indent`; `used` is the width already taken on the first line, `tail` the trailing text. */
function render(value, indent, used, tail) {
  if (value === undefined) throw new Error('undefined value in output');
  const one = flat(value);
  if (value === null || typeof value !== 'object') return one; // prettier never breaks scalars
  if (one !== null && used + one.length + tail.length <= PRINT_WIDTH) return one;
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length > 1 && value.every((v) => typeof v === 'number')) {
      throw new Error('numeric arrays that do not fit one line use prettier fill mode; not supported');
    }
    const lines = value.map((item, i) => {
      const comma = i < value.length - 1 ? ',' : '';
      return pad + render(item, indent + 2, pad.length, comma) + comma;
    });
    return `[\n${lines.join('\n')}\n${close}]`;
  }
  const keys = Object.keys(value);
  const lines = keys.map((key, i) => {
    const comma = i < keys.length - 1 ? ',' : '';
    const head = `${pad}${JSON.stringify(key)}: `;
    return head + render(value[key], indent + 2, head.length, comma) + comma;
  });
  return `{\n${lines.join('\n')}\n${close}}`;
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

const FORMAT = {
  layout:
    'Top-level keys not starting with "_" are lowercase command names, sorted. Each entry: arity, flags, ' +
    'firstKey, lastKey, step, aclCategories, tips, keySpecs, subcommands (keyed by full name like "config|get", ' +
    'sorted; omitted when none), docs.',
  statusStrings:
    'Every JSON string is a RESP bulk string EXCEPT these, which Redis sends as status (+) replies: the elements ' +
    'of flags, aclCategories, the array following "flags" inside each keySpecs element, docs.doc_flags, and ' +
    'every docs argument "flags" array (at any depth). JSON numbers are RESP integers. There are no nulls.',
  commandInfo:
    'COMMAND / COMMAND INFO entry = *10: [$name, :arity, *flags(+), :firstKey, :lastKey, :step, ' +
    '*aclCategories(+), *tips($), *keySpecs, *subcommand entries]. Each keySpecs element is the RESP2 flat map ' +
    'exactly as received (nested arrays verbatim) minus the prose "notes" pair, which Redis sends first in the ' +
    'key specs listed in _omittedProse.keySpecsWithNotes.',
  commandDocs:
    'COMMAND DOCS value = RESP2 flat map: summary, then the docs fields in the stored order (which is the order ' +
    'Redis sends), with complexity after group (except for _omittedProse.commandsWithoutComplexity), then ' +
    'subcommands (a flat map of full name to docs, taken from each subcommand entry). summary and complexity ' +
    "are prose and not stored; history keeps only each entry's version (Redis sends [version, description]). " +
    'Argument objects keep the key order Redis sends, minus any prose "summary".',
  order: 'Redis returns commands and subcommands in hash order (random per process); this file sorts them.',
};

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const port = await findFreePort();
  const workDir = mkdtempSync(join(tmpdir(), 'capture-command-meta-'));
  // Sentinel mode needs a writable config file, given first.
  const sentinelArgs = [];
  if (options.sentinel) {
    writeFileSync(join(workDir, 'sentinel.conf'), '');
    sentinelArgs.push(join(workDir, 'sentinel.conf'), '--sentinel');
  }
  const child = spawn(
    options.redisServer,
    [
      ...sentinelArgs,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...(options.sentinel ? [] : ['--save', '', '--appendonly', 'no']),
      '--daemonize',
      'no',
      '--dir',
      workDir,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let death = null;
  const exited = new Promise((r) => {
    child.once('error', (err) => {
      death = err.message;
      r();
    });
    child.once('exit', (code, signal) => {
      death = `exited with ${signal ?? code}`;
      r();
    });
  });
  let client;
  try {
    client = await connectWhenReady(port, () => death);
    const info = await client.call('INFO', 'server');
    const version = /redis_version:(\S+)/.exec(expect(info, 'bulk', 'INFO'))?.[1];
    const commandReply = await client.call('COMMAND');
    const docsReply = await client.call('COMMAND', 'DOCS');
    const count = expect(await client.call('COMMAND', 'COUNT'), 'int', 'COMMAND COUNT');

    const entries = {};
    for (const [i, node] of expect(commandReply, 'array', 'COMMAND').entries()) {
      const { name, entry } = convertCommandEntry(node, `COMMAND[${i}]`);
      entries[name] = entry;
    }
    if (Object.keys(entries).length !== count) throw new Error(`COMMAND COUNT ${count} != entries`);
    attachDocs(entries, docsReply, 'COMMAND DOCS');

    const data = {
      _source: `captured from redis-server 7.0.15${options.sentinel ? ' --sentinel' : ''} by scripts/capture-command-meta.mjs`,
      _server: version,
      _format: FORMAT,
      _omittedProse: {
        commandsWithoutComplexity: omittedProse.commandsWithoutComplexity.sort(),
        keySpecsWithNotes: Object.fromEntries(Object.entries(omittedProse.keySpecsWithNotes).sort()),
      },
      ...sortCommands(entries),
    };
    if (version !== '7.0.15') console.warn(`warning: captured from redis_version ${version}, not 7.0.15`);
    const text = render(data, 0, 0, '') + '\n';
    writeFileSync(options.out, text);
    console.log(`wrote ${count} commands (${text.length} bytes) to ${options.out}`);
  } finally {
    client?.close();
    if (!death) child.kill('SIGTERM');
    await exited;
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
